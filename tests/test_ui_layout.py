"""The window speaks French (Qt's own translations), fits 1366 × 768 and remembers its layout (offscreen)."""
from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QPushButton

from .conftest import open_window


@pytest.fixture(scope="module")
def win(qapp, tmp_path_factory):
    with open_window(qapp, tmp_path_factory, "Planificateur IA tests layout", size=(1366, 768)) as w:
        QApplication.processEvents()
        yield w


# ---------------------------------------------------------------------------- French Qt
def test_standard_buttons_and_dialogs_are_french(win):
    box = QMessageBox(QMessageBox.Icon.Question, "t", "?", QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No
                      | QMessageBox.StandardButton.Close, win)
    box.setDetailedText("détail")
    texts = {b.text().replace("&", "") for b in box.buttons()}
    assert {"Oui", "Non", "Fermer"} <= texts and any(t.startswith("Montrer les détails") for t in texts)
    box.deleteLater()
    dlg = QFileDialog(win, "Ouvrir")
    dlg.setOption(QFileDialog.Option.DontUseNativeDialog)
    labels = {b.text() for b in dlg.findChildren(QPushButton)}
    assert "Annuler" in labels
    dlg.deleteLater()


def test_shortcuts_read_as_a_french_user_reads_them(win):
    from ui.i18n import shortcut_text

    assert shortcut_text("Shift+F5") == "Maj+F5" and shortcut_text("Ctrl+Shift+V") == "Ctrl+Maj+V"
    assert win.act_solve_all.toolTip().endswith("(Maj+F5)")
    assert win.act_check.toolTip().endswith("(Ctrl+Maj+V)")


# ---------------------------------------------------------------------------- 1366 × 768
def test_sessions_and_settings_fit_1366_by_768(win):
    w = win
    w.show_tab("sessions")
    QApplication.processEvents()
    assert (w.width(), w.height()) == (1366, 768)
    assert w.settings_dock.isVisible() and w.settings_dock.width() <= 320
    table = w.tab("sessions").table
    hh = table.horizontalHeader()
    shown = [table.model().headerData(c, Qt.Orientation.Horizontal)
             for c in range(hh.count()) if not table.isColumnHidden(c)]
    assert shown == ["Date", "Début", "Étape", "Unité", "Formateur", "Participants"]
    assert sum(hh.sectionSize(c) for c in range(hh.count()) if not table.isColumnHidden(c)) \
        <= table.viewport().width() + 80  # the last column stretches; at most a part of it scrolls
    # the settings can be put away and back (toolbar « Paramètres », Ctrl+,)
    w.act_settings.trigger()
    assert not w.settings_dock.isVisible()
    w.act_settings.trigger()
    assert w.settings_dock.isVisible()


def test_columns_are_chosen_from_the_header_and_remembered(win):
    from ui.tabs.sessions import column_menu, make_session_table

    table = win.tab("sessions").table
    menu = column_menu(table, "sessionColumnsHidden")
    acad = next(a for a in menu.actions() if a.text() == "Académie")
    assert acad.isCheckable() and not acad.isChecked()
    acad.setChecked(True)
    col = next(c for c in range(table.model().columnCount()) if table.model().headerData(c, Qt.Orientation.Horizontal) == "Académie")
    assert not table.isColumnHidden(col)
    again = make_session_table(table.model(), "other", "sessionColumnsHidden")
    assert not again.isColumnHidden(col)
    acad.setChecked(False)
    assert "academie" in QSettings().value("sessionColumnsHidden", "", type=str).split(",")


def test_audience_windows_grid_fits_the_dock_and_opens_large(win):
    panel = win.settings_panel
    tv = panel.windows_view
    hh = tv.horizontalHeader()
    assert tv.verticalHeader().width() + sum(hh.sectionSize(c) for c in range(hh.count())) <= tv.width()
    assert all(hh.sectionSize(c) >= 20 for c in range(hh.count()))  # a check box per audience, all visible
    dlg = panel.show_windows_dialog()
    assert dlg.model.headerData(0, Qt.Orientation.Horizontal) == "1er degré"
    dlg.close()


