"""End to end: the real Occitanie import solves and checks clean; an edited template changes the plan."""
from __future__ import annotations

import csv
import datetime as dt
import subprocess
import sys
from pathlib import Path

from openpyxl import load_workbook

from planner.sources.annuaire import import_annuaire
from planner.plan import Plan
from planner.store import ScenarioStore, save_scenario_file
from planner.sources.template import export_template, import_template

from .conftest import ROOT

OCC = "tests/fixtures/occ_annuaire_extract.csv"  # relative to the repo root, as a user would pass it
DATES = ("--school-year", "2026-2027", "--from", "2026-06-15")  # explicit, as every test


def main(*args: str, timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "main.py", *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout)


def trainers_csv(plan_dir: Path) -> dict[str, dict]:
    with open(plan_dir / "trainers.csv", encoding="utf-8", newline="") as f:
        return {r["trainer_id"]: r for r in csv.DictReader(f)}


def test_occitanie_import_solves_and_checks_clean(tmp_path):
    scen = tmp_path / "occitanie.sqlite"
    r = main("import-annuaire", OCC, "--out", str(scen), "--json")
    assert r.returncode == 0, r.stderr
    plan_dir = tmp_path / "plan16"
    r = main("solve", "--scenario", str(scen), "--academie", "16", "--solver", "greedy", *DATES, "--out", str(plan_dir), "--quiet")
    assert r.returncode == 0, r.stderr
    r = main("check", str(plan_dir))
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Plan conforme" in r.stdout
    plan = Plan.read(plan_dir)
    with ScenarioStore(scen) as st:
        sc = st.load_scenario().restricted_to("16")
    step1 = {}
    for s in plan.sessions:
        if s.kind == "step1":
            step1[(s.unit_type, s.unit_id)] = step1.get((s.unit_type, s.unit_id), 0) + 1
    gs = sc.settings.group_size
    for c in sc.circonscriptions:
        assert step1.get(("circonscription", c.id), 0) == -(-c.teachers // gs), c.id
    for e in sc.etablissements:
        assert step1.get(("etablissement", e.uai), 0) == -(-e.teachers // gs), e.uai
    assert not plan.unplaced


def test_template_round_trip_changes_the_plan(tmp_path):
    sc = import_annuaire(ROOT / OCC, academie="16").scenario
    sc.settings = sc.settings.for_school_year("2026-2027", dt.date(2026, 6, 15))  # explicit dates, as DATES
    scen = tmp_path / "toulouse.sqlite"
    ScenarioStore.create(scen, sc)
    before_dir = tmp_path / "before"
    r = main("solve", "--scenario", str(scen), "--solver", "greedy", *DATES, "--out", str(before_dir), "--quiet")
    assert r.returncode == 0, r.stderr
    before = Plan.read(before_dir)

    etab = sc.etablissements[0]
    trainer = next(t for t in sc.trainers if t.role == "cpc")
    assert trainers_csv(before_dir)[trainer.id]["tot_session_id"]  # it needed a train-the-trainer session
    pin_date, pin_start = dt.date(2026, 9, 16), "15:00"  # a Wednesday afternoon of the school year
    assert not any(s.unit_id == etab.uai and s.date == pin_date and s.start == pin_start for s in before.sessions)

    tpl = export_template(sc, tmp_path / "modele.xlsx")
    wb = load_workbook(tpl)
    ws = wb["Formateurs"]
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == trainer.id)
    ws.cell(row, 7).value = "oui"
    wb["Créneaux fixés"].append(["Établissement", etab.uai, 1, pin_date, pin_start])
    wb.save(tpl)
    res = import_template(tpl, sc)
    assert res.ok, res.summary_fr()
    save_scenario_file(scen, res.scenario)

    after_dir = tmp_path / "after"
    r = main("solve", "--scenario", str(scen), "--solver", "greedy", *DATES, "--out", str(after_dir), "--quiet")
    assert r.returncode == 0, r.stderr
    assert main("check", str(after_dir)).returncode == 0
    after = Plan.read(after_dir)
    pinned = [s for s in after.sessions if s.kind == "step1" and s.unit_id == etab.uai and s.group == 1]
    assert [(s.date, s.start, s.pinned) for s in pinned] == [(pin_date, pin_start, True)]
    row = trainers_csv(after_dir)[trainer.id]
    assert row["qualified"] == "1" and row["tot_session_id"] == ""  # no train-the-trainer session needed

    # both plans kept in the scenario file, and compared
    with ScenarioStore(scen) as st:
        st.save_plan("avant", before, {"solver": "greedy"})
        st.save_plan("après modèle", after, {"solver": "greedy"})
        cmp = st.compare_plans("avant", "après modèle")
    assert any(b.unit_id == etab.uai and b.group == 1 and b.date == pin_date for _, b in cmp.moved)
    assert cmp.kpis["pinned"] == (0, 1)
