"""Typography shared by every printed plan: the embedded font, paragraph styles, safe text, French dates.

- The font is DejaVu Sans (``resources/fonts``, Bitstream Vera licence, redistribution allowed). It
  is registered once per process; reportlab embeds only the glyphs used.
- :func:`safe` turns any text from data into Paragraph markup: XML-escaped, control characters
  dropped, characters the font lacks and every emoji outside the Basic Multilingual Plane (reportlab
  writes an unreadable ToUnicode entry for those, so they could not be searched or copied) replaced
  by their Unicode name in brackets: a name never breaks the layout and always renders as text.
- Dates and times are French through Babel (no hand-written month tables).
"""
from __future__ import annotations

import datetime as dt
import unicodedata
import zlib
from functools import lru_cache
from pathlib import Path

from ..paths import resource_path
from ..text import FR_DAYS, FR_MONTHS, fr_date, fr_date_short, hhmm_minutes  # noqa: F401 (re-exported)
from xml.sax.saxutils import escape

from babel.dates import format_date, format_time

FONT_DIR = resource_path("fonts")
FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
FONT_ITALIC = "DejaVuSans-Oblique"
LOCALE = "fr_FR"

_registered = False
_cmap: frozenset[int] | dict = frozenset()


def register_fonts() -> None:
    """Register the embedded TTF family with reportlab (idempotent, once per process)."""
    global _registered, _cmap
    if _registered:
        return
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    files = {FONT: "DejaVuSans.ttf", FONT_BOLD: "DejaVuSans-Bold.ttf", FONT_ITALIC: "DejaVuSans-Oblique.ttf"}
    font_class = _subset_font_class(TTFont)
    for name, file in files.items():
        path = FONT_DIR / file
        if not path.exists():
            raise FileNotFoundError(f"Police introuvable : {path} (dossier resources/fonts incomplet)")
        font = font_class(name, str(path))
        _reuse_subsets(font.face)
        pdfmetrics.registerFont(font)
    addMapping(FONT, 0, 0, FONT)
    addMapping(FONT, 1, 0, FONT_BOLD)
    addMapping(FONT, 0, 1, FONT_ITALIC)
    addMapping(FONT, 1, 1, FONT_BOLD)
    _cmap = pdfmetrics.getFont(FONT).face.charToGlyph
    _registered = True


@lru_cache(maxsize=64)
def _packed(raw: bytes) -> bytes:
    """zlib's bytes for a stream every plan of a batch repeats (font files and their character maps), made once."""
    return zlib.compress(raw)


def _reused_flate():
    """A FlateDecode filter that compresses each repeated stream once (:func:`_packed`): the bytes zlib gives."""
    from reportlab.pdfbase import pdfdoc

    class ReusedFlate(pdfdoc.PDFStreamFilterZCompress):
        def encode(self, text):
            return _packed(text.encode("utf8") if isinstance(text, str) else text)

    return ReusedFlate()


