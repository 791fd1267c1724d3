"""The sessions of a plan: a table model and a numpy-backed filtering and sorting proxy."""
from __future__ import annotations

import datetime as dt

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from planner.errors import stop_check
from planner.plan_index import NATION, PlanIndex, ScenarioIndex, rank_of
from planner.store_codec import small_unique

from .. import fmt
from .base import DISPLAY, RIGHT, TOOLTIP, RowMapProxy, fold


SESSION_COLUMNS = [
    ("date", "Date"), ("start", "Début"), ("end", "Fin"), ("kind", "Étape"), ("audience", "Public"),
    ("unit", "Unité"), ("unit_id", "Identifiant"), ("academie", "Académie"), ("trainer", "Formateur"),
    ("participants", "Participants"), ("window", "Fenêtre"), ("group", "Groupe"), ("pinned", "Épinglée"),
    ("title", "Intitulé"),
]


class SessionTableModel(QAbstractTableModel):
    """All the sessions of the plan, in plan order (row i = ``plan.sessions[i]``)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.pix: PlanIndex | None = None
        self.six: ScenarioIndex | None = None
        self._sort_keys: dict[int, np.ndarray] = {}
        self._haystack: list[str] | None = None

    def set_plan(self, pix: PlanIndex | None, six: ScenarioIndex) -> None:
        self.beginResetModel()
        self.pix, self.six = pix, six
        self._sort_keys = {}
        self._haystack = None
        self.endResetModel()

    def session(self, row: int):
        """The session of a row (of a plan just read from a file, whose sessions are made in the background meanwhile,
        the row made alone: :meth:`planner.plan.Plan.session_at`)."""
        return self.pix.plan.session_at(row)

    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() or self.pix is None else self.pix.n

    def columnCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(SESSION_COLUMNS)

    def headerData(self, section, orientation, role=DISPLAY):
        if role == DISPLAY:
            if orientation == Qt.Orientation.Horizontal:
                return SESSION_COLUMNS[section][1]
            return str(section + 1)
        return None

    def _unit_name(self, s) -> str:
        return self.six.short_name(s.unit_type, s.unit_id) if self.six else s.unit_id

    def _estimated(self, s) -> bool:
        """A step-1 group of teachers whose unit's headcount is estimated (its size comes from the estimate)."""
        return (s.kind == "step1" and s.audience in ("teachers_1d", "teachers_2d") and self.six is not None
                and (s.unit_type, s.unit_id) in self.six.estimated)

    def _trainer_name(self, tid: str) -> str:
        return _trainer_name_of(self.six, tid) if self.six else tid

    def cell(self, row: int, col: int, role=DISPLAY):
        s = self.session(row)
        key = SESSION_COLUMNS[col][0]
        if role == DISPLAY:
            if key == "date":
                return fmt.date_medium(s.date)
            if key == "start":
                return s.start
            if key == "end":
                return s.end
            if key == "kind":
                return fmt.kind_label(s.kind)
            if key == "audience":
                return fmt.audience_label(s.audience)
            if key == "unit":
                return self._unit_name(s)
            if key == "unit_id":
                return s.unit_id
            if key == "academie":
                a = self.six.academies.get(s.academie) if self.six else None
                return a.name if a else s.academie
            if key == "trainer":
                return self._trainer_name(s.trainer_id) if s.trainer_id else "—"
            if key == "participants":
                return f"{s.participants} ({fmt.ESTIMATED})" if self._estimated(s) else str(s.participants)
            if key == "window":
                return fmt.window_label(s.window, self.six.scenario.settings if self.six else None)
            if key == "group":
                return str(s.group) if s.group else ""
            if key == "pinned":
                return "📌 oui" if s.pinned else ""
            if key == "title":
                return s.title
        elif role == TOOLTIP:
            est = f"\n{fmt.estimated_tip([s.unit_type])}" if self._estimated(s) else ""
            return (f"{fmt.kind_label(s.kind, long=True)}{(' — ' + s.title) if s.title else ''}\n{fmt.date_long(s.date)}, {s.start}–{s.end}\n"
                    f"{fmt.unit_type_label(s.unit_type)} : {self._unit_name(s)} ({s.unit_id})\n"
                    f"Formateur : {self._trainer_name(s.trainer_id)} ({s.trainer_id})\n"
                    f"{s.participants} participants — {fmt.audience_label(s.audience)}{est}")
        elif role == Qt.ItemDataRole.TextAlignmentRole and key in ("participants", "group"):
            return RIGHT
        elif role == Qt.ItemDataRole.ForegroundRole and s.pinned:
            return QBrush(QColor("#8a3b00"))
        return None

    def data(self, index, role=DISPLAY):
        if not index.isValid():
            return None
        return self.cell(index.row(), index.column(), role)

    # ------------------------------------------------ fast sort / filter support
    def sort_key(self, col: int) -> np.ndarray:
        """An integer rank per row for a column (computed once per plan, on distinct values only)."""
        if col in self._sort_keys:
            return self._sort_keys[col]
        key = SESSION_COLUMNS[col][0]
        pix, six = self.pix, self.six
        settings = six.scenario.settings

        def by_label(values, codes, label):
            return rank_of([label(str(v)) for v in values])[codes]

        if key == "date":  # the first sort of both sessions tables: made once per plan, in the background
            k = self._sort_keys[col] = date_sort_key(pix)
            return k
        elif key == "start":
            k = pix.start_code
        elif key == "end":
            k = pix.end_code
        elif key == "participants":
            k = pix.participants
        elif key == "group":
            k = pix.group
        elif key == "pinned":
            k = pix.pinned.astype(np.int64)
        elif key == "kind":
            k = by_label(pix.kind_values, pix.kind_code, fmt.kind_label)
        elif key == "audience":
            k = by_label(pix.aud_values, pix.aud_code, fmt.audience_label)
        elif key == "window":
            k = by_label(pix.win_values, pix.win_code, lambda w: fmt.window_label(w, settings))
        elif key == "academie":
            k = by_label(pix.acad_values, pix.acad_code, lambda a: fold(six.short_name("academie", a)))
        elif key == "trainer":
            labels = memo_labels(six, "sort_trainer", pix.trainer_values.tolist(), _trainer_sort_label)
            k = rank_of(labels)[pix.trainer_code]
        elif key == "unit":
            k = rank_of(memo_labels(six, "sort_unit", pix.unit_values.tolist(), _unit_sort_label))[pix.unit_code]
        elif key == "unit_id":
            k = by_label(pix.unit_values, pix.unit_code, lambda u: u.split("|", 1)[1])
        else:  # the titles' ranks, made in the background once a plan is shown (PlanIndex.titles)
            k = pix.titles()[1]
        k = self._sort_keys[col] = compact_key(k)
        return k

    def text_mask(self, text: str) -> np.ndarray:
        """Rows whose unit (id, name), trainer (id, name) or date (jj/mm/aaaa) contain every word of ``text``.

        Matching runs on the distinct units, trainers and dates, then maps to rows through the codes."""
        pix, six = self.pix, self.six
        words = fold(text.strip()).split()
        mask = np.ones(pix.n, dtype=bool)
        if not words:
            return mask
        if self._haystack is None:
            units, trainers = search_labels(six, pix.unit_values.tolist(), pix.trainer_values.tolist())
            date_values, date_code = small_unique(pix.date_ord)  # counted over the year's days, not sorted
            dates = [dt.date.fromordinal(d).strftime("%d/%m/%Y") for d in date_values.tolist()]
            self._haystack = (units, trainers, dates, date_code)
        units, trainers, dates, date_code = self._haystack
        for w in words:
            um = np.fromiter((w in u for u in units), dtype=bool, count=len(units))
            tm = np.fromiter((w in t for t in trainers), dtype=bool, count=len(trainers))
            dm = np.fromiter((w in d for d in dates), dtype=bool, count=len(dates))
            mask &= um[pix.unit_code] | tm[pix.trainer_code] | dm[date_code]
        return mask


