"""The checker, one broken plan per rule: each case breaks a clean tiny plan so that exactly the rule
under test must be reported (it fails when the checker's rule is removed)."""
import dataclasses
import datetime as dt

import pytest

from planner.models import Pin
from planner.plan import Plan
from solvers.api import solve
from solvers.checker import check_plan
from solvers.rules import RULES

from .tiny import tiny_scenario, uai

E2 = uai(2)


@pytest.fixture(scope="module")
def tiny():
    return tiny_scenario()


@pytest.fixture(scope="module")
def plan(tiny):
    p = solve(tiny, workers=1, time_limit=10)
    return Plan([s for s in p.sessions if s.kind in ("tot", "step1")], p.trainers, p.units, p.report)


def _with(plan: Plan, sessions=None, **report) -> Plan:
    return Plan(list(sessions if sessions is not None else plan.sessions), plan.trainers, plan.units,
                {**plan.report, **report})


def _edit(plan: Plan, pred, **changes) -> Plan:
    return _with(plan, [dataclasses.replace(s, **changes) if pred(s) else s for s in plan.sessions])


def _sid(plan, **kw):
    return next(s.session_id for s in plan.sessions if all(getattr(s, k) == v for k, v in kw.items()))


def _settings(sc, **kw):
    return sc.model_copy(update={"settings": sc.settings.model_copy(update=kw)})


def _two_of(plan, trainer):
    return [s.session_id for s in plan.sessions if s.trainer_id == trainer and s.kind == "step1"][:2]


def _same_day(plan, ids, date, starts=("14:00", "15:00")):
    at = dict(zip(ids, starts))
    return _with(plan, [dataclasses.replace(s, date=date, start=at[s.session_id],
                                            end=f"{int(at[s.session_id][:2]) + 1:02d}:00")
                        if s.session_id in at else s for s in plan.sessions])


