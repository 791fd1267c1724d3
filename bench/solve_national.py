"""Benchmark: the national plan, cold start, written and checked; greedy vs CP-SAT; one académie; mid-year variant.

Usage: python bench/solve_national.py [--time-limit S] [--workers N] [--skip-national] [--repeat N]
Every case passes its dates: the school year 2026-2027 planned from 30 November 2026 (the rest of the
year under way), the school year 2027-2028 from the start of its horizon (15 June 2027), and the
mid-year variant. Prints wall time, peak memory (PSS: the process tree's proportional set size, each page
shared by forked processes counted once in all; the RSS sum, which counts it once per process, beside it), objective, bound, gap, greedy objective and ratio,
completion date and the shares of teachers trained by Toussaint and Christmas (of the plan's school
year), for each case, then the bars (solve + check ≤ 60 s, ≤ 1 GiB, gap ≤ 1 %). Each command runs twice: timed
alone, then again with its memory sampled.

Last, issue 16's figures beside their goals: the national solve + check of the year under way (2026-2027 from
30 November) ≤ 8 s and ≤ 600 MiB, its gap ≤ 1 %, the mid-year variant ≥ 12 % better than the fair greedy.
``--repeat N`` times that solve + check N times more, one after the other, and gives the median and the range
beside the first run's figure: on a shared machine one run can be 40 % off.
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


def run(cmd: list[str], sample: bool = True) -> tuple[float, float, float, subprocess.CompletedProcess]:
    """Wall seconds, peak PSS and peak RSS sum (MiB) of the command's whole process tree (sampled), result.
    ``check`` forks its académies' processes from the parent holding the plan: their RSS counts the pages
    they share with it again, their PSS does not. Without ``sample``, the wall time alone: reading the
    tree's PSS every 50 ms takes the kernel a walk of every page table, half a core on two (a national solve
    + check: 2 s longer), so :func:`case` times one run and samples another."""
    import psutil

    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if not sample:
        out, err = proc.communicate()
        return time.perf_counter() - t, 0.0, 0.0, subprocess.CompletedProcess(cmd, proc.returncode, out, err)
    ps = psutil.Process(proc.pid)
    peak_pss = peak_rss = 0
    while proc.poll() is None:
        pss = rss = 0
        try:
            tree = [ps] + ps.children(recursive=True)
        except psutil.Error:
            tree = []
        for p in tree:
            try:
                m = p.memory_full_info()
            except psutil.Error:
                continue
            pss, rss = pss + getattr(m, "pss", m.rss), rss + m.rss
        peak_pss, peak_rss = max(peak_pss, pss), max(peak_rss, rss)
        time.sleep(0.05)
    out, err = proc.communicate()
    wall = time.perf_counter() - t
    return wall, peak_pss / 2**20, peak_rss / 2**20, subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def commands(scenario: str, out: Path, extra: list[str]) -> tuple[list[str], list[str]]:
    """The ``main.py solve`` and ``check`` command lines of a case."""
    py = sys.executable
    return ([py, str(ROOT / "main.py"), "solve", "--scenario", scenario, "--out", str(out), "--quiet", *extra],
            [py, str(ROOT / "main.py"), "check", str(out), "--scenario", scenario])


def repeated(scenario: str, out: Path, extra: list[str], n: int) -> list[float]:
    """Wall seconds of ``n`` more solve + check of a case (each timed alone, none sampled), one after the other;
    a run that fails is said and left out."""
    solve_cmd, check_cmd = commands(scenario, out, extra)
    walls = []
    for _ in range(n):
        wall_s, _, _, r = run(solve_cmd, sample=False)
        wall_c, _, _, rc = run(check_cmd, sample=False)
        if r.returncode or rc.returncode:
            print(f"  répétition en échec (solve {r.returncode}, check {rc.returncode}) : {r.stderr[-300:]}")
            continue
        walls.append(wall_s + wall_c)
    return walls


def case(name: str, scenario: str, out: Path, extra: list[str]) -> dict:
    solve_cmd, check_cmd = commands(scenario, out, extra)
    wall_s, _, _, r = run(solve_cmd, sample=False)  # timed alone
    if r.returncode not in (0,):
        print(r.stdout, r.stderr)
    wall_c, _, _, rc = run(check_cmd, sample=False)
    mem_out = out.with_name(out.name + "-mem")  # the same commands again, their memory sampled
    _, mem, rss, _ = run([str(mem_out) if c == str(out) else c for c in solve_cmd])
    _, mem_c, rss_c, _ = run([str(mem_out) if c == str(out) else c for c in check_cmd])
    rep = json.loads((out / "report.json").read_text(encoding="utf-8"))
    k = rep["kpis"]
    obj, bound, greedy = rep["objective"], rep["best_bound"], rep["greedy_objective"]
    row = {
        "case": name,
        "solve_wall_s": round(wall_s, 2),
        "solve_seconds_in_process": rep["solve_seconds"],
        "check_wall_s": round(wall_c, 2),
        "total_wall_s": round(wall_s + wall_c, 2),
        "peak_mem_mib": round(max(mem, mem_c), 1),
        "peak_rss_sum_mib": round(max(rss, rss_c), 1),
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
        "school_year": rep["settings"].get("school_year"),
        "plan_from": rep["settings"].get("plan_from"),
        "calendar_warnings": [w["academie"] for w in rep.get("calendar_warnings", [])],
        "step1_sessions": k["step1_sessions"],
        "unplaced": sum(u.get("sessions", 0) for u in rep["unplaced"]),
        "stage_seconds": rep["stage_seconds"],
        "parent_seconds": rep.get("parent_seconds", {}),
        "check_mem_mib": round(mem_c, 1),
    }
    print(json.dumps(row, ensure_ascii=False))
    print(_outside_solver(row, rep))
    return row


def _outside_solver(row: dict, rep: dict) -> str:
    """One line: where the solve's time outside the CP-SAT search goes (parent process, then workers)."""
    par, st = row["parent_seconds"], row["stage_seconds"]
    start = par.get("startup")
    pool = rep["solve_seconds"] - par.get("build_plan", 0.0)
    after = row["solve_wall_s"] - rep["solve_seconds"] - (start or 0.0)
    workers = ", ".join(f"{k} {st[k]:.1f}" for k in ("build", "costs", "assemble", "roadmap", "venues", "check") if k in st)
    return (f"  hors solveur — {row['case']} : démarrage {start if start is not None else '?'} s, pool des académies "
            f"{pool:.1f} s (CP-SAT {st.get('timetable', 0):.1f} s cumulées ; autour, cumulé dans les processus : "
            f"{workers}), build_plan {par.get('build_plan', '?')} s, écriture du plan + vérification + sortie "
            f"{after:.1f} s ; check {row['check_wall_s']} s, {row['check_mem_mib']} Mio")


