"""The plan directory contract: what ``solve`` writes and every other tool reads.

``DIR/sessions.csv``, ``DIR/trainers.csv``, ``DIR/units.csv`` (UTF-8, comma-separated, the
contract's columns first, extra columns after) and ``DIR/report.json``.

A plan folder is replaced as a whole: the new plan is written in a sibling folder
(``.DIR.PID.part``), then swapped with ``DIR`` in one rename (``renameat2(RENAME_EXCHANGE)`` on
Linux; elsewhere two renames), so a crash or a kill never leaves old and new files mixed. Other
files found in ``DIR`` (exported PDFs…) are carried over. ``report.json`` lists each CSV's SHA-256
(``files``): :meth:`Plan.read` compares them and lists any mismatch in ``Plan.folder_issues``
(``check`` then refuses to call the plan conforme). Sibling leftovers of a killed write are removed
at the next write (:func:`clean_leftovers`).
"""
from __future__ import annotations

import csv
import ctypes
import datetime as dt
import hashlib
import json
import os
import re
import shutil
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, fields
from operator import attrgetter, itemgetter
from pathlib import Path

from . import plan_csv as pc
from .collector import collection_off
from .safecells import csv_unescape
from .safe_io import atomic_file, fsync_dir, fsync_file, pid_alive
from .soon import soon
from .text import hhmm_minutes

SESSION_COLUMNS = ["session_id", "kind", "audience", "academie", "departement", "zone", "unit_type", "unit_id",
                   "trainer_id", "date", "start", "end", "participants", "window"]
SESSION_EXTRA = ["group", "pinned", "title", "status", "present", "held_date", "venue", "venue_address",
                 "venue_lat", "venue_lon", "attendees"]
TRAINER_COLUMNS = ["trainer_id", "role", "academie", "unit_type", "unit_id", "qualified", "tot_session_id"]
TRAINER_EXTRA = ["name"]
UNIT_COLUMNS = ["unit_type", "unit_id", "name", "academie", "departement", "zone", "teachers", "perdir", "inspectors"]
UNIT_EXTRA = ["etab_type", "commune", "address", "bassin", "postcode", "latitude", "longitude", "parent",
              "teachers_estimated", "phone"]

TRUE_TEXTS = ("1", "True", "true")  # a yes/no cell (pinned, qualified…) read as yes

KIND_LABELS = {
    "tot": "Formation de formateurs",
    "step1": "Étape 1 — Prise en main de l'IA générative",
    "step2": "Étape 2 — Groupes de travail",
    "step3": "Étape 3 — Charte de l'établissement",
    "step4": "Étape 4 — Instances",
    "step5": "Étape 5 — Approfondissement (briques)",
    "step6": "Étape 6 — Familles",
}


@dataclass(slots=True)
class Session:
    session_id: str
    kind: str
    audience: str
    academie: str
    departement: str
    zone: str
    unit_type: str
    unit_id: str
    trainer_id: str
    date: dt.date
    start: str
    end: str
    participants: int
    window: str
    group: int = 0
    pinned: bool = False
    title: str = ""
    status: str = "planned"  # planned, held or cancelled (planner.followup)
    present: int | None = None  # number present, when held
    held_date: dt.date | None = None  # the date it was actually held
    venue: str = ""
    venue_address: str = ""  # street, postcode commune
    venue_lat: float | None = None
    venue_lon: float | None = None
    attendees: str = ""  # "id:count;id:count", ids of units.csv or trainers.csv, counts sum to participants

    def __reduce__(self):
        # pickled as its fields in order: the process pool sends 350,000 sessions back, and this is twice as
        # fast both ways as the default for slots (and a third smaller)
        return (Session, _session_fields(self))

    @property
    def attendee_counts(self) -> list[tuple[str, int]]:
        out = []
        for part in self.attendees.split(";"):
            if part:
                uid, _, n = part.rpartition(":")
                out.append((uid, int(n)))
        return out

    @property
    def start_dt(self) -> dt.datetime:
        h, m = divmod(hhmm_minutes(self.start), 60)
        return dt.datetime.combine(self.date, dt.time(h, m))

    @property
    def end_dt(self) -> dt.datetime:
        h, m = divmod(hhmm_minutes(self.end), 60)
        return dt.datetime.combine(self.date, dt.time(h, m))


_session_fields = attrgetter(*(f.name for f in fields(Session)))


SLICE = 10_000  # items per C-level pass (a few ms): the interpreter lock is handed back between passes


