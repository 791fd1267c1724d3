"""« Annuler » and « Rétablir » never hold the window (issue 16): a step to a big plan that is not ready (its index
not kept, or its sessions kept compact) makes it ready in the background first, then happens; steps asked meanwhile
follow in order; an edit meanwhile drops them. Offscreen, on the tiny scenario, every plan counted as big."""
from __future__ import annotations

import threading

import pytest

from planner.plan import Plan, StoredPlan
from planner.store_codec import compact_plan

from .conftest import solve_in_window, tiny_window_fixture


win = tiny_window_fixture("Planificateur IA tests undo steps")


@pytest.fixture(autouse=True)
def _big_plans(win, qtbot, monkeypatch):
    """Every plan counts as big; no making ready or compaction of the window's own comes in unless a test asks."""
    from ui import document, planning, undo_steps

    monkeypatch.setattr(undo_steps, "STEP_IN_BACKGROUND", 0)
    monkeypatch.setattr(undo_steps, "PAINT_FIRST_S", 0.0)  # the making ready begins at once (but in the test of it)
    monkeypatch.setattr(planning, "WARM_DELAY_MS", 3_600_000)
    monkeypatch.setattr(document, "COMPACT_DELAY_MS", 3_600_000)
    yield
    qtbot.waitUntil(lambda: not win.ops.running and not win.steps.pending(), timeout=60_000)


def _solve(w, qtbot) -> Plan:
    plan = solve_in_window(w, qtbot)
    qtbot.waitUntil(lambda: not w.ops.running, timeout=60_000)  # its lists and the rest made behind
    return plan


def _forget_index(w, plan: Plan) -> None:
    w.doc._indexes = [ix for ix in w.doc._indexes if ix.plan is not plan]
    assert w.doc.kept_index(plan) is None


def _threads_of(monkeypatch) -> list[int]:
    """The threads that make a plan ready for a step (ui.undo_steps' make_ready)."""
    from ui import undo_steps

    seen: list[int] = []
    real = undo_steps.make_ready
    monkeypatch.setattr(undo_steps, "make_ready", lambda *a, **k: seen.append(threading.get_ident()) or real(*a, **k))
    return seen


def test_an_undo_to_a_plan_not_indexed_indexes_it_in_the_background_then_shows_it(win, qtbot, monkeypatch):
    w = win
    first = _solve(w, qtbot)
    second = _solve(w, qtbot)
    _forget_index(w, first)
    threads = _threads_of(monkeypatch)
    w.act_undo.trigger()
    assert w.plan is second and w.steps.pending()  # not yet: its index is being made
    assert w.ops.find("step") is not None and "Annuler / Rétablir" in w.busy_bar.toolTip()
    assert w.last_message == "Annuler : préparation du plan précédent…"  # said, then the undo's own message
    qtbot.waitUntil(lambda: w.plan is first, timeout=60_000)
    assert threads and threading.get_ident() not in threads  # made off the window's thread
    assert w.doc.pix.plan is first and "by_unit" in w.doc.pix.__dict__ and not w.steps.pending()
    assert w.last_message.startswith("Annulé : ")
    _forget_index(w, second)
    w.act_redo.trigger()  # the same way back
    assert w.plan is first
    qtbot.waitUntil(lambda: w.plan is second, timeout=60_000)
    assert len(threads) == 2 and threading.get_ident() not in threads


def test_an_undo_to_a_compact_plan_makes_its_sessions_in_the_background(win, qtbot, monkeypatch):
    w = win
    first = _solve(w, qtbot)
    _solve(w, qtbot)
    rows = [(s.session_id, s.date, s.start, s.trainer_id) for s in first.sessions]
    small = compact_plan(first)
    command = w.doc.undo_stack.command(w.doc.undo_stack.index() - 1)
    assert command.old is first
    command.old = small  # as the compaction leaves a plan two solves back
    _forget_index(w, first)
    made: list[int] = []
    real = StoredPlan.make_sessions
    monkeypatch.setattr(StoredPlan, "make_sessions", lambda self, pause=None: (
        self is small and not self.sessions_made and made.append(threading.get_ident())) or real(self, pause))
    w.act_undo.trigger()
    assert not small.sessions_made and w.steps.pending()
    qtbot.waitUntil(lambda: w.plan is small, timeout=60_000)
    assert made and threading.get_ident() not in made
    assert [(s.session_id, s.date, s.start, s.trainer_id) for s in w.plan.sessions] == rows
    assert w.doc.pix.plan is small and w.doc.pix.n == len(rows)


