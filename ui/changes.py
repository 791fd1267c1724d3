"""What an edit or an operation changed, so that each tab refreshes only when it must (Anki's ``OpChanges``)."""
from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass(frozen=True)
class Changes:
    scenario: bool = False   # another scenario (territory, people, trainers): everything
    settings: bool = False   # a setting (demand, windows, scope of the tree may move)
    plan: bool = False       # another plan (a solve, a pin, a roadmap re-plan, undo/redo of those)
    check: bool = False      # the plan's check state (« vérifié », « non vérifié », anomalies)
    choices: bool = False    # a unit's pins or roadmap choices (the open roadmap dialog follows undo/redo)
    scope: bool = False      # the territory selected in the tree
    subject: bool = False    # the trainer selected in the Formateurs tab (the calendar follows it)
    lists: bool = False      # the sessions of a plan just read from a file, made in the background after it was shown

    @classmethod
    def everything(cls) -> "Changes":
        return cls(**{f.name: True for f in fields(cls)})

    def __or__(self, other: "Changes") -> "Changes":
        return Changes(**{f.name: getattr(self, f.name) or getattr(other, f.name) for f in fields(self)})

    def __bool__(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))

    @property
    def data(self) -> bool:
        """The numbers shown by a tab may have moved (not just the selection)."""
        return self.scenario or self.settings or self.plan


NOTHING = Changes()