def issue16_lines(rows: list[dict], walls: list[float]) -> str:
    """Issue 16's figures of the national cases beside their goals (what a case not run leaves out)."""
    import statistics

    by = {r["case"]: r for r in rows}
    out = ["Issue 16 (objectifs du calcul national)"]
    nat, mid = by.get("2026-27 dès 30/11 (CP-SAT)"), by.get("mi-année national (CP-SAT)")
    if nat is not None:
        line = f"  solve + check national 2026-27 dès 30/11 : {nat['total_wall_s']:.2f} s"
        ok = nat["total_wall_s"] <= 8
        if walls:
            med = statistics.median(walls)
            line += (f" ; {len(walls)} de plus : médiane {med:.2f} s (de {min(walls):.2f} à {max(walls):.2f})")
            ok = med <= 8
        out.append(f"{'OK ' if ok else 'NON'} {line} (objectif ≤ 8 s)")
        out.append(f"{'OK ' if nat['peak_mem_mib'] <= 600 else 'NON'}   mémoire (PSS) {nat['peak_mem_mib']} Mio "
                   f"(objectif ≤ 600 Mio)")
        out.append(f"{'OK ' if nat['gap_pct'] <= 1 else 'NON'}   écart prouvé {nat['gap_pct']} % (objectif ≤ 1 %)")
    if mid is not None and mid["improvement_vs_greedy_pct"] is not None:
        better = mid["improvement_vs_greedy_pct"]
        out.append(f"{'OK ' if better >= 12 else 'NON'}   variante mi-année : {better} % mieux que le glouton équitable "
                   f"(glouton / optimum {mid['greedy_over_optimised']} ; objectif ≥ 12 %)")
    return "\n".join(out)


