"""Solve a scenario into a Plan: académies in a process pool, then the report and its KPIs.

Public API (used by the CLI and the window):
``solve(scenario, academie=None, solver="cpsat", time_limit=60, workers=None, seed=0, objective=None,
progress=None, stop=None) -> Plan``.
"""
from __future__ import annotations

import ctypes
import datetime as dt
import gc
import heapq
import os
import signal
import sys
import threading
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from operator import attrgetter
from typing import TYPE_CHECKING, Callable

import ortools

from planner.budget import plan_budget, session_counts
from planner.collector import collection_off
from planner.compare import scenario_data_hash
from planner.store_codec import scenario_fingerprint
from planner.report import calendar_warnings, imported_periods, split_past, teacher_kpis, year_calendar
from planner.signals import sigint_blocked as _sigint_blocked
from planner.models import Scenario
from planner.plan import Plan, Session

from .pool_start import WORKER_MODULES, warm_pool  # noqa: F401 (public API)
from .pool_start import context as _context
from .summary import kpis, unit_rows  # noqa: F401 (kpis: public API)
from .records import Outcome, Report, Unplaced, past_summary

if TYPE_CHECKING:
    from .records import AcademieResult
from .venues import VenueBook, assign_roadmap, assign_step1

SOLVER_VERSION = "1.0"
ProgressFn = Callable[[dict], None]


class SolveError(Exception):
    """A solve request that cannot run (French message)."""


_POOL_STOP = None  # in a pool worker: the parent's multiprocessing Event for « Arrêter » / Ctrl-C


def _worker_init(stop_event) -> None:
    """Pool workers ignore Ctrl-C (the parent decides) and stop their search when the parent says so. The
    objects they start with (the imports: OR-Tools, pandas, the models) are frozen out of cyclic garbage
    collection: each full collection between two académies walked them all again (0.08 s → 0.015 s)."""
    global _POOL_STOP
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _POOL_STOP = stop_event
    gc.freeze()


def _solve_one(sc: Scenario, code: str, solver: str, time_limit: float, seed: int, objective: str | None,
               stop=None, on_solution=None, precheck: bool = False) -> AcademieResult:
    """One académie, in a worker process: step 1 and ToT, then steps 2 to 6 of its units (and, with
    ``precheck``, the independent checker on the académie's own plan). Without cyclic garbage collection
    meanwhile: the académie's objects (model, slots, sessions) are walked once it is done, not again and
    again while they are built (a tenth of the work outside the search). In a pool's worker, collection stays
    off until the result is sent (pickling 25,000 sessions with it on set off collections walking them all):
    the previous académie's cycles are collected when the next one starts."""
    pooled = _POOL_STOP is not None
    if pooled:
        gc.collect()
    try:
        with collection_off(resume=not pooled):
            return _academie(sc, code, solver, time_limit, seed, objective, stop, on_solution, precheck)
    finally:
        _give_back_memory()


def _give_back_memory() -> None:
    """Hand the memory the académie's model freed back to the system (glibc keeps it otherwise): a worker
    waiting for the last académies then holds its imports only, not the high-water mark of its largest one."""
    if not sys.platform.startswith("linux"):
        return
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):
        pass


