"""Headless ``solve`` and ``check`` commands."""
from __future__ import annotations

import contextlib
import json
import os
import signal
import sys
import threading
import time
from pathlib import Path

from planner.collector import collection_off
from planner.demand import people_word
from planner.errors import fail as _err
from planner.errors import is_terminal
from planner.plan import Plan, PlanError
from planner.plan import check_target as _check_plan_target
from planner.report import as_planned, gone_at_start, sessions_of, split_past
from planner.scenario_io import ScenarioError, load_scenario


def _fr(x: float, digits: int) -> str:
    """A number with a decimal comma, as French writes it."""
    return f"{x:.{digits}f}".replace(".", ",")


def _fmt_date(iso: str | None) -> str:
    """« mercredi 19 mai 2027 », or « — » (no date)."""
    if not iso:
        return "—"
    import datetime as dt

    from planner.text import fr_date

    return fr_date(dt.date.fromisoformat(iso))


def apply_date_options(sc, school_year: str | None, plan_from, calendar: str | None) -> str | None:
    """``--calendar``, ``--school-year`` and ``--from`` applied to ``sc``; a French message on error."""
    from pydantic import ValidationError

    from planner.models import french_errors
    from planner.sources.calendar import CalendarFileError, apply_calendar, read_calendar_file

    if calendar:
        try:
            apply_calendar(sc, read_calendar_file(calendar))
        except CalendarFileError as exc:
            return str(exc)
    if school_year or plan_from:
        try:
            sc.settings = sc.settings.for_school_year(school_year, plan_from)
        except ValidationError as exc:
            return " ; ".join(french_errors(exc))
        except ValueError as exc:
            return str(exc)
    return None


_EXIT_KEPT: list = []  # what a command run as the program leaves for the process's end (kept_until_exit)


def kept_until_exit(args, *objects) -> None:
    """``objects`` (a national plan, its scenario) left for the process's end when ``main.py`` ends it at once after
    the command (``args.exit_soon``, :func:`main._leave`): not freed one by one when the command's functions
    return (a national plan: 0.08 s of one core, the last thing the user waits for). Freed as usual when the
    command runs inside another program (the tests, the window)."""
    if getattr(args, "exit_soon", False):
        _EXIT_KEPT.extend(objects)


@contextlib.contextmanager
def bulk_work(exit_soon: bool = False):
    """No cyclic garbage collection while a plan's sessions are built, written, read back and checked: they
    hold no reference cycle, and each collection would walk all of them again (a national plan: 350,000
    sessions; about 15 % of ``check``). Collection resumes afterwards, unless the process ends right after
    (``exit_soon``: the first collection would walk what :func:`kept_until_exit` keeps, 0.05 s more)."""
    with collection_off(resume=not exit_soon):
        yield


def run_solve(args) -> int:
    with bulk_work(getattr(args, "exit_soon", False)):
        return _run_solve(args)


def run_check(args, table=None) -> int:
    """``table``: sessions.csv being parsed already (:func:`solvers.pool_start.run_check`)."""
    with bulk_work(getattr(args, "exit_soon", False)):
        return _run_check(args, table)


def _run_solve(args) -> int:
    from planner.overrides import OverrideError, apply_overrides

    try:
        sc = load_scenario(args.scenario)
        overrides = list(getattr(args, "overrides", None) or [])
        if overrides:
            sc = sc.model_copy(update={"settings": apply_overrides(sc.settings, overrides)})
    except (ScenarioError, OverrideError) as exc:
        return _err(str(exc))
    msg = apply_date_options(sc, getattr(args, "school_year", None), getattr(args, "plan_from", None),
                             getattr(args, "calendar", None))
    if msg:
        return _err(msg)
    out = Path(args.out)
    try:
        _check_plan_target(out)
    except PlanError as exc:
        return _err(str(exc))
    last = [0.0]
    # on a terminal the line is rewritten in place; in a log (a pipe, a file) one line per second at most, each whole
    terminal = is_terminal(sys.stderr)
    every = 0.5 if terminal else 1.0

    def progress(p: dict) -> None:
        if args.quiet or time.perf_counter() - last[0] < every and p["academies_done"] < p["academies_total"]:
            return
        last[0] = time.perf_counter()
        line = (f"{p['academies_done']}/{p['academies_total']} académies, {p['sessions_placed']} sessions "
                f"placées ({p['elapsed']:.1f} s)")
        print("\r" + line if terminal else line, end="" if terminal else "\n", file=sys.stderr, flush=True)

    stop = threading.Event()
    early: list = []  # sessions.csv, begun while the report is computed
    try:
        return _solve_and_write(args, sc, out, progress, stop, overrides, early)
    finally:
        for e in early:
            if e.pid:
                e.abort()


