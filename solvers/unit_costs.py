"""A local unit of step 1 as the académie's solver sees it, and the memoised cost of its placement once its
trainers' ready times are known (split out of :mod:`solvers.academie`).

The cost table prices every unit at every candidate slot of its ToT group, the heads-first rule at every
meeting of its cadre unit, the assembly at every seat offered to its head: hundreds of thousands of
look-ups per national plan for a few tens of thousands of real placements.
"""
from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass

from planner.demand import UnitDemand
from planner.models import Trainer

from .rules import Caps
from .rules.cpsat import UNPLACED_PENALTY_DAYS
from .units import SlotTable, place_unit


@dataclass
class LocalUnit:
    demand: UnitDemand
    table: SlotTable
    trainers: list[Trainer]
    caps: Caps
    penalties: list[float] | None
    pins: list[tuple[int, int, int]]  # (group index 1-based, slot index, trainer index)
    memo_key: int | None  # units with the same key place identically (no pins, no preferences)



class _Costs:
    """Downstream cost of readiness times for each unit, memoised on identical units.

    Two memos: by the trainers' ready times as given (most calls repeat them exactly, and hashing them
    is cheaper than finding each one's first slot), then by the first slot each trainer may deliver
    (what the placement depends on). The placements themselves are kept by each trainer's first slot,
    in the trainers' order (which trainer gives which session): :meth:`placement`."""

    def __init__(self, w_c: float, origin: int) -> None:
        self.w_c = w_c
        self.origin = origin
        self.memo: dict[tuple, tuple[float, int | None, int]] = {}
        self.by_ready: dict[tuple, tuple[float, int | None, int]] = {}
        self.placed: dict[tuple, list[tuple[int, int]]] = {}

    def unit(self, u: LocalUnit, ready: list[int]) -> tuple[float, int | None, int]:
        """(cost, completion ordinal, unplaced) of unit ``u`` with trainers ready at ``ready``."""
        key = raw = firsts = None
        if u.memo_key is not None:
            raw = (u.memo_key, tuple(ready))
            hit = self.by_ready.get(raw)
            if hit is not None:
                return hit
            times = u.table.times
            firsts = tuple([bisect_left(times, r) for r in ready])
            key = (u.memo_key, tuple(sorted(firsts)))
            hit = self.memo.get(key)
            if hit is not None:
                self.by_ready[raw] = hit
                return hit
        fixed = [(i, k) for _, i, k in u.pins]
        assigned, left, cost = place_unit(u.table, u.demand.sessions, ready, u.caps, fixed=fixed,
                                          penalties=u.penalties, w_completion=self.w_c, origin=self.origin)
        for _, i, k in u.pins:
            if ready[k] > u.table.times[i]:
                left += 1  # a pinned session its trainer could not deliver yet
        comp = max((u.table.days[i] for i, _ in assigned), default=None)
        res = (cost + left * UNPLACED_PENALTY_DAYS * max(self.w_c, 1.0), comp, left)
        if key is not None:
            self.memo[key] = self.by_ready[raw] = res
            self.placed[(u.memo_key, firsts)] = assigned
        return res

    def placement(self, u: LocalUnit, ready: list[int]) -> list[tuple[int, int]]:
        """(slot index, trainer index) of unit ``u``'s sessions with trainers ready at ``ready``: without
        pins or preferences, a function of each trainer's first slot (solvers.units.fill)."""
        key = None
        if u.memo_key is not None:
            times = u.table.times
            key = (u.memo_key, tuple([bisect_left(times, r) for r in ready]))
            hit = self.placed.get(key)
            if hit is not None:
                return hit
        assigned, _, _ = place_unit(u.table, u.demand.sessions, ready, u.caps, fixed=[(i, k) for _, i, k in u.pins],
                                    penalties=u.penalties, w_completion=self.w_c, origin=self.origin)
        if key is not None:
            self.placed[key] = assigned
        return assigned
