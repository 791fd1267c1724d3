"""« Suivi » : mark sessions held or cancelled (one or many, or every planned session up to a date),
read a filled record sheet, and see planned against actual for the selected territory.

Statuses are written to the scenario file at once (:mod:`planner.followup`, one transaction per
action, each change in its history); every action is an undoable step of the window's history
(undo puts the file's statuses back exactly as they were). The plan's sessions carry the statuses
in memory (``status``, ``present``, ``held_date``) so that the other tabs and exports see them.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QDate, QModelIndex, Qt
from PySide6.QtGui import QColor, QPainter, QPen, QUndoCommand
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDateEdit, QFileDialog, QHBoxLayout, QHeaderView,
                               QInputDialog, QLabel, QMessageBox, QPushButton, QTableView, QVBoxLayout, QWidget)

from planner import followup as fu
from planner.rows import column
from planner.school_year import today

from .. import fmt
from ..changes import Changes
from ..models.base import RowMapProxy
from ..widgets import AfterFirstPaint, section_title
from . import Tab, register_tab

KINDS = ("tot", "step1", "step5")  # the sessions that have a sign-in sheet
SUMMARY_IN_BACKGROUND = 20_000  # rows beyond which the heading's figures and the curves are counted in the background
COLUMNS = [("session_id", "Session", 150), ("kind", "Étape", 124), ("unit", "Unité", 200), ("date", "Date prévue", 96),
           ("slot", "Horaire", 84), ("trainer", "Formateur", 110), ("participants", "Prévus", 56),
           ("status", "Statut", 70), ("held", "Tenue le", 86), ("present", "Présents", 60)]
KIND_SHORT = {"tot": "Form. formateurs", "step1": "Étape 1", "step5": "Étape 5"}
FILTERS = [("all", "Toutes"), ("planned", "Prévues"), ("late", "Passées, non saisies"), ("held", "Tenues"),
           ("cancelled", "Annulées")]


class FollowupModel(QAbstractTableModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.rows: list = []
        self.names: dict = {}
        self.today = today()

    def set_rows(self, rows: list, names: dict, today: dt.date) -> None:
        self.beginResetModel()
        self.rows, self.names, self.today = rows, names, today
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt API
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt API
        return len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802 - Qt API
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section][1]
        return None

    def value(self, s, key: str):
        if key == "unit":
            return self.names.get((s.unit_type, s.unit_id), s.unit_id)
        if key == "kind":
            return KIND_SHORT.get(s.kind, s.kind)
        if key == "date":
            return s.date
        if key == "slot":
            return f"{s.start}–{s.end}"
        if key == "trainer":
            return s.trainer_id
        if key == "status":
            return fu.STATUS_FR.get(s.status, s.status)
        if key == "held":
            return s.held_date
        if key == "present":
            return s.present
        return getattr(s, key)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        return self.cell(index.row(), index.column(), role) if index.isValid() else None

    def cell(self, row: int, column: int, role=Qt.ItemDataRole.DisplayRole):
        """What :meth:`data` answers for a cell (the proxy asks it here, without a model index of the source)."""
        s = self.rows[row]
        key = COLUMNS[column][0]
        v = self.value(s, key)
        if role == Qt.ItemDataRole.DisplayRole:
            if isinstance(v, dt.date):
                return v.strftime("%d/%m/%Y")
            return "" if v is None else str(v)
        if role == Qt.ItemDataRole.UserRole:  # sorting
            return _sort_value(v)
        if role == Qt.ItemDataRole.ForegroundRole and key == "status":
            if s.status == "held":
                return QColor("#1e7d32")
            if s.status == "cancelled":
                return QColor("#b3261e")
            if s.date < self.today:
                return QColor("#b26a00")
        if role == Qt.ItemDataRole.ToolTipRole and key == "status" and s.status == "planned" and s.date < self.today:
            return "Date passée, rien n'est saisi : en retard"
        return None


def _sort_value(v):
    """A cell's value as the table sorts it (dates by day, nothing first)."""
    return v.toordinal() if isinstance(v, dt.date) else (-1 if v is None else v)


_PLAIN = {"session_id": "session_id", "trainer": "trainer_id", "participants": "participants"}  # never None


def _column_keys(m: FollowupModel, key: str) -> list:
    """``[_sort_value(m.value(s, key)) for s in m.rows]``, the plain fields and the date read in C."""
    if key in _PLAIN:
        return column(m.rows, _PLAIN[key])
    if key == "date":
        return list(map(dt.date.toordinal, column(m.rows, "date")))
    return [_sort_value(m.value(s, key)) for s in m.rows]


