from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventsys.extensions import db
from eventsys.timeutil import utcnow

FORMATS = ("in_person", "online", "hybrid")
STATUSES = ("draft", "published", "cancelled")
# The one definition of a public event: its pages, agenda, speakers and calendar feeds are
# shown to everyone (a cancelled event stays visible, marked cancelled). Drafts are seen
# only by their team. Python code asks ``event.is_public`` (or ``is_public_status`` of a
# plain row's status); ORM queries filter on ``Event.is_public``, Core queries on
# ``column.in_(PUBLIC_STATUSES)``.
PUBLIC_STATUSES = ("published", "cancelled")


def is_public_status(status: str) -> bool:
    return status in PUBLIC_STATUSES
ROLES = ("owner", "organiser", "rapporteur", "checkin")


class Event(db.Model):
    __tablename__ = "event"
    __table_args__ = (CheckConstraint("end_date >= start_date", name="dates_in_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True, index=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(500), default="")
    description: Mapped[str] = mapped_column(Text, default="")  # Markdown
    start_date: Mapped[date]
    end_date: Mapped[date]
    timezone: Mapped[str] = mapped_column(String(64))
    format: Mapped[str] = mapped_column(String(16), default="hybrid")
    venue_name: Mapped[str] = mapped_column(String(200), default="")
    venue_address: Mapped[str] = mapped_column(String(300), default="")
    venue_city: Mapped[str] = mapped_column(String(100), default="")
    venue_country: Mapped[str] = mapped_column(String(2), default="")
    # Never shown publicly: only to confirmed online participants (registration issue).
    online_link: Mapped[str] = mapped_column(String(500), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    status: Mapped[str] = mapped_column(String(16), default="draft", index=True)
    series_id: Mapped[int | None] = mapped_column(ForeignKey("event_series.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # Anything the calendar feeds show (the event, its slots, rooms, speakers, working
    # groups) changed: both are set by eventsys/ical/cache.py in the same transaction.
    content_version: Mapped[int] = mapped_column(default=0, server_default="0")
    content_updated_at: Mapped[datetime | None] = mapped_column(default=utcnow)

    series = relationship("Series", back_populates="events")
    roles = relationship("EventRole", back_populates="event", cascade="all, delete-orphan",
                         passive_deletes=True)
    rooms = relationship("Room", back_populates="event", cascade="all, delete-orphan",
                         passive_deletes=True, order_by="Room.position, Room.id")

    @hybrid_property
    def is_public(self) -> bool:
        return is_public_status(self.status)

    @is_public.inplace.expression
    @classmethod
    def _is_public_expression(cls):
        return cls.status.in_(PUBLIC_STATUSES)

    @property
    def offers_in_person(self) -> bool:
        return self.format in ("in_person", "hybrid")

    @property
    def offers_online(self) -> bool:
        return self.format in ("online", "hybrid")

    def __repr__(self) -> str:
        return f"<Event {self.slug}>"


class EventRole(db.Model):
    """A person's role on an event, held by an account (``user_id``). Roles are granted by
    a ``TeamInvitation`` that the owner of the address accepts while logged in with a
    verified account; rows without ``user_id`` (granted before invitations existed) give
    nothing."""
    __tablename__ = "event_role"
    __table_args__ = (UniqueConstraint("event_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    role: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    event = relationship("Event", back_populates="roles")
    user = relationship("User")


class TeamInvitation(db.Model):
    """A role offered to an email address. The mailed link carries a random token; only its
    SHA-256 is stored. Pending while neither accepted nor revoked and not expired."""
    __tablename__ = "team_invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    role: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    accepted_at: Mapped[datetime | None] = mapped_column(default=None)
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)

    event = relationship("Event")
    invited_by = relationship("User", foreign_keys=[invited_by_id])

    def is_pending(self, now: datetime) -> bool:
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > now


class Room(db.Model):
    __tablename__ = "room"
    __table_args__ = (UniqueConstraint("event_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    capacity: Mapped[int | None] = mapped_column(default=None)
    position: Mapped[int] = mapped_column(default=0)

    event = relationship("Event", back_populates="rooms")


class Series(db.Model):
    """A yearly workshop series, or the sessions a group runs at an annual congress."""
    __tablename__ = "event_series"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True, index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    owner = relationship("User")
    events = relationship("Event", back_populates="series", order_by="Event.start_date")
