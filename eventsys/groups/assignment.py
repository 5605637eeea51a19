"""Assignment of participants to parallel working groups: a pure core.

Plain data in (`Group`, `Participant`, `Options`), plain data out (`Result`); nothing here
imports Flask or the database. Services translate models into these dataclasses and store
`Result.assignment`; the preview pages read the other fields.

The problem, one round at a time
--------------------------------
A round has groups g with a pool of in-person and a pool of online seats; moderators and
rapporteurs already hold reserved seats, so pool (g, m) offers cap(g, m) = seats - reserved.
A participant p has a mode m(p), maybe a stakeholder category, a registration order, a
ranking (group ids, best first) and maybe a lock (published, must not move). p takes a seat
of its own mode only, in at most one group of the round (rounds are independent problems).
With `place_unranked` (the default) p may also be put in a group it did not rank; without
it, only in ranked groups.

The objective (lexicographic, in this order)
--------------------------------------------
1. maximise PLACED, the number of participants given a seat;
2. minimise BALANCE EXCESS (only when `balance_share` s is set):
   sum over pools (g, m) and categories c of max(0, n(g, m, c) - floor(s * cap(g, m))),
   n counting the participants of category c in the pool (uncategorised ones never count);
3. minimise RANK COST: sum over placed p of cost(r), r the rank p gave its group, with
   `rank_cost` (default r**2: convex, so two 2nd choices (8) beat a 1st and a 3rd (10)), and
   cost(K + 1) for a group p did not rank (K = groups in the round): worse than any rank;
4. tie-break: the registration order. Minimise sum over p of w(p) * (pos(p) - L - 2), with
   pos = rank (1..L, L the longest ranking), L + 1 for an unranked group, L + 2 when not
   placed, and w(p) = n - i(p) for the i-th registrant (0-based) among the n unlocked
   ones: an earlier registrant gets the better rank when two could swap, and is the last
   to be left out.
Why balance before rank cost: the issue's summary sentence lists balance last ("then
respect balance where asked"), but states the rule itself as "no stakeholder group takes
more than a set share of a working group's seats WHERE THAT IS FEASIBLE". Only the
order placed > balance > rank cost keeps that promise; below the rank cost the cap would be
a tie-breaker between assignments of exactly equal rank cost, which almost never binds.
Placing comes first so that nobody is ever left out for the sake of balance. The tests
assert each of these precedences on a small instance.

Locks: a locked participant keeps its group and counts in every figure (seats, balance,
rank cost); the solver only places the others around them. If a lock no longer fits (seats
were reduced) it still holds, and `Result.over_capacity` says by how much: never silent.

The network (one min-cost flow per round)
-----------------------------------------
participant p (supply 1) --cost--> target(g, m(p), c(p)) --> pool(g, m) --cap--> sink
  * one arc per ranked group with free seats in p's mode, cost W_R*cost(r) + w(p)*(r-L-2);
  * with `place_unranked`, one arc to a hub(m, c) (cost W_R*cost(K+1) - w(p)), the hub
    reaching every target of its mode; a hub never feeds p a group p ranked in an optimum
    (the direct arc is strictly cheaper), so hub flow is handed out in registration order;
  * pool(g, m) -> sink with capacity cap(g, m) minus the locked participants there;
  * balancing: target(g, m, c) -> pool(g, m) is split in two parallel arcs, up to
    floor(s * cap(g, m)) (less the locked of c) at cost 0 and the rest at cost W_B.
    The cap is per mode pool because a flow network can only express NESTED capacities:
    category-in-pool inside pool is nested, a category cap over both pools of a group would
    cross the two mode pools and need an LP/MIP instead.
Level 1 is exact without weights: `solve_max_flow_with_min_cost` first computes a maximum
flow, then the cheapest flow of that value. Levels 2-4 are weights. Two maximum flows
differ by simple cycles of the residual graph; participants are never adjacent, so a
cycle holds at most P participants, P = number of non-participant nodes (+2 for the
solver's own source and sink), and one participant changes level 3 by at most cost(K+1)
and level 4 by at most w_max*(L+1). Hence with
    W_R = P * w_max * (L+1) + 1   and   W_B = P * (W_R * cost(K+1) + w_max*(L+1)) + 1
any cycle that changes a higher level dominates the lower ones, and a weighted optimum is
the lexicographic optimum.
Quick balance weight: a W_B that large makes cost scaling ~1.7x slower, so we first solve
with W_B' = W_R * cost(K+1). If that optimum sends nothing through a penalty arc, its
excess is the least possible (only what locks force), and it is also exact: any assignment
as good on balance carries no penalty flow either, so it differs from ours by cycles
without penalty arcs, on which W_B' plays no part. Otherwise we solve again with W_B.
Overflow: OR-Tools multiplies costs by (nodes + 1) and refuses costs above
INT64_MAX / (2 * (nodes + 1)); we check that bound before solving. On the benchmark round
(10,000 participants, 25 groups, 7 categories, 5 ranks; 10,391 nodes, 59,540 arcs):
P = 393, W_R = 2.4e7, W_B = 6.3e12, against a bound of 4.4e14. Larger inputs coarsen w
into fewer tiers (registration order then only breaks ties between tiers) instead of
overflowing; the solver also stops with BAD_COST_RANGE rather than return a wrong flow
(its potentials may grow), and we then coarsen again.

Why this solver: OR-Tools' SimpleMinCostFlow (C++, Goldberg's cost-scaling push-relabel)
solves that round exactly in ~65 ms of CPU here; flows are integral by construction, so no
rounding or branching is ever needed. HiGHS on the same network as an LP took 0.44 s of
CPU for a single weighted objective (measured), and solving the levels one LP at a time,
each previous optimum added as a constraint, loses total unimodularity, hence the
guarantee of an integral answer; a MIP is slower still. The Hungarian method needs every
pool expanded into single seats (a 10,000 x 10,000 matrix) and cannot express the balance
split.

Determinism: participants are sorted by (order, id) and the graph is built in that order
(groups in the given order); the solver is deterministic, so the same input, in any list
order, gives the same output.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import NamedTuple

import numpy as np
from ortools.graph.python import min_cost_flow

IN_PERSON, ONLINE = "in_person", "online"
MODES = (IN_PERSON, ONLINE)
_INT64_MAX = 2**63 - 1

NO_SEATS_IN_MODE = "no_seats_in_mode"
NO_RANKING = "no_ranking"
RANKED_GROUPS_NO_SEATS_IN_MODE = "ranked_groups_no_seats_in_mode"
RANKED_GROUPS_FULL = "ranked_groups_full"
SEATS_FULL = "seats_full"
REASONS = {
    NO_SEATS_IN_MODE: "No group of this round has a seat for their mode.",
    NO_RANKING: "They ranked no group, and only ranked groups may be given.",
    RANKED_GROUPS_NO_SEATS_IN_MODE: "No group they ranked has seats for their mode.",
    RANKED_GROUPS_FULL: "Every group they ranked was full.",
    SEATS_FULL: "Every seat for their mode was taken.",
}


class AssignmentInputError(ValueError):
    """Inconsistent input: duplicate or unknown ids, impossible seats, bad options."""


def squared_rank_cost(rank: int) -> int:
    return rank * rank


@dataclass(frozen=True)
class Group:
    id: Hashable
    in_person_seats: int
    online_seats: int
    reserved_in_person: int = 0
    reserved_online: int = 0

    def __post_init__(self):
        for mode in MODES:
            if not 0 <= self._reserved(mode) <= self._seats(mode):
                raise AssignmentInputError(f"group {self.id!r}: {mode} seats must be >= reserved >= 0")

    def _seats(self, mode: str) -> int:
        return self.in_person_seats if mode == IN_PERSON else self.online_seats

    def _reserved(self, mode: str) -> int:
        return self.reserved_in_person if mode == IN_PERSON else self.reserved_online

    def capacity(self, mode: str) -> int:
        """Seats of `mode` left for participants once moderators and rapporteurs sit."""
        return self._seats(mode) - self._reserved(mode)


@dataclass(frozen=True)
class Participant:
    """`order`: registration order, lower is earlier (ties broken by id); `ranking`: group
    ids, best first; `locked_group`: a published seat that must not move."""

    id: Hashable
    mode: str
    category: str | None = None
    order: int = 0
    ranking: tuple = ()
    locked_group: Hashable | None = None

    def __post_init__(self):
        if self.mode not in MODES:
            raise AssignmentInputError(f"participant {self.id!r}: unknown mode {self.mode!r}")
        object.__setattr__(self, "ranking", tuple(self.ranking))
        if len(set(self.ranking)) != len(self.ranking):
            raise AssignmentInputError(f"participant {self.id!r} ranks a group twice")


@dataclass(frozen=True)
class Options:
    """`rank_cost(r)` must be a non-negative int, strictly increasing in r (default r**2).

    `balance_share` in (0, 1] caps each category at floor(share * seats) of each mode pool,
    the share read as written (0.4 is 2/5); so a pool of fewer than 1/share seats holds no
    category within the cap, and its categorised seats count as excess.

    `place_unranked` (default True): the issue asks first to "place as many participants as
    seats allow", and rankings may be partial ("at least the first k"), so someone whose
    ranked groups are full still gets a free seat elsewhere, at a cost above any rank (and
    only where no ranked seat would do as well). Set it False to place people only in groups
    they ranked; the others are then reported unassigned with the reason."""

    rank_cost: Callable[[int], int] = squared_rank_cost
    balance_share: float | Fraction | None = None
    place_unranked: bool = True

    def __post_init__(self):
        if self.balance_share is not None and not 0 < self.balance_share <= 1:
            raise AssignmentInputError("balance_share must be in (0, 1]")


@dataclass(frozen=True)
class PoolFill:
    taken: int
    seats: int


@dataclass(frozen=True)
class Result:
    """One round. `assignment`: every participant id -> group id or None; `unassigned`: id ->
    reason code (see REASONS); `ranks`: every placed id -> the rank it gave its group (None:
    a group it did not rank). Shares are of all the round's participants, 0.0 if none;
    `rank_histogram`: rank -> count; `fill`: group -> mode -> PoolFill; `category_mix`:
    group -> category (None: uncategorised) -> count; `over_capacity`: (group, mode) ->
    seats beyond capacity, which only locks can cause."""

    assignment: dict
    unassigned: dict
    ranks: dict
    placed: int
    unranked_placed: int
    total_rank_cost: int
    balance_excess: int
    share_first_choice: float
    share_top3: float
    rank_histogram: dict
    fill: dict
    category_mix: dict
    over_capacity: dict

    @property
    def objective(self) -> tuple[int, int, int]:
        """(placed, balance excess, rank cost): maximised, minimised, minimised, in order."""
        return (self.placed, self.balance_excess, self.total_rank_cost)

    @property
    def sort_key(self) -> tuple[int, int, int]:
        """Lexicographic key of the objective: smaller is better."""
        return (-self.placed, self.balance_excess, self.total_rank_cost)


@dataclass
class _Round:
    groups: tuple[Group, ...]
    index: dict
    people: list          # all participants, registration order
    free: list            # the unlocked ones, registration order
    cap: np.ndarray       # (K, 2) seats per pool
    bcap: np.ndarray | None
    costs: list           # costs[r] for r = 1..K+1 (K+1: unranked)
    options: Options


def _id_key(value) -> tuple:
    return (type(value).__name__, value)


def _prepare(groups: Sequence[Group], participants: Sequence[Participant], options: Options) -> _Round:
    groups = tuple(groups)
    index = {g.id: k for k, g in enumerate(groups)}
    if len(index) != len(groups):
        raise AssignmentInputError("duplicate group id")
    if len({p.id for p in participants}) != len(participants):
        raise AssignmentInputError("duplicate participant id")
    for p in participants:
        unknown = [g for g in p.ranking if g not in index]
        if unknown or (p.locked_group is not None and p.locked_group not in index):
            raise AssignmentInputError(f"participant {p.id!r} names a group not in this round")
    people = sorted(participants, key=lambda p: (p.order, _id_key(p.id)))
    cap = np.array([[g.capacity(m) for m in MODES] for g in groups], dtype=np.int64).reshape(-1, 2)
    bcap = None
    if options.balance_share is not None:
        share = Fraction(str(options.balance_share))
        bcap = np.array([[int(share * int(c)) for c in row] for row in cap], dtype=np.int64).reshape(-1, 2)
    return _Round(groups, index, people, [p for p in people if p.locked_group is None],
                  cap, bcap, _cost_table(options.rank_cost, len(groups)), options)


def _cost_table(rank_cost: Callable[[int], int], k: int) -> list[int]:
    costs = [0] + [rank_cost(r) for r in range(1, k + 2)]
    if any(not isinstance(c, int) or c < 0 for c in costs) or any(a >= b for a, b in zip(costs[1:], costs[2:])):
        raise AssignmentInputError("rank_cost must give non-negative ints, strictly increasing")
    return costs


# --- the network -------------------------------------------------------------------------

_COLUMNS = ("tails", "heads", "caps", "rank_cost", "tie_pos", "who", "penalty")


class _Net:
    """Arcs gathered in batches. Per arc: level-3 cost and tie position (participant arcs),
    the participant (`who`, -1 elsewhere) and whether it is an over-the-cap balance arc;
    the costs are composed once the weights are known."""

    def __init__(self, first_nodes: int):
        self.nodes, self.size, self._parts = first_nodes, 0, []

    def new_nodes(self, count: int = 1) -> np.ndarray:
        self.nodes += count
        return np.arange(self.nodes - count, self.nodes)

    def add(self, tails, heads, caps, rank_cost=0, tie_pos=0, who=-1, penalty=0) -> int:
        """Append arcs; returns the index of the first one."""
        size, start = len(tails), self.size
        self._parts.append([np.broadcast_to(np.asarray(v, dtype=np.int64), (size,))
                            for v in (tails, heads, caps, rank_cost, tie_pos, who, penalty)])
        self.size += size
        return start

    def finish(self) -> None:
        for i, name in enumerate(_COLUMNS):
            setattr(self, name, np.concatenate([part[i] for part in self._parts]) if self._parts
                    else np.zeros(0, dtype=np.int64))


def _locked_counts(rd: _Round, slot_of: dict, slots: int) -> np.ndarray:
    counts = np.zeros((len(rd.groups), 2, slots), dtype=np.int64)
    for p in rd.people:
        if p.locked_group is not None:
            counts[rd.index[p.locked_group], MODES.index(p.mode), slot_of.get(p.category, 0)] += 1
    return counts


def _build(rd: _Round):
    """The network for the unlocked participants (nodes 0..n-1), with what is needed to read
    the flow back. target[g, m, s] is where a participant of mode m and slot s (its category
    when balancing, else 0) enters group g: a category node, or the pool itself (s = 0)."""
    n, k = len(rd.free), len(rd.groups)
    cats = sorted({p.category for p in rd.people if p.category is not None}, key=_id_key) if rd.bcap is not None else []
    slot_of = {c: s + 1 for s, c in enumerate(cats)}
    locked = _locked_counts(rd, slot_of, len(cats) + 1)
    free_cap = np.maximum(rd.cap - locked.sum(axis=2), 0)
    mode = np.fromiter((p.mode == ONLINE for p in rd.free), dtype=np.int64, count=n)
    slot = np.fromiter((slot_of.get(p.category, 0) for p in rd.free), dtype=np.int64, count=n)
    net = _Net(n)
    sink = int(net.new_nodes()[0])
    target = np.full((k, 2, len(cats) + 1), -1, dtype=np.int64)
    pools = np.argwhere(free_cap > 0)
    pool_nodes = net.new_nodes(len(pools))
    target[pools[:, 0], pools[:, 1], 0] = pool_nodes
    net.add(pool_nodes, np.full(len(pools), sink), free_cap[pools[:, 0], pools[:, 1]])
    present = set(zip(mode.tolist(), slot.tolist()))
    for (g, m), pool in zip(pools.tolist(), pool_nodes.tolist()):
        for s in (s for s in range(1, len(cats) + 1) if (m, s) in present):
            target[g, m, s] = int(net.new_nodes()[0])
    _add_balance_arcs(net, rd, target, locked, free_cap)
    longest = max((len(p.ranking) for p in rd.free), default=0)
    ranked = _add_ranked_arcs(net, rd, target, mode, slot, longest)
    hubs = _add_unranked_arcs(net, rd, target, mode, slot) if rd.options.place_unranked else None
    net.finish()
    return net, sink, ranked, hubs, longest


def _add_balance_arcs(net: _Net, rd: _Round, target, locked, free_cap) -> None:
    """Category node -> pool: up to the cap (less the locked of that category) free, the
    rest through the penalty arc."""
    g, m, s = np.nonzero(target[:, :, 1:] >= 0)
    s = s + 1
    node, pool = target[g, m, s], target[g, m, 0]
    within = rd.bcap[g, m] - locked[g, m, s] if rd.bcap is not None else np.zeros(0, dtype=np.int64)
    keep = within > 0
    net.add(node[keep], pool[keep], within[keep])
    net.add(node, pool, free_cap[g, m], penalty=1)


def _add_ranked_arcs(net: _Net, rd: _Round, target, mode, slot, longest: int):
    n = len(rd.free)
    lengths = np.fromiter((len(p.ranking) for p in rd.free), dtype=np.int64, count=n)
    group = np.fromiter((rd.index[g] for p in rd.free for g in p.ranking), dtype=np.int64, count=int(lengths.sum()))
    who = np.repeat(np.arange(n), lengths)
    rank = np.arange(len(group)) - np.repeat(np.cumsum(lengths) - lengths, lengths) + 1
    heads = target[group, mode[who], slot[who]]
    keep = heads >= 0
    who, rank, group, heads = who[keep], rank[keep], group[keep], heads[keep]
    start = net.add(who, heads, 1, rank_cost=np.asarray(rd.costs)[rank], tie_pos=rank - longest - 2, who=who)
    return start, who, group


def _add_unranked_arcs(net: _Net, rd: _Round, target, mode, slot):
    """Hubs (mode, slot) -> every target of that mode; participant -> its hub."""
    hub_of, hub_arcs = {}, []
    for m, s in sorted(set(zip(mode.tolist(), slot.tolist()))):
        groups = np.flatnonzero(target[:, m, s] >= 0)
        if len(groups):
            hub_of[m, s] = hub = int(net.new_nodes()[0])
            hub_arcs.append((net.add(np.full(len(groups), hub), target[groups, m, s], len(rd.free)), hub, groups))
    hub_node = np.array([hub_of.get(key, -1) for key in zip(mode.tolist(), slot.tolist())], dtype=np.int64)
    who = np.flatnonzero(hub_node >= 0)
    start = net.add(who, hub_node[who], 1, rank_cost=rd.costs[-1], tie_pos=-1, who=who)
    return start, who, hub_node[who], hub_arcs


# --- weights and solving -----------------------------------------------------------------

class _Weights(NamedTuple):
    w: np.ndarray         # tie-break weight per unlocked participant
    rank: int             # W_R
    balance: int          # W_B, the proven bound
    shift: int            # keeps every cost >= 0


def _weights(net: _Net, n: int, longest: int, worst: int, tiers: int) -> _Weights | None:
    """The weights of the module docstring, with the registration order in `tiers` tiers
    (n: exact order), or None if some cost could overflow inside OR-Tools."""
    order = np.arange(n, dtype=np.int64)
    w = (n - 1 - order) * tiers // max(n, 1) + 1 if tiers else np.zeros(n, dtype=np.int64)
    w_max = int(w.max()) if n else 0
    p = net.nodes - n + 2
    w_rank = p * w_max * (longest + 1) + 1
    w_balance = p * (w_rank * worst + w_max * (longest + 1)) + 1
    shift = w_max * (longest + 1)
    if max(w_balance, w_rank * worst + shift) > _INT64_MAX // (2 * (net.nodes + 3)):
        return None
    return _Weights(w, w_rank, w_balance, shift)


def _costs(net: _Net, weights: _Weights, balance: int) -> np.ndarray:
    participant = net.who >= 0
    tie = np.where(participant, weights.w[np.maximum(net.who, 0)] * net.tie_pos + weights.shift, 0)
    return balance * net.penalty + weights.rank * net.rank_cost + tie


def _run(net: _Net, sink: int, n: int, costs: np.ndarray):
    solver = min_cost_flow.SimpleMinCostFlow()
    solver.add_arcs_with_capacity_and_unit_cost(net.tails.astype(np.int32), net.heads.astype(np.int32),
                                                net.caps, costs)
    supplies = np.zeros(net.nodes, dtype=np.int64)
    supplies[:n], supplies[sink] = 1, -n
    solver.set_nodes_supplies(np.arange(net.nodes, dtype=np.int32), supplies)
    return solver, solver.solve_max_flow_with_min_cost()


def _solve_flow(rd: _Round) -> np.ndarray:
    """Group index for each unlocked participant (or -1), from the optimal flow. Balancing
    first tries the quick weight (see the module docstring) and keeps its flow only when no
    penalty arc carries any; otherwise, and always on BAD_COST_RANGE, it solves again."""
    net, sink, ranked, hubs, longest = _build(rd)
    n = len(rd.free)
    penalty_arcs = np.flatnonzero(net.penalty).astype(np.int32)
    for tiers in sorted({n, min(n, 4096), min(n, 64), 1, 0}, reverse=True):
        weights = _weights(net, n, longest, rd.costs[-1], tiers)
        if weights is None:
            continue
        quick = weights.rank * rd.costs[-1]
        for balance in ([quick] if len(penalty_arcs) else []) + [weights.balance]:
            solver, status = _run(net, sink, n, _costs(net, weights, balance))
            if status == solver.BAD_COST_RANGE:
                break
            if status != solver.OPTIMAL:
                raise RuntimeError(f"min-cost flow failed: {status}")
            if balance == weights.balance or not solver.flows(penalty_arcs).any():
                return _read_flow(solver, n, ranked, hubs)
    raise AssignmentInputError("rank_cost values too large for an exact solution")


def _read_flow(solver, n: int, ranked, hubs) -> np.ndarray:
    group_of = np.full(n, -1, dtype=np.int64)
    start, who, group = ranked
    used = solver.flows(np.arange(start, start + len(who), dtype=np.int32)) > 0
    group_of[who[used]] = group[used]
    if hubs is None:
        return group_of
    start, who, hub, hub_arcs = hubs
    used = solver.flows(np.arange(start, start + len(who), dtype=np.int32)) > 0
    waiting = defaultdict(list)
    for i, h in zip(who[used].tolist(), hub[used].tolist()):
        waiting[h].append(i)          # registration order: `who` is sorted
    for arc, h, groups in hub_arcs:
        flows = solver.flows(np.arange(arc, arc + len(groups), dtype=np.int32))
        queue = iter(waiting[h])
        for g, f in zip(groups.tolist(), flows.tolist()):
            for _ in range(f):
                group_of[next(queue)] = g
    return group_of


# --- public API --------------------------------------------------------------------------

def assign_round(groups: Sequence[Group], participants: Sequence[Participant], options: Options = Options()) -> Result:
    """The optimal assignment of one round (see the module docstring for the objective)."""
    rd = _prepare(groups, participants, options)
    group_of = _solve_flow(rd) if rd.free else np.zeros(0, dtype=np.int64)
    assignment = {p.id: p.locked_group for p in rd.people if p.locked_group is not None}
    for p, g in zip(rd.free, group_of.tolist()):
        assignment[p.id] = rd.groups[g].id if g >= 0 else None
    return _summarise(rd, assignment)


def assign_rounds(rounds: Sequence[tuple[Sequence[Group], Sequence[Participant]]],
                  options: Options = Options()) -> list[Result]:
    """Each round solved on its own: a participant is in at most one group per round."""
    return [assign_round(groups, participants, options) for groups, participants in rounds]


def first_come_first_served(groups: Sequence[Group], participants: Sequence[Participant],
                            options: Options = Options()) -> Result:
    """The baseline: in registration order, each takes its best-ranked group with a free seat
    in its mode (with `place_unranked`, else the first group of the round with one)."""
    rd = _prepare(groups, participants, options)
    free = {(g.id, m): g.capacity(m) for g in rd.groups for m in MODES}
    assignment = {}
    for p in rd.people:
        if p.locked_group is not None:
            assignment[p.id] = p.locked_group
            free[p.locked_group, p.mode] -= 1
    for p in rd.free:
        fallback = [g.id for g in rd.groups] if options.place_unranked else []
        choice = next((g for g in (*p.ranking, *fallback) if free[g, p.mode] > 0), None)
        assignment[p.id] = choice
        if choice is not None:
            free[choice, p.mode] -= 1
    return _summarise(rd, assignment)


def compare(result_a: Result, result_b: Result) -> dict:
    """The quality figures of two results side by side: {figure: (a, b)}."""
    a, b = _figures(result_a), _figures(result_b)
    return {name: (a[name], b[name]) for name in a}


def _figures(r: Result) -> dict:
    return {"placed": r.placed, "unassigned": len(r.unassigned), "unranked_placed": r.unranked_placed,
            "total_rank_cost": r.total_rank_cost, "balance_excess": r.balance_excess,
            "share_first_choice": r.share_first_choice, "share_top3": r.share_top3}


# --- figures -----------------------------------------------------------------------------

def _summarise(rd: _Round, assignment: dict) -> Result:
    ranks, fill, mix = {}, Counter(), {g.id: Counter() for g in rd.groups}
    for p in rd.people:
        g = assignment[p.id]
        if g is not None:
            ranks[p.id] = p.ranking.index(g) + 1 if g in p.ranking else None
            fill[g, p.mode] += 1
            mix[g][p.category] += 1
    ranked = [r for r in ranks.values() if r is not None]
    total = len(rd.people) or 1
    return Result(
        assignment={p.id: assignment[p.id] for p in rd.people},
        unassigned=_reasons(rd, assignment),
        ranks=ranks,
        placed=len(ranks),
        unranked_placed=len(ranks) - len(ranked),
        total_rank_cost=sum(rd.costs[r] for r in ranked) + rd.costs[-1] * (len(ranks) - len(ranked)),
        balance_excess=_balance_excess(rd, assignment),
        share_first_choice=sum(r == 1 for r in ranked) / total,
        share_top3=sum(r <= 3 for r in ranked) / total,
        rank_histogram=dict(sorted(Counter(ranked).items())),
        fill={g.id: {m: PoolFill(fill[g.id, m], g.capacity(m)) for m in MODES} for g in rd.groups},
        category_mix={g: dict(sorted(c.items(), key=lambda kv: _id_key(kv[0]))) for g, c in mix.items()},
        over_capacity={(g.id, m): fill[g.id, m] - g.capacity(m) for g in rd.groups for m in MODES
                       if fill[g.id, m] > g.capacity(m)},
    )


def _balance_excess(rd: _Round, assignment: dict) -> int:
    if rd.bcap is None:
        return 0
    counts = Counter((assignment[p.id], p.mode, p.category) for p in rd.people
                     if assignment[p.id] is not None and p.category is not None)
    return sum(max(0, c - int(rd.bcap[rd.index[g], MODES.index(m)])) for (g, m, _), c in counts.items())


def _reasons(rd: _Round, assignment: dict) -> dict:
    modes_with_seats = {m for g in rd.groups for m in MODES if g.capacity(m) > 0}
    reasons = {}
    for p in rd.people:
        if assignment[p.id] is not None:
            continue
        if p.mode not in modes_with_seats:
            reasons[p.id] = NO_SEATS_IN_MODE
        elif rd.options.place_unranked:
            reasons[p.id] = SEATS_FULL
        elif not p.ranking:
            reasons[p.id] = NO_RANKING
        elif all(rd.groups[rd.index[g]].capacity(p.mode) == 0 for g in p.ranking):
            reasons[p.id] = RANKED_GROUPS_NO_SEATS_IN_MODE
        else:
            reasons[p.id] = RANKED_GROUPS_FULL
    return reasons
