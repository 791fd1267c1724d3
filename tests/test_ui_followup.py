"""The window's « Suivi » tab: mark one or many sessions held or cancelled, up to a date, undo."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from planner import followup as fu
from ui import fmt
from planner.store import ScenarioStore

from .conftest import open_window, sqlite_dump
from .tiny import scenario_file_with_plan

TODAY = dt.date(2026, 12, 1)


@pytest.fixture(scope="module")
def win(qapp, tmp_path_factory):
    path = scenario_file_with_plan(tmp_path_factory.mktemp("suivi") / "mini.sqlite")
    with open_window(qapp, tmp_path_factory, "Planificateur IA tests suivi", path) as w:
        yield w, path


def test_mark_selected_then_until_a_date_then_undo(win, qtbot):
    from PySide6.QtCore import QItemSelectionModel

    from ui.changes import Changes

    w, path = win
    tab = w.tab("followup")
    tab.today = TODAY
    w.tabs.setCurrentWidget(tab)
    tab.refresh(Changes.everything())
    assert tab.model.rowCount() > 5
    before = sqlite_dump(path)
    tab.table.sortByColumn(3, tab.table.horizontalHeader().sortIndicatorOrder().AscendingOrder)
    sel = tab.table.selectionModel()
    for r in (0, 1):
        sel.select(tab.proxy.index(r, 0), QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows)
    chosen = {s.session_id for s in tab.selected()}
    assert len(chosen) == 2
    tab.mark_held()
    with ScenarioStore(path) as st:
        assert {k for k, v in fu.load_statuses(st).items() if v.status == "held"} == chosen
    assert all(s.status == "held" for s in w.doc.plan.sessions if s.session_id in chosen)
    n = tab.mark_held_until(dt.date(2026, 9, 30))
    with ScenarioStore(path) as st:
        held = {k for k, v in fu.load_statuses(st).items() if v.status == "held"}
    assert n > 0 and held >= chosen and all(
        s.date <= dt.date(2026, 9, 30) for s in w.doc.plan.sessions if s.session_id in held)
    assert "tenues" in tab.heading.text()
    assert re.search(r"\(\d+,\d\u202f%\)", tab.heading.text()), tab.heading.text()  # the share as French writes it
    # the curves count teachers only, the heading every person: the legend says which, and how many
    teachers = sum(s.participants for s in w.doc.plan.sessions if s.kind == "step1" and s.audience.startswith("teachers"))
    people = sum(s.participants for s in w.doc.plan.sessions if s.kind == "step1")
    assert tab.chart.total == teachers < people
    assert f"enseignants formés en cumul, sur {fmt.num(teachers)} à former" in tab.legend.text()
    assert f"sur {fmt.num(people)} (" in tab.heading.text()
    w.doc.undo_stack.undo()
    w.doc.undo_stack.undo()
    assert sqlite_dump(path) == before  # the file's data back byte for byte
    assert all(s.status == "planned" for s in w.doc.plan.sessions)


def test_future_sessions_cannot_be_marked_held(win):
    from ui.changes import Changes

    w, path = win
    tab = w.tab("followup")
    tab.today = dt.date(2026, 9, 1)
    w.tabs.setCurrentWidget(tab)  # the tab may not have been shown yet (tests of this module run apart)
    tab.refresh(Changes.everything())
    future = [s for s in tab.model.rows if s.date > tab.today][:1]
    assert future
    refused = tab.mark_held(future)
    assert refused and "pas encore passé" in refused[0]
    with ScenarioStore(path) as st:
        assert future[0].session_id not in fu.load_statuses(st)
    tab.mark_cancelled(future)
    with ScenarioStore(path) as st:
        assert fu.load_statuses(st)[future[0].session_id].status == "cancelled"
    w.doc.undo_stack.undo()


def test_trainings_of_trainers_read_as_the_academie_and_their_kind_whole(win):
    """A training of trainers is the académie's: the « Unité » column names it (not its code), and its kind
    fits its column (« Form. formateurs », not elided)."""
    from PySide6.QtCore import Qt

    from ui.changes import Changes
    from ui.tabs.followup import COLUMNS

    w, _path = win
    tab = w.tab("followup")
    w.tabs.setCurrentWidget(tab)
    tab.refresh(Changes.everything())
    cols = [key for key, _label, _width in COLUMNS]
    unit_col, kind_col = cols.index("unit"), cols.index("kind")
    tot = [r for r in range(tab.model.rowCount()) if tab.model.rows[r].kind == "tot"]
    assert tot
    name = tab.model.index(tot[0], unit_col).data(Qt.ItemDataRole.DisplayRole)
    assert name == w.doc.six.name("academie", tab.model.rows[tot[0]].academie) and name.startswith("Académie")
    kind = tab.model.index(tot[0], kind_col).data(Qt.ItemDataRole.DisplayRole)
    assert tab.table.fontMetrics().horizontalAdvance(kind) + 8 <= tab.table.columnWidth(kind_col)


def test_the_table_sorts_and_filters_as_a_stable_sort_of_the_rows_would(win):
    """The follow-up's rows are sorted and filtered in Python, not by a Qt proxy asking two cells per comparison:
    each column's order is the stable sort of the rows by that cell's value."""
    from PySide6.QtCore import Qt

    from ui.changes import Changes
    from ui.tabs.followup import COLUMNS, _sort_value

    w, _path = win
    tab = w.tab("followup")
    tab.today = TODAY
    w.tabs.setCurrentWidget(tab)
    tab.refresh(Changes.everything())
    m, proxy = tab.model, tab.proxy
    n = m.rowCount()
    assert n > 5 and proxy.rowCount() == n
    keys = [k for k, _, _ in COLUMNS]
    for col in (keys.index("date"), keys.index("unit"), keys.index("present"), keys.index("session_id")):
        for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
            tab.table.sortByColumn(col, order)
            got = [proxy.mapToSource(proxy.index(r, 0)).row() for r in range(proxy.rowCount())]
            value = [_sort_value(m.value(s, keys[col])) for s in m.rows]
            assert got == sorted(range(n), key=value.__getitem__, reverse=order == Qt.SortOrder.DescendingOrder)
            # a cell reads through to its row, and back
            r = proxy.rowCount() // 2
            assert proxy.index(r, 2).data() == m.index(got[r], 2).data()
            assert proxy.mapFromSource(m.index(got[r], 1)).row() == r
    tab.table.sortByColumn(keys.index("date"), Qt.SortOrder.AscendingOrder)
    for mode, keep in (("late", lambda s: s.status == "planned" and s.date < TODAY),
                       ("planned", lambda s: s.status == "planned"), ("held", lambda s: s.status == "held")):
        tab.filter.setCurrentIndex(tab.filter.findData(mode))
        shown = [m.rows[proxy.mapToSource(proxy.index(r, 0)).row()] for r in range(proxy.rowCount())]
        assert shown == sorted((s for s in m.rows if keep(s)), key=lambda s: s.date)
    assert proxy.rowCount() < n
    tab.filter.setCurrentIndex(tab.filter.findData("all"))
    assert proxy.rowCount() == n


def test_a_large_territory_s_summary_is_counted_behind_the_window(win, qtbot, monkeypatch):
    """Beyond SUMMARY_IN_BACKGROUND rows (the nation's 77,000), the heading's figures and the curves are counted in
    the background: the same text as counted at once, and never that of a territory left meanwhile."""
    from ui.changes import Changes
    from ui.tabs import followup as tab_module

    w, _path = win
    monkeypatch.setattr(w.planning, "auto_check", False)  # no check of its own refreshing the tab meanwhile
    w.planning.check_timer.stop()
    qtbot.waitUntil(lambda: not w.ops.running, timeout=60_000)
    tab = w.tab("followup")
    tab.today = TODAY
    w.tabs.setCurrentWidget(tab)
    tab.refresh(Changes.everything())
    at_once = (tab.heading.text(), tab.legend.text(), tab.chart.total)
    monkeypatch.setattr(tab_module, "SUMMARY_IN_BACKGROUND", 0)
    tab.refresh(Changes.everything())
    assert "décompte du suivi" in tab.heading.text()  # the rows are there, the figures follow
    assert tab.model.rowCount() > 5
    assert tab.chart.total == 0 and tab.chart.empty_text.startswith("Décompte") and not tab.legend.text()
    qtbot.waitUntil(lambda: "décompte" not in tab.heading.text(), timeout=30_000)  # begun once the table painted
    assert (tab.heading.text(), tab.legend.text(), tab.chart.total) == at_once
    # statuses read again meanwhile: the older count is not shown, the newer one is
    tab.refresh(Changes.everything())
    tab._version += 1
    qtbot.wait(400)  # past the start (after the table's paint, 0.2 s at the latest)
    qtbot.waitUntil(lambda: not w.ops.find("followup"), timeout=30_000)
    assert "décompte du suivi" in tab.heading.text()
    tab.refresh(Changes.everything())
    qtbot.waitUntil(lambda: "décompte" not in tab.heading.text(), timeout=30_000)
    assert tab.heading.text() == at_once[0]
