"""sessions.csv read by Arrow (planner.plan_arrow, issue 16): the same sessions as the Python reader, or nothing and
the Python reader's own answer (its error, its line) for a file Arrow might read otherwise."""
from __future__ import annotations

import csv
import dataclasses
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner import plan_arrow
from planner.plan import SESSION_COLUMNS, SESSION_EXTRA, PlanError, _read_sessions, read_sessions

from .test_plan_csv import _tricky_plan


@pytest.fixture(autouse=True)
def any_size(monkeypatch):
    """Arrow for files of any size here (the program leaves small ones to the Python reader)."""
    monkeypatch.setattr(plan_arrow, "MIN_BYTES", 0)

def _both(path, academies=None):
    """(Arrow's sessions or None, Arrow's académies seen), (the Python reader's sessions or its error, académies seen)."""
    seen_a: set[str] = set()
    table = plan_arrow.read_table(path)
    got = table.sessions(academies, seen_a) if table is not None else None
    seen_p: set[str] = set()
    try:
        want = _read_sessions(path, academies, seen_p)
    except (PlanError, ValueError, csv.Error, UnicodeDecodeError) as exc:  # what the Python reader says
        want = exc
    return (got, seen_a), (want, seen_p)


def _tricky_folder(tmp_path):
    plan = _tricky_plan()
    other = [dataclasses.replace(s, session_id=f"B{i}", academie="'02" if i % 2 else "02", title="x, y" * i)
             for i, s in enumerate(plan.sessions)]
    plan.sessions = [s for pair in zip(plan.sessions, other) for s in pair]
    return plan, plan.write(tmp_path / "plan")


def test_arrow_reads_the_sessions_the_python_reader_reads(tmp_path):
    plan, d = _tricky_folder(tmp_path)
    path = d / "sessions.csv"
    for acads in (None, {"16"}, {"'02"}, {"02"}, {"16", "'02"}, set()):
        (got, seen_a), (want, seen_p) = _both(path, None if acads is None else frozenset(acads))
        assert got is not None and got == want, acads
        assert seen_a == seen_p == {"16", "02", "'02"}
    assert len(want) == 0 and len(_both(path)[0][0]) == len(plan.sessions)
    # texts kept once, as the Python reader keeps them
    got = plan_arrow.read_table(path).sessions()
    assert got[0].kind is got[2].kind and got[0].attendees is got[2].attendees


def test_line_ends_quotes_and_older_files(tmp_path):
    _, d = _tricky_folder(tmp_path)
    path = d / "sessions.csv"
    text = path.read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    for end in ("\n", "\r"):
        buf = io.StringIO(newline="")
        # csv.writer quotes a cell holding its own line end only: no other line end in a cell here
        csv.writer(buf, lineterminator=end).writerows(r for r in rows if not any("\n" in c for c in r))
        path.write_text(buf.getvalue(), encoding="utf-8", newline="")
        (got, _), (want, _) = _both(path)
        assert got is not None and got == want, repr(end)
    keep = [i for i, c in enumerate(rows[0]) if c not in ("venue_lat", "attendees", "status", "held_date", "group")]
    buf = io.StringIO(newline="")
    csv.writer(buf).writerows([r[i] for i in keep] for r in rows)
    path.write_text(buf.getvalue(), encoding="utf-8", newline="")
    (got, _), (want, _) = _both(path)
    assert got is not None and got == want
    assert all(s.status == "planned" and s.group == 0 and s.venue_lat is None for s in got)


@pytest.mark.parametrize("change, message", [
    ((",2026-12-02,", ",2026-13-02,"), "ligne 2 : valeur invalide"),
    ((",09:00,", ",9h00,"), "ligne 2 : valeur invalide"),
    ((",15,wednesday_am,", ",quinze,wednesday_am,"), "ligne 2 : valeur invalide"),
    ((",planned,", ",prévue,"), "ligne 2 : valeur invalide"),
    ((",wednesday_am,0,0,", ",wednesday_am,x,0,"), "ligne 2 : valeur invalide"),
])
def test_a_cell_the_python_reader_refuses_is_left_to_it(tmp_path, change, message):
    _, d = _tricky_folder(tmp_path)
    path = d / "sessions.csv"
    path.write_bytes(path.read_bytes().replace(change[0].encode(), change[1].encode(), 1))
    assert plan_arrow.read_table(path).sessions() is None
    with pytest.raises(PlanError, match=message):
        read_sessions(d)
    # another académie's reader does not see that row: it reads its own sessions by Arrow still
    assert plan_arrow.read_table(path).sessions(frozenset({"02"})) == _read_sessions(path, frozenset({"02"}))


