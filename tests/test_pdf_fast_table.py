"""The printed plans' tables (layout.FastTable): the same glyphs at the same places as reportlab's Table,
with one text object per table instead of one per cell."""
from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader
from reportlab.platypus import Paragraph, Table

from planner.exports import layout
from planner.exports.layout import Footer, build_pdf, cached_paragraph, data_table, facts_table, styles


def _story() -> list:
    st = styles()
    cell = cached_paragraph
    rows = []
    for i in range(1, 90):  # long enough to split over pages, the header repeated
        rows.append([cell(str(i), st["cell"]),
                     cell("mercredi 13 janvier 2027, 14\u00a0h\u00a000 – 15\u00a0h\u00a000", st["cell"]),
                     cell("Groupe de travail « Produire des documents pédagogiques » — réunion 1/3", st["cell"]),
                     cell(str(10 + i % 7), st["cellr"]),
                     cell("Formateur de l'établissement 0319030X", st["cellb"]),
                     cell("A &amp; B <i>(markup: drawn by reportlab)</i>", st["cell"]),
                     Paragraph("plain Paragraph", st["cell"]) if i % 2 else cell("", st["cell"])])  # an empty one
    rows.append([cell("<b>89</b>", st["cell"]), cell("<b>Total</b>", st["cell"]), "", cell("<b>1\u202f234</b>", st["cellr"]),
                 "", "", ""])
    table = data_table(["Groupe", "Date et horaire", "Intitulé", "Partici\u00adpants", "Formateur", "Divers", "Autre"],
                       rows, [0.08, 0.2, 0.22, 0.08, 0.16, 0.14, 0.12])
    facts = facts_table([("UAI", "0319030X"), ("Formateur", "Formateur de l'établissement 0319030X, très long nom"),
                         ("Commune", "")], columns=3)
    return [facts, table]


def _glyph_runs(path: Path) -> tuple[list[list[tuple]], int]:
    """Per page, every text run with its position on the page (rounded to 1/1000 pt); and the number of BT."""
    pages, bt = [], 0
    for page in PdfReader(str(path)).pages:
        runs: list[tuple] = []

        def visit(text, cm, tm, font, size, runs=runs):
            if text.strip():
                x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
                y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
                runs.append((round(x, 3), round(y, 3), text.strip()))

        page.extract_text(visitor_text=visit)
        pages.append(sorted(runs))
        bt += page.get_contents().get_data().count(b"BT")
    return pages, bt


def _build(path: Path) -> Path:
    footer = Footer(plan_name="Test", version="1", plan_date=None, citation="Données de test", printed=layout.dt.date(2026, 11, 30))
    return build_pdf(_story(), path, footer, title="Test")


def test_fast_table_places_every_glyph_where_reportlab_table_does(tmp_path, monkeypatch):
    fast, fast_bt = _glyph_runs(_build(tmp_path / "fast.pdf"))
    monkeypatch.setattr(layout, "FastTable", Table)  # the reference: reportlab's own table
    slow, slow_bt = _glyph_runs(_build(tmp_path / "table.pdf"))
    assert len(fast) == len(slow) >= 2  # same page breaks
    assert fast == slow
    assert any("Partici-" in r[2] for r in fast[1]) and any("pants" in r[2] for r in fast[1])  # header repeated
    assert fast_bt < slow_bt / 3  # plain cells share one text object per table (part)


