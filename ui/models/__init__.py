"""Qt item models over the core's data (scenario, plan): no copies into widgets.

- :class:`TerritoryModel` — académies → départements → circonscriptions and bassins → établissements;
  :class:`TerritoryFilter` — search by name or UAI (recursive filtering).
- :class:`SessionTableModel` over ``plan.sessions`` and :class:`SessionProxyModel`, a proxy whose
  filtering and sorting run on numpy arrays (350,000 rows stay instantaneous).
- :class:`TrainerTableModel`, :class:`UnplacedTableModel`, :class:`HeatmapModel`,
  :class:`CandidateTableModel`, :class:`MonthHeader`.
"""
from .base import DISPLAY, RIGHT, SCOPE_ROLE, SORT_ROLE, TOOLTIP, TYPE_COLORS, USER, fold, type_icon  # noqa: F401
from .sessions import SESSION_COLUMNS, SessionProxyModel, SessionTableModel  # noqa: F401
from .tables import (CANDIDATE_COLUMNS, TRAINER_COLUMNS, UNPLACED_COLUMNS, CandidateTableModel,  # noqa: F401
                     HeatmapModel, MonthHeader, TrainerTableModel, UnplacedTableModel, heat_color)
from .territory import TerritoryFilter, TerritoryModel  # noqa: F401
