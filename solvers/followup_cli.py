"""``solve --scenario FILE`` and the year's follow-up: the command line's side of
:mod:`solvers.followup_plan` (the core shared with the window's « Planifier »).

When the scenario file already has a current plan and sessions were recorded, ``solve`` keeps the held
sessions and re-plans the rest from ``plan_from`` instead of planning the year from scratch. Every plan
``solve`` writes for a scenario file becomes its current plan, so that ``record FILE`` knows its
sessions; with ``--academie`` only that académie's part of the current plan is replaced.
"""
from __future__ import annotations

import sys

from planner.models import Scenario
from planner.plan import Plan

from .followup_plan import (FollowupSolveError, followup_summary, recorded, replan_recorded, store_current_plan,
                            store_path)


def followup_replan(args, sc: Scenario) -> Plan | None:
    """The re-planned rest of the year, or ``None`` when a plain solve is wanted."""
    pf = getattr(args, "plan_from", None) or getattr(sc.settings, "plan_from", None)  # --from, parsed by argparse
    rec = recorded(args.scenario)
    if rec is None:
        return None
    plan, warnings = replan_recorded(sc, rec, academie=args.academie, plan_from=pf)
    for w in warnings:
        print(f"Attention : {w}", file=sys.stderr)
    return plan


def after_solve(args, plan: Plan) -> None:
    """Store ``plan`` as the scenario file's current plan (merged into it with ``--academie``), set the
    re-placed cancelled sessions back to planned, and copy the statuses onto ``plan`` for its folder."""
    path = store_path(args.scenario)
    if path is None:
        return
    pf = getattr(args, "plan_from", None)
    store_current_plan(path, plan, {"solver": args.solver, "time_limit": args.time_limit, "seed": args.seed,
                                    "academie": args.academie, "plan_from": pf.isoformat() if pf else None},
                       partial=bool(args.academie))
    line = followup_summary(plan)
    if line:
        print(line)
    print(f"Plan courant du scénario {path} mis à jour ({len(plan.sessions)} sessions).")


__all__ = ["FollowupSolveError", "after_solve", "followup_replan", "store_path"]
