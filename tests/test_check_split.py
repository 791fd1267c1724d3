"""The checker académie by académie (solvers.check_split) finds what the whole plan's check finds."""
import dataclasses
import datetime as dt
from collections import Counter

import pytest

from planner.plan import Plan
from planner.sources.reference import national_reference
from solvers.api import solve
from solvers.check_split import check_plan_split, split_by_academie
from solvers.checker import check_plan


@pytest.fixture(scope="module")
def three():
    sc = national_reference("2026-2027", dt.date(2026, 11, 30)).restricted_to(["27", "31", "32"])
    return sc, solve(sc, workers=1, time_limit=10, solver="greedy")


def _same(plan, sc):
    whole = Counter(check_plan(plan, sc))
    split = Counter(check_plan_split(plan, sc, workers=2))
    assert split == whole
    return whole


def _replace(plan: Plan, pick, **changes) -> Plan:
    sessions = [dataclasses.replace(x, **changes) if pick(x) else x for x in plan.sessions]
    return Plan(sessions=sessions, trainers=plan.trainers, units=plan.units, report=plan.report)


def test_split_clean_plan(three):
    sc, plan = three
    parts = split_by_academie(plan, sc)
    assert [len(p.sessions) for p, _ in parts] and sum(len(p.sessions) for p, _ in parts) == len(plan.sessions)
    assert [own.academies[0].code for _, own in parts] == ["27", "31", "32"]
    found = _same(plan, sc)
    assert not [f for f in found if f.severity == "error"]


def test_split_finds_the_same_violations(three):
    sc, plan = three
    s1 = [x for x in plan.sessions if x.kind == "step1" and x.academie == "31"]
    a, b = s1[0], next(x for x in s1 if x.trainer_id != s1[0].trainer_id)
    bad = _replace(plan, lambda x: x.session_id == b.session_id, trainer_id=a.trainer_id, date=a.date, start=a.start,
                   end=a.end)  # one trainer in two places
    bad = _replace(bad, lambda x: x.session_id == s1[-1].session_id, date=dt.date(2027, 2, 14))  # a Sunday
    found = _same(bad, sc)
    assert {f.rule for f in found if f.severity == "error"} >= {"window"}
    assert len([f for f in found if f.severity == "error"]) >= 2


def test_a_trainer_across_academies_is_checked_whole(three):
    sc, plan = three
    fdf32 = next(t.id for t in sc.trainers if t.academie == "32" and t.role == "fdf")
    x27 = next(x for x in plan.sessions if x.academie == "27" and x.kind == "tot")
    bad = _replace(plan, lambda x: x.session_id == x27.session_id, trainer_id=fdf32)
    assert split_by_academie(bad, sc) is None
    _same(bad, sc)
