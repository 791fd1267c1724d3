"""Figures from the plan index's columns equal those of the session loops, an index updated for a few
sessions equals one built afresh, and re-planning one unit of an indexed plan gives the same plan as the
full re-plan (issue 16: a pin touches only the unit's sessions and what depends on them)."""
from __future__ import annotations

import datetime as dt
from dataclasses import astuple, replace

import numpy as np

from planner.budget import plan_budget
from planner.exports.sample import synthetic_academie
from planner.plan import Plan
from planner.compare import plan_kpis
from planner.plan_index import PlanIndex, session_order
from planner.report import teacher_kpis, teacher_kpis_of_index

CAL = {"school_year": "2026-2027", "academies": {"16": {"toussaint": "2026-10-17", "noel": "2026-12-19"}}}


def _plan() -> Plan:
    plan = synthetic_academie(n_etab=40, n_circ=12)
    plan.sessions.sort(key=session_order)
    plan.sessions[5].pinned = True
    return plan


def test_figures_from_the_index_equal_those_of_the_sessions():
    plan = _plan()
    ix = PlanIndex(plan)
    settings = {"school_year": "2026-2027"}
    assert teacher_kpis_of_index(ix, plan.units, CAL, settings) == teacher_kpis(plan.sessions, plan.units, CAL, settings)
    assert teacher_kpis_of_index(ix, plan.units, CAL, settings)["share_trained_by_toussaint"] > 0
    assert plan_budget(plan, None, index=ix) == plan_budget(plan, None)
    assert plan_kpis(plan, ix) == plan_kpis(plan)
    assert plan_kpis(plan, ix)["pinned"] == 1


def _same_index(a: PlanIndex, b: PlanIndex) -> None:
    for k, v in b.__dict__.items():
        if k in ("plan", "six", "_memo"):
            continue
        w = a.__dict__[k]
        if isinstance(v, np.ndarray):
            assert v.shape == w.shape and (v == w).all(), k
        elif k in ("by_unit", "by_trainer"):
            assert v.keys() == w.keys(), k
            assert all([id(x) for x in v[u]] == [id(x) for x in w[u]] for u in v), k
        else:
            assert v == w, k


def test_an_index_updated_for_one_unit_equals_one_built_afresh():
    plan = _plan()
    ix = PlanIndex(plan).prepare()
    uai = next(s.unit_id for s in plan.sessions if s.unit_type == "etablissement")
    remove = ix.indices(("etablissement", uai))
    old = [plan.sessions[i] for i in remove]
    # the unit's sessions moved: one to a start time and a trainer the plan did not have, one pinned
    add = [replace(old[0], date=dt.date(2027, 3, 3), start="07:30", end="08:30", trainer_id="T-NOUVEAU", pinned=True)]
    add += [replace(s, date=s.date + dt.timedelta(days=7)) for s in old[1:]]
    new = ix.replaced(remove, add)
    assert new.plan.sessions == sorted(new.plan.sessions, key=session_order)
    assert sorted(map(astuple, new.plan.sessions)) == sorted(
        map(astuple, [s for s in plan.sessions if s.unit_id != uai] + add))
    _same_index(new, PlanIndex(new.plan).prepare())
    assert plan.sessions[remove[0]] is old[0]  # the old plan and its index are untouched (undo brings them back)
    _same_index(ix, PlanIndex(plan).prepare())
    # a trainer, a start time and a unit that no session holds any more leave the distinct values
    gone = ix.replaced(remove, [])
    assert f"etablissement|{uai}" not in gone.unit_values
    _same_index(gone, PlanIndex(gone.plan).prepare())


def test_replanning_one_unit_of_an_indexed_plan_equals_the_full_replan():
    from planner.models import Pin
    from planner.plan_index import ScenarioIndex
    from solvers.api import solve
    from solvers.replan import candidate_slots, replan_with_pin, replan_with_pin_indexed

    from .tiny import tiny_scenario, uai

    sc = tiny_scenario()
    plan = solve(sc, solver="greedy", workers=1)
    ix = PlanIndex(plan, ScenarioIndex(sc)).prepare()
    cand = next(c for c in candidate_slots(sc, plan, "etablissement", uai(1)) if c.feasible)
    pin = Pin(unit_type="etablissement", unit_id=uai(1), group=cand.group, date=cand.date, start=cand.start)
    full = replan_with_pin(sc, plan, pin)
    fast, fast_ix = replan_with_pin_indexed(sc, ix, pin)
    assert [astuple(s) for s in fast.sessions] == [astuple(s) for s in full.sessions]
    assert fast.report == full.report  # the KPIs of the whole plan included
    assert any(s.pinned and s.date == cand.date for s in fast.sessions)
    assert fast_ix.plan is fast
    _same_index(fast_ix, PlanIndex(fast).prepare())


