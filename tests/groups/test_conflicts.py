"""Conflicts of a participant's groups with the other slots they hold (pure functions)."""
from __future__ import annotations

from datetime import datetime

from eventsys.agenda.conflicts import SlotTimes
from eventsys.groups.conflicts import Clash, Holding, clashes, conflicts_for


def slot(key, start_hour, end_hour, cancelled=False):
    return SlotTimes(key=key, title=f"slot {key}", starts_at=datetime(2031, 3, 3, start_hour),
                     ends_at=datetime(2031, 3, 3, end_hour), cancelled=cancelled)


WG1, WG2, TALK = slot(1, 13, 15), slot(2, 16, 17), slot(9, 14, 15)


def test_a_group_overlapping_a_talk_conflicts():
    group = Holding(("group", 10), "Ethics", (WG1,), round_id=1)
    talk = Holding(("slot", 9), "Data panel", (TALK,))
    assert conflicts_for(group, [talk]) == [Clash(talk, WG1, TALK)]


def test_back_to_back_slots_do_not_conflict():
    group = Holding(("group", 10), "Ethics", (slot(1, 13, 14),), round_id=1)
    assert conflicts_for(group, [Holding(("slot", 9), "Talk", (slot(9, 14, 15),))]) == []


def test_the_same_round_and_the_same_slot_never_conflict():
    ethics = Holding(("group", 10), "Ethics", (WG1,), round_id=1)
    markets = Holding(("group", 11), "Markets", (WG1,), round_id=1)   # choosing it replaces Ethics
    moderating = Holding(("slot", 1), "Round 1", (WG1,))              # the very slot the group meets in
    assert conflicts_for(markets, [ethics, moderating]) == []


def test_cancelled_slots_never_conflict():
    group = Holding(("group", 10), "Ethics", (WG1,), round_id=1)
    assert conflicts_for(group, [Holding(("slot", 9), "Talk", (slot(9, 14, 15, cancelled=True),))]) == []


def test_clashes_among_holdings_are_listed_once_in_order():
    ethics = Holding(("group", 10), "Ethics", (WG1, WG2), round_id=1)
    later = Holding(("group", 20), "Posters", (slot(3, 16, 18),), round_id=2)
    talk = Holding(("slot", 9), "Data panel", (TALK,))
    assert clashes([ethics, later, talk]) == [
        (ethics, Clash(talk, WG1, TALK)),
        (ethics, Clash(later, WG2, later.slots[0])),
    ]
