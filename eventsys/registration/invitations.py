"""Invitations: a place an organiser added by e-mail address, which the address's owner
confirms (or declines).

Rule: an organiser who adds a participant by address never gets a usable account out of
it, and never blocks the address's owner. An address that belongs to a verified account
with a password is simply registered (participants.add_participant). Any other address
gets an *unverified placeholder* account (or keeps the unverified account it has), whose
password stays unusable (UNSET) until the owner chooses one, and an invitation mailed to
it. The invitation's link proves the address: accepting sets ``email_verified_at`` and
the password the owner chooses; declining cancels the place (the seat goes to the first
in line). The owner can also sign up or reset their password as usual at any time.

The link is signed (itsdangerous), names the registration, and carries a fragment of the
account's password hash, so it stops working once a password is set (single use).
"""
from __future__ import annotations

from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from eventsys.auth import passwords
from eventsys.auth.models import User, new_session_token
from eventsys.auth.services import check_password_strength
from eventsys.errors import ValidationError
from eventsys.events.models import Event
from eventsys.extensions import db
from eventsys.registration import services
from eventsys.registration.models import Registration
from eventsys.timeutil import utcnow

UNSET = "!"  # prefix of the password hash of an account whose owner has not chosen one
MAX_AGE_DAYS = 30
_SALT = "eventsys.registration-invitation"


def needs_invitation(user: User | None) -> bool:
    """Whether a place added for this account must be confirmed by the address's owner:
    no account yet, an unverified one, or one without a password of its own."""
    return user is None or not user.is_verified or user.password_hash.startswith(UNSET)


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def make_token(registration: Registration) -> str:
    return _serializer().dumps({"r": registration.id, "pw": registration.user.password_hash[-16:]})


def registration_for_token(event: Event, token: str) -> Registration:
    """The registration the link invites to. ValidationError when the link is forged,
    expired, for another event, already used, or the place was cancelled."""
    try:
        data = _serializer().loads(token or "", max_age=MAX_AGE_DAYS * 86400)
    except SignatureExpired as exc:
        raise ValidationError(_l("This invitation has expired. To take part, ask the organisers, or sign "
                                 "up or reset your password with this address.")) from exc
    except BadSignature as exc:
        raise ValidationError(_l("This invitation link is not valid.")) from exc
    registration = db.session.get(Registration, data.get("r")) if isinstance(data, dict) else None
    if registration is None or registration.event_id != event.id or registration.user is None:
        raise ValidationError(_l("This invitation link is not valid."))
    if registration.user.password_hash[-16:] != data.get("pw"):
        raise ValidationError(_l("This invitation has already been used: log in to see your registration."))
    if registration.status not in services.ACTIVE:
        raise ValidationError(_l("This place was cancelled."))
    return registration


def accept_invitation(event: Event, token: str, password: str, now: datetime | None = None) -> User:
    """Confirm the place: the address is proved (``email_verified_at``) and the account
    gets the chosen password (other sessions end). Returns the account. ValidationError
    (the link, as in :func:`registration_for_token`; a weak password at ``password``)."""
    registration = registration_for_token(event, token)
    check_password_strength(password, field="password")
    user = registration.user
    user.password_hash = passwords.hash_password(password)
    user.email_verified_at = user.email_verified_at or now or utcnow()
    user.session_token = new_session_token()
    db.session.commit()
    return user


def decline_invitation(event: Event, token: str, now: datetime | None = None) -> None:
    """Give the place up (the first in line is promoted). ValidationError for the link."""
    registration = registration_for_token(event, token)
    services.cancel_registration(registration, registration.user, now=now)