def in_slices(xs: list, size: int = SLICE) -> Iterator[list]:
    """``xs`` in consecutive slices of ``size``: work done in C over a national plan's sessions (a set, a dict,
    a ``map``) a few milliseconds at a time, so that a window waiting for the lock gets it between two."""
    return (xs[i:i + size] for i in range(0, len(xs), size))


def sessions_columns(sessions: list[Session]) -> tuple:
    """``sessions`` as the columns of their fields: what a process pickles to send them to another without a
    call of :meth:`Session.__reduce__` per session (an académie's 25,000 sessions: a third less time).
    :func:`sessions_from_columns` makes them sessions again."""
    return tuple(zip(*map(_session_fields, sessions)))


def sessions_from_columns(columns: tuple) -> list[Session]:
    return list(map(Session, *columns)) if columns else []


@dataclass(slots=True)
class TrainerRow:
    trainer_id: str
    role: str
    academie: str
    unit_type: str
    unit_id: str
    qualified: bool
    tot_session_id: str
    name: str = ""


@dataclass(slots=True)
class UnitRow:
    unit_type: str
    unit_id: str
    name: str
    academie: str
    departement: str
    zone: str
    teachers: int
    perdir: int
    inspectors: int
    etab_type: str = ""
    commune: str = ""
    address: str = ""
    bassin: str = ""
    postcode: str = ""
    latitude: float | None = None
    longitude: float | None = None
    parent: str = ""  # the circonscription of an école, the bassin of an établissement
    teachers_estimated: bool = False  # the unit's headcount is estimated (teachers; perdir of a bassin, inspectors)
    phone: str = ""


