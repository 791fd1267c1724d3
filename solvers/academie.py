"""One académie's plan: train-the-trainer timetable, then units, then cadres.

(Over 600 lines: the académie's pipeline — candidates, the FdF pool, the greedy baseline, assembling the plan — reads best in one place; the CP-SAT rules are in solvers/rules/cpsat.py.)

Académies share no trainers, so each is an independent sub-problem (run in a process pool by
:mod:`solvers.api`). Within an académie the real decision is the FdF timetable of the
train-the-trainer (ToT) groups. Each candidate slot of each group is priced with the *exact* cost
it causes downstream: the group's trainees' units placed at their earliest allowed slots after it
(:mod:`solvers.units`). The timetable is then chosen by one CP-SAT model per académie (one worker):
Boolean group × slot variables with those exact costs, the cadre sessions counted per meeting, FdF
capacity at every instant and per day, and the académie's latest-unit term. Measured with
``bench/compare_formulations.py`` (mid-year variant, 5 académies, 2 cores): greedy 14.8 % above,
min-cost flow on the same exact costs 0.2 % above (0.9 s, but no latest-unit term and no bound),
joint CP-SAT best (3.3 s) with a proven bound — kept. The monolithic and time-indexed models of
the prototype were far slower (``../shared/docs/lessons.md``).

Cadre sessions (perdir at bassin meetings, inspectors at collèges d'inspecteurs) are placed at the
meetings the model chose; the greedy baseline gives them the earliest meeting with a free FdF.
Every plan is re-verified by :mod:`solvers.checker`, which shares no code with this module.
"""
from __future__ import annotations

import math
import threading
import time
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from .cp import cp_model

from planner.calendar import audience_slots, calendar_key
from planner.demand import UnitDemand, compute_demand
from planner.models import Scenario, Trainer
from planner.plan import Session, TrainerRow
from planner.text import hhmm_minutes

from .explain import explain_cadres, explain_unit
from .fdf_days import Task, assign_days
from .heads import HEADS_PENALTY_DAYS, head_units, not_first, seat_heads_priced, units_by_cadre, waiting_costs
from .records import GAP_TOLERANCE, AcademieResult, Outcome, Unplaced  # noqa: F401 (AcademieResult: public here)
from .rules import unit_caps
from .rules.cpsat import (SCALE, UNPLACED_PENALTY_DAYS, build_timetable, minimise_earliest_completion,
                          minimise_lexicographic, minimise_weighted)
from .unit_costs import LocalUnit, _Costs
from .units import NEVER, SlotTable
from .pool import _common_slots, _FdfPool, _penalties  # noqa: F401 (shared with the re-plans, without OR-Tools)
from .venues import FdfPlaces, tot_travel_margins


def _ready_of(u: LocalUnit, trained_at: dict[str, int]) -> list[int]:
    return [NEVER if t.qualified else trained_at.get(t.id, 10**12) for t in u.trainers]


