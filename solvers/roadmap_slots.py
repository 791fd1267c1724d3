"""The roadmap's slot tables (steps 2 to 6): chronological slots of a window set, the intervals a unit or a
trainer already uses, and the first free slot after a time (split out of :mod:`solvers.roadmap`).

Every unit of an académie asks these many times (a national plan: about 200,000 first-free searches), so
the searches read the tables' lists and the busy days directly.
"""
from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from planner.calendar import public_holiday_subdivision, window_slots
from planner.settings import Settings


def _hhmm(m: int) -> str:
    return f"{m // 60:02d}:{m % 60:02d}"


# --------------------------------------------------------------------------- slot tables
@dataclass(slots=True)
class _Table:
    """Chronological slots: start/end in minutes since day 1 (date ordinal × 1440 + minutes)."""

    t0: list[int]
    t1: list[int]
    window: list[str]
    dates: list[dt.date]
    starts: list[str]
    ends: list[str]
    by_date: dict[int, int]  # date ordinal → first index on that date
    by_month: dict[tuple[int, int], tuple[int, int]]  # (year, month) → [lo, hi)

    @classmethod
    def build(cls, slots) -> "_Table":
        t0, t1, win, dates, starts, ends = [], [], [], [], [], []
        by_date: dict[int, int] = {}
        by_month: dict[tuple[int, int], list[int]] = {}
        for i, s in enumerate(slots):
            o = s.date.toordinal()
            t0.append(o * 1440 + s.start)
            t1.append(o * 1440 + s.end)
            win.append(s.window)
            dates.append(s.date)
            starts.append(_hhmm(s.start))
            ends.append(_hhmm(s.end))
            by_date.setdefault(o, i)
            ym = (s.date.year, s.date.month)
            if ym in by_month:
                by_month[ym][1] = i + 1
            else:
                by_month[ym] = [i, i + 1]
        return cls(t0, t1, win, dates, starts, ends, by_date, {k: (a, b) for k, (a, b) in by_month.items()})


class SlotCache:
    """Slot tables computed once per (windows, calendar zone, public-holiday subdivision, duration)."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self._cache: dict[tuple, _Table] = {}
        self._asked: dict[tuple, _Table] = {}  # by (windows, zone, département, duration): no subdivision to find

    def table(self, windows: tuple[str, ...], zone: str, departement: str, duration: int) -> _Table:
        asked = (windows, zone, departement, duration)
        t = self._asked.get(asked)
        if t is not None:
            return t
        sub = public_holiday_subdivision(departement)
        key = (windows, zone, sub, duration)
        t = self._cache.get(key)
        if t is None:
            seen = {}
            for w in windows:
                for s in window_slots(w, self.settings, zone, departement, duration):
                    seen.setdefault((s.date, s.start), s)
            t = _Table.build([seen[k] for k in sorted(seen)])
            self._cache[key] = t
        self._asked[asked] = t
        return t


class _Busy:
    """Intervals [t0, t1) already used by a unit or a trainer."""

    __slots__ = ("by_day",)

    def __init__(self):
        self.by_day: dict[int, list[tuple[int, int]]] = {}  # sessions never span midnight

    def free(self, a: int, b: int) -> bool:
        day = self.by_day.get(a // 1440)
        return not day or not _clashes(day, a, b)

    def add(self, a: int, b: int) -> None:
        self.by_day.setdefault(a // 1440, []).append((a, b))

    def remove(self, a: int, b: int) -> None:
        self.by_day[a // 1440].remove((a, b))


def _first_free(tab: _Table, t_min: int, busy: _Busy, t_max: int | None = None, extra=None) -> int:
    """Index of the first slot starting at or after ``t_min`` that is free, or -1."""
    t0, t1, by_day = tab.t0, tab.t1, busy.by_day
    i = bisect.bisect_left(t0, t_min)
    n = len(t0) if t_max is None else bisect.bisect_left(t0, t_max, i)
    while i < n:
        a = t0[i]
        day = by_day.get(a // 1440)
        if (not day or not _clashes(day, a, t1[i])) and (extra is None or extra(i)):
            return i
        i += 1
    return -1


def _clashes(day: list[tuple[int, int]], a: int, b: int) -> bool:
    """Some busy interval of ``day`` overlaps [a, b)."""
    for x, y in day:
        if x < b and a < y:
            return True
    return False


def _seeded_in_month(tab: _Table, ym: tuple[int, int], seed: int, t_min: int, busy: _Busy) -> int:
    """A free slot of the month, starting at an index chosen from the unit's seed (spreads units)."""
    lo_hi = tab.by_month.get(ym)
    if not lo_hi:
        return -1
    lo, hi = lo_hi
    t0, t1, by_day = tab.t0, tab.t1, busy.by_day
    lo = max(lo, bisect.bisect_left(t0, t_min, lo, hi))
    n = hi - lo
    if n <= 0:
        return -1
    off = seed % n
    for k in range(n):
        i = lo + (off + k) % n
        a = t0[i]
        day = by_day.get(a // 1440)
        if not day or not _clashes(day, a, t1[i]):
            return i
    return -1


@lru_cache(maxsize=64)
def _months_in_horizon(start: dt.date, end: dt.date, months: tuple[int, ...]) -> list[tuple[int, int]]:
    out = []
    y, m = start.year, start.month
    while (y, m) <= (end.year, end.month):
        if m in months:
            out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out
