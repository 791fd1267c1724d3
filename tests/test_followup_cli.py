"""`record`, `solve --scenario` re-planning the rest, `export --kind suivi|bilan`: académie 16 end to end,
and SIGKILL during `record`."""
from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import main as cli
from planner import followup as fu
from planner.models import Scenario
from planner.plan import Plan, Session
from planner.sources.reference import national_reference
from planner.store import ScenarioStore

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def toulouse(tmp_path_factory):
    """Académie 16 solved (greedy) into a scenario file; 30 % of its step-1 sessions recorded held and 5 %
    cancelled (generated CSV, ``record --json``); then re-planned from the day after the last recorded
    session (``solve --plan-from``). Everything the tests look at is built here (tests may run apart)."""
    d = tmp_path_factory.mktemp("fu16")
    sc = Scenario.model_validate(national_reference().restricted_to("16").model_dump())
    path = d / "toulouse.sqlite"
    ScenarioStore.create(path, sc)
    assert cli.main(["solve", "--scenario", str(path), "--solver", "greedy", "--school-year", "2026-2027",
                     "--from", "2026-06-15", "--out", str(d / "p1"), "--quiet"]) == 0
    p1 = Plan.read(d / "p1")
    rows, pf = fu.simulate_year(p1, held=0.30, cancelled=0.05, seed=3)
    fu.write_rows(rows, d / "suivi.csv")
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        code = cli.main(["record", str(path), "--from", str(d / "suivi.csv"), "--json", "--today", pf.isoformat()])
    summary = json.loads(buf.getvalue())
    assert cli.main(["solve", "--scenario", str(path), "--academie", "16", "--solver", "greedy",
                     "--school-year", "2026-2027", "--from", pf.isoformat(), "--out", str(d / "p2"), "--quiet"]) == 0
    return {"dir": d, "path": path, "p1": p1, "rows": rows, "pf": pf, "sc": sc, "record_code": code,
            "summary": summary}


def test_record_summary_json(toulouse):
    t = toulouse
    out = t["summary"]
    assert t["record_code"] == 0
    held = sum(r["statut"] == "tenue" for r in t["rows"])
    cancelled = sum(r["statut"] == "annulée" for r in t["rows"])
    assert (out["rows"], out["held"], out["cancelled"], out["rejected"]) == (len(t["rows"]), held, cancelled, [])
    step1 = [x for x in t["p1"].sessions if x.kind == "step1"]
    recorded = {r["session_id"] for r in t["rows"]}
    assert round(0.30 * len(step1)) == sum(1 for x in step1 if x.session_id in recorded) - cancelled


def test_replan_keeps_held_replaces_cancelled_and_checks(toulouse, capsys):
    t = toulouse
    d, pf = t["dir"], t["pf"]
    p2 = {x.session_id: x for x in Plan.read(d / "p2").sessions}
    old = {x.session_id: x for x in t["p1"].sessions}
    held = [r for r in t["rows"] if r["statut"] == "tenue"]
    cancelled = [r["session_id"] for r in t["rows"] if r["statut"] == "annulée"]
    for r in held:  # moved none of the held
        a, b = old[r["session_id"]], p2[r["session_id"]]
        assert (a.date, a.start, a.end, a.trainer_id, a.participants, a.window) == \
               (b.date, b.start, b.end, b.trainer_id, b.participants, b.window)
        assert (b.status, b.present) == ("held", int(r["presents"]))
    for sid in cancelled:  # every cancelled one placed again after plan_from, back to planned
        assert p2[sid].date >= pf and p2[sid].status == "planned"
    assert all(x.date >= pf or x.status == "held" for x in p2.values())
    capsys.readouterr()
    assert cli.main(["check", str(d / "p2"), "--scenario", str(t["path"])]) == 0
    assert "Plan conforme" in capsys.readouterr().out
    with ScenarioStore(t["path"]) as st:  # the re-planned plan is the scenario's current plan
        assert {x.session_id for x in st.load_plan(fu.CURRENT_PLAN).sessions} == set(p2)


def test_bilan_figures_equal_the_recorded_counts(toulouse, capsys):
    from openpyxl import load_workbook
    from pypdf import PdfReader

    t = toulouse
    d = t["dir"]
    step1 = {x.session_id for x in t["p1"].sessions if x.kind == "step1"}
    held = [r for r in t["rows"] if r["statut"] == "tenue" and r["session_id"] in step1]
    n_cancel = sum(r["statut"] == "annulée" for r in t["rows"])
    trained = sum(int(r["presents"]) for r in held)
    args = ["export", str(t["path"]), "--kind", "bilan", "--as-of", t["pf"].isoformat()]
    assert cli.main(args + ["--format", "xlsx", "--out", str(d / "bilan.xlsx")]) == 0
    french = ["export", str(t["path"]), "--kind", "bilan", "--as-of", t["pf"].strftime("%d/%m/%Y")]
    assert cli.main(french + ["--format", "xlsx", "--out", str(d / "bilan-fr.xlsx")]) == 0  # as a French user writes it
    same = [list(r) for r in load_workbook(d / "bilan-fr.xlsx")["Synthèse"].iter_rows(values_only=True)]
    assert same == [list(r) for r in load_workbook(d / "bilan.xlsx")["Synthèse"].iter_rows(values_only=True)]
    assert cli.main(args + ["--out", str(d / "bilan.pdf")]) == 0
    ws = load_workbook(d / "bilan.xlsx")["Synthèse"]
    fig = {r[0]: r[1] for r in ws.iter_rows(min_row=3, values_only=True)}
    assert fig["Sessions tenues"] == len(held)
    assert fig["Sessions annulées"] == n_cancel
    assert fig["Personnes formées (présents)"] == trained
    deps = load_workbook(d / "bilan.xlsx")["Départements"]
    assert sum(r[9] for r in deps.iter_rows(min_row=2, values_only=True)) == len(held)
    text = " ".join(p.extract_text() for p in PdfReader(d / "bilan.pdf").pages)
    text = text.replace("\u202f", " ").replace("\xa0", " ")
    from planner.exports.typography import fr_int

    for label, n in (("Sessions tenues", len(held)), ("Sessions annulées", n_cancel),
                     ("Personnes formées (présents)", trained)):
        assert f"{label}\n{fr_int(n)}".replace("\u202f", " ").replace("\xa0", " ") in text or \
               f"{label} {fr_int(n)}".replace("\u202f", " ").replace("\xa0", " ") in text
    assert "Par bassin de formation" in text and "Unités sans aucune session tenue" in text


