"""Seat counting that cannot overbook, and the one way a registration changes status or
mode, even under concurrent load.

Each mode's seats are a counter on ``registration_settings`` that only changes through a
conditional ``UPDATE … SET taken = taken + 1 WHERE taken < capacity``: the database
checks and increments in one statement, so two requests can never both take the last
seat. On PostgreSQL the UPDATE also locks the settings row until commit, which
serialises waitlist promotions; on SQLite the UPDATE opens the write transaction
(pysqlite begins transactions just before the first write), which does the same.

Every change of a registration's status or mode goes through :func:`transition`: it locks
the event's counter row first (one lock order everywhere: counter row, then registration
rows, then working groups), then writes the registration with a conditional
``UPDATE … WHERE status = :seen AND mode = :seen AND user_id = :seen`` and moves the seats
accordingly. A request that acted on a stale copy (a double click, the participant and an
organiser at once) matches no row and is rolled back whole: it can never give a seat back
twice or promote the waiting list twice. :func:`lock` re-reads the registration under the
counter lock, so services check their rules on fresh data.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm.attributes import set_committed_value

from eventsys.errors import Conflict
from eventsys.extensions import db
from eventsys.registration.models import (CONFIRMED, PENDING, SEATED, WAITLISTED, Checkin, Registration,
                                          RegistrationSettings)

CHANGED_MEANWHILE = _l("This registration was changed at the same moment by another request. "
                       "Reload the page to see where it stands.")


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


def lock(registration: Registration, settings: RegistrationSettings) -> None:
    """Serialise with every other seat change of the event (until commit or rollback),
    then re-read the registration: what the caller checks next is current. Discards
    unflushed changes to the registration, so call it before changing anything."""
    lock_counter(settings.id)
    db.session.refresh(registration)


def hold(registration: Registration, status: str, user_id: int | None = None) -> bool:
    """Lock the registration's row until commit if it still has ``status`` (and owner
    ``user_id`` when given); False otherwise. For features above registration that change
    what a registration holds (working-group places): the same row lock as transition."""
    query = update(Registration).where(Registration.id == registration.id, Registration.status == status)
    if user_id is not None:
        query = query.where(Registration.user_id == user_id)
    result = db.session.execute(query.values(status=Registration.status, updated_at=Registration.updated_at)
                                .execution_options(synchronize_session=False))
    return result.rowcount == 1


def transition(registration: Registration, settings: RegistrationSettings, status: str, mode: str | None = None,
               stale_message=None, **values) -> bool:
    """Change ``registration`` from the status and mode the caller saw to ``status`` (and
    ``mode``; other columns in ``values``), moving its seat: a seat in the new mode is taken
    first (conditionally), then the old one given back. The caller promotes the waiting
    list of a mode whose seat was given back. Part of the caller's transaction.

    Returns False, changing nothing, when the new state needs a seat and none is free.
    Raises Conflict (``stale_message``), after rolling the whole transaction back, when the
    row no longer has the status, mode and owner the caller saw."""
    old_status, old_mode, mode = registration.status, registration.mode, mode or registration.mode
    keeps_seat = old_status in SEATED and status in SEATED and mode == old_mode
    lock_counter(settings.id)
    if status in SEATED and not keeps_seat and not take_seat(settings.id, mode):
        return False
    values = {"status": status, "mode": mode, **values}
    result = db.session.execute(
        update(Registration)
        .where(Registration.id == registration.id, Registration.status == old_status,
               Registration.mode == old_mode, Registration.user_id == registration.user_id)
        .values(values).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        db.session.rollback()
        raise Conflict(stale_message or CHANGED_MEANWHILE)
    if old_status in SEATED and not keeps_seat:
        release_seat(settings.id, old_mode)
    if "checked_in_at" in values and values["checked_in_at"] is None:  # the day-by-day check-ins go too
        db.session.execute(delete(Checkin).where(Checkin.registration_id == registration.id))
    for key, value in values.items():
        set_committed_value(registration, key, value)
    return True


def seated_status(settings: RegistrationSettings) -> str:
    """The status of someone who gets a seat: pending while approval is required."""
    return PENDING if settings.requires_approval else CONFIRMED


def seat_values(status: str, now) -> dict:
    return {"confirmed_at": now if status == CONFIRMED else None}


def first_waitlisted(event_id: int, mode: str) -> Registration | None:
    return db.session.scalar(
        select(Registration)
        .where(Registration.event_id == event_id, Registration.mode == mode,
               Registration.status == WAITLISTED)
        .order_by(Registration.created_at, Registration.id).limit(1)
        .execution_options(populate_existing=True))


def promote_waitlisted(settings: RegistrationSettings, mode: str, now) -> list[Registration]:
    """Move the first people in line into free seats, in order. Call after the counter
    row is locked (lock, transition or lock_counter) in the same transaction."""
    promoted = []
    status = seated_status(settings)
    while (candidate := first_waitlisted(settings.event_id, mode)) is not None:
        if not transition(candidate, settings, status, **seat_values(status, now)):
            break
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
