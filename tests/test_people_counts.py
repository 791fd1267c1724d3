"""Honest people counts (issue 11, item 5): estimated teachers are marked « estimé » in the window, with how they
were estimated; with « include_admin_staff » the totals count the administrative staff that step 1 trains, as
the sessions' participants do, and say « personnels »."""
from __future__ import annotations

import copy

import pytest

from planner.demand import compute_demand
from planner.plan_index import PlanIndex, ScenarioIndex
from solvers.api import solve
from tests.tiny import tiny_scenario, uai

COLLEGE, LYCEE = uai(1), uai(2)


def _pdf_text(path) -> str:
    from pypdf import PdfReader

    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(str(path)).pages)


# ------------------------------------------------------------------ administrative staff in the totals
@pytest.fixture(scope="module")
def with_admin():
    sc = tiny_scenario(include_admin_staff=True)
    return sc, solve(sc, solver="greedy")


def test_totals_count_the_administrative_staff_that_step1_trains(with_admin):
    from planner.compare import plan_figures
    from planner.report import academie_kpis

    sc, plan = with_admin
    people = compute_demand(sc).people
    total = people["teachers_1d"] + people["teachers_2d"]
    assert total == 100 + 44 + 68  # the collège's 40 teachers + 4 staff, the lycée's 62 + 6
    k = plan.report["kpis"]
    assert k["teachers_total"] == total
    teach = [x for x in plan.sessions if x.kind == "step1" and x.audience in ("teachers_1d", "teachers_2d")]
    assert k["teachers_trained"] == sum(x.participants for x in teach) <= total
    assert academie_kpis(plan, "16")["teachers_total"] == total
    assert plan_figures(plan)["share_by_end_of_year"] <= 1.0


def test_academie_pdf_says_personnels_when_staff_is_included(with_admin, tmp_path):
    from planner.exports import export_academie_pdf
    from planner.exports.pdf import academie_figures

    sc, plan = with_admin
    f = academie_figures(PlanIndex.build(plan), "16")
    assert f["teachers_total"] == 212 and f["teachers_trained"] <= f["teachers_total"]
    text = _pdf_text(export_academie_pdf(plan, "16", tmp_path / "a.pdf"))
    assert "Personnels formés" in text and "Couverture : personnels formés par semaine" in text
    assert "Enseignants formés" not in text
    off = solve(tiny_scenario(), solver="greedy")
    assert off.report["kpis"]["teachers_total"] == 202
    text = _pdf_text(export_academie_pdf(off, "16", tmp_path / "b.pdf"))
    assert "Enseignants formés" in text and "Personnels formés" not in text


# ------------------------------------------------------------------ « estimé » in the window
@pytest.fixture(scope="module")
def counted():
    """The lycée's teachers are counted (template column filled); the collège and the circonscription estimated."""
    sc = tiny_scenario()
    sc.etablissements[1] = sc.etablissements[1].model_copy(update={"teachers_estimated": False})
    return sc, solve(sc, solver="greedy")


def test_estimated_units_are_known_to_the_index(counted):
    sc, _plan = counted
    assert ScenarioIndex(sc).estimated == {("circonscription", "031-01"), ("etablissement", COLLEGE)}


def test_sessions_table_marks_estimated_group_sizes(qapp, counted):
    from ui.models import SessionTableModel
    from ui.models.sessions import SESSION_COLUMNS

    sc, plan = counted
    m = SessionTableModel()
    m.set_plan(PlanIndex.build(plan), ScenarioIndex(sc))
    col = [k for k, _ in SESSION_COLUMNS].index("participants")
    rows = {s.unit_id: i for i, s in enumerate(plan.sessions) if s.kind == "step1" and s.audience == "teachers_2d"}
    est = m.cell(rows[COLLEGE], col)
    assert est.endswith("(estimé)") and est.split()[0].isdigit()
    assert "d'après le nombre d'élèves" in m.cell(rows[COLLEGE], col, role=3)  # the tooltip says how
    assert m.cell(rows[LYCEE], col).isdigit()  # counted: no mark
    assert "estimé" not in m.cell(rows[LYCEE], col, role=3)


def test_overview_and_territory_mark_estimated_teachers(qapp, tmp_path_factory, counted):
    from .conftest import window_on_plan

    sc, plan = counted
    with window_on_plan(qapp, tmp_path_factory, "Planificateur IA tests estimé", sc, plan) as w:
        card = w.tab("overview").cards["people"]
        assert card.note.text().endswith(f"dont {100 + 40} estimés")  # the circonscription and the collège
        assert "effectif estimé d'après" in card.toolTip()
        w.select_scope(("etablissement", COLLEGE))
        assert card.note.text().endswith("— estimé")
        w.select_scope(("etablissement", LYCEE))
        assert "estimé" not in card.note.text()
        tree = w.territory.model
        tip = tree.data(tree.index_of(("etablissement", COLLEGE)), 3)
        assert "40 enseignants (estimé)" in tip and "Remplacez-le par le décompte réel" in tip
        assert "62 enseignants" in tree.data(tree.index_of(("etablissement", LYCEE)), 3)
        assert "estimé" not in tree.data(tree.index_of(("etablissement", LYCEE)), 3)


def test_academie_pdf_and_workbook_say_which_counts_are_estimated(counted, tmp_path):
    from openpyxl import load_workbook

    from planner.exports import export_academie_pdf, export_xlsx

    sc, plan = counted
    text = _pdf_text(export_academie_pdf(plan, "16", tmp_path / "a.pdf"))
    assert "(estimé)" in text and "Enseignants des établissements : effectifs estimés d'après" in text
    assert "Enseignants des circonscriptions : effectifs estimés d'après les élèves de leurs écoles" in text
    ws = load_workbook(export_xlsx(plan, tmp_path / "p.xlsx"))["Unités"]
    head = [c.value for c in ws[1]]
    col, ids = head.index("Enseignants estimés"), head.index("Identifiant")
    flags = {r[ids]: r[col] for r in ws.iter_rows(min_row=2, values_only=True)}
    assert (flags[COLLEGE], flags[LYCEE], flags["031-01"], flags["16-01"]) == ("oui", "non", "oui", None)
    plan = copy.deepcopy(plan)
    for u in plan.units:
        u.teachers_estimated = False  # every count real: nothing is marked
    text = _pdf_text(export_academie_pdf(plan, "16", tmp_path / "b.pdf"))
    assert "estimé" not in text