LABELS = ("search_unit", "search_trainer", "sort_unit", "sort_trainer")  # the kinds of labels memo_labels keeps
LABEL_MEMOS = tuple(("labels", k) for k in LABELS)  # their keys in a scenario index's memo


def memo_labels(six: ScenarioIndex, key: str, values: list[str], label) -> list[str]:
    """``[label(six, v) for v in values]``, each label made once per scenario index (``key``: which labels): a
    re-planned plan of the same scenario makes none again, and :func:`prime_labels` makes those of the
    whole territory in a background thread."""
    memo = six.memo(("labels", key), dict)
    out = []
    for v in values:
        x = memo.get(v)
        if x is None:
            x = memo[v] = label(six, v)
        out.append(x)
    return out


def _trainer_name_of(six: ScenarioIndex, tid: str) -> str:
    t = six.trainers.get(tid)
    return (t.name or tid) if t else tid


def _unit_search_label(six: ScenarioIndex, u: str) -> str:  # « type|id » → « id name », folded
    kind, uid = u.split("|", 1)
    return fold(f"{uid} {six.short_name(kind, uid)}")


def _trainer_search_label(six: ScenarioIndex, tid: str) -> str:
    return fold(f"{tid} {_trainer_name_of(six, tid)}") if tid else ""


def _unit_sort_label(six: ScenarioIndex, u: str) -> str:
    return fold(six.short_name(*u.split("|", 1)))


