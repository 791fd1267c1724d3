"""Main window: assembles the territory tree, the tabs, the settings and history docks, the actions.

The work lives elsewhere: the open scenario and plan in :mod:`ui.document`, background work in
:mod:`ui.operations`, the tabs in :mod:`ui.tabs`, actions and menus in :mod:`ui.actions`, files
in :mod:`ui.file_actions`, solve and check in :mod:`ui.planning`, the school head's edits in
:mod:`ui.unit_edits`, PDFs in :mod:`ui.printing`. When the document or an operation reports what
changed, the window refreshes the visible tab now and the others when they are shown.
"""
from __future__ import annotations

import time
from pathlib import Path

from pydantic import ValidationError
from PySide6.QtCore import QByteArray, QEventLoop, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QGuiApplication
from PySide6.QtWidgets import (QApplication, QDockWidget, QLabel, QMainWindow, QMessageBox, QProgressBar, QSpinBox,
                               QSplitter, QTabWidget, QUndoView, QVBoxLayout, QWidget)

from planner.models import french_errors
from planner.paths import resource_path
from planner.plan_index import NATION, Scope
from planner.settings import Settings

from . import fmt
from .actions import build_actions, build_menus, build_toolbar
from .changes import Changes
from .commands import SettingCommand
from .help import AboutDialog
from .document import Document, totals_key
from .file_actions import FileActions, reopen_fallback
from .i18n import install_french
from .operations import Operation, OperationRunner
from .planning import Planning
from .printing import Printing
from .settings_panel import SettingsPanel
from .tabs import Tab, tab_specs
from .territory import TerritoryPanel
from .undo_steps import UndoSteps
from .unit_edits import UnitEdits
from .widgets import AfterFirstPaint


APP_TITLE = "Planificateur IA"
DEFAULT_SIZE = (1400, 900)


