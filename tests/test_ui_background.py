"""Save, open and re-plan run off the window's thread; undo and redo bring back a plan with its index
(issue 16: nothing blocks the window). Offscreen, on the tiny scenario."""
from __future__ import annotations

import threading

import pytest
from PySide6.QtWidgets import QFileDialog

from planner.plan_index import NATION
from planner.scenario_io import save_scenario_json

from .conftest import tiny_window
from .tiny import tiny_scenario, uai


@pytest.fixture(scope="module")
def win(qapp, tmp_path_factory):
    from solvers.api import solve

    with tiny_window(qapp, tmp_path_factory, "Planificateur IA tests background") as w:
        w.doc.set_plan(solve(w.doc.snapshot(), solver="greedy", workers=1), "plan")
        yield w


@pytest.fixture(autouse=True)
def no_modal_file_dialog(monkeypatch):
    """A modal « Enregistrer sous » would wait for a click forever: a test that needs it patches it."""
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: pytest.fail("dialogue « Enregistrer sous » inattendu")))


def _in_a_file(w, qtbot, tmp_path_factory) -> None:
    """The window's document saved in a scenario file (the tests may run apart, on different workers:
    none relies on an earlier one having saved it)."""
    if not (w.doc.path or "").endswith(".sqlite"):
        op = w.files._save_to(str(tmp_path_factory.mktemp("saved") / "mini.sqlite"))
        qtbot.waitUntil(lambda: not op.isRunning() and (w.doc.path or "").endswith(".sqlite"), timeout=30_000)


def test_save_runs_in_the_background_and_an_edit_meanwhile_stays_unsaved(win, qtbot, tmp_path, monkeypatch):
    from planner import store

    w = win
    path = tmp_path / "mini.sqlite"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(path), "")))
    gate, threads = threading.Event(), []
    save_plan = store.ScenarioStore.save_plan

    def slow_save_plan(self, *a, **k):
        threads.append(threading.get_ident())
        assert gate.wait(30)
        return save_plan(self, *a, **k)

    monkeypatch.setattr(store.ScenarioStore, "save_plan", slow_save_plan)
    op = w.files.save_as()
    assert op.name == "save" and op.isRunning()
    assert w.busy_bar.isVisible()  # the status bar shows the work
    w.settings_panel.editors["group_size"].setValue(17)  # the window answers: an edit during the save
    gate.set()
    qtbot.waitUntil(lambda: not op.isRunning(), timeout=30_000)
    assert threads and threads[0] != threading.get_ident()
    assert w.doc.path == str(path.resolve()) and not w.busy_bar.isVisible()
    assert not w.undo_stack.isClean()  # the file holds the scenario as it was when « Enregistrer » was chosen
    from planner.store import ScenarioStore

    with ScenarioStore(path) as st:
        assert st.load_scenario().settings.group_size == 15
        assert len(st.load_plan("courant").sessions) == len(w.plan.sessions)
    w.act_undo.trigger()
    assert w.scenario.settings.group_size == 15


def test_a_save_of_the_same_plan_writes_the_scenario_only(win, qtbot, monkeypatch, tmp_path_factory):
    from planner import store

    w = win
    _in_a_file(w, qtbot, tmp_path_factory)
    calls = []
    save_plan = store.ScenarioStore.save_plan
    monkeypatch.setattr(store.ScenarioStore, "save_plan", lambda self, *a, **k: calls.append(1) or save_plan(self, *a, **k))
    for _ in range(2):  # the first one writes what changed since (the plan's « stale » flag), the second nothing
        calls.clear()
        op = w.files.save()
        qtbot.waitUntil(lambda: not op.isRunning(), timeout=30_000)
    assert calls == [] and w.undo_stack.isClean()