def _trainer_sort_label(six: ScenarioIndex, tid: str) -> str:
    return fold(_trainer_name_of(six, tid)) if tid else "~"


def search_labels(six: ScenarioIndex, units: list[str], trainers: list[str]) -> tuple[list[str], list[str]]:
    """What the sessions' text filter matches, folded: « id name » of each unit (« type|id ») and of each trainer
    (« » for none)."""
    return (memo_labels(six, "search_unit", units, _unit_search_label),
            memo_labels(six, "search_trainer", trainers, _trainer_search_label))


def date_sort_key(pix: PlanIndex) -> np.ndarray:
    """The sessions tables' sort key by date and start time (:func:`compact_key`), made once per plan index and
    shared by both tables (« Sessions », and a trainer's in « Formateurs »); made in the background when a plan is
    indexed (:func:`prime_tables`)."""
    return pix.memo(("sessions_date_key",), lambda: compact_key(pix.date_ord * 1440 + pix.start_minutes))


def compact_key(k: np.ndarray) -> np.ndarray:
    """A sort key in the smallest unsigned integers that hold its order (its dense ranks when its values do not fit):
    numpy sorts 8- and 16-bit keys by radix, four to five times faster than 64-bit ones (a national plan's sort)."""
    if not len(k):
        return k
    lo, hi = int(k.min()), int(k.max())
    if hi - lo >= 1 << 16:
        k = np.unique(k, return_inverse=True)[1].reshape(-1)
        lo, hi = 0, int(k.max())
    return (k - lo).astype(np.uint8 if hi - lo < 1 << 8 else np.uint16 if hi - lo < 1 << 16 else np.uint32)


def prime_labels(six: ScenarioIndex) -> None:
    """The labels the sessions table searches and sorts units and trainers by, and those of the trainers table, for
    every unit and trainer of the scenario, made now (in a background thread): a first search or sort of a national
    plan folds nothing."""
    units = [f"{kind}|{uid}" for kind, table in (
        ("academie", six.academies), ("departement", six.departements), ("circonscription", six.circonscriptions),
        ("bassin", six.bassins), ("etablissement", six.etablissements)) for uid in table]
    trainers = list(six.trainers)
    search_labels(six, units, trainers)
    memo_labels(six, "sort_unit", units, _unit_sort_label)
    memo_labels(six, "sort_trainer", trainers, _trainer_sort_label)
    from .tables import prime_trainer_labels

    prime_trainer_labels(six)  # and the trainers table's


