"""Sources in one place: the staffing rule shared by every source, the XLSX template from the CLI."""
from __future__ import annotations

import subprocess
import sys

from openpyxl import load_workbook

from planner.scenario_io import load_scenario, save_scenario_json
from planner.sources.reference import national_reference
from planner.sources.template import HEADERS, SHEETS
from planner.staffing import CIRCONSCRIPTION_ROLES, fdf_apportioned, fdf_by_ratio, staff

from .conftest import ROOT
from .tiny import tiny_scenario


def _main(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "main.py", *args], cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_staffing_rule_three_per_circonscription_one_per_etablissement_fdf_by_ratio():
    sc = tiny_scenario()
    ts = staff(sc.academies, sc.circonscriptions, sc.etablissements)
    local = [t for t in ts if t.role != "fdf"]
    assert [t.role for t in local[:3]] == list(CIRCONSCRIPTION_ROLES)
    assert [t.id for t in local] == ["T031-01-1", "T031-01-2", "T031-01-3"] + [f"T{e.uai}" for e in sc.etablissements]
    assert local[0].name == "CPC 1 — Circonscription Test" and local[2].name == "eRUN 3 — Circonscription Test"
    assert [t.id for t in ts if t.role == "fdf"] == ["FDF-16-01"]  # max(1, round(150 × 5 / 13,800)) = 1
    assert fdf_by_ratio({"16": 920}) == {"16": 10}  # 150 × 920 / 13,800
    assert fdf_by_ratio({"16": 920}, {"16": 4}) == {"16": 4}  # set by hand
    assert fdf_apportioned(10)({"a": 1, "b": 3}) == {"a": 3, "b": 7}  # exactly 10, at least one each


def test_national_reference_is_staffed_by_the_same_rule():
    sc = national_reference()
    again = staff(sc.academies, sc.circonscriptions, sc.etablissements, fdf=fdf_apportioned(150), naming="reference")
    assert [t.model_dump() for t in again] == [t.model_dump() for t in sc.trainers]
    assert sum(t.role == "fdf" for t in sc.trainers) == 150
    assert sum(t.role != "fdf" for t in sc.trainers) == 3 * 1400 + 9600


def test_template_round_trip_from_the_command_line(tmp_path):
    base = tmp_path / "mini.json"
    save_scenario_json(tiny_scenario(), base)
    xlsx, out = tmp_path / "modele.xlsx", tmp_path / "edite.sqlite"
    r = _main("export-modele", "--scenario", str(base), "--out", str(xlsx))
    assert r.returncode == 0, r.stderr
    wb = load_workbook(xlsx)
    ws = wb[SHEETS["circonscriptions"]]
    col = HEADERS["circonscriptions"].index("Enseignants") + 1
    assert ws.cell(2, 1).value == "031-01" and ws.cell(2, col).value == 100
    ws.cell(2, col).value = 130
    wb.save(xlsx)
    r = _main("import-modele", str(xlsx), "--scenario", str(base), "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert "effectifs : 1" in r.stdout
    assert load_scenario(str(out)).circonscriptions[0].teachers == 130


def test_template_with_errors_writes_nothing_and_names_the_cell(tmp_path):
    base = tmp_path / "mini.json"
    save_scenario_json(tiny_scenario(), base)
    xlsx, out = tmp_path / "modele.xlsx", tmp_path / "edite.sqlite"
    assert _main("export-modele", "--scenario", str(base), "--out", str(xlsx)).returncode == 0
    wb = load_workbook(xlsx)
    ws = wb[SHEETS["circonscriptions"]]
    ws.cell(2, HEADERS["circonscriptions"].index("Enseignants") + 1).value = "beaucoup"
    wb.save(xlsx)
    r = _main("import-modele", str(xlsx), "--scenario", str(base), "--out", str(out))
    assert r.returncode == 1 and not out.exists()
    assert r.stderr.startswith("Erreur : ") and "Traceback" not in r.stderr
    assert "Circonscriptions" in r.stderr and "ligne 2" in r.stderr and "Enseignants" in r.stderr
    r = _main("import-modele", str(tmp_path / "absent.xlsx"), "--scenario", str(base), "--out", str(out))
    assert r.returncode == 2 and "introuvable" in r.stderr and not out.exists()
