"""The parallel layout: days -> blocks of overlapping slots -> columns by room."""
from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from eventsys.agenda.layout import LayoutItem, build_layout

DAY = datetime(2030, 5, 6)
RANK = {"A": (0, "A"), "B": (1, "B"), "C": (2, "C"), None: ()}


def item(key, start: str, end: str, room=None, day: int = 0):
    def at(text):
        hours, minutes = map(int, text.split(":"))
        return DAY + timedelta(days=day, hours=hours, minutes=minutes)
    return LayoutItem(key=key, starts_at=at(start), ends_at=at(end), room=room, room_rank=RANK[room])


def shape(days):
    """[(date, [[[keys of a column] for each column] for each block])] for exact asserts."""
    return [(d.date.isoformat(), [[[i.key for i in c.items] for c in b.columns] for b in d.blocks])
            for d in days]


def test_build_layout_empty_agenda_has_no_days():
    assert build_layout([]) == []


def test_build_layout_plenary_then_parallel_tracks_by_room_order():
    items = [item("wg-c", "10:00", "11:00", "C"), item("opening", "09:00", "10:00", "A"),
             item("wg-a", "10:00", "11:00", "A"), item("wg-b", "10:00", "11:30", "B")]
    days = build_layout(items)
    assert shape(days) == [("2030-05-06", [[["opening"]], [["wg-a"], ["wg-b"], ["wg-c"]]])]
    assert [b.is_parallel for b in days[0].blocks] == [False, True]
    assert days[0].blocks[1].starts_at == DAY + timedelta(hours=10)
    assert days[0].blocks[1].ends_at == DAY + timedelta(hours=11, minutes=30)
    assert [c.room for c in days[0].blocks[1].columns] == ["A", "B", "C"]


def test_build_layout_chained_overlaps_form_one_block():
    items = [item(1, "09:00", "10:00", "A"), item(2, "09:30", "11:00", "B"), item(3, "10:30", "12:00", "A")]
    assert shape(build_layout(items)) == [("2030-05-06", [[[1, 3], [2]]])]


def test_build_layout_touching_slots_are_separate_blocks():
    items = [item(1, "09:00", "10:00", "A"), item(2, "10:00", "11:00", "B")]
    assert shape(build_layout(items)) == [("2030-05-06", [[[1]], [[2]]])]


def test_build_layout_overlap_in_one_room_gets_a_second_column():
    cancelled, replacement = item("old", "09:00", "10:00", "A"), item("new", "09:00", "10:00", "A")
    days = build_layout([replacement, cancelled])
    assert shape(days) == [("2030-05-06", [[["new"], ["old"]]])]
    assert [c.room for c in days[0].blocks[0].columns] == ["A", "A"]


def test_build_layout_slots_without_room_come_last():
    items = [item("online", "09:00", "10:00", None), item("b", "09:00", "10:00", "B")]
    assert shape(build_layout(items)) == [("2030-05-06", [[["b"], ["online"]]])]


def test_build_layout_days_follow_the_local_start_date():
    items = [item("day2", "09:00", "10:00", "A", day=1), item("late", "23:00", "23:59", "A"),
             item("day1", "09:00", "10:00", "A")]
    assert shape(build_layout(items)) == [("2030-05-06", [[["day1"]], [["late"]]]),
                                          ("2030-05-07", [[["day2"]]])]


# --- properties --------------------------------------------------------------------------

items_strategy = st.lists(
    st.tuples(st.integers(0, 3 * 24 * 4 - 1), st.integers(1, 16), st.sampled_from([None, "A", "B", "C"])),
    max_size=40)


def _items(raw):
    return [LayoutItem(key=n, starts_at=DAY + timedelta(minutes=15 * start),
                       ends_at=DAY + timedelta(minutes=15 * (start + length)), room=room, room_rank=RANK[room])
            for n, (start, length, room) in enumerate(raw)]


@settings(max_examples=200, deadline=None)
@given(items_strategy)
def test_build_layout_every_slot_appears_exactly_once(raw):
    items = _items(raw)
    placed = [i.key for d in build_layout(items) for b in d.blocks for c in b.columns for i in c.items]
    assert sorted(placed) == sorted(i.key for i in items)


@settings(max_examples=200, deadline=None)
@given(items_strategy)
def test_build_layout_columns_never_overlap_in_time_and_hold_one_room(raw):
    for day in build_layout(_items(raw)):
        for block in day.blocks:
            for column in block.columns:
                assert {i.room for i in column.items} == {column.room}
                for earlier, later in zip(column.items, column.items[1:]):
                    assert earlier.ends_at <= later.starts_at


@settings(max_examples=200, deadline=None)
@given(items_strategy)
def test_build_layout_blocks_are_ordered_disjoint_and_cover_their_slots(raw):
    days = build_layout(_items(raw))
    assert [d.date for d in days] == sorted({d.date for d in days})
    for day in days:
        for block in day.blocks:
            assert all(block.starts_at <= i.starts_at and i.ends_at <= block.ends_at for i in block.items)
            assert all(i.starts_at.date() == day.date for i in block.items)
        for earlier, later in zip(day.blocks, day.blocks[1:]):
            assert earlier.ends_at <= later.starts_at
