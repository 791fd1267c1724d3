"""Roles, colours and helpers shared by the item models."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QAbstractProxyModel, QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QColor

from planner.text import fold  # noqa: F401 (the one accent folding, re-exported for the models)


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


class RowTableModel(QAbstractTableModel):
    """A flat table of ``_rows`` under the column titles ``HEADERS``: the counts and the header of every such
    model; subclasses give ``data``."""

    HEADERS: list[str] = []

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list = []

    def set_rows(self, rows: list) -> None:
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section, orientation, role=DISPLAY):
        if role == DISPLAY and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section]
        return None


class RowMapProxy(QAbstractProxyModel):
    """A flat proxy whose row ``i`` is the source's row ``_map[i]`` (a list or a numpy array, which subclasses
    compute: filtered and sorted without asking the source a cell per comparison); ``COLUMNS``: its column count.
    Selectable rows, no vertical header text unless a subclass gives one."""

    COLUMNS = 0

    def mapToSource(self, proxy_index):  # noqa: N802 - Qt API
        if not proxy_index.isValid() or proxy_index.row() >= len(self._map):
            return QModelIndex()
        return self.sourceModel().index(int(self._map[proxy_index.row()]), proxy_index.column())

    def mapFromSource(self, source_index):  # noqa: N802 - Qt API
        """Through ``_inv`` (source row → proxy row, -1 when filtered out), made on first use; a subclass sets it
        back to None whenever ``_map`` changes."""
        if not source_index.isValid():
            return QModelIndex()
        if self._inv is None:
            inv = np.full(self.sourceModel().rowCount(), -1, dtype=np.int64)
            inv[np.asarray(self._map, dtype=np.int64)] = np.arange(len(self._map))
            self._inv = inv
        r = int(self._inv[source_index.row()])
        return self.index(r, source_index.column()) if r >= 0 else QModelIndex()

    def index(self, row, column, parent=QModelIndex()):
        if parent.isValid() or row < 0 or row >= len(self._map) or column < 0 or column >= self.COLUMNS:
            return QModelIndex()
        return self.createIndex(row, column)

    def parent(self, index=QModelIndex()):
        return QModelIndex()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt API
        return 0 if parent.isValid() else len(self._map)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt API
        return 0 if parent.isValid() else self.COLUMNS

    def hasChildren(self, parent=QModelIndex()) -> bool:  # noqa: N802 - Qt API
        return not parent.isValid()

    def flags(self, index):
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable if index.isValid() else Qt.ItemFlag.NoItemFlags