def test_open_reads_and_indexes_in_the_background(win, qtbot, monkeypatch, tmp_path_factory):
    from ui import document

    w = win
    _in_a_file(w, qtbot, tmp_path_factory)
    path = w.doc.path
    threads = []
    read = document.read_document
    monkeypatch.setattr(document, "read_document", lambda *a, **k: threads.append(threading.get_ident()) or read(*a, **k))
    n = len(w.plan.sessions)
    op = w.files.open_file(path)
    assert op.name == "open"
    qtbot.waitUntil(lambda: not op.isRunning(), timeout=30_000)
    # its success is delivered to the GUI thread by a queued signal: under load, a moment after the thread ends
    qtbot.waitUntil(lambda: w.plan is not None and len(w.plan.sessions) == n, timeout=30_000)
    assert threads and threads[0] != threading.get_ident()
    assert w.doc.path == path
    assert "date_ord" in w.doc.pix.__dict__  # the columns the window shows: indexed by the operation
    # then the lists, by a second operation started on the next turn of the event loop
    qtbot.waitUntil(lambda: "by_unit" in w.doc.pix.__dict__ and w.ops.find("index") is None, timeout=30_000)
    _title_rank_made(w.doc.pix)


def test_a_reopened_plan_is_shown_before_its_sessions_are_made_in_the_background(win, qtbot, monkeypatch,
                                                                                tmp_path_factory):
    """Opening a plan reads its stored columns (the window's index, the figures, the tables' row count); its
    session objects are made afterwards by the lists' operation, in its thread, with pauses for the window, and
    nothing the window shows meanwhile asks for them on its own thread."""
    from planner.plan import StoredPlan

    w = win
    _in_a_file(w, qtbot, tmp_path_factory)
    path = w.doc.path
    expected = list(w.plan.sessions)
    made: list = []
    real = StoredPlan.make_sessions

    gate, main = threading.Event(), threading.get_ident()

    def make_sessions(self, pause=None):
        made.append((threading.get_ident(), pause is not None, w.plan is self))
        if threading.get_ident() != main:
            gate.wait(30)  # held until the window has been looked at meanwhile
        return real(self, pause)

    monkeypatch.setattr(StoredPlan, "make_sessions", make_sessions)
    table = w.show_tab("sessions")  # the sessions table shown: its rows counted from the index
    op = w.files.open_file(path)
    qtbot.waitUntil(lambda: not op.isRunning() and w.doc.path == path and w.plan is not None
                    and isinstance(w.plan, StoredPlan), timeout=30_000)
    shown = w.plan
    assert not shown.sessions_made and made == []
    assert table.model.rowCount() == len(expected)
    assert table.model.cell(3, 0) == table.model.cell(3, 0) and not shown.sessions_made  # a row made alone
    assert f"{len(expected)}" in w.planning.plan_label().replace("\u202f", "").replace(" ", "")
    w.select_scope(("etablissement", uai(1)))  # a unit's page: its sessions from the index's columns
    follow = w.show_tab("followup")  # the follow-up waits for the sessions, saying so, and shows them once made
    assert not shown.sessions_made and made == []
    assert follow.model.rowCount() == 0 and "Lecture des" in follow.heading.text()
    w.unit_edits.slot_dialog = None
    qtbot.waitUntil(lambda: made != [], timeout=10_000)  # the background has begun making them
    # « Choisir les créneaux » meanwhile (twice): said, then one dialog opened, once the sessions are made
    from ui import unit_edits

    dialogs = []
    real_dialog = unit_edits.SlotChooserDialog
    monkeypatch.setattr(unit_edits, "SlotChooserDialog", lambda name, *a: dialogs.append(name) or real_dialog(name, *a))
    for k in (2, 1):
        assert w.unit_edits.choose_slots(("etablissement", uai(k))) is None and w.unit_edits.slot_dialog is None
    assert "Lecture des sessions" in w.last_message and not shown.sessions_made
    gate.set()
    qtbot.waitUntil(lambda: "by_unit" in w.doc.pix.__dict__ and w.ops.find("index") is None, timeout=30_000)
    qtbot.waitUntil(lambda: follow.model.rowCount() > 0 and "Lecture des" not in follow.heading.text(), timeout=10_000)
    qtbot.waitUntil(lambda: w.unit_edits.slot_dialog is not None, timeout=10_000)
    assert dialogs == [w.doc.six.name("etablissement", uai(1))]  # the last unit asked for, once
    w.unit_edits.slot_dialog.close()
    w.select_scope(NATION)
    assert made and made[0] == (made[0][0], True, True) and made[0][0] != threading.get_ident()
    assert all(ident != threading.get_ident() for ident, _p, _s in made)
    assert shown.sessions_made and shown.sessions == expected
    _title_rank_made(w.doc.pix)
    w.show_tab("overview")
    w.select_scope(NATION)


