"""The window's school year: title bar, Paramètres, Fichier ▸ Importer un calendrier scolaire, the warning
of an assumed calendar (offscreen; the process clock is 30 November 2026, see conftest)."""
from __future__ import annotations

import datetime as dt

import pytest

from .conftest import ROOT, open_window

FIXTURE = ROOT / "tests" / "fixtures" / "calendrier_scolaire_extract.csv"


@pytest.fixture(scope="module")
def win(qapp, tmp_path_factory):
    with open_window(qapp, tmp_path_factory, "Planificateur IA tests année scolaire") as w:
        yield w


def test_title_names_school_year_and_plan_from(win):
    assert "année scolaire 2026-2027" in win.windowTitle()
    assert "30 novembre 2026" in win.windowTitle()


def test_changing_the_school_year_moves_the_horizon_and_undoes(win):
    w = win
    w.request_setting("school_year", "2027-2028")
    s = w.scenario.settings
    assert (s.school_year, s.start_date, s.plan_from) == ("2027-2028", dt.date(2027, 6, 15), dt.date(2027, 6, 15))
    assert "2027-2028" in w.windowTitle()
    assert w.settings_panel.editors["school_year"].currentData() == "2027-2028"
    w.doc.undo_stack.undo()
    s = w.scenario.settings
    assert (s.school_year, s.plan_from) == ("2026-2027", dt.date(2026, 11, 30))
    w.request_setting("plan_from", dt.date(2027, 1, 4))
    assert w.scenario.settings.plan_from == dt.date(2027, 1, 4) and w.scenario.settings.start_date == dt.date(2026, 6, 15)
    w.doc.undo_stack.undo()


def test_reunion_shows_its_assumed_calendar(win):
    w = win
    w.select_scope(("academie", "28"))
    w.refresh_all()
    note = w.tab("overview").calendar_note
    assert not note.isHidden() and "La Réunion" in note.text() and "2026-2027" in note.toolTip()
    w.select_scope(("academie", "16"))
    w.refresh_all()
    assert w.tab("overview").calendar_note.isHidden()


def test_import_a_calendar_through_the_menu_action(win, monkeypatch, tmp_path):
    from ui import calendar_actions

    w = win
    assert w.act_import_calendar in w.menuBar().actions()[0].menu().actions()
    errors: list[str] = []
    monkeypatch.setattr(w, "error", lambda msg, modal=False: errors.append(msg))
    bad = tmp_path / "bad.csv"
    bad.write_text("Description;Population;Début\nx;-;2025-10-18\n", encoding="utf-8")
    monkeypatch.setattr(calendar_actions.QFileDialog, "getOpenFileName", lambda *a, **k: (str(bad), ""))
    w.act_import_calendar.trigger()
    assert errors and "ligne 1" in errors[0] and str(bad) in errors[0]
    reunion = next(a for a in w.scenario.academies if a.code == "28")
    assert reunion.calendar_periods == []
    monkeypatch.setattr(calendar_actions.QFileDialog, "getOpenFileName", lambda *a, **k: (str(FIXTURE), ""))
    w.act_import_calendar.trigger()
    assert len(reunion.calendar_periods) > 10
    w.doc.undo_stack.undo()
    assert reunion.calendar_periods == []