def test_steps_asked_in_a_row_happen_in_order_each_once_its_plan_is_ready(win, qtbot, monkeypatch):
    w = win
    a, b, c, d = (_solve(w, qtbot) for _ in range(4))
    st = w.doc.undo_stack
    w.act_undo.trigger()  # back to c (its index kept): at once, and a redo can be asked
    assert w.plan is c and not w.steps.pending()
    at = st.index()
    for p in (a, b):
        _forget_index(w, p)
    shown: list = []
    w.doc.changed.connect(lambda _ch: shown.append(w.doc.plan))
    threads = _threads_of(monkeypatch)
    for undo in (True, True, False, False):  # asked at once: two plans to make ready, then back
        (w.act_undo if undo else w.act_redo).trigger()
    assert w.plan is c and st.index() == at and list(w.steps.queue) == [True, True, False, False]
    qtbot.waitUntil(lambda: not w.steps.pending(), timeout=60_000)
    assert [p for p in shown if p in (a, b, c, d)] == [b, a, b, c]  # each shown in its turn
    assert st.index() == at and w.plan is c
    assert len(threads) == 2 and threading.get_ident() not in threads


def test_an_edit_while_an_undo_waits_drops_the_undo_and_says_so(win, qtbot, monkeypatch):
    w = win
    first = _solve(w, qtbot)
    second = _solve(w, qtbot)
    _forget_index(w, first)
    st = w.doc.undo_stack
    w.act_undo.trigger()
    assert w.steps.pending()
    step = w.ops.find("step")
    editor = w.settings_panel.editors["group_size"]
    editor.setValue(editor.value() + 1)  # an edit before the plan is ready: pushed on the plan shown
    assert not w.steps.pending() and "abandonné" in w.last_message
    edit = st.index()
    qtbot.waitUntil(lambda: not step.isRunning(), timeout=60_000)
    qtbot.wait(20)
    assert st.index() == edit and w.doc.plan is second  # the undo did not happen afterwards
    w.act_undo.trigger()  # the edit undone, at once: its plan is the one shown
    assert st.index() == edit - 1


def test_an_undo_while_the_window_makes_its_plan_ready_waits_for_that_work(win, qtbot, monkeypatch):
    from ui import document

    w = win
    first = _solve(w, qtbot)
    _solve(w, qtbot)
    _forget_index(w, first)
    names: list = []
    run = w.ops.run
    monkeypatch.setattr(w.ops, "run", lambda fn, **k: names.append(k.get("name")) or run(fn, **k))
    document.warm_neighbours(w, w.doc)  # the making ready an undo starts a second after it
    warm = w.ops.find("warm")
    assert warm is not None
    w.act_undo.trigger()
    assert w.steps.pending() and w.doc.plan_wanted.is_set()  # no pause in that work meanwhile
    qtbot.waitUntil(lambda: w.plan is first, timeout=60_000)
    assert "step" not in names and not w.doc.plan_wanted.is_set()  # the same work, not twice


def test_opening_a_file_while_an_undo_waits_drops_the_undo(win, qtbot, tmp_path):
    from .tiny import scenario_file_with_plan

    w = win
    first = _solve(w, qtbot)
    _solve(w, qtbot)
    _forget_index(w, first)
    w.act_undo.trigger()
    step = w.ops.find("step")
    assert w.steps.pending() and step is not None
    path = str(scenario_file_with_plan(tmp_path / "autre.sqlite").resolve())
    assert w.files.open_file(path) is not None
    assert not w.steps.pending() and step.cancelled  # its plan was about to go
    qtbot.waitUntil(lambda: w.ops.find("open") is None and not step.isRunning(), timeout=60_000)
    assert w.doc.path == path and w.doc.undo_stack.count() == 0 and w.plan is not first


