"""Accounts: sign-up, authentication, profile, passwords and sessions.

Services take plain values and the acting user, commit one transaction, and raise
``ValidationError`` (with the field's name) when a rule is broken.
"""
from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from eventsys import inputrules, mail
from eventsys.auth import passwords
from eventsys.auth.models import STAKEHOLDER_CATEGORIES, User, new_session_token
from eventsys.errors import PermissionDenied, ValidationError
from eventsys.extensions import db
from eventsys.reference import is_valid_country, is_valid_timezone
from eventsys.timeutil import utcnow

RESET_SALT = "eventsys.password-reset"
PROFILE_FIELDS = ("name", "organisation", "country", "timezone", "locale", "stakeholder_category")


def normalise_email(email: str, field: str = "email") -> str:
    """Validate syntax offline and return the normalised address (domain lower-cased)."""
    try:
        info = validate_email((email or "").strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise ValidationError(_l("Enter a valid email address."), field=field) from exc
    return info.normalized.lower()


def get_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def check_password_strength(password: str, field: str = "password") -> None:
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password or "") < minimum:
        raise ValidationError(_l("Use at least %(n)s characters.", n=minimum), field=field)
    if len(password) > 1024:
        raise ValidationError(_l("That password is too long."), field=field)


def validate_profile(values: dict) -> dict:
    """Check profile values; unknown country/time zone/category are refused at the field."""
    clean = {k: inputrules.require_single_line(values.get(k), k) for k in PROFILE_FIELDS if k in values}
    if "name" in clean and not clean["name"]:
        raise ValidationError(_l("Enter your name."), field="name")
    if clean.get("country") and not is_valid_country(clean["country"]):
        raise ValidationError(_l("Choose a country from the list."), field="country")
    if clean.get("timezone") and not is_valid_timezone(clean["timezone"]):
        raise ValidationError(_l("Choose a time zone from the list."), field="timezone")
    if clean.get("locale") and clean["locale"] not in current_app.config["LANGUAGES"]:
        raise ValidationError(_l("Choose a language from the list."), field="locale")
    if clean.get("stakeholder_category") and clean["stakeholder_category"] not in STAKEHOLDER_CATEGORIES:
        raise ValidationError(_l("Choose a category from the list."), field="stakeholder_category")
    return clean


def register_user(email: str, password: str, name: str, **profile) -> User:
    """Create an unverified account (sign-up goes through ``signup.sign_up``). Raises ValidationError on a bad or taken email, a weak password
    or a bad profile value."""
    email = normalise_email(email)
    check_password_strength(password)
    clean = validate_profile({"name": name, **profile})
    if get_user_by_email(email) is not None:
        raise ValidationError(_l("An account with this email address already exists. "
                                 "Log in, or reset your password."), field="email")
    user = User(email=email, password_hash=passwords.hash_password(password), **clean)
    db.session.add(user)
    try:
        db.session.commit()
    except IntegrityError as exc:  # a concurrent sign-up with the same address
        db.session.rollback()
        raise ValidationError(_l("An account with this email address already exists. "
                                 "Log in, or reset your password."), field="email") from exc
    return user


def authenticate(email: str, password: str) -> User:
    """Return the user for these credentials; one message for every failure (no enumeration)."""
    user = get_user_by_email(email or "")
    if user is None:
        passwords.burn_time(password or "")
    elif passwords.verify_password(user.password_hash, password or ""):
        if passwords.needs_rehash(user.password_hash):
            user.password_hash = passwords.hash_password(password)
        user.last_login_at = utcnow()
        db.session.commit()
        return user
    raise ValidationError(_l("The email address or password is not correct."), field="password")


def update_profile(user: User, actor: User, values: dict) -> User:
    """Change profile fields. Only the user themself may do it."""
    if actor is None or actor.id != user.id:
        raise PermissionDenied(_l("You can only change your own profile."))
    for key, value in validate_profile(values).items():
        setattr(user, key, value)
    db.session.commit()
    return user


def end_sessions(user: User) -> None:
    """Invalidate every login cookie of this user (the cookie carries the session token)."""
    user.session_token = new_session_token()
    db.session.commit()


def change_password(user: User, current_password: str, new_password: str) -> User:
    """Check the current password, set the new one and end all other sessions."""
    if not passwords.verify_password(user.password_hash, current_password or ""):
        raise ValidationError(_l("Your current password is not correct."), field="current_password")
    check_password_strength(new_password, field="new_password")
    user.password_hash = passwords.hash_password(new_password)
    user.session_token = new_session_token()
    db.session.commit()
    return user


def _reset_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=RESET_SALT)


def make_reset_token(user: User) -> str:
    # The hash fragment makes the link single-use: once the password changes, it is void.
    return _reset_serializer().dumps({"uid": user.id, "pw": user.password_hash[-16:]})


def request_password_reset(email: str) -> None:
    """Queue a reset link if the account exists. Says nothing either way (no enumeration)."""
    try:
        email = normalise_email(email)
    except ValidationError:
        return
    user = get_user_by_email(email)
    if user is None:
        return
    mail.queue_mail(user.email, _l("Reset your eventsys password"), "password_reset",
                    locale=user.locale or None, user=user, token=make_reset_token(user),
                    max_age_minutes=current_app.config["PASSWORD_RESET_MAX_AGE"] // 60)
    db.session.commit()


def user_for_reset_token(token: str) -> User:
    """Raises ValidationError when the link is forged, expired or already used."""
    try:
        data = _reset_serializer().loads(token, max_age=current_app.config["PASSWORD_RESET_MAX_AGE"])
    except SignatureExpired as exc:
        raise ValidationError(_l("This reset link has expired. Please ask for a new one.")) from exc
    except BadSignature as exc:
        raise ValidationError(_l("This reset link is not valid. Please ask for a new one.")) from exc
    user = db.session.get(User, data.get("uid")) if isinstance(data, dict) else None
    if user is None or user.password_hash[-16:] != data.get("pw"):
        raise ValidationError(_l("This reset link has already been used. Please ask for a new one."))
    return user


def reset_password(token: str, new_password: str) -> User:
    """Set a new password from a reset link and end every existing session. The link was
    mailed to the address, so using it also proves the address (verifies the account)."""
    user = user_for_reset_token(token)
    check_password_strength(new_password, field="password")
    user.password_hash = passwords.hash_password(new_password)
    user.session_token = new_session_token()
    user.email_verified_at = user.email_verified_at or utcnow()
    db.session.commit()
    return user


def create_admin(email: str, password: str, name: str | None = None) -> tuple[User, bool]:
    """Create a site admin, or promote (and set the password of) an existing account.
    Returns the user and whether it was created."""
    email = normalise_email(email)
    check_password_strength(password)
    user = get_user_by_email(email)
    created = user is None
    if created:
        name = inputrules.require_single_line(name, "name")
        user = User(email=email, name=name or email.split("@")[0], password_hash="")
        db.session.add(user)
    user.password_hash = passwords.hash_password(password)
    user.is_admin = True
    # The operator who runs this command vouches for the address.
    user.email_verified_at = user.email_verified_at or utcnow()
    db.session.commit()
    return user, created


def load_user_from_cookie(user_id: str) -> User | None:
    """Flask-Login's loader: the cookie holds ``<id>:<session token>``."""
    raw_id, _, token = (user_id or "").partition(":")
    if not raw_id.isdigit() or not token:
        return None
    user = db.session.get(User, int(raw_id))
    if user is None or not _same(user.session_token, token):
        return None
    return user


def _same(a: str, b: str) -> bool:
    import hmac
    return hmac.compare_digest(a.encode(), b.encode())
