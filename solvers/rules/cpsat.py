"""The académie's FdF timetable model, one named function per rule (a Timefold ``ConstraintProvider``).

:func:`solvers.academie._cpsat_joint` builds the model by calling these functions in a fixed order
(the order of variables and constraints is part of the plan's reproducibility: same seed, same
plan). Each function adds one rule family, carries the rule's id (``@rule``, ids from
:mod:`solvers.rules`) and has a tiny test in ``tests/test_rules.py`` that fails without it.

Variables shared by the rules live in :class:`Timetable`: ``x[g][k]`` (ToT group g at candidate
slot k), ``L`` (the académie's completion, in days after the origin), the FdF usage per interval and
per day (``uses``, ``day_uses``), and per cadre unit the sessions at each meeting (``z``), the
sessions missed (``miss``) and the completion (``comp``).
"""
from __future__ import annotations

import math
from bisect import bisect_left
from dataclasses import dataclass, field
from typing import Callable

from ..cp import cp_model

from . import RULE_IDS

SCALE = 100  # objective scaling to integers for CP-SAT
UNPLACED_PENALTY_DAYS = 1000.0  # cost of one unplaced session, in days of delay

MODEL_RULES: dict[str, Callable] = {}


def rule(rule_id: str):
    """Register a model function under its rule id (which must be in the one list)."""
    if rule_id not in RULE_IDS:
        raise KeyError(f"rule id {rule_id!r} is not in solvers.rules.RULES")

    def deco(fn):
        fn.rule_id = rule_id
        MODEL_RULES.setdefault(rule_id, fn)
        return fn

    return deco


@dataclass
class Timetable:
    m: cp_model.CpModel
    x: list = field(default_factory=list)  # x[g][k]: ToT group g at candidate slot k
    L: object = None  # the académie's completion (days after the origin)
    L_floor: int = 0  # its lower bound (the units whose trainers are all qualified)
    uses: list = field(default_factory=list)  # (start minute, end minute, FdF count) of every FdF use
    day_uses: dict = field(default_factory=dict)  # day ordinal -> sessions given by FdF that day
    z: list = field(default_factory=list)  # per cadre unit: sessions at each meeting
    miss: list = field(default_factory=list)  # per cadre unit: sessions missed
    comp: list = field(default_factory=list)  # per cadre unit: completion offset
    cadre_obj: list = field(default_factory=list)


@rule("tot_one_slot")
def one_slot_per_group(tt: Timetable, G: int, K: int, tot_table) -> None:
    """Each ToT group takes exactly one candidate slot, which uses one FdF for its duration."""
    m = tt.m
    tt.x = [[m.NewBoolVar("") for _ in range(K)] for _ in range(G)]
    for g in range(G):
        m.AddExactlyOne(tt.x[g])
    tt.uses = [(tot_table.times[k], tot_table.ends[k], tt.x[g][k]) for g in range(G) for k in range(K)]
    for g in range(G):
        for k in range(K):
            tt.day_uses.setdefault(tot_table.days[k], []).append(tt.x[g][k])


@rule("latest_completion")
def completion_variable(tt: Timetable, latest, L_floor: int, meetings, later: int = 0) -> int:
    """The académie's completion L: no earlier than its fixed units; returns its upper bound ``hi``
    (``later``: a completion the heads' waits may reach)."""
    hi = max([max((max(r) for r in latest), default=0), L_floor, later] + [mt[-1].offset for mt in meetings if mt])
    tt.L = tt.m.NewIntVar(L_floor, max(hi, L_floor), "L")
    tt.L_floor = L_floor
    return hi


@rule("latest_completion")
def completion_after_groups(tt: Timetable, latest, G: int, K: int) -> None:
    """The académie finishes after the last unit of each ToT group (at the group's chosen slot)."""
    for g in range(G):
        tt.m.Add(tt.L >= cp_model.LinearExpr.weighted_sum(tt.x[g], latest[g][:K]))