def solve_academie(sc: Scenario, code: str, *, solver: str = "cpsat", time_limit: float = 30.0, seed: int = 0,
                   objective_mode: str | None = None, stop=None, on_solution=None) -> AcademieResult:
    """Plan one académie. ``stop`` (a ``threading.Event``) ends the CP-SAT search early, keeping the
    best timetable found; ``on_solution(seconds, objective, bound)`` reports each improving one."""
    t0 = time.perf_counter()
    res = AcademieResult(code=code)
    sc = sc.restricted_to(code) if len(sc.academies) > 1 else sc
    s = sc.settings
    mode = objective_mode or s.objective_mode
    acad = sc.academies[0]
    zone = calendar_key(acad, s)
    origin = s.first_day.toordinal()
    dem = compute_demand(sc)
    margin = tot_travel_margins(sc)  # a trainer delivers once back from the training site
    gs = s.group_size
    w_c, w_l = s.weight_completion, s.weight_academie_latest

    # ------------------------------------------------------------------ slot tables
    tables: dict[tuple, SlotTable] = {}

    def table(audience: str, dep: str, unit_id: str = "") -> SlotTable:
        key = (audience, dep, unit_id)
        if key not in tables:
            tables[key] = SlotTable(audience_slots(audience, s, zone, dep, s.step1_minutes, unit_id, acad.code))
        return tables[key]

    deps = sorted(d.code for d in sc.departements)
    tot_slots = _common_slots([audience_slots("trainers", s, zone, d, s.tot_minutes) for d in deps])
    tot_table = SlotTable(tot_slots)

    # ------------------------------------------------------------------ local units
    trainers_of: dict[tuple[str, str], list[Trainer]] = {}
    for t in sc.trainers:
        if t.is_local:
            trainers_of.setdefault((t.unit_type, t.unit_id), []).append(t)
    prefs: dict[tuple[str, str], list] = {}
    for p in sc.preferences:
        prefs.setdefault((p.unit_type, p.unit_id), []).append(p)
    pins: dict[tuple[str, str], list] = {}
    for p in sc.pins:
        pins.setdefault((p.unit_type, p.unit_id), []).append(p)

    locals_: list[LocalUnit] = []
    memo_ids: dict[tuple, int] = {}
    run_ids: dict[tuple, int] = {}
    caps_of: dict = {}  # audience -> its caps (one object each)
    for ud in dem.units:
        if ud.unit_type not in ("circonscription", "etablissement") or ud.sessions == 0:
            continue
        tb = table(ud.audience, ud.departement)
        trs = sorted(trainers_of.get((ud.unit_type, ud.unit_id), []), key=lambda t: t.id)
        if not trs:
            res.unplaced.append(Unplaced.of(ud, ud.sessions, "no_trainer",
                                            f"{ud.name} : aucun formateur local rattaché à l'unité ({ud.sessions} sessions à placer)."))
            continue
        caps = caps_of.get(ud.audience) or caps_of.setdefault(ud.audience, unit_caps(s, ud.audience))
        pen = _penalties(tb, prefs.get((ud.unit_type, ud.unit_id), []), s, ud.audience)
        upins = []
        unit_pins = pins.get((ud.unit_type, ud.unit_id), [])
        index = {(sl.date, sl.start): i for i, sl in enumerate(tb.slots)} if unit_pins else {}
        used_groups: set[int] = set()
        for p in sorted(unit_pins, key=lambda p: p.group):
            i = index.get((p.date, hhmm_minutes(p.start)))
            if i is None or p.group > ud.sessions or p.group in used_groups:
                why = ("hors des fenêtres autorisées pour ce public" if i is None else
                       "groupe inexistant ou déjà épinglé")
                res.unplaced.append(Unplaced.of(ud, 0, "pin", f"{ud.name} : créneau épinglé du groupe {p.group} "
                                                f"({p.date.isoformat()} {p.start}) ignoré : {why}."))
                continue
            used_groups.add(p.group)
            k = len(upins) % len(trs)
            upins.append((p.group, i, k))
        memo_key = run_key = None
        if not upins and pen is None:
            # one small number per kind of unit (the memos hash it on every look-up)
            memo_key = memo_ids.setdefault((id(tb), ud.sessions, caps, tuple(t.qualified for t in trs)), len(memo_ids))
            run_key = run_ids.setdefault((id(tb), caps), len(run_ids))
        locals_.append(LocalUnit(ud, tb, trs, caps, pen, upins, memo_key, run_key))

    # ------------------------------------------------------------------ ToT groups (units kept whole)
    groups: list[list[LocalUnit]] = []
    group_trainers: list[list[Trainer]] = []
    cur: list[LocalUnit] = []
    cur_tr: list[Trainer] = []
    for u in sorted(locals_, key=lambda u: (u.demand.unit_type != "circonscription", u.demand.departement, u.demand.unit_id)):
        need = [t for t in u.trainers if not t.qualified]
        if not need:
            continue
        if cur_tr and len(cur_tr) + len(need) > gs:
            groups.append(cur)
            group_trainers.append(cur_tr)
            cur, cur_tr = [], []
        cur.append(u)
        cur_tr.extend(need)
    if cur_tr:
        groups.append(cur)
        group_trainers.append(cur_tr)
    fdfs = sorted((t for t in sc.trainers if t.role == "fdf"), key=lambda t: t.id)
    n_fdf = len(fdfs)
    res.stage_seconds["build"] = time.perf_counter() - t0

    # ------------------------------------------------------------------ cost table
    t1 = time.perf_counter()
    costs = _Costs(w_c, origin)
    G = len(groups)
    # candidate ToT slots: enough for twice the groups (costs grow with the slot, so an optimal
    # timetable never needs a later slot while an earlier one is free)
    K = min(len(tot_table), math.ceil(2 * max(G, 1) / max(n_fdf, 1)) + 6) if n_fdf else 0
    cost = [[0.0] * K for _ in range(G)]
    latest = [[0] * K for _ in range(G)]
    cadre_units = [ud for ud in dem.units if ud.audience in ("perdir", "inspectors") and ud.sessions > 0]
    head_of = head_units(sc) if s.heads_first else {}
    # heads first: a unit's teachers wait at least for the end of its cadre unit's first slot
    first_seat = {(ud.unit_type, ud.unit_id): table(ud.audience, ud.departement, ud.unit_id).ends[0]
                  for ud in cadre_units if len(table(ud.audience, ud.departement, ud.unit_id))}
    head0 = {key: first_seat.get(cadre, NEVER) for key, cadre in head_of.items()}

    def wait(u: LocalUnit, ready: list[int]) -> list[int]:
        h = head0.get((u.demand.unit_type, u.demand.unit_id), NEVER)
        return ready if h == NEVER else [max(r, h) for r in ready]

    for g, units in enumerate(groups):
        ids = {t.id for t in group_trainers[g]}
        # per unit: its head's wait, and each trainer's ready time (None: the group's slot end + travel margin)
        prepared = [(u, head0.get((u.demand.unit_type, u.demand.unit_id), NEVER),
                     [(NEVER if t.qualified else (None if t.id in ids else 10**12), margin.get(t.id, 0))
                      for t in u.trainers]) for u in units]
        for k in range(K):
            ready_t = tot_table.ends[k]
            tot = 0.0
            mx = 0
            for u, h, trs in prepared:
                ready = [ready_t + m if r is None else r for r, m in trs]
                if h != NEVER:  # wait(u, ready)
                    ready = [max(r, h) for r in ready]
                c, comp, _ = costs.unit(u, ready)
                tot += c
                if comp is not None:
                    mx = max(mx, comp - origin)
            cost[g][k] = tot
            latest[g][k] = mx
    # units whose trainers are all qualified: fixed cost
    untrained_units = [u for u in locals_ if all(t.qualified for t in u.trainers)]
    fixed_cost = 0.0
    fixed_latest = 0
    for u in untrained_units:
        c, comp, _ = costs.unit(u, wait(u, [NEVER] * len(u.trainers)))
        fixed_cost += c
        if comp is not None:
            fixed_latest = max(fixed_latest, comp - origin)
    # cadres: lower bound of their completion (FdF capacity relaxed)
    cadre_lb_cost = 0.0
    cadre_lb_latest = 0
    for ud in cadre_units:
        tb = table(ud.audience, ud.departement, ud.unit_id)
        day = _cadre_lower_bound(tb, ud.sessions, n_fdf, s.max_per_fdf_per_day)
        if day is None:
            cadre_lb_cost += ud.sessions * UNPLACED_PENALTY_DAYS * max(w_c, 1.0)
        else:
            cadre_lb_cost += w_c * (day - origin)
            cadre_lb_latest = max(cadre_lb_latest, day - origin)
    res.stage_seconds["costs"] = time.perf_counter() - t1

    # ------------------------------------------------------------------ timetable
    t2 = time.perf_counter()
    day_of = [tot_table.days[k] for k in range(K)]
    full_slot = [n_fdf] * K
    full_day = {d: n_fdf * s.max_per_fdf_per_day for d in set(day_of)}
    greedy_choice = _greedy_timetable(groups, K, full_slot, full_day, day_of)
    ctx = _Ctx(sc, acad, groups, group_trainers, tot_table, fdfs, locals_, cadre_units, table, costs,
               head_of, HEADS_PENALTY_DAYS * max(w_c, 1.0))
    ctx.margin = margin
    ctx.places = FdfPlaces(sc)
    candidates = [(greedy_choice, None, False, None)]
    model_bound = None
    proven = False
    earliest_L = None
    if solver == "flow" and G and K:
        choice = _flow_timetable(cost, K, n_fdf)
        candidates.append((choice, None, False, None))
    if solver == "cpsat" and (G and K or cadre_units) and n_fdf:
        meetings = [_meetings(ud, table(ud.audience, ud.departement, ud.unit_id), s.max_per_fdf_per_day, origin)
                    for ud in cadre_units]
        heads, heads_const = None, 0.0
        if ctx.head_of:
            heads, heads_const = waiting_costs(locals_, ctx.head_of, cadre_units, meetings, costs,
                                               tot_table.ends[K - 1] if K else None, s.step1_minutes,
                                               ctx.head_penalty)
        out = _cpsat_joint(cost, latest, K, tot_table, n_fdf, s.max_per_fdf_per_day, w_c, w_l, fixed_latest,
                           cadre_units, meetings, time_limit, seed, mode, res.progress,
                           stop=stop, on_solution=on_solution, heads=heads, group_size=gs)
        if out is not None:
            choice, plan, model_bound, proven, earliest_L = out
            model_bound += heads_const  # every head waits at least for its cadre unit's first meeting
            days = assign_days(_day_tasks(ctx, choice, plan), [f.id for f in fdfs], s.max_per_fdf_per_day,
                               ctx.places.travel if ctx.places else None)
            candidates += [(choice, plan, True, None), (choice, plan, False, None), (choice, plan, True, days)]
    res.stage_seconds["timetable"] = time.perf_counter() - t2

    # ------------------------------------------------------------------ assemble: greedy, then the best candidate
    t3 = time.perf_counter()
    scored = []
    for i, (ch, cp, cf, dy) in enumerate(candidates):  # candidate 0 is the greedy
        obj, last = _assemble(ctx, ch, res, dry=True, cadre_plan=cp, cadres_first=cf, days=dy)
        scored.append(((last, obj) if mode == "lexicographic" else (obj,), i))
    res.greedy_objective = scored[0][0][-1]
    best = min(scored)[1]
    choice, cadre_plan, cadres_first, days = candidates[best]
    res.objective = _assemble(ctx, choice, res, dry=False, cadre_plan=cadre_plan, cadres_first=cadres_first,
                              days=days)[0]
    res.parts["from_model"] = best > 0
    res.stage_seconds["assemble"] = time.perf_counter() - t3

    # ------------------------------------------------------------------ bound
    fdf_sessions = sum(res.parts.get("fdf_loads", {}).values())
    fdf_lb = s.weight_fdf_load * (math.ceil(fdf_sessions / n_fdf) if n_fdf else 0)
    if model_bound is None:  # greedy run: each group at its cheapest slot, cadres at their first meeting
        model_bound = (sum(min(row) for row in cost) if K else 0.0) + cadre_lb_cost + w_l * max(
            max((min(row) for row in latest), default=0), fixed_latest, cadre_lb_latest)
    outcome = Outcome.of(objective=res.objective, bound=model_bound + fixed_cost + fdf_lb, solver=solver)
    res.bound, res.status = outcome.bound, outcome.status
    res.proven = proven
    if earliest_L is not None:
        res.earliest_latest_day = origin + earliest_L
    res.stage_seconds["total"] = time.perf_counter() - t0
    return res


