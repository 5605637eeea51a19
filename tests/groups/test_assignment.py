"""The working-group assignment core: proved optimal against an independent MILP, plus the
edge cases of the issue. Objective order under test: placed, then balance excess, then rank
cost (see eventsys/groups/assignment.py)."""
from __future__ import annotations

import random
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import LinearConstraint, milp
from scipy.sparse import lil_matrix

from eventsys.groups.assignment import (
    IN_PERSON, MODES, NO_RANKING, NO_SEATS_IN_MODE, ONLINE, RANKED_GROUPS_FULL,
    RANKED_GROUPS_NO_SEATS_IN_MODE, SEATS_FULL, AssignmentInputError, Group, Options,
    Participant, PoolFill, assign_round, assign_rounds, compare, first_come_first_served,
)

RANKED_ONLY = Options(place_unranked=False)


def seats_of(group, mode):
    """Seats participants may take: the problem statement's own arithmetic."""
    if mode == IN_PERSON:
        return group.in_person_seats - group.reserved_in_person
    return group.online_seats - group.reserved_online


def person(pid, ranking=(), mode=IN_PERSON, category=None, order=None, locked=None):
    order = int(pid[1:]) if order is None else order
    return Participant(pid, mode, category, order, tuple(ranking), locked)


# --- the independent formulation -----------------------------------------------------------

def lexicographic_milp(groups, participants, options):
    """Written from the problem statement alone: x[p, g] = 1 if p sits in g; e[g, m, c] is
    the excess of category c over floor(share * seats) in the mode-m pool of g. Maximise
    sum x, then minimise sum e, then minimise sum cost * x, each stage keeping the optimum
    of the stages before. Returns (placed, balance excess, rank cost)."""
    k = len(groups)
    cost = options.rank_cost
    pairs = [(p, g) for p in participants for g in groups
             if p.locked_group == g.id or (p.locked_group is None and (options.place_unranked or g.id in p.ranking))]
    cats = sorted({p.category for p in participants if p.category is not None})
    balance = options.balance_share is not None
    excess = [(g, m, c) for g in groups for m in MODES for c in cats] if balance else []
    nx, nv = len(pairs), len(pairs) + len(excess)
    rows, lo, hi = [], [], []

    def row(coefs, low, high):
        rows.append(coefs)
        lo.append(low)
        hi.append(high)

    for p in participants:
        row({i: 1 for i, (q, _) in enumerate(pairs) if q is p}, 1 if p.locked_group else 0, 1)
    for g in groups:
        for m in MODES:
            seats = seats_of(g, m)
            row({i: 1 for i, (q, h) in enumerate(pairs) if h is g and q.mode == m}, 0, seats)
            for j, (h, mm, c) in enumerate(excess):
                if h is g and mm == m:
                    within = int(Fraction(str(options.balance_share)) * seats)
                    coefs = {i: 1 for i, (q, hh) in enumerate(pairs) if hh is g and q.mode == m and q.category == c}
                    coefs[nx + j] = -1
                    row(coefs, -np.inf, within)
    weights = np.array([cost(p.ranking.index(g.id) + 1) if g.id in p.ranking else cost(k + 1) for p, g in pairs]
                       + [0] * len(excess), dtype=float)
    placed_obj = np.array([1.0] * nx + [0.0] * len(excess))
    excess_obj = np.array([0.0] * nx + [1.0] * len(excess))

    def solve(objective):
        if nv == 0:
            return 0.0
        a = lil_matrix((len(rows), nv))
        for r, coefs in enumerate(rows):
            for i, v in coefs.items():
                a[r, i] = v
        res = milp(objective, integrality=np.ones(nv), bounds=(0, [1] * nx + [np.inf] * len(excess)),
                   constraints=LinearConstraint(a.tocsr(), lo, hi))
        assert res.success, res.message
        return round(res.fun)

    placed = -solve(-placed_obj)
    row({i: 1 for i in range(nx)}, placed, np.inf)
    over = solve(excess_obj)
    row({nx + j: 1 for j in range(len(excess))}, -np.inf, over)
    return placed, over, solve(weights)


