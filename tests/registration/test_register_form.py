"""The register form: every error after one submit, required fields marked, seats per mode
at the choice, and a full mode offering the other one before the waiting list."""
from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import func, select

from eventsys.errors import FieldErrors
from eventsys.extensions import db
from eventsys.registration import services
from eventsys.registration.models import Registration, RegistrationQuestion
from tests.registration.helpers import make_open_event


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def field_errors(response) -> dict[str, str]:
    return {name: message.strip() for name, message in
            re.findall(r'<div id="([\w-]+)-error"[^>]*>(.*?)</div>', text(response), re.S)}


def _questions(event):
    diet = RegistrationQuestion(event_id=event.id, kind="single_choice", label="Diet", position=1,
                                options=["none", "vegetarian"], required=True, applies_to="all")
    org = RegistrationQuestion(event_id=event.id, kind="short_text", label="Organisation", position=2,
                               required=True, applies_to="all")
    note = RegistrationQuestion(event_id=event.id, kind="short_text", label="Anything else?", position=3)
    db.session.add_all([diet, org, note])
    db.session.commit()
    return diet, org, note


def test_register_form_shows_every_error_after_one_submit(client, app, make_user, login):
    event = make_open_event(in_person=5, online=None)
    diet, org, _note = _questions(event)
    login(client, make_user())
    response = client.post(f"/events/{event.slug}/register", data={})
    assert response.status_code == 400
    assert field_errors(response) == {
        "mode": "Choose how you will attend.",
        "consent_privacy": "Please accept the privacy notice to register.",
        f"q_{diet.id}": "Please answer this question.",
        f"q_{org.id}": "Please answer this question.",
    }
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 0


def test_register_service_raises_all_field_errors_at_once(app, make_user):
    event = make_open_event()
    diet, org, _note = _questions(event)
    with pytest.raises(FieldErrors) as info:
        services.register(event, make_user(), "by_pigeon", {diet.id: "meat"})
    assert {k: str(v) for k, v in info.value.errors.items()} == {
        "mode": "This event does not offer that way of attending.",
        "consent_privacy": "Please accept the privacy notice to register.",
        f"q_{diet.id}": "Choose one of the options.",
        f"q_{org.id}": "Please answer this question.",
    }


def test_register_form_marks_required_fields(client, app, make_user, login):
    event = make_open_event(in_person=5, online=None)
    diet, org, note = _questions(event)
    login(client, make_user())
    page = client.get(f"/events/{event.slug}/register").get_data(as_text=True)
    assert re.search(r'<fieldset class="mb-3" role="radiogroup" aria-required="true">\s*'
                     r'<legend class="form-label fs-6">How will you attend\? <span class="text-danger" '
                     r'aria-hidden="true">\*</span></legend>', page)
    assert re.search(rf'<input aria-required="true" class="form-control" id="q_{org.id}"', page)
    assert re.search(rf'<input class="form-control" id="q_{note.id}"', page)
    assert re.search(r'<fieldset class="mb-3" role="radiogroup" aria-required="true">\s*'
                     r'<legend class="form-label fs-6">Diet <span', page)
    assert re.search(r'<input aria-required="true" class="form-check-input" id="consent_privacy"', page)
    assert '<input class="form-check-input" id="consent_public_list"' in page


def test_register_form_shows_seats_left_per_mode(client, app, make_user, login):
    event = make_open_event(in_person=1, online=None)
    login(client, make_user())
    page = text(client.get(f"/events/{event.slug}/register"))
    assert "In person — 1 seat left" in page and "Online — places available" in page
    assert "If my choice is full" not in page
    services.register(event, make_user(), "in_person", consent_privacy=True)
    page = text(client.get(f"/events/{event.slug}/register"))
    assert "In person — full: waiting list only" in page
    assert "If my choice is full, put me on the waiting list." in page


def test_register_full_mode_offers_the_other_mode_before_the_waiting_list(client, app, make_user, login):
    event = make_open_event(in_person=1, online=None)
    services.register(event, make_user(), "in_person", consent_privacy=True)
    person = make_user()
    login(client, person)
    data = {"mode": "in_person", "consent_privacy": "y"}
    response = client.post(f"/events/{event.slug}/register", data=data)
    assert response.status_code == 400
    assert field_errors(response) == {"mode": "All in-person seats are taken. You can attend online instead, "
                                              "or tick the box below to join the waiting list for in-person seats."}
    assert services.get_registration(event, person) is None
    response = client.post(f"/events/{event.slug}/register", data=dict(data, accept_waitlist="y"))
    assert response.status_code == 302
    assert services.get_registration(event, person).status == "waitlisted"


def test_register_full_mode_online_choice_is_seated(client, app, make_user, login):
    event = make_open_event(in_person=1, online=None)
    services.register(event, make_user(), "in_person", consent_privacy=True)
    person = make_user()
    login(client, person)
    response = client.post(f"/events/{event.slug}/register", data={"mode": "online", "consent_privacy": "y"})
    assert response.status_code == 302
    assert services.get_registration(event, person).status == "confirmed"
