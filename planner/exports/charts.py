"""Drawn figures of the printed plans, as light platypus flowables drawing straight on the canvas.

- :class:`StepTimeline`: the six steps (and the trainers' own training) as lanes over the months.
- :class:`MonthGrid`: a month-by-month calendar grid (rows = months, columns = days 1–31).
- :class:`WeeklyCoverage`: people trained per week (bars) and the cumulative share (line).
- :class:`LoadBars`: a bar per item (e.g. sessions per trainer of trainers).
Text drawn here comes through :func:`plain` and is cut to fit.
"""
from __future__ import annotations

import calendar as _cal
import datetime as dt
from functools import lru_cache

from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable

from .layout import ACCENT, BAND, INK, MUTED, RULE, LeanText, text_fill
from .typography import FONT, FONT_BOLD, FONT_ITALIC, ellipsize, fr_month, plain


def _month_start(d: dt.date) -> dt.date:
    return d.replace(day=1)


def _add_months(d: dt.date, n: int) -> dt.date:
    y, m = divmod(d.month - 1 + n, 12)
    return dt.date(d.year + y, m + 1, 1)


def month_span(dates: list[dt.date], min_months: int = 12) -> tuple[dt.date, dt.date]:
    """First day of the first month and first day after the last month covering ``dates``.

    With few dates the span is widened to a school year (August to July) so plans look alike; June
    and July count with the school year that follows (train-the-trainer sessions before the rentrée).
    """
    if not dates:
        today = dt.date.today()
        y = today.year if today.month >= 8 else today.year - 1
        return dt.date(y, 8, 1), dt.date(y + 1, 8, 1)
    lo, hi = min(dates), max(dates)
    start = _month_start(lo)
    if min_months >= 12:
        y = lo.year if lo.month >= 6 else lo.year - 1
        start = min(start, dt.date(y, 8, 1))
    end = _add_months(_month_start(hi), 1)
    if min_months >= 12:
        end = max(end, dt.date(y + 1, 8, 1))
    while (end.year - start.year) * 12 + end.month - start.month < min_months:
        end = _add_months(end, 1)
    return start, end


