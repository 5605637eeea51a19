from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventsys.extensions import db
from eventsys.timeutil import utcnow

DIRECT, RANKED = "direct", "ranked"
JOIN_MODES = (DIRECT, RANKED)
GROUP_FORMATS = ("in_person", "online", "hybrid")
STAFF_ROLES = ("moderator", "rapporteur")
ASSIGNED, GROUP_WAITLISTED = "assigned", "waitlisted"

working_group_slot = Table(
    "working_group_slot", db.metadata,
    Column("group_id", ForeignKey("working_group.id", ondelete="CASCADE"), primary_key=True),
    Column("slot_id", ForeignKey("agenda_slot.id", ondelete="CASCADE"), primary_key=True),
)


class GroupRound(db.Model):
    """Parallel working groups that meet at the same time; a participant is in at most
    one group of a round."""
    __tablename__ = "group_round"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    join_mode: Mapped[str] = mapped_column(String(16), default=RANKED)
    min_ranks: Mapped[int] = mapped_column(default=3)         # ranked: at least the first k
    opens_at: Mapped[datetime | None] = mapped_column(default=None)  # naive UTC
    deadline: Mapped[datetime | None] = mapped_column(default=None)  # naive UTC
    balance_share: Mapped[float | None] = mapped_column(default=None)  # e.g. 0.4, or None
    published_at: Mapped[datetime | None] = mapped_column(default=None)
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    groups = relationship("WorkingGroup", back_populates="round", cascade="all, delete-orphan",
                          passive_deletes=True, order_by="WorkingGroup.position, WorkingGroup.id")


class WorkingGroup(db.Model):
    __tablename__ = "working_group"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("group_round.id", ondelete="CASCADE"), index=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    guiding_question: Mapped[str] = mapped_column(String(500), default="")
    description: Mapped[str] = mapped_column(Text, default="")  # Markdown
    format: Mapped[str] = mapped_column(String(16), default="hybrid")
    in_person_seats: Mapped[int] = mapped_column(default=0)
    online_seats: Mapped[int] = mapped_column(default=0)
    # Seat counters for direct choice, changed only by conditional UPDATEs (as registration).
    in_person_taken: Mapped[int] = mapped_column(default=0)
    online_taken: Mapped[int] = mapped_column(default=0)
    room_id: Mapped[int | None] = mapped_column(ForeignKey("room.id", ondelete="SET NULL"))
    online_link: Mapped[str] = mapped_column(String(500), default="")
    position: Mapped[int] = mapped_column(default=0)

    round = relationship("GroupRound", back_populates="groups")
    room = relationship("Room")
    slots = relationship("AgendaSlot", secondary=working_group_slot, order_by="AgendaSlot.starts_at")
    staff = relationship("GroupStaff", back_populates="group", cascade="all, delete-orphan", passive_deletes=True)


class GroupStaff(db.Model):
    """Moderators and rapporteurs: they hold a reserved seat in their group."""
    __tablename__ = "group_staff"
    __table_args__ = (UniqueConstraint("group_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("working_group.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    mode: Mapped[str] = mapped_column(String(16), default="in_person")

    group = relationship("WorkingGroup", back_populates="staff")
    user = relationship("User")


class GroupPreference(db.Model):
    __tablename__ = "group_preference"
    __table_args__ = (UniqueConstraint("registration_id", "round_id", "rank"),
                      UniqueConstraint("registration_id", "group_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("group_round.id", ondelete="CASCADE"), index=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registration.id", ondelete="CASCADE"), index=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("working_group.id", ondelete="CASCADE"))
    rank: Mapped[int]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class GroupMembership(db.Model):
    """A participant's place in a round: assigned to a group, or waiting for one."""
    __tablename__ = "group_membership"
    __table_args__ = (UniqueConstraint("round_id", "registration_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("group_round.id", ondelete="CASCADE"), index=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("working_group.id", ondelete="CASCADE"), index=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registration.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(16), default=ASSIGNED)
    locked: Mapped[bool] = mapped_column(default=False)
    source: Mapped[str] = mapped_column(String(16), default="direct")  # direct / assignment / manual
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    group = relationship("WorkingGroup")
    registration = relationship("Registration")


class AssignmentDraft(db.Model):
    """A computed assignment awaiting the organiser's review (preview before publishing)."""
    __tablename__ = "assignment_draft"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("group_round.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    assignment: Mapped[dict] = mapped_column(JSON)  # {registration id: group id or None}
    figures: Mapped[dict] = mapped_column(JSON)     # quality figures and the FCFS comparison