def test_sessions_sorted_in_a_thread_as_in_the_main_thread():
    """A solve in the window's thread merges the académies' sorted sessions: the same order as one sort."""
    import threading

    from solvers.api import sorted_sessions

    a, b = synthetic_academie(n_etab=20, n_circ=5, code="16"), synthetic_academie(n_etab=15, n_circ=4, code="28")
    runs = [a.sessions, b.sessions]
    main = sorted_sessions(runs)
    got = {}
    t = threading.Thread(target=lambda: got.update(order=sorted_sessions(runs),
                                                   batch=sorted_sessions(runs, interactive=False)))
    t.start()
    t.join()
    assert [s.session_id for s in got["order"]] == [s.session_id for s in main]
    assert [s.session_id for s in got["batch"]] == [s.session_id for s in main]  # the command line's one sort
    assert main == sorted(main, key=session_order) and len(main) == len(a.sessions) + len(b.sessions)


def test_sessions_of_a_unit_alike_but_for_their_id_come_in_id_order():
    plan = _plan()
    s = next(x for x in plan.sessions if x.unit_type == "etablissement")
    twins = [replace(s, session_id=f"{s.session_id}-{k}", group=0, kind="step3") for k in "cab"]
    plan.sessions.extend(twins)  # after the others, and not in id order
    for ix in (PlanIndex(plan), PlanIndex(plan).prepare()):  # lists from the sessions, or from the columns
        got = [x.session_id for x in ix.sessions_of_unit(s.unit_type, s.unit_id) if x.kind == "step3"]
        assert got == sorted(got) and len(got) == 3
        assert ix.sessions_of_unit(s.unit_type, s.unit_id) == sorted(
            [x for x in plan.sessions if x.unit_id == s.unit_id],
            key=lambda x: (x.date, x.start, x.kind, x.group, x.session_id))
        assert ix.sessions_of_trainer(s.trainer_id) == sorted(
            [x for x in plan.sessions if x.trainer_id == s.trainer_id],
            key=lambda x: (x.date, x.start, x.kind, x.group, x.session_id))


def test_the_window_s_lists_by_unit_and_trainer_are_those_of_an_export_s_index():
    """The window's index cuts its lists out of numpy's order of the columns (a unit's or trainer's sessions taken
    on their own, the sessions without trainer never listed); an export's sorts each list in Python: the same."""
    plan = _plan()
    plan.sessions += [replace(s, session_id=f"{s.session_id}-sans", trainer_id="") for s in plan.sessions[::7]]
    plan.sessions.sort(key=session_order)
    window, export = PlanIndex(plan).prepare(), PlanIndex(plan)
    assert "date_ord" in window.__dict__ and export.by_unit is not None and "date_ord" not in export.__dict__
    assert any(not s.trainer_id for s in plan.sessions) and "" not in window.by_trainer
    for name in ("by_unit", "by_trainer"):
        a, b = getattr(window, name), getattr(export, name)
        assert a.keys() == b.keys(), name
        assert all([id(x) for x in a[k]] == [id(x) for x in b[k]] for k in a), name


def test_the_tree_s_totals_are_the_sessions_counted_node_by_node():
    """Each node of the territory tree: its sessions and its last day, as counted from the plan's sessions one by
    one (a bassin counts its établissements' too); plain Python numbers, and nothing for other kinds of unit."""
    from planner.plan_index import NATION, ScenarioIndex
    from solvers.api import solve

    from .tiny import tiny_scenario

    sc = tiny_scenario()
    plan = solve(sc, solver="greedy", workers=1)
    six = ScenarioIndex(sc)
    want: dict = {}

    def count(key, x) -> None:
        n, last = want.get(key, (0, 0))
        want[key] = (n + 1, max(last, x.date.toordinal()))

    bassin_of = {e.uai: e.bassin for e in sc.etablissements}
    for x in plan.sessions:
        count(NATION, x)
        count(("academie", x.academie), x)
        count(("departement", x.departement), x)
        if x.unit_type in ("circonscription", "etablissement", "bassin"):
            count((x.unit_type, x.unit_id), x)
        if x.unit_type == "etablissement" and bassin_of.get(x.unit_id):
            count(("bassin", bassin_of[x.unit_id]), x)
    got = PlanIndex(plan, six).per_node_totals()
    assert got == want
    assert any(k[0] == "bassin" for k in got) and any(k[0] == "circonscription" for k in got)
    assert all(type(n) is int and type(d) is int for n, d in got.values())


def test_holiday_periods_are_the_caller_s_own():
    from planner.report import holiday_periods

    first = holiday_periods(2026, "C")
    assert first and first[-1]["label"] == "Été"
    first[0]["label"] = "changé"
    first.append({})
    again = holiday_periods(2026, "C")
    assert again[0]["label"] != "changé" and again[-1]["label"] == "Été"


