"""The one way the window runs long work: off the GUI thread, with progress, cancel, success and failure.

As Anki's ``CollectionOp``: an :class:`Operation` runs ``fn(progress, stop)`` in a thread, where
``progress(obj)`` may be called from the worker and ``stop`` is a :class:`threading.Event` set by
« Annuler » / « Arrêter ». Callbacks run on the GUI thread::

    op = window.ops.run(fn, name="solve", progress=dlg.update_progress,
                        success=on_done, failure=on_fail, changes=Changes(plan=True))

When the success callback returns a :class:`~ui.changes.Changes` (or ``changes=`` was given), the
:class:`OperationRunner` emits ``changed`` and the window refreshes the tabs that show it.
"""
from __future__ import annotations

import contextlib
import gc
import sys
import threading
import traceback
from typing import Callable

from PySide6.QtCore import QObject, QThread, Signal

from planner.errors import Cancelled

from .changes import Changes

CANCELLED = "Opération arrêtée."  # the failure message of an operation stopped quietly (planner.errors.Cancelled)


_GC_LOCK = threading.Lock()
_GC_HOLDERS = 0


def _gc_pause() -> None:
    global _GC_HOLDERS
    with _GC_LOCK:
        _GC_HOLDERS += 1
        gc.disable()


def _gc_resume() -> None:
    """The cyclic collector back on when no operation runs any more, with everything alive frozen: the
    sessions of a national plan (millions of acyclic objects) are never traversed again. A full collection
    over them holds the interpreter lock for half a second — the window would freeze while an operation
    builds a plan (they are still freed by reference counting when the plan goes)."""
    global _GC_HOLDERS
    with _GC_LOCK:
        _GC_HOLDERS -= 1
        if _GC_HOLDERS == 0:
            gc.freeze()
            gc.enable()


@contextlib.contextmanager
def collector_paused():
    """No cyclic collection while a plan's sessions are made on the window's thread (a compact plan undone back to:
    :meth:`ui.document.Document.set_plan`), as while an operation runs: then back on, with what is alive frozen, when
    no operation runs any more (:func:`_gc_resume`)."""
    _gc_pause()
    try:
        yield
    finally:
        _gc_resume()


def said_in_french(exc: BaseException) -> bool:
    """An error of the program's own kinds (``ScenarioError``, ``StoreError``, ``PlanError``, ``ExportError``…):
    a French message for the user about their data or files, not a fault of the program."""
    return type(exc).__module__.split(".")[0] in ("planner", "solvers", "ui") and bool(str(exc))


class _Worker(QThread):
    """Runs ``fn(progress, stop)``; signals are queued to the GUI thread."""

    progressed = Signal(object)
    succeeded = Signal(object)
    failed = Signal(str)

    def __init__(self, fn, stop: threading.Event, parent=None) -> None:
        super().__init__(parent)
        self.fn = fn
        self.stop_event = stop

    def run(self) -> None:
        _gc_pause()
        try:
            result = self.fn(self.progressed.emit, self.stop_event)
        except Cancelled:  # stopped because what it was for is gone: no message (the failure callbacks still run)
            self.failed.emit(CANCELLED)
            return
        except Exception as exc:  # noqa: BLE001 - reported to the user in French
            if said_in_french(exc):  # the window says it: the console gets one line, not a traceback
                print(f"Opération interrompue : {exc}", file=sys.stderr)
            else:  # a fault of the program: its traceback, for whoever reports it
                traceback.print_exc()
            self.failed.emit(str(exc) or exc.__class__.__name__)
            return
        finally:
            _gc_resume()
        self.succeeded.emit(result)


