from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventsys.extensions import db
from eventsys.timeutil import utcnow

INVITATION_STATES = ("not_invited", "invited", "confirmed", "declined")
# "Public speaker", the one definition every public page, feed and export uses: speakers
# who confirmed, and those the organisers list without inviting them (organisers vouch
# for them). Invited speakers appear only once they say yes; declined ones never.
PUBLIC_STATES = ("confirmed", "not_invited")


class Speaker(db.Model):
    __tablename__ = "speaker"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(200), default="")  # e.g. "Professor of Bioethics"
    organisation: Mapped[str] = mapped_column(String(200), default="")
    country: Mapped[str] = mapped_column(String(2), default="")
    bio: Mapped[str] = mapped_column(Text, default="")  # Markdown
    photo_url: Mapped[str] = mapped_column(String(500), default="")
    # File name under <instance>/uploads/speakers/ when a photo was uploaded.
    photo_file: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    invitation_status: Mapped[str] = mapped_column(String(16), default="not_invited")
    # Rotated by every invitation (and its withdrawal): part of the signed link, so only
    # the latest link works.
    invitation_nonce: Mapped[str] = mapped_column(String(32), default="", server_default="")
    invited_at: Mapped[datetime | None] = mapped_column(default=None)
    responded_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    event = relationship("Event")
    user = relationship("User")
    slot_links = relationship("SlotSpeaker", back_populates="speaker", cascade="all, delete-orphan",
                              passive_deletes=True)

    @property
    def is_public(self) -> bool:
        return self.invitation_status in PUBLIC_STATES


def is_public_speaker():
    """The SQL condition for ``Speaker.is_public`` (for queries that join speakers)."""
    return Speaker.invitation_status.in_(PUBLIC_STATES)
