"""Seat counting that cannot overbook, even under concurrent load.

Each mode's seats are a counter on ``registration_settings`` that only changes through a
conditional ``UPDATE … SET taken = taken + 1 WHERE taken < capacity``: the database
checks and increments in one statement, so two requests can never both take the last
seat. On PostgreSQL the UPDATE also locks the settings row until commit, which
serialises waitlist promotions; on SQLite the UPDATE opens the write transaction
(pysqlite begins transactions just before the first write), which does the same.
"""
from __future__ import annotations

from sqlalchemy import or_, select, update

from eventsys.extensions import db
from eventsys.registration.models import (CONFIRMED, PENDING, WAITLISTED, Registration,
                                          RegistrationSettings)


def _columns(mode: str):
    if mode == "in_person":
        return RegistrationSettings.in_person_taken, RegistrationSettings.in_person_capacity
    if mode == "online":
        return RegistrationSettings.online_taken, RegistrationSettings.online_capacity
    raise ValueError(mode)


def take_seat(settings_id: int, mode: str) -> bool:
    """Take one seat of ``mode`` if one is free; True when taken. Part of the caller's transaction."""
    taken, capacity = _columns(mode)
    result = db.session.execute(
        update(RegistrationSettings)
        .where(RegistrationSettings.id == settings_id, or_(capacity.is_(None), taken < capacity))
        .values({taken.key: taken + 1})
        .execution_options(synchronize_session=False))
    return result.rowcount == 1


def release_seat(settings_id: int, mode: str) -> None:
    """Give one seat of ``mode`` back (and lock the counter row until commit)."""
    taken, _capacity = _columns(mode)
    db.session.execute(
        update(RegistrationSettings)
        .where(RegistrationSettings.id == settings_id, taken > 0)
        .values({taken.key: taken - 1})
        .execution_options(synchronize_session=False))


def lock_counter(settings_id: int) -> None:
    """Serialise with other seat changes of this event without changing anything."""
    db.session.execute(
        update(RegistrationSettings).where(RegistrationSettings.id == settings_id)
        .values(id=RegistrationSettings.id).execution_options(synchronize_session=False))


def first_waitlisted(event_id: int, mode: str) -> Registration | None:
    return db.session.scalar(
        select(Registration)
        .where(Registration.event_id == event_id, Registration.mode == mode,
               Registration.status == WAITLISTED)
        .order_by(Registration.created_at, Registration.id).limit(1))


def promote_waitlisted(settings: RegistrationSettings, mode: str, now) -> list[Registration]:
    """Move the first people in line into free seats, in order. Call after the counter
    row is locked (release_seat or lock_counter) in the same transaction."""
    promoted = []
    while True:
        candidate = first_waitlisted(settings.event_id, mode)
        if candidate is None or not take_seat(settings.id, mode):
            break
        candidate.status = PENDING if settings.requires_approval else CONFIRMED
        if candidate.status == CONFIRMED:
            candidate.confirmed_at = now
        db.session.flush()
        promoted.append(candidate)
    return promoted


def waitlist_position(registration: Registration) -> int | None:
    """1 for the first in line; None when not waitlisted."""
    if registration.status != WAITLISTED:
        return None
    ahead = db.session.scalar(
        select(db.func.count()).select_from(Registration)
        .where(Registration.event_id == registration.event_id, Registration.mode == registration.mode,
               Registration.status == WAITLISTED,
               or_(Registration.created_at < registration.created_at,
                   (Registration.created_at == registration.created_at) & (Registration.id < registration.id))))
    return ahead + 1


def seats_left(settings: RegistrationSettings, mode: str) -> int | None:
    """Free seats of ``mode`` as the counters stand (None = unlimited). A read for pages
    and for warning before the waiting list; taking a seat is ``take_seat``."""
    if mode == "in_person":
        capacity, taken = settings.in_person_capacity, settings.in_person_taken
    elif mode == "online":
        capacity, taken = settings.online_capacity, settings.online_taken
    else:
        raise ValueError(mode)
    return None if capacity is None else max(capacity - (taken or 0), 0)
