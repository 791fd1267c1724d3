"""Estimated cadre counts are said « estimé » as estimated teachers are: the personnels de direction of a
bassin and the inspectors of a département, apportioned in the national reference (and computed by ratios from
an annuaire), are flagged in the scenario, in units.csv, in the window's « Personnes à former » card and in the
académie PDF; a real count entered in the XLSX template clears the flag. No number changes."""
from __future__ import annotations

import csv

import pytest

from planner.plan import Plan
from planner.plan_index import ScenarioIndex
from solvers.api import solve
from solvers.summary import unit_rows
from tests.tiny import tiny_scenario


def _pdf_text(path) -> str:
    from pypdf import PdfReader

    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(str(path)).pages)


def cadres_estimated(sc):
    """The tiny scenario with its teachers counted and its cadres estimated (as the reference's)."""
    sc = sc.model_copy(deep=True)
    for u in sc.etablissements + sc.circonscriptions:
        u.teachers_estimated = False
    sc.bassins[0].perdir_estimated = True
    sc.inspectors_estimated = ["031"]
    return sc


@pytest.fixture(scope="module")
def estimated():
    sc = cadres_estimated(tiny_scenario())
    return sc, solve(sc, solver="greedy")


def test_reference_cadre_counts_are_flagged_and_unchanged(tmp_path):
    from planner.sources.reference import TOTALS, national_reference

    ref = national_reference()
    assert ref.bassins and all(b.perdir_estimated for b in ref.bassins)
    assert sorted(ref.inspectors_estimated) == sorted(ref.inspectors)
    assert sum(b.perdir for b in ref.bassins) == TOTALS["perdir"]  # the same apportioned numbers
    assert sum(ref.inspectors.values()) == TOTALS["inspectors"]
    sub = ref.restricted_to("16")
    assert sorted(sub.inspectors_estimated) == sorted(d.code for d in sub.departements)
    Plan(units=unit_rows(sub)).write(tmp_path / "p")
    with open(tmp_path / "p" / "units.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    cadres = [r for r in rows if r["unit_type"] in ("bassin", "departement")]
    assert {r["unit_type"] for r in cadres} == {"bassin", "departement"}
    assert all(r["teachers_estimated"] == "1" for r in cadres)
    back = Plan.read(tmp_path / "p")
    assert all(u.teachers_estimated for u in back.units if u.unit_type in ("bassin", "departement"))


def test_hand_made_cadre_counts_are_not_flagged():
    rows = unit_rows(tiny_scenario())
    assert not [u for u in rows if u.unit_type in ("bassin", "departement") and u.teachers_estimated]


def test_real_cadre_counts_from_the_template_clear_the_flag(tmp_path):
    from openpyxl import load_workbook

    from planner.sources.template import SHEETS, export_template, import_template

    sc = cadres_estimated(tiny_scenario())
    path = export_template(sc, tmp_path / "m.xlsx")
    same = import_template(path, sc)
    assert same.ok and same.scenario.bassins[0].perdir_estimated and same.scenario.inspectors_estimated == ["031"]
    wb = load_workbook(path)
    for sheet, column, value in ((SHEETS["bassins"], "Personnels de direction", 23),
                                 (SHEETS["inspecteurs"], "Inspecteurs", 12)):
        ws = wb[sheet]
        head = [c.value for c in ws[1]]
        ws.cell(row=2, column=head.index(column) + 1, value=value)
    wb.save(path)
    res = import_template(path, sc)
    assert res.ok, res.errors
    assert (res.scenario.bassins[0].perdir, res.scenario.inspectors["031"]) == (23, 12)
    assert not res.scenario.bassins[0].perdir_estimated and res.scenario.inspectors_estimated == []


def test_index_knows_estimated_cadres(estimated):
    sc, _plan = estimated
    assert ScenarioIndex(sc).estimated == {("bassin", "16-01"), ("departement", "031")}


def test_overview_card_marks_estimated_cadres(qapp, tmp_path_factory, estimated):
    from .conftest import window_on_plan

    sc, plan = estimated
    with window_on_plan(qapp, tmp_path_factory, "Planificateur IA tests cadres estimés", sc, plan) as w:
        card = w.tab("overview").cards["people"]
        assert card.note.text().endswith(f"dont {20 + 10} estimés")  # the bassin's perdir and the inspectors
        tip = card.toolTip()
        assert "Bassin (personnels de direction) : effectif estimé d'après les établissements du bassin" in tip
        assert "Département (inspecteurs) : effectif estimé d'après" in tip
        assert "colonne « Personnels de direction » de la feuille « Bassins »" in tip
        assert "Circonscription :" not in tip  # the teachers are counted
        w.select_scope(("bassin", "16-01"))  # its établissements' teachers counted, its heads estimated
        assert card.note.text().endswith("cadres 20 — dont 20 estimés")


def test_academie_pdf_marks_estimated_cadres(estimated, tmp_path):
    import copy

    from planner.exports import export_academie_pdf

    sc, plan = estimated
    text = _pdf_text(export_academie_pdf(plan, "16", tmp_path / "a.pdf"))
    assert "Personnels de direction formés (étape 1) 20 (estimé)" in text
    assert "Personnels de direction des bassins : effectifs estimés d'après les établissements des bassins" in text
    assert "Inspecteurs des départements : effectifs estimés d'après" in text
    assert "Enseignants des établissements : effectifs estimés" not in text  # the teachers are counted
    plan = copy.deepcopy(plan)
    for u in plan.units:
        u.teachers_estimated = False  # every count real: nothing is marked
    assert "estimé" not in _pdf_text(export_academie_pdf(plan, "16", tmp_path / "b.pdf"))


def test_annuaire_cadre_counts_are_flagged():
    """An annuaire has no cadre counts: perdir per bassin and inspectors per département come from ratios."""
    from planner.sources.annuaire import import_annuaire

    from .conftest import ROOT

    sc = import_annuaire(ROOT / "tests" / "fixtures" / "occ_annuaire_extract.csv").scenario
    assert sc.bassins and all(b.perdir_estimated for b in sc.bassins)
    assert sorted(sc.inspectors_estimated) == sorted(sc.inspectors)
