"""Page layout shared by every printed plan: A4 document, footer with « page x / y », styles, tables.

Styles are built once per process. The footer (plan name and version, generation date, page x / y,
data citation) is drawn by a canvas that keeps pages until the end, so it knows the page count
without a second layout pass.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import ShapedStr
from reportlab.pdfgen.canvas import Canvas
from reportlab.pdfgen.textobject import PDFTextObject
from reportlab.lib.rl_accel import fp_str
from reportlab.rl_config import _FUZZ
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Paragraph, Table, TableStyle
from reportlab.platypus.tables import CellStyle

from .typography import (FONT, FONT_BOLD, FONT_ITALIC, ellipsize, fr_date_short, plain, plan_label, register_fonts,
                         safe)

PAGE_W, PAGE_H = A4
MARGIN_X = 16 * mm
MARGIN_TOP = 14 * mm
MARGIN_BOTTOM = 22 * mm
FRAME_W = PAGE_W - 2 * MARGIN_X
FRAME_H = PAGE_H - MARGIN_TOP - MARGIN_BOTTOM

INK = colors.HexColor("#1d2b3a")
ACCENT = colors.HexColor("#1f4e79")
MUTED = colors.HexColor("#5f6b76")
RULE = colors.HexColor("#b8c2cc")
BAND = colors.HexColor("#eef2f6")
ZEBRA = colors.HexColor("#f6f8fa")
STEP_COLORS = {
    "tot": colors.HexColor("#7f8c8d"),
    "step1": colors.HexColor("#1f77b4"),
    "step2": colors.HexColor("#2ca02c"),
    "step3": colors.HexColor("#9467bd"),
    "step4": colors.HexColor("#d6762b"),
    "step5": colors.HexColor("#17becf"),
    "step6": colors.HexColor("#c2417a"),
}


_RG: dict[int, tuple[object, str]] = {}


def text_fill(tx, color) -> None:
    """``tx.setFillColor(color)`` for a text object and an RGB colour, with its operator written once per process:
    the same operators (and the same opacity state) as reportlab's, without its type dispatch on every call."""
    if tx._enforceColorSpace:
        tx.setFillColor(color)
        return
    hit = _RG.get(id(color))
    if hit is None or hit[0] is not color or type(color) is not colors.Color:
        if type(color) is not colors.Color:
            tx.setFillColor(color)
            return
        hit = _RG[id(color)] = (color, f"{fp_str((color.red, color.green, color.blue))} rg")
    tx._code.append(hit[1])
    tx._fillColorObj = color
    alpha = color.alpha
    if alpha is not None:
        canv = tx._canvas
        if canv._extgstate._d.get("ca", 1) != alpha:  # only then does reportlab write an opacity change
            tx.setFillAlpha(alpha)
        else:
            canv._doc.ensureMinPdfVersion("transparency")


_TF: dict[tuple, str] = {}  # (subset's PDF name, size, leading) → its font operator


class LeanText(PDFTextObject):
    """reportlab's text object whose ``_formatText`` (a string's bytes and font operators, for every string drawn)
    is the plain-TrueType path of reportlab's without its general machinery (other font kinds, shaping: left to
    reportlab). Same operators. ``put`` sets font and colour only when they change, then draws a string."""

    def __init__(self, canvas, x=0, y=0):
        PDFTextObject.__init__(self, canvas, x, y)
        self._lean = (None, None)
        self._state = (None, None, None)

    def _formatText(self, text):
        name, font = self._lean
        if name != self._fontname:
            font = pdfmetrics.getFont(self._fontname)
            self._lean = (self._fontname, font)
        if not font._dynamicFont or isinstance(text, ShapedStr):
            return PDFTextObject._formatText(self, text)
        doc = self._canvas._doc
        escape = self._canvas._escape
        out = []
        for subset, t in font.splitString(text, doc):
            if subset != self._curSubset:
                name = font.getSubsetInternalName(subset, doc)
                key = (name, self._fontsize, self._leading)
                op = _TF.get(key)
                if op is None:
                    op = _TF[key] = f"{name} {fp_str(self._fontsize)} Tf {fp_str(self._leading)} TL"
                out.append(op)
                self._curSubset = subset
            out.append(f"({escape(t)}) Tj")
        return " ".join(out)

    def put(self, font: str, size: float, color, x: float, y: float, text: str) -> None:
        """``canvas.drawString(x, y, text)`` in ``font``, ``size`` and ``color``, within this text object."""
        if (font, size) != self._state[:2]:
            self.setFont(font, size)
        if color is not self._state[2]:
            text_fill(self, color)
        self._state = (font, size, color)
        self.setTextOrigin(x, y)
        self._textOut(text, 1)


