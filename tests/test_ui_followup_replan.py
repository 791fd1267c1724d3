"""The window's « Planifier » once sessions are recorded: it keeps the held sessions exactly and re-plans
the rest from plan_from (solvers.followup_plan, as ``solve --scenario FILE``), stores the plan as the
scenario file's current plan, shows it with its statuses, and undo puts the file back."""
from __future__ import annotations

import datetime as dt

import pytest

from planner import followup as fu
from planner.store import ScenarioStore

from .conftest import open_window
from .tiny import scenario_file_with_plan, tiny_scenario

TODAY = dt.date(2026, 11, 30)
PLAN_FROM = dt.date(2026, 12, 1)


@pytest.fixture(scope="module")
def win(qapp, tmp_path_factory):
    path = scenario_file_with_plan(tmp_path_factory.mktemp("replan") / "mini.sqlite")
    with open_window(qapp, tmp_path_factory, "Planificateur IA tests replanification", path, time_limit=5) as w:
        yield w, path


def _key(s):
    return (s.date, s.start, s.end, s.trainer_id)


def _record_first_half(w) -> tuple:
    """The « Suivi » tab marks the first half of step 1 held; (the tab, step 1 in date order)."""
    from ui.changes import Changes

    tab = w.tab("followup")
    tab.today = TODAY
    w.tabs.setCurrentWidget(tab)
    tab.refresh(Changes.everything())
    step1 = sorted((s for s in w.doc.plan.sessions if s.kind == "step1"), key=lambda s: (s.date, s.start, s.session_id))
    assert tab.mark_held_until(step1[len(step1) // 2].date) > 0
    return tab, step1


def test_planifier_keeps_held_sessions_and_replans_the_rest_from_plan_from(win, qtbot):
    w, path = win
    tab, step1 = _record_first_half(w)
    held = {s.session_id: _key(s) for s in w.doc.plan.sessions if s.status == "held"}
    assert held and any(s.kind == "step1" for s in w.doc.plan.sessions if s.session_id in held)
    to_cancel = [s for s in step1 if s.status == "planned"][:2]
    tab.mark_cancelled(to_cancel)
    cancelled = {s.session_id for s in to_cancel}
    assert {s.session_id for s in w.doc.plan.sessions if s.status == "cancelled"} == cancelled
    w.request_setting("plan_from", PLAN_FROM)
    assert w.doc.scenario.settings.plan_from == PLAN_FROM
    old_plan, depth = w.doc.plan, w.doc.undo_stack.count()
    with ScenarioStore(path) as st:
        old_file = {x.session_id: _key(x) for x in st.load_plan(fu.CURRENT_PLAN).sessions}

    op = w.planning.start_solve(None, show_dialog=False)
    assert op is not None
    qtbot.waitUntil(lambda: w.planning.solve_op is None, timeout=120_000)

    plan = w.doc.plan
    assert plan is not old_plan and w.doc.undo_stack.count() == depth + 1
    by_id = {s.session_id: s for s in plan.sessions}
    for sid, k in held.items():  # held sessions unchanged: date, time, trainer; still shown held
        assert _key(by_id[sid]) == k and by_id[sid].status == "held"
    assert "Replanification du reste de l'année" in w.doc.undo_stack.undoText()
    assert all(s.date >= PLAN_FROM for s in plan.sessions if s.status != "held")  # nothing new before plan_from
    assert any(s.date < PLAN_FROM for s in plan.sessions)  # (the held ones are still in the year)
    for sid in cancelled:  # re-placed after plan_from, back to planned (plan shown and file)
        assert by_id[sid].date >= PLAN_FROM and by_id[sid].status == "planned"
    assert plan.report["followup"]["cancelled_replaced"] == len(cancelled)
    with ScenarioStore(path) as st:  # the file's current plan is the plan shown, with its statuses
        stored = {x.session_id: _key(x) for x in st.load_plan(fu.CURRENT_PLAN).sessions}
        statuses = fu.load_statuses(st)
    assert stored == {s.session_id: _key(s) for s in plan.sessions}
    assert {k for k, v in statuses.items() if v.status == "held"} >= set(held)
    assert not any(v.status == "cancelled" for v in statuses.values())
    # the Suivi tab shows the new plan and its statuses
    w.tabs.setCurrentWidget(tab)
    w.refresh_current()
    rows = {s.session_id: s for s in tab.model.rows}
    assert all(rows[sid] is by_id[sid] for sid in rows)
    assert {sid for sid, s in rows.items() if s.status == "held"} >= {sid for sid in held if sid in rows}
    assert all(rows[sid].date >= PLAN_FROM for sid in cancelled)

    w.doc.undo_stack.undo()  # the previous plan, in the window and in the file, cancellations included
    assert w.doc.plan is old_plan
    with ScenarioStore(path) as st:
        assert {x.session_id: _key(x) for x in st.load_plan(fu.CURRENT_PLAN).sessions} == old_file
        assert {k for k, v in fu.load_statuses(st).items() if v.status == "cancelled"} == cancelled
    assert {s.session_id for s in w.doc.plan.sessions if s.status == "cancelled"} == cancelled
    w.doc.undo_stack.redo()
    assert all(_key({s.session_id: s for s in w.doc.plan.sessions}[sid]) == k for sid, k in held.items())
    with ScenarioStore(path) as st:
        assert not any(v.status == "cancelled" for v in fu.load_statuses(st).values())


def test_planifier_from_scratch_then_record_then_replan(qapp, qtbot, tmp_path):
    """Nothing recorded yet: « Planifier » is a plain solve. Recording in « Suivi » a plan not saved yet
    makes it the file's current plan first, so that the next « Planifier » keeps what was held."""
    from ui.changes import Changes
    from ui.main_window import MainWindow

    path = tmp_path / "vide.sqlite"
    ScenarioStore.create(path, tiny_scenario())
    w = MainWindow(str(path))
    try:
        w.time_limit.setValue(5)
        assert w.doc.plan is None
        w.planning.start_solve(None, show_dialog=False)
        qtbot.waitUntil(lambda: w.planning.solve_op is None, timeout=120_000)
        assert w.doc.plan is not None and "followup" not in w.doc.plan.report
        assert "Planification" in w.doc.undo_stack.undoText()
        with ScenarioStore(path) as st:
            assert not fu.has_current_plan(st)  # not saved (Ctrl+S) yet
        tab = w.tab("followup")
        tab.today = TODAY
        w.tabs.setCurrentWidget(tab)
        tab.refresh(Changes.everything())
        assert tab.mark_held_until(dt.date(2026, 9, 5)) > 0
        # the plan shown is written to the file first, in the background, then the statuses on it
        qtbot.waitUntil(lambda: w.doc.plan_in_file and w.ops.find("save") is None, timeout=30_000)
        held = {s.session_id: _key(s) for s in w.doc.plan.sessions if s.status == "held"}
        with ScenarioStore(path) as st:  # the plan shown became the file's current plan
            assert {x.session_id: _key(x) for x in st.load_plan(fu.CURRENT_PLAN).sessions} == \
                   {s.session_id: _key(s) for s in w.doc.plan.sessions}
        w.request_setting("plan_from", PLAN_FROM)
        w.planning.start_solve(None, show_dialog=False)
        qtbot.waitUntil(lambda: w.planning.solve_op is None, timeout=120_000)
        by_id = {s.session_id: s for s in w.doc.plan.sessions}
        assert "followup" in w.doc.plan.report
        assert all(_key(by_id[sid]) == k and by_id[sid].status == "held" for sid, k in held.items())
    finally:
        w.wait_threads()
        w.close()


def test_followup_settings_in_the_panel_reach_the_replan(win, qtbot):
    """« Suivi de l'année » in the settings dock: French labels, undoable edits, and « Planifier » uses them."""
    from PySide6.QtWidgets import QCheckBox, QGroupBox, QLabel, QSpinBox

    from planner.settings import Settings

    w, _path = win
    if not any(s.status == "held" for s in w.doc.plan.sessions):  # this worker did not run the test recording them
        _record_first_half(w)
    panel = w.settings_panel
    box = next(b for b in panel.findChildren(QGroupBox) if b.title() == "Suivi de l'année")
    labels = {lab.text() for lab in box.findChildren(QLabel)}
    assert labels >= {"Garder les sessions annoncées", "Les absents restent à former",
                      "Absents pour un groupe de rattrapage"}
    keep, absent, makeup = (panel.editors[n] for n in ("keep_announced_sessions", "absentees_to_train",
                                                       "makeup_min_absent"))
    assert isinstance(keep, QCheckBox) and isinstance(absent, QCheckBox) and isinstance(makeup, QSpinBox)
    assert all(e.parent() is box for e in (keep, absent, makeup))
    assert keep.toolTip() == Settings.model_fields["keep_announced_sessions"].description
    assert keep.isChecked() and not absent.isChecked() and not makeup.isEnabled()
    absent.setChecked(True)
    assert w.doc.scenario.settings.absentees_to_train and makeup.isEnabled()
    makeup.setValue(3)
    assert w.doc.scenario.settings.makeup_min_absent == 3
    w.doc.undo_stack.undo()
    w.doc.undo_stack.undo()
    assert not w.doc.scenario.settings.absentees_to_train and not makeup.isEnabled()
    keep.setChecked(False)
    assert w.doc.scenario.settings.keep_announced_sessions is False
    assert "garder les sessions annoncées" in w.last_message
    held = {s.session_id: _key(s) for s in w.doc.plan.sessions if s.status == "held"}
    w.planning.start_solve(None, show_dialog=False)
    qtbot.waitUntil(lambda: w.planning.solve_op is None, timeout=120_000)
    f = w.doc.plan.report["followup"]
    assert f["keep_announced"] is False  # the re-plan ran with the window's setting
    assert all(_key(s) == held[s.session_id] for s in w.doc.plan.sessions if s.session_id in held)


def test_pinning_a_slot_once_sessions_are_recorded_never_moves_held_ones(qapp, qtbot, tmp_path):
    """« Choisir un créneau » with recorded sessions: the académie's rest is re-planned around the held
    sessions with the pin (solvers.followup_plan), not the unit from scratch."""
    from types import SimpleNamespace

    from planner.calendar import audience_slots
    from ui.main_window import MainWindow

    path = scenario_file_with_plan(tmp_path / "epingle.sqlite")
    w = MainWindow(str(path))
    try:
        xs = sorted((s for s in w.doc.plan.sessions if s.kind == "step1" and s.unit_type == "circonscription"),
                    key=lambda s: s.group)
        tab = w.tab("followup")
        tab.today = TODAY
        assert xs[0].date <= TODAY and not tab.mark_held([xs[0]])
        w.request_setting("plan_from", PLAN_FROM)
        held = {s.session_id: _key(s) for s in w.doc.plan.sessions if s.status == "held"}
        assert xs[0].session_id in held
        free = xs[-1]
        slot = next(sl for sl in audience_slots(free.audience, w.doc.scenario.settings, "C", "031", 60, free.unit_id, "16")
                    if sl.date >= PLAN_FROM + dt.timedelta(days=20))
        n = w.doc.undo_stack.count()
        w.unit_edits.pin_slot(("circonscription", free.unit_id), SimpleNamespace(date=slot.date, start=slot.start_hhmm),
                              free.group)
        qtbot.waitUntil(lambda: w.doc.undo_stack.count() == n + 1, timeout=60_000)
        by_id = {s.session_id: s for s in w.doc.plan.sessions}
        assert all(_key(by_id[sid]) == k and by_id[sid].status == "held" for sid, k in held.items())
        assert (by_id[free.session_id].date, by_id[free.session_id].start) == (slot.date, slot.start_hhmm)
        assert by_id[free.session_id].pinned
        assert any(p.unit_id == free.unit_id and p.group == free.group for p in w.doc.scenario.pins)
        assert all(s.date >= PLAN_FROM for s in w.doc.plan.sessions if s.status != "held")
    finally:
        w.wait_threads()
        w.close()


def test_planifier_france_on_a_file_planned_for_one_academie_checks_that_academie(qapp, qtbot, tmp_path):
    """The file's current plan covers Corse only: « Planifier la France » re-plans Corse around what was
    held and checks Corse, without reproaching the 29 académies nobody planned."""
    from planner.sources.reference import national_reference
    from solvers.api import solve
    from ui.main_window import MainWindow

    sc = national_reference()
    sc.settings = sc.settings.for_school_year("2026-2027", dt.date(2026, 6, 15))
    code = sc.find_academie("Corse").code
    path = scenario_file_with_plan(tmp_path / "corse.sqlite", sc,
                                   solve(sc, academie=code, solver="greedy", time_limit=5, workers=1))
    w = MainWindow(str(path))
    try:
        first = min((s for s in w.doc.plan.sessions if s.kind == "step1"), key=lambda s: (s.date, s.start))
        tab = w.tab("followup")
        tab.today = TODAY
        assert not tab.mark_held([first])
        w.request_setting("plan_from", PLAN_FROM)
        w.planning.start_solve(None, show_dialog=False)
        qtbot.waitUntil(lambda: w.planning.solve_op is None, timeout=120_000)
        assert "followup" in w.doc.plan.report and {s.academie for s in w.doc.plan.sessions} == {code}
        st = w.doc.check_state()
        assert st is not None and st.academies == [code]
        assert not st.errors, [f.message for f in st.errors[:3]]
    finally:
        w.wait_threads()
        w.close()


def test_undo_of_a_replan_whose_file_went_away_says_so(qapp, qtbot, tmp_path):
    from ui.main_window import MainWindow

    path = scenario_file_with_plan(tmp_path / "parti.sqlite")
    w = MainWindow(str(path))
    try:
        tab = w.tab("followup")
        tab.today = TODAY
        first = min((s for s in w.doc.plan.sessions if s.kind == "step1"), key=lambda s: (s.date, s.start))
        assert not tab.mark_held([first])
        old = w.doc.plan
        w.planning.start_solve(None, show_dialog=False)
        qtbot.waitUntil(lambda: w.planning.solve_op is None, timeout=120_000)
        path.unlink()
        said = []
        w.doc.message.connect(said.append)
        w.doc.undo_stack.undo()  # no traceback: the plan comes back, the message says the file was not restored
        assert w.doc.plan is old and not w.doc.plan_in_file
        assert any("non remis en l'état" in m for m in said)
    finally:
        w.wait_threads()
        w.close()


def test_a_status_on_a_plan_edited_since_the_save_writes_that_plan_first_in_the_background(qapp, qtbot, tmp_path):
    """A pin since the file was saved: the first status written makes the plan shown the file's current plan,
    in a background operation (only the académie that changed rewritten), then records the status on it."""
    from planner.store import ScenarioStore
    from ui.main_window import MainWindow

    from .tiny import uai

    path = scenario_file_with_plan(tmp_path / "epingle.sqlite")
    w = MainWindow(str(path))
    try:
        scope = ("etablissement", uai(1))
        w.select_scope(scope)
        cand = next(c for c in w.unit_edits._candidates(scope, None) if c.feasible)
        before = w.plan
        w.unit_edits.pin_slot(scope, cand, cand.group)
        qtbot.waitUntil(lambda: w.plan is not before, timeout=30_000)
        assert not w.doc.plan_in_file
        tab = w.tab("followup")
        tab.today = TODAY
        first = min((s for s in w.plan.sessions if s.kind == "step1" and s.date <= TODAY),
                    key=lambda s: (s.date, s.start))
        names, compared = [], []
        run, save_plan = w.ops.run, ScenarioStore.save_plan
        w.ops.run = lambda fn, **kw: names.append(kw.get("name")) or run(fn, **kw)
        ScenarioStore.save_plan = lambda st, *a, **kw: compared.append(kw.get("same_as")) or save_plan(st, *a, **kw)
        try:
            assert not tab.mark_held([first])
            assert names == ["save"]  # the plan first, in the background
            qtbot.waitUntil(lambda: w.doc.plan_in_file and w.ops.find("save") is None, timeout=30_000)
        finally:
            w.ops.run, ScenarioStore.save_plan = run, save_plan
        assert compared == [before]  # compared with the plan the file held: the unchanged académies kept
        with ScenarioStore(path) as st:
            stored = st.load_plan(fu.CURRENT_PLAN)
            statuses = fu.load_statuses(st)
        assert [(s.session_id, s.date, s.start, s.pinned) for s in stored.sessions] == [
            (s.session_id, s.date, s.start, s.pinned) for s in w.plan.sessions]
        assert statuses[first.session_id].status == "held" and first.status == "held"
        assert w.doc.stored_plan(str(path)) is w.plan  # a Ctrl+S now leaves the plan in the file as it is
        w.doc.undo_stack.undo()
        with ScenarioStore(path) as st:
            assert first.session_id not in fu.load_statuses(st)
    finally:
        w.wait_threads()
        w.close()