def _bytecode() -> None:
    """The project's bytecode written first, as Python does at a user's first start (here it may be told not to,
    PYTHONDONTWRITEBYTECODE): the commands timed are then the second start of a user's, not a first one."""
    import compileall

    for p in ("planner", "solvers", "ui"):
        compileall.compile_dir(ROOT / p, quiet=1)
    compileall.compile_file(ROOT / "main.py", quiet=1)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--time-limit", default="30")
    ap.add_argument("--workers", default=str(os.cpu_count() or 2))
    ap.add_argument("--skip-national", action="store_true")
    ap.add_argument("--repeat", type=int, default=0,
                    help="solve + check national de l'année en cours N fois de plus (médiane et écart)")
    a = ap.parse_args()
    _bytecode()
    from machine import machine_line

    print(machine_line(), flush=True)
    from planner.sources.reference import national_reference
    from planner.scenario_io import save_scenario_json

    extra = ["--time-limit", a.time_limit, "--workers", a.workers]
    y26 = ["--school-year", "2026-2027", "--from", "2026-11-30"]
    y27 = ["--school-year", "2027-2028", "--from", "2027-06-15"]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        rows = []
        walls: list[float] = []
        if not a.skip_national:
            rows.append(case("2026-27 dès 30/11 (CP-SAT)", "national", tmp / "nat", extra + y26))
            if a.repeat > 0:
                walls = repeated("national", tmp / "nat-again", extra + y26, a.repeat)
            rows.append(case("2026-27 dès 30/11 (glouton)", "national", tmp / "natg", extra + y26 + ["--solver", "greedy"]))
            rows.append(case("2027-28 (CP-SAT)", "national", tmp / "nat27", extra + y27))
        rows.append(case("2026-27 dès 30/11, acad. 16", "national", tmp / "a16", extra + y26 + ["--academie", "16"]))
        rows.append(case("2027-28, acad. 16", "national", tmp / "a16n", extra + y27 + ["--academie", "16"]))
        sc = national_reference("2026-2027", dt.date(2027, 1, 4))
        data = sc.settings.model_dump()
        data.update(start_date=dt.date(2027, 1, 4), end_date=dt.date(2027, 10, 15), max_per_local_trainer_per_week=2,
                    wednesday_mornings_per_term_1d=4)
        sc.settings = type(sc.settings).model_validate(data)
        sc.name = "Variante mi-année (décision en novembre)"
        mid = tmp / "mid.json"
        save_scenario_json(sc, mid)
        if not a.skip_national:
            rows.append(case("mi-année national (CP-SAT)", str(mid), tmp / "mid", extra))
        rows.append(case("mi-année académie 16", str(mid), tmp / "mid16", extra + ["--academie", "16"]))
        print()
        print(f"{'cas':<30}{'mur (s)':>9}{'PSS Mio':>9}{'objectif':>12}{'borne':>12}{'écart %':>9}{'glouton':>12}"
              f"{'glouton/opt':>12}{'achèvement':>12}{'Toussaint':>10}{'Noël':>7}")
        for r in rows:
            print(f"{r['case']:<30}{r['total_wall_s']:>9}{r['peak_mem_mib']:>9}{r['objective']:>12.0f}{r['bound']:>12.0f}"
                  f"{r['gap_pct']:>9}{r['greedy_objective']:>12.0f}{r['greedy_over_optimised']:>12}"
                  f"{str(r['completion_date']):>12}{str(r['share_by_toussaint']):>10}{str(r['share_by_christmas']):>7}")
        print()
        for r in rows:
            ok = r["total_wall_s"] <= 60 and r["peak_mem_mib"] <= 1024 and r["gap_pct"] <= 1.0
            print(f"{r['case']:<30} année {r['school_year']} dès {r['plan_from']} : solve + check {r['total_wall_s']} s "
                  f"(≤ 60), {r['peak_mem_mib']} Mio (≤ 1024 ; somme des RSS {r['peak_rss_sum_mib']}), écart {r['gap_pct']} % (≤ 1) → {'OK' if ok else 'HORS BARRE'}"
                  + (f" ; calendriers supposés : {', '.join(r['calendar_warnings'])}" if r["calendar_warnings"] else ""))
        print()
        print(issue16_lines(rows, walls))
        print(f"En fin de mesure — {machine_line()}")


if __name__ == "__main__":
    main()