class StepTimeline(Flowable):
    """Lanes: (label, range text or None, colour, dates). ``None`` range → « à planifier »."""

    LANE_H = 23
    HEAD_H = 22
    LABEL_W = 168

    def __init__(self, lanes: list[tuple[str, str | None, object, list[dt.date]]], width: float,
                 span: tuple[dt.date, dt.date]):
        super().__init__()
        self.lanes = lanes
        self.width = width
        self.span = span
        self.height = self.HEAD_H + self.LANE_H * len(lanes) + 4

    def wrap(self, aw, ah):
        return self.width, self.height

    def _x(self, d: dt.date) -> float:
        start, end = self.span
        total = (end - start).days or 1
        return self.LABEL_W + (self.width - self.LABEL_W) * (d - start).days / total

    def draw(self):
        c = self.canv
        # the labels in one text object drawn last (over nothing: they sit beside the bars), in drawing order
        t = LeanText(c)
        start, end = self.span
        top = self.height
        months = []
        m = start
        while m < end:
            months.append(m)
            m = _add_months(m, 1)
        step = 1 if len(months) <= 14 else (2 if len(months) <= 26 else 3)
        # month grid, month labels, and the year at the start and at each January
        for i, m in enumerate(months):
            x = self._x(m)
            c.setStrokeColor(RULE)
            c.setLineWidth(0.3)
            c.line(x, 2, x, top - self.HEAD_H + 2)
            if i == 0 or m.month == 1:
                t.put(FONT_BOLD, 6.5, INK, x + 1.5, top - 7, str(m.year))
            if i % step == 0:
                nxt = self._x(_add_months(m, step)) if i + step <= len(months) else self.width
                label = plain(fr_month(m, "MMM"))
                t.put(FONT, 6.5, MUTED, (x + min(nxt, self.width)) / 2 - 0.5 * stringWidth(label, FONT, 6.5),
                      top - self.HEAD_H + 5, label)
        c.line(self.width, 2, self.width, top - self.HEAD_H + 2)
        for k, (label, rng, color, dates) in enumerate(self.lanes):
            y0 = top - self.HEAD_H - (k + 1) * self.LANE_H
            if k % 2 == 0:
                c.setFillColor(BAND)
                c.rect(0, y0, self.width, self.LANE_H, stroke=0, fill=1)
            c.setFillColor(color)
            c.circle(6, y0 + self.LANE_H / 2, 4, stroke=0, fill=1)
            t.put(FONT_BOLD, 7.3, INK, 14, y0 + self.LANE_H - 9.5,
                  ellipsize(plain(label), FONT_BOLD, 7.3, self.LABEL_W - 18))
            if rng:
                t.put(FONT, 6.8, MUTED, 14, y0 + 4.5, ellipsize(plain(rng), FONT, 6.8, self.LABEL_W - 18))
            else:
                t.put(FONT_ITALIC, 6.8, _TO_PLAN, 14, y0 + 4.5, "à planifier")
                c.setStrokeColor(colors.HexColor("#d9b98c"))
                c.setDash(2, 2)
                c.line(self.LABEL_W + 2, y0 + self.LANE_H / 2, self.width - 2, y0 + self.LANE_H / 2)
                c.setDash()
                continue
            c.setFillColor(color)
            days = sorted(set(dates))
            if days:
                x1, x2 = self._x(days[0]), self._x(days[-1] + dt.timedelta(days=1))
                c.setFillAlpha(0.22)
                c.rect(x1, y0 + 8, max(2.0, x2 - x1), self.LANE_H - 16, stroke=0, fill=1)
                c.setFillAlpha(1)
                for d in days:
                    x = self._x(d)
                    c.rect(x - 0.2, y0 + 5, max(1.8, self._x(d + dt.timedelta(days=1)) - x), self.LANE_H - 10,
                           stroke=0, fill=1)
        c.drawText(t)


_TO_PLAN = colors.HexColor("#a35d00")


class MonthGrid(Flowable):
    """Rows = months, columns = days 1–31; session days filled with their count."""

    ROW_H = 13
    LABEL_W = 74

    def __init__(self, counts: dict[dt.date, int], width: float, span: tuple[dt.date, dt.date],
                 color=ACCENT, closed: set[dt.date] | None = None):
        super().__init__()
        self.counts = counts
        self.width = width
        self.closed = closed or set()
        self.color = color
        self.months = []
        m = span[0]
        while m < span[1]:
            self.months.append(m)
            m = _add_months(m, 1)
        self.height = self.ROW_H * (len(self.months) + 1) + 2

    def wrap(self, aw, ah):
        return self.width, self.height

    def draw(self):
        c = self.canv
        cw = (self.width - self.LABEL_W) / 31
        top = self.height
        # the strings in one text object drawn over the cells, in the order they were drawn one by one
        t = LeanText(c)
        for day in range(1, 32):
            label = str(day)
            t.put(FONT, 6, MUTED, self.LABEL_W + (day - 0.5) * cw - 0.5 * stringWidth(label, FONT, 6),
                  top - self.ROW_H + 4, label)
        c.setStrokeColor(RULE)
        c.setLineWidth(0.3)
        for r, m in enumerate(self.months):
            y = top - (r + 2) * self.ROW_H
            t.put(FONT, 7, INK, 2, y + 4, plain(fr_month(m, "MMMM y")))
            ndays = _cal.monthrange(m.year, m.month)[1]
            for day in range(1, 32):
                x = self.LABEL_W + (day - 1) * cw
                if day > ndays:
                    continue
                d = m.replace(day=day)
                n = self.counts.get(d, 0)
                if n:
                    c.setFillColor(self.color)
                elif d.weekday() >= 5 or d in self.closed:
                    c.setFillColor(_CLOSED)
                else:
                    c.setFillColor(colors.white)
                c.rect(x + 0.4, y + 0.6, cw - 0.8, self.ROW_H - 1.2, stroke=1, fill=1)
                if n:
                    label = str(n)
                    t.put(FONT_BOLD, 6.3, colors.white, x + cw / 2 - 0.5 * stringWidth(label, FONT_BOLD, 6.3),
                          y + 3.8, label)
        c.drawText(t)