def _subset_font_class(TTFont):  # noqa: N803 (reportlab's class)
    """reportlab's TTFont, faster for a batch of plans, with the same bytes out:

    - ``splitString`` (a text's bytes in the document's font subsets, called for every string drawn) takes a
      shortcut when every character of the text already has its code in the first subset: one ``str.translate``
      instead of a Python loop over the characters; new characters still go through reportlab, which assigns
      their codes;
    - ``addObjects`` (the font's PDF objects at the end of each document) formats each subset's widths and
      character map once per process (a few hundred numbers formatted one by one in every plan)."""
    from reportlab.pdfbase import pdfdoc
    from reportlab.pdfbase.ttfonts import SUBSETN, makeToUnicodeCMap

    flate = _reused_flate()
    widths_made: dict[tuple, pdfdoc.PDFObject] = {}
    cmaps_made: dict[tuple, str] = {}

    class FormattedWidths(pdfdoc.PDFObject):
        """A PDFArray of glyph widths, formatted once."""

        def __init__(self, data: bytes):
            self.data = data

        def format(self, document):
            return self.data

    class SubsetTTFont(TTFont):
        def splitString(self, text, doc, encoding="utf-8"):
            state = self.state.get(doc) if isinstance(text, str) else None
            if state is not None:
                assignments = state.assignments
                fast = state.__dict__.get("_fast_codes")
                if fast is None:
                    fast = state._fast_codes = [0, set(), {}]
                if fast[0] != len(assignments):  # codes given since: add those of the first subset
                    chars, table = fast[1], fast[2]
                    for code, n in list(assignments.items())[fast[0]:]:
                        if n < 256:
                            chars.add(chr(code))
                            table[code] = n
                            if code == 32:  # reportlab draws a no-break space with the space's code
                                chars.add("\u00a0")
                                table[0xA0] = n
                    fast[0] = len(assignments)
                if not text:
                    return []
                if fast[1].issuperset(text):
                    return [(0, text.translate(fast[2]).encode("latin-1"))]
            return TTFont.splitString(self, text, doc, encoding)

        def addObjects(self, doc):
            """reportlab's TTFont.addObjects (5.1), with the widths array and the character map of each subset
            made once per process."""
            try:
                state = self.state[doc]
            except KeyError:
                state = self.state[doc] = TTFont.State(self._asciiReadable)
            state.frozen = 1
            for n, subset in enumerate(state.subsets):
                internalName = self.getSubsetInternalName(n, doc)[1:]  # noqa: N806 (reportlab's names)
                baseFontName = (b"".join((SUBSETN(n), b"+", self.face.name, self.face.subfontNameX))).decode("pdfdoc")  # noqa: N806

                pdfFont = pdfdoc.PDFTrueTypeFont()  # noqa: N806
                pdfFont.__Comment__ = "Font %s subset %d" % (self.fontName, n)
                pdfFont.Name = internalName
                pdfFont.BaseFont = baseFontName

                pdfFont.FirstChar = 0
                pdfFont.LastChar = len(subset) - 1

                key = (self.fontName, baseFontName, tuple(subset))
                widths = widths_made.get(key)
                if widths is None:
                    data = pdfdoc.PDFArray(list(map(self.face.getCharWidth, subset))).format(doc)
                    widths = widths_made[key] = FormattedWidths(data)
                pdfFont.Widths = widths

                cmapStream = pdfdoc.PDFStream()  # noqa: N806
                cmap = cmaps_made.get(key)
                if cmap is None:
                    cmap = cmaps_made[key] = makeToUnicodeCMap(baseFontName, subset)
                cmapStream.content = cmap
                if doc.compression:
                    cmapStream.filters = [flate]
                pdfFont.ToUnicode = doc.Reference(cmapStream, "toUnicodeCMap:" + baseFontName)

                pdfFont.FontDescriptor = self.face.addSubsetObjects(doc, baseFontName, subset)

                # link it in
                doc.Reference(pdfFont, internalName)
                fontDict = doc.idToObject["BasicFonts"].dict  # noqa: N806
                fontDict[internalName] = pdfFont
            if len(widths_made) > 256:
                widths_made.clear()
                cmaps_made.clear()
            del self.state[doc]

    return SubsetTTFont


def _reuse_subsets(face) -> None:
    """The embedded subsets of ``face`` (a font file cut to the glyphs a document uses, then compressed) built once
    per process for each set of glyphs: the plans of a batch use the same few sets (digits, French letters and
    punctuation), and cutting and compressing 30 kB of font took a tenth of a plan's time. Same bytes as
    reportlab's, which still builds any new set."""
    from reportlab.pdfbase import pdfdoc

    make, add = face.makeSubset, face.addSubsetObjects
    made: dict[tuple, bytes] = {}
    flate = _reused_flate()

    def make_subset(subset):
        key = tuple(subset)
        data = made.get(key)
        if data is None:
            data = make(subset)
            if len(made) > 32:
                made.clear()
            made[key] = data
        return data

    def add_subset_objects(doc, fontname, subset):
        ref = add(doc, fontname, subset)
        stream = doc.idToObject.get(f"fontFile:{face.filename}({fontname})")
        if stream is not None and stream.filters == [pdfdoc.PDFZCompress]:
            stream.filters = [flate]
        return ref

    face.makeSubset = make_subset  # instance attributes: reportlab's TTFontFace calls self.makeSubset
    face.addSubsetObjects = add_subset_objects


# ---------------------------------------------------------------------------- safe text
_DROP_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Mn", "Me", "Sk"}


def plan_label(name: str) -> str:
    """« Plan « name » », or « « name » » when the name says « Plan » already (« Plan Référence nationale »)."""
    first = name.strip().split(" ", 1)[0].lower()
    return f"« {name} »" if first == "plan" else f"Plan « {name} »"