@dataclass(frozen=True)
class Footer:
    plan_name: str
    version: str
    plan_date: dt.date | None
    citation: str
    printed: dt.date
    school_year: str = ""

    def left_text(self) -> str:
        parts = [plan_label(plain(self.plan_name))]
        if self.school_year:
            parts.append(f"année scolaire {plain(self.school_year)}")
        if self.version:
            parts.append(f"version {plain(self.version)}")
        if self.plan_date:
            parts.append(f"calculé le {fr_date_short(self.plan_date)}")
        parts.append(f"édité le {fr_date_short(self.printed)}")
        return " · ".join(parts)


class FooterCanvas(Canvas):
    """Keeps every page until ``save`` so that the footer can say « page x / y »."""

    def __init__(self, *args, footer: Footer, **kwargs):
        super().__init__(*args, **kwargs)
        self._pages: list[dict] = []
        self._footer = footer

    def showPage(self):  # noqa: N802 (reportlab API)
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._pages)
        left = None
        for i, state in enumerate(self._pages, 1):
            self.__dict__.update(state)
            left = left or self._footer_lines()
            self._draw_footer(left, i, total)
            Canvas.showPage(self)
        Canvas.save(self)

    def _footer_lines(self):
        from reportlab.lib.utils import simpleSplit

        f = self._footer
        right_w = 60
        left = ellipsize(f.left_text(), FONT, 7, FRAME_W - right_w - 6)
        cite = simpleSplit("Données : " + plain(f.citation), FONT, 5.6, FRAME_W)
        if len(cite) > 2:
            cite = cite[:1] + [ellipsize(" ".join(cite[1:]), FONT, 5.6, FRAME_W)]
        return left, cite

    FORM = "PageFooter"

    def _draw_footer(self, lines, page: int, total: int) -> None:
        """The footer's rule, plan line and citation, the same on every page, drawn once as a form that each page
        shows; then the page's number."""
        y = MARGIN_BOTTOM - 7 * mm
        if not self.hasForm(self.FORM):
            left, cite = lines
            self.beginForm(self.FORM, 0, 0, PAGE_W, MARGIN_BOTTOM)
            self.setStrokeColor(RULE)
            self.setLineWidth(0.5)
            self.line(MARGIN_X, y + 9, PAGE_W - MARGIN_X, y + 9)
            t = LeanText(self)  # the footer's strings in one text object
            t.put(FONT, 7, MUTED, MARGIN_X, y, left)
            for k, line in enumerate(cite):
                t.put(FONT, 5.6, MUTED, MARGIN_X, y - 8 - 7 * k, line)
            self.drawText(t)
            self.endForm()
        self.saveState()
        self.doForm(self.FORM)
        t = LeanText(self)
        number = f"page {page} / {total}"
        t.put(FONT, 7, MUTED, PAGE_W - MARGIN_X - stringWidth(number, FONT, 7), y, number)
        self.drawText(t)
        self.restoreState()


def build_pdf(story: list, out_path: str | Path, footer: Footer, title: str, subject: str = "") -> Path:
    """Lay out ``story`` on A4 pages with the footer and write ``out_path`` (parents created)."""
    return build_pdf_counted(story, out_path, footer, title, subject)[0]


def build_pdf_counted(story: list, out_path: str | Path, footer: Footer, title: str,
                      subject: str = "") -> tuple[Path, int]:
    """:func:`build_pdf`, also returning the number of pages."""
    register_fonts()
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    doc = BaseDocTemplate(
        str(tmp), pagesize=A4, leftMargin=MARGIN_X, rightMargin=MARGIN_X, topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM, title=plain(title)[:200], author="Planificateur IA",
        subject=plain(subject)[:200], creator="Planificateur IA", lang="fr-FR",
    )
    frame = Frame(MARGIN_X, MARGIN_BOTTOM, FRAME_W, FRAME_H, id="body", leftPadding=0, rightPadding=0,
                  topPadding=0, bottomPadding=0)
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])

    def maker(*a, **kw):
        return FooterCanvas(*a, footer=footer, **kw)

    doc.build(story, canvasmaker=maker)
    tmp.replace(out)
    return out, doc.page


