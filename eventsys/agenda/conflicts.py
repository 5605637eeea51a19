"""Agenda conflicts as pure functions: plain slot data in, clashes and warnings out.

Two kinds of trouble, treated differently on purpose:
- a room used by two scheduled slots at once is physically impossible, so the service
  refuses it (``room_clash``);
- a speaker in two overlapping slots may be intended (a chair who drops in), so it is only
  a warning on the agenda editor (``speaker_double_bookings``).
Cancelled slots never conflict with anything: they stay on the agenda only as a notice.
No Flask, no database: this module is imported by the services, the CSV import and tests.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class SlotTimes:
    """What conflict checks need to know about a slot. ``key`` identifies it (a slot id,
    or a CSV line for rows not saved yet); times are naive UTC or all in one zone."""
    key: Hashable
    title: str
    starts_at: datetime
    ends_at: datetime
    room_id: Hashable | None = None
    cancelled: bool = False
    speaker_ids: tuple = ()


@dataclass(frozen=True)
class DoubleBooking:
    """One speaker in two overlapping scheduled slots (``first`` starts no later)."""
    speaker_id: Hashable
    first: SlotTimes
    second: SlotTimes


def overlaps(a: SlotTimes, b: SlotTimes) -> bool:
    """Half-open intervals: a slot ending at 10:00 does not overlap one starting at 10:00."""
    return a.starts_at < b.ends_at and b.starts_at < a.ends_at


def _order(slot: SlotTimes) -> tuple:
    return (slot.starts_at, slot.ends_at, str(slot.key))


def room_clash(candidate: SlotTimes, others: Iterable[SlotTimes]) -> SlotTimes | None:
    """The earliest other scheduled slot in the candidate's room that overlaps it, if any.
    A slot without a room (online only) or a cancelled one never clashes."""
    if candidate.room_id is None or candidate.cancelled:
        return None
    clashes = [other for other in others
               if other.key != candidate.key and not other.cancelled
               and other.room_id == candidate.room_id and overlaps(candidate, other)]
    return min(clashes, key=_order, default=None)


def room_clashes(slots: Iterable[SlotTimes]) -> list[tuple[SlotTimes, SlotTimes]]:
    """Every pair (earlier, later) of scheduled slots sharing a room at the same time."""
    by_room: dict = defaultdict(list)
    for slot in slots:
        if slot.room_id is not None and not slot.cancelled:
            by_room[slot.room_id].append(slot)
    return sorted(_overlapping_pairs(by_room.values()), key=lambda p: (_order(p[0]), _order(p[1])))


def speaker_double_bookings(slots: Iterable[SlotTimes]) -> list[DoubleBooking]:
    """Every (speaker, earlier slot, later slot) where the two scheduled slots overlap."""
    by_speaker: dict = defaultdict(list)
    for slot in slots:
        if not slot.cancelled:
            for speaker_id in dict.fromkeys(slot.speaker_ids):
                by_speaker[speaker_id].append(slot)
    found = []
    for speaker_id, own in by_speaker.items():
        found += [DoubleBooking(speaker_id, a, b) for a, b in _overlapping_pairs([own])]
    return sorted(found, key=lambda d: (_order(d.first), _order(d.second), str(d.speaker_id)))


def _overlapping_pairs(groups: Iterable[list[SlotTimes]]) -> list[tuple[SlotTimes, SlotTimes]]:
    """A sweep over each group sorted by start: only slots still running can overlap."""
    pairs = []
    for group in groups:
        running: list[SlotTimes] = []
        for slot in sorted(group, key=_order):
            running = [r for r in running if r.ends_at > slot.starts_at]
            pairs += [(r, slot) for r in running if overlaps(r, slot)]
            running.append(slot)
    return pairs


def outside_window(slots: Iterable[SlotTimes], window_start: datetime,
                   window_end: datetime) -> list[SlotTimes]:
    """Slots that start before or end after the window (e.g. the event's dates), in order."""
    return sorted((s for s in slots if s.starts_at < window_start or s.ends_at > window_end), key=_order)