def _academie(sc: Scenario, code: str, solver: str, time_limit: float, seed: int, objective: str | None,
              stop, on_solution, precheck: bool) -> AcademieResult:
    from .academie import solve_academie  # CP-SAT: the workers' (the forkserver preloads it), not the parent's

    done = threading.Event()
    if stop is None and _POOL_STOP is not None:  # relay the parent's stop to this worker's search
        stop = threading.Event()

        def relay() -> None:
            while not done.is_set():
                if _POOL_STOP.wait(0.1):
                    stop.set()
                    return

        threading.Thread(target=relay, daemon=True).start()
    try:
        res = solve_academie(sc, code, solver=solver, time_limit=time_limit, seed=seed, objective_mode=objective,
                             stop=stop, on_solution=on_solution)
    finally:
        done.set()
    own = sc if len(sc.academies) == 1 else sc.restricted_to(code)
    t = time.perf_counter()
    book = VenueBook(own)
    res.parts["venues"] = assign_step1(own, res.sessions, res.trainer_rows, book)
    _add_roadmap(own, res)
    res.parts["venues"].update(assign_roadmap(own, res.sessions, book))
    loads: dict[str, int] = {}
    for x in res.sessions:
        if x.kind == "tot" or x.audience in ("perdir", "inspectors"):
            loads[x.trainer_id] = loads.get(x.trainer_id, 0) + 1
    if "fdf_loads" in res.parts:
        res.parts["fdf_loads"] = {f: loads.get(f, 0) for f in res.parts["fdf_loads"]}
        res.parts["fdf_max_load"] = max(res.parts["fdf_loads"].values(), default=0)
    res.stage_seconds["venues"] = time.perf_counter() - t - res.stage_seconds.get("roadmap", 0.0)
    if precheck:
        t = time.perf_counter()
        res.parts["check_findings"] = _check_findings(own, res)
        res.stage_seconds["check"] = time.perf_counter() - t
    if _POOL_STOP is None:  # in a pool's worker, the result's pickling shares them (AcademieResult.__getstate__)
        _share_texts(res.sessions)
    res.sessions.sort(key=SESSION_ORDER)  # in the worker: the parent's sort of the nation then merges sorted runs
    return res


def _share_texts(sessions: list[Session]) -> None:
    """The texts sessions repeat (times, titles, attendee lists) kept once: the result pickles once per text, and
    the parent holds one copy of each (a national plan: 50 MB less)."""
    share = sys.intern
    for x in sessions:
        x.start, x.end, x.title, x.attendees = share(x.start), share(x.end), share(x.title), share(x.attendees)


def _check_findings(own: Scenario, res: AcademieResult) -> list[tuple[str, str, str, str]]:
    """The independent checker's findings (rule, message, severity, session id) on one académie's own plan: its
    sessions, trainers, units and unplaced records, against the académie's scenario. Not the one line that sums up
    the meetings already past: the whole plan's check says it once for all académies (:func:`academie_findings`)."""
    from .checker import check_plan

    sub = Plan(sessions=res.sessions, trainers=res.trainer_rows, units=unit_rows(own),
               report={"unplaced": [u.as_dict() for u in res.unplaced]})
    past = split_past(sub.unplaced)[1]
    drop = ("unplaced", past_summary(past), "warning") if past else None
    return [(f.rule, f.message, f.severity, f.session_id) for f in check_plan(sub, own)
            if (f.rule, f.message, f.severity) != drop]


def academie_findings(plan: Plan) -> list | None:
    """What the independent checker finds in a plan that :func:`solve` checked académie by académie
    (``precheck``: ``Plan.academie_errors`` is not None), as :func:`solvers.checker.check_plan` says it of the
    whole plan (the same findings, académie after académie): None when it was not checked so."""
    from .checker import Finding

    if plan.academie_errors is None or plan.academie_findings is None:
        return None
    out = [Finding(*f) for f in plan.academie_findings]
    past = split_past(plan.unplaced)[1]
    if past:  # as the whole plan's check says it: one line
        out.append(Finding("unplaced", past_summary(past), "warning"))
    return out


class _Screen:
    """What :func:`_academie_errors` asks of the académies' results, gathered as they come in (while the others are
    solved, not after the last one): their session ids, and whether the scenario is covered by the académies."""

    def __init__(self) -> None:
        self.ids: set[str] = set()
        self.n = 0
        self.seen: set[str] = set()  # the académies whose sessions are counted
        self.covered: bool | None = None

    def add(self, res: AcademieResult) -> None:
        if res.code not in self.seen:
            self.seen.add(res.code)
            self.ids.update(x.session_id for x in res.sessions)
            self.n += len(res.sessions)


