"""Named permission predicates, used by views, services and templates alike.

Event roles: owner (everything, including the team and deleting the event), organiser
(everything about the event's content and participants, not the team), rapporteur (the
report and the read-only management pages), check-in staff (the door). Site
administrators act as owners everywhere. An account whose address is not verified holds
no team role, whatever rows exist (roles follow the address, which it has not proved).
"""
from __future__ import annotations

from flask import g, has_app_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from eventsys.errors import PermissionDenied

OWNER, ORGANISER, RAPPORTEUR, CHECKIN = "owner", "organiser", "rapporteur", "checkin"

RIGHTS = {
    OWNER: {"dashboard", "manage", "team", "delete", "participants", "sensitive", "check_in", "report"},
    ORGANISER: {"dashboard", "manage", "participants", "sensitive", "check_in", "report"},
    RAPPORTEUR: {"dashboard", "report"},
    CHECKIN: {"dashboard", "check_in"},
}


class _System:
    """The application itself acting in a job (a CLI command, the demo loader): not a
    person, not logged in, and an owner of every event. Services never treat a missing
    actor (None) as allowed; jobs pass ``SYSTEM`` instead."""
    id = None
    is_authenticated = False
    is_admin = False
    is_verified = False

    def __repr__(self) -> str:
        return "<SYSTEM>"


SYSTEM = _System()


def is_authenticated(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def is_site_admin(user) -> bool:
    return is_authenticated(user) and bool(getattr(user, "is_admin", False))


def is_verified(user) -> bool:
    """Logged in with an address whose owner proved it (see auth.signup)."""
    return is_authenticated(user) and bool(getattr(user, "is_verified", False))


def can_view_outbox(user) -> bool:
    return is_site_admin(user)


def can_view_event_outbox(user, event) -> bool:
    """The event's own mail (recipients, bodies, errors): owners and organisers."""
    return _has(user, event, "manage")


def event_role(user, event) -> str | None:
    """The user's role on the event (site admins and ``SYSTEM`` count as owners), cached
    per request."""
    if user is SYSTEM and event is not None:
        return OWNER
    if not is_authenticated(user) or event is None:
        return None
    if is_site_admin(user):
        return OWNER
    if not is_verified(user):
        return None
    cache = g.setdefault("_event_roles", {}) if has_app_context() else {}
    key = (user.id, event.id)
    if key not in cache:
        from eventsys.events.models import EventRole
        from eventsys.extensions import db
        cache[key] = db.session.scalar(
            select(EventRole.role).where(EventRole.event_id == event.id, EventRole.user_id == user.id))
    return cache[key]


def forget_roles() -> None:
    """Drop the per-request cache after roles change."""
    if has_app_context():
        g.pop("_event_roles", None)


def _has(user, event, right: str) -> bool:
    role = event_role(user, event)
    return role is not None and right in RIGHTS[role]


def can_see_event(user, event) -> bool:
    """Published and cancelled events are public; drafts only for people with a role."""
    return event is not None and (event.is_public or event_role(user, event) is not None)


def can_view_dashboard(user, event) -> bool:
    return _has(user, event, "dashboard")


def can_manage_event(user, event) -> bool:
    return _has(user, event, "manage")


def can_manage_team(user, event) -> bool:
    return _has(user, event, "team")


def can_delete_event(user, event) -> bool:
    return _has(user, event, "delete")


def can_view_participants(user, event) -> bool:
    return _has(user, event, "participants")


def can_view_sensitive(user, event) -> bool:
    return _has(user, event, "sensitive")


def can_check_in(user, event) -> bool:
    return _has(user, event, "check_in")


def can_write_report(user, event) -> bool:
    return _has(user, event, "report")


def can_create_event(user) -> bool:
    # Its creator becomes its owner, a team role: only verified accounts hold those.
    return is_verified(user)


def can_manage_series(user, series) -> bool:
    return is_site_admin(user) or (is_authenticated(user) and series is not None and series.owner_id == user.id)


def require_manager(actor, event, message=None) -> None:
    """Raise PermissionDenied (with ``message``, or a general one) unless ``actor`` may
    manage the event's content. ``None`` is refused like anyone without a role."""
    if not can_manage_event(actor, event):
        raise PermissionDenied(message or _l("You cannot change this event."))


def template_globals() -> dict:
    return {name: globals()[name] for name in (
        "is_site_admin", "is_verified", "can_view_outbox", "can_view_event_outbox", "event_role", "can_see_event", "can_view_dashboard",
        "can_manage_event", "can_manage_team", "can_delete_event", "can_view_participants",
        "can_view_sensitive", "can_check_in", "can_write_report", "can_create_event", "can_manage_series")}
