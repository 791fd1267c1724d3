"""Save and reopen the national scenario with its plan (issue 16: ≤ 1 s each).

Usage: python bench/store_bench.py PLAN_DIR   (a national plan folder written by ``main.py solve``)

Prints, for two saves and two reopenings of a scenario file holding the national reference and the
plan: the scenario part, the plan part, wall and CPU seconds, and the file size. Figures depend on
the machine's load (CPU seconds are printed beside wall seconds for that reason). The cyclic collector
is off meanwhile, as in the window's operations (:mod:`ui.operations`) and the command line (``bulk_work``):
otherwise its passes over the plan already in memory are most of what is measured.
"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def timed(fn):
    w, c = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - w, time.process_time() - c


def main() -> int:
    from planner.plan import Plan
    from planner.sources.reference import national_reference
    from planner.store import ScenarioStore, save_scenario_file

    import gc

    plan = Plan.read(sys.argv[1])
    sc = national_reference()
    gc.freeze()
    gc.disable()
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "national.sqlite"
        for k in range(2):
            def save():
                save_scenario_file(path, sc if k == 0 else sc.model_copy(update={"name": sc.name + " (2)"}))
                with ScenarioStore(path) as st:
                    st.save_plan("courant", plan, {})
            _, w, c = timed(save)
            print(f"save #{k + 1} (scenario {'new' if k == 0 else 'changed'} + {len(plan.sessions):,} sessions): "
                  f"{w:.2f} s wall, {c:.2f} s CPU, file {path.stat().st_size / 2**20:.1f} MiB  (goal ≤ 1 s)")
        _, w, c = timed(lambda: save_scenario_file(path, sc.model_copy(update={"name": sc.name + " (2)"})))
        print(f"save of an unchanged scenario: {w:.2f} s wall, {c:.2f} s CPU")
        for k in range(2):
            def reopen():
                with ScenarioStore(path, create=False) as st:
                    return st.load_scenario(), st.load_plan("courant")
            (_, p2), w, c = timed(reopen)
            assert len(p2.sessions) == len(plan.sessions)
            print(f"reopen #{k + 1}: {w:.2f} s wall, {c:.2f} s CPU  (goal ≤ 1 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
