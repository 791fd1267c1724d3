"""The window's tabs, and how to add one without touching the window.

A tab is a QWidget with ``refresh(changes)`` (see :class:`Tab`); it reads the document
(``window.doc``: scenario, plan, indexes, check state) and the selection (``window.scope``).
The window refreshes the visible tab when something it shows changed, and the others when they
are shown (lazily), passing the union of :class:`~ui.changes.Changes` since their last refresh.

To add a tab (e.g. « Suivi », « Comparaison »)::

    # ui/tabs/followup.py
    from . import Tab, register_tab

    class FollowupTab(Tab):
        key, title = "followup", "Suivi"
        def __init__(self, window):
            super().__init__(window)
            ...                          # build the widgets
        def refresh(self, changes):
            ...                          # read self.doc.plan, self.window.scope

    register_tab(FollowupTab, order=60)

then add its module name to :data:`TAB_MODULES` below. It gets a Ctrl+N shortcut and an entry
in the Affichage menu; ``window.tab("followup")`` returns it.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Callable

from PySide6.QtWidgets import QWidget

from .. import fmt
from ..changes import Changes

# the modules that register tabs, imported once by the window (add yours here)
TAB_MODULES = ["ui.tabs.overview", "ui.tabs.sessions", "ui.tabs.calendar", "ui.tabs.trainers", "ui.tabs.unplaced",
               "ui.tabs.followup", "ui.tabs.comparison", "ui.tabs.budget"]


class Tab(QWidget):
    """Base of a tab: ``key`` (stable id), ``title`` (French), ``refresh(changes)``, ``status_text()``."""

    key = ""
    title = ""

    def __init__(self, window) -> None:
        super().__init__()
        self.window = window

    @property
    def doc(self):
        return self.window.doc

    def refresh(self, changes: Changes) -> None:  # pragma: no cover - each tab overrides it
        raise NotImplementedError

    def status_text(self) -> str:
        """What the status bar says about this tab (after « Tab — territory : »)."""
        n = len(self.doc.pix.indices(self.window.scope)) if self.doc.pix is not None else 0
        return f"{fmt.num(n)} sessions planifiées"


@dataclass(frozen=True)
class TabSpec:
    key: str
    title: str
    factory: Callable  # window -> Tab (a Tab subclass is a factory)
    order: int


_TABS: dict[str, TabSpec] = {}


def register_tab(factory: Callable, order: int, key: str | None = None, title: str | None = None) -> None:
    """Declare a tab; ``key``/``title`` default to the class attributes of ``factory``."""
    key = key or factory.key
    _TABS[key] = TabSpec(key, title or factory.title, factory, order)


def tab_specs() -> list[TabSpec]:
    """The registered tabs in display order (imports :data:`TAB_MODULES` first)."""
    for m in TAB_MODULES:
        importlib.import_module(m)
    return sorted(_TABS.values(), key=lambda t: t.order)
