"""Plans only a deep undo brings back are kept as compressed columns (issue 16: a window solving a national plan
again and again held 100 to 170 MiB more at each solve, for as long as it was open): equal to the plan they
replace, made again when undone back to. Offscreen, on the tiny scenario."""
from __future__ import annotations

import dataclasses
import datetime as dt
import gc
import weakref

import pytest

from planner.plan import Plan, StoredPlan
from planner.store_codec import compact_plan

from .conftest import solve_in_window, tiny_window_fixture


def _rows(plan: Plan) -> list[tuple]:
    return [dataclasses.astuple(s) for s in plan.sessions]


win = tiny_window_fixture("Planificateur IA tests undo compact")


@pytest.fixture(autouse=True)
def _compaction_at_once(win, qtbot, monkeypatch):
    """The compaction begins as soon as a solve ends (no timer of a solve left to fire in a later step or test, where
    it would run whatever compaction that test put in place), and none is left running after a test."""
    from ui import document

    monkeypatch.setattr(document, "COMPACT_DELAY_MS", 0)
    yield
    for op in list(win.ops.running):
        if op.name in ("compact", "warm"):
            op.cancel()
    qtbot.waitUntil(lambda: not any(op.name in ("compact", "warm") for op in win.ops.running), timeout=30_000)


def _settled(w, qtbot) -> None:
    """The window's background work ended, what a solve just shown asked for included: its timers (the compaction's:
    at once here) fire in the next turns of the event loop, so those turns run before no operation is seen."""
    qtbot.wait(20)
    qtbot.waitUntil(lambda: not w.ops.running, timeout=60_000)


_solve = solve_in_window


def test_a_compact_plan_equals_its_plan_statuses_included_and_is_made_when_asked(win, qtbot):
    plan = _solve(win, qtbot)
    sessions = list(plan.sessions)
    sessions[0] = dataclasses.replace(sessions[0], status="held", present=12, held_date=sessions[0].date)
    sessions[1] = dataclasses.replace(sessions[1], status="cancelled")
    held = dataclasses.replace(plan, sessions=sessions)
    small = compact_plan(held)
    assert isinstance(small, StoredPlan) and small.compacted and not small.sessions_made
    assert small.session_count == len(sessions)
    assert small.trainers is held.trainers and small.units is held.units and small.report is held.report
    assert _rows(small) == _rows(held) and small == held  # asked for: made, statuses and all
    assert small.sessions_made and small.sessions[0].held_date == sessions[0].date
    assert small.sessions[0] is not sessions[0]  # its own sessions, not the plan's


def test_a_compact_plan_takes_the_parts_its_save_prepared(win, qtbot, monkeypatch):
    from planner import store_codec
    from planner.plan_index import PlanIndex

    plan = win.doc.plan or _solve(win, qtbot)
    ix = PlanIndex(plan, win.doc.six)
    ready = store_codec.prepare_plan_parts(ix).parts  # as the window's « saveprep » makes them
    encoded: list = []
    real = store_codec.session_part
    monkeypatch.setattr(store_codec, "session_part",
                        lambda rows, *a, **k: encoded.append(len(rows)) or real(rows, *a, **k))
    small = compact_plan(plan, ready=ready)
    assert encoded == []  # every académie's part taken as it was prepared
    assert _rows(small) == _rows(plan)
    partial = {k: v for k, v in ready.items() if k != store_codec.GROUP_PREFIX + "16"}
    small = compact_plan(plan, ready=partial)
    assert encoded == [sum(s.academie == "16" for s in plan.sessions)]  # the one missing, made
    assert _rows(small) == _rows(plan)


def test_a_far_plan_sharing_its_sessions_with_a_near_one_is_left_as_it_is(win, qtbot):
    from ui.document import compact_far_plans

    plan = win.doc.plan or _solve(win, qtbot)
    pinned = dataclasses.replace(plan, sessions=list(plan.sessions))  # a pin's plan: the same sessions, one moved
    pinned.sessions[0] = dataclasses.replace(pinned.sessions[0], date=pinned.sessions[0].date + dt.timedelta(days=1))
    other = dataclasses.replace(plan, sessions=[dataclasses.replace(s) for s in plan.sessions])  # another solve's
    pairs = compact_far_plans([pinned, other], [plan])
    assert [a for a, _b in pairs] == [other]
    assert not pairs[0][1].sessions_made and pairs[0][1] == other


def _plans_of(command) -> list[Plan]:
    return [v for v in vars(command).values() if isinstance(v, Plan)]