_CLOSED = colors.HexColor("#dde3e9")


def _nice_step(v: float, ticks: int = 4, integer: bool = True) -> float:
    """A round tick step so that ``ticks`` steps cover ``v`` (integers for counts)."""
    import math

    raw = max(v, 1e-9) / ticks
    p = 10 ** math.floor(math.log10(raw))
    for f in (1, 2, 2.5, 5, 10):
        step = f * p
        if step >= raw and (not integer or step == int(step)):
            return step
    return max(1.0, math.ceil(raw))


def _fmt_tick(v: float) -> str:
    from .typography import fr_int

    return fr_int(int(v)) if v == int(v) else fr_int(round(v, 2))


class _Chart(Flowable):
    """A fixed-size chart: plot area inside margins, an empty-state message, a y axis with a grid."""

    margins = (40, 8, 20, 10)  # left, right, bottom, top

    def __init__(self, width: float, height: float):
        super().__init__()
        self.width = width
        self.height = height

    def wrap(self, aw, ah):
        return self.width, self.height

    def area(self) -> tuple[float, float, float, float]:
        left, right, bottom, top = self.margins
        self.canv.setStrokeColor(RULE)
        self.canv.setLineWidth(0.5)
        return left, bottom, self.width - left - right, self.height - bottom - top

    def empty(self, left: float, bottom: float, w: float, h: float, message: str) -> None:
        c = self.canv
        c.setFont(FONT_ITALIC, 8)
        c.setFillColor(MUTED)
        c.drawCentredString(left + w / 2, bottom + h / 2, message)

    def y_axis(self, left: float, bottom: float, w: float, h: float, ymax: float, percent_right: bool = False) -> None:
        c = self.canv
        c.setFont(FONT, 6)
        for k in range(5):
            y = bottom + h * k / 4
            c.setFillColor(MUTED)
            c.drawRightString(left - 3, y - 2, _fmt_tick(ymax * k / 4))
            if percent_right:
                c.drawString(left + w + 3, y - 2, f"{int(100 * k / 4)} %")
            if k:
                c.setStrokeColor(colors.HexColor("#e3e8ed"))
                c.line(left, y, left + w, y)


class WeeklyCoverage(_Chart):
    """Bars: people trained per week; line: cumulative share of ``total`` (right axis, %)."""

    margins = (40, 30, 20, 10)

    def __init__(self, weekly: list[tuple[dt.date, int]], total: int, width: float, height: float = 150):
        super().__init__(width, height)
        self.weekly = weekly
        self.total = max(1, total)

    def draw(self):
        c = self.canv
        left, bottom, w, h = self.area()
        c.rect(left, bottom, w, h, stroke=1, fill=0)
        if not self.weekly:
            self.empty(left, bottom, w, h, "Aucune session placée")
            return
        first = self.weekly[0][0]
        last = self.weekly[-1][0]
        nweeks = (last - first).days // 7 + 1
        ymax = 4 * _nice_step(max(n for _, n in self.weekly))
        bw = w / nweeks
        self.y_axis(left, bottom, w, h, ymax, percent_right=True)  # people per week; cumulative share
        c.setFillColor(colors.HexColor("#9ec5e8"))
        cum = 0
        pts = []
        for d, n in self.weekly:
            i = (d - first).days // 7
            x = left + i * bw
            c.rect(x + bw * 0.1, bottom, bw * 0.8, h * n / ymax, stroke=0, fill=1)
            cum += n
            pts.append((x + bw, bottom + h * min(1.0, cum / self.total)))
        c.setStrokeColor(ACCENT)
        c.setLineWidth(1.4)
        p = c.beginPath()
        p.moveTo(left, bottom)
        for x, y in pts:
            p.lineTo(x, y)
        c.drawPath(p, stroke=1, fill=0)
        c.setFont(FONT, 6)
        c.setFillColor(MUTED)
        if nweeks <= 16:  # few weeks: each bar carries its Monday
            for i in range(nweeks):
                d = first + dt.timedelta(days=7 * i)
                c.drawCentredString(left + (i + 0.5) * bw, bottom - 10, plain(fr_month(d, "d MMM")))
            return
        # month labels
        m = _add_months(first.replace(day=1), 1) if first.day > 1 else first
        prev_x = -100
        while m <= last + dt.timedelta(days=6):
            x = left + (m - first).days / 7 * bw
            if x - prev_x > 26 and x <= left + w:
                c.setStrokeColor(RULE)
                c.line(x, bottom, x, bottom - 3)
                c.drawCentredString(x, bottom - 10, plain(fr_month(m, "MMM yy")))
                prev_x = x
            m = _add_months(m, 1)


