"""Builders for event tests (shared with tests/series): events, roles, rooms, slots and
speakers written straight to the database, so tests start from a known state."""
from __future__ import annotations

import itertools
from datetime import date, datetime

from sqlalchemy import func, select

from eventsys import permissions
from eventsys.agenda.models import AgendaSlot, SlotSpeaker
from eventsys.events.models import Event, EventRole, Room
from eventsys.extensions import db
from eventsys.speakers.models import Speaker

_counter = itertools.count(1)


def make_event(owner=None, **fields) -> Event:
    n = next(_counter)
    values = dict(slug=f"workshop-{n}", title=f"Workshop {n}", summary="A workshop on rare diseases.",
                  start_date=date(2030, 5, 6), end_date=date(2030, 5, 7), timezone="Europe/Madrid",
                  format="hybrid", status="published", venue_name="Instituto de Salud Carlos III",
                  venue_address="Calle Sinesio Delgado 4", venue_city="Madrid", venue_country="ES",
                  online_link="https://meet.example.org/secret-room-42", contact_email="info@example.org")
    values.update(fields)
    event = Event(**values)
    db.session.add(event)
    db.session.flush()
    if owner is not None:
        db.session.add(EventRole(event_id=event.id, user_id=owner.id, email=owner.email, role="owner"))
    db.session.commit()
    permissions.forget_roles()
    return event


def grant(event, user, role: str) -> EventRole:
    row = EventRole(event_id=event.id, user_id=user.id, email=user.email, role=role)
    db.session.add(row)
    db.session.commit()
    permissions.forget_roles()
    return row


def make_room(event, name: str = "Sala Goya", capacity: int | None = 80) -> Room:
    room = Room(event_id=event.id, name=name, capacity=capacity)
    db.session.add(room)
    db.session.commit()
    return room


def make_speaker(event, name: str = "Dr. Sofía Ruiz", **fields) -> Speaker:
    speaker = Speaker(event_id=event.id, name=name, **fields)
    db.session.add(speaker)
    db.session.commit()
    return speaker


def make_slot(event, starts_at: datetime, ends_at: datetime, room=None, speakers=(), **fields) -> AgendaSlot:
    slot = AgendaSlot(event_id=event.id, title=fields.pop("title", "Opening plenary"), starts_at=starts_at,
                      ends_at=ends_at, room_id=room.id if room else None, **fields)
    db.session.add(slot)
    db.session.flush()
    for position, speaker in enumerate(speakers):
        db.session.add(SlotSpeaker(slot_id=slot.id, speaker_id=speaker.id, role="speaker", position=position))
    db.session.commit()
    return slot


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def event_values(**overrides) -> dict:
    """Valid values for create_event / the event form's fields."""
    values = {"title": "Rare diseases workshop 2030", "slug": "rare-2030", "summary": "Two days on registries.",
              "description": "## Programme\n\nTalks and **working groups**.", "start_date": date(2030, 5, 6),
              "end_date": date(2030, 5, 7), "timezone": "Europe/Madrid", "format": "hybrid",
              "venue_name": "ISCIII", "venue_address": "Calle Sinesio Delgado 4", "venue_city": "Madrid",
              "venue_country": "ES", "online_link": "https://meet.example.org/rare-2030",
              "contact_email": "Info@Example.org", "series_id": ""}
    values.update(overrides)
    return values
