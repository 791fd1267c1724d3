"""Fichier ▸ Exporter… : every export of the command line (PDF, XLSX, CSV, ICS, inscription, observatoire) for the
selected unit, trainer, département or académie, in the background with progress and « Annuler »."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QHBoxLayout, QLabel,
                               QLineEdit, QPushButton, QVBoxLayout)

from planner.plan import Plan

from .actions import register_action
from .widgets import waiting_progress_bar

# key: (French label, file suffix, scopes it applies to)
KINDS = {
    "pdf": ("Plan imprimable (PDF)", ".pdf", {"academie", "etablissement", "circonscription", "bassin", "departement",
                                              "trainer"}),
    "xlsx": ("Classeur Excel (XLSX)", ".xlsx", None),
    "csv": ("Fichiers CSV (un dossier)", "", None),
    "ics": ("Agenda (ICS)", ".ics", None),
    "inscription_csv": ("Inscription — logiciel de gestion de la formation (CSV)", ".csv", None),
    "inscription_xlsx": ("Inscription — logiciel de gestion de la formation (XLSX)", ".xlsx", None),
    "observatoire_csv": ("Observatoire — déclarations pré-remplies (CSV)", ".csv", None),
    "observatoire_pdf": ("Observatoire — déclaration pré-remplie (PDF)", ".pdf", {"etablissement", "circonscription"}),
}


class Cancelled(Exception):
    pass


def subject_of(window) -> tuple[str, str]:
    """What to export: the trainer selected in « Formateurs » when that tab is shown, else the selected territory."""
    try:
        if window.current_tab_key() == "trainers" and window.tab("trainers").selected:
            return ("trainer", window.tab("trainers").selected)
    except KeyError:
        pass
    return tuple(window.scope)


def part_of(plan: Plan, subject: tuple[str, str]) -> Plan:
    kind, uid = subject
    if kind == "nation":
        return plan
    if kind == "trainer":
        keep = [s for s in plan.sessions if s.trainer_id == uid]
    elif kind == "academie":
        keep = [s for s in plan.sessions if s.academie == uid]
    elif kind == "departement":
        keep = [s for s in plan.sessions if s.departement == uid]
    else:
        keep = [s for s in plan.sessions if (s.unit_type, s.unit_id) == (kind, uid)]
    units = {(s.unit_type, s.unit_id) for s in keep}
    tids = {s.trainer_id for s in keep}
    return Plan(sessions=keep, trainers=[t for t in plan.trainers if t.trainer_id in tids or
                                         (t.unit_type, t.unit_id) in units],
                units=[u for u in plan.units if (u.unit_type, u.unit_id) in units], report=plan.report)


def run_export(plan: Plan, subject: tuple[str, str], kind: str, out: str, progress=lambda p: None, stop=None,
               scenario=None, index=None) -> str:
    """The export itself (no Qt: runs in the operation's thread). Returns what was written. ``index``: the
    plan's index, when there is one (the PDFs read it; made again, a national plan's took a second)."""
    skind, uid = subject
    acad = None if skind in ("nation", "trainer") else (uid if skind == "academie" else
                                                        next((s.academie for s in plan.sessions
                                                              if (s.unit_type, s.unit_id) == subject or
                                                              (skind == "departement" and s.departement == uid)), None))

    def step(fraction: float, message: str) -> None:
        if stop is not None and stop.is_set():
            raise Cancelled()
        progress({"fraction": fraction, "message": message})

    step(0.05, "Préparation…")
    part = part_of(plan, subject)
    if not part.sessions and kind != "observatoire_csv":
        raise ValueError("aucune session à exporter pour la sélection.")
    step(0.2, "Écriture…")
    if kind == "pdf":
        from planner.exports import export_academie_pdf, export_trainer_pdf, export_unit_pdf

        if index is not None and index.plan is plan:
            plan = index
        if skind == "academie":
            path = export_academie_pdf(plan, uid, out)
        elif skind == "trainer":
            path = export_trainer_pdf(plan, uid, out)
        elif skind in ("etablissement", "circonscription", "bassin", "departement"):
            path = export_unit_pdf(plan, skind, uid, out, scenario=scenario)
        else:
            raise ValueError("sélectionnez une académie, une unité ou un formateur pour le PDF.")
    elif kind == "xlsx":
        from planner.exports import export_xlsx

        path = export_xlsx(part, out)
    elif kind == "csv":
        from planner.exports import export_csv

        paths = export_csv(part, out)
        path = f"{out} ({len(paths)} fichiers CSV)"
    elif kind == "ics":
        from planner.exports import export_ics

        path = export_ics(part, out)
    elif kind.startswith("inscription"):
        from planner.exports.inscription import export_inscription

        path = export_inscription(part, out, fmt=kind.split("_")[1])
    elif kind == "observatoire_csv":
        from planner.exports.observatoire import export_observatoire_csv

        path = export_observatoire_csv(plan if skind in ("nation", "academie") else part, out, academie=acad)
    elif kind == "observatoire_pdf":
        from planner.exports.observatoire import export_observatoire_pdf

        path = export_observatoire_pdf(plan, skind, uid, out)
    else:
        raise ValueError(f"export inconnu « {kind} »")
    if stop is not None and stop.is_set():  # cancelled while writing: nothing is left behind
        p = Path(out)
        shutil.rmtree(p) if p.is_dir() else p.unlink(missing_ok=True)
        raise Cancelled()
    step(1.0, "Terminé")
    return str(path)


class ExportDialog(QDialog):
    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.setObjectName("exportDialog")
        self.subject = subject_of(window)
        self.op = None
        self.setWindowTitle("Exporter")
        lay = QVBoxLayout(self)
        form = QFormLayout()
        name = window.doc.six.name(*self.subject) if self.subject[0] != "trainer" else f"formateur {self.subject[1]}"
        form.addRow("Sélection :", QLabel(name))
        self.kind = QComboBox()
        self.kind.setObjectName("exportKind")
        for key, (label, _suffix, scopes) in KINDS.items():
            if scopes is None or self.subject[0] in scopes:
                self.kind.addItem(label, key)
        self.kind.currentIndexChanged.connect(self._suggest)
        form.addRow("Export :", self.kind)
        row = QHBoxLayout()
        self.out = QLineEdit()
        self.out.setObjectName("exportPath")
        row.addWidget(self.out, 1)
        b = QPushButton("Choisir…")
        b.clicked.connect(self._choose)
        row.addWidget(b)
        form.addRow("Fichier :", row)
        lay.addLayout(form)
        self.bar = waiting_progress_bar()  # shown once an export starts
        self.bar.setRange(0, 100)
        lay.addWidget(self.bar)
        self.msg = QLabel("")
        self.msg.setObjectName("exportMessage")
        self.msg.setWordWrap(True)
        lay.addWidget(self.msg)
        self.buttons = QDialogButtonBox()
        self.go = self.buttons.addButton("Exporter", QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_btn = self.buttons.addButton("Annuler", QDialogButtonBox.ButtonRole.RejectRole)
        self.go.clicked.connect(self.start)
        self.cancel_btn.clicked.connect(self.cancel)
        lay.addWidget(self.buttons)
        self._suggest()
        self.resize(620, 200)

    def _suggest(self) -> None:
        key = self.kind.currentData()
        suffix = KINDS[key][1]
        base = f"{key.split('_')[0]}-{self.subject[0]}-{self.subject[1] or 'france'}"
        self.out.setText(os.path.join(self.window.doc.last_dir(), base + suffix))

    def _choose(self) -> None:
        key = self.kind.currentData()
        if key == "csv":
            path = QFileDialog.getExistingDirectory(self, "Dossier des fichiers CSV", self.window.doc.last_dir())
        else:
            path, _ = QFileDialog.getSaveFileName(self, "Exporter", self.out.text())
        if path:
            self.out.setText(path)

    def start(self):
        doc = self.window.doc
        if doc.plan is None:
            self.msg.setText("Planifiez d'abord (F5).")
            return None
        kind, out = self.kind.currentData(), self.out.text().strip()
        if not out:
            self.msg.setText("Indiquez le fichier à écrire.")
            return None
        plan, subject, scenario = doc.plan, self.subject, doc.snapshot()
        index = doc.kept_index(plan)  # the PDFs read it as it is
        self.go.setEnabled(False)
        self.bar.setValue(0)
        self.bar.show()
        self.msg.setText("Export en cours…")

        def run(progress, stop):
            return run_export(plan, subject, kind, out, progress, stop, scenario, index)

        def progressed(p: dict) -> None:
            self.bar.setValue(int(100 * p.get("fraction", 0)))
            self.msg.setText(p.get("message", ""))

        def done(path: str) -> None:
            self.bar.setValue(100)
            self.msg.setText(f"Export écrit : {path}")
            self.cancel_btn.setText("Fermer")
            self.go.setEnabled(True)
            doc.set_last_dir(out)
            self.window.set_status(f"Export écrit : {path}")

        def failed(message: str) -> None:
            self.go.setEnabled(True)
            self.bar.setValue(0)
            self.msg.setText("Export annulé." if not message or message == "Cancelled" else f"Export impossible : {message}")

        self.op = self.window.ops.run(run, name="export", progress=progressed, success=done, failure=failed)
        return self.op

    def cancel(self) -> None:
        if self.op is not None and self.op.isRunning():
            self.op.cancel()
            self.msg.setText("Annulation…")
            return
        self.reject()


def open_export_dialog(window) -> ExportDialog | None:
    if window.doc.plan is None:
        window.set_status("Exporter : planifiez d'abord (F5).")
        return None
    dlg = ExportDialog(window)
    window.export_dialog = dlg
    dlg.show()
    return dlg


register_action("export_any", "E&xporter…", open_export_dialog, menu="file", section="export", shortcut="Ctrl+Shift+E",
                tip="PDF, Excel, CSV, agenda, inscription ou observatoire pour la sélection", icon_text="", order=15)
