"""Fichier : new, open, save, save as, recent files, import of the annuaire (an operation), and the offer
to recover an autosave after a crash. The document does the work; this module asks the user."""
from __future__ import annotations

import os
import weakref
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QProgressDialog

from planner.plan_index import NATION

from . import fmt
from .changes import Changes
from .dialogs import TaskProgress
from .operations import Operation

SCENARIO_FILTER = "Scénarios (*.sqlite *.planif *.db *.json);;Tous les fichiers (*)"
STORE_SUFFIXES = (".sqlite", ".planif", ".db")
LISTS_DELAY_MS = 150  # after a plan read from a file is shown: its lists by unit and trainer, and its sessions


def reopen_fallback(why: object) -> str:
    """The status bar's words when the last scenario could not be read at start-up and the reference opened instead."""
    return f"Impossible de rouvrir le dernier scénario ({why}) : référence nationale chargée."


class _StartBox(QProgressDialog):
    """The busy box over the window while its first scenario is read (:meth:`FileActions.open_at_start`): it stays
    until the scenario is there, Échap and the close button would leave the user an empty window."""

    def reject(self) -> None:
        pass

    def closeEvent(self, e) -> None:  # noqa: N802 - Qt API
        e.ignore()


class FileActions:
    def __init__(self, window) -> None:
        self.window = window
        self.doc = window.doc
        self.recovery_box: QMessageBox | None = None
        self.last_import = None
        self.start_box = None  # the busy box while the window's first scenario is read (open_at_start)
        # the lists of a plan just read, started a moment after it is shown (_show_read); the index waited for is held
        # weakly: another scenario opened meanwhile lets it go
        self.lists_timer = QTimer(window)
        self.lists_timer.setSingleShot(True)
        self.lists_timer.setInterval(LISTS_DELAY_MS)
        self.lists_timer.timeout.connect(self._lists_due)
        self._lists_for = None

    def confirm_discard(self) -> bool:
        if self.doc.undo_stack.isClean() or QApplication.platformName() in ("offscreen", "minimal"):
            return True
        r = QMessageBox.question(self.window, self.window.APP_TITLE,
                                 "Le scénario a des modifications non enregistrées. Les abandonner ?",
                                 QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        return r == QMessageBox.StandardButton.Yes

    def open_spec(self, spec: str | None) -> None:
        """Open a scenario (``None`` for the national reference); raises with a French message."""
        self.doc.open(spec)
        self.window.select_scope(NATION)

    def new_scenario(self) -> Operation | None:
        """The national reference, read in the background as a file is (the window answers meanwhile)."""
        if not self.confirm_discard():
            return None
        return self._read_in_background(None, "Ouverture de la référence nationale…", lambda read: (
            f"Nouveau scénario : référence nationale {read.scenario.settings.school_year}."))

    def open_dialog(self) -> None:
        if not self.confirm_discard():
            return
        path, _ = QFileDialog.getOpenFileName(self.window, "Ouvrir un scénario", self.doc.last_dir(), SCENARIO_FILTER)
        if path:
            self.open_file(path)

    def open_file(self, path: str) -> Operation | None:
        """Read the file in the background (the window answers meanwhile), then show it; the plan's lists by
        unit and by trainer (what a unit's page and the exports read) follow in a second operation."""
        return self._read_in_background(path, f"Ouverture de {path}…", lambda _read: f"Scénario ouvert : {path}")

    def _read_in_background(self, spec: str | None, what: str, said) -> Operation | None:
        """Read ``spec`` (a file, or None: the national reference) in an operation, then show it and say
        ``said(read)``; the current plan's background work stops meanwhile (:meth:`_stop_plan_work`)."""
        from .document import read_document

        w = self.window
        if w.ops.find("open") is not None:
            w.set_status("Une ouverture est déjà en cours.")
            return None

        stopped = self._stop_plan_work()

        def done(read) -> None:
            self._show_read(read)
            w.set_status(said(read))

        def failed(msg: str) -> None:
            self._resume_plan_work(stopped)
            w.error(f"Impossible d'ouvrir {spec or 'la référence nationale'} :\n{msg}")

        w.set_status(what)
        return w.ops.run(lambda progress, stop: read_document(spec, progress, lists=False), name="open",
                         success=done, failure=failed)

    def _stop_plan_work(self) -> set[str]:
        """While another scenario is read, the current plan's background work stops: its check, its lists, the
        preparation of its save, the compaction of the plans undo keeps and the making ready of those the next undo
        and redo bring back. Their results would be for a plan about to go, and they would take turns with the reading
        for the interpreter (a national file opened during the check of the national plan shown: 6 to 7 s instead of
        1.2). Returns what was stopped, for :meth:`_resume_plan_work` if the opening fails."""
        w = self.window
        if w.steps.pending():  # an undo or redo waiting for its plan: of the scenario about to go
            w.steps.drop("Annuler / Rétablir abandonné : un autre scénario s'ouvre.")
        stopped = {"check"} if w.planning.cancel_check() else set()
        for name in ("index", "saveprep", "compact", "warm"):
            op = w.ops.find(name)
            if op is not None:
                op.cancel()
                stopped.add(name)
        return stopped

    def _resume_plan_work(self, stopped: set[str]) -> None:
        """The current plan's background work again, as it was before an opening that failed (the compaction of the
        plans undo keeps after its usual delay)."""
        from .document import compact_undo_later, prepare_save_later, warm_neighbours

        doc = self.doc
        if doc.plan is None:
            return
        if "index" in stopped and doc.pix is not None:
            self._start_lists(doc.pix)
        if "saveprep" in stopped:
            prepare_save_later(self.window, doc, doc.plan)
        if "check" in stopped:
            self.window.planning.resume_check()
        if "compact" in stopped:
            compact_undo_later(self.window, doc)
        if "warm" in stopped:
            warm_neighbours(self.window, doc)

    def _start_lists(self, pix) -> None:
        """The plan's lists by unit and by trainer, in the background (unless another plan came meanwhile); then what
        waits for its sessions (the follow-up) shows them."""
        from .document import index_lists

        w = self.window
        if self.doc.pix is pix:
            w.ops.run(lambda progress, stop: index_lists(pix, stop), name="index",
                      success=lambda _pix: self.doc.pix is pix and w.notify(Changes(lists=True)))

    def _show_read(self, read) -> None:
        """Install what :func:`read_document` read; the plan's lists by unit and by trainer follow in the background."""
        w = self.window
        self.doc.install(read)
        w.select_scope(NATION)
        if read.pix is None:
            self._lists_for = None
            return
        # once the window has laid out and painted the plan (its paints call Python hundreds of times: each would wait
        # for the interpreter while the background makes the sessions)
        self._lists_for = weakref.ref(read.pix)
        self.lists_timer.start()

    def _lists_due(self) -> None:
        pix = self._lists_for() if self._lists_for is not None else None
        self._lists_for = None
        if pix is not None:
            self._start_lists(pix)

    def open_at_start(self, spec: str | None, after=None, note: str | None = None) -> Operation:
        """The window's first scenario (``None``: the national reference) read in the background while the window
        is already shown, empty, behind a busy progress box that keeps the user's hands off it until the scenario
        is there; a file that cannot be read gives way to the national reference, said in the status bar.
        ``after()`` then runs (the offer to recover an autosave); ``note``: the status bar's words once it is there."""
        from PySide6.QtCore import Qt

        from .document import read_document

        w = self.window
        national = spec in (None, "national")
        what = "Ouverture du scénario national de référence…" if national else f"Ouverture de {Path(spec).name}…"
        box = _StartBox(what, "", 0, 0, w)
        box.setObjectName("startProgress")
        box.setWindowTitle(w.APP_TITLE)
        box.setCancelButton(None)  # nothing to go back to: the window has no scenario yet
        box.setWindowModality(Qt.WindowModality.ApplicationModal)
        box.setMinimumDuration(0)
        box.setAutoClose(False)
        box.setMinimumWidth(380)
        self.start_box = box
        w.set_status(what)

        def done(read) -> None:
            box.hide()
            self._show_read(read)
            w.set_status(note or ("Référence nationale chargée." if national else f"Scénario ouvert : {spec}"))
            if after is not None:
                after()

        def failed(msg: str) -> None:
            box.hide()
            if national:
                w.error(f"Impossible de préparer le scénario national de référence :\n{msg}")
                return
            self.open_at_start(None, after, reopen_fallback(msg))

        def step(p) -> None:  # read_document's (fraction, what it does now)
            if isinstance(p, tuple) and len(p) == 2:
                box.setRange(0, 1000)
                box.setValue(int(max(0.0, min(1.0, float(p[0]))) * 1000))
                box.setLabelText(f"{what}\n{p[1]}")

        box.show()
        box.repaint()  # painted now, before the reading thread takes turns with this one for the interpreter lock
        return w.ops.run(lambda progress, stop: read_document(spec, progress, lists=False), name="open",
                         progress=step, success=done, failure=failed)

    def save(self) -> Operation | bool:
        if not self.doc.path or not self.doc.path.endswith(STORE_SUFFIXES):
            return self.save_as()
        return self._save_to(self.doc.path)

    def save_as(self) -> Operation | bool:
        doc = self.doc
        name = (doc.scenario.name if doc.scenario else "scenario").replace("/", "-").replace(" ", "_")
        path, _ = QFileDialog.getSaveFileName(self.window, "Enregistrer le scénario",
                                              os.path.join(doc.last_dir(), name + ".sqlite"), SCENARIO_FILTER)
        if not path:
            return False
        if path.endswith(".json"):
            try:
                doc.save_json(path)
            except OSError as exc:
                self.window.error(f"Enregistrement impossible : {exc}")
                return False
            self.window.set_status(f"Scénario enregistré en JSON (sans le plan) : {path}")
            return True
        if not Path(path).suffix:
            path += ".sqlite"
        return self._save_to(path)

    def _save_to(self, path: str) -> Operation | bool:
        """Write in the background what the document holds now; edits may go on meanwhile (the file then
        holds the state of the moment « Enregistrer » was chosen, and the title keeps its « * »)."""
        w, doc = self.window, self.doc
        if w.ops.find("save") is not None:
            w.set_status("Un enregistrement est déjà en cours.")
            return False
        prep = w.ops.find("saveprep")
        if prep is not None:  # the parts it made so far are the save's; the save makes the rest
            prep.cancel()
        job = doc.save_job(path, {"time_limit": w.time_limit.value()})
        undo_index = doc.undo_stack.index()
        with_plan = doc.plan is not None
        scenario = doc.scenario

        def done(result) -> None:
            if doc.scenario is not scenario:  # another scenario was opened meanwhile: the file is written, that's all
                w.set_status(f"Scénario précédent enregistré : {result[0]}")
                return
            doc.saved(result, undo_index)
            w.set_status(f"Scénario enregistré : {doc.path}" + (" (avec son plan)" if with_plan else ""))

        w.set_status(f"Enregistrement de {path}…")
        return w.ops.run(lambda progress, stop: job(progress), name="save", success=done,
                         failure=lambda msg: w.error(f"Enregistrement impossible :\n{msg}"))

    # ---------------------------------------------------------------- import
    def import_annuaire_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.window, "Importer l'annuaire de l'Éducation nationale",
                                              self.doc.last_dir(), "Annuaire CSV (*.csv *.txt);;Tous les fichiers (*)")
        if path:
            self.import_annuaire_file(path)

    def import_annuaire_file(self, path: str, academie: str | None = None) -> Operation | None:
        from planner.sources.annuaire import import_annuaire

        w = self.window
        if not self.confirm_discard():
            return None
        dlg = TaskProgress("Import de l'annuaire", w)

        def run(progress, stop):
            def cb(fraction, message=""):
                progress((fraction, message))
                return not stop.is_set()

            return import_annuaire(path, academie=academie, progress=cb)

        def done(res):
            dlg.close()
            self.doc.set_scenario(res.scenario, None)
            w.select_scope(NATION)
            w.set_status(f"Annuaire importé : {fmt.num(res.imported_total)} unités, {fmt.num(res.rejected)} lignes "
                         f"rejetées, {fmt.num(res.skipped)} ignorées (détail : Fichier ▸ Enregistrer puis rapport).")
            self.last_import = res
            w.show_text("Import de l'annuaire", res.summary_fr())

        def fail(msg):
            dlg.close()
            w.error(f"Import impossible :\n{msg}")

        op = w.ops.run(run, name="import", progress=lambda p: dlg.set(p[0], p[1]) if isinstance(p, tuple) else None,
                       success=done, failure=fail)
        dlg.cancelRequested.connect(op.cancel)
        dlg.show()
        return op

    # ---------------------------------------------------------------- autosave / recovery / recent files
    def autosave_now(self) -> str | None:
        try:
            return self.doc.autosave_now()
        except Exception as exc:  # noqa: BLE001 - an autosave failure must never interrupt the user
            self.window.set_status(f"Sauvegarde automatique impossible : {exc}")
            return None

    def autosave_in_background(self) -> Operation | None:
        """The timer's autosave: the scenario as it is now, written by an operation (never a pause)."""
        from planner.autosave import autosave

        doc, w = self.doc, self.window
        if doc.undo_stack.isClean() or doc.scenario is None or w.ops.find("autosave") is not None:
            return None
        sc, path = doc.snapshot(), doc.path
        return w.ops.run(lambda progress, stop: str(autosave(sc, path)), name="autosave",
                         failure=lambda msg: w.set_status(f"Sauvegarde automatique impossible : {msg}"))

    def offer_recovery(self) -> None:
        info = self.doc.recovery_candidate()
        if info is None:
            return
        box = QMessageBox(QMessageBox.Icon.Question, self.window.APP_TITLE,
                          f"Le scénario « {info.scenario_name} » a été sauvegardé automatiquement le "
                          f"{info.saved_at[:16].replace('T', ' à ')} sans être enregistré (fermeture inattendue ?).\n"
                          "Le récupérer ?", QMessageBox.StandardButton.NoButton, self.window)
        rec = box.addButton("Récupérer", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("Ignorer", QMessageBox.ButtonRole.RejectRole)
        box.setModal(False)

        def done(button) -> None:
            if button is rec:
                self.doc.recover()
                self.window.select_scope(NATION)
                self.window.set_status("Scénario récupéré depuis la sauvegarde automatique : enregistrez-le (Ctrl+S).")
            else:
                self.doc.discard_autosave()

        box.buttonClicked.connect(done)
        box.show()
        self.recovery_box = box

    def fill_recent_menu(self, menu) -> None:
        menu.clear()
        files = self.doc.recent_files()
        if not files:
            menu.addAction("(aucun)").setEnabled(False)
            return
        for i, f in enumerate(files):
            a = menu.addAction(f"&{i + 1} {Path(f).name}")
            a.setToolTip(f)
            a.setEnabled(Path(f).exists())
            a.triggered.connect(lambda _c=False, f=f: self.confirm_discard() and self.open_file(f))
        menu.addSeparator()
        menu.addAction("Effacer la liste").triggered.connect(self.doc.clear_recent_files)
