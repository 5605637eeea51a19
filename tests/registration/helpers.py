"""Builders for registration tests."""
from __future__ import annotations

import itertools
from datetime import date

from eventsys.events.models import Event, EventRole
from eventsys.extensions import db
from eventsys.registration.models import RegistrationSettings

_n = itertools.count(1)


def make_open_event(owner=None, fmt: str = "hybrid", in_person: int | None = 10, online: int | None = None,
                    approval: bool = False, status: str = "published", **settings_kw):
    n = next(_n)
    event = Event(slug=f"reg-event-{n}", title=f"Registration workshop {n}", start_date=date(2031, 3, 3),
                  end_date=date(2031, 3, 4), timezone="Europe/Madrid", format=fmt, status=status,
                  online_link="https://meet.example.org/secret-room")
    db.session.add(event)
    db.session.flush()
    if owner is not None:
        db.session.add(EventRole(event_id=event.id, user_id=owner.id, email=owner.email, role="owner"))
    settings_kw.setdefault("is_open", True)
    settings = RegistrationSettings(event_id=event.id, in_person_capacity=in_person,
                                    online_capacity=online, requires_approval=approval, **settings_kw)
    db.session.add(settings)
    db.session.commit()
    return event
