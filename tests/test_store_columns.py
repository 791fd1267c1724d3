"""Plans are stored by column (fast save and reopen); plans saved before in rows still reopen."""
from __future__ import annotations

import datetime as dt
import json
import sqlite3
import zlib
from dataclasses import asdict

from planner.plan import Plan, Session, TrainerRow
from planner.store import COLUMNAR, ScenarioStore

from .tiny import tiny_scenario


def _plan(n: int = 1200) -> Plan:
    ss = [Session(f"S-{i}", "step1" if i % 7 else "tot", "teachers_2d", "16", "031", "C", "etablissement", f"U{i % 300}",
                  f"T{i % 40}", dt.date(2026, 9, 1) + dt.timedelta(days=i % 90), "09:00", "10:00", 10 + i % 6,
                  "wednesday_pm", i % 4, i % 11 == 0, "Étape « 1 »" if i % 5 else "")
          for i in range(n)]
    trainers = [TrainerRow(f"T{i}", "trainer_2d", "16", "etablissement", f"U{i}", i % 2 == 0, "", f"Formateur {i}")
                for i in range(40)]
    return Plan(sessions=ss, trainers=trainers, units=[], report={"unplaced": [], "solver": "greedy"})


def test_plan_round_trips_by_column(tmp_path):
    path = tmp_path / "s.sqlite"
    ScenarioStore.create(path, tiny_scenario())
    plan = _plan()
    with ScenarioStore(path) as st:
        st.save_plan("A", plan, {})
        blob = st.db.execute("SELECT data FROM plan_data WHERE name = 'A' AND part = 'sessions'").fetchone()[0]
        again = st.load_plan("A")
    assert blob.startswith(COLUMNAR)
    assert again.trainers == plan.trainers and again.units == []
    assert again.sessions == plan.sessions  # every field, dates, booleans and accents included
    assert again.sessions[11].pinned is True and again.sessions[3].date == dt.date(2026, 9, 4)


def test_plan_saved_in_rows_still_reopens(tmp_path):
    path = tmp_path / "s.sqlite"
    ScenarioStore.create(path, tiny_scenario())
    plan = _plan(50)
    with ScenarioStore(path) as st:
        st.save_plan("A", plan, {})
    rows = [{**asdict(s), "date": s.date.isoformat()} for s in plan.sessions]
    old = zlib.compress(json.dumps(rows, ensure_ascii=False).encode(), 6)
    db = sqlite3.connect(path)
    with db:
        db.execute("UPDATE plan_data SET data = ? WHERE name = 'A' AND part = 'sessions'", (old,))
    db.close()
    with ScenarioStore(path) as st:
        assert st.load_plan("A").sessions == plan.sessions


def test_saving_an_unchanged_scenario_writes_nothing(tmp_path):
    path = tmp_path / "s.sqlite"
    sc = tiny_scenario()
    ScenarioStore.create(path, sc)
    with ScenarioStore(path) as st:
        assert st.save_scenario(sc) is False  # same scenario: not rewritten
        changed = sc.model_copy(update={"name": "Autre"})
        assert st.save_scenario(changed) is True
        assert st.load_scenario().name == "Autre"
        st.save_settings(sc.settings.model_copy(update={"group_size": 12}))
        assert st.save_scenario(changed) is True  # the file's settings differ from the scenario's
        assert st.load_scenario().settings.group_size == sc.settings.group_size
