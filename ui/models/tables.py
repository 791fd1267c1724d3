"""Trainers, unplaced units, the weekly heat map, slot candidates and the month header."""
from __future__ import annotations

import datetime as dt

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QPainter
from PySide6.QtWidgets import QHeaderView

from planner.models import ROLE_LABELS
from planner.plan_index import PlanIndex, ScenarioIndex, Scope, monday

from .. import fmt
from .base import DISPLAY, RIGHT, SCOPE_ROLE, SORT_ROLE, TOOLTIP, RowTableModel, fold


TRAINER_COLUMNS = ["Formateur", "Identifiant", "Rôle", "Unité", "Sessions", "Heures", "Première", "Dernière",
                   "Max./jour"]


def _trainer_labels(six: ScenarioIndex, tid: str, t, tr) -> tuple[str, str, str, str]:
    """A trainer's name, id, role and unit as the trainers table shows them (``t``: the scenario's trainer, ``tr``:
    the plan's row of one the scenario does not have)."""
    role = (t.role if t else (tr.role if tr else ""))
    ut, uid = (t.unit_type, t.unit_id) if t else ((tr.unit_type, tr.unit_id) if tr else ("", ""))
    return t.name if t and t.name else tid, tid, ROLE_LABELS.get(role, role), six.short_name(ut, uid) if ut else ""


TRAINER_LABELS_MEMO = ("trainer_row_labels",)  # their key in a scenario index's memo: {trainer id: labels}


def prime_trainer_labels(six: ScenarioIndex) -> None:
    """The trainers table's labels of every trainer of the scenario, made now (in a background thread)."""
    known = six.memo(TRAINER_LABELS_MEMO, dict)
    for tid, t in six.trainers.items():
        if tid not in known:
            known[tid] = _trainer_labels(six, tid, t, None)


