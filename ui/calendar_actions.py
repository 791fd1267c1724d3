"""Fichier ▸ Importer un calendrier scolaire : the ministry's official calendar (CSV
``fr-en-calendrier-scolaire``) gives académies their own holidays and pré-rentrée (undoable).

The file is read whole and checked first (:func:`planner.sources.calendar.read_calendar_file`, a
fraction of a second): a bad file is a French message naming file, line and field, and nothing of it
is kept."""
from __future__ import annotations

from PySide6.QtGui import QUndoCommand
from PySide6.QtWidgets import QFileDialog

from planner.sources.calendar import CalendarFileError, read_calendar_file

from .actions import register_action


class CalendarCommand(QUndoCommand):
    """Replace the official periods of some académies (``{code: [CalendarPeriod]}``)."""

    def __init__(self, doc, old: dict, new: dict, text: str) -> None:
        super().__init__(text)
        self.doc, self.old, self.new = doc, old, new

    def _apply(self, periods: dict) -> None:
        doc = self.doc
        for a in doc.scenario.academies:
            if a.code in periods:
                a.calendar_periods = list(periods[a.code])
        doc.apply_setting("__all__", doc.scenario.settings)  # same settings: the window shows the new periods

    def redo(self) -> None:
        self._apply(self.new)

    def undo(self) -> None:
        self._apply(self.old)


def import_calendar_file(window, path: str) -> bool:
    """Read ``path`` and give the scenario's académies its periods; False (and a French message) if refused."""
    doc = window.doc
    try:
        imp = read_calendar_file(path)
    except CalendarFileError as exc:
        window.error(str(exc))
        return False
    new = {a.code: imp.periods[a.code] for a in doc.scenario.academies if a.code in imp.periods}
    if not new:
        window.error(f"{path} : aucune académie du scénario dans ce calendrier "
                     f"({', '.join(imp.academies)}).")
        return False
    old = {a.code: list(a.calendar_periods) for a in doc.scenario.academies if a.code in new}
    doc.undo_stack.push(CalendarCommand(doc, old, new, "Importer un calendrier scolaire"))
    window.show_text("Calendrier scolaire importé",
                     f"{imp.kept} période(s) retenue(s) sur {imp.rows_read} ligne(s) ; {len(new)} académie(s) du "
                     f"scénario mises à jour ; années scolaires {', '.join(imp.school_years)}."
                     + "".join(f"\nÉcartées : {n} ligne(s) — {why}" for why, n in sorted(imp.skipped.items()))
                     + "\nReplanifiez (F5) pour en tenir compte.")
    return True


def import_calendar(window) -> None:
    path, _ = QFileDialog.getOpenFileName(window, "Importer un calendrier scolaire officiel", "",
                                          "Calendrier scolaire (*.csv);;Tous les fichiers (*)")
    if path:
        import_calendar_file(window, path)


register_action("import_calendar", "Importer un &calendrier scolaire…", import_calendar, menu="file",
                section="import", tip="Calendrier scolaire officiel (CSV fr-en-calendrier-scolaire) : Corse et outre-mer",
                order=20)
