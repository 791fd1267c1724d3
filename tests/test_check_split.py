"""The checker by groups of académies in forked processes (solvers.check_split) finds what the whole plan's check
finds, reads what Plan.read reads, and checks the whole plan when something crosses the groups."""
import dataclasses
import datetime as dt
from collections import Counter

import pytest

import solvers.check_split as split
from planner.plan import Plan, PlanError
from planner.sources.reference import national_reference
from solvers.api import solve
from solvers.checker import check_plan

CODES = ["27", "31", "32"]  # Corse, Martinique, Guadeloupe


@pytest.fixture(scope="module")
def three():
    sc = national_reference("2026-2027", dt.date(2026, 11, 30)).restricted_to(CODES)
    return sc, solve(sc, workers=1, time_limit=10, solver="greedy")


def _folder_findings(plan: Plan, sc, tmp_path, monkeypatch) -> tuple[Counter, int, list]:
    """(findings of check_folder, sessions it counted, the whole-plan checks it fell back to) on ``plan`` written."""
    d = tmp_path / "plan"
    plan.write(d)
    wholes = []
    whole = split._whole
    monkeypatch.setattr(split, "_whole", lambda *a: wholes.append(1) or whole(*a))
    head = Plan.read(d, academies=frozenset())
    found, n = split.check_folder(d, head, sc, workers=2)
    assert Counter(found) == Counter(check_plan(Plan.read(d), sc))
    # the same with sessions.csv parsed by Arrow before the fork (the command line's way; any size here)
    from planner import plan_arrow

    monkeypatch.setattr(plan_arrow, "MIN_BYTES", 0)
    first = list(wholes)
    found2, n2 = split.check_folder(d, head, sc, workers=2, table=plan_arrow.read_table_soon(d / "sessions.csv"))
    assert Counter(found2) == Counter(found) and n2 == n and wholes == first * 2
    return Counter(found), n, first


def _replace(plan: Plan, pick, **changes) -> Plan:
    sessions = [dataclasses.replace(x, **changes) if pick(x) else x for x in plan.sessions]
    return Plan(sessions=sessions, trainers=plan.trainers, units=plan.units, report=plan.report)


def test_groups_balance_the_academies(three):
    sc, plan = three
    groups = split._groups(plan, sc, 2)
    assert sorted(c for g in groups for c in g) == CODES and len(groups) == 2 and all(groups)


def test_clean_plan_in_two_processes(three, tmp_path, monkeypatch):
    sc, plan = three
    found, n, wholes = _folder_findings(plan, sc, tmp_path, monkeypatch)
    assert wholes == [] and n == len(plan.sessions)
    assert not [f for f in found if f.severity == "error"]


def test_the_same_violations(three, tmp_path, monkeypatch):
    sc, plan = three
    s1 = [x for x in plan.sessions if x.kind == "step1" and x.academie == "31"]
    a, b = s1[0], next(x for x in s1 if x.trainer_id != s1[0].trainer_id)
    bad = _replace(plan, lambda x: x.session_id == b.session_id, trainer_id=a.trainer_id, date=a.date, start=a.start,
                   end=a.end)  # one trainer in two places
    bad = _replace(bad, lambda x: x.session_id == s1[-1].session_id, date=dt.date(2027, 2, 14))  # a Sunday
    found, _, wholes = _folder_findings(bad, sc, tmp_path, monkeypatch)
    assert wholes == []
    assert {f.rule for f in found if f.severity == "error"} >= {"window"}
    assert len([f for f in found if f.severity == "error"]) >= 2


def test_a_trainer_across_groups_is_checked_whole(three, tmp_path, monkeypatch):
    sc, plan = three
    groups = split._groups(plan, sc, 2)
    other = next(c for c in CODES if c not in groups[0])
    fdf = next(t.id for t in sc.trainers if t.academie == other and t.role == "fdf")
    x0 = next(x for x in plan.sessions if x.academie == groups[0][0] and x.kind == "tot")
    bad = _replace(plan, lambda x: x.session_id == x0.session_id, trainer_id=fdf)
    _, _, wholes = _folder_findings(bad, sc, tmp_path, monkeypatch)
    assert wholes == [1]


def test_a_bad_row_says_what_plan_read_says(three, tmp_path):
    sc, plan = three
    d = tmp_path / "plan"
    plan.write(d)
    head = Plan.read(d, academies=frozenset())
    lines = (d / "sessions.csv").read_bytes().decode("utf-8").split("\r\n")
    k = len(lines) // 2
    cells = lines[k].split(",")
    cells[9] = "2027-02-30"  # no such day
    lines[k] = ",".join(cells)
    (d / "sessions.csv").write_bytes("\r\n".join(lines).encode("utf-8"))
    with pytest.raises(PlanError) as whole:
        Plan.read(d)
    with pytest.raises(PlanError) as parts:
        split.check_folder(d, head, sc, workers=2)
    assert str(parts.value) == str(whole.value) and f"ligne {k + 1} " in str(parts.value)


def test_a_session_id_in_two_groups_is_checked_whole(three, tmp_path, monkeypatch):
    """Two académies' sessions under one id: each group alone sees no duplicate, so the whole plan is checked and
    the duplicate found — the groups' ids compared as lists, without a set of each (issue 16)."""
    sc, plan = three
    groups = split._groups(plan, sc, 2)
    x0 = next(x for x in plan.sessions if x.academie in groups[0])
    x1 = next(x for x in plan.sessions if x.academie in groups[1])
    bad = _replace(plan, lambda x: x is x1, session_id=x0.session_id)
    found, _, wholes = _folder_findings(bad, sc, tmp_path, monkeypatch)
    assert wholes == [1] and any(f.rule == "duplicate" for f in found)
    assert split._in_two([["a", "b"], ("c",), {"b"}]) and not split._in_two([["a"], ["b"], []])


def test_sessions_parsed_once_by_arrow_before_the_fork(three, tmp_path, monkeypatch):
    """``check`` parses sessions.csv with Arrow while it reads the rest, then forks: the same findings and count as
    the Python reader's, a bad row still named with its line, and the same without pyarrow."""
    from planner import plan_arrow

    sc, plan = three
    monkeypatch.setattr(plan_arrow, "MIN_BYTES", 0)
    d = tmp_path / "plan"
    plan.write(d)
    head = Plan.read(d, academies=frozenset())
    soon = plan_arrow.read_table_soon(d / "sessions.csv")
    assert soon() is not None
    with_arrow = split.check_folder(d, head, sc, workers=2, table=soon)
    monkeypatch.setattr(plan_arrow, "AVAILABLE", False)
    without = split.check_folder(d, head, sc, workers=2, table=plan_arrow.read_table_soon(d / "sessions.csv"))
    assert Counter(with_arrow[0]) == Counter(without[0]) and with_arrow[1] == without[1] == len(plan.sessions)
    monkeypatch.setattr(plan_arrow, "AVAILABLE", True)
    path = d / "sessions.csv"
    lines = path.read_bytes().split(b"\r\n")
    k = next(i for i, x in enumerate(lines) if b",31," in x and b",2026-" in x)
    lines[k] = lines[k].replace(b",2026-", b",2026-13-", 1)
    path.write_bytes(b"\r\n".join(lines))
    with pytest.raises(PlanError, match=f"ligne {k + 1} : valeur invalide"):
        split.check_folder(d, head, sc, workers=2, table=plan_arrow.read_table_soon(path))
