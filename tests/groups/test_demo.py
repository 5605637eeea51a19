"""The demo's working groups: two ranked rounds of the four parallel groups on the demo
workshop, skewed preferences, a published assignment; idempotent; harmless without
registrations (it completes once they exist); nobody is emailed."""
from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from eventsys.demo_event import WORKING_GROUP_TOPICS, build_workshop
from eventsys.extensions import db
from eventsys.groups.demo import load_groups_demo
from eventsys.groups.models import (AssignmentDraft, GroupMembership, GroupPreference, GroupRound, GroupStaff,
                                    WorkingGroup)
from eventsys.mail import OutboxMessage
from eventsys.registration.models import Registration
from tests.groups.conftest import T0

CATEGORIES = ["researcher", "clinician", "patient_organisation", "industry", "policy_maker", "funder", "other"]


@pytest.fixture
def workshop(app, owner):
    event = build_workshop(owner, None)
    db.session.commit()
    return event


def add_people(event, make_user, count: int, start: int = 0):
    for n in range(start, start + count):
        user = make_user(email=f"demo{n}@example.org", name=f"Demo {n}")
        db.session.add(Registration(event_id=event.id, user_id=user.id, mode="online" if n % 3 == 0 else "in_person",
                                    status="confirmed", stakeholder_category=CATEGORIES[n % 7],
                                    created_at=T0 + timedelta(minutes=n)))
    db.session.commit()


def counts():
    return {model.__name__: db.session.scalar(select(func.count()).select_from(model)) for model in (
        GroupRound, WorkingGroup, GroupStaff, GroupPreference, GroupMembership, AssignmentDraft, OutboxMessage)}


def test_demo_groups_are_published_for_the_confirmed_participants(workshop, make_user):
    add_people(workshop, make_user, 60)
    lines = load_groups_demo(workshop)
    assert [line.split(":")[0] for line in lines] == ["created round 'Day 1 afternoon'", "created round 'Day 2 morning'"]
    rounds = list(db.session.scalars(select(GroupRound).order_by(GroupRound.position)))
    assert [(r.title, r.join_mode, r.published_at is not None) for r in rounds] == [
        ("Day 1 afternoon", "ranked", True), ("Day 2 morning", "ranked", True)]
    for round_ in rounds:
        assert [g.title for g in round_.groups] == list(WORKING_GROUP_TOPICS)
        assert len({slot.starts_at for g in round_.groups for slot in g.slots}) == 1
        assert [sorted(p.role for p in g.staff) for g in round_.groups] == [["moderator", "rapporteur"]] * 4
        assert [(g.in_person_seats, g.online_seats) for g in round_.groups] == [(36, 16), (32, 14), (28, 12), (26, 12)]
        assert all(g.guiding_question for g in round_.groups)
    c = counts()
    assert c["GroupMembership"] == 120 and c["OutboxMessage"] == 0
    first = Counter(db.session.scalars(select(GroupPreference.group_id).where(
        GroupPreference.round_id == rounds[0].id, GroupPreference.rank == 1)))
    by_title = {g.id: g.title for g in rounds[0].groups}
    popular = max(first, key=first.get)
    assert by_title[popular] == WORKING_GROUP_TOPICS[0]  # the skew: awareness is the favourite on day 1
    per_person = Counter(db.session.execute(select(GroupPreference.round_id, GroupPreference.registration_id)).all())
    assert set(per_person.values()) == {3, 4}              # rankings of 3 or 4 groups
    assert 50 <= len(per_person) / 2 < 60                  # most, not all, participants ranked


def test_demo_groups_are_idempotent(workshop, make_user):
    add_people(workshop, make_user, 30)
    load_groups_demo(workshop)
    before = counts()
    lines = load_groups_demo(workshop)
    assert lines == ["exists  round 'Day 1 afternoon' (published)", "exists  round 'Day 2 morning' (published)"]
    assert counts() == before


def test_demo_groups_without_registrations_wait_for_them(workshop, make_user):
    lines = load_groups_demo(workshop)
    assert lines == ["ready   round 'Day 1 afternoon': 4 groups, nobody to assign yet",
                     "ready   round 'Day 2 morning': 4 groups, nobody to assign yet"]
    assert counts()["GroupMembership"] == 0
    assert db.session.scalar(select(func.count()).select_from(GroupRound).where(GroupRound.published_at.is_(None))) == 2
    add_people(workshop, make_user, 12)
    load_groups_demo(workshop)
    assert counts()["GroupMembership"] == 24 and counts()["GroupRound"] == 2


def test_demo_groups_on_an_event_without_working_group_slots(app, owner):
    from tests.registration.helpers import make_open_event
    assert load_groups_demo(make_open_event(owner=owner)) == ["no working-group slots on the agenda: no working groups"]
    assert counts()["GroupRound"] == 0