# ---------------------------------------------------------------------- helpers
def _cadre_lower_bound(tb: SlotTable, n: int, n_fdf: int, fdf_day_cap: int) -> int | None:
    if n_fdf == 0:
        return None
    per_day: dict[int, int] = {}
    for d in tb.days:
        per_day[d] = per_day.get(d, 0) + 1
    acc = 0
    for d in sorted(per_day):
        acc += min(per_day[d] * n_fdf, fdf_day_cap * n_fdf)
        if acc >= n:
            return d
    return None


def _greedy_timetable(groups, K, slot_cap, day_cap, day_of) -> list[int | None]:
    """Fair greedy: largest groups (most downstream sessions) first, each at its earliest free slot."""
    order = sorted(range(len(groups)), key=lambda g: (-sum(u.demand.sessions for u in groups[g]), g))
    slot_used = [0] * K
    day_used: dict[int, int] = {}
    choice: list[int | None] = [None] * len(groups)
    for g in order:
        for k in range(K):
            if slot_used[k] < slot_cap[k] and day_used.get(day_of[k], 0) < day_cap[day_of[k]]:
                choice[g] = k
                slot_used[k] += 1
                day_used[day_of[k]] = day_used.get(day_of[k], 0) + 1
                break
    return choice


@dataclass
class _Meeting:
    day: int  # date ordinal
    start: int  # minutes after midnight (first slot's start)
    end: int  # minutes after midnight (last slot's end)
    per_fdf: int  # sessions one FdF can give at this meeting
    offset: int  # days after the origin