def _academie_errors(sc: Scenario, codes: list[str], results: list[AcademieResult],
                     screen: _Screen | None = None) -> list | None:
    """The académies' checker errors put together, when they say all the national checker would: every
    académie was checked, no session id is used twice, and every unit, cadre, trainer, pin, preference
    and roadmap choice of ``sc`` belongs to one of ``codes`` (nothing the académie checks could miss).
    ``None`` otherwise: the whole plan must be checked. ``screen``: what is already known of ``results``."""
    if any("check_findings" not in r.parts for r in results) or sorted(r.code for r in results) != sorted(codes):
        return None
    screen = screen or _Screen()
    for r in results:
        screen.add(r)
    if len(screen.ids) != screen.n:
        return None
    if screen.covered is None:
        from .check_split import covered_by

        screen.covered = covered_by(sc, codes)
    if not screen.covered:
        return None
    return [(rule, message) for r in results for rule, message, severity, _ in r.parts["check_findings"]
            if severity == "error"]


def solve(scenario: Scenario, *, academie: str | None = None, solver: str = "cpsat", time_limit: float = 60.0,
          workers: int | None = None, seed: int = 0, objective: str | None = None,
          progress: ProgressFn | None = None, stop: threading.Event | None = None,
          scenario_source: str = "national", precheck: bool = False, interactive: bool = True,
          on_sessions: Callable[[list[Session]], None] | None = None) -> Plan:
    """Plan step 1 and the train-the-trainer cascade of ``scenario`` (or of one académie). With ``precheck``
    each académie's plan is checked in its worker, while the others are solved (``Plan.academie_errors``);
    ``interactive`` false: no window waits for the interpreter lock (the command line). ``on_sessions``: called
    with the plan's sessions, in their final order, before its report is computed (the command line starts
    writing sessions.csv then)."""
    t0 = time.perf_counter()
    if solver not in ("cpsat", "greedy"):
        raise SolveError(f"solveur inconnu « {solver} » (attendu : cpsat ou greedy)")
    sc = scenario
    if academie:
        a = sc.find_academie(academie)
        if a is None:
            raise SolveError(f"académie inconnue « {academie} » (code, ex. 16, ou nom, ex. Toulouse)")
        sc = sc.restricted_to(a.code)
    codes = [a.code for a in sc.academies]
    # largest académies first, so the pool ends together
    size = {c: 0 for c in codes}
    for t in sc.trainers:
        if t.academie in size:
            size[t.academie] += 1
    codes.sort(key=lambda c: (-size[c], c))
    workers = max(1, min(workers or os.cpu_count() or 1, len(codes)))
    # each académie gets the time limit (they run in parallel); keep a margin for assembling
    per_acad = max(1.0, float(time_limit))
    results: dict[str, AcademieResult] = {}
    stopped = False
    basis = None  # report_basis(sc), while a pool works
    screen = _Screen() if precheck else None  # what _academie_errors asks, while a pool works

    def report_progress() -> None:
        if progress:
            progress({
                "stage": "académies",
                "academies_done": len(results),
                "academies_total": len(codes),
                "sessions_placed": sum(len(r.sessions) for r in results.values()),
                "objective": sum(r.objective for r in results.values()),
                "bound": sum(r.bound for r in results.values()),
                "elapsed": time.perf_counter() - t0,
            })

    report_progress()
    if workers == 1 or len(codes) == 1:
        for c in codes:
            if stop is not None and stop.is_set():
                stopped = True
            mode_solver = "greedy" if stopped else solver

            def on_solution(sec: float, obj: float, bound: float, c=c) -> None:
                if progress:  # the current académie's search, on top of those already done
                    progress({"stage": f"CP-SAT académie {c}", "academies_done": len(results),
                              "academies_total": len(codes),
                              "sessions_placed": sum(len(r.sessions) for r in results.values()),
                              "objective": sum(r.objective for r in results.values()) + obj,
                              "bound": sum(r.bound for r in results.values()) + bound,
                              "elapsed": time.perf_counter() - t0})

            results[c] = _solve_one(sc.restricted_to(c) if len(codes) > 1 else sc, c, mode_solver, per_acad, seed,
                                    objective, stop=stop, on_solution=on_solution, precheck=precheck)
            stopped = stopped or (stop is not None and stop.is_set())
            report_progress()
    else:
        ctx = _context()
        pool_stop = ctx.Event()
        with ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_worker_init,
                                 initargs=(pool_stop,)) as pool:
            with _sigint_blocked():  # the processes started here (forkserver, workers) never see Ctrl-C
                futs = {pool.submit(_solve_one, sc.restricted_to(c), c, solver, per_acad, seed, objective,
                                    precheck=precheck): c
                        for c in codes}
            pending = set(futs)
            basis = report_basis(sc)  # meanwhile: what the report says of the scenario alone
            if screen is not None:
                from .check_split import covered_by

                screen.covered = covered_by(sc, codes)
            while pending:
                done, pending = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
                for f in done:
                    if not f.cancelled():
                        res = results[futs[f]] = f.result()
                        if screen is not None:
                            screen.add(res)
                        report_progress()
                if stop is not None and stop.is_set() and pending and not stopped:
                    # académies not started are dropped; running ones end their search and keep their best plan
                    stopped = True
                    pool_stop.set()
                    for f in pending:
                        f.cancel()
        for c in codes:  # académies not reached before the stop: a fast, valid greedy plan
            if c not in results:
                results[c] = _solve_one(sc.restricted_to(c), c, "greedy", per_acad, seed, objective, precheck=precheck)
                report_progress()
    plan = build_plan(sc, [results[c] for c in sorted(results)], solver=solver, seed=seed, stopped=stopped,
                      seconds=time.perf_counter() - t0, scenario_source=scenario_source, objective=objective,
                      interactive=interactive, on_sessions=on_sessions, basis=basis)
    plan.report["solve_seconds"] = round(time.perf_counter() - t0, 3)
    if precheck:
        plan.academie_errors = _academie_errors(sc, codes, list(results.values()), screen)
        if plan.academie_errors is not None:
            plan.academie_findings = [f for c in sorted(results) for f in results[c].parts["check_findings"]]
    return plan


