"""The official annuaire CSV (``fr-en-annuaire-education``) → a Scenario.

:mod:`.decoding` (bytes → header and fields), :mod:`.rows` (each row imported, skipped or
rejected), :mod:`.build` (second pass → Scenario, staffed by :mod:`planner.staffing`),
:mod:`.result` (counts and the row-by-row report), :mod:`.importer` (the entry point),
:mod:`.calibration` (the ratios), :mod:`.cli` (``import-annuaire``).
"""
from .calibration import ImportSettings
from .importer import AnnuaireError, ImportCancelled, ImportResult, RowIssue, import_annuaire

__all__ = ["AnnuaireError", "ImportCancelled", "ImportResult", "ImportSettings", "RowIssue", "import_annuaire"]