def test_a_plan_two_solves_back_is_compacted_and_made_again_before_its_undo(win, qtbot, monkeypatch):
    from ui import document
    from ui.commands import PlanCommand

    w = win
    seen: list = []
    run = w.ops.run
    monkeypatch.setattr(w.ops, "run", lambda fn, **k: seen.append(k.get("name")) or run(fn, **k))
    stack = w.doc.undo_stack
    first = _solve(w, qtbot)
    expected = _rows(first)
    ref = weakref.ref(first)
    _solve(w, qtbot)
    _settled(w, qtbot)
    # the plan before is what the next undo brings back: kept as it is (older ones, of the tests before, compacted)
    assert stack.command(stack.index() - 1).old is first and first.sessions_made
    seen.clear()
    shown = _solve(w, qtbot)
    qtbot.waitUntil(lambda: "compact" in seen and not w.ops.running, timeout=60_000)
    commands = [stack.command(i) for i in range(stack.count())]
    holding = [c for c in commands if isinstance(c, PlanCommand) and (c.old is first or c.new is first)]
    assert holding == []  # neither command of that plan holds it any more
    small = commands[-2].old
    assert commands[-3].new is small and isinstance(small, StoredPlan) and small.compacted_unmade()
    assert w.doc.kept_index(small) is None  # its index let go with it
    del first
    gc.collect()
    qtbot.waitUntil(lambda: ref() is None, timeout=10_000)  # the plan itself let go
    seen.clear()
    pauses: list = []
    real_make = StoredPlan.make_sessions
    monkeypatch.setattr(StoredPlan, "make_sessions", lambda self, pause=None: (
        self is small and pauses.append(pause)) or real_make(self, pause))
    stack.undo()  # one solve back: the next undo would bring the compact plan back, made again meanwhile
    qtbot.waitUntil(lambda: "warm" in seen and not w.ops.running, timeout=60_000)
    assert small.sessions_made and w.doc.kept_index(small) is not None
    pause = pauses[0]  # the background's pause between two slices of sessions…
    assert pause() is None
    w.doc.plan_wanted.set()  # …none while the window waits for that plan
    try:
        assert pause() is True
    finally:
        w.doc.plan_wanted.clear()
    kept = w.doc.kept_index(small)
    stack.undo()
    assert w.doc.plan is small and w.doc.pix is kept and _rows(small) == expected
    assert w.doc.pix.n == len(expected)
    # the plan the next redo brings back, its index let go (older than the three kept): made again in the background
    ahead = document.step_target(stack.command(stack.index()), undo=False)
    assert ahead is not small and ahead is not None
    w.doc._indexes = [ix for ix in w.doc._indexes if ix.plan is not ahead]
    seen.clear()
    document.warm_neighbours(w, w.doc)  # (or the undo's own, a second after it, on a slow machine)
    qtbot.waitUntil(lambda: "warm" in seen and w.doc.kept_index(ahead) is not None and not w.ops.running,
                    timeout=60_000)
    made = w.doc.kept_index(ahead)
    assert made is not None and "by_unit" in made.__dict__  # its lists made too: the redo only shows it
    stack.redo()
    assert w.doc.pix is made
    stack.redo()
    assert w.doc.plan is shown


def test_a_compact_plan_undone_to_at_once_is_made_then(win, qtbot, monkeypatch):
    from ui import planning

    w = win
    monkeypatch.setattr(planning, "warm_neighbours", lambda *a: None)  # no time to make it before the undo
    stack = w.doc.undo_stack
    a = _solve(w, qtbot)
    expected = _rows(a)
    _solve(w, qtbot)
    seen: list = []
    run = w.ops.run
    monkeypatch.setattr(w.ops, "run", lambda fn, **k: seen.append(k.get("name")) or run(fn, **k))
    _solve(w, qtbot)
    qtbot.waitUntil(lambda: "compact" in seen and not w.ops.running, timeout=60_000)
    target = stack.command(stack.index() - 2).old  # what two undos bring back
    assert target is not a and target.compacted_unmade()
    del a
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication

    pointer: list = []
    real_make = StoredPlan.make_sessions
    monkeypatch.setattr(StoredPlan, "make_sessions", lambda self, pause=None: pointer.append(
        QGuiApplication.overrideCursor() and QGuiApplication.overrideCursor().shape()) or real_make(self, pause))
    stack.undo()
    stack.undo()
    assert pointer == [Qt.CursorShape.WaitCursor] and QGuiApplication.overrideCursor() is None  # a wait said
    assert w.doc.plan is target and target.sessions_made and _rows(target) == expected
    assert w.doc.pix.plan is target and w.doc.pix.n == len(expected)