def test_undo_and_redo_of_a_pin_bring_back_each_plan_with_its_index(win, qtbot):
    w = win
    scope = ("etablissement", uai(1))
    w.select_scope(scope)
    cand = next(c for c in w.unit_edits._candidates(scope, None) if c.feasible)
    before, before_ix = w.plan, w.doc.pix
    op = w.unit_edits.pin_slot(scope, cand, cand.group)
    assert op.name == "replan"
    qtbot.waitUntil(lambda: w.plan is not before, timeout=30_000)
    after, after_ix = w.plan, w.doc.pix
    assert after_ix.plan is after and "date_ord" in after_ix.__dict__  # updated in the operation, not by the window
    assert any(s.pinned and s.date == cand.date for s in after.sessions_of_unit(*scope))
    w.act_undo.trigger()
    assert w.plan is before and w.doc.pix is before_ix and not w.scenario.pins
    w.act_redo.trigger()
    assert w.plan is after and w.doc.pix is after_ix and len(w.scenario.pins) == 1


def test_a_pin_shows_its_unit_then_the_nation_s_figures_follow_in_the_background(win, qtbot, monkeypatch):
    """The re-plan computes what any territory shows (the tree's totals); the nation's cards, budget and KPIs
    are computed by a second operation once the unit is shown, and equal those of the same plan indexed afresh.
    The unit's overview shows its own budget: the whole plan's is not computed on the window's thread for it."""
    from planner import budget as budget_module
    from planner.plan_index import PlanIndex
    from ui.document import budget_key, nation_teacher_kpis, plan_budget_of, totals_key
    from ui.tabs import budget as budget_tab
    from ui.tabs.overview import plan_card_figures

    w = win
    scope = ("etablissement", uai(2))
    w.select_scope(scope)
    w.show_tab("overview")
    budgets = []  # (thread, whole plan) of each budget computed
    real_budget = budget_module.plan_budget

    def plan_budget(plan, *a, **k):
        budgets.append((threading.get_ident(), k.get("index") is not None))
        return real_budget(plan, *a, **k)

    monkeypatch.setattr(budget_module, "plan_budget", plan_budget)
    monkeypatch.setattr(budget_tab, "plan_budget", plan_budget)
    cand = next(c for c in w.unit_edits._candidates(scope, None) if c.feasible)
    before = w.plan
    w.doc.pix.titles()  # the plan's titles ranked (a solve's end or an opening makes them): carried over by the pin
    started = []
    run = w.ops.run
    w.ops.run = lambda fn, **kw: started.append(kw.get("name")) or run(fn, **kw)
    try:
        w.unit_edits.pin_slot(scope, cand, cand.group)
        qtbot.waitUntil(lambda: w.plan is not before, timeout=30_000)
        pix = w.doc.pix
        assert totals_key(pix) in pix._memo  # made by the re-plan, before the plan was shown
        qtbot.waitUntil(lambda: "figures" in started and w.ops.find("figures") is None, timeout=30_000)
    finally:
        w.ops.run = run
    settings = w.scenario.settings
    whole = [ident for ident, of_plan in budgets if of_plan]
    assert whole and threading.get_ident() not in whole  # the nation's, in the background
    assert (threading.get_ident(), False) in budgets  # the unit's own, shown with it
    assert budget_key(settings) in pix._memo and ("teacher_kpis",) in pix._memo
    fresh = PlanIndex(w.plan, pix.six)
    assert pix._memo[budget_key(settings)] == plan_budget_of(fresh, settings)
    assert pix._memo[("teacher_kpis",)] == nation_teacher_kpis(fresh)
    cards = [v for k, v in pix._memo.items() if k[0] == "overview_cards" and k[1] == tuple(NATION)]
    assert cards and str(cards[0]) == str(plan_card_figures(fresh, fresh.six, NATION))
    _title_rank_made(pix)  # and the sort key of the titles, carried over
    from ui.models.tables import _heatmap

    made = [v for k, v in pix._memo.items() if k[:2] == ("heatmap", tuple(NATION))]  # and the nation's heat map
    weeks, values = _heatmap(fresh, NATION, fresh.six.children(NATION))
    assert made and made[0][0] == weeks and (made[0][1] == values).all()
    w.act_undo.trigger()