class TrainerTableModel(RowTableModel):
    """The trainers active in a scope with their load (aggregated from the plan's arrays)."""

    HEADERS = TRAINER_COLUMNS

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.six: ScenarioIndex | None = None

    def set_data(self, pix: PlanIndex | None, six: ScenarioIndex, scope: Scope) -> None:
        self.beginResetModel()
        self.six = six
        rows = []
        if pix is not None and pix.n:
            idx = pix.indices(scope)
            idx = idx[pix.has_trainer[idx]]
            # trainers of a scope: those who deliver its sessions (plus, for a territory, those based there)
            if len(idx):
                tc = pix.trainer_code[idx]
                cnt = np.bincount(tc, minlength=len(pix.trainer_values))
                mins = np.bincount(tc, weights=pix.minutes[idx], minlength=len(pix.trainer_values))
                first = np.full(len(pix.trainer_values), 10**9, dtype=np.int64)
                last = np.zeros(len(pix.trainer_values), dtype=np.int64)
                np.minimum.at(first, tc, pix.date_ord[idx])
                np.maximum.at(last, tc, pix.date_ord[idx])
                # max sessions a day
                day_key = tc.astype(np.int64) * 10**7 + pix.date_ord[idx]
                uk, uc = np.unique(day_key, return_counts=True)
                maxday = np.zeros(len(pix.trainer_values), dtype=np.int64)
                np.maximum.at(maxday, (uk // 10**7).astype(np.int64), uc)
                nz = np.nonzero(cnt)[0]  # the columns as lists, read once (not a numpy scalar per cell)
                trainers, trainer_rows = six.trainers, pix.trainer_rows
                known = six.memo(TRAINER_LABELS_MEMO, dict)  # name, role, unit of the scenario's trainers
                for tid, n, m, d0, d1, most in zip(pix.trainer_values[nz].tolist(), cnt[nz].tolist(),
                                                   (mins[nz] / 60).tolist(), first[nz].tolist(), last[nz].tolist(),
                                                   maxday[nz].tolist()):
                    labels = known.get(tid)
                    if labels is None:
                        t = trainers.get(tid)
                        labels = _trainer_labels(six, tid, t, None if t else trainer_rows.get(tid))
                        if t is not None:  # a trainer of the plan only is not kept
                            known[tid] = labels
                    rows.append((*labels, n, m, d0, d1, most))
        col, order = getattr(self, "_sort", (4, Qt.SortOrder.DescendingOrder))
        key = (lambda r: fold(str(r[col]))) if col in (0, 1, 2, 3) else (lambda r: r[col])
        rows.sort(key=key, reverse=order == Qt.SortOrder.DescendingOrder)
        self._rows = rows
        self.endResetModel()

    def trainer_id(self, row: int) -> str:
        return self._rows[row][1]

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        """Sorting in Python on the row tuples (fast, unlike a proxy calling data() per comparison)."""
        if column < 0 or column >= len(TRAINER_COLUMNS):
            return
        self.layoutAboutToBeChanged.emit()
        key = (lambda r: fold(str(r[column]))) if column in (0, 1, 2, 3) else (lambda r: r[column])
        self._rows.sort(key=key, reverse=order == Qt.SortOrder.DescendingOrder)
        self._sort = (column, order)
        self.layoutChanged.emit()

    def rows(self):
        return self._rows

    def data(self, index, role=DISPLAY):
        if not index.isValid():
            return None
        r = self._rows[index.row()]
        c = index.column()
        if role == DISPLAY:
            if c in (6, 7):
                return dt.date.fromordinal(r[c]).strftime("%d/%m/%Y")
            if c == 5:
                return fmt.num(r[5], 1)
            if c in (4, 8):
                return fmt.num(r[c])
            return r[c]
        if role == SORT_ROLE:
            return r[c]
        if role == Qt.ItemDataRole.TextAlignmentRole and c >= 4:
            return RIGHT
        return None


# ============================================================== unplaced
UNPLACED_COLUMNS = ["Unité", "Étape", "Sessions", "Raison", "Identifiant", "Type", "Public"]


_UNPLACED_CELLS = (  # an unplaced record's cell in each column, as the table sorts it
    lambda u: u.get("name", ""), lambda u: fmt.kind_label(u.get("kind", "")), lambda u: u.get("sessions", 0),
    lambda u: u.get("reason", ""), lambda u: u.get("unit_id", ""),
    lambda u: fmt.unit_type_label(u.get("unit_type", "")), lambda u: fmt.audience_label(u.get("audience", "")))


class UnplacedTableModel(RowTableModel):
    """The unplaced records, sorted in Python by each column's values made once per row (a sorting proxy asked for
    two cells per comparison: 2.4 s on the window's thread to list a mid-year national plan's 11,000 records whose
    date was gone, 1 s per sort)."""

    HEADERS = UNPLACED_COLUMNS

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._sort: tuple[int, Qt.SortOrder] | None = None

    def set_rows(self, rows: list) -> None:
        self.beginResetModel()
        self._rows = self._sorted(list(rows))
        self.endResetModel()

    def _sorted(self, rows: list) -> list:
        if self._sort is None:
            return rows
        column, order = self._sort
        cell = _UNPLACED_CELLS[column]  # read once per row (a stable sort, as Qt's)
        return sorted(rows, key=lambda u: cell(u) if isinstance(u, dict) else "",
                      reverse=order == Qt.SortOrder.DescendingOrder)

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        if column < 0 or column >= len(self.HEADERS):
            return
        self.layoutAboutToBeChanged.emit()
        self._sort = (column, order)
        self._rows = self._sorted(self._rows)
        self.layoutChanged.emit()

    def row_dict(self, row: int) -> dict:
        return self._rows[row]

    def data(self, index, role=DISPLAY):
        if not index.isValid():
            return None
        u = self._rows[index.row()]
        c = index.column()
        if role in (DISPLAY, SORT_ROLE):
            v = _UNPLACED_CELLS[c](u)
            return (fmt.num(v) if c == 2 else v) if role == DISPLAY else v
        if role == TOOLTIP:
            return f"{u.get('name', '')} ({u.get('unit_id', '')})\n{u.get('reason', '')}"
        if role == Qt.ItemDataRole.TextAlignmentRole and c == 2:
            return RIGHT
        return None


# ============================================================== heat map
def heatmap_of(pix: PlanIndex, six: ScenarioIndex, scope: Scope,
               rows: list[Scope] | None = None) -> tuple[list[dt.date], np.ndarray | None]:
    """The heat map of a territory (:func:`_heatmap`; ``rows``: the territories below it, ``six.children(scope)``),
    made once per plan, territory and rows: a setting or a return to it finds it (the nation's: made in the
    background with the plan's figures)."""
    rows = six.children(scope) if rows is None else rows
    return pix.memo(("heatmap", tuple(scope), tuple(rows)), lambda: _heatmap(pix, scope, rows))


def _heatmap(pix: PlanIndex, scope: Scope, rows: list[Scope]) -> tuple[list[dt.date], np.ndarray | None]:
    """(the weeks that hold at least one session of the scope, from first to last, gaps kept; sessions per row and
    week), or ([], None) when the scope has no session."""
    idx = pix.indices(scope)
    if not len(idx):
        return [], None
    d0 = monday(dt.date.fromordinal(int(pix.date_ord[idx].min())))
    d1 = dt.date.fromordinal(int(pix.date_ord[idx].max()))
    nweeks = (d1 - d0).days // 7 + 1
    vals = np.zeros((len(rows), nweeks), dtype=np.int64)
    wk_all = (pix.date_ord - d0.toordinal()) // 7
    in_span = (wk_all >= 0) & (wk_all < nweeks)
    # the rows made of codes of one column (the académies of the nation, the départements of an académie, the
    # circonscriptions and bassins of a département…): their sessions found in one pass over that column, each
    # session's row looked up by its code, instead of one pass over the plan per row (a département: 40 rows)
    by_column: dict[str, list[tuple[int, list[int]]]] = {}
    alone: list[tuple[int, np.ndarray | None]] = []
    for r, sc in enumerate(rows):
        if sc == scope and sc[0] == "bassin":  # the bassin's own (perdir) sessions
            alone.append((r, np.nonzero(pix._eq(pix.unit_values, pix.unit_code, f"bassin|{sc[1]}"))[0]))
        elif sc == scope:
            alone.append((r, idx))
        elif (spec := pix.scope_codes(sc)) is None:
            alone.append((r, None))
        else:
            by_column.setdefault(spec[0], []).append((r, spec[1]))
    for col, members in by_column.items():
        codes = getattr(pix, col)
        row_of = np.full(int(codes.max(initial=0)) + 1, -1, dtype=np.int64)
        for r, cs in members:
            cs = [c for c in cs if c < len(row_of)]
            if (row_of[cs] >= 0).any():  # a code two rows share: that row counted on its own
                alone.append((r, pix.indices(rows[r])))
            else:
                row_of[cs] = r
        rs = row_of[codes]
        keep = (rs >= 0) & in_span
        vals += np.bincount(rs[keep] * nweeks + wk_all[keep], minlength=len(rows) * nweeks).reshape(len(rows), nweeks)
    for r, sub in alone:
        w, ok = (wk_all, in_span) if sub is None else (wk_all[sub], in_span[sub])
        vals[r] = np.bincount(w[ok], minlength=nweeks)
    vals.flags.writeable = False  # kept on the plan's index, shared by every model that shows it
    return [d0 + dt.timedelta(weeks=i) for i in range(nweeks)], vals


class HeatmapModel(QAbstractTableModel):
    """Rows: the units one level below the selection; columns: weeks; value: sessions that week."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[Scope] = []
        self._names: list[str] = []
        self._weeks: list[dt.date] = []
        self._values = np.zeros((0, 0), dtype=np.int64)
        self._max = 1
        self._brushes: dict[int, QBrush] = {}  # cell value → its colour, for the current maximum

    def set_data(self, pix: PlanIndex | None, six: ScenarioIndex, scope: Scope) -> None:
        self.beginResetModel()
        rows = six.children(scope)
        self._rows = rows
        self._names = [six.short_name(*r) for r in rows]
        self._weeks = []
        self._values = np.zeros((len(rows), 0), dtype=np.int64)
        rng = pix.date_range() if pix is not None else None
        if rng and rows:
            weeks, vals = heatmap_of(pix, six, scope, rows)
            if weeks:
                self._weeks, self._values = weeks, vals
        self._max = max(1, int(self._values.max()) if self._values.size else 1)
        self._brushes = {}
        self.endResetModel()

    def scope_at(self, row: int) -> Scope:
        return self._rows[row]

    def weeks(self) -> list[dt.date]:
        return self._weeks

    def values(self) -> np.ndarray:
        return self._values

    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self._weeks)

    def headerData(self, section, orientation, role=DISPLAY):
        if orientation == Qt.Orientation.Vertical:
            if role == DISPLAY:
                return self._names[section]
            if role == TOOLTIP:
                return self._names[section]
            return None
        w = self._weeks[section] if section < len(self._weeks) else None
        if w is None:
            return None
        if role == DISPLAY:
            return ""  # month names are painted across sections by MonthHeader
        if role == TOOLTIP:
            return f"Semaine du {fmt.date_long(w)}"
        return None

    def data(self, index, role=DISPLAY):
        if role == _BACKGROUND:  # asked for every cell at every repaint: one brush per distinct value, made once
            if not index.isValid():
                return None
            v = int(self._values[index.row(), index.column()])
            brush = self._brushes.get(v)
            if brush is None:
                brush = self._brushes[v] = QBrush(heat_color(v, self._max))
            return brush
        if role != TOOLTIP and role != SORT_ROLE or not index.isValid():
            return None
        v = int(self._values[index.row(), index.column()])
        if role == TOOLTIP:
            return (f"{self._names[index.row()]}\nSemaine du {fmt.date_long(self._weeks[index.column()])}\n"
                    f"{fmt.num(v)} session{'s' if v > 1 else ''}")
        if role == SORT_ROLE:
            return v
        return None


_BACKGROUND = Qt.ItemDataRole.BackgroundRole


def heat_color(v: int, vmax: int) -> QColor:
    if v <= 0:
        return QColor("#f4f6f8")
    t = min(1.0, (v / vmax) ** 0.6)
    # light yellow → orange → dark red
    stops = [(0.0, (255, 237, 160)), (0.5, (253, 141, 60)), (1.0, (165, 15, 21))]
    for (t0, c0), (t1, c1) in zip(stops, stops[1:]):
        if t <= t1:
            u = (t - t0) / (t1 - t0)
            return QColor(*[int(a + (b - a) * u) for a, b in zip(c0, c1)])
    return QColor(*stops[-1][1])


# ============================================================== candidates
CANDIDATE_COLUMNS = ["Rang", "Date", "Horaire", "Fenêtre", "Ce que ce choix implique", "Réalisable"]


class CandidateTableModel(RowTableModel):
    HEADERS = CANDIDATE_COLUMNS

    def __init__(self, candidates: list, settings=None, parent=None) -> None:
        super().__init__(parent)
        self._rows = list(candidates)
        self._settings = settings

    def candidate(self, row: int):
        return self._rows[row]

    def data(self, index, role=DISPLAY):
        if not index.isValid():
            return None
        c = self._rows[index.row()]
        col = index.column()
        feasible = bool(getattr(c, "feasible", True))
        if role == DISPLAY:
            if col == 0:
                return str(getattr(c, "rank", index.row() + 1))
            if col == 1:
                return fmt.date_long(c.date)
            if col == 2:
                return f"{c.start}–{c.end}"
            if col == 3:
                return fmt.window_label(getattr(c, "window", ""), self._settings)
            if col == 4:
                return getattr(c, "implications", "")
            if col == 5:
                return "oui" if feasible else "non"
        if role == TOOLTIP and col == 4:
            return getattr(c, "implications", "")
        if role == Qt.ItemDataRole.ForegroundRole and not feasible:
            return QBrush(QColor("#999999"))
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 0:
            return RIGHT
        return None

    def flags(self, index):
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        c = self._rows[index.row()]
        f = Qt.ItemFlag.ItemIsEnabled
        if getattr(c, "feasible", True):
            f |= Qt.ItemFlag.ItemIsSelectable
        return f


__all__ = ["TerritoryModel", "TerritoryFilter", "SessionTableModel", "SessionProxyModel", "TrainerTableModel",
           "UnplacedTableModel", "HeatmapModel", "CandidateTableModel", "SCOPE_ROLE", "SORT_ROLE",
           "QPersistentModelIndex"]


class MonthHeader(QHeaderView):
    """Horizontal header of the heat map: month names painted across the week sections."""

    def __init__(self, parent=None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.setMinimumSectionSize(4)

    def sizeHint(self):
        s = super().sizeHint()
        s.setHeight(max(20, self.fontMetrics().height() + 6))
        return s

    def paintEvent(self, e) -> None:
        super().paintEvent(e)
        m = self.model()
        if not isinstance(m, HeatmapModel):
            return
        weeks = m.weeks()
        p = QPainter(self.viewport())
        p.setPen(QColor("#1f3a5f"))
        last = None
        for i, w in enumerate(weeks):
            month_start = w if w.day <= 7 else None
            if i == 0 or (month_start is not None and w.month != last):
                x = self.sectionViewportPosition(i)
                if x > -40:
                    p.drawLine(x, self.height() - 5, x, self.height())
                    lab = fmt.MONTHS_SHORT[w.month - 1]
                    p.drawText(x + 2, 0, 60, self.height(), int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), lab)
            last = w.month
        p.end()
