"""The window's actions, menus and toolbar, declared as data — and how to add an action without
touching the window.

Each action is an :class:`ActionSpec`: a name (``act_<name>`` on the window, ``act<Name>`` as
Qt object name), a French text, the function it calls with the window, the menu and section it
goes in, a shortcut and a tip. To add one (e.g. Fichier ▸ Importer un calendrier scolaire)::

    # in your module (listed in ACTION_MODULES below)
    from ui.actions import register_action

    def import_calendar(window):
        ...                                   # window.doc, window.ops.run(...), window.set_status(...)

    register_action("import_calendar", "Importer un &calendrier scolaire…", import_calendar,
                    menu="file", section="import", tip="Calendrier officiel des vacances (ICS ou CSV)")

Menus and their sections, in order (a section is closed by a separator):
``file``: open, recent, save, import, export, quit — ``edit``: undo, find — ``plan``: solve, unit, check
— ``view``: tabs, docks — ``help``: guide, about.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Callable

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QToolBar

from .i18n import shortcut_text

# modules that register actions, imported once by the window (add yours here)
ACTION_MODULES: list[str] = ["ui.calendar_actions", "ui.help", "ui.export_dialog"]

MENUS = [("file", "&Fichier", ["open", "recent", "save", "import", "export", "quit"]),
         ("edit", "É&dition", ["undo", "find"]),
         ("plan", "&Plan", ["solve", "unit", "check"]),
         ("view", "&Affichage", ["tabs", "docks"]),
         ("help", "&Aide", ["guide", "about"])]

K = QKeySequence.StandardKey


@dataclass(frozen=True)
class ActionSpec:
    name: str
    text: str
    slot: Callable  # slot(window)
    menu: str = ""
    section: str = ""
    shortcut: object = None  # "Ctrl+I", a QKeySequence.StandardKey, or None
    tip: str = ""
    icon_text: str = ""  # the toolbar's shorter label
    order: int = 100


_ACTIONS: dict[str, ActionSpec] = {}


def register_action(name: str, text: str, slot: Callable, menu: str = "", section: str = "", shortcut=None,
                    tip: str = "", icon_text: str = "", order: int = 100) -> None:
    """Declare an action; the window creates it as ``window.act_<name>`` and puts it in ``menu``/``section``."""
    _ACTIONS[name] = ActionSpec(name, text, slot, menu, section, shortcut, tip, icon_text, order)


def action_specs() -> list[ActionSpec]:
    for m in ACTION_MODULES:
        importlib.import_module(m)
    return sorted(_ACTIONS.values(), key=lambda a: a.order)


# ---------------------------------------------------------------- the built-in actions
for _spec in [
    ("new", "&Nouveau (référence nationale)", lambda w: w.files.new_scenario(), "file", "open", K.New,
     "Repartir du scénario de référence national", "Nouveau", 10),
    ("open", "&Ouvrir un scénario…", lambda w: w.files.open_dialog(), "file", "open", K.Open,
     "Ouvrir un fichier de scénario", "Ouvrir", 20),
    ("save", "&Enregistrer", lambda w: w.files.save(), "file", "save", K.Save,
     "Enregistrer le scénario et son plan", "Enregistrer", 10),
    ("save_as", "Enregistrer &sous…", lambda w: w.files.save_as(), "file", "save", K.SaveAs,
     "Enregistrer dans un nouveau fichier", "", 20),
    ("import", "&Importer l'annuaire…", lambda w: w.files.import_annuaire_dialog(), "file", "import", "Ctrl+I",
     "Importer l'annuaire de l'Éducation nationale (CSV)", "", 10),
    ("print", "&Imprimer le plan…", lambda w: w.printing.print_plan(), "file", "export", K.Print,
     "PDF du plan de l'unité, de l'académie ou du formateur sélectionné", "Imprimer", 10),
    ("batch", "E&xporter en lot…", lambda w: w.printing.batch_export_dialog(), "file", "export", "Ctrl+E",
     "Un PDF par établissement, circonscription ou formateur", "", 20),
    ("quit", "&Quitter", lambda w: w.close(), "file", "quit", K.Quit, "Quitter le Planificateur IA", "", 10),
    ("find", "&Rechercher une unité", lambda w: w.territory.focus_search(), "edit", "find", K.Find,
     "Rechercher par nom ou UAI", "", 10),
    ("solve", "&Planifier l'académie sélectionnée", lambda w: w.planning.solve_selected(), "plan", "solve", "F5",
     "Planifier l'académie de la sélection", "", 10),
    ("solve_all", "Planifier la &France entière", lambda w: w.planning.start_solve(None), "plan", "solve", "Shift+F5",
     "Planifier toutes les académies", "", 20),
    ("stop", "&Arrêter le calcul", lambda w: w.planning.stop_solve(), "plan", "solve", None,
     "Arrêter et garder le meilleur plan valide trouvé", "Arrêter", 30),
    ("slots", "&Choisir les créneaux…", lambda w: w.unit_edits.choose_slots(), "plan", "unit", "Ctrl+K",
     "Créneaux possibles pour l'établissement ou la circonscription sélectionné(e)", "Créneaux", 10),
    ("roadmap", "&Feuille de route de l'unité…", lambda w: w.unit_edits.edit_roadmap(), "plan", "unit", "Ctrl+R",
     "Thèmes des groupes de travail, briques et dates des réunions de l'établissement ou de la circonscription "
     "sélectionné(e)", "Feuille de route", 20),
    ("check", "&Vérifier le plan", lambda w: w.planning.check(), "plan", "check", "Ctrl+Shift+V",
     "Vérification indépendante du plan (les académies planifiées)", "", 10),
    ("about", "À &propos…", lambda w: w.show_about(), "help", "about", None, "Version, sources des données, licences",
     "", 10),
]:
    register_action(*_spec[:6], tip=_spec[6], icon_text=_spec[7], order=_spec[8])


def make_action(window, text: str, slot: Callable, shortcut=None, tip: str = "", name: str = "") -> QAction:
    a = QAction(text, window)
    if shortcut is not None:
        a.setShortcut(QKeySequence(shortcut))
    if tip:
        keys = shortcut_text(a.shortcut()) if shortcut is not None else ""
        a.setToolTip(tip + (f" ({keys})" if keys else ""))
        a.setStatusTip(tip)
    if name:
        a.setObjectName("act" + "".join(p.capitalize() for p in name.split("_")))
    a.triggered.connect(lambda _checked=False: slot())
    window.addAction(a)
    return a


def build_actions(window) -> None:
    """``window.act_<name>`` for every registered action, plus undo/redo and one per tab (Ctrl+1…)."""
    window.actions_by_name = {}
    for spec in action_specs():
        a = make_action(window, spec.text, lambda spec=spec: spec.slot(window), spec.shortcut, spec.tip, spec.name)
        if spec.icon_text:
            a.setIconText(spec.icon_text)
        window.actions_by_name[spec.name] = a
        setattr(window, f"act_{spec.name}", a)
    stack = window.doc.undo_stack
    window.act_undo = stack.createUndoAction(window, "&Annuler")
    window.act_undo.setShortcut(K.Undo)
    window.act_undo.setObjectName("actUndo")
    window.act_undo.setIconText("Annuler")
    window.act_redo = stack.createRedoAction(window, "&Rétablir")
    window.act_redo.setShortcuts([QKeySequence(K.Redo), QKeySequence("Ctrl+Y")])
    window.act_redo.setObjectName("actRedo")
    window.act_redo.setIconText("Rétablir")
    window.steps.wire(window.act_undo, True)  # a big plan not ready is made ready in the background first
    window.steps.wire(window.act_redo, False)
    window.act_stop.setEnabled(False)
    window.tab_actions = [make_action(window, tab.title, lambda k=tab.key: window.show_tab(k),
                                      f"Ctrl+{i + 1}" if i < 9 else None, f"Onglet « {tab.title} »")
                          for i, tab in enumerate(window.tab_list)]


def build_menus(window) -> None:
    mb = window.menuBar()
    specs = action_specs()
    window.menus = {}
    for key, title, sections in MENUS:
        m = mb.addMenu(title)
        window.menus[key] = m
        first = True
        for section in sections:
            items = [window.actions_by_name[s.name] for s in specs if s.menu == key and s.section == section]
            if key == "file" and section == "recent":
                window.recent_menu = m.addMenu("Fichiers &récents")
                window.recent_menu.aboutToShow.connect(lambda: window.files.fill_recent_menu(window.recent_menu))
                continue
            if key == "edit" and section == "undo":
                items = [window.act_undo, window.act_redo] + items
            elif key == "view" and section == "tabs":
                items = list(window.tab_actions) + items
            elif key == "view" and section == "docks":
                items = items + [window.settings_dock.toggleViewAction(), window.history_dock.toggleViewAction()]
            if not items:
                continue
            if not first:
                m.addSeparator()
            first = False
            for a in items:
                m.addAction(a)


def build_toolbar(window) -> QToolBar:
    tb = QToolBar("Barre d'outils")
    tb.setObjectName("mainToolbar")
    tb.setMovable(False)
    tb.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    tb.setIconSize(QSize(16, 16))
    window.addToolBar(tb)
    w = window
    for group in ([w.act_open, w.act_save], [w.act_undo, w.act_redo], [w.act_solve, w.time_limit, w.act_stop],
                  [w.act_slots, w.act_roadmap, w.act_print], [w.act_settings]):
        for item in group:
            if isinstance(item, QAction):
                tb.addAction(item)
            else:
                tb.addWidget(item)
        tb.addSeparator()
    solve_btn = tb.widgetForAction(w.act_solve)
    if solve_btn is not None:
        solve_btn.setObjectName("solveButton")
    return tb