def _add_roadmap(sc: Scenario, res: AcademieResult) -> None:
    """Steps 2 to 6 after step 1 (same worker), when the roadmap planner is available."""
    try:
        from .roadmap import plan_roadmap
    except ImportError:
        return
    t = time.perf_counter()
    out = plan_roadmap(sc, Plan(sessions=list(res.sessions), trainers=list(res.trainer_rows), units=unit_rows(sc)))
    sessions, unplaced = out if isinstance(out, tuple) else (out, [])
    res.sessions.extend(sessions)
    res.unplaced.extend(u if isinstance(u, Unplaced) else Unplaced.from_dict(u) for u in unplaced)
    res.stage_seconds["roadmap"] = time.perf_counter() - t


def _sum_dicts(ds) -> dict:
    out: dict[str, int] = {}
    for d in ds:
        for k, v in d.items():
            out[k] = out.get(k, 0) + v
    return out


SESSION_ORDER = attrgetter("date", "start", "session_id")  # the plan's order of sessions


def sorted_sessions(runs: list[list[Session]], interactive: bool = True) -> list[Session]:
    """The sessions of every académie by date, start and id. In the main thread or without a window
    (``interactive`` false: the command line), one sort: the runs come sorted from the workers, so it merges
    them in C (a national plan: 0.17 s). In a background thread of the window: each académie sorted, then
    merged — no single sort of the nation holds the interpreter lock while the window waits for it
    (0.4 s more in all)."""
    key = SESSION_ORDER
    if not interactive or threading.current_thread() is threading.main_thread() or len(runs) < 2:
        return sorted((x for run in runs for x in run), key=key)
    return list(heapq.merge(*(sorted(run, key=key) for run in runs), key=key))


def report_basis(sc: Scenario) -> dict:
    """What the plan's report says of the scenario alone (its settings, calendars, units and fingerprints): computed
    by :func:`solve` while the académies' processes work, not after them (a national scenario: 0.3 s of the
    end of the solve)."""
    settings = sc.settings.model_dump(mode="json")
    cal = year_calendar(sc)
    cal["imported_periods"] = imported_periods(sc)
    settings["pre_rentree_dates"] = {c: a["pre_rentree_in_horizon"] for c, a in cal["academies"].items()}
    return {"settings": settings, "calendar": cal, "calendar_warnings": calendar_warnings(cal),
            "units": unit_rows(sc), "hash": scenario_fingerprint(sc), "data_hash": scenario_data_hash(sc)}


