"""« Sessions » : every session of the plan in the selected territory, with filters and chosen columns."""
from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QHBoxLayout, QHeaderView, QLabel,
                               QMenu, QPushButton, QTableView, QVBoxLayout)

from planner.settings import AUDIENCE_LABELS, Settings

from .. import fmt
from ..changes import Changes
from ..models import SESSION_COLUMNS, SessionProxyModel, SessionTableModel
from ..widgets import debounced_search
from . import Tab, register_tab

COLUMN_WIDTHS = {"date": 122, "start": 48, "end": 48, "kind": 110, "audience": 120, "unit": 196, "unit_id": 80,
                 "academie": 100, "trainer": 160, "participants": 88, "window": 140, "group": 56, "pinned": 70,
                 "title": 300}
# shown at first: what fits beside the tree and the settings at 1366 px; the header's menu shows the others
DEFAULT_HIDDEN = ("end", "unit_id", "academie", "window", "group", "pinned", "title", "audience")


def make_session_table(model, name: str, settings_key: str | None = None,
                       default_hidden=DEFAULT_HIDDEN) -> QTableView:
    """A table of sessions: sortable, elided names with their tooltip, columns chosen by a right click on
    the header (remembered under ``settings_key``)."""
    t = QTableView()
    t.setObjectName(name)
    t.setModel(model)
    t.setSortingEnabled(True)
    t.setAlternatingRowColors(True)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setWordWrap(False)
    t.setTextElideMode(Qt.TextElideMode.ElideRight)
    vh = t.verticalHeader()
    vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    vh.setDefaultSectionSize(22)
    vh.setVisible(False)
    hh = t.horizontalHeader()
    hh.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    hh.setSortIndicator(0, Qt.SortOrder.AscendingOrder)
    for col, (key, _label) in enumerate(SESSION_COLUMNS):
        t.setColumnWidth(col, COLUMN_WIDTHS.get(key, 100))
    hh.setStretchLastSection(True)
    hh.setSectionsMovable(True)
    if settings_key:
        qs = QSettings()
        hidden = ({k for k in str(qs.value(settings_key, "")).split(",") if k} if qs.contains(settings_key)
                  else set(default_hidden))
        for col, (key, _label) in enumerate(SESSION_COLUMNS):
            t.setColumnHidden(col, key in hidden)
        hh.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        hh.customContextMenuRequested.connect(lambda pos: column_menu(t, settings_key).popup(hh.mapToGlobal(pos)))
        hh.setToolTip("Clic droit : choisir les colonnes affichées")
    return t


def column_menu(table: QTableView, settings_key: str) -> QMenu:
    """« Colonnes affichées » : one check box per column (at least one stays shown)."""
    menu = QMenu(table)
    menu.setObjectName("columnMenu")
    menu.addSection("Colonnes affichées")
    for col, (key, label) in enumerate(SESSION_COLUMNS):
        a = menu.addAction(label)
        a.setCheckable(True)
        a.setChecked(not table.isColumnHidden(col))
        a.setData(key)
        a.toggled.connect(lambda on, col=col: set_column_shown(table, col, on, settings_key))
    table._column_menu = menu  # tests and screenshots reach it
    return menu


def set_column_shown(table: QTableView, col: int, shown: bool, settings_key: str) -> None:
    visible = [c for c in range(len(SESSION_COLUMNS)) if not table.isColumnHidden(c)]
    if not shown and visible == [col]:
        return  # never hide the last column
    table.setColumnHidden(col, not shown)
    QSettings().setValue(settings_key, ",".join(k for c, (k, _l) in enumerate(SESSION_COLUMNS) if table.isColumnHidden(c)))


