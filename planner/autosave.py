"""Autosave and recovery of the scenario being edited, beside the scenario file.

The autosave of ``dir/NAME`` is ``dir/.NAME.autosave`` (a scenario file of its own); a scenario never
saved autosaves to ``sans-titre.autosave`` in the user's data folder. After a crash the window offers
:func:`recovery_candidate`; a normal save discards the autosave.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import ScenarioError
from .models import Scenario
from .store import ScenarioStore, _now


@dataclass
class RecoveryInfo:
    autosave_path: Path
    saved_at: str
    scenario_name: str
    original: Path | None


def autosave_path(path: str | Path | None, autosave_dir: str | Path | None = None) -> Path:
    """Where the autosave of ``path`` lives: ``.NAME.autosave`` beside it, or ``sans-titre.autosave`` in
    ``autosave_dir`` (default ``~/.local/share/planificateur-ia``) for a scenario never saved."""
    if path is not None:
        p = Path(path)
        return p.with_name(f".{p.name}.autosave")
    base = Path(autosave_dir) if autosave_dir else Path.home() / ".local" / "share" / "planificateur-ia"
    base.mkdir(parents=True, exist_ok=True)
    return base / "sans-titre.autosave"


def autosave(scenario: Scenario, path: str | Path | None, autosave_dir: str | Path | None = None) -> Path:
    """Write the scenario being edited to its autosave file (atomically; the real file is untouched)."""
    target = autosave_path(path, autosave_dir)
    return ScenarioStore.create(target, scenario, meta={
        "autosave_of": str(Path(path).resolve()) if path is not None else None,
        "autosaved_at": _now(),
    })


def recovery_candidate(path: str | Path | None, autosave_dir: str | Path | None = None) -> RecoveryInfo | None:
    """The autosave to offer after a crash: it exists, reads, and differs from the saved file."""
    a = autosave_path(path, autosave_dir)
    if not a.exists():
        return None
    try:
        with ScenarioStore(a, create=False) as st:
            sc = st.load_scenario()
            saved_at = st.get_meta("autosaved_at", "")
    except ScenarioError:
        return None
    if path is not None and Path(path).exists():
        try:
            with ScenarioStore(path, create=False) as st:
                if st.has_scenario() and st.load_scenario().fingerprint() == sc.fingerprint():
                    return None
        except ScenarioError:
            pass  # the real file is unreadable: the autosave is all the more worth offering
    return RecoveryInfo(a, saved_at, sc.name, Path(path) if path is not None else None)


def recover(path: str | Path | None, autosave_dir: str | Path | None = None) -> Scenario:
    """The scenario of the autosave (the caller then saves it where the user wants)."""
    with ScenarioStore(autosave_path(path, autosave_dir), create=False) as st:
        return st.load_scenario()


def discard_autosave(path: str | Path | None, autosave_dir: str | Path | None = None) -> None:
    """After a normal save or when the user declines recovery."""
    a = autosave_path(path, autosave_dir)
    for p in (a, Path(str(a) + "-journal")):
        try:
            p.unlink()
        except FileNotFoundError:
            pass
