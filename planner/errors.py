"""Errors of the domain core that several modules raise (French messages), and how a command reports one (and its
progress)."""
from __future__ import annotations

import sys


class ScenarioError(Exception):
    """A scenario that cannot be loaded; the message is French and names the file."""


class Cancelled(Exception):
    """Background work stopped because what it was for is gone (the window opens another scenario): the operation
    ends quietly, without a message."""


def stop_check(stop) -> None:
    """Raise :class:`Cancelled` once ``stop`` (a :class:`threading.Event`, or None) is set: long work calls it between
    two of its steps."""
    if stop is not None and stop.is_set():
        raise Cancelled()


def polled(rows: list, stop, every: int = 16384):
    """``rows`` as they are without ``stop``; with it, the same rows, :func:`stop_check` called before each slice of
    ``every`` (a loop over a national plan's 400,000 sessions stops within a few hundredths of a second)."""
    if stop is None:
        return rows

    def slices():
        for i in range(0, len(rows), every):
            stop_check(stop)
            yield from rows[i:i + every]

    return slices()


def fail(message: object, code: int = 2) -> int:
    """A headless command that cannot be done: « Erreur : message » on stderr; returns its exit code."""
    print(f"Erreur : {message}", file=sys.stderr)
    return code


def is_terminal(stream) -> bool:
    """``stream`` is a terminal: a command's progress is then rewritten in place (« \\r »); in a log (a pipe, a
    file) each update is a whole line instead, else they are glued into one."""
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # closed, or not a file
        return False