def prime_tables(pix: PlanIndex, stop=None) -> None:
    """What the window's tables first read of a plan just indexed, made now (in a background thread: the end of a
    solve, the lists of a plan just read): its scenario's labels (:func:`prime_labels`, once per scenario), the
    titles' ranks (the sort key of « Intitulé ») and the sort by date (:func:`date_sort_key`). ``stop`` looked at
    between them."""
    if pix.six is not None:
        prime_labels(pix.six)
    stop_check(stop)
    pix.titles()
    date_sort_key(pix)


class SessionProxyModel(RowMapProxy):
    """Filter and sort the sessions on numpy arrays: a row mapping, never a copy of the data."""

    COLUMNS = len(SESSION_COLUMNS)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._map = np.zeros(0, dtype=np.int64)  # proxy row → source row
        self._inv: np.ndarray | None = None
        self._sort_col = 0
        self._sort_order = Qt.SortOrder.AscendingOrder
        self.filters: dict = {"scope": NATION, "text": "", "kind": "", "audience": "", "window": "",
                              "trainer": "", "pinned": False}

    def setSourceModel(self, model: SessionTableModel) -> None:
        super().setSourceModel(model)
        model.modelReset.connect(self._rebuild)
        self._rebuild()

    def src(self) -> SessionTableModel:
        return self.sourceModel()

    def set_filters(self, **kw) -> None:
        self.filters.update(kw)
        self._rebuild()

    def _mask(self) -> np.ndarray:
        m = self.src()
        pix = m.pix
        f = self.filters
        mask = pix.scope_mask(f["scope"])
        if f["kind"]:
            mask &= pix._eq(pix.kind_values, pix.kind_code, f["kind"])
        if f["audience"]:
            mask &= pix._eq(pix.aud_values, pix.aud_code, f["audience"])
        if f["window"]:
            mask &= pix._eq(pix.win_values, pix.win_code, f["window"])
        if f["trainer"]:
            mask &= pix._eq(pix.trainer_values, pix.trainer_code, f["trainer"])
        if f["pinned"]:
            mask &= pix.pinned
        if f["text"].strip():
            mask &= m.text_mask(f["text"])
        return mask

    def _rebuild(self) -> None:
        self.beginResetModel()
        m = self.src()
        if m is None or m.pix is None:
            self._map = np.zeros(0, dtype=np.int64)
        else:
            rows = np.nonzero(self._mask())[0]
            key = m.sort_key(self._sort_col)[rows]
            order = np.argsort(key, kind="stable")
            if self._sort_order == Qt.SortOrder.DescendingOrder:
                order = order[::-1]
            self._map = rows[order]
        self._inv = None
        self.endResetModel()

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        if column < 0:
            return
        self._sort_col, self._sort_order = column, order
        self.layoutAboutToBeChanged.emit()
        m = self.src()
        if m is not None and m.pix is not None and len(self._map):
            # the rows shown, in the plan's order (every row: no sort needed)
            rows = np.arange(m.pix.n) if len(self._map) == m.pix.n else np.sort(self._map)
            key = m.sort_key(column)[rows]
            o = np.argsort(key, kind="stable")
            if order == Qt.SortOrder.DescendingOrder:
                o = o[::-1]
            self._map = rows[o]
            self._inv = None
        self.layoutChanged.emit()

    def source_rows(self) -> np.ndarray:
        return self._map

    # QAbstractProxyModel API (the rest: RowMapProxy)
    def data(self, index, role=DISPLAY):
        if not index.isValid():
            return None
        return self.src().cell(int(self._map[index.row()]), index.column(), role)

    def headerData(self, section, orientation, role=DISPLAY):
        if orientation == Qt.Orientation.Vertical:
            return str(section + 1) if role == DISPLAY else None
        return self.src().headerData(section, orientation, role)

    def session_at(self, row: int):
        return self.src().session(int(self._map[row]))


# ============================================================== trainers
