"""Reading events: by slug, the public lists, "my events", the series an event may join,
and the counts on the management dashboard."""
from __future__ import annotations

from datetime import date
from typing import Callable

from sqlalchemy import func, or_, select

from eventsys import permissions
from eventsys.events.models import Event, EventRole, Room, Series
from eventsys.extensions import db
from eventsys.timeutil import utcnow


def get_event_by_slug(slug: str) -> Event | None:
    return db.session.scalar(select(Event).where(Event.slug == slug))


def public_events_page(upcoming: bool, page: int, per_page: int = 20, today: date | None = None):
    """One page of published and cancelled events: upcoming ones soonest first (an event
    is upcoming until its last day has passed), past ones most recent first."""
    today = today or utcnow().date()
    query = select(Event).where(Event.is_public)
    if upcoming:
        query = query.where(Event.end_date >= today).order_by(Event.start_date, Event.id)
    else:
        query = query.where(Event.end_date < today).order_by(Event.start_date.desc(), Event.id.desc())
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def list_upcoming_events(limit: int = 6, today: date | None = None) -> list[Event]:
    """Published events that have not ended yet, soonest first (for the home page)."""
    today = today or utcnow().date()
    return list(db.session.scalars(
        select(Event).where(Event.status == "published", Event.end_date >= today)
        .order_by(Event.start_date, Event.id).limit(limit)))


def list_my_events(user) -> list[tuple[Event, str]]:
    """Events where ``user`` holds a role, with that role, newest first (none while the
    account's address is not verified: see permissions.event_role)."""
    if not permissions.is_verified(user):
        return []
    rows = db.session.execute(
        select(Event, EventRole.role).join(EventRole, EventRole.event_id == Event.id)
        .where(EventRole.user_id == user.id).order_by(Event.start_date.desc(), Event.id.desc()))
    return [(event, role) for event, role in rows]


def series_choices(actor, current_id: int | None = None) -> list[Series]:
    """Series an event of ``actor`` may join: those they own (every series for site
    admins), plus the event's current series so that editing keeps it."""
    query = select(Series).order_by(Series.title, Series.id)
    if not permissions.is_site_admin(actor):
        query = query.where(or_(Series.owner_id == actor.id, Series.id == (current_id or -1)))
    return list(db.session.scalars(query))


def owned_series(actor) -> list[Series]:
    """The series ``actor`` owns, by title."""
    return list(db.session.scalars(select(Series).where(Series.owner_id == actor.id)
                                   .order_by(Series.title, Series.id)))


# Features above events add their own figure to the dashboard: name -> a function of the
# event's id column returning a scalar count subquery (agenda: slots, speakers: speakers).
_COUNTS: dict[str, Callable] = {}


def register_count(name: str, count: Callable) -> None:
    """Let a higher feature add ``name`` to dashboard_counts (from its connections.py)."""
    _COUNTS[name] = count


def dashboard_counts(event: Event) -> dict[str, int]:
    """Rooms and every registered figure (agenda slots, speakers) of the event, in one query."""
    columns = {"rooms": select(func.count(Room.id)).where(Room.event_id == event.id).scalar_subquery()}
    columns.update({name: count(event.id) for name, count in _COUNTS.items()})
    row = db.session.execute(select(*columns.values())).one()
    return dict(zip(columns, row))
