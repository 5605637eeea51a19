""""My events", Attending: each event a person registered for, with their status, mode,
place on the waiting list, working groups and the feedback forms open to them.

It lives in feedback, the highest of the features it reads (registration, groups,
feedback), and fills the panel the events page leaves for it (eventsys/panels.py).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from eventsys.events.models import Event
from eventsys.extensions import db
from eventsys.feedback.answering import FormStatus, my_forms
from eventsys.feedback.window import OPEN
from eventsys.groups.models import ASSIGNED, RANKED, GroupMembership, GroupRound, WorkingGroup
from eventsys.registration.models import CANCELLED, Registration
from eventsys.registration.seats import waitlist_position
from eventsys.timeutil import utcnow


@dataclass
class Attending:
    event: Event
    registration: Registration
    position: int | None  # on the waiting list
    groups: list[tuple[str, str]] = field(default_factory=list)  # (round title, group title)
    open_forms: list[FormStatus] = field(default_factory=list)  # open and not answered yet


def attending(user, now: datetime | None = None) -> list[Attending]:
    """The person's registrations (cancelled ones last), events soonest first. A few
    queries per event: a person attends a handful, and each line needs its feedback forms."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    now = now or utcnow()
    rows = db.session.execute(
        select(Registration, Event).join(Event, Event.id == Registration.event_id)
        .where(Registration.user_id == user.id, Event.is_public)
        .order_by(Event.start_date, Event.id)).all()
    groups = _visible_groups([registration.id for registration, _event in rows])
    result = [Attending(event, registration, waitlist_position(registration), groups.get(registration.id, []),
                        [s for s in my_forms(event, registration, now) if s.state == OPEN and not s.answered])
              for registration, event in rows]
    return sorted(result, key=lambda a: a.registration.status == CANCELLED)


def _visible_groups(registration_ids: list[int]) -> dict[int, list[tuple[str, str]]]:
    """Assigned groups the participant may see (a ranked round only once published)."""
    if not registration_ids:
        return {}
    found = defaultdict(list)
    for registration_id, round_title, group_title in db.session.execute(
            select(GroupMembership.registration_id, GroupRound.title, WorkingGroup.title)
            .join(WorkingGroup, WorkingGroup.id == GroupMembership.group_id)
            .join(GroupRound, GroupRound.id == GroupMembership.round_id)
            .where(GroupMembership.registration_id.in_(registration_ids), GroupMembership.status == ASSIGNED,
                   (GroupRound.join_mode != RANKED) | GroupRound.published_at.is_not(None))
            .order_by(GroupRound.position, GroupRound.id)):
        found[registration_id].append((round_title, group_title))
    return found
