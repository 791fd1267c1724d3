"""The plan folder's CSV files written column by column (a national plan: 350,000 sessions, 9 million cells).

The bytes are those of ``csv.writer`` (comma, ``"`` quoting when a cell holds a comma, a quote or a line
end, ``\\r\\n`` line ends) with every formula-like text escaped by the one rule of
:mod:`planner.safecells`; ``tests/test_plan_csv.py`` compares both. Each column of a block of rows is
encoded once per distinct value (a plan repeats its académies, kinds, dates, venues… thousands of
times), then the lines are joined.
"""
from __future__ import annotations

import datetime as dt
import gc
import os
import re
import shutil
import signal
from pathlib import Path
from typing import Callable, Iterable, Sequence

from .rows import column_reader
from .safe_io import atomic_file
from .safecells import TRIGGERS
from .signals import sigint_blocked

_TRIGGER_SET = frozenset(TRIGGERS)
_QUOTE = re.compile(r'[,"\r\n]')
_DEDUP_TYPES = frozenset({str, int, type(None), dt.date})  # values equal only when they are written alike
BLOCK = 512  # rows encoded at a time: a block's sessions stay in the CPU cache while their columns are read

Column = Callable[[Sequence], list]  # a block of items → the column's raw values


def cell_text(v: object) -> str:
    """One cell as ``csv.writer`` writes it, a formula-like text escaped first (:func:`planner.safecells.csv_safe`)."""
    if isinstance(v, str):
        if v[:1] in _TRIGGER_SET:
            v = "'" + v
    elif v is None:
        return ""
    else:
        v = str(v)  # numbers are never escaped (a negative number stays a number)
    return '"' + v.replace('"', '""') + '"' if _QUOTE.search(v) else v


def _plain_texts(values: list) -> bool:
    """True when every value is a text written as it is (no formula-like start, nothing to quote): one scan
    of the joined column. A ``\\0`` inside a text may say False wrongly, never True."""
    try:
        joined = "\0".join(values)
    except TypeError:  # not only texts
        return False
    return not (values[0][:1] in _TRIGGER_SET or any(c in joined for c in _SPECIAL)
                or any("\0" + t in joined for t in TRIGGERS))


_SPECIAL = (",", '"', "\r", "\n")


def encode_column(values: list) -> list[str]:
    """``cell_text`` of every value, computed once per distinct value."""
    if values and _plain_texts(values):
        return values
    distinct = set(values)
    types = {type(v) for v in distinct}
    if not types <= _DEDUP_TYPES or (int in types and bool in types):
        return [cell_text(v) for v in values]  # floats (0.0 == -0.0), mixed True / 1: cell by cell
    enc = {v: cell_text(v) for v in distinct}
    return list(map(enc.__getitem__, values))


def attr(name: str) -> Column:
    return column_reader(name)


def attr_as(name: str, fmt: Callable[[object], object]) -> Column:
    """The attribute through ``fmt``, computed once per distinct value (dates, booleans, optional ints)."""
    get = column_reader(name)

    def column(block: Sequence) -> list:
        raw = get(block)
        conv = {v: fmt(v) for v in set(raw)}
        return list(map(conv.__getitem__, raw))

    return column


def coordinate(name: str) -> Column:
    """A latitude or longitude: six decimals, empty when unknown (written cell by cell: 0.0 == -0.0)."""
    get = column_reader(name)
    return lambda block: ["" if v is None else f"{v:.6f}" for v in get(block)]


def write_columns(f, columns: Iterable[str], items: Sequence, cells: Sequence[Column]) -> None:
    """Header ``columns``, then one line per item of ``items``, its cells given by ``cells`` (one per column)."""
    f.write(",".join(cell_text(c) for c in columns) + "\r\n")
    write_rows(f, items, cells)


KNOWN_MAX = 4096  # texts a column remembers as written as they are, before it stops remembering


