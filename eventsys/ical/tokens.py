"""Personal feed tokens (see :class:`eventsys.ical.models.CalendarToken`).

token = urlsafe-base64(HMAC-SHA256(SECRET_KEY, nonce)), 43 characters, 256 bits; the nonce
is 32 random bytes. The database keeps the nonce and SHA-256(token): the address can be
shown again (it is recomputed from the nonce and the key), while a copy of the database
alone reveals no feed address. Lookups go by the hash, so no comparison leaks timing.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from eventsys.extensions import db
from eventsys.ical.models import CalendarToken
from eventsys.timeutil import utcnow

NONCE_BYTES = 32
TOKEN_LENGTH = 43
_TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{43}")


def new_nonce() -> str:
    return secrets.token_hex(NONCE_BYTES)


def token_for(secret_key: str, nonce: str) -> str:
    digest = hmac.new(secret_key.encode("utf-8"), nonce.encode("ascii"), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def looks_like_token(value: str) -> bool:
    """Anything else cannot be a token: answer 404 without asking the database."""
    return bool(_TOKEN_SHAPE.fullmatch(value or ""))


# --- stored tokens ----------------------------------------------------------------------

def calendar_token(user) -> str:
    """The user's personal feed token, created on first use (commits then). If SECRET_KEY
    was changed since, the stored hash is brought up to date: the old address stops working
    and the one shown works."""
    secret = current_app.config["SECRET_KEY"]
    row = _stored(user)
    if row is None:
        return _create(user, secret)
    token = token_for(secret, row.nonce)
    if token_hash(token) != row.token_hash:
        row.token_hash = token_hash(token)
        db.session.commit()
    return token


def reset_calendar_token(user) -> str:
    """Draw a new nonce: the previous address answers 404 from now on. Commits."""
    row = _stored(user)
    if row is None:
        return _create(user, current_app.config["SECRET_KEY"])
    row.nonce = new_nonce()
    token = token_for(current_app.config["SECRET_KEY"], row.nonce)
    row.token_hash, row.created_at = token_hash(token), utcnow()
    db.session.commit()
    return token


def _stored(user) -> CalendarToken | None:
    return db.session.scalar(select(CalendarToken).where(CalendarToken.user_id == user.id))


def _create(user, secret: str) -> str:
    nonce = new_nonce()
    token = token_for(secret, nonce)
    db.session.add(CalendarToken(user_id=user.id, nonce=nonce, token_hash=token_hash(token)))
    try:
        db.session.commit()
    except IntegrityError:  # another request of the same user created it first
        db.session.rollback()
        return calendar_token(user)
    return token
