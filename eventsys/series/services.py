"""Series of events: create, edit, and the series page's list (the series an event form
offers are read by events.reading, below series).

Services take models or plain values and the acting user, enforce the rules, commit one
transaction and raise DomainError subclasses with a message (and field) a user can read.
"""
from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from eventsys import permissions
from eventsys.errors import PermissionDenied, ValidationError
from eventsys.events.models import Event
from eventsys.events.rules import SLUG_TAKEN, check_slug, clean_text
from eventsys.extensions import db
from eventsys.series.models import Series
from eventsys.timeutil import utcnow


def get_series_by_slug(slug: str) -> Series | None:
    return db.session.scalar(select(Series).where(Series.slug == slug))


def series_events(series: Series, today: date | None = None) -> tuple[list[Event], list[Event]]:
    """The series' public events: upcoming ones soonest first, past ones latest first."""
    today = today or utcnow().date()
    events = db.session.scalars(select(Event).where(Event.series_id == series.id,
                                                    Event.is_public)
                                .order_by(Event.start_date, Event.id)).all()
    upcoming = [e for e in events if e.end_date >= today]
    past = [e for e in reversed(events) if e.end_date < today]
    return upcoming, past


def _series_values(values: dict, series: Series | None = None) -> dict:
    return {
        "title": clean_text(values, "title", 200, required=_l("Enter a title.")),
        "slug": check_slug(values.get("slug"), Series, series.id if series else None),
        "description": clean_text(values, "description", 50_000, multiline=True),
    }


def _commit() -> None:
    try:
        db.session.commit()
    except IntegrityError as exc:  # a concurrent request took the slug
        db.session.rollback()
        raise ValidationError(SLUG_TAKEN, field="slug") from exc


def create_series(values: dict, actor) -> Series:
    """Create a series owned by ``actor``. Raises PermissionDenied for anonymous actors;
    ValidationError for a missing title or a bad or taken slug."""
    if not permissions.is_authenticated(actor):
        raise PermissionDenied(_l("Log in to create a series."))
    series = Series(owner_id=actor.id, **_series_values(values))
    db.session.add(series)
    _commit()
    return series


def update_series(series: Series, values: dict, actor) -> Series:
    """Change a series' title, slug or description. Needs can_manage_series
    (PermissionDenied); ValidationError as for create_series."""
    if not permissions.can_manage_series(actor, series):
        raise PermissionDenied(_l("Only the series' owner can change it."))
    for key, value in _series_values(values, series).items():
        setattr(series, key, value)
    _commit()
    return series
