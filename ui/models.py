"""Qt item models over the core's data (scenario, plan): no copies into widgets.

- :class:`TerritoryModel` — académies → départements → circonscriptions and bassins → établissements;
  :class:`TerritoryFilter` — search by name or UAI (recursive filtering).
- :class:`SessionTableModel` over ``plan.sessions`` and :class:`SessionProxyModel`, a proxy whose
  filtering and sorting run on numpy arrays (52,000 rows stay instantaneous).
- :class:`TrainerTableModel`, :class:`UnplacedTableModel`, :class:`HeatmapModel`,
  :class:`CandidateTableModel`.
"""
from __future__ import annotations

import datetime as dt
import unicodedata

import numpy as np
from PySide6.QtCore import (QAbstractItemModel, QAbstractProxyModel, QAbstractTableModel, QModelIndex,
                            QPersistentModelIndex, QSortFilterProxyModel, Qt)
from PySide6.QtGui import QBrush, QColor, QFont, QPainter
from PySide6.QtWidgets import QHeaderView

from planner.models import ETAB_TYPE_LABELS, ROLE_LABELS

from . import fmt
from planner.plan_index import NATION, PlanIndex, ScenarioIndex, Scope, factorize, monday, rank_of

DISPLAY = Qt.ItemDataRole.DisplayRole
TOOLTIP = Qt.ItemDataRole.ToolTipRole
USER = Qt.ItemDataRole.UserRole
SCOPE_ROLE = USER + 1
SORT_ROLE = USER + 2
RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

TYPE_COLORS = {
    "nation": "#1f3a5f",
    "academie": "#1f3a5f",
    "departement": "#3d6a9e",
    "circonscription": "#2e8b57",
    "bassin": "#b5651d",
    "etablissement": "#7a4fa0",
}


_ICONS: dict = {}


def type_icon(kind: str):
    """A small coloured dot per unit type (created lazily, once)."""
    if kind not in _ICONS:
        from PySide6.QtGui import QIcon, QPainter, QPixmap

        pm = QPixmap(12, 12)
        pm.fill(Qt.GlobalColor.transparent)
        p = QPainter(pm)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setBrush(QColor(TYPE_COLORS.get(kind, "#555555")))
        p.setPen(Qt.PenStyle.NoPen)
        if kind in ("etablissement",):
            p.drawRect(2, 2, 8, 8)
        else:
            p.drawEllipse(1, 1, 10, 10)
        p.end()
        _ICONS[kind] = QIcon(pm)
    return _ICONS[kind]


def fold(s: str) -> str:
    s = unicodedata.normalize("NFKD", s.lower())
    return "".join(c for c in s if not unicodedata.combining(c))


# ============================================================== territory
class _Node:
    __slots__ = ("kind", "uid", "name", "parent", "children", "row", "search")

    def __init__(self, kind: str, uid: str, name: str, parent: "_Node | None") -> None:
        self.kind, self.uid, self.name, self.parent = kind, uid, name, parent
        self.children: list[_Node] = []
        self.row = 0
        self.search = ""

    def add(self, child: "_Node") -> "_Node":
        child.row = len(self.children)
        self.children.append(child)
        return child


