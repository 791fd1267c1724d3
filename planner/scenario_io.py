"""Load a scenario from the command line's ``--scenario`` value: ``national`` or a file.

Files: a scenario file (SQLite, see :mod:`planner.store`) or a JSON dump of :class:`Scenario`.
Errors are :class:`ScenarioError` with a French message naming the file.
"""
from __future__ import annotations

import json
from pathlib import Path

from pydantic import ValidationError

from .models import Scenario, french_errors
from .sources.reference import national_reference


class ScenarioError(Exception):
    """A scenario that cannot be loaded; the message is French and names the file."""


def load_scenario(spec: str | None) -> Scenario:
    if not spec or spec == "national":
        return national_reference()
    path = Path(spec)
    if not path.exists():
        raise ScenarioError(f"{spec} : fichier introuvable (attendu : « national » ou un fichier de scénario)")
    head = path.open("rb").read(16)
    if head.startswith(b"SQLite format 3"):
        from .store import ScenarioStore  # the scenario file (SQLite)

        with ScenarioStore(path) as store:
            return store.load_scenario()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ScenarioError(f"{spec} : ni fichier de scénario SQLite ni JSON lisible ({exc})") from None
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(f"{spec} : scénario invalide — " + " ; ".join(french_errors(exc)[:10])) from None


def save_scenario_json(sc: Scenario, path: str | Path) -> None:
    """Atomic JSON dump (write to a temporary file, then rename)."""
    path = Path(path)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(sc.model_dump_json(indent=1), encoding="utf-8")
    tmp.replace(path)
