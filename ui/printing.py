"""Printing (a PDF of the selected unit, académie or trainer) and batch exports (one PDF per unit, in the
background with progress and « Annuler »)."""
from __future__ import annotations

import os
import shutil
import tempfile

from PySide6.QtWidgets import QFileDialog

from .dialogs import BatchExportDialog
from .operations import Operation


class Printing:
    def __init__(self, window) -> None:
        self.window = window
        self.doc = window.doc
        self.batch_dialog: BatchExportDialog | None = None

    def _ask_pdf(self, title: str, name: str) -> str | None:
        path, _ = QFileDialog.getSaveFileName(self.window, title, os.path.join(self.doc.last_dir(), name),
                                              "Document PDF (*.pdf)")
        if not path:
            return None
        return path if path.lower().endswith(".pdf") else path + ".pdf"

    def _indexed_plan(self):
        """The plan as the exports read it: its index when the window has it (a national plan's index made again
        took a second), else the plan."""
        return self.doc.kept_index(self.doc.plan) or self.doc.plan

    def _print(self, label: str, write, path: str, done_text: str) -> Operation:
        """``write()`` (a PDF to ``path``) in the background, the window answering meanwhile; the status bar says
        when it is written, or why not."""
        w, doc = self.window, self.doc

        def run(progress, _stop):
            progress({"fraction": 0.1, "message": f"{label}…"})
            write()
            return path

        def done(_res) -> None:
            doc.set_last_dir(path)
            w.set_status(done_text)

        w.set_status(f"{label}…")
        return w.ops.run(run, name="print", success=done,
                         failure=lambda msg: w.error(f"Impossible d'écrire le PDF :\n{msg}"))

    def print_plan(self) -> Operation | None:
        w, doc = self.window, self.doc
        if doc.plan is None:
            w.set_status("Imprimer le plan : planifiez d'abord (F5).")
            return None
        if w.current_tab_key() == "trainers" and w.tab("trainers").selected:
            return self.print_trainer()
        kind, uid = w.scope
        if kind == "nation":
            w.set_status("Imprimer le plan : sélectionnez une académie, une unité ou un formateur.")
            return None
        from planner.exports import export_academie_pdf, export_unit_pdf

        name = doc.six.name(kind, uid)
        path = self._ask_pdf(f"Imprimer le plan — {name}", f"plan-{kind}-{uid}.pdf")
        if not path:
            return None
        plan, scenario = self._indexed_plan(), doc.snapshot()
        if kind == "academie":
            def write():
                export_academie_pdf(plan, uid, path)
        else:
            def write():
                export_unit_pdf(plan, kind, uid, path, scenario=scenario)
        return self._print(f"Impression du plan — {name}", write, path, f"Plan imprimé en PDF : {path}")

    def print_trainer(self) -> Operation | None:
        w, doc = self.window, self.doc
        tid = w.tab("trainers").selected
        if doc.plan is None or not tid:
            w.set_status("Sélectionnez un formateur dans l'onglet Formateurs.")
            return None
        from planner.exports import export_trainer_pdf

        path = self._ask_pdf("Imprimer le planning du formateur", f"planning-{tid}.pdf")
        if not path:
            return None
        plan = self._indexed_plan()
        return self._print(f"Impression du planning du formateur {tid}", lambda: export_trainer_pdf(plan, tid, path),
                           path, f"Planning du formateur {tid} imprimé : {path}")

    def batch_export_dialog(self) -> BatchExportDialog | None:
        w, doc = self.window, self.doc
        if doc.plan is None:
            w.set_status("Exporter en lot : planifiez d'abord (F5).")
            return None
        acad = doc.six.academie_of(w.scope)
        dlg = BatchExportDialog(doc.six.academies[acad].name if acad else None, w)
        dlg.out.setText(os.path.join(doc.last_dir(), "plans-pdf"))
        dlg.startRequested.connect(lambda kind, out, only, merged: self.run_batch_export(
            kind, out, acad if only else None, merged, dlg))
        self.batch_dialog = dlg
        dlg.show()
        return dlg

    def run_batch_export(self, kind: str, out_dir: str, academie: str | None, merged: bool,
                         dlg: BatchExportDialog | None = None) -> Operation:
        from planner.exports import export_batch

        w, plan = self.window, self.doc.plan
        tmp = tempfile.mkdtemp(prefix="planif-ia-")

        def run(progress, stop):
            plan.write(tmp)

            def cb(done, total, *rest):
                if stop.is_set():
                    return False  # export_batch raises ExportCancelled
                progress({"done": done, "total": total})
                return True

            return export_batch(tmp, kind, out_dir, academie=academie, merged=merged, progress=cb)

        def done(res):
            n = len(res) if isinstance(res, (list, tuple)) else 0
            msg = f"Export terminé : {n} document(s) PDF dans {out_dir}"
            if dlg is not None:
                dlg.finish(msg)
            w.set_status(msg)

        def fail(msg):
            text = "Export annulé." if ("interrompu" in msg or "annulé" in msg) else f"Export impossible : {msg}"
            if dlg is not None:
                dlg.finish(text)
            w.set_status(text)

        op = w.ops.run(run, name="batch", progress=dlg.update_progress if dlg is not None else None,
                       success=done, failure=fail)
        op.on_finished(lambda: shutil.rmtree(tmp, ignore_errors=True))
        if dlg is not None:
            dlg.cancelRequested.connect(op.cancel)
        return op

