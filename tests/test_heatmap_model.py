"""The overview's weekly heat map: each cell's colour from its value, one brush per distinct value (a repaint asks
for every cell's background), the tooltip and sort value as before."""
import datetime as dt
import os

import numpy as np

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt  # noqa: E402

from ui.models.base import SORT_ROLE  # noqa: E402
from ui.models.tables import HeatmapModel, heat_color  # noqa: E402


def _model(qapp) -> HeatmapModel:
    m = HeatmapModel()
    m.beginResetModel()
    m._rows = [("academie", "16"), ("academie", "25")]
    m._names = ["Toulouse", "Versailles"]
    m._weeks = [dt.date(2026, 11, 30) + dt.timedelta(weeks=k) for k in range(3)]
    m._values = np.array([[0, 5, 10], [10, 2, 5]])
    m._max = 10
    m._brushes = {}
    m.endResetModel()
    return m


def test_heatmap_cells(qapp):
    m = _model(qapp)
    bg = Qt.ItemDataRole.BackgroundRole
    a, b = m.data(m.index(0, 2), bg), m.data(m.index(1, 0), bg)
    assert a.color() == heat_color(10, 10) and a is b  # the same value: the same brush
    assert m.data(m.index(0, 0), bg).color() == heat_color(0, 10) != a.color()
    assert m.data(m.index(1, 1), SORT_ROLE) == 2
    assert "Versailles" in m.data(m.index(1, 1), Qt.ItemDataRole.ToolTipRole)
    assert m.data(m.index(1, 1), Qt.ItemDataRole.DisplayRole) is None
