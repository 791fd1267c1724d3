"""The venues checker reads each attendee list once however many sessions share it (issue 16), and still
reports, for every session, a list it cannot read, ids unknown to the plan and a wrong total."""
from __future__ import annotations

import dataclasses

import pytest

from planner.plan import Plan
from solvers.api import solve
from solvers.checker import check_plan

from .tiny import tiny_scenario, uai

E1, E2 = uai(1), uai(2)


@pytest.fixture(scope="module")
def case():
    sc = tiny_scenario()
    p = solve(sc, workers=1, time_limit=10)
    return sc, Plan([s for s in p.sessions if s.kind in ("tot", "step1")], p.trainers, p.units, p.report)


def _attendee_errors(sc, plan, attendees: str) -> list[str]:
    """Every step-1 session of E2 gets the same ``attendees``: the messages of rule ``attendees``."""
    broken = [dataclasses.replace(s, attendees=attendees) if s.unit_id == E2 and s.kind == "step1" else s
              for s in plan.sessions]
    p = Plan(broken, plan.trainers, plan.units, plan.report)
    return [f.message for f in check_plan(p, sc) if f.rule == "attendees" and f.severity == "error"]


def test_each_session_sharing_an_unreadable_list_is_reported(case):
    sc, plan = case
    n = sum(1 for s in plan.sessions if s.unit_id == E2 and s.kind == "step1")
    msgs = _attendee_errors(sc, plan, f"{E2}:quinze")
    assert n >= 2 and len(msgs) == n and all("liste des présents illisible" in m for m in msgs)


def test_each_session_sharing_a_list_with_an_unknown_id_is_reported(case):
    sc, plan = case
    msgs = [m for m in _attendee_errors(sc, plan, "0999999Z:15") if "inconnus du plan" in m]
    assert len(msgs) == sum(1 for s in plan.sessions if s.unit_id == E2 and s.kind == "step1")
    assert all("0999999Z" in m for m in msgs)


def test_a_shared_list_is_checked_against_each_session_s_participants(case):
    sc, plan = case
    counts = {s.participants for s in plan.sessions if s.unit_id == E2 and s.kind == "step1"}
    n = max(counts)
    assert len(counts) > 1  # sessions of different sizes share the list
    msgs = [m for m in _attendee_errors(sc, plan, f"{E2}:{n}") if "présents listés pour" in m]
    assert len(msgs) == sum(1 for s in plan.sessions if s.unit_id == E2 and s.kind == "step1" and s.participants != n)
