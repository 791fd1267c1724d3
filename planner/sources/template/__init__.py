"""Excel templates: export a scenario's units, trainers, preferences and pinned slots as an ``.xlsx``
with French headers, and re-import it after editing.

Editable on re-import: headcounts (établissements, circonscriptions, bassins, inspectors), unit
names, the trainers (names, « Déjà qualifié », rows added or removed), preferred windows and pinned
slots (rows added or removed). Units themselves come from the annuaire: a UAI or an identifier the
scenario does not know is an error. Every error names the sheet, the row, the column and the reason;
if there is any error nothing is applied. Cells are read as values (``data_only``): formulas are
never evaluated, macros never run.

Sheets and headers: :mod:`.sheets`; writing: :mod:`.export`; reading back: :mod:`.read`. From the
command line: ``export DOSSIER --kind modele`` and ``import-modele``.
"""
from .export import export_template
from .read import import_template
from .sheets import HEADERS, README, REQUIRED, SHEETS, TemplateError, TemplateIssue, TemplateResult

__all__ = ["HEADERS", "README", "REQUIRED", "SHEETS", "TemplateError", "TemplateIssue", "TemplateResult",
           "export_template", "import_template"]
