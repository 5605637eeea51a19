"""Working groups for the demo event: two ranked rounds of the four parallel groups, the
confirmed participants' preferences (skewed as real ones are: by topic and by stakeholder
group), and a published assignment.

Idempotent and safe on any data: rounds and groups are made once (found again by title);
preferences are added for confirmed participants who have none while the round is not
published; the assignment is run and published once there is someone to assign. Without
confirmed registrations it only sets up the rounds and groups. Nobody is emailed.
"""
from __future__ import annotations

import random
from collections import defaultdict
from datetime import datetime, time, timedelta

from sqlalchemy import select

from eventsys.agenda.models import AgendaSlot, SlotSpeaker
from eventsys.auth.models import User
from eventsys.events.models import EventRole
from eventsys.extensions import db
from eventsys.groups import publishing
from eventsys.groups.models import GroupPreference, GroupRound, GroupStaff, WorkingGroup
from eventsys.registration.models import CONFIRMED, Registration
from eventsys.speakers.models import Speaker
from eventsys.timeutil import to_utc

ROUND_TITLES = ("Day 1 afternoon", "Day 2 morning")
QUESTIONS = [  # per topic: the question of round 1, then of round 2
    ("What do citizens know about personalised medicine, and where do they learn it?",
     "Which three actions would most empower patients and under-served groups?"),
    ("How should consent, incidental findings and data sharing work across borders?",
     "What should a European code of conduct for genomic data say?"),
    ("What stops academic discoveries from reaching patients as products?",
     "Which incentives and partnerships would speed up diagnostics and therapies?"),
    ("How can health systems pay for tests and therapies whose value shows only years later?",
     "What evidence should payers ask for, and who should produce it?"),
]
IN_PERSON_SEATS = (36, 32, 28, 26)   # about 100 in person (2 of each are the staff's)
ONLINE_SEATS = (16, 14, 12, 12)      # about 50 online
TOPIC_WEIGHTS = {1: (4, 3, 2, 1.5), 2: (2, 3, 3, 2.5)}
CATEGORY_FAVOURITE = {"patient_organisation": 0, "researcher": 1, "clinician": 1, "industry": 2,
                      "funder": 3, "policy_maker": 3}
NO_RANKING_SHARE = 0.08


def load_groups_demo(event, actor=None) -> list[str]:
    """Set up (or complete) the demo's working groups; returns one line per round."""
    slots = list(db.session.scalars(select(AgendaSlot).where(
        AgendaSlot.event_id == event.id, AgendaSlot.kind == "working_group").order_by(AgendaSlot.starts_at,
                                                                                    AgendaSlot.id)))
    by_start = defaultdict(list)
    for slot in slots:
        by_start[slot.starts_at].append(slot)
    if not by_start:
        return ["no working-group slots on the agenda: no working groups"]
    actor = actor or _owner(event)
    lines = []
    for number, (title, start) in enumerate(zip(ROUND_TITLES, sorted(by_start)), start=1):
        round_ = _ensure_round(event, title, number, by_start[start])
        lines.append(_complete(event, round_, number, actor))
    return lines


def _owner(event) -> User | None:
    return db.session.scalar(select(User).join(EventRole, EventRole.user_id == User.id).where(
        EventRole.event_id == event.id, EventRole.role.in_(("owner", "organiser"))).order_by(EventRole.id).limit(1))


def _ensure_round(event, title: str, number: int, slots: list[AgendaSlot]) -> GroupRound:
    round_ = db.session.scalar(select(GroupRound).where(GroupRound.event_id == event.id, GroupRound.title == title))
    if round_ is not None:
        return round_
    deadline = to_utc(datetime.combine(event.start_date - timedelta(days=7), time(23, 59)), event.timezone)
    round_ = GroupRound(event_id=event.id, title=title, join_mode="ranked", min_ranks=3, deadline=deadline,
                        balance_share=0.5, position=number)
    db.session.add(round_)
    db.session.flush()
    leads = _slot_leads([s.id for s in slots])
    for n, slot in enumerate(slots[:4]):
        group = WorkingGroup(round_id=round_.id, event_id=event.id, title=slot.title,
                             guiding_question=QUESTIONS[n][number - 1], description=slot.description,
                             format="hybrid", in_person_seats=IN_PERSON_SEATS[n], online_seats=ONLINE_SEATS[n],
                             room_id=slot.room_id, online_link=slot.online_link, position=n, slots=[slot])
        for speaker, role in leads.get(slot.id, ()):
            group.staff.append(GroupStaff(name=speaker.name, user_id=speaker.user_id, mode="in_person",
                                          role="moderator" if role == "moderator" else "rapporteur"))
        db.session.add(group)
    db.session.commit()
    return round_


def _slot_leads(slot_ids: list[int]) -> dict:
    """{slot id: [(speaker, role)]}: the demo lists the moderator and the rapporteur as the
    speakers of each working-group slot."""
    leads = defaultdict(list)
    for link, speaker in db.session.execute(
            select(SlotSpeaker, Speaker).join(Speaker, Speaker.id == SlotSpeaker.speaker_id)
            .where(SlotSpeaker.slot_id.in_(slot_ids)).order_by(SlotSpeaker.position)):
        leads[link.slot_id].append((speaker, link.role))
    return leads


def _complete(event, round_: GroupRound, number: int, actor) -> str:
    if round_.published_at is not None:
        return f"exists  round {round_.title!r} (published)"
    registrations = list(db.session.scalars(select(Registration).where(
        Registration.event_id == event.id, Registration.status == CONFIRMED).order_by(Registration.id)))
    added = _add_preferences(round_, number, registrations)
    if not registrations or actor is None:
        return f"ready   round {round_.title!r}: {len(round_.groups)} groups, nobody to assign yet"
    publishing.run_assignment(round_, actor)
    report = publishing.publish_round(round_, actor, notify=False)
    return (f"created round {round_.title!r}: {len(round_.groups)} groups, {added} rankings, "
            f"{report.assigned} assigned, {report.unassigned} without a group")


def _add_preferences(round_: GroupRound, number: int, registrations: list[Registration]) -> int:
    """A ranking for each confirmed participant who has none: topics drawn by weight
    (popular topics, and the one closest to their stakeholder group, come first)."""
    ranked = set(db.session.scalars(select(GroupPreference.registration_id).where(
        GroupPreference.round_id == round_.id)))
    groups, added = list(round_.groups), 0
    for registration in registrations:
        rng = random.Random(f"{registration.id}-{number}")
        if registration.id in ranked or rng.random() < NO_RANKING_SHARE or not groups:
            continue
        weights = list(TOPIC_WEIGHTS[number][:len(groups)])
        favourite = CATEGORY_FAVOURITE.get(registration.stakeholder_category)
        if favourite is not None and favourite < len(weights):
            weights[favourite] *= 3
        order = _draw(rng, list(range(len(groups))), weights)[:rng.choice((3, 4, 4))]
        db.session.add_all(GroupPreference(round_id=round_.id, registration_id=registration.id,
                                           group_id=groups[i].id, rank=rank) for rank, i in enumerate(order, 1))
        added += 1
    db.session.commit()
    return added


def _draw(rng: random.Random, items: list, weights: list) -> list:
    """Items without replacement, each draw proportional to the weights left."""
    items, weights, drawn = list(items), list(weights), []
    while items:
        i = rng.choices(range(len(items)), weights=weights)[0]
        drawn.append(items.pop(i))
        weights.pop(i)
    return drawn
