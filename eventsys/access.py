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


def current_actor():
    """The logged-in user (or the anonymous user) as the ``actor`` services take: the
    object itself, not Flask-Login's proxy."""
    return current_user._get_current_object()


def visible_event(slug: str):
    """The event named by ``slug`` for the current viewer: 404 when there is none, and for
    a draft unless the viewer holds a role on it (``permissions.can_see_event``)."""
    from eventsys.events.reading import get_event_by_slug

    event = get_event_by_slug(slug)
    if event is None or not permissions.can_see_event(current_user, event):
        abort(404)
    return event


def event_organiser(predicate=permissions.can_view_dashboard):
    """Management pages of one event, named by the URL's ``slug``.

    Anonymous visitors are sent to log in; people without a role on a draft event get
    404 (its existence is not revealed); people without the right for this page get 403.
    The view receives the loaded ``event`` instead of ``slug``.
    """
    def decorator(view):
        @wraps(view)
        def wrapped(*args, slug: str, **kwargs):
            event = visible_event(slug)
            if not predicate(current_user, event):
                abort(403)
            return view(*args, event=event, **kwargs)
        return _mark(_flask_login_required(wrapped), ORGANISER)
    return decorator


def series_owner(view):
    """Management pages of a series: its owner (and site admins); others get 403."""
    @wraps(view)
    def wrapped(*args, slug: str, **kwargs):
        from eventsys.series.services import get_series_by_slug

        series = get_series_by_slug(slug)
        if series is None:
            abort(404)
        if not permissions.can_manage_series(current_user, series):
            abort(403)
        return view(*args, series=series, **kwargs)
    return _mark(_flask_login_required(wrapped), ORGANISER)
