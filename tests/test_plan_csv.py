"""The plan folder's CSV files, written fast, stay byte for byte what the plain ``csv`` module writes with
every formula-like text escaped (planner/safecells.py), and read back to the same plan — including older
files without the optional columns (issue 16: the national plan's 350,000 rows)."""
from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import hashlib
import io
import json
import shutil

from planner.plan import (SESSION_COLUMNS, SESSION_EXTRA, TRAINER_COLUMNS, TRAINER_EXTRA, UNIT_COLUMNS, UNIT_EXTRA,
                          Plan, Session, TrainerRow, UnitRow)
from planner.safecells import csv_safe


def _reference_csv(columns: list[str], rows: list[list]) -> bytes:
    """What ``csv.writer`` writes, every cell through :func:`csv_safe` (the contract, written the slow way)."""
    buf = io.StringIO(newline="")
    w = csv.writer(buf)
    w.writerow(columns)
    w.writerows([csv_safe(v) for v in r] for r in rows)
    return buf.getvalue().encode("utf-8")


def _session_cells(s: Session) -> list:
    return [s.session_id, s.kind, s.audience, s.academie, s.departement, s.zone, s.unit_type, s.unit_id, s.trainer_id,
            s.date.isoformat(), s.start, s.end, s.participants, s.window, s.group, int(s.pinned), s.title, s.status,
            "" if s.present is None else s.present, s.held_date.isoformat() if s.held_date else "", s.venue,
            s.venue_address, "" if s.venue_lat is None else f"{s.venue_lat:.6f}",
            "" if s.venue_lon is None else f"{s.venue_lon:.6f}", s.attendees]


def _tricky_plan() -> Plan:
    base = Session("S1", "step1", "teachers_2d", "16", "031", "C", "etablissement", "0310001A", "T-1",
                   dt.date(2026, 12, 2), "09:00", "10:00", 15, "wednesday_am")
    odd = [
        {},
        {"title": "=HYPERLINK(\"http://x\")", "venue": "Collège « Jean, dit \"Jeannot\" »", "pinned": True},
        {"venue_address": "-1 rue du Port\n31000 Toulouse", "venue_lat": -21.115141, "venue_lon": 55.536384},
        {"session_id": "+S4", "unit_id": "@0310002B", "trainer_id": "-T", "window": "\tweekly", "title": "\r"},
        {"status": "held", "present": 12, "held_date": dt.date(2026, 12, 3), "attendees": "0310001A:12"},
        {"status": "cancelled", "group": 7, "venue": "'apostrophe", "attendees": "a:1;b:14"},
        {"title": "", "venue": "", "venue_lat": 0.0, "venue_lon": -0.0000004},
        {"kind": "tot", "audience": "trainers", "trainer_id": "", "participants": 0, "title": "a,b", "venue": "x\ry"},
    ]
    sessions = [dataclasses.replace(base, session_id=f"S{i}", **o) if "session_id" not in o else
                dataclasses.replace(base, **o) for i, o in enumerate(odd, 1)]
    sessions *= 3  # the same rows again: values repeated down a column, as in a real plan
    trainers = [TrainerRow("T-1", "trainer_2d", "16", "etablissement", "0310001A", False, "S8", "=Dupont, Jean"),
                TrainerRow("-T", "fdf", "16", "academie", "16", True, "", "")]
    units = [UnitRow("etablissement", "0310001A", "Collège \"Test\", Toulouse", "16", "031", "C", 40, 1, 0,
                     "college", "+Toulouse", "1 rue\nX", "16-01", "31000", -21.1, 55.5, "16-01", True, "=05 61"),
             UnitRow("bassin", "16-01", "Bassin", "16", "031", "C", 0, 20, 0)]
    return Plan(sessions=sessions, trainers=trainers, units=units, report={"seed": 0})


def test_plan_csv_files_are_the_plain_csv_module_s_bytes(tmp_path):
    plan = _tricky_plan()
    d = plan.write(tmp_path / "plan")
    want = _reference_csv(SESSION_COLUMNS + SESSION_EXTRA, [_session_cells(s) for s in plan.sessions])
    assert (d / "sessions.csv").read_bytes() == want
    trainers = [[t.trainer_id, t.role, t.academie, t.unit_type, t.unit_id, int(t.qualified), t.tot_session_id, t.name]
                for t in plan.trainers]
    assert (d / "trainers.csv").read_bytes() == _reference_csv(TRAINER_COLUMNS + TRAINER_EXTRA, trainers)
    units = []
    for u in plan.units:
        r = dataclasses.asdict(u)
        r.update(teachers_estimated=int(u.teachers_estimated),
                 latitude="" if u.latitude is None else f"{u.latitude:.6f}",
                 longitude="" if u.longitude is None else f"{u.longitude:.6f}")
        units.append([r[c] for c in UNIT_COLUMNS + UNIT_EXTRA])
    assert (d / "units.csv").read_bytes() == _reference_csv(UNIT_COLUMNS + UNIT_EXTRA, units)


