"""The official annuaire CSV (see :mod:`planner.sources.annuaire.importer`)."""
from .importer import AnnuaireError, ImportCancelled, ImportResult, RowIssue, import_annuaire
from .calibration import ImportSettings

__all__ = ["AnnuaireError", "ImportCancelled", "ImportResult", "ImportSettings", "RowIssue", "import_annuaire"]
