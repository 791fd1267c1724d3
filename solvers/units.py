"""Placing one unit's step-1 sessions once its trainers' ready times are known.

Units share no trainers (a local trainer delivers only in their own unit), so once the
train-the-trainer timetable is fixed, each unit is an independent sub-problem. Without
preferences the earliest-slot rule is optimal for the unit's completion date: sessions are
identical, caps only limit how many fit in a day, week or term, and taking the earliest feasible
slot never delays a later one. With preferences (penalised slots), :func:`place_unit` compares the
earliest fill with fills that favour preferred slots up to a bounded completion delay.
"""
from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass, field

from planner.calendar import Slot, iso_week, term_of

from .rules import Caps  # noqa: F401 (the caps are written once, in solvers.rules)

NEVER = -(10**12)  # ready time of a qualified trainer: always ready


@dataclass
class SlotTable:
    """A unit's allowed slots, chronological, with the keys the caps need."""

    slots: list[Slot]
    times: list[int] = field(init=False)  # minutes since an epoch, start of each slot
    ends: list[int] = field(init=False)
    days: list[int] = field(init=False)  # date ordinal
    weeks: list[tuple[int, int]] = field(init=False)
    terms: list[tuple[int, int]] = field(init=False)
    wed_am: list[bool] = field(init=False)

    def __post_init__(self) -> None:
        self.days = [s.date.toordinal() for s in self.slots]
        self.times = [d * 1440 + s.start for d, s in zip(self.days, self.slots)]
        self.ends = [d * 1440 + s.end for d, s in zip(self.days, self.slots)]
        self.weeks = [iso_week(s.date) for s in self.slots]
        self.terms = [term_of(s.date) for s in self.slots]
        self.wed_am = [s.window == "wednesday_am" for s in self.slots]

    def first_at_or_after(self, t: int) -> int:
        return bisect.bisect_left(self.times, t)

    def firsts(self, ready: list[int]) -> tuple[int, ...]:
        """:meth:`first_at_or_after` of each ready time."""
        times = self.times
        return tuple([bisect.bisect_left(times, r) for r in ready])

    def __len__(self) -> int:
        return len(self.slots)


def fill(table: SlotTable, n: int, ready: list[int], caps: Caps, *, fixed: list[tuple[int, int]] = (),
         order: list[int] | None = None) -> tuple[list[tuple[int, int]], int]:
    """Place ``n`` sessions: returns ([(slot index, trainer index)], number left unplaced).

    ``ready[k]`` is the time (minutes since epoch) from which trainer k may deliver. ``fixed`` are
    pinned (slot index, trainer index) pairs, already counted in ``n``. ``order`` is the order in
    which slot indices are tried (default: chronological from the earliest ready time).
    """
    k_tr = len(ready)
    day_load: list[dict[int, int]] = [{} for _ in range(k_tr)]
    week_load: list[dict[tuple[int, int], int]] = [{} for _ in range(k_tr)]
    busy: set[tuple[int, int]] = set()
    wed_used: dict[tuple[int, int], set[int]] = {}
    out: list[tuple[int, int]] = []
    for i, k in fixed:
        out.append((i, k))
        busy.add((i, k))
        d = table.days[i]
        day_load[k][d] = day_load[k].get(d, 0) + 1
        w = table.weeks[i]
        week_load[k][w] = week_load[k].get(w, 0) + 1
        if table.wed_am[i]:
            wed_used.setdefault(table.terms[i], set()).add(d)
    remaining = n - len(fixed)
    if remaining <= 0 or k_tr == 0:
        return out, max(remaining, 0)
    if order is None:
        start = table.first_at_or_after(min(ready)) if ready else len(table)
        order = range(start, len(table))
    per_day, per_week, wcap = caps.per_day, caps.per_week, caps.wednesdays_per_term
    times, days, weeks, wed_am, terms = table.times, table.days, table.weeks, table.wed_am, table.terms
    trainers = range(k_tr)
    for i in order:
        t = times[i]
        d = days[i]
        if wcap is not None and wed_am[i]:
            used = wed_used.setdefault(terms[i], set())
            if d not in used and len(used) >= wcap:
                continue
        w = weeks[i]
        placed_here = False
        # least-loaded trainer first (ties: lowest index), so the unit's trainers share the work
        loads = [dl.get(d, 0) for dl in day_load]
        for k in (sorted(trainers, key=loads.__getitem__) if k_tr > 1 else trainers):
            if ready[k] > t or loads[k] >= per_day or (i, k) in busy:
                continue
            wl = week_load[k]
            n_w = wl.get(w, 0)
            if per_week is not None and n_w >= per_week:
                continue
            out.append((i, k))
            busy.add((i, k))
            day_load[k][d] = loads[k] + 1
            wl[w] = n_w + 1
            placed_here = True
            remaining -= 1
            if remaining == 0:
                break
        if placed_here and wed_am[i]:
            wed_used.setdefault(terms[i], set()).add(d)
        if remaining == 0:
            break
    return out, remaining


def place_unit(table: SlotTable, n: int, ready: list[int], caps: Caps, *, fixed: list[tuple[int, int]] = (),
               penalties: list[float] | None = None, w_completion: float = 1.0,
               origin: int = 0) -> tuple[list[tuple[int, int]], int, float]:
    """Best placement of a unit: (assignments, unplaced, cost).

    cost = w_completion × completion day (days after ``origin`` ordinal) + Σ penalties of used slots.
    """
    base, left = fill(table, n, ready, caps, fixed=fixed)
    best = (base, left, _cost(table, base, penalties, w_completion, origin))
    if not penalties or left or not any(penalties):
        return best
    # favour cheap slots: try cut-off days after the earliest completion while the delay can pay off
    pmax = max(penalties)
    earliest_day = max(table.days[i] for i, _ in base)
    start = table.first_at_or_after(min(ready)) if ready else 0
    horizon = earliest_day + int(n * pmax / max(w_completion, 1e-9)) + 1
    cut_days = sorted({d for d in table.days[start:] if earliest_day < d <= horizon})
    cheap_first = sorted(range(start, len(table)), key=lambda i: (penalties[i], table.times[i]))
    for cut in cut_days[:60]:
        order = [i for i in cheap_first if table.days[i] <= cut]
        cand, cl = fill(table, n, ready, caps, fixed=fixed, order=order)
        if cl:
            continue
        c = _cost(table, cand, penalties, w_completion, origin)
        if c < best[2] - 1e-9:
            best = (cand, 0, c)
    return best


def _cost(table: SlotTable, assigned: list[tuple[int, int]], penalties, w: float, origin: int) -> float:
    if not assigned:
        return 0.0
    last = max(table.days[i] for i, _ in assigned)
    c = w * (last - origin)
    if penalties:
        c += sum(penalties[i] for i, _ in assigned)
    return c


def completion_day(table: SlotTable, assigned: list[tuple[int, int]]) -> int | None:
    if not assigned:
        return None
    return max(table.days[i] for i, _ in assigned)


def to_minutes(d: dt.date, minute: int) -> int:
    return d.toordinal() * 1440 + minute
