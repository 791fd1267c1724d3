"""Imported first by the solver's forkserver (``solvers.pool_start.WORKER_MODULES``), never elsewhere: Ctrl-C is the
parent's to handle, and the forkserver's own imports (OR-Tools and the models, about a second) must not be cut
short by one sent to the terminal's process group. The workers it forks ignore it too until their own
initializer says so (``solvers.api._worker_init``)."""
import signal

signal.signal(signal.SIGINT, signal.SIG_IGN)
