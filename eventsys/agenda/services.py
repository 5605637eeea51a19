"""Agenda slots: create, edit, cancel, restore, delete, their speakers; the agenda as the
public page and the editor need it (a fixed number of queries, whatever its size).

Rules (each raises ValidationError with the form field's name):
- a slot ends after it starts ("ends_at"), and lies within the event's dates in the
  event's zone ("starts_at" / "ends_at"); local times that do not exist (the hour skipped
  when clocks go forward) are refused;
- no other scheduled slot uses the same room at the same time ("room_id"); cancelled
  slots block nothing;
- kind, status and speaker roles come from their lists; rooms and speakers belong to the
  slot's event.
Only people who may manage the event change its agenda (PermissionDenied).
``revision`` goes up by one whenever a field of REVISED_FIELDS (time, place, status)
changes; ``uid`` never changes. Reading the agenda for pages is in ``agenda.reading``,
CSV import and export in ``agenda.importing``.
"""
from __future__ import annotations

from datetime import datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from eventsys import inputrules, permissions
from eventsys.agenda import conflicts
from eventsys.agenda.models import (KINDS, REVISED_FIELDS, SLOT_STATUSES, SPEAKER_ROLES, AgendaSlot,
                                    SlotSpeaker)
from eventsys.errors import ValidationError
from eventsys.events.models import Room
from eventsys.extensions import db
from eventsys.speakers.models import Speaker
from eventsys.timeutil import to_local, to_utc, utcnow

FIELDS = ("kind", "title", "description", "starts_at", "ends_at", "room_id", "online_link", "status")
DEFAULTS = {"kind": "other", "description": "", "room_id": None, "online_link": "", "status": "scheduled"}


# --- reading -------------------------------------------------------------------------

def with_details(statement):
    return statement.options(joinedload(AgendaSlot.room),
                             selectinload(AgendaSlot.speaker_links).joinedload(SlotSpeaker.speaker))


def get_slot(event, slot_id: int) -> AgendaSlot | None:
    """The slot with this id if it belongs to ``event`` (else None), room and speakers loaded."""
    statement = with_details(select(AgendaSlot)).where(AgendaSlot.id == slot_id,
                                                        AgendaSlot.event_id == event.id)
    return db.session.scalars(statement).unique().first()


def event_rooms(event) -> list[Room]:
    return list(db.session.scalars(select(Room).where(Room.event_id == event.id)
                                   .order_by(Room.position, Room.name, Room.id)))


def event_speakers(event) -> list[Speaker]:
    return list(db.session.scalars(select(Speaker).where(Speaker.event_id == event.id)
                                   .order_by(Speaker.name, Speaker.id)))


def event_window(event) -> tuple[datetime, datetime]:
    """The event's dates as naive UTC instants: first day 00:00 to the day after the last."""
    return (to_utc(datetime.combine(event.start_date, time.min), event.timezone),
            to_utc(datetime.combine(event.end_date + timedelta(days=1), time.min), event.timezone))


def slot_times(slot: AgendaSlot, key=None) -> conflicts.SlotTimes:
    return conflicts.SlotTimes(key=slot.id if key is None else key, title=slot.title,
                               starts_at=slot.starts_at, ends_at=slot.ends_at, room_id=slot.room_id,
                               cancelled=slot.status != "scheduled",
                               speaker_ids=tuple(link.speaker_id for link in slot.speaker_links))


# --- rules -----------------------------------------------------------------------------

CANNOT_CHANGE = _l("You cannot change the agenda of this event.")


def local_to_utc(event, local, field: str) -> datetime:
    """A wall time in the event's zone to naive UTC; refuses times the clocks skip."""
    if not isinstance(local, datetime):
        raise ValidationError(_l("Enter a date and a time."), field=field)
    utc = to_utc(local, event.timezone)
    if local.tzinfo is None and to_local(utc, event.timezone).replace(tzinfo=None) != local:
        raise ValidationError(_l("%(time)s does not exist in %(zone)s: the clocks go forward that night.",
                                 time=local.strftime("%Y-%m-%d %H:%M"), zone=event.timezone), field=field)
    return utc


