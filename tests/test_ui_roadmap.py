"""« Feuille de route de l'unité » in the real window, driven offscreen with pytest-qt.

The window opens the tiny scenario (tests/tiny.py: one circonscription, a collège and a lycée of
Toulouse) and solves it through the toolbar button (well under a second); the tests then edit one
unit's themes, briques and meeting dates, apply (undoable) and check the re-planned steps 2 to 6.
"""
from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMenu

from planner.roadmap_models import DEFAULT_BRIQUES, DEFAULT_THEMES, MEETING_LABELS, UnitRoadmapChoices
from planner.scenario_io import save_scenario_json

from .conftest import open_window
from .tiny import tiny_scenario, uai

COLLEGE, LYCEE, CIRC = uai(1), uai(2), "031-01"


@pytest.fixture(scope="module")
def win(qapp, tmp_path_factory):
    path = tmp_path_factory.mktemp("scenario") / "mini.json"
    save_scenario_json(tiny_scenario(), path)
    with open_window(qapp, tmp_path_factory, "Planificateur IA tests roadmap", path, time_limit=10) as w:
        yield w
        w.wait_threads()
        if w.unit_edits.roadmap_dialog is not None:
            w.unit_edits.roadmap_dialog.close()


def _solved(w, qtbot):
    if w.plan is not None:
        return
    w.select_scope(("academie", "16"))
    qtbot.mouseClick(w.toolbar.widgetForAction(w.act_solve), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.plan is not None and w.solve_thread is None, timeout=60_000)


def _titles(w, unit_type, unit_id, kind):
    return [s.title for s in w.plan.sessions_of_unit(unit_type, unit_id) if s.kind == kind]


def test_the_action_is_in_the_plan_menu_toolbar_and_tree_menu(win, qtbot):
    w = win
    plan_menu = next(a.menu() for a in w.menuBar().actions() if a.text() == "&Plan")
    assert w.act_roadmap in plan_menu.actions()
    assert w.toolbar.widgetForAction(w.act_roadmap) is not None
    assert w.act_roadmap.text() == "&Feuille de route de l'unité…"
    assert "briques" in w.act_roadmap.toolTip()
    w.select_scope(("academie", "16"))
    assert not w.act_roadmap.isEnabled()
    assert w.unit_edits.edit_roadmap() is None and "sélectionnez" in w.last_message
    w.select_scope(("etablissement", COLLEGE))
    assert w.act_roadmap.isEnabled()
    # right click on the unit in the tree: its context menu offers the action
    rect = w.territory.tree.visualRect(w.territory.tree.currentIndex())
    w.territory.context_menu(rect.center())
    menu: QMenu = w.territory.context
    assert w.act_roadmap in menu.actions() and w.act_slots in menu.actions()
    menu.close()


def test_dialog_shows_the_unit_defaults(win, qtbot):
    w = win
    w.select_scope(("etablissement", COLLEGE))
    w.act_roadmap.trigger()
    dlg = w.unit_edits.roadmap_dialog
    assert dlg is not None and dlg.isVisible() and not dlg.isModal()
    assert "Collège Test" in dlg.windowTitle()
    assert dlg.theme_list() == list(DEFAULT_THEMES)
    assert dlg.checked_briques() == list(DEFAULT_BRIQUES["college"])
    # the 48 briques, grouped by domain › theme
    assert len(dlg.brique_items) == 48
    assert dlg.briques.topLevelItemCount() == 3
    assert all(dlg.briques.topLevelItem(i).childCount() == 4 for i in range(3))
    # the établissement's meetings (no conseil d'école), all on the default calendar
    labels = [dlg.meetings.item(i).text().split("\n")[0] for i in range(dlg.meetings.count())]
    assert MEETING_LABELS["conseil_administration"] in labels and MEETING_LABELS["conseil_ecole"] not in labels
    assert "calendrier par défaut" in dlg.meetings.item(0).text()
    assert "par défaut" in dlg.meeting_title.text()
    # French tooltips
    assert dlg.apply_button.text() == "Appliquer" and "replanifier" in dlg.apply_button.toolTip()
    assert dlg.brique_items["B01"].toolTip(0).startswith("B01 — ")
    dlg.close()


