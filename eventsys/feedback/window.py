"""When a feedback form can be answered.

A form opens at its ``opens_at`` or, when that is empty, when its slot ends (the event's
form: when the last slot that is not cancelled ends, or at the end of the event's last day
when it has no agenda). It closes at its ``closes_at`` or, when empty, 14 days after the
event (the end of its last day in the event's zone). Times are naive UTC.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy import func, select

from eventsys.agenda.models import AgendaSlot
from eventsys.extensions import db
from eventsys.timeutil import to_utc

DEFAULT_CLOSE_AFTER = timedelta(days=14)
NOT_OPEN, OPEN, CLOSED, CANCELLED = "not_open", "open", "closed", "cancelled"


def event_end_utc(event) -> datetime:
    """Midnight at the end of the event's last day, in the event's zone, as naive UTC."""
    return to_utc(datetime.combine(event.end_date + timedelta(days=1), time.min), event.timezone)


def last_slot_end(event) -> datetime | None:
    return db.session.scalar(select(func.max(AgendaSlot.ends_at)).where(
        AgendaSlot.event_id == event.id, AgendaSlot.status != "cancelled"))


@dataclass(frozen=True)
class Window:
    opens_at: datetime
    closes_at: datetime
    cancelled: bool = False

    def state(self, now: datetime) -> str:
        if self.cancelled:
            return CANCELLED
        if now < self.opens_at:
            return NOT_OPEN
        if now >= self.closes_at:
            return CLOSED
        return OPEN


def default_opens_at(form, event, last_end: datetime | None) -> datetime:
    if form.slot_id is not None:
        return form.slot.ends_at
    return last_end or event_end_utc(event)


def form_window(form, event, last_end: datetime | None = None) -> Window:
    """The form's window. ``last_end`` (the event's last slot end) is looked up for the
    event's own form when not given; pass it when computing many windows at once."""
    if form.slot_id is None and last_end is None and form.opens_at is None:
        last_end = last_slot_end(event)
    opens = form.opens_at or default_opens_at(form, event, last_end)
    closes = form.closes_at or event_end_utc(event) + DEFAULT_CLOSE_AFTER
    cancelled = form.slot_id is not None and form.slot.status == "cancelled"
    return Window(opens, closes, cancelled)
