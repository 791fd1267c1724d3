"""The window's tables on a plan. The sessions' text filter finds the rows a plain loop over the sessions finds;
the folded names it matches are kept with the scenario's index (a re-planned plan folds nothing again) and made in
the background with the plan's lists. The trainers table's rows are those counted session by session. (How long
any of it takes is measured by bench/gui_bench.py --table, never here.)"""
from __future__ import annotations

import datetime as dt

import pytest

from planner.plan_index import PlanIndex, ScenarioIndex
from planner.text import fold, hhmm_minutes
from solvers.api import solve
from tests.tiny import tiny_scenario


@pytest.fixture(scope="module")
def solved():
    sc = tiny_scenario()
    return sc, solve(sc, solver="greedy")


def _loop_mask(plan, six, text: str) -> list[bool]:
    """The rows whose unit (id, name), trainer (id, name) or date contain every word, one session at a time."""
    words = fold(text).split()
    out = []
    for s in plan.sessions:
        trainer = six.trainers.get(s.trainer_id)
        hay = (fold(f"{s.unit_id} {six.short_name(s.unit_type, s.unit_id)}"),
               fold(f"{s.trainer_id} {(trainer.name or s.trainer_id) if trainer else s.trainer_id}")
               if s.trainer_id else "", s.date.strftime("%d/%m/%Y"))
        out.append(all(any(w in h for h in hay) for w in words))
    return out


def test_text_filter_finds_what_a_loop_over_the_sessions_finds(qapp, solved):
    from ui.models import SessionTableModel

    sc, plan = solved
    six = ScenarioIndex(sc)
    m = SessionTableModel()
    m.set_plan(PlanIndex(plan, six), six)
    s = next(x for x in plan.sessions if x.unit_type == "etablissement" and x.trainer_id)
    name = six.short_name("etablissement", s.unit_id)
    day = s.date.strftime("%d/%m/%Y")
    for text in (s.unit_id.lower(), fold(name.split()[0]), day, f"{day} {s.unit_id}", s.trainer_id,
                 f"{s.date:%m/%Y}", "aucun-mot-ainsi"):
        got = m.text_mask(text).tolist()
        assert got == _loop_mask(plan, six, text), text
    assert any(m.text_mask(day).tolist()) and not any(m.text_mask("aucun-mot-ainsi").tolist())
    assert sum(m.text_mask(f"{day} {s.unit_id}").tolist()) < sum(m.text_mask(day).tolist())


def test_folded_names_are_kept_with_the_scenario_index_and_made_with_the_lists(qapp, solved):
    from ui.document import index_lists
    from ui.models import SessionTableModel

    sc, plan = solved
    six = ScenarioIndex(sc)
    pix = index_lists(PlanIndex(plan, six))
    units, trainers = six.memo(("labels", "search_unit"), dict), six.memo(("labels", "search_trainer"), dict)
    # every unit and trainer of the scenario folded in the background, as the filter would fold it
    assert {f"etablissement|{e.uai}" for e in sc.etablissements} <= set(units)
    assert {t.id for t in sc.trainers} <= set(trainers)
    e = sc.etablissements[0]
    assert units[f"etablissement|{e.uai}"] == fold(f"{e.uai} {six.short_name('etablissement', e.uai)}")
    sort_unit = six.memo(("labels", "sort_unit"), dict)
    assert sort_unit[f"etablissement|{e.uai}"] == fold(six.short_name("etablissement", e.uai))
    assert set(six.memo(("labels", "sort_trainer"), dict)) == set(trainers)
    assert set(six.memo(("trainer_row_labels",), dict)) == set(trainers)  # the trainers table's too
    # a model of another plan of the same scenario reads them; a label it would fold is there already
    before = dict(units)
    m = SessionTableModel()
    m.set_plan(pix, six)
    day = plan.sessions[0].date.strftime("%d/%m/%Y")
    assert m.text_mask(day).tolist() == _loop_mask(plan, six, day)
    assert units == before