def _title_rank_made(pix) -> None:
    """The sort key of « Intitulé » was made in the background (or carried over), and ranks the plan's titles."""
    import numpy as np

    made = pix.__dict__.get("_memo", {}).get(("titles",))
    assert made is not None
    values, rank = made
    titles = [s.title for s in pix.plan.sessions]
    assert values[rank].tolist() == titles
    assert [titles[i] for i in np.argsort(rank, kind="stable")] == sorted(titles)


def test_the_timer_s_autosave_is_written_in_the_background(win, qtbot):
    import threading as th

    from planner import autosave as autosave_module

    w = win
    seen = []
    real = autosave_module.autosave
    w.settings_panel.editors["group_size"].setValue(16)  # something to autosave
    try:
        autosave_module.autosave = lambda *a, **k: seen.append(th.get_ident()) or real(*a, **k)
        op = w.files.autosave_in_background()
        qtbot.waitUntil(lambda: not op.isRunning(), timeout=30_000)
    finally:
        autosave_module.autosave = real
    assert op.result and seen and seen[0] != th.get_ident()
    w.act_undo.trigger()


def test_a_save_that_ends_after_another_file_was_opened_leaves_the_new_document_alone(win, qtbot, tmp_path,
                                                                                      monkeypatch):
    from planner import store

    w = win
    other = tmp_path / "autre.json"
    save_scenario_json(tiny_scenario(group_size=12), other)
    gate = threading.Event()
    save_scenario = store.save_scenario_file
    monkeypatch.setattr(store, "save_scenario_file", lambda *a, **k: gate.wait(30) and save_scenario(*a, **k))
    target = tmp_path / "lent.sqlite"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "")))
    op = w.files.save_as()
    opened = w.files.open_file(str(other))
    qtbot.waitUntil(lambda: not opened.isRunning(), timeout=30_000)
    assert w.scenario.settings.group_size == 12 and w.doc.path == str(other.resolve())
    gate.set()
    qtbot.waitUntil(lambda: not op.isRunning(), timeout=30_000)
    assert target.exists() and w.doc.path == str(other.resolve())  # the file written, the new document untouched


def test_a_french_error_in_the_background_is_one_line_on_the_console_and_a_fault_its_traceback(win, qtbot, capsys):
    """What the window says in French (a file that cannot be read) is one line on the console, not a traceback;
    a fault of the program keeps its traceback for whoever reports it. Both reach the failure callback."""
    from planner.store import StoreError

    w = win
    got = []

    def fails(exc):
        def run(progress, stop):
            raise exc
        return run

    for exc in (StoreError("/tmp/x.sqlite : plan « courant » illisible"), KeyError("bogue")):
        op = w.ops.run(fails(exc), name="test", failure=got.append)
        qtbot.waitUntil(lambda: not op.isRunning(), timeout=10_000)
    err = capsys.readouterr().err
    assert got == ["/tmp/x.sqlite : plan « courant » illisible", "'bogue'"]
    assert "Opération interrompue : /tmp/x.sqlite : plan « courant » illisible" in err
    assert err.count("Traceback") == 1 and "KeyError: 'bogue'" in err


