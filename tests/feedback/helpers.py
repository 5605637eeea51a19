"""Builders for feedback tests: an event whose sessions are partly over, participants."""
from __future__ import annotations

import itertools
from datetime import datetime, timedelta

from eventsys.agenda.models import AgendaSlot
from eventsys.events.models import Event, EventRole
from eventsys.extensions import db
from eventsys.groups.models import ASSIGNED, GroupMembership, GroupRound, WorkingGroup, working_group_slot
from eventsys.registration.models import CONFIRMED, Registration
from eventsys.timeutil import utcnow

_n = itertools.count(1)


def hour(dt: datetime) -> datetime:
    return dt.replace(minute=0, second=0, microsecond=0)


def make_feedback_event(owner=None, status: str = "published", now: datetime | None = None):
    """A two-day event (yesterday and today, UTC zone) with: a plenary that ended two hours
    ago, a working-group session that ended an hour ago, a break, a keynote in two hours'
    time and a cancelled panel. Returns (event, slots by name)."""
    now = hour(now or utcnow())
    n = next(_n)
    event = Event(slug=f"fb-event-{n}", title=f"Feedback workshop {n}", start_date=(now - timedelta(days=1)).date(),
                  end_date=(now + timedelta(hours=3)).date(), timezone="UTC", format="hybrid", status=status)
    db.session.add(event)
    db.session.flush()
    if owner is not None:
        db.session.add(EventRole(event_id=event.id, user_id=owner.id, email=owner.email, role="owner"))

    def slot(kind, title, start, minutes, status="scheduled"):
        s = AgendaSlot(event_id=event.id, kind=kind, title=title, starts_at=start,
                       ends_at=start + timedelta(minutes=minutes), status=status)
        db.session.add(s)
        return s

    slots = {
        "plenary": slot("plenary", "Opening plenary", now - timedelta(hours=3), 60),
        "group": slot("working_group", "Working groups, round 1", now - timedelta(hours=2), 60),
        "break": slot("break", "Coffee break", now - timedelta(hours=1), 30),
        "keynote": slot("keynote", "Closing keynote", now + timedelta(hours=2), 60),
        "panel": slot("panel", "Cancelled panel", now - timedelta(hours=4), 60, status="cancelled"),
    }
    db.session.commit()
    return event, slots


def register(event, user, status: str = CONFIRMED, mode: str = "in_person", checked_in: bool = False,
             online: bool = False, **fields) -> Registration:
    registration = Registration(event_id=event.id, user_id=user.id, mode=mode, status=status,
                                checked_in_at=utcnow() if checked_in else None, attended_online=online, **fields)
    db.session.add(registration)
    db.session.commit()
    return registration


def make_group(event, slot, members=(), waitlisted=()) -> WorkingGroup:
    """A working group meeting in ``slot`` with ``members`` (registrations) assigned."""
    round_ = GroupRound(event_id=event.id, title="Round 1")
    db.session.add(round_)
    db.session.flush()
    group = WorkingGroup(round_id=round_.id, event_id=event.id, title=f"Group {next(_n)}")
    db.session.add(group)
    db.session.flush()
    db.session.execute(working_group_slot.insert().values(group_id=group.id, slot_id=slot.id))
    for registration in members:
        db.session.add(GroupMembership(round_id=round_.id, group_id=group.id, registration_id=registration.id,
                                       status=ASSIGNED))
    for registration in waitlisted:
        db.session.add(GroupMembership(round_id=round_.id, group_id=group.id, registration_id=registration.id,
                                       status="waitlisted"))
    db.session.commit()
    return group


def form_for(event, slot=None):
    from sqlalchemy import select
    from eventsys.feedback.models import FeedbackForm
    query = select(FeedbackForm).where(FeedbackForm.event_id == event.id)
    query = query.where(FeedbackForm.slot_id == slot.id) if slot is not None else query.where(
        FeedbackForm.slot_id.is_(None))
    return db.session.scalar(query)


def questions(form):
    from eventsys.feedback.answering import questions_of
    return questions_of(form)


def many_participants(event, count: int) -> list[Registration]:
    """``count`` confirmed participants, quickly (no password hashing: they never log in)."""
    from eventsys.auth.models import User
    n = next(_n)
    users = [User(email=f"crowd{n}-{i}@example.org", name=f"Crowd {i}", password_hash="!") for i in range(count)]
    db.session.add_all(users)
    db.session.flush()
    registrations = [Registration(event_id=event.id, user_id=u.id, mode="in_person", status=CONFIRMED)
                     for u in users]
    db.session.add_all(registrations)
    db.session.commit()
    return registrations
