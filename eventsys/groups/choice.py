"""Direct choice of a working group, its seats and waitlists, and what a cancellation frees.

Seats work as in ``registration/seats.py``: ``working_group.*_taken`` counts the assigned
places of each mode and only changes through a conditional UPDATE
(``taken < seats - staff of that mode``), so two requests can never both take the last seat,
on SQLite and PostgreSQL alike; the UPDATE also locks the group's row until commit, which
serialises waitlist promotions. When a transaction touches two groups it locks them in id
order first (no deadlock between two people swapping groups). A participant's places
change only with their registration's row locked first (``seats.hold`` or a registration
transition), and are re-read after the locks: a double click or a choice racing the
cancellation is serialised and acts on what is there now. Lock order everywhere: the
event's counter row, the registration, the groups in id order.

Rules (ValidationError / Conflict at the field ``group_id`` unless said):
- only the registrant, with a confirmed registration, chooses, while the event is
  published (not cancelled); moderators and rapporteurs of the round hold their reserved
  seat and cannot also choose;
- a direct round between its opening and its deadline; a ranked round only once its
  assignment is published, and only for someone without a place in it (a late registrant);
- only a group of the round that has seats for the participant's mode;
- a free seat gives a place; a full group gives a place on its waitlist (first come, first
  served) - except for someone who holds a seat elsewhere in the round: they keep it;
- one place per round (unique constraint); changing group frees the old seat and promotes
  the first in line of that group's waitlist, who is told by email.
"""
from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from eventsys.errors import Conflict, PermissionDenied, ValidationError
from eventsys.extensions import db
from eventsys.groups.mails import PROMOTED, queue_group_mail
from eventsys.groups.models import (ASSIGNED, GROUP_WAITLISTED, RANKED, GroupMembership, GroupRound,
                                    GroupStaff, WorkingGroup)
from eventsys.registration import seats as registration_seats
from eventsys.registration.models import CONFIRMED, Registration
from eventsys.timeutil import utcnow

OPEN, NOT_OPEN_YET, CLOSED, RANKED_ONLY, HAS_PLACE = "open", "not_open_yet", "closed", "ranked", "has_place"
OVER = "over"  # the round's sessions have all ended


# --- seat counters ------------------------------------------------------------------------

def _columns(mode: str):
    if mode == "in_person":
        return WorkingGroup.in_person_taken, WorkingGroup.in_person_seats
    if mode == "online":
        return WorkingGroup.online_taken, WorkingGroup.online_seats
    raise ValueError(mode)


def staff_count(mode: str):
    """Correlated subquery: the group's staff sitting in ``mode`` (their reserved seats)."""
    return (select(func.count()).select_from(GroupStaff)
            .where(GroupStaff.group_id == WorkingGroup.id, GroupStaff.mode == mode).scalar_subquery())


def take_seat(group_id: int, mode: str) -> bool:
    """Take one seat of ``mode`` if one is free; True when taken. Part of the caller's transaction."""
    taken, seats = _columns(mode)
    result = db.session.execute(
        update(WorkingGroup).where(WorkingGroup.id == group_id, taken < seats - staff_count(mode))
        .values({taken.key: taken + 1}).execution_options(synchronize_session=False))
    return result.rowcount == 1


def add_seat(group_id: int, mode: str) -> None:
    """Count one more seat even beyond capacity (an organiser's deliberate move)."""
    taken, _seats = _columns(mode)
    db.session.execute(update(WorkingGroup).where(WorkingGroup.id == group_id)
                       .values({taken.key: taken + 1}).execution_options(synchronize_session=False))


def release_seat(group_id: int, mode: str) -> None:
    taken, _seats = _columns(mode)
    db.session.execute(update(WorkingGroup).where(WorkingGroup.id == group_id, taken > 0)
                       .values({taken.key: taken - 1}).execution_options(synchronize_session=False))