def _encodings(monkeypatch) -> list:
    """The sessions a save encodes itself from now on (not found prepared), one entry per académie part."""
    from planner import store_codec

    made: list = []
    real = store_codec.session_part
    monkeypatch.setattr(store_codec, "session_part", lambda ss, *a, **k: made.append(len(ss)) or real(ss, *a, **k))
    from planner import store

    monkeypatch.setattr(store, "session_part", store_codec.session_part)
    return made


def test_a_solved_plan_is_made_ready_for_the_save_in_the_background(win, qtbot, tmp_path, monkeypatch):
    """After a solve, once the plan is shown, its parts of the scenario file are made in a background
    « saveprep »; « Enregistrer sous » then writes them as they are, and the file holds the plan shown."""
    from planner.store import ScenarioStore
    from planner.store_codec import GROUP_PREFIX, ORDER_PART, prepared_parts
    from ui import document

    w = win
    monkeypatch.setattr(document, "SAVE_PREP_DELAY_MS", 0)
    seen: list = []
    run = w.ops.run
    monkeypatch.setattr(w.ops, "run", lambda fn, **k: seen.append(k.get("name")) or run(fn, **k))
    w.planning.start_solve(None, show_dialog=False)
    qtbot.waitUntil(lambda: w.planning.solve_op is None, timeout=120_000)
    qtbot.waitUntil(lambda: "saveprep" in seen and w.ops.find("saveprep") is None, timeout=30_000)
    parts = prepared_parts(w.doc.pix).parts
    _title_rank_made(w.doc.pix)  # made by the solve's last step, before the plan was shown
    academies = {s.academie for s in w.plan.sessions}
    assert set(parts) == {GROUP_PREFIX + a for a in academies} | {ORDER_PART, "trainers", "units"}
    made = _encodings(monkeypatch)
    path = tmp_path / "prepared.sqlite"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(path), "")))
    op = w.files.save_as()
    qtbot.waitUntil(lambda: not op.isRunning(), timeout=30_000)
    assert made == []  # every académie written as prepared
    with ScenarioStore(path) as st:
        assert st.load_plan("courant").sessions == w.plan.sessions


def test_a_save_stops_the_preparation_and_makes_the_rest_itself(win, qtbot, tmp_path, monkeypatch):
    from planner import store_codec
    from planner.store import ScenarioStore
    from solvers.api import solve
    from ui import document

    w = win
    monkeypatch.setattr(document, "SAVE_PREP_DELAY_MS", 0)
    started, stopped = threading.Event(), []
    real = store_codec.prepare_plan_parts

    def gated(ix, stop, pause, same_as_index=None):  # waits for the save's stop, then runs as it does
        started.set()
        stopped.append(stop.wait(30))
        return real(ix, stop, pause, same_as_index)

    monkeypatch.setattr(store_codec, "prepare_plan_parts", gated)
    w.doc.set_plan(solve(w.doc.snapshot(), solver="greedy", workers=1), "plan")  # a new plan, not in a file
    document.prepare_save_later(w, w.doc, w.doc.plan)
    qtbot.waitUntil(started.is_set, timeout=10_000)
    prep = w.ops.find("saveprep")
    assert prep is not None
    made = _encodings(monkeypatch)
    op = w.files._save_to(str(tmp_path / "stopped.sqlite"))
    qtbot.waitUntil(lambda: not op.isRunning() and not prep.isRunning(), timeout=30_000)
    assert stopped == [True] and prep.cancelled
    assert len(made) == len({s.academie for s in w.plan.sessions})  # the save made every part itself
    with ScenarioStore(tmp_path / "stopped.sqlite") as st:
        assert st.load_plan("courant").sessions == w.plan.sessions
    started.clear()
    document.prepare_save_later(w, w.doc, w.doc.plan)  # the plan is in its file now: nothing to prepare
    qtbot.wait(100)
    assert not started.is_set() and w.ops.find("saveprep") is None


