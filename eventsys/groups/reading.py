"""What the working-group pages show, read in a fixed number of queries (none per group,
round or participant): the organisers' overview and assignment preview, and a participant's
own page (their places, rankings and conflicts, never anyone else's)."""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, select

from eventsys.agenda.conflicts import SlotTimes
from eventsys.agenda.models import AgendaSlot, SlotSpeaker
from eventsys.extensions import db
from eventsys.groups import choice, ranking
from eventsys.groups.conflicts import Holding, clashes, conflicts_for
from eventsys.groups.models import (ASSIGNED, GROUP_WAITLISTED, RANKED, AssignmentDraft, GroupMembership,
                                    GroupPreference, GroupRound, WorkingGroup)
from eventsys.groups.publishing import latest_draft, load_round
from eventsys.groups.services import MODES, capacity, list_rounds
from eventsys.registration.models import CONFIRMED, Registration
from eventsys.speakers.models import Speaker


# --- organisers ---------------------------------------------------------------------------

def overview(event) -> dict:
    """Rounds with their groups; per group and mode: seats for participants, places
    assigned and waiting; per round: who ranked, the latest draft. Eight queries."""
    rounds = list_rounds(event)
    ids = [r.id for r in rounds]
    places = Counter()
    for group_id, mode, status, count in db.session.execute(
            select(GroupMembership.group_id, Registration.mode, GroupMembership.status, func.count())
            .join(Registration, Registration.id == GroupMembership.registration_id)
            .where(GroupMembership.round_id.in_(ids))
            .group_by(GroupMembership.group_id, Registration.mode, GroupMembership.status)):
        places[group_id, mode, status] = count
    ranked = dict(db.session.execute(
        select(GroupPreference.round_id, func.count(func.distinct(GroupPreference.registration_id)))
        .where(GroupPreference.round_id.in_(ids)).group_by(GroupPreference.round_id)).all())
    drafts = {d.round_id: d for d in db.session.scalars(select(AssignmentDraft).where(
        AssignmentDraft.id.in_(select(func.max(AssignmentDraft.id)).where(AssignmentDraft.round_id.in_(ids))
                               .group_by(AssignmentDraft.round_id))))}
    confirmed = db.session.scalar(select(func.count()).select_from(Registration).where(
        Registration.event_id == event.id, Registration.status == CONFIRMED))
    return {"confirmed": confirmed, "rounds": [
        {"round": r, "ranked": ranked.get(r.id, 0), "draft": drafts.get(r.id),
         "groups": [{"group": g, "fill": {m: {"capacity": capacity(g, m), "assigned": places[g.id, m, ASSIGNED],
                                              "waiting": places[g.id, m, GROUP_WAITLISTED]} for m in MODES}}
                    for g in r.groups]}
        for r in rounds]}


@dataclass
class PreviewRow:
    registration_id: int
    name: str
    mode: str
    category: str
    group_id: int | None
    rank: int | None
    reason: str | None
    locked: bool
    ranking: list


def assignment_preview(round_: GroupRound) -> dict | None:
    """The latest draft with everything its page shows, or None when there is none yet."""
    draft = latest_draft(round_)
    if draft is None:
        return None
    data = load_round(round_, draft)
    figures = draft.figures
    rows, locked = [], set(figures.get("locked", ()))
    for p in data.participants:
        key = str(p.id)
        if key not in draft.assignment:
            continue
        registration, membership = data.registrations[p.id], data.memberships.get(p.id)
        is_locked = membership.locked if round_.published_at and membership is not None else key in locked
        rows.append(PreviewRow(p.id, registration.user.name if registration.user else "", p.mode, p.category or "",
                               draft.assignment[key], figures["ranks"].get(key),
                               figures["unassigned_reasons"].get(key), is_locked, list(p.ranking)))
    late = sum(1 for p in data.participants if str(p.id) not in draft.assignment)
    return {"draft": draft, "figures": figures, "rows": rows, "late": late,
            "histogram": sorted((int(k), v) for k, v in figures["rank_histogram"].items()),
            "unassigned": [row for row in rows if row.group_id is None]}


# --- a participant ------------------------------------------------------------------------

@dataclass
class RoundView:
    round: GroupRound
    membership: GroupMembership | None       # visible to the participant (None before publishing)
    position: int | None                     # on the group's waitlist
    ranking: list                            # group ids, best first
    choose_state: str
    rank_state: str
    remaining: dict = field(default_factory=dict)    # group id -> free seats in my mode
    conflicts: dict = field(default_factory=dict)    # group id -> [Clash]


def participant_page(event, registration: Registration, user) -> dict:
    """Everything the participant's page shows, about them only. A fixed number of queries
    (plus one per group waitlist they are on)."""
    rounds = list_rounds(event)
    mode = registration.mode
    memberships = {m.round_id: m for m in db.session.scalars(select(GroupMembership).where(
        GroupMembership.registration_id == registration.id))}
    rankings = defaultdict(list)
    for round_id, group_id in db.session.execute(
            select(GroupPreference.round_id, GroupPreference.group_id)
            .where(GroupPreference.registration_id == registration.id)
            .order_by(GroupPreference.round_id, GroupPreference.rank)):
        rankings[round_id].append(group_id)
    views = []
    for r in rounds:
        own = memberships.get(r.id)
        visible = own if r.join_mode != RANKED or r.published_at is not None else None
        views.append(RoundView(r, visible, choice.waitlist_position(visible, mode), rankings[r.id],
                               choice.direct_state(r, own), ranking.ranking_state(r),
                               {g.id: max(capacity(g, mode) - _taken(g, mode), 0) for g in r.groups}))
    held = _holdings(views, speaking_slots(event, user))
    for view in views:
        view.conflicts = {g.id: conflicts_for(_group_holding(g, view.round.id), held) for g in view.round.groups}
    return {"rounds": views, "held": held, "clashes": clashes(held), "mode": mode}


def _taken(group: WorkingGroup, mode: str) -> int:
    return group.in_person_taken if mode == "in_person" else group.online_taken


def speaking_slots(event, user) -> list[AgendaSlot]:
    """Agenda slots of ``event`` where ``user`` is a speaker (through their speaker profile)."""
    if user is None:
        return []
    return list(db.session.scalars(
        select(AgendaSlot).join(SlotSpeaker, SlotSpeaker.slot_id == AgendaSlot.id)
        .join(Speaker, Speaker.id == SlotSpeaker.speaker_id)
        .where(AgendaSlot.event_id == event.id, Speaker.user_id == user.id).distinct()))


def _slot_times(slot: AgendaSlot) -> SlotTimes:
    return SlotTimes(key=slot.id, title=slot.title, starts_at=slot.starts_at, ends_at=slot.ends_at,
                     room_id=slot.room_id, cancelled=slot.status != "scheduled")


def _group_holding(group: WorkingGroup, round_id: int) -> Holding:
    return Holding(("group", group.id), group.title, tuple(_slot_times(s) for s in group.slots), round_id)


def _holdings(views: list[RoundView], speaking: list[AgendaSlot]) -> list[Holding]:
    """The participant's group per round (place, else first choice) and speaking slots."""
    held = []
    for view in views:
        groups = {g.id: g for g in view.round.groups}
        group_id = view.membership.group_id if view.membership is not None else (
            view.ranking[0] if view.ranking and view.rank_state != ranking.PUBLISHED else None)
        if group_id in groups:
            held.append(_group_holding(groups[group_id], view.round.id))
    held += [Holding(("slot", s.id), s.title, (_slot_times(s),)) for s in speaking]
    return held
