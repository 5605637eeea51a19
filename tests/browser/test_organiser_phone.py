"""On a phone (390 px) the organiser's pages never scroll sideways: wide tables scroll in
their own region, which the keyboard can reach and a screen reader can name."""
from __future__ import annotations

from eventsys.auth import passwords
from eventsys.auth.models import User
from eventsys.extensions import db
from eventsys.timeutil import utcnow
from tests.events.helpers import make_event, make_speaker
from tests.registration.organiser_helpers import register
from eventsys.registration.models import RegistrationSettings

PAGES = ["/events/phone-2030/manage/", "/events/phone-2030/manage/speakers",
         "/events/phone-2030/manage/registration/participants", "/events/phone-2030/manage/mail/outbox"]


def _world():
    owner = User(email="olga@example.org", name="Olga Owner", password_hash=passwords.hash_password("pw-for-the-phone"),
                 email_verified_at=utcnow())
    db.session.add(owner)
    db.session.commit()
    event = make_event(owner=owner, slug="phone-2030", title="A workshop with a rather long title 2030")
    db.session.add(RegistrationSettings(event_id=event.id, is_open=True, in_person_capacity=5))
    db.session.commit()
    for i in range(3):
        make_speaker(event, f"Professor Doctor Speaker Number {i}", organisation="A very long institute name")
        person = User(email=f"participant-with-a-long-address-{i}@example.org", name=f"Participant {i}",
                      password_hash="!")
        db.session.add(person)
        db.session.commit()
        register(event, person)
    return owner


def test_management_pages_fit_a_phone(page, live_app):
    _world()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/auth/login")
    page.get_by_label("Email address").fill("olga@example.org")
    page.get_by_label("Password").fill("pw-for-the-phone")
    page.get_by_label("Password").press("Enter")
    page.wait_for_load_state()
    for url in PAGES:
        page.goto(url)
        assert page.get_by_role("navigation", name="Event management").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") == 390, url
    page.goto("/events/phone-2030/manage/speakers")
    region = page.locator(".table-responsive")
    assert region.get_attribute("tabindex") == "0"
    assert region.get_attribute("aria-label") == (
        "Speakers of this event, their invitation status and number of agenda slots")
    assert page.console_errors == []
