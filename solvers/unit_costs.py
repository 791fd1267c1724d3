"""A local unit of step 1 as the académie's solver sees it, and the memoised cost of its placement once its
trainers' ready times are known (split out of :mod:`solvers.academie`).

The cost table prices every unit at every candidate slot of its ToT group, the heads-first rule at every
meeting of its cadre unit, the assembly at every seat offered to its head: hundreds of thousands of
look-ups per national plan for a few tens of thousands of real placements.
"""
from __future__ import annotations

from dataclasses import dataclass

from planner.demand import UnitDemand
from planner.models import Trainer

from .rules import Caps
from .rules.cpsat import UNPLACED_PENALTY_DAYS
from .units import SlotTable, fill, place_unit


@dataclass
class LocalUnit:
    demand: UnitDemand
    table: SlotTable
    trainers: list[Trainer]
    caps: Caps
    penalties: list[float] | None
    pins: list[tuple[int, int, int]]  # (group index 1-based, slot index, trainer index)
    memo_key: int | None  # units with the same key place identically (no pins, no preferences)
    run_key: int | None = None  # units with the same key (table, caps; no pins, no preferences) fill alike


class _Costs:
    """Downstream cost of readiness times for each unit, memoised on identical units.

    Two memos: by the trainers' ready times as given (most calls repeat them exactly, and hashing them
    is cheaper than finding each one's first slot), then by the first slot each trainer may deliver
    (what the placement depends on). Below them, the placements themselves (:func:`solvers.units.fill`)
    are kept per table, caps and trainers' first slots: the sessions of a smaller unit are the first of
    a larger one's (the fill goes slot after slot and only stops earlier), and the slots used do not
    depend on which trainer is which (all the trainers free at a slot take it but at the last one)."""

    def __init__(self, w_c: float, origin: int) -> None:
        self.w_c = w_c
        self.origin = origin
        self.memo: dict[tuple, tuple[float, int | None, int]] = {}
        self.by_ready: dict[tuple, tuple[float, int | None, int]] = {}
        self.runs: dict[tuple, tuple[list[tuple[int, int]], bool]] = {}

    def _run(self, u: LocalUnit, ready: list[int], firsts: tuple[int, ...]) -> list[tuple[int, int]]:
        """fill's (slot, trainer) placements for u's table and caps from the trainers' first slots ``firsts``
        (of ``ready``), at least u's sessions long unless the table has no room for more."""
        key = (u.run_key, firsts)
        run = self.runs.get(key)
        n = u.demand.sessions
        if run is None or (len(run[0]) < n and not run[1]):
            assigned, left = fill(u.table, n, ready, u.caps)
            run = self.runs[key] = (assigned, left > 0)
        return run[0]

    def unit(self, u: LocalUnit, ready: list[int]) -> tuple[float, int | None, int]:
        """(cost, completion ordinal, unplaced) of unit ``u`` with trainers ready at ``ready``."""
        if u.memo_key is None:
            fixed = [(i, k) for _, i, k in u.pins]
            assigned, left, cost = place_unit(u.table, u.demand.sessions, ready, u.caps, fixed=fixed,
                                              penalties=u.penalties, w_completion=self.w_c, origin=self.origin)
            for _, i, k in u.pins:
                if ready[k] > u.table.times[i]:
                    left += 1  # a pinned session its trainer could not deliver yet
            comp = max((u.table.days[i] for i, _ in assigned), default=None)
            return cost + left * UNPLACED_PENALTY_DAYS * max(self.w_c, 1.0), comp, left
        raw = (u.memo_key, tuple(ready))
        hit = self.by_ready.get(raw)
        if hit is not None:
            return hit
        ready = sorted(ready)  # the same slots used (see the class), and one run per set of first slots
        key = (u.memo_key, u.table.firsts(ready))
        hit = self.memo.get(key)
        if hit is None:
            n = u.demand.sessions
            placed = self._run(u, ready, key[1])[:n]
            left = n - len(placed)
            comp = u.table.days[placed[-1][0]] if placed else None  # the fill goes forward in time
            cost = self.w_c * (comp - self.origin) if placed else 0.0  # solvers.units.place_unit's, no penalties
            hit = self.memo[key] = (cost + left * UNPLACED_PENALTY_DAYS * max(self.w_c, 1.0), comp, left)
        self.by_ready[raw] = hit
        return hit

    def placement(self, u: LocalUnit, ready: list[int]) -> list[tuple[int, int]]:
        """(slot index, trainer index) of unit ``u``'s sessions with trainers ready at ``ready``."""
        if u.memo_key is None:
            return place_unit(u.table, u.demand.sessions, ready, u.caps, fixed=[(i, k) for _, i, k in u.pins],
                              penalties=u.penalties, w_completion=self.w_c, origin=self.origin)[0]
        return self._run(u, ready, u.table.firsts(ready))[:u.demand.sessions]