# ---------------------------------------------------------------------------- styles
@lru_cache(maxsize=1)
def styles() -> dict[str, ParagraphStyle]:
    register_fonts()
    base = ParagraphStyle("body", fontName=FONT, fontSize=9, leading=11.5, textColor=INK, alignment=TA_LEFT)
    s = {
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=7.5, leading=9.2),
        "muted": ParagraphStyle("muted", parent=base, fontSize=7.5, leading=9.2, textColor=MUTED),
        "overline": ParagraphStyle("overline", parent=base, fontSize=8, leading=10, textColor=ACCENT,
                                   fontName=FONT_BOLD, spaceAfter=1),
        "title": ParagraphStyle("title", parent=base, fontName=FONT_BOLD, fontSize=16, leading=19.5,
                                textColor=INK, spaceAfter=4),
        "title_long": ParagraphStyle("title_long", parent=base, fontName=FONT_BOLD, fontSize=11.5, leading=14,
                                     textColor=INK, spaceAfter=4),
        "h2": ParagraphStyle("h2", parent=base, fontName=FONT_BOLD, fontSize=11, leading=14, textColor=ACCENT,
                             spaceBefore=9, spaceAfter=4),
        "h3": ParagraphStyle("h3", parent=base, fontName=FONT_BOLD, fontSize=9.5, leading=12, textColor=INK,
                             spaceBefore=6, spaceAfter=3),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8, leading=9.8),
        "cellb": ParagraphStyle("cellb", parent=base, fontSize=8, leading=9.8, fontName=FONT_BOLD),
        "cellr": ParagraphStyle("cellr", parent=base, fontSize=8, leading=9.8, alignment=TA_RIGHT),
        "head": ParagraphStyle("head", parent=base, fontSize=7.5, leading=9, fontName=FONT_BOLD,
                               textColor=colors.white),
        "key": ParagraphStyle("key", parent=base, fontSize=7.5, leading=9.5, textColor=MUTED),
        "val": ParagraphStyle("val", parent=base, fontSize=8.5, leading=10.5, fontName=FONT_BOLD),
        "italic": ParagraphStyle("italic", parent=base, fontName=FONT_ITALIC, textColor=MUTED, fontSize=8,
                                 leading=10),
        "letter": ParagraphStyle("letter", parent=base, fontSize=10, leading=14.5, spaceAfter=7),
        "right": ParagraphStyle("right", parent=base, alignment=TA_RIGHT),
    }
    return s


_FRAGS: dict = {}
_WRAPS: dict = {}
_UNSET = object()


