"""The territory tree and its search."""
from __future__ import annotations

import datetime as dt
import weakref

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QFont

from planner.models import ETAB_TYPE_LABELS
from planner.plan_index import NATION, ScenarioIndex, Scope

from .. import fmt
from .base import DISPLAY, RIGHT, SCOPE_ROLE, TOOLTIP, fold, type_icon


class _Node:
    """A territory of the tree; its parent is held weakly (the root holds the tree): no cycle, so a tree the window no
    longer shows is freed at once, never left to the cyclic collector (the window freezes what is alive between
    operations: :func:`ui.operations._gc_resume`)."""

    __slots__ = ("kind", "uid", "name", "_up", "children", "row", "search", "__weakref__")

    def __init__(self, kind: str, uid: str, name: str, parent: "_Node | None") -> None:
        self.kind, self.uid, self.name = kind, uid, name
        self._up = None if parent is None else weakref.ref(parent)
        self.children: list[_Node] = []
        self.row = 0
        self.search = ""

    @property
    def parent(self) -> "_Node | None":
        return None if self._up is None else self._up()

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
        self._six: ScenarioIndex | None = None

    def set_scenario(self, six: ScenarioIndex) -> None:
        """Show the territory of ``six`` (its tree is built once per scenario index, by the operation that
        opened the file when there was one: :func:`territory_tree`)."""
        root, nodes, etab_types = six.memo(("territory_tree",), lambda: territory_tree(six))
        self.beginResetModel()
        self._root, self._nodes = root, nodes
        self._types = {}
        self._etab_types = etab_types
        self._six = six
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
            extra += self._teachers_tip(n)
            tot = self._totals.get((n.kind, n.uid))
            if tot:
                extra += (f"\n{fmt.num(tot[0])} session{'s' if tot[0] > 1 else ''} planifiée{'s' if tot[0] > 1 else ''}, "
                          f"la dernière le {fmt.date_long(dt.date.fromordinal(tot[1]))}")
            return f"{label} : {n.name}{extra}"
        return None

    def _teachers_tip(self, n: _Node) -> str:
        """A circonscription's or établissement's teachers, marked « estimé » (and how) when not counted."""
        six = self._six
        unit = None if six is None else {"circonscription": six.circonscriptions,
                                         "etablissement": six.etablissements}.get(n.kind, {}).get(n.uid)
        if unit is None:
            return ""
        if (n.kind, n.uid) not in six.estimated:
            return f"\n{fmt.num(unit.teachers)} enseignants"
        return f"\n{fmt.num(unit.teachers)} enseignants ({fmt.ESTIMATED})\n{fmt.estimated_tip([n.kind])}"


def territory_tree(six: ScenarioIndex) -> tuple:
    """(root, nodes by scope, établissement types) of the territory tree: plain Python, any thread."""
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

    folded: dict[str, str] = {}  # établissement → its name folded, once for its place and its search

    def by_name(e) -> str:
        v = folded.get(e.uai)
        if v is None:
            v = folded[e.uai] = fold(e.name)
        return v

    def etab_node(parent, e):
        n = parent.add(_Node("etablissement", e.uai, e.name, parent))
        n.search = f"{by_name(e)} {fold(f'{e.uai} {e.commune}')}"
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
                for e in sorted(etab_of_bassin.get(b.id, []), key=by_name):
                    etab_node(bn, e)
            for e in sorted(etab_of_dep.get(d.code, []), key=by_name):
                etab_node(dn, e)
    return root, nodes, {e.uai: e.type for e in sc.etablissements}


class TerritoryFilter(QSortFilterProxyModel):
    """Search by name or UAI: the matching nodes and their ancestors (the rows kept) are computed in Python once
    per query. Qt's recursive filtering asked for every node, and again for each of its ancestors' turn, going
    through a model index each time: up to a second on the window's thread for a national territory; here Qt asks
    only for the children of the rows kept, each answered by a set lookup."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._matches: set[int] | None = None  # the nodes whose search text holds every word
        self._kept: set[int] | None = None  # those and their ancestors

    def set_query(self, text: str) -> int:
        q = fold(text.strip())
        if hasattr(self, "beginFilterChange"):
            self.beginFilterChange()
        if not q:
            self._matches = self._kept = None
        else:
            words = q.split()
            src: TerritoryModel = self.sourceModel()
            matches = list(src.nodes())
            for w in words:  # one plain pass per word over what the words before kept
                matches = [n for n in matches if w in n.search]
            kept: set[int] = set()
            for n in matches:
                while n is not None and id(n) not in kept:
                    kept.add(id(n))
                    n = n.parent
            self._matches, self._kept = {id(n) for n in matches}, kept
        if hasattr(self, "endFilterChange"):
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:  # Qt < 6.9
            self.invalidateFilter()
        return -1 if self._matches is None else len(self._matches)

    def filterAcceptsRow(self, row, parent):  # noqa: N802 - Qt API
        if self._kept is None:
            return True
        children = (parent.internalPointer() if parent.isValid() else self.sourceModel()._root).children
        return row < len(children) and id(children[row]) in self._kept


# ============================================================== sessions
