"""Hostile annuaire files (issue 14, item 5): every row is read, or named with its line and reason.

Old-Mac (CR) and mixed line ends, stray quotes, quoted line breaks, NUL bytes and giant lines, on the
committed extract of the real annuaire."""
from __future__ import annotations

import io
import re

import pytest

import main
from planner.sources.annuaire import import_annuaire
from planner.sources.annuaire.reader import MAX_LINE_BYTES, PhysicalLines

from .conftest import ROOT

EXTRACT = ROOT / "tests" / "fixtures" / "occ_annuaire_extract.csv"


@pytest.fixture(scope="module")
def lines() -> list[bytes]:
    raw = EXTRACT.read_bytes().split(b"\n")
    return [x.rstrip(b"\r") for x in raw if x.strip()]


@pytest.fixture(scope="module")
def baseline(tmp_path_factory, lines):
    p = tmp_path_factory.mktemp("base") / "lf.csv"
    p.write_bytes(b"\n".join(lines) + b"\n")
    return import_annuaire(p)


def _uais(res) -> set[str]:
    return {e.uai for e in res.scenario.etablissements}


def _import(tmp_path, data: bytes, name="a.csv"):
    p = tmp_path / name
    p.write_bytes(data)
    return import_annuaire(p)


def _problems(res) -> list[tuple[int, str, str]]:
    return [(i.line, i.status, i.reason) for i in res.iter_issues() if i.status != "ignorée"]


def test_baseline_reads_every_row(baseline, lines):
    assert baseline.rows == len(lines) - 1 and baseline.rejected == 0


@pytest.mark.parametrize("ending", ["cr", "mixed"])
def test_old_mac_and_mixed_line_ends(tmp_path, lines, baseline, ending):
    if ending == "cr":
        data = b"\r".join(lines) + b"\r"
    else:
        data = b"".join(x + (b"\r\n", b"\n", b"\r")[i % 3] for i, x in enumerate(lines))
    res = _import(tmp_path, data)
    assert (res.rows, res.imported_total, res.skipped, res.rejected) == \
        (baseline.rows, baseline.imported_total, baseline.skipped, 0)
    assert _uais(res) == _uais(baseline)
    assert [i.line for i in res.iter_issues()] == [i.line for i in baseline.iter_issues()]  # same line numbers


@pytest.mark.parametrize("where", ["field_start", "inside_field"])
def test_one_stray_quote_costs_no_row(tmp_path, lines, baseline, where):
    bad = list(lines)
    k = 10  # physical line 11
    bad[k] = bad[k].replace(b";", b';"', 1) if where == "field_start" else bad[k][:30] + b'"' + bad[k][30:]
    res = _import(tmp_path, b"\n".join(bad) + b"\n")
    assert res.rows == baseline.rows and res.rejected == 0
    assert _uais(res) == _uais(baseline)
    assert [(line, status) for line, status, _ in _problems(res)] == [(11, "importée (avertissement)")]
    assert "guillemet" in _problems(res)[0][2]


def test_stray_quote_in_a_broken_row_rejects_that_row_only(tmp_path, lines, baseline):
    bad = list(lines)
    bad[10] = b'"' + bad[10].split(b";")[0] + b";trop court"
    res = _import(tmp_path, b"\n".join(bad) + b"\n")
    assert res.rows == baseline.rows and res.rejected == 1
    assert [(line, status) for line, status, _ in _problems(res)] == [(11, "rejetée")]
    assert len(_uais(baseline) - _uais(res)) <= 1


def test_quoted_line_break_is_one_row(tmp_path, lines, baseline):
    bad = list(lines)
    fields = bad[10].split(b";")
    fields[1] = b'"' + fields[1] + b'\r\n(b\xc3\xa2timent B)"'  # a name written on two lines, quoted
    bad[10] = b";".join(fields)
    res = _import(tmp_path, b"\n".join(bad) + b"\n")
    assert res.rows == baseline.rows and res.rejected == 0 and _uais(res) == _uais(baseline)
    # lines after it keep their physical numbers (one more than before)
    later = [i.line for i in baseline.iter_issues() if i.line > 11]
    assert [i.line for i in res.iter_issues() if i.line > 11] == [n + 1 for n in later]


def test_nul_bytes(tmp_path, lines, baseline):
    bad = list(lines)
    bad[20] = bad[20][:15] + b"\x00\x00" + bad[20][15:]
    bad[30] = b"\x00" * 50
    res = _import(tmp_path, b"\n".join(bad) + b"\n")
    assert res.rows == baseline.rows  # every line is a row: read, or named
    assert 31 in {line for line, _, _ in _problems(res)}
    assert res.imported_total >= baseline.imported_total - 2


def test_giant_line_is_named_and_the_rows_after_it_are_read(tmp_path, lines, baseline):
    giant = b"x" * (3 * MAX_LINE_BYTES + 12345)
    data = b"\n".join(lines[:50]) + b"\n" + giant + b"\n" + b"\n".join(lines[50:]) + b"\n"
    res = _import(tmp_path, data)
    assert res.rows == baseline.rows + 1 and res.imported_total == baseline.imported_total
    assert [(line, status) for line, status, _ in _problems(res)] == [(51, "rejetée")]
    assert re.search(r"252\s345 octets", _problems(res)[0][2])


def test_file_without_any_line_break_after_the_header(tmp_path, lines, capsys):
    data = lines[0] + b"\n" + b";".join([b"0310001A"] * 20) * 40_000  # 3.6 MB in one line
    p = tmp_path / "collé.csv"
    p.write_bytes(data)
    res = import_annuaire(p)
    assert res.rows == 1 and res.rejected == 1 and "octets" in _problems(res)[0][2]
    assert main.main(["import-annuaire", str(p), "--out", str(tmp_path / "s.sqlite")]) == 1
    err = capsys.readouterr().err
    assert "aucune ligne importée" in err and "Traceback" not in err


def test_physical_lines_are_read_in_bounded_pieces():
    # a 1 MB line without an end: what is kept of it is MAX_LINE_BYTES, and its true length is known
    f = io.BytesIO(b"a;b\r" + b"y" * 1_000_000 + b"\r\nz;1\rw;2")
    got = [(no, len(text), size) for no, text, size in PhysicalLines(f, "utf-8", False)]
    assert got == [(1, 3, 3), (2, MAX_LINE_BYTES, 1_000_000), (3, 3, 3), (4, 3, 3)]


def test_cli_on_an_old_mac_file(tmp_path, lines, baseline, capsys):
    p = tmp_path / "mac.csv"
    p.write_bytes(b"\r".join(lines))
    assert main.main(["import-annuaire", str(p), "--out", str(tmp_path / "mac.sqlite"), "--json"]) == 0
    out = capsys.readouterr().out
    assert f'"rows": {baseline.rows}' in out.replace(" ", " ")