def write_rows(f, items: Sequence, cells: Sequence[Column]) -> None:
    """One line per item of ``items`` (no header). Each column remembers the texts it found written as they are
    (:func:`_plain_texts`): a block whose texts it all knows (kinds, académies, dates, times, venues…) is not
    scanned again; a column of ever new texts (ids) stops remembering after :data:`KNOWN_MAX`."""
    known: list[set | None] = [set() for _ in cells]
    for i in range(0, len(items), BLOCK):
        block = items[i:i + BLOCK]
        cols = []
        for j, cell in enumerate(cells):
            col = cell(block)
            seen = known[j]
            if seen is not None and seen.issuperset(col):
                cols.append(col)
                continue
            enc = encode_column(col)
            if enc is col and seen is not None:  # every text of the block is written as it is
                seen.update(col)
                if len(seen) > KNOWN_MAX:
                    known[j] = None
            cols.append(enc)
        f.write("\r\n".join(map(",".join, zip(*cols))))
        f.write("\r\n")


SPLIT_ROWS = 50_000  # below this many rows per half, one process writes the file


def write_file(path: Path, columns: Iterable[str], items: Sequence, cells: Sequence[Column],
               processes: int = 1) -> None:
    """The CSV file ``path`` (:func:`planner.safe_io.atomic_file`). With ``processes`` ≥ 2 and a big file
    (a national plan's 350,000 sessions), a forked process writes the second half of the lines while this one
    writes the first, then its part is appended: the same bytes in about half the time. The fork is for the
    command line (no window's threads to inherit); the child ignores Ctrl-C and ends with ``os._exit``."""
    half = len(items) // 2 // BLOCK * BLOCK if processes > 1 and hasattr(os, "fork") else 0
    if half < SPLIT_ROWS:
        with atomic_file(path, "w", encoding="utf-8", newline="") as f:
            write_columns(f, columns, items, cells)
        return
    tail = path.with_name(path.name + ".tail")
    pid = forked(lambda: write_rows_file(tail, items[half:], cells))
    try:
        with atomic_file(path, "w", encoding="utf-8", newline="") as f:
            write_columns(f, columns, items[:half], cells)
            ok, pid = exited_ok(pid), 0
            if not ok or not tail.exists():
                raise OSError(f"la seconde moitié de {path.name} n'a pas pu être écrite")
            f.flush()
            with open(tail, "rb") as part:
                shutil.copyfileobj(part, f.buffer, 1 << 20)
    finally:
        if pid:
            kill_child(pid)
        tail.unlink(missing_ok=True)


def write_rows_file(path: Path, items: Sequence, cells: Sequence[Column]) -> None:
    """``items``' lines (no header) to the file ``path``: a part of a CSV file another process appends."""
    with open(path, "w", encoding="utf-8", newline="") as f:
        write_rows(f, items, cells)


def forked(work: Callable[[], object]) -> int:
    """The pid of a forked process running ``work()``, then exiting 0 when it returned (1 when it raised)
    without this process's exit handlers; it ignores Ctrl-C (this process decides) and collects no garbage (a
    collection would touch every object it shares with this process). For the command line: no window's
    threads to inherit."""
    with sigint_blocked():
        pid = os.fork()
    if pid == 0:
        code = 1
        try:
            gc.disable()
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            work()
            code = 0
        finally:
            os._exit(code)
    return pid


def exited_ok(pid: int) -> bool:
    """Wait for the forked process ``pid``: whether it exited 0."""
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status) == 0


def kill_child(pid: int) -> None:
    """Stop the forked process ``pid`` and wait for it (already gone: only waited for)."""
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    os.waitpid(pid, 0)


def iso_or_empty(d: dt.date | None) -> str:
    return d.isoformat() if d else ""


def int_or_empty(n: int | None) -> object:
    return "" if n is None else n


__all__ = ["attr", "attr_as", "cell_text", "coordinate", "encode_column", "exited_ok", "forked", "int_or_empty",
           "iso_or_empty", "kill_child", "write_columns", "write_file", "write_rows", "write_rows_file"]
