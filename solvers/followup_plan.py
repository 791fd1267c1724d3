"""Planning a scenario file during the year: the one core shared by ``solve --scenario FILE`` and the
window's « Planifier » (no Qt, no command-line arguments).

When the scenario file has a current plan and sessions were recorded (held, cancelled), planning
keeps the held sessions exactly and re-plans the rest from ``plan_from``
(:func:`solvers.replan_rest.replan_rest`) instead of planning the year from scratch
(:func:`recorded`, :func:`replan_recorded`). Every plan made for a scenario file becomes its current
plan, so that ``record FILE`` and the « Suivi » tab know its sessions; the re-placed cancelled sessions
are set back to planned and the recorded statuses are copied onto the plan (:func:`store_current_plan`).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from operator import attrgetter
from pathlib import Path

from planner.followup import (CURRENT_PLAN, SessionStatus, apply_statuses, has_current_plan, load_statuses, set_statuses,
                              undo_batch)
from planner.models import Scenario
from planner.plan import Plan
from planner.store import ScenarioStore, StoreError

from .replan_rest import FollowupOptions, replan_rest


class FollowupSolveError(Exception):
    """French message: the follow-up re-plan cannot run."""


@dataclass
class Recorded:
    """A scenario file's current plan and the statuses recorded for its sessions."""

    plan: Plan
    statuses: dict[str, SessionStatus]


@dataclass
class Stored:
    """What :func:`store_current_plan` wrote: the file's whole current plan (statuses applied) and the statuses."""

    plan: Plan
    statuses: dict[str, SessionStatus]
    batches: list[str]  # the status batches written (undone by :func:`restore_current_plan`)


def store_path(spec: str | Path | None) -> Path | None:
    """The scenario file behind ``spec`` when it is a SQLite scenario file (else ``None``)."""
    if not spec or spec == "national":
        return None
    p = Path(spec)
    try:
        with open(p, "rb") as f:
            return p if f.read(16).startswith(b"SQLite format 3") else None
    except OSError:
        return None


def recorded(path: str | Path | None) -> Recorded | None:
    """The file's current plan and statuses when sessions were recorded for it; ``None`` when a plain
    solve is wanted (not a scenario file, no current plan, nothing recorded yet: pins and settings then
    apply in full)."""
    p = store_path(path)
    if p is None:
        return None
    try:
        with ScenarioStore(p, create=False) as st:
            if not has_current_plan(st):
                return None
            statuses = load_statuses(st)
            if not statuses:
                return None
            return Recorded(st.load_plan(CURRENT_PLAN), statuses)
    except StoreError as exc:
        raise FollowupSolveError(str(exc)) from None


def academie_part(plan: Plan, code: str) -> Plan:
    """The sessions, trainers, units and unplaced records of one académie of ``plan``."""
    return Plan(sessions=[x for x in plan.sessions if x.academie == code],
                trainers=[t for t in plan.trainers if t.academie == code],
                units=[u for u in plan.units if u.academie == code],
                report={**plan.report, "unplaced": [u for u in plan.report.get("unplaced", [])
                                                    if str(u.get("academie", "")) == code]})


def replan_recorded(sc: Scenario, rec: Recorded, *, academie: str | None = None,
                    plan_from: dt.date | None = None) -> tuple[Plan, list[str]]:
    """The rest of the year re-planned around what was recorded (``academie``: only that académie's
    part), with French warnings (held sessions dated after ``plan_from`` stay in place)."""
    opts = FollowupOptions.from_settings(sc.settings, plan_from)
    plan = rec.plan
    if academie:
        a = sc.find_academie(academie)
        if a is None:
            raise FollowupSolveError(f"académie inconnue « {academie} » (code, ex. 16, ou nom, ex. Toulouse)")
        sc, plan = sc.restricted_to(a.code), academie_part(plan, a.code)
    ids = {x.session_id for x in plan.sessions}
    held_after = sorted(sid for sid, s in rec.statuses.items() if sid in ids and s.status == "held" and s.held_date
                        and s.held_date > opts.plan_from)
    warnings = []
    if held_after:
        warnings.append(f"{len(held_after)} session(s) tenue(s) après le {opts.plan_from.isoformat()} "
                        f"(par ex. {held_after[0]}) : elles restent en place.")
    return replan_rest(sc, plan, rec.statuses, opts), warnings


_RECORDED = frozenset(("held", "cancelled"))
_status = attrgetter("status")


def statuses_of(plan: Plan, academie: str | None = None, own: list | None = None) -> dict[str, SessionStatus]:
    """The statuses a plan's sessions carry (``apply_statuses``), planned ones left out (a plan with none,
    the usual case before the year's follow-up starts, is told by one pass over its statuses in C); with
    ``academie`` (a code), those of its sessions only, ``own`` when the caller has them already (the
    académie's rows of a plan index)."""
    sessions = plan.sessions if own is None else own
    if not _RECORDED.intersection(map(_status, sessions)):
        return {}
    return {x.session_id: SessionStatus(x.session_id, x.status, x.held_date, x.present)
            for x in sessions if x.status in _RECORDED and (academie is None or x.academie == academie)}


