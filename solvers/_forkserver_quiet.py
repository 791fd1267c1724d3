"""Imported first by the solver's forkserver (``solvers.pool_start.WORKER_MODULES``), never elsewhere: Ctrl-C is the
parent's to handle, and the forkserver's own imports (OR-Tools and the models, about a second) must not be cut
short by one sent to the terminal's process group. The workers it forks ignore it too until their own
initializer says so (``solvers.api._worker_init``).

The forkserver also ends at once when its parent closes it (:func:`solvers.pool_start.stop_pool_server`, which
waits for it): its exit handlers run, then the process ends without freeing its imports one by one (0.07 to
0.13 s that a national solve waited for). Its workers never run exit handlers (multiprocessing ends them with
``os._exit``)."""
import atexit
import os
import signal

signal.signal(signal.SIGINT, signal.SIG_IGN)
atexit.register(os._exit, 0)  # registered first: run last, after every other exit handler
