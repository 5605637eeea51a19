"""An event's rooms: add, rename, set a capacity, delete one no agenda slot uses."""
from __future__ import annotations

from typing import Callable

from flask_babel import lazy_gettext as _l, lazy_ngettext
from sqlalchemy import func, select

from eventsys import permissions
from eventsys.errors import Conflict, PermissionDenied, ValidationError
from eventsys.events.models import Event, Room
from eventsys.events.rules import clean_text, commit_or_field_error
from eventsys.extensions import db

# The agenda (above events) tells how many of its slots use a room: room -> int.
_SLOTS_IN_ROOM: list[Callable] = []


def register_room_use(count: Callable) -> None:
    """Let the agenda say how many slots use a room (from agenda/connections.py)."""
    if count not in _SLOTS_IN_ROOM:
        _SLOTS_IN_ROOM.append(count)


def get_room(event: Event, room_id: int) -> Room | None:
    return db.session.scalar(select(Room).where(Room.id == room_id, Room.event_id == event.id))


def _room_values(event: Event, values: dict, room: Room | None = None) -> dict:
    name = clean_text(values, "name", 120, required=_l("Enter the room's name."))
    taken = select(Room.id).where(Room.event_id == event.id, func.lower(Room.name) == name.lower())
    if room is not None:
        taken = taken.where(Room.id != room.id)
    if db.session.scalar(taken) is not None:
        raise ValidationError(_l("This event already has a room called %(name)s.", name=name), field="name")
    capacity = values.get("capacity")
    if capacity in (None, ""):
        return {"name": name, "capacity": None}
    if isinstance(capacity, bool) or not str(capacity).strip().isdigit() or not 0 < int(capacity) <= 1_000_000:
        raise ValidationError(_l("Enter a whole number of seats above zero, or leave it empty."), field="capacity")
    return {"name": name, "capacity": int(capacity)}


def add_room(event: Event, values: dict, actor) -> Room:
    """Add a room (name unique within the event, optional capacity above zero) at the end
    of the list. Needs can_manage_event (PermissionDenied); ValidationError for bad values."""
    if not permissions.can_manage_event(actor, event):
        raise PermissionDenied(_l("You cannot change this event's rooms."))
    clean = _room_values(event, values)
    last = db.session.scalar(select(func.max(Room.position)).where(Room.event_id == event.id))
    room = Room(event_id=event.id, position=(last or 0) + 1, **clean)
    db.session.add(room)
    commit_or_field_error(_l("This event already has a room called %(name)s.", name=clean["name"]), "name")
    return room


def update_room(room: Room, values: dict, actor) -> Room:
    """Rename a room or change its capacity; same rules as add_room."""
    if not permissions.can_manage_event(actor, room.event):
        raise PermissionDenied(_l("You cannot change this event's rooms."))
    clean = _room_values(room.event, values, room)
    room.name, room.capacity = clean["name"], clean["capacity"]
    commit_or_field_error(_l("This event already has a room called %(name)s.", name=clean["name"]), "name")
    return room


def delete_room(room: Room, actor) -> None:
    """Delete a room that no agenda slot uses. Needs can_manage_event (PermissionDenied);
    Conflict, saying how many slots use it, otherwise."""
    if not permissions.can_manage_event(actor, room.event):
        raise PermissionDenied(_l("You cannot change this event's rooms."))
    used = sum(count(room) for count in _SLOTS_IN_ROOM)
    if used:
        raise Conflict(lazy_ngettext(
            "%(name)s is used by %(num)d agenda slot. Move it to another room first.",
            "%(name)s is used by %(num)d agenda slots. Move them to another room first.", used, name=room.name))
    db.session.delete(room)
    db.session.commit()
