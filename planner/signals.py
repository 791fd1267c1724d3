"""Ctrl-C and worker processes: the helpers of every process pool of the application (the solver's académies,
its forkserver, the PDF batch, the split check)."""
from __future__ import annotations

import contextlib
import signal
import threading


@contextlib.contextmanager
def sigint_blocked():
    """SIGINT blocked in this thread while a pool starts its processes: they inherit the mask, so a Ctrl-C
    sent to the terminal's process group cannot reach a worker (or the forkserver's imports) before it
    ignores it; the parent alone decides what Ctrl-C does."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


@contextlib.contextmanager
def sigint_ignored():
    """SIGINT ignored while a process is started by exec (the forkserver, the resource tracker): it inherits the
    ignored disposition, which an exec keeps (Python's spawning does not keep a blocked mask), so a Ctrl-C
    cannot cut its start-up imports short. From the main thread only (elsewhere: blocked, as above); a Ctrl-C
    in those few milliseconds is lost."""
    if threading.current_thread() is not threading.main_thread():
        with sigint_blocked():
            yield
        return
    with _sigint_handler(signal.SIG_IGN):
        yield


@contextlib.contextmanager
def sigint_deferred():
    """A Ctrl-C that comes while a pool starts its workers is raised once they all run, and the pool's manager
    thread with them: raised in the middle of the first ``submit`` (between two forks), it left a started worker
    that no one would ever stop, waiting for work, holding the terminal's output open. From the main thread only
    (elsewhere it does nothing: Python runs signal handlers in the main thread)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    got: list[int] = []
    with _sigint_handler(lambda signum, frame: got.append(signum)):
        yield
    if got:
        raise KeyboardInterrupt


@contextlib.contextmanager
def _sigint_handler(handler):
    """``handler`` for SIGINT meanwhile, the previous one back afterwards (main thread only)."""
    old = signal.signal(signal.SIGINT, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, old)


__all__ = ["sigint_blocked", "sigint_deferred", "sigint_ignored"]
