"""Errors of the domain core that several modules raise (French messages), and how a command reports one (and its
progress)."""
from __future__ import annotations

import sys


class ScenarioError(Exception):
    """A scenario that cannot be loaded; the message is French and names the file."""


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
