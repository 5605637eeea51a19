"""The Overview of an event: panels of figures and a set-up checklist, to which every
feature contributes its own part.

Events sits low in the layers and must not import registration, groups or feedback, whose
figures the Overview shows; so each feature registers a panel and checklist items here
(from its ``dashboard.py``, imported by its views module), and this module only collects
them. Each figure is computed next to the data it counts: one definition per rule.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from flask import url_for
from flask_babel import lazy_gettext as _l

from eventsys import mail, permissions


@dataclass(frozen=True)
class PanelSpec:
    key: str
    order: int
    template: str
    build: Callable  # (event, viewer) -> dict for the template, or None to hide the panel


@dataclass(frozen=True)
class CheckSpec:
    key: str
    order: int
    label: object
    endpoint: str          # the page where the item is fixed
    done: Callable         # (event) -> bool
    warn_on_publish: bool = False  # publishing while not done asks for confirmation


@dataclass(frozen=True)
class CheckItem:
    key: str
    label: str
    url: str
    done: bool
    warn_on_publish: bool


@dataclass(frozen=True)
class Panel:
    key: str
    template: str
    data: dict


_PANELS: dict[str, PanelSpec] = {}
_CHECKS: dict[str, CheckSpec] = {}


def register_panel(key: str, order: int, template: str, build: Callable) -> None:
    _PANELS[key] = PanelSpec(key, order, template, build)


def register_check(key: str, order: int, label, endpoint: str, done: Callable,
                   warn_on_publish: bool = False) -> None:
    _CHECKS[key] = CheckSpec(key, order, label, endpoint, done, warn_on_publish)


def dashboard_panels(event, viewer) -> list[Panel]:
    """The panels ``viewer`` sees on the Overview, in order."""
    panels = []
    for spec in sorted(_PANELS.values(), key=lambda s: s.order):
        data = spec.build(event, viewer)
        if data is not None:
            panels.append(Panel(spec.key, spec.template, data))
    return panels


def setup_checklist(event) -> list[CheckItem]:
    """What is done and what is missing before publishing, each linking to its page."""
    return [CheckItem(s.key, str(s.label), url_for(s.endpoint, slug=event.slug), bool(s.done(event)),
                      s.warn_on_publish)
            for s in sorted(_CHECKS.values(), key=lambda s: s.order)]


def publish_warnings(event) -> list[CheckItem]:
    """Missing items that make publishing ask for confirmation (e.g. registration not open)."""
    return [item for item in setup_checklist(event) if item.warn_on_publish and not item.done]


# --- this layer's own part: content, dates, rooms and the event's mail ------------------

def _content_panel(event, viewer) -> dict:
    from eventsys.events.reading import dashboard_counts
    return dashboard_counts(event)


def _mail_panel(event, viewer) -> dict | None:
    if not permissions.can_view_event_outbox(viewer, event):
        return None
    return mail.event_mail_counts(event.id)


def _has_rooms(event) -> bool:
    return event.format == "online" or bool(event.rooms)


register_panel("content", 10, "events/panels/content.html", _content_panel)
register_panel("mail", 90, "events/panels/mail.html", _mail_panel)
register_check("dates", 10, _l("Dates and time zone"), "events.edit",
               lambda event: bool(event.start_date and event.end_date and event.timezone))
register_check("rooms", 20, _l("Rooms (not needed for online events)"), "events.rooms", _has_rooms)