def _meetings(ud: UnitDemand, tb: SlotTable, day_cap: int, origin: int) -> list[_Meeting]:
    by_day: dict[int, list[int]] = {}
    for i, d in enumerate(tb.days):
        by_day.setdefault(d, []).append(i)
    return [_Meeting(d, tb.slots[idx[0]].start, tb.slots[idx[-1]].end, min(len(idx), day_cap), d - origin)
            for d, idx in sorted(by_day.items())]


class _Progress(cp_model.CpSolverSolutionCallback):
    """Throttled progress: (seconds, objective, bound) of each improving solution."""

    def __init__(self, t0: float, sink: list, on_solution=None) -> None:
        super().__init__()
        self.t0 = t0
        self.sink = sink
        self.on_solution = on_solution

    def on_solution_callback(self) -> None:
        self.sink.append((round(time.perf_counter() - self.t0, 3), self.ObjectiveValue() / SCALE,
                          self.BestObjectiveBound() / SCALE))
        if self.on_solution is not None:
            self.on_solution(*self.sink[-1])


def _cpsat_joint(cost, latest, K, tot_table, n_fdf, day_cap, w_c, w_l, L_floor, cadre_units, meetings,
                 time_limit, seed, mode, progress, stop=None, on_solution=None, heads=None, group_size=15):
    """The académie's FdF timetable: ToT groups (exact downstream costs) and cadre sessions per meeting.

    Aggregate FdF capacity at every instant and per day are necessary conditions of a real FdF
    assignment, so the model is a relaxation of the académie's problem and its bound is a proven
    lower bound of the plan's objective (fdf-load term apart)."""
    G = len(cost)
    t0 = time.perf_counter()

    # no search hint from the greedy timetable: CP-SAT spent longer completing it than finding the optimum
    # without it (2026-2027: a quarter of the national search; the greedy stays a candidate of the assembly)
    def build():  # the rules, one named function each (solvers.rules.cpsat)
        return build_timetable(cost, latest, K, tot_table, n_fdf, day_cap, w_c, L_floor, cadre_units, meetings,
                               heads, group_size)

    def run(m, limit, report=True):
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = max(limit, 0.5)
        solver.parameters.num_workers = 1
        solver.parameters.catch_sigint_signal = False  # Ctrl-C is the caller's (stop event)
        solver.parameters.random_seed = seed
        solver.parameters.relative_gap_limit = GAP_TOLERANCE
        # the LP of the capacity and completion rules proves big académies (Versailles 2027-2028: 30 s
        # unproven at 2.3 % with the default level, proven in 1.8 s at level 2); no loss on small ones
        solver.parameters.linearization_level = 2
        # one presolve pass: the second and third found nothing more on these models and were a quarter of
        # the national search (2026-2027: 6.2 s → 4.7 s of CP-SAT, the same optimum in each académie)
        solver.parameters.max_presolve_iterations = 1
        done = threading.Event()
        if stop is not None:  # « Arrêter » from the window: end the search, keep the best solution
            def watch() -> None:
                while not done.wait(0.05):
                    if stop.is_set():
                        solver.StopSearch()
                        return

            threading.Thread(target=watch, daemon=True).start()
        try:
            return solver, solver.Solve(m, _Progress(t0, progress, on_solution) if report else None)
        finally:
            done.set()

    ok = (cp_model.OPTIMAL, cp_model.FEASIBLE)

    def earliest(limit, report=True, start=None):  # the académie's earliest possible completion (exact when proven)
        tt, _, hi = build()
        minimise_earliest_completion(tt, hi)  # placing every cadre session comes first
        if start is not None and len(start) == len(tt.m.Proto().variables):  # a whole solution of the same
            # variables (the same rules built in the same order) to start from
            tt.m.ClearHints()
            hint = tt.m.Proto().solution_hint
            hint.vars.extend(range(len(start)))
            hint.values.extend(start)
        sol, st = run(tt.m, limit, report)
        return (int(sol.Value(tt.L)), st == cp_model.OPTIMAL) if st in ok else None

    if mode == "lexicographic":
        first = earliest(time_limit / 3)
        if first is None:
            return None
        earliest_L, earliest_proven = first
        tt, total, hi = build()
        minimise_lexicographic(tt, total, earliest_L)
        sol, st = run(tt.m, time_limit)
        if st not in ok:
            return None
    else:
        tt, total, hi = build()
        minimise_weighted(tt, total, w_l)
        sol, st = run(tt.m, time_limit)
        if st not in ok:
            return None
        # when the weighted plan ends at the completion's floor with every cadre session placed, it is the
        # earliest completion, proven without a second search (29 académies of 30 in 2026-2027; the first
        # pass was 40 % of the national search)
        floor_L, L_w = _completion_floor(latest, L_floor, cadre_units, meetings, n_fdf), int(sol.Value(tt.L))
        if L_w <= floor_L and not any(sol.Value(v) for v in tt.miss):
            earliest_L, earliest_proven = floor_L, True
        else:
            first = earliest(time_limit / 3, report=False, start=list(sol.ResponseProto().solution))
            earliest_L, earliest_proven = (min(first[0], L_w), first[1]) if first is not None else (None, False)
    x = tt.x
    choice = [next(k for k in range(K) if sol.Value(x[g][k])) for g in range(G)]
    plan = {ud.unit_id: [(mt.day, int(sol.Value(zj))) for mt, zj in zip(mts, z) if sol.Value(zj)]
            for ud, mts, z in zip(cadre_units, meetings, tt.z)}
    bound = sol.BestObjectiveBound() / SCALE
    if mode == "lexicographic":
        bound += w_l * earliest_L  # the sum's bound under the earliest completion, on the weighted scale
    proven = st == cp_model.OPTIMAL and earliest_proven
    return choice, plan, bound, proven, earliest_L


