"""The agenda as pages and exports read it: plain values in two queries, whatever the size.

Loading hundreds of ORM objects with their speaker collections costs more than rendering
the whole page, so read-only views get frozen dataclasses built from two plain SELECTs
(slots with their room; speaker links with their speaker). tests/agenda/
test_query_counts.py holds the public agenda to a fixed number of queries.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from itertools import groupby

from sqlalchemy import select

from eventsys.agenda import conflicts
from eventsys.agenda.layout import Day, LayoutItem, build_layout
from eventsys.agenda.models import AgendaSlot, SlotSpeaker
from eventsys.agenda.services import event_window
from eventsys.events.models import Room
from eventsys.extensions import db
from eventsys.speakers.models import Speaker, is_public_speaker
from eventsys.timeutil import to_local


@dataclass(frozen=True)
class SpeakerEntry:
    id: int
    name: str
    organisation: str
    role: str


@dataclass(frozen=True)
class SlotEntry:
    """A slot with its room's name and its speakers, as plain values (times naive UTC)."""
    id: int
    uid: str
    kind: str
    title: str
    description: str
    starts_at: datetime
    ends_at: datetime
    room_id: int | None
    room_name: str
    room_position: int
    online_link: str
    status: str
    revision: int
    speakers: tuple[SpeakerEntry, ...] = ()

    @property
    def is_cancelled(self) -> bool:
        return self.status == "cancelled"

    def times(self) -> conflicts.SlotTimes:
        return conflicts.SlotTimes(key=self.id, title=self.title, starts_at=self.starts_at,
                                   ends_at=self.ends_at, room_id=self.room_id,
                                   cancelled=self.status != "scheduled",
                                   speaker_ids=tuple(s.id for s in self.speakers))


def agenda_entries(event, public: bool = False) -> list[SlotEntry]:
    """Every slot of the event in time order, with room and speakers (only public
    speakers when ``public``): two queries."""
    slots = db.session.execute(
        select(AgendaSlot.id, AgendaSlot.uid, AgendaSlot.kind, AgendaSlot.title, AgendaSlot.description,
               AgendaSlot.starts_at, AgendaSlot.ends_at, AgendaSlot.room_id, Room.name, Room.position,
               AgendaSlot.online_link, AgendaSlot.status, AgendaSlot.revision)
        .outerjoin(Room, Room.id == AgendaSlot.room_id).where(AgendaSlot.event_id == event.id)
        .order_by(AgendaSlot.starts_at, AgendaSlot.ends_at, AgendaSlot.id)).all()
    links = db.session.execute(
        select(SlotSpeaker.slot_id, Speaker.id, Speaker.name, Speaker.organisation, SlotSpeaker.role)
        .join(Speaker, Speaker.id == SlotSpeaker.speaker_id)
        .join(AgendaSlot, AgendaSlot.id == SlotSpeaker.slot_id)
        .where(AgendaSlot.event_id == event.id, *([is_public_speaker()] if public else []))
        .order_by(SlotSpeaker.slot_id, SlotSpeaker.position, SlotSpeaker.id)).all()
    speakers = defaultdict(list)
    for slot_id, speaker_id, name, organisation, role in links:
        speakers[slot_id].append(SpeakerEntry(speaker_id, name, organisation or "", role))
    return [SlotEntry(id=r[0], uid=r[1], kind=r[2], title=r[3], description=r[4] or "", starts_at=r[5],
                      ends_at=r[6], room_id=r[7], room_name=r[8] or "", room_position=r[9] or 0,
                      online_link=r[10] or "", status=r[11], revision=r[12],
                      speakers=tuple(speakers.get(r[0], ()))) for r in slots]


def agenda_days(entries: list[SlotEntry], tz: str) -> list[Day]:
    """The parallel view: days, blocks of overlapping slots, columns by room, in zone ``tz``."""
    return build_layout(LayoutItem(key=e.id, starts_at=to_local(e.starts_at, tz), ends_at=to_local(e.ends_at, tz),
                                   room=e.room_id, room_rank=(e.room_position, e.room_name), payload=e)
                        for e in entries)


@dataclass(frozen=True)
class SpeakerWarning:
    speaker: SpeakerEntry
    first: SlotEntry
    second: SlotEntry


@dataclass
class EditorView:
    days: list[tuple[date, list[SlotEntry]]]
    double_bookings: list[SpeakerWarning]
    outside: list[SlotEntry]


def agenda_editor(event) -> EditorView:
    """Slots by day (event zone), speakers in two overlapping slots, slots outside the dates."""
    entries = agenda_entries(event)
    by_id = {e.id: e for e in entries}
    speakers = {s.id: s for e in entries for s in e.speakers}
    times = [e.times() for e in entries]
    warnings = [SpeakerWarning(speakers[w.speaker_id], by_id[w.first.key], by_id[w.second.key])
                for w in conflicts.speaker_double_bookings(times)]
    outside = [by_id[t.key] for t in conflicts.outside_window(times, *event_window(event))]
    days = [(day, list(group)) for day, group in
            groupby(entries, key=lambda e: to_local(e.starts_at, event.timezone).date())]
    return EditorView(days, warnings, outside)
