"""The parallel view of an agenda as a pure function: slots -> days -> blocks -> columns.

A *block* is a run of slots that overlap one another directly or through a chain (a
plenary alone, or the parallel working groups after it); blocks of a day never overlap in
time, so the page can show them one after the other. Inside a block each room gets a
column, in the rooms' own order, and slots without a room come last. Two slots of one
room that overlap (a cancelled slot and its replacement) go into separate columns of that
room, so a column never shows two things at once. No Flask, no database.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True)
class LayoutItem:
    """A slot as the layout sees it. Times are wall times in the display zone (naive, or
    aware in that zone): the day is ``starts_at.date()``. ``room_rank`` orders rooms."""
    key: Hashable
    starts_at: datetime
    ends_at: datetime
    room: Hashable | None = None
    room_rank: tuple = ()
    payload: Any = field(default=None, compare=False, repr=False)


@dataclass
class Column:
    room: Hashable | None
    items: list[LayoutItem]


@dataclass
class Block:
    starts_at: datetime
    ends_at: datetime
    columns: list[Column]

    @property
    def is_parallel(self) -> bool:
        return len(self.columns) > 1

    @property
    def items(self) -> list[LayoutItem]:
        return sorted((i for c in self.columns for i in c.items), key=_order)


@dataclass
class Day:
    date: date
    blocks: list[Block]


def _order(item: LayoutItem) -> tuple:
    return (item.starts_at, item.ends_at, item.room is None, item.room_rank, str(item.key))


def build_layout(items: Iterable[LayoutItem]) -> list[Day]:
    """Days in date order; in each day, blocks in time order; in each block, columns."""
    by_day: dict[date, list[LayoutItem]] = defaultdict(list)
    for item in items:
        by_day[item.starts_at.date()].append(item)
    return [Day(day, [_block(group) for group in _blocks(by_day[day])]) for day in sorted(by_day)]


def _blocks(items: list[LayoutItem]) -> list[list[LayoutItem]]:
    groups: list[list[LayoutItem]] = []
    block_end = None
    for item in sorted(items, key=_order):
        if block_end is None or item.starts_at >= block_end:
            groups.append([])
            block_end = item.ends_at
        groups[-1].append(item)
        block_end = max(block_end, item.ends_at)
    return groups


def _block(items: list[LayoutItem]) -> Block:
    by_room: dict = defaultdict(list)
    for item in items:
        by_room[item.room].append(item)
    rooms = sorted(by_room, key=lambda room: (room is None, by_room[room][0].room_rank, str(room)))
    columns = [Column(room, lane) for room in rooms for lane in _lanes(by_room[room])]
    return Block(min(i.starts_at for i in items), max(i.ends_at for i in items), columns)


def _lanes(items: list[LayoutItem]) -> list[list[LayoutItem]]:
    """Greedy interval partitioning: each item goes into the first lane that is free."""
    lanes: list[list[LayoutItem]] = []
    for item in sorted(items, key=_order):
        for lane in lanes:
            if lane[-1].ends_at <= item.starts_at:
                lane.append(item)
                break
        else:
            lanes.append([item])
    return lanes
