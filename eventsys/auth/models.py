from __future__ import annotations

import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from eventsys.extensions import db
from eventsys.timeutil import utcnow

STAKEHOLDER_CATEGORIES = (
    "researcher", "clinician", "patient_organisation", "industry",
    "policy_maker", "funder", "other",
)


def new_session_token() -> str:
    return secrets.token_urlsafe(16)


class User(UserMixin, db.Model):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True, index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    name: Mapped[str] = mapped_column(String(200))
    organisation: Mapped[str] = mapped_column(String(200), default="")
    country: Mapped[str] = mapped_column(String(2), default="")
    timezone: Mapped[str] = mapped_column(String(64), default="")
    locale: Mapped[str] = mapped_column(String(16), default="")
    stakeholder_category: Mapped[str] = mapped_column(String(32), default="")
    is_admin: Mapped[bool] = mapped_column(default=False)
    # Part of the login cookie: changing it ends every session of this user.
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(default=None)
    # Set when the owner of the address proved it (a signed link sent there). Until then
    # the account may register for events but holds no rights granted to the address.
    email_verified_at: Mapped[datetime | None] = mapped_column(default=None)

    @property
    def is_verified(self) -> bool:
        return self.email_verified_at is not None

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"
