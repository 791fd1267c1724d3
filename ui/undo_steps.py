"""« Annuler » and « Rétablir » that never hold the window.

An undo or redo shows the plan its command kept. That plan is ready when its index is kept and, if it was kept
compact (:func:`ui.document.compact_undo_later`), its sessions are made again: :func:`ui.document.warm_neighbours`
makes the next undo's and redo's plans ready a second after each step. Pressed again before that (or twice in a
row), the step used to make a national plan's 400,000 sessions and index them on the window's thread: 0.9 to 2.7 s
frozen. The undo and redo actions now go through :class:`UndoSteps`: a step whose plan is big and not ready waits
for it, made ready in the background (the window's « warm » operation if one runs, else an operation of its own),
then happens; steps asked meanwhile follow in order. A row clicked in the history's list is reached the same way, one
step at a time. A small plan (under :data:`STEP_IN_BACKGROUND` sessions) is shown at once, as before. Anything else
that moves the undo stack meanwhile (an edit, another file) drops the steps still waiting, and says so.
"""
from __future__ import annotations

import time

from PySide6.QtCore import QItemSelectionModel, QObject
from shiboken6 import isValid

from planner.plan import Plan

from .document import make_ready, step_target
from .operations import Operation
from .widgets import AfterWindowPaint

STEP_IN_BACKGROUND = 20_000  # sessions: a plan this big, not ready, is made ready off the window's thread (a national
# one: 1.0 to 1.5 s to index, 0.9 more to make again when kept compact; 20,000 sessions: under 0.1 s)
PAINT_FIRST_S = 1.0  # a plan made ready less than this after a step begins once the window has painted that step
# (the national overview's paint took 1.1 s instead of 0.1 when its calls into Python waited for the lock)


class UndoSteps(QObject):
    """The undo and redo requests of a window, each carried out once the plan it shows is ready."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window, self.doc = window, window.doc
        self.queue: list[bool] = []  # the steps asked and not done yet, in order (True: an undo)
        self.waiting = None  # the operation making the next step's plan ready (or the paint it waits for first)
        self._stepping = False
        self._stepped_at = -PAINT_FIRST_S  # when the last step was done here
        self.doc.undo_stack.indexChanged.connect(self._moved)

    def wire(self, action, undo: bool) -> None:
        """``action`` (the stack's own undo or redo action: its text and state follow the stack) triggers a step
        through :meth:`ask` instead of the stack's."""
        action.triggered.disconnect()
        action.triggered.connect(lambda _checked=False: self.ask(undo))

    def route_history(self, view) -> None:
        """The history's list (a :class:`QUndoView`) moves the stack through :meth:`go_to`: its clicks select in a
        selection model of its own, not in its model's (which moves the stack at once, every plan on the way made
        ready on the window's thread); the row of the stack's index is selected as the stack moves."""
        model = view.model()
        sel = QItemSelectionModel(model, view)
        view.setSelectionModel(sel)
        st = self.doc.undo_stack

        def shown(*_args) -> None:
            if not isValid(st):  # the window closing: its stack gone first
                return
            sel.blockSignals(True)  # (not a click)
            try:
                sel.setCurrentIndex(model.index(st.index(), 0), QItemSelectionModel.SelectionFlag.ClearAndSelect)
            finally:
                sel.blockSignals(False)
            view.viewport().update()

        st.indexChanged.connect(shown)
        model.modelReset.connect(shown)
        sel.currentChanged.connect(lambda cur, _prev: self.go_to(cur.row()) if cur.isValid() else None)
        shown()

    def go_to(self, index: int) -> None:
        """The stack moved to ``index`` (the history's row clicked): one step at a time, each once its plan is
        ready; the steps asked before and not done yet give way."""
        st = self.doc.undo_stack
        if self.queue:
            self.drop("")
        n = st.index() - index
        for _ in range(abs(n)):
            self.queue.append(n > 0)
        self._next()

    def ask(self, undo: bool) -> None:
        """An undo (or redo) asked: done now if its plan is ready, else once it is, after those asked before."""
        self.queue.append(undo)
        self._next()

    def pending(self) -> bool:
        return bool(self.queue)

    # ------------------------------------------------------------------ inside
    def _target(self, undo: bool) -> tuple[bool, Plan | None]:
        """(whether the stack can take that step, the plan it shows or None)."""
        st = self.doc.undo_stack
        k = st.index() - 1 if undo else st.index()
        if not 0 <= k < st.count():
            return False, None
        return True, step_target(st.command(k), undo)

    def ready(self, plan: Plan | None) -> bool:
        """Whether showing ``plan`` takes the window's thread no time worth a wait: none, the one shown, a small
        one, or one whose sessions are there and whose index is kept."""
        doc = self.doc
        if plan is None or plan is doc.plan or doc.six is None or plan.session_count < STEP_IN_BACKGROUND:
            return True
        return doc.is_ready(plan)

    def _next(self) -> None:
        st = self.doc.undo_stack
        while self.queue and self.waiting is None:
            undo = self.queue[0]
            can, plan = self._target(undo)
            if not can:  # nothing left to undo (or redo): the request has nothing to do
                self.queue.pop(0)
                continue
            if not self.ready(plan):
                if time.monotonic() - self._stepped_at < PAINT_FIRST_S:  # the plan just shown painted first
                    self.waiting = AfterWindowPaint(self.window, self._painted)
                else:
                    self._make_ready(plan)
                return
            self.queue.pop(0)
            self._stepping = True
            try:
                st.undo() if undo else st.redo()
            finally:
                self._stepping = False
            self._stepped_at = time.monotonic()

    def _painted(self) -> None:
        self.waiting = None
        self._stepped_at = -PAINT_FIRST_S  # painted: the making ready begins now
        self._next()

    def _make_ready(self, plan: Plan) -> None:
        """``plan`` made ready in the background; then the next step."""
        doc, ops = self.doc, self.window.ops
        undo = self.queue[0]  # said until the step's own message
        self.window.set_status(f"{'Annuler' if undo else 'Rétablir'} : préparation du plan "
                               f"{'précédent' if undo else 'suivant'}…")
        doc.plan_wanted.set()  # the warm operation making it does not pause for the window meanwhile
        warm = ops.find("warm", stopping=False)
        if warm is not None:  # it makes the next undo's and redo's plans ready already: its end, then look again
            self.waiting = warm
            warm.on_finished(self._made)
            return
        six, settings = doc.six, doc.scenario.settings.model_copy(deep=True)
        self.waiting = ops.run(lambda progress, stop: make_ready(plan, six, settings),  # no pause: the window waits
                               name="step", success=lambda pix: doc.keep_ready(pix, six), failure=self._failed)
        self.waiting.on_finished(self._made)

    def _made(self) -> None:
        self.waiting = None
        self.doc.plan_wanted.clear()
        self._next()

    def _failed(self, message: str) -> None:
        if self.queue:  # (not once dropped: its message stays)
            self.drop(f"Annuler / Rétablir impossible : {message}")

    def _moved(self, _index: int) -> None:
        """The stack moved: by a step of ours, or by something else, which drops the steps still asked."""
        if not self._stepping and self.queue:
            self.drop("Annuler / Rétablir abandonné : le plan a changé entre-temps.")

    def drop(self, message: str) -> None:
        """The steps still asked dropped (their making ready stopped), and ``message`` said."""
        self.queue.clear()
        if isinstance(self.waiting, Operation) and self.waiting.name == "step":
            self.waiting.cancel()
        if message:
            self.window.set_status(message)