def test_opening_a_file_stops_the_compaction_quietly(win, qtbot, monkeypatch, tmp_path):
    import threading

    from ui import document
    from ui.operations import CANCELLED

    from .tiny import scenario_file_with_plan

    w = win
    _solve(w, qtbot)
    _solve(w, qtbot)
    _settled(w, qtbot)
    started = threading.Event()

    def endless(far, near, pause, indexes=()):  # a compaction that only ends when stopped
        assert far
        started.set()
        while True:
            pause()

    monkeypatch.setattr(document, "compact_far_plans", endless)
    installed: list = []
    monkeypatch.setattr(w.doc, "install_compacted", installed.append)
    _solve(w, qtbot)
    qtbot.waitUntil(started.is_set, timeout=30_000)
    compaction = w.ops.find("compact")
    path = str(scenario_file_with_plan(tmp_path / "autre.sqlite").resolve())
    assert w.files.open_file(path) is not None and compaction.cancelled
    qtbot.waitUntil(lambda: not compaction.isRunning() and w.ops.find("open") is None, timeout=30_000)
    assert compaction.error == CANCELLED and installed == [] and w.doc.path == path
    assert w.doc.undo_stack.count() == 0 and "Scénario ouvert" in w.last_message


def test_a_failed_opening_starts_the_stopped_compaction_again(win, qtbot, monkeypatch, tmp_path):
    """A file that cannot be opened leaves the window as it was: the compaction the opening stopped begins again,
    on the same plans."""
    from ui import document
    from ui.operations import CANCELLED

    w = win
    _solve(w, qtbot)
    _solve(w, qtbot)
    _settled(w, qtbot)
    runs: list[list[int]] = []

    def endless(far, near, pause, indexes=()):  # a compaction that only ends when stopped
        runs.append([id(p) for p in far])
        while True:
            pause()

    monkeypatch.setattr(document, "compact_far_plans", endless)
    _solve(w, qtbot)
    qtbot.waitUntil(lambda: len(runs) == 1, timeout=30_000)
    first = w.ops.find("compact")
    asked: list = []  # the compaction asked again (the solves' own timers call what it scheduled, not this)
    real = document.compact_undo_later
    monkeypatch.setattr(document, "compact_undo_later", lambda window, doc: (asked.append(doc), real(window, doc)))
    bad = tmp_path / "abime.sqlite"
    bad.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    shown = w.plan
    opening = w.files.open_file(str(bad))
    assert opening is not None and first.cancelled
    qtbot.waitUntil(lambda: opening not in w.ops.running and not first.isRunning(), timeout=30_000)
    assert first.error == CANCELLED and w.plan is shown and "Impossible d'ouvrir" in w.last_message
    w._last_box.close()
    assert asked == [w.doc]
    qtbot.waitUntil(lambda: len(runs) == 2, timeout=30_000)
    again = w.ops.find("compact")
    assert again is not None and again is not first and runs[1] == runs[0] and runs[0]
    again.cancel()
    qtbot.waitUntil(lambda: not again.isRunning(), timeout=30_000)


def test_a_failed_opening_makes_ready_again_what_the_next_undo_brings_back(win, qtbot, monkeypatch):
    """The making ready of the plan the next undo shows (stopped by an opening: ``warm``) starts again when the
    opening fails (:meth:`FileActions._resume_plan_work`)."""
    from ui import document, planning

    w = win
    monkeypatch.setattr(planning, "WARM_DELAY_MS", 3_600_000)  # no making ready after an undo but the one below
    stack = w.doc.undo_stack
    for _ in range(3):
        _solve(w, qtbot)
    # the plan two solves back compacted (its compaction begins once the last solve is shown)
    qtbot.waitUntil(lambda: isinstance(stack.command(stack.index() - 2).old, StoredPlan) and not w.ops.running,
                    timeout=60_000)
    stack.undo()
    small = document.step_target(stack.command(stack.index() - 1), undo=True)
    assert isinstance(small, StoredPlan) and small.compacted_unmade() and w.doc.kept_index(small) is None
    w.files._resume_plan_work({"warm"})
    assert w.ops.find("warm") is not None
    _settled(w, qtbot)
    assert small.sessions_made and w.doc.kept_index(small) is not None
