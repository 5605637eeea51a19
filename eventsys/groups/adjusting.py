"""Adjusting an assignment by hand.

- move: an organiser puts a participant in a group. Before publishing this changes the
  latest draft (and its figures); once published it makes a manual place, counts the seats
  and tells the participant. Either way the participant is LOCKED there: a decision taken
  by hand must survive a re-run (unlock it to let the solver decide again). The effect on
  both pools' seats and on the person's rank is returned for the page. A move into a full
  pool is refused unless ``allow_over`` is set.
- lock/unlock: pins a participant to their group (the draft's before publishing, their
  place after); a re-run never moves a locked participant.
Rules raise ValidationError at ``registration_id`` or ``group_id``, Conflict for a full
pool; only people who may manage the event do either (PermissionDenied).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l

from eventsys import permissions
from eventsys.errors import Conflict, ValidationError
from eventsys.extensions import db
from eventsys.groups import choice
from eventsys.groups.mails import MOVED, queue_group_mail
from eventsys.groups.models import ASSIGNED, AssignmentDraft, GroupMembership, GroupRound, WorkingGroup
from eventsys.groups.publishing import latest_draft, load_round, refigure, require_ranked
from eventsys.groups.ranking import current_ranking
from eventsys.groups.services import CANNOT_CHANGE, _event_of, capacity
from eventsys.registration.models import CONFIRMED, Registration
from eventsys.timeutil import utcnow


@dataclass(frozen=True)
class MoveEffect:
    name: str
    mode: str
    from_title: str | None
    from_rank: int | None
    to_title: str
    to_rank: int | None
    from_seats: tuple | None      # (used before, used after, capacity) of the old pool
    to_seats: tuple               # the same for the new pool


def _check(round_: GroupRound, registration: Registration, actor) -> AssignmentDraft | None:
    permissions.require_manager(actor, _event_of(round_), CANNOT_CHANGE)
    require_ranked(round_)
    if registration.event_id != round_.event_id or registration.status != CONFIRMED:
        raise ValidationError(_l("Choose a participant with a confirmed registration for this event."),
                              field="registration_id")
    draft = latest_draft(round_)
    if draft is None and round_.published_at is None:
        raise ValidationError(_l("Run the assignment first."), field="registration_id")
    return draft


def _used(round_: GroupRound, draft: AssignmentDraft | None, group: WorkingGroup, mode: str) -> int:
    """Seats of the pool in use: the draft's figure before publishing, the counter after."""
    if round_.published_at is None:
        return draft.figures["fill"].get(str(group.id), {}).get(mode, [0, 0])[0]
    return group.in_person_taken if mode == "in_person" else group.online_taken


def _sync_draft(draft: AssignmentDraft | None, round_: GroupRound, registration_id: int, group_id=None,
                locked: bool = True, manual: bool = False) -> None:
    """Record a move (``group_id``) or a lock change in the draft, and refresh its figures."""
    if draft is None:
        return
    key, figures = str(registration_id), dict(draft.figures)
    if group_id is not None:
        draft.assignment = {**draft.assignment, key: group_id}
    for name, keep in (("locked", locked), ("manual", manual or (key in figures.get("manual", ()) and locked))):
        ids = [k for k in figures.get(name, []) if k != key]
        figures[name] = ids + [key] if keep else ids
    draft.figures = figures
    refigure(draft, load_round(round_))


def move_participant(round_: GroupRound, registration: Registration, group: WorkingGroup, actor,
                     allow_over: bool = False, now: datetime | None = None) -> MoveEffect:
    """Put ``registration`` in ``group`` by hand (see the module)."""
    draft = _check(round_, registration, actor)
    mode, published = registration.mode, round_.published_at is not None
    if group.round_id != round_.id:
        raise ValidationError(_l("Choose a group of this round."), field="group_id")
    if capacity(group, mode) <= 0:
        raise ValidationError(_l("“%(title)s” has no seats for this participant's way of attending.",
                                 title=group.title), field="group_id")
    if published:  # the participant's places change only under their registration's lock
        choice.hold_registration(registration)
    membership = choice.membership_of(round_.id, registration.id)
    if published:
        old_id = membership.group_id if membership is not None and membership.status == ASSIGNED else None
    else:
        old_id = draft.assignment.get(str(registration.id))
    if old_id == group.id:
        raise ValidationError(_l("This participant is already in “%(title)s”.", title=group.title), field="group_id")
    old = db.session.get(WorkingGroup, old_id) if old_id is not None else None
    if published:
        choice.lock_groups([group.id] + ([old.id] if old is not None else []))
        db.session.refresh(group)
    used_new, cap_new = _used(round_, draft, group, mode), capacity(group, mode)
    if used_new >= cap_new and not allow_over:
        db.session.rollback()
        raise Conflict(_l("“%(title)s” has no free seat in this mode (%(used)s of %(cap)s taken). Move someone "
                          "out first, or allow going over capacity.", title=group.title, used=used_new, cap=cap_new),
                       field="group_id")
    used_old = _used(round_, draft, old, mode) if old is not None else None
    if published:
        _move_place(round_, registration, group, membership, mode, now or utcnow())
        queue_group_mail(registration.user, _event_of(round_), round_, group, mode, MOVED)
    _sync_draft(draft, round_, registration.id, group.id, locked=True, manual=True)
    ranking = current_ranking(round_.id, registration.id)
    effect = MoveEffect(
        name=registration.user.name if registration.user else "", mode=mode,
        from_title=old.title if old else None, from_rank=_rank(ranking, old_id),
        to_title=group.title, to_rank=_rank(ranking, group.id),
        from_seats=(used_old, used_old - 1, capacity(old, mode)) if old is not None else None,
        to_seats=(used_new, used_new + 1, cap_new))
    db.session.commit()
    return effect


def _rank(ranking: list, group_id) -> int | None:
    return ranking.index(group_id) + 1 if group_id in ranking else None


def _move_place(round_, registration, group, membership, mode, now) -> None:
    """The published place follows the move; a seat freed in the old group goes to its line."""
    if membership is None:
        membership = GroupMembership(round_id=round_.id, registration_id=registration.id, created_at=now)
        db.session.add(membership)
    elif membership.status == ASSIGNED:
        old = membership.group
        choice.release_seat(old.id, mode)
        membership.group_id = group.id
        db.session.flush()
        choice.queue_promotion_mails(choice.promote_waitlist(old, mode))
    membership.group_id, membership.status, membership.source, membership.locked = group.id, ASSIGNED, "manual", True
    choice.add_seat(group.id, mode)
    db.session.flush()


def set_lock(round_: GroupRound, registration: Registration, locked: bool, actor) -> None:
    """Lock (or unlock) a participant in their group: the draft's before publishing, their
    place after (see the module)."""
    draft = _check(round_, registration, actor)
    if round_.published_at is None:
        if locked and draft.assignment.get(str(registration.id)) is None:
            raise ValidationError(_l("This participant has no group yet: move them into one first."),
                                  field="registration_id")
    else:
        membership = choice.membership_of(round_.id, registration.id)
        if membership is None or membership.status != ASSIGNED:
            raise ValidationError(_l("This participant has no group yet: move them into one first."),
                                  field="registration_id")
        membership.locked = locked
    _sync_draft(draft, round_, registration.id, locked=locked)
    db.session.commit()
