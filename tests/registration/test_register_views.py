from __future__ import annotations

from sqlalchemy import func, select

from eventsys.extensions import db
from eventsys.registration.models import Registration
from tests.registration.helpers import make_open_event


def _post(client, slug, **data):
    data.setdefault("mode", "in_person")
    data.setdefault("consent_privacy", "y")
    return client.post(f"/events/{slug}/register", data=data)


def test_register_page_requires_log_in(client, app):
    event = make_open_event()
    response = client.get(f"/events/{event.slug}/register")
    assert response.status_code == 302
    assert "/auth/login?next=" in response.headers["Location"]


def test_register_flow_confirms_and_shows_my_registration(client, app, make_user, login):
    event = make_open_event(in_person=5)
    login(client, make_user())
    page = client.get(f"/events/{event.slug}/register").get_data(as_text=True)
    assert 'name="mode"' in page and "privacy notice" in page
    response = _post(client, event.slug)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/events/{event.slug}/registration")
    mine = client.get(f"/events/{event.slug}/registration").get_data(as_text=True)
    assert "Confirmed" in mine and "In person" in mine


def test_register_without_consent_rerenders_at_the_field(client, app, make_user, login):
    event = make_open_event()
    login(client, make_user())
    response = _post(client, event.slug, consent_privacy="")
    assert response.status_code == 400
    assert "Please accept the privacy notice to register." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 0


def test_double_submission_creates_one_registration(client, app, make_user, login):
    event = make_open_event()
    login(client, make_user())
    _post(client, event.slug)
    second = _post(client, event.slug)
    assert second.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 1


def test_draft_event_register_page_is_404(client, app, make_user, login):
    event = make_open_event(status="draft")
    login(client, make_user())
    assert client.get(f"/events/{event.slug}/register").status_code == 404
    assert _post(client, event.slug).status_code == 404


def test_closed_registration_says_so(client, app, make_user, login):
    event = make_open_event(is_open=False)
    login(client, make_user())
    page = client.get(f"/events/{event.slug}/register").get_data(as_text=True)
    assert "Registration is closed." in page
    assert 'name="consent_privacy"' not in page


def test_online_link_shown_only_to_confirmed_online_participant(client, app, make_user, login):
    event = make_open_event(in_person=1, online=5)
    login(client, make_user())
    _post(client, event.slug, mode="online")
    page = client.get(f"/events/{event.slug}/registration").get_data(as_text=True)
    assert "https://meet.example.org/secret-room" in page
    other = app.test_client()
    login(other, make_user())
    _post(other, event.slug, mode="in_person")
    assert "secret-room" not in other.get(f"/events/{event.slug}/registration").get_data(as_text=True)


def test_cancel_from_my_page(client, app, make_user, login):
    event = make_open_event()
    login(client, make_user())
    _post(client, event.slug)
    response = client.post(f"/events/{event.slug}/registration/cancel")
    assert response.status_code == 302
    assert db.session.scalar(select(Registration.status)) == "cancelled"
    assert "Register again" in client.get(f"/events/{event.slug}/registration").get_data(as_text=True)


def test_edit_switch_to_full_mode_rerenders_400_at_mode(client, app, make_user, login):
    event = make_open_event(in_person=5, online=1)
    login(client, make_user())
    other = app.test_client()
    login(other, make_user())
    _post(other, event.slug, mode="online")
    _post(client, event.slug, mode="in_person")
    response = client.post(f"/events/{event.slug}/registration/edit", data={"mode": "online"})
    assert response.status_code == 400
    assert "All online seats are taken, so you keep your current seat." in response.get_data(as_text=True)


def test_participant_cannot_edit_without_registration(client, app, make_user, login):
    event = make_open_event()
    login(client, make_user())
    assert client.get(f"/events/{event.slug}/registration/edit").status_code == 404
    assert client.post(f"/events/{event.slug}/registration/cancel").status_code == 404
