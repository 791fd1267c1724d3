"""Logic written once (issue 15): each shared helper does its job, and its callers use it instead of a copy."""
from __future__ import annotations

import ast

from planner.text import fold, strip_accents

from .conftest import ROOT


def _calls(module: str, attr: str) -> list[str]:
    """Modules of planner/, solvers/ and ui/ whose source calls ``module.attr`` (e.g. unicodedata.combining)."""
    out = []
    for p in sorted(p for pkg in ("planner", "solvers", "ui") for p in (ROOT / pkg).rglob("*.py")):
        for n in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):
            if isinstance(n, ast.Attribute) and n.attr == attr and isinstance(n.value, ast.Name) and n.value.id == module:
                out.append(str(p.relative_to(ROOT)))
                break
    return out


def test_accent_folding_is_written_once():
    assert fold("Académie de CRÉTEIL") == "academie de creteil"
    assert strip_accents("Élève") == "Eleve"
    assert _calls("unicodedata", "combining") == ["planner/text.py"]


def test_folding_callers_keep_their_own_rules():
    from planner.followup import parse_status
    from planner.models import academie_matches
    from planner.sources.annuaire.decoding import fold as header_fold

    assert academie_matches("01", "Aix-Marseille", "aix marseille")
    assert academie_matches("16", "Toulouse", " TOULOUSE ")
    assert parse_status("Tenue") == "held" and parse_status("ANNULÉE") == "cancelled"
    assert header_fold(' "Identifiant de l\'établissement" ') == "identifiant_de_l_etablissement"


def test_durable_writes_are_written_once(tmp_path):
    import pytest

    from planner.safe_io import atomic_file

    target = tmp_path / "a.csv"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError):
        with atomic_file(target, "w", encoding="utf-8") as f:
            f.write("half")
            raise RuntimeError("killed")
    assert target.read_text(encoding="utf-8") == "old"  # an interrupted write leaves the previous file
    assert (tmp_path / "a.csv.tmp").exists()  # and a .tmp that clean_stale_temps removes at the next run
    with atomic_file(target, "w", encoding="utf-8") as f:
        f.write("new")
    assert target.read_text(encoding="utf-8") == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv"]
    assert _calls("os", "fsync") == ["planner/safe_io.py"]
