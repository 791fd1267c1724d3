"""Benchmark: the year's follow-up — recording 20,000 rows, re-planning an académie with 30 % of its
step-1 sessions held and 5 % cancelled, and the national case.

Usage: python bench/followup.py [--academie 16 | --no-academie] [--national] [--rows 20000] [--workers N]
(by default: the 20,000 rows and académie 16; ``--national`` adds the nation, several minutes, run it on
a quiet machine; ``--rows 0`` skips the rows).

Each step runs as the command a user types (``record``, ``solve --scenario --plan-from``, ``check``,
``export --kind bilan``) and prints its wall time and the peak RSS of its process tree. Then it verifies
and prints: the held sessions kept unchanged (date, time, trainer, present), every cancelled one
re-placed from plan_from on, the checker's verdict, the bilan's figures against the recorded counts,
and each figure against its bar (record ≤ 3 s; re-plan ≤ 5 s for an académie, ≤ 60 s and ≤ 1 GiB for
the nation). Exit code 1 when a verification fails (a bar exceeded is printed, not an error: timings
depend on the machine's load).
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.solve_national import run  # noqa: E402  (wall time and peak memory (PSS) of a command)

BARS = {"record": (3.0, None), "academie": (5.0, None), "national": (60.0, 1024.0)}  # seconds, MiB


def main_py(*args: str) -> list[str]:
    return [sys.executable, str(ROOT / "main.py"), *args]


def bar(name: str, wall: float, rss: float) -> str:
    secs, mib = BARS[name]
    ok = wall <= secs and (mib is None or rss <= mib)
    want = f"≤ {secs:.0f} s" + (f" et ≤ {mib / 1024:.0f} Gio" if mib else "")
    return f"barre {want} : {'tenue' if ok else 'DÉPASSÉE'}"


def record_rows(tmp: Path, n: int) -> bool:
    """``record`` of ``n`` rows against a current plan of ``n`` sessions (one transaction)."""
    import json

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
    wall, rss, _, r = run(main_py("record", str(path), "--from", str(tmp / "rows.csv"), "--today", "2026-12-01", "--json"))
    out = json.loads(r.stdout) if r.returncode == 0 else {}
    ok = out.get("held", 0) + out.get("cancelled", 0) == n and not out.get("rejected")
    print(f"record de {n} lignes : {wall:.2f} s, {rss:.0f} Mio (code {r.returncode}) — "
          f"{out.get('held', 0)} tenues et {out.get('cancelled', 0)} annulées enregistrées "
          f"({'vérifié' if ok else 'ÉCHEC'}) ; {bar('record', wall, rss)}")
    return ok


def year(tmp: Path, label: str, academie: str | None, workers: list[str]) -> bool:
    """Plan (greedy), record 30 % held and 5 % cancelled, re-plan from the day after, check, bilan."""
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
    year_opts = ["--school-year", "2026-2027"]
    wall, rss, _, r = run(main_py("solve", "--scenario", str(path), "--solver", "greedy", *workers, *year_opts,
                               "--from", "2026-06-15", "--out", str(tmp / f"{label}-1"), "--quiet"))
    print(f"[{label}] plan initial (glouton) : {wall:.1f} s, {rss:.0f} Mio (code {r.returncode})")
    if r.returncode not in (0, 1):
        print(r.stderr[-2000:])
        return False
    p1 = Plan.read(tmp / f"{label}-1")
    rows, pf = fu.simulate_year(p1, 0.30, 0.05, seed=1)
    fu.write_rows(rows, tmp / f"{label}.csv")
    n_held = sum(x["statut"] == "tenue" for x in rows)
    n_cancel = sum(x["statut"] == "annulée" for x in rows)
    wall, rss, _, r = run(main_py("record", str(path), "--from", str(tmp / f"{label}.csv"), "--today", pf.isoformat(), "--json"))
    print(f"[{label}] record de {len(rows)} lignes ({n_held} tenues, {n_cancel} annulées) : {wall:.2f} s, {rss:.0f} Mio "
          f"(code {r.returncode})")
    wall, rss, _, r = run(main_py("solve", "--scenario", str(path), "--solver", "greedy", *workers, *year_opts,
                               "--plan-from", pf.isoformat(), "--out", str(tmp / f"{label}-2"), "--quiet"))
    kind = "national" if academie is None else "academie"
    print(f"[{label}] REPLANIFICATION à partir du {pf.isoformat()} : {wall:.1f} s, {rss:.0f} Mio (code {r.returncode}) ; "
          f"{bar(kind, wall, rss)}")
    print("   " + "\n   ".join(line for line in r.stdout.splitlines() if line.startswith("Suivi")))
    if not (tmp / f"{label}-2" / "sessions.csv").exists():
        print(r.stderr[-2000:])
        return False
    p2 = {x.session_id: x for x in Plan.read(tmp / f"{label}-2").sessions}
    old = {x.session_id: x for x in p1.sessions}
    held = {x["session_id"]: int(x["presents"]) for x in rows if x["statut"] == "tenue"}
    changed = [s for s in held if s not in p2 or (old[s].date, old[s].start, old[s].end, old[s].trainer_id)
               != (p2[s].date, p2[s].start, p2[s].end, p2[s].trainer_id) or p2[s].status != "held" or p2[s].present != held[s]]
    print(f"[{label}] tenues gardées telles quelles : {len(held) - len(changed)} sur {len(held)} "
          f"({'vérifié' if not changed else f'ÉCHEC, par ex. {changed[0]}'})")
    cancel_ids = [x["session_id"] for x in rows if x["statut"] == "annulée"]
    replaced = [s for s in cancel_ids if s in p2 and p2[s].date >= pf and p2[s].status == "planned"]
    unplaced = sum(int(u.get("sessions", 0) or 0) for u in Plan.read(tmp / f"{label}-2").report.get("unplaced", []))
    before = [x.session_id for x in p2.values() if x.date < pf and x.status != "held"]
    print(f"[{label}] annulées replacées à partir du {pf.isoformat()} : {len(replaced)} sur {len(cancel_ids)} "
          f"({'vérifié' if len(replaced) == len(cancel_ids) else 'ÉCHEC'}) ; sessions non tenues avant le "
          f"{pf.isoformat()} : {len(before)} ; non placées : {unplaced}")
    wall, rss, _, r = run(main_py("check", str(tmp / f"{label}-2"), "--scenario", str(path)))
    verdict = r.stdout.strip().splitlines()[-1] if r.stdout.strip() else r.stderr.strip()[-300:]
    check_ok = r.returncode == 0
    print(f"[{label}] check : {wall:.1f} s, {rss:.0f} Mio (code {r.returncode}) — {verdict}")
    wall, rss, _, r = run(main_py("export", str(path), "--kind", "bilan", "--format", "xlsx", "--as-of", pf.isoformat(),
                               "--out", str(tmp / f"{label}-bilan.xlsx")))
    wall2, rss2, _, r2 = run(main_py("export", str(path), "--kind", "bilan", "--as-of", pf.isoformat(),
                                  "--out", str(tmp / f"{label}-bilan.pdf")))
    fig = {row[0]: row[1] for row in load_workbook(tmp / f"{label}-bilan.xlsx")["Synthèse"].iter_rows(min_row=3, values_only=True)}
    step1 = {x.session_id for x in p1.sessions if x.kind == "step1"}
    held_step1 = [s for s in held if s in step1]
    trained = sum(held[s] for s in held_step1)
    want = {"Sessions tenues": len(held_step1), "Sessions annulées": n_cancel, "Personnes formées (présents)": trained}
    bilan_ok = all(fig.get(k) == v for k, v in want.items()) and r.returncode == 0 and r2.returncode == 0
    print(f"[{label}] bilan XLSX {wall:.1f} s, PDF {wall2:.1f} s ({rss2:.0f} Mio) : "
          + ", ".join(f"{k.lower()} {fig.get(k)} (saisies {v})" for k, v in want.items())
          + f" — {'vérifié' if bilan_ok else 'ÉCHEC'}")
    with ScenarioStore(path) as st:
        print(f"[{label}] historique : {len(fu.history(st))} changements enregistrés")
    return not changed and len(replaced) == len(cancel_ids) and not before and check_ok and bilan_ok


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--academie", default="16", help="académie re-planned (code ou nom ; défaut 16, Toulouse)")
    ap.add_argument("--no-academie", action="store_true", help="sans le cas de l'académie")
    ap.add_argument("--national", action="store_true", help="aussi le cas national (plusieurs minutes, machine calme)")
    ap.add_argument("--rows", type=int, default=20000, help="lignes du test de record (0 : sans)")
    ap.add_argument("--workers", type=int, default=None, help="processus du solveur (solve --workers)")
    a = ap.parse_args()
    workers = ["--workers", str(a.workers)] if a.workers else []
    ok = True
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        if a.rows:
            ok &= record_rows(tmp, a.rows)
        if not a.no_academie:
            ok &= year(tmp, f"academie-{a.academie}", a.academie, workers)
        if a.national:
            ok &= year(tmp, "national", None, workers)
    print("Vérifications : " + ("toutes tenues" if ok else "ÉCHEC (voir ci-dessus)"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
