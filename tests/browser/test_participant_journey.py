"""A newcomer signs up, confirms the address from the mail, registers online for a hybrid workshop, sees the online link,
changes to in person when a seat is free, and cancels — all through the browser."""
from __future__ import annotations

import re

from sqlalchemy import select

from eventsys.extensions import db
from eventsys.registration.models import Registration
from tests.browser.conftest import sign_up_and_confirm, snap
from tests.registration.helpers import make_open_event


def test_sign_up_register_online_switch_and_cancel(page, live_app, mailbox):
    event = make_open_event(in_person=1, online=None)
    slug = event.slug

    page.goto("/auth/signup")
    sign_up_and_confirm(page, mailbox, "Nadia Newcomer", "nadia@example.org")
    page.wait_for_url(re.compile(r"/$"))
    assert "Thank you, Nadia Newcomer. Your email address is confirmed." in page.content()

    page.goto(f"/events/{slug}/register")
    snap(page, "register-form")
    page.get_by_label("Online").check()
    page.get_by_role("button", name="Register").click()
    assert "Please accept the privacy notice to register." in page.content()  # re-rendered at the field
    page.get_by_label("I have read and accept the privacy notice.").check()
    page.get_by_role("button", name="Register").click()
    page.wait_for_url(re.compile(rf"/events/{slug}/registration$"))
    snap(page, "my-registration-online")
    assert page.get_by_text("Confirmed").is_visible()
    assert page.get_by_role("link", name="https://meet.example.org/secret-room").is_visible()

    page.get_by_role("link", name="Change my registration").click()
    page.get_by_label("In person").check()
    page.get_by_role("button", name="Save changes").click()
    page.wait_for_url(re.compile(rf"/events/{slug}/registration$"))
    assert page.get_by_text("In person", exact=True).is_visible()
    assert "secret-room" not in page.content()

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Cancel my registration").click()
    page.wait_for_load_state()
    assert page.get_by_text("Your registration is cancelled.").is_visible()
    db.session.expire_all()
    assert db.session.scalar(select(Registration.status)) == "cancelled"
    assert page.console_errors == []
