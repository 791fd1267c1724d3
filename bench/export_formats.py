"""ICS and XLSX of one académie from the national plan (issue 16: ≤ 1 s each).

    .venv/bin/python bench/export_formats.py PLAN_DIR [--academie CODE] [--repeat 3]

PLAN_DIR is a national plan folder (``main.py solve --out``). Without ``--academie`` the académie with the
most sessions is taken. Prints, beside the goal, the time of ``main.py export PLAN_DIR --kind academie
--format ics|xlsx`` once the plan is read (the subset of the académie, then the file), and the reading of the
plan folder on its own (the window already holds its plan).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("plan_dir")
    ap.add_argument("--academie")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)

    from planner.exports.cli import subset
    from planner.exports.excel import export_xlsx
    from planner.exports.ics import export_ics
    from planner.plan import Plan

    t = time.perf_counter()
    plan = Plan.read(args.plan_dir)
    t_read = time.perf_counter() - t
    code = args.academie or Counter(s.academie for s in plan.sessions).most_common(1)[0][0]
    n = sum(1 for s in plan.sessions if s.academie == code)
    print(f"Plan : {len(plan.sessions):,} sessions lues en {t_read:.2f} s ; académie {code} : {n:,} sessions"
          .replace(",", "\u202f"))
    with tempfile.TemporaryDirectory(prefix="bench-formats-") as d:
        for fmt, export in (("ics", export_ics), ("xlsx", export_xlsx)):
            times = []
            for _ in range(args.repeat):
                t = time.perf_counter()
                out = export(subset(plan, academie=code), Path(d) / f"academie.{fmt}")
                times.append(time.perf_counter() - t)
            best, med = min(times), statistics.median(times)
            size = Path(out).stat().st_size / 2**20
            print(f"  {'OK ' if med <= 1.0 else 'NON'} {fmt.upper():<5} de l'académie {code} : {med:.2f} s (médiane de "
                  f"{args.repeat}, au mieux {best:.2f} s ; objectif ≤ 1 s) — {size:.1f} Mio")
    return 0


if __name__ == "__main__":
    from planner.plan import PlanError

    try:
        sys.exit(main())
    except PlanError as exc:  # a folder that is not there, or not a plan's: said, not a traceback
        sys.exit(f"Erreur : {exc}")
