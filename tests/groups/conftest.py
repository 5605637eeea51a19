"""Builders for working-group tests: a published hybrid event (Europe/Madrid, 3-4 March
2031) owned by "owner", confirmed participants inserted directly (registration order =
creation order), working-group slots, rounds and groups made through the services."""
from __future__ import annotations

import itertools
from datetime import datetime, timedelta

import pytest

from eventsys.agenda.models import AgendaSlot
from eventsys.extensions import db
from eventsys.groups import services
from eventsys.registration import seats
from eventsys.registration.models import CONFIRMED, SEATED, Registration
from tests.registration.helpers import make_open_event

_n = itertools.count(1)
T0 = datetime(2030, 1, 1, 9, 0)  # registration times: T0, T0 + 1 min, ...


@pytest.fixture
def owner(make_user):
    return make_user(email="olga@example.org", name="Olga Owner")


@pytest.fixture
def event(app, owner):
    return make_open_event(owner=owner, in_person=500, online=None)


@pytest.fixture
def add_participant(app, make_user):
    """A user with a confirmed registration (``status`` to override) on ``event``."""
    def build(event, mode="in_person", category="", name=None, status=CONFIRMED, user=None) -> Registration:
        n = next(_n)
        user = user or make_user(email=f"p{n}@example.org", name=name or f"Participant {n}",
                                 stakeholder_category=category)
        registration = Registration(event_id=event.id, user_id=user.id, mode=mode, status=status,
                                    stakeholder_category=category, consent_privacy_version="1",
                                    created_at=T0 + timedelta(minutes=n))
        db.session.add(registration)
        if status in SEATED:  # keep the event's seat counter true to the rows (eventsys check-seats)
            seats.take_seat(seats_of(event).id, mode)
        db.session.commit()
        return registration
    return build


def seats_of(event):
    from eventsys.registration.services import get_settings
    return get_settings(event)


@pytest.fixture
def add_slot(app):
    def build(event, title="Working groups", start=datetime(2031, 3, 3, 13, 0), minutes=90,
              kind="working_group") -> AgendaSlot:
        slot = AgendaSlot(event_id=event.id, kind=kind, title=title, starts_at=start,
                          ends_at=start + timedelta(minutes=minutes))
        db.session.add(slot)
        db.session.commit()
        return slot
    return build


ROUND = {"title": "Day 1 afternoon", "join_mode": "ranked", "min_ranks": 2, "opens_at": None,
         "deadline": None, "balance_share": None}


@pytest.fixture
def make_round(app, owner):
    def build(event, **values):
        return services.create_round(event, {**ROUND, **values}, owner)
    return build


@pytest.fixture
def make_group(app, owner):
    def build(round_, title=None, in_person=5, online=0, fmt=None, staff="", slots=(), **values):
        fmt = fmt or ("hybrid" if in_person and online else "online" if online else "in_person")
        data = {"title": title or f"Group {next(_n)}", "format": fmt, "in_person_seats": in_person,
                "online_seats": online, **values}
        return services.create_group(round_, data, owner, staff_text=staff, slot_ids=[s.id for s in slots])
    return build


def reload(model, id_):
    db.session.expire_all()
    return db.session.get(model, id_)