def _completion_floor(latest, L_floor: int, cadre_units, meetings, n_fdf: int) -> int:
    """A lower bound of the académie's completion: no ToT group's units end before those of its earliest
    slot, and no cadre unit ends before the meeting by which all its FdF could have given its sessions."""
    floor = max([L_floor] + [min(row) for row in latest])
    for ud, mts in zip(cadre_units, meetings):
        given = 0
        for mt in mts:
            given += n_fdf * mt.per_fdf
            if given >= ud.sessions:
                floor = max(floor, mt.offset)
                break
    return floor


def _flow_timetable(cost, K, n_fdf) -> list[int | None]:
    """Alternative formulation (kept for ``bench/compare_formulations.py``): a min-cost flow
    groups → ToT slots with the exact downstream costs, FdF per slot as capacity. It ignores the
    académie's latest-unit term and the cadres' use of the FdF."""
    from ortools.graph.python import min_cost_flow

    G = len(cost)
    f = min_cost_flow.SimpleMinCostFlow()
    src, sink = G + K, G + K + 1
    for g in range(G):
        f.add_arc_with_capacity_and_unit_cost(src, g, 1, 0)
        for k in range(K):
            f.add_arc_with_capacity_and_unit_cost(g, G + k, 1, int(round(cost[g][k] * SCALE)))
    for k in range(K):
        f.add_arc_with_capacity_and_unit_cost(G + k, sink, n_fdf, 0)
    f.set_node_supply(src, G)
    f.set_node_supply(sink, -G)
    if f.solve() != f.OPTIMAL:
        return [None] * G
    choice: list[int | None] = [None] * G
    for a in range(f.num_arcs()):
        if f.flow(a) and f.tail(a) < G and G <= f.head(a) < G + K:
            choice[f.tail(a)] = f.head(a) - G
    return choice


@dataclass
class _Ctx:
    sc: Scenario
    acad: object
    groups: list
    group_trainers: list
    tot_table: SlotTable
    fdfs: list
    locals_: list
    cadre_units: list
    table: object
    costs: _Costs
    head_of: dict  # local unit -> the cadre unit its head sits in (empty: heads_first off)
    head_penalty: float = 0.0  # cost of a unit whose head is not trained first
    margin: dict = field(default_factory=dict)  # trainer id -> travel minutes after their ToT
    places: object = None  # solvers.venues.FdfPlaces: where cadre and ToT sessions are held
    seated: dict = field(default_factory=dict)  # (cadre unit, seats, ready times) -> its heads' seats
    by_cadre: dict | None = None  # cadre unit -> the local units whose heads sit in it (heads.units_by_cadre)