def test_plan_reads_back_what_it_wrote(tmp_path):
    plan = _tricky_plan()
    back = Plan.read(plan.write(tmp_path / "plan"))
    assert not back.folder_issues
    want = [dataclasses.replace(s, venue_lat=None if s.venue_lat is None else round(s.venue_lat, 6),
                                venue_lon=None if s.venue_lon is None else round(s.venue_lon, 6),
                                title=s.title, venue=s.venue) for s in plan.sessions]
    # every text read back as it was (the formula-like ones were escaped on write): ids, windows and titles alike
    assert back.sessions == want
    assert [s.session_id for s in back.sessions][3] == "+S4"
    assert [(s.unit_id, s.trainer_id, s.window) for s in back.sessions][3] == ("@0310002B", "-T", "\tweekly")
    assert back.trainers[0].name == "=Dupont, Jean" and back.units[0].name == "Collège \"Test\", Toulouse"


def test_older_sessions_file_without_the_optional_columns(tmp_path):
    plan = _tricky_plan()
    d = plan.write(tmp_path / "plan")
    rows = list(csv.reader(io.StringIO((d / "sessions.csv").read_text(encoding="utf-8"), newline="")))
    keep = [i for i, c in enumerate(rows[0]) if c not in ("venue_lat", "attendees", "status", "held_date")]
    buf = io.StringIO(newline="")
    csv.writer(buf).writerows([r[i] for i in keep] for r in rows)
    (d / "sessions.csv").write_text(buf.getvalue(), encoding="utf-8", newline="")
    back = Plan.read(d)
    assert len(back.sessions) == len(plan.sessions)
    assert all(s.venue_lat is None and s.attendees == "" and s.status == "planned" and s.held_date is None
               for s in back.sessions)
    assert [s.venue_lon for s in back.sessions][:3] == [None, None, 55.536384]
    assert [s.present for s in back.sessions][4] == 12


def test_column_encoding_matches_the_csv_module_on_random_cells():
    import random

    from planner.plan_csv import write_columns

    rnd = random.Random(16)
    alphabet = ",\"\r\n'=+-@\t ;:aé0"
    pool = ["".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 6))) for _ in range(400)]
    pool += [0, 7, -3, None, dt.date(2026, 9, 1)]
    rows = [[rnd.choice(pool) for _ in range(5)] for _ in range(3000)]
    buf = io.StringIO(newline="")
    write_columns(buf, ["a", "b", "c", "d", "e"], rows, [lambda block, i=i: [r[i] for r in block] for i in range(5)])
    assert buf.getvalue().encode("utf-8") == _reference_csv(["a", "b", "c", "d", "e"], rows)


def test_sessions_cross_processes_and_copies_intact():
    import copy
    import pickle

    for s in _tricky_plan().sessions:
        for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
            assert pickle.loads(pickle.dumps(s, protocol=protocol)) == s
        assert copy.copy(s) == s and copy.copy(s) is not s and copy.deepcopy(s) == s


def test_a_big_sessions_file_written_by_two_processes_is_the_same_file(tmp_path, monkeypatch):
    """plan.write(processes=2) (the command line's solve): a forked process writes the second half of the lines;
    the files are byte for byte those of one process, and nothing is left beside them."""
    from planner import plan_csv

    monkeypatch.setattr(plan_csv, "SPLIT_ROWS", plan_csv.BLOCK)
    base = _tricky_plan()
    sessions = [dataclasses.replace(s, session_id=f"{s.session_id}-{k}") for k in range(130) for s in base.sessions]
    plan = Plan(sessions=sessions, trainers=base.trainers, units=base.units, report=base.report)
    assert len(sessions) // 2 >= 2 * plan_csv.BLOCK  # the file is split, at a block boundary
    one, two = plan.write(tmp_path / "one"), plan.write(tmp_path / "two", processes=2)
    for name in ("sessions.csv", "trainers.csv", "units.csv", "report.json"):
        assert (one / name).read_bytes() == (two / name).read_bytes()
    assert len(Plan.read(two).sessions) == len(sessions)
    assert sorted(p.name for p in two.iterdir()) == ["report.json", "sessions.csv", "trainers.csv", "units.csv"]


