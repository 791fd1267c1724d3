"""« Non planifiées » : the units whose sessions could not be placed, and why."""
from __future__ import annotations

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel
from PySide6.QtWidgets import QAbstractItemView, QHBoxLayout, QPushButton, QTableView, QVBoxLayout

from .. import fmt
from ..changes import Changes
from ..widgets import section_title
from ..models import SORT_ROLE, UnplacedTableModel
from . import Tab, register_tab


class UnplacedTab(Tab):
    key, title = "unplaced", "Non planifiées"

    def __init__(self, window) -> None:
        super().__init__(window)
        self.model = UnplacedTableModel(self)
        self.sort = QSortFilterProxyModel(self)
        self.sort.setSourceModel(self.model)
        self.sort.setSortRole(SORT_ROLE)
        lay = QVBoxLayout(self)
        self.heading = section_title()
        lay.addWidget(self.heading)
        t = self.table = QTableView()
        t.setObjectName("unplacedTable")
        t.setModel(self.sort)
        t.setSortingEnabled(True)
        t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        t.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        t.setAlternatingRowColors(True)
        t.setWordWrap(True)
        t.verticalHeader().setVisible(False)
        for col, width in enumerate([200, 70, 64, 380, 80, 100, 150]):
            t.setColumnWidth(col, width)
        t.horizontalHeader().setStretchLastSection(True)
        t.doubleClicked.connect(self.go_to_unit)
        lay.addWidget(t, 1)
        row = QHBoxLayout()
        b1 = QPushButton("Aller à l'unité")
        b1.clicked.connect(lambda: self.go_to_unit(t.currentIndex()))
        b2 = QPushButton("Choisir les créneaux…")
        b2.clicked.connect(self._choose)
        row.addWidget(b1)
        row.addWidget(b2)
        row.addStretch(1)
        lay.addLayout(row)

    def refresh(self, changes: Changes) -> None:
        if not (changes.data or changes.scope):
            return
        doc, scope = self.doc, self.window.scope
        rows = doc.pix.unplaced_in(scope) if doc.pix else []
        self.model.set_rows(rows)
        if len(rows) < 500:
            self.table.resizeRowsToContents()
        name = doc.six.name(*scope)
        if doc.pix is None:
            self.heading.setText("Aucun plan : planifiez (F5).")
        elif not rows:
            self.heading.setText(f"{name} : toutes les sessions sont placées.")
        else:
            n = sum(int(u.get("sessions", 0) or 0) for u in rows)
            self.heading.setText(f"{name} : {fmt.num(n)} session(s) non planifiée(s) dans {len(rows)} unité(s). "
                                 "La colonne « Raison » dit pourquoi ; élargissez les fenêtres ou l'horizon dans "
                                 "Paramètres, puis replanifiez.")

    def status_text(self) -> str:
        return f"{fmt.num(self.model.rowCount())} unités avec des sessions non planifiées"

    def go_to_unit(self, idx: QModelIndex) -> None:
        if not idx.isValid():
            return
        u = self.model.row_dict(self.sort.mapToSource(idx).row())
        self.window.select_scope((u.get("unit_type", ""), str(u.get("unit_id", ""))))

    def _choose(self) -> None:
        idx = self.table.currentIndex()
        if idx.isValid():
            self.go_to_unit(idx)
        self.window.unit_edits.choose_slots()


register_tab(UnplacedTab, order=50)