def _place_cadres(ctx: _Ctx, pool: _FdfPool, *, dry: bool, plan: dict | None = None, pack: bool = True,
                  fixed: dict | None = None):
    """Cadre sessions, most sessions first. With ``plan`` ({unit: [(day, sessions)]}) each unit takes its
    planned meetings first; otherwise (and for any leftover) the earliest meetings with a free FdF.
    Returns (sessions, unplaced, cost, latest day offset, seats) with seats: cadre unit key ->
    [(end minute, participants, session id)]. ``fixed``: {unit id: [(slot index, FdF)]} already booked
    in ``pool`` (:func:`solvers.fdf_days.assign_days`), placed first."""
    s = ctx.sc.settings
    origin = s.first_day.toordinal()
    sessions, unplaced = [], []
    seats: dict[tuple[str, str], list] = {}
    total, latest = 0.0, 0
    for ud in sorted(ctx.cadre_units, key=lambda ud: (-ud.sessions, ud.unit_id)):
        tb = ctx.table(ud.audience, ud.departement, ud.unit_id)
        sizes = ud.group_sizes(s.group_size)
        quota = dict(plan.get(ud.unit_id, [])) if plan is not None else {}
        last_planned = max(quota, default=None)
        # FdF working in parallel at a planned meeting: as few as the model counted
        slots_on = {}
        for d in tb.days:
            slots_on[d] = slots_on.get(d, 0) + 1
        parallel = {d: math.ceil(q / min(slots_on[d], s.max_per_fdf_per_day)) for d, q in quota.items() if d in slots_on}
        placed, last = 0, None

        def put(i: int, f: str) -> None:
            nonlocal placed, last
            placed += 1
            last = tb.days[i] if last is None else max(last, tb.days[i])
            seats.setdefault((ud.unit_type, ud.unit_id), []).append(
                (tb.ends[i], sizes[placed - 1], f"S1-{ud.unit_id}-{placed:02d}"))
            if not dry:
                sl = tb.slots[i]
                sessions.append(Session(f"S1-{ud.unit_id}-{placed:02d}", "step1", ud.audience, ud.academie,
                                        ud.departement, ctx.acad.zone, ud.unit_type, ud.unit_id, f, sl.date,
                                        sl.start_hhmm, sl.end_hhmm, sizes[placed - 1], sl.window, placed))

        for i, f in sorted((fixed or {}).get(ud.unit_id, [])):
            if placed < ud.sessions:
                if tb.days[i] in quota:
                    quota[tb.days[i]] -= 1
                put(i, f)
        for i in range(len(tb)):
            if placed == ud.sessions:
                break
            d = tb.days[i]
            planned = last_planned is not None and d <= last_planned
            here = 0
            while placed < ud.sessions and (not planned or (quota.get(d, 0) > 0 and (not pack or here < parallel.get(d, 0)))):
                here += 1
                f = pool.take(d, tb.times[i], tb.ends[i], pack=pack,
                              place=ctx.places.cadre(ud) if ctx.places else None)
                if f is None:
                    break
                if planned:
                    quota[d] -= 1
                put(i, f)
        if placed < ud.sessions:
            left = ud.sessions - placed
            total += left * UNPLACED_PENALTY_DAYS * max(s.weight_completion, 1.0)
            label = "réunions de bassin" if ud.audience == "perdir" else "collèges d'inspecteurs"
            unplaced.append(Unplaced.of(ud, left, "fdf_capacity",
                                        explain_cadres(name=ud.name, n=ud.sessions, placed=placed, meeting_label=label)))
        if last is not None:
            total += s.weight_completion * (last - origin)
            latest = max(latest, last - origin)
    return sessions, unplaced, total, latest, seats


def _place_tot(ctx: _Ctx, pool: _FdfPool, choice, *, dry: bool, fixed: dict | None = None):
    """ToT sessions at their chosen slots (or the next slot with a free FdF). Returns
    (sessions, unplaced, trained_at, tot_id). ``fixed``: {group: FdF} already booked in ``pool`` at
    the group's chosen slot."""
    acad, tb = ctx.acad, ctx.tot_table
    sessions, unplaced = [], []
    trained_at: dict[str, int] = {}
    tot_id: dict[str, str] = {}
    placed = []
    for g in sorted(range(len(ctx.groups)), key=lambda g: (choice[g] if choice[g] is not None else 10**9, g)):
        k = choice[g] if choice[g] is not None else len(tb)
        f = (fixed or {}).get(g)
        if f is not None:
            placed.append((k, g, f))
            continue
        while k < len(tb):
            f = pool.take(tb.days[k], tb.times[k], tb.ends[k],
                          place=ctx.places.tot(ctx.groups[g][0].demand.departement, ctx.group_trainers[g]) if ctx.places else None)
            if f is not None:
                break
            k += 1
        if f is None:
            unplaced.append(Unplaced("academie", acad.code, f"Académie {acad.name}", acad.code,
                                     ctx.groups[g][0].demand.departement, "tot", "trainers", 1, "fdf_capacity",
                                     f"Académie {acad.name} : un groupe de {len(ctx.group_trainers[g])} formateurs "
                                     f"n'a pas de créneau de formation de formateurs avant la fin de l'horizon "
                                     f"(formateurs de formateurs indisponibles)."))
            continue
        placed.append((k, g, f))
    for n_g, (k, g, f) in enumerate(sorted(placed), 1):
        sid = f"TOT-{acad.code}-{n_g:03d}"
        for t in ctx.group_trainers[g]:
            trained_at[t.id] = tb.ends[k] + ctx.margin.get(t.id, 0)
            tot_id[t.id] = sid
        if not dry:
            sl = tb.slots[k]
            sessions.append(Session(sid, "tot", "trainers", acad.code, ctx.groups[g][0].demand.departement, acad.zone,
                                    "academie", acad.code, f, sl.date, sl.start_hhmm, sl.end_hhmm,
                                    len(ctx.group_trainers[g]), sl.window, n_g))
    return sessions, unplaced, trained_at, tot_id