def test_when_the_second_half_fails_the_plan_is_not_written(tmp_path, monkeypatch):
    import os

    import pytest

    from planner import plan_csv

    monkeypatch.setattr(plan_csv, "SPLIT_ROWS", plan_csv.BLOCK)
    parent, write_rows = os.getpid(), plan_csv.write_rows

    def failing_child(f, items, cells):
        if os.getpid() != parent:
            raise OSError("disque plein")
        write_rows(f, items, cells)

    monkeypatch.setattr(plan_csv, "write_rows", failing_child)
    base = _tricky_plan()
    sessions = [dataclasses.replace(s, session_id=f"{s.session_id}-{k}") for k in range(130) for s in base.sessions]
    with pytest.raises(OSError, match="seconde moitié de sessions.csv"):
        Plan(sessions=sessions, trainers=base.trainers, units=base.units, report={}).write(tmp_path / "p", processes=2)
    assert not (tmp_path / "p").exists() and not [p for p in tmp_path.rglob("*") if p.is_file()]


def test_rows_read_as_the_csv_module_reads_them():
    """sessions.csv's reader splits the lines without a quote itself (issue 16): every row, and every record
    number, stays what ``csv.reader`` says, whatever the quotes and line ends."""
    from planner.plan import _csv_table

    lines = ["a,b,c", "", 'x,"y, z",w', '"multi\r\nline",2,"a ""q"""', "tail,,", 'stray"quote,1', ",", "\u00e9,\u00e8",
             '"open\rcell",9', "last"]
    for end in ("\r\n", "\n", "\r"):
        text = "h1,h2\r\n" + end.join(lines) + end
        want = list(csv.reader(io.StringIO(text, newline="")))[1:]
        got = [(n, r) for n, _, r in _csv_table(io.StringIO(text, newline=""))[1]]
        assert [r for _, r in got] == want, end
        assert [n for n, _ in got] == list(range(2, 2 + len(want)))


def test_the_sessions_of_some_academies_are_those_of_the_whole_file(tmp_path):
    """Reading one académie's sessions skips the others' rows unread: the same sessions as the whole file's of that
    académie, every row's académie noted, and a bad row of the académie still named with its line."""
    from planner.plan import read_sessions

    plan = _tricky_plan()
    other = [dataclasses.replace(s, session_id=f"B{i}", academie="'02" if i % 2 else "02", title="x" * i)
             for i, s in enumerate(plan.sessions)]
    plan.sessions = [s for pair in zip(plan.sessions, other) for s in pair]
    d = plan.write(tmp_path / "plan")
    whole = read_sessions(d)
    for acads in ({"16"}, {"'02"}, {"02"}, {"16", "'02"}):
        seen: set[str] = set()
        assert read_sessions(d, frozenset(acads), seen) == [s for s in whole if s.academie in acads]
        assert seen == {"16", "02", "'02"}
    path = d / "sessions.csv"
    raw = path.read_bytes()
    assert raw.split(b"\r\n")[1].startswith(b"S1,step1,teachers_2d,16,031,C,etablissement,0310001A,T-1,2026-12-02,")
    path.write_bytes(raw.replace(b",2026-12-02,", b",2026-13-02,", 1))  # the first row: académie 16's S1
    import pytest

    from planner.plan import PlanError

    with pytest.raises(PlanError, match="ligne 2 : valeur invalide"):
        read_sessions(d, frozenset({"16"}))
    assert len(read_sessions(d, frozenset({"02"}))) == len([s for s in whole if s.academie == "02"])


def _big_plan() -> Plan:
    base = _tricky_plan()
    sessions = [dataclasses.replace(s, session_id=f"{s.session_id}-{k}") for k in range(130) for s in base.sessions]
    return Plan(sessions=sessions, trainers=base.trainers, units=base.units, report={"seed": 0})


