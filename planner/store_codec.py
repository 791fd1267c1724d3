"""How a plan and a scenario are written inside the scenario file (:mod:`planner.store`): plan parts by
column (distinct values and one small integer per row, as numpy arrays; the others as JSON lists or
NUL-separated blocks of text), the sessions in one part per académie plus the académie of each row (a save
rewrites only the académies that changed), and the scenario's JSON made list by list (no single call holds
the interpreter lock long). Never pickle: JSON, UTF-8 text, zlib and numpy arrays only.
"""
from __future__ import annotations

import datetime as dt
import json
import operator
import re
import sqlite3
import threading
import zlib
from collections.abc import Callable
from dataclasses import fields
from functools import lru_cache
from itertools import chain

import numpy as np

from .models import Scenario
from .plan import Session, TrainerRow, UnitRow
from .rows import column

def _encode(rows: list[dict]) -> bytes:
    return zlib.compress(json.dumps(rows, ensure_ascii=False, separators=(",", ":"), default=str).encode(), 6)


def _decode(blob: bytes) -> list[dict]:
    return json.loads(zlib.decompress(blob).decode())


# Plan parts are stored by column: repeated values (dates, académies, windows, times…) as a list of
# distinct values plus one small integer per row (a numpy array), the others as they are. Long lists of
# texts (session ids, distinct attendee lists…) are written as one UTF-8 block, the texts separated by
# NUL, after the arrays (``"values_text"`` / ``"plain_text"``: the block's size in bytes, in the header
# instead of the list ``"values"`` / ``"plain"``): a national plan's 400,000
# ids are joined and split in C instead of going through the JSON encoder. Version 2 (every list in the
# JSON header) and parts written before (a JSON list of row objects, without this prefix) still read.
COLUMNAR = b"PIA-COLUMNS-3\n"
COLUMNAR_2 = b"PIA-COLUMNS-2\n"
_TEXT_MIN = 64  # shorter lists stay in the JSON header


def _text_block(values: list) -> bytes | None:
    """``values`` as one NUL-separated UTF-8 block, or None when they are not all texts free of NUL."""
    if len(values) < _TEXT_MIN:
        return None
    try:
        text = "\0".join(values)
    except TypeError:  # a number, None…
        return None
    if text.count("\0") != len(values) - 1:  # a text holding NUL itself
        return None
    return text.encode()


def _code_dtype(n: int) -> str:
    """The smallest unsigned integer holding the codes of ``n`` distinct values."""
    return "<u1" if n <= 1 << 8 else "<u2" if n <= 1 << 16 else "<u4"


def _entry(name: str, key: str, values: list, blocks: list[bytes], dtype: str | None = None) -> dict:
    """A column's header entry: ``key`` (``values`` or ``plain``) holding the list, or ``key + "_text"`` holding
    the size of the text block appended to ``blocks``; ``dtype``: that of its codes, when it has codes."""
    entry = {"name": name} if dtype is None else {"name": name, "dtype": dtype}
    block = _text_block(values)
    if block is None:
        entry[key] = values
    else:
        entry[key + "_text"] = len(block)
        blocks.append(block)
    return entry


