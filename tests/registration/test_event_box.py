"""The event page's registration box and header button: the same state as the register page."""
from __future__ import annotations

import html
import re
from datetime import datetime

import pytest

from eventsys.extensions import db
from eventsys.registration import services
from eventsys.registration.models import RegistrationSettings
from tests.registration.helpers import make_open_event


def box(client, slug) -> str:
    page = html.unescape(client.get(f"/events/{slug}/").get_data(as_text=True))
    match = re.search(r'<section id="register".*?</section>', page, re.S)
    assert match, "no registration box"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(0))).strip()


def header(client, slug) -> str:
    page = client.get(f"/events/{slug}/").get_data(as_text=True)
    return page.split('<div class="d-flex flex-wrap gap-2">', 1)[1].split("</div>", 1)[0]


def test_event_box_open_shows_seats_per_mode_and_closing_date(client, app, make_user, login):
    event = make_open_event(in_person=3, online=None, closes_at=datetime(2031, 3, 1, 17, 0))
    assert box(client, event.slug) == (
        "Registration Registration is open. In person: 3 seats left Online: places available "
        "Registration closes on Mar 1, 2031, 6:00:00 PM (Europe/Madrid). Register for " + event.title)
    assert f'href="/events/{event.slug}/register">Register</a>' in header(client, event.slug)


def test_event_box_full_mode_says_waiting_list_only(client, app):
    event = make_open_event(in_person=2, online=1)
    settings = db.session.get(RegistrationSettings, services.get_settings(event).id)
    settings.in_person_taken, settings.online_taken = 2, 0
    db.session.commit()
    text = box(client, event.slug)
    assert "In person: full: waiting list only Online: 1 seat left" in text


def test_event_box_not_open_yet_gives_the_opening_date_in_the_event_zone(client, app):
    event = make_open_event(opens_at=datetime(2031, 1, 10, 8, 0))
    assert box(client, event.slug) == "Registration Registration opens on Jan 10, 2031, 9:00:00 AM (Europe/Madrid)."
    assert "/register" not in header(client, event.slug)


@pytest.mark.parametrize("kw, expected", [
    ({"is_open": False}, "Registration Registration is closed."),
    ({"closes_at": datetime(2020, 1, 1)}, "Registration Registration is closed."),
    ({"status": "cancelled"}, "Registration This event is cancelled, so registration is closed."),
])
def test_event_box_closed_states(client, app, kw, expected):
    event = make_open_event(**kw)
    assert box(client, event.slug) == expected
    assert "/register" not in header(client, event.slug)


def test_event_box_draft_is_seen_by_the_team_as_not_published(client, app, make_user, login):
    owner = make_user()
    event = make_open_event(owner=owner, status="draft")
    login(client, owner)
    assert box(client, event.slug) == "Registration Registration can open once the event is published."


def test_event_box_registered_visitor_sees_status_and_links(client, app, make_user, login):
    event = make_open_event(in_person=1)
    first, second = make_user(), make_user()
    services.register(event, first, "in_person", consent_privacy=True)
    services.register(event, second, "in_person", consent_privacy=True)
    login(client, second)
    assert box(client, event.slug) == ("Registration You are registered: On the waiting list "
                                       "(position 1 in line) · In person My registration My event")
    assert f'href="/events/{event.slug}/my">My event</a>' in header(client, event.slug)
    page = client.get(f"/events/{event.slug}/").get_data(as_text=True)
    assert f'href="/events/{event.slug}/registration"' in page


def test_event_box_register_button_leads_to_the_form(client, app, make_user, login):
    event = make_open_event()
    login(client, make_user())
    page = client.get(f"/events/{event.slug}/").get_data(as_text=True)
    assert page.count(f'href="/events/{event.slug}/register"') == 2
    assert client.get(f"/events/{event.slug}/register").status_code == 200