def test_record_template_per_unit_and_trainer(toulouse):
    t = toulouse
    d = t["dir"]
    unit = next(x for x in t["p1"].sessions if x.kind == "step1" and x.unit_type == "etablissement")
    assert cli.main(["export", str(d / "p1"), "--kind", "suivi", "--id", unit.unit_id, "--out", str(d / "u.csv")]) == 0
    with open(d / "u.csv", encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f, delimiter=";"))
    assert {r["session_id"] for r in rows} >= {x.session_id for x in t["p1"].sessions_of_unit("etablissement", unit.unit_id)
                                                if x.kind == "step1"}
    assert cli.main(["export", str(d / "p1"), "--kind", "suivi", "--id", unit.trainer_id, "--format", "xlsx",
                     "--out", str(d / "t.xlsx")]) == 0
    assert cli.main(["export", str(d / "p1"), "--kind", "suivi", "--id", "NOPE", "--out", str(d / "x.csv")]) == 2


def test_record_without_current_plan_is_a_french_error(tmp_path, capsys):
    from tests.tiny import tiny_scenario

    path = tmp_path / "s.sqlite"
    ScenarioStore.create(path, tiny_scenario())
    (tmp_path / "r.csv").write_text("session_id;statut;date;presents\n", encoding="utf-8")
    assert cli.main(["record", str(path), "--from", str(tmp_path / "r.csv")]) == 2
    assert "pas encore de plan courant" in capsys.readouterr().err


# ------------------------------------------------------------------ SIGKILL during record
def _big_store(path: Path, n: int) -> list[str]:
    from tests.tiny import tiny_scenario

    sc = tiny_scenario()
    day = dt.date(2026, 9, 2)
    sessions = [Session(f"S1-X{i:05d}-01", "step1", "teachers_2d", "16", "031", "C", "etablissement", f"X{i:05d}",
                        "T", day, "14:00", "15:00", 12, "wednesday_pm", 1) for i in range(n)]
    ScenarioStore.create(path, sc)
    with ScenarioStore(path) as st:
        st.save_plan(fu.CURRENT_PLAN, Plan(sessions=sessions), {})
    return [x.session_id for x in sessions]


def test_sigkill_during_record_leaves_all_or_nothing(tmp_path):
    pristine = tmp_path / "pristine.sqlite"
    ids = _big_store(pristine, 8000)
    rec = fu.write_rows([{"session_id": s, "statut": "tenue", "date": "2026-09-02", "presents": 11} for s in ids],
                        tmp_path / "r.csv")
    cmd = [sys.executable, "main.py", "record", str(tmp_path / "s.sqlite"), "--from", str(rec), "--today", "2026-12-01"]
    target = tmp_path / "s.sqlite"
    target.write_bytes(pristine.read_bytes())
    t0 = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True)
    full = time.perf_counter() - t0
    rnd = random.Random(7)
    outcomes = []
    for _ in range(20):
        target.write_bytes(pristine.read_bytes())
        for extra in (Path(str(target) + "-journal"),):
            if extra.exists():
                extra.unlink()
        p = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rnd.uniform(0.4, 1.05) * full)
        os.kill(p.pid, signal.SIGKILL)
        p.wait()
        with ScenarioStore(target, create=False) as st:
            assert st.integrity_ok()
            n = len(fu.load_statuses(st))
            h = len(fu.history(st))
        assert n in (0, len(ids)) and h == n
        outcomes.append(n)
    assert outcomes  # each run left all or none of the batch


def test_academie_pdf_shows_planned_and_actual_once_recorded(toulouse):
    from pypdf import PdfReader

    d = toulouse["dir"]  # p2: the re-planned folder, statuses in its sessions.csv
    for folder, expected in (("p1", False), ("p2", True)):
        assert cli.main(["export", str(d / folder), "--kind", "academie", "--id", "16", "--out", str(d / f"{folder}.pdf")]) == 0
        text = " ".join(p.extract_text() for p in PdfReader(d / f"{folder}.pdf").pages)
        assert ("Suivi : couverture prévue et réalisée" in text) is expected
