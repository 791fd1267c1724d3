"""Plan from today, for the right school year, on each académie's real calendar (issue 10).

Every test passes its dates (or the process clock ``PLANIFICATEUR_TODAY``): none reads the machine's.
"""
from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from planner.calendar import academie_calendar, is_school_holiday, pre_rentree_date
from planner.models import Academie, Circonscription, Departement, Etablissement, Scenario, Trainer, uai_check_letter
from planner.sources.calendar import CalendarFileError, apply_calendar, read_calendar_file
from planner.plan import Plan
from planner.report import academie_kpis, convocation_date, teacher_kpis
from planner.scenario_io import save_scenario_json
from planner.school_year import default_dates, horizon
from planner.settings import Settings
from solvers.api import solve
from solvers.checker import check_plan

from .conftest import ROOT
from .tiny import tiny_scenario

FIXTURE = ROOT / "tests" / "fixtures" / "calendrier_scolaire_extract.csv"
# La Réunion 2025-2026 in the official file: teachers back on 18 August 2025, then its austral holidays
REUNION_HOLIDAYS_2025 = [(dt.date(2025, 10, 11), dt.date(2025, 10, 26)), (dt.date(2025, 12, 19), dt.date(2026, 1, 20)),
                         (dt.date(2026, 2, 28), dt.date(2026, 3, 15)), (dt.date(2026, 5, 2), dt.date(2026, 5, 17))]