class Operation(QObject):
    """One background run. ``finished`` is emitted on the GUI thread after the success or failure callback."""

    progressed = Signal(object)
    succeeded = Signal(object)
    failed = Signal(str)
    finished = Signal()

    def __init__(self, fn: Callable, name: str = "", parent=None) -> None:
        super().__init__(parent)
        self.name = name
        self.stop_event = threading.Event()
        self.result = None
        self.error: str | None = None
        self._done = False
        self._started = False
        self._success: list[Callable] = []
        self._failure: list[Callable] = []
        self._changes: Changes | None = None
        self._runner: "OperationRunner | None" = None
        self._worker = _Worker(fn, self.stop_event)
        self._worker.progressed.connect(self.progressed)
        self._worker.succeeded.connect(self._on_success)
        self._worker.failed.connect(self._on_failure)

    # ------------------------------------------------------------------ building
    def on_progress(self, cb: Callable) -> "Operation":
        self.progressed.connect(cb)
        return self

    def on_success(self, cb: Callable) -> "Operation":
        self._success.append(cb)
        return self

    def on_failure(self, cb: Callable) -> "Operation":
        self._failure.append(cb)
        return self

    def on_finished(self, cb: Callable) -> "Operation":
        self.finished.connect(cb)
        return self

    def with_changes(self, changes: Changes) -> "Operation":
        self._changes = changes
        return self

    def run_in_background(self) -> "Operation":
        self._started = True
        self._worker.start()
        return self

    # ------------------------------------------------------------------ control
    def cancel(self) -> None:
        """Ask the work to stop (it reads ``stop``): a solve keeps its best plan, an export stops."""
        self.stop_event.set()

    stop = cancel

    @property
    def cancelled(self) -> bool:
        return self.stop_event.is_set()

    def isRunning(self) -> bool:  # noqa: N802 - same name as QThread's, for callers waiting on it
        return self._started and not self._done

    def wait(self, timeout_ms: int = 120_000) -> bool:
        """Block until the thread ends (its callbacks then run at the next event loop turn)."""
        return self._worker.wait(timeout_ms)

    # ------------------------------------------------------------------ results (GUI thread)
    def _on_success(self, result) -> None:
        self.result = result
        changes = self._changes
        try:
            for cb in self._success:
                out = cb(result)
                if isinstance(out, Changes):
                    changes = out if changes is None else changes | out
        finally:
            self.succeeded.emit(result)
            self._finish(changes)

    def _on_failure(self, message: str) -> None:
        self.error = message
        try:
            for cb in self._failure:
                cb(message)
        finally:
            self.failed.emit(message)
            self._finish(None)

    def _finish(self, changes: Changes | None) -> None:
        self._worker.wait()
        self._done = True
        if self._runner is not None:
            self._runner._ended(self, changes)
        self.finished.emit()
        self._untie()

    def _untie(self) -> None:
        """Once ended, the operation holds no callback and no connection: they made cycles through it (a callback
        naming the operation, the worker's signals bound to its methods) that only the cyclic collector could free,
        and the window freezes what is alive when no operation runs (:func:`_gc_resume`): each opened national
        plan, kept by the reading operation's result, stayed in memory (290 MiB a reopen). Freed by reference
        counting now, with its result, as soon as nobody holds the operation."""
        import warnings

        self._success, self._failure, self._runner = [], [], None
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # a signal nobody connected to
            for sig in (self._worker.progressed, self._worker.succeeded, self._worker.failed, self.progressed,
                        self.succeeded, self.failed, self.finished):
                try:
                    sig.disconnect()
                except (RuntimeError, TypeError):
                    pass
        self._worker.fn = None


LABELS = {"save": "Enregistrement", "open": "Ouverture", "replan": "Replanification", "check": "Vérification",
          "solve": "Planification", "roadmap": "Feuille de route", "import": "Import de l'annuaire",
          "autosave": "Sauvegarde automatique", "index": "Index du plan",
          "figures": "Chiffres du plan", "saveprep": "Préparation de l'enregistrement",
          "demand": "Demande de formation", "step": "Annuler / Rétablir", "warm": "Préparation de l'historique",
          "compact": "Compactage de l'historique", "release": "Libération de la mémoire", "batch": "Export par lot",
          "export": "Export", "print": "Impression", "compare": "Comparaison des plans", "followup": "Suivi"}


class OperationRunner(QObject):
    """Starts operations, remembers the running ones, and tells the window what changed."""

    changed = Signal(object)  # Changes, after a successful operation that changed something
    busy = Signal(str, object)  # what runs (French, "" when nothing does) and its fraction done (None: unknown)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.running: list[Operation] = []

    def run(self, fn: Callable, *, name: str = "", progress: Callable | None = None, success: Callable | None = None,
            failure: Callable | None = None, changes: Changes | None = None) -> Operation:
        op = Operation(fn, name, self)
        op._runner = self
        if progress is not None:
            op.on_progress(progress)
        if success is not None:
            op.on_success(success)
        if failure is not None:
            op.on_failure(failure)
        if changes is not None:
            op.with_changes(changes)
        self.running.append(op)
        op.on_progress(lambda p, op=op: self._progressed(op, p))
        self._emit_busy()
        return op.run_in_background()

    def _progressed(self, op: Operation, p) -> None:
        if isinstance(p, tuple) and p and isinstance(p[0], (int, float)) and op in self.running:
            self.busy.emit(f"{LABELS.get(op.name, op.name)} — {p[1]}" if len(p) > 1 and p[1] else
                           LABELS.get(op.name, op.name), float(p[0]))

    def _emit_busy(self) -> None:
        names = [LABELS.get(op.name, op.name) for op in self.running if op.name]
        self.busy.emit(" · ".join(dict.fromkeys(names)) + ("…" if names else ""), None)

    def find(self, name: str, stopping: bool = True) -> Operation | None:
        """The running operation ``name``; without ``stopping``, not one asked to stop that has yet to end (work
        started again at once after a stop: the one stopping does not stand in its way)."""
        return next((op for op in self.running if op.name == name and (stopping or not op.cancelled)), None)

    def _ended(self, op: Operation, changes: Changes | None) -> None:
        if op in self.running:
            self.running.remove(op)
        op.setParent(None)  # owned by its Python references only: a finished plan is not kept alive here
        self._emit_busy()
        if changes:
            self.changed.emit(changes)

    def wait_all(self, timeout_ms: int = 120_000, cancel: bool = True) -> None:
        """Stop (when ``cancel``) and wait for every running operation (closing, tests, screenshots)."""
        from PySide6.QtWidgets import QApplication

        for _ in range(10):  # a callback may start a follow-up (the check after an edit)
            if not self.running:
                return
            for op in list(self.running):
                if cancel:
                    op.cancel()
                op.wait(timeout_ms)
            QApplication.processEvents()  # deliver the queued results so the callbacks run
