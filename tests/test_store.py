"""The scenario file: scenario + settings + named plans, migrations, comparison, autosave/recovery."""
from __future__ import annotations

import datetime as dt
import json
import sqlite3
import zlib
from dataclasses import asdict, replace

import pytest

from planner.sources.annuaire import import_annuaire
from planner.plan import Plan, Session, TrainerRow, UnitRow
from planner.scenario_io import ScenarioError, load_scenario
from planner.autosave import autosave, autosave_path, discard_autosave, recover, recovery_candidate
from planner.store import SCHEMA_VERSION, V1_SCHEMA, ScenarioStore, StoreError, save_scenario_file

from .conftest import ROOT

OCC = ROOT / "tests/fixtures/occ_annuaire_extract.csv"


@pytest.fixture(scope="module")
def scenario():
    return import_annuaire(OCC, academie="11").scenario


def make_plan(sc, n=40, shift_days=0) -> Plan:
    sessions = []
    circs = sc.circonscriptions  # the extract has 3 in académie 11: cycle over them for n groups of sessions
    for k in range(n):
        c = circs[k % len(circs)]
        for g in (1, 2):
            d = dt.date(2026, 9, 2) + dt.timedelta(days=7 * (k % 10) + shift_days)
            sessions.append(Session(f"S{k}-{g}", "step1", "teachers_1d", c.academie, c.departement, "C",
                                    "circonscription", c.id, f"T{c.id}-{g}", d, "09:00", "10:00", 15, "wednesday_am",
                                    group=2 * (k // len(circs)) + g))
    trainers = [TrainerRow(t.id, t.role, t.academie, t.unit_type, t.unit_id, t.qualified, "", t.name) for t in sc.trainers[:50]]
    units = [UnitRow("circonscription", c.id, c.name, c.academie, c.departement, "C", c.teachers, 0, 0) for c in sc.circonscriptions]
    return Plan(sessions, trainers, units, {"solver": "greedy", "seed": 7, "scenario_fingerprint": sc.fingerprint()})


def test_scenario_round_trip_and_settings(tmp_path, scenario):
    p = tmp_path / "s.sqlite"
    with ScenarioStore(p) as st:
        st.save_scenario(scenario)
        assert st.schema_version == SCHEMA_VERSION
    with ScenarioStore(p) as st:
        back = st.load_scenario()
        assert back.fingerprint() == scenario.fingerprint()
        st.save_settings(back.settings.model_copy(update={"group_size": 12}))
        assert st.load_scenario().settings.group_size == 12
        assert st.integrity_ok()
    assert load_scenario(str(p)).settings.group_size == 12  # the --scenario path of the CLI


@pytest.mark.parametrize("which", ["annuaire", "national"])
def test_a_scenario_read_in_one_pass_is_the_one_read_list_by_list(tmp_path, scenario, which):
    """The file's scenario parsed and validated by pydantic in one pass equals the one its lists decode to."""
    from planner.models import Scenario
    from planner.sources.reference import national_reference
    from planner.store_codec import scenario_data_loads

    sc = scenario if which == "annuaire" else national_reference()
    p = tmp_path / "s.sqlite"
    with ScenarioStore(p) as st:
        st.save_scenario(sc.model_copy(update={"settings": sc.settings.model_copy(update={"group_size": 13})}))
        data, settings = st.db.execute("SELECT data, settings FROM scenario WHERE id = 1").fetchone()
        back = st.load_scenario()
    listed = scenario_data_loads(data)
    listed["settings"] = json.loads(settings)
    assert back == Scenario.model_validate(listed) and back.settings.group_size == 13
    assert back.fingerprint() == sc.model_copy(update={"settings": back.settings}).fingerprint()


def test_a_scenario_file_read_in_one_pass_keeps_its_settings_column_and_its_french_errors(tmp_path, scenario):
    p = tmp_path / "s.sqlite"
    with ScenarioStore(p) as st:
        st.save_scenario(scenario)
        data = json.loads(st.db.execute("SELECT data FROM scenario WHERE id = 1").fetchone()[0])
        # settings inside the data too (a file written by hand): the settings column wins, as it always did
        inside = {**data, "settings": {**scenario.settings.model_dump(mode="json"), "group_size": 9}}
        st.db.execute("UPDATE scenario SET data = ? WHERE id = 1", (json.dumps(inside),))
        st.save_settings(scenario.settings.model_copy(update={"group_size": 11}))
        assert st.load_scenario().settings.group_size == 11
        bad = {**data, "departements": [{**data["departements"][0], "academie": "99"}] + data["departements"][1:]}
        st.db.execute("UPDATE scenario SET data = ? WHERE id = 1", (json.dumps(bad),))
        with pytest.raises(StoreError, match="scénario invalide — .*académie inconnue « 99 »"):
            st.load_scenario()
        st.db.execute("UPDATE scenario SET data = ? WHERE id = 1", ('{"name": "x", "academies": [',))
        with pytest.raises(StoreError, match="scénario illisible"):
            st.load_scenario()


def test_named_plans_with_parameters(tmp_path, scenario):
    p = tmp_path / "s.sqlite"
    ScenarioStore.create(p, scenario)
    a, b = make_plan(scenario), make_plan(scenario, n=30, shift_days=1)
    with ScenarioStore(p) as st:
        st.save_plan("glouton", a, {"solver": "greedy", "time_limit": 10, "seed": 7})
        st.save_plan("cp-sat 60 s", b, {"solver": "cpsat", "time_limit": 60}, seed=3, solver_version="ortools 9.12")
    with ScenarioStore(p) as st:
        infos = {i.name: i for i in st.list_plans()}
        assert set(infos) == {"glouton", "cp-sat 60 s"}
        assert infos["glouton"].seed == 7 and infos["glouton"].solver == "greedy"
        assert infos["glouton"].params["time_limit"] == 10
        assert infos["glouton"].scenario_fingerprint == scenario.fingerprint()
        assert infos["cp-sat 60 s"].seed == 3 and infos["cp-sat 60 s"].solver_version == "ortools 9.12"
        assert infos["glouton"].kpis["sessions"] == len(a.sessions)
        back = st.load_plan("glouton")
        assert [asdict(s) for s in back.sessions] == [asdict(s) for s in a.sessions]
        assert back.trainers == a.trainers and back.units == a.units and back.report == a.report
        st.rename_plan("glouton", "référence")
        assert {i.name for i in st.list_plans()} == {"référence", "cp-sat 60 s"}
        st.delete_plan("référence")
        with pytest.raises(StoreError, match="introuvable"):
            st.load_plan("référence")
        assert st.load_scenario().fingerprint() == scenario.fingerprint()


def test_compare_plans(tmp_path, scenario):
    a = make_plan(scenario, n=10)
    b = make_plan(scenario, n=10)
    b.sessions = [replace(s, session_id="X" + s.session_id) for s in b.sessions]  # renumbered: not a change
    moved = b.sessions[0]
    b.sessions[0] = replace(moved, date=moved.date + dt.timedelta(days=1))
    removed = b.sessions.pop()
    extra = make_plan(scenario, n=11).sessions[-1]
    b.sessions.append(extra)
    p = tmp_path / "s.sqlite"
    with ScenarioStore(p) as st:
        st.save_scenario(scenario)
        st.save_plan("A", a, {})
        st.save_plan("B", b, {})
        cmp = st.compare_plans("A", "B")
    assert [(x.session_id, y.date - x.date) for x, y in cmp.moved] == [("S0-1", dt.timedelta(days=1))]
    assert [s.unit_id for s in cmp.removed] == [removed.unit_id] and [s.group for s in cmp.removed] == [removed.group]
    assert [s.session_id for s in cmp.added] == [extra.session_id]
    assert cmp.unchanged == len(a.sessions) - 2
    assert cmp.kpis["sessions"] == (20, 20)
    assert cmp.kpis["first_date"][0] == "2026-09-02"
    j = json.loads(json.dumps(cmp.to_json()))
    assert len(j["moved"]) == 1 and j["kpis"]["sessions"] == [20, 20]
    assert "déplacées : 1" in cmp.summary_fr()


def test_migration_from_schema_1(tmp_path, scenario):
    p = tmp_path / "old.sqlite"
    db = sqlite3.connect(p)
    for stmt in V1_SCHEMA:
        db.execute(stmt)
    data = scenario.model_dump(mode="json", exclude={"settings"})
    db.execute("INSERT INTO scenario VALUES (1, ?, ?, ?, ?, ?)",
               (scenario.name, json.dumps(data), scenario.settings.model_dump_json(), scenario.fingerprint(), "2026-01-01"))
    plan = make_plan(scenario, n=5)
    db.execute("INSERT INTO plans (name, created_at, params, report) VALUES ('v1', '2026-01-01', '{}', '{}')")
    blob = zlib.compress(json.dumps([{**asdict(s), "date": s.date.isoformat()} for s in plan.sessions]).encode())
    db.execute("INSERT INTO plan_data VALUES ('v1', 'sessions', ?)", (blob,))
    db.execute("PRAGMA user_version = 1")
    db.commit()
    db.close()
    with ScenarioStore(p) as st:
        assert st.schema_version == SCHEMA_VERSION
        info = st.list_plans()[0]
        assert info.kpis["sessions"] == 10 and info.notes == ""
        assert len(st.load_plan("v1").sessions) == 10
        assert st.load_scenario().fingerprint() == scenario.fingerprint()


def test_files_that_are_not_scenarios(tmp_path):
    p = tmp_path / "x.sqlite"
    p.write_bytes(b"hello, not a database")
    with pytest.raises(StoreError, match="pas un fichier de scénario"):
        ScenarioStore(p)
    q = tmp_path / "other.sqlite"
    db = sqlite3.connect(q)
    db.execute("CREATE TABLE clients (x)")
    db.commit()
    db.close()
    with pytest.raises(StoreError, match="n'est pas un fichier de scénario"):
        ScenarioStore(q)
    r = tmp_path / "future.sqlite"
    db = sqlite3.connect(r)
    db.execute("PRAGMA user_version = 99")
    db.execute("CREATE TABLE scenario (id)")
    db.commit()
    db.close()
    with pytest.raises(StoreError, match="version plus récente"):
        ScenarioStore(r)
    e = tmp_path / "empty.sqlite"
    ScenarioStore(e).close()
    with pytest.raises(ScenarioError, match="pas encore de scénario"):
        load_scenario(str(e))
    trunc = tmp_path / "trunc.sqlite"
    full = tmp_path / "full.sqlite"
    with ScenarioStore(full) as st:
        st.set_meta("x", "y" * 50_000)
    trunc.write_bytes(full.read_bytes()[:5000])
    with pytest.raises(ScenarioError):
        load_scenario(str(trunc))


def test_create_is_atomic_replace_and_save_keeps_plans(tmp_path, scenario):
    p = tmp_path / "s.sqlite"
    ScenarioStore.create(p, scenario, plans=[("P", make_plan(scenario, n=3), {"seed": 1})])
    renamed = scenario.model_copy(update={"name": "Nouveau nom"})
    save_scenario_file(p, renamed)
    with ScenarioStore(p) as st:
        assert st.load_scenario().name == "Nouveau nom" and [i.name for i in st.list_plans()] == ["P"]
        st.copy_to(tmp_path / "copie.sqlite")
    assert load_scenario(str(tmp_path / "copie.sqlite")).name == "Nouveau nom"
    assert sorted(x.name for x in tmp_path.iterdir()) == ["copie.sqlite", "s.sqlite"]  # no temporary left over


def test_autosave_and_recovery(tmp_path, scenario):
    p = tmp_path / "s.sqlite"
    ScenarioStore.create(p, scenario)
    assert recovery_candidate(p) is None
    edited = scenario.model_copy(update={"description": "modifié, non enregistré"})
    a = autosave(edited, p)
    assert a == autosave_path(p) and a.name == ".s.sqlite.autosave"
    info = recovery_candidate(p)  # what the window offers at the next start after a crash
    assert info is not None and info.original == p and info.saved_at
    assert recover(p).description == "modifié, non enregistré"
    save_scenario_file(p, recover(p))
    assert recovery_candidate(p) is None  # same content as the file: nothing to offer
    discard_autosave(p)
    assert not a.exists()
    # a scenario never saved autosaves in the given directory
    u = autosave(edited, None, autosave_dir=tmp_path / "auto")
    assert u.parent == tmp_path / "auto" and recovery_candidate(None, autosave_dir=tmp_path / "auto") is not None
    # a damaged autosave is not offered (and does not raise)
    u.write_bytes(b"SQLite format 3\x00garbage")
    assert recovery_candidate(None, autosave_dir=tmp_path / "auto") is None
