"""Who may answer a feedback form, and who is asked to.

May answer: a confirmed registration for the form's event; for a slot where working groups
meet (``working_group_slot``), only members assigned to one of those groups. Slots with no
group linked to them are open to every confirmed participant.

Asked (and counted for the response rate): those of them who attended, that is who were
checked in at the door or marked as having attended online. Attendance is recorded per
event, not per slot. When the event has no attendance recorded at all (no check-in, no
online attendance), everyone confirmed counts as having attended: otherwise an event that
does not use check-in would never ask anyone.
"""
from __future__ import annotations

from collections import defaultdict

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, func, or_, select

from eventsys.agenda.models import AgendaSlot
from eventsys.extensions import db
from eventsys.groups.models import ASSIGNED, GroupMembership, WorkingGroup, working_group_slot
from eventsys.registration.models import CONFIRMED, Registration

NOT_CONFIRMED = _l("Only confirmed participants of this event can answer its feedback forms.")
NOT_IN_GROUP = _l("This feedback form is for the members of the working groups that met in this session.")


def attended():
    """SQL condition: the registration was checked in, or attended online."""
    return or_(Registration.checked_in_at.is_not(None), Registration.attended_online.is_(True))


def attendance_recorded(event_id: int) -> bool:
    return bool(db.session.scalar(select(exists().where(Registration.event_id == event_id, attended()))))


def event_has_groups(event_id: int) -> bool:
    return bool(db.session.scalar(select(exists().where(WorkingGroup.event_id == event_id))))


def group_ids_by_slot(event_id: int) -> dict[int, set[int]]:
    """{slot id: ids of the working groups meeting in it} for the event's slots."""
    rows = db.session.execute(
        select(working_group_slot.c.slot_id, working_group_slot.c.group_id)
        .join(AgendaSlot, AgendaSlot.id == working_group_slot.c.slot_id)
        .where(AgendaSlot.event_id == event_id))
    groups: dict[int, set[int]] = defaultdict(set)
    for slot_id, group_id in rows:
        groups[slot_id].add(group_id)
    return dict(groups)


def slot_group_ids(slot_id: int | None) -> set[int]:
    if slot_id is None:
        return set()
    return set(db.session.scalars(select(working_group_slot.c.group_id)
                                  .where(working_group_slot.c.slot_id == slot_id)))


def member_group_ids(registration_id: int) -> set[int]:
    return set(db.session.scalars(select(GroupMembership.group_id).where(
        GroupMembership.registration_id == registration_id, GroupMembership.status == ASSIGNED)))


def refusal(form, registration, slot_groups: set[int] | None = None,
            member_groups: set[int] | None = None):
    """Why ``registration`` may not answer ``form`` (a message), or None when it may.
    Pass the group ids when checking many forms, to save the queries."""
    if registration is None or registration.status != CONFIRMED or registration.user_id is None:
        return NOT_CONFIRMED
    if slot_groups is None:
        slot_groups = slot_group_ids(form.slot_id)
    if slot_groups:
        if member_groups is None:
            member_groups = member_group_ids(registration.id)
        if not slot_groups & member_groups:
            return NOT_IN_GROUP
    return None


def audience(form, recorded: bool | None = None, groups: set[int] | None = None):
    """A SELECT of the registrations that attended what the form is about (see module doc)."""
    query = select(Registration).where(Registration.event_id == form.event_id,
                                       Registration.status == CONFIRMED, Registration.user_id.is_not(None))
    if recorded is None:
        recorded = attendance_recorded(form.event_id)
    if recorded:
        query = query.where(attended())
    if groups is None:
        groups = slot_group_ids(form.slot_id)
    if groups:
        query = query.where(exists().where(GroupMembership.registration_id == Registration.id,
                                           GroupMembership.group_id.in_(groups),
                                           GroupMembership.status == ASSIGNED))
    return query


def audience_count(form, recorded: bool | None = None, groups: set[int] | None = None) -> int:
    query = audience(form, recorded, groups).with_only_columns(func.count(Registration.id))
    return db.session.scalar(query) or 0