class _Proxy(RowMapProxy):
    """The follow-up's rows filtered and sorted in Python, each key read once per row (a QSortFilterProxyModel
    asked the model for two values per comparison: 1.7 million calls, ten seconds on the window's thread, for the
    77,000 rows of a national plan). Sorts are stable, as Qt's."""

    COLUMNS = len(COLUMNS)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.mode = "all"
        self._sort: tuple[int, Qt.SortOrder] | None = None  # (column, order); None: the model's order
        self._keys: dict[int, list] = {}  # column → sort value of each source row, made on first sort
        self._map: list[int] = []  # proxy row → source row
        self._inv = None  # source row → proxy row (RowMapProxy.mapFromSource)

    def setSourceModel(self, model) -> None:  # noqa: N802 - Qt API
        super().setSourceModel(model)
        model.modelReset.connect(self._reset)
        self._reset()

    def set_mode(self, mode: str) -> None:
        self.mode = mode
        self.beginResetModel()
        self._rebuild()
        self.endResetModel()

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        if column < 0 or column >= len(COLUMNS):
            return
        self.layoutAboutToBeChanged.emit()
        self._sort = (column, order)
        self._rebuild()
        self.layoutChanged.emit()

    def _reset(self) -> None:
        self.beginResetModel()
        self._keys = {}
        self._rebuild()
        self.endResetModel()

    def _rebuild(self) -> None:
        m = self.sourceModel()
        rows, today = m.rows, m.today
        if self.mode == "all":
            keep = list(range(len(rows)))
        elif self.mode == "late":
            keep = [i for i, s in enumerate(rows) if s.status == "planned" and s.date < today]
        else:
            keep = [i for i, s in enumerate(rows) if s.status == self.mode]
        if self._sort is not None:
            column, order = self._sort
            keys = self._keys.get(column)
            if keys is None:
                keys = self._keys[column] = _column_keys(m, COLUMNS[column][0])
            keep.sort(key=keys.__getitem__, reverse=order == Qt.SortOrder.DescendingOrder)
        self._map = keep
        self._inv = None

    # QAbstractProxyModel API (the rest: RowMapProxy)
    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= len(self._map):
            return None
        return self.sourceModel().cell(self._map[index.row()], index.column(), role)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802 - Qt API
        if orientation == Qt.Orientation.Vertical:
            return None
        return self.sourceModel().headerData(section, orientation, role)


def legend(teachers: int) -> str:
    """What the chart's curves count — teachers only, the heading above counts every person — and its lines."""
    return (f'Courbes : enseignants formés en cumul, sur {fmt.num(teachers)} à former — '
            '<span style="color:#9ec5e8">╌╌</span> prévus, <span style="color:#1f4e79">━━</span> présents aux '
            'sessions tenues')


