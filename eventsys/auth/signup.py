"""Sign-up that proves the address: the answer never says whether it has an account.

A new address gets an unverified account and a signed link that confirms it; an address
that already has an account gets a mail with a password-reset link instead, and the
submitted password is discarded. Until verified, an account may register for events but
holds no rights granted to the address (team roles, speaker links).
"""
from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from eventsys import mail
from eventsys.auth import passwords
from eventsys.auth.models import User
from eventsys.auth.services import (check_password_strength, get_user_by_email, make_reset_token,
                                    normalise_email, register_user, validate_profile)
from eventsys.errors import ValidationError
from eventsys.extensions import db
from eventsys.timeutil import utcnow

VERIFY_SALT = "eventsys.email-verification"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=VERIFY_SALT)


def _max_age() -> int:
    return int(current_app.config["EMAIL_VERIFY_MAX_AGE"])


def make_verification_token(user: User) -> str:
    # Bound to the account and its address: a link for an old address proves nothing.
    return _serializer().dumps({"uid": user.id, "em": user.email.lower()})


def sign_up(email: str, password: str, name: str, next_path: str = "", **profile) -> User | None:
    """Check the form's values, then mail the address: "confirm" for a new account
    (returned, unverified), or "you already have an account — reset your password"
    (returns None; the password is discarded). ``next_path`` (a local path) is where the
    confirmation link leads afterwards. Raises ValidationError for a bad value, never
    because the address is taken."""
    email = normalise_email(email)
    check_password_strength(password)
    validate_profile({"name": name, **profile})
    existing = get_user_by_email(email)
    if existing is None:
        try:
            user = register_user(email, password, name, **profile)
        except ValidationError:  # lost a race with a sign-up for the same address
            existing = get_user_by_email(email)
        else:
            send_verification(user, next_path)
            return user
    passwords.burn_time(password)  # as long as hashing a new account's password
    _mail_account_exists(existing)
    return None


def _mail_account_exists(user: User) -> None:
    mail.queue_mail(user.email, _l("You already have an eventsys account"), "account_exists",
                    locale=user.locale or None, user=user, token=make_reset_token(user),
                    max_age_minutes=current_app.config["PASSWORD_RESET_MAX_AGE"] // 60)
    db.session.commit()


def send_verification(user: User, next_path: str = "") -> bool:
    """Queue a fresh confirmation link (leading on to ``next_path``, a local path checked
    again when the link is opened); nothing (False) when the address is already verified."""
    if user.is_verified:
        return False
    mail.queue_mail(user.email, _l("Confirm your email address for eventsys"), "verify_email",
                    locale=user.locale or None, user=user, token=make_verification_token(user),
                    max_age_hours=_max_age() // 3600, next_path=next_path or None)
    db.session.commit()
    return True


def confirm_email(token: str) -> tuple[User, bool]:
    """Mark the account's address verified. Returns the account and whether this call
    verified it (a second use of the link changes nothing and must not log anyone in).
    Raises ValidationError when the link is forged, expired or for another address."""
    try:
        data = _serializer().loads(token, max_age=_max_age())
    except SignatureExpired as exc:
        raise ValidationError(_l("This confirmation link has expired. Log in and ask for a new one.")) from exc
    except BadSignature as exc:
        raise ValidationError(_l("This confirmation link is not valid. Log in and ask for a new one.")) from exc
    user = db.session.get(User, data.get("uid")) if isinstance(data, dict) else None
    if user is None or user.email.lower() != data.get("em"):
        raise ValidationError(_l("This confirmation link is not valid. Log in and ask for a new one."))
    if user.is_verified:
        return user, False
    user.email_verified_at = utcnow()
    db.session.commit()
    return user, True
