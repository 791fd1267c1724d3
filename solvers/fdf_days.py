"""Named FdF for the timetable the model chose, one day at a time (assembly, rule ``fdf_capacity``).

The académie's model (:mod:`solvers.rules.cpsat`) counts its trainers-of-trainers (FdF) in
aggregate: at every instant, per day. Turning its answer into named FdF is a small assignment
problem per day — which FdF gives each ToT session and each cadre session of the day's meetings,
with no overlap, at most ``max_per_fdf_per_day`` sessions each, and the travel time between two
venues of one FdF's day (rule ``travel``). A greedy order can miss an assignment that exists (an
afternoon meeting takes the FdF a morning meeting needed), which moved cadre sessions to a later
meeting and made the plan drift from the model's objective. :func:`assign_days` tries a fast
chronological greedy for each day and, when it leaves a session out, solves that day exactly
with a tiny CP-SAT model. Sessions no assignment can hold (the model knows no travel) are left to
the caller, who places them at later slots as before.
"""
from __future__ import annotations

from dataclasses import dataclass

from .cp import cp_model


@dataclass(frozen=True)
class Task:
    """One session to staff on a day: a ToT group's session (``slots`` has one slot) or a cadre
    unit's ``count`` sessions at one of its meeting's ``slots`` ((start, end) minutes, absolute)."""
    key: tuple  # ("tot", g) or ("cadre", unit_id)
    slots: tuple[tuple[int, int], ...]
    count: int
    place: object = None


def _conflict(a: tuple[int, int], pa, b: tuple[int, int], pb, travel) -> bool:
    """One FdF cannot give both: they overlap, or the gap between them is shorter than the travel."""
    if a[0] < b[1] and b[0] < a[1]:
        return True
    if travel is None or pa is None or pb is None:
        return False
    gap = b[0] - a[1] if a[1] <= b[0] else a[0] - b[1]
    return gap < travel(pa, pb)


def _greedy(tasks: list[Task], fdfs: list[str], cap: int, load: dict[str, int], travel):
    """Chronological: each session to the earliest slot of an FdF already at that place, else of the
    least-loaded free FdF. Returns {key: [(slot index, fdf)]}, or None when a session is left out."""
    busy: dict[str, list[tuple[tuple[int, int], object]]] = {f: [] for f in fdfs}
    out: dict[tuple, list[tuple[int, str]]] = {}
    for t in sorted(tasks, key=lambda t: (t.slots[0][0], -len(t.slots), t.key)):
        got: list[tuple[int, str]] = []
        for _ in range(t.count):
            best = None
            for i, sl in enumerate(t.slots):
                for f in fdfs:
                    if len(busy[f]) >= cap or any(_conflict(sl, t.place, s2, p2, travel) for s2, p2 in busy[f]):
                        continue
                    here = any(p2 == t.place for _, p2 in busy[f])
                    key = (not here, i, load[f] + len(busy[f]), f)
                    if best is None or key < best[0]:
                        best = (key, i, f, sl)
            if best is None:
                return None
            _, i, f, sl = best
            busy[f].append((sl, t.place))
            got.append((i, f))
        out[t.key] = got
    return out


def _exact(tasks: list[Task], fdfs: list[str], cap: int, load: dict[str, int], travel, seed: int = 0):
    """The day's assignment by CP-SAT, as many sessions staffed as possible (then balanced loads).
    Returns {key: [(slot index, fdf)]} (possibly short of a task's count)."""
    m = cp_model.CpModel()
    cand: list[tuple[int, int, str, cp_model.IntVar]] = []  # (task index, slot index, fdf, var)
    for ti, t in enumerate(tasks):
        for i in range(len(t.slots)):
            for f in fdfs:
                cand.append((ti, i, f, m.NewBoolVar("")))
    for ti, t in enumerate(tasks):
        m.Add(sum(v for tj, _, _, v in cand if tj == ti) <= t.count)
    by_f: dict[str, list] = {f: [] for f in fdfs}
    for ti, i, f, v in cand:
        by_f[f].append((tasks[ti].slots[i], tasks[ti].place, v))
    for f, xs in by_f.items():
        m.Add(sum(v for _, _, v in xs) <= cap)
        for a in range(len(xs)):
            for b in range(a + 1, len(xs)):
                if _conflict(xs[a][0], xs[a][1], xs[b][0], xs[b][1], travel):
                    m.AddBoolOr([xs[a][2].Not(), xs[b][2].Not()])
    big = 1 + sum(load.values()) + len(cand)
    m.Maximize(big * sum(v for *_, v in cand) - sum(load[f] * v for _, _, f, v in cand))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 2.0
    solver.parameters.random_seed = seed
    st = solver.Solve(m)
    out: dict[tuple, list[tuple[int, str]]] = {t.key: [] for t in tasks}
    if st not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return out
    for ti, i, f, v in cand:
        if solver.Value(v):
            out[tasks[ti].key].append((i, f))
    return out


def assign_days(days: dict[int, list[Task]], fdfs: list[str], cap: int, travel=None) -> dict[tuple, list[tuple[int, int, str]]]:
    """Named FdF for every day's tasks: {key: [(day, slot index, fdf)]}. Days in order; loads carry
    over so that the FdF share the year's work."""
    load = {f: 0 for f in fdfs}
    out: dict[tuple, list[tuple[int, int, str]]] = {}
    for d in sorted(days):
        tasks = days[d]
        got = _greedy(tasks, fdfs, cap, load, travel)
        if got is None:
            got = _exact(tasks, fdfs, cap, load, travel)
        for key, xs in got.items():
            for i, f in xs:
                out.setdefault(key, []).append((d, i, f))
                load[f] += 1
    return out