def _solve_and_write(args, sc, out: Path, progress, stop: threading.Event, overrides: list, early: list) -> int:
    from .checker import check_plan
    from .followup_cli import FollowupSolveError, after_solve, followup_replan, store_path
    from .records import past_summary

    from planner.plan import start_sessions_csv

    processes = args.workers or os.cpu_count() or 1

    def after_academies(sessions) -> None:
        """The académies solved: their pool's server ended (:func:`stop_pool_server`), and sessions.csv begun
        by a forked process while the report is computed, when nothing will change the sessions before the
        folder is written: no scenario file to store them in (its statuses would apply), two cores or more."""
        from .pool_start import stop_pool_server

        stop_pool_server()
        if processes > 1 and store_path(args.scenario) is None:
            try:
                e = start_sessions_csv(out, sessions)
            except (PlanError, OSError):
                return  # the folder's write says why
            if e is not None:
                early.append(e)

    try:
        plan = followup_replan(args, sc)  # a scenario file with a current plan: keep what was held
    except FollowupSolveError as exc:
        return _err(str(exc))
    if plan is None:  # the solver (and OR-Tools) only when planning from scratch
        from .api import SolveError, solve

        started = _process_seconds()  # start-up: imports, the scenario, the dates

        try:
            plan = _interruptible(lambda: solve(sc, academie=args.academie, solver=args.solver,
                                                time_limit=args.time_limit, workers=args.workers, seed=args.seed,
                                                objective=args.objective, progress=progress, stop=stop,
                                                scenario_source=args.scenario or "national", precheck=True,
                                                interactive=False, on_sessions=after_academies), stop)
        except SolveError as exc:
            return _err(str(exc))
        if started is not None:
            plan.report.setdefault("parent_seconds", {})["startup"] = round(started, 3)
    if not args.quiet and is_terminal(sys.stderr):  # the progress line ends here
        print(file=sys.stderr)
    if args.scenario and args.scenario != "national":
        plan.report.setdefault("scenario", {})["file"] = str(Path(args.scenario).resolve())
    if overrides:
        plan.report["settings_overrides"] = overrides
    try:
        after_solve(args, plan)  # stored as the scenario's current plan; statuses applied for the folder
    except FollowupSolveError as exc:
        return _err(str(exc))
    kept_until_exit(args, plan, sc)
    try:
        plan.write(out, processes=processes, early=early[0] if early else None)  # sessions.csv: two halves at once
    except (PlanError, OSError) as exc:
        return _err(f"{out} : écriture du plan impossible ({getattr(exc, 'strerror', None) or exc})")
    r = plan.report
    k = r["kpis"]
    print(f"Plan écrit dans {out} — statut {r['status']}, {len(plan.sessions)} sessions.")
    print(f"Objectif {r['objective']:.0f} ; borne prouvée {r['best_bound']:.0f} (écart {_fr(100 * r['gap'], 2)} %) ; "
          f"glouton {r['greedy_objective']:.0f}.")
    print(f"Dernière session d'étape 1 : {_fmt_date(k['completion_date'])} "
          f"(au plus tôt possible : {_fmt_date(k.get('earliest_possible_completion_date'))}).")
    if k.get("share_trained_by_toussaint") is not None:
        def share(value, day) -> str:  # a date gone when planning starts: its share says nothing of the plan
            return "date passée" if gone_at_start(day, k.get("plan_from")) else f"{_fr(100 * (value or 0), 1)} %"

        pre = [d for days in ((r.get("settings") or {}).get("pre_rentree_dates") or {}).values()
               for d in (days if isinstance(days, list) else [days]) if d]  # each académie's in the horizon
        print(f"{people_word(r.get('settings')).capitalize()} formés avant la Toussaint : "
              f"{share(k['share_trained_by_toussaint'], k.get('toussaint_date'))} ; "
              f"avant Noël : {share(k['share_trained_by_christmas'], k.get('christmas_date'))} ; "
              f"sessions à la pré-rentrée : {share(k['share_at_pre_rentree'], max(pre, default=None))}.")
    unplaced, past = split_past(r["unplaced"])
    if past:
        print(f"Note : {past_summary(past)}.", file=sys.stderr)
    if unplaced:
        n = sessions_of(unplaced)
        print(f"Attention : {n} session(s) non placée(s) ({len(unplaced)} unité(s)) :", file=sys.stderr)
        for u in unplaced[:10]:
            print(f"  - {u['reason']}", file=sys.stderr)
        if len(unplaced) > 10:
            print(f"  … et {len(unplaced) - 10} autres (voir report.json).", file=sys.stderr)
    if args.academie and sc.find_academie(args.academie):
        sc = sc.restricted_to(sc.find_academie(args.academie).code)
    if plan.academie_errors == [] and store_path(args.scenario) is None:
        findings = []  # every académie checked clean in its worker, and nothing crosses académies
    else:
        findings = [f for f in check_plan(plan, sc) if f.severity == "error"]
    if findings:
        print(f"Le vérificateur indépendant signale {len(findings)} violation(s) :", file=sys.stderr)
        for f in findings[:10]:
            print(f"  - {f.message}", file=sys.stderr)
        return 1
    if stop.is_set():
        print("Arrêté par Ctrl-C : le plan écrit est le meilleur trouvé jusque-là "
              f"(code de sortie {EXIT_STOPPED}).", file=sys.stderr)
        return EXIT_STOPPED
    return 0


EXIT_STOPPED = 3


