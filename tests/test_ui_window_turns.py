"""What the window computes on its own thread when a plan or a scenario comes in (issue 16): the figures are
prepared in the background with the plan's index, and a new scenario refreshes the visible tab once."""
from __future__ import annotations

import pytest

from planner.plan_index import NATION, PlanIndex, ScenarioIndex, planned_academies
from planner.report import sessions_of, split_past
from solvers.api import solve
from tests.tiny import tiny_scenario


@pytest.fixture(scope="module")
def solved():
    sc = tiny_scenario()
    return sc, solve(sc, solver="greedy")


def test_background_preparation_computes_what_the_overview_and_the_status_show(qapp, solved):
    from ui.document import prepare_plan, unplaced_sessions
    from ui.tabs.overview import plan_card_figures

    sc, plan = solved
    six = ScenarioIndex(sc)
    pix = prepare_plan(plan, six, sc.settings)
    keys = set(pix._memo)
    assert ("planned_academies", six.serial) in keys and ("unplaced_sessions",) in keys
    assert any(k[0] == "overview_cards" and k[1] == NATION for k in keys if isinstance(k, tuple))
    # the memoised figures are those computed from scratch
    fresh = PlanIndex(plan, six)
    assert planned_academies(plan, six, pix) == planned_academies(plan, six) == ["16"]
    assert unplaced_sessions(pix) == sessions_of(split_past(plan.unplaced)[0])
    figures = plan_card_figures(pix, six, NATION)
    assert figures == plan_card_figures(fresh, six, NATION)
    assert figures["sessions"] == len(plan.sessions)
    assert figures["step1"] == sum(s.kind == "step1" for s in plan.sessions)
    assert figures["trainers"] == len({s.trainer_id for s in plan.sessions if s.trainer_id})


def test_a_new_scenario_refreshes_the_visible_tab_once(qapp, tmp_path_factory, solved):
    from .conftest import window_on_plan

    sc, plan = solved
    with window_on_plan(qapp, tmp_path_factory, "Planificateur IA tests tours", sc, plan) as w:
        tab = w.tab("overview")
        calls = []
        refresh = tab.refresh
        tab.refresh = lambda changes: (calls.append(changes), refresh(changes))
        # the tree is rebuilt and its selection (an académie) goes back to the nation: one refresh, not two
        w.doc.set_scenario(sc.model_copy(deep=True), None, plan)
        assert len(calls) == 1 and calls[0].scope and calls[0].plan
        assert w.scope == ("academie", "16")
        assert tab.cards["placed"].value.text().replace("\u202f", "") == str(len(plan.sessions))


def test_an_opened_scenario_s_first_tab_is_computed_where_it_is_read(qapp, tmp_path_factory, solved, tmp_path,
                                                                    monkeypatch):
    """Opening a file reads it in the background: the nation's overview (people, estimated headcounts, the
    report's sessions) comes computed with it, and the window's turn that shows it computes none of them."""
    from planner.demand import Demand
    from planner.store import ScenarioStore
    from ui.document import read_document
    from ui.tabs import overview

    from .conftest import window_on_plan

    sc, plan = solved
    path = tmp_path / "s.sqlite"
    ScenarioStore.create(path, sc)
    with ScenarioStore(path) as st:
        st.save_plan("courant", plan, {})
    read = read_document(str(path))
    expected = overview._estimated(read.six, NATION), read.six.demand.to_json()
    with window_on_plan(qapp, tmp_path_factory, "Planificateur IA tests ouverture", sc, plan, scope=NATION) as w:
        def computed(*_a):
            raise AssertionError("computed by the window's thread")

        monkeypatch.setattr(overview, "_estimated", computed)
        monkeypatch.setattr(overview, "scope_people", computed)
        monkeypatch.setattr(Demand, "to_json", computed)
        w.doc.install(read)
        w.select_scope(NATION)
        w.show_tab("overview")
        tab = w.tab("overview")
        assert tab.cards["people"].value.text() != "—"
        assert (read.six.memo(("overview_estimated", NATION), computed), read.six.memo(("demand_json",), computed)) \
            == expected


