import csv
import dataclasses
import datetime as dt
import json
import subprocess
import sys

import pytest

from planner.models import Pin, Preference
from planner.plan import SESSION_COLUMNS, TRAINER_COLUMNS, UNIT_COLUMNS, Plan
from solvers.api import solve
from solvers.checker import check_plan

from .conftest import ROOT
from .tiny import tiny_scenario, uai


def step1_only(plan: Plan) -> Plan:
    """The step-1 part of a plan (later steps have their own checker)."""
    return Plan([s for s in plan.sessions if s.kind in ("tot", "step1")], plan.trainers, plan.units, plan.report)


@pytest.fixture(scope="module")
def tiny():
    return tiny_scenario()


@pytest.fixture(scope="module")
def tiny_plan(tiny):
    return step1_only(solve(tiny, workers=1, time_limit=10))


def errors(plan, sc, rule=None):
    return [f for f in check_plan(plan, sc) if f.severity == "error" and (rule is None or f.rule == rule)]


def test_tiny_plan_is_clean_and_complete(tiny, tiny_plan):
    assert errors(tiny_plan, tiny) == []
    assert tiny_plan.report["unplaced"] == []
    s1 = [s for s in tiny_plan.sessions if s.kind == "step1"]
    # 100 teachers → 7 groups; 40 → 3; 62 → 5; 20 perdir → 2; 10 inspectors → 1
    assert len(s1) == 7 + 3 + 5 + 2 + 1
    tot = [s for s in tiny_plan.sessions if s.kind == "tot"]
    assert len(tot) == 1 and tot[0].participants == 5
    assert tiny_plan.report["objective"] >= tiny_plan.report["best_bound"] - 1e-6
    assert tiny_plan.report["objective"] <= tiny_plan.report["greedy_objective"] + 1e-6


def _mutate(plan: Plan, pred, **changes) -> Plan:
    sessions = [dataclasses.replace(s, **changes) if pred(s) else s for s in plan.sessions]
    return Plan(sessions, plan.trainers, plan.units, plan.report)


def _first(plan, **kw):
    return next(s for s in plan.sessions if all(getattr(s, k) == v for k, v in kw.items()))


def test_checker_trainer_in_two_places(tiny, tiny_plan):
    a = _first(tiny_plan, unit_type="circonscription")
    others = [s for s in tiny_plan.sessions if s.trainer_id == a.trainer_id and s.session_id != a.session_id]
    b = others[0]
    bad = _mutate(tiny_plan, lambda s: s.session_id == b.session_id, date=a.date, start=a.start, end=a.end, window=a.window)
    assert errors(bad, tiny, "overlap")


def test_checker_session_in_holiday(tiny, tiny_plan):
    a = _first(tiny_plan, unit_type="etablissement")
    bad = _mutate(tiny_plan, lambda s: s.session_id == a.session_id, date=dt.date(2026, 10, 21))  # Toussaint, a Wednesday
    found = errors(bad, tiny, "window")
    assert found and "vacances" in found[0].message


def test_checker_trainer_not_yet_trained(tiny, tiny_plan):
    tot = _first(tiny_plan, kind="tot")
    a = _first(tiny_plan, unit_type="etablissement")
    bad = Plan(tiny_plan.sessions, tiny_plan.trainers, tiny_plan.units, tiny_plan.report)
    bad.sessions = [dataclasses.replace(s, date=a.date + dt.timedelta(days=30)) if s.session_id == tot.session_id else s
                    for s in tiny_plan.sessions]
    assert errors(bad, tiny, "trainer_trained")


def test_checker_outside_audience_windows(tiny, tiny_plan):
    a = _first(tiny_plan, audience="teachers_1d")
    # a Monday morning is a school day but no window of the 1er degré
    monday = dt.date(2026, 9, 14)
    bad = _mutate(tiny_plan, lambda s: s.session_id == a.session_id, date=monday, start="09:00", end="10:00", window="wednesday_am")
    assert errors(bad, tiny, "window")
    bad = _mutate(tiny_plan, lambda s: s.session_id == a.session_id, window="wednesday_pm")
    assert errors(bad, tiny, "window")


def test_checker_group_over_size(tiny, tiny_plan):
    a = _first(tiny_plan, unit_type="etablissement")
    bad = _mutate(tiny_plan, lambda s: s.session_id == a.session_id, participants=16)
    assert errors(bad, tiny, "group_size")