class CoverageChart(QWidget):
    """Cumulative teachers trained: planned (dashed) and actual (solid), with today's line."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setMinimumHeight(120)
        self.setToolTip("Enseignants formés à l'étape 1, cumulés semaine par semaine : prévus (tirets) et présents "
                        "aux sessions tenues (trait plein). Les personnels de direction et les inspecteurs sont "
                        "comptés dans le titre au-dessus, pas dans ces courbes.")
        self.planned: list = []
        self.actual: list = []
        self.total = 0
        self.today: dt.date | None = None
        self.empty_text = "Aucune session d'enseignants"

    def set_data(self, planned, actual, total, today, empty_text: str = "Aucune session d'enseignants") -> None:
        """``empty_text``: what an empty chart says (« Décompte… » while the curves are counted)."""
        self.planned, self.actual, self.total, self.today = planned, actual, total, today
        self.empty_text = empty_text
        self.update()

    def paintEvent(self, _e) -> None:  # noqa: N802 - Qt API
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        r = self.rect().adjusted(50, 8, -12, -18)
        p.setPen(QPen(QColor("#b8c2cc")))
        p.drawRect(r)
        pts = self.planned + self.actual
        if not pts or not self.total:
            p.drawText(r, Qt.AlignmentFlag.AlignCenter, self.empty_text)
            return
        first = min(d for d, _ in pts)
        last = max([d for d, _ in pts] + ([self.today] if self.today else []))
        span = max(7, (last - first).days + 7)
        ymax = max(self.total, max(n for _, n in pts))

        def xy(d, n):
            return (r.left() + r.width() * (d - first).days / span, r.bottom() - r.height() * n / ymax)

        p.drawText(4, r.top() + 10, fmt.num(ymax))
        p.drawText(4, r.bottom(), "0")
        for series, color, style in ((self.planned, "#9ec5e8", Qt.PenStyle.DashLine),
                                     (self.actual, "#1f4e79", Qt.PenStyle.SolidLine)):
            pen = QPen(QColor(color), 2, style)
            p.setPen(pen)
            prev = (r.left() + r.width() * (series[0][0] - first).days / span, r.bottom()) if series else None
            level = 0
            for d, n in series:
                x, _ = xy(d, level)
                p.drawLine(int(prev[0]), int(prev[1]), int(x), int(prev[1]))
                y = xy(d, n)[1]
                p.drawLine(int(x), int(prev[1]), int(x), int(y))
                prev, level = (x, y), n
        fm = p.fontMetrics()
        # the axis's first and last days under it, today's beside its line: under the axis too unless it would run
        # into one of them (planning from yesterday: « 30/11/2026 » and « aujourd'hui 01/12 » were one smudge), then
        # at the top of its line
        start, end = first.strftime("%d/%m/%Y"), (first + dt.timedelta(days=span)).strftime("%d/%m/%Y")
        taken = [(r.left(), r.left() + fm.horizontalAdvance(start)),
                 (r.right() - fm.horizontalAdvance(end), r.right())]
        if self.today:
            x = xy(self.today, 0)[0]
            p.setPen(QPen(QColor("#c0392b"), 1))
            p.drawLine(int(x), r.top(), int(x), r.bottom())
            label = f"aujourd'hui {self.today.strftime('%d/%m')}"
            w = fm.horizontalAdvance(label)
            lx = int(x) + 3 if int(x) + 3 + w <= self.width() - 2 else int(x) - 3 - w  # left of the line at the edge
            under = not any(lx < b + 6 and a < lx + w + 6 for a, b in taken)
            p.drawText(lx, r.bottom() + 14 if under else r.top() + fm.ascent() + 2, label)
        p.setPen(QColor("#5f6b76"))
        p.drawText(r.left(), r.bottom() + 14, start)
        if taken[1][0] > taken[0][1] + 12:
            p.drawText(int(taken[1][0]), r.bottom() + 14, end)


class StatusCommand(QUndoCommand):
    """Record a batch of statuses in the scenario file; undo puts the file's statuses back exactly."""

    def __init__(self, tab: "FollowupTab", changes: list, text: str, batch: str | None = None) -> None:
        super().__init__(text)
        self.tab, self.changes, self.batch = tab, changes, batch
        self.first = batch is not None  # already recorded (a record sheet): the first redo does nothing

    def redo(self) -> None:
        if self.first:
            self.first = False
        else:
            self.batch = self.tab.write(lambda st: fu.set_statuses(st, self.changes, note="fenêtre"))
        self.tab.statuses_changed(self.text())

    def undo(self) -> None:
        if self.batch:
            self.tab.write(lambda st: fu.undo_batch(st, self.batch))
        self.tab.statuses_changed(f"Annulé : {self.text()}")