def test_sessions_file_begun_early_is_the_same_folder(tmp_path, monkeypatch):
    """The command line's solve begins sessions.csv in a forked process before the report is computed, and
    writes the rest of its rows after (issue 16): the folder is byte for byte the one written in one go, whatever
    the share of each, and nothing is left beside it."""
    from planner import plan_csv
    from planner.plan import start_sessions_csv

    monkeypatch.setattr(plan_csv, "SPLIT_ROWS", plan_csv.BLOCK)
    plan = _big_plan()
    one = plan.write(tmp_path / "one")
    early = start_sessions_csv(tmp_path / "two", plan.sessions)
    assert early is not None and early.part.is_dir() and early.part.parent == tmp_path
    two = plan.write(tmp_path / "two", processes=2, early=early)
    assert early.pid == 0 and not early.part.exists()
    for name in ("sessions.csv", "trainers.csv", "units.csv", "report.json"):
        assert (one / name).read_bytes() == (two / name).read_bytes()
    for share in (0.0, 0.5, 1.0):
        again = plan.write(tmp_path / "two", early=start_sessions_csv(tmp_path / "two", plan.sessions, share))
        assert (again / "sessions.csv").read_bytes() == (one / "sessions.csv").read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["one", "two"]
    assert Plan.read(two).sessions == Plan.read(one).sessions and not Plan.read(two).folder_issues
    # a plan read back (its report has its files' fingerprints, new ones take their place) and a fuller report:
    # report.json told while the forked process ends is the one told after, byte for byte
    back = Plan.read(one)
    back.report = {**back.report, "files": {"sessions.csv": "ancienne"}, "kpis": {"n": 3},
                   "unplaced": [{"unit_id": "x", "sessions": 1}]}
    for k, early in enumerate((None, start_sessions_csv(tmp_path / "back-early", back.sessions))):
        back.write(tmp_path / ("back-early" if early else "back"), early=early)
    for name in ("sessions.csv", "trainers.csv", "units.csv", "report.json"):
        assert (tmp_path / "back" / name).read_bytes() == (tmp_path / "back-early" / name).read_bytes()
    text = (tmp_path / "back" / "report.json").read_text(encoding="utf-8")
    assert text.count('"files"') == 1 and list(json.loads(text)) == ["seed", "files", "kpis", "unplaced"]
    assert json.loads(text)["files"]["sessions.csv"] == hashlib.sha256(
        (tmp_path / "back" / "sessions.csv").read_bytes()).hexdigest()
    fresh = Plan(sessions=back.sessions, trainers=back.trainers, units=back.units,
                 report={k: v for k, v in back.report.items() if k != "files"})
    fresh.write(tmp_path / "fresh-early", early=start_sessions_csv(tmp_path / "fresh-early", fresh.sessions))
    fresh.write(tmp_path / "fresh")
    assert (tmp_path / "fresh" / "report.json").read_bytes() == (tmp_path / "fresh-early" / "report.json").read_bytes()
    for d in ("back", "back-early", "fresh", "fresh-early"):
        shutil.rmtree(tmp_path / d)
    # begun for another folder: abandoned, and the folder written in one go
    other = start_sessions_csv(tmp_path / "three", plan.sessions, share=0.3)
    three = plan.write(tmp_path / "four", early=other)
    assert (three / "sessions.csv").read_bytes() == (one / "sessions.csv").read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["four", "one", "two"]


def test_sessions_file_begun_early_that_fails_or_is_abandoned_leaves_nothing(tmp_path, monkeypatch):
    import os

    import pytest

    from planner import plan_csv
    from planner.plan import start_sessions_csv

    parent, write_file = os.getpid(), plan_csv.write_file

    def failing_child(path, *a, **k):
        if os.getpid() != parent:
            raise OSError("disque plein")
        write_file(path, *a, **k)

    monkeypatch.setattr(plan_csv, "write_file", failing_child)  # the forked process fails
    plan = _big_plan()
    early = start_sessions_csv(tmp_path / "p", plan.sessions)
    with pytest.raises(OSError, match="sessions.csv n'a pas pu être écrit"):
        plan.write(tmp_path / "p", early=early)
    assert list(tmp_path.iterdir()) == []
    # the other files cannot be written while the forked process ends its rows: it is stopped, nothing is left
    monkeypatch.setattr(plan_csv, "write_file", write_file)
    from planner import plan as plan_module

    def full_disk(path, *a, **k):
        if path.name == "units.csv":
            raise OSError("disque plein")
        return write_file(path, *a, **k)

    monkeypatch.setattr(plan_module, "_write_csv", lambda path, *a, **k: full_disk(path, *a, **k))
    early = start_sessions_csv(tmp_path / "u", plan.sessions)
    with pytest.raises(OSError, match="disque plein"):
        plan.write(tmp_path / "u", early=early)
    assert list(tmp_path.iterdir()) == [] and early.pid == 0
    monkeypatch.undo()
    early = start_sessions_csv(tmp_path / "q", plan.sessions)
    early.abort()
    assert list(tmp_path.iterdir()) == [] and early.pid == 0
    with pytest.raises(OSError):
        early.finish()