@st.composite
def instances(draw):
    k = draw(st.integers(1, 6))
    groups = []
    for j in range(k):
        ip, on = draw(st.integers(0, 6)), draw(st.sampled_from([0, 0, 1, 2, 3]))
        groups.append(Group(f"g{j}", ip, on, draw(st.integers(0, min(ip, 2))), draw(st.integers(0, min(on, 1)))))
    room = {(g.id, m): seats_of(g, m) for g in groups for m in MODES}
    people = []
    for i in range(draw(st.integers(0, 25))):
        mode = draw(st.sampled_from(MODES))
        ranking = draw(st.permutations([g.id for g in groups]))[:draw(st.integers(0, k))]
        lock = None
        if draw(st.integers(0, 5)) == 0:
            open_groups = [g.id for g in groups if room[g.id, mode] > 0]
            if open_groups:
                lock = draw(st.sampled_from(open_groups))
                room[lock, mode] -= 1
        people.append(Participant(f"p{i:02d}", mode, draw(st.sampled_from(["res", "ngo", "gov", None])),
                                  draw(st.integers(0, 6)), tuple(ranking), lock))
    options = Options(rank_cost=draw(st.sampled_from([lambda r: r * r, lambda r: 2 ** r, lambda r: 3 * r])),
                      balance_share=draw(st.sampled_from([None, 0.34, 0.5, 0.6])),
                      place_unranked=draw(st.booleans()))
    return groups, people, options


def assert_feasible(groups, people, options, result):
    by_id = {g.id: g for g in groups}
    for g in groups:
        for m in MODES:
            taken = sum(1 for p in people if p.mode == m and result.assignment[p.id] == g.id)
            assert taken <= seats_of(g, m)
            assert result.fill[g.id][m] == PoolFill(taken, seats_of(g, m))
    for p in people:
        g = result.assignment[p.id]
        if p.locked_group is not None:
            assert g == p.locked_group
        elif g is not None:
            assert seats_of(by_id[g], p.mode) > 0
            assert options.place_unranked or g in p.ranking
        assert (g is None) == (p.id in result.unassigned)
    assert result.over_capacity == {}


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_objective_equals_independent_milp(instance):
    groups, people, options = instance
    result = assign_round(groups, people, options)
    assert_feasible(groups, people, options, result)
    assert result.objective == lexicographic_milp(groups, people, options)


@settings(max_examples=50, deadline=None)
@given(instances(), st.randoms(use_true_random=False))
def test_same_input_in_any_order_gives_same_result(instance, rnd):
    groups, people, options = instance
    shuffled = list(people)
    rnd.shuffle(shuffled)
    assert assign_round(groups, shuffled, options) == assign_round(groups, people, options)


@settings(max_examples=50, deadline=None)
@given(instances())
def test_optimal_never_worse_than_first_come_first_served(instance):
    groups, people, options = instance
    optimal = assign_round(groups, people, options)
    fcfs = first_come_first_served(groups, people, options)
    assert_feasible(groups, people, options, fcfs)
    assert optimal.sort_key <= fcfs.sort_key
    if options.balance_share is None:
        assert (-optimal.placed, optimal.total_rank_cost) <= (-fcfs.placed, fcfs.total_rank_cost)


# --- edge cases ----------------------------------------------------------------------------

def test_more_participants_than_seats_leaves_the_latest_out_with_reason():
    groups = [Group("A", 2, 0), Group("B", 1, 0)]
    people = [person(f"p{i}", ("A", "B")) for i in range(5)]
    result = assign_round(groups, people)
    assert result.placed == 3
    assert result.unassigned == {"p3": SEATS_FULL, "p4": SEATS_FULL}
    assert result.assignment == {"p0": "A", "p1": "A", "p2": "B", "p3": None, "p4": None}


def test_unassigned_reasons_when_only_ranked_groups_may_be_given():
    groups = [Group("A", 1, 0), Group("B", 0, 0), Group("C", 3, 0)]
    people = [person("p0", ("A",)), person("p1", ("A",)), person("p2", ()), person("p3", ("B",)),
              person("p4", ("A",), mode=ONLINE)]
    result = assign_round(groups, people, RANKED_ONLY)
    assert result.assignment == {"p0": "A", "p1": None, "p2": None, "p3": None, "p4": None}
    assert result.unassigned == {"p1": RANKED_GROUPS_FULL, "p2": NO_RANKING,
                                 "p3": RANKED_GROUPS_NO_SEATS_IN_MODE, "p4": NO_SEATS_IN_MODE}


