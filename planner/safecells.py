"""Spreadsheet-formula safety: one rule for every CSV and XLSX writer of the application.

A text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read as a
formula by spreadsheet software (a school name ``=HYPERLINK(...)`` from the annuaire would be live).

- CSV: such a text gets a leading apostrophe (OWASP « CSV injection » advice); :func:`csv_unescape`
  removes it again when the application reads its own files back, so the data round-trips exactly.
- XLSX: the text is stored as a *string* cell with Excel's « quote prefix » (never as a formula), so
  the value itself is unchanged and shown as text.

Numbers, dates and booleans are never touched (a negative number stays a number).
"""
from __future__ import annotations

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value: object) -> bool:
    """Would a spreadsheet read this text cell as a formula?"""
    return isinstance(value, str) and value[:1] in TRIGGERS


def csv_safe(value: object) -> object:
    """The value to write in a CSV cell (texts that look like formulas get a leading apostrophe)."""
    return "'" + value if is_formula_like(value) else value


def csv_safe_row(row) -> list:
    # csv_safe inlined: plan folders write hundreds of thousands of cells (twice as fast)
    return [("'" + v) if isinstance(v, str) and v[:1] in TRIGGERS else v for v in row]


def csv_unescape(value: str) -> str:
    """Undo :func:`csv_safe` when reading back a CSV the application wrote."""
    if len(value) > 1 and value[0] == "'" and value[1] in TRIGGERS:
        return value[1:]
    return value


def xlsx_safe_cell(cell) -> None:
    """Make an openpyxl cell holding a formula-like text a plain text cell (value unchanged)."""
    if is_formula_like(cell.value):
        cell.data_type = "s"
        cell.quotePrefix = True


def xlsx_safe(ws, value: object):
    """The value to append to a (write-only or normal) openpyxl sheet: a text cell when formula-like."""
    if not is_formula_like(value):
        return value
    from openpyxl.cell import WriteOnlyCell

    c = WriteOnlyCell(ws, value=value)
    c.data_type = "s"
    c.quotePrefix = True
    return c


def xlsx_safe_row(ws, row) -> list:
    return [xlsx_safe(ws, v) for v in row]


__all__ = ["TRIGGERS", "csv_safe", "csv_safe_row", "csv_unescape", "is_formula_like", "xlsx_safe", "xlsx_safe_cell",
           "xlsx_safe_row"]