class TerritoryModel(QAbstractItemModel):
    HEADERS = ["Territoire", "Sessions", "Fin"]
    HEADER_TIPS = ["Académies, départements, circonscriptions, bassins, établissements",
                   "Sessions planifiées (toutes étapes)", "Date de la dernière session planifiée"]

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._root = _Node("root", "", "", None)
        self._nodes: dict[Scope, _Node] = {}
        self._totals: dict[Scope, tuple[int, int]] = {}

    def set_scenario(self, six: ScenarioIndex) -> None:
        self.beginResetModel()
        sc = six.scenario
        root = _Node("root", "", "", None)
        nodes: dict[Scope, _Node] = {}
        nation = root.add(_Node("nation", "", "France entière", root))
        nodes[NATION] = nation
        deps_of: dict[str, list] = {}
        for d in sc.departements:
            deps_of.setdefault(d.academie, []).append(d)
        circ_of: dict[str, list] = {}
        for c in sc.circonscriptions:
            circ_of.setdefault(c.departement, []).append(c)
        bas_of: dict[str, list] = {}
        for b in sc.bassins:
            bas_of.setdefault(b.departement, []).append(b)
        etab_of_bassin: dict[str, list] = {}
        etab_of_dep: dict[str, list] = {}
        known_bassins = {b.id for b in sc.bassins}
        for e in sc.in_scope_etablissements():
            if e.bassin in known_bassins:
                etab_of_bassin.setdefault(e.bassin, []).append(e)
            else:
                etab_of_dep.setdefault(e.departement, []).append(e)

        def etab_node(parent, e):
            n = parent.add(_Node("etablissement", e.uai, e.name, parent))
            n.search = fold(f"{e.name} {e.uai} {e.commune}")
            nodes[("etablissement", e.uai)] = n

        for a in sorted(sc.academies, key=lambda a: fold(a.name)):
            an = nation.add(_Node("academie", a.code, f"{a.name} ({a.code})", nation))
            an.search = fold(f"{a.name} academie {a.code}")
            nodes[("academie", a.code)] = an
            for d in sorted(deps_of.get(a.code, []), key=lambda d: d.code):
                dn = an.add(_Node("departement", d.code, f"{d.name} ({d.code})", an))
                dn.search = fold(f"{d.name} {d.code}")
                nodes[("departement", d.code)] = dn
                for c in circ_of.get(d.code, []):
                    cn = dn.add(_Node("circonscription", c.id, c.name, dn))
                    cn.search = fold(f"{c.name} {c.id}")
                    nodes[("circonscription", c.id)] = cn
                for b in bas_of.get(d.code, []):
                    bn = dn.add(_Node("bassin", b.id, b.name, dn))
                    bn.search = fold(f"{b.name} {b.id}")
                    nodes[("bassin", b.id)] = bn
                    for e in sorted(etab_of_bassin.get(b.id, []), key=lambda e: fold(e.name)):
                        etab_node(bn, e)
                for e in sorted(etab_of_dep.get(d.code, []), key=lambda e: fold(e.name)):
                    etab_node(dn, e)
        self._root, self._nodes = root, nodes
        self._types = {}
        self._etab_types = {e.uai: e.type for e in sc.etablissements}
        self._totals = {}
        self.endResetModel()

    def set_totals(self, totals: dict[Scope, tuple[int, int]]) -> None:
        self._totals = totals
        if self._root.children:
            self._emit_all(QModelIndex())

    def _emit_all(self, parent: QModelIndex) -> None:
        n = self.rowCount(parent)
        if n:
            self.dataChanged.emit(self.index(0, 1, parent), self.index(n - 1, 2, parent))

    def index_of(self, scope: Scope) -> QModelIndex:
        node = self._nodes.get(scope)
        if node is None:
            return QModelIndex()
        return self.createIndex(node.row, 0, node)

    def nodes(self):
        return self._nodes.values()

    # Qt API
    def _node(self, index: QModelIndex) -> _Node:
        return index.internalPointer() if index.isValid() else self._root

    def index(self, row, column, parent=QModelIndex()):
        p = self._node(parent)
        if 0 <= row < len(p.children) and 0 <= column < 3:
            return self.createIndex(row, column, p.children[row])
        return QModelIndex()

    def parent(self, index=QModelIndex()):
        if not index.isValid():
            return QModelIndex()
        p = index.internalPointer().parent
        if p is None or p is self._root:
            return QModelIndex()
        return self.createIndex(p.row, 0, p)

    def rowCount(self, parent=QModelIndex()):
        if parent.isValid() and parent.column() != 0:
            return 0
        return len(self._node(parent).children)

    def columnCount(self, parent=QModelIndex()):
        return 3

    def headerData(self, section, orientation, role=DISPLAY):
        if orientation == Qt.Orientation.Horizontal and role == DISPLAY:
            return self.HEADERS[section]
        if orientation == Qt.Orientation.Horizontal and role == TOOLTIP:
            return self.HEADER_TIPS[section]
        return None

    def data(self, index, role=DISPLAY):
        if not index.isValid():
            return None
        n: _Node = index.internalPointer()
        col = index.column()
        if role == DISPLAY:
            if col == 0:
                return n.name
            tot = self._totals.get((n.kind, n.uid))
            if not tot:
                return "" if col == 2 or not self._totals else "—"
            if col == 1:
                return fmt.num(tot[0])
            return dt.date.fromordinal(tot[1]).strftime("%d/%m/%y")
        if role == SCOPE_ROLE:
            return (n.kind, n.uid)
        if role == Qt.ItemDataRole.TextAlignmentRole and col > 0:
            return RIGHT
        if role == Qt.ItemDataRole.DecorationRole and col == 0:
            return type_icon(n.kind)
        if role == Qt.ItemDataRole.FontRole and n.kind in ("nation", "academie"):
            f = QFont()
            f.setBold(True)
            return f
        if role == TOOLTIP:
            label = fmt.unit_type_label(n.kind) if n.kind != "nation" else "Territoire national"
            extra = ""
            if n.kind == "etablissement":
                extra = f" — {ETAB_TYPE_LABELS.get(self._etab_types.get(n.uid, ''), '')} — UAI {n.uid}"
            tot = self._totals.get((n.kind, n.uid))
            if tot:
                extra += (f"\n{fmt.num(tot[0])} session{'s' if tot[0] > 1 else ''} planifiée{'s' if tot[0] > 1 else ''}, "
                          f"la dernière le {fmt.date_long(dt.date.fromordinal(tot[1]))}")
            return f"{label} : {n.name}{extra}"
        return None


