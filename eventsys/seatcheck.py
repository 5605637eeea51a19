"""Recount every seat counter from the rows and report any drift (``eventsys check-seats``).

The counters (``registration_settings.*_taken``, ``working_group.*_taken``) are what
registration and direct group choice check capacity against; the rows are the truth:
- an event's counter of a mode must equal its registrations holding a seat in that mode
  (pending or confirmed), and never exceed the mode's capacity;
- a working group's counter of a mode must equal its assigned places whose registration
  is confirmed and attends in that mode (a cancelled registration holds no group seat).
Organisers may deliberately put a group over capacity, so that alone is not drift.
Spans registration and groups, so it lives above both.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, func, select

from eventsys.events.models import Event
from eventsys.extensions import db
from eventsys.groups.models import ASSIGNED, GroupMembership, WorkingGroup
from eventsys.registration.models import CONFIRMED, MODES, SEATED, Registration, RegistrationSettings


@dataclass(frozen=True)
class Drift:
    kind: str              # "event" or "group"
    name: str              # the event's slug, or "slug / group title"
    mode: str
    counter: int
    held: int              # seats held according to the rows
    capacity: int | None   # None: unlimited

    def __str__(self) -> str:
        capacity = "unlimited" if self.capacity is None else self.capacity
        return (f"{self.kind} {self.name} {self.mode}: counter {self.counter}, "
                f"seats held {self.held}, capacity {capacity}")


def _event_drift() -> list[Drift]:
    held = (select(Registration.event_id, Registration.mode, func.count().label("n"))
            .where(Registration.status.in_(SEATED)).group_by(Registration.event_id, Registration.mode).subquery())
    drift = []
    for mode in MODES:
        taken = getattr(RegistrationSettings, f"{mode}_taken")
        capacity = getattr(RegistrationSettings, f"{mode}_capacity")
        rows = db.session.execute(
            select(Event.slug, taken, func.coalesce(held.c.n, 0), capacity)
            .join(Event, Event.id == RegistrationSettings.event_id)
            .outerjoin(held, and_(held.c.event_id == RegistrationSettings.event_id, held.c.mode == mode))
            .order_by(Event.slug))
        drift += [Drift("event", slug, mode, counter, n, cap) for slug, counter, n, cap in rows
                  if counter != n or (cap is not None and counter > cap)]
    return drift


def _group_drift() -> list[Drift]:
    held = (select(GroupMembership.group_id, Registration.mode, func.count().label("n"))
            .join(Registration, Registration.id == GroupMembership.registration_id)
            .where(GroupMembership.status == ASSIGNED, Registration.status == CONFIRMED)
            .group_by(GroupMembership.group_id, Registration.mode).subquery())
    drift = []
    for mode in MODES:
        taken = getattr(WorkingGroup, f"{mode}_taken")
        seats = getattr(WorkingGroup, f"{mode}_seats")
        rows = db.session.execute(
            select(Event.slug, WorkingGroup.title, taken, func.coalesce(held.c.n, 0), seats)
            .join(Event, Event.id == WorkingGroup.event_id)
            .outerjoin(held, and_(held.c.group_id == WorkingGroup.id, held.c.mode == mode))
            .order_by(Event.slug, WorkingGroup.id))
        drift += [Drift("group", f"{slug} / {title}", mode, counter, n, cap)
                  for slug, title, counter, n, cap in rows if counter != n]
    return drift


def check_seats() -> list[Drift]:
    """Every counter that disagrees with the rows (or exceeds an event's capacity); empty
    when all match. Reads only."""
    return _event_drift() + _group_drift()
