"""An organiser adding a participant by address never creates a usable account nor blocks
the address's owner: a verified account is registered; any other address gets an
unverified placeholder (no usable password) and an invitation that the owner confirms
(proving the address and choosing a password) or declines. Only published events."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from eventsys.auth.models import User
from eventsys.auth.services import authenticate
from eventsys.errors import Conflict, ValidationError
from eventsys.extensions import db
from eventsys.registration import invitations, participants
from eventsys.registration.models import CANCELLED, CONFIRMED, Registration
from tests.builders import PASSWORD
from tests.registration.helpers import make_open_event
from tests.registration.organiser_helpers import fresh_settings, outbox

NEW_PASSWORD = "a long new password"


@pytest.fixture
def owner(make_user):
    return make_user(email="owner@example.org")


@pytest.fixture
def event(app, owner):
    return make_open_event(owner, in_person=5, online=None)


def _add(event, owner, email="new@example.org", name="Nina New"):
    return participants.add_participant(event, {"email": email, "name": name, "mode": "in_person"}, owner)


def _link(email: str) -> str:
    body = outbox(email)[-1].body_text
    return re.search(r"http://\S+/registration/invitation/\S+", body).group(0).replace("http://localhost", "")


def _user(email: str) -> User:
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.email == email))


def test_add_unknown_address_creates_an_unusable_unverified_account(event, owner):
    registration = _add(event, owner)
    user = _user("new@example.org")
    assert (user.name, user.email_verified_at, registration.user_id, registration.status) == (
        "Nina New", None, user.id, CONFIRMED)
    assert user.password_hash.startswith(invitations.UNSET)
    for guess in ("", PASSWORD, user.password_hash, user.password_hash[1:]):
        with pytest.raises(ValidationError):
            authenticate("new@example.org", guess)
    [message] = outbox("new@example.org")
    assert message.subject == f"You are invited: {event.title}"
    assert "/auth/reset/" not in message.body_text and "/registration/invitation/" in message.body_text
    assert outbox("owner@example.org") == []


def test_invitation_link_verifies_the_address_and_sets_the_password(event, owner, client):
    _add(event, owner)
    link = _link("new@example.org")
    page = client.get(link)
    assert page.status_code == 200 and "Confirm my place" in page.get_data(as_text=True)
    response = client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/events/{event.slug}/registration"
    assert client.get(f"/events/{event.slug}/registration").status_code == 200  # logged in
    user = _user("new@example.org")
    assert user.is_verified and authenticate("new@example.org", NEW_PASSWORD).id == user.id
    again = client.get(link, follow_redirects=True)
    assert "This invitation has already been used: log in to see your registration." in again.get_data(as_text=True)


def test_invitation_with_a_short_password_changes_nothing(event, owner, client):
    _add(event, owner)
    response = client.post(_link("new@example.org"), data={"password": "short", "confirm": "short"})
    assert response.status_code == 400 and "Use at least 10 characters." in response.get_data(as_text=True)
    user = _user("new@example.org")
    assert user.email_verified_at is None and user.password_hash.startswith(invitations.UNSET)


def test_declining_the_invitation_gives_the_place_up(event, owner, client):
    registration = _add(event, owner)
    client.get(_link("new@example.org"))  # a session, for the form's CSRF token when it is on
    response = client.post(_link("new@example.org") + "/decline", follow_redirects=True)
    assert "You declined the invitation: your place is given up." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Registration, registration.id).status == CANCELLED
    assert fresh_settings(event).in_person_taken == 0
    assert _user("new@example.org").email_verified_at is None


def test_a_tampered_or_foreign_invitation_link_is_refused(event, owner, app):
    registration = _add(event, owner)
    token = invitations.make_token(registration)
    other = make_open_event(owner)
    for target, bad in ((event, token[:-2] + "xx"), (other, token)):
        with pytest.raises(ValidationError):
            invitations.registration_for_token(target, bad)


def test_add_verified_account_registers_it_without_an_invitation(event, owner, make_user):
    person = make_user(email="known@example.org", name="Kim Known")
    registration = _add(event, owner, email="known@example.org", name="")
    assert (registration.user_id, registration.status) == (person.id, CONFIRMED)
    [message] = outbox("known@example.org")
    assert message.subject == f"You are registered: {event.title}" and "/invitation/" not in message.body_text
    assert authenticate("known@example.org", PASSWORD).id == person.id


def test_add_unverified_account_address_hands_the_organiser_nothing(event, owner, make_user, client, login):
    squatter = make_user(email="taken@example.org", name="Squatter", email_verified_at=None)
    with pytest.raises(ValidationError) as error:  # the same answer as for an unknown address
        _add(event, owner, email="taken@example.org", name="")
    assert (error.value.field, str(error.value.message)) == (
        "name", "Enter the person's name: they will get an invitation to confirm their place.")
    login(client, owner)
    page = client.post(f"/events/{event.slug}/manage/registration/participants/add", follow_redirects=True,
                       data={"email": "taken@example.org", "name": "Tara Real", "mode": "in_person"})
    text = page.get_data(as_text=True)
    assert "An invitation was sent to taken@example.org: they confirm their place by choosing a password." in text
    assert "/invitation/" not in text and "/auth/reset/" not in text
    user = _user("taken@example.org")
    assert (user.id, user.name, user.email_verified_at) == (squatter.id, "Squatter", None)
    [message] = outbox("taken@example.org")
    assert message.subject == f"You are invited: {event.title}"
    # The address's owner takes the account over; the old password stops working.
    client.post("/auth/logout")
    client.post(_link("taken@example.org"), data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert _user("taken@example.org").is_verified
    with pytest.raises(ValidationError):
        authenticate("taken@example.org", PASSWORD)


@pytest.mark.parametrize("status", ["draft", "cancelled"])
def test_add_to_an_unpublished_event_is_refused(app, owner, status):
    event = make_open_event(owner, status=status)
    with pytest.raises(Conflict) as error:
        _add(event, owner)
    assert str(error.value.message) == ("Publish the event before adding participants: a draft or cancelled "
                                        "event takes no registrations.")
    assert _user("new@example.org") is None and outbox() == []