class MainWindow(QMainWindow):
    APP_TITLE = APP_TITLE

    def __init__(self, scenario_spec: str | None = None, restore_last: bool = False,
                 open_in_background: bool = False) -> None:
        """``open_in_background``: the scenario is read after the window is built, while it shows (the application
        launched by a user: :meth:`FileActions.open_at_start`); otherwise here, before it returns (tests, captures)."""
        super().__init__()
        t0 = time.perf_counter()
        install_french(QApplication.instance())
        self.doc = Document(self)
        self.qsettings = self.doc.qsettings
        self.ops = OperationRunner(self)
        self.doc.background = self._demand_in_background
        self.scope: Scope = NATION
        self.calendar_subject: tuple[str, object] = ("unit", NATION)
        self.last_message = ""
        self._pending: dict[str, Changes] = {}
        self._holding = False  # on_changes gathers what changed, then refreshes the visible tab once
        self.setWindowTitle(APP_TITLE)
        self.files, self.planning = FileActions(self), None
        self.territory = TerritoryPanel(self)
        self.tab_list: list[Tab] = [spec.factory(self) for spec in tab_specs()]
        self.tabs = QTabWidget()
        self.tabs.setObjectName("mainTabs")
        for t in self.tab_list:
            self.tabs.addTab(t, t.title)
        self.tabs.currentChanged.connect(lambda _i: self.refresh_current())
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.territory)
        split.addWidget(self.tabs)
        split.setStretchFactor(0, 0)
        split.setStretchFactor(1, 1)
        split.setChildrenCollapsible(False)
        self.territory.setMinimumWidth(220)
        split.setSizes([300, 1100])
        self.main_split = split
        self.setCentralWidget(split)
        self._build_docks()
        self.time_limit = QSpinBox()
        self.time_limit.setObjectName("timeLimit")
        self.time_limit.setRange(2, 3600)
        self.time_limit.setValue(int(self.qsettings.value("timeLimit", 30)))
        self.time_limit.setSuffix(" s")
        self.time_limit.setPrefix("Durée max. ")
        self.time_limit.setToolTip("Temps de calcul maximal ; « Arrêter » garde le meilleur plan trouvé")
        self.planning, self.unit_edits, self.printing = Planning(self), UnitEdits(self), Printing(self)
        self.steps = UndoSteps(self)
        self.steps.route_history(self.history_view)
        build_actions(self)
        build_menus(self)
        self.toolbar = build_toolbar(self)
        self.status_label = QLabel("")
        self.status_label.setObjectName("statusWhat")
        self.plan_label = QLabel("Aucun plan")
        self.plan_label.setObjectName("statusPlan")
        self.statusBar().addWidget(self.status_label, 1)
        self.busy_bar = QProgressBar()
        self.busy_bar.setObjectName("busyBar")
        self.busy_bar.setMaximumWidth(160)
        self.busy_bar.setTextVisible(False)
        self.busy_bar.hide()
        self.statusBar().addPermanentWidget(self.busy_bar)
        self.statusBar().addPermanentWidget(self.plan_label)
        self.ops.busy.connect(self.show_busy)
        qss = resource_path("styles", "app.qss")
        if qss.exists():
            self.setStyleSheet(qss.read_text(encoding="utf-8"))
        self.doc.changed.connect(self.on_changes)
        self.doc.settingsShown.connect(lambda: self.settings_panel.refresh())
        self.ops.changed.connect(self.on_changes)
        self.doc.message.connect(self.set_status)
        self.doc.fileChanged.connect(self.update_title)
        spec = scenario_spec if scenario_spec is not None else (self.doc.last_scenario() if restore_last else None)
        if not open_in_background:
            try:
                self.files.open_spec(spec)
            except Exception as exc:  # noqa: BLE001 - fall back on the national reference, say why
                self.files.open_spec(None)
                self.set_status(reopen_fallback(exc))
        self.restore_layout()
        self.autosave_timer = QTimer(self)
        self.autosave_timer.setInterval(120_000)
        self.autosave_timer.timeout.connect(self.files.autosave_in_background)
        self.autosave_timer.start()
        if open_in_background:  # once the window is painted: it shows first
            after = self.files.offer_recovery if restore_last else None
            AfterFirstPaint(self, lambda: self.files.open_at_start(spec, after))
        elif restore_last:
            QTimer.singleShot(0, self.files.offer_recovery)
        self.startup_seconds = time.perf_counter() - t0

    def _build_docks(self) -> None:
        self.settings_panel = SettingsPanel(lambda: self.doc.scenario.settings if self.doc.scenario else Settings())
        self.settings_panel.editRequested.connect(self.request_setting)
        dock = self.settings_dock = QDockWidget("Paramètres", self)
        dock.setObjectName("settingsDock")
        wrap = QWidget()
        wl = QVBoxLayout(wrap)
        wl.setContentsMargins(0, 0, 0, 0)
        note = QLabel("Valent pour le prochain calcul (F5). Survolez un libellé pour son explication.")
        note.setWordWrap(True)
        note.setObjectName("dockNote")
        wl.addWidget(note)
        wl.addWidget(self.settings_panel, 1)
        dock.setWidget(wrap)
        dock.setMinimumWidth(250)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        self.history_dock = QDockWidget("Historique des modifications", self)
        self.history_dock.setObjectName("historyDock")
        uv = self.history_view = QUndoView(self.doc.undo_stack)
        uv.setEmptyLabel("Scénario chargé")
        self.history_dock.setWidget(uv)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.history_dock)
        self.tabifyDockWidget(dock, self.history_dock)
        dock.raise_()
        self.resizeDocks([dock], [300], Qt.Orientation.Horizontal)
        self.act_settings = dock.toggleViewAction()
        self.act_settings.setText("&Paramètres")
        self.act_settings.setIconText("Paramètres")
        self.act_settings.setObjectName("actSettings")
        self.act_settings.setShortcut("Ctrl+,")
        self.act_settings.setToolTip("Afficher ou masquer les paramètres du scénario (Ctrl+,)")
        self.addAction(self.act_settings)

    # ================================================================ the document's state, for the views
    @property
    def scenario(self):
        return self.doc.scenario

    @property
    def plan(self):
        return self.doc.plan

    @property
    def six(self):
        return self.doc.six

    @property
    def undo_stack(self):
        return self.doc.undo_stack

    @property
    def solve_thread(self):
        return self.planning.solve_op if self.planning else None

    # ================================================================ tabs
    def tab(self, key: str) -> Tab:
        return next(t for t in self.tab_list if t.key == key)

    def current_tab_key(self) -> str:
        return self.tab_list[self.tabs.currentIndex()].key

    def _demand_in_background(self, job, done) -> Operation:
        """The document's demand made again after a setting (:meth:`Document._index_demand`), with the overview's
        figures of the territory shown."""
        from .tabs.overview import prime_overview

        scope = self.scope

        def run(progress, stop):
            six = job()
            prime_overview(six, scope)
            return six

        return self.ops.run(run, name="demand", success=done,
                            failure=lambda msg: self.error(f"Calcul de la demande impossible :\n{msg}"))

    def show_tab(self, key: str) -> Tab:
        t = self.tab(key)
        self.tabs.setCurrentWidget(t)
        return t

    def on_changes(self, changes: Changes) -> None:
        """The document or an operation changed something: the visible tab now, the others when shown."""
        if self.doc.six is None:
            return
        if changes.scenario:
            self._holding = True  # a selection changed by the new tree: the tab is refreshed once, below
            try:
                self.territory.set_scenario(self.doc.six)
                if not self.territory.show_scope(self.scope):
                    self.set_scope(NATION)
                    self.territory.show_scope(NATION)
            finally:
                self._holding = False
        if changes.scenario or changes.settings:
            self.settings_panel.refresh()
        if changes.scenario or changes.plan:
            pix = self.doc.pix
            self.territory.set_totals(pix.memo(totals_key(pix), pix.per_node_totals) if pix else {})
        self.notify(changes)
        self.update_plan_label()
        self.update_title()

    def notify(self, changes: Changes) -> None:
        for t in self.tab_list:
            self._pending[t.key] = self._pending.get(t.key, Changes()) | changes
        if not self._holding:
            self.refresh_current()

    def refresh_current(self) -> None:
        if self.doc.six is None:
            return
        t = self.tab_list[self.tabs.currentIndex()]
        changes = self._pending.pop(t.key, None)
        if changes:
            t.refresh(changes)
        self.update_status()

    def refresh_all(self) -> None:
        """Refresh every tab now (screenshots, tests)."""
        for t in self.tab_list:
            t.refresh(self._pending.pop(t.key, Changes()) | Changes(scope=True))
        self.update_status()

    # ================================================================ selection
    def select_scope(self, scope: Scope) -> None:
        if not self.territory.show_scope(scope):
            self.set_scope(NATION)
        elif self.scope != scope:
            self.set_scope(scope)

    def set_scope(self, scope: Scope) -> None:
        self.scope = tuple(scope)
        self.calendar_subject = ("unit", self.scope)
        six = self.doc.six
        acad = six.academie_of(self.scope) if six else None
        name = six.academies[acad].name if acad else None
        self.act_solve.setText(f"Planifier {name}" if name else "Planifier la France")
        self.act_solve.setIconText(f"Planifier {name}" if name else "Planifier la France")
        self.act_solve.setToolTip(f"Planifier l'académie de {name} (F5)" if name else "Planifier toutes les académies (F5)")
        self.act_slots.setEnabled(self.scope[0] in ("etablissement", "circonscription", "bassin", "departement"))
        self.act_roadmap.setEnabled(self.scope[0] in ("etablissement", "circonscription"))
        self.notify(Changes(scope=True, subject=True))

    def set_calendar_subject(self, subject: tuple) -> None:
        self.calendar_subject = subject
        self.notify(Changes(subject=True))

    # ================================================================ settings (undoable)
    def request_setting(self, field: str, value) -> None:
        doc = self.doc
        s = doc.scenario.settings
        if field == "__all__":
            doc.undo_stack.push(SettingCommand(doc, field, s.model_copy(deep=True), value))
            return
        if field in ("school_year", "plan_from"):  # the horizon follows the school year (planner.settings)
            try:
                new = s.for_school_year(value if field == "school_year" else None,
                                        value if field == "plan_from" else None)
            except (ValidationError, ValueError) as exc:
                self.settings_panel.refresh()
                self.error("Valeur refusée :\n" + ("\n".join(french_errors(exc)) if isinstance(exc, ValidationError)
                                                    else str(exc)))
                return
            doc.undo_stack.push(SettingCommand(doc, "__all__", s.model_copy(deep=True), new, focus=field))
            return
        try:
            Settings.model_validate({**s.model_dump(), field: value})
        except ValidationError as exc:
            self.settings_panel.refresh()
            self.error("Valeur refusée :\n" + "\n".join(french_errors(exc)))
            return
        doc.undo_stack.push(SettingCommand(doc, field, getattr(s, field), value))

    # ================================================================ status and messages
    def update_status(self) -> None:
        if self.doc.six is None:
            return
        t = self.tab_list[self.tabs.currentIndex()]
        where = self.doc.six.name(*self.scope)
        extra = "aucun plan (F5 pour planifier)" if self.doc.pix is None else t.status_text()
        stale = f" — ⚠ {self.doc.stale_note()}" if self.doc.plan_stale else ""
        self.status_label.setText(f"{t.title} — {where} : {extra}{stale}")

    def update_plan_label(self) -> None:
        if self.planning is not None:
            self.plan_label.setText(self.planning.plan_label())

    def update_title(self) -> None:
        s = self.doc.scenario.settings if self.doc.scenario else None
        year = f" — année scolaire {s.school_year}, à partir du {fmt.date_long(s.plan_from)}" if s else ""
        self.setWindowTitle(f"{APP_TITLE} — {self.doc.title()}{year}[*]")
        self.setWindowModified(not self.doc.undo_stack.isClean())

    def set_status(self, message: str) -> None:
        self.statusBar().showMessage(message, 15000)
        self.last_message = message
        self.update_plan_label()

    def showEvent(self, e) -> None:  # noqa: N802 - Qt API
        """A message given before the window was shown (the file reopened at start-up) shown again now: QStatusBar
        hides the label under a message only when the label is visible, so both were drawn over each other."""
        super().showEvent(e)
        bar = self.statusBar()
        message = bar.currentMessage()
        if message and self.status_label.isVisible():
            bar.clearMessage()
            bar.showMessage(message, 15000)

    def show_busy(self, what: str, fraction) -> None:
        """The status bar's progress while background work runs (save, open, re-plan, check…)."""
        bar = self.busy_bar
        bar.setVisible(bool(what))
        bar.setToolTip(what)
        span = (0, 0) if fraction is None else (0, 100)  # (0, 0): running, length unknown
        if (bar.minimum(), bar.maximum()) != span:  # a new range restarts the bar's style (8 ms each time)
            bar.setRange(*span)
        if fraction is not None:
            bar.setValue(int(100 * max(0.0, min(1.0, fraction))))

    def show_text(self, title: str, text: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Information, title, text.split("\n")[0], QMessageBox.StandardButton.Close, self)
        box.setDetailedText(text)
        box.setModal(False)
        box.show()
        self._last_box = box

    def error(self, message: str, modal: bool = False) -> None:
        self.set_status(message.replace("\n", " "))
        box = QMessageBox(QMessageBox.Icon.Warning, APP_TITLE, message, QMessageBox.StandardButton.Close, self)
        box.setModal(modal)
        box.show()
        self._last_box = box

    def show_about(self) -> AboutDialog:
        dlg = AboutDialog(self)
        dlg.show()
        self.about_dialog = dlg
        return dlg

    # ================================================================ layout, closing, screenshots
    def restore_layout(self) -> None:
        """Size and dock layout as the user left them; the first time, a size that fits the screen."""
        geo, state = self.qsettings.value("geometry"), self.qsettings.value("windowState")
        if isinstance(state, QByteArray) and not state.isEmpty():
            self.restoreState(state)
        if isinstance(geo, QByteArray) and not geo.isEmpty() and self.restoreGeometry(geo):
            return
        w, h = DEFAULT_SIZE
        screen = QGuiApplication.primaryScreen()
        if screen is not None:
            avail = screen.availableGeometry()
            w, h = min(w, avail.width()), min(h, avail.height())
        self.resize(w, h)

    def save_layout(self) -> None:
        self.qsettings.setValue("geometry", self.saveGeometry())
        self.qsettings.setValue("windowState", self.saveState())

    def wait_threads(self, timeout_ms: int = 120_000) -> None:
        """Stop and wait for every background operation (closing, tests, screenshots)."""
        self.ops.wait_all(timeout_ms)

    def closeEvent(self, e: QCloseEvent) -> None:  # noqa: N802 - Qt API
        if not self.files.confirm_discard():
            e.ignore()
            return
        self.planning.check_timer.stop()
        self.wait_threads()
        self.save_layout()
        if self.doc.path:
            self.qsettings.setValue("lastScenario", self.doc.path)
        super().closeEvent(e)

    def screenshot_and_quit(self, path: str, academie: str | None = None, solve: bool = False, tab: str = "overview",
                            size: tuple[int, int] = DEFAULT_SIZE) -> int:
        self.resize(*size)
        self.show()
        QApplication.processEvents()
        code = None
        if academie:
            a = self.doc.scenario.find_academie(academie)
            if a is None:
                print(f"Académie inconnue : {academie}")
                return 2
            code = a.code
            self.select_scope(("academie", code))
        if solve:
            op = self.planning.start_solve(code, show_dialog=False)
            if op is None:
                return 3
            loop = QEventLoop()
            op.finished.connect(loop.quit)
            if op.isRunning():
                loop.exec()
            if code:
                self.select_scope(("academie", code))
        self.show_tab(tab)
        self.refresh_all()
        self.resize(*size)
        QApplication.processEvents()
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        ok = self.grab().save(path)
        print(f"Capture enregistrée : {path} ({self.width()} × {self.height()})" if ok else f"Capture impossible : {path}")
        self.planning.check_timer.stop()
        self.wait_threads()
        return 0 if ok else 1


__all__ = ["APP_TITLE", "MainWindow"]