class FollowupTab(Tab):
    key, title = "followup", "Suivi"

    def __init__(self, window) -> None:
        super().__init__(window)
        self.today = today()
        self._version = 0  # statuses read again from the file: counted, so that an older summary is not shown
        lay = QVBoxLayout(self)
        self.heading = section_title()
        lay.addWidget(self.heading)
        self.chart = CoverageChart()
        self.legend = QLabel()
        self.legend.setObjectName("followupLegend")
        self.legend.setStyleSheet("color: #5f6b76")
        lay.addWidget(self.legend)
        lay.addWidget(self.chart)
        bar = QHBoxLayout()
        self.filter = QComboBox()
        self.filter.setObjectName("followupFilter")
        for k, label in FILTERS:
            self.filter.addItem(label, k)
        self.filter.currentIndexChanged.connect(lambda _i: self.proxy.set_mode(self.filter.currentData()))
        bar.addWidget(QLabel("Afficher :"))
        bar.addWidget(self.filter)
        self.b_held = QPushButton("Tenue(s)")
        self.b_held.setToolTip("Les sessions sélectionnées ont eu lieu à leur date, avec les présents prévus "
                               "(corrigez ensuite le nombre de présents)")
        self.b_held.clicked.connect(self.mark_held)
        self.b_cancel = QPushButton("Annulée(s)")
        self.b_cancel.clicked.connect(self.mark_cancelled)
        self.b_planned = QPushButton("Remettre « prévue »")
        self.b_planned.clicked.connect(self.mark_planned)
        self.b_present = QPushButton("Présents…")
        self.b_present.clicked.connect(self.edit_present)
        for b in (self.b_held, self.b_cancel, self.b_planned, self.b_present):
            bar.addWidget(b)
        bar.addStretch(1)
        lay.addLayout(bar)
        bar2 = QHBoxLayout()
        bar2.addWidget(QLabel("Toutes les sessions prévues jusqu'au"))
        self.until = QDateEdit()
        self.until.setObjectName("followupUntil")
        self.until.setCalendarPopup(True)
        self.until.setDisplayFormat("dd/MM/yyyy")
        self.until.setDate(QDate(self.today.year, self.today.month, self.today.day))
        bar2.addWidget(self.until)
        self.b_until = QPushButton("sont tenues")
        self.b_until.clicked.connect(lambda: self.mark_held_until(self.until.date().toPython()))
        bar2.addWidget(self.b_until)
        self.b_import = QPushButton("Lire une fiche de suivi…")
        self.b_import.setToolTip("CSV ou XLSX : session_id, statut, date, presents, noms (fiche exportée par "
                                 "« export --kind suivi »)")
        self.b_import.clicked.connect(self.import_sheet)
        bar2.addWidget(self.b_import)
        bar2.addStretch(1)
        lay.addLayout(bar2)
        self.model = FollowupModel(self)
        self.proxy = _Proxy(self)
        self.proxy.setSourceModel(self.model)
        t = self.table = QTableView()
        t.setObjectName("followupTable")
        t.setModel(self.proxy)
        t.setSortingEnabled(True)
        t.setAlternatingRowColors(True)
        t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        t.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        t.verticalHeader().setVisible(False)
        t.verticalHeader().setDefaultSectionSize(22)
        t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for i, (_k, _l, w) in enumerate(COLUMNS):
            t.setColumnWidth(i, w)
        t.horizontalHeader().setStretchLastSection(True)
        lay.addWidget(t, 1)

    # ------------------------------------------------------------------ reading
    def refresh(self, changes: Changes) -> None:
        if not (changes.data or changes.scope or changes.check or changes.lists):
            return
        doc = self.doc
        if doc.pix is None or doc.plan is None:
            self.model.set_rows([], {}, self.today)
            self.heading.setText("Aucun plan : planifiez (F5), puis enregistrez le scénario pour suivre les sessions.")
            self.chart.set_data([], [], 0, self.today)
            self.legend.setText("")
            return
        if not doc.plan.sessions_made:  # a plan just read from a file: its sessions are made behind,
            self.model.set_rows([], {}, self.today)        # this tab follows them (Changes.lists) instead of waiting
            self.heading.setText(f"Lecture des {fmt.num(doc.plan.session_count)} sessions du plan pour le suivi…")
            self.chart.set_data([], [], 0, self.today, "Lecture des sessions du plan…")
            self.legend.setText("")
            return
        sessions, pix = doc.plan.sessions, doc.pix
        idx = pix.indices(self.window.scope)
        idx = idx[np.isin(pix.kind_code[idx], [i for i, k in enumerate(pix.kind_values.tolist()) if k in KINDS])]
        rows = [sessions[i] for i in idx.tolist()]
        six = doc.six

        def unit_names() -> dict:
            names = {(u.unit_type, u.unit_id): u.name for u in doc.plan.units}
            if six is not None:  # a training of trainers is the académie's: its name, not its code
                names.update({("academie", a.code): six.name("academie", a.code) for a in six.scenario.academies})
            return names

        self.model.set_rows(rows, pix.memo(("followup_unit_names", six.serial if six else 0), unit_names), self.today)
        self._summary(rows)

    def _summary(self, rows: list) -> None:
        """The heading's figures and the curves of the territory's rows: computed here for a few thousand rows, in
        the background beyond :data:`SUMMARY_IN_BACKGROUND` (the nation's 77,000: a quarter of a second and more),
        shown if the territory, the plan and its statuses are still those."""
        from planner.plan import Plan

        today, doc = self.today, self.doc
        scope = self.window.scope
        name = doc.six.name(*scope) if doc.six else ""

        def compute() -> tuple:
            part = Plan(sessions=rows)
            return fu.progress(part, today, levels=False).nation, fu.coverage_curves(part)  # the nation's figures

        if len(rows) <= SUMMARY_IN_BACKGROUND:
            self._show_summary(name, *compute())
            return
        key = (scope, doc.pix, self._version)
        self.heading.setText(f"{name} : décompte du suivi de {fmt.num(len(rows))} sessions…")
        self.legend.setText("")
        self.chart.set_data([], [], 0, today, "Décompte des enseignants formés…")  # not another territory's curves

        def done(res: tuple) -> None:
            if (self.window.scope, self.doc.pix, self._version) == key:  # nothing changed meanwhile
                self._show_summary(name, *res)

        def start() -> None:  # once the table is painted: counted sooner, it took turns with that paint for the lock
            if (self.window.scope, self.doc.pix, self._version) == key:
                self.window.ops.run(lambda _progress, _stop: compute(), name="followup", success=done)

        AfterFirstPaint(self.table.viewport(), start, latest_ms=200)

    def _show_summary(self, name: str, n, curves: tuple) -> None:
        where = "" if self.doc.path else " — enregistrez le scénario (Ctrl+S) pour saisir le suivi"
        self.heading.setText(
            f"{name} : {fmt.num(n.held)} sessions d'étape 1 tenues sur {fmt.num(n.planned_sessions)} prévues "
            f"({fmt.num(n.planned_to_date)} prévues à ce jour), {fmt.num(n.cancelled)} annulée(s), "
            f"{fmt.num(n.late)} en retard ; {fmt.num(n.trained)} personnes formées sur {fmt.num(n.people)} "
            f"({fmt.pct(n.share_trained)}).{where}")
        planned, actual, total = curves
        self.legend.setText(legend(total))
        self.chart.set_data(planned, actual, total, self.today)

    def status_text(self) -> str:
        return f"{fmt.num(self.model.rowCount())} sessions à suivre"

    def selected(self) -> list:
        rows = {self.proxy.mapToSource(i).row() for i in self.table.selectionModel().selectedRows()}
        return [self.model.rows[r] for r in sorted(rows)]

    # ------------------------------------------------------------------ writing
    def write(self, fn):
        from planner.store import ScenarioStore

        with ScenarioStore(self.doc.path, create=False) as st:
            return fn(st)

    def statuses_changed(self, message: str) -> None:
        """Re-read the file's statuses onto the plan's sessions, then refresh."""
        from planner.store import ScenarioStore

        with ScenarioStore(self.doc.path, create=False) as st:
            fu.apply_statuses(self.doc.plan, fu.load_statuses(st))
        self._version += 1  # a summary computed meanwhile is not shown
        self.refresh(Changes(plan=True))
        self.window.set_status(message)

    def _can_write(self) -> bool:
        """A scenario file to write to (else said), whose current plan is the one shown (:meth:`_plan_into_file`)."""
        if not self.doc.path:
            QMessageBox.information(self, "Suivi", "Enregistrez d'abord le scénario (Ctrl+S) : le suivi est "
                                                   "conservé dans le fichier de scénario, avec son historique.")
            return False
        return True

    def _plan_into_file(self, then: Callable[[], None]) -> None:
        """Statuses refer to the file's current plan: a plan solved or edited since the file was saved becomes it
        first (as ``solve --scenario FILE`` does), so that « Planifier » re-plans around what is shown. Written in
        the background (a national plan: a second of work; only the académies that changed when the file holds
        the plan it came from), then ``then`` runs; at once when the file holds it already."""
        doc, w = self.doc, self.window
        if doc.plan is None or doc.plan_in_file:
            then()
            return
        if w.ops.find("save") is not None:
            w.set_status("Un enregistrement est en cours : refaites la saisie du suivi dans un instant.")
            return
        from planner.store import ScenarioStore

        plan, stale, path = doc.plan, doc.plan_stale, doc.path
        write = doc.plan_writer(path, plan, {"stale": stale})

        def run(progress, _stop):
            progress((0.1, f"Enregistrement du plan affiché ({fmt.num(len(plan.sessions))} sessions) avant le suivi…"))
            with ScenarioStore(path, create=False) as st:
                write(st)
            return plan

        def done(_plan) -> None:
            if doc.plan is not plan or doc.path != path:  # another plan or file meanwhile: nothing recorded
                w.set_status("Le plan a changé pendant son enregistrement : le suivi n'est pas saisi, refaites-le.")
                return
            doc.plan_written(path, plan, stale)
            then()

        w.set_status("Enregistrement du plan affiché dans le fichier avant le suivi…")
        w.ops.run(run, name="save", success=done, failure=lambda msg: w.error(f"Suivi impossible :\n{msg}"))

    def push(self, changes: list, text: str) -> None:
        if changes and self._can_write():
            self._plan_into_file(lambda: self.doc.undo_stack.push(StatusCommand(self, changes, text)))

    def mark_held(self, sessions: list | None = None) -> list[str]:
        """Held on their planned date with the planned participants present; refuses the future ones
        and those already held (returns the French reasons)."""
        ss = self.selected() if sessions is None else sessions
        gs = self.doc.scenario.settings.group_size if self.doc.scenario else 15
        refused = [f"{s.session_id} : le {s.date.strftime('%d/%m/%Y')} n'est pas encore passé" for s in ss
                   if s.date > self.today]
        ok = [s for s in ss if s.date <= self.today and s.status != "held"]
        self.push([fu.SessionStatus(s.session_id, "held", s.date, min(s.participants, max(gs, s.participants)))
                   for s in ok], f"Suivi : {len(ok)} session(s) tenue(s)")
        if refused:
            self.window.set_status(f"{len(refused)} session(s) futures non marquées : {refused[0]}")
        return refused

    def mark_held_until(self, until: dt.date) -> int:
        """« Toutes les sessions planifiées jusqu'au … sont tenues » (never after today)."""
        last = min(until, self.today)
        ss = [s for s in self.model.rows if s.status == "planned" and s.date <= last]
        self.mark_held(ss)
        return len(ss)

    def mark_cancelled(self, sessions: list | None = None) -> None:
        ss = [s for s in (self.selected() if sessions is None else sessions) if s.status != "cancelled"]
        self.push([fu.SessionStatus(s.session_id, "cancelled") for s in ss],
                  f"Suivi : {len(ss)} session(s) annulée(s)")

    def mark_planned(self, sessions: list | None = None) -> None:
        ss = [s for s in (self.selected() if sessions is None else sessions) if s.status != "planned"]
        self.push([fu.SessionStatus(s.session_id) for s in ss], f"Suivi : {len(ss)} session(s) remise(s) en prévue")

    def edit_present(self, session=None, value: int | None = None) -> None:
        ss = [session] if session is not None else self.selected()
        if len(ss) != 1 or ss[0].status != "held":
            QMessageBox.information(self, "Suivi", "Choisissez une session tenue.")
            return
        s = ss[0]
        gs = self.doc.scenario.settings.group_size if self.doc.scenario else 15
        if value is None:
            value, ok = QInputDialog.getInt(self, "Présents", f"Présents à {s.session_id} :", s.present or 0, 1, gs)
            if not ok:
                return
        self.push([fu.SessionStatus(s.session_id, "held", s.held_date or s.date, int(value))],
                  f"Suivi : {value} présents à {s.session_id}")

    def import_sheet(self, path: str | None = None) -> fu.RecordResult | None:
        """« Lire une fiche de suivi »: its statuses recorded in the file. When the plan shown is not the file's yet,
        it is written there first, in the background, and the sheet read once it is (nothing is returned then)."""
        if not self._can_write():
            return None
        if path is None:
            path, _ = QFileDialog.getOpenFileName(self, "Lire une fiche de suivi", self.doc.last_dir(),
                                                  "Fiches de suivi (*.csv *.xlsx)")
            if not path:
                return None
        if self.doc.plan is not None and not self.doc.plan_in_file:
            self._plan_into_file(lambda: self._record_sheet(path))
            return None
        return self._record_sheet(path)

    def _record_sheet(self, path: str) -> fu.RecordResult | None:
        try:
            res = self.write(lambda st: fu.record_file(st, path, today=self.today))
        except fu.RecordError as exc:
            QMessageBox.warning(self, "Suivi", str(exc))
            return None
        text = f"Suivi : fiche {path.rsplit('/', 1)[-1]} ({res.held} tenue(s), {res.cancelled} annulée(s))"
        if res.batch:
            self.doc.undo_stack.push(StatusCommand(self, [], text, batch=res.batch))
        if res.rejected:
            QMessageBox.warning(self, "Suivi", f"{len(res.rejected)} ligne(s) refusée(s) :\n"
                                + "\n".join(r.message for r in res.rejected[:15]))
        return res


register_tab(FollowupTab, order=55)
