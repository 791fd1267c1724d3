"""Another scenario opened while the current plan's work runs in the background: that work stops (its check, its
lists), starts again if the opening fails, and the previous plan leaves memory with its document (issue 16: nothing
blocks the window; a national reopen used to keep the previous plan, 290 MiB, and wait 6 to 7 s for its check).
Offscreen, on the tiny scenario."""
from __future__ import annotations

import gc
import threading
import weakref

import pytest

from .conftest import tiny_window_fixture
from .tiny import scenario_file_with_plan, tiny_scenario


win = tiny_window_fixture("Planificateur IA tests document swap")


@pytest.fixture(scope="module")
def plan_file(tmp_path_factory):
    return str(scenario_file_with_plan(tmp_path_factory.mktemp("file") / "mini.sqlite").resolve())


@pytest.fixture
def no_cyclic_collector():
    """What is freed in the test is freed by reference counting (as the window freezes what is alive between its
    operations, the cyclic collector never frees a document it let go)."""
    was = gc.isenabled()
    gc.disable()
    yield
    if was:
        gc.enable()


def _open(w, qtbot, path: str) -> None:
    op = w.files.open_file(path)
    assert op is not None
    qtbot.waitUntil(lambda: w.ops.find("open") is None and w.doc.path == path, timeout=30_000)


def _quiet(w, qtbot) -> None:
    qtbot.waitUntil(lambda: not w.ops.running and not w.planning.check_timer.isActive(), timeout=60_000)


def test_an_ended_operation_is_freed_with_its_result_without_the_cyclic_collector(win, qtbot, no_cyclic_collector):
    w = win

    class Result:
        pass

    made: list = []
    got: list = []
    op = w.ops.run(lambda progress, stop: made.append(Result()) or made[-1], name="test",
                   success=lambda res: got.append(type(res).__name__), progress=lambda p: None)
    qtbot.waitUntil(lambda: w.ops.find("test") is None, timeout=10_000)
    assert got == ["Result"] and op.result is made[0]
    result, ended = weakref.ref(made.pop()), weakref.ref(op)
    del op
    assert ended() is None and result() is None


def test_a_territory_tree_is_freed_without_the_cyclic_collector(win, no_cyclic_collector):
    from ui.models.territory import territory_tree

    root, nodes, _types = territory_tree(win.doc.six)
    leaf = next(n for (kind, _uid), n in nodes.items() if kind == "etablissement")
    assert leaf.parent.parent is not None and leaf in leaf.parent.children  # the tree reads up and down
    ref = weakref.ref(leaf)
    del root, nodes, leaf
    assert ref() is None


def test_reopening_lets_the_previous_plan_go(win, qtbot, plan_file, no_cyclic_collector):
    w = win
    _open(w, qtbot, plan_file)
    _quiet(w, qtbot)
    first, index = weakref.ref(w.plan), weakref.ref(w.doc.pix)
    assert first() is not None
    _open(w, qtbot, plan_file)
    _quiet(w, qtbot)
    assert w.plan is not None and w.plan is not first()
    assert first() is None and index() is None


def _held_check(monkeypatch):
    """The check's first rule held until the returned event is set; the list receives the thread it ran in."""
    from solvers.checker import _Checker

    gate, ran = threading.Event(), []
    real = _Checker.check_sessions

    def check_sessions(self):
        ran.append(threading.get_ident())
        assert gate.wait(30)
        return real(self)

    monkeypatch.setattr(_Checker, "check_sessions", check_sessions)
    return gate, ran


def _checking(w, qtbot, plan_file: str, monkeypatch):
    """The file opened, then its plan's check running, held in its first rule: (the event that lets it go on, the
    check's operation)."""
    _open(w, qtbot, plan_file)
    _quiet(w, qtbot)
    gate, ran = _held_check(monkeypatch)
    check = w.planning.check(show=False)
    qtbot.waitUntil(lambda: ran != [], timeout=10_000)
    return gate, check


def test_opening_a_file_stops_the_current_plan_s_check_quietly(win, qtbot, plan_file, monkeypatch):
    from ui.operations import CANCELLED

    w = win
    gate, check = _checking(w, qtbot, plan_file, monkeypatch)
    shown = w.plan
    opening = w.files.open_file(plan_file)
    assert check.cancelled and opening is not None  # stopped at once: its end waits for the rule it is in
    gate.set()
    qtbot.waitUntil(lambda: not check.isRunning() and w.ops.find("open") is None, timeout=30_000)
    assert check.error == CANCELLED and w.planning.check_op is None
    assert w.plan is not shown and w.doc.path == plan_file
    assert "Vérification impossible" not in w.last_message and "Scénario ouvert" in w.last_message
    _quiet(w, qtbot)


def test_a_failed_opening_starts_the_stopped_check_and_lists_again(win, qtbot, plan_file, tmp_path, monkeypatch):
    """The check waiting for the lists and the lists themselves stopped by an opening that fails, then both again."""
    from planner.plan import StoredPlan

    w = win
    _open(w, qtbot, plan_file)
    # the lists of the plan just read held before they begin, the check held in its first rule
    lists_gate = threading.Event()
    real_make = StoredPlan.make_sessions
    monkeypatch.setattr(StoredPlan, "make_sessions", lambda self, pause=None: (
        threading.current_thread() is threading.main_thread() or lists_gate.wait(30)) and real_make(self, pause))
    qtbot.waitUntil(lambda: w.ops.find("index") is not None, timeout=10_000)
    # a check asked meanwhile waits for the lists: it reads the sessions they make (side by side, both took turns
    # for the interpreter, and the lists, which a pin waits for, ended later)
    assert w.planning.check(show=False) is None and w.planning.check_op is None
    assert w.planning.check_timer.isActive()
    bad = tmp_path / "abime.sqlite"
    bad.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    monkeypatch.setattr(w.planning, "auto_check", True)
    shown = w.plan
    opening = w.files.open_file(str(bad))
    assert w.ops.find("index").cancelled and not w.planning.check_timer.isActive()
    lists_gate.set()
    qtbot.waitUntil(lambda: opening not in w.ops.running, timeout=30_000)
    assert w.plan is shown and "Impossible d'ouvrir" in w.last_message
    w._last_box.close()
    # the plan shown gets its lists and its check again, then both are there
    qtbot.waitUntil(lambda: "by_unit" in w.doc.pix.__dict__ and w.ops.find("index") is None, timeout=30_000)
    qtbot.waitUntil(lambda: w.doc.verified, timeout=60_000)
    assert shown.sessions_made and w.plan is shown
    assert "Vérification indépendante" in w.last_message


