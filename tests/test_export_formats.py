"""The fast writers of the exports say the same as before: ICS lines folded at 75 octets, French dates as
Babel writes them, and workbooks that spreadsheet software reads back cell for cell (issue 16)."""
from __future__ import annotations

import datetime as dt
import random

from babel.dates import format_date
from openpyxl import load_workbook

from planner.exports.ics import _fold
from planner.exports.typography import fr_date, fr_date_short, fr_day_month
from planner.exports.xlsx_fast import column_letter, write_xlsx


def test_ics_lines_fold_at_75_octets_between_characters():
    rng = random.Random(7)
    lines = ["".join(rng.choice("abcé€𝄞 ;,«»") for _ in range(rng.randint(0, 260))) for _ in range(2000)]
    lines += ["".join(rng.choice("ab ;,") for _ in range(n)) for n in (*range(70, 80), 149, 150, 151, 260)]  # ASCII
    for line in lines:
        folded = _fold(line)
        assert folded.endswith("\r\n")
        pieces = folded[:-2].split("\r\n")
        assert all(len(p.encode()) <= 75 for p in pieces)
        assert all(p.startswith(" ") for p in pieces[1:])
        assert pieces[0] + "".join(p[1:] for p in pieces[1:]) == line  # unfolding gives the line back
        # greedy: a piece is cut only where the next character would not fit
        assert all(len((p + q[1:2]).encode()) > 75 for p, q in zip(pieces, pieces[1:]))


def test_french_dates_are_babel_s():
    d = dt.date(2026, 1, 1)
    for k in range(400):
        x = d + dt.timedelta(days=k)
        assert fr_date(x) == format_date(x, "EEEE d MMMM y", locale="fr_FR")
        assert fr_date_short(x) == format_date(x, "d MMMM y", locale="fr_FR")
        assert fr_day_month(x) == format_date(x, "d MMMM", locale="fr_FR")


def test_fast_workbook_reads_back_cell_for_cell(tmp_path):
    headers = [("Texte", 20), ("Nombre", 8), ("Date", 12), ("Oui", 5)]
    rows = [["école « Jean-Zay » & <co>", 12, dt.date(2026, 9, 2), True],
            ["=HYPERLINK(\"http://x\")", 1.5, None, False],
            ["", -3, dt.date(2027, 2, 28), None],
            ["contrôle\x01 retiré", 0, dt.date(2026, 12, 31), True]]
    path = write_xlsx([("Étape 1", headers, rows), ("Vide", headers, [])], tmp_path / "t.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames == ["Étape 1", "Vide"]
    ws = wb["Étape 1"]
    assert [c.value for c in ws[1]] == ["Texte", "Nombre", "Date", "Oui"]
    assert ws["A1"].font.b and ws["A1"].fill.fgColor.rgb.endswith("1F4E79")
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:D5"
    assert ws.column_dimensions["A"].width == 20
    got = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    assert got[0][0] == "école « Jean-Zay » & <co>" and got[0][1] == 12 and got[0][2].date() == dt.date(2026, 9, 2)
    assert got[0][3] is True and got[1][3] is False
    assert got[1][0] == "=HYPERLINK(\"http://x\")" and ws["A3"].data_type != "f" and ws["A3"].quotePrefix
    assert got[1][1] == 1.5 and got[1][2] is None and got[2][0] is None and got[2][1] == -3
    assert got[3][0] == "contrôle retiré"  # characters XML cannot hold are dropped, never a broken file
    assert ws["C2"].number_format == "DD/MM/YYYY"
    assert wb["Vide"].max_row == 1
    assert [column_letter(i) for i in (1, 26, 27, 52, 53, 703)] == ["A", "Z", "AA", "AZ", "BA", "AAA"]


def test_a_plan_printed_with_parsed_cells_kept_is_the_same_pdf(tmp_path, monkeypatch):
    from reportlab import rl_config

    from planner.exports import layout
    from planner.exports.common import PlanIndex
    from planner.exports.pdf import export_unit_pdf
    from planner.exports.sample import small_plan

    monkeypatch.setattr(rl_config, "invariant", 1)  # no date nor random id in the file: comparable bytes
    ix = PlanIndex.build(small_plan())
    uid = next(s.unit_id for s in ix.plan.sessions if s.unit_type == "etablissement")
    layout._FRAGS.clear()
    cold = export_unit_pdf(ix, "etablissement", uid, tmp_path / "cold.pdf").read_bytes()
    assert layout._FRAGS  # cells parsed once, kept
    warm = export_unit_pdf(ix, "etablissement", uid, tmp_path / "warm.pdf").read_bytes()
    assert cold == warm
