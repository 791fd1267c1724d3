"""Small charts painted with QPainter (no extra dependency): line chart and bar chart."""
from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from . import fmt

PALETTE = ["#1f77b4", "#2ca02c", "#9467bd", "#d62728", "#ff7f0e", "#8c564b"]


def nice_max(v: float) -> float:
    """The smallest 1, 2, 2.5, 5 × 10^k above v (round axis ticks in quarters)."""
    import math

    if v <= 0:
        return 1.0
    e = 10 ** math.floor(math.log10(v))
    for m in (1, 2, 2.5, 4, 5, 8, 10):
        if m * e >= v:
            return m * e
    return 10 * e


def marker_labels_shown(xs: list[float], widths: list[float], gap: float = 6.0) -> list[bool]:
    """Which of the markers at pixels ``xs`` (in increasing order; label ``widths`` in pixels, each drawn 3 pixels
    right of its line) get their label: one that would run into the previous label shown is left out (the
    pré-rentrées of the académies, a few days apart: one « pré-rentrée » for the cluster, not a smudge)."""
    shown, right = [], float("-inf")
    for x, w in zip(xs, widths):
        ok = x + 3 >= right
        shown.append(ok)
        if ok:
            right = x + 3 + w + gap
    return shown


class _Chart(QWidget):
    def __init__(self, title: str = "", parent=None) -> None:
        super().__init__(parent)
        self.title = title
        self.empty_text = "Aucune donnée"
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumHeight(150)
        self.setMouseTracking(True)
        self.margins = (58, 28, 16, 34)  # left, top, right, bottom

    def sizeHint(self) -> QSize:
        return QSize(500, 240)

    def plot_rect(self) -> QRectF:
        l, t, r, b = self.margins
        return QRectF(l, t, max(10, self.width() - l - r), max(10, self.height() - t - b))

    def _frame(self, p: QPainter) -> QRectF:
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), QColor("#ffffff"))
        f = QFont(self.font())
        f.setBold(True)
        p.setFont(f)
        p.setPen(QColor("#1f3a5f"))
        p.drawText(QRectF(8, 4, self.width() - 16, 20), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                   self.title)
        p.setFont(self.font())
        return self.plot_rect()

    def _empty(self, p: QPainter, r: QRectF) -> None:
        p.setPen(QColor("#888888"))
        p.drawText(r, Qt.AlignmentFlag.AlignCenter, self.empty_text)

    def _y_axis(self, p: QPainter, r: QRectF, ymax: float, label) -> None:
        p.setPen(QPen(QColor("#e3e6ea"), 1))
        small = QFont(self.font())
        small.setPointSizeF(max(6.5, small.pointSizeF() * 0.85))
        p.setFont(small)
        for i in range(5):
            y = r.bottom() - r.height() * i / 4
            p.setPen(QPen(QColor("#e3e6ea"), 1))
            p.drawLine(QPointF(r.left(), y), QPointF(r.right(), y))
            p.setPen(QColor("#555555"))
            p.drawText(QRectF(0, y - 8, r.left() - 6, 16), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                       label(ymax * i / 4))
        p.setFont(self.font())


