"""Budget of the national default: solve it (greedy, every académie) and print hours and euros per category,
the report's 28,800 h beside the plan's figure, and the envelope's over/under per académie.

    .venv/bin/python bench/budget_national.py [--solver greedy|cpsat] [--workers N]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from planner.budget import BudgetSettings, budget_lines_fr, plan_budget  # noqa: E402
from planner.sources.reference import national_reference  # noqa: E402
from solvers.api import solve  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--solver", default="greedy")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--time-limit", type=float, default=30)
    a = ap.parse_args()
    sc = national_reference()
    t = time.perf_counter()
    plan = solve(sc, solver=a.solver, workers=a.workers, time_limit=a.time_limit)
    print(f"plan national ({a.solver}) : {len(plan.sessions)} sessions en {time.perf_counter() - t:.0f} s")
    b = plan.report["budget"]
    step1_2d = sum(1 for s in plan.sessions if s.kind == "step1" and s.audience == "teachers_2d")
    cat = {c["id"]: c for c in b["categories"]}
    print(f"sessions d'étape 1 du 2nd degré : {step1_2d} ; heures de la catégorie step1_2d : {cat['step1_2d']['hours']}")
    print("\n".join(budget_lines_fr(b)))
    sc.settings.budget = BudgetSettings(hours_basis="report")
    r = plan_budget(plan, sc.settings)
    print(f"hypothèses du rapport : total {r['total']['total_paid_hours']} h (attendu 28 800 h)")
    over = [x for x in b["by_academie"] if x["status"] == "dépassement"]
    print(f"académies au-delà de leur enveloppe : {len(over)} / {len(b['by_academie'])}")
    for x in sorted(b["by_academie"], key=lambda x: -x["difference_hours"])[:5]:
        print(f"  {x['code']} : enveloppe {x['envelope_hours']:.0f} h, financées {x['financed_hours']:.0f} h, "
              f"écart {x['difference_hours']:+.0f} h")


if __name__ == "__main__":
    main()