@rule("cadre_meetings")
def cadre_sessions_at_meetings(tt: Timetable, n: int, mts, n_fdf: int):
    """A cadre unit's n sessions are given at its meetings (or missed), each meeting within what its
    FdF can give; returns (z, y, comp) for the completion and objective rules."""
    m = tt.m
    z = [m.NewIntVar(0, min(n, n_fdf * mt.per_fdf), "") for mt in mts]
    y = [m.NewBoolVar("") for _ in mts]
    miss = m.NewIntVar(0, n, "")
    tt.miss.append(miss)
    m.Add(sum(z) + miss == n)
    comp = m.NewIntVar(0, max([mt.offset for mt in mts] + [0]), "")
    for mt, zj, yj in zip(mts, z, y):
        f = m.NewIntVar(0, n_fdf, "")
        m.Add(f * mt.per_fdf >= zj)  # f FdF at this meeting give at most f × per_fdf sessions
        m.Add(zj <= n * yj)  # a meeting used ...
        m.Add(comp >= mt.offset * yj)  # ... ends the unit no earlier than its day
        tt.uses.append((mt.day * 1440 + mt.start, mt.day * 1440 + mt.end, f))
        tt.day_uses.setdefault(mt.day, []).append(zj)
    tt.z.append(z)
    tt.comp.append(comp)
    return z, y, comp


@rule("latest_completion")
def completion_after_cadres(tt: Timetable, comp) -> None:
    """The académie finishes after each cadre unit's last meeting used."""
    tt.m.Add(tt.L >= comp)


@rule("objective_cadres")
def cadre_completion_term(tt: Timetable, comp, w_c: float) -> None:
    """A cadre unit costs its completion: weight_completion per day after the origin."""
    tt.cadre_obj.append(int(round(w_c * SCALE)) * comp)


@rule("objective_unplaced")
def cadre_missed_term(tt: Timetable, miss, w_c: float) -> None:
    """Each missed cadre session costs UNPLACED_PENALTY_DAYS days of delay."""
    tt.cadre_obj.append(int(round(UNPLACED_PENALTY_DAYS * max(w_c, 1.0) * SCALE)) * miss)


@rule("heads_first")
def heads_seated_early(tt: Timetable, z, heads: int, steps: list[list[float]], sizes: list[int],
                       done: list[list[int]] = ()) -> None:
    """Heads first: a cadre unit's sessions seat its local units' heads (the c first sessions hold the c
    first of ``sizes``, largest first); the W heads not yet seated after meeting j cost at least the W
    smallest steps[j] (their teachers wait longer), and once W heads are seated after meeting j the
    académie ends no earlier than the W-th smallest of done[j] (their units' completions)."""
    m = tt.m
    big, small = max(sizes), min(sizes)
    r = sum(sizes) - small * len(sizes)  # seats of c sessions: min(big × c, small × c + r)
    seated = 0
    ws = []
    for j, (zj, st) in enumerate(zip(z, steps)):
        seated = seated + zj
        w = m.NewIntVar(0, heads, "")  # heads not seated after meeting j, seats going in order: at least
        m.Add(w >= heads - big * seated)  # max(heads - big × seated, heads - small × seated - r, 0); more only
        m.Add(w >= heads - small * seated - r)  # costs (the waits below, the completion), so the optimum is exact
        if j == len(z) - 1:  # ... but the last meeting's, which the completion rule subtracts: exact
            lo = -big * len(sizes) - r
            a1, a2 = m.NewIntVar(lo, heads, ""), m.NewIntVar(lo, heads, "")
            m.Add(a1 == heads - big * seated)
            m.Add(a2 == heads - small * seated - r)
            m.AddMaxEquality(w, [a1, a2, 0])
        ws.append(w)
        if not any(st):
            continue
        cost = m.NewIntVar(0, int(sum(st) * SCALE) + 1, "")
        prefix = 0.0
        for i, v in enumerate(st):  # the sum of the w smallest steps is convex in w: its tangents
            if i == 0 or v > st[i - 1]:  # equal steps give the same line
                m.Add(cost >= int(math.floor(prefix * SCALE)) + int(math.floor(v * SCALE)) * (w - i))
            prefix += v
        tt.cadre_obj.append(cost)
    for j, d in enumerate(done):
        if j + 1 >= len(ws):
            break
        floor = tt.L_floor
        d = sorted(d)
        seated_after = ws[j] - ws[-1]
        for v in sorted(set(d)):
            if v <= floor:
                continue
            need = heads - (len(d) - bisect_left(d, v)) + 1  # this many seated after j: one ends at v or later
            late = m.NewBoolVar("")
            m.Add(seated_after <= need - 1 + heads * late)
            m.Add(tt.L >= v * late)