class LineChart(_Chart):
    """Series of (x, y) points; x are dates (ordinals) or seconds; y in [0, ymax]."""

    MIN_DAYS = 14  # a date axis spans two weeks at least: one day's points are not stretched over the whole width

    def __init__(self, title: str = "", parent=None, x_dates: bool = True, y_percent: bool = True,
                 steps: bool = False) -> None:
        super().__init__(title, parent)
        self.series: list[tuple[str, list[tuple[float, float]], str]] = []
        self.x_dates = x_dates
        self.y_percent = y_percent
        # a cumulative count: each value holds until the next point (drawn level, then up), and to the axis's end
        self.steps = steps
        self.markers: list[tuple[float, str]] = []
        self.margins = (58, 44, 16, 26)

    def set_series(self, series: list[tuple[str, list[tuple[float, float]], str | None]],
                   markers: list[tuple[float, str]] | None = None) -> None:
        self.series = [(n, pts, c or PALETTE[i % len(PALETTE)]) for i, (n, pts, c) in enumerate(series)]
        self.markers = markers or []
        self.update()

    def _bounds(self):
        xs = [x for _, pts, _ in self.series for x, _ in pts]
        ys = [y for _, pts, _ in self.series for _, y in pts]
        if not xs:
            return None
        x0, x1 = min(xs), max(xs)
        if self.x_dates and x1 - x0 < self.MIN_DAYS:
            x0 -= (self.MIN_DAYS - (x1 - x0)) // 2
            x1 = x0 + self.MIN_DAYS
        if x1 == x0:
            x1 = x0 + 1
        ymax = 1.0 if self.y_percent else nice_max(max(ys) * 1.05) if max(ys) > 0 else 1.0
        ymin = 0.0 if self.y_percent or min(ys) >= 0 else min(ys) * 1.1
        return x0, x1, ymin, ymax

    def paintEvent(self, _e) -> None:
        p = QPainter(self)
        r = self._frame(p)
        b = self._bounds()
        if b is None:
            self._empty(p, r)
            return
        x0, x1, ymin, ymax = b

        def X(x):
            return r.left() + (x - x0) / (x1 - x0) * r.width()

        def Y(y):
            return r.bottom() - (y - ymin) / (ymax - ymin or 1) * r.height()

        self._y_axis(p, r, ymax, (lambda v: f"{int(round(v * 100))} %") if self.y_percent else
                     (lambda v: fmt.num(v, 0 if ymax >= 20 else 1)))
        # x labels
        p.setPen(QColor("#555555"))
        small = QFont(self.font())
        small.setPointSizeF(max(6.5, small.pointSizeF() * 0.85))
        p.setFont(small)
        if self.x_dates:
            d0, d1 = dt.date.fromordinal(int(x0)), dt.date.fromordinal(int(x1))
            m = dt.date(d0.year, d0.month, 1)
            months = []
            while m <= d1:
                if m >= d0:
                    months.append(m)
                m = dt.date(m.year + (m.month == 12), m.month % 12 + 1, 1)
            if x1 - x0 < 120:  # short range: one tick a week (Mondays)
                first = d0 + dt.timedelta(days=(7 - d0.weekday()) % 7)
                months = []
                while first <= d1:
                    months.append(first)
                    first += dt.timedelta(days=7)
            step = max(1, -(-len(months) // 10))
            for i, m in enumerate(months):
                if i % step:
                    continue
                x = X(m.toordinal())
                p.setPen(QPen(QColor("#eef0f2"), 1))
                p.drawLine(QPointF(x, r.top()), QPointF(x, r.bottom()))
                p.setPen(QColor("#555555"))
                if m.day == 1:
                    lab = fmt.MONTHS_SHORT[m.month - 1] + (f" {m.year % 100:02d}" if m.month in (1, 9) or i == 0 else "")
                else:
                    lab = f"{m.day} {fmt.MONTHS_SHORT[m.month - 1]}"
                p.drawText(QRectF(x - 30, r.bottom() + 4, 60, 16), Qt.AlignmentFlag.AlignCenter, lab)
        else:
            for i in range(5):
                v = x0 + (x1 - x0) * i / 4
                x = X(v)
                lab = f"{v:.0f} s" if x1 - x0 >= 4 else f"{v:.1f} s".replace(".", ",")
                p.drawText(QRectF(x - 30, r.bottom() + 4, 60, 16), Qt.AlignmentFlag.AlignCenter, lab)
        p.setFont(self.font())
        marks = sorted((X(xm), lab) for xm, lab in self.markers if x0 <= xm <= x1)
        fm = p.fontMetrics()
        shown = marker_labels_shown([x for x, _ in marks], [fm.horizontalAdvance(lab) for _, lab in marks])
        p.setPen(QPen(QColor("#888888"), 1, Qt.PenStyle.DashLine))
        for (x, lab), label in zip(marks, shown):
            p.drawLine(QPointF(x, r.top()), QPointF(x, r.bottom()))
            if label:
                p.drawText(QRectF(x + 3, r.bottom() - 16, 160, 14), Qt.AlignmentFlag.AlignLeft, lab)
        # series
        for name, pts, color in self.series:
            if not pts:
                continue
            first = x0 if self.steps else pts[0][0]  # steps: the first value held from the axis's start
            path = QPainterPath(QPointF(X(first), Y(pts[0][1])))
            if first < pts[0][0]:
                path.lineTo(QPointF(X(pts[0][0]), Y(pts[0][1])))
            last = pts[0][1]
            for x, y in pts[1:]:
                if self.steps:
                    path.lineTo(QPointF(X(x), Y(last)))
                path.lineTo(QPointF(X(x), Y(y)))
                last = y
            if self.steps and pts[-1][0] < x1:
                path.lineTo(QPointF(X(x1), Y(last)))
            p.setPen(QPen(QColor(color), 2))
            p.drawPath(path)
        # legend (between the title and the plot)
        lx = r.left()
        ly = 24
        for name, pts, color in self.series:
            p.fillRect(QRectF(lx, ly + 4, 14, 4), QColor(color))
            p.setPen(QColor("#333333"))
            w = p.fontMetrics().horizontalAdvance(name)
            p.drawText(QRectF(lx + 18, ly - 2, w + 4, 16), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                       name)
            lx += 30 + w
        p.end()


class BarChart(_Chart):
    """Bars over weeks (x = Monday dates), optionally stacked by category."""

    def __init__(self, title: str = "", parent=None) -> None:
        super().__init__(title, parent)
        self.weeks: list[dt.date] = []
        self.stacks: list[tuple[str, list[float], str]] = []
        self.cap: float | None = None
        self.unit = "sessions"
        self.margins = (58, 44, 16, 26)

    def set_data(self, weeks: list[dt.date], stacks: list[tuple[str, list[float], str | None]],
                 cap: float | None = None) -> None:
        self.weeks = weeks
        self.stacks = [(n, v, c or PALETTE[i % len(PALETTE)]) for i, (n, v, c) in enumerate(stacks)]
        self.cap = cap
        self.update()

    def _totals(self) -> list[float]:
        return [sum(s[1][i] for s in self.stacks) for i in range(len(self.weeks))]

    def paintEvent(self, _e) -> None:
        p = QPainter(self)
        r = self._frame(p)
        if not self.weeks or not self.stacks:
            self._empty(p, r)
            return
        tot = self._totals()
        ymax = nice_max(max(max(tot), self.cap or 0) * 1.02)
        self._y_axis(p, r, ymax, lambda v: fmt.num(v))
        n = len(self.weeks)
        bw = r.width() / n
        for i in range(n):
            y = r.bottom()
            for name, vals, color in self.stacks:
                h = vals[i] / ymax * r.height()
                if h > 0:
                    p.fillRect(QRectF(r.left() + i * bw + bw * 0.1, y - h, max(1.0, bw * 0.8), h), QColor(color))
                y -= h
        if self.cap:
            yc = r.bottom() - self.cap / ymax * r.height()
            p.setPen(QPen(QColor("#d62728"), 1, Qt.PenStyle.DashLine))
            p.drawLine(QPointF(r.left(), yc), QPointF(r.right(), yc))
        p.setPen(QColor("#555555"))
        small = QFont(self.font())
        small.setPointSizeF(max(6.5, small.pointSizeF() * 0.85))
        p.setFont(small)
        last_month = None
        for i, w in enumerate(self.weeks):
            if w.month != last_month:
                last_month = w.month
                x = r.left() + i * bw
                p.drawText(QRectF(x - 2, r.bottom() + 4, 50, 16), Qt.AlignmentFlag.AlignLeft,
                           fmt.MONTHS_SHORT[w.month - 1])
        p.setFont(self.font())
        if len(self.stacks) > 1:
            lx = r.left()
            for name, _, color in self.stacks:
                p.fillRect(QRectF(lx, 28, 10, 10), QColor(color))
                p.setPen(QColor("#333333"))
                w = p.fontMetrics().horizontalAdvance(name)
                p.drawText(QRectF(lx + 14, 24, w + 4, 18), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, name)
                lx += 26 + w
        p.end()

    def mouseMoveEvent(self, e) -> None:
        r = self.plot_rect()
        if not self.weeks or not r.contains(e.position()):
            return
        i = int((e.position().x() - r.left()) / (r.width() / len(self.weeks)))
        if 0 <= i < len(self.weeks):
            parts = [f"{n} : {fmt.num(v[i])}" for n, v, _ in self.stacks if v[i]]
            QToolTip.showText(e.globalPosition().toPoint(),
                              f"Semaine du {fmt.date_long(self.weeks[i])}\n" + ("\n".join(parts) or "aucune session"),
                              self)
