"""Dialogs: solve progress, slot chooser, batch export, about. All are non-modal (``open``/``show``)."""
from __future__ import annotations

import time

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFileDialog,
                               QFormLayout, QGridLayout, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QProgressBar,
                               QPushButton, QSpinBox, QTableView, QVBoxLayout, QWidget)


from . import fmt
from .charts import LineChart
from .models import CandidateTableModel
from .widgets import waiting_progress_bar

STAGE_LABELS = {
    "start": "Démarrage", "demand": "Calcul de la demande", "tot": "Formation de formateurs",
    "units": "Placement des unités", "cadres": "Cadres", "check": "Vérification", "done": "Terminé",
    "academie": "Académies", "solve": "Résolution", "académies": "Résolution, académie par académie",
}


class SolveProgressDialog(QDialog):
    """Sessions placed, objective and bound over time; « Arrêter » keeps the best valid plan."""

    stopRequested = Signal()

    def __init__(self, title: str, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Planification en cours")
        self.setObjectName("solveProgress")
        self.setModal(False)
        self.resize(560, 420)
        self.t0 = time.monotonic()
        head = QLabel(f"<b>{title}</b>")
        self.stage = QLabel("Démarrage…")
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)
        grid = QGridLayout()
        self.values = {}
        for i, (key, lab) in enumerate([("academies", "Académies traitées"), ("sessions", "Sessions placées"),
                                        ("objective", "Objectif (meilleur plan)"), ("bound", "Borne"),
                                        ("gap", "Écart à la borne"), ("elapsed", "Temps écoulé")]):
            grid.addWidget(QLabel(lab + " :"), i // 2, (i % 2) * 2)
            v = QLabel("—")
            v.setObjectName(f"progress_{key}")
            v.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            grid.addWidget(v, i // 2, (i % 2) * 2 + 1)
            self.values[key] = v
        self.chart = LineChart("Objectif et borne au fil du temps", x_dates=False, y_percent=False)
        self.chart.empty_text = "En attente d'un premier plan…"
        self.obj_pts: list[tuple[float, float]] = []
        self.bound_pts: list[tuple[float, float]] = []
        self.stop_button = QPushButton("Arrêter")
        self.stop_button.setToolTip("Arrête la recherche et garde le meilleur plan valide trouvé (Échap)")
        self.stop_button.setShortcut("Esc")
        self.stop_button.clicked.connect(self._stop)
        lay = QVBoxLayout(self)
        lay.addWidget(head)
        lay.addWidget(self.stage)
        lay.addWidget(self.bar)
        lay.addLayout(grid)
        lay.addWidget(self.chart, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.stop_button)
        lay.addLayout(row)
        self.last: dict = {}

    def _stop(self) -> None:
        self.stop_button.setEnabled(False)
        self.stop_button.setText("Arrêt en cours…")
        self.stage.setText("Arrêt demandé : on garde le meilleur plan valide…")
        self.stopRequested.emit()

    def reject(self) -> None:  # closing the window = stop (the plan found so far is kept)
        if self.stop_button.isEnabled():
            self._stop()

    def update_progress(self, p: dict) -> None:
        if not isinstance(p, dict):
            return
        self.last = p
        st = p.get("stage")
        if st and self.stop_button.isEnabled():
            self.stage.setText(STAGE_LABELS.get(st, str(st)))
        done, total = p.get("academies_done"), p.get("academies_total")
        if total:
            self.bar.setRange(0, int(total))
            self.bar.setValue(int(done or 0))
            self.values["academies"].setText(f"{done or 0} / {total}")
        if p.get("sessions_placed") is not None:
            self.values["sessions"].setText(fmt.num(p["sessions_placed"]))
        el = p.get("elapsed")
        if el is None:
            el = time.monotonic() - self.t0
        self.values["elapsed"].setText(f"{el:.1f} s".replace(".", ","))
        obj, bnd = p.get("objective"), p.get("bound")
        started = bool(done) or bool(obj)
        if obj is not None and started:
            self.values["objective"].setText(fmt.num(obj, 1))
            self.obj_pts.append((float(el), float(obj)))
        if bnd is not None and started:
            self.values["bound"].setText(fmt.num(bnd, 1))
            self.bound_pts.append((float(el), float(bnd)))
        if obj and bnd is not None and obj > 0:
            self.values["gap"].setText(fmt.pct(max(0.0, (obj - bnd) / abs(obj))))
        series = []
        if self.obj_pts:
            series.append(("Objectif", list(self.obj_pts), "#d62728"))
        if self.bound_pts:
            series.append(("Borne", list(self.bound_pts), "#1f77b4"))
        self.chart.set_series(series)


class SlotChooserDialog(QDialog):
    """« Choisir les créneaux »: ranked candidate slots and what each implies; pick one to pin it."""

    picked = Signal(object, int)  # candidate, group (1-based)

    def __init__(self, unit_name: str, current: list, candidates: list, settings, groups: int, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Choisir les créneaux — {unit_name}")
        self.setObjectName("slotChooser")
        self.setModal(False)
        self.resize(900, 520)
        lay = QVBoxLayout(self)
        intro = QLabel(
            f"<b>{unit_name}</b><br>Créneaux possibles, du meilleur au moins bon (la pré-rentrée d'abord quand "
            "c'est possible). Choisir un créneau l'épingle pour la session indiquée et replanifie "
            "seulement cette unité. Le choix s'annule par Édition ▸ Annuler (Ctrl+Z).")
        intro.setWordWrap(True)
        lay.addWidget(intro)
        cur = ", ".join(f"G{s.group or i + 1} : {fmt.date_short(s.date)} {s.start}" + (" 📌" if s.pinned else "")
                        for i, s in enumerate(current)) or "aucune session placée"
        cl = QLabel(f"Sessions actuelles : {cur}")
        cl.setWordWrap(True)
        lay.addWidget(cl)
        form = QHBoxLayout()
        self.group = QSpinBox()
        self.group.setRange(1, max(1, groups))
        self.group.setSuffix(f" sur {max(1, groups)}")
        self.group.setToolTip("Quelle session (groupe) de l'unité placer sur ce créneau ; "
                              "les créneaux proposés sont recalculés pour ce groupe")
        form.addWidget(QLabel("Session (groupe) à placer :"))
        form.addWidget(self.group)
        form.addStretch(1)
        lay.addLayout(form)
        self.model = CandidateTableModel(candidates, settings, self)
        self.table = QTableView()
        self.table.setObjectName("candidateTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(True)
        self._setup_columns()
        self.table.doubleClicked.connect(lambda _i: self._pick())
        lay.addWidget(self.table, 1)
        if not candidates:
            lay.addWidget(QLabel("Aucun créneau possible pour cette unité avec les paramètres actuels."))
        bb = QDialogButtonBox()
        self.pick_button = bb.addButton("Choisir ce créneau", QDialogButtonBox.ButtonRole.AcceptRole)
        self.pick_button.setEnabled(False)
        bb.addButton("Fermer", QDialogButtonBox.ButtonRole.RejectRole)
        bb.accepted.connect(self._pick)
        bb.rejected.connect(self.reject)
        self.table.selectionModel().selectionChanged.connect(
            lambda *_: self.pick_button.setEnabled(bool(self.table.selectionModel().selectedRows())))
        lay.addWidget(bb)
        self.status = QLabel("")
        lay.addWidget(self.status)

    def _setup_columns(self) -> None:
        hh = self.table.horizontalHeader()
        for col, width in enumerate([48, 190, 96, 150, 0, 80]):
            if width:
                hh.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
                self.table.setColumnWidth(col, width)
        hh.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)

    def set_candidates(self, candidates: list) -> None:
        self.model = CandidateTableModel(candidates, self.model._settings, self)
        self.table.setModel(self.model)
        self._setup_columns()
        self.table.selectionModel().selectionChanged.connect(
            lambda *_: self.pick_button.setEnabled(bool(self.table.selectionModel().selectedRows())))
        self.pick_button.setEnabled(False)
        self.status.setText(f"{len(candidates)} créneaux pour la session {self.group.value()}.")

    def select_row(self, row: int) -> None:
        self.table.selectRow(row)

    def _pick(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return
        c = self.model.candidate(rows[0].row())
        if not getattr(c, "feasible", True):
            return
        self.pick_button.setEnabled(False)
        self.status.setText("Replanification de l'unité…")
        self.picked.emit(c, self.group.value())


BATCH_KINDS = [
    ("all-etablissements", "Un PDF par établissement"),
    ("all-circonscriptions", "Un PDF par circonscription"),
]


class BatchExportDialog(QDialog):
    """Choose what to export, where; then shows the progress of the export (run by the window)."""

    startRequested = Signal(str, str, bool, bool)  # kind, out_dir, only_academie, merged
    cancelRequested = Signal()

    def __init__(self, academie_name: str | None, parent=None, kinds=BATCH_KINDS) -> None:
        super().__init__(parent)
        self.setWindowTitle("Exporter les plans en lot")
        self.setObjectName("batchExport")
        self.setModal(False)
        self.resize(560, 260)
        lay = QVBoxLayout(self)
        form = QFormLayout()
        self.kind = QComboBox()
        for k, lab in kinds:
            self.kind.addItem(lab, k)
        form.addRow("Documents :", self.kind)
        self.only = QCheckBox(f"Seulement l'académie de {academie_name}" if academie_name else "Toute la France")
        self.only.setChecked(bool(academie_name))
        self.only.setEnabled(bool(academie_name))
        form.addRow("Périmètre :", self.only)
        self.merged = QCheckBox("Un seul PDF avec un signet par unité")
        form.addRow("Regrouper :", self.merged)
        row = QHBoxLayout()
        self.out = QLineEdit()
        self.out.setPlaceholderText("Dossier de destination")
        browse = QPushButton("Parcourir…")
        browse.clicked.connect(self._browse)
        row.addWidget(self.out, 1)
        row.addWidget(browse)
        form.addRow("Dossier :", row)
        lay.addLayout(form)
        self.bar = waiting_progress_bar()  # shown once the export starts
        self.status = QLabel("")
        self.status.setWordWrap(True)
        lay.addWidget(self.bar)
        lay.addWidget(self.status)
        bb = QDialogButtonBox()
        self.start_button = bb.addButton("Exporter", QDialogButtonBox.ButtonRole.AcceptRole)
        self.close_button = bb.addButton("Fermer", QDialogButtonBox.ButtonRole.RejectRole)
        bb.accepted.connect(self._start)
        bb.rejected.connect(self._close)
        lay.addWidget(bb)
        self.running = False

    def _browse(self) -> None:
        d = QFileDialog.getExistingDirectory(self, "Dossier de destination", self.out.text())
        if d:
            self.out.setText(d)

    def _start(self) -> None:
        if not self.out.text().strip():
            self.status.setText("Choisissez d'abord un dossier de destination.")
            return
        self.running = True
        self.start_button.setEnabled(False)
        self.close_button.setText("Annuler")
        self.bar.setValue(0)
        self.bar.show()
        self.status.setText("Export en cours…")
        self.startRequested.emit(self.kind.currentData(), self.out.text().strip(), self.only.isChecked(),
                                 self.merged.isChecked())

    def _close(self) -> None:
        if self.running:
            self.cancelRequested.emit()
            self.status.setText("Annulation demandée…")
        else:
            self.reject()

    def reject(self) -> None:
        if self.running:
            self.cancelRequested.emit()
            return
        super().reject()

    def update_progress(self, p) -> None:
        if isinstance(p, dict):
            done, total = p.get("done"), p.get("total")
            if total:
                self.bar.setRange(0, int(total))
                self.bar.setValue(int(done or 0))
                self.status.setText(f"{done} / {total} documents" + (f" — {p['current']}" if p.get("current") else ""))
        elif isinstance(p, tuple) and len(p) >= 2:
            self.update_progress({"done": p[0], "total": p[1]})

    def finish(self, message: str) -> None:
        self.running = False
        self.start_button.setEnabled(True)
        self.close_button.setText("Fermer")
        self.status.setText(message)


class TaskProgress(QWidget):
    """A small non-modal progress window with « Annuler » (import of the annuaire)."""

    cancelRequested = Signal()

    def __init__(self, title: str, parent=None) -> None:
        super().__init__(parent, Qt.WindowType.Dialog)
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
