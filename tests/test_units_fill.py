"""solvers.units.fill: one trainer places exactly as a unit whose second trainer never delivers, caps included."""
import datetime as dt
import random

from planner.calendar import Slot
from solvers.rules import Caps
from solvers.units import SlotTable, fill

NEVER_READY = 10**15  # a trainer the general path must skip at every slot


def _table(seed: int) -> SlotTable:
    rnd = random.Random(seed)
    slots = []
    d = dt.date(2026, 9, 1)
    for _ in range(140):
        d += dt.timedelta(days=rnd.choice((0, 1, 1, 2)))
        wed = d.weekday() == 2
        for start in sorted(rnd.sample((8 * 60, 10 * 60, 14 * 60, 16 * 60), rnd.randint(1, 3))):
            slots.append(Slot(d, start, start + 90, "wednesday_am" if wed and start < 12 * 60 else "teachers"))
        d += dt.timedelta(days=1)
    seen = {(s.date, s.start): s for s in slots}
    return SlotTable([seen[k] for k in sorted(seen)])


def test_one_trainer_fill_matches_the_general_path_with_caps():
    for seed in range(40):
        rnd = random.Random(seed)
        tb = _table(seed)
        caps = Caps(rnd.choice((1, 2)), rnd.choice((None, 2, 3)), rnd.choice((None, 1, 2)))
        n = rnd.randint(1, 30)
        ready = tb.times[rnd.randrange(len(tb))] + rnd.choice((-1, 0, 1))
        one, left = fill(tb, n, [ready], caps)
        two, left2 = fill(tb, n, [ready, NEVER_READY], caps)  # the second trainer never delivers
        assert (one, left) == (two, left2)
        days = [tb.days[i] for i, _ in one]
        assert all(tb.times[i] >= ready for i, _ in one)
        assert all(days.count(x) <= caps.per_day for x in days)
        if caps.per_week is not None:
            weeks = [tb.weeks[i] for i, _ in one]
            assert all(weeks.count(w) <= caps.per_week for w in weeks)
        if caps.wednesdays_per_term is not None:
            wed = {}
            for i, _ in one:
                if tb.wed_am[i]:
                    wed.setdefault(tb.terms[i], set()).add(tb.days[i])
            assert all(len(x) <= caps.wednesdays_per_term for x in wed.values())
        assert len(one) + left == n


def test_memoised_unit_costs_and_placements_match_place_unit():
    """solvers.unit_costs._Costs answers from placements kept per table, caps and first slots (a smaller
    unit's sessions are the first of a larger one's; the slots do not depend on which trainer is which):
    every answer is place_unit's, whatever the order of the questions."""
    from types import SimpleNamespace

    from solvers.rules.cpsat import UNPLACED_PENALTY_DAYS
    from solvers.unit_costs import LocalUnit, _Costs
    from solvers.units import NEVER, place_unit

    rnd = random.Random(7)
    tables = [_table(s) for s in range(3)]
    caps_list = [Caps(1), Caps(2, 3), Caps(4, None, 1), Caps(3, 5, 2)]
    memo_ids: dict = {}
    run_ids: dict = {}
    units = []
    for _ in range(80):
        tb, caps = rnd.choice(tables), rnd.choice(caps_list)
        n, qualified = rnd.randint(1, 25), tuple(rnd.random() < 0.2 for _ in range(rnd.randint(1, 3)))
        units.append(LocalUnit(SimpleNamespace(sessions=n), tb, [SimpleNamespace(qualified=q) for q in qualified],
                               caps, None, [], memo_ids.setdefault((id(tb), n, caps, qualified), len(memo_ids)),
                               run_ids.setdefault((id(tb), caps), len(run_ids))))
    origin = tables[0].days[0] - 10
    costs = _Costs(1.5, origin)
    for _ in range(3000):
        u = rnd.choice(units)
        ready = [NEVER if t.qualified else rnd.choice(u.table.times[:200]) + rnd.choice((-1, 0, 1)) for t in u.trainers]
        assigned, left, cost = place_unit(u.table, u.demand.sessions, ready, u.caps, w_completion=1.5, origin=origin)
        comp = max((u.table.days[i] for i, _ in assigned), default=None)
        assert costs.unit(u, ready) == (cost + left * UNPLACED_PENALTY_DAYS * 1.5, comp, left)
        assert costs.placement(u, ready) == assigned
