"""sessions.csv read by Apache Arrow's CSV reader, when pyarrow is installed: the same sessions as the Python
reader (:func:`planner.plan._read_sessions`), two to three times as fast.

The file is parsed by Arrow (C++, every core, the interpreter lock released) into columns of codes into each
block's distinct texts: a national plan in 0.3 s. Each column is then turned into Python values by its distinct
texts only (dates, times, numbers, texts un-escaped and kept once: a few thousand per column), then spread to the
rows. What the Python reader would
refuse, or might read otherwise, is left to it: :func:`read_table` and :meth:`SessionsTable.sessions` answer
``None`` for a file that Arrow cannot parse (a row of another width, bad UTF-8, a quote left open…), whose header
is not the one the Python reader reads, with a blank line or a row without académie, or with any cell the Python
reader would refuse (a date, a time, a number, a status); the caller then reads the file with the Python reader,
which names the line.

``check`` reads the table once before it forks its académies' processes; each converts its own rows
(:meth:`SessionsTable.sessions` with ``academies``). Without pyarrow, or for a file under :data:`MIN_BYTES`,
nothing here is used.
"""
from __future__ import annotations

import csv
import datetime as dt
import importlib.util
from pathlib import Path
from typing import Callable

from .safecells import csv_unescape
from .soon import soon

# optional: the Python reader does the same without it; imported by the first table read (``check`` reads it in a
# thread: the import too happens there, while the command goes on)
AVAILABLE = importlib.util.find_spec("pyarrow") is not None
# smaller files are read by the Python reader: faster than importing pyarrow (0.15 s) up to about 60,000 sessions
MIN_BYTES = 16 << 20
pa = pacsv = np = None


def _load() -> bool:
    global pa, pacsv, np
    if pa is None:
        try:
            import numpy
            import pyarrow
            import pyarrow.compute  # noqa: F401 (loaded here, once, not by the first column's conversion)
            import pyarrow.csv
        except ImportError:
            return False
        pa, pacsv, np = pyarrow, pyarrow.csv, numpy
        # malloc's pool, whose freed memory goes back to the system (release_unused): mimalloc's kept the parser's
        # blocks (200 MB for a national plan), in ``check``'s parent and in each process it forks
        pa.set_memory_pool(pa.system_memory_pool())
    return True


class SessionsTable:
    """sessions.csv as Arrow parsed it: each column in blocks of rows, a block's texts as its distinct texts and one
    code per row (a dictionary array; the ids as plain texts): a national plan in 46 MB instead of 90.
    :meth:`sessions` makes sessions of some or all rows."""

    def __init__(self, table) -> None:
        self.table = table
        ids = table.column("session_id")
        # every row's id differs from the others' (none escaped: un-escaping could make two the same), counted in C++
        self.ids_distinct = (pa.compute.count_distinct(ids, mode="all").as_py() == table.num_rows
                             and not pa.compute.any(pa.compute.starts_with(ids, pattern="'")).as_py())

    def release(self) -> None:
        """Free the table (and what the allocator kept of it): ``check``'s parent once its processes are forked, and
        each of them once it has its sessions (the national table: 50 MB in each). :meth:`sessions` answers
        ``None`` afterwards."""
        self.table = None
        pa.default_memory_pool().release_unused()

    def sessions(self, academies: frozenset[str] | None = None, seen: set[str] | None = None) -> list | None:
        """The sessions of the rows (of ``academies`` only, when given; ``seen`` receives every row's académie),
        in the file's order, as :func:`planner.plan._read_sessions` reads them; ``None`` when a cell of those rows
        is one the Python reader refuses (it then says which, and where)."""
        from .plan import SESSION_COLUMNS, SESSION_EXTRA, Session, _HHMM, _Texts

        if self.table is None:
            return None
        table, n = self.table, self.table.num_rows
        texts = _Texts()
        rows = None  # the rows kept (numpy indices), None: all
        # the académies un-escaped once to be compared and noted, and once more as the sessions' texts (the Python
        # reader's way)
        academie, acad_codes = _dictionary(table.column("academie"))
        academie = [csv_unescape(v) if v[:1] == "'" else v for v in academie]
        if n:
            if "" in academie:  # a blank line (Arrow: a row of empty cells) or a row without académie: the Python
                return None  # reader's to say which
            if seen is not None:
                seen.update(academie)
            if academies is not None:
                keep = [i for i, v in enumerate(academie) if v in academies]
                if len(keep) < len(academie):
                    rows = np.flatnonzero(np.isin(acad_codes, keep))
                    n = len(rows)
        columns = []  # per column: (its values, a code per row) or the row's values (the ids)
        for name in SESSION_COLUMNS + SESSION_EXTRA:
            if name not in table.column_names:  # an optional column the file has not: its empty cell
                lookup = np.empty(1, dtype=object)
                lookup[0] = _values(name, [""], texts, _HHMM)[0]
                columns.append((lookup, np.zeros(n, dtype=np.int32)))
                continue
            if name == "session_id":
                ids = table.column(name)
                if rows is not None:
                    ids = ids.take(pa.Array.from_buffers(pa.int64(), n, [None, pa.py_buffer(rows.astype(np.int64))]))
                columns.append([csv_unescape(s) if s[:1] == "'" else s for s in ids.to_pylist()])
                continue
            distinct, codes = (academie, acad_codes) if name == "academie" else _dictionary(table.column(name))
            if rows is not None:
                codes = codes[rows]
            # only the texts of the rows read (another académie's bad cell is its own reader's), codes renumbered
            used = np.bincount(codes, minlength=len(distinct)) > 0
            renumber = np.cumsum(used, dtype=np.int32) - 1
            distinct = [distinct[i] for i in np.flatnonzero(used).tolist()]
            try:
                values = _values(name, distinct, texts, _HHMM)
            except ValueError:
                return None
            lookup = np.empty(len(values), dtype=object)
            lookup[:] = values
            columns.append((lookup, renumber[codes]))
        out: list = []
        for a in range(0, n, _BLOCK):  # sessions made a block of rows at a time: each column's values for a block only
            b = min(a + _BLOCK, n)
            out.extend(map(Session, *(c[a:b] if isinstance(c, list) else c[0][c[1][a:b]].tolist() for c in columns)))
        return out


