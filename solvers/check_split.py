"""The independent checker, académies in parallel processes, when nothing in the plan crosses them.

Académies share no trainer, unit, venue, pin or cadre: a plan whose every session, trainer row, unit,
unplaced record and venue belongs to one académie is checked exactly by checking groups of académies apart,
each against its own scenario (:meth:`Scenario.restricted_to`), as the solve does in its workers.
:func:`check_folder` splits the académies of a plan folder in two groups of about the same size; a forked
process per group reads the group's sessions from sessions.csv (parsed once by Arrow before the fork, when it is
there: :mod:`planner.plan_arrow`; else every row parsed by each, only the group's kept) and checks them. The parent then proves that nothing crossed the groups (session ids unique, every trainer and
venue of a session in its own group, every row's académie in a group, every list of the scenario covered by
the plan's académies) and, if something did, reads and checks the whole plan in one piece.
"""
from __future__ import annotations

import multiprocessing as mp
import os
from concurrent.futures import ProcessPoolExecutor

from planner.models import Scenario
from planner.plan import Plan, PlanError, read_sessions
from planner.report import split_past
from planner.signals import sigint_blocked, sigint_deferred

from .checker import Finding, check_plan
from .records import past_summary

_KEPT: list = []  # in a forked child: its plan, left for the process's end to free
_FOLDER: tuple = ()  # (plan folder, its plan without sessions, scenario, groups, Arrow table or None): set before the fork


def covered_by(sc: Scenario, codes) -> bool:
    """Every unit, cadre, trainer, pin, preference and roadmap choice of ``sc`` belongs to one of ``codes``:
    the académies' own checks then see all of it."""
    own = sc.restricted_to(codes)
    lists = ("academies", "departements", "circonscriptions", "bassins", "etablissements", "ecoles", "trainers",
             "pins", "preferences", "roadmap_choices")
    return own.inspectors == sc.inspectors and all(len(getattr(own, f)) == len(getattr(sc, f)) for f in lists)


def _groups(head: Plan, sc: Scenario, workers: int) -> list[list[str]] | None:
    """The plan's académies in ``workers`` groups of about as many units, or ``None`` when its trainers, units or
    unplaced records say something crosses académies (or there is only one)."""
    codes = sorted({u.academie for u in head.units})
    if len(codes) < 2 or set(codes) - {a.code for a in sc.academies} or not covered_by(sc, codes):
        return None
    trainer_acad = {t.id: t.academie for t in sc.trainers}
    if any(trainer_acad.get(r.trainer_id, r.academie) != r.academie or r.academie not in codes for r in head.trainers):
        return None
    if any(u.get("academie") not in codes for u in head.unplaced):
        return None
    size = {c: 0 for c in codes}
    for u in head.units:
        size[u.academie] += 1
    groups: list[list[str]] = [[] for _ in range(min(workers, len(codes)))]
    load = [0] * len(groups)
    for c in sorted(codes, key=lambda c: (-size[c], c)):  # largest first, to the lightest group
        g = load.index(min(load))
        groups[g].append(c)
        load[g] += size[c]
    return [sorted(g) for g in groups]


def _check_group(i: int):
    """In a forked child: the group's sessions read and checked; what the parent needs to prove nothing crossed."""
    plan_dir, head, sc, groups, table = _FOLDER
    group = frozenset(groups[i])
    seen: set[str] = set()
    try:
        sessions = read_sessions(plan_dir, group, seen, table)
    except PlanError as exc:
        return "error", exc.line, str(exc)
    finally:
        if table is not None:
            table.release()
    part = Plan(sessions=sessions, trainers=[t for t in head.trainers if t.academie in group],
                units=[u for u in head.units if u.academie in group],
                report={**head.report, "unplaced": [u for u in head.unplaced if u.get("academie") in group]})
    trainer_acad = {t.id: t.academie for t in sc.trainers}
    trainer_acad.update((t.trainer_id, t.academie) for t in head.trainers)
    crosses = any(x.trainer_id and trainer_acad.get(x.trainer_id, x.academie) not in group for x in sessions)
    past = split_past(part.unplaced)[1]  # summed up once for the whole plan (check_folder)
    drop = Finding("unplaced", past_summary(past), "warning") if past else None
    findings = [f for f in check_plan(part, sc.restricted_to(sorted(group))) if f != drop]
    _KEPT.append(part)  # not freed one by one before the answer is sent (the process ends right after: 0.05 s)
    # the ids, for the parent to see none is in two groups; only their number when the file's ids are all distinct
    ids = len(sessions) if table is not None and table.ids_distinct else [x.session_id for x in sessions]
    return ("ok", findings, ids, {x.trainer_id for x in sessions if x.trainer_id},
            {x.venue for x in sessions if x.venue}, seen, crosses)


