"""Account services, called directly (no HTTP)."""
from __future__ import annotations

import time

import itsdangerous.timed
import pytest
from sqlalchemy import func, select

from eventsys.auth import passwords, services
from eventsys.auth.models import User
from eventsys.errors import PermissionDenied, ValidationError
from eventsys.extensions import db
from eventsys.mail import OutboxMessage
from tests.builders import PASSWORD

NEW_PASSWORD = "a brand new passphrase"


def user_count() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def outbox() -> list[OutboxMessage]:
    return db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()


def raised(call, *args, **kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        call(*args, **kwargs)
    return info.value


# --- register_user ----------------------------------------------------------------------

def test_register_user_creates_account_with_hashed_password(app):
    user = services.register_user("ana@example.org", PASSWORD, "Ana Ruiz", organisation="ISCIII",
                                  country="ES", timezone="Europe/Madrid", locale="es",
                                  stakeholder_category="researcher")
    stored = db.session.get(User, user.id)
    assert (stored.email, stored.name, stored.organisation) == ("ana@example.org", "Ana Ruiz", "ISCIII")
    assert (stored.country, stored.timezone, stored.locale, stored.stakeholder_category) == (
        "ES", "Europe/Madrid", "es", "researcher")
    assert stored.is_admin is False
    assert stored.password_hash != PASSWORD
    assert passwords.verify_password(stored.password_hash, PASSWORD)


def test_register_user_email_normalised_to_lower_case(app):
    user = services.register_user("  Ana.Ruiz@Example.ORG ", PASSWORD, "Ana")
    assert user.email == "ana.ruiz@example.org"


@pytest.mark.parametrize("email", ["not-an-email", "ana@", "@example.org", "", "ana example@example.org"])
def test_register_user_bad_email_refused_at_email(app, email):
    error = raised(services.register_user, email, PASSWORD, "Ana")
    assert error.field == "email"
    assert str(error.message) == "Enter a valid email address."
    assert user_count() == 0


def test_register_user_short_password_refused_at_password(app):
    error = raised(services.register_user, "ana@example.org", "x" * 9, "Ana")
    assert error.field == "password"
    assert str(error.message) == "Use at least 10 characters."
    assert user_count() == 0


def test_register_user_password_of_minimum_length_accepted(app):
    user = services.register_user("ana@example.org", "x" * 10, "Ana")
    assert passwords.verify_password(user.password_hash, "x" * 10)


@pytest.mark.parametrize("second", ["ana@example.org", "ANA@Example.Org"])
def test_register_user_duplicate_email_refused_at_email(app, second):
    services.register_user("ana@example.org", PASSWORD, "Ana")
    error = raised(services.register_user, second, PASSWORD, "Ana Again")
    assert error.field == "email"
    assert "already exists" in str(error.message)
    assert user_count() == 1


@pytest.mark.parametrize("field, value, message", [
    ("country", "XX", "Choose a country from the list."),
    ("country", "Spain", "Choose a country from the list."),
    ("timezone", "Mars/Base", "Choose a time zone from the list."),
    ("stakeholder_category", "astronaut", "Choose a category from the list."),
    ("locale", "klingon", "Choose a language from the list."),
])
def test_register_user_bad_profile_value_refused_at_its_field(app, field, value, message):
    error = raised(services.register_user, "ana@example.org", PASSWORD, "Ana", **{field: value})
    assert error.field == field
    assert str(error.message) == message
    assert user_count() == 0


def test_register_user_blank_name_refused_at_name(app):
    error = raised(services.register_user, "ana@example.org", PASSWORD, "   ")
    assert error.field == "name"
    assert user_count() == 0


# --- authenticate -----------------------------------------------------------------------

def test_authenticate_right_password_returns_user_and_sets_last_login(app, make_user):
    user = make_user(email="bo@example.org")
    assert user.last_login_at is None
    assert services.authenticate("bo@example.org", PASSWORD) is user
    assert user.last_login_at is not None
    db.session.expire_all()
    assert db.session.get(User, user.id).last_login_at is not None


def test_authenticate_email_is_case_insensitive(app, make_user):
    user = make_user(email="bo@example.org")
    assert services.authenticate("  BO@Example.org", PASSWORD) is user


def test_authenticate_wrong_password_and_unknown_email_give_identical_error(app, make_user):
    user = make_user(email="bo@example.org")
    wrong = raised(services.authenticate, "bo@example.org", "not the password")
    unknown = raised(services.authenticate, "nobody@example.org", PASSWORD)
    assert str(wrong.message) == str(unknown.message) == "The email address or password is not correct."
    assert wrong.field == unknown.field == "password"
    assert user.last_login_at is None


def test_authenticate_empty_password_refused(app, make_user):
    make_user(email="bo@example.org")
    error = raised(services.authenticate, "bo@example.org", "")
    assert str(error.message) == "The email address or password is not correct."


# --- update_profile ---------------------------------------------------------------------

def test_update_profile_by_the_user_saves_values(app, make_user):
    user = make_user()
    services.update_profile(user, user, {"name": " New Name ", "country": "PT",
                                         "timezone": "Europe/Lisbon", "stakeholder_category": "funder"})
    db.session.expire_all()
    stored = db.session.get(User, user.id)
    assert (stored.name, stored.country, stored.timezone, stored.stakeholder_category) == (
        "New Name", "PT", "Europe/Lisbon", "funder")


def test_update_profile_by_another_user_denied(app, make_user):
    user, other = make_user(name="Owner"), make_user()
    with pytest.raises(PermissionDenied):
        services.update_profile(user, other, {"name": "Hijacked"})
    db.session.expire_all()
    assert db.session.get(User, user.id).name == "Owner"


def test_update_profile_without_actor_denied(app, make_user):
    user = make_user()
    with pytest.raises(PermissionDenied):
        services.update_profile(user, None, {"name": "Anon"})


def test_update_profile_bad_timezone_refused_and_nothing_saved(app, make_user):
    user = make_user(name="Owner", timezone="Europe/Madrid")
    error = raised(services.update_profile, user, user, {"name": "Changed", "timezone": "Mars/Base"})
    assert error.field == "timezone"
    db.session.expire_all()
    stored = db.session.get(User, user.id)
    assert (stored.name, stored.timezone) == ("Owner", "Europe/Madrid")


# --- change_password --------------------------------------------------------------------

def test_change_password_sets_new_password_and_rotates_session_token(app, make_user):
    user = make_user()
    old_token = user.session_token
    services.change_password(user, PASSWORD, NEW_PASSWORD)
    assert user.session_token != old_token
    assert passwords.verify_password(user.password_hash, NEW_PASSWORD)
    assert not passwords.verify_password(user.password_hash, PASSWORD)


def test_change_password_wrong_current_refused_at_current_password(app, make_user):
    user = make_user()
    old_hash, old_token = user.password_hash, user.session_token
    error = raised(services.change_password, user, "not the password", NEW_PASSWORD)
    assert error.field == "current_password"
    assert (user.password_hash, user.session_token) == (old_hash, old_token)


def test_change_password_weak_new_password_refused_at_new_password(app, make_user):
    user = make_user()
    error = raised(services.change_password, user, PASSWORD, "short")
    assert error.field == "new_password"
    assert passwords.verify_password(user.password_hash, PASSWORD)


def test_end_sessions_rotates_session_token(app, make_user):
    user = make_user()
    old_id = user.get_id()
    services.end_sessions(user)
    assert user.get_id() != old_id
    assert services.load_user_from_cookie(old_id) is None
    assert services.load_user_from_cookie(user.get_id()) is user


@pytest.mark.parametrize("cookie", ["", "abc", "1", "1:", ":token", "x:token"])
def test_load_user_from_cookie_malformed_value_gives_none(app, make_user, cookie):
    make_user()
    assert services.load_user_from_cookie(cookie) is None


# --- password reset ---------------------------------------------------------------------

def test_reset_password_with_fresh_token_sets_password_and_rotates_session_token(app, make_user):
    user = make_user()
    old_token = user.session_token
    token = services.make_reset_token(user)
    assert services.user_for_reset_token(token) is user
    services.reset_password(token, NEW_PASSWORD)
    assert services.authenticate(user.email, NEW_PASSWORD) is user
    assert user.session_token != old_token


def test_reset_password_token_second_use_refused(app, make_user):
    user = make_user()
    token = services.make_reset_token(user)
    services.reset_password(token, NEW_PASSWORD)
    error = raised(services.reset_password, token, "yet another passphrase")
    assert str(error.message) == "This reset link has already been used. Please ask for a new one."
    assert services.authenticate(user.email, NEW_PASSWORD) is user


def test_reset_password_token_void_after_password_change(app, make_user):
    user = make_user()
    token = services.make_reset_token(user)
    services.change_password(user, PASSWORD, NEW_PASSWORD)
    error = raised(services.user_for_reset_token, token)
    assert "already been used" in str(error.message)


@pytest.mark.parametrize("forge", [
    lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
    lambda token: "garbage",
    lambda token: "",
])
def test_reset_password_forged_token_refused(app, make_user, forge):
    user = make_user()
    token = forge(services.make_reset_token(user))
    error = raised(services.reset_password, token, NEW_PASSWORD)
    assert str(error.message) == "This reset link is not valid. Please ask for a new one."
    assert passwords.verify_password(user.password_hash, PASSWORD)


def test_reset_password_token_signed_with_other_key_refused(app, make_user):
    user = make_user()
    forged = itsdangerous.URLSafeTimedSerializer("another-secret", salt=services.RESET_SALT).dumps(
        {"uid": user.id, "pw": user.password_hash[-16:]})
    error = raised(services.reset_password, forged, NEW_PASSWORD)
    assert str(error.message) == "This reset link is not valid. Please ask for a new one."


def test_reset_password_expired_token_refused(app, make_user, monkeypatch):
    user = make_user()
    max_age = app.config["PASSWORD_RESET_MAX_AGE"]
    issued = time.time()
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: issued)
    token = services.make_reset_token(user)
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: issued + max_age - 5)
    assert services.user_for_reset_token(token) is user  # still valid just before the limit
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: issued + max_age + 5)
    error = raised(services.reset_password, token, NEW_PASSWORD)
    assert str(error.message) == "This reset link has expired. Please ask for a new one."
    assert passwords.verify_password(user.password_hash, PASSWORD)


