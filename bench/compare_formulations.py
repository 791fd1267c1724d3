"""Compare timetable formulations on every académie of a variant (same cost tables, same assembly).

- greedy: largest groups first, earliest free slot (the baseline);
- flow: min-cost flow groups → ToT slots with the exact downstream costs (no latest-unit term,
  cadres placed afterwards);
- cpsat: the joint CP-SAT model (ToT × slot Booleans with exact costs, cadre sessions per meeting,
  FdF capacity per instant and per day, latest-unit term) — the one ``solve`` uses.

Usage: python bench/compare_formulations.py [--variant default|midyear] [--academies 16,25,...]
Prints per formulation: total seconds, total objective, ratio to the CP-SAT objective.
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from planner.sources.reference import national_reference  # noqa: E402
from solvers.academie import solve_academie  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--variant", choices=["default", "midyear"], default="midyear")
    ap.add_argument("--academies", default="")
    a = ap.parse_args()
    sc = national_reference()
    if a.variant == "midyear":
        sc.settings = sc.settings.model_copy(update=dict(
            start_date=dt.date(2027, 1, 4), end_date=dt.date(2027, 10, 15), step1_start_date=None,
            max_per_local_trainer_per_week=2, wednesday_mornings_per_term_1d=4))
    codes = a.academies.split(",") if a.academies else [x.code for x in sc.academies]
    totals = {}
    for solver in ("greedy", "flow", "cpsat"):
        t = time.perf_counter()
        obj = bound = 0.0
        for c in codes:
            r = solve_academie(sc.restricted_to(c), c, solver=solver, time_limit=30)
            obj += r.objective
            bound += r.bound
        totals[solver] = (time.perf_counter() - t, obj, bound)
    ref = totals["cpsat"][1]
    print(f"variante {a.variant}, {len(codes)} académies")
    print(f"{'formulation':<12}{'secondes':>10}{'objectif':>14}{'/ cpsat':>10}{'borne':>14}")
    for k, (sec, obj, bound) in totals.items():
        print(f"{k:<12}{sec:>10.2f}{obj:>14.0f}{obj / ref:>10.4f}{bound:>14.0f}")


if __name__ == "__main__":
    main()