def test_a_reopened_plan_is_saved_elsewhere_with_the_bytes_of_its_file(win, qtbot, tmp_path, monkeypatch,
                                                                       tmp_path_factory):
    """« Enregistrer sous » a plan just opened: its parts are those of the file it came from, copied, not made."""
    from planner.store import ScenarioStore

    w = win
    _in_a_file(w, qtbot, tmp_path_factory)
    first = w.doc.path
    op = w.files.open_file(first)
    qtbot.waitUntil(lambda: not op.isRunning() and w.ops.find("index") is None, timeout=30_000)
    made = _encodings(monkeypatch)
    copy = tmp_path / "copy.sqlite"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(copy), "")))
    save = w.files.save_as()
    qtbot.waitUntil(lambda: not save.isRunning() and w.doc.path == str(copy.resolve()), timeout=30_000)
    assert made == []
    with ScenarioStore(first) as a, ScenarioStore(copy) as b:
        blobs = "SELECT part, data FROM plan_data WHERE name = 'courant' ORDER BY part"
        assert a.db.execute(blobs).fetchall() == b.db.execute(blobs).fetchall()
        assert b.load_plan("courant").sessions == a.load_plan("courant").sessions


def test_a_solve_shows_the_check_its_academies_had_in_the_workers(win, qtbot, monkeypatch):
    """A solve in the window has each académie checked in its worker, as the command line does: the plan shown is
    « vérifié » with the whole check's findings, and the window's thread did not check it again."""
    from collections import Counter

    from solvers.checker import check_plan
    from ui import planning

    w = win
    calls: list = []
    real = planning.run_check
    monkeypatch.setattr(planning, "run_check", lambda *a: calls.append(a) or real(*a))
    w.planning.start_solve(None, show_dialog=False)
    qtbot.waitUntil(lambda: w.planning.solve_op is None, timeout=120_000)
    assert calls == []
    state = w.doc.check_state()
    assert state is not None and state.plan is w.plan
    key = lambda f: (f.rule, f.message, f.severity)  # noqa: E731
    assert Counter(map(key, state.findings)) == Counter(map(key, check_plan(w.plan, w.scenario)))


def test_every_background_operation_of_the_window_has_a_french_label():
    """The status bar's busy bar names what runs (its tooltip): no operation's English name shown."""
    import re
    from pathlib import Path

    from ui.operations import LABELS

    ui = Path(__file__).resolve().parent.parent / "ui"
    names = set()
    for path in ui.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for call in re.finditer(r"ops\.run\(", text):
            names.update(re.findall(r'\bname="([a-z_]+)"', text[call.end():call.end() + 400])[:1])
    assert {"solve", "warm", "compact", "step"} <= names
    assert names <= set(LABELS), sorted(names - set(LABELS))


def test_the_slot_chooser_shows_the_unit_s_sessions_from_the_index_as_the_plan_has_them(win, monkeypatch):
    """« Choisir les créneaux » reads the unit's sessions from the plan's index (a national plan scanned whole: 40 ms
    on the window's thread), in the order the plan gives them."""
    from planner.plan import Plan
    from ui import unit_edits

    w = win
    scope = ("etablissement", uai(1))
    own = w.plan.sessions_of_unit(*scope)
    expected = [s for s in own if s.kind == "step1"] or own
    assert len(expected) > 1
    w.doc.pix.by_unit  # noqa: B018 - the index's lists, as the window makes them behind
    seen: list = []
    real = unit_edits.SlotChooserDialog
    monkeypatch.setattr(unit_edits, "SlotChooserDialog",
                        lambda name, current, *a: seen.append(list(current)) or real(name, current, *a))
    monkeypatch.setattr(Plan, "sessions_of_unit", lambda *a: pytest.fail("the whole plan scanned"))
    w.select_scope(scope)
    dlg = w.unit_edits.choose_slots(scope)
    assert dlg is not None and seen == [expected]
    dlg.close()
    w.select_scope(NATION)