def test_subset_font_encodes_known_characters_as_reportlab_does(monkeypatch):
    """The registered font's shortcut: the same bytes and subsets as reportlab's TTFont.splitString, whose
    per-character loop runs only for texts with characters new to the document."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.pdfdoc import PDFDocument
    from reportlab.pdfbase.ttfonts import TTFont

    from planner.exports.typography import FONT, FONT_DIR, register_fonts

    register_fonts()
    fast = pdfmetrics.getFont(FONT)
    plain_font = TTFont("PlainDejaVu", str(FONT_DIR / "DejaVuSans.ttf"))
    doc_fast, doc_plain = PDFDocument(), PDFDocument()
    texts = ["Lycée", "Lycée Jean\u00a0Moulin", "", "14\u00a0h\u00a000 – 15\u00a0h\u00a000", "Lycée",
             "Œuvre « à » ☃ \u4e2d", "Œuvre « à »", "mercredi 13 janvier 2027"] + [chr(c) for c in range(0x100, 0x1a0)] \
        + ["ĀāĂ Lycée"]
    assert [fast.splitString(t, doc_fast) for t in texts] == [plain_font.splitString(t, doc_plain) for t in texts]
    calls = []
    real = TTFont.splitString
    monkeypatch.setattr(TTFont, "splitString", lambda *a, **k: calls.append(a[1]) or real(*a, **k))
    assert fast.splitString("Lycée Jean\u00a0Moulin", doc_fast) == plain_font.splitString("Lycée Jean\u00a0Moulin", doc_plain)
    assert calls == ["Lycée Jean\u00a0Moulin"]  # the reference font's call only: the subset font took its shortcut


def test_font_subsets_are_cut_and_compressed_once_per_process(tmp_path, monkeypatch):
    """Two plans using the same glyphs embed the same font file, built and compressed for the first one only."""
    import zlib

    from pypdf import PdfReader

    def font_files(path: Path) -> list[bytes]:
        out = []
        for page in PdfReader(str(path)).pages:
            for f in page["/Resources"]["/Font"].values():
                desc = f.get_object().get("/FontDescriptor")  # none for reportlab's default Helvetica
                if desc is not None:
                    out.append(desc.get_object()["/FontFile2"].get_object().get_data())
        return sorted(set(out))

    first = _build(tmp_path / "a.pdf")
    big: list[int] = []
    real = zlib.compress
    ttf = b"\x00\x01\x00\x00"  # a TrueType file's first bytes
    monkeypatch.setattr(zlib, "compress", lambda data, *a: (big.append(len(data)) if data[:4] == ttf else None)
                        or real(data, *a))
    second = _build(tmp_path / "b.pdf")
    assert big == []  # no font file compressed again
    assert font_files(first) == font_files(second) and font_files(first)


def test_text_fill_writes_reportlab_operators(tmp_path):
    """layout.text_fill: the operators of PDFTextObject.setFillColor, opacity changes included."""
    from reportlab.lib import colors
    from reportlab.pdfgen.canvas import Canvas

    from planner.exports.layout import INK, MUTED, text_fill

    seq = [INK, MUTED, colors.Color(0.2, 0.4, 0.6, alpha=0.5), INK, colors.white, (0.1, 0.2, 0.3), INK]
    codes = []
    for use_fast in (True, False):
        c = Canvas(str(tmp_path / "x.pdf"))
        t = c.beginText()
        for col in seq:
            text_fill(t, col) if use_fast else t.setFillColor(col)
        codes.append((list(t._code), c._doc._pdfVersion))
    assert codes[0] == codes[1] and any(" gs" in x for x in codes[0][0])


def test_data_table_cells_share_frozen_styles():
    """One style per kind of cell (header, left, right-aligned), as reportlab's per-cell commands set them; a later
    per-cell command raises instead of changing every cell that shares the style."""
    import pytest
    from reportlab.platypus import TableStyle

    from planner.exports.layout import FONT, INK

    st = styles()
    rows = [[cached_paragraph(str(i), st["cell"]), cached_paragraph("x", st["cellr"])] for i in range(5)]
    t = data_table(["A", "B"], rows, [0.5, 0.5], align_right=(1,))
    cs = t._cellStyles
    assert len({id(s) for row in cs for s in row}) == 2
    assert cs[0][1].alignment == "LEFT" and cs[1][1].alignment == "RIGHT" and cs[1][0].alignment == "LEFT"
    assert (cs[1][0].fontname, cs[1][0].fontsize, cs[1][0].color, cs[1][0].valign) == (FONT, 8, INK, "MIDDLE")
    assert (cs[1][0].topPadding, cs[1][0].bottomPadding, cs[1][0].leftPadding, cs[1][0].rightPadding) == (3, 3, 4, 4)
    with pytest.raises(AttributeError):
        t.setStyle(TableStyle([("ALIGN", (0, 1), (0, 1), "CENTER")]))


def test_lean_text_writes_reportlab_operators(tmp_path):
    """layout.LeanText: the operators of reportlab's text object, font changes and second subsets included."""
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.pdfgen.textobject import PDFTextObject

    from planner.exports.layout import FONT, FONT_BOLD, LeanText, register_fonts

    register_fonts()
    texts = ["Lycée", "14\u00a0h\u00a000", "".join(chr(c) for c in range(0x100, 0x1c0)), "Œuvre", ""]
    codes = []
    for cls in (LeanText, PDFTextObject):
        c = Canvas(str(tmp_path / "x.pdf"))
        t = cls(c, 0, 0)
        for font in (FONT, FONT_BOLD, "Helvetica"):
            t.setFont(font, 8, 9.8)
            for s in texts:
                t.setTextOrigin(10, 20)
                t._textOut(s if font != "Helvetica" else s[:5], 1)
        codes.append(t._code)
    assert codes[0] == codes[1] and any("+1 " in x for x in codes[0])  # a second subset was used