def test_unranked_groups_take_whoever_ranked_groups_cannot():
    groups = [Group("A", 1, 0), Group("B", 2, 0)]
    result = assign_round(groups, [person("p0", ("A",)), person("p1", ("A",)), person("p2", ())])
    assert result.assignment == {"p0": "A", "p1": "B", "p2": "B"}
    assert result.ranks == {"p0": 1, "p1": None, "p2": None}
    assert (result.unranked_placed, result.total_rank_cost) == (2, 1 + 9 + 9)


def test_group_without_online_seats_never_takes_online_participants():
    groups = [Group("A", 5, 0), Group("B", 1, 1)]
    people = [person(f"p{i}", ("A", "B"), mode=ONLINE) for i in range(3)] + [person("p3", ("A",))]
    result = assign_round(groups, people)
    assert result.assignment == {"p0": "B", "p1": None, "p2": None, "p3": "A"}
    assert result.unassigned == {"p1": SEATS_FULL, "p2": SEATS_FULL}
    assert result.fill["A"] == {IN_PERSON: PoolFill(1, 5), ONLINE: PoolFill(0, 0)}


def test_everyone_ranking_the_same_group_first_fills_it_with_the_earliest():
    groups = [Group("A", 3, 0), Group("B", 10, 0), Group("C", 10, 0)]
    people = [person(f"p{i}", ("A", "B" if i % 2 else "C", "B" if i % 2 == 0 else "C"), order=10 - i)
              for i in range(8)]
    result = assign_round(groups, people)
    assert [p for p, g in result.assignment.items() if g == "A"] == ["p7", "p6", "p5"]
    assert result.rank_histogram == {1: 3, 2: 5}
    assert result.fill["A"][IN_PERSON] == PoolFill(3, 3)
    assert (result.share_first_choice, result.share_top3) == (3 / 8, 1.0)


def test_registration_order_ties_are_broken_by_id():
    groups = [Group("A", 1, 0), Group("B", 1, 0)]
    people = [person("p2", ("A", "B"), order=0), person("p1", ("A", "B"), order=0)]
    assert assign_round(groups, people).assignment == {"p1": "A", "p2": "B"}


def test_reserved_seats_of_moderators_reduce_capacity():
    groups = [Group("A", 3, 2, reserved_in_person=2, reserved_online=1), Group("B", 5, 5)]
    people = [person(f"p{i}", ("A", "B"), mode=IN_PERSON if i < 3 else ONLINE) for i in range(6)]
    result = assign_round(groups, people)
    assert result.assignment == {"p0": "A", "p1": "B", "p2": "B", "p3": "A", "p4": "B", "p5": "B"}
    assert result.fill["A"] == {IN_PERSON: PoolFill(1, 1), ONLINE: PoolFill(1, 1)}


def test_two_second_choices_beat_a_first_and_a_third():
    # A and B have one seat each. Either p0 gets A (1st) and p1 gets B (its 3rd, after
    # the seatless X), or both get their 2nd choice: 1 + 9 = 10 > 4 + 4 = 8 with r**2,
    # while a linear cost would tie (1 + 3 = 2 + 2) and pick the earliest registrant's 1st.
    groups = [Group("A", 1, 0), Group("B", 1, 0), Group("X", 0, 0)]
    people = [person("p0", ("A", "B")), person("p1", ("X", "A", "B"))]
    squared = assign_round(groups, people, RANKED_ONLY)
    assert squared.assignment == {"p0": "B", "p1": "A"}
    assert (squared.rank_histogram, squared.total_rank_cost) == ({2: 2}, 8)
    linear = assign_round(groups, people, Options(rank_cost=lambda r: r, place_unranked=False))
    assert linear.assignment == {"p0": "A", "p1": "B"}
    assert (linear.rank_histogram, linear.total_rank_cost) == ({1: 1, 3: 1}, 4)