def test_validation_errors_are_shown_in_french(win, qtbot):
    w = win
    w.select_scope(("etablissement", COLLEGE))
    dlg = w.unit_edits.edit_roadmap()
    n = w.undo_stack.count()
    # duplicate theme: refused when added, reverted when renamed
    assert not dlg.add_theme("  évaluation ")
    assert dlg.errors.isVisible() and "Thème en double" in dlg.errors.text()
    assert not dlg.rename_theme(0, "Adapter des documents")
    assert dlg.theme_list()[0] == DEFAULT_THEMES[0] and "double" in dlg.errors.text()
    assert not dlg.rename_theme(0, "   ")
    assert "vide" in dlg.errors.text()
    # a date outside the horizon
    assert not dlg.add_date("conseil_pedagogique", dt.date(2028, 1, 10))
    assert "hors de l'horizon" in dlg.errors.text() and "10 janvier 2028" in dlg.errors.text()
    dlg.close()
    # a stored choice with an unknown brique and a date the horizon no longer covers
    w.scenario.roadmap_choices = [UnitRoadmapChoices(
        unit_type="etablissement", unit_id=COLLEGE, briques=["B07", "B99"],
        meeting_dates={"cafe_ia": [dt.date(2030, 1, 15)]})]
    try:
        dlg = w.unit_edits.edit_roadmap()
        assert dlg.unknown_root is not None
        assert "B99" in dlg.checked_briques()
        dlg.apply()
        text = dlg.errors.text()
        assert "B99" in text and "inconnue du catalogue" in text
        assert "hors de l'horizon" in text and "Café IA" in text
        assert "Traceback" not in text and "Rien n'a été appliqué" in dlg.status.text()
        assert w.undo_stack.count() == n
        dlg.close()
    finally:
        w.scenario.roadmap_choices = []


