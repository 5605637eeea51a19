"""Panels: places on a lower feature's page that a higher feature fills in.

Imports only flow down (auth → events → speakers, agenda → registration → groups →
feedback → ical), yet the event page must show the registration state, "My events"
what a person attends, and a finished session its feedback form. The lower page names a
panel; the higher feature registers the function that renders it (at import of its view
module, which ``create_app`` does explicitly). A panel nobody provides renders as "".
"""
from __future__ import annotations

from typing import Callable

from markupsafe import Markup

EVENT_REGISTRATION = "event_registration"  # (event, user) -> Markup: the event page's box
EVENT_REGISTRATION_ACTION = "event_registration_action"  # (event, user) -> Markup: its header button
MY_EVENTS_ATTENDING = "my_events_attending"  # (user) -> Markup: "My events", Attending
SLOT_AFTER = "slot_after"  # (event, slot, user) -> Markup: a session page, below its facts
PARTICIPANT_GROUPS = "participant_groups"  # (event, registration) -> Markup: an organiser's participant page

_providers: dict[str, Callable[..., Markup]] = {}


def provide(name: str, render: Callable[..., Markup]) -> Callable[..., Markup]:
    """Register ``render`` for the panel ``name`` (the last registration wins)."""
    _providers[name] = render
    return render


def render(name: str, *args) -> Markup:
    provider = _providers.get(name)
    return Markup("") if provider is None else Markup(provider(*args))
