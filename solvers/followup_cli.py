"""``solve --scenario FILE`` and the year's follow-up: re-plan the rest, store the current plan.

When the scenario file already has a current plan and sessions were recorded, ``solve`` keeps the held sessions and re-plans the rest from ``plan_from``
(:func:`solvers.replan_rest.replan_rest`) instead of planning the year from scratch. Every plan
``solve`` writes for a scenario file becomes its current plan, so that ``record FILE`` knows its
sessions; with ``--academie`` only that académie's part of the current plan is replaced.
"""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from planner.followup import CURRENT_PLAN, SessionStatus, apply_statuses, has_current_plan, load_statuses, set_statuses
from planner.models import Scenario
from planner.plan import Plan
from planner.store import ScenarioStore, StoreError

from .replan_rest import FollowupOptions, replan_rest


class FollowupSolveError(Exception):
    """French message: the follow-up re-plan cannot run."""


def store_path(spec: str | None) -> Path | None:
    """The scenario file behind ``--scenario`` when it is a SQLite scenario file."""
    if not spec or spec == "national":
        return None
    p = Path(spec)
    try:
        with open(p, "rb") as f:
            return p if f.read(16).startswith(b"SQLite format 3") else None
    except OSError:
        return None


def _plan_from(args, sc: Scenario) -> dt.date | None:
    raw = getattr(args, "plan_from", None)
    if not raw:
        return getattr(sc.settings, "plan_from", None)
    if isinstance(raw, dt.date):  # --from / --plan-from, already parsed
        return raw
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise FollowupSolveError(f"--plan-from « {raw} » : date attendue (AAAA-MM-JJ)") from None


def _part(plan: Plan, code: str) -> Plan:
    return Plan(sessions=[x for x in plan.sessions if x.academie == code],
                trainers=[t for t in plan.trainers if t.academie == code],
                units=[u for u in plan.units if u.academie == code],
                report={**plan.report, "unplaced": [u for u in plan.report.get("unplaced", [])
                                                    if str(u.get("academie", "")) == code]})


def followup_replan(args, sc: Scenario) -> Plan | None:
    """The re-planned rest of the year, or ``None`` when a plain solve is wanted."""
    path = store_path(args.scenario)
    pf = _plan_from(args, sc)
    if path is None:
        return None
    try:
        with ScenarioStore(path, create=False) as st:
            if not has_current_plan(st):
                return None
            statuses = load_statuses(st)
            if not statuses:  # nothing recorded yet: a plain solve (pins and settings edits apply in full)
                return None
            plan = st.load_plan(CURRENT_PLAN)
    except StoreError as exc:
        raise FollowupSolveError(str(exc)) from None
    opts = FollowupOptions.from_settings(sc.settings, pf)
    if args.academie:
        a = sc.find_academie(args.academie)
        if a is None:
            raise FollowupSolveError(f"académie inconnue « {args.academie} » (code, ex. 16, ou nom, ex. Toulouse)")
        sc, plan = sc.restricted_to(a.code), _part(plan, a.code)
    held_after = [sid for sid, s in statuses.items() if s.status == "held" and s.held_date and s.held_date > opts.plan_from]
    if held_after:
        print(f"Attention : {len(held_after)} session(s) tenue(s) après le {opts.plan_from.isoformat()} "
              f"(par ex. {held_after[0]}) : elles restent en place.", file=sys.stderr)
    return replan_rest(sc, plan, statuses, opts)


def after_solve(args, plan: Plan) -> None:
    """Store ``plan`` as the scenario file's current plan (merged into it with ``--academie``), set the
    re-placed cancelled sessions back to planned, and copy the statuses onto ``plan`` for its folder."""
    path = store_path(args.scenario)
    if path is None:
        return
    try:
        with ScenarioStore(path, create=False) as st:
            full = plan
            if args.academie and has_current_plan(st):
                old = st.load_plan(CURRENT_PLAN)
                codes = {x.academie for x in plan.sessions} | {u.academie for u in plan.units}
                full = Plan(sessions=sorted([x for x in old.sessions if x.academie not in codes] + plan.sessions,
                                            key=lambda x: (x.date, x.start, x.session_id)),
                            trainers=[t for t in old.trainers if t.academie not in codes] + plan.trainers,
                            units=[u for u in old.units if u.academie not in codes] + plan.units,
                            report={**plan.report, "unplaced": [u for u in old.report.get("unplaced", [])
                                                                if str(u.get("academie", "")) not in codes]
                                    + plan.report.get("unplaced", [])})
            st.save_plan(CURRENT_PLAN, full, {"solver": args.solver, "time_limit": args.time_limit, "seed": args.seed,
                                              "academie": args.academie, "plan_from": getattr(args, "plan_from", None)})
            inferred = [x for x in plan.sessions if x.session_id in set((plan.report.get("followup") or {})
                                                                         .get("inferred_held", []))]
            if inferred:  # train-the-trainer sessions whose trainees have held sessions since: they took place
                set_statuses(st, [SessionStatus(x.session_id, "held", x.date, x.participants) for x in inferred],
                             note="déduite : ses formateurs ont animé des sessions tenues")
            statuses = load_statuses(st)
            ids = {x.session_id for x in plan.sessions}
            replaced = [SessionStatus(sid) for sid, s in statuses.items() if s.status == "cancelled" and sid in ids]
            if replaced:
                set_statuses(st, replaced, note="replanifiée par solve")
                statuses = load_statuses(st)
    except StoreError as exc:
        raise FollowupSolveError(str(exc)) from None
    apply_statuses(plan, statuses)
    f = plan.report.get("followup")
    if f:
        print(f"Suivi (à partir du {f['plan_from']}) : {f['held']} session(s) tenue(s) gardée(s) telles quelles, "
              f"{f['kept']} annoncée(s) gardée(s), {f['moved']} déplacée(s), {f['cancelled_replaced']} annulée(s) et "
              f"{f['late_replaced']} en retard replacée(s), {f['added']} ajoutée(s), {f['makeup']} de rattrapage, "
              f"{f['removed']} retirée(s), {f['unplaced']} non placée(s).")
    print(f"Plan courant du scénario {path} mis à jour ({len(plan.sessions)} sessions).")


__all__ = ["FollowupSolveError", "after_solve", "followup_replan", "store_path"]