def test_an_index_updated_piece_by_piece_equals_one_built_afresh_for_any_rows():
    """The new plan is put together from pieces of the old one and of the added sessions: rows removed at
    the start, the end and side by side, sessions added before the first, after the last, on a removed row's
    place and tied with a kept one, values the plan did not hold and values no row holds any more."""
    import bisect
    import random

    plan = _plan()
    ix = PlanIndex(plan).prepare()
    n = len(plan.sessions)
    first, last = plan.sessions[0].date, plan.sessions[-1].date
    rng = random.Random(16)
    for case in range(12):
        remove = sorted(rng.sample(range(n), rng.randint(0, 25)) + [0, n - 1][:case % 3])
        picks = [plan.sessions[rng.randrange(n)] for _ in range(rng.randint(0, 20))]
        add = [replace(s, session_id=f"N{case}-{i}", date=rng.choice([first - dt.timedelta(days=3), s.date,
                                                                       last + dt.timedelta(days=2)]),
                       trainer_id=rng.choice([s.trainer_id, f"T-{case}"]))
               for i, s in enumerate(picks)]
        add += [replace(plan.sessions[r], session_id=f"R{case}-{r}") for r in remove[:3]]  # on a removed row's place
        new = ix.replaced(remove, add)
        gone = set(remove)
        expected = [s for i, s in enumerate(plan.sessions) if i not in gone]
        for s in sorted(add, key=session_order):
            expected.insert(bisect.bisect_right(expected, session_order(s), key=session_order), s)
        assert [id(s) for s in new.plan.sessions] == [id(s) for s in expected], case
        _same_index(new, PlanIndex(new.plan).prepare())


def test_sessions_by_id_after_edit_upon_edit_equals_the_plan_s_own(monkeypatch):
    """Each pin's index maps ids to sessions as changes over the previous map (no copy of a national plan's
    400,000 entries); after edit upon edit, and once flattened, it equals the map of the plan's own sessions, and
    every earlier index keeps its own."""
    import planner.plan_index_update as piu

    plan = _plan()
    indexes = [PlanIndex(plan).prepare()]
    monkeypatch.setattr(piu.SessionsById, "FLATTEN_AFTER", 12)
    for step in range(6):
        ix = indexes[-1]
        uai = sorted({s.unit_id for s in ix.plan.sessions if s.unit_type == "etablissement"})[step % 3]
        remove = ix.indices(("etablissement", uai))
        add = [replace(ix.plan.sessions[i], date=ix.plan.sessions[i].date + dt.timedelta(days=1 + step))
               for i in remove.tolist()]
        indexes.append(ix.replaced(remove, add[1:]))  # one session of the unit gone each time
    assert any(isinstance(ix.sessions_by_id, piu.SessionsById) for ix in indexes)
    assert any(type(ix.sessions_by_id) is dict for ix in indexes[1:])  # flattened once the changes piled up
    for ix in indexes:
        own = {s.session_id: s for s in ix.plan.sessions}
        by_id = ix.sessions_by_id
        assert len(by_id) == len(own) and set(by_id) == set(own)
        assert all(by_id.get(k) is s and by_id[k] is s and k in by_id for k, s in own.items())
        assert by_id.get("S-INCONNUE") is None and "S-INCONNUE" not in by_id


def test_the_titles_ranks_are_carried_over_when_a_unit_keeps_its_titles():
    """A re-planned unit keeps its sessions' titles: the new index's ranks of the titles (the sessions table's sort
    by « Intitulé ») come from the old ones, and order the sessions as ranks made afresh; a title the plan did not
    have leaves them to be made when asked."""
    plan = _plan()
    ix = PlanIndex(plan).prepare()
    ix.titles()
    uai = next(s.unit_id for s in plan.sessions if s.unit_type == "etablissement")
    remove = ix.indices(("etablissement", uai))
    moved = [replace(plan.sessions[i], date=plan.sessions[i].date + dt.timedelta(days=7)) for i in remove]
    new = ix.replaced(remove, moved)
    assert ("titles",) in new._memo  # carried over, not made again
    values, ranks = new.titles()
    titles = [s.title for s in new.plan.sessions]
    assert values[ranks].tolist() == titles
    fresh = PlanIndex(new.plan).titles()[1]
    assert np.array_equal(np.argsort(ranks, kind="stable"), np.argsort(fresh, kind="stable"))
    renamed = ix.replaced(remove, [replace(moved[0], title="Un titre que le plan n'avait pas")] + moved[1:])
    assert ("titles",) not in renamed.__dict__.get("_memo", {})
    values, ranks = renamed.titles()  # made when asked
    assert values[ranks].tolist() == [s.title for s in renamed.plan.sessions]
