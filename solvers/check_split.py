"""The independent checker, one académie per process, when nothing in the plan crosses académies.

Académies share no trainer, unit, venue, pin or cadre: a plan whose every session, trainer row, unit,
unplaced record and venue belongs to one académie is checked exactly by checking each académie's part
against the académie's own scenario (:meth:`Scenario.restricted_to`), as the solve does in its workers.
:func:`check_plan_split` proves those conditions first (session ids unique, every trainer of a session and
every venue in the session's own académie, every list of the scenario covered by its académies) and
checks the whole plan in one piece otherwise. The académies' parts are checked in forked processes,
which read the plan the parent already holds (nothing is pickled but the findings).
"""
from __future__ import annotations

import gc
import multiprocessing as mp
import os
from concurrent.futures import ProcessPoolExecutor

from planner.models import Scenario
from planner.plan import Plan

from planner.report import split_past
from planner.signals import sigint_blocked

from .checker import Finding, check_plan
from .records import past_summary

_PARTS: list[tuple[Plan, Scenario]] = []  # set in the parent before the fork; the children read it


def covered_by(sc: Scenario, codes) -> bool:
    """Every unit, cadre, trainer, pin, preference and roadmap choice of ``sc`` belongs to one of ``codes``:
    the académies' own checks then see all of it."""
    own = sc.restricted_to(codes)
    lists = ("academies", "departements", "circonscriptions", "bassins", "etablissements", "ecoles", "trainers",
             "pins", "preferences", "roadmap_choices")
    return own.inspectors == sc.inspectors and all(len(getattr(own, f)) == len(getattr(sc, f)) for f in lists)


def split_by_academie(plan: Plan, sc: Scenario) -> list[tuple[Plan, Scenario]] | None:
    """Each académie's part of the plan with its own scenario, or ``None`` when something crosses académies
    (then only the whole plan's check says everything)."""
    codes = sorted({u.academie for u in plan.units} | {x.academie for x in plan.sessions})
    if len(codes) < 2 or set(codes) - {a.code for a in sc.academies}:
        return None
    if not covered_by(sc, codes):
        return None
    trainer_acad = {t.id: t.academie for t in sc.trainers}
    for r in plan.trainers:
        if trainer_acad.get(r.trainer_id, r.academie) != r.academie:
            return None
    row_acad = {r.trainer_id: r.academie for r in plan.trainers}
    venue_acad: dict[str, str] = {}
    ids: set[str] = set()
    sessions: dict[str, list] = {c: [] for c in codes}
    for x in plan.sessions:
        if x.session_id in ids:
            return None
        ids.add(x.session_id)
        if x.trainer_id and trainer_acad.get(x.trainer_id, row_acad.get(x.trainer_id, x.academie)) != x.academie:
            return None
        if x.venue and venue_acad.setdefault(x.venue, x.academie) != x.academie:
            return None
        sessions[x.academie].append(x)
    unplaced: dict[str, list] = {c: [] for c in codes}
    for u in plan.unplaced:
        if u.get("academie") not in unplaced:
            return None
        unplaced[u["academie"]].append(u)
    trainers: dict[str, list] = {c: [] for c in codes}
    for r in plan.trainers:
        if r.academie not in trainers:
            return None
        trainers[r.academie].append(r)
    units: dict[str, list] = {c: [] for c in codes}
    for u in plan.units:
        units[u.academie].append(u)
    return [(Plan(sessions=sessions[c], trainers=trainers[c], units=units[c],
                  report={**plan.report, "unplaced": unplaced[c]}), sc.restricted_to(c)) for c in codes]


def _check_part(i: int) -> list[Finding]:
    part, own = _PARTS[i]
    past = split_past(part.unplaced)[1]  # summed up once for the whole plan (check_plan_split)
    drop = Finding("unplaced", past_summary(past), "warning") if past else None
    return [f for f in check_plan(part, own) if f != drop]


def check_plan_split(plan: Plan, sc: Scenario, workers: int | None = None) -> list[Finding]:
    """The findings of :func:`solvers.checker.check_plan`, the académies checked in ``workers`` forked processes
    (the whole plan in this process when something crosses académies, with one worker, or without fork)."""
    workers = workers or os.cpu_count() or 1
    if workers < 2 or "fork" not in mp.get_all_start_methods():
        return check_plan(plan, sc)
    parts = split_by_academie(plan, sc)
    if parts is None:
        return check_plan(plan, sc)
    global _PARTS
    _PARTS = parts
    gc.freeze()  # the children's collections leave the parent's objects (and their pages) alone
    try:
        order = sorted(range(len(parts)), key=lambda i: -len(parts[i][0].sessions))  # largest first
        pool = ProcessPoolExecutor(max_workers=min(workers, len(parts)), mp_context=mp.get_context("fork"))
        try:
            with sigint_blocked():  # the children never see Ctrl-C: the parent stops them
                futs = [pool.submit(_check_part, i) for i in order]
            found = {i: f.result() for i, f in zip(order, futs)}
        except BaseException:
            for p in list(getattr(pool, "_processes", {}).values()):
                p.terminate()
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown()
    finally:
        _PARTS = []
        gc.unfreeze()
    out = [f for i in range(len(parts)) for f in found[i]]
    past = split_past(plan.unplaced)[1]
    if past:  # as the whole plan's check says it: one line
        out.append(Finding("unplaced", past_summary(past), "warning"))
    return out
