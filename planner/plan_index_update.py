"""A plan's index made without reading every session again (:class:`planner.plan_index.PlanIndex`):

- :func:`replaced`: the index of a plan a few sessions apart (a unit re-planned after a pin), its columns
  and lists updated from the previous index — undo keeps the previous plan and index untouched;
- :func:`from_stored`: the index of a plan just read from a scenario file, its columns made from the
  file's own stored columns (:mod:`planner.store_codec`).
"""
from __future__ import annotations

import bisect
from collections.abc import Mapping

import numpy as np

from .plan import Plan, Session
from .plan_index import (_COLUMN_ATTRS, _DICT_ORDER, _FACTORIZED, _TABLE_ATTRS, PlanIndex, ScenarioIndex, _has,
                         factorize, session_order)


def from_stored(plan: Plan, six: ScenarioIndex | None, stored: dict) -> PlanIndex:
    """The index of a plan just read from a scenario file, its columns made from the file's own
    (:func:`planner.store_codec._decode_sessions`: distinct values and codes per académie part, and the part of
    each row) instead of from the sessions: opening a national plan. Falls back on the sessions when
    the file lacks a column."""
    ix = PlanIndex(plan, six)
    try:
        _stored_columns(ix, stored["groups"], stored["order"])
    except (KeyError, ValueError, TypeError, IndexError):
        for k in list(ix.__dict__):
            if k in _COLUMN_ATTRS:
                del ix.__dict__[k]
    return ix


