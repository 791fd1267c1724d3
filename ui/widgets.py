"""Small widgets the tabs build the same way: a section title, a margin-free column, a debounced search field,
a read-only table of rows, a dialog's progress bar shown when its work starts."""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import (QAbstractItemView, QLabel, QLineEdit, QProgressBar, QStatusBar, QTableView,
                               QTableWidget, QVBoxLayout, QWidget)


def waiting_progress_bar() -> QProgressBar:
    """A dialog's progress bar, hidden until its work starts (``show()`` then): an empty bar before anything runs
    reads as a box to fill in. Its room is kept meanwhile, so the dialog does not move when it appears."""
    bar = QProgressBar()
    room = bar.sizePolicy()
    room.setRetainSizeWhenHidden(True)
    bar.setSizePolicy(room)
    bar.hide()
    return bar


def section_title(text: str = "", wrap: bool = True) -> QLabel:
    """A tab's heading (style ``sectionTitle``), wrapped unless ``wrap`` is off."""
    label = QLabel(text)
    label.setObjectName("sectionTitle")
    if wrap:
        label.setWordWrap(True)
    return label


class ElidedLabel(QLabel):
    """A one-line label for a narrow window (a laptop's screen): its text when it fits, else what comes before its
    last « — » (« Décembre 2026 — 3 052 sessions » → « Décembre 2026 »), else that ending with « … »; the whole
    text is then its tooltip. ``text()`` gives the whole text."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        self.setText(text)

    def setText(self, text: str) -> None:  # noqa: N802 - Qt API
        self._full = text
        self._elide()

    def text(self) -> str:
        return self._full

    def resizeEvent(self, e) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(e)
        self._elide()

    def _elide(self) -> None:
        fm, room, shown = self.fontMetrics(), max(0, self.width()), self._full
        if fm.horizontalAdvance(shown) > room:
            shown = shown.rpartition(" — ")[0] or shown
            shown = fm.elidedText(shown, Qt.TextElideMode.ElideRight, room)
        if QLabel.text(self) != shown:
            QLabel.setText(self, shown)
        self.setToolTip(self._full if shown != self._full else "")


def bare_column(*widgets: QWidget) -> tuple[QWidget, QVBoxLayout]:
    """A widget holding a vertical layout without margins (one side of a splitter), with ``widgets`` in it."""
    w = QWidget()
    lay = QVBoxLayout(w)
    lay.setContentsMargins(0, 0, 0, 0)
    for x in widgets:
        lay.addWidget(x)
    return w, lay


def debounced_search(owner: QWidget, name: str, placeholder: str, delay_ms: int,
                     run: Callable[[], None]) -> tuple[QLineEdit, QTimer]:
    """A search field with a clear button that calls ``run`` once typing pauses for ``delay_ms``."""
    field = QLineEdit()
    field.setObjectName(name)
    field.setPlaceholderText(placeholder)
    field.setClearButtonEnabled(True)
    timer = QTimer(owner)
    timer.setSingleShot(True)
    timer.setInterval(delay_ms)
    timer.timeout.connect(run)
    field.textChanged.connect(lambda _t: timer.start())
    return field, timer


def row_table(table: QTableView | QTableWidget, name: str, *, read_only: bool = True,
              word_wrap: bool | None = None) -> QTableView | QTableWidget:
    """``table`` set up as a list of rows: its object name, no row numbers, read-only unless told."""
    table.setObjectName(name)
    table.verticalHeader().setVisible(False)
    if read_only:
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    if word_wrap is not None:
        table.setWordWrap(word_wrap)
    return table


class AfterFirstPaint(QObject):
    """Calls ``then()`` once, on the turn of the event loop after the widget's first paint (at the latest after
    ``latest_ms``: a window never shown still gets it). Work started sooner would take turns with that paint for the
    interpreter lock: a window shown at once, then read its scenario, painted 0.3-0.7 s later. ``watched``: the
    object whose events are looked at (the widget itself by default)."""

    def __init__(self, widget, then, latest_ms: int = 1500, watched=None) -> None:
        super().__init__(widget)
        self.then = then
        self.done = False
        self.watched = watched if watched is not None else widget
        self.watched.installEventFilter(self)
        QTimer.singleShot(latest_ms, self, self._go)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.Paint and not self.done:
            QTimer.singleShot(0, self, self._go)
        return False

    def _go(self) -> None:
        if self.done:
            return
        self.done = True
        self.watched.removeEventFilter(self)
        self.deleteLater()
        self.then()


class AfterWindowPaint(AfterFirstPaint):
    """Calls ``then()`` once the window has painted what just changed: when none of its widgets (a progress bar's
    animation apart: the bar, the status bar and the window itself) has painted for ``quiet_ms``, at the latest after
    ``latest_ms``. Background work started sooner takes turns with that paint for the interpreter lock: each call of
    the paint into Python (a table's cells, a chart's lines) waits for it, and the national overview painted in
    0.1 s took 1.1."""

    def __init__(self, window, then, quiet_ms: int = 60, latest_ms: int = 600) -> None:
        from PySide6.QtWidgets import QApplication

        super().__init__(window, then, latest_ms, watched=QApplication.instance())  # every widget's events
        self.window = window
        self.quiet = QTimer(self)
        self.quiet.setSingleShot(True)
        self.quiet.setInterval(quiet_ms)
        self.quiet.timeout.connect(self._go)
        self.quiet.start()

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt API
        if (event.type() == QEvent.Type.Paint and not self.done and isinstance(obj, QWidget)
                and not isinstance(obj, (QProgressBar, QStatusBar)) and obj is not self.window
                and QWidget.window(obj) is self.window):  # (a busy bar's animation paints it, its bar and window)
            self.quiet.start()  # painting: quiet from the end of this paint on
        return False


__all__ = ["AfterFirstPaint", "AfterWindowPaint", "bare_column", "debounced_search", "row_table", "section_title"]
