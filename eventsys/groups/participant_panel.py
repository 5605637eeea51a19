"""The working-group places on the organisers' participant page (a panel registration
leaves for groups, see eventsys/panels.py): every round's place, assigned or waiting,
published or not (organisers see their own draft state)."""
from __future__ import annotations

from flask import render_template
from sqlalchemy import select

from eventsys import panels
from eventsys.extensions import db
from eventsys.groups.models import GroupMembership, GroupRound, WorkingGroup


def group_places(registration) -> list[tuple[str, str, str]]:
    """[(round title, group title, membership status)] in round order, one query."""
    return [tuple(row) for row in db.session.execute(
        select(GroupRound.title, WorkingGroup.title, GroupMembership.status)
        .join(WorkingGroup, WorkingGroup.id == GroupMembership.group_id)
        .join(GroupRound, GroupRound.id == GroupMembership.round_id)
        .where(GroupMembership.registration_id == registration.id)
        .order_by(GroupRound.position, GroupRound.id))]


def participant_groups(event, registration):
    return render_template("groups/_participant_places.html", places=group_places(registration))


panels.provide(panels.PARTICIPANT_GROUPS, participant_groups)