class CellParagraph(Paragraph):
    """A table cell's paragraph whose line breaking is computed once per (text, style, width) in a process: the
    cells of a batch (dates, windows, trainers' names) come back thousands of times, and reportlab breaks the
    same lines the same way every time. The broken lines are only read afterwards (drawing), never changed."""

    def entry(self, availWidth: float, availHeight: float) -> list:
        """[broken lines, wrap widths, width, height, plain-text run or _UNSET] at this width, computed once."""
        key = (self.text, id(self.style), availWidth)
        e = _WRAPS.get(key)
        if e is None:
            w, h = Paragraph.wrap(self, availWidth, availHeight)
            e = [self.blPara, self._wrapWidths, w, h, _UNSET]
            if len(_WRAPS) > 200_000:
                _WRAPS.clear()
            _WRAPS[key] = e
        else:
            self.blPara, self._wrapWidths, self.width, self.height = e[0], e[1], e[2], e[3]
        return e

    def wrap(self, availWidth, availHeight):
        if availWidth < _FUZZ or self.text is None:  # « cannot fit here »; or a part of a split paragraph
            return Paragraph.wrap(self, availWidth, availHeight)
        e = self.entry(availWidth, availHeight)
        return e[2], e[3]

    def run(self, e: list):
        """:meth:`simple_lines` of the wrapped paragraph, kept in its cache entry ``e``."""
        r = e[4]
        if r is _UNSET:
            r = e[4] = self.simple_lines()
        return r

    def simple_lines(self):
        """(font, size, leading, colour, first baseline, [(x offset, text)]) of the wrapped paragraph, as
        :meth:`Paragraph.drawPara` sets them; None when the paragraph is not one plain run of text (several
        fonts, links, underlines, bullets, a background, or a line wider than its column)."""
        b = self.blPara
        st = self.style
        if (b.kind != 0 or getattr(b, "us_lines", None) or getattr(b, "link", None) or self.bulletText
                or st.backColor or st.borderWidth
                or st.leftIndent or st.firstLineIndent or getattr(st, "autoLeading", "") not in ("", "off")
                or getattr(self, "_offsets", None) or st.wordWrap in ("RTL", "CJK")):
            return None
        shift = _SHIFT.get(st.alignment)
        if shift is None:
            return None
        lines = []
        for extra, words in b.lines:
            if extra <= -1e-8:
                return None
            lines.append((shift * extra, " ".join(words)))
        # reportlab's paraFontSizeHeightOffset (its default): the first baseline one font size below the top
        return b.fontName, b.fontSize, st.leading, b.textColor, self.height - b.fontSize, lines


_SHIFT = {TA_LEFT: 0.0, TA_RIGHT: 1.0, TA_CENTER: 0.5}


def cached_paragraph(text, style=None, *args, **kwargs) -> Paragraph:
    """``Paragraph(text, style)`` whose markup is parsed once per (text, style): a batch of plans repeats the
    same cells (« Pré-rentrée », trainers' names, dates) thousands of times, and parsing is a sixth of a
    plan's time. reportlab reads the parsed fragments without changing them (same PDF, byte for byte).
    For table cells (a :class:`CellParagraph`, whose lines are also broken once)."""
    if args or kwargs or style is None:
        return Paragraph(text, style, *args, **kwargs)
    key = (text, id(style))
    frags = _FRAGS.get(key)
    if frags is not None:  # what Paragraph(text, style, frags=frags) sets, without its argument handling
        p = CellParagraph.__new__(CellParagraph)
        p.__dict__.update(caseSensitive=1, encoding="utf8", text=text, frags=frags, style=style,
                          bulletText=getattr(style, "bulletText", None), debug=0)
        return p
    p = CellParagraph(text, style)
    if len(_FRAGS) > 100_000:
        _FRAGS.clear()
    _FRAGS[key] = p.frags
    return p


def heading(text: str, style: ParagraphStyle) -> Paragraph:
    """A heading or a fixed sentence (markup already safe) that a batch repeats in every plan (section titles,
    sign-in sheet titles, notes): parsed and broken into lines once per process (:func:`cached_paragraph`); laid
    out and drawn as any reportlab Paragraph."""
    return cached_paragraph(text, style)