def test_placement_precedes_rank_cost():
    groups = [Group("A", 1, 0), Group("B", 1, 0)]
    people = [person("p0", ("A", "B")), person("p1", ("A",))]
    result = assign_round(groups, people, RANKED_ONLY)
    assert result.assignment == {"p0": "B", "p1": "A"}
    assert result.objective == (2, 0, 5)


def test_balance_precedes_rank_cost():
    groups = [Group("A", 2, 0), Group("B", 2, 0)]
    people = [person("p0", ("A", "B"), category="res"), person("p1", ("A", "B"), category="res"),
              person("p2", ("B", "A"), category="ngo"), person("p3", ("B", "A"), category="ngo")]
    unbalanced = assign_round(groups, people)
    assert unbalanced.objective == (4, 0, 4)
    balanced = assign_round(groups, people, Options(balance_share=0.5))
    assert balanced.assignment == {"p0": "A", "p1": "B", "p2": "B", "p3": "A"}
    assert balanced.objective == (4, 0, 10)
    assert balanced.category_mix == {"A": {"ngo": 1, "res": 1}, "B": {"ngo": 1, "res": 1}}
    # the same assignment without balancing would have an excess of 2
    assert first_come_first_served(groups, people, Options(balance_share=0.5)).balance_excess == 2


def test_balance_precedes_rank_cost_even_through_a_long_chain():
    # A holds 2 researchers (cap 1). The only fix is a chain of four moves, each from a 1st
    # to a 4th choice (E and F have no seats): +15 * 4 = 60 in rank cost, more than an
    # unranked placement (7**2 = 49), for one seat of excess. Balance still wins.
    groups = [Group(g, 2 if g in "ABCD" else 0, 0) for g in "ABCDEF"]
    people = [person("p0", "A", category="res"), person("p1", "AEFD", category="res"),
              person("p2", "B"), person("p3", "BEFA"), person("p4", "C"), person("p5", "CEFB"),
              person("p6", "D"), person("p7", "DEFC")]
    result = assign_round(groups, people, Options(balance_share=0.5, place_unranked=False))
    assert result.assignment == {"p0": "A", "p1": "D", "p2": "B", "p3": "A", "p4": "C", "p5": "B",
                                 "p6": "D", "p7": "C"}
    assert result.objective == (8, 0, 4 * 1 + 4 * 16)
    assert assign_round(groups, people, RANKED_ONLY).objective == (8, 0, 8)


def test_balance_is_relaxed_where_infeasible_and_never_leaves_anyone_out():
    groups = [Group("A", 2, 0), Group("B", 3, 0)]
    people = [person(f"p{i}", ("A", "B"), category="res") for i in range(4)] + [person("p4", ("B",), category="ngo")]
    result = assign_round(groups, people, Options(balance_share=0.4))
    # caps: floor(0.4 * 2) = 0 in A, floor(0.4 * 3) = 1 in B; 4 researchers must sit
    assert result.placed == 5 and result.unassigned == {}
    assert result.balance_excess == 2 + 1
    assert result.assignment == {"p0": "A", "p1": "A", "p2": "B", "p3": "B", "p4": "B"}


def test_balance_cap_holds_per_mode_pool():
    groups = [Group("A", 5, 5), Group("B", 5, 5)]
    people = [person(f"p{i}", ("A", "B"), mode=MODES[i % 2], category="res" if i < 6 else "ngo")
              for i in range(10)]
    result = assign_round(groups, people, Options(balance_share=0.4))
    assert result.balance_excess == 0
    for g in ("A", "B"):
        for m in MODES:
            res = sum(1 for p in people if p.mode == m and p.category == "res" and result.assignment[p.id] == g)
            assert res <= 2


def test_locked_participants_never_move():
    groups = [Group("A", 2, 0), Group("B", 2, 0)]
    people = [person("p0", ("A",)), person("p1", ("A",)), person("p2", ("A",), locked="B"),
              person("p3", ("B",), locked="A")]
    result = assign_round(groups, people)
    assert result.assignment == {"p0": "A", "p1": "B", "p2": "B", "p3": "A"}
    assert result.ranks == {"p0": 1, "p1": None, "p2": None, "p3": None}