def _encode_columns(rows: list, cls, skip=(), coded: dict | None = None, compress: bool = True) -> bytes:
    """Rows of dataclass ``cls`` by column; fields in ``skip`` are not stored (read back as their default);
    ``coded``: columns already as (distinct values, code of each row) — from a plan index. Without
    ``compress``, the part's bytes before :func:`compress_part` (which may run in another thread)."""
    dates = {f.name for f in fields(cls) if f.type in ("dt.date", "datetime.date")}
    header: list[dict] = []
    arrays: list[bytes] = []
    blocks: list[bytes] = []  # the text blocks, after the arrays, in the order of the header
    for f in fields(cls):
        if f.name in skip:
            continue
        if coded and f.name in coded:
            values, codes = coded[f.name]
            dtype = _code_dtype(len(values))
            arrays.append(np.asarray(codes, dtype=dtype).tobytes())
            header.append(_entry(f.name, "values", values, blocks, dtype))
            continue
        col = column(rows, f.name)
        if f.name in dates:
            col = [d.toordinal() for d in col]
        first = col[0] if col else None
        if col and (first is None or type(first) is str) and col.count(first) == len(col):
            # one text (or none) on every row: an académie's zone, alike titles or coordinates… (== on a text or None is
            # equality of the values, unlike 0.0 == -0.0 or 1 == True): the same bytes as below, in one C pass
            arrays.append(bytes(len(col)))
            header.append(_entry(f.name, "values", [first], blocks, _code_dtype(1)))
            continue
        if len(dict.fromkeys(col[:1000])) > 500:  # mostly distinct (identifiers): as they are
            header.append(_entry(f.name, "plain", col, blocks))
            continue
        values = list(dict.fromkeys(col))
        index = {v: i for i, v in enumerate(values)}
        dtype = _code_dtype(len(values))
        arrays.append(np.fromiter(map(index.__getitem__, col), dtype=dtype, count=len(col)).tobytes())
        header.append(_entry(f.name, "values", values, blocks, dtype))
    head = json.dumps({"rows": len(rows), "dates": sorted(dates), "columns": header}, ensure_ascii=False,
                      separators=(",", ":")).encode()
    raw = b"".join([len(head).to_bytes(8, "little"), head, *arrays, *blocks])
    return compress_part(raw) if compress else raw


def compress_part(raw: bytes) -> bytes:
    """The stored form of a part's bytes (:func:`_encode_columns` without ``compress``); zlib hands the
    interpreter lock back while it works, so parts compress in a thread while the next one is encoded."""
    return COLUMNAR + zlib.compress(raw, 1)


def _decode_columns(blob: bytes, cls) -> list:
    if not blob.startswith((COLUMNAR, COLUMNAR_2)):  # rows written before the columnar format
        if cls is Session:
            out = []
            for r in _decode(blob):
                r["date"] = dt.date.fromisoformat(r["date"])
                out.append(Session(**{f.name: r[f.name] for f in fields(Session) if f.name in r}))
            return out
        return [cls(**{f.name: r[f.name] for f in fields(cls) if f.name in r}) for r in _decode(blob)]
    parsed = _parse_columns(blob)
    return list(map(cls, *_row_columns(cls, parsed))) if parsed[0] else []


def _row_columns(cls, parsed: tuple[int, dict[str, dict], set[str]]) -> list[list]:
    """The values of each field of dataclass ``cls`` from a part checked by :func:`_parse_columns`, one list per field
    in field order (a field added since the part was written: its default on every row)."""
    n, columns, dates = parsed
    return [_column_list(columns[f.name], f.name in dates) if f.name in columns else [f.default] * n
            for f in fields(cls)]


def read_columns(blob: bytes, names: list[str]) -> dict[str, list]:
    """Only the columns ``names`` of a stored part (dates as ``datetime.date``), without building rows:
    ``read_columns(blob, ["session_id", "date"])``. Rows stored before the columnar format are read too."""
    if not blob.startswith((COLUMNAR, COLUMNAR_2)):
        rows = _decode(blob)
        return {k: [dt.date.fromisoformat(r[k]) if k == "date" else r.get(k) for r in rows] for k in names}
    n, got = _columns(blob, names)
    return {k: got.get(k, [None] * n) for k in names}


def _columns(blob: bytes, names: list[str]) -> tuple[int, dict[str, list]]:
    """(rows, {name: values}) of the stored columns among ``names`` (missing ones are left out)."""
    n, columns, dates = _parse_columns(blob)
    return n, {name: _column_list(columns[name], name in dates) for name in names if name in columns}


