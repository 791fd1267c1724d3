"""A small, fast XLSX writer for the plan's workbooks: tens of thousands of rows in a fraction of a second.

openpyxl builds an object per cell and serialises it through an XML tree (about 20 µs a cell: an
académie's 30,000 sessions × 23 columns took 5 to 15 s); this writer joins the sheet's XML as text. It
writes what the exports need and nothing else: text (shared strings), numbers, booleans and dates
(``DD/MM/YYYY``), column widths, a bold white-on-blue header row, the header frozen and a filter on it.

Formula safety (:mod:`planner.safecells`): a cell is never a formula here — every text is a string cell,
and a formula-like text gets Excel's « quote prefix » style so that it is also shown as text.
"""
from __future__ import annotations

import datetime as dt
import os
import re
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from ..safecells import TRIGGERS

_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_NS_R = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
_BAD = re.compile(r"[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_EPOCH = dt.date(1899, 12, 30).toordinal()
# cell styles (styles.xml, cellXfs): 0 plain, 1 header, 2 date, 3 text with quote prefix
HEADER, DATE, QUOTED = 1, 2, 3
_QUOTED_ATTR = f' s="{QUOTED}"'

STYLES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet {_NS}><numFmts count="1"><numFmt numFmtId="164" formatCode="DD/MM/YYYY"/></numFmts>
<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><color rgb="FFFFFFFF"/>\
<name val="Calibri"/></font></fonts>
<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>\
<fill><patternFill patternType="solid"><fgColor rgb="FF1F4E79"/><bgColor indexed="64"/></patternFill></fill></fills>
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1" applyAlignment="1">\
<alignment vertical="center" wrapText="1"/></xf>\
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" quotePrefix="1"/></cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>"""


def column_letter(i: int) -> str:
    """1 → A, 27 → AA."""
    s = ""
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def _text(v: str) -> str:
    if _BAD.search(v):
        v = escape(_CONTROL.sub("", v))
    return v


class _Cells:
    """The text of each distinct value's cell after its reference (``<c r="A2"`` + this), and the shared
    strings of the workbook: a value is turned into XML once, however many cells hold it."""

    def __init__(self) -> None:
        self.strings: dict[str, int] = {}
        self.by_str: dict[str, str] = {}
        self.by_num: dict[object, str] = {}
        self.by_date: dict[dt.date, str] = {}

    def string(self, v: str, style: str = "") -> str:
        i = self.strings.get(v)
        if i is None:
            i = self.strings[v] = len(self.strings)
        return f' t="s"{style}><v>{i}</v></c>'

    def row(self, r: int, values, letters: list[str]) -> str:
        rs = str(r)
        out = [f'<row r="{rs}">']
        add = out.append
        by_str, by_num, by_date = self.by_str, self.by_num, self.by_date
        for letter, v in zip(letters, values):
            t = type(v)
            if t is str:
                if not v:
                    continue
                tail = by_str.get(v)
                if tail is None:
                    tail = by_str[v] = self.string(v, _QUOTED_ATTR if v[:1] in TRIGGERS else "")
            elif v is None:
                continue
            elif t is int or t is float:
                tail = by_num.get(v)
                if tail is None:
                    tail = by_num[v] = f"><v>{v!r}</v></c>"
            elif t is dt.date:
                tail = by_date.get(v)
                if tail is None:
                    tail = by_date[v] = f' s="{DATE}"><v>{v.toordinal() - _EPOCH}</v></c>'
            else:
                tail = self._other(v)
                if tail is None:
                    continue
            add(f'<c r="{letter}{rs}"{tail}')
        add("</row>")
        return "".join(out)

    def _other(self, v) -> str | None:
        if isinstance(v, bool):
            return f' t="b"><v>{int(v)}</v></c>'
        if isinstance(v, (int, float)):
            return f"><v>{v!r}</v></c>"
        if isinstance(v, dt.date):
            d = v.date() if isinstance(v, dt.datetime) else v
            return f' s="{DATE}"><v>{d.toordinal() - _EPOCH}</v></c>'
        text = str(v)
        return self.string(text, _QUOTED_ATTR if text[:1] in TRIGGERS else "") if text else None

    def shared_strings(self) -> str:
        items = "".join(f'<si><t xml:space="preserve">{_text(v)}</t></si>' for v in self.strings)
        return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst {_NS} count="{len(self.strings)}" '
                f'uniqueCount="{len(self.strings)}">{items}</sst>')


def sheet_xml(headers: list[tuple[str, float]], rows: list[list], cells: _Cells | None = None) -> str:
    """The worksheet: widths, frozen header, header style, rows, filter on all columns."""
    cells = cells or _Cells()
    letters = [column_letter(i) for i in range(1, len(headers) + 1)]
    cols = "".join(f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>' for i, (_, w) in enumerate(headers, 1))
    head = "".join(f'<c r="{letter}1"{cells.string(h, f" s={chr(34)}{HEADER}{chr(34)}")}'
                   for letter, (h, _) in zip(letters, headers))
    body = [f'<row r="1">{head}</row>'] + [cells.row(r, row, letters) for r, row in enumerate(rows, 2)]
    last = f"{letters[-1]}{max(1, len(rows)) + 1}" if letters else "A1"
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet {_NS} {_NS_R}>'
            '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" '
            'state="frozen"/><selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
            f'<sheetFormatPr defaultRowHeight="15"/>{"<cols>" + cols + "</cols>" if cols else ""}'
            f'<sheetData>{"".join(body)}</sheetData><autoFilter ref="A1:{last}"/></worksheet>')


def write_xlsx(sheets: list[tuple[str, list[tuple[str, float]], list[list]]], out_path: str | Path) -> Path:
    """Write ``(title, [(header, width)], rows)`` sheets to ``out_path`` (atomically); returns the path."""
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    names = "".join(f'<sheet name={quoteattr(title[:31])} sheetId="{i}" r:id="rId{i}"/>'
                    for i, (title, _, _) in enumerate(sheets, 1))
    rels = "".join(f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                   f'relationships/worksheet" Target="worksheets/sheet{i}.xml"/>' for i in range(1, len(sheets) + 1))
    n = len(sheets) + 1
    rels += (f'<Relationship Id="rId{n}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
             'styles" Target="styles.xml"/>'
             f'<Relationship Id="rId{n + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
             'sharedStrings" Target="sharedStrings.xml"/>')
    overrides = "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
                        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                        for i in range(1, len(sheets) + 1))
    head = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    tmp = out.with_name(out.name + ".part")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("[Content_Types].xml", head + (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
            f'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>{overrides}</Types>'))
        z.writestr("_rels/.rels", head + (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'officeDocument" Target="xl/workbook.xml"/></Relationships>'))
        z.writestr("xl/workbook.xml", head + f"<workbook {_NS} {_NS_R}><sheets>{names}</sheets></workbook>")
        z.writestr("xl/_rels/workbook.xml.rels", head + (
            f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}'
            '</Relationships>'))
        z.writestr("xl/styles.xml", STYLES)
        cells = _Cells()
        for i, (_, headers, rows) in enumerate(sheets, 1):
            z.writestr(f"xl/worksheets/sheet{i}.xml", sheet_xml(headers, rows, cells))
        z.writestr("xl/sharedStrings.xml", cells.shared_strings())
    os.replace(tmp, out)
    return out


__all__ = ["column_letter", "sheet_xml", "write_xlsx"]