def test_a_step_right_after_another_makes_its_plan_ready_once_the_window_has_painted(win, qtbot, monkeypatch):
    """The plan just shown is painted before the making ready of the next one takes turns with it for the
    interpreter lock: the operation begins once no widget of the window has painted for a while."""
    import time

    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QApplication, QProgressBar, QStatusBar, QWidget

    from ui import undo_steps
    from ui.widgets import AfterWindowPaint

    w = win
    a, b, _c = (_solve(w, qtbot) for _ in range(3))
    _forget_index(w, a)
    assert w.doc.kept_index(b) is not None
    monkeypatch.setattr(undo_steps, "PAINT_FIRST_S", 1.0)
    painted: list[float] = []
    started: list[float] = []

    class Paints(QObject):
        def eventFilter(self, obj, event):  # noqa: N802 - Qt API
            if (event.type() == QEvent.Type.Paint and isinstance(obj, QWidget) and QWidget.window(obj) is w
                    and obj is not w and not isinstance(obj, (QProgressBar, QStatusBar))):  # (a busy bar's)
                painted.append(time.monotonic())
            return False

    paints = Paints()
    QApplication.instance().installEventFilter(paints)
    run = w.ops.run
    monkeypatch.setattr(w.ops, "run", lambda fn, **k: (k.get("name") == "step" and started.append(time.monotonic()))
                        or run(fn, **k))
    try:
        asked = time.monotonic()
        w.act_undo.trigger()  # b: ready, shown at once
        w.act_undo.trigger()  # a: not ready, and b not painted yet
        assert w.plan is b and isinstance(w.steps.waiting, AfterWindowPaint) and w.ops.find("step") is None
        qtbot.waitUntil(lambda: w.plan is a, timeout=60_000)
    finally:
        QApplication.instance().removeEventFilter(paints)
    assert len(started) == 1
    before = [t for t in painted if t < started[0]]
    assert before, "b was painted before a was made ready"
    assert started[0] - before[-1] >= 0.05 or started[0] - asked >= 0.6  # quiet for a while, or at the latest


def test_a_row_clicked_in_the_history_is_reached_one_step_at_a_time_each_plan_made_ready_first(win, qtbot,
                                                                                                 monkeypatch):
    from PySide6.QtCore import Qt

    w = win
    a, b, c = (_solve(w, qtbot) for _ in range(3))
    st = w.doc.undo_stack
    top = st.index()
    for p in (a, b):
        _forget_index(w, p)
    threads = _threads_of(monkeypatch)
    view = w.history_view
    w.history_dock.show()
    w.history_dock.raise_()
    qtbot.waitUntil(view.isVisible, timeout=10_000)
    assert view.selectionModel().currentIndex().row() == top  # the history shows where the stack is
    row = view.model().index(top - 2, 0)
    view.scrollTo(row)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(row).center())
    assert w.plan is c and st.index() == top and list(w.steps.queue) == [True, True]  # not yet: b is made ready
    qtbot.waitUntil(lambda: w.plan is a and not w.steps.pending(), timeout=60_000)
    assert st.index() == top - 2 and view.selectionModel().currentIndex().row() == top - 2
    assert len(threads) == 2 and threading.get_ident() not in threads  # b, then a, each off the window's thread
    w.act_redo.trigger()  # the history follows the stack as it moves by other ways
    qtbot.waitUntil(lambda: st.index() == top - 1, timeout=60_000)
    assert view.selectionModel().currentIndex().row() == top - 1


def test_a_small_plan_is_undone_at_once_as_before(win, qtbot, monkeypatch):
    from ui import undo_steps

    w = win
    first = _solve(w, qtbot)
    _solve(w, qtbot)
    _forget_index(w, first)
    monkeypatch.setattr(undo_steps, "STEP_IN_BACKGROUND", first.session_count + 1)
    w.act_undo.trigger()
    assert w.plan is first and w.doc.pix.plan is first and not w.steps.pending()
