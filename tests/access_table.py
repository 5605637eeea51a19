"""The one access table: every endpoint of the app, who may use it, and a request that
exercises it. ``{name}`` placeholders are filled from the ``access_world`` fixture.

Levels: public (anyone), logged-in (any account), event-organiser (a role on *that*
event), admin (site administrators).
"""
from eventsys.access import ADMIN, LOGGED_IN, ORGANISER, PUBLIC

ROUTES: dict[str, tuple[str, str, str]] = {
    # endpoint: (level, method, url)
    "static": (PUBLIC, "GET", "/static/css/eventsys.css"),
    "bootstrap.static": (PUBLIC, "GET", "/bootstrap/static/css/bootstrap.min.css"),
    "main.index": (PUBLIC, "GET", "/"),
    "main.healthz": (PUBLIC, "GET", "/healthz"),
    "auth.signup": (PUBLIC, "GET", "/auth/signup"),
    "auth.login": (PUBLIC, "GET", "/auth/login"),
    "auth.reset_request": (PUBLIC, "GET", "/auth/reset"),
    "auth.reset_password": (PUBLIC, "GET", "/auth/reset/{reset_token}"),
    "auth.logout": (LOGGED_IN, "POST", "/auth/logout"),
    "auth.profile": (LOGGED_IN, "GET", "/auth/profile"),
    "auth.change_password": (LOGGED_IN, "GET", "/auth/password"),
    "admin.outbox": (ADMIN, "GET", "/admin/outbox"),
    "admin.outbox_retry": (ADMIN, "POST", "/admin/outbox/{message_id}/retry"),
}

UNUSED = ORGANISER  # event-organiser routes arrive with the events feature
