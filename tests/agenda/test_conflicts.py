"""The pure conflict rules: room clashes (refused by the service) and speaker
double-bookings (warnings on the editor)."""
from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from eventsys.agenda.conflicts import (DoubleBooking, SlotTimes, outside_window, overlaps, room_clash,
                                       room_clashes, speaker_double_bookings)

BASE = datetime(2030, 5, 6, 7, 0)


def slot(key, start_min, end_min, room=None, cancelled=False, speakers=(), title=None):
    return SlotTimes(key=key, title=title or f"Slot {key}", starts_at=BASE + timedelta(minutes=start_min),
                     ends_at=BASE + timedelta(minutes=end_min), room_id=room, cancelled=cancelled,
                     speaker_ids=tuple(speakers))


def test_overlaps_touching_slots_do_not_overlap():
    assert overlaps(slot(1, 0, 60), slot(2, 60, 120)) is False
    assert overlaps(slot(1, 0, 61), slot(2, 60, 120)) is True
    assert overlaps(slot(1, 0, 120), slot(2, 30, 60)) is True


def test_room_clash_same_room_overlapping_is_found():
    other = slot(2, 30, 90, room=7)
    assert room_clash(slot(1, 0, 60, room=7), [other]) == other


def test_room_clash_other_room_or_no_room_is_none():
    assert room_clash(slot(1, 0, 60, room=7), [slot(2, 0, 60, room=8)]) is None
    assert room_clash(slot(1, 0, 60, room=None), [slot(2, 0, 60, room=None)]) is None


def test_room_clash_cancelled_slots_do_not_block():
    assert room_clash(slot(1, 0, 60, room=7), [slot(2, 0, 60, room=7, cancelled=True)]) is None
    assert room_clash(slot(1, 0, 60, room=7, cancelled=True), [slot(2, 0, 60, room=7)]) is None


def test_room_clash_ignores_the_slot_itself():
    assert room_clash(slot(1, 0, 60, room=7), [slot(1, 0, 60, room=7)]) is None


def test_room_clash_returns_the_earliest_clash():
    later, earlier = slot(3, 50, 100, room=7), slot(2, 10, 40, room=7)
    assert room_clash(slot(1, 0, 60, room=7), [later, earlier]) == earlier


def test_room_clashes_lists_each_pair_once():
    a, b, c = slot(1, 0, 60, room=7), slot(2, 30, 90, room=7), slot(3, 0, 60, room=8)
    assert room_clashes([b, c, a]) == [(a, b)]


def test_speaker_double_bookings_reports_overlapping_pair():
    a, b = slot(1, 0, 60, speakers=[5]), slot(2, 30, 90, speakers=[5, 6])
    assert speaker_double_bookings([b, a]) == [DoubleBooking(5, a, b)]


def test_speaker_double_bookings_ignores_cancelled_and_touching_slots():
    a = slot(1, 0, 60, speakers=[5])
    assert speaker_double_bookings([a, slot(2, 30, 90, speakers=[5], cancelled=True)]) == []
    assert speaker_double_bookings([a, slot(3, 60, 90, speakers=[5])]) == []


def test_speaker_double_bookings_three_slots_give_three_pairs():
    a, b, c = slot(1, 0, 120, speakers=[5]), slot(2, 10, 50, speakers=[5]), slot(3, 40, 80, speakers=[5])
    assert speaker_double_bookings([a, b, c]) == [DoubleBooking(5, a, b), DoubleBooking(5, a, c),
                                                  DoubleBooking(5, b, c)]


def test_speaker_double_bookings_speaker_listed_twice_in_one_slot_is_not_a_clash():
    assert speaker_double_bookings([slot(1, 0, 60, speakers=[5, 5])]) == []


def test_outside_window_lists_slots_starting_early_or_ending_late():
    early, inside, late = slot(1, -30, 30), slot(2, 0, 60), slot(3, 100, 200)
    window_end = BASE + timedelta(minutes=120)
    assert outside_window([late, inside, early], BASE, window_end) == [early, late]


# --- properties --------------------------------------------------------------------------

slots_strategy = st.lists(
    st.builds(lambda start, length, room, cancelled, speakers: (start, start + length, room, cancelled, speakers),
              st.integers(0, 600), st.integers(1, 180), st.sampled_from([None, 1, 2, 3]), st.booleans(),
              st.lists(st.integers(1, 4), max_size=3)),
    max_size=25)


def _slots(raw):
    return [slot(i, start, end, room, cancelled, speakers) for i, (start, end, room, cancelled, speakers)
            in enumerate(raw)]


@settings(max_examples=150, deadline=None)
@given(slots_strategy)
def test_speaker_double_bookings_match_brute_force(raw):
    slots = _slots(raw)
    expected = {(sp, a.key, b.key) for a in slots for b in slots if a.key != b.key
                and not a.cancelled and not b.cancelled and overlaps(a, b)
                for sp in set(a.speaker_ids) & set(b.speaker_ids)
                if (a.starts_at, a.ends_at, str(a.key)) < (b.starts_at, b.ends_at, str(b.key))}
    found = [(d.speaker_id, d.first.key, d.second.key) for d in speaker_double_bookings(slots)]
    assert sorted(found, key=str) == sorted(expected, key=str)
    assert len(found) == len(set(found))


@settings(max_examples=150, deadline=None)
@given(slots_strategy)
def test_room_clash_agrees_with_room_clashes(raw):
    slots = _slots(raw)
    in_pairs = {s.key for pair in room_clashes(slots) for s in pair}
    assert {s.key for s in slots if room_clash(s, slots) is not None} == in_pairs
