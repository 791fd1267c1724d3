"""The plan's report is the same whether the académies are solved in a pool (what the report says of the scenario
alone is then computed while the pool works) or one after the other, and the KPIs and the budget counted from one
pass of the sessions are those of a pass each."""
import datetime as dt
import json

from planner.budget import plan_budget, session_counts
from planner.report import teacher_kpis
from planner.sources.reference import national_reference
from solvers.api import solve

CODES = ["27", "31", "32"]  # Corse, Martinique, Guadeloupe
TIMINGS = ("generated_at", "solve_seconds", "stage_seconds", "parent_seconds")


def _without_timings(report: dict) -> str:
    r = {k: v for k, v in report.items() if k not in TIMINGS}
    r["academies"] = [{k: v for k, v in a.items() if k not in ("seconds", "progress")} for a in r["academies"]]
    return json.dumps(r, ensure_ascii=False)  # key order kept: the report's bytes


def test_the_report_is_the_same_from_a_pool_or_one_process():
    sc = national_reference("2026-2027", dt.date(2026, 11, 30)).restricted_to(CODES)
    one = solve(sc, workers=1, time_limit=10, solver="greedy")
    two = solve(sc, workers=2, time_limit=10, solver="greedy")
    assert one.sessions == two.sessions
    assert _without_timings(one.report) == _without_timings(two.report)
    assert one.report["kpis"]["sessions_by_kind"] and one.report["budget"]["total"]["total_hours"] > 0


def test_kpis_and_budget_from_one_count_of_the_sessions():
    sc = national_reference("2026-2027", dt.date(2026, 11, 30)).restricted_to(CODES)
    plan = solve(sc, workers=1, time_limit=10, solver="greedy")
    counts = session_counts(plan.sessions)
    cal = plan.report["calendar"]
    with_counts = teacher_kpis(plan.sessions, plan.units, cal, sc.settings, counts)
    alone = teacher_kpis(plan.sessions, plan.units, cal, sc.settings)
    assert json.dumps(with_counts) == json.dumps(alone)  # the same figures, kinds in the same order
    assert len(with_counts["sessions_by_kind"]) >= 5 and with_counts["hours_delivered"] > 0
    assert json.dumps(plan_budget(plan, sc.settings, counts=counts)) == json.dumps(plan_budget(plan, sc.settings))