def _parse_columns(blob: bytes) -> tuple[int, dict[str, dict], set[str]]:
    """(rows, {name: stored column}, names of the date columns) of a columnar part, checked: a damaged part is
    refused here (``ValueError``), not misread when its values are made (:func:`_column_list`)."""
    raw = zlib.decompress(blob[len(COLUMNAR):])  # both versions' prefixes have the same length
    size = int.from_bytes(raw[:8], "little")
    data = json.loads(raw[8:8 + size])
    n, dates = data["rows"], set(data["dates"])
    offset = 8 + size
    for c in data["columns"]:  # the binary arrays, in the order of the header
        if "dtype" in c:
            c["codes"] = np.frombuffer(raw, dtype=c["dtype"], count=n, offset=offset)
            offset += np.dtype(c["dtype"]).itemsize * n
    columns: dict[str, _Column] = {}
    for c in map(_Column, data["columns"]):  # then the text blocks (version 3), back as the lists version 2 holds
        for key in ("values", "plain"):
            nbytes = c.pop(key + "_text", None)
            if nbytes is not None:
                if not isinstance(nbytes, int) or nbytes < 0 or offset + nbytes > len(raw):
                    raise ValueError(f"colonne {c.get('name')} : bloc de texte tronqué")
                c.blocks[key] = raw[offset:offset + nbytes].decode()  # checked now (UTF-8), split when first read
                offset += nbytes
        columns[c["name"]] = c
    for name, c in columns.items():  # a damaged part is refused here, not misread
        if "values" in c:
            size = c.count("values")
            if n and int(c["codes"].max()) >= size:
                raise ValueError(f"colonne {name} : code hors des {size} valeurs")
        elif (size := c.count("plain")) != n:
            raise ValueError(f"colonne {name} : {size} valeurs pour {n} lignes")
        if name in dates:  # days that are not days: refused now too
            for v in c["values"] if "values" in c else c["plain"]:
                dt.date.fromordinal(v)
    return n, columns, dates


class _Column(dict):
    """A stored column's header entry; its text blocks (``blocks``: key → the block's text, checked) are split into the
    list of their texts when first read (``column["plain"]``): a national plan's 400,000 session ids are made with
    its sessions, in the background, not while the window opens the file."""

    def __init__(self, entry: dict) -> None:
        super().__init__(entry)
        self.blocks: dict[str, str] = {}

    def __contains__(self, key) -> bool:
        return super().__contains__(key) or key in self.blocks

    def count(self, key: str) -> int:
        """How many values ``key`` holds, a block's texts counted without splitting it."""
        text = self.blocks.get(key)
        return len(self[key]) if text is None else text.count("\0") + 1

    def __missing__(self, key):
        text = self.blocks.get(key)
        if text is None:
            raise KeyError(key)
        texts = self[key] = text.split("\0")  # (two threads asking at once: split twice, the same list)
        self.blocks.pop(key, None)
        return texts


def _column_list(c: dict, date: bool) -> list:
    """The values of a stored column checked by :func:`_parse_columns`, one per row (dates as ``datetime.date``)."""
    if "values" in c:
        values = c["values"]
        if date:
            values = [dt.date.fromordinal(v) for v in values]
        table = np.empty(len(values), dtype=object)
        table[:] = values
        return table[c["codes"]].tolist()
    col = c["plain"]
    return list(map(dt.date.fromordinal, col)) if date else col


# A plan's sessions, one part per académie plus their order in the plan (schema 4): a save after a pin or an
# académie's solve re-encodes only the parts whose sessions changed. Plans saved in one part still read.
GROUP_PREFIX = "sessions@"
ORDER_PART = "sessions#order"
ORDER_MAGIC = b"PIA-ORDER-1\n"


def _session_groups(sessions: list) -> tuple[dict[str, list], np.ndarray]:
    """The sessions by académie (in plan order within each) and, per row of the plan, its académie's number
    (in the order of the dict)."""
    groups: dict[str, list] = {}
    number: dict[str, int] = {}
    order = np.empty(len(sessions), dtype=np.uint16)
    for i, s in enumerate(sessions):
        k = number.get(s.academie)
        if k is None:
            k = number[s.academie] = len(groups)
            groups[s.academie] = []
        groups[s.academie].append(s)
        order[i] = k
    return groups, order


# Session fields whose number column a plan index already holds: (field, index column); those it holds as distinct
# values and codes are the index's own list (planner.plan_index._FACTORIZED_ATTRS)
INDEXED_NUMBERS = (("date", "date_ord"), ("participants", "participants"), ("group", "group"), ("pinned", "pinned"))