def check_values(event, values: dict) -> None:
    """The rules that need no other slot: texts, lists and the event's dates."""
    if values["kind"] not in KINDS:
        raise ValidationError(_l("Choose a kind from the list."), field="kind")
    if not values["title"]:
        raise ValidationError(_l("Enter a title."), field="title")
    inputrules.require_single_line(values["title"], "title")
    if len(values["title"]) > 300:
        raise ValidationError(_l("Use at most 300 characters."), field="title")
    if values["status"] not in SLOT_STATUSES:
        raise ValidationError(_l("Choose a status from the list."), field="status")
    if len(values["online_link"]) > 500:
        raise ValidationError(_l("Use at most 500 characters."), field="online_link")
    inputrules.require_web_address(values["online_link"], "online_link")
    if values["ends_at"] <= values["starts_at"]:
        raise ValidationError(_l("The slot must end after it starts."), field="ends_at")
    first, after_last = event_window(event)
    dates = {"first": event.start_date.isoformat(), "last": event.end_date.isoformat()}
    if not first <= values["starts_at"] < after_last:
        raise ValidationError(_l("The slot must start during the event (%(first)s to %(last)s).", **dates),
                              field="starts_at")
    if values["ends_at"] > after_last:
        raise ValidationError(_l("The slot must end by the end of the event (%(last)s).", **dates),
                              field="ends_at")


def when(event, times: conflicts.SlotTimes) -> str:
    """2030-05-06 09:00–10:30, in the event's zone: for messages."""
    start, end = to_local(times.starts_at, event.timezone), to_local(times.ends_at, event.timezone)
    return f"{start:%Y-%m-%d %H:%M}–{end:%H:%M}"


def room_taken_error(event, room_name: str, other: conflicts.SlotTimes) -> ValidationError:
    return ValidationError(_l("%(room)s is already in use at that time by “%(title)s” (%(when)s).",
                              room=room_name, title=other.title, when=when(event, other)), field="room_id")


def _check_room(event, values: dict, slot_id) -> None:
    room_id = values["room_id"]
    if room_id is None:
        return
    room = db.session.get(Room, room_id) if isinstance(room_id, int) else None
    if room is None or room.event_id != event.id:
        raise ValidationError(_l("Choose a room of this event."), field="room_id")
    candidate = conflicts.SlotTimes(key=slot_id, title=values["title"], starts_at=values["starts_at"],
                                    ends_at=values["ends_at"], room_id=room_id,
                                    cancelled=values["status"] != "scheduled")
    nearby = db.session.scalars(select(AgendaSlot).where(
        AgendaSlot.event_id == event.id, AgendaSlot.room_id == room_id, AgendaSlot.status == "scheduled",
        AgendaSlot.starts_at < values["ends_at"], AgendaSlot.ends_at > values["starts_at"]))
    clash = conflicts.room_clash(candidate, [conflicts.SlotTimes(s.id, s.title, s.starts_at, s.ends_at, s.room_id)
                                             for s in nearby])
    if clash is not None:
        raise room_taken_error(event, room.name, clash)


def _merged(event, values: dict, slot: AgendaSlot | None) -> dict:
    """The slot's values after the change, checked. Times arrive as local wall times."""
    current = {f: getattr(slot, f) for f in FIELDS} if slot is not None else dict(DEFAULTS)
    merged = {**current, **{k: v for k, v in values.items() if k in FIELDS}}
    for key in ("title", "description", "online_link"):
        merged[key] = (merged.get(key) or "").strip()
    for key in ("starts_at", "ends_at"):
        if key in values or slot is None:
            merged[key] = local_to_utc(event, values.get(key), key)
    check_values(event, merged)
    _check_room(event, merged, slot.id if slot is not None else None)
    return merged


def apply_values(slot: AgendaSlot, values: dict) -> bool:
    """Set the fields; bump the revision when time, place or status changed. True if changed."""
    changed = [f for f in FIELDS if f in values and getattr(slot, f) != values[f]]
    for field in changed:
        setattr(slot, field, values[field])
    if slot.id is not None and any(f in REVISED_FIELDS for f in changed):
        slot.revision = (slot.revision or 0) + 1
    if changed:
        slot.updated_at = utcnow()
    return bool(changed)