def _day_tasks(ctx: _Ctx, choice, cadre_plan: dict) -> dict[int, list[Task]]:
    """The model's timetable as the days' FdF tasks (solvers.fdf_days): each ToT group at its slot,
    each cadre unit's planned sessions at its meeting of the day."""
    tb = ctx.tot_table
    days: dict[int, list[Task]] = {}
    for g, k in enumerate(choice):
        if k is not None and k < len(tb):
            place = ctx.places.tot(ctx.groups[g][0].demand.departement, ctx.group_trainers[g]) if ctx.places else None
            days.setdefault(tb.days[k], []).append(Task(("tot", g), ((tb.times[k], tb.ends[k]),), 1, place))
    for ud in ctx.cadre_units:
        quota = dict(cadre_plan.get(ud.unit_id, []))
        if not quota:
            continue
        ct = ctx.table(ud.audience, ud.departement, ud.unit_id)
        place = ctx.places.cadre(ud) if ctx.places else None
        for d, q in sorted(quota.items()):
            idx = list(range(bisect_left(ct.days, d), bisect_right(ct.days, d)))  # the day's slots (chronological)
            if q > 0 and idx:
                days.setdefault(d, []).append(Task(("cadre", ud.unit_id, tuple(idx)),
                                                   tuple((ct.times[i], ct.ends[i]) for i in idx), q, place))
    return days


def _book_days(ctx: _Ctx, pool: _FdfPool, choice, days: dict) -> tuple[dict, dict]:
    """Book in ``pool`` the FdF that :func:`assign_days` named; returns ({group: FdF}, {unit id: [(slot, FdF)]})."""
    tb = ctx.tot_table
    tot_fixed: dict[int, str] = {}
    cadre_fixed: dict[str, list[tuple[int, str]]] = {}
    units = {ud.unit_id: ud for ud in ctx.cadre_units}
    for key, xs in days.items():
        if key[0] == "tot":
            g = key[1]
            for d, _, f in xs[:1]:
                k = choice[g]
                place = ctx.places.tot(ctx.groups[g][0].demand.departement, ctx.group_trainers[g]) if ctx.places else None
                pool.take_as(f, d, tb.times[k], tb.ends[k], place)
                tot_fixed[g] = f
        else:
            ud = units[key[1]]
            ct = ctx.table(ud.audience, ud.departement, ud.unit_id)
            for d, j, f in xs:
                i = key[2][j]
                pool.take_as(f, d, ct.times[i], ct.ends[i], ctx.places.cadre(ud) if ctx.places else None)
                cadre_fixed.setdefault(key[1], []).append((i, f))
    return tot_fixed, cadre_fixed


def _seated_heads(ctx: _Ctx, readies: dict[int, list[int]], seats: dict, price) -> dict:
    """:func:`seat_heads_priced` of the units, cadre unit by cadre unit (each is its own assignment), once
    per (cadre unit, its seats, its units' ready times): the candidate timetables often train the same
    trainers at the same times and seat a cadre unit alike, and the chosen one is assembled twice."""
    if not ctx.head_of:
        return {}
    if ctx.by_cadre is None:
        ctx.by_cadre = units_by_cadre(ctx.locals_, ctx.head_of)
    heads: dict = {}
    for cadre, us in ctx.by_cadre.items():
        xs = seats.get(cadre, [])
        key = (cadre, tuple(xs), tuple([tuple(readies[id(u)]) for u in us]))
        got = ctx.seated.get(key)
        if got is None:
            got = ctx.seated[key] = seat_heads_priced(us, ctx.head_of, {cadre: xs}, price)
        heads.update(got)
    return heads