def main(*args: str, today: str = "2026-11-30", timeout: int = 300) -> subprocess.CompletedProcess:
    env = dict(os.environ, PLANIFICATEUR_TODAY=today)
    return subprocess.run([sys.executable, "main.py", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout, env=env)


def _uai(dep: str, n: int) -> str:
    d = f"{dep}{9000 + n:04d}"
    return d + uai_check_letter(d)


def reunion_scenario(**settings) -> Scenario:
    """La Réunion in miniature: one circonscription, two établissements, their trainers and one FdF."""
    e1, e2 = _uai("974", 1), _uai("974", 2)
    trainers = [Trainer(id=f"T-C-{k}", role=r, academie="28", unit_type="circonscription", unit_id="974-01")
                for k, r in enumerate(("cpc", "cpc", "erun"), 1)]
    trainers += [Trainer(id=f"T-{e}", role="trainer_2d", academie="28", unit_type="etablissement", unit_id=e) for e in (e1, e2)]
    trainers.append(Trainer(id="FDF-28", role="fdf", academie="28", unit_type="academie", unit_id="28"))
    return Scenario(
        name="Mini Réunion", settings=Settings(**settings),
        academies=[Academie(code="28", name="La Réunion", zone="Réunion", calendar_zone="C", calendar_approximate=True,
                            timezone="Indian/Reunion")],
        departements=[Departement(code="974", name="La Réunion", academie="28")],
        circonscriptions=[Circonscription(id="974-01", name="Circonscription Saint-Denis", departement="974",
                                          academie="28", teachers=60)],
        etablissements=[Etablissement(uai=e1, name="Collège A", type="college", departement="974", academie="28", teachers=30),
                        Etablissement(uai=e2, name="Lycée B", type="lycee", departement="974", academie="28", teachers=31)],
        trainers=trainers,
    )


# ============================================================================ school year and plan_from
@pytest.mark.parametrize("today,year,plan_from", [
    (dt.date(2026, 11, 30), 2026, dt.date(2026, 11, 30)),  # in the year: from today
    (dt.date(2027, 6, 20), 2026, dt.date(2027, 6, 20)),  # end of the year: still under way
    (dt.date(2026, 7, 10), 2026, dt.date(2026, 7, 10)),  # summer break: the next year, from today
    (dt.date(2027, 7, 3), 2027, dt.date(2027, 7, 3)),  # first day of the summer 2027
])
def test_default_school_year_and_plan_from(today, year, plan_from):
    assert default_dates(today) == (year, plan_from)


def test_explicit_school_year_starts_at_its_horizon():
    assert default_dates(dt.date(2026, 11, 30), 2027) == (2027, dt.date(2027, 6, 15))
    assert default_dates(dt.date(2026, 11, 30), 2025) == (2025, dt.date(2025, 6, 15))
    assert horizon(2026) == (dt.date(2026, 6, 15), dt.date(2027, 7, 2))
    s = Settings(school_year="2026-2027", plan_from=dt.date(2026, 11, 30)).for_school_year("2027-2028",
                                                                                             today=dt.date(2026, 11, 30))
    assert (s.school_year, s.plan_from, s.start_date, s.end_date) == ("2027-2028", dt.date(2027, 6, 15),
                                                                     dt.date(2027, 6, 15), dt.date(2028, 6, 30))


def test_settings_refuse_bad_school_year_and_late_plan_from():
    from pydantic import ValidationError

    from planner.models import french_errors

    with pytest.raises(ValidationError) as exc:
        Settings(school_year="2026-2028")
    assert "Année scolaire" in " ".join(french_errors(exc.value))  # the setting's French title
    with pytest.raises(ValidationError) as exc:
        Settings(school_year="2026-2027", plan_from=dt.date(2027, 9, 1))
    assert "Planifier à partir du" in " ".join(french_errors(exc.value))


def test_school_year_and_plan_from_stored_in_scenario_file(tmp_path):
    from planner.store import ScenarioStore

    sc = tiny_scenario(school_year="2026-2027", plan_from=dt.date(2026, 12, 2))
    ScenarioStore.create(tmp_path / "s.sqlite", sc)
    with ScenarioStore(tmp_path / "s.sqlite") as st:
        back = st.load_scenario().settings
    assert (back.school_year, back.plan_from) == ("2026-2027", dt.date(2026, 12, 2))


def test_nothing_placed_before_plan_from_and_checker_rule():
    sc = tiny_scenario(plan_from=dt.date(2026, 11, 30))
    plan = solve(sc, workers=1, time_limit=10)
    assert plan.sessions and min(s.date for s in plan.sessions) >= dt.date(2026, 11, 30)
    assert plan.report["settings"]["plan_from"] == "2026-11-30"
    assert plan.report["settings"]["school_year"] == "2026-2027"
    # the independent checker names the rule when a session is moved before plan_from
    first = next(s for s in plan.sessions if s.kind == "tot")
    moved = Plan([dataclasses.replace(s, date=dt.date(2026, 11, 25)) if s is first else s for s in plan.sessions],
                 plan.trainers, plan.units, plan.report)
    assert any(f.rule == "plan_from" for f in check_plan(moved, sc))


def test_teachers_wait_for_the_pre_rentree_unless_allowed():
    # step1_start_date empty (every source's default): nothing of step 1 before the pré-rentrée, trainers may start in June
    sc = tiny_scenario(plan_from=dt.date(2026, 6, 15), step1_start_date=None)
    plan = solve(sc, workers=1, time_limit=10)
    step1 = [s for s in plan.sessions if s.kind == "step1" and s.window != "rentree_seminar"]  # heads: their seminar
    assert min(s.date for s in step1) == dt.date(2026, 8, 31)
    assert min(s.date for s in plan.sessions if s.kind == "tot") < dt.date(2026, 7, 4)
    moved = Plan([dataclasses.replace(s, date=dt.date(2026, 6, 24)) if s is step1[0] else s for s in plan.sessions],
                 plan.trainers, plan.units, plan.report)
    assert any(f.rule == "step1_start" and "pré-rentrée 2026-2027" in f.message for f in check_plan(moved, sc))
    # the setting that allows end-of-previous-year training (an earlier date) lets teachers start in June
    early = solve(tiny_scenario(plan_from=dt.date(2026, 6, 15), step1_start_date=dt.date(2026, 6, 15)), workers=1,
                  time_limit=10)
    assert min(s.date for s in early.sessions if s.kind == "step1") < dt.date(2026, 7, 4)


def test_default_solve_on_the_clock_plans_from_today(tmp_path):
    sc = tiny_scenario()
    data = json.loads(sc.model_dump_json())
    for k in ("school_year", "plan_from", "start_date", "end_date", "step1_start_date"):
        data["settings"].pop(k)
    (tmp_path / "s.json").write_text(json.dumps(data), encoding="utf-8")
    r = main("solve", "--scenario", str(tmp_path / "s.json"), "--solver", "greedy", "--out", str(tmp_path / "p"),
             "--quiet", today="2026-11-30")
    assert r.returncode == 0, r.stderr
    rep = json.loads((tmp_path / "p" / "report.json").read_text(encoding="utf-8"))
    assert rep["settings"]["school_year"] == "2026-2027" and rep["settings"]["plan_from"] == "2026-11-30"
    plan = Plan.read(tmp_path / "p")
    assert min(s.date for s in plan.sessions) >= dt.date(2026, 11, 30)


def test_cli_next_school_year_plans_its_pre_rentree(tmp_path):
    save_scenario_json(tiny_scenario(), tmp_path / "s.json")
    r = main("solve", "--scenario", str(tmp_path / "s.json"), "--school-year", "2027-2028", "--solver", "greedy",
             "--out", str(tmp_path / "p"), "--quiet")
    assert r.returncode == 0, r.stderr
    rep = json.loads((tmp_path / "p" / "report.json").read_text(encoding="utf-8"))
    assert rep["settings"]["school_year"] == "2027-2028" and rep["settings"]["plan_from"] == "2027-06-15"
    assert rep["settings"]["pre_rentree_dates"] == {"16": ["2027-08-31"]}
    assert rep["kpis"]["toussaint_date"] == "2027-10-23"  # Toussaint 2027, not 2026
    step1 = [s for s in Plan.read(tmp_path / "p").sessions if s.kind == "step1" and s.audience.startswith("teachers")]
    assert min(s.date for s in step1) == dt.date(2027, 8, 31)
    r = main("solve", "--scenario", str(tmp_path / "s.json"), "--from", "2026-13-01", "--out", str(tmp_path / "q"))
    assert r.returncode == 2 and "AAAA-MM-JJ ou JJ/MM/AAAA" in r.stderr
    # as a French user writes a date: the same plan start
    r = main("solve", "--scenario", str(tmp_path / "s.json"), "--solver", "greedy", "--school-year", "2027-2028",
             "--from", "15/06/2027", "--out", str(tmp_path / "fr"), "--quiet")
    assert r.returncode == 0, r.stderr
    rep = json.loads((tmp_path / "fr" / "report.json").read_text(encoding="utf-8"))
    assert rep["settings"]["plan_from"] == "2027-06-15"
    r = main("solve", "--scenario", str(tmp_path / "s.json"), "--school-year", "2027-2028", "--from", "2030-01-01",
             "--out", str(tmp_path / "late"))  # after the horizon: said with French dates
    assert r.returncode == 2 and "commence le 01/01/2030, après la fin de l'horizon (" in r.stderr


# ============================================================================ official calendars
def test_official_dates_are_french_days_of_utc_stamps():
    imp = read_calendar_file(FIXTURE)
    reunion = imp.periods["28"]
    winter = next(p for p in reunion if p.population == "Enseignants" and p.start.year == 2025)
    assert (winter.start, winter.end) == (dt.date(2025, 7, 5), dt.date(2025, 8, 18))  # 2025-08-17T22:00Z = 18 August
    guadeloupe = next(p for p in imp.periods["32"] if p.description == "Vacances de la Toussaint")
    assert guadeloupe.start == dt.date(2025, 10, 18)  # 2025-10-17T22:00Z, not the 17th as in Pointe-à-Pitre
    assert "territoire hors du planificateur" in imp.skipped  # Polynésie, Nouvelle-Calédonie
    assert imp.rows_read == sum(len(v) for v in imp.periods.values()) + sum(imp.skipped.values())


def test_reunion_plan_follows_its_own_calendar():
    sc = reunion_scenario(school_year="2025-2026", plan_from=dt.date(2025, 6, 15))
    assert apply_calendar(sc, read_calendar_file(FIXTURE)) == ["28"]
    plan = solve(sc, workers=1, time_limit=10)
    assert plan.report["calendar"]["academies"]["28"]["source"] == "calendrier officiel importé"
    assert plan.report["settings"]["pre_rentree_dates"] == {"28": ["2025-08-18"]}
    assert plan.report["calendar_warnings"] == []
    pre = [s for s in plan.sessions if s.window == "pre_rentree"]
    assert pre and {s.date for s in pre} == {dt.date(2025, 8, 18)}
    for s in plan.sessions:
        assert not any(a <= s.date <= b for a, b in REUNION_HOLIDAYS_2025), s
    assert min(s.date for s in plan.sessions if s.kind == "step1" and s.audience.startswith("teachers")) == \
        dt.date(2025, 8, 18)
    assert [f for f in check_plan(Plan([s for s in plan.sessions if s.kind in ("tot", "step1")], plan.trainers,
                                       plan.units, plan.report), sc) if f.severity == "error"] == []


def test_unknown_official_year_is_a_stated_assumption():
    sc = reunion_scenario(school_year="2026-2027", plan_from=dt.date(2026, 6, 15))
    plan = solve(sc, workers=1, time_limit=10)
    warnings = plan.report["calendar_warnings"]
    assert [w["academie"] for w in warnings] == ["28"] and "2026-2027" in warnings[0]["message"]
    # the assumption keeps the austral rhythm: teachers back mid-August, not with zone C on 31 August
    assert plan.report["settings"]["pre_rentree_dates"] == {"28": ["2026-08-17"]}
    assert academie_calendar(sc.academies[0], sc.settings).warning


def test_cli_reunion_with_calendar_file(tmp_path):
    save_scenario_json(reunion_scenario(), tmp_path / "r.json")
    r = main("solve", "--scenario", str(tmp_path / "r.json"), "--academie", "28", "--school-year", "2025-2026",
             "--calendar", str(FIXTURE), "--solver", "greedy", "--out", str(tmp_path / "p"), "--quiet")
    assert r.returncode == 0, r.stderr
    sessions = Plan.read(tmp_path / "p").sessions
    assert {s.date for s in sessions if s.window == "pre_rentree"} == {dt.date(2025, 8, 18)}


def _write(path: Path, rows: list[list[str]], header: str = "Description;Population;Date de début;Date de fin;"
                                                                 "Académies;Zones;annee_scolaire") -> Path:
    path.write_text("\ufeff" + header + "\n" + "\n".join(";".join(r) for r in rows) + "\n", encoding="utf-8")
    return path


GOOD = ["Vacances de la Toussaint", "-", "2025-10-17T22:00:00+00:00", "2025-11-02T23:00:00+00:00", "Réunion",
        "Réunion", "2025-2026"]


@pytest.mark.parametrize("rows,header,where", [
    ([GOOD], "Description;Population;Début;Fin;Académies;Zones;annee_scolaire", "ligne 1, en-tête"),
    ([GOOD, [*GOOD[:4], "Atlantide", *GOOD[5:]]], None, "ligne 3, champ « Académies »"),
    ([[*GOOD[:2], "2025-11-02T23:00:00+00:00", "2025-10-17T22:00:00+00:00", *GOOD[4:]]], None,
     "ligne 2, champ « Date de fin »"),
    ([[*GOOD[:2], "demain", *GOOD[3:]]], None, "ligne 2, champ « Date de début »"),
])
def test_bad_calendar_file_names_file_line_and_field(tmp_path, rows, header, where):
    path = _write(tmp_path / "cal.csv", rows, *( [header] if header else []))
    with pytest.raises(CalendarFileError) as exc:
        read_calendar_file(path)
    assert str(path) in str(exc.value) and where in str(exc.value)


def test_import_calendrier_command(tmp_path):
    from planner.store import ScenarioStore

    r = main("import-calendrier", str(FIXTURE), "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["rows_read"] == 31 and out["academies"] == ["16", "28", "32"]
    assert out["school_years"] == ["2024-2025", "2025-2026"] and out["periods_kept"] > 20
    # into a scenario file; a bad file changes nothing of it
    scen = tmp_path / "s.sqlite"
    ScenarioStore.create(scen, reunion_scenario())
    bad = _write(tmp_path / "bad.csv", [GOOD, [*GOOD[:4], "Atlantide", *GOOD[5:]]])
    r = main("import-calendrier", str(bad), "--scenario", str(scen))
    assert r.returncode == 2 and "ligne 3" in r.stderr and "Atlantide" in r.stderr
    with ScenarioStore(scen) as st:
        assert st.load_scenario().academies[0].calendar_periods == []
    r = main("import-calendrier", str(FIXTURE), "--scenario", str(scen), "--json")
    assert r.returncode == 0 and json.loads(r.stdout)["academies_updated"] == ["28"]
    with ScenarioStore(scen) as st:
        assert len(st.load_scenario().academies[0].calendar_periods) > 10


# ============================================================================ one rule for every source
def _annuaire(path: Path) -> Path:
    header = ["Identifiant_de_l_etablissement", "Nom_etablissement", "Type_etablissement", "Statut_public_prive",
              "Code_commune", "Nom_commune", "Code_departement", "Code_academie", "Libelle_academie", "Nombre_d_eleves",
              "code_circonscription", "nom_circonscription", "code_bassin_formation", "libelle_bassin_formation", "etat",
              "ministere_tutelle", "libelle_nature"]
    rows = []
    for k in range(1, 7):
        rows.append([_uai("031", k), f"École {k}", "Ecole", "Public", "31555", "Toulouse", "031", "16", "Toulouse",
                     "180", "0311102E", "Circonscription Toulouse 1", "", "", "OUVERT",
                     "MINISTERE DE L'EDUCATION NATIONALE", "ECOLE DE NIVEAU ELEMENTAIRE"])
    for k in range(7, 9):
        rows.append([_uai("031", k), f"Collège {k}", "Collège", "Public", "31555", "Toulouse", "031", "16", "Toulouse",
                     "500", "", "", "16101", "Bassin Toulouse", "OUVERT", "MINISTERE DE L'EDUCATION NATIONALE", "COLLEGE"])
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, delimiter=";")
        w.writerow(header)
        w.writerows(rows)
    return path


def test_imported_annuaire_follows_the_same_rules(tmp_path):
    from planner.sources.annuaire import import_annuaire
    from planner.sources.reference import national_reference

    sc = import_annuaire(_annuaire(tmp_path / "a.csv")).scenario
    ref = national_reference().settings
    assert sc.settings.step1_start_date is None and ref.step1_start_date is None
    assert (sc.settings.school_year, sc.settings.plan_from) == (ref.school_year, ref.plan_from) == ("2026-2027",
                                                                                                   dt.date(2026, 11, 30))
    sc.settings = sc.settings.for_school_year("2026-2027", dt.date(2026, 6, 15))
    plan = solve(sc, solver="greedy", workers=1, time_limit=10)
    step1 = [s for s in plan.sessions if s.kind == "step1" and s.audience.startswith("teachers")]
    assert step1 and min(s.date for s in step1) >= dt.date(2026, 8, 31)


# ============================================================================ one report
def test_kpis_use_each_academie_s_own_holidays():
    """Two académies: a session of 20 October is before La Réunion's holiday? No (it began 11 October);
    before zone C's Toussaint? No either; of 14 October: before both only in Toulouse."""
    from planner.plan import Session, UnitRow

    def sess(acad, d):
        return Session(f"S{acad}{d}", "step1", "teachers_2d", acad, "", "", "etablissement", f"E{acad}", "", d,
                       "14:00", "15:00", 10, "wednesday_pm", 1, False, "")

    cal = {"school_year": "2025-2026", "academies": {"16": {"toussaint": "2025-10-18", "noel": "2025-12-20"},
                                                     "28": {"toussaint": "2025-10-11", "noel": "2025-12-19"}}}
    units = [UnitRow("etablissement", "E16", "", "16", "", "", 20, 0, 0), UnitRow("etablissement", "E28", "", "28", "", "", 20, 0, 0)]
    sessions = [sess("16", dt.date(2025, 10, 14)), sess("28", dt.date(2025, 10, 14)), sess("28", dt.date(2025, 10, 8))]
    k = teacher_kpis(sessions, units, cal, {"school_year": "2025-2026"})
    assert k["share_trained_by_toussaint"] == round(20 / 40, 4) and k["toussaint_date"] == "2025-10-11"
    plan = Plan(sessions, [], units, {"calendar": cal})
    assert academie_kpis(plan, "16")["share_toussaint"] == 0.5
    assert academie_kpis(plan, "28")["share_toussaint"] == 0.5
    from planner.plan_index import PlanIndex
    from planner.report import academie_kpis_of_index

    ix = PlanIndex(plan)  # the window's figures, from the index's columns: the same
    for code in ("16", "28", "99"):
        assert academie_kpis_of_index(ix, code) == academie_kpis(plan, code)
    assert academie_kpis_of_index(ix, "28")["share_noel"] == 1.0


def test_solver_summary_and_academie_pdf_agree(tmp_path):
    from pypdf import PdfReader

    from planner.exports.pdf import academie_figures, export_academie_pdf
    from planner.exports.common import PlanIndex

    sc = tiny_scenario(plan_from=dt.date(2026, 6, 15))
    plan = solve(sc, workers=1, time_limit=10)
    fig = academie_figures(PlanIndex.build(plan), "16")
    assert round(fig["share_toussaint"], 4) == plan.report["kpis"]["share_trained_by_toussaint"] > 0
    assert fig["toussaint"].isoformat() == plan.report["kpis"]["toussaint_date"] == "2026-10-17"
    text = "".join(p.extract_text() for p in PdfReader(export_academie_pdf(plan, "16", tmp_path / "a.pdf")).pages)
    assert "ANNÉE SCOLAIRE 2026-2027" in text.upper()
    reunion = solve(reunion_scenario(school_year="2026-2027", plan_from=dt.date(2026, 6, 15)), workers=1, time_limit=10)
    text = "".join(p.extract_text() for p in PdfReader(export_academie_pdf(reunion, "28", tmp_path / "r.pdf")).pages)
    assert "Calendrier scolaire supposé" in text and "2026-2027" in text


def test_ics_carries_each_academie_time_zone(tmp_path):
    from icalendar import Calendar

    from planner.exports.ics import export_ics

    plan = solve(reunion_scenario(school_year="2025-2026", plan_from=dt.date(2025, 6, 15)), workers=1, time_limit=10)
    cal = Calendar.from_ical(export_ics(plan, tmp_path / "r.ics").read_bytes())
    starts = [e.decoded("DTSTART") for e in cal.walk("VEVENT")]
    assert starts and {str(s.tzinfo) for s in starts} == {"Indian/Reunion"}
    assert {str(t["TZID"]) for t in cal.walk("VTIMEZONE")} == {"Indian/Reunion"}


def test_convocation_never_dated_after_its_session():
    report = {"settings": {"plan_from": "2025-06-15"}}
    assert convocation_date(dt.date(2026, 11, 30), dt.date(2025, 6, 20), report) == dt.date(2025, 6, 15)
    assert convocation_date(dt.date(2026, 11, 30), dt.date(2025, 9, 20), report) == dt.date(2025, 9, 6)
    assert convocation_date(dt.date(2026, 11, 30), dt.date(2026, 12, 2), report) == dt.date(2026, 11, 30)


def test_package_zone_and_official_calendar_days():
    key = academie_calendar(reunion_scenario().academies[0], Settings(school_year="2025-2026",
                                                                    plan_from=dt.date(2025, 6, 15))).key
    assert pre_rentree_date(2025, key) == dt.date(2025, 8, 18)
    assert is_school_holiday(dt.date(2025, 10, 15), key) and not is_school_holiday(dt.date(2025, 10, 15), "C")
    assert not is_school_holiday(dt.date(2025, 10, 28), key) and is_school_holiday(dt.date(2025, 10, 28), "C")


def test_template_pin_before_plan_from_is_refused(tmp_path):
    """The XLSX template follows the same rule: a fixed slot before plan_from names the sheet, row and column."""
    from openpyxl import load_workbook

    from planner.sources.annuaire import import_annuaire
    from planner.sources.template import export_template, import_template

    sc = import_annuaire(ROOT / "tests" / "fixtures" / "occ_annuaire_extract.csv", academie="16").scenario
    assert sc.settings.plan_from == dt.date(2026, 11, 30)  # the clock of the tests
    c = sc.circonscriptions[0]
    path = export_template(sc, tmp_path / "m.xlsx")
    wb = load_workbook(path)
    wb["Créneaux fixés"].append(["Circonscription", c.id, 1, dt.datetime(2026, 9, 2), "09:00"])
    wb.save(path)
    res = import_template(path, sc)
    assert not res.ok and ("Créneaux fixés", 2, "Date") in {(i.sheet, i.row, i.column) for i in res.errors}
    assert "2026-11-30" in res.summary_fr()


def test_replanning_one_unit_keeps_its_academie_calendar_and_seminar():
    """« Choisir un créneau » re-plans one unit on its académie's own calendar (La Réunion's official
    one) and slot table, the académie's rentrée seminar date included, as the solve builds it: a pin on
    La Réunion's seminar day (a window opened to its teachers here) is honoured, not refused."""
    from planner.calendar import rentree_seminar_dates
    from planner.models import Pin
    from solvers.api import candidate_slots, replan_with_pin

    seminar = dt.date(2025, 8, 12)  # not the default Thursday before the pré-rentrée (14 August)
    windows = {"teachers_2d": ("pre_rentree", "wednesday_pm", "end_of_year", "banalised_day", "rentree_seminar")}
    sc = reunion_scenario(school_year="2025-2026", plan_from=dt.date(2025, 6, 15), audience_windows=windows,
                          rentree_seminar_dates={"28": seminar}, heads_first=False)  # no bassin in this miniature
    assert apply_calendar(sc, read_calendar_file(FIXTURE)) == ["28"]
    plan = solve(sc, solver="greedy", workers=1, time_limit=10)
    unit = sc.etablissements[0].uai
    assert rentree_seminar_dates(sc.settings, "C") != [seminar]
    pin = Pin(unit_type="etablissement", unit_id=unit, group=1, date=seminar, start="09:00")
    new = replan_with_pin(sc, plan, pin)
    mine = [s for s in new.sessions if s.kind == "step1" and s.unit_id == unit]
    assert not [u for u in new.report["unplaced"] if u["rule"] == "pin"]
    g1 = next(s for s in mine if s.group == 1)
    assert (g1.date, g1.start, g1.window, g1.pinned) == (seminar, "09:00", "rentree_seminar", True)
    # the choices offered for the other group: La Réunion's days (its pré-rentrée first, its seminar)
    cands = candidate_slots(sc2 := sc.model_copy(update={"pins": [pin]}), new, "etablissement", unit, limit=20,
                            group=2)
    assert (cands[0].date, cands[0].window) == (dt.date(2025, 8, 18), "pre_rentree")
    assert seminar in {c.date for c in cands if c.window == "rentree_seminar"}
    for c in cands:
        assert not any(a <= c.date <= b for a, b in REUNION_HOLIDAYS_2025), c
    errors = [f for f in check_plan(Plan([s for s in new.sessions if s.kind in ("tot", "step1")], new.trainers,
                                         new.units, new.report), sc2) if f.severity == "error"]
    assert errors == []


def test_replanning_one_unit_still_says_its_head_has_no_seat():
    """No bassin in this miniature: no head can be trained first. The solve says so for each unit, and
    re-planning one unit after a pin keeps saying it (the checker then has nothing to reproach)."""
    from planner.models import Pin
    from solvers.api import replan_with_pin

    sc = reunion_scenario(school_year="2026-2027", plan_from=dt.date(2026, 6, 15))
    plan = solve(sc, solver="greedy", workers=1, time_limit=10)
    unit = sc.etablissements[0].uai
    said = {u["unit_id"] for u in plan.report["unplaced"] if u["rule"] == "heads_first"}
    assert unit in said
    x = next(s for s in plan.sessions if s.unit_id == unit and s.kind == "step1" and s.group == 1)
    pin = Pin(unit_type="etablissement", unit_id=unit, group=1, date=x.date, start=x.start)
    new = replan_with_pin(sc, plan, pin)
    assert {u["unit_id"] for u in new.report["unplaced"] if u["rule"] == "heads_first"} == said
    assert [f for f in check_plan(new, sc.model_copy(update={"pins": [pin]})) if f.severity == "error"] == []