def test_new_scenario_reads_the_reference_in_the_background_and_stops_the_check(win, qtbot, plan_file, monkeypatch):
    from planner.sources.reference import REFERENCE_NAME

    w = win
    gate, check = _checking(w, qtbot, plan_file, monkeypatch)
    monkeypatch.setattr(w.files, "confirm_discard", lambda: True)
    op = w.files.new_scenario()
    assert op is not None and op.name == "open" and check.cancelled
    assert w.doc.path == plan_file  # the file's scenario is shown until the reference is read
    gate.set()
    qtbot.waitUntil(lambda: w.ops.find("open") is None and w.scenario.name == REFERENCE_NAME, timeout=120_000)
    assert w.doc.path is None and w.plan is None
    _quiet(w, qtbot)


def _tiny_plan_and_index():
    from planner.plan_index import PlanIndex, ScenarioIndex
    from solvers.api import solve

    sc = tiny_scenario()
    plan = solve(sc, solver="greedy", time_limit=5, workers=1)
    return plan, PlanIndex(plan, ScenarioIndex(sc)).prepare()


def test_a_plan_let_go_is_freed_by_the_background_a_slice_at_a_time(monkeypatch):
    import sys

    from ui import document

    plan, ix = _tiny_plan_and_index()
    probes = [plan.sessions[0], plan.sessions[-1]]
    alone = [sys.getrefcount(p) for p in probes]  # the plan's lists and the index's tables hold them
    monkeypatch.setattr(document, "RELEASE_SLICE", 3)
    monkeypatch.setattr(document, "RELEASE_DELAY_S", 0.0)  # what it waits for below is the plan
    thread = document.release_in_background([plan, ix])
    thread.join(0.3)
    assert thread.is_alive()  # it waits while the plan and its index are held
    assert [sys.getrefcount(p) for p in probes] == [n + 1 for n in alone]  # and holds the sessions itself
    del plan, ix
    thread.join(30)
    assert not thread.is_alive()
    # held by the list ``probes`` alone (the loop's name and the call's argument apart): freed with it
    assert [sys.getrefcount(p) for p in probes] == [3, 3]


def test_a_table_held_elsewhere_is_left_as_it_is(monkeypatch):
    from ui import document

    plan, ix = _tiny_plan_and_index()
    by_unit = ix.by_unit
    before = {k: list(v) for k, v in by_unit.items()}
    monkeypatch.setattr(document, "RELEASE_SLICE", 2)
    monkeypatch.setattr(document, "RELEASE_DELAY_S", 0.0)
    thread = document.release_in_background([plan, ix])
    del plan, ix
    thread.join(30)
    assert not thread.is_alive() and by_unit == before


def test_a_plan_read_from_a_file_whose_sessions_were_never_made_is_not_made_to_be_freed(plan_file):
    from planner.store import ScenarioStore
    from ui import document

    with ScenarioStore(plan_file, create=False) as st:
        plan = st.load_plan("courant", {}, later=True)
    assert not plan.sessions_made
    assert document.release_in_background([plan]) is None and not plan.sessions_made


def test_another_scenario_hands_the_previous_plans_to_the_background(win, qtbot, plan_file, monkeypatch):
    from ui import document

    w = win
    _open(w, qtbot, plan_file)
    _quiet(w, qtbot)
    held = {id(p) for p in w.doc.plans_held()}
    assert id(w.plan) in held
    given = []
    real = document.release_in_background
    monkeypatch.setattr(document, "release_in_background", lambda gone: given.append(list(gone)) or real(gone))
    pix, six = w.doc.pix, w.doc.six
    _open(w, qtbot, plan_file)
    assert len(given) == 1
    assert {id(x) for x in given[0]} == held | {id(pix), id(six)}
    _quiet(w, qtbot)


def test_the_oldest_index_an_edit_lets_go_is_freed_in_the_background(win, qtbot, monkeypatch):
    import dataclasses

    from planner.plan_index import PlanIndex
    from ui import document

    w = win
    base, _ix = _tiny_plan_and_index()
    given = []
    real = document.release_in_background
    monkeypatch.setattr(document, "release_in_background", lambda gone: given.append(list(gone)) or real(gone))
    shown = list(w.doc._indexes)
    for _ in range(document.MAX_INDEXES + 1):  # as many plans as pins or solves would make
        w.doc.set_plan(dataclasses.replace(base), "plan")
        shown.append(w.doc.pix)
    dropped = [x for gone in given for x in gone]
    assert [id(x) for x in dropped] == [id(x) for x in shown[:-document.MAX_INDEXES]]  # the oldest, once each
    assert dropped and all(isinstance(x, PlanIndex) for x in dropped)
    assert [id(x) for x in w.doc._indexes] == [id(x) for x in shown[-document.MAX_INDEXES:]]
    _quiet(w, qtbot)
