"""Load a scenario from the command line's ``--scenario`` value: ``national`` or a file.

Files: a scenario file (SQLite, see :mod:`planner.store`) or a JSON dump of :class:`Scenario`.
Errors are :class:`ScenarioError` with a French message naming the file: a folder, a device, an
empty, damaged, foreign, too large (over :data:`MAX_JSON_BYTES`) or too deeply nested file never
gives a traceback.
"""
from __future__ import annotations

import json
import sqlite3
import stat
from pathlib import Path

from pydantic import ValidationError

from .errors import ScenarioError
from .models import Scenario, french_errors
from .sources.reference import national_reference

__all__ = ["ScenarioError", "load_scenario", "save_scenario_json"]

MAX_JSON_BYTES = 512 * 1024 * 1024  # a national scenario's JSON is about 15 MB


def _json_kind(v) -> str:
    return {list: "une liste", str: "un texte", int: "un nombre", float: "un nombre", bool: "un booléen",
            type(None): "null"}.get(type(v), type(v).__name__)


def check_regular_file(path: Path, spec: str | None = None) -> None:
    """Raise :class:`ScenarioError` unless ``path`` is an existing regular file (not a folder or a device)."""
    spec = spec or str(path)
    try:
        st = path.stat()
    except FileNotFoundError:
        raise ScenarioError(f"{spec} : fichier introuvable (attendu : « national » ou un fichier de scénario)") from None
    except OSError as exc:
        raise ScenarioError(f"{spec} : fichier inaccessible ({exc.strerror or exc})") from None
    if stat.S_ISDIR(st.st_mode):
        raise ScenarioError(f"{spec} : c'est un dossier, pas un fichier de scénario")
    if not stat.S_ISREG(st.st_mode):
        raise ScenarioError(f"{spec} : ce n'est pas un fichier ordinaire (périphérique, tube ou socket)")


def load_scenario(spec: str | None) -> Scenario:
    if not spec or spec == "national":
        return national_reference()
    path = Path(spec)
    check_regular_file(path, spec)
    try:
        with path.open("rb") as f:
            head = f.read(16)
        if head.startswith(b"SQLite format 3"):
            from .store import ScenarioStore  # the scenario file (SQLite)

            with ScenarioStore(path, create=False) as store:
                return store.load_scenario()
        if not head:
            raise ScenarioError(f"{spec} : fichier vide (ni fichier de scénario SQLite ni JSON)")
        if path.stat().st_size > MAX_JSON_BYTES:
            raise ScenarioError(f"{spec} : fichier JSON trop volumineux "
                                f"({path.stat().st_size // 2**20} Mo ; au plus {MAX_JSON_BYTES // 2**20} Mo)")
        return _scenario_from_json(path.read_bytes(), spec)
    except ScenarioError:
        raise
    except sqlite3.DatabaseError as exc:
        raise ScenarioError(f"{spec} : fichier de scénario illisible ou endommagé ({exc})") from None
    except RecursionError:
        raise ScenarioError(f"{spec} : données trop profondément imbriquées : ce n'est pas un scénario") from None
    except MemoryError:
        raise ScenarioError(f"{spec} : fichier trop volumineux pour la mémoire disponible") from None
    except OSError as exc:
        raise ScenarioError(f"{spec} : lecture impossible ({exc.strerror or exc})") from None


def _scenario_from_json(raw: bytes, spec: str) -> Scenario:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ScenarioError(f"{spec} : ni fichier de scénario SQLite ni JSON lisible "
                            f"(octet {exc.start} : ce n'est pas du texte UTF-8)") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ScenarioError(f"{spec} : ni fichier de scénario SQLite ni JSON lisible "
                            f"(JSON invalide ligne {exc.lineno}, colonne {exc.colno})") from None
    except RecursionError:
        raise ScenarioError(f"{spec} : JSON trop profondément imbriqué : ce n'est pas un scénario") from None
    if not isinstance(data, dict):
        raise ScenarioError(f"{spec} : ce JSON n'est pas un scénario (un objet était attendu, le fichier contient "
                            f"{_json_kind(data)})")
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(f"{spec} : scénario invalide — " + " ; ".join(french_errors(exc)[:10])) from None
    except RecursionError:
        raise ScenarioError(f"{spec} : JSON trop profondément imbriqué : ce n'est pas un scénario") from None


def save_scenario_json(sc: Scenario, path: str | Path) -> None:
    """Atomic JSON dump (write to a temporary file, then rename)."""
    path = Path(path)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(sc.model_dump_json(indent=1), encoding="utf-8")
    tmp.replace(path)
