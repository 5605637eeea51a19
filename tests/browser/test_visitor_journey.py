"""An anonymous visitor goes from the home page to a confirmed registration by clicking
only, then reaches "My event", ranks the working groups and finds the calendar link."""
from __future__ import annotations

import re

from sqlalchemy import select

from eventsys.extensions import db
from eventsys.groups import services as groups
from eventsys.registration.models import Registration
from tests.browser.conftest import sign_up_and_confirm, snap
from tests.registration.helpers import make_open_event

ROUND = {"title": "Day 1 afternoon", "join_mode": "ranked", "min_ranks": 2, "opens_at": None,
         "deadline": None, "balance_share": None}


def for_event(label: str, title: str):
    """A link's name: its label, then the event's title (visually hidden, for screen readers)."""
    return re.compile(rf"^{label}\s*:\s*{re.escape(title)}$")


def _workshop(owner):
    event = make_open_event(owner=owner, in_person=1, online=None)
    round_ = groups.create_round(event, ROUND, owner)
    for title in ("Registries", "Consent", "Data sharing"):
        groups.create_group(round_, {"title": title, "format": "hybrid", "in_person_seats": 10,
                                     "online_seats": 10}, owner)
    return event


def test_visitor_clicks_from_home_to_registration_groups_and_calendar(page, live_app, make_user, mailbox):
    event = _workshop(make_user(email="olga@example.org", name="Olga Owner"))
    title = event.title

    page.goto("/")
    page.get_by_role("link", name=title).click()
    snap(page, "visitor-event-page")
    assert page.get_by_text("In person: 1 seat left").is_visible()
    page.get_by_role("link", name="Register", exact=True).click()

    page.get_by_role("link", name="Create an account").click()
    sign_up_and_confirm(page, mailbox, "Vera Visitor", "vera@example.org")  # the mailed link leads back
    page.wait_for_url(re.compile(rf"/events/{event.slug}/register$"))

    snap(page, "visitor-register-form")
    page.get_by_role("button", name="Register").click()  # nothing chosen: every error at once
    assert page.get_by_text("Choose how you will attend.").is_visible()
    assert page.get_by_text("Please accept the privacy notice to register.").is_visible()
    page.get_by_label("In person — 1 seat left").check()
    page.get_by_label("I have read and accept the privacy notice.").check()
    page.get_by_role("button", name="Register").click()
    page.wait_for_url(re.compile(rf"/events/{event.slug}/registration$"))
    assert page.get_by_text("Confirmed").is_visible()

    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="My events").click()
    snap(page, "visitor-my-events")
    page.get_by_role("link", name=for_event("My event", title)).click()
    page.wait_for_url(re.compile(rf"/events/{event.slug}/my$"))
    page.get_by_role("link", name="My working groups").click()
    page.get_by_role("link", name="Rank the groups").click()
    page.get_by_label("1st choice").select_option(label="Consent")
    page.get_by_label("2nd choice").select_option(label="Registries")
    page.get_by_role("button", name="Save my ranking").click()
    assert page.get_by_text("Your ranking:").is_visible()

    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="My events").click()
    page.get_by_role("link", name=for_event("My calendar feed", title)).click()
    page.wait_for_url(re.compile(r"/calendar/$"))
    assert page.get_by_text(re.compile(r"webcal://")).first.is_visible()
    db.session.expire_all()
    assert db.session.scalar(select(Registration.status)) == "confirmed"
    assert page.console_errors == []