class TerritoryFilter(QSortFilterProxyModel):
    """Search by name or UAI: matching nodes are computed in Python once per query."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setRecursiveFilteringEnabled(True)
        self._matches: set[int] | None = None

    def set_query(self, text: str) -> int:
        q = fold(text.strip())
        if hasattr(self, "beginFilterChange"):
            self.beginFilterChange()
        if not q:
            self._matches = None
        else:
            words = q.split()
            src: TerritoryModel = self.sourceModel()
            self._matches = {id(n) for n in src.nodes() if all(w in n.search for w in words)}
        if hasattr(self, "endFilterChange"):
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:  # Qt < 6.9
            self.invalidateFilter()
        return -1 if self._matches is None else len(self._matches)

    def filterAcceptsRow(self, row, parent):
        if self._matches is None:
            return True
        idx = self.sourceModel().index(row, 0, parent)
        return id(idx.internalPointer()) in self._matches


# ============================================================== sessions
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
        self._sessions: list = []
        self._sort_keys: dict[int, np.ndarray] = {}
        self._haystack: list[str] | None = None

    def set_plan(self, pix: PlanIndex | None, six: ScenarioIndex) -> None:
        self.beginResetModel()
        self.pix, self.six = pix, six
        self._sessions = pix.plan.sessions if pix else []
        self._sort_keys = {}
        self._haystack = None
        self.endResetModel()

    def session(self, row: int):
        return self._sessions[row]

    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self._sessions)

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

    def _trainer_name(self, tid: str) -> str:
        t = self.six.trainers.get(tid) if self.six else None
        return (t.name or tid) if t else tid

    def cell(self, row: int, col: int, role=DISPLAY):
        s = self._sessions[row]
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
                return str(s.participants)
            if key == "window":
                return fmt.window_label(s.window, self.six.scenario.settings if self.six else None)
            if key == "group":
                return str(s.group) if s.group else ""
            if key == "pinned":
                return "📌 oui" if s.pinned else ""
            if key == "title":
                return s.title
        elif role == TOOLTIP:
            return (f"{fmt.kind_label(s.kind, long=True)}{(' — ' + s.title) if s.title else ''}\n{fmt.date_long(s.date)}, {s.start}–{s.end}\n"
                    f"{fmt.unit_type_label(s.unit_type)} : {self._unit_name(s)} ({s.unit_id})\n"
                    f"Formateur : {self._trainer_name(s.trainer_id)} ({s.trainer_id})\n"
                    f"{s.participants} participants — {fmt.audience_label(s.audience)}")
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
        ss = self._sessions
        key = SESSION_COLUMNS[col][0]
        n = len(ss)
        pix, six = self.pix, self.six
        settings = six.scenario.settings

        def by_label(values, codes, label):
            return rank_of([label(str(v)) for v in values])[codes]

        if key == "date":
            k = pix.date_ord * 1440 + pix.start_minutes
        elif key == "start":
            k = pix.start_code
        elif key == "end":
            k = pix.end_code
        elif key == "participants":
            k = pix.participants
        elif key == "group":
            k = np.fromiter((s.group for s in ss), dtype=np.int64, count=n)
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
            k = by_label(pix.trainer_values, pix.trainer_code, lambda t: fold(self._trainer_name(t)) if t else "~")
        elif key == "unit":
            k = by_label(pix.unit_values, pix.unit_code, lambda u: fold(six.short_name(*u.split("|", 1))))
        elif key == "unit_id":
            k = by_label(pix.unit_values, pix.unit_code, lambda u: u.split("|", 1)[1])
        else:  # title
            _, k = factorize(s.title for s in ss)
        self._sort_keys[col] = k
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
            units = [fold(f"{u.split('|', 1)[1]} {six.short_name(*u.split('|', 1))}") for u in pix.unit_values]
            trainers = [fold(f"{t} {self._trainer_name(t)}") if t else "" for t in pix.trainer_values]
            date_values, date_code = factorize(int(d) for d in pix.date_ord)
            dates = [dt.date.fromordinal(int(d)).strftime("%d/%m/%Y") for d in date_values]
            self._haystack = (units, trainers, dates, date_code)
        units, trainers, dates, date_code = self._haystack
        for w in words:
            um = np.fromiter((w in u for u in units), dtype=bool, count=len(units))
            tm = np.fromiter((w in t for t in trainers), dtype=bool, count=len(trainers))
            dm = np.fromiter((w in d for d in dates), dtype=bool, count=len(dates))
            mask &= um[pix.unit_code] | tm[pix.trainer_code] | dm[date_code]
        return mask


def _hm(x: str) -> int:
    h, m = x.split(":")
    return int(h) * 60 + int(m)


class SessionProxyModel(QAbstractProxyModel):
    """Filter and sort the sessions on numpy arrays: a row mapping, never a copy of the data."""

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
            rows = np.sort(self._map)
            key = m.sort_key(column)[rows]
            o = np.argsort(key, kind="stable")
            if order == Qt.SortOrder.DescendingOrder:
                o = o[::-1]
            self._map = rows[o]
            self._inv = None
        self.layoutChanged.emit()

    def source_rows(self) -> np.ndarray:
        return self._map

    # QAbstractProxyModel API
    def mapToSource(self, proxy_index):
        if not proxy_index.isValid() or proxy_index.row() >= len(self._map):
            return QModelIndex()
        return self.src().index(int(self._map[proxy_index.row()]), proxy_index.column())

    def mapFromSource(self, source_index):
        if not source_index.isValid():
            return QModelIndex()
        if self._inv is None:
            inv = np.full(self.src().rowCount(), -1, dtype=np.int64)
            inv[self._map] = np.arange(len(self._map))
            self._inv = inv
        r = int(self._inv[source_index.row()])
        return self.index(r, source_index.column()) if r >= 0 else QModelIndex()

    def index(self, row, column, parent=QModelIndex()):
        if parent.isValid() or row < 0 or row >= len(self._map) or column < 0 or column >= len(SESSION_COLUMNS):
            return QModelIndex()
        return self.createIndex(row, column)

    def parent(self, index=QModelIndex()):
        return QModelIndex()

    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self._map)

    def columnCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(SESSION_COLUMNS)

    def hasChildren(self, parent=QModelIndex()):
        return not parent.isValid()

    def data(self, index, role=DISPLAY):
        if not index.isValid():
            return None
        return self.src().cell(int(self._map[index.row()]), index.column(), role)

    def headerData(self, section, orientation, role=DISPLAY):
        if orientation == Qt.Orientation.Vertical:
            return str(section + 1) if role == DISPLAY else None
        return self.src().headerData(section, orientation, role)

    def flags(self, index):
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable if index.isValid() else Qt.ItemFlag.NoItemFlags

    def session_at(self, row: int):
        return self.src().session(int(self._map[row]))


# ============================================================== trainers
TRAINER_COLUMNS = ["Formateur", "Identifiant", "Rôle", "Unité", "Sessions", "Heures", "Première", "Dernière",
                   "Max./jour"]


class TrainerTableModel(QAbstractTableModel):
    """The trainers active in a scope with their load (aggregated from the plan's arrays)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[tuple] = []
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
                for i in np.nonzero(cnt)[0]:
                    tid = str(pix.trainer_values[i])
                    t = six.trainers.get(tid)
                    tr = pix.trainer_rows.get(tid)
                    role = (t.role if t else (tr.role if tr else ""))
                    ut, uid = (t.unit_type, t.unit_id) if t else ((tr.unit_type, tr.unit_id) if tr else ("", ""))
                    rows.append((t.name if t and t.name else tid, tid, ROLE_LABELS.get(role, role),
                                 six.short_name(ut, uid) if ut else "", int(cnt[i]), float(mins[i]) / 60,
                                 int(first[i]), int(last[i]), int(maxday[i])))
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

    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(TRAINER_COLUMNS)

    def headerData(self, section, orientation, role=DISPLAY):
        if role == DISPLAY and orientation == Qt.Orientation.Horizontal:
            return TRAINER_COLUMNS[section]
        return None

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


class UnplacedTableModel(QAbstractTableModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[dict] = []

    def set_rows(self, rows: list[dict]) -> None:
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def row_dict(self, row: int) -> dict:
        return self._rows[row]

    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(UNPLACED_COLUMNS)

    def headerData(self, section, orientation, role=DISPLAY):
        if role == DISPLAY and orientation == Qt.Orientation.Horizontal:
            return UNPLACED_COLUMNS[section]
        return None

    def data(self, index, role=DISPLAY):
        if not index.isValid():
            return None
        u = self._rows[index.row()]
        c = index.column()
        if role in (DISPLAY, SORT_ROLE):
            vals = [u.get("name", ""), fmt.kind_label(u.get("kind", "")), u.get("sessions", 0), u.get("reason", ""),
                    u.get("unit_id", ""), fmt.unit_type_label(u.get("unit_type", "")),
                    fmt.audience_label(u.get("audience", ""))]
            v = vals[c]
            return (fmt.num(v) if c == 2 else v) if role == DISPLAY else v
        if role == TOOLTIP:
            return f"{u.get('name', '')} ({u.get('unit_id', '')})\n{u.get('reason', '')}"
        if role == Qt.ItemDataRole.TextAlignmentRole and c == 2:
            return RIGHT
        return None


# ============================================================== heat map
class HeatmapModel(QAbstractTableModel):
    """Rows: the units one level below the selection; columns: weeks; value: sessions that week."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[Scope] = []
        self._names: list[str] = []
        self._weeks: list[dt.date] = []
        self._values = np.zeros((0, 0), dtype=np.int64)
        self._max = 1

    def set_data(self, pix: PlanIndex | None, six: ScenarioIndex, scope: Scope) -> None:
        self.beginResetModel()
        rows = six.children(scope)
        self._rows = rows
        self._names = [six.short_name(*r) for r in rows]
        self._weeks = []
        self._values = np.zeros((len(rows), 0), dtype=np.int64)
        rng = pix.date_range() if pix is not None else None
        if rng and rows:
            # the weeks that hold at least one session in the scope, from first to last (gaps kept)
            idx = pix.indices(scope)
            if len(idx):
                d0 = monday(dt.date.fromordinal(int(pix.date_ord[idx].min())))
                d1 = dt.date.fromordinal(int(pix.date_ord[idx].max()))
                nweeks = (d1 - d0).days // 7 + 1
                self._weeks = [d0 + dt.timedelta(weeks=i) for i in range(nweeks)]
                vals = np.zeros((len(rows), nweeks), dtype=np.int64)
                wk_all = (pix.date_ord - d0.toordinal()) // 7
                for r, sc in enumerate(rows):
                    if sc == scope and sc[0] == "bassin":  # the bassin's own (perdir) sessions
                        sub = np.nonzero(pix._eq(pix.unit_values, pix.unit_code, f"bassin|{sc[1]}"))[0]
                    elif sc == scope:
                        sub = idx
                    else:
                        sub = pix.indices(sc)
                    w = wk_all[sub]
                    w = w[(w >= 0) & (w < nweeks)]
                    vals[r] = np.bincount(w, minlength=nweeks)[:nweeks]
                self._values = vals
        self._max = max(1, int(self._values.max()) if self._values.size else 1)
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
        if not index.isValid():
            return None
        v = int(self._values[index.row(), index.column()])
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(heat_color(v, self._max))
        if role == TOOLTIP:
            return (f"{self._names[index.row()]}\nSemaine du {fmt.date_long(self._weeks[index.column()])}\n"
                    f"{fmt.num(v)} session{'s' if v > 1 else ''}")
        if role == SORT_ROLE:
            return v
        return None


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


class CandidateTableModel(QAbstractTableModel):
    def __init__(self, candidates: list, settings=None, parent=None) -> None:
        super().__init__(parent)
        self._c = list(candidates)
        self._settings = settings

    def candidate(self, row: int):
        return self._c[row]

    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self._c)

    def columnCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(CANDIDATE_COLUMNS)

    def headerData(self, section, orientation, role=DISPLAY):
        if role == DISPLAY and orientation == Qt.Orientation.Horizontal:
            return CANDIDATE_COLUMNS[section]
        return None

    def data(self, index, role=DISPLAY):
        if not index.isValid():
            return None
        c = self._c[index.row()]
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
        c = self._c[index.row()]
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
