"""One test per named rule of the timetable model (solvers.rules.cpsat), on tiny models that fail
when the rule's function is emptied; the one list of rule ids; the report's honest status."""
import ast
import datetime as dt
from pathlib import Path

import pytest
from ortools.sat.python import cp_model

from solvers.academie import _Meeting
from solvers.records import GAP_TOLERANCE, Outcome, Unplaced
from solvers.rules import LABELS, RULE_IDS, RULES, Caps, unit_caps
from solvers.rules import cpsat as R

from .conftest import ROOT

ORIGIN = dt.date(2026, 9, 1).toordinal()


class _Tot:
    """A ToT slot table: slot k on day ``days[k]`` from ``starts[k]`` minutes, 3 h long."""

    def __init__(self, days, starts):
        self.days = [ORIGIN + d for d in days]
        self.times = [d * 1440 + s for d, s in zip(self.days, starts)]
        self.ends = [t + 180 for t in self.times]


def _solve(m: cp_model.CpModel):
    s = cp_model.CpSolver()
    s.parameters.num_workers = 1
    st = s.Solve(m)
    return s, st


def _timetable(G, tot, latest=None, L_floor=0, meetings=()):
    tt = R.Timetable(cp_model.CpModel())
    K = len(tot.days)
    R.one_slot_per_group(tt, G, K, tot)
    latest = latest or [[0] * K for _ in range(G)]
    hi = R.completion_variable(tt, latest, L_floor, list(meetings))
    return tt, K, latest, hi


# ---------------------------------------------------------------------- model rules, one test each
def test_tot_one_slot_each_group_takes_exactly_one_slot():
    tt, K, _, _ = _timetable(3, _Tot([0, 1, 2], [540] * 3))
    tt.m.Minimize(sum(v for row in tt.x for v in row))  # without the rule, no slot at all is cheapest
    s, st = _solve(tt.m)
    assert st == cp_model.OPTIMAL
    assert [sum(s.Value(v) for v in row) for row in tt.x] == [1, 1, 1]


def test_latest_completion_after_groups():
    tt, K, latest, hi = _timetable(1, _Tot([0, 5], [540, 540]), latest=[[4, 9]])
    tt.m.Add(tt.x[0][1] == 1)
    R.completion_after_groups(tt, latest, 1, K)
    tt.m.Minimize(tt.L)
    s, _ = _solve(tt.m)
    assert s.Value(tt.L) == 9 and hi == 9


def test_cadre_meetings_sessions_only_at_meetings_within_fdf():
    # 3 sessions, 1 FdF giving 1 session per meeting: three meetings are needed
    mts = [_Meeting(ORIGIN + d, 540, 720, 1, d) for d in (0, 7, 14, 21)]
    tt, _, _, _ = _timetable(0, _Tot([], []), meetings=[mts])
    z, y, comp = R.cadre_sessions_at_meetings(tt, 3, mts, 1)
    tt.m.Minimize(tt.miss[0] * 100 + comp)  # all sessions, as early as possible
    s, _ = _solve(tt.m)
    assert [s.Value(v) for v in z] == [1, 1, 1, 0]
    assert s.Value(comp) == 14


def test_latest_completion_after_cadres():
    mts = [_Meeting(ORIGIN + 30, 540, 720, 2, 30)]
    tt, _, _, _ = _timetable(0, _Tot([], []), meetings=[mts])
    _, _, comp = R.cadre_sessions_at_meetings(tt, 2, mts, 1)
    tt.m.Add(tt.miss[0] == 0)
    R.completion_after_cadres(tt, comp)
    tt.m.Minimize(tt.L)
    s, _ = _solve(tt.m)
    assert s.Value(tt.L) == 30


def test_objective_cadres_costs_the_cadres_completion():
    mts = [_Meeting(ORIGIN + d, 540, 720, 2, d) for d in (3, 10)]
    tt, _, _, _ = _timetable(0, _Tot([], []), meetings=[mts])
    _, _, comp = R.cadre_sessions_at_meetings(tt, 2, mts, 1)
    tt.m.Add(tt.miss[0] == 0)
    R.cadre_completion_term(tt, comp, 1.0)
    assert len(tt.cadre_obj) == 1
    tt.m.Minimize(R.units_cost(tt, [], 0, 0))
    s, _ = _solve(tt.m)
    assert s.ObjectiveValue() == 3 * R.SCALE


