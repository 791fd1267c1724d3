"""« Formateurs » : who trains in the selected territory, their weekly load and each one's schedule."""
from __future__ import annotations

import datetime as dt

import numpy as np
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QHBoxLayout, QPushButton, QSplitter, QTableView, QVBoxLayout

from planner.plan_index import monday

from .. import fmt
from ..changes import Changes
from ..widgets import bare_column, section_title
from ..charts import BarChart
from ..models import SessionProxyModel, SessionTableModel, TrainerTableModel
from . import Tab, register_tab
from .sessions import make_session_table

HIDDEN_IN_SCHEDULE = ("audience", "unit_id", "academie", "trainer", "participants", "window", "pinned", "title")


class TrainersTab(Tab):
    key, title = "trainers", "Formateurs"

    def __init__(self, window) -> None:
        super().__init__(window)
        self.selected: str | None = None
        self.model = TrainerTableModel(self)
        self.session_model = SessionTableModel(self)
        self.sessions_proxy = SessionProxyModel(self)
        self.sessions_proxy.setSourceModel(self.session_model)
        lay = QVBoxLayout(self)
        self.heading = section_title()
        lay.addWidget(self.heading)
        split = QSplitter(Qt.Orientation.Vertical)
        self.load_chart = BarChart("Charge des formateurs : sessions par semaine")
        split.addWidget(self.load_chart)
        bottom = QSplitter(Qt.Orientation.Horizontal)
        t = self.table = QTableView()
        t.setObjectName("trainerTable")
        t.setModel(self.model)
        t.setSortingEnabled(True)
        t.sortByColumn(4, Qt.SortOrder.DescendingOrder)
        t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        t.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        t.setAlternatingRowColors(True)
        t.setTextElideMode(Qt.TextElideMode.ElideRight)
        t.verticalHeader().setVisible(False)
        t.verticalHeader().setDefaultSectionSize(22)
        for col, width in enumerate([190, 80, 130, 150, 64, 60, 80, 80, 64]):
            t.setColumnWidth(col, width)
        t.selectionModel().currentRowChanged.connect(self._selected)
        t.selectionModel().selectionChanged.connect(
            lambda *_: self._selected(next(iter(t.selectionModel().selectedRows()), QModelIndex())))
        bottom.addWidget(t)
        self.sched_title = section_title("Emploi du temps : sélectionnez un formateur")
        right, rl = bare_column(self.sched_title)
        self.schedule = make_session_table(self.sessions_proxy, "trainerSessions", "trainerColumnsHidden",
                                           HIDDEN_IN_SCHEDULE)
        rl.addWidget(self.schedule, 1)
        row = QHBoxLayout()
        b1 = QPushButton("Calendrier")
        b1.setToolTip("Voir ce formateur dans l'onglet Calendrier")
        b1.clicked.connect(lambda: window.show_tab("calendar"))
        b2 = QPushButton("Sessions")
        b2.setToolTip("Filtrer l'onglet Sessions sur ce formateur")
        b2.clicked.connect(self._show_sessions)
        b3 = QPushButton("Imprimer…")
        b3.setToolTip("PDF du planning et de la convocation du formateur")
        b3.clicked.connect(lambda: window.printing.print_trainer())
        row.addStretch(1)
        for b in (b1, b2, b3):
            row.addWidget(b)
        rl.addLayout(row)
        bottom.addWidget(right)
        self.split = bottom
        split.addWidget(bottom)
        split.setSizes([250, 450])
        lay.addWidget(split, 1)

    def refresh(self, changes: Changes) -> None:
        if not (changes.scope or changes.data):
            return  # the calendar subject moved: that is this tab's own selection
        doc, scope = self.doc, self.window.scope
        self.selected = None
        if changes.data or self.session_model.pix is not doc.pix:
            self.session_model.set_plan(doc.pix, doc.six)
        sizes = self.split.sizes()
        if sum(sizes) > 0 and sizes[0] < 0.45 * sum(sizes):
            self.split.setSizes([int(sum(sizes) * 0.56), sum(sizes) - int(sum(sizes) * 0.56)])
        self.model.set_data(doc.pix, doc.six, scope)
        self.heading.setText(f"Formateurs qui interviennent — {doc.six.name(*scope)} : {fmt.num(self.model.rowCount())}")
        self.sessions_proxy.set_filters(scope=("trainer", "\x00none"))
        self.sched_title.setText("Emploi du temps : sélectionnez un formateur")
        self.update_load_chart(None)

    def status_text(self) -> str:
        return f"{fmt.num(self.model.rowCount())} formateurs" + (
            f", sélectionné : {self.selected}" if self.selected else "")

    def update_load_chart(self, tid: str | None) -> None:
        pix, six, scope = self.doc.pix, self.doc.six, self.window.scope
        idx = None if pix is None else (pix.indices(("trainer", tid)) if tid else pix.indices(scope))
        if idx is not None:
            idx = idx[pix.has_trainer[idx]]
        if idx is None or not len(idx):
            self.load_chart.set_data([], [])
            return
        d0 = monday(dt.date.fromordinal(int(pix.date_ord[idx].min())))
        wk = (pix.date_ord[idx] - d0.toordinal()) // 7
        nweeks = int(wk.max()) + 1
        weeks = [d0 + dt.timedelta(weeks=i) for i in range(nweeks)]
        tot_code = int(np.searchsorted(pix.kind_values, "tot")) if "tot" in pix.kind_values else -1
        is_tot = pix.kind_code[idx] == tot_code
        stacks = [("Étape 1 (formateurs locaux)", np.bincount(wk[~is_tot], minlength=nweeks).tolist(), "#1f77b4"),
                  ("Formation de formateurs (FdF)", np.bincount(wk[is_tot], minlength=nweeks).tolist(), "#9467bd")]
        cap = None
        if tid:
            t = six.trainers.get(tid)
            s = six.scenario.settings
            if t and t.role != "fdf" and s.max_per_local_trainer_per_week:
                cap = s.max_per_local_trainer_per_week
            self.load_chart.title = f"Charge de {t.name if t and t.name else tid} : sessions par semaine"
        else:
            self.load_chart.title = f"Charge des formateurs — {six.name(*scope)} : sessions par semaine"
        self.load_chart.set_data(weeks, stacks, cap)

    def _selected(self, cur: QModelIndex, _prev=None) -> None:
        if not cur.isValid():
            return
        tid = self.model.trainer_id(cur.row())
        if tid == self.selected:
            return
        self.selected = tid
        self.sessions_proxy.set_filters(scope=("trainer", tid))
        t = self.doc.six.trainers.get(tid)
        self.sched_title.setText(f"Emploi du temps de {t.name if t and t.name else tid} — "
                                 f"{fmt.num(self.sessions_proxy.rowCount())} sessions")
        self.update_load_chart(tid)
        self.window.set_calendar_subject(("trainer", tid))

    def _show_sessions(self) -> None:
        if self.selected:
            tab = self.window.tab("sessions")
            tab.set_trainer_filter(self.selected)
            self.window.show_tab("sessions")


register_tab(TrainersTab, order=40)
