"""The window's memory over several national solves, undo kept (issue 16: the window stays fast for as long as it is
open; each national solve used to add 260 to 310 MiB that undo kept, for as long as the window was open).

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/undo_memory.py --plan DIR [--solves 4]

DIR is a national plan folder (``main.py solve --out``). The window is opened on the national reference with the
plan's settings; each solve is replayed as ``bench/gui_bench.py`` replays one (a new plan read from DIR: new
sessions, checked and installed as a finished solve installs it), then the window is left until its background
work ends, the compaction of the plans two solves back included. Printed: the resident memory (RSS) after each
solve, then the time of each undo back to the first solve's plan, one at a time with the window idle in between (a
plan kept compact is made again in the background while the one before it is shown), and of each redo; then undos
asked in a row without waiting (:func:`rapid`), beside the same steps made on the window's thread as before. The same
run without the compaction (``--no-compact``, in a process of its own) is the baseline: the
ratio of the memory added by the solves is printed beside it.
"""
from __future__ import annotations

import argparse
import gc
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def rss_mib() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def run_window(plan_dir: str, solves: int, compact: bool) -> None:
    """One window, ``solves`` replayed solves; prints « RSS i value » lines and the undo / redo times."""
    from gui_bench import pump_until, replay_solve, settle, solved_with

    from planner.plan import Plan
    from ui import document
    from ui.app import make_app

    if not compact:
        document.COMPACT_DELAY_MS = 10**9  # never within the run
    app = make_app()
    app.setOrganizationName("Planificateur IA bench")
    from ui.main_window import MainWindow

    w = MainWindow(open_in_background=True)
    w.resize(1400, 900)
    w.show()
    pump_until(lambda: w.doc.scenario is not None and not w.ops.find("open"))
    w.planning.auto_check = False
    import json

    solved_with(w, json.loads((Path(plan_dir) / "report.json").read_text(encoding="utf-8")))
    pump_until(lambda: not w.ops.running)
    gc.collect()
    print(f"RSS 0 {rss_mib():.0f}", flush=True)
    for i in range(1, solves + 1):
        op = replay_solve(w, Plan.read(plan_dir))  # new sessions each time, as a solve makes them
        pump_until(lambda: not op.isRunning() and w.ops.find("solve") is None)
        # its lists, save preparation and (two solves on) the compaction of the older plans
        end = time.perf_counter() + (document.COMPACT_DELAY_MS / 1000 + 5 if compact and i > 2 else 5)
        pump_until(lambda: not w.ops.running and time.perf_counter() > end, timeout_s=900)
        settle()
        time.sleep(2)  # the background release of what was let go
        pump_until(lambda: not w.ops.running)
        gc.collect()
        print(f"RSS {i} {rss_mib():.0f}", flush=True)
    stack = w.doc.undo_stack
    for direction in ("UNDO", "REDO"):
        times = []
        for _ in range(solves - 1):  # one at a time, as a user goes back: the window idle in between
            t = time.perf_counter()
            stack.undo() if direction == "UNDO" else stack.redo()
            settle()
            times.append(time.perf_counter() - t)
            idle = time.perf_counter() + 3  # a user's look at the plan: the window serves its events meanwhile
            pump_until(lambda: time.perf_counter() > idle and not w.ops.running)
        print(direction, " ".join(f"{x:.2f}" for x in times), flush=True)
    rapid(w, solves - 1)
    w.wait_threads()
    w.close()
    os._exit(0)