def replan_with_pin_recorded(sc: Scenario, plan: Plan, pin, academie: str, own: list | None = None) -> Plan | None:
    """A pin chosen once sessions are recorded (the plan carries held or cancelled statuses): the
    académie's rest of the year re-planned around them with the pin (held sessions never move, a pin on
    a held session is said, not applied). ``None`` when nothing is recorded in that académie (another one's
    records change nothing here): re-planning the unit alone (:func:`solvers.replan.replan_with_pin`) is then
    right. ``own``: the académie's sessions, when the caller has them (:func:`statuses_of`)."""
    a = sc.find_academie(academie)
    statuses = statuses_of(plan, a.code if a is not None else academie, own)
    if not statuses:
        return None
    pins = [p for p in sc.pins if not (p.unit_type == pin.unit_type and p.unit_id == pin.unit_id and p.group == pin.group)]
    sc2 = sc.model_copy(update={"pins": pins + [pin]})
    new, _warnings = replan_recorded(sc2, Recorded(plan, statuses), academie=academie)
    return new


def merge_into(old: Plan, part: Plan) -> Plan:
    """``old`` with the académies of ``part`` replaced by ``part``."""
    codes = {x.academie for x in part.sessions} | {u.academie for u in part.units}
    return Plan(sessions=sorted([x for x in old.sessions if x.academie not in codes] + part.sessions,
                                key=lambda x: (x.date, x.start, x.session_id)),
                trainers=[t for t in old.trainers if t.academie not in codes] + part.trainers,
                units=[u for u in old.units if u.academie not in codes] + part.units,
                report={**part.report, "unplaced": [u for u in old.report.get("unplaced", [])
                                                    if str(u.get("academie", "")) not in codes]
                        + part.report.get("unplaced", [])})


def store_current_plan(path: str | Path, plan: Plan, params: dict | None = None, *, partial: bool = False) -> Stored:
    """Store ``plan`` as the file's current plan (``partial``: only its académies replace theirs in the
    current plan), mark held the train-the-trainer sessions the re-plan inferred held, set the
    re-placed cancelled sessions back to planned, and copy the statuses onto ``plan`` (in place) and
    onto the whole stored plan."""
    p = store_path(path)
    if p is None:
        raise FollowupSolveError(f"{path} : ce n'est pas un fichier de scénario (SQLite)")
    try:
        with ScenarioStore(p, create=False) as st:
            full = plan
            if partial and has_current_plan(st):
                full = merge_into(st.load_plan(CURRENT_PLAN), plan)
            st.save_plan(CURRENT_PLAN, full, params or {})
            batches = []
            inferred_ids = set((plan.report.get("followup") or {}).get("inferred_held", []))
            inferred = [x for x in plan.sessions if x.session_id in inferred_ids]
            if inferred:  # train-the-trainer sessions whose trainees have held sessions since: they took place
                batches.append(set_statuses(st, [SessionStatus(x.session_id, "held", x.date, x.participants)
                                                 for x in inferred],
                                            note="déduite : ses formateurs ont animé des sessions tenues"))
            presumed_ids = set((plan.report.get("followup") or {}).get("presumed_held", []))
            presumed = [x for x in plan.sessions if x.session_id in presumed_ids]
            if presumed:  # steps 2, 3, 4 and 6 before plan_from, never recorded: they took place
                batches.append(set_statuses(st, [SessionStatus(x.session_id, "held", x.date, x.participants)
                                                 for x in presumed],
                                            note="présumée tenue : étape sans feuille d'émargement, date passée"))
            statuses = load_statuses(st)
            ids = {x.session_id for x in plan.sessions}
            replaced = [SessionStatus(sid) for sid, s in statuses.items() if s.status == "cancelled" and sid in ids]
            if replaced:
                batches.append(set_statuses(st, replaced, note="replanifiée"))
                statuses = load_statuses(st)
    except StoreError as exc:
        raise FollowupSolveError(str(exc)) from None
    apply_statuses(plan, statuses)
    if full is not plan:
        apply_statuses(full, statuses)
    return Stored(full, statuses, [b for b in batches if b])


def restore_current_plan(path: str | Path, plan: Plan | None, batches: list[str]) -> dict[str, SessionStatus]:
    """Undo :func:`store_current_plan`: its status batches are undone and ``plan`` (the file's previous
    current plan) is stored again. Returns the file's statuses."""
    p = store_path(path)
    if p is None:
        raise FollowupSolveError(f"{path} : ce n'est pas un fichier de scénario (SQLite)")
    try:
        with ScenarioStore(p, create=False) as st:
            for b in reversed(batches):
                undo_batch(st, b)
            if plan is not None:
                st.save_plan(CURRENT_PLAN, plan, {})
            return load_statuses(st)
    except StoreError as exc:
        raise FollowupSolveError(str(exc)) from None


def followup_summary(plan: Plan) -> str | None:
    """The re-plan's counts in one French sentence (``None`` for a plan made from scratch)."""
    f = plan.report.get("followup")
    if not f:
        return None
    return (f"Suivi (à partir du {f['plan_from']}) : {f['held']} session(s) tenue(s) gardée(s) telles quelles, "
            f"{f['kept']} annoncée(s) gardée(s), {f['moved']} déplacée(s), {f['cancelled_replaced']} annulée(s) et "
            f"{f['late_replaced']} en retard replacée(s), {f['added']} ajoutée(s), {f['makeup']} de rattrapage, "
            f"{f['removed']} retirée(s), {f['unplaced']} non placée(s)"
            + (f" ; {len(f['presumed_held'])} session(s) passée(s) des étapes 2, 3, 4 et 6 présumée(s) tenue(s)"
               if f.get("presumed_held") else "") + ".")


__all__ = ["FollowupSolveError", "Recorded", "Stored", "academie_part", "followup_summary", "merge_into", "recorded",
           "replan_recorded", "replan_with_pin_recorded", "restore_current_plan", "statuses_of",
           "store_current_plan", "store_path"]
