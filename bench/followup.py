"""Benchmark: the year's follow-up — recording 20,000 rows, re-planning an académie with 30 % of its
step-1 sessions held and 5 % cancelled, and the national case.

Usage: python bench/followup.py [--academie 16] [--national] [--rows 20000]
Each step runs as the command a user types (``record``, ``solve --plan-from``, ``check``,
``export --kind bilan``) and prints its wall time and the peak RSS of its process tree, then whether
the held sessions are unchanged, the cancelled ones re-placed after plan_from, the plan conforms and
the bilan's figures equal the recorded counts.
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.solve_national import run  # noqa: E402  (wall time and peak RSS of a command)


def main_py(*args: str) -> list[str]:
    return [sys.executable, str(ROOT / "main.py"), *args]


def record_rows(tmp: Path, n: int) -> None:
    """``record`` of ``n`` rows against a current plan of ``n`` sessions (one transaction)."""
    from planner import followup as fu
    from planner.plan import Plan, Session
    from planner.store import ScenarioStore
    from tests.tiny import tiny_scenario

    path = tmp / "rows.sqlite"
    day = dt.date(2026, 9, 2)
    sessions = [Session(f"S1-X{i:06d}-01", "step1", "teachers_2d", "16", "031", "C", "etablissement", f"X{i:06d}",
                        "T", day, "14:00", "15:00", 12, "wednesday_pm", 1) for i in range(n)]
    ScenarioStore.create(path, tiny_scenario())
    with ScenarioStore(path) as st:
        st.save_plan(fu.CURRENT_PLAN, Plan(sessions=sessions), {})
    rows = [{"session_id": s.session_id, "statut": "tenue" if i % 20 else "annulée", "date": day.isoformat(),
             "presents": 11 if i % 20 else "", "noms": ""} for i, s in enumerate(sessions)]
    fu.write_rows(rows, tmp / "rows.csv")
    wall, rss, r = run(main_py("record", str(path), "--from", str(tmp / "rows.csv"), "--today", "2026-12-01", "--json"))
    print(f"record de {n} lignes : {wall:.2f} s, {rss:.0f} Mio (code {r.returncode})")


def year(tmp: Path, label: str, academie: str | None) -> None:
    from openpyxl import load_workbook

    from planner import followup as fu
    from planner.models import Scenario
    from planner.plan import Plan
    from planner.sources.reference import national_reference
    from planner.store import ScenarioStore

    sc = national_reference()
    if academie:
        sc = Scenario.model_validate(sc.restricted_to(sc.find_academie(academie).code).model_dump())
    path = tmp / f"{label}.sqlite"
    ScenarioStore.create(path, sc)
    wall, rss, r = run(main_py("solve", "--scenario", str(path), "--solver", "greedy", "--out", str(tmp / f"{label}-1"),
                               "--quiet"))
    print(f"[{label}] plan initial (glouton) : {wall:.1f} s, {rss:.0f} Mio (code {r.returncode})")
    p1 = Plan.read(tmp / f"{label}-1")
    rows, pf = fu.simulate_year(p1, 0.30, 0.05, seed=1)
    fu.write_rows(rows, tmp / f"{label}.csv")
    n_held = sum(x["statut"] == "tenue" for x in rows)
    n_cancel = sum(x["statut"] == "annulée" for x in rows)
    wall, rss, r = run(main_py("record", str(path), "--from", str(tmp / f"{label}.csv"), "--today", pf.isoformat(), "--json"))
    print(f"[{label}] record de {len(rows)} lignes ({n_held} tenues, {n_cancel} annulées) : {wall:.2f} s, {rss:.0f} Mio")
    wall, rss, r = run(main_py("solve", "--scenario", str(path), "--solver", "greedy", "--plan-from", pf.isoformat(),
                               "--out", str(tmp / f"{label}-2"), "--quiet"))
    print(f"[{label}] replanification à partir du {pf.isoformat()} : {wall:.1f} s, {rss:.0f} Mio (code {r.returncode})")
    print("   " + "\n   ".join(line for line in r.stdout.splitlines() if line.startswith("Suivi")))
    p2 = {x.session_id: x for x in Plan.read(tmp / f"{label}-2").sessions}
    old = {x.session_id: x for x in p1.sessions}
    held_ids = [x["session_id"] for x in rows if x["statut"] == "tenue"]
    moved_held = sum((old[s].date, old[s].start, old[s].trainer_id) != (p2[s].date, p2[s].start, p2[s].trainer_id)
                     for s in held_ids)
    cancel_ids = [x["session_id"] for x in rows if x["statut"] == "annulée"]
    before = sum(1 for s in cancel_ids if s not in p2 or p2[s].date < pf)
    print(f"[{label}] tenues déplacées : {moved_held} ; annulées non replacées après le {pf.isoformat()} : {before}")
    wall, rss, r = run(main_py("check", str(tmp / f"{label}-2"), "--scenario", str(path)))
    print(f"[{label}] check : {wall:.1f} s, {rss:.0f} Mio — {r.stdout.strip().splitlines()[-1] if r.stdout.strip() else r.stderr}")
    wall, rss, r = run(main_py("export", str(path), "--kind", "bilan", "--format", "xlsx", "--as-of", pf.isoformat(),
                               "--out", str(tmp / f"{label}-bilan.xlsx")))
    wall2, rss2, r2 = run(main_py("export", str(path), "--kind", "bilan", "--as-of", pf.isoformat(),
                                  "--out", str(tmp / f"{label}-bilan.pdf")))
    fig = {row[0]: row[1] for row in load_workbook(tmp / f"{label}-bilan.xlsx")["Synthèse"].iter_rows(min_row=3, values_only=True)}
    step1 = {x.session_id for x in p1.sessions if x.kind == "step1"}
    held_step1 = sum(1 for s in held_ids if s in step1)
    print(f"[{label}] bilan XLSX {wall:.1f} s, PDF {wall2:.1f} s : tenues {fig['Sessions tenues']} (saisies {held_step1}), "
          f"annulées {fig['Sessions annulées']} (saisies {n_cancel}), formés {fig['Personnes formées (présents)']}")
    with ScenarioStore(path) as st:
        print(f"[{label}] historique : {len(fu.history(st))} changements enregistrés")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--academie", default="16")
    ap.add_argument("--national", action="store_true", help="aussi le cas national (plusieurs minutes)")
    ap.add_argument("--rows", type=int, default=20000)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        record_rows(tmp, a.rows)
        year(tmp, f"academie-{a.academie}", a.academie)
        if a.national:
            year(tmp, "national", None)


if __name__ == "__main__":
    main()
