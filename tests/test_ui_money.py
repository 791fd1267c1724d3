"""The window's « Budget » and « Comparaison » tabs and Fichier ▸ Exporter… (offscreen, one shared window)."""
from __future__ import annotations

import subprocess
import sys
import threading

import pandas as pd
import pytest

from planner.plan import Plan

from .conftest import ROOT, open_window


def _solve(out, *extra):
    r = subprocess.run([sys.executable, str(ROOT / "main.py"), "solve", "--academie", "16", "--solver", "greedy",
                        "--quiet", "--school-year", "2026-2027", "--from", "2026-06-15", "--out", str(out), *extra], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert r.returncode == 0, r.stderr
    return Plan.read(out)


@pytest.fixture(scope="module")
def plans(tmp_path_factory):
    d = tmp_path_factory.mktemp("uimoney")
    return _solve(d / "g15"), _solve(d / "g20", "--set", "group_size=20"), d


@pytest.fixture(scope="module")
def win(qapp, tmp_path_factory, plans):
    with open_window(qapp, tmp_path_factory, "Planificateur IA tests money") as w:
        w.doc.set_plan(plans[0], "plan de test")
        w.select_scope(("academie", "16"))
        yield w


def test_budget_tab_shows_costs_envelope_and_edits_rates_undoably(win, qtbot):
    w = win
    tab = w.show_tab("budget")
    assert "€" in tab.heading.text() and "enveloppe" in tab.heading.text()
    assert tab.acads.rowCount() == 1 and "Toulouse" in tab.acads.item(0, 0).text()
    assert tab.acads.item(0, 4).text() in ("dépassement", "marge", "à l'équilibre")
    row = 0  # step1_2d
    cost_before = tab.cats.item(row, 6).text()
    n = w.undo_stack.count()
    tab.cats.item(row, 5).setText("40")
    assert w.scenario.settings.budget.rates["step1_2d"] == 40
    assert w.undo_stack.count() == n + 1
    assert tab.cats.item(row, 6).text() != cost_before
    w.undo_stack.undo()
    assert w.scenario.settings.budget.rates["step1_2d"] == 25
    tab.cats.item(row, 5).setText("-5")  # refused in French, nothing applied
    assert w.scenario.settings.budget.rates["step1_2d"] == 25
    assert "négatif" in w.status_label.text() or "négatif" in w._last_box.text()
    assert not w.doc.plan_stale  # a rate is no reason to re-plan


def test_overview_hours_card_gives_the_cost(win):
    w = win
    w.show_tab("overview")
    note = w.tab("overview").cards["hours"].note.text()
    assert "€" in note or "à renseigner" in note


def test_comparison_tab_side_by_side_with_moved_sessions(win, qtbot, plans):
    w = win
    tab = w.show_tab("comparison")
    assert tab.keep_current("groupes de 15") == "groupes de 15"
    w.doc.set_plan(plans[1], "groupes de 20")
    tab.keep_current("groupes de 20")
    for i in range(tab.list.count()):  # the two kept plans only
        it = tab.list.item(i)
        from PySide6.QtCore import Qt

        it.setCheckState(Qt.CheckState.Checked if it.text().endswith("(gardé)") else Qt.CheckState.Unchecked)
    op = tab.compare_checked()
    qtbot.waitUntil(lambda: tab.result is not None, timeout=60_000)
    assert op is not None
    assert tab.figures.columnCount() == 3
    assert [tab.figures.horizontalHeaderItem(i).text() for i in (1, 2)] == ["groupes de 15", "groupes de 20"]
    labels = [tab.figures.item(r, 0).text() for r in range(tab.figures.rowCount())]
    assert "Achèvement de l'étape 1" in labels and "Coût chiffré (€)" in labels
    cost = labels.index("Coût chiffré (€)")
    assert tab.figures.item(cost, 1).text() != tab.figures.item(cost, 2).text()
    assert "déplacées" in tab.diff_label.text()
    out = tab.export_dialog(str(plans[2] / "cmp.xlsx"))
    assert out and (plans[2] / "cmp.xlsx").exists()
    # a plan folder that cannot be read: said in French, read in the background like every plan compared
    broken = plans[2] / "pas-un-plan"
    broken.mkdir()
    tab.add_folder(str(broken))
    result = tab.result
    op = tab.compare_checked()
    assert op is not None and tab.heading.text() == "Comparaison en cours…"
    qtbot.waitUntil(lambda: not op.isRunning(), timeout=60_000)
    assert tab.heading.text().startswith("Comparaison impossible : ") and "pas-un-plan" in tab.heading.text()
    assert tab.result is result and "pas-un-plan" in w.last_message
    w.doc.set_plan(plans[0], "retour")


def test_export_dialog_writes_the_inscription_of_the_selection(win, qtbot, tmp_path):
    w = win
    w.select_scope(("academie", "16"))
    w.act_export_any.trigger()
    dlg = w.export_dialog
    keys = [dlg.kind.itemData(i) for i in range(dlg.kind.count())]
    assert {"pdf", "xlsx", "csv", "ics", "inscription_csv", "observatoire_csv"} <= set(keys)
    assert "observatoire_pdf" not in keys  # one unit only
    assert not dlg.bar.isVisible()  # no empty progress bar before an export starts
    dlg.kind.setCurrentIndex(keys.index("inscription_csv"))
    out = tmp_path / "inscription.csv"
    dlg.out.setText(str(out))
    dlg.start()
    assert dlg.bar.isVisible()
    qtbot.waitUntil(lambda: dlg.op is not None and not dlg.op.isRunning(), timeout=60_000)
    assert "Export écrit" in dlg.msg.text(), dlg.msg.text()
    assert dlg.bar.isVisible() and dlg.bar.value() == 100
    df = pd.read_csv(out, sep=";", encoding="utf-8-sig", dtype=str)
    assert len(df) == sum(1 for s in w.plan.sessions if s.academie == "16")
    dlg.close()


def test_export_cancelled_leaves_no_file(win, tmp_path):
    from ui.export_dialog import Cancelled, run_export

    stop = threading.Event()
    stop.set()
    with pytest.raises(Cancelled):
        run_export(win.plan, ("academie", "16"), "xlsx", str(tmp_path / "x.xlsx"), stop=stop)
    assert not (tmp_path / "x.xlsx").exists()
    uai = next(u.unit_id for u in win.plan.units if u.unit_type == "etablissement")
    path = run_export(win.plan, ("etablissement", uai), "observatoire_pdf", str(tmp_path / "o.pdf"))
    assert (tmp_path / "o.pdf").exists() and path.endswith("o.pdf")
