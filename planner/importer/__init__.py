"""Importers of real data: the official annuaire CSV (see :mod:`planner.importer.annuaire`)."""
from .annuaire import AnnuaireError, ImportCancelled, ImportResult, RowIssue, import_annuaire
from .calibration import ImportSettings

__all__ = ["AnnuaireError", "ImportCancelled", "ImportResult", "ImportSettings", "RowIssue", "import_annuaire"]
