"""``solve`` checks each académie's plan in its worker (issue 16: the national check no longer waits for the
whole plan); a violation found there, or anything crossing académies, still gets the whole plan checked."""
from __future__ import annotations

import datetime as dt

import main
from planner.models import Pin
from solvers import api
from solvers.checker import check_plan

from .tiny import tiny_scenario


def test_a_clean_academie_plan_is_trusted_and_agrees_with_the_whole_check():
    sc = tiny_scenario()
    plan = api.solve(sc, workers=1, time_limit=10, precheck=True)
    assert plan.academie_errors == []
    assert not [f for f in check_plan(plan, sc) if f.severity == "error"]
    assert api.solve(sc, workers=1, time_limit=10).academie_errors is None  # only when asked


def test_anything_crossing_academies_gets_the_whole_plan_checked():
    sc = tiny_scenario()
    res = api._solve_one(sc, "16", "greedy", 10, 0, None, precheck=True)
    assert api._academie_errors(sc, ["16"], [res]) == []
    lost = sc.model_copy(update={"pins": [Pin(unit_type="etablissement", unit_id="0999999Z", group=1,
                                              date=dt.date(2026, 12, 1), start="09:00")]})
    assert api._academie_errors(lost, ["16"], [res]) is None  # a pin no académie checks
    twice = api._solve_one(sc, "16", "greedy", 10, 0, None, precheck=True)
    twice.sessions.append(twice.sessions[0])
    assert api._academie_errors(sc, ["16"], [twice]) is None  # a session id used twice
    unchecked = api._solve_one(sc, "16", "greedy", 10, 0, None)
    assert api._academie_errors(sc, ["16"], [unchecked]) is None


def test_a_violation_found_in_the_academie_is_reported_by_solve(tmp_path, monkeypatch, capsys):
    scen = tmp_path / "mini.json"
    scen.write_text(tiny_scenario().model_dump_json(), encoding="utf-8")
    real = api.assign_roadmap

    def lose_a_venue(own, sessions, book):
        out = real(own, sessions, book)
        next(x for x in sessions if x.kind == "step1").venue = ""
        return out

    monkeypatch.setattr(api, "assign_roadmap", lose_a_venue)
    seen = []
    real_errors = api._academie_errors
    monkeypatch.setattr(api, "_academie_errors", lambda *a: seen.append(real_errors(*a)) or seen[-1])
    rc = main.main(["solve", "--scenario", str(scen), "--workers", "1", "--time-limit", "10",
                    "--out", str(tmp_path / "plan"), "--quiet"])
    err = capsys.readouterr().err
    assert rc == 1 and "Le vérificateur indépendant signale" in err and "aucun lieu" in err
    assert "venue" in {r for r, _ in seen[0]}  # found in the académie's check, then reported by the whole check


def test_the_command_line_ends_the_pool_server_after_the_academies(tmp_path):
    """``solve`` of several académies in a pool ends the pool's forkserver once they are solved (issue 16: 80 MB
    of the national solve's peak memory), and a second solve in the same process starts it again."""
    from multiprocessing import forkserver

    from planner.plan import Plan
    from planner.scenario_io import save_scenario_json
    from planner.sources.reference import national_reference

    scen = tmp_path / "two.json"
    save_scenario_json(national_reference("2026-2027", dt.date(2026, 11, 30)).restricted_to(["27", "31"]), scen)
    for k in range(2):
        rc = main.main(["solve", "--scenario", str(scen), "--workers", "2", "--solver", "greedy", "--quiet",
                        "--out", str(tmp_path / f"plan{k}")])
        assert rc == 0 and forkserver._forkserver._forkserver_pid is None
        assert {x.academie for x in Plan.read(tmp_path / f"plan{k}").sessions} == {"27", "31"}


def test_a_pool_screens_the_academies_results_as_they_come_in(monkeypatch):
    """In a pool, what the académies' own checks need to be trusted (their session ids distinct, the scenario
    covered) is gathered while the others are solved; the verdict is the one the results give afterwards."""
    from planner.sources.reference import national_reference

    sc = national_reference("2026-2027", dt.date(2026, 11, 30)).restricted_to(["27", "31"])
    screens = []
    real = api._academie_errors
    monkeypatch.setattr(api, "_academie_errors", lambda *a: screens.append(a[3]) or real(*a))
    plan = api.solve(sc, workers=2, solver="greedy", precheck=True)
    assert plan.academie_errors == [] and screens[0].covered is True
    assert screens[0].seen == {"27", "31"} and screens[0].n == len(plan.sessions) == len(screens[0].ids)
    results = [api._solve_one(sc.restricted_to(c), c, "greedy", 10, 0, None, precheck=True) for c in ("27", "31")]
    assert real(sc, ["27", "31"], results) == []
    screen = api._Screen()
    screen.add(results[0])
    screen.add(results[0])  # counted once
    assert screen.n == len(results[0].sessions)
    results[1].sessions.append(results[0].sessions[0])  # an id in two académies
    assert real(sc, ["27", "31"], results) is None
    assert real(sc, ["27", "31"], results, screen) is None


def test_the_findings_of_the_academies_checks_are_those_of_the_whole_check():
    """What the window shows after a solve (the académies' checks made in the workers, put together): every
    finding the whole plan's check gives, warnings too, and the meetings already past said once for all."""
    from collections import Counter

    from planner.sources.reference import national_reference

    sc = national_reference("2026-2027", dt.date(2026, 11, 30)).restricted_to(["27", "31"])
    sc.settings.end_date = dt.date(2027, 1, 20)  # a short horizon: units left unplaced in both académies
    plan = api.solve(sc, workers=1, solver="greedy", precheck=True)
    got = api.academie_findings(plan)
    whole = check_plan(plan, sc)
    assert got is not None and sum(f.severity == "warning" for f in whole) > 100
    assert {u.get("academie") for u in plan.unplaced} >= {"27", "31"}
    key = lambda f: (f.rule, f.message, f.severity, f.session_id)  # noqa: E731
    assert Counter(map(key, got)) == Counter(map(key, whole))
    assert sum(f.rule == "unplaced" and "déjà passée" in f.message for f in got) <= 1
    plan.academie_errors = None  # not trusted (something crossed académies): the window checks the whole plan
    assert api.academie_findings(plan) is None
    assert api.academie_findings(api.solve(sc, workers=1, solver="greedy")) is None  # not checked so


def test_the_scenario_data_hash_made_in_pieces_is_the_one_piece_hash():
    """The report's « data_hash » (what tells two plans placed the same units) is written a few thousand units at a
    time, and is still the SHA-256 of the data's JSON in one piece, keys sorted: plans solved before still compare."""
    import hashlib
    import json

    from planner.compare import DATA_FIELDS, scenario_data_hash
    from planner.sources.reference import national_reference

    for sc in (national_reference(), tiny_scenario()):
        data = sc.model_dump(mode="json", include=set(DATA_FIELDS))
        assert scenario_data_hash(sc) == hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]
    changed = tiny_scenario()
    changed.etablissements[0].teachers += 1
    assert scenario_data_hash(changed) != scenario_data_hash(tiny_scenario())