# each case: (rule, breaker(plan, sc) -> (plan, sc)); severity error unless stated
CASES = {
    "duplicate": lambda p, sc: (_with(p, p.sessions + [p.sessions[-1]]), sc),
    "territory": lambda p, sc: (_edit(p, lambda s: s.session_id == _sid(p, audience="perdir"), academie="99"), sc),
    "horizon": lambda p, sc: (_edit(p, lambda s: s.session_id == _sid(p, unit_id=E2), date=dt.date(2027, 9, 1)), sc),
    "plan_from": lambda p, sc: (p, _settings(sc, plan_from=dt.date(2026, 9, 1))),  # the pré-rentrée is now before it
    "step1_start": lambda p, sc: (_edit(p, lambda s: s.session_id == _sid(p, unit_id=E2), date=dt.date(2026, 6, 24)), sc),
    "duration": lambda p, sc: (_edit(p, lambda s: s.session_id == _sid(p, unit_id=E2), end="10:30"), sc),
    "window": lambda p, sc: (_edit(p, lambda s: s.session_id == _sid(p, unit_id=E2), date=dt.date(2026, 11, 1)), sc),
    "cadre_meetings": lambda p, sc: (_edit(p, lambda s: s.session_id == _sid(p, audience="perdir"),
                                           date=dt.date(2026, 9, 17)), sc),
    "group_size": lambda p, sc: (_edit(p, lambda s: s.session_id == _sid(p, unit_id=E2), participants=99), sc),
    "trainer_unit": lambda p, sc: (_edit(p, lambda s: s.session_id == _sid(p, audience="perdir"), trainer_id="T-C1-1"), sc),
    "trainer_trained": lambda p, sc: (_edit(p, lambda s: s.kind == "tot", date=dt.date(2026, 12, 14)), sc),
    "overlap": lambda p, sc: (_same_day(p, _two_of(p, f"T-{E2}"), dt.date(2026, 9, 2), ("14:00", "14:00")), sc),
    "fdf_capacity": lambda p, sc: (_same_day(p, [_sid(p, audience="perdir", group=1), _sid(p, audience="perdir", group=2)],
                                             dt.date(2026, 9, 18), ("09:00", "09:00")), sc),
    "day_cap": lambda p, sc: (_same_day(p, _two_of(p, f"T-{E2}"), dt.date(2026, 9, 2)),
                              _settings(sc, max_per_local_trainer_per_day=1)),
    "fdf_day_cap": lambda p, sc: (p, _settings(sc, max_per_fdf_per_day=1)),  # two perdir sessions on one day
    "week_cap": lambda p, sc: (p, _settings(sc, max_per_local_trainer_per_week=2)),  # pré-rentrée: 3 or 4 a week
    "wednesday_cap": lambda p, sc: (_wednesdays(p), _settings(sc, wednesday_mornings_per_term_1d=1)),
    "heads_first": lambda p, sc: (_same_day(p, [_sid(p, audience="perdir", group=1), _sid(p, audience="perdir", group=2)],
                                            dt.date(2026, 9, 18), ("09:00", "10:00")), sc),
    "coverage": lambda p, sc: (_with(p, [s for s in p.sessions if s.session_id != _sid(p, unit_id=E2)]), sc),
    "tot": lambda p, sc: (_edit(p, lambda s: s.kind == "tot", participants=4), sc),
    "pin": lambda p, sc: (p, sc.model_copy(update={"pins": [Pin(unit_type="etablissement", unit_id=E2, group=1,
                                                                date=dt.date(2026, 9, 16), start="15:00")]})),
    "unplaced": lambda p, sc: (_with(p, unplaced=[{"unit_type": "etablissement", "unit_id": E2, "kind": "step5",
                                                   "sessions": 1, "rule": "horizon", "reason": "test"}]), sc),
    "venue": lambda p, sc: (_edit(p, lambda s: s.session_id == _sid(p, unit_id=E2), venue=""), sc),
    "attendees": lambda p, sc: (_edit(p, lambda s: s.session_id == _sid(p, unit_id=E2), attendees=f"{E2}:1"), sc),
    "ecole_groups": lambda p, sc: (p, _with_ecoles(sc)),  # the circonscription's groups list no école
    "travel": lambda p, sc: (_far(_same_day(p, [_sid(p, audience="perdir", group=1), _sid(p, audience="perdir", group=2)],
                                            dt.date(2026, 9, 18), ("09:00", "10:00"))), sc),
}
WARNINGS = {"unplaced"}


def _with_ecoles(sc):
    from planner.models import Ecole

    ecoles = [Ecole(uai=uai(200 + k), name=f"École {k}", circonscription="031-01", departement="031", academie="16",
                    teachers=n) for k, n in enumerate((60, 40))]
    return sc.model_copy(update={"ecoles": ecoles})


def _far(p):
    """The second of the FdF's two sessions of the day moved 150 km away."""
    sid = _sid(p, audience="perdir", group=2)
    return _edit(p, lambda s: s.session_id == sid, venue="Lycée lointain", venue_lat=43.0, venue_lon=3.5)


def _wednesdays(p):
    """Two of the circonscription's sessions on two Wednesday mornings of the same term."""
    ids = [s.session_id for s in p.sessions if s.unit_id == "031-01" and s.group in (1, 2)]
    days = dict(zip(ids, (dt.date(2026, 9, 9), dt.date(2026, 9, 16))))
    return _with(p, [dataclasses.replace(s, window="wednesday_am", date=days[s.session_id], start="09:00", end="10:00")
                     if s.session_id in days else s for s in p.sessions])


def test_the_clean_plan_has_no_finding(tiny, plan):
    assert [f for f in check_plan(plan, tiny) if f.severity == "error"] == []


@pytest.mark.parametrize("rule", sorted(CASES))
def test_checker_reports_the_broken_rule(tiny, plan, rule):
    broken, sc = CASES[rule](plan, tiny)
    severity = "warning" if rule in WARNINGS else "error"
    found = {f.rule for f in check_plan(broken, sc) if f.severity == severity}
    assert rule in found, found


