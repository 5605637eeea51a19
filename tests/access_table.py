"""The one access table: every endpoint of the app, who may use it, and a request that
exercises it. ``{name}`` placeholders are filled from ``tests/world.py``:
event (a published event owned by "organiser"), draft_event (a draft owned by
"other_organiser"), series (owned by "organiser"), room_id, slot_id, speaker_id, role_id
(a pending co-organiser role on event), message_id, reset_token, invitation_token.

Levels: public (anyone), logged-in (any account), event-organiser (a role on *that*
event, or the owner of *that* series), admin (site administrators).
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
    # --- events (events/) ---
    # --- end events ---
    # --- series (series/) ---
    # --- end series ---
    # --- agenda (agenda/) ---
    # --- end agenda ---
    # --- registration participant (registration/views.py) ---
    "registration.register": (LOGGED_IN, "GET", "/events/{event}/register"),
    "registration.mine": (LOGGED_IN, "GET", "/events/{event}/registration"),
    "registration.edit": (LOGGED_IN, "GET", "/events/{event}/registration/edit"),
    "registration.cancel": (LOGGED_IN, "POST", "/events/{event}/registration/cancel"),
    # --- end registration participant ---
    # --- speakers (speakers/) ---
    # --- end speakers ---
}
