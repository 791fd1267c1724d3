"""Per-unit roadmap choices (themes, briques, meeting dates) edited through the Excel template."""
import datetime as dt

from openpyxl import load_workbook

from planner.sources.template import HEADERS, SHEETS, export_template, import_template
from solvers.api import solve

from .tiny import tiny_scenario, uai


def _edit(path, unit_id, themes=None, briques=None, ca=None):
    wb = load_workbook(path)
    ws = wb[SHEETS["feuille_de_route"]]
    headers = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=2):
        if row[headers.index("Unité")].value == unit_id:
            if themes is not None:
                row[headers.index("Thèmes (séparés par ;)")].value = themes
            if briques is not None:
                row[headers.index("Briques (séparées par ;)")].value = briques
            if ca is not None:
                row[headers.index("Dates : Conseil d'administration")].value = ca
            row_number = row[0].row
    wb.save(path)
    return row_number


def test_roadmap_choices_round_trip_change_the_plan(tmp_path):
    sc = tiny_scenario()
    path = export_template(sc, tmp_path / "modele.xlsx")
    wb = load_workbook(path)
    assert [c.value for c in wb[SHEETS["feuille_de_route"]][1]] == HEADERS["feuille_de_route"]
    e1 = uai(1)
    _edit(path, e1, themes="IA et devoirs ; Évaluation par compétences", briques="B03 ; B20", ca="2026-11-19")
    res = import_template(path, sc)
    assert res.ok, res.errors
    ch = next(c for c in res.scenario.roadmap_choices if c.unit_id == e1)
    assert ch.themes == ["IA et devoirs", "Évaluation par compétences"] and ch.briques == ["B03", "B20"]
    assert ch.meeting_dates["conseil_administration"] == [dt.date(2026, 11, 19)]
    plan = solve(res.scenario, workers=1, time_limit=10)
    mine = [s for s in plan.sessions if s.unit_id == e1]
    step2_titles = " ".join(s.title for s in mine if s.kind == "step2")
    assert "Évaluation par compétences" in step2_titles
    step5 = " ".join(s.title for s in mine if s.kind == "step5")
    assert "B03" in step5 or "B20" in step5


def test_roadmap_choices_errors_name_sheet_row_column(tmp_path):
    sc = tiny_scenario()
    path = export_template(sc, tmp_path / "modele.xlsx")
    row = _edit(path, uai(2), briques="B03 ; B99")
    res = import_template(path, sc)
    assert not res.ok
    msg = str(res.errors[0])
    assert "Feuille de route" in msg and str(row) in msg and "Briques" in msg and "B99" in msg


def test_roadmap_meeting_date_outside_horizon_is_refused(tmp_path):
    sc = tiny_scenario()
    path = export_template(sc, tmp_path / "modele.xlsx")
    _edit(path, uai(1), ca="2030-01-10")
    res = import_template(path, sc)
    assert not res.ok and "hors de l'horizon" in str(res.errors[0]) and "Conseil d'administration" in str(res.errors[0])
