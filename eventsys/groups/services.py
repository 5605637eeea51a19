"""Working groups, organiser side: rounds and their groups (with moderators, rapporteurs,
seats, agenda slots, room and link).

Rules (each raises ValidationError at the form field's name):
- a round has a title, a join mode (direct or ranked), min_ranks >= 1, a deadline after its
  opening, a share cap in (0, 1]; its join mode is fixed once anyone holds a place in it;
- a group has a title, a format; an in-person group has no online seats and an online
  group no in-person seats; seats are never negative and never fewer than the staff who sit
  in that mode plus the participants who already hold a seat there;
- staff are lines "name, email, role, mode" (parsed and checked in ``staff``);
- slots are the event's "working_group" agenda slots; the room is one of the event's;
- a group that participants hold places in cannot be deleted (move them first).
Only people who may manage the event change any of it (PermissionDenied).
The participant side is in ``choice`` (direct choice, waitlists, cancellations) and
``ranking``; the assignment in ``publishing``.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from eventsys import inputrules, permissions
from eventsys.agenda.models import AgendaSlot
from eventsys.agenda.services import local_to_utc
from eventsys.errors import Conflict, ValidationError
from eventsys.events.models import Room
from eventsys.extensions import db
from eventsys.groups import choice
from eventsys.groups.models import GROUP_FORMATS, JOIN_MODES, GroupMembership, GroupRound, WorkingGroup
from eventsys.groups.staff import StaffLine, apply_staff, parse_staff

MODES = ("in_person", "online")
MODE_LABELS = {"in_person": _l("In person"), "online": _l("Online")}
FORMAT_LABELS = {"in_person": _l("In person"), "online": _l("Online"), "hybrid": _l("Hybrid")}
JOIN_MODE_LABELS = {"direct": _l("Direct choice (first come, first served)"),
                    "ranked": _l("Ranked preferences, then an assignment")}
ROLE_LABELS = {"moderator": _l("Moderator"), "rapporteur": _l("Rapporteur")}
REASON_LABELS = {
    "no_seats_in_mode": _l("No group of this round has a seat for their way of attending."),
    "no_ranking": _l("They ranked no group, and only ranked groups may be given."),
    "ranked_groups_no_seats_in_mode": _l("No group they ranked has seats for their way of attending."),
    "ranked_groups_full": _l("Every group they ranked was full."),
    "seats_full": _l("Every seat for their way of attending was taken."),
}
FIGURE_LABELS = {
    "placed": _l("Participants placed"), "unassigned": _l("Unassigned"),
    "share_first_choice": _l("Got their 1st choice"), "share_top3": _l("Got one of their top 3"),
    "unranked_placed": _l("Placed in a group they did not rank"), "total_rank_cost": _l("Rank cost (lower is better)"),
    "balance_excess": _l("Seats beyond the stakeholder share cap"),
}
ROUND_FIELDS = ("title", "join_mode", "min_ranks", "opens_at", "deadline", "balance_share", "position")
GROUP_FIELDS = ("title", "guiding_question", "description", "format", "in_person_seats", "online_seats",
                "room_id", "online_link", "position")


# --- reading ------------------------------------------------------------------------------

def _with_groups(statement):
    return statement.options(selectinload(GroupRound.groups).selectinload(WorkingGroup.staff),
                             selectinload(GroupRound.groups).selectinload(WorkingGroup.slots),
                             selectinload(GroupRound.groups).selectinload(WorkingGroup.room))


def list_rounds(event) -> list[GroupRound]:
    """The event's rounds in order, with groups, staff, slots and rooms (four queries)."""
    return list(db.session.scalars(_with_groups(select(GroupRound)).where(GroupRound.event_id == event.id)
                                   .order_by(GroupRound.position, GroupRound.id)))


def get_round(event, round_id: int) -> GroupRound | None:
    return db.session.scalars(_with_groups(select(GroupRound)).where(
        GroupRound.id == round_id, GroupRound.event_id == event.id)).first()


def get_group(event, group_id: int) -> WorkingGroup | None:
    return db.session.scalars(select(WorkingGroup).options(
        selectinload(WorkingGroup.staff), selectinload(WorkingGroup.slots)).where(
        WorkingGroup.id == group_id, WorkingGroup.event_id == event.id)).first()