class LoadBars(_Chart):
    """One bar per (label, value), labels under the bars."""

    margins = (40, 8, 22, 10)

    def __init__(self, items: list[tuple[str, float]], width: float, height: float = 120, unit: str = ""):
        super().__init__(width, height)
        self.items = items
        self.unit = unit

    def draw(self):
        c = self.canv
        left, bottom, w, h = self.area()
        c.line(left, bottom, left + w, bottom)
        if not self.items:
            self.empty(left, bottom, w, h, "Aucune donnée")
            return
        ymax = 4 * _nice_step(max(v for _, v in self.items))
        self.y_axis(left, bottom, w, h, ymax)
        bw = min(w / len(self.items), 36)
        for i, (label, v) in enumerate(self.items):
            x = left + i * bw
            c.setFillColor(ACCENT)
            c.rect(x + bw * 0.15, bottom, bw * 0.7, h * v / ymax, stroke=0, fill=1)
            c.setFillColor(INK)
            if bw >= 14:
                c.setFont(FONT, 6)
                c.drawCentredString(x + bw / 2, bottom + h * v / ymax + 2, _fmt_tick(v))
                c.setFillColor(MUTED)
                c.drawCentredString(x + bw / 2, bottom - 9, ellipsize(plain(label), FONT, 6, bw - 1))
        if self.unit:
            c.setFont(FONT, 6)
            c.setFillColor(MUTED)
            c.drawString(left, bottom - 19, plain(self.unit))





def wrap_words(text: str, font: str, size: float, width: float) -> list[str]:
    """Greedy word wrap on ordinary spaces only (no-break spaces hold, as in « 9 h 00 »)."""
    return list(_wrap_words(text, font, size, width))


@lru_cache(maxsize=8192)
def _wrap_words(text: str, font: str, size: float, width: float) -> tuple[str, ...]:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    lines: list[str] = []
    for para in text.split("\n"):
        cur = ""
        for word in para.split(" "):
            cand = f"{cur} {word}" if cur else word
            if cur and stringWidth(cand, font, size) > width:
                lines.append(cur)
                cur = word
            else:
                cur = cand
        lines.append(cur)
    return tuple(lines)