def resolve_speakers(event, pairs) -> list[tuple[Speaker, str]]:
    """(speaker or speaker id, role) pairs to (Speaker, role), all of this event, each once."""
    ids = [s for s, _role in pairs if not isinstance(s, Speaker)]
    found = {s.id: s for s in db.session.scalars(select(Speaker).where(Speaker.id.in_(ids)))} if ids else {}
    resolved = []
    for speaker, role in pairs:
        speaker = speaker if isinstance(speaker, Speaker) else found.get(speaker)
        if speaker is None or speaker.event_id != event.id:
            raise ValidationError(_l("Choose speakers of this event."), field="speakers")
        if role not in SPEAKER_ROLES:
            raise ValidationError(_l("Choose a role from the list."), field="speakers")
        if any(s.id == speaker.id for s, _r in resolved):
            raise ValidationError(_l("%(name)s is listed twice: list each speaker once.", name=speaker.name),
                                  field="speakers")
        resolved.append((speaker, role))
    return resolved


def apply_speakers(slot: AgendaSlot, resolved: list[tuple[Speaker, str]]) -> bool:
    """Replace the slot's speakers, keeping the rows of those who stay (the pair is unique)."""
    before = [(link.speaker_id, link.role) for link in slot.speaker_links]
    existing = {link.speaker_id: link for link in slot.speaker_links}
    links = []
    for position, (speaker, role) in enumerate(resolved):
        link = existing.get(speaker.id) or SlotSpeaker(speaker=speaker)
        link.role, link.position = role, position
        links.append(link)
    slot.speaker_links = links
    return before != [(s.id, role) for s, role in resolved]


# --- changes -------------------------------------------------------------------------

def create_slot(event, values: dict, actor, speakers=None) -> AgendaSlot:
    """Add a slot (times are local wall times in the event's zone). Raises PermissionDenied
    or ValidationError (see the module's rules)."""
    permissions.require_manager(actor, event, CANNOT_CHANGE)
    merged = _merged(event, values, None)
    resolved = resolve_speakers(event, speakers or [])
    slot = AgendaSlot(event_id=event.id, revision=0, **merged)
    db.session.add(slot)
    apply_speakers(slot, resolved)
    db.session.commit()
    return slot


def update_slot(slot: AgendaSlot, values: dict, actor, speakers=None) -> AgendaSlot:
    """Change the given fields (and the speakers, unless None). The revision goes up when
    time, place or status changes, not for title or description edits."""
    event = slot.event
    permissions.require_manager(actor, event, CANNOT_CHANGE)
    merged = _merged(event, values, slot)
    resolved = resolve_speakers(event, speakers) if speakers is not None else None
    changed = apply_values(slot, merged)
    if resolved is not None and apply_speakers(slot, resolved) and not changed:
        slot.updated_at = utcnow()
    db.session.commit()
    return slot


def set_slot_speakers(slot: AgendaSlot, speakers, actor) -> AgendaSlot:
    """Replace the speakers: [(speaker or id, role)]; speakers of this event, known roles."""
    permissions.require_manager(actor, slot.event, CANNOT_CHANGE)
    if apply_speakers(slot, resolve_speakers(slot.event, speakers)):
        slot.updated_at = utcnow()
    db.session.commit()
    return slot


def cancel_slot(slot: AgendaSlot, actor) -> AgendaSlot:
    """Mark cancelled (it stays on the agenda, marked). Frees its room."""
    return update_slot(slot, {"status": "cancelled"}, actor)


def restore_slot(slot: AgendaSlot, actor) -> AgendaSlot:
    """Schedule a cancelled slot again; refused if its room has been taken meanwhile."""
    return update_slot(slot, {"status": "scheduled"}, actor)


def delete_slot(slot: AgendaSlot, actor) -> None:
    """Remove the slot and its speaker links for good."""
    permissions.require_manager(actor, slot.event, CANNOT_CHANGE)
    db.session.delete(slot)
    db.session.commit()