def test_checker_coverage_not_exact(tiny, tiny_plan):
    a = _first(tiny_plan, unit_type="circonscription")
    bad = _mutate(tiny_plan, lambda s: s.session_id == a.session_id, participants=a.participants - 1)
    assert errors(bad, tiny, "coverage")
    dropped = Plan([s for s in tiny_plan.sessions if s.session_id != a.session_id], tiny_plan.trainers, tiny_plan.units, tiny_plan.report)
    assert errors(dropped, tiny, "coverage")


def test_checker_day_cap_and_fdf_only(tiny, tiny_plan):
    a = _first(tiny_plan, audience="perdir")
    bad = _mutate(tiny_plan, lambda s: s.session_id == a.session_id, trainer_id="T-C1-1")
    assert errors(bad, tiny, "trainer_unit")


def test_pinned_session_never_moves(tiny):
    e1 = uai(1)
    pin = Pin(unit_type="etablissement", unit_id=e1, group=2, date=dt.date(2026, 9, 16), start="15:00")
    sc = tiny.model_copy(update={"pins": [pin]})
    plan = step1_only(solve(sc, workers=1, time_limit=10))
    x = next(s for s in plan.sessions if s.unit_id == e1 and s.group == 2)
    assert (x.date, x.start, x.pinned) == (pin.date, "15:00", True)
    assert errors(plan, sc) == []
    moved = _mutate(plan, lambda s: s.session_id == x.session_id, date=dt.date(2026, 9, 23))
    assert errors(moved, sc, "pin")


def test_preference_moves_sessions_to_preferred_window(tiny):
    e2 = uai(2)
    pref = Preference(unit_type="etablissement", unit_id=e2, window="wednesday_pm")
    sc = tiny.model_copy(update={"preferences": [pref], "settings": tiny.settings.model_copy(update={"weight_outside_preferred": 50.0})})
    plan = step1_only(solve(sc, workers=1, time_limit=10))
    xs = [s for s in plan.sessions if s.unit_id == e2]
    assert xs and all(s.window == "wednesday_pm" for s in xs)
    assert errors(plan, sc) == []


def test_weekly_cap_and_wednesday_cap_respected(tiny):
    s = tiny.settings.model_copy(update={"max_per_local_trainer_per_week": 1, "wednesday_mornings_per_term_1d": 1})
    sc = tiny.model_copy(update={"settings": s})
    plan = step1_only(solve(sc, workers=1, time_limit=10))
    assert errors(plan, sc) == []
    per_week = {}
    for x in plan.sessions:
        if x.kind == "step1" and x.audience == "teachers_2d":
            k = (x.trainer_id, x.date.isocalendar()[:2])
            per_week[k] = per_week.get(k, 0) + 1
    assert max(per_week.values()) == 1
    weds = {x.date for x in plan.sessions if x.window == "wednesday_am" and x.date.month in (9, 10, 11, 12)}
    assert len(weds) <= 1


def test_qualified_trainer_needs_no_tot(tiny):
    trainers = [t.model_copy(update={"qualified": True}) if t.role == "trainer_2d" else t for t in tiny.trainers]
    sc = tiny.model_copy(update={"trainers": trainers})
    plan = step1_only(solve(sc, workers=1, time_limit=10))
    rows = {r.trainer_id: r for r in plan.trainers}
    assert rows[f"T-{uai(1)}"].tot_session_id == ""
    assert rows["T-C1-1"].tot_session_id
    assert errors(plan, sc) == []


def test_over_constrained_unit_is_explained_not_crashed(tiny):
    # one banalised day is the only window of the 2nd degré; 40 teachers → 3 sessions, 1 trainer, cap 1 per day
    windows = dict(tiny.settings.windows)
    windows["banalised_day"] = windows["banalised_day"].model_copy(update={"dates": (dt.date(2026, 9, 16),)})
    aw = dict(tiny.settings.audience_windows)
    aw["teachers_2d"] = ("banalised_day",)
    s = tiny.settings.model_copy(update={"windows": windows, "audience_windows": aw, "max_per_local_trainer_per_day": 1})
    sc = tiny.model_copy(update={"settings": s})
    plan = step1_only(solve(sc, workers=1, time_limit=10))
    un = [u for u in plan.report["unplaced"] if u["unit_id"] == uai(1)]
    assert un and un[0]["sessions"] == 2
    assert "Collège Test" in un[0]["reason"] and "créneaux autorisés" in un[0]["reason"]
    assert "plafond de sessions par formateur et par jour" in un[0]["reason"] or "fenêtres" in un[0]["reason"]
    assert errors(plan, sc) == []  # the plan holds everything placeable and checks clean


