"""The rules of an event's fields (and of the slugs and texts series share): checked and
cleaned values, or a ValidationError naming the field."""
from __future__ import annotations

import re
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from eventsys import inputrules, permissions
from eventsys.auth.services import normalise_email
from eventsys.errors import ValidationError
from eventsys.events.models import FORMATS, Event, Series
from eventsys.extensions import db
from eventsys.reference import is_valid_country, is_valid_timezone

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_MAX = 80
# Words that are page addresses of their own under /events/ and /series/.
RESERVED_SLUGS = frozenset({"new", "mine", "team-invitations"})
SLUG_TAKEN = _l("This address is already taken. Choose another one.")


def check_slug(slug, model, exclude_id: int | None = None) -> str:
    """A URL name: lower-case letters, digits and single hyphens, at most 80 characters,
    not a reserved word, unique among ``model``'s rows. Raises ValidationError (field slug)."""
    slug = (slug or "").strip()
    if not slug:
        raise ValidationError(_l("Enter a short name for the address, e.g. workshop-2030."), field="slug")
    if len(slug) > SLUG_MAX:
        raise ValidationError(_l("Use at most %(n)s characters.", n=SLUG_MAX), field="slug")
    if not SLUG_RE.match(slug):
        raise ValidationError(_l("Use only lower-case letters, digits and single hyphens between them, "
                                 "e.g. workshop-2030."), field="slug")
    if slug in RESERVED_SLUGS:
        raise ValidationError(_l("This word is reserved. Choose another one."), field="slug")
    query = select(model.id).where(model.slug == slug)
    if exclude_id is not None:
        query = query.where(model.id != exclude_id)
    if db.session.scalar(query) is not None:
        raise ValidationError(SLUG_TAKEN, field="slug")
    return slug


def clean_text(values: dict, name: str, max_length: int, required=None, multiline: bool = False) -> str:
    """A stripped text value, on one line unless ``multiline``; ``required`` is the message
    shown when it is empty."""
    value = (values.get(name) or "").strip()
    if not multiline:
        inputrules.require_single_line(value, name)
    if required and not value:
        raise ValidationError(required, field=name)
    if len(value) > max_length:
        raise ValidationError(_l("Use at most %(n)s characters.", n=max_length), field=name)
    return value


def _dates(values: dict) -> tuple[date, date]:
    start, end = values.get("start_date"), values.get("end_date")
    if not isinstance(start, date):
        raise ValidationError(_l("Enter the first day of the event."), field="start_date")
    if not isinstance(end, date):
        raise ValidationError(_l("Enter the last day of the event."), field="end_date")
    inputrules.require_date(start, "start_date")
    inputrules.require_date(end, "end_date")
    if end < start:
        raise ValidationError(_l("The event cannot end before it starts."), field="end_date")
    return start, end


def _online_link(values: dict) -> str:
    return inputrules.require_web_address(clean_text(values, "online_link", 500), "online_link")


def _series_id(raw, actor, current_id: int | None) -> int | None:
    """An event joins a series its actor owns; an event already in a series may stay."""
    if raw in (None, ""):
        return None
    series_id = inputrules.parse_db_id(raw)
    series = db.session.get(Series, series_id) if series_id is not None else None
    if series is None:
        raise ValidationError(_l("Choose a series from the list."), field="series_id")
    if series.id != current_id and not permissions.can_manage_series(actor, series):
        raise ValidationError(_l("You can only add events to a series you own."), field="series_id")
    return series.id


def validate_event_values(values: dict, actor, event: Event | None = None) -> dict:
    """Every field of the event form, checked and cleaned. Raises ValidationError naming
    the first field that breaks a rule."""
    clean = {
        "title": clean_text(values, "title", 200, required=_l("Enter a title.")),
        "slug": check_slug(values.get("slug"), Event, event.id if event else None),
        "summary": clean_text(values, "summary", 500, multiline=True),
        "description": clean_text(values, "description", 50_000, multiline=True),
    }
    clean["start_date"], clean["end_date"] = _dates(values)
    clean["timezone"] = (values.get("timezone") or "").strip()
    if not is_valid_timezone(clean["timezone"]):
        raise ValidationError(_l("Choose a time zone from the list."), field="timezone")
    clean["format"] = values.get("format") or ""
    if clean["format"] not in FORMATS:
        raise ValidationError(_l("Choose a format from the list."), field="format")
    clean["venue_name"] = clean_text(values, "venue_name", 200)
    clean["venue_address"] = clean_text(values, "venue_address", 300)
    clean["venue_city"] = clean_text(values, "venue_city", 100)
    clean["venue_country"] = (values.get("venue_country") or "").strip()
    if clean["venue_country"] and not is_valid_country(clean["venue_country"]):
        raise ValidationError(_l("Choose a country from the list."), field="venue_country")
    clean["online_link"] = _online_link(values)
    contact = (values.get("contact_email") or "").strip()
    clean["contact_email"] = normalise_email(contact, field="contact_email") if contact else ""
    clean["series_id"] = _series_id(values.get("series_id"), actor, event.series_id if event else None)
    return clean


def commit_or_field_error(message=SLUG_TAKEN, field: str | None = "slug") -> None:
    """Commit; a unique constraint lost to a concurrent request becomes a field error."""
    try:
        db.session.commit()
    except IntegrityError as exc:
        db.session.rollback()
        raise ValidationError(message, field=field) from exc
    permissions.forget_roles()