class SessionsTab(Tab):
    key, title = "sessions", "Sessions"

    def __init__(self, window) -> None:
        super().__init__(window)
        self.model = SessionTableModel(self)
        self.proxy = SessionProxyModel(self)
        self.proxy.setSourceModel(self.model)
        lay = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.search, self.timer = debounced_search(self, "sessionSearch",
                                                   "Filtrer : unité, UAI, formateur, date (jj/mm/aaaa)…", 250,
                                                   self.apply_filters)
        self.kind_filter = QComboBox()
        self.kind_filter.addItem("Toutes les étapes", "")
        for k in ("tot", "step1", "step2", "step3", "step4", "step5", "step6"):
            self.kind_filter.addItem(fmt.kind_label(k), k)
        self.aud_filter = QComboBox()
        self.aud_filter.addItem("Tous les publics", "")
        for k, lab in AUDIENCE_LABELS.items():
            self.aud_filter.addItem(lab, k)
        self.win_filter = QComboBox()
        self.win_filter.addItem("Toutes les fenêtres", "")
        for k, spec in Settings().windows.items():
            self.win_filter.addItem(spec.label, k)
        self.pinned_filter = QCheckBox("Épinglées")
        self.pinned_filter.setToolTip("Seulement les sessions épinglées par un choix de créneau")
        for c in (self.kind_filter, self.aud_filter, self.win_filter):
            c.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            c.setMinimumContentsLength(8)
            c.currentIndexChanged.connect(lambda _i: self.apply_filters())
            c.currentIndexChanged.connect(lambda _i, c=c: c.setToolTip(c.currentText()))
            c.setToolTip(c.currentText())
        self.pinned_filter.toggled.connect(lambda _b: self.apply_filters())
        self.trainer_chip = QPushButton("")
        self.trainer_chip.setObjectName("trainerChip")
        self.trainer_chip.setToolTip("Retirer le filtre par formateur")
        self.trainer_chip.hide()
        self.trainer_chip.clicked.connect(lambda: self.set_trainer_filter(""))
        bar.addWidget(self.search, 2)
        for w in (self.kind_filter, self.aud_filter, self.win_filter, self.pinned_filter, self.trainer_chip):
            bar.addWidget(w)
        lay.addLayout(bar)
        self.count = QLabel("")
        self.count.setObjectName("sessionCount")
        lay.addWidget(self.count)
        self.table = make_session_table(self.proxy, "sessionTable", "sessionColumnsHidden")
        self.table.doubleClicked.connect(self._activated)
        lay.addWidget(self.table, 1)

    def refresh(self, changes: Changes) -> None:
        if not (changes.data or changes.scope):
            return
        if changes.data or self.model.pix is not self.doc.pix:
            self.model.set_plan(self.doc.pix, self.doc.six)
        self.apply_filters()

    def apply_filters(self) -> None:
        self.proxy.set_filters(
            scope=self.window.scope, text=self.search.text(), kind=self.kind_filter.currentData() or "",
            audience=self.aud_filter.currentData() or "", window=self.win_filter.currentData() or "",
            pinned=self.pinned_filter.isChecked())
        total, shown = self.model.rowCount(), self.proxy.rowCount()
        if self.doc.pix is None:
            self.count.setText("Aucun plan : planifiez (F5) pour voir les sessions.")
        else:
            s = "s" if shown > 1 else ""
            self.count.setText(f"{fmt.num(shown)} session{s} affichée{s} sur {fmt.num(total)} — "
                               f"{self.doc.six.name(*self.window.scope)}")
        self.window.update_status()

    def set_trainer_filter(self, tid: str) -> None:
        self.proxy.filters["trainer"] = tid
        self.trainer_chip.setText(f"Formateur : {tid}  ✕" if tid else "")
        self.trainer_chip.setVisible(bool(tid))
        self.apply_filters()

    def status_text(self) -> str:
        return f"{fmt.num(self.proxy.rowCount())} sessions affichées sur {fmt.num(self.doc.pix.n)}"

    def _activated(self, idx) -> None:
        if not idx.isValid():
            return
        s = self.proxy.session_at(idx.row())
        if s.unit_type in ("etablissement", "circonscription", "bassin", "departement", "academie"):
            self.window.select_scope((s.unit_type, s.unit_id))
            cal = self.window.show_tab("calendar")
            cal.show_date(s.date, "week")


register_tab(SessionsTab, order=20)