@rule("fdf_capacity")
def fdf_capacity_per_instant(tt: Timetable, n_fdf: int) -> None:
    """At every instant, the FdF in use (ToT slots and cadre meetings) are at most the académie's FdF."""
    by_interval: dict[tuple[int, int], list] = {}
    for a, b, v in tt.uses:
        by_interval.setdefault((a, b), []).append(v)
    intervals = sorted(by_interval)
    for p in sorted({a for a, _ in intervals}):
        terms = [v for (a, b) in intervals if a <= p < b for v in by_interval[(a, b)]]
        if len(terms) > 1:
            tt.m.Add(cp_model.LinearExpr.sum(terms) <= n_fdf)


@rule("fdf_day_cap")
def fdf_capacity_per_day(tt: Timetable, n_fdf: int, day_cap: int) -> None:
    """Each day, the sessions given by FdF are at most n_fdf × max_per_fdf_per_day."""
    for d, terms in tt.day_uses.items():
        if len(terms) > 1:
            tt.m.Add(cp_model.LinearExpr.sum(terms) <= n_fdf * day_cap)


@rule("objective_units")
def units_cost(tt: Timetable, cost, G: int, K: int):
    """The exact downstream cost of each ToT group's slot (its units placed at their earliest), plus the
    cadre terms: the sum minimised."""
    return cp_model.LinearExpr.weighted_sum([tt.x[g][k] for g in range(G) for k in range(K)],
                                            [int(round(cost[g][k] * SCALE)) for g in range(G) for k in range(K)]
                                            ) + sum(tt.cadre_obj)


@rule("latest_completion")
def minimise_earliest_completion(tt: Timetable, hi: int) -> None:
    """First pass: place every cadre session first, then the earliest completion L."""
    tt.m.Minimize(tt.L + (hi + 1) * sum(tt.miss))


@rule("latest_completion")
def minimise_weighted(tt: Timetable, total, w_l: float) -> None:
    """Weighted mode: the units' cost plus weight_academie_latest per day of the académie's completion."""
    tt.m.Minimize(total + int(round(w_l * SCALE)) * tt.L)


@rule("latest_completion")
def minimise_lexicographic(tt: Timetable, total, earliest_L: int) -> None:
    """Lexicographic mode: the earliest completion is kept, then the units' cost is minimised."""
    tt.m.Add(tt.L <= earliest_L)
    tt.m.Minimize(total)


def build_timetable(cost, latest, K, tot_table, n_fdf, day_cap, w_c, L_floor, cadre_units, meetings,
                    heads=None, group_size: int = 15):
    """The model, its rules in a fixed order; returns (timetable, total cost expression, hi). ``heads``:
    per cadre unit, (heads to seat, marginals) or None (solvers.heads.waiting_marginals)."""
    G = len(cost)
    tt = Timetable(cp_model.CpModel())
    one_slot_per_group(tt, G, K, tot_table)
    later = max((v for hd in heads or () if hd for d in hd[2] for v in d), default=0)
    hi = completion_variable(tt, latest, L_floor, meetings, later)
    completion_after_groups(tt, latest, G, K)
    for ud, mts in zip(cadre_units, meetings):
        _, _, comp = cadre_sessions_at_meetings(tt, ud.sessions, mts, n_fdf)
        completion_after_cadres(tt, comp)
        cadre_completion_term(tt, comp, w_c)
        cadre_missed_term(tt, tt.miss[-1], w_c)
    for ud, z, hd in zip(cadre_units, tt.z, heads or ()):
        if hd is not None:
            heads_seated_early(tt, z, hd[0], hd[1], ud.group_sizes(group_size), hd[2])
    fdf_capacity_per_instant(tt, n_fdf)
    fdf_capacity_per_day(tt, n_fdf, day_cap)
    total = units_cost(tt, cost, G, K)
    return tt, total, hi