class FactsBox(Flowable):
    """A grid of label / value cells drawn straight on the canvas (cheap: one per sign-in sheet).

    Values are data text: made printable, wrapped on at most ``max_lines`` lines and cut with « … ».
    """

    PAD = 5
    LABEL = 6.5
    VALUE = 8
    LEAD = 9.6

    def __init__(self, pairs: list[tuple[str, object]], width: float, columns: int = 3, max_lines: int = 3):
        super().__init__()
        self.width = width
        self.columns = columns
        cw = width / columns - 2 * self.PAD
        self.cells = []
        for label, value in pairs:
            text = plain(value) if value not in (None, "") else "—"
            lines = wrap_words(text, FONT_BOLD, self.VALUE, cw)
            if len(lines) > max_lines:
                lines = lines[:max_lines - 1] + [ellipsize(" ".join(lines[max_lines - 1:]), FONT_BOLD, self.VALUE, cw)]
            lines = [ellipsize(x, FONT_BOLD, self.VALUE, cw) for x in lines]
            self.cells.append((plain(label), lines))
        self.rows = [self.cells[i:i + columns] for i in range(0, len(self.cells), columns)]
        self.row_h = [self.PAD * 2 + self.LABEL + 2 + self.LEAD * max(len(c[1]) for c in r) for r in self.rows]
        self.height = sum(self.row_h)

    def wrap(self, aw, ah):
        return self.width, self.height

    def draw(self):
        c = self.canv
        c.setFillColor(BAND)
        c.rect(0, 0, self.width, self.height, stroke=0, fill=1)
        cw = self.width / self.columns
        c.setStrokeColor(colors.white)
        c.setLineWidth(0.8)
        # one text object per style: far fewer operators than a drawString per cell
        t = LeanText(c)
        y = self.height
        for r, row in enumerate(self.rows):
            for k, (label, lines) in enumerate(row):
                x = k * cw + self.PAD
                t.setFont(FONT, self.LABEL)
                text_fill(t, MUTED)
                t.setTextOrigin(x, y - self.PAD - self.LABEL + 1)
                t._textOut(label)
                t.setFont(FONT_BOLD, self.VALUE)
                text_fill(t, INK)
                for i, line in enumerate(lines):
                    t.setTextOrigin(x, y - self.PAD - self.LABEL - self.LEAD * (i + 1))
                    t._textOut(line)
            y -= self.row_h[r]
            if r < len(self.rows) - 1:
                c.line(0, y, self.width, y)
        c.drawText(t)


