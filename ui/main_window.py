"""Main window: territory tree, tabs (overview, sessions, calendar, trainers, unplaced), settings dock.

The window holds the scenario and the current plan; views read them through Qt item models
(:mod:`ui.models`). Solving, re-planning, importing and batch exports run in worker threads
(:mod:`ui.workers`); every edit (settings, pins, solves) goes through a QUndoStack.
"""
from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np
from pydantic import ValidationError
from PySide6.QtCore import QEventLoop, QModelIndex, QSettings, QSize, QSortFilterProxyModel, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QUndoCommand, QUndoStack
from PySide6.QtWidgets import (QAbstractItemView, QApplication, QCheckBox, QComboBox, QDockWidget, QFileDialog,
                               QFrame, QGridLayout, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QMainWindow, QMenu,
                               QMessageBox, QPushButton, QSpinBox, QSplitter, QTableView, QTabWidget, QToolBar,
                               QTreeView, QUndoView, QVBoxLayout, QWidget)

from planner.models import Pin, Scenario, french_errors
from planner.plan import Plan
from planner.scenario_io import load_scenario
from planner.settings import AUDIENCE_LABELS, Settings

from . import fmt
from .calendar_view import CalendarPanel
from .charts import BarChart, LineChart
from .commands import PinCommand, RoadmapCommand, SettingCommand
from .dialogs import AboutDialog, BatchExportDialog, SlotChooserDialog, SolveProgressDialog
from .models import (SCOPE_ROLE, SORT_ROLE, HeatmapModel, MonthHeader, SessionProxyModel, SessionTableModel, TerritoryFilter,
                     TerritoryModel, TrainerTableModel, UnplacedTableModel)
from .planindex import NATION, PlanIndex, ScenarioIndex, Scope, monday
from .roadmap_dialog import RoadmapChoicesDialog
from .settings_panel import SettingsPanel
from .workers import TaskThread


APP_TITLE = "Planificateur IA"
SCENARIO_FILTER = "Scénarios (*.sqlite *.planif *.db *.json);;Tous les fichiers (*)"
MAX_RECENT = 8
TAB_OVERVIEW, TAB_SESSIONS, TAB_CALENDAR, TAB_TRAINERS, TAB_UNPLACED = range(5)
TAB_NAMES = ["Vue d'ensemble", "Sessions", "Calendrier", "Formateurs", "Non planifiées"]
AUD_GROUPS = [("Enseignants 1er degré", ("teachers_1d",), "#2e8b57"),
              ("Enseignants 2nd degré", ("teachers_2d",), "#1f77b4"),
              ("Cadres", ("perdir", "inspectors"), "#b5651d")]


class PlanCommand(QUndoCommand):
    """A new plan (a solve) as an undoable step: undo brings the previous plan back."""

    def __init__(self, window, old_plan, new_plan, text: str) -> None:
        super().__init__(text)
        self.window, self.old, self.new = window, old_plan, new_plan

    def redo(self) -> None:
        self.window.set_plan(self.new, self.text())

    def undo(self) -> None:
        self.window.set_plan(self.old, f"Annulé : {self.text()}")


def merge_plan(old: Plan | None, new: Plan, academie: str | None, six: ScenarioIndex) -> Plan:
    """Put the plan of one académie into the current plan (other académies are kept)."""
    if old is None or academie is None or not old.sessions:
        return new
    other = [s for s in old.sessions if s.academie != academie]
    if not other:
        return new

    def acad_of(u: dict) -> str | None:
        k = (u.get("unit_type", ""), str(u.get("unit_id", "")))
        return u.get("academie") or six.unit_academie.get(k) or (k[1] if k[0] == "academie" else None)

    report = dict(new.report)
    report["unplaced"] = [u for u in old.unplaced if acad_of(u) != academie] + list(new.unplaced)
    report["merged_from"] = "plan de plusieurs calculs (académie par académie)"
    return Plan(sessions=other + list(new.sessions),
                trainers=[t for t in old.trainers if t.academie != academie] + list(new.trainers),
                units=[u for u in old.units if u.academie != academie] + list(new.units),
                report=report)


