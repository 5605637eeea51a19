from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventsys.extensions import db
from eventsys.timeutil import utcnow

QUESTION_KINDS = ("rating", "single_choice", "multiple_choice", "yes_no", "text")


def random_id() -> str:
    return uuid.uuid4().hex


class FeedbackForm(db.Model):
    """Feedback on the event as a whole (slot_id NULL) or on one agenda slot."""
    __tablename__ = "feedback_form"
    __table_args__ = (UniqueConstraint("event_id", "slot_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    slot_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_slot.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    anonymous: Mapped[bool] = mapped_column(default=True)
    opens_at: Mapped[datetime | None] = mapped_column(default=None)   # naive UTC; None: when the slot ends
    closes_at: Mapped[datetime | None] = mapped_column(default=None)  # naive UTC; None: 14 days after the event
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    questions = relationship("FeedbackQuestion", back_populates="form", cascade="all, delete-orphan",
                             passive_deletes=True, order_by="FeedbackQuestion.position, FeedbackQuestion.id")
    slot = relationship("AgendaSlot")


class FeedbackQuestion(db.Model):
    __tablename__ = "feedback_question"

    id: Mapped[int] = mapped_column(primary_key=True)
    form_id: Mapped[int] = mapped_column(ForeignKey("feedback_form.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    label: Mapped[str] = mapped_column(String(300))
    required: Mapped[bool] = mapped_column(default=False)
    options: Mapped[list] = mapped_column(JSON, default=list)
    scale_min: Mapped[int] = mapped_column(default=1)
    scale_max: Mapped[int] = mapped_column(default=5)
    low_label: Mapped[str] = mapped_column(String(100), default="")
    high_label: Mapped[str] = mapped_column(String(100), default="")
    position: Mapped[int] = mapped_column(default=0)

    form = relationship("FeedbackForm", back_populates="questions")


class FeedbackResponse(db.Model):
    """One person's answers. For anonymous forms ``registration_id`` is NULL, the id is
    random and no time is kept, so that nothing — not even ordering — links the answers
    to the separate record of who has answered (FeedbackRespondent)."""
    __tablename__ = "feedback_response"
    __table_args__ = (UniqueConstraint("form_id", "registration_id"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=random_id)
    form_id: Mapped[int] = mapped_column(ForeignKey("feedback_form.id", ondelete="CASCADE"), index=True)
    registration_id: Mapped[int | None] = mapped_column(ForeignKey("registration.id", ondelete="SET NULL"))
    submitted_at: Mapped[datetime | None] = mapped_column(default=None)  # non-anonymous only

    answers = relationship("FeedbackAnswer", back_populates="response", cascade="all, delete-orphan",
                           passive_deletes=True)


class FeedbackAnswer(db.Model):
    __tablename__ = "feedback_answer"
    __table_args__ = (UniqueConstraint("response_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[str] = mapped_column(ForeignKey("feedback_response.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("feedback_question.id", ondelete="CASCADE"), index=True)
    value: Mapped[object] = mapped_column(JSON, nullable=True)

    response = relationship("FeedbackResponse", back_populates="answers")


class FeedbackRespondent(db.Model):
    """Who has answered a form (once per person), kept apart from the answers."""
    __tablename__ = "feedback_respondent"
    __table_args__ = (UniqueConstraint("form_id", "registration_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    form_id: Mapped[int] = mapped_column(ForeignKey("feedback_form.id", ondelete="CASCADE"), index=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registration.id", ondelete="CASCADE"), index=True)


class FeedbackRequest(db.Model):
    """A "your feedback please" email was queued: each person is asked once per form."""
    __tablename__ = "feedback_request"
    __table_args__ = (UniqueConstraint("form_id", "registration_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    form_id: Mapped[int] = mapped_column(ForeignKey("feedback_form.id", ondelete="CASCADE"), index=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registration.id", ondelete="CASCADE"), index=True)
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
