"""The assignment of a ranked round: run it (a draft to preview) and publish it; adjusting
it by hand (move, lock) is in ``adjusting``.

Places (GroupMembership rows) are what participants, calendars and feedback see, so a
ranked round has none before it is published: until then moves and locks live in the
latest draft (``figures["locked"]``, ``figures["manual"]``: registration ids as strings).
- run: every confirmed registration of the event takes part (the round's own moderators and
  rapporteurs excepted), with its ranking (empty if none) and, if it is locked (a locked
  place, or a lock in the latest draft before publishing), that group; the pure core
  (``assignment.py``) gives the optimum and the first-come-first-served baseline; both are
  stored as an AssignmentDraft. A locked participant is never moved: the run checks the
  core's answer and refuses to store anything else.
- publish: writes the draft's places (source "assignment"), keeping locked ones, recounts
  the seats, and sends each participant whose place is new or changed one message.
Only people who may manage the event do any of it (PermissionDenied).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import flag_modified

from eventsys import permissions
from eventsys.errors import Conflict, ValidationError
from eventsys.extensions import db
from eventsys.groups import assignment as core
from eventsys.groups import choice
from eventsys.groups.mails import ASSIGNED as MAIL_ASSIGNED, UNASSIGNED, queue_group_mail
from eventsys.groups.models import (ASSIGNED, RANKED, AssignmentDraft, GroupMembership, GroupPreference,
                                    GroupRound, WorkingGroup)
from eventsys.groups.services import CANNOT_CHANGE, _event_of, reserved
from eventsys.registration.models import CONFIRMED, Registration
from eventsys.timeutil import utcnow


# --- from the database to the pure core (a few queries, none per participant) --------------

@dataclass
class RoundInput:
    groups: list              # core.Group, in the round's order
    participants: list        # core.Participant, in registration order
    memberships: dict         # registration id -> GroupMembership
    registrations: dict       # registration id -> Registration (user loaded)


def load_round(round_: GroupRound, draft: AssignmentDraft | None = None) -> RoundInput:
    """The round as the core sees it: groups (seats less staff), confirmed participants
    with rankings and locks (``draft``'s locks too while unpublished). Four queries."""
    groups = [core.Group(g.id, g.in_person_seats, g.online_seats, reserved(g, "in_person"), reserved(g, "online"))
              for g in round_.groups]
    staff = {p.user_id for g in round_.groups for p in g.staff if p.user_id is not None}
    registrations = [r for r in db.session.scalars(
        select(Registration).options(joinedload(Registration.user))
        .where(Registration.event_id == round_.event_id, Registration.status == CONFIRMED)
        .order_by(Registration.created_at, Registration.id)) if r.user_id is None or r.user_id not in staff]
    rankings: dict[int, list] = {}
    for registration_id, group_id in db.session.execute(
            select(GroupPreference.registration_id, GroupPreference.group_id)
            .join(WorkingGroup, WorkingGroup.id == GroupPreference.group_id)
            .where(GroupPreference.round_id == round_.id, WorkingGroup.round_id == round_.id)
            .order_by(GroupPreference.registration_id, GroupPreference.rank)):
        rankings.setdefault(registration_id, []).append(group_id)
    memberships = {m.registration_id: m for m in db.session.scalars(
        select(GroupMembership).where(GroupMembership.round_id == round_.id))}
    drafted = draft_locks(draft) if round_.published_at is None else {}
    known = {g.id for g in groups}
    participants = [core.Participant(r.id, r.mode, r.stakeholder_category or None, order, rankings.get(r.id, ()),
                                     _known(_locked_group(memberships.get(r.id)) or drafted.get(r.id), known))
                    for order, r in enumerate(registrations)]
    return RoundInput(groups, participants, memberships, {r.id: r for r in registrations})


def _locked_group(membership: GroupMembership | None):
    if membership is not None and membership.locked and membership.status == ASSIGNED:
        return membership.group_id
    return None


def draft_locks(draft: AssignmentDraft | None) -> dict[int, int]:
    """{registration id: group id} of the participants locked in ``draft``."""
    if draft is None:
        return {}
    return {int(k): draft.assignment[k] for k in draft.figures.get("locked", ())
            if draft.assignment.get(k) is not None}


def _known(group_id, known: set):
    return group_id if group_id in known else None


def options_for(round_: GroupRound, place_unranked: bool) -> core.Options:
    return core.Options(balance_share=round_.balance_share, place_unranked=place_unranked)


def latest_draft(round_: GroupRound) -> AssignmentDraft | None:
    return db.session.scalar(select(AssignmentDraft).where(AssignmentDraft.round_id == round_.id)
                             .order_by(AssignmentDraft.id.desc()).limit(1))


def require_ranked(round_: GroupRound) -> None:
    if round_.join_mode != RANKED:
        raise ValidationError(_l("Only a round with ranked preferences has an assignment to run."))
    if not round_.groups:
        raise ValidationError(_l("Add the round's groups first."))


# --- run ----------------------------------------------------------------------------------

def run_assignment(round_: GroupRound, actor, place_unranked: bool = True,
                   now: datetime | None = None) -> AssignmentDraft:
    """Compute the optimal assignment and the FCFS baseline; store them as a new draft."""
    permissions.require_manager(actor, _event_of(round_), CANNOT_CHANGE)
    require_ranked(round_)
    previous = latest_draft(round_)
    data = load_round(round_, previous)
    options = options_for(round_, place_unranked)
    result = core.assign_round(data.groups, data.participants, options)
    fcfs = core.first_come_first_served(data.groups, data.participants, options)
    moved = [p.id for p in data.participants
             if p.locked_group is not None and result.assignment[p.id] != p.locked_group]
    if moved:  # the core promises this; never store a draft that breaks it
        raise AssertionError(f"locked participants moved by the solver: {moved}")
    figures = figures_json(result, fcfs, options)
    figures["locked"] = [str(p.id) for p in data.participants if p.locked_group is not None]
    figures["manual"] = [key for key in figures["locked"] if _is_manual(data, previous, int(key))]
    draft = AssignmentDraft(round_id=round_.id, created_at=now or utcnow(),
                            assignment={str(k): v for k, v in result.assignment.items()}, figures=figures)
    db.session.add(draft)
    db.session.commit()
    return draft


def _is_manual(data: RoundInput, previous: AssignmentDraft | None, registration_id: int) -> bool:
    """Placed by hand: a manual place, or a move in the previous draft."""
    membership = data.memberships.get(registration_id)
    if membership is not None:
        return membership.source == "manual"
    return previous is not None and str(registration_id) in previous.figures.get("manual", ())


def figures_json(result: core.Result, fcfs: dict | core.Result, options: core.Options) -> dict:
    """What the preview shows, as JSON (keys are strings)."""
    figures = dict(core.compare(result, result))
    return {
        "options": {"place_unranked": options.place_unranked, "balance_share": options.balance_share},
        "participants": len(result.assignment),
        **{name: pair[0] for name, pair in figures.items()},
        "unassigned_reasons": {str(k): v for k, v in result.unassigned.items()},
        "ranks": {str(k): v for k, v in result.ranks.items()},
        "rank_histogram": {str(k): v for k, v in result.rank_histogram.items()},
        "fill": {str(g): {m: [f.taken, f.seats] for m, f in modes.items()} for g, modes in result.fill.items()},
        "category_mix": {str(g): {c or "": n for c, n in mix.items()} for g, mix in result.category_mix.items()},
        "over_capacity": [[g, m, n] for (g, m), n in result.over_capacity.items()],
        "fcfs": fcfs if isinstance(fcfs, dict) else {name: pair[1] for name, pair in core.compare(result, fcfs).items()},
    }


def refigure(draft: AssignmentDraft, data: RoundInput) -> None:
    """Figures of the draft's (adjusted) assignment: everyone placed is held where they are
    (ranks still count), everyone else stays out with the reason the run gave."""
    options = core.Options(**draft.figures["options"])
    known = {g.id for g in data.groups}
    assignment = {k: (v if v in known else None) for k, v in draft.assignment.items()}
    people = [core.Participant(p.id, p.mode, p.category, p.order,
                               p.ranking if assignment.get(str(p.id)) is not None else (),
                               assignment.get(str(p.id)))
              for p in data.participants if str(p.id) in assignment]
    result = core.first_come_first_served(data.groups, people, core.Options(
        balance_share=options.balance_share, place_unranked=False))
    figures = figures_json(result, draft.figures["fcfs"], options)
    before = draft.figures["unassigned_reasons"]
    figures["unassigned_reasons"] = {k: before.get(k, v) for k, v in figures["unassigned_reasons"].items()}
    figures["locked"], figures["manual"] = draft.figures.get("locked", []), draft.figures.get("manual", [])
    draft.figures = figures
    flag_modified(draft, "figures")


# --- publish ------------------------------------------------------------------------------

@dataclass(frozen=True)
class PublishReport:
    assigned: int
    unassigned: int
    messages: int


def publish_round(round_: GroupRound, actor, now: datetime | None = None, notify: bool = True) -> PublishReport:
    """Write the latest draft's places, keep locked ones, tell each participant whose place
    is new or changed (one message each; none with ``notify=False``, for demo data).
    Raises ValidationError (no draft, or groups changed since) or Conflict (a pool over
    capacity beyond what locks force: run again)."""
    event, now = _event_of(round_), now or utcnow()
    permissions.require_manager(actor, event, CANNOT_CHANGE)
    require_ranked(round_)
    draft = latest_draft(round_)
    if draft is None:
        raise ValidationError(_l("Run the assignment first, then check it before publishing."))
    first, data = round_.published_at is None, load_round(round_)
    known = {g.id for g in data.groups}
    if any(g is not None and g not in known for g in draft.assignment.values()):
        raise ValidationError(_l("The groups changed since the assignment was run: run it again."))
    choice.lock_groups(known)
    _drop_no_longer_confirmed(data)
    locked, manual = set(draft.figures.get("locked", ())), set(draft.figures.get("manual", ()))
    news = {}
    for registration_id in data.registrations:
        key, membership = str(registration_id), data.memberships.get(registration_id)
        if membership is not None and membership.locked:
            if first and membership.status == ASSIGNED:
                news[registration_id] = membership.group_id
        elif key in draft.assignment:
            membership, changed = _place(round_, registration_id, membership, draft.assignment[key], now)
            if membership is not None and key in locked:
                membership.locked, membership.source = True, "manual" if key in manual else membership.source
            if changed or first:
                news[registration_id] = draft.assignment[key]
    db.session.flush()
    assigned = _check_capacity(round_, data)
    choice.recount_seats(round_.id)
    round_.published_at = now
    groups = {g.id: g for g in round_.groups}
    for registration_id, group_id in news.items() if notify else ():
        registration = data.registrations[registration_id]
        queue_group_mail(registration.user, event, round_, groups.get(group_id), registration.mode,
                         MAIL_ASSIGNED if group_id is not None else UNASSIGNED)
    db.session.commit()
    return PublishReport(assigned, len(data.registrations) - assigned, len(news) if notify else 0)


def _drop_no_longer_confirmed(data: RoundInput) -> None:
    """Read again, under the groups' locks, who is still confirmed: a registration
    cancelled since the round was loaded gets no place (its cancellation has already
    released its places, or waits for these locks and will)."""
    still = set(db.session.scalars(select(Registration.id).where(
        Registration.id.in_(list(data.registrations)), Registration.status == CONFIRMED)))
    for registration_id in set(data.registrations) - still:
        del data.registrations[registration_id]


def _place(round_, registration_id, membership, group_id, now) -> tuple[GroupMembership | None, bool]:
    """Make the (unlocked) place match the draft: (the place, whether it changed)."""
    if group_id is None:
        if membership is not None:
            db.session.delete(membership)
        return None, membership is not None
    if membership is None:
        membership = GroupMembership(round_id=round_.id, group_id=group_id, registration_id=registration_id,
                                     status=ASSIGNED, source="assignment", created_at=now)
        db.session.add(membership)
        return membership, True
    changed = membership.group_id != group_id or membership.status != ASSIGNED
    if changed:
        membership.group_id, membership.status, membership.source = group_id, ASSIGNED, "assignment"
    return membership, changed


def _check_capacity(round_: GroupRound, data: RoundInput) -> int:
    """Refuse pools over capacity beyond what locks force; returns the places assigned."""
    rows = db.session.execute(select(GroupMembership.group_id, GroupMembership.locked, Registration.mode)
                              .join(Registration, Registration.id == GroupMembership.registration_id)
                              .where(GroupMembership.round_id == round_.id, GroupMembership.status == ASSIGNED))
    used, unlocked = Counter(), Counter()
    for group_id, locked, mode in rows:
        used[group_id, mode] += 1
        unlocked[group_id, mode] += 0 if locked else 1
    titles = {g.id: g.title for g in round_.groups}
    for group in data.groups:
        for mode in core.MODES:
            over = used[group.id, mode] - group.capacity(mode)
            if over > 0 and unlocked[group.id, mode]:
                db.session.rollback()
                raise Conflict(_l("“%(title)s” would have %(n)s more participants than seats in this mode: the "
                                  "seats changed since the run. Run the assignment again.",
                                  title=titles[group.id], n=over))
    return sum(used.values())