def build_plan(sc: Scenario, results: list[AcademieResult], *, solver: str, seed: int, stopped: bool, seconds: float,
               scenario_source: str, objective: str | None, interactive: bool = True,
               on_sessions: Callable[[list[Session]], None] | None = None, basis: dict | None = None) -> Plan:
    """The plan of the académies' ``results`` and its report (``basis``: :func:`report_basis` of ``sc``, computed
    here when not given)."""
    t0 = time.perf_counter()
    basis = basis if basis is not None else report_basis(sc)
    trainers = []
    unplaced: list[Unplaced] = []
    for r in results:
        trainers.extend(r.trainer_rows)
        unplaced.extend(r.unplaced)
    sessions = sorted_sessions([r.sessions for r in results], interactive)
    if on_sessions is not None:
        on_sessions(sessions)
    obj = sum(r.objective for r in results)
    bound = sum(r.bound for r in results)
    greedy = sum(r.greedy_objective for r in results)
    outcome = Outcome.of(objective=obj, bound=bound, solver=solver, stopped=stopped,
                         parts_optimal=all(r.status == "OPTIMAL" for r in results))
    earliest = [r.earliest_latest_day for r in results if r.earliest_latest_day is not None]
    stage: dict[str, float] = {}
    for r in results:
        for k, v in r.stage_seconds.items():
            stage[k] = round(stage.get(k, 0.0) + v, 3)
    settings, cal, units = basis["settings"], basis["calendar"], basis["units"]
    counts = session_counts(sessions)  # one pass for the KPIs and the budget
    k = teacher_kpis(sessions, units, cal, sc.settings, counts)
    k["earliest_possible_completion_date"] = (dt.date.fromordinal(max(earliest)).isoformat()
                                             if earliest and len(earliest) == len(results) else None)
    now = dt.datetime.now().replace(microsecond=0)
    report = Report(
        outcome=outcome,
        greedy_objective=greedy,
        solve_seconds=seconds,
        stage_seconds=stage,
        unplaced=unplaced,
        settings=settings,
        calendar=cal,
        calendar_warnings=basis["calendar_warnings"],
        objective_mode=objective or sc.settings.objective_mode,
        solver={"name": solver, "ortools": ortools.__version__, "planner": SOLVER_VERSION,
                "formulation": "ToT × créneau (coûts aval exacts) + réunions des cadres, CP-SAT 1 worker par académie"},
        seed=seed,
        kpis=k,
        scenario={"name": sc.name, "source": scenario_source, "hash": basis["hash"]},
        academies=[{"code": r.code, "status": r.status, "objective": round(r.objective, 3), "bound": round(r.bound, 3),
                    "gap": round((r.objective - r.bound) / r.objective, 6) if r.objective else 0.0,
                    "search_proven": r.proven,
                    "greedy_objective": round(r.greedy_objective, 3),
                    "completion_date": dt.date.fromordinal(r.latest_day).isoformat() if r.latest_day else None,
                    "earliest_possible_completion_date": (dt.date.fromordinal(r.earliest_latest_day).isoformat()
                                                          if r.earliest_latest_day else None),
                    "fdf_max_load": r.parts.get("fdf_max_load"), "fdf_loads": r.parts.get("fdf_loads", {}),
                    "seconds": round(r.stage_seconds.get("total", 0.0), 3),
                    "progress": r.progress[-20:]}
                   for r in results],
        plan_name=f"Plan {sc.name}",
        generated_at=now.isoformat(),
    ).as_dict()
    plan = Plan(sessions=sessions, trainers=trainers, units=units, report=report)
    report["scenario"]["data_hash"] = basis["data_hash"]  # same territory and people, any settings
    # hours and euros per category, académie, envelope
    report["budget"] = plan_budget(plan, sc.settings, counts=counts)
    report["venues"] = _sum_dicts(r.parts.get("venues", {}) for r in results)
    # the parent's own stages, outside the académies' workers (bench/solve_national.py prints them)
    report["parent_seconds"] = {"build_plan": round(time.perf_counter() - t0, 3)}
    return plan


from .replan import Candidate, ReplanError, candidate_slots, replan_unit, replan_with_pin  # noqa: E402,F401 (public API)
