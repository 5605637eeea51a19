"""Ranked preferences: each participant ranks the groups of a ranked round, best first.

Rules (ValidationError at the field ``rank_<n>`` of the n-th choice, or ``rank_1``):
- only the registrant, with a confirmed registration (PermissionDenied), and not the
  round's own moderators and rapporteurs;
- only in a ranked round, after its opening, before its deadline and before its assignment
  is published;
- at least ``min_ranks`` groups (or every group the participant may join, if there are
  fewer), no group twice, no gap in the order, only groups of the round that have seats
  for the participant's mode.
Saving replaces the previous ranking in one transaction.
"""
from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select

from eventsys.errors import ValidationError
from eventsys.extensions import db
from eventsys.groups.choice import OVER, check_participant, round_is_over
from eventsys.groups.models import RANKED, GroupPreference, GroupRound, WorkingGroup
from eventsys.groups.services import capacity
from eventsys.registration.models import Registration
from eventsys.timeutil import utcnow

OPEN, NOT_OPEN_YET, CLOSED, PUBLISHED, NOT_RANKED = "open", "not_open_yet", "closed", "published", "not_ranked"


def ranking_state(round_: GroupRound, now: datetime | None = None) -> str:
    """open, not_open_yet, closed (deadline passed), published, or not_ranked (direct round)."""
    now = now or utcnow()
    if round_.join_mode != RANKED:
        return NOT_RANKED
    if round_.published_at is not None:
        return PUBLISHED
    if round_.opens_at is not None and now < round_.opens_at:
        return NOT_OPEN_YET
    if round_.deadline is not None and now >= round_.deadline:
        return CLOSED
    return OVER if round_is_over(round_, now) else OPEN


STATE_MESSAGES = {
    NOT_OPEN_YET: _l("Ranking for this round has not opened yet."),
    CLOSED: _l("The deadline for ranking this round has passed."),
    OVER: _l("The sessions of this round are over."),
    PUBLISHED: _l("The groups of this round are assigned: your ranking can no longer change."),
    NOT_RANKED: _l("In this round you pick a group directly."),
}


def eligible_groups(round_: GroupRound, mode: str) -> list[WorkingGroup]:
    """The round's groups with seats for ``mode``, in the round's order."""
    return [group for group in round_.groups if capacity(group, mode) > 0]


def required_ranks(round_: GroupRound, mode: str) -> int:
    return min(round_.min_ranks, len(eligible_groups(round_, mode)))


def current_ranking(round_id: int, registration_id: int) -> list[int]:
    """Group ids, best first."""
    return list(db.session.scalars(select(GroupPreference.group_id).where(
        GroupPreference.round_id == round_id, GroupPreference.registration_id == registration_id)
        .order_by(GroupPreference.rank)))


def save_ranking(round_: GroupRound, registration: Registration, group_ids: list, actor,
                 now: datetime | None = None) -> list[int]:
    """Store ``group_ids`` (best first; None for a choice left empty) as the ranking.
    Returns the saved group ids. Raises PermissionDenied or ValidationError."""
    now = now or utcnow()
    check_participant(registration, actor, round_)
    state = ranking_state(round_, now)
    if state != OPEN:
        raise ValidationError(STATE_MESSAGES[state], field="rank_1")
    ranking = _clean(round_, registration.mode, list(group_ids))
    db.session.execute(delete(GroupPreference).where(GroupPreference.round_id == round_.id,
                                                     GroupPreference.registration_id == registration.id))
    db.session.add_all(GroupPreference(round_id=round_.id, registration_id=registration.id, group_id=group_id,
                                       rank=rank, updated_at=now) for rank, group_id in enumerate(ranking, 1))
    db.session.commit()
    return ranking


def _clean(round_: GroupRound, mode: str, group_ids: list) -> list[int]:
    eligible = {group.id: group for group in eligible_groups(round_, mode)}
    titles = {group.id: group.title for group in round_.groups}
    last = max((n for n, g in enumerate(group_ids, 1) if g is not None), default=0)
    ranking, seen = [], set()
    for n, group_id in enumerate(group_ids[:last], 1):
        field = f"rank_{n}"
        if group_id is None:
            raise ValidationError(_l("Fill in your choices in order, without a gap."), field=field)
        if group_id not in titles:
            raise ValidationError(_l("Choose a group of this round."), field=field)
        if group_id not in eligible:
            raise ValidationError(_l("“%(title)s” has no seats for your way of attending.",
                                     title=titles[group_id]), field=field)
        if group_id in seen:
            raise ValidationError(_l("“%(title)s” is already one of your choices: rank each group once.",
                                     title=titles[group_id]), field=field)
        seen.add(group_id)
        ranking.append(group_id)
    needed = min(round_.min_ranks, len(eligible))
    if len(ranking) < needed:
        raise ValidationError(_l("Rank at least %(n)s groups.", n=needed), field=f"rank_{len(ranking) + 1}")
    return ranking
