from __future__ import annotations

import secrets
from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventsys.extensions import db
from eventsys.timeutil import utcnow

MODES = ("in_person", "online")
PENDING, CONFIRMED, WAITLISTED, CANCELLED, REJECTED = "pending", "confirmed", "waitlisted", "cancelled", "rejected"
STATUSES = (PENDING, CONFIRMED, WAITLISTED, CANCELLED, REJECTED)
# Statuses that hold a seat: a pending registration keeps its seat while it awaits approval.
SEATED = (PENDING, CONFIRMED)
QUESTION_KINDS = ("short_text", "long_text", "single_choice", "multiple_choice", "yes_no", "country")
QUESTION_MODES = ("all", "in_person", "online")


def new_qr_token() -> str:
    return secrets.token_urlsafe(18)


class RegistrationSettings(db.Model):
    """Per-event registration settings, and the seat counters.

    ``*_taken`` counts seated registrations (pending + confirmed). It only ever changes
    through a conditional UPDATE (``taken < capacity``), which is what keeps the event
    from being overbooked under concurrent load on SQLite and PostgreSQL alike.
    """
    __tablename__ = "registration_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), unique=True)
    is_open: Mapped[bool] = mapped_column(default=False)  # the organiser's switch
    opens_at: Mapped[datetime | None] = mapped_column(default=None)   # naive UTC
    closes_at: Mapped[datetime | None] = mapped_column(default=None)  # naive UTC
    in_person_capacity: Mapped[int | None] = mapped_column(default=0)  # None = unlimited
    online_capacity: Mapped[int | None] = mapped_column(default=None)  # None = unlimited
    in_person_taken: Mapped[int] = mapped_column(default=0)
    online_taken: Mapped[int] = mapped_column(default=0)
    requires_approval: Mapped[bool] = mapped_column(default=False)
    confirmation_message: Mapped[str] = mapped_column(Text, default="")
    # Only for confirmed participants of that way of attending (migration 0006).
    confirmation_message_in_person: Mapped[str] = mapped_column(Text, default="", server_default="")
    confirmation_message_online: Mapped[str] = mapped_column(Text, default="", server_default="")
    privacy_notice: Mapped[str] = mapped_column(Text, default="")
    privacy_notice_version: Mapped[str] = mapped_column(String(40), default="1")

    event = relationship("Event")

    def confirmation_messages(self, mode: str) -> list[str]:
        """What a confirmed participant attending in ``mode`` is told: the general message,
        then the one for their way of attending (never the other mode's)."""
        own = self.confirmation_message_in_person if mode == "in_person" else self.confirmation_message_online
        return [text for text in (self.confirmation_message, own) if text]


class Registration(db.Model):
    __tablename__ = "registration"
    __table_args__ = (
        UniqueConstraint("event_id", "user_id"),
        Index("ix_registration_event_status_mode", "event_id", "status", "mode"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    # NULL once the person deleted their account (the row stays, anonymised, for counts).
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    mode: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    # Stakeholder group and country are copied at registration time: statistics and
    # group balancing need them even after the account is gone.
    stakeholder_category: Mapped[str] = mapped_column(String(32), default="")
    country: Mapped[str] = mapped_column(String(2), default="")
    consent_privacy_version: Mapped[str] = mapped_column(String(40), default="")
    consent_privacy_at: Mapped[datetime | None] = mapped_column(default=None)
    consent_public_list: Mapped[bool] = mapped_column(default=False)
    qr_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_qr_token)
    checked_in_at: Mapped[datetime | None] = mapped_column(default=None)
    attended_online: Mapped[bool] = mapped_column(default=False)
    online_minutes: Mapped[int | None] = mapped_column(default=None)
    anonymised: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(default=None)
    cancelled_at: Mapped[datetime | None] = mapped_column(default=None)

    event = relationship("Event")
    user = relationship("User")
    answers = relationship("RegistrationAnswer", back_populates="registration",
                           cascade="all, delete-orphan", passive_deletes=True)

    @property
    def holds_seat(self) -> bool:
        return self.status in SEATED


class RegistrationQuestion(db.Model):
    __tablename__ = "registration_question"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    label: Mapped[str] = mapped_column(String(300))
    help_text: Mapped[str] = mapped_column(String(500), default="")
    options: Mapped[list] = mapped_column(JSON, default=list)
    required: Mapped[bool] = mapped_column(default=False)
    applies_to: Mapped[str] = mapped_column(String(16), default="all")  # all / in_person / online
    # Personal or sensitive (e.g. accessibility needs): owners and organisers only,
    # never in exports to other roles, never in reports.
    sensitive: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=0)


class RegistrationAnswer(db.Model):
    __tablename__ = "registration_answer"
    __table_args__ = (UniqueConstraint("registration_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registration.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("registration_question.id", ondelete="CASCADE"), index=True)
    value: Mapped[object] = mapped_column(JSON, nullable=True)

    registration = relationship("Registration", back_populates="answers")
    question = relationship("RegistrationQuestion")


# --- organiser messages (added for registration/messaging.py) -----------------------------
class RegistrationMessage(db.Model):
    """A message an organiser sent to all or a filtered set of participants (the mails
    themselves are in the outbox). ``batch_id`` comes from a hidden field of the form,
    so a resubmitted form (double click, back button) never sends the message twice."""
    __tablename__ = "registration_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    batch_id: Mapped[str] = mapped_column(String(64), unique=True)
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    filters: Mapped[dict] = mapped_column(JSON, default=dict)  # {"status": ..., "mode": ...}
    recipients: Mapped[int] = mapped_column(default=0)
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


# --- check-ins per day (migration 0009) ------------------------------------------------------
class Checkin(db.Model):
    """One check-in of a registration on one day of the event (``day`` is the local date in
    the event's zone). The unique (registration, day) makes a double scan one row.
    ``Registration.checked_in_at`` stays the first check-in (attendance rules read it)."""
    __tablename__ = "checkin"
    __table_args__ = (UniqueConstraint("registration_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registration.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)  # naive UTC
    by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