def test_lexicographic_reaches_earliest_completion(tiny):
    # the earliest completion is exact without heads first (with it, seats at the cadre meetings make it a
    # proven lower bound only: see tests/test_heads_first.py)
    sc = tiny.model_copy(update={"settings": tiny.settings.model_copy(update={"heads_first": False})})
    plan = step1_only(solve(sc, workers=1, time_limit=10, objective="lexicographic"))
    k = plan.report["kpis"]
    assert k["completion_date"] == k["earliest_possible_completion_date"]


def _first_passes(monkeypatch) -> list:
    """The earliest-completion searches (first passes) of solvers.academie run from now on."""
    import solvers.academie as academie

    calls, first = [], academie.minimise_earliest_completion

    def counted(*a, **kw):
        calls.append(1)
        return first(*a, **kw)

    monkeypatch.setattr(academie, "minimise_earliest_completion", counted)
    return calls


def _earliest_both_ways(sc, code, monkeypatch):
    """(lexicographic result, weighted result, first passes the weighted search needed)."""
    from solvers.academie import solve_academie

    lex = solve_academie(sc, code, time_limit=10, objective_mode="lexicographic")
    calls = _first_passes(monkeypatch)
    return lex, solve_academie(sc, code, time_limit=10, objective_mode="weighted"), calls


def test_weighted_earliest_completion_without_a_first_pass(monkeypatch):
    # the weighted plan of Guadeloupe from 30 November ends at the completion's floor (its groups' earliest
    # slots): that proves the earliest completion, no first pass runs, and the KPI is the first pass's
    from planner.sources.reference import national_reference

    sc = national_reference("2026-2027", dt.date(2026, 11, 30)).restricted_to("32")
    lex, res, calls = _earliest_both_ways(sc, "32", monkeypatch)
    assert calls == []
    assert lex.earliest_latest_day is not None and res.earliest_latest_day == lex.earliest_latest_day
    assert res.earliest_latest_day <= res.latest_day


def test_weighted_earliest_completion_with_a_first_pass(tiny, monkeypatch):
    # the mini académie's FdF are shared by its ToT groups and its cadre meetings: the floor does not prove
    # the weighted plan's completion the earliest, so the first pass runs after the weighted search
    sc = tiny.model_copy(update={"settings": tiny.settings.model_copy(update={"heads_first": False})})
    lex, res, calls = _earliest_both_ways(sc, sc.academies[0].code, monkeypatch)
    assert calls == [1]
    assert lex.earliest_latest_day is not None and res.earliest_latest_day == lex.earliest_latest_day


