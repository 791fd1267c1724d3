"""Roles, colours and helpers shared by the item models."""
from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
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


# ============================================================== territory
