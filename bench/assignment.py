"""Benchmark of the working-group assignment core (eventsys/groups/assignment.py).

10,000 participants (2/3 in person, 1/3 online; 7 stakeholder categories, 40% researchers),
2 rounds of 25 groups, 5 distinct ranked groups each drawn with a popularity skew (some
groups are oversubscribed), seats ~5% above demand in each mode, two reserved seats
(moderator, rapporteur) per group, 3 groups per round without online seats, balancing on
(share 0.4). Time: wall clock of assign_rounds for both rounds, median of 5 runs after a
warm-up. Seeded, so every run solves the same instance.
"""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from eventsys.groups.assignment import (  # noqa: E402
    IN_PERSON, ONLINE, Group, Options, Participant, assign_round, assign_rounds, first_come_first_served,
)

PARTICIPANTS, ROUNDS, GROUPS, RANKS = 10_000, 2, 25, 5
CATEGORIES = {"researchers": 0.40, "industry": 0.15, "ngos": 0.12, "government": 0.10,
              "students": 0.10, "funders": 0.07, "press": 0.06}
SLACK, SHARE, RUNS, TARGET = 1.05, 0.4, 5, 1.0


def split(total: int, parts: int, rng: np.random.Generator) -> np.ndarray:
    """`total` seats over `parts` groups, unevenly (sizes vary about +-40%)."""
    weights = rng.uniform(0.6, 1.4, parts)
    seats = np.floor(total * weights / weights.sum()).astype(int)
    seats[: total - seats.sum()] += 1
    return seats


def make_round(number: int, modes: list[str], categories: list[str], rng) -> tuple:
    ids = [f"r{number}g{j:02d}" for j in range(GROUPS)]
    demand = {m: modes.count(m) for m in (IN_PERSON, ONLINE)}
    in_person = split(round(demand[IN_PERSON] * SLACK), GROUPS, rng) + 2
    online = np.zeros(GROUPS, dtype=int)
    hybrid = rng.permutation(GROUPS)[3:]
    online[hybrid] = split(round(demand[ONLINE] * SLACK), len(hybrid), rng)
    groups = [Group(ids[j], int(in_person[j]), int(online[j]), reserved_in_person=2) for j in range(GROUPS)]
    popularity = np.log(rng.permutation(1.0 / np.arange(1, GROUPS + 1) ** 0.8))
    keys = popularity + rng.gumbel(size=(PARTICIPANTS, GROUPS))   # Gumbel top-k: weighted, distinct
    rankings = np.argsort(-keys, axis=1)[:, :RANKS]
    people = [Participant(i, modes[i], categories[i], i, tuple(ids[j] for j in rankings[i]))
              for i in range(PARTICIPANTS)]
    return groups, people


def make_instance(seed: int = 20240601) -> list[tuple]:
    rng = np.random.default_rng(seed)
    modes = rng.choice([IN_PERSON, ONLINE], size=PARTICIPANTS, p=[2 / 3, 1 / 3]).tolist()
    categories = rng.choice(list(CATEGORIES), size=PARTICIPANTS, p=list(CATEGORIES.values())).tolist()
    return [make_round(r + 1, modes, categories, rng) for r in range(ROUNDS)]


def median_seconds(call, runs: int = RUNS) -> tuple[float, float]:
    """Median wall-clock and CPU seconds of `runs` calls after a warm-up (the CPU time shows
    what the wall clock would be on an idle machine when others share it)."""
    call()
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        call()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(wall), statistics.median(cpu)


def share(results, attribute: str) -> float:
    total = sum(len(r.assignment) for r in results)
    return 100 * sum(getattr(r, attribute) * len(r.assignment) for r in results) / total


def main() -> None:
    rounds = make_instance()
    options = Options(balance_share=SHARE)
    seconds, cpu_seconds = median_seconds(lambda: assign_rounds(rounds, options))
    per_round = [median_seconds(lambda r=r: assign_round(*r, options))[0] for r in rounds]
    results = assign_rounds(rounds, options)
    fcfs = [first_come_first_served(*r, options) for r in rounds]
    print(f"figure assignment_seconds = {seconds:.2f} s target < {TARGET:g}")
    print(f"figure assignment_cpu_seconds = {cpu_seconds:.2f} s")
    for number, value in enumerate(per_round, 1):
        print(f"figure assignment_round{number}_seconds = {value:.3f} s")
    for name, rs in (("assignment", results), ("fcfs", fcfs)):
        print(f"figure {name}_first_choice_share = {share(rs, 'share_first_choice'):.1f} %")
        print(f"figure {name}_top3_share = {share(rs, 'share_top3'):.1f} %")
        print(f"figure {name}_unassigned = {sum(len(r.unassigned) for r in rs)} participants")
        print(f"figure {name}_unranked_placed = {sum(r.unranked_placed for r in rs)} participants")
        print(f"figure {name}_balance_excess = {sum(r.balance_excess for r in rs)} seats")
    if seconds >= TARGET:
        sys.exit(f"assignment took {seconds:.2f} s, target < {TARGET:g} s")


if __name__ == "__main__":
    main()
