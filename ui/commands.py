"""Undoable edits (QUndoStack): settings, plans (solves), pins and roadmap choices.

Each command calls the document (:class:`ui.document.Document`), never the window: the document
emits what changed and the window refreshes the tabs that show it. Plans are computed before the
command is pushed (by an operation), so redo and undo only swap values.
"""
from __future__ import annotations

from PySide6.QtGui import QUndoCommand

from planner.settings import Settings

from . import fmt

SETTING_ID = 1001


class SettingCommand(QUndoCommand):
    """Change one Settings field (or all of them with field ``__all__``: the defaults restored, or the fields that
    follow field ``focus``, as the horizon follows the school year); consecutive edits of the same field merge into
    one step."""

    def __init__(self, doc, field: str, old, new, focus: str | None = None) -> None:
        name = focus or field
        label = "valeurs par défaut" if name == "__all__" else (Settings.model_fields[name].title or name)
        super().__init__(f"Paramètre « {label} »")
        self.doc, self.field, self.old, self.new, self.focus = doc, field, old, new, focus

    def id(self) -> int:  # noqa: A003 - Qt API
        return SETTING_ID if self.field != "__all__" else -1

    def mergeWith(self, other) -> bool:  # noqa: N802 - Qt API
        if not isinstance(other, SettingCommand) or other.field != self.field:
            return False
        self.new = other.new
        return True

    def redo(self) -> None:
        self.doc.apply_setting(self.field, self.new, self.focus)

    def undo(self) -> None:
        self.doc.apply_setting(self.field, self.old, self.focus)


class PlanCommand(QUndoCommand):
    """A new plan (a solve) as an undoable step: undo brings the previous plan back."""

    def __init__(self, doc, old_plan, new_plan, text: str) -> None:
        super().__init__(text)
        self.doc, self.old, self.new = doc, old_plan, new_plan
        self.old_stale = doc.plan_stale

    def redo(self) -> None:
        self.doc.set_plan(self.new, self.text())

    def undo(self) -> None:
        self.doc.set_plan(self.old, f"Annulé : {self.text()}", stale=self.old_stale)


class PinCommand(QUndoCommand):
    """Pin one session of a unit to a chosen slot; the re-planned plan was computed beforehand."""

    def __init__(self, doc, pin, old_plan, new_plan, old_pins: list, name: str) -> None:
        super().__init__(f"Créneau {fmt.date_short(pin.date)} {pin.start} pour {name}")
        self.doc, self.pin = doc, pin
        self.old_plan, self.new_plan = old_plan, new_plan
        self.old_pins = list(old_pins)

    def redo(self) -> None:
        pins = [p for p in self.old_pins if not (p.unit_type == self.pin.unit_type and p.unit_id == self.pin.unit_id
                                                 and p.group == self.pin.group)]
        self.doc.set_pins_and_plan(pins + [self.pin], self.new_plan, f"Créneau épinglé : {self.text()}")

    def undo(self) -> None:
        self.doc.set_pins_and_plan(list(self.old_pins), self.old_plan, f"Annulé : {self.text()}")


class RoadmapCommand(QUndoCommand):
    """Store one unit's roadmap choices (themes, briques, meeting dates); when the unit was re-planned,
    the plans before and after come with it. Undo puts back the previous list of choices itself."""

    def __init__(self, doc, old_choices: list, new_choices: list, old_plan, new_plan, replanned: bool,
                 name: str) -> None:
        super().__init__(f"Feuille de route de {name}")
        self.doc = doc
        self.old_choices, self.new_choices = list(old_choices), list(new_choices)
        self.old_plan, self.new_plan = old_plan, new_plan
        self.replanned = replanned
        self.stale = doc.plan_stale

    def redo(self) -> None:
        self.doc.set_roadmap_choices(self.new_choices, self.new_plan, self.replanned, self.stale,
                                     f"Feuille de route appliquée : {self.text()}")

    def undo(self) -> None:
        self.doc.set_roadmap_choices(self.old_choices, self.old_plan, self.replanned, self.stale,
                                     f"Annulé : {self.text()}")


class FollowupPlanCommand(QUndoCommand):
    """The rest of the year re-planned around the recorded sessions (:mod:`solvers.followup_plan`): the
    new plan is also the scenario file's current plan. The first redo only shows it (the operation
    stored it); undo puts the file's previous current plan and statuses back, redo stores it again."""

    def __init__(self, doc, old_plan, stored, part, partial: bool, old_file_plan, params: dict, text: str) -> None:
        super().__init__(text)
        self.doc, self.old, self.new = doc, old_plan, stored.plan
        self.part, self.partial, self.old_file_plan, self.params = part, partial, old_file_plan, params
        self.batches = list(stored.batches)
        self.path = doc.path
        self.old_stale, self.old_in_file = doc.plan_stale, doc.plan_in_file
        self.first = True

    def redo(self) -> None:
        from solvers.followup_plan import FollowupSolveError, store_current_plan

        in_file = True
        if self.first:
            self.first = False
        else:
            try:
                stored = store_current_plan(self.path, self.part, self.params, partial=self.partial)
                self.new, self.batches = stored.plan, stored.batches
            except FollowupSolveError as exc:  # the file went away: the plan is shown, not stored
                in_file, self.batches = False, []
                self.doc.message.emit(f"Fichier de scénario non mis à jour : {exc}")
        self.doc.set_plan(self.new, self.text(), in_file=in_file)

    def undo(self) -> None:
        from planner.followup import apply_statuses
        from solvers.followup_plan import FollowupSolveError, restore_current_plan

        in_file = self.old_in_file
        try:
            statuses = restore_current_plan(self.path, self.old_file_plan, self.batches)
            if self.old is not None:
                apply_statuses(self.old, statuses)
        except FollowupSolveError as exc:
            in_file = False
            self.doc.message.emit(f"Fichier de scénario non remis en l'état : {exc}")
        self.doc.set_plan(self.old, f"Annulé : {self.text()}", stale=self.old_stale, in_file=in_file)