_BLOCK = 8192


def _dictionary(column) -> tuple[list[str], "np.ndarray"]:
    """(texts, a code per row into them) of a dictionary-typed column, its blocks' dictionaries one after the other
    (a text may be there twice: each is converted once, :class:`planner.plan._Texts` and the caches keep one)."""
    texts: list[str] = []
    parts = []
    for chunk in column.chunks:
        parts.append(_codes(chunk.indices).astype(np.int64) + len(texts))
        texts.extend(chunk.dictionary.to_pylist())
    return texts, (np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64))


def _codes(indices):
    """A dictionary array's codes as numpy integers, read from its buffer: ``to_numpy`` and ``pa.array`` would
    import pandas (0.2 s) to look for its objects."""
    kind = {pa.int8(): np.int8, pa.int16(): np.int16, pa.int32(): np.int32, pa.int64(): np.int64}[indices.type]
    return np.frombuffer(indices.buffers()[1], dtype=kind)[indices.offset:indices.offset + len(indices)]


def _values(name: str, distinct: list[str], texts, hhmm) -> list:
    """The Python values of one column's distinct texts, as the Python reader makes them (ValueError: one it
    refuses)."""
    from .plan import TRUE_TEXTS

    if name in ("date", "held_date"):
        if name == "held_date":
            return [dt.date.fromisoformat(v) if v else None for v in distinct]
        return [dt.date.fromisoformat(v) for v in distinct]
    if name in ("start", "end"):
        for v in distinct:
            if not hhmm.fullmatch(v):
                raise ValueError(v)
        return [texts[v] for v in distinct]
    if name == "participants":
        return [int(v) for v in distinct]
    if name == "group":
        return [int(v or 0) for v in distinct]
    if name == "present":
        return [int(v) if v else None for v in distinct]
    if name == "pinned":
        return [v in TRUE_TEXTS for v in distinct]
    if name == "status":
        from .followup import STATUSES

        if any(v and v not in STATUSES for v in distinct):
            raise ValueError("status")
        return [texts[v] if v else "planned" for v in distinct]
    if name in ("venue_lat", "venue_lon"):
        return [float(csv_unescape(v)) if v else None for v in distinct]
    return [texts[v] for v in distinct]


def _large(path: Path) -> bool:
    """pyarrow is there and ``path`` is worth it (:data:`MIN_BYTES`)."""
    try:
        return AVAILABLE and path.stat().st_size >= MIN_BYTES
    except OSError:
        return False


def read_table(path: str | Path) -> SessionsTable | None:
    """sessions.csv parsed by Arrow, or ``None``: pyarrow missing, or a file the Python reader must read (see
    the module's docstring)."""
    path = Path(path)
    if not _large(path) or not _load():
        return None
    try:
        with open(path, encoding="utf-8", newline="") as f:
            header = next(csv.reader(f), [])
    except (OSError, UnicodeDecodeError, csv.Error):
        return None
    from .plan import SESSION_COLUMNS

    if len(set(header)) != len(header) or any(c not in header for c in SESSION_COLUMNS):
        return None
    try:
        table = pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(block_size=4 << 20),
            parse_options=pacsv.ParseOptions(newlines_in_values=True, ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(
                column_types={c: pa.string() if c == "session_id" else pa.dictionary(pa.int32(), pa.string())
                              for c in header},
                strings_can_be_null=False, quoted_strings_can_be_null=False))
    except (pa.ArrowException, OSError, ValueError):
        return None
    finally:  # the file and the parser's blocks (200 MB for a national plan) given back: the table alone stays
        pa.default_memory_pool().release_unused()
    if table.column_names != header or any(c.null_count for c in table.columns):
        return None
    return SessionsTable(table)


def read_table_soon(path: str | Path) -> Callable[[], SessionsTable | None]:
    """:func:`read_table` in a thread (Arrow parses without the interpreter lock: the caller goes on meanwhile,
    ``check`` reading the plan's other files and its scenario); calling the result waits for the table."""
    if not _large(Path(path)):
        return lambda: None
    # anything unforeseen: None, and the Python reader reads the file and says why
    return soon(lambda: read_table(path), "sessions.csv")