@lru_cache(maxsize=4096)
def plain(text: object) -> str:
    """Text from data made printable with the embedded font (no markup escaping)."""
    register_fonts()
    s = "" if text is None else str(text)
    if s.isascii() and s.isprintable():
        return s
    out = []
    for ch in s:
        cp = ord(ch)
        if ch in "\t\n\r":
            out.append(" ")
        elif 0xFE00 <= cp <= 0xFE0F or 0xE0100 <= cp <= 0xE01EF:
            out.append("")  # variation selectors (emoji presentation): nothing to draw
        elif cp in _cmap and cp <= 0xFFFF:  # astral glyphs get a broken ToUnicode map in reportlab
            cat = unicodedata.category(ch)
            out.append(ch if cat not in ("Cc", "Cf", "Cs", "Co") else "")
        elif unicodedata.category(ch) in _DROP_CATEGORIES:
            out.append("")  # variation selectors, zero-width joiners, skin-tone modifiers…
        else:
            out.append("[" + unicodedata.name(ch, f"U+{cp:04X}").lower() + "]")
    return "".join(out)


@lru_cache(maxsize=16384)
def safe(text: object) -> str:
    """Paragraph markup for text from data: printable, XML-escaped."""
    return escape(plain(text))


@lru_cache(maxsize=16384)
def ellipsize(text: str, font: str, size: float, width: float) -> str:
    """Cut ``text`` (plain) with an ellipsis so it fits ``width`` points (canvas-drawn lines)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    if stringWidth(text, font, size) <= width:
        return text
    lo, hi = 0, len(text)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if stringWidth(text[:mid] + "…", font, size) <= width:
            lo = mid
        else:
            hi = mid - 1
    return text[:lo].rstrip() + "…"


# ---------------------------------------------------------------------------- French dates
# the day and month names and the two long formats: planner.text's (no locale data to load)
@lru_cache(maxsize=512)
def fr_day_month(d: dt.date) -> str:
    """« 31 août » (Babel's « d MMMM »)."""
    return f"{d.day} {FR_MONTHS[d.month - 1]}"


@lru_cache(maxsize=64)
def fr_month(d: dt.date, pattern: str = "MMMM y") -> str:
    """« septembre 2026 » (or any Babel pattern, e.g. « MMM » → « sept. »)."""
    return format_date(d, pattern, locale=LOCALE)


@lru_cache(maxsize=512)
def fr_time(hhmm: str) -> str:
    """« 9 h 00 » from « 09:00 »."""
    h, m = divmod(hhmm_minutes(hhmm), 60)
    return format_time(dt.time(h, m), "H 'h' mm", locale=LOCALE)


NBSP = "\u00a0"


@lru_cache(maxsize=8192)
def fr_slot(d: dt.date, start: str, end: str) -> str:
    """« lundi 31 août 2026, 9 h 00 – 10 h 00 » (no-break spaces inside the hours: lines break after the comma)."""
    hours = f"{fr_time(start)} – {fr_time(end)}".replace(" ", NBSP)
    return f"{fr_date(d)}, {hours}"


def fr_range(first: dt.date, last: dt.date) -> str:
    """« 31 août 2026 », « 31 août – 2 septembre 2026 », « 31 août 2026 – 3 mars 2027 »."""
    if first == last:
        return fr_date_short(first)
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day} – {fr_date_short(last)}"
    if first.year == last.year:
        return f"{fr_day_month(first)} – {fr_date_short(last)}"
    return f"{fr_date_short(first)} – {fr_date_short(last)}"


def fr_range_short(first: dt.date, last: dt.date) -> str:
    """« 28 sept. – 10 nov. 2026 » (abbreviated months, for tight places)."""
    if first == last:
        return format_date(first, "d MMM y", locale=LOCALE)
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day} – {format_date(last, 'd MMM y', locale=LOCALE)}"
    if first.year == last.year:
        return f"{format_date(first, 'd MMM', locale=LOCALE)} – {format_date(last, 'd MMM y', locale=LOCALE)}"
    return f"{format_date(first, 'd MMM y', locale=LOCALE)} – {format_date(last, 'd MMM y', locale=LOCALE)}"


@lru_cache(maxsize=4096)
def fr_int(n: int | float) -> str:
    """« 12 345 » (narrow no-break space, French grouping)."""
    from babel.numbers import format_decimal

    return format_decimal(n, locale=LOCALE)


def fr_percent(x: float | None) -> str:
    if x is None:
        return "—"
    from babel.numbers import format_percent

    return format_percent(x, format="#,##0.0 %", locale=LOCALE)
