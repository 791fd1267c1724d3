"""Long work off the GUI thread: a QThread running one function, reporting progress by signals."""
from __future__ import annotations

import threading
import traceback

from PySide6.QtCore import QThread, Signal


class TaskThread(QThread):
    """Runs ``fn(progress, stop)`` in a thread; ``progress(obj)`` may be called from any thread.

    Signals are delivered to the GUI thread (queued connections): ``progressed(obj)``,
    ``succeeded(result)``, ``failed(message)``.
    """

    progressed = Signal(object)
    succeeded = Signal(object)
    failed = Signal(str)

    def __init__(self, fn, parent=None, name: str = "") -> None:
        super().__init__(parent)
        self.fn = fn
        self.stop_event = threading.Event()
        self.task_name = name
        self.result = None
        self.error: str | None = None

    def run(self) -> None:
        try:
            self.result = self.fn(self.progressed.emit, self.stop_event)
        except Exception as exc:  # noqa: BLE001 - reported to the user in French
            self.error = f"{exc}"
            traceback.print_exc()
            self.failed.emit(self.error or exc.__class__.__name__)
            return
        self.succeeded.emit(self.result)

    def stop(self) -> None:
        self.stop_event.set()