def test_reset_password_weak_new_password_refused_at_password(app, make_user):
    user = make_user()
    token = services.make_reset_token(user)
    error = raised(services.reset_password, token, "short")
    assert error.field == "password"
    assert services.user_for_reset_token(token) is user  # the link still works


def test_request_password_reset_known_email_queues_one_message(app, make_user):
    user = make_user(email="bo@example.org", name="Bo Berg")
    services.request_password_reset("BO@example.org")
    messages = outbox()
    assert len(messages) == 1
    message = messages[0]
    assert message.to_addr == "bo@example.org"
    assert message.subject == "Reset your eventsys password"
    assert message.status == "queued"
    assert "Hello Bo Berg," in message.body_text
    assert "60 minutes" in message.body_text
    link = next(word for word in message.body_text.split() if word.startswith("http"))
    assert link.startswith("http://localhost/auth/reset/")
    token = link.rsplit("/", 1)[1]
    assert services.user_for_reset_token(token) is user


@pytest.mark.parametrize("email", ["nobody@example.org", "not-an-email", ""])
def test_request_password_reset_unknown_email_queues_nothing(app, make_user, email):
    make_user(email="bo@example.org")
    assert services.request_password_reset(email) is None
    assert outbox() == []


# --- create_admin -----------------------------------------------------------------------

def test_create_admin_new_email_creates_admin(app):
    user, created = services.create_admin("Root@Example.org", PASSWORD)
    assert created is True
    assert (user.email, user.name, user.is_admin) == ("root@example.org", "root", True)
    assert services.authenticate("root@example.org", PASSWORD) is user


def test_create_admin_existing_user_promoted_with_new_password(app, make_user):
    existing = make_user(email="bo@example.org", name="Bo Berg")
    user, created = services.create_admin("bo@example.org", NEW_PASSWORD, name="Ignored")
    assert created is False
    assert user is existing
    assert (user.is_admin, user.name) == (True, "Bo Berg")
    assert services.authenticate("bo@example.org", NEW_PASSWORD) is user
    assert user_count() == 1


def test_create_admin_weak_password_refused(app):
    error = raised(services.create_admin, "root@example.org", "short")
    assert error.field == "password"
    assert user_count() == 0
