"""Ctrl-C and worker processes: one helper for every process pool of the application (the solver's
académies, the PDF batch)."""
from __future__ import annotations

import contextlib
import signal


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


__all__ = ["sigint_blocked"]
