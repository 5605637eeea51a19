"""Route guards. Every view declares who may use it with exactly one of these; the
access-table test reads the ``access`` attribute they leave on the view function."""
from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user
from flask_login import login_required as _flask_login_required

from eventsys import permissions

PUBLIC, LOGGED_IN, ORGANISER, ADMIN = "public", "logged-in", "event-organiser", "admin"


def _mark(view, level: str):
    view.access = level
    return view


def public(view):
    """Anyone, logged in or not."""
    return _mark(view, PUBLIC)


def login_required(view):
    """Any logged-in user (anonymous visitors are sent to the log-in page)."""
    return _mark(_flask_login_required(view), LOGGED_IN)


def admin_required(view):
    """Site administrators only; other users get 403."""
    @wraps(view)
    def wrapped(*args, **kwargs):
        if not permissions.is_site_admin(current_user):
            abort(403)
        return view(*args, **kwargs)
    return _mark(_flask_login_required(wrapped), ADMIN)