def lock_groups(group_ids) -> None:
    """Lock the groups' rows in id order, without changing anything."""
    for group_id in sorted(set(group_ids)):
        db.session.execute(update(WorkingGroup).where(WorkingGroup.id == group_id)
                           .values(id=WorkingGroup.id).execution_options(synchronize_session=False))


def recount_seats(round_id: int) -> None:
    """Set every counter of the round to its assigned places (after publishing)."""
    for mode in ("in_person", "online"):
        taken, _seats = _columns(mode)
        count = (select(func.count()).select_from(GroupMembership).join(
            Registration, Registration.id == GroupMembership.registration_id)
            .where(GroupMembership.group_id == WorkingGroup.id, GroupMembership.status == ASSIGNED,
                   Registration.mode == mode).scalar_subquery())
        db.session.execute(update(WorkingGroup).where(WorkingGroup.round_id == round_id)
                           .values({taken.key: count}).execution_options(synchronize_session=False))


# --- waitlists ----------------------------------------------------------------------------

def _first_waitlisted(group_id: int, mode: str) -> GroupMembership | None:
    return db.session.scalar(
        select(GroupMembership).join(Registration, Registration.id == GroupMembership.registration_id)
        .where(GroupMembership.group_id == group_id, GroupMembership.status == GROUP_WAITLISTED,
               Registration.mode == mode)
        .order_by(GroupMembership.created_at, GroupMembership.id).limit(1)
        .execution_options(populate_existing=True))


def promote_waitlist(group: WorkingGroup, mode: str) -> list[GroupMembership]:
    """The first in line of ``group`` for ``mode`` take the free seats, in order. Call with
    the group's row locked in this transaction (a seat change or lock_groups)."""
    promoted = []
    while (candidate := _first_waitlisted(group.id, mode)) is not None and take_seat(group.id, mode):
        candidate.status = ASSIGNED
        db.session.flush()
        promoted.append(candidate)
    return promoted


def queue_promotion_mails(memberships) -> None:
    for membership in memberships:
        registration, group = membership.registration, membership.group
        round_ = db.session.get(GroupRound, membership.round_id)
        queue_group_mail(registration.user, registration.event, round_, group, registration.mode, PROMOTED)


def waitlist_position(membership: GroupMembership | None, mode: str) -> int | None:
    """1 for the first in line of the group (same mode); None when not waitlisted."""
    if membership is None or membership.status != GROUP_WAITLISTED:
        return None
    ahead = db.session.scalar(
        select(func.count()).select_from(GroupMembership)
        .join(Registration, Registration.id == GroupMembership.registration_id)
        .where(GroupMembership.group_id == membership.group_id, GroupMembership.status == GROUP_WAITLISTED,
               Registration.mode == mode,
               or_(GroupMembership.created_at < membership.created_at,
                   (GroupMembership.created_at == membership.created_at) & (GroupMembership.id < membership.id))))
    return ahead + 1


# --- the rules ----------------------------------------------------------------------------

def direct_state(round_: GroupRound, membership: GroupMembership | None, now: datetime | None = None) -> str:
    """Whether a participant may pick a group of ``round_`` now: open, not_open_yet, closed,
    over (its sessions have ended), ranked (a ranked round before publishing) or has_place
    (a place in a published one)."""
    now = now or utcnow()
    if round_.join_mode == RANKED:
        if round_.published_at is None:
            return RANKED_ONLY
        if membership is not None:
            return HAS_PLACE
    elif round_.opens_at is not None and now < round_.opens_at:
        return NOT_OPEN_YET
    elif round_.deadline is not None and now >= round_.deadline:
        return CLOSED
    return OVER if round_is_over(round_, now) else OPEN


def round_is_over(round_: GroupRound, now: datetime) -> bool:
    """True once every session of the round's groups has ended (a round without sessions
    never is). Reads the groups' slots, which list_rounds and get_round load with it."""
    ends = [slot.ends_at for group in round_.groups for slot in group.slots]
    return bool(ends) and max(ends) <= now