def rapid(w, n: int) -> None:
    """``n`` undos asked in a row without waiting (« Annuler » pressed again before its plan is ready), from the top
    of the stack: the window's longest stall and the time until the last one's plan is shown; then the same steps as
    the stack's own calls (the window's thread making each plan ready, as every undo did before ``ui.undo_steps``),
    back from the top again (its plans made by then, no longer compact: a lighter baseline). Prints « RAPID stall
    seconds » and « DIRECT stall seconds »."""
    from gui_bench import Heartbeat, pump_until, settle

    stack = w.doc.undo_stack
    for label, step in (("RAPID", w.act_undo.trigger), ("DIRECT", stack.undo)):
        while stack.canRedo():
            stack.redo()
        settle()
        pump_until(lambda: not w.ops.running)
        top = stack.index()
        hb = Heartbeat()
        hb.start()
        t = time.perf_counter()
        for _ in range(n):
            step()
        pump_until(lambda: stack.index() == top - n and not w.steps.pending())
        settle()
        wall = time.perf_counter() - t
        print(label, hb.stop()[0], f"{wall:.2f}", flush=True)
        pump_until(lambda: not w.ops.running)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--plan", required=True, help="dossier d'un plan national (main.py solve --out)")
    ap.add_argument("--solves", type=int, default=4)
    ap.add_argument("--no-compact", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if not (Path(args.plan) / "sessions.csv").exists():
        print(f"Erreur : {args.plan} n'est pas un dossier de plan (sessions.csv absent).", file=sys.stderr)
        return 2
    if args.child:
        run_window(args.plan, args.solves, not args.no_compact)
        return 0
    from machine import machine_line

    print(machine_line())
    runs = {}
    for compact in (False, True):
        cmd = [sys.executable, __file__, "--plan", args.plan, "--solves", str(args.solves), "--child"]
        r = subprocess.run(cmd + ([] if compact else ["--no-compact"]), capture_output=True, text=True, cwd=ROOT)
        kinds = ("RSS", "UNDO", "REDO", "RAPID", "DIRECT")
        lines = [ln.split() for ln in r.stdout.splitlines() if ln.startswith(kinds)]
        if r.returncode != 0 or not lines:
            print(f"Erreur de la fenêtre ({'compactée' if compact else 'témoin'}) :\n{r.stderr[-2000:]}",
                  file=sys.stderr)
            return 1
        runs[compact] = lines
    print(f"Mémoire de la fenêtre (RSS, Mio) après chaque calcul national rejoué, annulation gardée "
          f"({args.solves} calculs)")
    print(f"{'après':<28}{'sans compactage (témoin)':>26}{'avec':>10}")
    rss = {c: [float(x[2]) for x in runs[c] if x[0] == "RSS"] for c in runs}
    for i, (a, b) in enumerate(zip(rss[False], rss[True])):
        label = "ouverture (aucun plan)" if i == 0 else f"calcul {i}"
        print(f"{label:<28}{a:>26.0f}{b:>10.0f}")
    grown = {c: rss[c][-1] - rss[c][1] for c in rss}
    ratio = grown[True] / grown[False] if grown[False] > 0 else float("nan")
    print(f"ajouté par les calculs 2 à {args.solves} : {grown[False]:.0f} Mio sans, {grown[True]:.0f} Mio avec "
          f"(rapport {ratio:.2f}) ; le dernier : {rss[False][-1] - rss[False][-2]:+.0f} Mio sans, "
          f"{rss[True][-1] - rss[True][-2]:+.0f} Mio avec")
    for c in (False, True):
        times = {x[0]: x[1:] for x in runs[c] if x[0] in ("UNDO", "REDO")}
        print(f"{'avec' if c else 'sans'} compactage : annuler les calculs un à un {' / '.join(times['UNDO'])} s, "
              f"les refaire {' / '.join(times['REDO'])} s (objectif d'une annulation ≤ 0,2 s)")
        quick = {x[0]: x[1:] for x in runs[c] if x[0] in ("RAPID", "DIRECT")}
        if len(quick) == 2:
            print(f"{'avec' if c else 'sans'} compactage : {args.solves - 1} annulations d'affilée, sans attendre : "
                  f"fenêtre bloquée {quick['RAPID'][0]} ms au plus (objectif ≤ 100 ms ; avant, le plan "
                  f"préparé par la fenêtre : {quick['DIRECT'][0]} ms), dernier plan montré en "
                  f"{quick['RAPID'][1]} s (avant : {quick['DIRECT'][1]} s)")
    print(machine_line())
    return 0


if __name__ == "__main__":
    sys.exit(main())