def test_objective_unplaced_penalises_missed_cadre_sessions():
    mts = [_Meeting(ORIGIN + 3, 540, 720, 1, 3)]  # one meeting, one FdF, one session per meeting
    tt, _, _, _ = _timetable(0, _Tot([], []), meetings=[mts])
    R.cadre_sessions_at_meetings(tt, 2, mts, 1)
    R.cadre_missed_term(tt, tt.miss[0], 1.0)
    tt.m.Minimize(R.units_cost(tt, [], 0, 0))
    s, _ = _solve(tt.m)
    assert s.Value(tt.miss[0]) == 1
    assert s.ObjectiveValue() == R.UNPLACED_PENALTY_DAYS * R.SCALE


def test_fdf_capacity_per_instant():
    # two groups, one FdF, two simultaneous cheap slots and one later: they cannot share the instant
    tot = _Tot([0, 0, 1], [540, 540, 540])
    tt, K, _, _ = _timetable(2, tot)
    R.fdf_capacity_per_instant(tt, 1)
    total = R.units_cost(tt, [[0, 0, 5], [0, 0, 5]], 2, K)
    tt.m.Minimize(total)
    s, _ = _solve(tt.m)
    used = [k for g in range(2) for k in range(K) if s.Value(tt.x[g][k])]
    assert sorted(used) in ([0, 2], [1, 2])


def test_fdf_capacity_counts_cadre_meetings():
    # one FdF; a cadre meeting at the ToT slot's time takes it
    tot = _Tot([0, 1], [540, 540])
    mts = [_Meeting(ORIGIN, 540, 720, 1, 0)]
    tt, K, _, _ = _timetable(1, tot, meetings=[mts])
    R.cadre_sessions_at_meetings(tt, 1, mts, 1)
    tt.m.Add(tt.miss[0] == 0)
    R.fdf_capacity_per_instant(tt, 1)
    tt.m.Minimize(R.units_cost(tt, [[0, 5]], 1, K))
    s, _ = _solve(tt.m)
    assert s.Value(tt.x[0][1]) == 1


def test_fdf_day_cap():
    # one FdF, at most one session a day: two groups on day 0 (morning, afternoon) cannot both stay
    tot = _Tot([0, 0, 1], [540, 840, 540])
    tt, K, _, _ = _timetable(2, tot)
    R.fdf_capacity_per_day(tt, 1, 1)
    tt.m.Minimize(R.units_cost(tt, [[0, 0, 5], [0, 0, 5]], 2, K))
    s, _ = _solve(tt.m)
    assert sum(s.Value(tt.x[g][2]) for g in range(2)) == 1


def test_objective_units_takes_the_cheapest_slots():
    tot = _Tot([0, 1, 2], [540] * 3)
    tt, K, _, _ = _timetable(1, tot)
    total = R.units_cost(tt, [[7, 3, 9]], 1, K)
    tt.m.Minimize(total)
    s, _ = _solve(tt.m)
    assert s.Value(tt.x[0][1]) == 1 and s.ObjectiveValue() == 3 * R.SCALE


def test_heads_first_seats_heads_at_early_meetings():
    # 4 heads to seat, groups of 2; waiting past meeting 0 costs 10 per head: two sessions at meeting 0
    mts = [_Meeting(ORIGIN + d, 540, 720, 2, d) for d in (0, 30)]
    tt, _, _, _ = _timetable(0, _Tot([], []), meetings=[mts])
    z, _, comp = R.cadre_sessions_at_meetings(tt, 2, mts, 1)
    tt.m.Add(tt.miss[0] == 0)
    R.cadre_completion_term(tt, comp, 1.0)  # alone, this puts both sessions at meeting 0 too: make 30 cheaper
    tt.cadre_obj.pop()
    tt.cadre_obj.append(-1 * z[1])
    R.heads_seated_early(tt, z, 4, [[10, 10, 10, 10], [0, 0, 0, 0]], [2, 2])
    tt.m.Minimize(R.units_cost(tt, [], 0, 0))
    s, _ = _solve(tt.m)
    assert [s.Value(v) for v in z] == [2, 0]


def _completion_model(cost, latest):
    tot = _Tot(list(range(len(cost[0]))), [540] * len(cost[0]))
    tt, K, _, _ = _timetable(1, tot, latest=latest)
    R.completion_after_groups(tt, latest, 1, K)
    return tt, R.units_cost(tt, cost, 1, K)