class SignInGrid(Flowable):
    """Numbered lines for names and signatures; splits across pages when the group is large."""

    HEAD_H = 16
    FOOT_H = 44

    def __init__(self, columns: list[tuple[str, float]], lines: int, row_h: float, names: list[str] | None = None,
                 first: int = 1, last: int | None = None, with_foot: bool = True,
                 column_texts: dict[int, list[str]] | None = None):
        super().__init__()
        self.column_texts = column_texts or {}  # column index -> pre-filled text of each line (e.g. the école)
        self.columns = columns
        self.lines = lines
        self.row_h = row_h
        self.names = names or []
        self.first = first
        self.last = lines if last is None else last
        self.with_foot = with_foot
        self.width = sum(w for _, w in columns)

    def _h(self, n: int, foot: bool) -> float:
        return self.HEAD_H + n * self.row_h + (self.FOOT_H if foot else 0)

    def wrap(self, aw, ah):
        self.height = self._h(self.last - self.first + 1, self.with_foot)
        return self.width, self.height

    def split(self, aw, ah):
        n_total = self.last - self.first + 1
        if self._h(n_total, self.with_foot) <= ah:
            return [self]
        fit = int((ah - self.HEAD_H) // self.row_h)
        if fit < 1:
            return []
        fit = min(fit, n_total - 1) if n_total > 1 else fit
        a = SignInGrid(self.columns, self.lines, self.row_h, self.names, self.first, self.first + fit - 1, False,
                       self.column_texts)
        b = SignInGrid(self.columns, self.lines, self.row_h, self.names, self.first + fit, self.last, self.with_foot,
                       self.column_texts)
        return [a, b]

    def draw(self):
        """The grid, its numbers and its foot, the same on every sheet of a document with these columns and lines,
        drawn once as a form that each sheet shows (a sheet was a tenth of an établissement's plan); then the
        names and texts filled in."""
        c = self.canv
        forms = c.__dict__.setdefault("_sign_in_forms", {})  # this canvas's: one document
        key = (tuple(self.columns), self.first, self.last, self.row_h, self.with_foot)
        name = forms.get(key)
        if name is None:
            name = forms[key] = f"SignInGrid{len(forms)}"
            c.beginForm(name, -2, -2, self.width + 2, self.height + 2)  # the strokes on its edges whole
            self._draw_grid(c)
            c.endForm()
        c.doForm(name)
        if self.names or self.column_texts:
            self._draw_filled(c)

    def _row_y(self, i: int) -> float:
        """The baseline of the texts of line ``i`` (0: the first drawn here)."""
        return self.height - self.HEAD_H - (i + 1) * self.row_h + self.row_h / 2 - 2.5

    def _draw_grid(self, c) -> None:
        n = self.last - self.first + 1
        top = self.height
        body_bottom = top - self.HEAD_H - n * self.row_h
        # header band
        c.setFillColor(ACCENT)
        c.rect(0, top - self.HEAD_H, self.width, self.HEAD_H, stroke=0, fill=1)
        # every string of the grid in one text object, in reading order, drawn once the lines are
        t = LeanText(c)
        x = 0
        for title, w in self.columns:
            title = plain(title)
            left = w / 2 - 0.5 * stringWidth(title, FONT_BOLD, 7.5) if x == 0 else x + 4
            t.put(FONT_BOLD, 7.5, colors.white, left, top - self.HEAD_H + 5, title)
            x += w
        # grid
        c.setStrokeColor(RULE)
        c.setLineWidth(0.5)
        for i in range(1, n):
            y = top - self.HEAD_H - i * self.row_h
            c.line(0, y, self.width, y)
        x = 0
        for _, w in self.columns[:-1]:
            x += w
            c.line(x, body_bottom, x, top - self.HEAD_H)
        c.setStrokeColor(INK)
        c.setLineWidth(0.8)
        c.rect(0, body_bottom, self.width, n * self.row_h + self.HEAD_H, stroke=1, fill=0)
        # numbers
        first_w = self.columns[0][1]
        t.setFont(FONT, 8)
        text_fill(t, MUTED)
        for i in range(n):
            label = str(self.first + i)
            t.setTextOrigin(first_w / 2 - stringWidth(label, FONT, 8) / 2, self._row_y(i))
            t._textOut(label)
        if self.with_foot:
            y0 = body_bottom - self.FOOT_H
            c.setStrokeColor(RULE)
            c.setLineWidth(0.5)
            c.rect(0, y0, self.width, self.FOOT_H - 10, stroke=1, fill=0)
            c.line(self.width * 0.6, y0, self.width * 0.6, y0 + self.FOOT_H - 10)
            t.put(FONT, 8, MUTED, 5, y0 + self.FOOT_H - 21, "Signature du formateur :")
            t.put(FONT, 8, MUTED, self.width * 0.6 + 5, y0 + self.FOOT_H - 21, "Nombre de présents :")
        c.drawText(t)

    def _draw_filled(self, c) -> None:
        """The names (second column) and pre-filled texts of each line, over the grid."""
        t = LeanText(c)
        first_w = self.columns[0][1]
        for i in range(self.last - self.first + 1):
            k = self.first + i
            y = self._row_y(i)
            if k <= len(self.names) and self.names[k - 1]:
                t.put(FONT, 7.5, INK, first_w + 4, y, ellipsize(plain(self.names[k - 1]), FONT, 7.5,
                                                                 self.columns[1][1] - 8))
            for col, texts in self.column_texts.items():
                if k <= len(texts) and texts[k - 1]:
                    x0 = sum(w for _, w in self.columns[:col])
                    t.put(FONT, 7.5, INK, x0 + 4, y, ellipsize(plain(texts[k - 1]), FONT, 7.5,
                                                                self.columns[col][1] - 8))
        c.drawText(t)


__all__ = ["FactsBox", "LoadBars", "MonthGrid", "SignInGrid", "StepTimeline", "WeeklyCoverage", "month_span"]
