"""Builders for agenda tests: an event in Europe/Madrid (6–7 May 2030) owned by a user,
rooms, speakers and slots inserted directly (no service rules involved)."""
from __future__ import annotations

import itertools
from datetime import date, datetime

import pytest

from eventsys.agenda.models import AgendaSlot, SlotSpeaker
from eventsys.events.models import Event, EventRole, Room
from eventsys.extensions import db
from eventsys.speakers.models import Speaker
from eventsys.timeutil import to_utc

_numbers = itertools.count(1)


def madrid(day: int, hour: int, minute: int = 0, month: int = 5) -> datetime:
    """A naive wall time in Madrid, May 2030 unless told."""
    return datetime(2030, month, day, hour, minute)


@pytest.fixture
def owner(make_user):
    return make_user(name="Olga Owner")


@pytest.fixture
def make_event(app, owner):
    def build(user=None, role="owner", **fields) -> Event:
        n = next(_numbers)
        fields.setdefault("slug", f"workshop-{n}")
        fields.setdefault("title", f"Workshop {n}")
        fields.setdefault("start_date", date(2030, 5, 6))
        fields.setdefault("end_date", date(2030, 5, 7))
        fields.setdefault("timezone", "Europe/Madrid")
        fields.setdefault("status", "published")
        event = Event(**fields)
        db.session.add(event)
        db.session.flush()
        user = user or owner
        db.session.add(EventRole(event_id=event.id, user_id=user.id, email=user.email, role=role))
        db.session.commit()
        return event
    return build


@pytest.fixture
def event(make_event):
    return make_event(slug="genomics-2030", title="Genomics workshop")


@pytest.fixture
def make_room(app):
    def build(event, name: str, position: int = 0) -> Room:
        room = Room(event_id=event.id, name=name, position=position)
        db.session.add(room)
        db.session.commit()
        return room
    return build


@pytest.fixture
def make_speaker(app):
    def build(event, name: str, organisation: str = "") -> Speaker:
        speaker = Speaker(event_id=event.id, name=name, organisation=organisation)
        db.session.add(speaker)
        db.session.commit()
        return speaker
    return build


@pytest.fixture
def add_slot(app):
    """Insert a slot directly (local Madrid times), bypassing the rules."""
    def build(event, title: str, start: datetime, end: datetime, room=None, kind="plenary",
              status="scheduled", speakers=(), description="") -> AgendaSlot:
        slot = AgendaSlot(event_id=event.id, title=title, kind=kind, status=status,
                          description=description, room_id=room.id if room else None,
                          starts_at=to_utc(start, event.timezone), ends_at=to_utc(end, event.timezone))
        db.session.add(slot)
        db.session.flush()
        for position, item in enumerate(speakers):
            speaker, role = item if isinstance(item, tuple) else (item, "speaker")
            db.session.add(SlotSpeaker(slot_id=slot.id, speaker_id=speaker.id, role=role, position=position))
        db.session.commit()
        return slot
    return build


def reload(model, id_):
    db.session.expire_all()
    return db.session.get(model, id_)
