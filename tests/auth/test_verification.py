"""Proving the address: sign-up mails, the confirmation link, resets that verify, the
notice for unverified accounts, and the per-address log-in limit."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from eventsys.auth import passwords, signup
from eventsys.auth.models import User
from eventsys.errors import ValidationError
from eventsys.extensions import db
from eventsys.mail import deliver_due
from eventsys.registration.participants import UNSET
from tests.auth.test_views import (NEW_PASSWORD, SIGNUP, assert_logged_in, assert_logged_out, flashes,
                                   reload, text, user_count)
from tests.builders import PASSWORD


def _only_link(mailbox, address: str, subject: str) -> str:
    assert deliver_due().failed == 0
    [message] = mailbox.to(address)
    assert message["Subject"] == subject
    [link] = mailbox.links(message)
    return link.removeprefix("http://localhost")


def _reset_through(client, path: str, password: str = NEW_PASSWORD):
    response = client.post(path, data={"password": password, "confirm": password})
    assert response.status_code == 302 and response.headers["Location"] == "/auth/login"


def test_signup_confirmation_link_verifies_and_logs_in(client, mailbox):
    client.post("/auth/signup", data=SIGNUP)
    path = _only_link(mailbox, "ana@example.org", "Confirm your email address for eventsys")
    assert path.startswith("/auth/verify/")
    response = client.get(path)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    user = db.session.scalar(select(User))
    assert user.is_verified
    profile = client.get("/auth/profile")
    assert profile.status_code == 200
    assert "Thank you, Ana Ruiz. Your email address is confirmed." in flashes(profile)
    assert 'id="verify-notice"' not in text(profile)


def test_confirmation_link_used_again_does_not_log_in(client, other_client, mailbox):
    client.post("/auth/signup", data=SIGNUP)
    path = _only_link(mailbox, "ana@example.org", "Confirm your email address for eventsys")
    assert client.get(path).status_code == 302
    again = other_client.get(path)
    assert again.status_code == 302 and again.headers["Location"] == "/"
    assert "Your email address is already confirmed." in flashes(other_client.get("/"))
    assert_logged_out(other_client)


def test_confirmation_link_forged_redirects_to_login_with_message(client):
    response = client.get("/auth/verify/not-a-real-token")
    assert response.status_code == 302 and response.headers["Location"] == "/auth/login"
    assert ("This confirmation link is not valid. Log in and ask for a new one."
            in flashes(client.get("/auth/login")))


def test_confirmation_token_for_an_earlier_address_refused(app, make_user):
    user = make_user(email="old@example.org", email_verified_at=None)
    token = signup.make_verification_token(user)
    user.email = "new@example.org"
    db.session.commit()
    with pytest.raises(ValidationError):
        signup.confirm_email(token)
    assert reload(user).email_verified_at is None


def test_signup_taken_address_mails_reset_link_and_discards_password(client, make_user, mailbox):
    owner = make_user(email="ana@example.org", name="Ana Owner")
    response = client.post("/auth/signup", data=dict(SIGNUP, password="squatter password", confirm="squatter password"))
    assert response.status_code == 200 and "Check your inbox" in text(response)
    path = _only_link(mailbox, "ana@example.org", "You already have an eventsys account")
    assert path.startswith("/auth/reset/")
    assert user_count() == 1
    assert passwords.verify_password(reload(owner).password_hash, PASSWORD)
    assert client.post("/auth/login", data={"email": "ana@example.org", "password": "squatter password"}
                       ).status_code == 400


def test_signup_over_placeholder_account_lets_the_owner_take_it_over(client, make_user, mailbox):
    # An organiser added this address as a participant: no usable password, not verified.
    placeholder = make_user(email="ana@example.org", name="Ana", email_verified_at=None)
    placeholder.password_hash = UNSET + passwords.hash_password("random secret nobody knows")
    db.session.commit()
    client.post("/auth/signup", data=SIGNUP)
    path = _only_link(mailbox, "ana@example.org", "You already have an eventsys account")
    _reset_through(client, path)
    stored = reload(placeholder)
    assert stored.is_verified and not stored.password_hash.startswith(UNSET)
    assert client.post("/auth/login", data={"email": "ana@example.org", "password": NEW_PASSWORD}).status_code == 302
    assert user_count() == 1


def test_password_reset_verifies_and_ends_a_squatters_sessions(client, other_client, mailbox, login):
    other_client.post("/auth/signup", data=SIGNUP)  # the squatter signs up first
    squatter = db.session.scalar(select(User))
    login(other_client, squatter)
    assert_logged_in(other_client)
    client.post("/auth/reset", data={"email": "ana@example.org"})
    mailbox.clear()
    deliver_due()
    [message] = [m for m in mailbox.to("ana@example.org") if m["Subject"] == "Reset your eventsys password"]
    _reset_through(client, mailbox.links(message)[0].removeprefix("http://localhost"))
    assert reload(squatter).is_verified
    assert_logged_out(other_client)


def test_unverified_account_sees_notice_and_can_resend(client, make_user, login, mailbox):
    user = make_user(email="nina@example.org", email_verified_at=None)
    login(client, user)
    page = text(client.get("/auth/profile"))
    assert 'id="verify-notice"' in page
    assert "Confirm your email address: open the link we sent to nina@example.org." in page
    response = client.post("/auth/verify/resend?next=/auth/profile")
    assert response.status_code == 302 and response.headers["Location"] == "/auth/profile"
    assert "We have sent a new confirmation link to nina@example.org." in flashes(client.get("/auth/profile"))
    path = _only_link(mailbox, "nina@example.org", "Confirm your email address for eventsys")
    assert client.get(path).status_code == 302
    assert reload(user).is_verified


def test_verified_account_sees_no_notice(client, make_user, login):
    login(client, make_user())
    assert 'id="verify-notice"' not in text(client.get("/auth/profile"))


# --- log-in limit per submitted address ----------------------------------------------------

def _login_from(client, ip: str, email: str, password: str):
    return client.post("/auth/login", data={"email": email, "password": password},
                       environ_base={"REMOTE_ADDR": ip})


@pytest.mark.parametrize("known", [True, False])
def test_login_failures_for_one_address_limited_across_addresses_of_origin(client, make_user, known):
    if known:
        make_user(email="victim@example.org")
    for n in range(10):
        assert _login_from(client, f"10.0.0.{n}", "Victim@Example.org ", "wrong password").status_code == 400
    blocked = _login_from(client, "10.0.1.1", "victim@example.org", PASSWORD)
    assert blocked.status_code == 429
    assert _login_from(client, "10.0.1.1", "someone-else@example.org", "wrong password").status_code == 400


def test_login_successes_do_not_count_against_the_address(client, make_user):
    user = make_user(email="busy@example.org")
    for n in range(12):
        assert _login_from(client, f"10.0.2.{n}", user.email, PASSWORD).status_code == 302
    assert _login_from(client, "10.0.3.1", user.email, PASSWORD).status_code == 302


def test_confirmation_link_leads_back_to_where_the_person_was_going(client, mailbox):
    response = client.post("/auth/signup?next=/events/some-event/register", data={
        "name": "Nia Next", "email": "nia@example.org", "password": "a long enough password",
        "confirm": "a long enough password", "stakeholder_category": "researcher"})
    assert response.status_code == 200
    deliver_due()
    [message] = mailbox.to("nia@example.org")
    [link] = mailbox.links(message)
    assert link.endswith("?next=/events/some-event/register")
    response = client.get(link.removeprefix("http://localhost"))
    assert response.status_code == 302
    assert response.headers["Location"] == "/events/some-event/register"


def test_confirmation_link_never_leads_off_site(client, mailbox):
    client.post("/auth/signup?next=//evil.example.org/x", data={
        "name": "Oz Offsite", "email": "oz@example.org", "password": "a long enough password",
        "confirm": "a long enough password", "stakeholder_category": "researcher"})
    deliver_due()
    [message] = mailbox.to("oz@example.org")
    [link] = mailbox.links(message)
    assert "next=" not in link
    response = client.get(link.removeprefix("http://localhost") + "?next=https://evil.example.org/")
    assert response.headers["Location"] == "/"