def _assemble(ctx: _Ctx, choice, res: AcademieResult, *, dry: bool, cadre_plan: dict | None = None,
              cadres_first: bool = True, days: dict | None = None) -> tuple[float, int]:
    """Build the plan of one timetable choice: (objective, latest day offset). ``dry``: evaluate only."""
    sc, acad = ctx.sc, ctx.acad
    s = sc.settings
    origin = s.first_day.toordinal()
    w_l = s.weight_academie_latest
    gs = s.group_size
    pool = _FdfPool(ctx.fdfs, s.max_per_fdf_per_day, ctx.places.travel if ctx.places else None)
    # the model counts FdF in aggregate; three ways turn its answer into named FdF, the best is kept
    if days is not None:  # named FdF day by day (solvers.fdf_days), then what they could not hold
        tot_fixed, cadre_fixed = _book_days(ctx, pool, choice, days)
        t_sessions, t_unplaced, trained_at, tot_id = _place_tot(ctx, pool, choice, dry=dry, fixed=tot_fixed)
        c_sessions, c_unplaced, c_cost, c_latest, seats = _place_cadres(ctx, pool, dry=dry, plan=cadre_plan,
                                                                        pack=True, fixed=cadre_fixed)
    elif cadre_plan is not None and cadres_first:  # the meetings' sessions on few FdF, then ToT
        c_sessions, c_unplaced, c_cost, c_latest, seats = _place_cadres(ctx, pool, dry=dry, plan=cadre_plan, pack=True)
        t_sessions, t_unplaced, trained_at, tot_id = _place_tot(ctx, pool, choice, dry=dry)
    else:  # ToT first, then cadres (at their planned meetings, or the earliest with a free FdF)
        t_sessions, t_unplaced, trained_at, tot_id = _place_tot(ctx, pool, choice, dry=dry)
        c_sessions, c_unplaced, c_cost, c_latest, seats = _place_cadres(ctx, pool, dry=dry, plan=cadre_plan, pack=False)
    sessions = t_sessions + c_sessions
    unplaced = t_unplaced + c_unplaced
    total, latest = c_cost, c_latest
    readies = {id(u): _ready_of(u, trained_at) for u in ctx.locals_}  # each unit's trainers' ready times
    base: dict[int, tuple] = {}  # per unit: its ready times, cost, sessions lost, first ready time

    def price(u: LocalUnit, end: int | None) -> float | None:
        b = base.get(id(u))
        if b is None:  # priced once per unit, not once per seat offered
            ready = readies[id(u)]
            c0, _, left0 = ctx.costs.unit(u, ready)
            b = base[id(u)] = (ready, c0, left0, min(ready, default=None))
        ready, c0, left0, first = b
        if end is None:
            return c0 + ctx.head_penalty
        if first is not None and end <= first:  # the seat ends before any trainer is ready: no wait
            return c0
        c, _, left = ctx.costs.unit(u, [max(r, end) for r in ready])
        return None if left > left0 else c

    heads = _seated_heads(ctx, readies, seats, price)
    first_seat = {cadre: min(xs)[0::2] for cadre, xs in seats.items() if xs}  # (end, session id)
    for u in ctx.locals_:
        ready = readies[id(u)]
        key = (u.demand.unit_type, u.demand.unit_id)
        if key in ctx.head_of:  # heads first: the unit's teachers wait for their head's session
            seat = heads.get(key)
            held, left = seat is not None, 0
            if held:
                ready = [max(r, seat[0]) for r in ready]
            else:  # no seat, or waiting would lose sessions or cost more than the rule's penalty
                seat = first_seat.get(ctx.head_of[key])
                if seat is not None:
                    c = price(u, seat[0])
                    if c is not None and c < price(u, None):
                        seat = None  # waiting was worth it: the seats were all taken
                    else:
                        left = max(0, ctx.costs.unit(u, [max(r, seat[0]) for r in ready])[2]
                                   - ctx.costs.unit(u, ready)[2])
            if not held:
                total += ctx.head_penalty
                if not dry:
                    unplaced.append(not_first(u.demand, ctx.head_of[key], seat=seat, left=left))
        c, comp, left = ctx.costs.unit(u, ready)
        total += c
        if comp is not None:
            latest = max(latest, comp - origin)
        if dry:
            continue
        if left:
            fams, why = explain_unit(name=u.demand.name, audience=u.demand.audience, n=u.demand.sessions,
                                     settings=s, zone=calendar_key(acad, s), departement=u.demand.departement,
                                     ready=ready, caps=u.caps)
            unplaced.append(Unplaced.of(u.demand, left, ",".join(fams), why + f" {left} session(s) non placée(s)."))
        assigned = ctx.costs.placement(u, ready)
        sizes = u.demand.group_sizes(gs)
        pinned_groups = {gi: (i, k) for gi, i, k in u.pins}
        pinned_pairs = set(pinned_groups.values())
        free_groups = [gi for gi in range(1, u.demand.sessions + 1) if gi not in pinned_groups]
        rest = sorted((a for a in assigned if a not in pinned_pairs), key=lambda a: (u.table.times[a[0]], a[1]))
        d = u.demand
        for gi, (i, k) in list(pinned_groups.items()) + list(zip(free_groups, rest)):
            if ready[k] > u.table.times[i]:
                unplaced.append(Unplaced.of(d, 1, "trainer_trained",
                                            f"{d.name} : la session épinglée du groupe {gi} précède la formation de "
                                            f"son formateur ; elle n'est pas placée."))
                continue
            sl = u.table.slots[i]
            sessions.append(Session(f"S1-{d.unit_id}-{gi:02d}", "step1", d.audience, d.academie, d.departement,
                                    acad.zone, d.unit_type, d.unit_id, u.trainers[k].id, sl.date,
                                    sl.start_hhmm, sl.end_hhmm, sizes[gi - 1], sl.window, gi,
                                    pinned=gi in pinned_groups))
    fdf_max = max(pool.load.values(), default=0)
    obj = total + w_l * latest + s.weight_fdf_load * fdf_max
    if not dry:
        res.sessions = sessions
        res.unplaced.extend(unplaced)
        res.latest_day = origin + latest if sessions else None
        res.parts.update({"units": total, "latest_days": latest, "fdf_max_load": fdf_max,
                          "fdf_loads": dict(sorted(pool.load.items()))})
        res.trainer_rows = [TrainerRow(t.id, t.role, t.academie, t.unit_type, t.unit_id, t.qualified,
                                       tot_id.get(t.id, ""), t.name)
                            for t in sorted(sc.trainers, key=lambda t: (t.role != "fdf", t.id))]
    return obj, latest
