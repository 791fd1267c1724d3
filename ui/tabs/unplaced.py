"""« Non planifiées » : the units whose sessions could not be placed, and why."""
from __future__ import annotations

from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import QAbstractItemView, QCheckBox, QHBoxLayout, QPushButton, QTableView, QVBoxLayout

from planner.report import sessions_of, split_past, units_of

from .. import fmt
from ..changes import Changes
from ..widgets import section_title
from ..models import UnplacedTableModel
from . import Tab, register_tab


class UnplacedTab(Tab):
    key, title = "unplaced", "Non planifiées"

    def __init__(self, window) -> None:
        super().__init__(window)
        self.model = UnplacedTableModel(self)  # sorts itself, in Python
        self.still = 0  # units with sessions still to place (the status bar's count; past ones apart)
        lay = QVBoxLayout(self)
        self.heading = section_title()
        lay.addWidget(self.heading)
        t = self.table = QTableView()
        t.setObjectName("unplacedTable")
        t.setModel(self.model)
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
        # the sessions whose date was gone when planning started (the réunions de rentrée of a year planned from
        # November) are no failure to fix: counted apart, listed on demand
        self.show_past = QCheckBox("Lister aussi les sessions déjà passées, à reporter")
        self.show_past.setObjectName("unplacedShowPast")
        self.show_past.toggled.connect(lambda _on: self.refresh(Changes(plan=True)))
        row.addWidget(self.show_past)
        lay.addLayout(row)

    def refresh(self, changes: Changes) -> None:
        if not (changes.data or changes.scope):
            return
        doc, scope = self.doc, self.window.scope
        still, past = split_past(doc.pix.unplaced_in(scope) if doc.pix else [])
        self.still = len(still)
        self.show_past.setVisible(bool(past))
        rows = still + past if self.show_past.isChecked() else still
        self.model.set_rows(rows)
        if len(rows) < 500:
            self.table.resizeRowsToContents()
        name = doc.six.name(*scope)
        if doc.pix is None:
            self.heading.setText("Aucun plan : planifiez (F5).")
            return
        if still:
            text = (f"{name} : {fmt.num(sessions_of(still))} session(s) non planifiée(s) dans {fmt.num(len(still))} "
                    "unité(s). La colonne « Raison » dit pourquoi ; élargissez les fenêtres ou l'horizon dans "
                    "Paramètres, puis replanifiez.")
        else:
            text = f"{name} : toutes les sessions sont placées."
        if past:
            text += (f" À part : {fmt.num(sessions_of(past))} session(s) de {fmt.num(units_of(past))} unité(s) dont "
                     "la date était passée au début de la planification (réunions de rentrée…), à reporter à "
                     "l'année suivante" + (" : listées ici aussi." if self.show_past.isChecked() else "."))
        self.heading.setText(text)

    def status_text(self) -> str:
        return f"{fmt.num(self.still)} unités avec des sessions non planifiées"

    def go_to_unit(self, idx: QModelIndex) -> None:
        if not idx.isValid():
            return
        u = self.model.row_dict(idx.row())
        self.window.select_scope((u.get("unit_type", ""), str(u.get("unit_id", ""))))

    def _choose(self) -> None:
        idx = self.table.currentIndex()
        if idx.isValid():
            self.go_to_unit(idx)
        self.window.unit_edits.choose_slots()


register_tab(UnplacedTab, order=50)
