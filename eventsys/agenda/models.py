from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventsys.extensions import db
from eventsys.timeutil import utcnow

KINDS = ("plenary", "keynote", "panel", "working_group", "break", "social", "other")
SLOT_STATUSES = ("scheduled", "cancelled")
SPEAKER_ROLES = ("speaker", "chair", "moderator", "panellist")
# Changing any of these is a change of time, place or status: the revision goes up.
REVISED_FIELDS = ("starts_at", "ends_at", "room_id", "online_link", "status")


def new_uid() -> str:
    return str(uuid.uuid4())


class AgendaSlot(db.Model):
    """One item of the agenda. ``uid`` never changes (it is the iCal UID); ``revision``
    goes up whenever its time, place or status changes (the iCal SEQUENCE)."""
    __tablename__ = "agenda_slot"
    __table_args__ = (Index("ix_agenda_slot_event_start", "event_id", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(64), unique=True, default=new_uid)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16), default="other")
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")  # Markdown
    starts_at: Mapped[datetime]  # naive UTC
    ends_at: Mapped[datetime]    # naive UTC
    room_id: Mapped[int | None] = mapped_column(ForeignKey("room.id", ondelete="SET NULL"), index=True)
    online_link: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[str] = mapped_column(String(16), default="scheduled")
    revision: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    event = relationship("Event")
    room = relationship("Room")
    speaker_links = relationship("SlotSpeaker", back_populates="slot", cascade="all, delete-orphan",
                                 passive_deletes=True, order_by="SlotSpeaker.position")

    @property
    def is_cancelled(self) -> bool:
        return self.status == "cancelled"


class SlotSpeaker(db.Model):
    __tablename__ = "slot_speaker"
    __table_args__ = (UniqueConstraint("slot_id", "speaker_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("agenda_slot.id", ondelete="CASCADE"), index=True)
    speaker_id: Mapped[int] = mapped_column(ForeignKey("speaker.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16), default="speaker")
    position: Mapped[int] = mapped_column(default=0)

    slot = relationship("AgendaSlot", back_populates="speaker_links")
    speaker = relationship("Speaker", back_populates="slot_links")