def test_validation_message_names_the_setting_in_french(win):
    win.request_setting("end_date", dt.date(2026, 1, 1))
    assert "Fin de l'horizon : " in win.last_message and "{" not in win.last_message


def test_size_and_docks_are_restored(win, qtbot):
    from ui.main_window import MainWindow

    w1 = MainWindow()
    qtbot.addWidget(w1)
    w1.show()
    w1.resize(1100, 590)
    w1.settings_dock.hide()
    QApplication.processEvents()
    left = w1.height()  # 590, or the window's minimum height if larger; the default would be the screen's 600
    assert left < 600
    w1.close()
    w2 = MainWindow()
    qtbot.addWidget(w2)
    w2.show()
    QApplication.processEvents()
    # the offscreen screen is 800 × 600: restoreGeometry keeps the window's width on it, the height is as left
    assert w2.height() == left
    assert not w2.settings_dock.isVisible()
    w2.settings_dock.show()
    w2.close()


def test_a_message_given_before_the_window_shows_is_not_drawn_over_the_status_text(win, qtbot):
    """The file reopened at start-up says so before the window is shown: the status bar's own text is hidden
    under that message once the window shows (it was drawn over it), and comes back when the message goes."""
    from ui.main_window import MainWindow

    w = MainWindow()
    qtbot.addWidget(w)
    w.status_label.setText("Vue d'ensemble — France entière : 12 sessions planifiées")
    w.set_status("Plan enregistré rouvert (12 sessions)")
    w.show()
    QApplication.processEvents()
    assert w.statusBar().currentMessage() == "Plan enregistré rouvert (12 sessions)"
    assert not w.status_label.isVisible()
    w.statusBar().clearMessage()
    QApplication.processEvents()
    assert w.status_label.isVisible()
    w.set_status("Enregistré")  # once shown, as ever: the message hides the label
    assert not w.status_label.isVisible()
    w.close()


def test_tree_names_get_the_room_and_the_last_date_is_optional(win):
    t = win.territory
    assert t.tree.isColumnHidden(2)  # « Fin »: in the tooltip, or shown from the header's menu
    t.show_last_column(True)
    assert not t.tree.isColumnHidden(2) and QSettings().value("treeShowLast", False, type=bool)
    t.show_last_column(False)
    assert t.tree.textElideMode() == Qt.TextElideMode.ElideMiddle
    assert t.filter.index(0, 0).data(Qt.ItemDataRole.ToolTipRole) == "Territoire national : France entière"


def test_tree_counts_column_fits_a_national_total_and_no_more(win):
    """A national plan's total (« 403 599 », bold on the nation's row) is shown whole, not « 40…99 »; a
    smaller plan gives the names their room back, down to what the header « Sessions » needs."""
    from PySide6.QtGui import QFont, QFontMetrics

    from ui import fmt

    t = win.territory
    before = dict(t.model._totals)
    bold = QFont(t.tree.font())
    bold.setBold(True)
    try:
        t.set_totals({("nation", ""): (403_599, 0), ("academie", "16"): (18_817, 0)})
        wide = t.tree.header().sectionSize(1)
        assert wide >= QFontMetrics(bold).horizontalAdvance(fmt.num(403_599)) + 8
        assert t.filter.index(0, 1).data(Qt.ItemDataRole.DisplayRole) == fmt.num(403_599)
        header = QFontMetrics(t.tree.header().font()).horizontalAdvance("Sessions")
        t.set_totals({("nation", ""): (2_605, 0)})  # no wider than its header or its count needs
        small = t.tree.header().sectionSize(1)
        assert small <= wide and small <= max(header, QFontMetrics(bold).horizontalAdvance(fmt.num(2_605))) + 16
        t.set_totals({})  # no plan: the header « Sessions » is shown whole all the same
        assert t.tree.header().sectionSize(1) >= header + 8
    finally:
        t.set_totals(before)