def test_apply_replans_the_unit_then_undo_restores_everything(win, qtbot):
    w = win
    _solved(w, qtbot)
    assert any("IA et devoirs" in t for t in _titles(w, "etablissement", COLLEGE, "step2"))
    plan_before = w.plan
    choices_before = list(w.scenario.roadmap_choices)
    lycee_before = [(s.session_id, s.date, s.start) for s in plan_before.sessions_of_unit("etablissement", LYCEE)]
    n = w.undo_stack.count()
    w.select_scope(("etablissement", COLLEGE))
    w.act_roadmap.trigger()
    dlg = w.unit_edits.roadmap_dialog
    # themes: add, rename, remove, reorder
    assert dlg.add_theme("Nouveau thème")
    assert dlg.rename_theme(0, "Devoirs à la maison")
    dlg.remove_theme(dlg.theme_list().index("Évaluation"))
    dlg.move_theme(dlg.theme_list().index("Nouveau thème"), -1)
    themes = ["Devoirs à la maison", "Produire des documents pédagogiques", "Nouveau thème", "Adapter des documents"]
    assert dlg.theme_list() == themes
    # briques: B07 unchecked, B03 checked (the tree's checkboxes)
    dlg.set_brique_checked("B07", False)
    dlg.set_brique_checked("B03", True)
    assert dlg.checked_briques() == ["B10", "B03"]
    assert "2 briques choisies" in dlg.brique_count.text()
    # a conseil pédagogique on a chosen date
    day = dt.date(2026, 11, 19)
    dlg.meetings.setCurrentRow(dlg.meeting_keys.index("conseil_pedagogique"))
    assert dlg.add_date(dlg.current_meeting(), day)
    assert dlg.dates.count() == 1 and "19 novembre 2026" in dlg.dates.item(0).text()
    qtbot.mouseClick(dlg.apply_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.undo_stack.count() == n + 1, timeout=30_000)
    assert "Feuille de route" in w.undo_stack.undoText()
    assert not dlg.errors.isVisible() and "appliquée" in dlg.status.text()
    ch = next(c for c in w.scenario.roadmap_choices if c.unit_id == COLLEGE)
    assert (ch.unit_type, ch.themes, ch.briques) == ("etablissement", themes, ["B10", "B03"])
    assert ch.meeting_dates == {"conseil_pedagogique": [day]}
    # the plan: only this unit re-planned, its steps 2 and 5 follow the choice
    assert w.plan is not plan_before
    step2 = _titles(w, "etablissement", COLLEGE, "step2")
    assert any("Nouveau thème" in t for t in step2) and any("Devoirs à la maison" in t for t in step2)
    assert not any("Évaluation" in t for t in step2)
    step5 = _titles(w, "etablissement", COLLEGE, "step5")
    assert any("B03" in t for t in step5) and not any("B07" in t for t in step5)
    assert any(s.kind == "step4" and s.date == day for s in w.plan.sessions_of_unit("etablissement", COLLEGE))
    assert [(s.session_id, s.date, s.start) for s in w.plan.sessions_of_unit("etablissement", LYCEE)] == lycee_before
    # undo: the previous choices and the previous plan
    w.act_undo.trigger()
    assert w.scenario.roadmap_choices == choices_before
    assert w.plan is plan_before
    assert any("IA et devoirs" in t for t in _titles(w, "etablissement", COLLEGE, "step2"))
    assert dlg.theme_list() == list(DEFAULT_THEMES)  # the open dialog follows the undo
    w.act_redo.trigger()
    assert next(c for c in w.scenario.roadmap_choices if c.unit_id == COLLEGE).themes == themes
    assert any("Nouveau thème" in t for t in _titles(w, "etablissement", COLLEGE, "step2"))
    w.act_undo.trigger()
    assert w.scenario.roadmap_choices == choices_before and w.plan is plan_before
    dlg.close()


def test_a_second_apply_replaces_the_unit_choice(win, qtbot):
    w = win
    _solved(w, qtbot)
    other = UnitRoadmapChoices(unit_type="etablissement", unit_id=LYCEE, themes=["Thème du lycée"])
    w.scenario.roadmap_choices = [other]
    try:
        n = w.undo_stack.index()  # the undone commands above are dropped by the next push
        w.select_scope(("circonscription", CIRC))
        dlg = w.unit_edits.edit_roadmap()
        labels = [dlg.meetings.item(i).text().split("\n")[0] for i in range(dlg.meetings.count())]
        assert MEETING_LABELS["conseil_ecole"] in labels and MEETING_LABELS["conseil_administration"] not in labels
        for k in range(2):
            dlg.reset_themes()
            assert dlg.add_theme(f"Thème des écoles {k}")
            dlg.apply()
            qtbot.waitUntil(lambda: w.undo_stack.index() == n + k + 1, timeout=30_000)
        mine = [c for c in w.scenario.roadmap_choices if c.unit_id == CIRC]
        assert len(mine) == 1 and mine[0].themes[-1] == "Thème des écoles 1"
        assert w.scenario.roadmap_choices[0] is other  # the lycée's choice untouched
        assert any("Thème des écoles 1" in t for t in _titles(w, "circonscription", CIRC, "step2"))
        w.act_undo.trigger()
        w.act_undo.trigger()
        assert w.scenario.roadmap_choices == [other]
        dlg.close()
    finally:
        w.scenario.roadmap_choices = []


def test_dialog_screenshot(win, qtbot, tmp_path):
    w = win
    w.select_scope(("etablissement", COLLEGE))
    dlg = w.unit_edits.edit_roadmap()
    qtbot.waitExposed(dlg)
    out = tmp_path / "roadmap.png"
    assert dlg.grab().save(str(out))
    assert out.stat().st_size > 10_000
    dlg.close()