def test_minimise_weighted_adds_the_completion_term():
    tt, total = _completion_model([[0, 50]], [[9, 0]])
    R.minimise_weighted(tt, total, 10.0)  # 9 days × 10 = 90 > 50: the costlier but earlier-ending slot
    s, _ = _solve(tt.m)
    assert s.Value(tt.x[0][1]) == 1 and s.ObjectiveValue() == 50 * R.SCALE


def test_minimise_lexicographic_keeps_the_earliest_completion():
    tt, total = _completion_model([[50, 0]], [[0, 9]])
    R.minimise_lexicographic(tt, total, 0)  # completion 0 first, whatever the cost
    s, _ = _solve(tt.m)
    assert s.Value(tt.x[0][0]) == 1 and s.ObjectiveValue() == 50 * R.SCALE


def test_minimise_earliest_completion():
    tt, total = _completion_model([[0, 0]], [[4, 9]])
    R.minimise_earliest_completion(tt, 9)
    s, _ = _solve(tt.m)
    assert s.Value(tt.L) == 4 and s.ObjectiveValue() == 4


# ---------------------------------------------------------------------- one list of rules
def test_every_model_rule_is_listed_and_every_listed_model_rule_has_a_function():
    assert set(R.MODEL_RULES) <= RULE_IDS
    assert {r.id for r in RULES if "model" in r.where} <= set(R.MODEL_RULES)
    assert len(RULE_IDS) == len(RULES) and all(LABELS[r] for r in RULE_IDS)


def _literal_rules(path: Path) -> set[str]:
    """String literals passed as the rule of a checker finding."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.args:
            name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
            if name in ("add", "RoadmapFinding", "Finding"):
                a = node.args[0]
                if isinstance(a, ast.Constant) and isinstance(a.value, str):
                    out.add(a.value)
                elif isinstance(a, ast.IfExp):
                    out |= {x.value for x in (a.body, a.orelse) if isinstance(x, ast.Constant)}
    return out


def test_checkers_name_listed_rules_and_every_checked_rule_is_checked():
    used = (_literal_rules(ROOT / "solvers" / "checker.py") | _literal_rules(ROOT / "solvers" / "check_roadmap.py")
            | _literal_rules(ROOT / "solvers" / "check_venues.py"))
    assert used <= RULE_IDS, used - RULE_IDS
    assert {r.id for r in RULES if "check" in r.where} <= used


def test_unplaced_records_carry_listed_rules():
    u = Unplaced("etablissement", "X", "X", "16", "031", "step1", "teachers_2d", 1, "window,day_cap", "…")
    assert u.as_dict()["rule"] == "window,day_cap" and Unplaced.from_dict(u.as_dict()) == u
    with pytest.raises(ValueError):
        Unplaced("etablissement", "X", "X", "16", "031", "step1", "teachers_2d", 1, "no_such_rule", "…")


def test_unit_caps_written_once():
    class S:
        max_per_local_trainer_per_day, max_per_local_trainer_per_week, wednesday_mornings_per_term_1d = 3, 8, 2
    assert unit_caps(S, "teachers_1d") == Caps(3, 8, 2)
    assert unit_caps(S, "teachers_2d") == Caps(3, 8, None)


# ---------------------------------------------------------------------- honest status
def test_outcome_is_optimal_only_when_the_bound_meets_the_objective():
    assert Outcome.of(objective=1000.0, bound=1000.0).status == "OPTIMAL"
    assert Outcome.of(objective=1000.0, bound=1000.0 * (1 - GAP_TOLERANCE / 2)).status == "OPTIMAL"
    o = Outcome.of(objective=2532.0, bound=1936.0)  # the Ille-et-Vilaine case of issue 15
    assert o.status == "FEASIBLE" and round(o.gap, 3) == 0.235
    assert Outcome.of(objective=100.0, bound=100.0, parts_optimal=False).status == "FEASIBLE"
    assert Outcome.of(objective=100.0, bound=50.0, solver="greedy").status == "GREEDY"
    assert Outcome.of(objective=100.0, bound=100.0, stopped=True).status == "STOPPED"
    assert Outcome.of(objective=100.0, bound=120.0).bound == 100.0


def test_docs_list_every_rule():
    text = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert all(f"| `{r.id}` | {r.label} |" in text for r in RULES)
