"""Week and month views of one unit's or one trainer's sessions (painted, with tooltips)."""
from __future__ import annotations

import calendar as pycal
import datetime as dt

import numpy as np
from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import (QButtonGroup, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QToolTip, QVBoxLayout,
                               QWidget)

from planner.calendar import is_public_holiday, is_school_holiday
from planner.text import hhmm_minutes

from . import fmt
from .widgets import ElidedLabel

KIND_COLORS = {"tot": "#9467bd", "step1": "#1f77b4", "step2": "#17becf", "step3": "#bcbd22", "step4": "#7f7f7f",
               "step5": "#e377c2", "step6": "#ff7f0e"}
AUD_COLORS = {"teachers_1d": "#2e8b57", "teachers_2d": "#1f77b4", "perdir": "#b5651d", "inspectors": "#8c564b",
              "trainers": "#9467bd"}


def session_color(s) -> QColor:
    if s.kind in ("step1", "tot"):
        return QColor(AUD_COLORS.get(s.audience, KIND_COLORS.get(s.kind, "#607d8b")))
    c = QColor(KIND_COLORS.get(s.kind, "#607d8b"))
    return c


class DaySessions:
    """A calendar's sessions by day, each day's made when it is shown (a month: about thirty days) and sorted by
    start time: an académie's 25,000 sessions are not all made, grouped and sorted when it is selected, only
    counted per period from their dates. ``ords``: the date ordinal of each session; ``make(k)``: the k-th."""

    def __init__(self, ords, make) -> None:
        ords = np.asarray(ords, dtype=np.int64)
        self._order = np.argsort(ords, kind="stable")  # by date, the given order kept within a day
        self._ords = ords[self._order]
        self._make = make
        self._days: dict[int, list] = {}

    @classmethod
    def of(cls, sessions: list) -> "DaySessions":
        """The days of a list of sessions."""
        return cls([s.date.toordinal() for s in sessions], sessions.__getitem__)

    def __len__(self) -> int:
        return len(self._ords)

    def get(self, d: dt.date, default=None) -> list:
        """The sessions of day ``d`` by start time (``default``, else an empty list, when it has none)."""
        o = d.toordinal()
        day = self._days.get(o)
        if day is None:
            a, b = np.searchsorted(self._ords, [o, o + 1])
            if a == b:
                return [] if default is None else default
            day = self._days[o] = sorted((self._make(k) for k in self._order[a:b].tolist()), key=lambda s: s.start)
        return day

    def count(self, first: dt.date, last: dt.date) -> int:
        """Sessions dated from ``first`` to ``last`` (inclusive)."""
        a, b = np.searchsorted(self._ords, [first.toordinal(), last.toordinal() + 1])
        return int(b - a)

    def first(self) -> dt.date | None:
        return dt.date.fromordinal(int(self._ords[0])) if len(self._ords) else None


