"""Conflicts of a participant's working groups with the other slots they hold: a pure
function over plain data (no Flask, no database).

A *holding* is something that takes a participant's time: their group in a round (assigned,
waiting, or their first choice while ranking) or a slot they speak in. A candidate group
conflicts with a holding when one of its slots overlaps one of the holding's, unless it is
the same slot (a moderator listed as a speaker of the very slot their group meets in) or
the holding belongs to the candidate's own round (choosing the candidate replaces it).
Overlap is half-open and cancelled slots never conflict, as in ``agenda.conflicts``.
"""
from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass

from eventsys.agenda.conflicts import SlotTimes, overlaps


@dataclass(frozen=True)
class Holding:
    key: Hashable                 # ("group", id) or ("slot", id)
    label: str
    slots: tuple[SlotTimes, ...]
    round_id: Hashable | None = None


@dataclass(frozen=True)
class Clash:
    holding: Holding              # what the candidate runs into
    slot: SlotTimes               # the candidate's slot
    other: SlotTimes              # the holding's slot


def conflicts_for(candidate: Holding, held: Iterable[Holding]) -> list[Clash]:
    """Every (holding, candidate slot, holding slot) that overlap, in time order."""
    found = []
    for holding in held:
        if holding.key == candidate.key or (candidate.round_id is not None and holding.round_id == candidate.round_id):
            continue
        for slot in candidate.slots:
            for other in holding.slots:
                if slot.key != other.key and not slot.cancelled and not other.cancelled and overlaps(slot, other):
                    found.append(Clash(holding, slot, other))
    return sorted(found, key=lambda c: (c.slot.starts_at, c.other.starts_at, str(c.holding.key)))


def clashes(held: list[Holding]) -> list[tuple[Holding, Clash]]:
    """Conflicts among the holdings themselves, each pair once (the earlier holding first)."""
    pairs = []
    for i, holding in enumerate(held):
        pairs += [(holding, clash) for clash in conflicts_for(holding, held[i + 1:])]
    return pairs
