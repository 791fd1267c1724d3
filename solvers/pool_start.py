"""What ``main.py solve`` and ``check`` start before anything else is imported.

The solver's process pool: its forkserver imports the workers' modules (OR-Tools, the models: about 0.5 s) while
the command line imports its own and reads the scenario. Light on purpose (the standard library and
:mod:`planner.signals` only): ``solve`` calls :func:`warm_pool` first thing, 0.05 s after it starts instead of
0.4 s, and the académies' workers no longer wait for the forkserver's imports. ``check`` starts parsing the plan's
sessions.csv the same way (:func:`run_check`)."""
from __future__ import annotations

import multiprocessing as mp
import os

from planner.signals import sigint_ignored

# what a worker runs: imported once by the forkserver, whose forks (the workers) start with them loaded; the
# first one makes the forkserver deaf to Ctrl-C before the others load (a process started by exec does not keep
# the caller's blocked signals)
WORKER_MODULES = ["solvers._forkserver_quiet", "solvers.api", "solvers.academie", "solvers.roadmap", "solvers.venues",
                  "solvers.checker"]


def context():
    """The pool's start method: a forkserver preloading :data:`WORKER_MODULES` (else spawn)."""
    method = "forkserver" if "forkserver" in mp.get_all_start_methods() else "spawn"
    ctx = mp.get_context(method)
    if method == "forkserver":
        ctx.set_forkserver_preload(WORKER_MODULES)
    return ctx


def warm_pool(workers: int | None) -> None:
    """Start the workers' forkserver now (when a pool will be used): it imports the workers' modules while the
    caller reads its scenario, and the workers then start at once instead of each importing them."""
    if max(1, workers or os.cpu_count() or 1) < 2 or context().get_start_method() != "forkserver":
        return
    from multiprocessing import forkserver

    with sigint_ignored():  # the forkserver (and the workers it forks) never see Ctrl-C, even while it starts
        forkserver.ensure_running()


def stop_pool_server() -> None:
    """End the workers' forkserver (started by :func:`warm_pool`) once no pool will be needed again: the command
    line's solve, after its académies (the idle server holds its imports, 80 MB of the national solve's peak
    memory). A window keeps it for its next solve. Nothing where there is none."""
    try:
        from multiprocessing import forkserver
    except ImportError:  # no forkserver on this system: nothing to end
        return
    server = getattr(forkserver, "_forkserver", None)
    stop = getattr(server, "_stop", None)
    if stop is not None and getattr(server, "_forkserver_pid", None):
        try:
            stop()
        except (OSError, ChildProcessError):
            pass


def run_solve(args) -> int:
    """``main.py solve``: the forkserver started first thing (a solve of the whole scenario), then the command
    itself (:func:`solvers.cli.run_solve`, whose imports and scenario reading then overlap its imports)."""
    if not getattr(args, "academie", None):
        warm_pool(getattr(args, "workers", None))
    from .cli import run_solve as run

    return run(args)


def run_check(args) -> int:
    """``main.py check``: sessions.csv parsed in a thread first thing (:func:`planner.plan_arrow.read_table_soon`),
    while the command imports its modules and reads the plan's other files and its scenario."""
    from pathlib import Path

    from planner.plan_arrow import read_table_soon

    table = read_table_soon(Path(args.plan_dir) / "sessions.csv")
    from .cli import run_check as run

    return run(args, table)
