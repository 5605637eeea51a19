"""Account pages through HTTP: sign-up, log in/out, sessions, profile, passwords, reset."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from eventsys.auth import passwords
from eventsys.auth.models import User
from eventsys.extensions import db
from eventsys.mail import deliver_due
from tests.builders import PASSWORD
from tests.pages import field_error, flashes, text

NEW_PASSWORD = "a brand new passphrase"
LOGIN_ERROR = "The email address or password is not correct."
RESET_SENT = ("If an account exists for that address, we have sent it a link to reset the "
              "password. The link works for one hour.")


def user_count() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def reload(user: User) -> User:
    db.session.expire_all()
    return db.session.get(User, user.id)


def assert_logged_out(client):
    response = client.get("/auth/profile")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")


def assert_logged_in(client):
    assert client.get("/auth/profile").status_code == 200


SIGNUP = {"name": "Ana Ruiz", "email": "Ana@Example.org", "password": PASSWORD, "confirm": PASSWORD,
          "organisation": "ISCIII", "country": "ES", "timezone": "Europe/Madrid",
          "stakeholder_category": "researcher", "locale": "en"}


# --- sign-up ----------------------------------------------------------------------------

def test_signup_page_renders_labelled_form(client):
    response = client.get("/auth/signup")
    assert response.status_code == 200
    page = text(response)
    for field in ("name", "email", "password", "confirm", "country", "timezone"):
        assert f'<label class="form-label" for="{field}">' in page
    assert '<option value="Europe/Madrid">Europe/Madrid</option>' in page


def test_signup_valid_form_creates_unverified_account_and_says_check_inbox(client):
    response = client.post("/auth/signup", data=SIGNUP)
    assert response.status_code == 200
    assert "Check your inbox" in text(response)
    assert "We have sent a message to Ana@Example.org." in text(response)
    user = db.session.scalar(select(User))
    assert (user.email, user.name, user.country, user.timezone, user.stakeholder_category) == (
        "ana@example.org", "Ana Ruiz", "ES", "Europe/Madrid", "researcher")
    assert user.email_verified_at is None
    assert_logged_out(client)


@pytest.mark.parametrize("field, value, message", [
    ("email", "not-an-email", "Invalid email address."),
    ("password", "short", "Use at least 10 characters."),
    ("country", "XX", "Choose a country from the list."),
    ("timezone", "Mars/Base", "Choose a time zone from the list."),
    ("stakeholder_category", "astronaut", "Choose a category from the list."),
    ("name", "", "This field is required."),
])
def test_signup_bad_input_rerenders_400_with_error_at_field(client, field, value, message):
    data = dict(SIGNUP, **{field: value})
    if field == "password":
        data["confirm"] = value
    response = client.post("/auth/signup", data=data)
    assert response.status_code == 400
    assert field_error(response, field) == message
    assert re.search(rf'<(input|select) [^>]*aria-invalid="true"[^>]*id="{field}"', text(response))
    assert user_count() == 0
    assert_logged_out(client)


def test_signup_mismatched_confirmation_rerenders_400(client):
    response = client.post("/auth/signup", data=dict(SIGNUP, confirm="something else entirely"))
    assert response.status_code == 400
    assert field_error(response, "confirm") == "The passwords do not match."
    assert user_count() == 0


def test_signup_taken_email_other_case_answers_like_a_new_address(client, make_user):
    user = make_user(email="ana@example.org")
    taken = client.post("/auth/signup", data=dict(SIGNUP, email="ANA@example.ORG"))
    fresh = client.post("/auth/signup", data=dict(SIGNUP, email="ANA@example.NET"))
    assert taken.status_code == fresh.status_code == 200
    def strip(response):  # only the address shown differs
        return re.sub(r'name="csrf_token" value="[^"]*"', "", text(response)).replace("example.ORG", "X") \
            .replace("example.NET", "X")
    assert strip(taken) == strip(fresh)
    assert user_count() == 2
    assert passwords.verify_password(reload(user).password_hash, PASSWORD)
    assert_logged_out(client)


# --- log in / log out -------------------------------------------------------------------

def test_login_right_password_logs_in_and_goes_home(client, make_user):
    user = make_user()
    response = client.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert_logged_in(client)
    assert reload(user).last_login_at is not None


def test_login_unknown_email_and_wrong_password_answer_identically(client, make_user):
    user = make_user()
    wrong = client.post("/auth/login", data={"email": user.email, "password": "not the password"})
    unknown = client.post("/auth/login", data={"email": "nobody@example.org", "password": PASSWORD})
    assert wrong.status_code == unknown.status_code == 400
    assert field_error(wrong, "password") == field_error(unknown, "password") == LOGIN_ERROR
    assert_logged_out(client)


def test_login_next_absolute_url_elsewhere_redirects_home(client, make_user):
    user = make_user()
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example", "http:/evil.example"):
        response = client.post("/auth/login", query_string={"next": target},
                               data={"email": user.email, "password": PASSWORD})
        assert response.status_code == 302
        assert response.headers["Location"] == "/", target


def test_login_next_local_path_is_honoured(client, make_user):
    user = make_user()
    response = client.post("/auth/login?next=/auth/profile", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/profile"


def test_protected_page_anonymous_redirects_to_login_with_next(client):
    response = client.get("/auth/profile")
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/login?next=%2Fauth%2Fprofile"


def test_logout_ends_session(client, make_user, login):
    user = make_user()
    login(client, user)
    response = client.post("/auth/logout")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "You are logged out." in flashes(client.get("/"))
    assert_logged_out(client)


def test_logout_requires_post(client, make_user, login):
    login(client, make_user())
    assert client.get("/auth/logout").status_code == 405
    assert_logged_in(client)


def test_logout_old_session_cookie_replayed_no_longer_works(client, other_client, make_user, login):
    user = make_user()
    login(client, user)
    stolen = client.get_cookie("session").value
    other_client.set_cookie("session", stolen)
    assert_logged_in(other_client)  # the copied cookie is a working session ...
    client.post("/auth/logout")
    assert_logged_out(other_client)  # ... until its owner logs out


def test_logout_invalidates_remember_me_cookie(client, make_user, login):
    user = make_user()
    login(client, user, remember=True)
    remember = client.get_cookie("remember_token").value
    fresh = client.application.test_client()
    fresh.set_cookie("remember_token", remember)
    assert_logged_in(fresh)  # the remember cookie alone logs in a new browser ...
    client.post("/auth/logout")
    later = client.application.test_client()
    later.set_cookie("remember_token", remember)
    assert_logged_out(later)  # ... but not after logout


# --- password change --------------------------------------------------------------------

def test_change_password_keeps_this_session_and_ends_the_other(client, other_client, make_user, login):
    user = make_user()
    login(client, user)
    login(other_client, user)
    response = client.post("/auth/password", data={"current_password": PASSWORD,
                                                   "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/profile"
    assert_logged_in(client)
    assert_logged_out(other_client)
    assert passwords.verify_password(reload(user).password_hash, NEW_PASSWORD)


def test_change_password_wrong_current_rerenders_400_at_field(client, make_user, login):
    user = make_user()
    login(client, user)
    response = client.post("/auth/password", data={"current_password": "not the password",
                                                   "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 400
    assert field_error(response, "current_password") == "Your current password is not correct."
    assert passwords.verify_password(reload(user).password_hash, PASSWORD)
    assert_logged_in(client)


def test_change_password_weak_new_password_rerenders_400_at_field(client, make_user, login):
    user = make_user()
    login(client, user)
    response = client.post("/auth/password", data={"current_password": PASSWORD,
                                                   "new_password": "short", "confirm": "short"})
    assert response.status_code == 400
    assert field_error(response, "new_password") == "Use at least 10 characters."
    assert passwords.verify_password(reload(user).password_hash, PASSWORD)


# --- profile ----------------------------------------------------------------------------

def test_profile_update_saves_values(client, make_user, login):
    user = make_user(name="Old Name")
    login(client, user)
    response = client.post("/auth/profile", data={"name": "New Name", "organisation": "Acme",
                                                  "country": "PT", "timezone": "Europe/Lisbon",
                                                  "stakeholder_category": "industry", "locale": "en"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/profile"
    stored = reload(user)
    assert (stored.name, stored.organisation, stored.country, stored.timezone, stored.stakeholder_category) == (
        "New Name", "Acme", "PT", "Europe/Lisbon", "industry")
    assert "Your profile is saved." in flashes(client.get("/auth/profile"))


def test_profile_update_bad_timezone_rerenders_400_and_saves_nothing(client, make_user, login):
    user = make_user(name="Old Name", timezone="Europe/Madrid")
    login(client, user)
    response = client.post("/auth/profile", data={"name": "New Name", "timezone": "Mars/Base"})
    assert response.status_code == 400
    assert field_error(response, "timezone") == "Choose a time zone from the list."
    stored = reload(user)
    assert (stored.name, stored.timezone) == ("Old Name", "Europe/Madrid")


# --- password reset ---------------------------------------------------------------------

def test_password_reset_end_to_end_through_real_mail(client, make_user, mailbox):
    user = make_user(email="bo@example.org", name="Bo Berg")
    response = client.post("/auth/reset", data={"email": "bo@example.org"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/login"

    report = deliver_due()
    assert (report.sent, report.failed) == (1, 0)
    [message] = mailbox.to("bo@example.org")
    assert message["Subject"] == "Reset your eventsys password"
    [link] = mailbox.links(message)
    assert link.startswith("http://localhost/auth/reset/")
    path = link.removeprefix("http://localhost")

    form = client.get(path)
    assert form.status_code == 200
    assert "Choose a new password" in text(form)
    done = client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302
    assert done.headers["Location"] == "/auth/login"
    assert ("Your password is set and your email address is confirmed. Please log in."
            in flashes(client.get("/auth/login")))

    old = client.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    assert old.status_code == 400
    assert field_error(old, "password") == LOGIN_ERROR
    new = client.post("/auth/login", data={"email": user.email, "password": NEW_PASSWORD})
    assert new.status_code == 302
    assert_logged_in(client)

    again = client.get(path)
    assert again.status_code == 302
    assert again.headers["Location"] == "/auth/reset"
    assert ("This reset link has already been used. Please ask for a new one."
            in flashes(client.get("/auth/reset")))
    reused = client.post(path, data={"password": "a third passphrase", "confirm": "a third passphrase"})
    assert reused.status_code == 302
    assert reused.headers["Location"] == "/auth/reset"
    assert passwords.verify_password(reload(user).password_hash, NEW_PASSWORD)


def test_password_reset_link_uses_base_url_not_request_host(client, make_user, mailbox):
    make_user(email="bo@example.org")
    client.post("/auth/reset", data={"email": "bo@example.org"}, headers={"Host": "evil.example"})
    assert deliver_due().sent == 1
    [message] = mailbox.to("bo@example.org")
    [link] = mailbox.links(message)
    assert link.startswith("http://localhost/auth/reset/")


def test_password_reset_ends_existing_sessions(client, other_client, make_user, login):
    from eventsys.auth.services import make_reset_token
    user = make_user()
    login(other_client, user)
    token = make_reset_token(user)
    client.post(f"/auth/reset/{token}", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert_logged_out(other_client)


def test_password_reset_forged_link_redirects_with_message(client):
    response = client.get("/auth/reset/not-a-real-token", follow_redirects=True)
    assert response.status_code == 200
    assert "This reset link is not valid. Please ask for a new one." in flashes(response)


def test_password_reset_weak_password_rerenders_400(client, make_user):
    from eventsys.auth.services import make_reset_token
    user = make_user()
    token = make_reset_token(user)
    response = client.post(f"/auth/reset/{token}", data={"password": "short", "confirm": "short"})
    assert response.status_code == 400
    assert field_error(response, "password") == "Use at least 10 characters."
    assert passwords.verify_password(reload(user).password_hash, PASSWORD)


def test_password_reset_request_known_and_unknown_answer_identically(client, make_user, mailbox):
    make_user(email="bo@example.org")
    known = client.post("/auth/reset", data={"email": "bo@example.org"}, follow_redirects=True)
    unknown = client.post("/auth/reset", data={"email": "nobody@example.org"}, follow_redirects=True)
    assert known.status_code == unknown.status_code == 200
    assert flashes(known) == flashes(unknown) == [RESET_SENT]
    assert [r.headers.get("Location") for r in known.history] == ["/auth/login"]
    assert [r.headers.get("Location") for r in unknown.history] == ["/auth/login"]
    assert deliver_due().sent == 1
    assert [m["To"] for m in mailbox.messages] == ["bo@example.org"]


# --- rate limit -------------------------------------------------------------------------

def test_login_eleventh_post_in_a_minute_gets_friendly_429(client, make_user):
    user = make_user()
    for _ in range(10):
        response = client.post("/auth/login", data={"email": user.email, "password": "wrong password"})
        assert response.status_code == 400
    response = client.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 429
    assert 1 <= int(response.headers["Retry-After"]) <= 60
    page = text(response)
    assert "Too many requests" in page
    assert "Too many attempts. Please wait a minute and try again." in page
    assert "Traceback" not in page
    assert_logged_out(client)
    assert client.get("/auth/login").status_code == 200  # only POSTs are limited