class Card(QFrame):
    """A key figure: caption, big value, small note."""

    def __init__(self, caption: str, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(10, 6, 10, 6)
        lay.setSpacing(0)
        self.caption = QLabel(caption)
        self.caption.setObjectName("cardCaption")
        self.caption.setWordWrap(True)
        self.value = QLabel("—")
        self.value.setObjectName("cardValue")
        self.note = QLabel("")
        self.note.setObjectName("cardNote")
        self.note.setWordWrap(True)
        for w in (self.caption, self.value, self.note):
            lay.addWidget(w)

    def set(self, value: str, note: str = "", tip: str = "") -> None:
        self.value.setText(value)
        self.note.setText(note)
        self.setToolTip(tip)


class MainWindow(QMainWindow):
    def __init__(self, scenario_spec: str | None = None, restore_last: bool = False) -> None:
        super().__init__()
        t0 = time.perf_counter()
        self.qsettings = QSettings()
        self.undo_stack = QUndoStack(self)
        self.scenario: Scenario | None = None
        self.six: ScenarioIndex | None = None
        self.plan: Plan | None = None
        self.pix: PlanIndex | None = None
        self.findings: list = []
        self.scenario_path: str | None = None
        self.scope: Scope = NATION
        self.calendar_subject: tuple[str, object] = ("unit", NATION)
        self.plan_stale = False
        self.last_solve_seconds: float | None = None
        self._threads: set[TaskThread] = set()
        self.solve_thread: TaskThread | None = None
        self.progress_dialog: SolveProgressDialog | None = None
        self.slot_dialog: SlotChooserDialog | None = None
        self.batch_dialog: BatchExportDialog | None = None
        self.roadmap_dialog: RoadmapChoicesDialog | None = None
        self.roadmap_scope: Scope | None = None
        self._dirty_tabs: set[int] = set(range(5))
        self.setWindowTitle(APP_TITLE)
        self._build_models()
        self._build_ui()
        self._build_actions()
        self._build_menus()
        self._apply_style()
        spec = scenario_spec
        if spec is None and restore_last:
            last = self.qsettings.value("lastScenario", "", type=str)
            if last and Path(last).exists():
                spec = last
        try:
            self.open_scenario_spec(spec)
        except Exception as exc:  # noqa: BLE001 - fall back on the national reference, say why
            self.open_scenario_spec(None)
            self.set_status(f"Impossible de rouvrir le dernier scénario ({exc}) : référence nationale chargée.")
        self.resize(1400, 900)
        self.autosave_timer = QTimer(self)
        self.autosave_timer.setInterval(120_000)
        self.autosave_timer.timeout.connect(self.autosave_now)
        self.autosave_timer.start()
        if restore_last:
            QTimer.singleShot(0, self._offer_recovery)
        self.startup_seconds = time.perf_counter() - t0

    # ================================================================ construction
    def _build_models(self) -> None:
        self.territory_model = TerritoryModel(self)
        self.territory_filter = TerritoryFilter(self)
        self.territory_filter.setSourceModel(self.territory_model)
        self.session_model = SessionTableModel(self)
        self.session_proxy = SessionProxyModel(self)
        self.session_proxy.setSourceModel(self.session_model)
        self.trainer_sessions_proxy = SessionProxyModel(self)
        self.trainer_sessions_proxy.setSourceModel(self.session_model)
        self.trainer_model = TrainerTableModel(self)
        self.unplaced_model = UnplacedTableModel(self)
        self.unplaced_sort = QSortFilterProxyModel(self)
        self.unplaced_sort.setSourceModel(self.unplaced_model)
        self.unplaced_sort.setSortRole(SORT_ROLE)
        self.heatmap_model = HeatmapModel(self)

    def _build_ui(self) -> None:
        # ---- left: territory tree with search
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(4, 4, 0, 4)
        self.search = QLineEdit()
        self.search.setObjectName("territorySearch")
        self.search.setPlaceholderText("Rechercher un nom ou un UAI (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search_timer = QTimer(self)
        self.search_timer.setSingleShot(True)
        self.search_timer.setInterval(200)
        self.search_timer.timeout.connect(self._run_search)
        self.search.textChanged.connect(lambda _t: self.search_timer.start())
        self.search.returnPressed.connect(self._run_search)
        self.search_info = QLabel("")
        self.search_info.setObjectName("searchInfo")
        self.tree = QTreeView()
        self.tree.setObjectName("territoryTree")
        self.tree.setModel(self.territory_filter)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.header().setStretchLastSection(False)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.tree.header().setSectionResizeMode(1, QHeaderView.ResizeMode.Fixed)
        self.tree.header().setSectionResizeMode(2, QHeaderView.ResizeMode.Fixed)
        self.tree.header().resizeSection(1, 62)
        self.tree.header().resizeSection(2, 70)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.selectionModel().currentChanged.connect(self._tree_current_changed)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._tree_context_menu)
        ll.addWidget(self.search)
        ll.addWidget(self.search_info)
        ll.addWidget(self.tree, 1)

        # ---- centre: tabs
        self.tabs = QTabWidget()
        self.tabs.setObjectName("mainTabs")
        self.tabs.addTab(self._build_overview(), TAB_NAMES[0])
        self.tabs.addTab(self._build_sessions(), TAB_NAMES[1])
        self.calendar = CalendarPanel()
        self.calendar.canvas.describe = self._describe_session
        self.calendar.canvas.tooltip = self._session_tooltip
        self.tabs.addTab(self.calendar, TAB_NAMES[2])
        self.tabs.addTab(self._build_trainers(), TAB_NAMES[3])
        self.tabs.addTab(self._build_unplaced(), TAB_NAMES[4])
        self.tabs.currentChanged.connect(self._tab_changed)

        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(self.tabs)
        split.setStretchFactor(0, 0)
        split.setStretchFactor(1, 1)
        left.setMinimumWidth(260)
        split.setSizes([350, 1050])
        self.setCentralWidget(split)

        # ---- right dock: settings
        self.settings_panel = SettingsPanel(lambda: self.scenario.settings if self.scenario else Settings())
        self.settings_panel.editRequested.connect(self.request_setting)
        self.settings_dock = QDockWidget("Paramètres", self)
        self.settings_dock.setObjectName("settingsDock")
        wrap = QWidget()
        wl = QVBoxLayout(wrap)
        wl.setContentsMargins(0, 0, 0, 0)
        note = QLabel("Les modifications valent pour le prochain calcul (F5). Survolez un libellé pour son explication.")
        note.setWordWrap(True)
        note.setObjectName("dockNote")
        wl.addWidget(note)
        wl.addWidget(self.settings_panel, 1)
        self.settings_dock.setWidget(wrap)
        self.settings_dock.setMinimumWidth(300)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.settings_dock)
        self.history_dock = QDockWidget("Historique des modifications", self)
        self.history_dock.setObjectName("historyDock")
        uv = QUndoView(self.undo_stack)
        uv.setEmptyLabel("Scénario chargé")
        self.history_dock.setWidget(uv)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.history_dock)
        self.tabifyDockWidget(self.settings_dock, self.history_dock)
        self.settings_dock.raise_()
        self.resizeDocks([self.settings_dock], [345], Qt.Orientation.Horizontal)

        # ---- status bar
        self.status_label = QLabel("")
        self.status_label.setObjectName("statusWhat")
        self.plan_label = QLabel("Aucun plan")
        self.plan_label.setObjectName("statusPlan")
        self.statusBar().addWidget(self.status_label, 1)
        self.statusBar().addPermanentWidget(self.plan_label)

    def _build_overview(self) -> QWidget:
        w = QWidget()
        lay = QVBoxLayout(w)
        self.ov_title = QLabel("France entière")
        self.ov_title.setObjectName("overviewTitle")
        self.ov_subtitle = QLabel("")
        self.ov_subtitle.setObjectName("overviewSubtitle")
        self.ov_subtitle.setWordWrap(True)
        lay.addWidget(self.ov_title)
        lay.addWidget(self.ov_subtitle)
        grid = QGridLayout()
        grid.setSpacing(8)
        self.cards: dict[str, Card] = {}
        for i, (key, cap) in enumerate([
            ("people", "Personnes à former (étape 1)"), ("needed", "Sessions nécessaires"),
            ("placed", "Sessions planifiées"), ("unplaced", "Non planifiées"),
            ("trainers", "Formateurs mobilisés"), ("hours", "Heures de formation"),
            ("half", "Moitié des personnes formées le"), ("done", "Tout le monde formé le"),
        ]):
            c = Card(cap)
            c.setObjectName("card")
            grid.addWidget(c, i // 4, i % 4)
            self.cards[key] = c
        lay.addLayout(grid)
        split = QSplitter(Qt.Orientation.Vertical)
        self.coverage_chart = LineChart("Couverture : part des personnes formées (étape 1) au fil du temps")
        self.coverage_chart.empty_text = "Aucun plan : planifiez l'académie sélectionnée (F5) ou la France (Maj+F5)"
        split.addWidget(self.coverage_chart)
        hm = QWidget()
        hl = QVBoxLayout(hm)
        hl.setContentsMargins(0, 0, 0, 0)
        self.heatmap_title = QLabel("Sessions par semaine")
        self.heatmap_title.setObjectName("sectionTitle")
        hl.addWidget(self.heatmap_title)
        self.heatmap = QTableView()
        self.heatmap.setObjectName("heatmap")
        self.heatmap.setHorizontalHeader(MonthHeader(self.heatmap))
        self.heatmap.setModel(self.heatmap_model)
        self.heatmap.setShowGrid(False)
        self.heatmap.horizontalHeader().setDefaultSectionSize(15)
        self.heatmap.horizontalHeader().setMinimumSectionSize(8)
        self.heatmap.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.heatmap.verticalHeader().setDefaultSectionSize(17)
        self.heatmap.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.heatmap.verticalHeader().setMaximumWidth(260)
        self.heatmap.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.heatmap.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.heatmap.doubleClicked.connect(lambda i: self.select_scope(self.heatmap_model.scope_at(i.row())))
        self.heatmap.verticalHeader().sectionDoubleClicked.connect(
            lambda r: self.select_scope(self.heatmap_model.scope_at(r)))
        hl.addWidget(self.heatmap, 1)
        split.addWidget(hm)
        split.setSizes([300, 330])
        lay.addWidget(split, 1)
        return w

    def _build_sessions(self) -> QWidget:
        w = QWidget()
        lay = QVBoxLayout(w)
        bar = QHBoxLayout()
        self.session_search = QLineEdit()
        self.session_search.setObjectName("sessionSearch")
        self.session_search.setPlaceholderText("Filtrer : unité, UAI, formateur, date (jj/mm/aaaa)…")
        self.session_search.setClearButtonEnabled(True)
        self.session_timer = QTimer(self)
        self.session_timer.setSingleShot(True)
        self.session_timer.setInterval(250)
        self.session_timer.timeout.connect(self._apply_session_filters)
        self.session_search.textChanged.connect(lambda _t: self.session_timer.start())
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
        self.pinned_filter = QCheckBox("Épinglées seulement")
        for c in (self.kind_filter, self.aud_filter, self.win_filter):
            c.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            c.setMinimumContentsLength(9)
            c.currentIndexChanged.connect(lambda _i: self._apply_session_filters())
        self.pinned_filter.toggled.connect(lambda _b: self._apply_session_filters())
        self.trainer_chip = QPushButton("")
        self.trainer_chip.setObjectName("trainerChip")
        self.trainer_chip.setToolTip("Retirer le filtre par formateur")
        self.trainer_chip.hide()
        self.trainer_chip.clicked.connect(lambda: self.set_session_trainer_filter(""))
        bar.addWidget(self.session_search, 2)
        bar.addWidget(self.kind_filter)
        bar.addWidget(self.aud_filter)
        bar.addWidget(self.win_filter)
        bar.addWidget(self.pinned_filter)
        bar.addWidget(self.trainer_chip)
        lay.addLayout(bar)
        self.session_count = QLabel("")
        self.session_count.setObjectName("sessionCount")
        lay.addWidget(self.session_count)
        self.session_table = self._make_session_table(self.session_proxy, "sessionTable")
        self.session_table.doubleClicked.connect(self._session_activated)
        lay.addWidget(self.session_table, 1)
        return w

    def _make_session_table(self, model, name: str) -> QTableView:
        t = QTableView()
        t.setObjectName(name)
        t.setModel(model)
        t.setSortingEnabled(True)
        t.setAlternatingRowColors(True)
        t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        t.setWordWrap(False)
        vh = t.verticalHeader()
        vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vh.setDefaultSectionSize(22)
        vh.setVisible(False)
        hh = t.horizontalHeader()
        hh.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        hh.setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        for col, width in enumerate([118, 50, 50, 120, 140, 250, 80, 100, 200, 80, 140, 56, 70, 300]):
            t.setColumnWidth(col, width)
        hh.setStretchLastSection(True)
        return t

    def _build_trainers(self) -> QWidget:
        w = QWidget()
        lay = QVBoxLayout(w)
        self.trainer_title = QLabel("")
        self.trainer_title.setObjectName("sectionTitle")
        self.trainer_title.setWordWrap(True)
        lay.addWidget(self.trainer_title)
        split = QSplitter(Qt.Orientation.Vertical)
        self.load_chart = BarChart("Charge des formateurs : sessions par semaine")
        split.addWidget(self.load_chart)
        bottom = QSplitter(Qt.Orientation.Horizontal)
        self.trainer_table = QTableView()
        self.trainer_table.setObjectName("trainerTable")
        self.trainer_table.setModel(self.trainer_model)
        self.trainer_table.setSortingEnabled(True)
        self.trainer_table.sortByColumn(4, Qt.SortOrder.DescendingOrder)
        self.trainer_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.trainer_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.trainer_table.setAlternatingRowColors(True)
        self.trainer_table.verticalHeader().setVisible(False)
        self.trainer_table.verticalHeader().setDefaultSectionSize(22)
        for col, width in enumerate([210, 90, 150, 170, 64, 60, 80, 80, 64]):
            self.trainer_table.setColumnWidth(col, width)
        self.trainer_table.selectionModel().currentRowChanged.connect(self._trainer_selected)
        self.trainer_table.selectionModel().selectionChanged.connect(
            lambda *_: self._trainer_selected(next(iter(self.trainer_table.selectionModel().selectedRows()), QModelIndex())))
        bottom.addWidget(self.trainer_table)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        self.trainer_sched_title = QLabel("Emploi du temps : sélectionnez un formateur")
        self.trainer_sched_title.setObjectName("sectionTitle")
        self.trainer_sched_title.setWordWrap(True)
        rl.addWidget(self.trainer_sched_title)
        self.trainer_sessions = self._make_session_table(self.trainer_sessions_proxy, "trainerSessions")
        for col in (4, 6, 7, 8, 9, 12):
            self.trainer_sessions.setColumnHidden(col, True)
        rl.addWidget(self.trainer_sessions, 1)
        row = QHBoxLayout()
        b1 = QPushButton("Calendrier")
        b1.setToolTip("Voir ce formateur dans l'onglet Calendrier (Ctrl+3)")
        b1.clicked.connect(lambda: self.tabs.setCurrentIndex(TAB_CALENDAR))
        b2 = QPushButton("Sessions")
        b2.setToolTip("Filtrer l'onglet Sessions sur ce formateur")
        b2.clicked.connect(self._show_trainer_sessions)
        b3 = QPushButton("Imprimer…")
        b3.setToolTip("PDF du planning et de la convocation du formateur")
        b3.clicked.connect(self.print_trainer)
        row.addStretch(1)
        for b in (b1, b2, b3):
            row.addWidget(b)
        rl.addLayout(row)
        bottom.addWidget(right)
        self.trainer_split = bottom
        split.addWidget(bottom)
        split.setSizes([250, 450])
        lay.addWidget(split, 1)
        self.selected_trainer: str | None = None
        return w

    def _build_unplaced(self) -> QWidget:
        w = QWidget()
        lay = QVBoxLayout(w)
        self.unplaced_title = QLabel("")
        self.unplaced_title.setObjectName("sectionTitle")
        self.unplaced_title.setWordWrap(True)
        lay.addWidget(self.unplaced_title)
        self.unplaced_table = QTableView()
        self.unplaced_table.setObjectName("unplacedTable")
        self.unplaced_table.setModel(self.unplaced_sort)
        self.unplaced_table.setSortingEnabled(True)
        self.unplaced_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.unplaced_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.unplaced_table.setAlternatingRowColors(True)
        self.unplaced_table.setWordWrap(True)
        self.unplaced_table.verticalHeader().setVisible(False)
        for col, width in enumerate([220, 70, 64, 420, 80, 100, 150]):
            self.unplaced_table.setColumnWidth(col, width)
        self.unplaced_table.doubleClicked.connect(self._unplaced_activated)
        lay.addWidget(self.unplaced_table, 1)
        row = QHBoxLayout()
        b1 = QPushButton("Aller à l'unité")
        b1.clicked.connect(lambda: self._unplaced_activated(self.unplaced_table.currentIndex()))
        b2 = QPushButton("Choisir les créneaux…")
        b2.clicked.connect(self._unplaced_choose)
        row.addWidget(b1)
        row.addWidget(b2)
        row.addStretch(1)
        lay.addLayout(row)
        return w

    def _build_actions(self) -> None:
        def act(text, slot, shortcut=None, tip="", name=""):
            a = QAction(text, self)
            if shortcut:
                a.setShortcut(QKeySequence(shortcut))
            if tip:
                a.setToolTip(tip + (f" ({QKeySequence(shortcut).toString(QKeySequence.SequenceFormat.NativeText)})"
                                    if shortcut else ""))
                a.setStatusTip(tip)
            if name:
                a.setObjectName(name)
            a.triggered.connect(lambda _checked=False: slot())
            self.addAction(a)
            return a

        K = QKeySequence.StandardKey
        self.act_new = act("&Nouveau (référence nationale)", self.new_scenario, K.New,
                           "Repartir du scénario de référence national", "actNew")
        self.act_open = act("&Ouvrir un scénario…", self.open_scenario_dialog, K.Open, "Ouvrir un fichier de scénario", "actOpen")
        self.act_save = act("&Enregistrer", self.save_scenario, K.Save, "Enregistrer le scénario et son plan", "actSave")
        self.act_save_as = act("Enregistrer &sous…", self.save_scenario_as, K.SaveAs, "Enregistrer dans un nouveau fichier",
                               "actSaveAs")
        self.act_import = act("&Importer l'annuaire…", self.import_annuaire_dialog, "Ctrl+I",
                              "Importer l'annuaire de l'Éducation nationale (CSV)", "actImport")
        self.act_print = act("&Imprimer le plan…", self.print_plan, K.Print,
                             "PDF du plan de l'unité, de l'académie ou du formateur sélectionné", "actPrint")
        self.act_batch = act("E&xporter en lot…", self.batch_export_dialog, "Ctrl+E",
                             "Un PDF par établissement, circonscription ou formateur", "actBatch")
        self.act_quit = act("&Quitter", self.close, K.Quit, "Quitter le Planificateur IA", "actQuit")
        self.act_undo = self.undo_stack.createUndoAction(self, "&Annuler")
        self.act_undo.setShortcut(K.Undo)
        self.act_undo.setObjectName("actUndo")
        self.act_undo.setIconText("Annuler")
        self.act_redo = self.undo_stack.createRedoAction(self, "&Rétablir")
        self.act_redo.setShortcuts([QKeySequence(K.Redo), QKeySequence("Ctrl+Y")])
        self.act_redo.setObjectName("actRedo")
        self.act_redo.setIconText("Rétablir")
        self.act_find = act("&Rechercher une unité", self._focus_search, K.Find, "Rechercher par nom ou UAI", "actFind")
        self.act_solve = act("&Planifier l'académie sélectionnée", self.solve_selected, "F5",
                             "Planifier l'académie de la sélection", "actSolve")
        self.act_solve_all = act("Planifier la &France entière", lambda: self.start_solve(None), "Shift+F5",
                                 "Planifier toutes les académies", "actSolveAll")
        self.act_stop = act("&Arrêter le calcul", self.stop_solve, None,
                            "Arrêter et garder le meilleur plan valide trouvé", "actStop")
        self.act_stop.setEnabled(False)
        self.act_slots = act("&Choisir les créneaux…", self.choose_slots, "Ctrl+K",
                             "Créneaux possibles pour l'établissement ou la circonscription sélectionné(e)", "actSlots")
        self.act_roadmap = act("&Feuille de route de l'unité…", self.edit_roadmap, "Ctrl+R",
                               "Thèmes des groupes de travail, briques et dates des réunions de l'établissement ou "
                               "de la circonscription sélectionné(e)", "actRoadmap")
        self.act_check = act("&Vérifier le plan", self.check_current_plan, "Ctrl+Shift+V",
                             "Vérification indépendante du plan", "actCheck")
        self.act_about = act("À &propos…", self.show_about, K.HelpContents, "Sources des données, licences", "actAbout")
        self.tab_actions = []
        for i, name in enumerate(TAB_NAMES):
            a = act(name, lambda i=i: self.tabs.setCurrentIndex(i), f"Ctrl+{i + 1}", f"Onglet « {name} »")
            self.tab_actions.append(a)
        self.time_limit = QSpinBox()
        self.time_limit.setObjectName("timeLimit")
        self.time_limit.setRange(2, 3600)
        self.time_limit.setValue(int(self.qsettings.value("timeLimit", 30)))
        self.time_limit.setSuffix(" s")
        self.time_limit.setPrefix("Durée max. ")
        self.time_limit.setToolTip("Temps de calcul maximal ; « Arrêter » garde le meilleur plan trouvé")

    def _build_menus(self) -> None:
        mb = self.menuBar()
        m = mb.addMenu("&Fichier")
        m.addAction(self.act_new)
        m.addAction(self.act_open)
        self.recent_menu = m.addMenu("Fichiers &récents")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        m.addSeparator()
        m.addAction(self.act_save)
        m.addAction(self.act_save_as)
        m.addSeparator()
        m.addAction(self.act_import)
        m.addSeparator()
        m.addAction(self.act_print)
        m.addAction(self.act_batch)
        m.addSeparator()
        m.addAction(self.act_quit)
        e = mb.addMenu("É&dition")
        e.addAction(self.act_undo)
        e.addAction(self.act_redo)
        e.addSeparator()
        e.addAction(self.act_find)
        p = mb.addMenu("&Plan")
        p.addAction(self.act_solve)
        p.addAction(self.act_solve_all)
        p.addAction(self.act_stop)
        p.addSeparator()
        p.addAction(self.act_slots)
        p.addAction(self.act_roadmap)
        p.addAction(self.act_check)
        v = mb.addMenu("&Affichage")
        for a in self.tab_actions:
            v.addAction(a)
        v.addSeparator()
        v.addAction(self.settings_dock.toggleViewAction())
        v.addAction(self.history_dock.toggleViewAction())
        h = mb.addMenu("&Aide")
        h.addAction(self.act_about)

        tb = QToolBar("Barre d'outils")
        tb.setObjectName("mainToolbar")
        tb.setMovable(False)
        tb.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        tb.setIconSize(QSize(16, 16))
        self.addToolBar(tb)
        for a in (self.act_new, self.act_open, self.act_save):
            tb.addAction(a)
        self.act_new.setIconText("Nouveau")
        self.act_open.setIconText("Ouvrir")
        self.act_save.setIconText("Enregistrer")
        tb.addSeparator()
        tb.addAction(self.act_undo)
        tb.addAction(self.act_redo)
        tb.addSeparator()
        tb.addAction(self.act_solve)
        tb.addWidget(self.time_limit)
        tb.addAction(self.act_stop)
        self.act_stop.setIconText("Arrêter")
        tb.addSeparator()
        tb.addAction(self.act_slots)
        self.act_slots.setIconText("Choisir les créneaux")
        tb.addAction(self.act_roadmap)
        self.act_roadmap.setIconText("Feuille de route")
        tb.addAction(self.act_print)
        self.act_print.setIconText("Imprimer le plan")
        self.toolbar = tb
        solve_btn = tb.widgetForAction(self.act_solve)
        if solve_btn is not None:
            solve_btn.setObjectName("solveButton")

    def _apply_style(self) -> None:
        qss = Path(__file__).resolve().parent.parent / "resources" / "styles" / "app.qss"
        if qss.exists():
            self.setStyleSheet(qss.read_text(encoding="utf-8"))

    # ================================================================ scenario
    def open_scenario_spec(self, spec: str | None) -> None:
        sc = load_scenario(spec)
        plan = None
        path = None
        if spec and spec != "national" and Path(spec).exists():
            path = str(Path(spec).resolve())
            plan = self._load_store_plan(path)
        self.set_scenario(sc, path)
        if plan is not None:
            self.set_plan(plan, f"Plan enregistré rouvert ({fmt.num(len(plan.sessions))} sessions)")

    def _load_store_plan(self, path: str) -> Plan | None:
        try:
            with open(path, "rb") as f:
                if not f.read(16).startswith(b"SQLite format 3"):
                    return None
            from planner.store import ScenarioStore

            with ScenarioStore(path, create=False) as st:
                plans = st.list_plans()
                if not plans:
                    return None
                names = [p.name for p in plans]
                name = "courant" if "courant" in names else names[-1]
                return st.load_plan(name)
        except Exception:  # noqa: BLE001 - a plan that cannot be read: open the scenario alone
            return None

    def set_scenario(self, sc: Scenario, path: str | None) -> None:
        self.scenario = sc
        self.scenario_path = path
        self.six = ScenarioIndex(sc)
        self.undo_stack.clear()
        self.territory_model.set_scenario(self.six)
        self.plan = None
        self.pix = None
        self.findings = []
        self.plan_stale = False
        self.session_model.set_plan(None, self.six)
        self.settings_panel.refresh()
        self._expand_root()
        self.scope = NATION
        self.select_scope(NATION)
        self._mark_all_dirty()
        self._update_title()
        self._update_plan_label()
        if path:
            self._remember_file(path)

    def _expand_root(self) -> None:
        root = self.territory_filter.index(0, 0)
        if root.isValid():
            self.tree.expand(root)

    def new_scenario(self) -> None:
        if not self._confirm_discard():
            return
        self.set_scenario(load_scenario(None), None)
        self.set_status("Nouveau scénario : référence nationale 2026-2027.")

    def _confirm_discard(self) -> bool:
        if self.undo_stack.isClean() or QApplication.platformName() in ("offscreen", "minimal"):
            return True
        r = QMessageBox.question(self, APP_TITLE, "Le scénario a des modifications non enregistrées. Les abandonner ?",
                                 QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        return r == QMessageBox.StandardButton.Yes

    def open_scenario_dialog(self) -> None:
        if not self._confirm_discard():
            return
        path, _ = QFileDialog.getOpenFileName(self, "Ouvrir un scénario", self._last_dir(), SCENARIO_FILTER)
        if path:
            self.open_file(path)

    def open_file(self, path: str) -> bool:
        try:
            QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
            self.open_scenario_spec(path)
        except Exception as exc:  # noqa: BLE001 - French message from the loader
            self.error(f"Impossible d'ouvrir {path} :\n{exc}")
            return False
        finally:
            QApplication.restoreOverrideCursor()
        self.set_status(f"Scénario ouvert : {path}")
        return True

    def save_scenario(self) -> bool:
        if not self.scenario_path or not self.scenario_path.endswith((".sqlite", ".planif", ".db")):
            return self.save_scenario_as()
        return self._save_to(self.scenario_path)

    def save_scenario_as(self) -> bool:
        default = os.path.join(self._last_dir(), (self.scenario.name if self.scenario else "scenario")
                               .replace("/", "-").replace(" ", "_") + ".sqlite")
        path, _ = QFileDialog.getSaveFileName(self, "Enregistrer le scénario", default, SCENARIO_FILTER)
        if not path:
            return False
        if path.endswith(".json"):
            from planner.scenario_io import save_scenario_json

            try:
                save_scenario_json(self.scenario, path)
            except OSError as exc:
                self.error(f"Enregistrement impossible : {exc}")
                return False
            self.set_status(f"Scénario enregistré en JSON (sans le plan) : {path}")
            self._remember_file(path)
            return True
        if not Path(path).suffix:
            path += ".sqlite"
        return self._save_to(path)

    def _save_to(self, path: str) -> bool:
        from planner.store import ScenarioStore, save_scenario_file
        try:
            QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
            save_scenario_file(path, self.scenario)
            if self.plan is not None:
                with ScenarioStore(path) as st:
                    st.save_plan("courant", self.plan, {"time_limit": self.time_limit.value(),
                                                         "stale": self.plan_stale})
        except Exception as exc:  # noqa: BLE001
            self.error(f"Enregistrement impossible :\n{exc}")
            return False
        finally:
            QApplication.restoreOverrideCursor()
        old_path = self.scenario_path
        self.scenario_path = str(Path(path).resolve())
        self.undo_stack.setClean()
        try:
            from planner.store import discard_autosave

            discard_autosave(old_path)
            discard_autosave(self.scenario_path)
        except Exception:  # noqa: BLE001
            pass
        self._remember_file(self.scenario_path)
        self._update_title()
        self.set_status(f"Scénario enregistré : {self.scenario_path}"
                        + (" (avec son plan)" if self.plan is not None else ""))
        return True

    def import_annuaire_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Importer l'annuaire de l'Éducation nationale", self._last_dir(),
                                              "Annuaire CSV (*.csv *.txt);;Tous les fichiers (*)")
        if path:
            self.import_annuaire_file(path)

    def import_annuaire_file(self, path: str, academie: str | None = None) -> TaskThread | None:
        from planner.sources.annuaire import import_annuaire

        if not self._confirm_discard():
            return None
        dlg = BatchProgress("Import de l'annuaire", self)

        def run(progress, stop):
            def cb(fraction, message=""):
                progress((fraction, message))
                return not stop.is_set()

            return import_annuaire(path, academie=academie, progress=cb)

        th = TaskThread(run, self, "import")
        th.progressed.connect(lambda p: dlg.set(p[0], p[1]) if isinstance(p, tuple) else None)
        dlg.cancelRequested.connect(th.stop)

        def done(res):
            dlg.close()
            self.set_scenario(res.scenario, None)
            self.set_status(f"Annuaire importé : {fmt.num(res.imported_total)} unités, {fmt.num(res.rejected)} lignes "
                            f"rejetées, {fmt.num(res.skipped)} ignorées (détail : Fichier ▸ Enregistrer puis rapport).")
            self.last_import = res
            self._show_text("Import de l'annuaire", res.summary_fr())

        def fail(msg):
            dlg.close()
            self.error(f"Import impossible :\n{msg}")

        th.succeeded.connect(done)
        th.failed.connect(fail)
        dlg.show()
        self._start_thread(th)
        return th

    # ---------------------------------------------------------------- autosave / recovery
    def autosave_now(self) -> str | None:
        """Write the edited scenario to its autosave file (the real file is untouched)."""
        if self.undo_stack.isClean() or self.scenario is None:
            return None
        try:
            from planner.store import autosave

            return str(autosave(self.scenario, self.scenario_path))
        except Exception as exc:  # noqa: BLE001 - an autosave failure must never interrupt the user
            self.set_status(f"Sauvegarde automatique impossible : {exc}")
            return None

    def _offer_recovery(self) -> None:
        try:
            from planner.store import recovery_candidate
        except ImportError:
            return
        info = recovery_candidate(self.scenario_path)
        if info is None:
            return
        box = QMessageBox(QMessageBox.Icon.Question, APP_TITLE,
                          f"Le scénario « {info.scenario_name} » a été sauvegardé automatiquement le "
                          f"{info.saved_at[:16].replace('T', ' à ')} sans être enregistré (fermeture inattendue ?).\n"
                          "Le récupérer ?", QMessageBox.StandardButton.NoButton, self)
        rec = box.addButton("Récupérer", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("Ignorer", QMessageBox.ButtonRole.RejectRole)
        box.setModal(False)

        def done(button) -> None:
            from planner.store import discard_autosave, recover

            if button is rec:
                sc = recover(self.scenario_path)
                path = self.scenario_path
                self.set_scenario(sc, path)
                self.undo_stack.resetClean()
                self._update_title()
                self.set_status("Scénario récupéré depuis la sauvegarde automatique : enregistrez-le (Ctrl+S).")
            else:
                discard_autosave(self.scenario_path)

        box.buttonClicked.connect(done)
        box.show()
        self.recovery_box = box

    def _remember_file(self, path: str) -> None:
        files = [f for f in self.qsettings.value("recentFiles", [], type=list) if f != path]
        files.insert(0, path)
        self.qsettings.setValue("recentFiles", files[:MAX_RECENT])
        self.qsettings.setValue("lastScenario", path)
        self.qsettings.setValue("lastDir", str(Path(path).parent))

    def _last_dir(self) -> str:
        return self.qsettings.value("lastDir", str(Path.home()), type=str)

    def recent_files(self) -> list[str]:
        return [f for f in self.qsettings.value("recentFiles", [], type=list) if f]

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        files = self.recent_files()
        if not files:
            a = self.recent_menu.addAction("(aucun)")
            a.setEnabled(False)
            return
        for i, f in enumerate(files):
            a = self.recent_menu.addAction(f"&{i + 1} {Path(f).name}")
            a.setToolTip(f)
            a.setEnabled(Path(f).exists())
            a.triggered.connect(lambda _c=False, f=f: self._confirm_discard() and self.open_file(f))
        self.recent_menu.addSeparator()
        clear = self.recent_menu.addAction("Effacer la liste")
        clear.triggered.connect(lambda: self.qsettings.setValue("recentFiles", []))

    def _update_title(self) -> None:
        name = self.scenario.name if self.scenario else ""
        f = f" — {Path(self.scenario_path).name}" if self.scenario_path else ""
        self.setWindowTitle(f"{APP_TITLE} — {name}{f}[*]")
        self.setWindowModified(not self.undo_stack.isClean())

    # ================================================================ settings (undoable)
    def request_setting(self, field: str, value) -> None:
        s = self.scenario.settings
        if field == "__all__":
            self.undo_stack.push(SettingCommand(self, field, s.model_copy(deep=True), value))
            return
        try:
            Settings.model_validate({**s.model_dump(), field: value})
        except ValidationError as exc:
            self.settings_panel.refresh()
            self.error("Valeur refusée :\n" + "\n".join(french_errors(exc)), modal=False)
            return
        old = getattr(s, field)
        self.undo_stack.push(SettingCommand(self, field, old, value))

    def apply_setting(self, field: str, value) -> None:
        if field == "__all__":
            self.scenario.settings = value.model_copy(deep=True)
        else:
            setattr(self.scenario.settings, field, value)
        scope_changed = field in ("include_private", "__all__", "group_size")
        self.six = ScenarioIndex(self.scenario)
        if scope_changed:
            self.territory_model.set_scenario(self.six)
            self._expand_root()
            self.select_scope(self.scope)
        self.session_model.six = self.six
        if self.pix is not None:
            self.pix.six = self.six
        self.settings_panel.refresh()
        if self.plan is not None:
            self.plan_stale = True
        self._mark_all_dirty()
        self._refresh_current()
        self._update_plan_label()
        self._update_title()
        label = "valeurs par défaut" if field == "__all__" else Settings.label(field)
        self.set_status(f"Paramètre « {label} » : {self._value_text(field, value)}"
                        + (" — replanifiez (F5) pour en tenir compte." if self.plan is not None else "."))

    @staticmethod
    def _value_text(field, value) -> str:
        if value is None:
            return "aucun"
        if isinstance(value, bool):
            return "oui" if value else "non"
        if isinstance(value, dt.date):
            return fmt.date_short(value)
        if isinstance(value, dict):
            return "modifié"
        if isinstance(value, Settings):
            return "rétablies"
        return str(value).replace(".", ",") if isinstance(value, float) else str(value)

    # ================================================================ plan
    def set_plan(self, plan: Plan | None, message: str = "") -> None:
        self.plan = plan
        self.pix = PlanIndex(plan, self.six) if plan is not None else None
        self.session_model.set_plan(self.pix, self.six)
        self.territory_model.set_totals(self.pix.per_node_totals() if self.pix else {})
        self.findings = list(plan.report.get("_ui_findings", [])) if plan is not None else []
        self.plan_stale = False
        self._mark_all_dirty()
        self._refresh_current()
        self._update_plan_label()
        self._update_title()
        if message:
            self.set_status(message)

    def _update_plan_label(self) -> None:
        if self.plan is None:
            self.plan_label.setText("Aucun plan — F5 pour planifier")
            return
        n = len(self.plan.sessions)
        up = sum(int(u.get("sessions", 0) or 0) for u in self.plan.unplaced)
        chk = ""
        if self.plan.report.get("_ui_checked"):
            nf = len([f for f in self.findings if getattr(f, "severity", "error") == "error"])
            chk = " · vérifié : " + ("aucune anomalie" if nf == 0 else f"{nf} anomalie{'s' if nf > 1 else ''}")
        stale = " · ⚠ paramètres modifiés depuis le calcul" if self.plan_stale else ""
        self.plan_label.setText(f"Plan : {fmt.num(n)} sessions, {fmt.num(up)} non planifiées{chk}{stale}")

    def solve_selected(self) -> None:
        code = self.six.academie_of(self.scope) if self.six else None
        self.start_solve(code)

    def start_solve(self, academie: str | None, show_dialog: bool = True) -> TaskThread | None:
        if self.solve_thread is not None:
            self.set_status("Un calcul est déjà en cours.")
            return None
        from solvers.api import solve
        # a snapshot: the window edits settings in place and replaces the pin list, never the units
        sc = self.scenario.model_copy(update={"settings": self.scenario.settings.model_copy(deep=True),
                                              "pins": list(self.scenario.pins),
                                              "preferences": list(self.scenario.preferences)})
        limit = float(self.time_limit.value())
        self.qsettings.setValue("timeLimit", int(limit))
        what = (f"Académie de {self.six.academies[academie].name}" if academie else "France entière")
        dlg = SolveProgressDialog(f"Planification — {what}", self)
        self.progress_dialog = dlg
        t0 = time.perf_counter()

        def run(progress, stop):
            def cb(p):
                progress(dict(p) if isinstance(p, dict) else p)

            plan = solve(sc, academie=academie, time_limit=limit, progress=cb, stop=stop)
            findings = []
            checked = False
            try:
                from solvers.checker import check_plan

                findings = list(check_plan(plan, sc.restricted_to(academie) if academie else sc))
                checked = True
            except ImportError:
                pass
            return plan, findings, checked

        th = TaskThread(run, self, "solve")
        th.progressed.connect(dlg.update_progress)
        dlg.stopRequested.connect(th.stop)
        th.succeeded.connect(lambda res: self._solve_done(res, academie, what, time.perf_counter() - t0))
        th.failed.connect(lambda msg: self._solve_failed(msg))
        self.solve_thread = th
        self.act_stop.setEnabled(True)
        self.act_solve.setEnabled(False)
        self.act_solve_all.setEnabled(False)
        if show_dialog:
            dlg.show()
        self.set_status(f"Calcul en cours : {what} (limite {int(limit)} s)…")
        self._start_thread(th)
        return th

    def stop_solve(self) -> None:
        if self.solve_thread is not None:
            self.solve_thread.stop()
            if self.progress_dialog is not None:
                self.progress_dialog.stop_button.setEnabled(False)
            self.set_status("Arrêt demandé : le meilleur plan valide trouvé sera gardé.")

    def _solve_finished_ui(self) -> None:
        self.solve_thread = None
        self.act_stop.setEnabled(False)
        self.act_solve.setEnabled(True)
        self.act_solve_all.setEnabled(True)
        if self.progress_dialog is not None:
            self.progress_dialog.hide()
            self.progress_dialog.deleteLater()
            self.progress_dialog = None

    def _solve_done(self, res, academie: str | None, what: str, seconds: float) -> None:
        plan, findings, checked = res
        stopped = bool(self.solve_thread and self.solve_thread.stop_event.is_set())
        self._solve_finished_ui()
        self.last_solve_seconds = seconds
        merged = merge_plan(self.plan, plan, academie, self.six)
        merged.report = dict(merged.report)
        merged.report["_ui_findings"] = findings
        merged.report["_ui_checked"] = checked
        n = len(plan.sessions)
        up = sum(int(u.get("sessions", 0) or 0) for u in plan.unplaced)
        errors = [f for f in findings if getattr(f, "severity", "error") == "error"]
        msg = (f"{what} planifiée en {seconds:.1f} s".replace(".", ",")
               + (" (arrêtée : meilleur plan valide gardé)" if stopped else "")
               + f" : {fmt.num(n)} sessions placées, {fmt.num(up)} non planifiées"
               + ("" if not checked else (", vérification : aucune anomalie" if not errors
                                          else f", vérification : {len(errors)} anomalie(s)")))
        self.undo_stack.push(PlanCommand(self, self.plan, merged, f"Planification — {what}"))
        if academie and self.scope == NATION:
            self.select_scope(("academie", academie))
        self.set_status(msg)
        if errors:
            self._show_text("Vérification du plan", "\n".join(f"[{f.rule}] {f.message}" for f in errors[:200]))

    def _solve_failed(self, msg: str) -> None:
        self._solve_finished_ui()
        self.error(f"Le calcul a échoué :\n{msg}")

    def check_current_plan(self) -> None:
        if self.plan is None:
            self.set_status("Aucun plan à vérifier.")
            return
        from solvers.checker import check_plan
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self.findings = list(check_plan(self.plan, self.scenario))
        finally:
            QApplication.restoreOverrideCursor()
        self.plan.report["_ui_findings"] = self.findings
        self.plan.report["_ui_checked"] = True
        self._update_plan_label()
        errors = [f for f in self.findings if getattr(f, "severity", "error") == "error"]
        if not self.findings:
            self.set_status("Vérification indépendante : aucune anomalie.")
        else:
            self.set_status(f"Vérification : {len(errors)} anomalie(s), {len(self.findings) - len(errors)} remarque(s).")
            self._show_text("Vérification du plan", "\n".join(f"[{f.severity}] [{f.rule}] {f.message}"
                                                              for f in self.findings[:300]))

    # ================================================================ slots (school head)
    def choose_slots(self, scope: Scope | None = None) -> SlotChooserDialog | None:
        scope = scope or self.scope
        kind, uid = scope
        if kind not in ("etablissement", "circonscription", "bassin", "departement"):
            self.set_status("Choisir les créneaux : sélectionnez d'abord un établissement ou une circonscription dans l'arbre.")
            return None
        if self.plan is None or not self.pix or not len(self.pix.indices(scope)) and not self.pix.unplaced_in(scope):
            self.set_status("Choisir les créneaux : planifiez d'abord l'académie de cette unité (F5).")
            return None
        cands = self._candidates(scope, None)
        if cands is None:
            return None
        name = self.six.name(kind, uid)
        current = self.plan.sessions_of_unit(kind, uid)
        current = [s for s in current if s.kind == "step1"] or current
        groups = max(self.six.sessions_needed.get(scope, 0), len(current), 1)
        if self.slot_dialog is not None:
            self.slot_dialog.close()
        dlg = SlotChooserDialog(name, current, cands, self.scenario.settings, groups, self)
        group = next((getattr(c, "group", None) for c in cands if getattr(c, "group", None)), None)
        if group:
            dlg.group.blockSignals(True)
            dlg.group.setValue(group)
            dlg.group.blockSignals(False)
        dlg.group.valueChanged.connect(lambda g: (c := self._candidates(scope, g)) is not None and dlg.set_candidates(c))
        dlg.picked.connect(lambda c, g: self.pin_slot(scope, c, g))
        self.slot_dialog = dlg
        dlg.show()
        self.set_status(f"{len(cands)} créneaux proposés pour {name}.")
        return dlg

    def _candidates(self, scope: Scope, group: int | None):
        from solvers.api import candidate_slots
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            if group is None:
                return list(candidate_slots(self.scenario, self.plan, scope[0], scope[1], limit=20))
            return list(candidate_slots(self.scenario, self.plan, scope[0], scope[1], limit=20, group=group))
        except Exception as exc:  # noqa: BLE001 - French message from the solver
            self.error(f"Créneaux indisponibles :\n{exc}")
            return None
        finally:
            QApplication.restoreOverrideCursor()

    def pin_slot(self, scope: Scope, cand, group: int) -> TaskThread | None:
        from solvers.api import replan_with_pin

        kind, uid = scope
        pin = Pin(unit_type=kind, unit_id=uid, group=group, date=cand.date, start=cand.start)
        old_plan = self.plan
        old_pins = list(self.scenario.pins)
        sc = self.scenario.model_copy(update={"pins": [p for p in old_pins if not (
            p.unit_type == kind and p.unit_id == uid and p.group == group)]})
        t0 = time.perf_counter()

        def run(progress, stop):
            return replan_with_pin(sc, old_plan, pin)

        th = TaskThread(run, self, "replan")

        def done(new_plan):
            secs = time.perf_counter() - t0
            acad = self.six.academie_of(scope)
            if acad and new_plan is not None and old_plan is not None and len(new_plan.sessions) < len(old_plan.sessions) \
                    and all(s.academie == acad for s in new_plan.sessions):
                new_plan = merge_plan(old_plan, new_plan, acad, self.six)
            self.undo_stack.push(PinCommand(self, pin, old_plan, new_plan, old_pins, self.six.name(kind, uid)))
            if self.slot_dialog is not None:
                self.slot_dialog.close()
                self.slot_dialog = None
            self.select_scope(scope)
            took = f"{secs:.1f}".replace(".", ",")
            self.set_status(f"Créneau du {fmt.date_long(pin.date)} à {pin.start} épinglé (session {group}) pour "
                            f"{self.six.name(kind, uid)} ; unité replanifiée en {took} s.")

        def fail(msg):
            if self.slot_dialog is not None:
                self.slot_dialog.status.setText(f"Impossible : {msg}")
                self.slot_dialog.pick_button.setEnabled(True)
            self.error(f"Replanification impossible :\n{msg}", modal=False)

        th.succeeded.connect(done)
        th.failed.connect(fail)
        self._start_thread(th)
        return th

    def apply_pins_and_plan(self, pins: list, plan: Plan | None, message: str) -> None:
        self.scenario.pins = list(pins)
        self.set_plan(plan, message)

    # ================================================================ roadmap choices (steps 2–6, per unit)
    def _tree_context_menu(self, pos) -> None:
        idx = self.tree.indexAt(pos)
        if not idx.isValid():
            return
        self.tree.setCurrentIndex(idx)
        kind = self.scope[0]
        menu = QMenu(self.tree)
        if kind in ("etablissement", "circonscription", "bassin", "departement"):
            menu.addAction(self.act_slots)
        if kind in ("etablissement", "circonscription"):
            menu.addAction(self.act_roadmap)
        if kind != "nation":
            menu.addAction(self.act_print)
        menu.addSeparator()
        menu.addAction(self.act_solve)
        self._context_menu = menu
        menu.popup(self.tree.viewport().mapToGlobal(pos))

    def _roadmap_defaults(self, scope: Scope):
        """(the unit's current choices, the defaults of its profile) or None when out of the scenario's scope."""
        from planner.roadmap_models import default_choices

        current = default_choices(self.scenario).get(scope)
        if current is None:
            return None
        defaults = default_choices(self.scenario.model_copy(update={"roadmap_choices": []})).get(scope, current)
        return current, defaults

    def edit_roadmap(self, scope: Scope | None = None) -> RoadmapChoicesDialog | None:
        """« Feuille de route de l'unité » : the non-modal editor of the selected unit's choices."""
        from planner.roadmap_models import PROFILE_LABELS, profile_of

        scope = tuple(scope or self.scope)
        kind, uid = scope
        if kind not in ("etablissement", "circonscription"):
            self.set_status("Feuille de route de l'unité : sélectionnez d'abord un établissement ou une circonscription "
                            "dans l'arbre.")
            return None
        name = self.six.name(kind, uid)
        found = self._roadmap_defaults(scope)
        if found is None:
            self.set_status(f"Feuille de route : {name} n'est pas dans le périmètre du scénario (établissements privés "
                            "exclus dans Paramètres ?).")
            return None
        current, defaults = found
        etab = self.six.etablissements.get(uid) if kind == "etablissement" else None
        profile = PROFILE_LABELS.get(profile_of(kind, etab.type if etab else ""), "")
        where = f"{fmt.unit_type_label(kind)} {uid}" + (f" · {profile}" if kind == "etablissement" else "")
        acad = self.six.academie_of(scope)
        if acad and acad in self.six.academies:
            where += f" · académie de {self.six.academies[acad].name}"
        s = self.scenario.settings
        if self.roadmap_dialog is not None:
            self.roadmap_dialog.close()
            self.roadmap_dialog.deleteLater()
        dlg = RoadmapChoicesDialog(name, kind, uid, where, current, defaults, self.scenario.roadmap,
                                   (s.start_date, s.end_date), self)
        dlg.applyRequested.connect(lambda ch, scope=scope: self.request_roadmap_choices(scope, ch))
        self.roadmap_dialog = dlg
        self.roadmap_scope = scope
        dlg.show()
        self.set_status(f"Feuille de route de {name} : modifiez puis « Appliquer ».")
        return dlg

    def _unit_in_plan(self, scope: Scope) -> bool:
        if self.plan is None or self.pix is None:
            return False
        return bool(len(self.pix.indices(scope))) or any(
            (u.get("unit_type"), str(u.get("unit_id"))) == scope for u in self.plan.unplaced)

    def request_roadmap_choices(self, scope: Scope, choices) -> TaskThread | None:
        """Store ``choices`` for the unit (undoable); re-plan only that unit when the plan shows it."""
        kind, uid = scope
        name = self.six.name(kind, uid)
        old_choices = list(self.scenario.roadmap_choices)
        new_choices = list(old_choices)
        pos = next((i for i, c in enumerate(old_choices) if (c.unit_type, c.unit_id) == (kind, uid)), None)
        if pos is None:
            new_choices.append(choices)
        else:
            new_choices[pos] = choices
        dlg = self.roadmap_dialog if self.roadmap_scope == scope else None
        if not self._unit_in_plan(scope):
            self.undo_stack.push(RoadmapCommand(self, old_choices, new_choices, self.plan, self.plan, False, name))
            msg = (f"Feuille de route de {name} enregistrée dans le scénario : elle comptera au prochain calcul (F5)."
                   if self.plan is None else
                   f"Feuille de route de {name} enregistrée dans le scénario ; l'unité n'est pas dans le plan affiché : "
                   "elle comptera quand son académie sera planifiée (F5).")
            self.set_status(msg)
            if dlg is not None:
                dlg.set_busy(False, msg)
            return None
        from solvers.replan import replan_roadmap_unit
        old_plan = self.plan
        sc = self.scenario.model_copy(update={"roadmap_choices": new_choices, "pins": list(self.scenario.pins),
                                              "preferences": list(self.scenario.preferences)})
        t0 = time.perf_counter()
        if dlg is not None:
            dlg.set_busy(True, "Replanification de l'unité…")

        def run(progress, stop):
            return replan_roadmap_unit(sc, old_plan, kind, uid)  # step 1 stays where it is

        th = TaskThread(run, self, "roadmap")

        def done(new_plan):
            if self.plan is not old_plan:  # another edit came in between: do not overwrite it
                if dlg is not None:
                    dlg.set_busy(False, "Le plan a changé entre-temps : appliquez de nouveau.")
                return
            new_plan.report = dict(new_plan.report)
            new_plan.report["_ui_findings"] = []
            new_plan.report["_ui_checked"] = False  # the unit changed: check again (Ctrl+Maj+V)
            self.undo_stack.push(RoadmapCommand(self, old_choices, new_choices, old_plan, new_plan, True, name))
            took = f"{time.perf_counter() - t0:.1f}".replace(".", ",")
            n = sum(1 for x in new_plan.sessions_of_unit(kind, uid) if x.kind != "step1" and x.kind != "tot")
            msg = (f"Feuille de route de {name} appliquée ; unité replanifiée en {took} s "
                   f"({n} séance{'s' if n > 1 else ''} des étapes 2 à 6).")
            self.set_status(msg)
            if dlg is not None:
                dlg.set_busy(False, msg)

        def fail(msg):
            if dlg is not None:
                dlg.set_busy(False, "")
                dlg.show_errors([f"Replanification impossible : {msg}"])
            self.set_status(f"Feuille de route de {name} : replanification impossible ({msg}).")

        th.succeeded.connect(done)
        th.failed.connect(fail)
        self._start_thread(th)
        return th

    def apply_roadmap_choices(self, choices: list, plan: Plan | None, replanned: bool, stale: bool,
                              message: str) -> None:
        """Undo/redo of :class:`RoadmapCommand`: the scenario's choices, and the plan when the unit was re-planned."""
        self.scenario.roadmap_choices = list(choices)
        if replanned:
            self.set_plan(plan, message)
            self.plan_stale = stale
            self._update_plan_label()
        else:
            self.set_status(message)
        self._update_title()
        dlg = self.roadmap_dialog
        scope = self.roadmap_scope
        if dlg is not None and dlg.isVisible() and scope is not None and not dlg.busy:
            found = self._roadmap_defaults(scope)
            if found is not None:
                dlg.load(found[0])

    # ================================================================ printing / export
    def print_plan(self) -> str | None:
        if self.plan is None:
            self.set_status("Imprimer le plan : planifiez d'abord (F5).")
            return None
        if self.tabs.currentIndex() == TAB_TRAINERS and self.selected_trainer:
            return self.print_trainer()
        kind, uid = self.scope
        if kind == "nation":
            self.set_status("Imprimer le plan : sélectionnez une académie, une unité ou un formateur.")
            return None
        from planner.exports import export_academie_pdf, export_unit_pdf
        default = os.path.join(self._last_dir(), f"plan-{kind}-{uid}.pdf")
        path, _ = QFileDialog.getSaveFileName(self, f"Imprimer le plan — {self.six.name(kind, uid)}", default,
                                              "Document PDF (*.pdf)")
        if not path:
            return None
        if not path.lower().endswith(".pdf"):
            path += ".pdf"
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            if kind == "academie":
                export_academie_pdf(self.plan, uid, path)
            else:
                export_unit_pdf(self.plan, kind, uid, path, scenario=self.scenario)
        except Exception as exc:  # noqa: BLE001
            self.error(f"Impossible d'écrire le PDF :\n{exc}")
            return None
        finally:
            QApplication.restoreOverrideCursor()
        self.qsettings.setValue("lastDir", str(Path(path).parent))
        self.set_status(f"Plan imprimé en PDF : {path}")
        return path

    def print_trainer(self) -> str | None:
        tid = self.selected_trainer
        if self.plan is None or not tid:
            self.set_status("Sélectionnez un formateur dans l'onglet Formateurs.")
            return None
        from planner.exports import export_trainer_pdf
        path, _ = QFileDialog.getSaveFileName(self, "Imprimer le planning du formateur",
                                              os.path.join(self._last_dir(), f"planning-{tid}.pdf"), "Document PDF (*.pdf)")
        if not path:
            return None
        try:
            export_trainer_pdf(self.plan, tid, path)
        except Exception as exc:  # noqa: BLE001
            self.error(f"Impossible d'écrire le PDF :\n{exc}")
            return None
        self.set_status(f"Planning du formateur {tid} imprimé : {path}")
        return path

    def batch_export_dialog(self) -> BatchExportDialog | None:
        if self.plan is None:
            self.set_status("Exporter en lot : planifiez d'abord (F5).")
            return None
        acad = self.six.academie_of(self.scope)
        dlg = BatchExportDialog(self.six.academies[acad].name if acad else None, self)
        dlg.out.setText(os.path.join(self._last_dir(), "plans-pdf"))
        dlg.startRequested.connect(lambda kind, out, only, merged: self.run_batch_export(kind, out, acad if only else None,
                                                                                         merged, dlg))
        self.batch_dialog = dlg
        dlg.show()
        return dlg

    def run_batch_export(self, kind: str, out_dir: str, academie: str | None, merged: bool,
                         dlg: BatchExportDialog | None = None) -> TaskThread:
        from planner.exports import export_batch

        plan = self.plan
        tmp = tempfile.mkdtemp(prefix="planif-ia-")

        def run(progress, stop):
            plan.write(tmp)

            def cb(done, total, *rest):
                if stop.is_set():
                    return False  # export_batch raises ExportCancelled
                progress({"done": done, "total": total})
                return True

            return export_batch(tmp, kind, out_dir, academie=academie, merged=merged, progress=cb)

        th = TaskThread(run, self, "batch")
        if dlg is not None:
            th.progressed.connect(dlg.update_progress)
            dlg.cancelRequested.connect(th.stop)

        def done(res):
            n = len(res) if isinstance(res, (list, tuple)) else 0
            msg = f"Export terminé : {n} document(s) PDF dans {out_dir}"
            if dlg is not None:
                dlg.finish(msg)
            self.set_status(msg)

        def fail(msg):
            text = "Export annulé." if ("interrompu" in msg or "annulé" in msg) else f"Export impossible : {msg}"
            if dlg is not None:
                dlg.finish(text)
            self.set_status(text)

        th.succeeded.connect(done)
        th.failed.connect(fail)
        th.finished.connect(lambda: shutil.rmtree(tmp, ignore_errors=True))
        self._start_thread(th)
        return th

    # ================================================================ selection & views
    def select_scope(self, scope: Scope) -> None:
        src = self.territory_model.index_of(scope)
        if not src.isValid():
            self._set_scope(NATION if scope != NATION else scope)
            return
        idx = self.territory_filter.mapFromSource(src)
        if not idx.isValid():  # hidden by the search: clear it
            self.search.clear()
            self.territory_filter.set_query("")
            idx = self.territory_filter.mapFromSource(src)
        p = idx.parent()
        while p.isValid():
            self.tree.expand(p)
            p = p.parent()
        self.tree.setCurrentIndex(idx)
        self.tree.scrollTo(idx)
        if self.scope != scope:
            self._set_scope(scope)

    def _tree_current_changed(self, cur: QModelIndex, _prev: QModelIndex) -> None:
        if cur.isValid():
            scope = tuple(cur.data(SCOPE_ROLE))
            self._set_scope(scope)

    def _set_scope(self, scope: Scope) -> None:
        self.scope = scope
        self.calendar_subject = ("unit", scope)
        acad = self.six.academie_of(scope) if self.six else None
        self.act_solve.setText(f"Planifier {self.six.academies[acad].name}" if acad else "Planifier la France")
        self.act_solve.setIconText(f"Planifier {self.six.academies[acad].name}" if acad else "Planifier la France")
        self.act_solve.setToolTip(f"Planifier l'académie de {self.six.academies[acad].name} (F5)" if acad
                                  else "Planifier toutes les académies (F5)")
        self.act_slots.setEnabled(scope[0] in ("etablissement", "circonscription", "bassin", "departement"))
        self.act_roadmap.setEnabled(scope[0] in ("etablissement", "circonscription"))
        self.selected_trainer = None
        self._mark_all_dirty()
        self._refresh_current()

    def _mark_all_dirty(self) -> None:
        self._dirty_tabs = set(range(5))

    def _tab_changed(self, i: int) -> None:
        self._refresh_current()

    def _refresh_current(self) -> None:
        if self.six is None:
            return
        i = self.tabs.currentIndex()
        if i in self._dirty_tabs:
            self._dirty_tabs.discard(i)
            [self._refresh_overview, self._refresh_sessions, self._refresh_calendar, self._refresh_trainers,
             self._refresh_unplaced][i]()
        self._update_status_what()

    def refresh_all(self) -> None:
        """Refresh every tab now (screenshots, tests)."""
        for i, f in enumerate([self._refresh_overview, self._refresh_sessions, self._refresh_calendar,
                               self._refresh_trainers, self._refresh_unplaced]):
            f()
            self._dirty_tabs.discard(i)
        self._update_status_what()

    def _scope_people(self, scope: Scope) -> dict[str, int]:
        out: dict[str, int] = {}
        for k in self.six.unit_keys_in(scope):
            dm = self.six.people.get(k, 0)
            aud = {"circonscription": "teachers_1d", "etablissement": "teachers_2d", "bassin": "perdir",
                   "departement": "inspectors"}.get(k[0], "")
            out[aud] = out.get(aud, 0) + dm
        return out

    def _refresh_overview(self) -> None:
        six, pix, scope = self.six, self.pix, self.scope
        name = six.name(*scope)
        self.ov_title.setText(name)
        keys = six.unit_keys_in(scope)
        people = self._scope_people(scope)
        total_people = sum(people.values())
        needed = sum(six.sessions_needed.get(k, 0) for k in keys)
        sub = fmt.unit_type_label(scope[0]) if scope[0] != "nation" else "Territoire national"
        if scope[0] == "nation":
            d = six.demand.to_json()["sessions"]
            sub += (f" — {fmt.num(six.demand.counts['circonscriptions'])} circonscriptions, "
                    f"{fmt.num(six.demand.counts['etablissements'])} établissements, "
                    f"{fmt.num(six.demand.counts['bassins'])} bassins")
        self.ov_subtitle.setText(sub + (" — ⚠ les paramètres ont changé depuis le calcul : replanifiez (F5)"
                                        if self.plan_stale else ""))
        short = {"Enseignants 1er degré": "1er degré", "Enseignants 2nd degré": "2nd degré", "Cadres": "cadres"}
        self.cards["people"].set(fmt.num(total_people),
                                 " · ".join(f"{short[lab]} {fmt.num(sum(people.get(a, 0) for a in auds))}"
                                            for lab, auds, _ in AUD_GROUPS if sum(people.get(a, 0) for a in auds)),
                                 "Enseignants des circonscriptions et établissements, personnels de direction, inspecteurs")
        if scope[0] == "nation":
            d = six.demand.to_json()["sessions"]
            self.cards["needed"].set(fmt.num(needed), f"rapport (mutualisé) : {fmt.num(d['pooled_step1'])} — "
                                     f"+{fmt.num(needed - d['pooled_step1'])} car un groupe ne mélange pas deux unités",
                                     "Chaque unité arrondit au groupe supérieur (groupes de "
                                     f"{six.scenario.settings.group_size}) ; le rapport divise chaque public d'un coup.")
        else:
            self.cards["needed"].set(fmt.num(needed), f"groupes de {six.scenario.settings.group_size} au plus")
        if pix is None:
            for k in ("placed", "unplaced", "trainers", "hours", "half", "done"):
                self.cards[k].set("—", "aucun plan")
            self.coverage_chart.set_series([])
            self.heatmap_model.set_data(None, six, scope)
            self.heatmap_title.setText("Sessions par semaine : aucun plan (F5 pour planifier)")
            return
        idx = pix.indices(scope)
        kinds = pix.kind_values
        step1_code = int(np.searchsorted(kinds, "step1")) if "step1" in kinds else -1
        tot_code = int(np.searchsorted(kinds, "tot")) if "tot" in kinds else -1
        is1 = pix.kind_code[idx] == step1_code
        n1 = int(is1.sum())
        ntot = int((pix.kind_code[idx] == tot_code).sum())
        nroad = len(idx) - n1 - ntot
        self.cards["placed"].set(fmt.num(len(idx)), f"étape 1 : {fmt.num(n1)} · formateurs : {fmt.num(ntot)}"
                                 + (f" · étapes 2 à 6 : {fmt.num(nroad)}" if nroad else ""))
        unpl = pix.unplaced_in(scope)
        nun = sum(int(u.get("sessions", 0) or 0) for u in unpl)
        self.cards["unplaced"].set(fmt.num(nun), f"{len(unpl)} unité(s) concernée(s)" if unpl else "tout est placé")
        self.cards["unplaced"].setProperty("alert", bool(nun))
        self.cards["unplaced"].style().unpolish(self.cards["unplaced"])
        self.cards["unplaced"].style().polish(self.cards["unplaced"])
        with_t = idx[pix.has_trainer[idx]]
        ntr = len(np.unique(pix.trainer_code[with_t])) if len(with_t) else 0
        self.cards["trainers"].set(fmt.num(ntr), "formateurs de formateurs et formateurs locaux")
        minutes = int(pix.minutes[idx].sum()) if len(idx) else 0
        rate = six.scenario.settings.hourly_rate_eur
        self.cards["hours"].set(fmt.num(minutes / 60), (f"coût : {fmt.num(minutes / 60 * rate)} €" if rate else
                                                        "taux horaire non fixé (Paramètres)"))
        # coverage by audience group
        series = []
        half = done = None
        if len(idx):
            d_all = pix.date_ord[idx]
            part = pix.participants[idx]
            aud = pix.aud_code[idx]
            for lab, auds, color in AUD_GROUPS:
                denom = sum(people.get(a, 0) for a in auds)
                codes = [int(np.searchsorted(pix.aud_values, a)) for a in auds if a in pix.aud_values]
                if not denom or not codes:
                    continue
                m = is1 & np.isin(aud, codes)
                if not m.any():
                    continue
                days, inv = np.unique(d_all[m], return_inverse=True)
                cum = np.cumsum(np.bincount(inv, weights=part[m]))
                pts = [(float(days[0] - 1), 0.0)] + [(float(x), min(1.0, float(c) / denom)) for x, c in zip(days, cum)]
                series.append((lab, pts, color))
            denom = total_people
            if denom and is1.any():
                days, inv = np.unique(d_all[is1], return_inverse=True)
                cum = np.cumsum(np.bincount(inv, weights=part[is1]))
                frac = cum / denom
                series.append(("Ensemble", [(float(days[0] - 1), 0.0)] + [(float(x), min(1.0, float(f)))
                                                                          for x, f in zip(days, frac)], "#222222"))
                h = np.nonzero(frac >= 0.5)[0]
                half = dt.date.fromordinal(int(days[h[0]])) if len(h) else None
                done = dt.date.fromordinal(int(days[-1]))
                reached = float(frac[-1])
        self.cards["half"].set(fmt.date_short(half), fmt.date_long(half) if half else "pas encore atteint")
        if done:
            self.cards["done"].set(fmt.date_short(done), f"{fmt.pct(reached)} des personnes formées"
                                   + ("" if reached >= 0.999 else " (le reste : non planifié)"))
        else:
            self.cards["done"].set("—", "")
        markers = []
        rng = pix.date_range()
        if rng:
            for y in range(rng[0].year, rng[1].year + 1):
                from planner.calendar import pre_rentree_date

                try:
                    pr = pre_rentree_date(y, "C")
                    markers.append((pr.toordinal(), "pré-rentrée"))
                except Exception:  # noqa: BLE001
                    pass
        self.coverage_chart.set_series(series, markers)
        self.heatmap_model.set_data(pix, six, scope)
        self._fit_heatmap()
        rows_kind = {"nation": "une ligne par académie", "academie": "une ligne par département",
                     "departement": "une ligne par circonscription et par bassin",
                     "bassin": "le bassin et ses établissements"}.get(scope[0], "")
        self.heatmap_title.setText(f"Sessions par semaine — {rows_kind} (double-clic : descendre)"
                                   if rows_kind else "Sessions par semaine")

    def _fit_heatmap(self) -> None:
        """Weeks fill the width when they can (8 to 18 px a week), else the view scrolls."""
        n = self.heatmap_model.columnCount()
        if not n:
            return
        avail = self.heatmap.viewport().width() or (self.tabs.width() - self.heatmap.verticalHeader().width() - 40)
        self.heatmap.horizontalHeader().setDefaultSectionSize(int(max(8, min(18, avail // n))))

    def resizeEvent(self, e) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(e)
        if hasattr(self, "heatmap"):
            self._fit_heatmap()

    def _apply_session_filters(self) -> None:
        self.session_proxy.set_filters(
            scope=self.scope, text=self.session_search.text(), kind=self.kind_filter.currentData() or "",
            audience=self.aud_filter.currentData() or "", window=self.win_filter.currentData() or "",
            pinned=self.pinned_filter.isChecked())
        self._update_session_count()
        self._update_status_what()

    def set_session_trainer_filter(self, tid: str) -> None:
        self.session_proxy.filters["trainer"] = tid
        if tid:
            self.trainer_chip.setText(f"Formateur : {tid}  ✕")
            self.trainer_chip.show()
        else:
            self.trainer_chip.hide()
        self._apply_session_filters()

    def _update_session_count(self) -> None:
        total = self.session_model.rowCount()
        shown = self.session_proxy.rowCount()
        if self.pix is None:
            self.session_count.setText("Aucun plan : planifiez (F5) pour voir les sessions.")
        else:
            self.session_count.setText(f"{fmt.num(shown)} session{'s' if shown > 1 else ''} affichée{'s' if shown > 1 else ''}"
                                       f" sur {fmt.num(total)} — {self.six.name(*self.scope)}")

    def _refresh_sessions(self) -> None:
        self._apply_session_filters()

    def _refresh_calendar(self) -> None:
        kind, subject = self.calendar_subject
        if self.pix is None:
            self.calendar.set_sessions("Aucun plan : planifiez (F5)", [])
            return
        if kind == "trainer":
            t = self.six.trainers.get(subject)
            idx = self.pix.indices(("trainer", subject))
            title = f"Formateur : {t.name if t and t.name else subject} ({subject})"
            acad = t.academie if t else None
            dep = None
        elif subject == NATION:
            self.calendar.set_sessions("Calendrier : sélectionnez une académie, une unité dans l'arbre, ou un formateur",
                                       [])
            return
        else:
            idx = self.pix.indices(subject)
            title = self.six.name(*subject)
            acad = self.six.academie_of(subject)
            dep = self.six.unit_departement.get(subject) or (subject[1] if subject[0] == "departement" else None)
        ss = [self.plan.sessions[int(i)] for i in idx]
        zone = "C"
        if acad and acad in self.six.academies:
            zone = self.six.academies[acad].calendar_zone
        self.calendar.set_sessions(f"{title} — {fmt.num(len(ss))} session{'s' if len(ss) > 1 else ''}", ss, zone, dep)

    def _refresh_trainers(self) -> None:
        scope = self.scope
        sizes = self.trainer_split.sizes()
        if sum(sizes) > 0 and sizes[0] < 0.45 * sum(sizes):
            self.trainer_split.setSizes([int(sum(sizes) * 0.56), sum(sizes) - int(sum(sizes) * 0.56)])
        self.trainer_model.set_data(self.pix, self.six, scope)
        n = self.trainer_model.rowCount()
        self.trainer_title.setText(f"Formateurs qui interviennent — {self.six.name(*scope)} : {fmt.num(n)}")
        self.trainer_sessions_proxy.set_filters(scope=("trainer", "\x00none"))
        self.trainer_sched_title.setText("Emploi du temps : sélectionnez un formateur")
        self._update_load_chart(None)

    def _update_load_chart(self, tid: str | None) -> None:
        pix = self.pix
        if pix is None:
            self.load_chart.set_data([], [])
            return
        idx = pix.indices(("trainer", tid)) if tid else pix.indices(self.scope)
        idx = idx[pix.has_trainer[idx]]
        if not len(idx):
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
            t = self.six.trainers.get(tid)
            s = self.six.scenario.settings
            if t and t.role != "fdf" and s.max_per_local_trainer_per_week:
                cap = s.max_per_local_trainer_per_week
            self.load_chart.title = f"Charge de {t.name if t and t.name else tid} : sessions par semaine"
        else:
            self.load_chart.title = f"Charge des formateurs — {self.six.name(*self.scope)} : sessions par semaine"
        self.load_chart.set_data(weeks, stacks, cap)

    def _trainer_selected(self, cur: QModelIndex, _prev=None) -> None:
        if not cur.isValid():
            return
        tid = self.trainer_model.trainer_id(cur.row())
        if tid == self.selected_trainer:
            return
        self.selected_trainer = tid
        self.calendar_subject = ("trainer", tid)
        self._dirty_tabs.add(TAB_CALENDAR)
        self.trainer_sessions_proxy.set_filters(scope=("trainer", tid))
        t = self.six.trainers.get(tid)
        self.trainer_sched_title.setText(f"Emploi du temps de {t.name if t and t.name else tid} — "
                                         f"{fmt.num(self.trainer_sessions_proxy.rowCount())} sessions")
        self._update_load_chart(tid)
        self._update_status_what()

    def _show_trainer_sessions(self) -> None:
        if self.selected_trainer:
            self.set_session_trainer_filter(self.selected_trainer)
            self.tabs.setCurrentIndex(TAB_SESSIONS)

    def _refresh_unplaced(self) -> None:
        rows = self.pix.unplaced_in(self.scope) if self.pix else []
        self.unplaced_model.set_rows(rows)
        self.unplaced_table.resizeRowsToContents() if len(rows) < 500 else None
        if self.pix is None:
            self.unplaced_title.setText("Aucun plan : planifiez (F5).")
        elif not rows:
            self.unplaced_title.setText(f"{self.six.name(*self.scope)} : toutes les sessions sont placées.")
        else:
            n = sum(int(u.get("sessions", 0) or 0) for u in rows)
            self.unplaced_title.setText(f"{self.six.name(*self.scope)} : {fmt.num(n)} session(s) non planifiée(s) dans "
                                        f"{len(rows)} unité(s). La colonne « Raison » dit pourquoi ; élargissez les "
                                        "fenêtres ou l'horizon dans Paramètres, puis replanifiez.")

    def _unplaced_activated(self, idx: QModelIndex) -> None:
        if not idx.isValid():
            return
        u = self.unplaced_model.row_dict(self.unplaced_sort.mapToSource(idx).row())
        self.select_scope((u.get("unit_type", ""), str(u.get("unit_id", ""))))

    def _unplaced_choose(self) -> None:
        idx = self.unplaced_table.currentIndex()
        if idx.isValid():
            self._unplaced_activated(idx)
        self.choose_slots()

    def _session_activated(self, idx: QModelIndex) -> None:
        if not idx.isValid():
            return
        s = self.session_proxy.session_at(idx.row())
        if s.unit_type in ("etablissement", "circonscription", "bassin", "departement", "academie"):
            self.select_scope((s.unit_type, s.unit_id))
            self.tabs.setCurrentIndex(TAB_CALENDAR)
            self.calendar.canvas.current = s.date
            self.calendar.set_mode("week")

    def _describe_session(self, s) -> str:
        if self.calendar_subject[0] == "trainer" or self.calendar_subject[1][0] in ("nation", "academie", "departement",
                                                                                     "bassin"):
            return f"{fmt.kind_label(s.kind)} · {self.six.short_name(s.unit_type, s.unit_id)}"
        return f"{fmt.kind_label(s.kind)} · G{s.group}" + (" 📌" if s.pinned else "")

    def _session_tooltip(self, s) -> str:
        t = self.six.trainers.get(s.trainer_id)
        return (f"{fmt.kind_label(s.kind, long=True)}\n{fmt.date_long(s.date)}, {s.start}–{s.end}"
                f"\n{self.six.name(s.unit_type, s.unit_id)}\nFormateur : {t.name if t and t.name else s.trainer_id}"
                f"\n{s.participants} participants · {fmt.window_label(s.window, self.scenario.settings)}"
                + ("\nÉpinglée par un choix de créneau" if s.pinned else ""))

    def _update_status_what(self) -> None:
        if self.six is None:
            return
        tab = TAB_NAMES[self.tabs.currentIndex()]
        where = self.six.name(*self.scope)
        if self.pix is None:
            extra = "aucun plan (F5 pour planifier)"
        elif self.tabs.currentIndex() == TAB_SESSIONS:
            extra = f"{fmt.num(self.session_proxy.rowCount())} sessions affichées sur {fmt.num(self.pix.n)}"
        elif self.tabs.currentIndex() == TAB_CALENDAR:
            kind, subj = self.calendar_subject
            extra = ("formateur " + str(subj)) if kind == "trainer" else "calendrier de la sélection"
            extra += f" — {'semaine' if self.calendar.canvas.mode == 'week' else 'mois'}"
        elif self.tabs.currentIndex() == TAB_TRAINERS:
            extra = f"{fmt.num(self.trainer_model.rowCount())} formateurs" + (
                f", sélectionné : {self.selected_trainer}" if self.selected_trainer else "")
        elif self.tabs.currentIndex() == TAB_UNPLACED:
            extra = f"{fmt.num(self.unplaced_model.rowCount())} unités avec des sessions non planifiées"
        else:
            n = len(self.pix.indices(self.scope))
            extra = f"{fmt.num(n)} sessions planifiées"
        stale = " — ⚠ plan calculé avec d'autres paramètres" if self.plan_stale else ""
        self.status_label.setText(f"{tab} — {where} : {extra}{stale}")

    def set_status(self, message: str) -> None:
        self.statusBar().showMessage(message, 15000)
        self.last_message = message

    # ================================================================ misc
    def _run_search(self) -> None:
        text = self.search.text()
        n = self.territory_filter.set_query(text)
        if n < 0:
            self.search_info.setText("")
            self.tree.collapseAll()
            self._expand_root()
            self.select_scope(self.scope)
            return
        self.search_info.setText("Aucun résultat" if n == 0 else f"{fmt.num(n)} résultat{'s' if n > 1 else ''}")
        if 0 < n <= 300:
            self.tree.expandAll()
        else:
            self._expand_root()
        if n == 1 or (n > 0 and len(text.strip()) == 8 and text.strip()[:7].isdigit()):
            q = text.strip().upper()
            for kind in ("etablissement",):
                if (kind, q) in {(nd.kind, nd.uid) for nd in [self.territory_model._nodes.get((kind, q))] if nd}:
                    self.select_scope((kind, q))
                    return
            # the single match
            for node in self.territory_model.nodes():
                if id(node) in (self.territory_filter._matches or ()):
                    if n == 1:
                        self.select_scope((node.kind, node.uid))
                    break

    def _focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def show_about(self) -> AboutDialog:
        dlg = AboutDialog(self)
        dlg.show()
        self.about_dialog = dlg
        return dlg

    def _show_text(self, title: str, text: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Information, title, text.split("\n")[0], QMessageBox.StandardButton.Close, self)
        box.setDetailedText(text)
        box.setModal(False)
        box.show()
        self._last_box = box

    def error(self, message: str, modal: bool = False) -> None:
        self.set_status(message.replace("\n", " "))
        box = QMessageBox(QMessageBox.Icon.Warning, APP_TITLE, message, QMessageBox.StandardButton.Close, self)
        box.setModal(False)
        box.show()
        self._last_box = box

    def _start_thread(self, th: TaskThread) -> None:
        self._threads.add(th)
        th.finished.connect(lambda th=th: self._threads.discard(th))
        th.start()

    def wait_threads(self, timeout_ms: int = 120000) -> None:
        for th in list(self._threads):
            th.stop()
            th.wait(timeout_ms)

    def closeEvent(self, e: QCloseEvent) -> None:  # noqa: N802 - Qt API
        if not self._confirm_discard():
            e.ignore()
            return
        self.wait_threads()
        self.qsettings.setValue("geometry", self.saveGeometry())
        if self.scenario_path:
            self.qsettings.setValue("lastScenario", self.scenario_path)
        super().closeEvent(e)

    def screenshot_and_quit(self, path: str, academie: str | None = None, solve: bool = False,
                            tab: int = TAB_OVERVIEW) -> int:
        self.resize(1400, 900)
        self.show()
        QApplication.processEvents()
        code = None
        if academie:
            a = self.scenario.find_academie(academie)
            if a is None:
                print(f"Académie inconnue : {academie}")
                return 2
            code = a.code
            self.select_scope(("academie", code))
        if solve:
            th = self.start_solve(code, show_dialog=False)
            if th is None:
                return 3
            loop = QEventLoop()
            th.finished.connect(loop.quit)
            if th.isRunning():
                loop.exec()
            QApplication.processEvents()
            if code:
                self.select_scope(("academie", code))
        self.tabs.setCurrentIndex(tab)
        self.refresh_all()
        QApplication.processEvents()
        self.resize(1400, 900)
        QApplication.processEvents()
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        ok = self.grab().save(path)
        print(f"Capture enregistrée : {path} ({self.width()} × {self.height()})" if ok else f"Capture impossible : {path}")
        self.wait_threads()
        return 0 if ok else 1


class BatchProgress(QWidget):
    """A small non-modal progress window (import)."""

    from PySide6.QtCore import Signal as _Signal

    cancelRequested = _Signal()

    def __init__(self, title: str, parent=None) -> None:
        super().__init__(parent, Qt.WindowType.Dialog)
        from PySide6.QtWidgets import QProgressBar

        self.setWindowTitle(title)
        self.resize(460, 120)
        lay = QVBoxLayout(self)
        self.label = QLabel("Démarrage…")
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        b = QPushButton("Annuler")
        b.clicked.connect(self.cancelRequested.emit)
        lay.addWidget(self.label)
        lay.addWidget(self.bar)
        lay.addWidget(b, 0, Qt.AlignmentFlag.AlignRight)

    def set(self, fraction: float, message: str) -> None:
        self.bar.setValue(int(max(0.0, min(1.0, float(fraction or 0))) * 1000))
        if message:
            self.label.setText(str(message))


__all__ = ["MainWindow", "merge_plan"]
