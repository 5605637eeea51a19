"""Named permission predicates, used by views, services and templates alike."""
from __future__ import annotations


def is_authenticated(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def is_site_admin(user) -> bool:
    return is_authenticated(user) and bool(getattr(user, "is_admin", False))


def can_view_outbox(user) -> bool:
    return is_site_admin(user)


def template_globals() -> dict:
    return {
        "is_site_admin": is_site_admin,
        "can_view_outbox": can_view_outbox,
    }