def test_rows_arrow_cannot_parse_are_read_by_the_python_reader(tmp_path):
    _, d = _tricky_folder(tmp_path)
    path = d / "sessions.csv"
    lines = path.read_bytes().split(b"\r\n")
    longer = lines[:3] + [lines[3] + b",extra"] + lines[4:]  # a longer row: the Python reader keeps its first cells
    path.write_bytes(b"\r\n".join(longer))
    assert plan_arrow.read_table(path) is None
    assert read_sessions(d) == _read_sessions(path)
    path.write_bytes(b"\r\n".join(lines[:3] + [b""] + lines[3:]))  # a blank line: the Python reader names it
    for acads in (None, frozenset({"16"})):  # Arrow reads it as a row of empty cells: left to the Python reader
        assert plan_arrow.read_table(path).sessions(acads) is None
        with pytest.raises(PlanError, match="ligne 4 : 0 colonnes au lieu de 25"):
            read_sessions(d, acads)
    path.write_bytes(lines[0] + b"\r\n" + b'"open quote,' + b",".join(lines[1].split(b",")[1:]))
    assert plan_arrow.read_table(path) is None
    path.write_bytes(b"\xef\xbb\xbf" + b"\r\n".join(lines))  # a byte order mark: the header is not the same
    assert plan_arrow.read_table(path) is None
    with pytest.raises(PlanError, match="colonnes manquantes : session_id"):
        read_sessions(d)


HEADER = SESSION_COLUMNS + SESSION_EXTRA
GOOD = ["S1", "step1", "teachers_2d", "16", "031", "C", "etablissement", "0310001A", "T-1", "2026-12-02", "09:00",
        "10:00", "15", "wednesday_am", "1", "0", "Titre", "planned", "", "", "Lieu", "", "", "", "0310001A:15"]
PIECES = ['"', '""', ",", "\n", "\r", "\r\n", "'", "'=", "a", "é", " ", "0", "1", "2026-12-03", "12:30", "held", "-1.5",
          "\t", "x,y", '"q"', "=1+1"]


@st.composite
def _files(draw):
    """A header and rows near the contract, with cells and raw text the fuzzing cuts, joins and quotes."""
    rows = []
    for _ in range(draw(st.integers(1, 6))):
        row = list(GOOD)
        for _ in range(draw(st.integers(0, 4))):
            i = draw(st.integers(0, len(row) - 1))
            row[i] = "".join(draw(st.lists(st.sampled_from(PIECES), max_size=4)))
        rows.append(row)
    buf = io.StringIO(newline="")
    csv.writer(buf, quoting=draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]))).writerows([HEADER] + rows)
    text = buf.getvalue()
    for _ in range(draw(st.integers(0, 3))):  # raw damage: what no writer makes
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.sampled_from(PIECES)) + text[at:]
    return text


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=_files(), which=st.sampled_from([None, frozenset({"16"}), frozenset({"02"})]))
def test_arrow_never_reads_a_file_otherwise_than_the_python_reader(tmp_path, text, which):
    path = tmp_path / "sessions.csv"
    path.write_bytes(text.encode("utf-8"))
    (got, seen_a), (want, seen_p) = _both(path, which)
    if got is None:
        return  # left to the Python reader
    assert not isinstance(want, Exception), f"Arrow read what the Python reader refuses: {want}"
    assert got == want
    assert seen_a == seen_p


def test_without_pyarrow_the_python_reader_does_it_all(tmp_path, monkeypatch):
    _, d = _tricky_folder(tmp_path)
    arrow = read_sessions(d)
    monkeypatch.setattr(plan_arrow, "AVAILABLE", False)
    monkeypatch.setattr(plan_arrow, "read_table", lambda path: pytest.fail("Arrow used without pyarrow"))
    assert read_sessions(d) == arrow


def test_read_in_a_thread(tmp_path, monkeypatch):
    _, d = _tricky_folder(tmp_path)
    table = plan_arrow.read_table_soon(d / "sessions.csv")()
    assert table is not None and table.sessions() == read_sessions(d)
    assert plan_arrow.read_table_soon(tmp_path / "missing.csv")() is None

    def broken(path):
        raise MemoryError

    monkeypatch.setattr(plan_arrow, "read_table", broken)
    assert plan_arrow.read_table_soon(d / "sessions.csv")() is None  # the Python reader then reads the file


def test_whether_every_id_differs_is_known_from_the_table(tmp_path):
    """``check`` skips comparing the groups' ids when the file's ids all differ; an id escaped (« '+S4 ») could
    read back as another one: then it does not say so."""
    plan = _tricky_plan()
    unique = dataclasses.replace(plan, sessions=[dataclasses.replace(s, session_id=f"S{i}")
                                                 for i, s in enumerate(plan.sessions)])
    assert plan_arrow.read_table(unique.write(tmp_path / "a") / "sessions.csv").ids_distinct
    twice = dataclasses.replace(unique, sessions=unique.sessions + unique.sessions[:1])
    assert not plan_arrow.read_table(twice.write(tmp_path / "b") / "sessions.csv").ids_distinct
    escaped = dataclasses.replace(unique, sessions=unique.sessions[:1] + [
        dataclasses.replace(s, session_id="+" + s.session_id) for s in unique.sessions[1:]])
    assert not plan_arrow.read_table(escaped.write(tmp_path / "c") / "sessions.csv").ids_distinct


def test_small_files_are_left_to_the_python_reader(tmp_path, monkeypatch):
    _, d = _tricky_folder(tmp_path)
    path = d / "sessions.csv"
    monkeypatch.setattr(plan_arrow, "MIN_BYTES", path.stat().st_size + 1)
    assert plan_arrow.read_table(path) is None and plan_arrow.read_table_soon(path)() is None
    monkeypatch.setattr(plan_arrow, "MIN_BYTES", path.stat().st_size)
    assert plan_arrow.read_table(path) is not None