class FastTable(Table):
    """A :class:`Table` laid out and split exactly as reportlab does, whose plain-text cells
    (:class:`CellParagraph`) are set in one text object per table instead of one saved state, translation and
    text object per cell: the same glyphs at the same places, for a fraction of the drawing time."""

    def draw(self):
        self._fast_text = []
        try:
            Table.draw(self)
        finally:
            self._fast_text = None

    def _drawLines(self):
        pending = getattr(self, "_fast_text", None)
        if pending:
            # the operators of Paragraph.drawPara for each cell, with its translation carried by the text
            # matrix instead of the graphics state: every glyph lands on the same coordinates
            tx = LeanText(self.canv)
            font = color = None
            for fn, fs, leading, col, x, y, first, lines in pending:
                if not lines:  # an empty paragraph: Paragraph.drawPara draws nothing
                    continue
                if (fn, fs, leading) != font:
                    tx.setFont(fn, fs, leading)
                    font = (fn, fs, leading)
                if col != color:
                    text_fill(tx, col)
                    color = col
                tx.setTextOrigin(x, y)
                tx.moveCursor(0, -first)  # a Td of (0, first): moveCursor counts downwards
                for m, text in lines:
                    if m > 1e-6:
                        tx.setXPos(m)
                    tx._textOut(text, 1)
                    if m > 1e-6:
                        tx.setXPos(-m)
            self.canv.drawText(tx)
            pending.clear()
        Table._drawLines(self)

    def _fast_geom(self, V, w: float, s, aH: float):
        """(cache entries, height, width) of a cell made of :class:`CellParagraph` only, computed as
        Table._listCellGeom does; None for any other cell."""
        if not isinstance(V, (list, tuple)) or not V:
            return None
        memo = getattr(V, "_fast_geom", None)  # reportlab's cell tuples: measured once for the layout and the drawing
        if memo is not None and memo[0] == w and memo[1] is s:
            return memo[2]
        g = self._measure(V, w, s, aH)
        try:
            V._fast_geom = (w, s, g)
        except AttributeError:  # a plain list or tuple
            pass
        return g

    @staticmethod
    def _measure(V, w: float, s, aH: float):
        for v in V:
            if type(v) is not CellParagraph:
                return None
        aW = w - s.leftPadding - s.rightPadding
        if aW < _FUZZ:
            return None
        aH = aH - s.topPadding - s.bottomPadding
        ents = [v.entry(aW, aH) for v in V]
        t = 0.0
        sb0 = sa = None
        for v, e in zip(V, ents):
            sb, sa = v.style.spaceBefore, v.style.spaceAfter
            t += e[3] + sa + sb
            if sb0 is None:
                sb0 = sb
        return ents, t - sb0 - sa, max(0, *(e[2] for e in ents))

    def _listCellGeom(self, V, w, s, W=None, H=None, aH=72000):
        g = self._fast_geom(V, w, s, aH)
        if g is None:
            return Table._listCellGeom(self, V, w, s, W=W, H=H, aH=aH)
        ents, t, width = g
        if W is not None:
            W.extend(e[2] for e in ents)
        if H is not None:
            H.extend(e[3] for e in ents)
        return width, t

    def _drawCell(self, cellval, cellstyle, pos, size):
        pending = getattr(self, "_fast_text", None)
        if pending is None or cellstyle.href or cellstyle.destination:
            return Table._drawCell(self, cellval, cellstyle, pos, size)
        vals = cellval if isinstance(cellval, (list, tuple)) else (cellval,)
        colpos, rowpos = pos
        colwidth, rowheight = size
        g = self._fast_geom(vals, colwidth, cellstyle, rowheight)
        if g is None:
            return Table._drawCell(self, cellval, cellstyle, pos, size)
        ents, h, _ = g
        runs = [v.run(e) for v, e in zip(vals, ents)]
        if None in runs:
            return Table._drawCell(self, cellval, cellstyle, pos, size)
        if self._curcellstyle is not cellstyle:  # the canvas state Table._drawCell keeps (fill colour, font)
            cur = self._curcellstyle
            if cur is None or cellstyle.color != cur.color:
                self.canv.setFillColor(cellstyle.color)
            if (cur is None or cellstyle.leading != cur.leading or cellstyle.fontname != cur.fontname
                    or cellstyle.fontsize != cur.fontsize):
                self.canv.setFont(cellstyle.fontname, cellstyle.fontsize, cellstyle.leading)
            self._curcellstyle = cellstyle
        just, valign = cellstyle.alignment, cellstyle.valign
        if valign == "TOP":
            y = rowpos + rowheight - cellstyle.topPadding
        elif valign == "BOTTOM":
            y = rowpos + cellstyle.bottomPadding + h
        else:
            y = rowpos + (rowheight + cellstyle.bottomPadding - cellstyle.topPadding + h) / 2.0
        y += vals[0].style.spaceBefore
        for v, e, (fn, fs, leading, col, first, lines) in zip(vals, ents, runs):
            w = e[2]
            if just == "LEFT":
                x = colpos + cellstyle.leftPadding
            elif just == "RIGHT":
                x = colpos + colwidth - cellstyle.rightPadding - w
            elif just in ("CENTRE", "CENTER"):
                x = colpos + (colwidth + cellstyle.leftPadding - cellstyle.rightPadding - w) / 2.0
            else:
                raise ValueError(f"Invalid justification {just!a}")
            y -= v.style.spaceBefore
            y -= e[3]
            pending.append((fn, fs, leading, col, x, y, first, lines))
            y -= v.style.spaceAfter