def event_registration(event, registration_id: int):
    """A registration of ``event`` by id (any status), or None."""
    from eventsys.registration.models import Registration
    return db.session.scalar(select(Registration).where(Registration.id == registration_id,
                                                        Registration.event_id == event.id))


def working_group_slots(event) -> list[AgendaSlot]:
    return list(db.session.scalars(select(AgendaSlot).where(
        AgendaSlot.event_id == event.id, AgendaSlot.kind == "working_group")
        .order_by(AgendaSlot.starts_at, AgendaSlot.title, AgendaSlot.id)))


def event_rooms(event) -> list[Room]:
    return list(db.session.scalars(select(Room).where(Room.event_id == event.id)
                                   .order_by(Room.position, Room.name, Room.id)))


def reserved(group: WorkingGroup, mode: str) -> int:
    """Seats of ``mode`` held by the group's moderators and rapporteurs."""
    return sum(1 for person in group.staff if person.mode == mode)


def capacity(group: WorkingGroup, mode: str) -> int:
    """Seats of ``mode`` left for participants once the staff sit."""
    seats = group.in_person_seats if mode == "in_person" else group.online_seats
    return max(seats - reserved(group, mode), 0)


CANNOT_CHANGE = _l("You cannot change the working groups of this event.")


# --- rounds -------------------------------------------------------------------------------

def _round_values(event, values: dict) -> dict:
    clean = {key: values[key] for key in ROUND_FIELDS if key in values}
    clean["title"] = inputrules.require_single_line(clean.get("title"), "title")
    if not clean["title"]:
        raise ValidationError(_l("Give the round a title, e.g. “Day 1 afternoon”."), field="title")
    if clean.get("join_mode") not in JOIN_MODES:
        raise ValidationError(_l("Choose how participants join."), field="join_mode")
    min_ranks = clean.get("min_ranks")
    if not isinstance(min_ranks, int) or min_ranks < 1:
        raise ValidationError(_l("Ask for at least one ranked group."), field="min_ranks")
    for key in ("opens_at", "deadline"):
        clean[key] = local_to_utc(event, clean[key], key) if clean.get(key) is not None else None
    if clean["opens_at"] and clean["deadline"] and clean["deadline"] <= clean["opens_at"]:
        raise ValidationError(_l("The deadline must come after the opening."), field="deadline")
    share = clean.get("balance_share")
    if share is not None and not 0 < share <= 1:
        raise ValidationError(_l("The share cap is a percentage between 1 and 100."), field="balance_share")
    clean["position"] = clean.get("position") or 0
    return clean


def create_round(event, values: dict, actor) -> GroupRound:
    """A new round of parallel groups. Times are wall times in the event's zone."""
    permissions.require_manager(actor, event, CANNOT_CHANGE)
    round_ = GroupRound(event_id=event.id, **_round_values(event, values))
    db.session.add(round_)
    db.session.commit()
    return round_


def update_round(round_: GroupRound, values: dict, actor) -> GroupRound:
    """Change a round; its join mode is fixed once participants hold places in it."""
    event = _event_of(round_)
    permissions.require_manager(actor, event, CANNOT_CHANGE)
    clean = _round_values(event, values)
    if clean["join_mode"] != round_.join_mode and _members(round_) > 0:
        raise ValidationError(_l("Participants already hold places in this round: its join mode "
                                 "can no longer change."), field="join_mode")
    for key, value in clean.items():
        setattr(round_, key, value)
    db.session.commit()
    return round_


def delete_round(round_: GroupRound, actor) -> None:
    """Delete the round with its groups, preferences, places and drafts."""
    permissions.require_manager(actor, _event_of(round_), CANNOT_CHANGE)
    db.session.delete(round_)
    db.session.commit()


def _event_of(obj):
    from eventsys.events.models import Event
    return db.session.get(Event, obj.event_id)


def _members(round_: GroupRound, group_id: int | None = None) -> int:
    statement = select(func.count()).select_from(GroupMembership).where(GroupMembership.round_id == round_.id)
    if group_id is not None:
        statement = statement.where(GroupMembership.group_id == group_id)
    return db.session.scalar(statement)


# --- groups -------------------------------------------------------------------------------

