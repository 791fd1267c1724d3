"""Heads first, read off a plan's sessions: can each unit's head (chef d'établissement: a seat in the bassin's
cadre sessions; IEN: in the département's) be trained before the unit's first teacher session (step 1 or 2)?

One matching, written once, for the checker's ``heads_first`` rule (:mod:`solvers.checker`), the figure of
``compare`` (:func:`planner.compare.heads_first_breaches`) and the re-planning of the rest of the year
(:mod:`solvers.replan_rest`, which must agree with the checker): units by their first teacher session,
earliest deadline first, each takes the earliest free seat of its cadre unit ending no later than it.
Times are whatever the caller reads off a session (datetimes, or minutes), as long as they compare.
"""
from __future__ import annotations

from collections import defaultdict
from typing import Any, Callable, Iterable

CADRE_AUDIENCES = ("perdir", "inspectors")
TEACHER_AUDIENCES = ("teachers_1d", "teachers_2d")

Key = tuple[str, str]
_NONE = object()  # no start yet


def cadre_seats(sessions: Iterable, end: Callable[[Any], Any] = lambda x: x.end_dt) -> dict[Key, list]:
    """Per cadre unit (bassin, département), its step-1 cadre sessions as ``(end, seats)``."""
    seats: dict[Key, list] = defaultdict(list)
    for x in sessions:
        if x.kind == "step1" and x.audience in CADRE_AUDIENCES:
            seats[(x.unit_type, x.unit_id)].append((end(x), x.participants))
    return seats


def first_teacher_sessions(sessions: Iterable, start: Callable[[Any], Any] = lambda x: x.start_dt) -> dict[Key, Any]:
    """Per établissement or circonscription, the start of its first teacher session (step 1 or step 2)."""
    first: dict[Key, Any] = {}
    get = first.get
    for x in sessions:
        kind = x.kind
        if kind == "step2" or (kind == "step1" and x.audience in TEACHER_AUDIENCES):
            ut = x.unit_type
            if ut == "etablissement" or ut == "circonscription":
                k = (ut, x.unit_id)
                t = start(x)
                f = get(k, _NONE)
                if f is _NONE or t < f:
                    first[k] = t
    return first


def match_heads(seats: dict[Key, list], first: dict[Key, Any], head_of: dict[Key, Key]) -> dict[Key, Any]:
    """The end of the seat each unit's head takes (``None``: no seat ending before ``first[unit]``), for the
    units of ``first`` that have a head (``head_of``: unit → cadre unit); in the order of the matching (cadre
    units as first met, then units by deadline)."""
    waiting: dict[Key, list] = defaultdict(list)
    for k, t in first.items():
        if k in head_of:
            waiting[head_of[k]].append((t, k))
    out: dict[Key, Any] = {}
    for cadre, units in waiting.items():
        free = sorted(seats.get(cadre, []))
        i = used = 0
        for t, k in sorted(units):
            while i < len(free) and used >= free[i][1]:
                i, used = i + 1, 0
            if i < len(free) and free[i][0] <= t:
                used += 1
                out[k] = free[i][0]
            else:
                out[k] = None
    return out


__all__ = ["CADRE_AUDIENCES", "TEACHER_AUDIENCES", "cadre_seats", "first_teacher_sessions", "match_heads"]
