"""What the window shows of a territory, counted from the plan index's columns (issue 16: a selection answers at
once): the sessions of a territory (``PlanIndex.scope_mask`` / ``scope_codes``), the overview's weekly heat map
counted in one pass per code column instead of one pass over the plan per row, and the calendar's days made only
when shown (``ui.calendar_view.DaySessions``). Two académies of the national reference, greedy plan."""
from __future__ import annotations

import datetime as dt
import os

import numpy as np
import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from planner.plan_index import NATION, PlanIndex, ScenarioIndex, monday  # noqa: E402

from .conftest import window_on_plan  # noqa: E402


@pytest.fixture(scope="module")
def solved():
    from planner.sources.reference import national_reference
    from solvers.api import solve

    sc = national_reference().restricted_to(["16", "27"])
    sc.settings = sc.settings.for_school_year("2026-2027", dt.date(2026, 6, 15))
    plan = solve(sc, solver="greedy", time_limit=5, workers=1)
    six = ScenarioIndex(sc)
    return sc, plan, six, PlanIndex(plan, six)


def _scopes(six: ScenarioIndex) -> list:
    circs, etabs = sorted(six.circonscriptions), sorted(six.etablissements)
    return ([NATION] + [("academie", a) for a in six.academies] + [("departement", d) for d in six.departements]
            + [("bassin", b) for b in six.bassins] + [("circonscription", c) for c in circs[::7]]
            + [("etablissement", e) for e in etabs[::25]])


def _belongs(six: ScenarioIndex, scope, s) -> bool:
    """Whether session ``s`` is one of ``scope``'s, from the session's own fields."""
    kind, uid = scope
    if kind == "nation":
        return True
    if kind == "academie":
        return s.academie == uid
    if kind == "departement":
        return s.departement == uid
    if kind == "trainer":
        return s.trainer_id == uid
    if kind == "bassin":
        return (s.unit_type, s.unit_id) == scope or (s.unit_type == "etablissement" and s.unit_id in
                                                     six.etabs_of_bassin.get(uid, []))
    return (s.unit_type, s.unit_id) == scope


def test_a_territorys_sessions_are_those_its_fields_say(solved):
    _sc, plan, six, pix = solved
    trainers = sorted({s.trainer_id for s in plan.sessions if s.trainer_id})
    scopes = _scopes(six) + [("trainer", t) for t in trainers[::40]] + [("academie", "99"), ("etablissement", "?")]
    for scope in scopes:
        want = [i for i, s in enumerate(plan.sessions) if _belongs(six, scope, s)]
        assert pix.indices(scope).tolist() == want, scope
    assert len(pix.indices(("academie", "16"))) and not len(pix.indices(("academie", "99")))
    assert pix.scope_codes(NATION) is None and pix.scope_codes(("academie", "99"))[1] == []


def _heatmap_row_by_row(pix: PlanIndex, scope, rows):
    """The heat map as the window counted it before: one pass over the plan per row."""
    idx = pix.indices(scope)
    if not len(idx):
        return [], None
    d0 = monday(dt.date.fromordinal(int(pix.date_ord[idx].min())))
    nweeks = (dt.date.fromordinal(int(pix.date_ord[idx].max())) - d0).days // 7 + 1
    vals = np.zeros((len(rows), nweeks), dtype=np.int64)
    for r, sc in enumerate(rows):
        if sc == scope and sc[0] == "bassin":
            sub = [i for i, s in enumerate(pix.plan.sessions) if (s.unit_type, s.unit_id) == sc]
        else:
            sub = idx if sc == scope else pix.indices(sc)
        for i in sub:
            w = (int(pix.date_ord[i]) - d0.toordinal()) // 7
            if 0 <= w < nweeks:
                vals[r, w] += 1
    return [d0 + dt.timedelta(weeks=k) for k in range(nweeks)], vals


def test_the_heat_map_counts_each_row_as_a_pass_per_row_would(solved):
    from ui.models.tables import _heatmap

    _sc, _plan, six, pix = solved
    checked = 0
    for scope in _scopes(six):
        rows = six.children(scope)
        weeks, vals = _heatmap(pix, scope, rows)
        want_weeks, want = _heatmap_row_by_row(pix, scope, rows)
        assert weeks == want_weeks, scope
        if want is None:
            assert vals is None
            continue
        assert vals.tolist() == want.tolist(), scope
        checked += bool(want.sum())
    assert checked > 20
    # rows of several columns, a row twice, rows sharing sessions (a bassin and one of its établissements), the
    # territory itself among them: each row still counts all of its own sessions
    bassin = next(b for b in sorted(six.bassins) if six.etabs_of_bassin.get(b) and len(pix.indices(("bassin", b))))
    etab = next(e for e in six.etabs_of_bassin[bassin] if len(pix.indices(("etablissement", e))))
    dep = six.bassins[bassin].departement
    rows = [("departement", dep), ("bassin", bassin), ("etablissement", etab), ("departement", dep),
            ("academie", "16"), ("academie", "99"), ("bassin", bassin)]
    for scope in (("academie", "16"), ("bassin", bassin), ("departement", dep)):
        weeks, vals = _heatmap(pix, scope, rows)
        want_weeks, want = _heatmap_row_by_row(pix, scope, rows)
        assert weeks == want_weeks and vals.tolist() == want.tolist(), scope
        assert vals[2].sum() == len(pix.indices(("etablissement", etab))) > 0 and vals[5].sum() == 0


