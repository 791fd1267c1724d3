"""The territory tree (France › académies › départements › circonscriptions, bassins, établissements)
with its search box; selecting a node sets the window's scope."""
from __future__ import annotations

from PySide6.QtCore import QModelIndex, QSettings, Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QMenu, QTreeView, QVBoxLayout, \
    QWidget

from planner.plan_index import NATION, Scope

from . import fmt
from .models import SCOPE_ROLE, TerritoryFilter, TerritoryModel
from .widgets import debounced_search


class TerritoryPanel(QWidget):
    def __init__(self, window) -> None:
        super().__init__()
        self.window = window
        self.model = TerritoryModel(self)
        self.filter = TerritoryFilter(self)
        self.filter.setSourceModel(self.model)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 0, 4)
        self.search, self.timer = debounced_search(self, "territorySearch", "Rechercher un nom ou un UAI (Ctrl+F)", 200,
                                                   self.run_search)
        self.search.returnPressed.connect(self.run_search)
        self.info = QLabel("")
        self.info.setObjectName("searchInfo")
        t = self.tree = QTreeView()
        t.setObjectName("territoryTree")
        t.setModel(self.filter)
        t.setUniformRowHeights(True)
        t.setAlternatingRowColors(True)
        t.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # « Collège … Jean Jaurès »: the name's end tells units apart
        hh = t.header()
        hh.setStretchLastSection(False)
        hh.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        hh.setSectionResizeMode(1, QHeaderView.ResizeMode.Fixed)
        hh.setSectionResizeMode(2, QHeaderView.ResizeMode.Fixed)
        hh.resizeSection(1, self._counts_width(0))  # widened by set_totals when a total needs it
        hh.resizeSection(2, 66)
        # « Fin » (last session) is hidden at first: names get the room; the tooltip says it, the header's menu shows it
        t.setColumnHidden(2, not QSettings().value("treeShowLast", False, type=bool))
        hh.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        hh.customContextMenuRequested.connect(self._header_menu)
        t.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        t.selectionModel().currentChanged.connect(self._current_changed)
        t.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        t.customContextMenuRequested.connect(self.context_menu)
        lay.addWidget(self.search)
        lay.addWidget(self.info)
        lay.addWidget(t, 1)
        self.context: QMenu | None = None

    def set_totals(self, totals: dict) -> None:
        """The tree's session counts ((sessions, last date) by scope); the column grows as wide as the largest
        count needs, in bold as the nation's row shows it (« 403 599 », not « 40…99 »), and no wider: the names
        keep the room."""
        self.model.set_totals(totals)
        self.tree.header().resizeSection(1, self._counts_width(max((n for n, _ in totals.values()), default=0)))

    def _counts_width(self, most: int) -> int:
        """The counts column's width: the largest count in bold, and at least its header (« Sessions » was cut
        to « Session… » before any plan)."""
        bold = QFont(self.tree.font())
        bold.setBold(True)
        title = str(self.model.headerData(1, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole) or "")
        header = QFontMetrics(self.tree.header().font()).horizontalAdvance(title)
        return max(header, QFontMetrics(bold).horizontalAdvance(fmt.num(most))) + 14

    def _header_menu(self, pos) -> None:
        menu = QMenu(self.tree)
        a = menu.addAction("Colonne « Fin » (date de la dernière session)")
        a.setCheckable(True)
        a.setChecked(not self.tree.isColumnHidden(2))
        a.toggled.connect(self.show_last_column)
        self.header_menu = menu
        menu.popup(self.tree.header().mapToGlobal(pos))

    def show_last_column(self, on: bool) -> None:
        self.tree.setColumnHidden(2, not on)
        QSettings().setValue("treeShowLast", bool(on))

    def set_scenario(self, six) -> None:
        self.model.set_scenario(six)
        self.expand_root()

    def expand_root(self) -> None:
        root = self.filter.index(0, 0)
        if root.isValid():
            self.tree.expand(root)

    def show_scope(self, scope: Scope) -> bool:
        """Select ``scope`` in the tree (clearing a search that hides it); False if it is not in the tree."""
        src = self.model.index_of(scope)
        if not src.isValid():
            return False
        idx = self.filter.mapFromSource(src)
        if not idx.isValid():  # hidden by the search: clear it
            self.search.clear()
            self.filter.set_query("")
            idx = self.filter.mapFromSource(src)
        p = idx.parent()
        while p.isValid():
            self.tree.expand(p)
            p = p.parent()
        self.tree.setCurrentIndex(idx)
        self.tree.scrollTo(idx)
        return True

    def _current_changed(self, cur: QModelIndex, _prev: QModelIndex) -> None:
        if cur.isValid():
            self.window.set_scope(tuple(cur.data(SCOPE_ROLE)))

    def context_menu(self, pos) -> None:
        idx = self.tree.indexAt(pos)
        if not idx.isValid():
            return
        self.tree.setCurrentIndex(idx)
        kind = self.window.scope[0]
        w = self.window
        menu = QMenu(self.tree)
        if kind in ("etablissement", "circonscription", "bassin", "departement"):
            menu.addAction(w.act_slots)
        if kind in ("etablissement", "circonscription"):
            menu.addAction(w.act_roadmap)
        if kind != "nation":
            menu.addAction(w.act_print)
        menu.addSeparator()
        menu.addAction(w.act_solve)
        self.context = menu
        menu.popup(self.tree.viewport().mapToGlobal(pos))

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def run_search(self) -> None:
        text = self.search.text()
        n = self.filter.set_query(text)
        if n < 0:
            self.info.setText("")
            self.tree.collapseAll()
            self.expand_root()
            self.window.select_scope(self.window.scope)
            return
        self.info.setText("Aucun résultat" if n == 0 else f"{fmt.num(n)} résultat{'s' if n > 1 else ''}")
        if 0 < n <= 300:
            self.tree.expandAll()
        else:
            self.expand_root()
        q = text.strip().upper()
        if n > 0 and len(q) == 8 and q[:7].isdigit() and self.model.index_of(("etablissement", q)).isValid():
            self.window.select_scope(("etablissement", q))
            return
        if n == 1:
            node = next((nd for nd in self.model.nodes() if id(nd) in (self.filter._matches or ())), None)
            if node is not None:
                self.window.select_scope((node.kind, node.uid))


__all__ = ["NATION", "TerritoryPanel"]
