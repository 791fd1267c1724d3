"""Excel templates: export with French headers, re-import edits, errors naming sheet/row/column/reason."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import load_workbook

from planner.sources.annuaire import import_annuaire
from planner.models import ROLE_LABELS
from planner.sources.template import HEADERS, SHEETS, export_template, import_template

from .conftest import ROOT

OCC = ROOT / "tests/fixtures/occ_annuaire_extract.csv"


@pytest.fixture(scope="module")
def scenario():
    sc = import_annuaire(OCC, academie="16").scenario
    sc.settings = sc.settings.for_school_year("2026-2027", dt.date(2026, 6, 15))  # explicit dates: the whole year
    return sc


@pytest.fixture()
def template(tmp_path, scenario) -> Path:
    return export_template(scenario, tmp_path / "modele.xlsx")


def edit(path: Path, fn) -> Path:
    wb = load_workbook(path)
    fn(wb)
    wb.save(path)
    return path


def find_row(ws, col: int, value) -> int:
    for r in range(2, ws.max_row + 1):
        if ws.cell(r, col).value == value:
            return r
    raise KeyError(value)


def test_export_has_french_sheets_and_headers(template, scenario):
    wb = load_workbook(template)
    for key, title in SHEETS.items():
        assert title in wb.sheetnames
        assert [c.value for c in wb[title][1]] == HEADERS[key]
    assert wb.sheetnames[0] == "Lisez-moi" and wb["Listes"].sheet_state == "hidden"
    assert wb["Établissements"].max_row == len(scenario.etablissements) + 1
    assert wb["Formateurs"].max_row == len(scenario.trainers) + 1
    assert wb["Formateurs"]["C2"].value in ROLE_LABELS.values()
    assert wb["Formateurs"].data_validations.dataValidation  # drop-down lists


def test_unchanged_template_is_identity(template, scenario):
    res = import_template(template, scenario)
    assert res.ok and res.scenario.fingerprint() == scenario.fingerprint()
    assert not any(res.changes.values())


def test_round_trip_applies_edits(template, scenario):
    e = scenario.etablissements[0]
    c = scenario.circonscriptions[0]
    t = next(t for t in scenario.trainers if t.role == "cpc")
    gone = next(t for t in scenario.trainers if t.role == "trainer_2d" and t.unit_id != e.uai)

    def change(wb):
        ws = wb["Établissements"]
        ws.cell(find_row(ws, 1, e.uai), 9).value = 61
        ws = wb["Circonscriptions"]
        ws.cell(find_row(ws, 1, c.id), 5).value = "250"
        ws = wb["Formateurs"]
        r = find_row(ws, 1, t.id)
        ws.cell(r, 2).value = "Mme Camille Durand"
        ws.cell(r, 7).value = "oui"
        ws.delete_rows(find_row(ws, 1, gone.id))
        wb["Préférences"].append(["Établissement", e.uai.lower(), "Pré-rentrée", None])
        wb["Créneaux fixés"].append(["Circonscription", c.id, 2, dt.datetime(2026, 9, 2), "09:00"])
        wb["Créneaux fixés"].append(["Établissement", e.uai, 1, "31/08/2026", dt.time(14, 0)])

    res = import_template(edit(template, change), scenario)
    assert res.ok, res.summary_fr()
    sc = res.scenario
    assert next(x for x in sc.etablissements if x.uai == e.uai).teachers == 61
    assert next(x for x in sc.circonscriptions if x.id == c.id).teachers == 250
    t2 = next(x for x in sc.trainers if x.id == t.id)
    assert t2.name == "Mme Camille Durand" and t2.qualified
    assert gone.id not in {x.id for x in sc.trainers}
    assert [(p.unit_type, p.unit_id, p.window) for p in sc.preferences] == [("etablissement", e.uai, "pre_rentree")]
    assert [(p.unit_type, p.unit_id, p.group, p.date, p.start) for p in sc.pins] == [
        ("circonscription", c.id, 2, dt.date(2026, 9, 2), "09:00"),
        ("etablissement", e.uai, 1, dt.date(2026, 8, 31), "14:00"),
    ]
    assert res.changes["effectifs"] == 2 and res.changes["formateurs"] == 2
    assert scenario.pins == [] and next(x for x in scenario.trainers if x.id == t.id).qualified is False  # input untouched


def test_errors_name_sheet_row_column_and_reason(template, scenario):
    e = scenario.etablissements[0]

    def change(wb):
        ws = wb["Établissements"]
        ws.cell(find_row(ws, 1, e.uai), 9).value = -3
        ws.cell(3, 9).value = "douze"
        ws.append(["9999999Z", "Inconnu", "Collège", "Public", "", "031", "16", "", 10, 0])
        ws = wb["Formateurs"]
        ws.cell(2, 3).value = "Magicien"
        ws.cell(3, 7).value = "peut-être"
        ws.cell(4, 1).value = ws.cell(5, 1).value
        wb["Préférences"].append(["Établissement", e.uai, "Dimanche soir", None])
        wb["Créneaux fixés"].append(["Établissement", e.uai, 1, "2031-01-01", "09:00"])
        wb["Créneaux fixés"].append(["Établissement", e.uai, 2, "hier", "25:99"])

    res = import_template(edit(template, change), scenario)
    assert not res.ok and res.scenario is None
    got = {(i.sheet, i.row, i.column) for i in res.errors}
    n_etab = len(scenario.etablissements)
    expected = {
        ("Établissements", 2, "Enseignants"),
        ("Établissements", 3, "Enseignants"),
        ("Établissements", n_etab + 2, "UAI"),
        ("Formateurs", 2, "Rôle"),
        ("Formateurs", 3, "Déjà qualifié"),
        ("Formateurs", 5, "Identifiant"),
        ("Préférences", 2, "Fenêtre"),
        ("Créneaux fixés", 2, "Date"),
        ("Créneaux fixés", 3, "Date"),
        ("Créneaux fixés", 3, "Début"),
    }
    assert expected <= got, res.summary_fr()
    text = res.summary_fr()
    assert "aucune modification appliquée" in text
    assert "feuille « Formateurs », ligne 2, colonne « Rôle » : rôle inconnu(e) « Magicien »" in text
    assert "hors de l'horizon" in text and "valeur invraisemblable -3" in text


def test_missing_column_and_pinned_group_beyond_sessions(template, scenario):
    c = scenario.circonscriptions[0]

    def change(wb):
        wb["Créneaux fixés"].append(["Circonscription", c.id, 999, "2026-09-02", "09:00"])

    res = import_template(edit(template, change), scenario)
    assert any(i.sheet == "Créneaux fixés" and i.row == 2 and "groupe 999 inexistant" in i.reason for i in res.errors)
    res = import_template(edit(template, lambda wb: wb["Bassins"].delete_cols(5)), scenario)
    assert [(i.sheet, i.row, i.column, i.reason) for i in res.errors] == [
        ("Bassins", 1, "Personnels de direction", "colonne manquante")]


def test_unreadable_files(tmp_path, scenario):
    p = tmp_path / "x.xlsx"
    p.write_bytes(b"not a zip at all")
    res = import_template(p, scenario)
    assert not res.ok and "pas un classeur Excel" in res.errors[0].reason
    res = import_template(tmp_path / "absent.xlsx", scenario)
    assert "introuvable" in res.errors[0].reason
