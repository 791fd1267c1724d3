"""Undoable edits (QUndoStack): settings changes, pins and roadmap choices (each carries the plans before and after)."""
from __future__ import annotations

from PySide6.QtGui import QUndoCommand

from planner.settings import Settings

from . import fmt

SETTING_ID = 1001


class SettingCommand(QUndoCommand):
    """Change one Settings field (or all of them with field ``__all__``); consecutive edits of the
    same field merge into one step."""

    def __init__(self, window, field: str, old, new) -> None:
        if field == "__all__":
            label = "valeurs par défaut"
        else:
            label = Settings.model_fields[field].title or field
        super().__init__(f"Paramètre « {label} »")
        self.window, self.field, self.old, self.new = window, field, old, new

    def id(self) -> int:  # noqa: A003 - Qt API
        return SETTING_ID if self.field != "__all__" else -1

    def mergeWith(self, other) -> bool:  # noqa: N802 - Qt API
        if not isinstance(other, SettingCommand) or other.field != self.field:
            return False
        self.new = other.new
        return True

    def redo(self) -> None:
        self.window.apply_setting(self.field, self.new)

    def undo(self) -> None:
        self.window.apply_setting(self.field, self.old)


class PinCommand(QUndoCommand):
    """Pin one session of a unit to a chosen slot; the re-planned plan was computed beforehand."""

    def __init__(self, window, pin, old_plan, new_plan, old_pins: list, name: str) -> None:
        super().__init__(f"Créneau {fmt.date_short(pin.date)} {pin.start} pour {name}")
        self.window, self.pin = window, pin
        self.old_plan, self.new_plan = old_plan, new_plan
        self.old_pins = list(old_pins)

    def redo(self) -> None:
        pins = [p for p in self.old_pins if not (p.unit_type == self.pin.unit_type and p.unit_id == self.pin.unit_id
                                                 and p.group == self.pin.group)]
        self.window.apply_pins_and_plan(pins + [self.pin], self.new_plan, f"Créneau épinglé : {self.text()}")

    def undo(self) -> None:
        self.window.apply_pins_and_plan(list(self.old_pins), self.old_plan, f"Annulé : {self.text()}")


class RoadmapCommand(QUndoCommand):
    """Store one unit's roadmap choices (themes, briques, meeting dates); when the unit was re-planned,
    the plans before and after come with it. Undo puts back the previous list of choices itself."""

    def __init__(self, window, old_choices: list, new_choices: list, old_plan, new_plan, replanned: bool,
                 name: str) -> None:
        super().__init__(f"Feuille de route de {name}")
        self.window = window
        self.old_choices, self.new_choices = list(old_choices), list(new_choices)
        self.old_plan, self.new_plan = old_plan, new_plan
        self.replanned = replanned
        self.stale = window.plan_stale

    def redo(self) -> None:
        self.window.apply_roadmap_choices(self.new_choices, self.new_plan if self.replanned else None,
                                          self.replanned, self.stale, f"Feuille de route appliquée : {self.text()}")

    def undo(self) -> None:
        self.window.apply_roadmap_choices(self.old_choices, self.old_plan if self.replanned else None,
                                          self.replanned, self.stale, f"Annulé : {self.text()}")
