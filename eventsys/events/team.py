"""The event's team: who holds which role, changing a role, taking someone off (the
invitations that add people are in invitations.py)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from eventsys import permissions
from eventsys.errors import Conflict, PermissionDenied, ValidationError
from eventsys.events.models import ROLES, Event, EventRole
from eventsys.extensions import db

ROLE_ORDER = {role: n for n, role in enumerate(ROLES)}


def list_team(event: Event) -> list[EventRole]:
    """The event's roles, owners first, then by email."""
    grants = db.session.scalars(select(EventRole).where(EventRole.event_id == event.id)
                                .options(selectinload(EventRole.user)))
    return sorted(grants, key=lambda g: (ROLE_ORDER.get(g.role, 99), g.email))


def get_team_role(event: Event, role_id: int) -> EventRole | None:
    return db.session.scalar(select(EventRole).where(EventRole.id == role_id, EventRole.event_id == event.id))


def _check_role(role) -> str:
    if role not in ROLES:
        raise ValidationError(_l("Choose a role from the list."), field="role")
    return role


def _keep_an_owner(grant: EventRole) -> None:
    """Refuse to take away the last owner with an account. The owners' rows are locked
    (PostgreSQL) so that two owners cannot demote each other at the same moment."""
    if grant.role != permissions.OWNER or grant.user_id is None:
        return
    owners = db.session.scalars(
        select(EventRole.id).where(EventRole.event_id == grant.event_id, EventRole.role == permissions.OWNER,
                                   EventRole.user_id.is_not(None)).with_for_update()).all()
    if set(owners) <= {grant.id}:
        raise Conflict(_l("An event needs at least one owner. Make someone else an owner first."), field="role")


def change_team_role(grant: EventRole, role: str, actor) -> EventRole:
    """Change a person's role. Needs can_manage_team (PermissionDenied); ValidationError
    for an unknown role; Conflict when it would demote the last owner."""
    if not permissions.can_manage_team(actor, grant.event):
        raise PermissionDenied(_l("Only the event's owners can change the team."))
    role = _check_role(role)
    if role != permissions.OWNER:
        _keep_an_owner(grant)
    grant.role = role
    db.session.commit()
    permissions.forget_roles()
    return grant


def remove_team_member(grant: EventRole, actor) -> None:
    """Take a person off the team. Needs can_manage_team (PermissionDenied); Conflict
    when they are the last owner."""
    if not permissions.can_manage_team(actor, grant.event):
        raise PermissionDenied(_l("Only the event's owners can change the team."))
    _keep_an_owner(grant)
    db.session.delete(grant)
    db.session.commit()
    permissions.forget_roles()