def P(text_markup: str, style: str = "cell") -> Paragraph:
    """A paragraph from markup that is already safe (use :func:`safe` on data first)."""
    return cached_paragraph(text_markup, styles()[style])


def title_paragraph(text: object) -> Paragraph:
    """The page title from data: smaller type for very long names so they stay on a few lines."""
    t = plain(text)
    return Paragraph(safe(t), styles()["title" if len(t) <= 70 else "title_long"])


def D(text: object, style: str = "cell") -> Paragraph:
    """A paragraph from data text (escaped here)."""
    return cached_paragraph(safe(text), styles()[style])


class _SharedCellStyle(CellStyle):
    """One cell style for every cell of a table that looks alike (reportlab makes one per cell and applies each
    style command to each of them: a fifth of building a table). Frozen once made: a later cell-style command
    on such a table would change every cell sharing it, so it raises instead."""

    def __setattr__(self, name, value):
        if self.__dict__.get("_frozen"):
            raise AttributeError(f"style de cellule partagé : {name} ne peut plus changer (TableStyle par cellule ?)")
        object.__setattr__(self, name, value)


def _shared_style(name: str, **props) -> CellStyle:
    s = _SharedCellStyle(name)
    for k, v in props.items():
        setattr(s, k, v)
    s._frozen = True
    return s


@lru_cache(maxsize=64)
def _grid_cell_styles(ncols: int, align_right: tuple[int, ...]) -> tuple[tuple, tuple]:
    """The cell styles of a data table's header row and of its other rows: what FONTNAME, FONTSIZE, TEXTCOLOR,
    VALIGN, the paddings and ALIGN (right-aligned columns, header excepted) set on each cell."""
    base = dict(fontname=FONT, fontsize=8, color=colors.toColor(INK, colors.Color(0, 0, 0)), valign="MIDDLE",
                topPadding=3, bottomPadding=3, leftPadding=4, rightPadding=4)
    left = _shared_style("grid", **base)
    right = _shared_style("grid-right", alignment="RIGHT", **base) if align_right else left
    return (left,) * ncols, tuple(right if c in align_right else left for c in range(ncols))


@lru_cache(maxsize=1)
def _facts_cell_style() -> CellStyle:
    return _shared_style("facts", valign="TOP", leftPadding=6, rightPadding=6, topPadding=4, bottomPadding=4)


def data_table(header: list[str], rows: list[list], widths: list[float], zebra: bool = True,
               align_right: tuple[int, ...] = ()) -> Table:
    """A table with a coloured header row repeated on each page; widths are fractions of the frame."""
    head = [P(h, "head") for h in header]
    head_style, body_style = _grid_cell_styles(len(header), tuple(align_right))
    t = FastTable([head] + rows, colWidths=[w * FRAME_W for w in widths], repeatRows=1,
                  cellStyles=[list(head_style)] + [list(body_style) for _ in rows])
    cmds = [("BACKGROUND", (0, 0), (-1, 0), ACCENT), ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE)]
    if zebra:
        for r in range(2, len(rows) + 1, 2):
            cmds.append(("BACKGROUND", (0, r), (-1, r), ZEBRA))
    t.setStyle(TableStyle(cmds))
    return t


def facts_table(pairs: list[tuple[str, object]], columns: int = 3) -> Table:
    """Key facts as a grid of small label / bold value cells (values are data text)."""
    st = styles()
    cells = [[cached_paragraph(safe(k), st["key"]), cached_paragraph(safe(v) if v not in (None, "") else "—", st["val"])]
             for k, v in pairs]
    rows = []
    for i in range(0, len(cells), columns):
        chunk = cells[i:i + columns]
        row = [[a, b] for a, b in chunk]
        rows.append(row + [""] * (columns - len(row)))
    style = _facts_cell_style()
    t = FastTable(rows, colWidths=[FRAME_W / columns] * columns, cellStyles=[[style] * columns for _ in rows])
    t.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, -1), BAND),
        ("LINEBELOW", (0, 0), (-1, -2), 0.5, colors.white),
    ]))
    return t