def staff_user_ids(round_id: int) -> set[int]:
    return set(db.session.scalars(select(GroupStaff.user_id).join(WorkingGroup).where(
        WorkingGroup.round_id == round_id, GroupStaff.user_id.is_not(None))))


def check_participant(registration: Registration, actor, round_: GroupRound) -> None:
    """The registrant themselves, confirmed, for this event's round, and not its staff."""
    if actor is None or registration.user_id is None or actor.id != registration.user_id:
        raise PermissionDenied(_l("You can only choose for yourself."))
    if registration.event_id != round_.event_id:
        raise PermissionDenied(_l("This round belongs to another event."))
    if registration.status != CONFIRMED:
        raise PermissionDenied(_l("Working groups are for participants with a confirmed registration."))
    if registration.event.status != "published":
        raise ValidationError(_l("This event is not open: working groups cannot change."), field="group_id")
    if registration.user_id in staff_user_ids(round_.id):
        raise ValidationError(_l("You moderate or report on a group of this round: your seat is reserved there."),
                              field="group_id")


def membership_of(round_id: int, registration_id: int) -> GroupMembership | None:
    return db.session.scalar(select(GroupMembership).where(
        GroupMembership.round_id == round_id, GroupMembership.registration_id == registration_id)
        .execution_options(populate_existing=True))


def hold_registration(registration: Registration, user_id: int | None = None) -> None:
    """Lock the registration's row (see the module); PermissionDenied, after rolling back,
    when it is no longer confirmed (cancelled meanwhile) or no longer the actor's."""
    if not registration_seats.hold(registration, CONFIRMED, user_id):
        db.session.rollback()
        raise PermissionDenied(_l("Working groups are for participants with a confirmed registration."))


def choose_group(round_: GroupRound, registration: Registration, group: WorkingGroup, actor,
                 now: datetime | None = None) -> GroupMembership:
    """Pick ``group`` (see the module's rules). Returns the place: assigned, or waitlisted
    (waitlist_position says where). Raises PermissionDenied, ValidationError, Conflict."""
    now = now or utcnow()
    check_participant(registration, actor, round_)
    hold_registration(registration, actor.id)
    try:
        membership = membership_of(round_.id, registration.id)
        state = direct_state(round_, membership, now)
        if state != OPEN:
            raise ValidationError(_CLOSED_MESSAGES[state], field="group_id")
        mode = registration.mode
        _check_group(round_, group, mode)
    except Exception:
        db.session.rollback()
        raise
    if membership is not None and membership.group_id == group.id:
        db.session.commit()  # a double click: nothing to change
        return membership
    if membership is None:
        return _first_choice(round_, registration, group, mode, now)
    return _change(membership, group, mode, now)


_CLOSED_MESSAGES = {
    NOT_OPEN_YET: _l("This round is not open yet."),
    CLOSED: _l("The deadline of this round has passed."),
    OVER: _l("The sessions of this round are over."),
    RANKED_ONLY: _l("In this round you rank the groups; the organisers then assign them."),
    HAS_PLACE: _l("You already have your place in this round: ask the organisers to change it."),
}


def _participant_seats(group: WorkingGroup, mode: str) -> int:
    seats = group.in_person_seats if mode == "in_person" else group.online_seats
    return seats - sum(1 for person in group.staff if person.mode == mode)


def _check_group(round_: GroupRound, group: WorkingGroup, mode: str) -> None:
    if group.round_id != round_.id:
        raise ValidationError(_l("Choose a group of this round."), field="group_id")
    if _participant_seats(group, mode) <= 0:
        raise ValidationError(_l("“%(title)s” has no seats for participants attending %(mode)s.",
                                 title=group.title, mode=_MODE_WORDS[mode]), field="group_id")


_MODE_WORDS = {"in_person": _l("in person"), "online": _l("online")}


