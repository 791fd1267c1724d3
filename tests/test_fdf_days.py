"""Named FdF day by day (solvers.fdf_days) and the heads' seating at least cost (solvers.heads):
the assembled plan follows the model's timetable instead of drifting from it."""
import datetime as dt
from types import SimpleNamespace

from planner.overrides import apply_overrides
from planner.sources.reference import national_reference
from solvers.academie import solve_academie
from solvers.fdf_days import Task, _conflict, assign_days
from solvers.heads import seat_heads, seat_heads_priced

H = 60
FAR = ("far", "", None)
NEAR = ("near", "", None)


def _travel(p, q):
    return 0 if p == q else 240  # four hours between the two places


def _staffed(out, days, cap, travel):
    """Every session staffed, no FdF in two places it cannot reach, at most ``cap`` a day."""
    per: dict[tuple[int, str], list] = {}
    for d, tasks in days.items():
        for t in tasks:
            xs = [x for x in out.get(t.key, []) if x[0] == d]
            assert len(xs) == t.count, t.key
            for _, i, f in xs:
                per.setdefault((d, f), []).append((t.slots[i], t.place))
    for (d, f), xs in per.items():
        assert len(xs) <= cap
        for a in range(len(xs)):
            for b in range(a + 1, len(xs)):
                assert not _conflict(xs[a][0], xs[a][1], xs[b][0], xs[b][1], travel)


def test_three_meetings_and_an_afternoon_one_share_three_fdf():
    """The Limoges day of 4 December 2026: three morning meetings (2, 1 and 2 sessions) and one
    afternoon session; three FdF giving two sessions a day can hold them all (the old pool gave the
    afternoon's FdF a morning session first and sent two cadre sessions six weeks later)."""
    morning = ((9 * H, 10 * H), (10 * H, 11 * H), (11 * H, 12 * H))
    afternoon = ((14 * H, 15 * H), (15 * H, 16 * H), (16 * H, 17 * H))
    p1, p2, p3, p4 = (("a", "", (45.8, 1.25)), ("b", "", (45.2, 1.8)), ("c", "", (46.17, 1.87)),
                      ("d", "", (45.83, 1.26)))
    days = {1: [Task(("cadre", "u1"), morning, 2, p1), Task(("cadre", "u3"), morning, 1, p2),
                Task(("cadre", "u5"), morning, 2, p3), Task(("cadre", "i"), afternoon, 1, p4)]}

    def travel(p, q):
        from planner.venues import place_travel_minutes
        return place_travel_minutes(p, q, 40, 15)

    out = assign_days(days, ["F1", "F2", "F3"], 2, travel)
    _staffed(out, days, 2, travel)


def test_exact_day_when_the_chronological_order_fails():
    """One FdF: a meeting at 9:00 or 11:00 and a ToT at 9:30 — the meeting must take 11:00."""
    days = {5: [Task(("cadre", "u"), ((9 * H, 10 * H), (11 * H, 12 * H)), 1, NEAR),
                Task(("tot", 0), ((9 * H + 30, 10 * H + 30),), 1, NEAR)]}
    out = assign_days(days, ["F"], 2, _travel)
    _staffed(out, days, 2, _travel)
    assert out[("cadre", "u")] == [(5, 1, "F")]


def test_travel_keeps_an_fdf_from_two_far_places_the_same_morning():
    days = {3: [Task(("cadre", "u"), ((9 * H, 10 * H),), 1, NEAR), Task(("cadre", "v"), ((11 * H, 12 * H),), 1, FAR)]}
    out = assign_days(days, ["F1", "F2"], 2, _travel)
    _staffed(out, days, 2, _travel)
    assert out[("cadre", "u")][0][2] != out[("cadre", "v")][0][2]
    short = assign_days(days, ["F1"], 2, _travel)  # one FdF cannot: one session left for the caller
    assert sum(len(short.get(k, [])) for k in (("cadre", "u"), ("cadre", "v"))) == 1


def _unit(uid, sessions):
    return SimpleNamespace(demand=SimpleNamespace(unit_type="etablissement", unit_id=uid, sessions=sessions))


def test_heads_seated_at_least_cost():
    """One early seat and one late one: the unit whose teachers lose most by waiting takes the early
    seat, although the other has more sessions (the largest-first seating gives it to the other)."""
    a, b = _unit("A", 5), _unit("B", 2)
    head_of = {("etablissement", "A"): ("bassin", "X"), ("etablissement", "B"): ("bassin", "X")}
    seats = {("bassin", "X"): [(100, 1, "early"), (900, 1, "late")]}
    waits = {"A": {100: 10.0, 900: 12.0}, "B": {100: 10.0, 900: 60.0}}

    def price(u, end):
        return 500.0 if end is None else waits[u.demand.unit_id][end]

    priced = seat_heads_priced([a, b], head_of, seats, price)
    assert priced[("etablissement", "B")] == (100, "early")
    assert priced[("etablissement", "A")] == (900, "late")
    assert seat_heads([a, b], head_of, seats)[("etablissement", "A")] == (100, "early")  # the old order


def test_heads_not_seated_when_waiting_would_lose_sessions():
    u = _unit("A", 3)
    head_of = {("etablissement", "A"): ("bassin", "X")}
    out = seat_heads_priced([u], head_of, {("bassin", "X"): [(100, 5, "s")]}, lambda u, end: None if end else 1.0)
    assert out[("etablissement", "A")] is None


def test_limoges_mid_year_plan_meets_its_bound():
    """Académie 22 planned from 30 November 2026 without heads first: the model's timetable is
    proven optimal and the assembled plan must keep its objective (it drifted by 5 %)."""
    sc = national_reference("2026-2027", dt.date(2026, 11, 30))
    sc.settings = apply_overrides(sc.settings, ["heads_first=false"])
    res = solve_academie(sc.restricted_to("22"), "22", time_limit=20)
    assert res.proven
    assert res.objective <= res.bound * 1.001