def test_cli_solve_and_check_contract(tmp_path):
    out = tmp_path / "plan"
    r = subprocess.run([sys.executable, str(ROOT / "main.py"), "solve", "--academie", "Toulouse", "--out", str(out),
                        "--time-limit", "20", "--quiet", "--school-year", "2026-2027", "--from", "2026-06-15"],
                       capture_output=True, text=True)  # explicit dates, never the machine's clock
    assert r.returncode == 0, r.stderr
    with open(out / "sessions.csv", encoding="utf-8") as f:
        header = next(csv.reader(f))
    assert header[: len(SESSION_COLUMNS)] == SESSION_COLUMNS
    with open(out / "trainers.csv", encoding="utf-8") as f:
        assert next(csv.reader(f))[: len(TRAINER_COLUMNS)] == TRAINER_COLUMNS
    with open(out / "units.csv", encoding="utf-8") as f:
        assert next(csv.reader(f))[: len(UNIT_COLUMNS)] == UNIT_COLUMNS
    rep = json.loads((out / "report.json").read_text(encoding="utf-8"))
    for key in ("status", "objective", "best_bound", "greedy_objective", "solve_seconds", "stage_seconds", "unplaced",
                "settings", "solver", "seed", "kpis", "scenario"):
        assert key in rep
    assert rep["settings"]["group_size"] == 15 and rep["settings"]["pre_rentree_dates"]["16"] == ["2026-08-31"]
    assert rep["objective"] <= rep["greedy_objective"] + 1e-6
    plan = Plan.read(out)
    assert {s.academie for s in plan.sessions} == {"16"}
    r = subprocess.run([sys.executable, str(ROOT / "main.py"), "check", str(out)], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "conforme" in r.stdout
    # a broken plan makes check exit 1
    text = (out / "sessions.csv").read_text(encoding="utf-8").splitlines()
    i = next(i for i, line in enumerate(text) if ",step1,teachers_2d," in line)
    cols = text[i].split(",")
    cols[SESSION_COLUMNS.index("participants")] = "16"
    text[i] = ",".join(cols)
    (out / "sessions.csv").write_text("\n".join(text) + "\n", encoding="utf-8")
    r = subprocess.run([sys.executable, str(ROOT / "main.py"), "check", str(out)], capture_output=True, text=True)
    assert r.returncode == 1 and "VIOLATION" in r.stdout


def test_unknown_academie_is_a_french_error(tmp_path):
    r = subprocess.run([sys.executable, str(ROOT / "main.py"), "solve", "--academie", "Atlantide", "--out", str(tmp_path)],
                       capture_output=True, text=True)
    assert r.returncode == 2 and "académie inconnue" in r.stderr and "Traceback" not in r.stderr


def test_candidate_slots_and_replan_with_pin(tiny):
    from solvers.api import candidate_slots, replan_with_pin

    plan = solve(tiny, workers=1, time_limit=10)
    e1 = uai(1)
    cands = candidate_slots(tiny, plan, "etablissement", e1, limit=10)
    assert cands and cands[0].window == "pre_rentree" and cands[0].feasible
    assert all(c.implications.startswith("Groupe 1") for c in cands)
    later = next(c for c in cands if c.window != "pre_rentree")
    pin = Pin(unit_type="etablissement", unit_id=e1, group=1, date=later.date, start=later.start)
    new = replan_with_pin(tiny, plan, pin)
    x = next(s for s in new.sessions if s.unit_id == e1 and s.kind == "step1" and s.group == 1)
    assert (x.date, x.start, x.pinned) == (later.date, later.start, True)
    # other units untouched
    before = {s.session_id: (s.date, s.start) for s in plan.sessions if s.unit_id != e1}
    after = {s.session_id: (s.date, s.start) for s in new.sessions if s.unit_id != e1}
    assert before == after
    sc2 = tiny.model_copy(update={"pins": [pin]})
    assert errors(new, sc2) == []


def test_stop_keeps_a_valid_plan(tiny):
    import threading

    stop = threading.Event()
    stop.set()  # « Arrêter » pressed at once: the search ends early, the plan stays complete and valid
    seen = []
    plan = step1_only(solve(tiny, workers=1, time_limit=10, stop=stop, progress=seen.append))
    assert plan.report["status"] == "STOPPED"
    assert errors(plan, tiny) == []
    assert len([s for s in plan.sessions if s.kind == "step1"]) == 18
    assert seen and seen[-1]["academies_done"] == 1


def test_replan_roadmap_unit_keeps_step1(tiny):
    from planner.roadmap_models import UnitRoadmapChoices
    from solvers.replan import replan_roadmap_unit

    plan = solve(tiny, workers=1, time_limit=10)
    e1 = uai(1)
    choice = UnitRoadmapChoices(unit_type="etablissement", unit_id=e1, themes=["Un seul thème"], briques=["B03"])
    sc2 = tiny.model_copy(update={"roadmap_choices": [choice]})
    new = replan_roadmap_unit(sc2, plan, "etablissement", e1)
    s1 = lambda p: sorted((s.session_id, s.date, s.start) for s in p.sessions if s.kind in ("tot", "step1"))
    assert s1(new) == s1(plan)
    titles = {s.title for s in new.sessions if s.unit_id == e1 and s.kind == "step2"}
    assert any("Un seul thème" in t for t in titles)
    assert errors(new, sc2) == []


def test_check_names_file_and_line_of_a_bad_plan(tmp_path, tiny_plan):
    out = tiny_plan.write(tmp_path / "plan")
    lines = (out / "sessions.csv").read_text(encoding="utf-8").splitlines()
    cols = lines[3].split(",")
    cols[SESSION_COLUMNS.index("date")] = "31/02/2027"
    lines[3] = ",".join(cols)
    (out / "sessions.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    r = subprocess.run([sys.executable, str(ROOT / "main.py"), "check", str(out)], capture_output=True, text=True)
    assert r.returncode == 2 and "sessions.csv, ligne 4" in r.stderr and "Traceback" not in r.stderr


def test_replanning_one_unit_keeps_heads_first():
    """« Choisir un créneau » re-plans a unit as the solve places it: its teachers wait for the session where
    their head is trained (here the académie's rentrée seminar on 10 September, after the pré-rentrée); a pin
    before that session wins, and the plan then says the head is not trained first (rule heads_first)."""
    from solvers.replan import replan_unit, replan_with_pin

    sc = tiny_scenario(rentree_seminar_dates={"16": dt.date(2026, 9, 10)})
    plan = solve(sc, solver="greedy", workers=1, time_limit=10)
    e1 = uai(1)
    head_end = min(s.end_dt for s in plan.sessions if s.unit_type == "bassin")
    assert head_end.date() == dt.date(2026, 9, 10) and errors(plan, sc) == []
    new = replan_unit(sc, plan, "etablissement", e1)
    mine = [s for s in new.sessions if s.kind == "step1" and s.unit_id == e1]
    assert mine and min(s.start_dt for s in mine) >= head_end
    assert errors(new, sc) == [] and not [u for u in new.report["unplaced"] if u["rule"] == "heads_first"]
    pin = Pin(unit_type="etablissement", unit_id=e1, group=1, date=dt.date(2026, 8, 31), start="09:00")
    new = replan_with_pin(sc, plan, pin)
    g1 = next(s for s in new.sessions if s.kind == "step1" and s.unit_id == e1 and s.group == 1)
    assert (g1.date, g1.start, g1.pinned) == (dt.date(2026, 8, 31), "09:00", True)
    said = [u for u in new.report["unplaced"] if u["rule"] == "heads_first" and u["unit_id"] == e1]
    assert len(said) == 1 and said[0]["reason"].startswith("Collège Test : cadres d'abord impossible")
    assert errors(new, sc.model_copy(update={"pins": [pin]})) == []


def test_replanning_one_unit_leaves_its_trainer_the_way_back_from_training():
    """A trainer whose établissement is far from the académie's training site (7 h 37 away here) delivers
    only once back from his train-the-trainer session, in a unit re-planned alone as in the solve (the
    checker's travel rule): not the same Wednesday afternoon."""
    from solvers.replan import candidate_slots, replan_unit
    from solvers.venues import tot_travel_margins

    sc = tiny_scenario(plan_from=dt.date(2026, 12, 2), heads_first=False)
    e1 = uai(1)
    sc.etablissements[0] = sc.etablissements[0].model_copy(update={"latitude": 44.0, "longitude": 4.2})
    assert tot_travel_margins(sc)[f"T-{e1}"] == 457
    plan = solve(sc, solver="greedy", workers=1, time_limit=10)
    tot = next(s for s in plan.sessions if s.kind == "tot")
    assert tot.date == dt.date(2026, 12, 2) and errors(plan, sc) == []
    back = tot.end_dt + dt.timedelta(minutes=457)
    new = replan_unit(sc, plan, "etablissement", e1)
    assert min(s.start_dt for s in new.sessions if s.kind == "step1" and s.unit_id == e1) >= back
    assert errors(new, sc) == []
    assert all(dt.datetime.combine(c.date, dt.time(*map(int, c.start.split(":")))) >= back
               for c in candidate_slots(sc, plan, "etablissement", e1, limit=10))


def test_candidate_slots_before_the_head_is_trained_say_so_and_come_last():
    """« Choisir un créneau » offers first the slots after the head's session; a slot before it says that
    « cadres d'abord » would not hold."""
    from solvers.replan import candidate_slots

    sc = tiny_scenario(rentree_seminar_dates={"16": dt.date(2026, 9, 10)})
    plan = solve(sc, solver="greedy", workers=1, time_limit=10)
    head_end = min(s.end_dt for s in plan.sessions if s.unit_type == "bassin")
    cands = candidate_slots(sc, plan, "etablissement", uai(1), limit=200)
    early = [c for c in cands if dt.datetime.combine(c.date, dt.time.fromisoformat(c.start)) < head_end]
    late = [c for c in cands if c not in early]
    assert early and late
    assert all("cadres d'abord" in c.implications for c in early)
    assert not any("cadres d'abord" in c.implications for c in late)
    feasible_late = [c.rank for c in late if c.feasible]
    assert feasible_late and max(feasible_late) < min(c.rank for c in early if c.feasible)
