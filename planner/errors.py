"""Errors of the domain core that several modules raise (French messages), and how a command reports one."""
from __future__ import annotations

import sys


class ScenarioError(Exception):
    """A scenario that cannot be loaded; the message is French and names the file."""


def fail(message: object, code: int = 2) -> int:
    """A headless command that cannot be done: « Erreur : message » on stderr; returns its exit code."""
    print(f"Erreur : {message}", file=sys.stderr)
    return code