def test_columns_remember_plain_texts_and_still_escape_new_ones(tmp_path, monkeypatch):
    """Each column remembers the texts it wrote as they are (issue 16): blocks of known texts are not scanned
    again, and a text that needs quotes or an apostrophe in a later block still gets them — the bytes stay the
    csv module's, also once a column of ever new texts stops remembering."""
    from planner import plan_csv

    monkeypatch.setattr(plan_csv, "KNOWN_MAX", 40)
    base = _tricky_plan().sessions[0]
    venues = ["Collège A", "Lycée B"] * 600 + ["=Collège C", "Lycée, D", "Collège A", 'Lycée "E"']
    sessions = [dataclasses.replace(base, session_id=f"S{i}" if i < 1200 else f"-S{i}", venue=v,
                                    title=f"Titre {i % 7}" if i < 1100 else f"+Titre {i}")
                for i, v in enumerate(venues)]
    plan = Plan(sessions=sessions, trainers=[], units=[], report={})
    d = plan.write(tmp_path / "plan")
    want = _reference_csv(SESSION_COLUMNS + SESSION_EXTRA, [_session_cells(s) for s in sessions])
    assert (d / "sessions.csv").read_bytes() == want
    assert b"\r\n'-S1200," in want and b",'=Coll\xc3\xa8ge C," in want and b'"Lyc\xc3\xa9e, D"' in want
    assert Plan.read(d).sessions == sessions


def test_an_academie_s_result_crosses_processes_as_columns():
    """A pool's worker sends its académie's sessions as the columns of their fields (issue 16); they come back
    equal, in order, with nothing else of the result lost — and an académie without sessions too."""
    import pickle

    from planner.plan import sessions_columns, sessions_from_columns
    from solvers.academie import AcademieResult

    sessions = _tricky_plan().sessions
    assert len(sessions_columns(sessions)) == 25 and sessions_from_columns(sessions_columns(sessions)) == sessions
    res = AcademieResult(code="16", sessions=sessions, objective=3.5, parts={"venues": {"a": 1}})
    back = pickle.loads(pickle.dumps(res))
    assert back == res and back.sessions is not res.sessions and res.sessions is sessions
    assert pickle.loads(pickle.dumps(AcademieResult(code="02"))) == AcademieResult(code="02")
    # the texts sessions repeat come back once (equal lists of attendees made apart: one object)
    twins = [dataclasses.replace(sessions[0], session_id=f"T{i}", attendees="".join(["0310001A:", "15"]))
             for i in range(2)]
    assert twins[0].attendees is not twins[1].attendees
    a, b = pickle.loads(pickle.dumps(AcademieResult(code="16", sessions=twins))).sessions
    assert a.attendees == "0310001A:15" and a.attendees is b.attendees


def _dict_rows_the_slow_way(path, required):
    """What trainers.csv and units.csv read as before issue 16: ``csv.reader``, its line numbers."""
    from planner.plan import PlanError
    from planner.safecells import csv_unescape

    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        cols = next(reader, [])
        line = 2
        for r in reader:
            if not r:
                line = reader.line_num + 1
                continue
            if len(r) != len(cols):
                raise PlanError(f"{path}, ligne {line} : {len(r)} colonnes au lieu de {len(cols)} "
                                "(guillemet isolé ou ligne coupée ?)")
            yield line, {c: csv_unescape(v) for c, v in zip(cols, r)}
            line = reader.line_num + 1


def test_trainers_and_units_rows_with_their_lines_as_the_csv_module_says(tmp_path):
    """trainers.csv and units.csv are split by ``str.split`` where a line has no quote (issue 16): the same rows,
    and the same line named for a bad one, whatever the quotes, blank lines and line ends."""
    import pytest

    from planner.plan import PlanError, _read_csv

    good = ["a,b,c", "", '"x, y","multi\r\nline",z', "'=1,2,3", "", "", '"q""uote",,', "é,è,à", '"cell\rwith CR",1,2']
    for end in ("\r\n", "\n", "\r"):
        for bad in (None, 'stray"quote,1', "two,cells", '"open,1,2'):
            lines = good + ([bad, "tail,1,2"] if bad else [])
            path = tmp_path / "t.csv"
            path.write_bytes(("h1,h2,h3" + end + end.join(lines) + end).encode("utf-8"))
            want = got = None
            try:
                want = list(_dict_rows_the_slow_way(path, ["h1"]))
            except PlanError as exc:
                with pytest.raises(PlanError) as caught:
                    list(_read_csv(path, ["h1"]))
                assert str(caught.value) == str(exc), (end, bad)
                continue
            got = list(_read_csv(path, ["h1"]))
            assert got == want, (end, bad)
