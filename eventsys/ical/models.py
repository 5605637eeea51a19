from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from eventsys.extensions import db
from eventsys.timeutil import utcnow


class CalendarToken(db.Model):
    """A participant's personal feed address.

    The token is HMAC-SHA256(SECRET_KEY, nonce): 256 bits that the "My agenda" page can
    show again at any time, while the database keeps only the random nonce and the
    SHA-256 of the token (a copy of the database alone does not reveal any feed address).
    Resetting draws a new nonce, so the old address answers 404."""
    __tablename__ = "calendar_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), unique=True)
    nonce: Mapped[str] = mapped_column(String(64))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
