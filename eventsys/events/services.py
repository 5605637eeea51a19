"""Events: create, edit, publish and delete. Reading is in reading.py, the field rules in
rules.py, the team in team.py and invitations.py, rooms in rooms.py; cloning an event with
its agenda and speakers is a room of its own above them (eventsys/cloning).

Services take models or plain values and the acting user, enforce the rules, commit one
transaction and raise DomainError subclasses with a message (and field) a user can read.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from eventsys import permissions
from eventsys.errors import Conflict, PermissionDenied, ValidationError
from eventsys.events.models import STATUSES, Event, EventRole
from eventsys.events.rules import commit_or_field_error, validate_event_values
from eventsys.extensions import db


def create_event(values: dict, actor) -> Event:
    """Create a draft event; its creator becomes its owner. Raises PermissionDenied for
    anonymous actors and ValidationError for a bad field (see validate_event_values)."""
    if not permissions.can_create_event(actor):
        raise PermissionDenied(_l("Log in with a confirmed email address to create an event."))
    event = Event(**validate_event_values(values, actor), status="draft")
    event.roles.append(EventRole(user_id=actor.id, email=actor.email, role=permissions.OWNER))
    db.session.add(event)
    commit_or_field_error()
    return event


def update_event(event: Event, values: dict, actor) -> Event:
    """Change the event's details (not its status). Needs can_manage_event
    (PermissionDenied); ValidationError for a bad field."""
    if not permissions.can_manage_event(actor, event):
        raise PermissionDenied(_l("You cannot edit this event."))
    for key, value in validate_event_values(values, actor, event).items():
        setattr(event, key, value)
    commit_or_field_error()
    return event


def set_event_status(event: Event, status: str, actor) -> Event:
    """Publish, cancel or take back to draft. Needs can_manage_event (PermissionDenied);
    the status must be known and publishing needs a title and dates (ValidationError);
    only a public event can be cancelled (Conflict)."""
    if not permissions.can_manage_event(actor, event):
        raise PermissionDenied(_l("You cannot change the status of this event."))
    if status not in STATUSES:
        raise ValidationError(_l("Choose a status from the list."), field="status")
    if status == "published" and not (event.title and event.start_date and event.end_date):
        raise ValidationError(_l("Give the event a title and dates before publishing it."), field="status")
    if status == "cancelled" and event.status == "draft":
        raise Conflict(_l("A draft is not public, so it cannot be cancelled. Delete it instead."), field="status")
    event.status = status
    db.session.commit()
    return event


def delete_event(event: Event, confirmation: str, actor) -> None:
    """Delete the event with its rooms, agenda, speakers and team. Owners only
    (PermissionDenied); the typed confirmation must equal the slug (ValidationError)."""
    if not permissions.can_delete_event(actor, event):
        raise PermissionDenied(_l("Only the event's owners can delete it."))
    if (confirmation or "").strip() != event.slug:
        raise ValidationError(_l("Type the event's address, %(slug)s, to confirm.", slug=event.slug),
                              field="confirm_slug")
    db.session.delete(event)  # the database cascades to rooms, slots, speakers and roles
    db.session.commit()
    permissions.forget_roles()
