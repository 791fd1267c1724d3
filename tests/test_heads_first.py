"""Heads first (issue 11): the head of an établissement (and the IEN of a circonscription) is trained
before the unit's first teacher session; the rentrée seminar of heads; the rule said when it cannot hold."""
import datetime as dt

import pytest

from planner.calendar import audience_slots, rentree_seminar_dates
from planner.plan import Plan
from solvers.api import solve
from solvers.checker import check_plan

from .tiny import tiny_scenario


def _step1(p: Plan) -> Plan:
    return Plan([s for s in p.sessions if s.kind in ("tot", "step1")], p.trainers, p.units, p.report)


def _first_teacher(plan, unit_id):
    return min(s.start_dt for s in plan.sessions if s.unit_id == unit_id and s.audience.startswith("teachers"))


def _cadre_ends(plan, audience):
    return sorted(s.end_dt for s in plan.sessions if s.audience == audience)


@pytest.fixture(scope="module")
def plans():
    on = tiny_scenario()
    off = tiny_scenario(heads_first=False)
    return on, _step1(solve(on, workers=1, time_limit=10)), off, _step1(solve(off, workers=1, time_limit=10))


def test_heads_are_trained_before_their_teachers(plans):
    sc, plan, _, _ = plans
    perdir, ien = _cadre_ends(plan, "perdir"), _cadre_ends(plan, "inspectors")
    for e in sc.etablissements:
        assert perdir[0] <= _first_teacher(plan, e.uai)
    assert ien[0] <= _first_teacher(plan, "031-01")
    assert [f for f in check_plan(plan, sc) if f.severity == "error"] == []
    assert plan.report["settings"]["heads_first"] is True
    assert not [u for u in plan.report["unplaced"] if u["rule"] == "heads_first"]


def test_earliest_completion_stays_a_lower_bound(plans):
    _, plan, _, _ = plans
    k = plan.report["kpis"]
    assert k["earliest_possible_completion_date"] <= k["completion_date"]
    assert plan.report["best_bound"] <= plan.report["objective"]


def test_without_the_rule_teachers_go_first(plans):
    _, _, sc, plan = plans
    assert plan.report["settings"]["heads_first"] is False
    assert _cadre_ends(plan, "inspectors")[0] > _first_teacher(plan, "031-01")


def test_rentree_seminar_late_august_editable_per_academie():
    sc = tiny_scenario()
    assert rentree_seminar_dates(sc.settings, "C", "16") == [dt.date(2026, 8, 27)]
    s = sc.settings.model_copy(update={"rentree_seminar_dates": {"16": dt.date(2026, 8, 25)}})
    assert rentree_seminar_dates(s, "C", "16") == [dt.date(2026, 8, 25)]
    assert rentree_seminar_dates(s, "C", "02") == [dt.date(2026, 8, 27)]
    # a cadre window, before the step-1 start date (pré-rentrée) of teachers
    days = {x.date for x in audience_slots("perdir", s, "C", "031", 60, "16-01", "16") if x.window == "rentree_seminar"}
    assert days == {dt.date(2026, 8, 25)}


def test_when_the_rule_cannot_hold_the_plan_says_which_units_and_why():
    sc = tiny_scenario()
    sc = sc.model_copy(update={"bassins": [b.model_copy(update={"perdir": 0}) for b in sc.bassins]})
    plan = _step1(solve(sc, workers=1, time_limit=10))
    flagged = {u["unit_id"]: u for u in plan.report["unplaced"] if u["rule"] == "heads_first"}
    assert set(flagged) == {e.uai for e in sc.etablissements}
    assert "chef d'établissement" in flagged[sc.etablissements[0].uai]["reason"]
    assert all(u["sessions"] == 0 for u in flagged.values())  # no teacher session is lost
    fs = [f for f in check_plan(plan, sc) if f.rule == "heads_first"]
    assert fs and all(f.severity == "warning" for f in fs)
