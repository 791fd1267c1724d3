"""What the académie's solve and the re-plans share without OR-Tools: the slots common to several
départements, the preference penalties of a unit's slots, and the pool of the académie's trainers of
trainers (FdF) booked session by session. (Moved out of :mod:`solvers.academie` so that re-planning
the rest of the year does not load CP-SAT.)"""
from __future__ import annotations

from planner.calendar import Slot
from planner.models import Trainer

from .units import SlotTable


def _common_slots(lists: list[list[Slot]]) -> list[Slot]:
    if not lists:
        return []
    keys = set.intersection(*({(s.date, s.start) for s in l} for l in lists))
    return [s for s in lists[0] if (s.date, s.start) in keys]


def _penalties(tb: SlotTable, prefs: list, s, audience: str) -> list[float] | None:
    w_out, w_pre = s.weight_outside_preferred, s.weight_outside_pre_rentree
    if not (prefs and w_out) and not w_pre:
        return None
    pen = [0.0] * len(tb)
    for i, sl in enumerate(tb.slots):
        if prefs and w_out and not any(p.window == sl.window and (p.date is None or p.date == sl.date) for p in prefs):
            pen[i] += w_out
        if w_pre and sl.window != "pre_rentree":
            pen[i] += w_pre
    return pen if any(pen) else None


class _FdfPool:
    """Who of the académie's FdF is busy when, and where; least-loaded first. With ``travel``
    (place, place → minutes), an FdF is free only if the day's other sessions leave the travel time."""

    def __init__(self, fdfs: list[Trainer], day_cap: int, travel=None) -> None:
        self.ids = [f.id for f in fdfs]
        self.cap = day_cap
        self.travel = travel
        self.busy: dict[str, list[tuple[int, int, object]]] = {f: [] for f in self.ids}
        self.day_load: dict[str, dict[int, int]] = {f: {} for f in self.ids}
        self.load: dict[str, int] = {f: 0 for f in self.ids}

    def _ok(self, f: str, a: int, b: int, place) -> bool:
        for x, y, p in self.busy[f]:
            if x < b and a < y:
                return False
            if self.travel is not None and place is not None and p is not None and x // 1440 == a // 1440:
                gap = a - y if y <= a else x - b
                if gap < self.travel(p, place):
                    return False
        return True

    def free(self, day: int, a: int, b: int, place=None) -> list[str]:
        return [f for f in self.ids if self.day_load[f].get(day, 0) < self.cap and self._ok(f, a, b, place)]

    def take_as(self, f: str, day: int, a: int, b: int, place=None) -> None:
        """Book FdF ``f`` (chosen by :func:`solvers.fdf_days.assign_days`, which checked it is free)."""
        self.busy[f].append((a, b, place))
        self.day_load[f][day] = self.day_load[f].get(day, 0) + 1
        self.load[f] += 1

    def take(self, day: int, a: int, b: int, pack: bool = False, place=None) -> str | None:
        """A free FdF, least loaded first; ``pack``: prefer one already working that day (a meeting's
        sessions go to as few FdF as possible, leaving the others free for a ToT session)."""
        free = self.free(day, a, b, place)
        if not free:
            return None
        if pack:
            f = min(free, key=lambda f: (self.day_load[f].get(day, 0) == 0, self.load[f], f))
        else:
            f = min(free, key=lambda f: (self.load[f], f))
        self.busy[f].append((a, b, place))
        self.day_load[f][day] = self.day_load[f].get(day, 0) + 1
        self.load[f] += 1
        return f