@dataclass
class Plan:
    sessions: list[Session] = field(default_factory=list)
    trainers: list[TrainerRow] = field(default_factory=list)
    units: list[UnitRow] = field(default_factory=list)
    report: dict = field(default_factory=dict)
    folder_issues: list[str] = field(default_factory=list)  # set by read(): files that do not match report.json
    folder_unverified: bool = False  # set by read(): report.json has no file fingerprints (older plan folder)
    # set by solvers.api.solve(precheck=True): the checker's errors found académie by académie in the pool's
    # workers ([] clean); None: not checked that way (check the whole plan)
    academie_errors: list | None = field(default=None, compare=False, repr=False)
    # and every finding so (rule, message, severity, session id), académie after académie, when they are trusted
    # (solvers.api.academie_findings)
    academie_findings: list | None = field(default=None, compare=False, repr=False)

    @property
    def session_count(self) -> int:
        """How many sessions the plan has (a :class:`StoredPlan` says it without making them)."""
        return len(self.sessions)

    def session_at(self, i: int) -> Session:
        """The session at row ``i`` (a :class:`StoredPlan` whose sessions are not made yet: a copy of it)."""
        return self.sessions[i]

    @property
    def sessions_made(self) -> bool:
        """Whether the sessions are there (those of a :class:`StoredPlan` are made when first asked for)."""
        return True

    def make_sessions(self, pause: Callable[[], object] | None = None) -> list[Session]:
        """The sessions, made now if they are not (those of a :class:`StoredPlan`, ``pause()`` between two slices)."""
        return self.sessions

    def compacted_unmade(self) -> bool:
        """Whether this is a plan kept compact (:func:`planner.store_codec.compact_plan`) whose sessions are not
        made again yet."""
        return False

    # ------------------------------------------------------------------ queries
    def sessions_of_unit(self, unit_type: str, unit_id: str) -> list[Session]:
        return sorted((s for s in self.sessions if s.unit_type == unit_type and s.unit_id == unit_id),
                      key=lambda s: (s.date, s.start, s.session_id))

    def sessions_of_trainer(self, trainer_id: str) -> list[Session]:
        return sorted((s for s in self.sessions if s.trainer_id == trainer_id), key=lambda s: (s.date, s.start))

    def unit(self, unit_type: str, unit_id: str) -> UnitRow | None:
        for u in self.units:
            if u.unit_type == unit_type and u.unit_id == unit_id:
                return u
        return None

    @property
    def unplaced(self) -> list[dict]:
        return list(self.report.get("unplaced", []))

    # ------------------------------------------------------------------ files
    def write(self, directory: str | Path, processes: int = 1, early: "EarlySessions | None" = None) -> Path:
        """Write the plan folder ``directory``, replacing a previous plan there as a whole. ``processes`` 2: a
        big sessions.csv written by two processes (:func:`planner.plan_csv.write_file`; the command line).
        ``early``: the sessions.csv :func:`start_sessions_csv` began for the same folder (and the same
        sessions), finished here instead of written again."""
        d = Path(directory)
        if early is None or early.folder != d:
            if early is not None:
                early.abort()
            early = None
            part = _new_part(d)
        else:
            part = early.part
        lines: list[str] = []  # report.json's lines but its files' fingerprints, told while sessions.csv ends

        def others() -> None:
            """What does not wait for sessions.csv: the other files, and most of report.json's text."""
            _write_csv(part / "trainers.csv", TRAINER_COLUMNS + TRAINER_EXTRA, self.trainers, _TRAINER_CELLS)
            _write_csv(part / "units.csv", UNIT_COLUMNS + UNIT_EXTRA, self.units, _UNIT_CELLS)
            if "files" not in self.report:  # else the new fingerprints take the old ones' place: told at the end
                lines.extend(report_lines(self.report))

        try:
            if early is not None:
                early.finish(others)  # meanwhile, the forked process ends its rows
            else:
                _write_csv(part / "sessions.csv", SESSION_COLUMNS + SESSION_EXTRA, self.sessions, _SESSION_CELLS,
                           processes)
                others()
            files = {"files": {n: _sha256(part / n) for n in PLAN_CSV}}
            text = (_json_object(lines + report_lines(files)) if lines
                    else report_text({**self.report, **files}))
            _atomic_text(part / "report.json", text)
            fsync_dir(part)
            _swap_in(part, d)
        finally:
            if part.exists():
                shutil.rmtree(part, ignore_errors=True)
        return d

    @classmethod
    def read(cls, directory: str | Path, academies: frozenset[str] | None = None,
             seen: set[str] | None = None, table=None) -> "Plan":
        """The plan folder ``directory``. With ``academies``, only the sessions of those académies (another
        académie's row is read no further than its académie; an empty set reads no session at all); ``seen``
        collects the académie of every row. ``table``: its sessions.csv already parsed (:func:`read_sessions`)."""
        d = Path(directory)
        if not d.is_dir():  # a mistyped path: said as such, not as four missing files
            raise PlanError(f"{d} : dossier de plan introuvable" if not d.exists() else
                            f"{d} : n'est pas un dossier de plan (attendu : le dossier écrit par « solve --out »)")
        missing = [n for n in ("sessions.csv", "trainers.csv", "units.csv", "report.json") if not (d / n).exists()]
        if missing:
            raise PlanError(f"{d} : fichiers de plan manquants : {', '.join(missing)}")
        try:
            report = json.loads((d / "report.json").read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as exc:
            raise PlanError(f"{d / 'report.json'} : JSON illisible ({type(exc).__name__})") from None
        if not isinstance(report, dict):
            raise PlanError(f"{d / 'report.json'} : un objet JSON était attendu")
        files = report.pop("files", None)
        # the CSV files' fingerprints, hashed while they are read (a national sessions.csv, 70 MB: 0.05 to 0.08 s,
        # mostly without the interpreter lock)
        fingerprints = soon(lambda: _fingerprints(d), "plan-fingerprints", {}) if isinstance(files, dict) else None
        sessions = [] if academies == frozenset() else read_sessions(d, academies, seen, table)
        trainers = []
        for line, r in _read_csv(d / "trainers.csv", TRAINER_COLUMNS):
            trainers.append(TrainerRow(
                trainer_id=r["trainer_id"], role=r["role"], academie=r["academie"], unit_type=r["unit_type"],
                unit_id=r["unit_id"], qualified=r["qualified"] in TRUE_TEXTS,
                tot_session_id=r["tot_session_id"], name=r.get("name") or "",
            ))
        units = []
        for line, r in _read_csv(d / "units.csv", UNIT_COLUMNS):
            try:
                units.append(UnitRow(
                    unit_type=r["unit_type"], unit_id=r["unit_id"], name=r["name"], academie=r["academie"],
                    departement=r["departement"], zone=r["zone"], teachers=int(r["teachers"] or 0),
                    perdir=int(r["perdir"] or 0), inspectors=int(r["inspectors"] or 0),
                    etab_type=r.get("etab_type") or "", commune=r.get("commune") or "",
                    address=r.get("address") or "", bassin=r.get("bassin") or "",
                    postcode=r.get("postcode") or "", latitude=_float(r.get("latitude")),
                    longitude=_float(r.get("longitude")), parent=r.get("parent") or "",
                    teachers_estimated=(r.get("teachers_estimated") or "") in TRUE_TEXTS,
                    phone=r.get("phone") or "",
                ))
            except ValueError as exc:
                raise PlanError(f"{d / 'units.csv'}, ligne {line} : valeur invalide ({exc})") from None
        issues = []
        if fingerprints is not None:
            got = fingerprints()
            for n in PLAN_CSV:
                if files.get(n) != got.get(n):
                    issues.append(f"{d / n} ne correspond pas à report.json (fichier d'une autre exécution ou "
                                  f"modifié après l'écriture du plan)")
        return cls(sessions=sessions, trainers=trainers, units=units, report=report, folder_issues=issues,
                   folder_unverified=not isinstance(files, dict))


class StoredPlan(Plan):
    """A plan read from a scenario file whose sessions are made when first asked for, in any thread, once.

    Opening a national plan reads and checks its stored columns (what the window's index is made of) at once;
    the 400,000 session objects, a second of work, are made after the window shows the plan (the background
    lists, :func:`ui.document.index_lists`), or by whatever asks first. ``make(pause)`` returns them, in plan
    order; ``count`` is their number; ``row(i)`` makes the session at row ``i`` alone (what a table shows
    meanwhile: :meth:`session_at`). Anywhere else it is a :class:`Plan`: equal to one with the same fields,
    copied and pickled as one."""

    compacted = False  # a plan already in memory, kept so by planner.store_codec.compact_plan (not read from a file)

    def __init__(self, *args, make: Callable[..., list[Session]] | None = None, count: int = 0,
                 row: Callable[[int], Session] | None = None, **kwargs) -> None:
        self._make, self._row, self._count, self._lock = make, row, count, threading.Lock()
        self._then: list[Callable[[list[Session]], object]] = []
        self._alone: dict[int, Session] = {}  # the rows session_at made alone, until the sessions are made
        if make is not None:
            kwargs["sessions"] = None  # they wait for make()
        super().__init__(*args, **kwargs)

    @property
    def sessions(self) -> list[Session]:
        made = self.__dict__.get("_sessions")
        return self.make_sessions() if made is None else made

    @sessions.setter
    def sessions(self, value: list[Session] | None) -> None:
        with self._lock:
            if value is not None or self._make is None:  # the dataclass's __init__ passes None while they wait
                self.__dict__["_sessions"], self._make, self._row = ([] if value is None else value), None, None

    def make_sessions(self, pause: Callable[[], object] | None = None) -> list[Session]:
        """The sessions, made now unless they are (``pause()`` between two slices of them: a background thread
        lets the window have the interpreter); another thread making them: its list, once made."""
        with self._lock:
            made = self.__dict__.get("_sessions")
            if made is None:
                made = self._make(pause)
                for fn in self._then:
                    fn(made)
                self.__dict__["_sessions"], self._make, self._row, self._then = made, None, None, []  # columns freed
                self._alone = {}
        return made

    def then(self, fn: Callable[[list[Session]], object]) -> None:
        """``fn(sessions)`` applied to the sessions as soon as they are made (now if they are), and to the sessions
        :meth:`session_at` makes alone meanwhile."""
        with self._lock:
            if self.__dict__.get("_sessions") is None:
                self._then.append(fn)
                fn(list(self._alone.values()))  # and the rows made alone already
                return
        fn(self.sessions)

    def session_at(self, i: int) -> Session:
        row = self._row  # read first: a background thread that has just made the sessions sets it to None
        if row is None or self.__dict__.get("_sessions") is not None:
            return self.sessions[i]
        s = self._alone.get(i)
        if s is None:  # a copy of row i, made from the stored columns: the plan's own are not made yet
            s = row(i)
            for fn in list(self._then):
                fn([s])
            self._alone[i] = s  # a table asks for each of its cells: the row is made once
        return s

    @property
    def sessions_made(self) -> bool:
        return self.__dict__.get("_sessions") is not None

    def compacted_unmade(self) -> bool:
        return self.compacted and not self.sessions_made

    @property
    def session_count(self) -> int:
        made = self.__dict__.get("_sessions")
        return self._count if made is None else len(made)

    def __eq__(self, other) -> bool:
        if not isinstance(other, Plan):
            return NotImplemented
        return all(getattr(self, f.name) == getattr(other, f.name) for f in fields(Plan) if f.compare)

    __hash__ = None  # as the dataclass's

    def __reduce__(self):
        return (Plan, tuple(getattr(self, f.name) for f in fields(Plan)))


def read_sessions(directory: str | Path, academies: frozenset[str] | None = None,
                  seen: set[str] | None = None, table=None) -> list[Session]:
    """The sessions of a plan folder (of ``academies`` only, when given; ``seen`` collects every row's académie):
    what :meth:`Plan.read` reads of sessions.csv, the same errors in the rows read. Parsed by Arrow when pyarrow is
    installed (:mod:`planner.plan_arrow`; ``table``: the file already parsed so, or ``None`` to parse it here),
    else — or for a file Arrow leaves to it — by :func:`_read_sessions`. Without cyclic garbage collection
    meanwhile: 350,000 new sessions, no cycle, and each collection would walk them all again."""
    from . import plan_arrow

    path = Path(directory) / "sessions.csv"
    with collection_off():
        if table is None and plan_arrow.AVAILABLE:
            table = plan_arrow.read_table(path)
        sessions = table.sessions(academies, seen) if table is not None else None
        return sessions if sessions is not None else _read_sessions(path, academies, seen)


class _Texts(dict):
    """Raw CSV cell → its text, un-escaped (:func:`planner.safecells.csv_unescape`, every text column: ids too) and
    kept once (``sys.intern``): computed on a cell's first sight only, then a plain dict lookup. A national plan
    read back repeats its kinds, académies, units, trainers, venues… thousands of times, and is held in a third of
    the memory with each kept once."""
    __slots__ = ()

    def __missing__(self, raw: str) -> str:
        v = self[raw] = sys.intern(csv_unescape(raw))
        return v


class _Feed:
    """The lines csv.reader reads: the one :func:`_csv_rows` hands it, then (a quoted cell running over several
    lines) the next ones of the file."""
    __slots__ = ("file", "first")

    def __init__(self, file) -> None:
        self.file, self.first = file, None

    def __iter__(self):
        return self

    def __next__(self) -> str:
        line = self.first
        if line is None:
            return next(self.file)
        self.first = None
        return line


def _csv_table(f, academies: frozenset[str] | None = None, seen: set[str] | None = None,
               key: str = "academie") -> tuple[list[str], Iterator]:
    """(header, rows) of a CSV file opened with ``newline=""``, as ``csv.reader`` reads it (comma, ``"`` quotes, any
    line end); each row as ``(record number from 2, the file's line where it starts, its cells)``. A line without a
    quote — most of a plan's — is split by ``str.split``, 1.5 times as fast; any other is read by ``csv.reader``
    from where it starts, over the following lines when a quoted cell holds a line end. With ``academies``, a row
    without a quote whose ``key`` cell is another académie is only noted in ``seen`` (its other cells are neither
    split nor returned: another reader checks them); quoted rows are returned whole."""
    feed = _Feed(f)
    reader = csv.reader(feed)
    header = next(reader, [])
    column = header.index(key) if academies is not None and key in header else -1
    return header, _csv_rows(f, feed, reader, academies if column >= 0 else None, seen, column)


def _csv_rows(f, feed: _Feed, reader, academies, seen, column: int) -> Iterator[tuple[int, int, list[str]]]:
    """The rows of :func:`_csv_table` (``column``: where the académie is, when ``academies`` is given)."""
    record, line = 1, reader.line_num + 1
    for text in f:
        record += 1
        start = line
        if '"' in text:
            feed.first = text
            before = reader.line_num
            row = next(reader)
            line += reader.line_num - before
            yield record, start, row
            continue
        line += 1
        text = text.rstrip("\r\n")
        if academies is not None:
            head = text.split(",", column + 1)
            if len(head) > column + 1:
                acad = head[column]
                if acad not in academies:
                    if seen is not None:
                        seen.add(csv_unescape(acad) if acad[:1] == "'" else acad)
                    if acad[:1] != "'" or csv_unescape(acad) not in academies:
                        continue
        yield record, start, text.split(",") if text else []


def _read_sessions(path: Path, academies: frozenset[str] | None = None, seen: set[str] | None = None) -> list[Session]:
    """sessions.csv → sessions (:func:`_csv_table`, cached dates and texts). With ``academies``, the rows of other
    académies are not read beyond their académie (a row of theirs too short is their reader's error)."""
    out: list[Session] = []
    append = out.append
    dates: dict[str, dt.date] = {}
    times: set[str] = set()  # « HH:MM » texts already found valid
    t = _Texts()
    with open(path, encoding="utf-8", newline="") as f:
        # other académies' rows skipped as soon as their académie is read
        header, rows = _csv_table(f, academies, seen)
        missing = [c for c in SESSION_COLUMNS if c not in header]
        if missing:
            raise PlanError(f"{path} : colonnes manquantes : {', '.join(missing)}")
        width = len(header)
        # an optional column absent from the file reads as the empty cell appended at index ``width``
        pad = any(c not in header for c in SESSION_EXTRA)
        get_main = itemgetter(*(header.index(c) for c in SESSION_COLUMNS))
        get_extra = itemgetter(*(header.index(c) if c in header else width for c in SESSION_EXTRA))
        for line, _, r in rows:
            if len(r) < width:
                raise PlanError(f"{path}, ligne {line} : {len(r)} colonnes au lieu de {width}", line)
            if pad:
                r = r[:width] + [""]
            try:
                (sid, kind, audience, acad, dep, zone, utype, uid, tid, day, start, end, participants,
                 window) = get_main(r)
                if acad[:1] == "'":
                    acad = csv_unescape(acad)
                if seen is not None:
                    seen.add(acad)
                if academies is not None and acad not in academies:
                    continue
                date = dates.get(day)
                if date is None:
                    date = dates[day] = dt.date.fromisoformat(day)
                if start not in times or end not in times:
                    _check_times(start, end, times)
                g, pinned, title, status, present, held, venue, vaddr, vlat, vlon, att = get_extra(r)
                if sid[:1] == "'":
                    sid = csv_unescape(sid)
                if vlat[:1] == "'":
                    vlat = csv_unescape(vlat)
                if vlon[:1] == "'":
                    vlon = csv_unescape(vlon)
                if status and status not in ("planned", "held", "cancelled"):
                    raise ValueError(f"statut « {status} » inconnu")
                append(Session(sid, t[kind], t[audience], t[acad], t[dep], t[zone], t[utype], t[uid], t[tid], date,
                               t[start], t[end], int(participants), t[window], int(g or 0),
                               pinned in TRUE_TEXTS, t[title], t[status] if status else "planned",
                               int(present) if present else None,
                               dt.date.fromisoformat(held) if held else None, t[venue], t[vaddr],
                               float(vlat) if vlat else None, float(vlon) if vlon else None, t[att]))
            except ValueError as exc:
                raise PlanError(f"{path}, ligne {line} : valeur invalide ({exc})", line) from None
    return out


_HHMM = re.compile(r"([01]?\d|2[0-3]):[0-5]\d")


def _check_times(start: str, end: str, valid: set[str]) -> None:
    """A session's start and end times, « HH:MM » from 00:00 to 23:59 (what the checker and the exports read);
    each distinct text checked once."""
    for column, text in (("start", start), ("end", end)):
        if text not in valid:
            if not _HHMM.fullmatch(text):
                raise ValueError(f"colonne {column} : heure « {text} » invalide, attendu HH:MM de 00:00 à 23:59")
            valid.add(text)


class PlanError(Exception):
    """A plan directory that cannot be read (French message naming the file and line; ``line``: that line of
    sessions.csv, when it is one of its rows)."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


PLAN_CSV = ("sessions.csv", "trainers.csv", "units.csv")
PLAN_FILES = PLAN_CSV + ("report.json",)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _fingerprints(d: Path) -> dict[str, str | None]:
    """The SHA-256 of each CSV file of plan folder ``d`` (``None``: a file that cannot be read)."""
    out: dict[str, str | None] = {}
    for n in PLAN_CSV:
        try:
            out[n] = _sha256(d / n)
        except OSError:
            out[n] = None
    return out


def check_target(d: Path) -> None:
    """Refuse to replace something that is not a plan folder (a file, or a folder of other things)."""
    if d.is_symlink() or (d.exists() and not d.is_dir()):
        raise PlanError(f"{d} : existe et n'est pas un dossier de plan ; choisissez un autre nom de dossier")
    if d.is_dir():
        names = {p.name for p in d.iterdir()}
        if names and not names & set(PLAN_FILES):
            raise PlanError(f"{d} : ce dossier contient déjà d'autres fichiers et n'est pas un dossier de plan ; "
                            f"choisissez un dossier nouveau ou vide")


def _new_part(d: Path) -> Path:
    """The folder ``.NAME.PID.part`` beside the plan folder ``d``, new and empty, where its files are written
    before they replace ``d`` as a whole (what a killed write leaves there is removed by :func:`clean_leftovers`)."""
    check_target(d)
    d.parent.mkdir(parents=True, exist_ok=True)
    clean_leftovers(d)
    part = d.with_name(f".{d.name}.{os.getpid()}.part")
    if part.exists():
        shutil.rmtree(part)
    part.mkdir()
    return part


class EarlySessions:
    """A plan's sessions.csv begun by a forked process (:func:`start_sessions_csv`): its header and first rows,
    while this process computes the plan's report; :meth:`Plan.write` then writes the other rows here, waits for
    the forked process and appends them (:meth:`finish`), or :meth:`abort` stops it."""

    def __init__(self, folder: Path, part: Path, pid: int, rest: list[Session]) -> None:
        self.folder, self.part, self.pid, self.rest = folder, part, pid, rest

    def finish(self, meanwhile: Callable[[], None] | None = None) -> None:
        """The rows left to this process encoded, ``meanwhile()`` called, the forked process waited for, the rows
        appended to its file; ``OSError`` when it failed (the folder's part is then removed by the caller's
        cleanup, as any failed write)."""
        if not self.pid:
            raise OSError("sessions.csv : écriture déjà terminée ou abandonnée")
        tail = self.part / "sessions.csv.rest"  # a file, not a text in memory (up to 4 bytes a character)
        pc.write_rows_file(tail, self.rest, _SESSION_CELLS)
        if meanwhile is not None:
            try:
                meanwhile()
            except BaseException:
                self.abort()
                raise
        pid, self.pid, self.rest = self.pid, 0, []
        path = self.part / "sessions.csv"
        if not pc.exited_ok(pid) or not path.exists():
            raise OSError("sessions.csv n'a pas pu être écrit")
        with open(path, "ab") as f, open(tail, "rb") as rest:
            shutil.copyfileobj(rest, f, 1 << 20)
        fsync_file(path)
        tail.unlink()

    def abort(self) -> None:
        """Stop the writing process (if still running) and remove what it wrote."""
        pid, self.pid, self.rest = self.pid, 0, []
        if pid:
            pc.kill_child(pid)
        shutil.rmtree(self.part, ignore_errors=True)


# of the rows, written by the forked process while this one computes the report, writes the other files and encodes
# the rest: a national solve's parent waited 0.25-0.9 s for it at 0.75, none at 0.62 (from the end of the académies to
# the folder written: 1.34-1.72 s at 0.75, 1.32-1.45 s but once 1.78 at 0.62, in turn on one machine)
EARLY_SHARE = 0.62


def start_sessions_csv(directory: str | Path, sessions: list[Session],
                       share: float = EARLY_SHARE) -> EarlySessions | None:
    """Begin the sessions.csv of the plan folder ``directory`` in a forked process — its header and the first
    ``share`` of the rows — while the caller computes the plan's report (the command line's national solve: its
    350,000 rows take 0.8 s of one core to encode, the report 0.4 s); :meth:`Plan.write` writes the other rows.
    Each page of the sessions is then copied at most once (by whichever process touches it first; two forked
    writers and this process's report copied them twice: 125 MB more). The forked process writes the sessions
    as they are now: the caller must not change them before :meth:`Plan.write`. ``None`` where there is no fork;
    raises :class:`PlanError` for a target that cannot be a plan folder."""
    if not hasattr(os, "fork"):
        return None
    d = Path(directory)
    part = _new_part(d)
    k = round(len(sessions) * share)
    try:
        pid = pc.forked(lambda: _write_csv(part / "sessions.csv", SESSION_COLUMNS + SESSION_EXTRA, sessions[:k],
                                           _SESSION_CELLS))
    except OSError:
        shutil.rmtree(part, ignore_errors=True)
        return None
    return EarlySessions(d, part, pid, sessions[k:])


def clean_leftovers(d: str | Path) -> list[Path]:
    """Remove what a killed write of the plan folder ``d`` left beside it (``.d.PID.part``/``.old``) and
    inside it (``*.tmp``), unless the process that wrote it is still running. Returns what was removed."""
    d = Path(d)
    removed: list[Path] = []
    if not d.parent.is_dir():
        return removed
    prefix = f".{d.name}."
    for p in d.parent.iterdir():
        if not p.name.startswith(prefix) or not p.name.endswith((".part", ".old")):
            continue
        pid = p.name[len(prefix):].rsplit(".", 1)[0]
        if not pid.isdigit() or pid_alive(int(pid)):
            continue
        if not d.exists() and p.name.endswith(".old") and (p / "report.json").exists():
            os.replace(p, d)  # killed between the two renames: the previous plan comes back
            continue
        shutil.rmtree(p, ignore_errors=True) if p.is_dir() else p.unlink(missing_ok=True)
        removed.append(p)
    if d.is_dir():
        for p in d.iterdir():
            if p.name.endswith(".tmp") and p.name.split(".")[0] in {n.split(".")[0] for n in PLAN_FILES}:
                p.unlink(missing_ok=True)
                removed.append(p)
    return removed


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one atomic step (Linux ``renameat2``); False where it is not available."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        fn = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    return fn(at_fdcwd, os.fsencode(str(a)), at_fdcwd, os.fsencode(str(b)), rename_exchange) == 0


def _swap_in(part: Path, d: Path) -> None:
    """Put the finished folder ``part`` in place of ``d`` (other files of ``d`` carried over)."""
    if not d.exists():
        os.rename(part, d)
        fsync_dir(d.parent)
        return
    for p in d.iterdir():
        if p.name not in PLAN_FILES and not p.name.endswith(".tmp") and not (part / p.name).exists():
            os.rename(p, part / p.name)
    old = d.with_name(f".{d.name}.{os.getpid()}.old")
    if old.exists():
        shutil.rmtree(old)
    if _exchange(part, d):
        os.rename(part, old)
    else:
        os.rename(d, old)
        os.rename(part, d)
    fsync_dir(d.parent)
    shutil.rmtree(old, ignore_errors=True)


# each column of the plan's CSV files, read off its rows (planner/plan_csv.py writes them column by column)
_SESSION_CELLS = [
    *(pc.attr(c) for c in SESSION_COLUMNS[:9]), pc.attr_as("date", dt.date.isoformat), pc.attr("start"),
    pc.attr("end"), pc.attr("participants"), pc.attr("window"), pc.attr("group"), pc.attr_as("pinned", int),
    pc.attr("title"), pc.attr("status"), pc.attr_as("present", pc.int_or_empty),
    pc.attr_as("held_date", pc.iso_or_empty), pc.attr("venue"), pc.attr("venue_address"), pc.coordinate("venue_lat"),
    pc.coordinate("venue_lon"), pc.attr("attendees"),
]
_TRAINER_CELLS = [pc.attr_as(c, int) if c == "qualified" else pc.attr(c) for c in TRAINER_COLUMNS + TRAINER_EXTRA]
_UNIT_CELLS = [pc.coordinate(c) if c in ("latitude", "longitude") else
               pc.attr_as(c, int) if c == "teachers_estimated" else pc.attr(c) for c in UNIT_COLUMNS + UNIT_EXTRA]


_JSON = json.JSONEncoder(ensure_ascii=False, default=str)  # no indent: the C encoder


def report_text(report: dict) -> str:
    """report.json's text: a line per key, and inside a key's object or list of objects a line per item (the
    unplaced records, the académies, the budget's parts), each line written by json's C encoder. Readable and
    greppable in an editor, as ``indent=1`` was, without its pure-Python encoder (a national report: 11,000
    unplaced records, 0.09 s → 0.045 s)."""
    return _json_object(report_lines(report))


def _json_object(lines: list[str]) -> str:
    return "{\n" + ",\n".join(lines) + "\n}"


def report_lines(report: dict) -> list[str]:
    """The lines of :func:`report_text`, one per key of ``report`` (its items as they come)."""
    enc = _JSON.encode

    def value(v) -> str:
        if isinstance(v, dict) and v:
            return "{\n" + ",\n".join("  " + enc({k: x})[1:-1] for k, x in v.items()) + "\n }"
        if isinstance(v, list) and v and all(isinstance(x, (dict, list)) for x in v):
            return "[\n  " + ",\n  ".join(map(enc, v)) + "\n ]"
        return enc(v)

    return [f" {enc({k: 0})[1:-4]}: {value(v)}" for k, v in report.items()]


def _float(v: str | None) -> float | None:
    return float(v) if v not in (None, "") else None


def _atomic_text(path: Path, text: str) -> None:
    with atomic_file(path, "w", encoding="utf-8", newline="") as f:
        f.write(text)


def _write_csv(path: Path, columns: list[str], rows: list, cells: list, processes: int = 1) -> None:
    pc.write_file(path, columns, rows, cells, processes)  # formula-like texts neutralised (planner/safecells.py)


def _read_csv(path: Path, required: list[str]):
    """(line, {column: text}) of each row of a plan's CSV file, as ``csv.DictReader`` gives them (blank rows
    skipped), every text un-escaped (:class:`_Texts`); a row with too many or too few cells is refused. Rows read
    by :func:`_csv_table`; ``line`` is the file's line where the row starts."""
    t = _Texts()
    with open(path, encoding="utf-8", newline="") as f:
        cols, rows = _csv_table(f)
        missing = [c for c in required if c not in cols]
        if missing:
            raise PlanError(f"{path} : colonnes manquantes : {', '.join(missing)}")
        width = len(cols)
        for _, line, r in rows:
            if r:
                if len(r) != width:  # a stray quote or a cut line
                    raise PlanError(f"{path}, ligne {line} : {len(r)} colonnes au lieu de {width} "
                                    "(guillemet isolé ou ligne coupée ?)")
                yield line, dict(zip(cols, map(t.__getitem__, r)))