def _process_seconds() -> float | None:
    """Seconds since this process started (None when it cannot be told). On Linux from the kernel's clock ticks
    (/proc: a hundredth of a second); psutil's start time rests on the boot time in whole seconds, up to a
    second off."""
    try:
        with open("/proc/self/stat", encoding="ascii") as f:
            start_ticks = int(f.read().rsplit(")", 1)[1].split()[19])  # field 22, starttime
        with open("/proc/uptime", encoding="ascii") as f:
            return float(f.read().split()[0]) - start_ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, AttributeError):
        pass
    try:
        import psutil

        return time.time() - psutil.Process().create_time()
    except Exception:  # noqa: BLE001 - a figure for the bench, never an error
        return None


def _interruptible(work, stop: threading.Event):
    """Run ``work()`` in a thread; the first Ctrl-C sets ``stop`` (the solve ends early and returns its
    best plan), a second one abandons at once (code 130, nothing written)."""
    if threading.current_thread() is not threading.main_thread():
        return work()
    box: dict = {}

    def target() -> None:
        try:
            box["value"] = work()
        except BaseException as exc:  # noqa: BLE001 - re-raised in the main thread
            box["error"] = exc

    def on_sigint(signum, frame) -> None:
        if stop.is_set():
            print("\nAbandon (second Ctrl-C) : aucun plan écrit.", file=sys.stderr, flush=True)
            _abandon()
        stop.set()
        print("\nArrêt demandé (Ctrl-C) : le meilleur plan trouvé jusqu'ici va être écrit… "
              "(Ctrl-C à nouveau pour abandonner)", file=sys.stderr, flush=True)

    previous = signal.signal(signal.SIGINT, on_sigint)
    try:
        t = threading.Thread(target=target, name="solve", daemon=True)
        t.start()
        while t.is_alive():
            t.join(0.2)
    finally:
        signal.signal(signal.SIGINT, previous)
    if "error" in box:
        raise box["error"]
    return box["value"]


def _abandon() -> None:
    """Second Ctrl-C: end our own worker processes, then this one, without a traceback."""
    try:
        import psutil

        for child in psutil.Process().children(recursive=True):
            try:
                child.kill()
            except psutil.Error:
                pass
    except ImportError:
        pass
    sys.stderr.flush()
    os._exit(130)


def _run_check(args, table=None) -> int:
    from planner.plan_arrow import read_table_soon

    if table is None:  # parsed meanwhile, when pyarrow is there
        table = read_table_soon(Path(args.plan_dir) / "sessions.csv")
    try:
        return _check(args, table)
    finally:
        table()  # never left running behind an error


def _check(args, table) -> int:
    from .check_split import check_folder

    try:
        plan = Plan.read(args.plan_dir, academies=frozenset())  # the sessions: read by check_folder
    except PlanError as exc:
        return _err(str(exc))
    spec = args.scenario
    if spec is None:
        src = plan.report.get("scenario", {})
        spec = src.get("file") or src.get("source") or "national"
    try:
        sc = load_scenario(spec)
    except ScenarioError as exc:
        return _err(str(exc))
    as_planned(sc, plan.report)  # the plan's school year, dates and imported calendars
    codes = sorted({u.academie for u in plan.units})
    if len(codes) == 1 and len(sc.academies) > 1:  # a plan of one académie (solve --academie)
        sc = sc.restricted_to(codes[0])
    kept_until_exit(args, plan, sc)
    try:  # the académies in two processes (each reads its own sessions) when nothing crosses them
        findings, n_sessions = check_folder(args.plan_dir, plan, sc, table=table)
    except PlanError as exc:
        return _err(str(exc))
    errors = [f for f in findings if f.severity == "error"]
    warnings = [f for f in findings if f.severity != "error"]
    by_rule: dict[str, int] = {}
    for f in errors:
        by_rule[f.rule] = by_rule.get(f.rule, 0) + 1
    for msg in plan.folder_issues:  # a mixed folder is never conforme, whatever its sessions say
        print(f"VIOLATION [dossier] {msg}")
        by_rule["dossier"] = by_rule.get("dossier", 0) + 1
    if plan.folder_unverified:
        print("Avertissement [dossier] report.json ne porte pas l'empreinte des fichiers du plan (dossier écrit par "
              "une version antérieure) : la cohérence des fichiers entre eux n'est pas vérifiée.")
    n_errors = len(errors) + len(plan.folder_issues)
    for f in errors[:50]:
        print(f"VIOLATION [{f.rule}] {f.message}")
    if len(errors) > 50:
        print(f"… et {len(errors) - 50} autres violations.")
    for f in warnings[:20]:
        print(f"Avertissement [{f.rule}] {f.message}")
    if len(warnings) > 20:
        print(f"… et {len(warnings) - 20} autres avertissements.")
    if n_errors:
        print(f"Plan NON conforme : {n_errors} violation(s) ({json.dumps(by_rule, ensure_ascii=False)}).")
        return 1
    print(f"Plan conforme : {n_sessions} sessions vérifiées, toutes les règles respectées"
          + (f" ; {len(warnings)} avertissement(s)." if warnings else "."))
    return 0