def small_unique(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(a, return_inverse=True)`` for integers of a small range (codes, dates): counted, not sorted."""
    if not len(a):
        return a, a
    low = int(a.min())
    present = np.bincount(a - low) > 0
    return np.flatnonzero(present) + low, (np.cumsum(present) - 1)[a - low]


def index_groups(ix) -> tuple[dict[str, list], np.ndarray, dict[str, dict]]:
    """:func:`_index_groups` of a plan index, made once per index (a save, then the save after an edit that compares
    with this plan): read only, never changed by the caller."""
    ix.date_ord  # noqa: B018 - its columns, built if they were not
    return ix.memo(("store_groups",), lambda: _index_groups(ix))


def index_sessions_by_academie(ix) -> dict[str, list]:
    """The sessions of a plan index by académie (:func:`_session_groups`): those its save kept, else split by its
    columns without coding them (a plan read from the file, compared with at the next save)."""
    memo = ix.__dict__.get("_memo", {})
    if ("store_groups",) in memo:
        return memo[("store_groups",)][0]
    ix.date_ord  # noqa: B018 - its columns, built if they were not
    return {name: sessions for name, _rows, sessions in _split(ix)[1]}


def _split(ix) -> tuple[np.ndarray, list[tuple[str, np.ndarray, list]]]:
    """(each row's académie number, in order of first appearance as :func:`_session_groups`; per académie its
    name, its rows in the plan and its sessions, in plan order)."""
    acad = ix.acad_code
    uniq, first = np.unique(acad, return_index=True)
    ranked = uniq[np.argsort(first)]  # académies in order of first appearance, as _session_groups
    number = np.empty(len(ix.acad_values), dtype=np.int64)
    number[ranked] = np.arange(len(ranked))
    order = number[acad].astype(np.uint16)
    by_group = np.argsort(order, kind="stable")
    ends = np.cumsum(np.bincount(order, minlength=len(ranked)))
    sessions = np.fromiter(ix.plan.sessions, dtype=object, count=ix.n)  # not a[:] = list: 5 times faster
    parts = [(str(ix.acad_values[code]), rows, sessions[rows].tolist())
             for code, rows in zip(ranked.tolist(), np.split(by_group, ends[:-1]))]
    return order, parts


def _index_groups(ix) -> tuple[dict[str, list], np.ndarray, dict[str, dict]]:
    """:func:`_session_groups` from a plan index, with each part's columns the index holds already coded."""
    from .plan_index import _FACTORIZED_ATTRS, unit_key

    indexed = [(field, col) for col, field in _FACTORIZED_ATTRS.items() if field]  # the unit: its type and id below
    order, parts = _split(ix)
    groups: dict[str, list] = {}
    coded: dict[str, dict] = {}
    for name, rows, rows_sessions in parts:
        groups[name] = rows_sessions
        cols = {}
        for field, col in indexed:
            u, inv = small_unique(ix.__dict__[f"{col}_code"][rows])
            cols[field] = (ix.__dict__[f"{col}_values"][u].tolist(), inv)
        for field, col in INDEXED_NUMBERS:
            values = ix.__dict__[col][rows]
            u, inv = small_unique(values.astype(np.int64))
            cols[field] = ((u.astype(bool) if values.dtype == bool else u).tolist(), inv)
        # unit type and id from the index's unit keys « type|id » (as PlanIndex.by_unit splits them)
        u, inv = small_unique(ix.unit_code[rows])
        pairs = [unit_key(v) for v in ix.unit_values[u].tolist()]
        if all(len(p) == 2 for p in pairs):
            for k, field in enumerate(("unit_type", "unit_id")):
                distinct: dict = {}
                remap = np.fromiter((distinct.setdefault(p[k], len(distinct)) for p in pairs), dtype=np.int64,
                                    count=len(pairs))
                cols[field] = (list(distinct), remap[inv])
        coded[name] = cols
    return groups, order, coded


# Session fields a plan part does not store: the statuses live in their own table (planner.followup)
NO_STATUS = {"status": "planned", "present": None, "held_date": None}


def table_parts(plan) -> list[tuple[str, list, type]]:
    """The plan's tables stored beside its sessions, each in a part of its own: (part, rows, row class)."""
    return [("trainers", plan.trainers, TrainerRow), ("units", plan.units, UnitRow)]


def session_part(sessions: list, coded: dict | None = None, compress: bool = True) -> bytes:
    """An académie's part of a plan: its sessions by column, statuses apart (``coded``: as :func:`_encode_columns`)."""
    return _encode_columns(sessions, Session, skip=NO_STATUS, coded=coded, compress=compress)


class PreparedParts:
    """The parts of one plan as :meth:`planner.store.ScenarioStore.save_plan` writes them (each académie's
    sessions, their order, trainers, units), kept on the plan's index (:func:`prepared_parts`) once made: by the
    window in the background while the user looks at a plan just solved (:func:`prepare_plan_parts`), or read
    from the file a plan came from (:func:`adopt_file_parts`). A save then writes them as they are. ``parts`` only
    grows, and only with the bytes a save would make for that plan: any thread may read it."""

    def __init__(self, parts: dict[str, bytes] | None = None) -> None:
        self.parts: dict[str, bytes] = dict(parts or {})

    def add(self, key: str, make) -> bytes:
        """The part ``key``, made by ``make()`` unless it was made already."""
        data = self.parts.get(key)
        return data if data is not None else self.parts.setdefault(key, make())


_PREPARED_LOCK = threading.Lock()


def prepared_parts(ix) -> PreparedParts:
    """The parts of the plan of index ``ix`` made so far (one :class:`PreparedParts` per index)."""
    with _PREPARED_LOCK:
        return ix.__dict__.setdefault("_memo", {}).setdefault(("store_parts",), PreparedParts())


def same_rows(old: list | None, new: list) -> bool:
    """Whether two lists hold the very same objects (a plan's académie unchanged since it was saved)."""
    return old is not None and len(old) == len(new) and all(map(operator.is_, old, new))


def prepare_plan_parts(ix, stop=None, pause=None, same_as_index=None) -> PreparedParts:
    """Make every part a save of the plan of index ``ix`` writes (any thread); ``stop``: an event ending the work
    between two parts (a save has begun: it makes the rest itself); ``pause()``: called between two académies (the
    window's background work leaves the interpreter to the window a moment); ``same_as_index``: that of the plan
    the file holds, whose académies a save keeps where their sessions are the same (not made here)."""
    prepared = prepared_parts(ix)
    plan = ix.plan
    if not plan.sessions:
        return prepared
    groups, order, coded = index_groups(ix)
    old = index_sessions_by_academie(same_as_index) if same_as_index is not None else {}
    for acad, sessions in groups.items():
        if stop is not None and stop.is_set():
            return prepared
        if same_rows(old.get(acad), sessions):
            continue
        prepared.add(GROUP_PREFIX + acad, lambda: session_part(sessions, coded.get(acad)))
        if pause is not None:
            pause()
    prepared.add(ORDER_PART, lambda: _encode_order(list(groups), order))
    for part, rows, cls in table_parts(plan):
        prepared.add(part, lambda: _encode_columns(rows, cls))
    return prepared


def adopt_file_parts(ix, parts: dict[str, bytes]) -> None:
    """The parts a plan was just read from (:func:`_decode_plan`'s ``stored["parts"]``) kept as its prepared parts:
    writing it to another file copies them. Only parts of the current formats: an older one is written anew."""
    current = {k: v for k, v in parts.items()
               if (k.startswith(GROUP_PREFIX) or k in ("trainers", "units")) and v.startswith(COLUMNAR)
               or k == ORDER_PART and v.startswith(ORDER_MAGIC)}
    prepared_parts(ix).parts.update(current)


def _encode_order(names: list[str], order: np.ndarray) -> bytes:
    head = json.dumps({"groups": names, "rows": len(order)}, ensure_ascii=False).encode()
    return ORDER_MAGIC + zlib.compress(len(head).to_bytes(8, "little") + head + order.astype("<u2").tobytes(), 6)


def _decode_order(blob: bytes) -> tuple[list[str], np.ndarray]:
    if not blob.startswith(ORDER_MAGIC):
        raise ValueError("ordre des sessions illisible")
    raw = zlib.decompress(blob[len(ORDER_MAGIC):])
    size = int.from_bytes(raw[:8], "little")
    head = json.loads(raw[8:8 + size])
    order = np.frombuffer(raw, dtype="<u2", count=int(head["rows"]), offset=8 + size)
    if len(order) and int(order.max()) >= len(head["groups"]):
        raise ValueError("ordre des sessions incohérent")
    return [str(g) for g in head["groups"]], order


def _interleave(names: list[str], order: np.ndarray, columns_of) -> list:
    """Rows in plan order from each group's rows (``columns_of(name)`` → that group's list)."""
    groups = [columns_of(g) for g in names]
    _check_counts(names, order, [len(rows) for rows in groups])
    # the groups' rows one after the other go to the rows of the plan that group holds, in plan order
    out = np.empty(len(order), dtype=object)
    out[np.argsort(order, kind="stable")] = np.fromiter(chain.from_iterable(groups), dtype=object, count=len(order))
    return out.tolist()


def _check_counts(names: list[str], order: np.ndarray, sizes: list[int]) -> None:
    """Each group holds as many rows as the order gives it places (``ValueError`` otherwise)."""
    counts = np.bincount(order, minlength=len(names)) if len(order) else np.zeros(len(names), dtype=np.int64)
    for g, size, n in zip(names, sizes, counts.tolist()):
        if size != n:
            raise ValueError(f"académie {g} : {size} sessions pour {n} places")


def _decode_sessions(parts: dict[str, bytes], stored: dict | None = None) -> list:
    """The plan's sessions; ``stored`` (a dict) receives, for a plan in parts per académie, the parts' stored
    columns and the order (``groups``, ``order``): :meth:`planner.plan_index.PlanIndex.from_stored` makes
    the window's index of them without reading the sessions again."""
    if ORDER_PART not in parts:
        return _decode_columns(parts.get("sessions", _encode([])), Session)
    later = sessions_later(parts, stored)
    if later is not None:
        return later["make"]()
    names, order = _decode_order(parts[ORDER_PART])  # a part without columns (never written so): no stored index
    return _interleave(names, order, lambda g: _decode_columns(parts.get(GROUP_PREFIX + g, _encode([])), Session))


PAUSED_SLICE = 2_000  # sessions made between two pauses of a background making them (5 ms): a window's paint, which
# calls Python at each widget, waits for the interpreter between two slices, not for the whole


def sessions_later(parts: dict[str, bytes], stored: dict | None = None) -> dict | None:
    """The plan's parts read and checked now, as :func:`_decode_sessions` does (``stored`` receives their columns),
    their sessions made when they are asked for: the arguments of a :class:`planner.plan.StoredPlan`, ``make``
    (``make(pause=None)``: every session, in plan order, calling ``pause()`` after each slice of
    :data:`PAUSED_SLICE` sessions), ``count`` and ``row`` (``row(i)``: the session at row ``i`` alone).
    None for a plan stored otherwise than in columnar parts per académie: :func:`_decode_sessions` reads it."""
    if ORDER_PART not in parts:
        return None
    names, order = _decode_order(parts[ORDER_PART])
    blobs = [parts.get(GROUP_PREFIX + g, _encode([])) for g in names]
    if not all(b.startswith((COLUMNAR, COLUMNAR_2)) for b in blobs):
        return None
    parsed = [_parse_columns(b) for b in blobs]
    _check_counts(names, order, [n for n, _c, _d in parsed])
    if stored is not None:
        stored.update(groups=[columns for _n, columns, _d in parsed], order=order)
    by_name = dict(zip(names, parsed))

    def make(pause: Callable[[], object] | None = None) -> list:
        def rows(g: str) -> list:
            n = by_name[g][0]
            cols = _row_columns(Session, by_name[g])
            out: list = []
            for i in range(0, n, PAUSED_SLICE):  # ``pause()`` between two slices: a window gets the interpreter then
                out += map(Session, *(c[i:i + PAUSED_SLICE] for c in cols))
                if pause is not None:
                    pause()
            return out

        return _interleave(names, order, rows)

    where: list = []  # each row's place in its part, made at the first row asked for

    def row(i: int) -> Session:
        if not where:
            by_part = np.argsort(order, kind="stable")
            sizes = np.bincount(order, minlength=len(names))
            starts = np.cumsum(sizes) - sizes
            place = np.empty(len(order), dtype=np.int64)
            place[by_part] = np.arange(len(order)) - starts[order[by_part]]
            where.append(place)
        _n, columns, dates = parsed[int(order[i])]
        k = int(where[0][i])
        values = []
        for f in fields(Session):
            c = columns.get(f.name)
            if c is None:
                values.append(f.default)
                continue
            v = c["values"][int(c["codes"][k])] if "values" in c else c["plain"][k]
            values.append(dt.date.fromordinal(v) if f.name in dates else v)
        return Session(*values)

    return {"make": make, "count": len(order), "row": row}


def compact_plan(plan, pause: Callable[[], object] | None = None, ready: dict[str, bytes] | None = None):
    """A copy of ``plan`` whose sessions are kept as a save writes them, compressed columns per académie (their
    follow-up statuses beside, row by row), made again when first asked for (:class:`planner.plan.StoredPlan`):
    what a window keeps of a plan only a deep undo brings back (a national plan: about 4 MiB instead of 100 to
    170). Equal to ``plan``; its trainers, units and report are ``plan``'s own. ``pause()``: called between two
    académies (any thread); ``ready``: the parts of the plan made already for its save (:class:`PreparedParts`),
    taken as they are."""
    from dataclasses import replace

    from .plan import StoredPlan

    sessions = plan.sessions
    default = tuple(NO_STATUS.values())
    statuses = {}
    for i, s in enumerate(sessions):
        if (s.status, s.present, s.held_date) != default:
            statuses[i] = dict(zip(NO_STATUS, (s.status, s.present, s.held_date)))
    groups, order = _session_groups(sessions)
    parts = {}
    ready = ready or {}
    for acad, rows in groups.items():
        key = GROUP_PREFIX + acad
        parts[key] = ready.get(key) or session_part(rows)
        if pause is not None and key not in ready:
            pause()
    parts[ORDER_PART] = _encode_order(list(groups), order)
    del groups

    def make(pause_making: Callable[[], object] | None = None) -> list:
        made = sessions_later(parts)["make"](pause_making)
        for i, status in statuses.items():
            made[i] = replace(made[i], **status)
        return made

    small = StoredPlan(make=make, count=len(sessions), trainers=plan.trainers, units=plan.units, report=plan.report,
                       folder_issues=plan.folder_issues, folder_unverified=plan.folder_unverified,
                       academie_errors=plan.academie_errors, academie_findings=plan.academie_findings)
    small.compacted = True
    return small


def read_plan_columns(db: sqlite3.Connection, name: str, names: list[str]) -> dict[str, list] | None:
    """Only the columns ``names`` of the plan ``name``'s sessions, in plan order (None: no such plan)."""
    parts = {p: d for p, d in db.execute("SELECT part, data FROM plan_data WHERE name = ? AND part LIKE 'sessions%'",
                                         (name,))}
    if not parts:
        return None
    if ORDER_PART not in parts:
        return read_columns(parts["sessions"], names) if "sessions" in parts else None
    groups, order = _decode_order(parts[ORDER_PART])
    cols = {g: read_columns(parts.get(GROUP_PREFIX + g, _encode([])), names) for g in groups}
    out = {}
    for k in names:
        out[k] = _interleave(groups, order, lambda g: cols[g][k])
    return out


_CHUNK = 2000


def dumps_chunked(obj, **kw) -> str:
    """``json.dumps(obj, **kw)`` (default separators), the same text, with the long lists of a dict with text
    keys (a national report's 11,000 unplaced records) dumped ``_CHUNK`` items at a time: no single call holds
    the interpreter lock long enough to freeze a window that saves in the background."""
    if "separators" in kw or kw.get("indent") is not None or kw.get("sort_keys"):
        return json.dumps(obj, **kw)
    if isinstance(obj, list) and len(obj) > _CHUNK:
        pieces = (json.dumps(obj[i:i + _CHUNK], **kw)[1:-1] for i in range(0, len(obj), _CHUNK))
        return "[" + ", ".join(pieces) + "]"
    if isinstance(obj, dict) and obj and all(isinstance(k, str) for k in obj):
        return "{" + ", ".join(f"{json.dumps(k, **kw)}: {dumps_chunked(v, **kw)}" for k, v in obj.items()) + "}"
    return json.dumps(obj, **kw)


@lru_cache(maxsize=64)
def _adapter(annotation):
    from pydantic import TypeAdapter

    return TypeAdapter(annotation)


def scenario_dump(sc: Scenario) -> tuple[str, str]:
    """(the scenario's data as JSON, its settings apart; its fingerprint) from one serialization: the fingerprint is
    ``sc.fingerprint()`` (the SHA-256 of ``sc.model_dump_json()``) and the data that JSON without its settings
    (the same values as ``json.dumps(sc.model_dump(mode="json", exclude={"settings"}))``). Long lists are
    serialized ``_CHUNK`` items at a time: no single call holds the interpreter lock long enough to freeze a
    window that saves a national scenario in the background."""
    import hashlib

    h = hashlib.sha256(b"{")
    data: list[bytes] = []
    for k, (name, field) in enumerate(type(sc).model_fields.items()):
        value = getattr(sc, name)
        adapter = _adapter(field.annotation)
        if isinstance(value, list) and len(value) > _CHUNK:
            text = b"[" + b",".join(adapter.dump_json(value[i:i + _CHUNK])[1:-1]
                                    for i in range(0, len(value), _CHUNK)) + b"]"
        else:
            text = adapter.dump_json(value)
        item = json.dumps(name).encode() + b":" + text
        h.update(b"," + item if k else item)
        if name != "settings":
            data.append(item)
    h.update(b"}")
    return (b"{" + b",".join(data) + b"}").decode(), h.hexdigest()[:16]


def scenario_fingerprint(sc: Scenario) -> str:
    """``sc.fingerprint()``, serialized in chunks (:func:`scenario_dump`)."""
    return scenario_dump(sc)[1]


def scenario_data_json(sc: Scenario) -> str:
    """The scenario's data without its settings, as JSON serialized in chunks (:func:`scenario_dump`)."""
    return scenario_dump(sc)[0]


_DECODER = json.JSONDecoder()
_SPACE = re.compile(r"[ \t\n\r]*")
_BLANK = frozenset(" \t\n\r")


def scenario_data_loads(text: str):
    """``json.loads(text)`` of a scenario's JSON (:func:`scenario_data_json`), its lists decoded item by item: no
    single call holds the interpreter lock long enough to freeze a window that opens a national scenario in the
    background (one call: 0.1 s). Text of another shape, or invalid, is left to ``json.loads`` (its error)."""
    try:
        return _object_by_items(text)
    except (ValueError, IndexError, StopIteration):
        return json.loads(text)


def _object_by_items(s: str) -> dict:
    """A JSON object, each value a list decoded item by item (any other value in one call) by json's own scanner;
    ``ValueError``, ``IndexError`` or ``StopIteration`` for text that is not one."""
    scan = _DECODER.scan_once  # what JSONDecoder.raw_decode calls, without its frame: 25,000 items

    def skip(i: int) -> int:  # past the blanks at i (compact JSON: none)
        return _SPACE.match(s, i).end() if s[i] in _BLANK else i

    i = skip(0)
    if s[i] != "{":
        raise ValueError("not an object")
    out: dict = {}
    i = skip(i + 1)
    if s[i] == "}":
        i += 1
    else:
        while True:
            if s[i] != '"':
                raise ValueError("key expected")
            key, i = scan(s, i)
            i = skip(i)
            if s[i] != ":":
                raise ValueError("colon expected")
            i = skip(i + 1)
            if s[i] == "[":
                value = []
                append = value.append
                i = skip(i + 1)
                if s[i] == "]":
                    i += 1
                else:
                    blank, space = _BLANK, _SPACE.match
                    while True:  # skip() written out: one call less per item
                        item, i = scan(s, i)
                        append(item)
                        c = s[i]
                        if c in blank:
                            i = space(s, i).end()
                            c = s[i]
                        i += 1
                        if c == ",":
                            if s[i] in blank:
                                i = space(s, i).end()
                            continue
                        if c == "]":
                            break
                        raise ValueError("comma expected")
            else:
                value, i = scan(s, i)
            out[key] = value  # a key given twice: the last one, as json.loads
            i = skip(i)
            c, i = s[i], i + 1
            if c == "}":
                break
            if c != ",":
                raise ValueError("comma expected")
            i = skip(i)
    if i < len(s) and _SPACE.match(s, i).end() != len(s):
        raise ValueError("extra data")
    return out