def _stored_columns(self: PlanIndex, groups: list[dict], order: np.ndarray) -> None:
    n, d = self.n, self.__dict__
    if len(order) != n:
        raise ValueError("ordre des sessions")
    by_group = np.argsort(order, kind="stable")
    ends = np.cumsum(np.bincount(order, minlength=len(groups)))
    where = np.split(by_group, ends[:-1])  # the rows of each part, in plan order

    def rows(col: dict, dtype=object) -> np.ndarray:  # one value per row of a part
        if "values" in col:
            table = np.empty(len(col["values"]), dtype=dtype)
            table[:] = col["values"]
            return table[col["codes"]]
        out = np.empty(len(col["plain"]), dtype=dtype)
        out[:] = col["plain"]
        return out

    for name, attr, dtype in (("date_ord", "date", np.int64), ("participants", "participants", np.int64),
                              ("pinned", "pinned", bool), ("group", "group", np.int64)):
        out = np.empty(n, dtype=dtype)
        for g, w in zip(groups, where):
            out[w] = rows(g[attr], dtype)
        d[name] = out
    for name, attr in (("acad", "academie"), ("dep", "departement"), ("trainer", "trainer_id"),
                       ("kind", "kind"), ("aud", "audience"), ("win", "window"), ("start", "start"),
                       ("end", "end")):
        parts = []
        for g in groups:
            col = g[attr]
            if "values" in col:
                parts.append(([str(v) for v in col["values"]], np.asarray(col["codes"], dtype=np.int64)))
            else:
                v, c = factorize(str(x) for x in col["plain"])
                parts.append((v.tolist(), c))
        values = np.array(sorted({v for vs, _ in parts for v in vs}), dtype=str)
        codes = np.empty(n, dtype=np.int64)
        for (vs, c), w in zip(parts, where):
            codes[w] = np.searchsorted(values, np.array(vs, dtype=str))[c] if len(vs) else c
        used = np.bincount(codes, minlength=len(values)) > 0  # values a part lists but no row holds
        if not used.all():
            codes, values = (np.cumsum(used) - 1)[codes], values[used]
        d[f"{name}_values"], d[f"{name}_code"] = values, codes
    # the unit keys « type|id »: each part's pairs of codes made distinct by numpy, the texts joined once per unit
    parts = []
    for g in groups:
        (tv, tc), (iv, ic) = _codes_of(g["unit_type"]), _codes_of(g["unit_id"])
        width = max(len(iv), 1)
        pairs, inverse = np.unique(tc * width + ic, return_inverse=True)
        parts.append((["|".join((tv[p // width], iv[p % width])) for p in pairs.tolist()], inverse.reshape(-1)))
    values = np.array(sorted({v for vs, _ in parts for v in vs}), dtype=str)
    codes = np.empty(n, dtype=np.int64)
    for (vs, c), w in zip(parts, where):
        codes[w] = np.searchsorted(values, np.array(vs, dtype=str))[c] if len(vs) else c
    d["unit_values"], d["unit_code"] = values, codes
    self._derive_columns()


def _codes_of(col: dict) -> tuple[list, np.ndarray]:
    """(distinct values, code of each row) of a stored column, whether stored coded or plain."""
    if "values" in col:
        return list(col["values"]), np.asarray(col["codes"], dtype=np.int64)
    index = {v: i for i, v in enumerate(dict.fromkeys(col["plain"]))}
    return list(index), np.fromiter(map(index.__getitem__, col["plain"]), dtype=np.int64, count=len(col["plain"]))


def replaced(self: PlanIndex, remove, add: list[Session], report: dict | None = None) -> PlanIndex:
    """The index of a new plan: this plan without the sessions at positions ``remove`` and with ``add``
    inserted in date order (``plan.sessions`` stays sorted by date, start, id). The columns and dicts
    already built are updated, not rebuilt: re-planning one unit of a national plan takes milliseconds."""
    old = self.plan.sessions
    remove = np.unique(np.asarray(remove, dtype=np.int64)).tolist()
    add = sorted(add, key=session_order)
    segments = _segments(old, remove, add)
    sessions: list[Session] = []
    for src, a, b in segments:
        sessions += (old if src else add)[a:b]
    plan = Plan(sessions=sessions, trainers=self.plan.trainers, units=self.plan.units,
                report=dict(self.plan.report) if report is None else report)
    new = PlanIndex(plan, self.six)
    if "date_ord" in self.__dict__:
        _replace_columns(new, self, segments, remove, add)
    if "by_unit" in self.__dict__:
        _replace_dicts(new, self, [old[i] for i in remove], add)
    _replace_titles(new, self, segments, add)
    return new


def _replace_titles(self: PlanIndex, old: PlanIndex, segments, add: list[Session]) -> None:
    """The titles' ranks of the new plan from the old plan's (:meth:`PlanIndex.titles`), when it had them and every
    added session's title is among its titles (a re-planned unit keeps its titles); otherwise made when asked."""
    made = old.__dict__.get("_memo", {}).get(("titles",))
    if made is None:
        return
    values, codes = made
    titles = [s.title for s in add]
    pos = np.searchsorted(values, np.array(titles, dtype=str)) if titles else np.zeros(0, dtype=np.int64)
    if len(pos) and (pos.max() >= len(values) or values[pos].tolist() != titles):
        return
    self.memo(("titles",), lambda: (values, _splice(segments, codes, pos.astype(codes.dtype))))


def _segments(old: list[Session], remove: list[int], add: list[Session]) -> list[tuple[bool, int, int]]:
    """The new plan as consecutive pieces: ``(True, a, b)`` the old rows ``a:b``, ``(False, a, b)`` the added
    sessions ``a:b`` (``add`` sorted). Each added session goes after the kept ones it does not precede, as
    ``bisect_right`` on the kept rows would put it; the rows ``remove`` (sorted, distinct) are left out."""
    at = [bisect.bisect_right(old, session_order(s), key=session_order) for s in add]  # before old[at[j]]
    gone = set(remove)
    out: list[tuple[bool, int, int]] = []
    cur = j = 0
    for pos in sorted(gone.union(at)):
        if pos > cur:
            out.append((True, cur, pos))
            cur = pos
        j0 = j
        while j < len(at) and at[j] == pos:
            j += 1
        if j > j0:
            out.append((False, j0, j))
        if pos in gone:
            cur = pos + 1
    if cur < len(old):
        out.append((True, cur, len(old)))
    return out


def _splice(segments, old_col: np.ndarray, added: np.ndarray) -> np.ndarray:
    """A column of the new plan from the old plan's column and the added sessions' values, piece by piece (each
    piece a block copy: no gather of every row)."""
    parts = [(old_col if src else added)[a:b] for src, a, b in segments]
    return np.concatenate(parts) if parts else old_col[:0]


def _replace_columns(self: PlanIndex, old: PlanIndex, segments, remove: list[int], add: list[Session]) -> None:
    d, o = self.__dict__, old.__dict__
    for name, dtype, get in (("date_ord", np.int64, lambda s: s.date.toordinal()),
                             ("participants", np.int64, lambda s: s.participants),
                             ("pinned", bool, lambda s: bool(s.pinned)), ("group", np.int64, lambda s: s.group)):
        d[name] = _splice(segments, o[name], np.array([get(s) for s in add], dtype=dtype))
    same = set()
    gone = np.asarray(remove, dtype=np.int64)
    for name, get in _FACTORIZED:
        values, codes = o[f"{name}_values"], o[f"{name}_code"]
        new = [get(s) for s in add]
        missing = {v for v in new if not _has(values, v)}
        held = set(codes[gone].tolist())  # codes the removed rows held
        if missing:  # a value the plan did not hold: one more distinct value, the codes follow
            merged = np.array(sorted(set(values.tolist()) | missing), dtype=str)
            remap = np.searchsorted(merged, values) if len(values) else np.zeros(0, dtype=np.int64)
            codes = remap[codes] if len(values) else codes
            held = set(remap[list(held)].tolist()) if held else held
            values = merged
        new_codes = np.searchsorted(values, new).astype(np.int64)
        codes = _splice(segments, codes, new_codes)
        # a value no session holds any more can only be one the removed rows held and no added one does
        unused = [c for c in held.difference(new_codes.tolist()) if not np.any(codes == c)]
        if unused:
            used = np.ones(len(values), dtype=bool)
            used[unused] = False
            codes = (np.cumsum(used) - 1)[codes]
            values = values[used]
        elif not missing:
            same.add(name)
        d[f"{name}_values"], d[f"{name}_code"] = values, codes
    self._derive_columns({k: o[k] for k, name in (("unit_pos", "unit"), ("trainer_pos", "trainer"))
                          if name in same})


def _replace_dicts(self: PlanIndex, old: PlanIndex, removed: list[Session], add: list[Session]) -> None:
    o = old.__dict__
    gone = {id(s) for s in removed}
    by_unit, by_trainer = dict(o["by_unit"]), dict(o["by_trainer"])
    for table, keys, key_of in (
            (by_unit, {(s.unit_type, s.unit_id) for s in removed + add}, lambda s: (s.unit_type, s.unit_id)),
            (by_trainer, {s.trainer_id for s in removed + add if s.trainer_id}, lambda s: s.trainer_id)):
        for k in keys:
            lst = [s for s in table.get(k, []) if id(s) not in gone] + [s for s in add if key_of(s) == k]
            if lst:
                table[k] = sorted(lst, key=_DICT_ORDER)
            else:
                table.pop(k, None)
    by_id = SessionsById.changed(o["sessions_by_id"], removed, add)
    self.__dict__.update(by_unit=by_unit, by_trainer=by_trainer, sessions_by_id=by_id,
                         **{k: o[k] for k in _TABLE_ATTRS if k in o})  # the same tables: those made already


class SessionsById(Mapping):
    """``sessions_by_id`` of a plan a few sessions apart from another: the other plan's map (left untouched: undo
    brings it back) and the changes, rather than a copy of 400,000 entries at each pin. Made flat again once the
    changes pile up (:data:`FLATTEN_AFTER`)."""

    FLATTEN_AFTER = 5_000

    def __init__(self, base: Mapping, gone: frozenset, added: dict) -> None:
        self.base, self.gone, self.added = base, gone, added

    @classmethod
    def changed(cls, base: Mapping, removed: list[Session], add: list[Session]) -> Mapping:
        gone, added = set(), {}
        if isinstance(base, SessionsById):  # one level of changes over a plain dict, whatever the edits before
            gone, added, base = set(base.gone), dict(base.added), base.base
        for s in removed:
            if added.get(s.session_id) is s:
                del added[s.session_id]
            elif base.get(s.session_id) is s:
                gone.add(s.session_id)
        for s in add:
            added[s.session_id] = s
        if len(gone) + len(added) > cls.FLATTEN_AFTER:
            flat = {k: v for k, v in base.items() if k not in gone}
            flat.update(added)
            return flat
        return cls(base, frozenset(gone), added)

    def __getitem__(self, key: str) -> Session:
        if key in self.added:
            return self.added[key]
        if key in self.gone:
            raise KeyError(key)
        return self.base[key]

    def get(self, key: str, default=None):
        s = self.added.get(key)
        if s is not None:
            return s
        return default if key in self.gone else self.base.get(key, default)

    def __contains__(self, key) -> bool:
        return key in self.added or (key not in self.gone and key in self.base)

    def __iter__(self):
        yield from (k for k in self.base if k not in self.gone and k not in self.added)
        yield from self.added

    def __len__(self) -> int:
        return sum(1 for _ in self)