def test_locks_beyond_reduced_seats_stay_and_are_reported():
    groups = [Group("A", 1, 0), Group("B", 3, 0)]
    people = [person("p0", ("A",), locked="A"), person("p1", ("A",), locked="A"), person("p2", ("A",))]
    result = assign_round(groups, people)
    assert result.assignment == {"p0": "A", "p1": "A", "p2": "B"}
    assert result.over_capacity == {("A", IN_PERSON): 1}


def test_first_come_first_served_gives_each_their_best_free_group_in_order():
    groups = [Group("A", 1, 1), Group("B", 1, 0), Group("C", 2, 0)]
    people = [person("p0", ("A", "B")), person("p1", ("A", "B")), person("p2", ("A", "B")),
              person("p3", ("B",), mode=ONLINE), person("p4", ("B", "C"), order=-1)]
    result = first_come_first_served(groups, people, RANKED_ONLY)
    assert result.assignment == {"p4": "B", "p0": "A", "p1": None, "p2": None, "p3": None}
    assert result.unassigned == {"p1": RANKED_GROUPS_FULL, "p2": RANKED_GROUPS_FULL,
                                 "p3": RANKED_GROUPS_NO_SEATS_IN_MODE}
    fallback = first_come_first_served(groups, people)
    assert fallback.assignment == {"p4": "B", "p0": "A", "p1": "C", "p2": "C", "p3": "A"}
    optimal = assign_round(groups, people)
    assert compare(optimal, fallback) == {
        "placed": (5, 5), "unassigned": (0, 0), "unranked_placed": (2, 3),
        "total_rank_cost": (1 + 4 + 16 + 4 + 16, 1 + 1 + 16 + 16 + 16), "balance_excess": (0, 0),
        "share_first_choice": (0.2, 0.4), "share_top3": (0.6, 0.4)}


def test_rounds_are_solved_independently():
    round_one = ([Group("A", 1, 0), Group("B", 1, 0)], [person("p0", ("A",)), person("p1", ("A", "B"))])
    round_two = ([Group("C", 1, 0), Group("D", 1, 0)], [person("p0", ("D", "C")), person("p1", ("D",))])
    first, second = assign_rounds([round_one, round_two], RANKED_ONLY)
    assert first.assignment == {"p0": "A", "p1": "B"}
    assert second.assignment == {"p0": "C", "p1": "D"}


def test_empty_round():
    result = assign_round([Group("A", 2, 2)], [])
    assert (result.placed, result.share_first_choice, result.assignment) == (0, 0.0, {})


@pytest.mark.parametrize("build", [
    lambda: assign_round([Group("A", 1, 0), Group("A", 1, 0)], []),
    lambda: assign_round([Group("A", 1, 0)], [person("p0"), person("p0")]),
    lambda: assign_round([Group("A", 1, 0)], [person("p0", ("Z",))]),
    lambda: assign_round([Group("A", 1, 0)], [person("p0", locked="Z")]),
    lambda: Group("A", 1, 0, reserved_in_person=2),
    lambda: person("p0", ("A", "A")),
    lambda: Participant("p0", "hybrid"),
    lambda: Options(balance_share=0),
    lambda: assign_round([Group("A", 1, 0)], [person("p0")], Options(rank_cost=lambda r: 5)),
])
def test_inconsistent_input_is_refused(build):
    with pytest.raises(AssignmentInputError):
        build()


def test_large_round_is_exact_and_deterministic():
    rng = random.Random(7)
    groups = [Group(f"g{j}", rng.randint(10, 60), rng.randint(0, 20), 1, 0) for j in range(12)]
    ids = [g.id for g in groups]
    people = [Participant(i, rng.choice(MODES), rng.choice(["a", "b", "c", None]), rng.randint(0, 99),
                          tuple(rng.sample(ids, 4))) for i in range(600)]
    options = Options(balance_share=0.4)
    result = assign_round(groups, people, options)
    assert_feasible(groups, people, options, result)
    assert assign_round(groups, list(reversed(people)), options) == result
    assert result.sort_key <= first_come_first_served(groups, people, options).sort_key
