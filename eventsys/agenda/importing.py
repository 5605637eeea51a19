"""Agenda import and export as CSV (the columns are ``csvio.COLUMNS``; docs/agenda-csv.md).

The import is all or nothing: every line is checked first (the file itself in ``csvio``,
then the event's rules here: its dates, and rooms free at that time, counting the other
lines of the file), and any problem is reported as "Line N: …" with nothing saved. A row
whose uid names a slot of this event updates it; any other row creates a slot. Rooms and
speakers are matched by exact name within the event and created when missing.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from eventsys.agenda import conflicts, csvio
from eventsys.agenda.models import AgendaSlot, new_uid
from eventsys.agenda.reading import agenda_entries
from eventsys import permissions
from eventsys.agenda.services import (CANNOT_CHANGE, DEFAULTS, apply_speakers, apply_values,
                                      check_values, event_rooms, event_speakers, local_to_utc,
                                      room_taken_error, slot_times, with_details)
from eventsys.errors import ValidationError
from eventsys.events.models import Room
from eventsys.extensions import db
from eventsys.speakers.models import Speaker
from eventsys.timeutil import to_local, utcnow

TEXT_COLUMNS = ("kind", "title", "description", "online_link", "status")


class ImportProblems(ValidationError):
    """Nothing was imported; ``problems`` holds one readable line per problem."""

    def __init__(self, problems: list[str]):
        super().__init__(_l("Nothing was imported: the file has %(n)s problem(s). "
                            "Correct them and upload it again.", n=len(problems)), field="file")
        self.problems = problems


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rooms_created: int = 0
    speakers_created: int = 0


@dataclass
class _Planned:
    row: csvio.CsvRow
    slot: AgendaSlot | None
    values: dict
    room: str
    speakers: list = field(default_factory=list)


def export_agenda(event) -> str:
    """The event's agenda as CSV text, times in the event's zone; import reads it back."""
    rows = []
    for slot in agenda_entries(event):
        start, end = to_local(slot.starts_at, event.timezone), to_local(slot.ends_at, event.timezone)
        rows.append({"uid": slot.uid, "date": start.date().isoformat(), "start": f"{start:%H:%M}",
                     "end": f"{end:%H:%M}", "kind": slot.kind, "title": slot.title, "room": slot.room_name,
                     "description": slot.description, "online_link": slot.online_link, "status": slot.status,
                     "speakers": csvio.format_speakers((s.name, s.role) for s in slot.speakers)})
    return csvio.write_agenda_csv(rows)


def import_agenda(event, data: bytes, actor) -> ImportResult:
    """Check the whole file, then create and update slots in one transaction. Raises
    PermissionDenied, or ImportProblems listing every problem by line."""
    permissions.require_manager(actor, event, CANNOT_CHANGE)
    try:
        rows = csvio.parse_agenda_csv(data)
    except csvio.CsvProblems as exc:
        raise ImportProblems([str(p) for p in exc.problems]) from exc
    existing = {s.uid: s for s in db.session.scalars(
        with_details(select(AgendaSlot)).where(AgendaSlot.event_id == event.id)).unique()}
    planned = _plan(event, rows, existing)
    result = _apply(event, planned, _foreign_uids(event, rows))
    db.session.commit()
    return result


def _foreign_uids(event, rows) -> set[str]:
    """uids of the file that another event's slots use: those rows get a new uid."""
    uids = [r.uid for r in rows if r.uid]
    if not uids:
        return set()
    return set(db.session.scalars(select(AgendaSlot.uid).where(AgendaSlot.uid.in_(uids),
                                                               AgendaSlot.event_id != event.id)))


def _plan(event, rows, existing: dict) -> list[_Planned]:
    planned, problems = [], []
    for row in rows:
        slot = existing.get(row.uid) if row.uid else None
        try:
            planned.append(_planned_row(event, row, slot))
        except ValidationError as exc:
            problems.append(csvio.Problem(row.line, exc.message))
    problems += _room_clashes(event, planned, existing.values())
    if problems:
        raise ImportProblems([str(p) for p in sorted(problems, key=lambda p: p.line)])
    return planned


def _planned_row(event, row: csvio.CsvRow, slot: AgendaSlot | None) -> _Planned:
    current = {f: getattr(slot, f) for f in (*TEXT_COLUMNS, "room_id")} if slot else dict(DEFAULTS)
    values = {**current, **{c: getattr(row, c) for c in TEXT_COLUMNS if c in row.columns or not slot}}
    values["starts_at"] = local_to_utc(event, row.starts_at, "starts_at")
    values["ends_at"] = local_to_utc(event, row.ends_at, "ends_at")
    check_values(event, values)
    room = row.room if "room" in row.columns or not slot else (slot.room.name if slot.room else "")
    speakers = [(s.name, s.role) for s in row.speakers] if "speakers" in row.columns else None
    return _Planned(row, slot, values, room, speakers)


def _room_clashes(event, planned: list[_Planned], existing) -> list[csvio.Problem]:
    """Rooms are compared by name, so rooms the file will create count as well."""
    moved = {p.slot.id for p in planned if p.slot is not None}
    by_room = defaultdict(list)
    for slot in existing:
        if slot.id not in moved and slot.room is not None:
            by_room[slot.room.name].append(replace(slot_times(slot), room_id=slot.room.name))
    lines = {}
    for p in planned:
        if p.room:
            times = conflicts.SlotTimes(("line", p.row.line), p.row.title, p.values["starts_at"],
                                        p.values["ends_at"], p.room, p.values["status"] != "scheduled")
            by_room[p.room].append(times)
            lines[times.key] = times
    problems = []
    for key, times in lines.items():
        clash = conflicts.room_clash(times, by_room[times.room_id])
        if clash is not None:
            message = room_taken_error(event, times.room_id, clash).message
            if clash.key in lines:
                message = _l("%(message)s See line %(line)s.", message=message, line=clash.key[1])
            problems.append(csvio.Problem(key[1], message))
    return problems


def _apply(event, planned: list[_Planned], foreign: set[str]) -> ImportResult:
    result = ImportResult()
    rooms = {r.name: r for r in event_rooms(event)}
    speakers: dict[str, Speaker] = {}
    for speaker in sorted(event_speakers(event), key=lambda s: s.id):
        speakers.setdefault(speaker.name, speaker)
    position = max((r.position for r in rooms.values()), default=0)
    for p in planned:
        if p.room and p.room not in rooms:
            position += 1
            rooms[p.room] = Room(event_id=event.id, name=p.room, position=position)
            db.session.add(rooms[p.room])
            result.rooms_created += 1
        for name, _role in p.speakers or ():
            if name not in speakers:
                speakers[name] = Speaker(event_id=event.id, name=name)
                db.session.add(speakers[name])
                result.speakers_created += 1
    db.session.flush()  # new rooms need their ids before the slots refer to them
    for p in planned:
        p.values["room_id"] = rooms[p.room].id if p.room else None
        resolved = [(speakers[name], role) for name, role in p.speakers] if p.speakers is not None else None
        if p.slot is None:
            uid = p.row.uid if p.row.uid and p.row.uid not in foreign else new_uid()
            slot = AgendaSlot(event_id=event.id, uid=uid, revision=0, **p.values)
            db.session.add(slot)
            apply_speakers(slot, resolved or [])
            result.created += 1
        else:
            changed = apply_values(p.slot, p.values)
            if resolved is not None and apply_speakers(p.slot, resolved):
                p.slot.updated_at, changed = utcnow(), True
            result.updated += changed
            result.unchanged += not changed
    return result