def test_every_step1_checker_rule_has_a_case():
    step1_checked = {r.id for r in RULES if "check" in r.where and not r.id.startswith(("roadmap_", "step"))}
    assert step1_checked <= set(CASES), step1_checked - set(CASES)


@pytest.fixture(scope="module")
def whole(tiny):
    """The tiny plan with its steps 2 to 6."""
    return solve(tiny, workers=1, time_limit=10)


LATER_STEP_CASES = {  # a step-2 session broken: the rules every session obeys still see it
    "duplicate": lambda p, x: _with(p, p.sessions + [x]),
    "territory": lambda p, x: _edit(p, lambda s: s is x, academie="99"),
    "horizon": lambda p, x: _edit(p, lambda s: s is x, date=dt.date(2027, 9, 1)),
    "plan_from": lambda p, x: _edit(p, lambda s: s is x, date=dt.date(2026, 6, 1)),
}


@pytest.mark.parametrize("rule", sorted(LATER_STEP_CASES))
def test_a_later_step_session_is_checked_as_every_session(tiny, whole, rule):
    x = next(s for s in whole.sessions if s.kind == "step2")
    assert [f for f in check_plan(whole, tiny) if f.severity == "error"] == []
    found = check_plan(LATER_STEP_CASES[rule](whole, x), tiny)
    assert any(f.rule == rule and f.session_id == x.session_id for f in found), [f.rule for f in found]


def test_a_check_ends_when_its_stop_is_set_and_is_the_same_when_it_is_not(tiny, plan):
    import threading

    from planner.errors import Cancelled
    from solvers.check_roadmap import check_roadmap

    running = threading.Event()
    assert check_plan(plan, tiny, running) == check_plan(plan, tiny)
    running.set()
    with pytest.raises(Cancelled):
        check_plan(plan, tiny, running)
    with pytest.raises(Cancelled):
        check_roadmap(plan, tiny, stop=running)


def test_a_stopped_check_ends_between_its_first_passes_over_the_sessions(tiny, plan):
    """The passes over every session made before the rules' slices (the checker's own lists, :meth:`_plain`'s sets)
    each look at the stop first: a check stopped as it starts reads no session, one stopped after its first pass
    reads no more (a national plan: each pass a few hundredths of a second)."""
    from dataclasses import replace

    from planner.errors import Cancelled

    class Counted(list):
        passes = 0

        def __iter__(self):
            Counted.passes += 1
            return super().__iter__()

    class StopAfter:  # an event set from its ``n``-th look on
        def __init__(self, n: int) -> None:
            self.n, self.looks = n, 0

        def is_set(self) -> bool:
            self.looks += 1
            return self.looks >= self.n

    counted = replace(plan, sessions=Counted(plan.sessions))
    with pytest.raises(Cancelled):
        check_plan(counted, tiny, StopAfter(1))
    assert Counted.passes == 0
    for n in range(2, 6):
        Counted.passes = 0
        with pytest.raises(Cancelled):
            check_plan(counted, tiny, StopAfter(n))
        assert Counted.passes <= n - 1  # at most one pass between two looks
    Counted.passes = 0
    assert check_plan(counted, tiny, StopAfter(10**9)) == check_plan(plan, tiny)


def test_polled_rows_stop_between_two_slices():
    import threading

    from planner.errors import Cancelled, polled

    rows = list(range(10))
    assert polled(rows, None) is rows
    stop, seen = threading.Event(), []
    with pytest.raises(Cancelled):
        for x in polled(rows, stop, every=4):
            seen.append(x)
            if x == 5:
                stop.set()
    assert seen == [0, 1, 2, 3, 4, 5, 6, 7]  # the slice under way ends, the next one does not begin
    assert list(polled(rows, threading.Event(), every=3)) == rows