def test_opening_a_plan_without_recorded_statuses_does_not_walk_its_sessions(qapp, solved, tmp_path, monkeypatch):
    import dataclasses

    import planner.followup as followup
    from planner.store import ScenarioStore
    from ui.document import read_document

    sc, plan = solved
    held = dataclasses.replace(plan, sessions=[dataclasses.replace(s) for s in plan.sessions])
    held.sessions[0].status = "held"  # statuses live in their own table: the plan's parts never hold them
    path = tmp_path / "s.sqlite"
    ScenarioStore.create(path, sc)
    with ScenarioStore(path) as st:
        st.save_plan("courant", held, {})

    def walk(*_a):
        raise AssertionError("every session visited to set the statuses they already have")

    monkeypatch.setattr(followup, "apply_statuses", walk)
    read = read_document(str(path))
    assert read.plan is not None and {s.status for s in read.plan.sessions} == {"planned"}
    assert [s.session_id for s in read.plan.sessions] == [s.session_id for s in plan.sessions]


def test_the_unplaced_tab_counts_past_sessions_apart_and_lists_them_on_demand(qapp, tmp_path_factory, solved):
    """Sessions whose date was gone when planning started (the réunions de rentrée of a year planned from
    November) are no failure to fix: the tab's heading and its list give the sessions still to place, and says
    the past ones apart; a box lists them too."""
    from tests.conftest import window_on_plan

    sc, plan = solved
    plan = type(plan)(sessions=plan.sessions, trainers=plan.trainers, units=plan.units, report=dict(plan.report))
    units = [u for u in plan.units if u.unit_type in ("etablissement", "circonscription")][:3]
    assert len(units) == 3
    past = [{"unit_type": u.unit_type, "unit_id": u.unit_id, "academie": "16", "kind": "step6",
             "sessions": 2, "rule": "past", "reason": f"{u.name} : réunion de rentrée : la rentrée est passée"}
            for u in units[:2]]
    still = [{"unit_type": units[2].unit_type, "unit_id": units[2].unit_id, "academie": "16", "kind": "step2",
              "sessions": 3, "rule": "horizon", "reason": f"{units[2].name} : groupes de travail hors horizon"}]
    plan.report["unplaced"] = past + still
    with window_on_plan(qapp, tmp_path_factory, "Planificateur IA tests passées", sc, plan, scope=("nation", ""),
                        tab="unplaced") as w:
        tab = w.tab("unplaced")
        assert tab.model.rowCount() == 1 and tab.show_past.isVisibleTo(tab) and not tab.show_past.isChecked()
        text = tab.heading.text()
        assert "3 session(s) non planifiée(s) dans 1 unité(s)" in text
        assert "4 session(s) de 2 unité(s) dont la date était passée" in text
        assert tab.status_text().startswith("1 unités")
        tab.show_past.setChecked(True)
        assert tab.model.rowCount() == 3 and "listées ici aussi" in tab.heading.text()
        # sorted in Python by each column: the stable sort of the records by that column's value
        from PySide6.QtCore import Qt

        from ui.models import SORT_ROLE

        records = past + still
        for col in range(tab.model.columnCount()):
            for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
                tab.table.sortByColumn(col, order)
                got = [tab.model.row_dict(r) for r in range(tab.model.rowCount())]
                values = [tab.model.index(r, col).data(SORT_ROLE) for r in range(tab.model.rowCount())]
                assert values == sorted(values, reverse=order == Qt.SortOrder.DescendingOrder)
                assert sorted(map(id, got)) == sorted(map(id, records))
        tab.table.sortByColumn(2, Qt.SortOrder.DescendingOrder)  # sessions, most first: kept when the rows change
        tab.show_past.setChecked(False)
        tab.show_past.setChecked(True)
        assert [tab.model.row_dict(r)["sessions"] for r in range(3)] == [3, 2, 2]
        tab.go_to_unit(tab.model.index(0, 0))
        assert w.scope == (units[2].unit_type, units[2].unit_id)
        w.select_scope(("nation", ""))
        tab.show_past.setChecked(False)
        w.doc.set_plan(type(plan)(sessions=plan.sessions, trainers=plan.trainers, units=plan.units,
                                  report={**plan.report, "unplaced": still}))
        assert not tab.show_past.isVisibleTo(tab) and "À part" not in tab.heading.text()