def test_calendar_days_are_made_when_shown(solved):
    from ui.calendar_view import DaySessions

    _sc, plan, _six, pix = solved
    idx = pix.indices(("academie", "16"))
    made: list[int] = []

    def make(k: int):
        made.append(k)
        return plan.sessions[int(idx[k])]

    days = DaySessions(pix.date_ord[idx], make)
    own = [plan.sessions[i] for i in idx.tolist()]
    assert len(days) == len(own) > 1000 and not made
    assert days.first() == min(s.date for s in own)
    by_day: dict[dt.date, list] = {}
    for s in own:
        by_day.setdefault(s.date, []).append(s)
    busiest = max(by_day, key=lambda d: len(by_day[d]))
    assert [s.session_id for s in days.get(busiest)] == [
        s.session_id for s in sorted(by_day[busiest], key=lambda s: s.start)]
    assert len(made) == len(by_day[busiest])  # that day's sessions only
    days.get(busiest)
    assert len(made) == len(by_day[busiest])  # made once
    assert days.get(busiest - dt.timedelta(days=400)) == []
    first, last = dt.date(busiest.year, busiest.month, 1), busiest + dt.timedelta(days=20)
    assert days.count(first, last) == sum(first <= s.date <= last for s in own)
    assert DaySessions.of([]).first() is None and len(DaySessions.of(own)) == len(own)


def test_the_calendar_of_an_academie_makes_the_days_it_shows(qapp, tmp_path_factory, solved):
    sc, plan, _six, _pix = solved
    with window_on_plan(qapp, tmp_path_factory, "scope-views", sc, plan, ("academie", "16"), "calendar") as w:
        panel = w.tab("calendar").panel
        own = [s for s in plan.sessions if s.academie == "16"]
        assert len(panel.canvas.sessions) == len(own) and f"{len(own):,}".replace(",", "\u202f") in panel.title.text()
        assert panel.canvas.current == min(s.date for s in own)  # « Première session »
        panel.canvas.grab()  # painted: the month's days made, not the académie's
        shown = panel.canvas.sessions._days
        assert 0 < len(shown) <= 42
        made = sum(len(v) for v in shown.values())
        assert made < len(own) / 2
        month = panel.canvas.current
        n = sum(s.date.year == month.year and s.date.month == month.month for s in own)
        assert f"— {n:,} session".replace(",", "\u202f") in panel.period.text()


def test_a_prepared_index_has_its_tables(solved):
    """« Formateurs » first reads the plan's tables: a prepared index (made in the background) has them already."""
    _sc, plan, six, _pix = solved
    ready, lazy = PlanIndex(plan, six).prepare(), PlanIndex(plan, six)
    assert {"trainer_rows", "trainers_of_unit", "units"} <= set(ready.__dict__)
    assert "trainer_rows" not in lazy.__dict__
    assert ready.trainers_of_unit == lazy.trainers_of_unit and ready.units == lazy.units


def test_both_sessions_tables_sort_by_date_with_the_key_made_in_the_background(qapp, solved):
    """The first sort of « Sessions » and of a trainer's sessions (by date and start): one key per plan, made by the
    background lists of a plan (:func:`ui.document.index_lists`), not by each table on the window's thread."""
    from planner.text import hhmm_minutes
    from ui.document import index_lists
    from ui.models.sessions import SessionTableModel

    _sc, plan, six, _pix = solved
    pix = index_lists(PlanIndex(plan, six))
    assert ("sessions_date_key",) in pix._memo
    a, b = SessionTableModel(), SessionTableModel()
    a.set_plan(pix, six)
    b.set_plan(pix, six)
    key = a.sort_key(0)
    assert key is b.sort_key(0) is pix._memo[("sessions_date_key",)]
    ordered = [plan.sessions[i] for i in np.argsort(key, kind="stable").tolist()]
    when = [(s.date, hhmm_minutes(s.start)) for s in ordered]
    assert when == sorted(when) and len(set(when)) > 100
