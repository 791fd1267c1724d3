"""Benchmark: the national plan, cold start, written and checked; greedy vs CP-SAT; one académie; mid-year variant.

Usage: python bench/solve_national.py [--time-limit S] [--workers N] [--skip-national]
Prints wall time, peak RSS, objective, bound, gap, greedy objective and ratio, completion date and the
shares of teachers trained by Toussaint and Christmas, for each case.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def run(cmd: list[str]) -> tuple[float, float, subprocess.CompletedProcess]:
    """Wall seconds, peak RSS (MiB) of the command's whole process tree (sampled), result."""
    import psutil

    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    ps = psutil.Process(proc.pid)
    peak = 0
    while proc.poll() is None:
        try:
            tree = [ps] + ps.children(recursive=True)
            peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
        except psutil.Error:
            pass
        time.sleep(0.05)
    out, err = proc.communicate()
    wall = time.perf_counter() - t
    return wall, peak / 2**20, subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def case(name: str, scenario: str, out: Path, extra: list[str]) -> dict:
    py = sys.executable
    solve_cmd = [py, str(ROOT / "main.py"), "solve", "--scenario", scenario, "--out", str(out), "--quiet", *extra]
    wall_s, rss, r = run(solve_cmd)
    if r.returncode not in (0,):
        print(r.stdout, r.stderr)
    wall_c, rss_c, rc = run([py, str(ROOT / "main.py"), "check", str(out), "--scenario", scenario])
    rep = json.loads((out / "report.json").read_text(encoding="utf-8"))
    k = rep["kpis"]
    obj, bound, greedy = rep["objective"], rep["best_bound"], rep["greedy_objective"]
    row = {
        "case": name,
        "solve_wall_s": round(wall_s, 2),
        "solve_seconds_in_process": rep["solve_seconds"],
        "check_wall_s": round(wall_c, 2),
        "total_wall_s": round(wall_s + wall_c, 2),
        "peak_rss_mib": round(max(rss, rss_c), 1),
        "check": "conforme" if rc.returncode == 0 else "NON CONFORME",
        "status": rep["status"],
        "objective": obj,
        "bound": bound,
        "gap_pct": round(100 * (obj - bound) / obj, 3) if obj else 0.0,
        "greedy_objective": greedy,
        "greedy_over_optimised": round(greedy / obj, 4) if obj else None,
        "improvement_vs_greedy_pct": round(100 * (greedy - obj) / greedy, 2) if greedy else None,
        "completion_date": k["completion_date"],
        "earliest_possible_completion_date": k.get("earliest_possible_completion_date"),
        "share_by_toussaint": k["share_trained_by_toussaint"],
        "share_by_christmas": k["share_trained_by_christmas"],
        "step1_sessions": k["step1_sessions"],
        "unplaced": sum(u.get("sessions", 0) for u in rep["unplaced"]),
        "stage_seconds": rep["stage_seconds"],
    }
    print(json.dumps(row, ensure_ascii=False))
    return row


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--time-limit", default="30")
    ap.add_argument("--workers", default=str(os.cpu_count() or 2))
    ap.add_argument("--skip-national", action="store_true")
    a = ap.parse_args()
    from planner.sources.reference import national_reference
    from planner.scenario_io import save_scenario_json

    extra = ["--time-limit", a.time_limit, "--workers", a.workers]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        rows = []
        if not a.skip_national:
            rows.append(case("national (CP-SAT)", "national", tmp / "nat", extra))
            rows.append(case("national (glouton)", "national", tmp / "natg", extra + ["--solver", "greedy"]))
        rows.append(case("académie 16 seule", "national", tmp / "a16", extra + ["--academie", "16"]))
        sc = national_reference()
        sc.settings = sc.settings.model_copy(update=dict(
            start_date=dt.date(2027, 1, 4), end_date=dt.date(2027, 10, 15), step1_start_date=None,
            max_per_local_trainer_per_week=2, wednesday_mornings_per_term_1d=4))
        sc.name = "Variante mi-année (décision en novembre)"
        mid = tmp / "mid.json"
        save_scenario_json(sc, mid)
        if not a.skip_national:
            rows.append(case("mi-année national (CP-SAT)", str(mid), tmp / "mid", extra))
        rows.append(case("mi-année académie 16", str(mid), tmp / "mid16", extra + ["--academie", "16"]))
        print()
        print(f"{'cas':<30}{'mur (s)':>9}{'RSS Mio':>9}{'objectif':>12}{'borne':>12}{'écart %':>9}{'glouton':>12}"
              f"{'glouton/opt':>12}{'achèvement':>12}{'Toussaint':>10}{'Noël':>7}")
        for r in rows:
            print(f"{r['case']:<30}{r['total_wall_s']:>9}{r['peak_rss_mib']:>9}{r['objective']:>12.0f}{r['bound']:>12.0f}"
                  f"{r['gap_pct']:>9}{r['greedy_objective']:>12.0f}{r['greedy_over_optimised']:>12}"
                  f"{str(r['completion_date']):>12}{str(r['share_by_toussaint']):>10}{str(r['share_by_christmas']):>7}")


if __name__ == "__main__":
    main()