class CalendarCanvas(QWidget):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.mode = "month"
        self.current = dt.date(2026, 8, 31)
        self.sessions = DaySessions.of([])  # each day's, made when shown
        self.zone = "C"
        self.departement: str | None = None
        self.describe = lambda s: ""
        self._hits: list[tuple[QRectF, object]] = []
        self.setMouseTracking(True)
        self.setMinimumHeight(300)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_sessions(self, sessions: "list | DaySessions", zone: str = "C", departement: str | None = None) -> None:
        """Show ``sessions`` (a list, or :class:`DaySessions` that makes each day's when shown)."""
        self.sessions = sessions if isinstance(sessions, DaySessions) else DaySessions.of(sessions)
        self.zone, self.departement = zone, departement
        self.update()

    def _closed(self, d: dt.date) -> bool:
        try:
            return d.weekday() >= 5 or is_school_holiday(d, self.zone) or is_public_holiday(d, self.departement)
        except Exception:  # noqa: BLE001 - dates outside the calendar data: not shaded
            return d.weekday() >= 5

    def paintEvent(self, _e) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), QColor("#ffffff"))
        self._hits = []
        if self.mode == "month":
            self._paint_month(p)
        else:
            self._paint_week(p)
        p.end()

    def _paint_month(self, p: QPainter) -> None:
        y, m = self.current.year, self.current.month
        first = dt.date(y, m, 1)
        start = first - dt.timedelta(days=first.weekday())
        head = 22
        w = self.width() / 7
        h = (self.height() - head) / 6
        p.setPen(QColor("#555555"))
        for i, name in enumerate(fmt.DAYS):
            p.drawText(QRectF(i * w, 0, w, head), Qt.AlignmentFlag.AlignCenter, name.capitalize())
        small = QFont(self.font())
        small.setPointSizeF(max(6.5, small.pointSizeF() * 0.85))
        for k in range(42):
            d = start + dt.timedelta(days=k)
            r = QRectF((k % 7) * w, head + (k // 7) * h, w, h)
            bg = "#ffffff" if d.month == m else "#fafafa"
            if self._closed(d):
                bg = "#eceff1" if d.month == m else "#f3f4f5"
            p.fillRect(r, QColor(bg))
            p.setPen(QPen(QColor("#d5d9de"), 1))
            p.drawRect(r)
            p.setPen(QColor("#222222" if d.month == m else "#aaaaaa"))
            p.setFont(self.font())
            p.drawText(r.adjusted(4, 2, -4, 0), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, str(d.day))
            items = self.sessions.get(d, [])
            if not items:
                continue
            p.setFont(small)
            line = p.fontMetrics().height() + 2
            cap = max(1, int((h - 20) // line))
            for j, s in enumerate(items[:cap if len(items) <= cap else cap - 1]):
                rr = QRectF(r.left() + 3, r.top() + 18 + j * line, r.width() - 6, line - 1)
                c = session_color(s)
                p.fillRect(rr, c.lighter(170))
                p.fillRect(QRectF(rr.left(), rr.top(), 3, rr.height()), c)
                p.setPen(QColor("#1b1b1b"))
                p.drawText(rr.adjusted(5, 0, -2, 0), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                           f"{s.start} {self.describe(s)}")
                self._hits.append((rr, s))
            if len(items) > cap:
                rr = QRectF(r.left() + 3, r.top() + 18 + (cap - 1) * line, r.width() - 6, line - 1)
                p.setPen(QColor("#444444"))
                p.drawText(rr, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                           f"+ {fmt.num(len(items) - cap + 1)} autres")
                self._hits.append((rr, items[cap - 1:]))
        p.setFont(self.font())

    def _paint_week(self, p: QPainter) -> None:
        mon = self.current - dt.timedelta(days=self.current.weekday())
        days = [mon + dt.timedelta(days=i) for i in range(7)]
        h0, h1 = 8, 20
        left, head = 46, 36
        w = (self.width() - left) / 7
        hh = (self.height() - head - 4) / (h1 - h0)
        for i, d in enumerate(days):
            x = left + i * w
            col = QRectF(x, head, w, self.height() - head)
            if self._closed(d):
                p.fillRect(col, QColor("#eceff1"))
            p.setPen(QColor("#222222"))
            p.drawText(QRectF(x, 0, w, head), Qt.AlignmentFlag.AlignCenter,
                       f"{fmt.DAYS[d.weekday()].capitalize()}\n{d.day} {fmt.MONTHS_SHORT[d.month - 1]}")
        for k in range(h1 - h0 + 1):
            y = head + k * hh
            p.setPen(QPen(QColor("#e3e6ea"), 1))
            p.drawLine(left, int(y), self.width(), int(y))
            p.setPen(QColor("#666666"))
            p.drawText(QRectF(0, y - 8, left - 6, 16), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                       f"{h0 + k:02d}:00")
        for i in range(8):
            p.setPen(QPen(QColor("#d5d9de"), 1))
            p.drawLine(int(left + i * w), head, int(left + i * w), self.height())
        small = QFont(self.font())
        small.setPointSizeF(max(6.5, small.pointSizeF() * 0.85))
        p.setFont(small)
        for i, d in enumerate(days):
            items = self.sessions.get(d, [])
            # sessions at the same time share the column
            groups: dict[str, list] = {}
            for s in items:
                groups.setdefault(s.start, []).append(s)
            for start, ss in groups.items():
                for j, s in enumerate(ss):
                    a = hhmm_minutes(s.start) / 60 - h0
                    b = hhmm_minutes(s.end) / 60 - h0
                    sw = (w - 6) / len(ss)
                    rr = QRectF(left + i * w + 3 + j * sw, head + a * hh + 1, sw - 2, max(12.0, (b - a) * hh - 2))
                    c = session_color(s)
                    p.fillRect(rr, c.lighter(160))
                    p.fillRect(QRectF(rr.left(), rr.top(), 3, rr.height()), c)
                    p.setPen(QColor("#111111"))
                    p.drawText(rr.adjusted(5, 1, -2, -1), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop |
                               Qt.TextFlag.TextWordWrap, f"{s.start}–{s.end}\n{self.describe(s)}")
                    self._hits.append((rr, s))
        p.setFont(self.font())

    def mouseMoveEvent(self, e) -> None:
        pos = e.position()
        for r, s in self._hits:
            if r.contains(pos):
                items = s if isinstance(s, list) else [s]
                text = "\n\n".join(self.tooltip(x) for x in items[:8])
                QToolTip.showText(e.globalPosition().toPoint(), text, self)
                return
        QToolTip.hideText()

    tooltip = staticmethod(lambda s: f"{s.start}–{s.end}")


class CalendarPanel(QWidget):
    """Toolbar (previous / next / first session / week or month) over a :class:`CalendarCanvas`."""

    modeChanged = Signal(str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.canvas = CalendarCanvas(self)
        self.title = ElidedLabel("Sélectionnez une unité dans l'arbre ou un formateur")
        self.title.setObjectName("calendarTitle")
        self.period = ElidedLabel("")
        self.period.setObjectName("calendarPeriod")
        self.period.setMinimumWidth(60)
        self.period.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.title.setMinimumWidth(60)
        self.title.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        prev_b = QPushButton("◀")
        prev_b.setToolTip("Période précédente (Alt+Gauche)")
        prev_b.setShortcut("Alt+Left")
        next_b = QPushButton("▶")
        next_b.setToolTip("Période suivante (Alt+Droite)")
        next_b.setShortcut("Alt+Right")
        first_b = QPushButton("Première session")
        self.week_b = QPushButton("Semaine")
        self.month_b = QPushButton("Mois")
        for b in (self.week_b, self.month_b):
            b.setCheckable(True)
        grp = QButtonGroup(self)
        grp.addButton(self.week_b)
        grp.addButton(self.month_b)
        self.month_b.setChecked(True)
        prev_b.clicked.connect(lambda: self.step(-1))
        next_b.clicked.connect(lambda: self.step(1))
        first_b.clicked.connect(self.go_first)
        self.week_b.clicked.connect(lambda: self.set_mode("week"))
        self.month_b.clicked.connect(lambda: self.set_mode("month"))
        bar = QHBoxLayout()
        bar.addWidget(prev_b)
        bar.addWidget(next_b)
        bar.addWidget(first_b)
        bar.addSpacing(12)
        bar.addWidget(self.period, 1)
        bar.addWidget(self.week_b)
        bar.addWidget(self.month_b)
        lay = QVBoxLayout(self)
        lay.addWidget(self.title)
        lay.addLayout(bar)
        lay.addWidget(self.canvas, 1)
        self._update_period()

    def set_sessions(self, title: str, sessions: "list | DaySessions", zone: str = "C",
                     departement: str | None = None) -> None:
        self.title.setText(title)
        self.canvas.set_sessions(sessions, zone, departement)
        self.go_first()

    def set_mode(self, mode: str) -> None:
        self.canvas.mode = mode
        (self.week_b if mode == "week" else self.month_b).setChecked(True)
        self._update_period()
        self.canvas.update()
        self.modeChanged.emit(mode)

    def go_first(self) -> None:
        first = self.canvas.sessions.first()
        if first is not None:
            self.canvas.current = first
        self._update_period()
        self.canvas.update()

    def step(self, k: int) -> None:
        c = self.canvas.current
        if self.canvas.mode == "week":
            self.canvas.current = c + dt.timedelta(weeks=k)
        else:
            m = c.month - 1 + k
            y = c.year + m // 12
            m = m % 12 + 1
            self.canvas.current = dt.date(y, m, min(c.day, pycal.monthrange(y, m)[1]))
        self._update_period()
        self.canvas.update()

    def _update_period(self) -> None:
        c = self.canvas.current
        if self.canvas.mode == "week":
            mon = c - dt.timedelta(days=c.weekday())
            sun = mon + dt.timedelta(days=6)
            n = self.canvas.sessions.count(mon, sun)
            # « Semaine »: checked
            self.period.setText(f"{fmt.day_span(mon, sun)} — {fmt.num(n)} session{'s' if n > 1 else ''}")
        else:
            n = self.canvas.sessions.count(dt.date(c.year, c.month, 1),
                                           dt.date(c.year, c.month, pycal.monthrange(c.year, c.month)[1]))
            self.period.setText(f"{fmt.MONTHS[c.month - 1].capitalize()} {c.year} — {fmt.num(n)} "
                                f"session{'s' if n > 1 else ''}")