def test_group_sort_key_is_the_sessions_group(qapp, solved):
    from ui.models import SessionTableModel
    from ui.models.sessions import SESSION_COLUMNS

    sc, plan = solved
    six = ScenarioIndex(sc)
    m = SessionTableModel()
    m.set_plan(PlanIndex(plan, six), six)
    col = [k for k, _ in SESSION_COLUMNS].index("group")
    assert m.sort_key(col).tolist() == [s.group for s in plan.sessions]
    names = [k for k, _ in SESSION_COLUMNS]
    for key, label in (("unit", lambda s: fold(six.short_name(s.unit_type, s.unit_id))),
                       ("trainer", lambda s: fold(m._trainer_name(s.trainer_id)) if s.trainer_id else "~")):
        k = m.sort_key(names.index(key)).tolist()
        labels = [label(s) for s in plan.sessions]
        assert len(set(labels)) > 1
        for i in range(len(labels) - 1):  # rows of different labels ranked in the labels' order
            if labels[i] != labels[i + 1]:
                assert (k[i] < k[i + 1]) == (labels[i] < labels[i + 1]), key
    from planner.plan_index import factorize

    title = m.sort_key(names.index("title"))
    assert title.tolist() == factorize(s.title for s in plan.sessions)[1].tolist()
    assert m.sort_key(names.index("title")) is title
    date_col = [k for k, _ in SESSION_COLUMNS].index("date")
    assert isinstance(plan.sessions[0].date, dt.date) and len(m.sort_key(date_col)) == len(plan.sessions)


def test_trainers_table_rows_are_those_counted_session_by_session(qapp, solved):
    from collections import Counter, defaultdict

    from planner.plan_index import NATION
    from ui.models.tables import TrainerTableModel

    sc, plan = solved
    six = ScenarioIndex(sc)
    m = TrainerTableModel()
    m.set_data(PlanIndex(plan, six), six, NATION)
    first = list(m._rows)
    m.set_data(PlanIndex(plan, six), six, NATION)  # the labels kept from the first time: the same rows
    assert m._rows == first
    by_trainer = defaultdict(list)
    for s in plan.sessions:
        if s.trainer_id:
            by_trainer[s.trainer_id].append(s)
    assert m.rowCount() == len(by_trainer) > 1
    for name, tid, _role, _unit, n, hours, first, last, most in m._rows:
        ss = by_trainer[tid]
        t = six.trainers.get(tid)
        assert name == (t.name if t and t.name else tid)
        assert n == len(ss) and isinstance(n, int)
        planned = sum(hhmm_minutes(s.end) - hhmm_minutes(s.start) for s in ss)  # the sessions' own lengths
        assert hours * 60 == pytest.approx(planned)
        assert (first, last) == (min(s.date for s in ss).toordinal(), max(s.date for s in ss).toordinal())
        assert most == max(Counter(s.date for s in ss).values())
    counts = [r[4] for r in m._rows]
    assert counts == sorted(counts, reverse=True)  # by sessions, most first


def test_an_academie_s_figures_from_its_rows_equal_those_of_the_whole_plan(solved):
    from planner.plan_index import unplaced_academie
    from planner.report import academie_kpis, academie_kpis_of_index

    from planner.plan import Plan

    sc, solved_plan = solved
    e = sc.etablissements[0]
    unplaced = [{"unit_type": "etablissement", "unit_id": e.uai, "academie": e.academie, "reason": "capacity"},
                {"unit_type": "etablissement", "unit_id": e.uai, "reason": "past"},  # its académie: its unit's
                {"unit_type": "etablissement", "unit_id": "9999999Z", "reason": "past"}, "pas un dict"]
    plan = Plan(sessions=solved_plan.sessions, trainers=solved_plan.trainers, units=solved_plan.units,
                report={**solved_plan.report, "unplaced": unplaced})
    six = ScenarioIndex(sc)
    ix = PlanIndex(plan, six)
    assert len(ix.unplaced_in(("academie", e.academie))) == 2
    for a in sc.academies:
        rows = [plan.sessions[i] for i in ix.indices(("academie", a.code)).tolist()]
        assert academie_kpis(plan, a.code, rows) == academie_kpis(plan, a.code) == academie_kpis_of_index(ix, a.code)
        expected = [u for u in plan.unplaced if isinstance(u, dict) and unplaced_academie(u, six, ix.units) == a.code]
        assert ix.unplaced_in(("academie", a.code)) == expected
        assert ix.unplaced_in(("academie", a.code)) is not ix.unplaced_in(("academie", a.code))  # the caller's own


@pytest.mark.parametrize("low, high", [(0, 2), (-5, 200), (0, 60_000), (-10**9, 10**9), (7, 8)])
def test_a_compact_sort_key_sorts_as_the_key_does(low, high):
    """The sessions table's sort keys in small unsigned integers (sorted by radix): the same stable order."""
    import numpy as np

    from ui.models.sessions import compact_key

    key = np.random.default_rng(high).integers(low, high, 50_000)
    small = compact_key(key)
    assert small.dtype.itemsize <= 4 and small.dtype.kind == "u"
    assert np.array_equal(np.argsort(small, kind="stable"), np.argsort(key, kind="stable"))
    assert np.array_equal(np.argsort(small[::-1], kind="stable"), np.argsort(key[::-1], kind="stable"))
    assert len(compact_key(key[:0])) == 0
