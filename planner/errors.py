"""Errors of the domain core that several modules raise (French messages)."""
from __future__ import annotations


class ScenarioError(Exception):
    """A scenario that cannot be loaded; the message is French and names the file."""