def _group_values(event, values: dict) -> dict:
    clean = {key: values[key] for key in GROUP_FIELDS if key in values}
    clean["title"] = inputrules.require_single_line(clean.get("title"), "title")
    if not clean["title"]:
        raise ValidationError(_l("Give the group a title."), field="title")
    if clean.get("format") not in GROUP_FORMATS:
        raise ValidationError(_l("Choose a format."), field="format")
    for key in ("in_person_seats", "online_seats"):
        clean[key] = clean.get(key) or 0
        if clean[key] < 0:
            raise ValidationError(_l("Seats cannot be negative."), field=key)
        if inputrules.db_int_problem(clean[key]):
            raise ValidationError(inputrules.db_int_problem(clean[key]), field=key)
    if clean["format"] == "in_person" and clean["online_seats"]:
        raise ValidationError(_l("An in-person group has no online seats."), field="online_seats")
    if clean["format"] == "online" and clean["in_person_seats"]:
        raise ValidationError(_l("An online group has no in-person seats."), field="in_person_seats")
    if clean.get("room_id") is not None and db.session.scalar(select(Room.id).where(
            Room.id == clean["room_id"], Room.event_id == event.id)) is None:
        raise ValidationError(_l("Choose one of the event's rooms."), field="room_id")
    clean["guiding_question"] = inputrules.require_single_line(clean.get("guiding_question"), "guiding_question")
    clean["description"] = clean.get("description") or ""
    clean["online_link"] = inputrules.require_web_address((clean.get("online_link") or "").strip(), "online_link")
    clean["position"] = clean.get("position") or 0
    return clean


def _slots(event, slot_ids) -> list[AgendaSlot]:
    slot_ids = sorted(set(slot_ids or ()))
    slots = list(db.session.scalars(select(AgendaSlot).where(
        AgendaSlot.id.in_(slot_ids), AgendaSlot.event_id == event.id, AgendaSlot.kind == "working_group")))
    if len(slots) != len(slot_ids):
        raise ValidationError(_l("Choose among the event's working-group slots."), field="slot_ids")
    return slots


def _check_seats(group: WorkingGroup, staff: list[StaffLine]) -> None:
    for mode in MODES:
        field = f"{mode}_seats"
        seats = getattr(group, field)
        sitting = sum(1 for person in staff if person.mode == mode)
        held = getattr(group, f"{mode}_taken") or 0
        if sitting + held > seats:
            raise ValidationError(_l("%(seats)s seats are too few: %(staff)s staff and %(held)s participants "
                                     "already sit here in this mode.", seats=seats, staff=sitting, held=held),
                                  field=field)


def create_group(round_: GroupRound, values: dict, actor, staff_text: str = "", slot_ids=()) -> WorkingGroup:
    """A new group in ``round_`` (see the module's rules)."""
    event = _event_of(round_)
    permissions.require_manager(actor, event, CANNOT_CHANGE)
    clean, staff, slots = _group_values(event, values), parse_staff(staff_text), _slots(event, slot_ids)
    group = WorkingGroup(round_id=round_.id, event_id=event.id, **clean)
    group.in_person_taken = group.online_taken = 0
    _check_seats(group, staff)
    group.slots = slots
    db.session.add(group)
    apply_staff(group, staff)
    db.session.commit()
    return group


def update_group(group: WorkingGroup, values: dict, actor, staff_text: str = "", slot_ids=()) -> list:
    """Change a group. More seats in a direct-choice round promote its waitlist at once;
    returns the promoted places."""
    event = _event_of(group)
    permissions.require_manager(actor, event, CANNOT_CHANGE)
    clean, staff, slots = _group_values(event, values), parse_staff(staff_text), _slots(event, slot_ids)
    choice.lock_groups([group.id])
    db.session.refresh(group, ["in_person_taken", "online_taken"])
    for key, value in clean.items():
        setattr(group, key, value)
    _check_seats(group, staff)
    group.slots = slots
    apply_staff(group, staff)
    db.session.flush()
    promoted = [m for mode in MODES for m in choice.promote_waitlist(group, mode)]
    choice.queue_promotion_mails(promoted)
    db.session.commit()
    return promoted


def delete_group(group: WorkingGroup, actor) -> None:
    """Delete a group nobody holds a place in (its preferences go with it)."""
    permissions.require_manager(actor, _event_of(group), CANNOT_CHANGE)
    held = _members(group.round, group.id)
    if held:
        raise Conflict(_l("%(n)s participants hold places in “%(title)s”: move them to other groups first.",
                          n=held, title=group.title))
    db.session.delete(group)
    db.session.commit()
