"""The one management menu of an event: its sections (the tab bar) and each section's
sub-pages (the row beneath), each shown only to those whose role may open it.

Endpoints are named, not imported, so this module sits beside ``permissions`` and every
feature's templates can use it without importing one another.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask import url_for
from flask_babel import lazy_gettext as _l

from eventsys import permissions as p


@dataclass(frozen=True)
class Page:
    key: str
    label: object
    endpoint: str
    allowed: object  # predicate(user, event)


@dataclass(frozen=True)
class Section:
    key: str
    label: object
    pages: tuple[Page, ...]


SECTIONS: tuple[Section, ...] = (
    Section("overview", _l("Overview"), (
        Page("overview", _l("Dashboard"), "events.manage", p.can_view_dashboard),)),
    Section("details", _l("Details"), (
        Page("edit", _l("Details"), "events.edit", p.can_manage_event),
        Page("clone", _l("Copy"), "cloning.clone", p.can_manage_event))),
    Section("agenda", _l("Agenda"), (
        Page("editor", _l("Agenda editor"), "agenda.manage", p.can_manage_event),
        Page("import", _l("Import CSV"), "agenda.import_csv", p.can_manage_event))),
    Section("speakers", _l("Speakers"), (
        Page("speakers", _l("Speakers"), "speakers.manage_speakers", p.can_manage_event),)),
    Section("rooms", _l("Rooms"), (
        Page("rooms", _l("Rooms"), "events.rooms", p.can_view_dashboard),)),
    Section("team", _l("Team"), (
        Page("team", _l("Team"), "events.team", p.can_manage_event),)),
    Section("registration", _l("Registration"), (
        Page("participants", _l("Participants"), "registration.manage_participants", p.can_view_participants),
        Page("settings", _l("Settings"), "registration.manage_settings", p.can_manage_event),
        Page("questions", _l("Questions"), "registration.manage_questions", p.can_manage_event),
        Page("message", _l("Message participants"), "registration.message_participants", p.can_manage_event),
        Page("checkin", _l("Door check-in"), "registration.checkin", p.can_check_in),
        Page("attendance", _l("Online attendance"), "registration.attendance", p.can_check_in))),
    Section("groups", _l("Working groups"), (
        Page("rounds", _l("Rounds and groups"), "groups.manage", p.can_view_dashboard),)),
    Section("feedback", _l("Feedback"), (
        Page("forms", _l("Feedback forms"), "feedback.manage_forms", p.can_write_report),
        Page("compare", _l("Compare sessions"), "feedback.compare", p.can_write_report))),
    Section("mail", _l("Mail"), (
        Page("previews", _l("What participants receive"), "eventmail.previews_page", p.can_manage_event),
        Page("outbox", _l("Outbox"), "eventmail.outbox", p.can_manage_event))),
)


@dataclass
class MenuItem:
    key: str
    label: str
    url: str
    active: bool
    pages: list["MenuItem"] = field(default_factory=list)


def manage_menu(user, event, section: str | None, page: str | None = None) -> list[MenuItem]:
    """The sections ``user`` may open on ``event``; a section links to its first allowed page.
    The active section also carries its allowed sub-pages (shown only when there are two or more)."""
    menu = []
    for s in SECTIONS:
        pages = [MenuItem(pg.key, str(pg.label), url_for(pg.endpoint, slug=event.slug), pg.key == page)
                 for pg in s.pages if pg.allowed(user, event)]
        if not pages:
            continue
        active = s.key == section
        menu.append(MenuItem(s.key, str(s.label), pages[0].url, active, pages if active else []))
    return menu


def template_globals() -> dict:
    return {"manage_menu": manage_menu}