def _first_choice(round_, registration, group, mode, now) -> GroupMembership:
    status = ASSIGNED if take_seat(group.id, mode) else GROUP_WAITLISTED
    membership = GroupMembership(round_id=round_.id, group_id=group.id, registration_id=registration.id,
                                 status=status, source="direct", created_at=now,
                                 locked=round_.join_mode == RANKED)  # a late pick in a ranked round stays put
    db.session.add(membership)
    try:
        db.session.commit()
    except IntegrityError:  # the same person, twice at once: the first one counts
        db.session.rollback()
        raise Conflict(_l("You already chose a group in this round. Please reload the page."), field="group_id")
    return membership


def _change(membership: GroupMembership, group: WorkingGroup, mode: str, now) -> GroupMembership:
    old = db.session.get(WorkingGroup, membership.group_id)  # current: read under the registration's lock
    lock_groups([old.id, group.id])
    if membership.status == ASSIGNED:
        if not take_seat(group.id, mode):
            db.session.rollback()
            raise Conflict(_l("“%(new)s” is full: you keep your seat in “%(old)s”.", new=group.title,
                              old=old.title), field="group_id")
        release_seat(old.id, mode)
        membership.group_id, membership.created_at = group.id, now
        db.session.flush()
        queue_promotion_mails(promote_waitlist(old, mode))
    else:
        membership.status = ASSIGNED if take_seat(group.id, mode) else GROUP_WAITLISTED
        membership.group_id, membership.created_at = group.id, now  # the end of the new line
    membership.source = "direct"
    db.session.commit()
    return membership


def _event_groups_locked(event_id: int) -> None:
    """Lock every group of the event (id order) before reading someone's places: a place
    being published or moved at this moment is then seen, never missed."""
    lock_groups(db.session.scalars(select(WorkingGroup.id).where(WorkingGroup.event_id == event_id)))


def _places(registration: Registration) -> list[GroupMembership]:
    return list(db.session.scalars(select(GroupMembership).options(selectinload(GroupMembership.group))
                                   .where(GroupMembership.registration_id == registration.id)
                                   .order_by(GroupMembership.id).execution_options(populate_existing=True)))


def release_memberships(registration: Registration, now: datetime | None = None) -> list[GroupMembership]:
    """The registration is cancelled: give back its places in every round, and let the
    first in line of each group it left take the seat (told by email). Part of the
    caller's transaction (which holds the registration's row): the caller commits.
    Returns the promoted places."""
    _event_groups_locked(registration.event_id)
    promoted = []
    for membership in _places(registration):
        group, was_seated = membership.group, membership.status == ASSIGNED
        db.session.delete(membership)
        db.session.flush()
        if was_seated:
            release_seat(group.id, registration.mode)
            promoted += promote_waitlist(group, registration.mode)
    queue_promotion_mails(promoted)
    return promoted


def follow_mode_change(registration: Registration, old_mode: str, now: datetime | None = None) -> list:
    """The registration now attends in another mode: each seated place gives back its seat
    of ``old_mode`` (the group's line for it moves up) and takes one of the new mode in the
    same group, or joins the end of that group's line; a group without seats for the new
    mode loses the place. Part of the caller's transaction. Returns the promoted places."""
    _event_groups_locked(registration.event_id)
    promoted, mode, now = [], registration.mode, now or utcnow()
    for membership in _places(registration):
        group = membership.group
        if membership.status == ASSIGNED:
            release_seat(group.id, old_mode)
        if _participant_seats(group, mode) <= 0:
            db.session.delete(membership)
        elif membership.status == ASSIGNED and not take_seat(group.id, mode):
            membership.status, membership.created_at = GROUP_WAITLISTED, now
        db.session.flush()
        promoted += promote_waitlist(group, old_mode) + promote_waitlist(group, mode)
    queue_promotion_mails(promoted)
    return promoted