def _whole(plan_dir, sc: Scenario, table=None) -> tuple[list[Finding], int]:
    plan = Plan.read(plan_dir, table=table)
    return check_plan(plan, sc), len(plan.sessions)


def check_folder(plan_dir, head: Plan, sc: Scenario, workers: int | None = None,
                 table=None) -> tuple[list[Finding], int]:
    """(the findings of :func:`solvers.checker.check_plan`, sessions checked) for the plan folder ``plan_dir``,
    whose plan without its sessions is ``head`` (``Plan.read(plan_dir, academies=frozenset())``): its académies
    in ``workers`` forked processes, or the whole plan here when something crosses them, with one worker, or
    without fork. ``table``: what :func:`planner.plan_arrow.read_table_soon` gives for its sessions.csv (parsed
    once here, before the fork; each process then makes its own rows sessions). Raises :class:`PlanError` for a bad
    row of sessions.csv, as :meth:`Plan.read` does."""
    workers = workers or os.cpu_count() or 1
    table = table() if table is not None else None
    groups = _groups(head, sc, workers) if workers > 1 and "fork" in mp.get_all_start_methods() else None
    if groups is None:
        return _whole(plan_dir, sc, table)
    global _FOLDER
    _FOLDER = (plan_dir, head, sc, groups, table)
    pool = ProcessPoolExecutor(max_workers=len(groups), mp_context=mp.get_context("fork"))
    try:
        try:
            with sigint_deferred(), sigint_blocked():  # the children never see Ctrl-C: the parent stops them
                futs = [pool.submit(_check_group, i) for i in range(len(groups))]
            if table is not None and len(getattr(pool, "_processes", None) or ()) == len(groups):
                # both forked: the table is theirs now
                table.release()
            out = [f.result() for f in futs]
        except BaseException:
            for p in list(getattr(pool, "_processes", {}).values()):
                p.terminate()
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown()
    finally:
        _FOLDER = ()
    errors = [o for o in out if o[0] == "error"]
    if errors:  # the first bad row of the file, as a whole read says it
        line, message = min((o[1] if o[1] is not None else 0, o[2]) for o in errors)
        raise PlanError(message, line or None)
    codes = {c for g in groups for c in g}
    ids = [o[2] for o in out]
    crossing = (any(o[6] for o in out) or any(not o[5] <= codes for o in out)
                or (not all(isinstance(i, int) for i in ids) and _in_two(ids))
                or _in_two(o[3] for o in out) or _in_two(o[4] for o in out))
    if crossing:
        return _whole(plan_dir, sc)
    findings = [f for o in out for f in o[1]]
    past = split_past(head.unplaced)[1]
    if past:  # as the whole plan's check says it: one line
        findings.append(Finding("unplaced", past_summary(past), "warning"))
    return findings, sum(i if isinstance(i, int) else len(i) for i in ids)


def _in_two(collections) -> bool:
    """Some element is in two of ``collections`` (sets or lists of distinct elements: a group's session ids,
    160,000 of them, looked up in the others' set without a set of their own)."""
    seen: set = set()
    for c in collections:
        if not seen.isdisjoint(c):
            return True
        seen.update(c)
    return False
