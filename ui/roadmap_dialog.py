"""« Feuille de route de l'unité » : one unit's step-2 themes, step-5 briques and meeting dates.

Non-modal. The dialog only edits a draft: « Appliquer » validates it (French messages in the
dialog, never a traceback) and emits :attr:`RoadmapChoicesDialog.applyRequested` with a
:class:`UnitRoadmapChoices`; the window stores it through its undo stack and re-plans the unit.
"""
from __future__ import annotations

import datetime as dt

from pydantic import ValidationError
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QAbstractItemView, QDialog, QDialogButtonBox, QGridLayout, QGroupBox, QHBoxLayout,
                               QLabel, QLineEdit, QListWidget, QListWidgetItem, QPushButton, QSplitter, QVBoxLayout,
                               QWidget)

from planner.briques import Brique, BriqueError, load_briques
from planner.models import french_errors
from planner.roadmap_models import MEETING_LABELS, RoadmapSettings, UnitRoadmapChoices

from . import fmt
from .roadmap_parts import ERROR_COLOR, ID_ROLE, MEETINGS_BY_UNIT, BriquesPart, DatesPart, default_calendar_text



def _norm(theme: str) -> str:
    return " ".join(theme.split()).casefold()


class RoadmapChoicesDialog(BriquesPart, DatesPart, QDialog):
    """Edit one unit's roadmap choices; « Appliquer » emits them, valid, to the window."""

    applyRequested = Signal(object)  # UnitRoadmapChoices

    def __init__(self, unit_name: str, unit_type: str, unit_id: str, subtitle: str, current: UnitRoadmapChoices,
                 defaults: UnitRoadmapChoices, roadmap: RoadmapSettings, horizon: tuple[dt.date, dt.date],
                 parent=None) -> None:
        super().__init__(parent)
        self.unit_type, self.unit_id, self.unit_name = unit_type, unit_id, unit_name
        self.rs = roadmap
        self.horizon = horizon
        self.defaults = defaults
        self.busy = False
        self.setWindowTitle(f"Feuille de route de l'unité — {unit_name}")
        self.setObjectName("roadmapDialog")
        self.setModal(False)
        self.resize(1180, 720)
        try:
            self.catalogue: list[Brique] = load_briques(roadmap.briques)
            catalogue_error = ""
        except BriqueError as exc:  # the scenario's overrides are broken: show the plain catalogue, say why
            self.catalogue = load_briques()
            catalogue_error = str(exc)
        self.catalogue_ids = {b.id for b in self.catalogue}
        self.durations = {b.id: b.duration_minutes for b in self.catalogue}
        self._order: list[str] = []

        lay = QVBoxLayout(self)
        head = QLabel(f"<span style='font-size:12pt; font-weight:bold; color:#1f3a5f'>{unit_name}</span>"
                      f"<br><span style='color:#555e69'>{subtitle}</span>")
        head.setObjectName("roadmapHead")
        lay.addWidget(head)
        intro = QLabel("Choix du chef d'établissement ou de l'IEN pour les étapes 2 à 6. « Appliquer » les enregistre "
                       "dans le scénario et replanifie seulement cette unité ; Édition ▸ Annuler (Ctrl+Z) revient "
                       "au choix précédent.")
        intro.setWordWrap(True)
        intro.setObjectName("dockNote")
        lay.addWidget(intro)

        split = QSplitter(Qt.Orientation.Horizontal)
        split.setChildrenCollapsible(False)
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 4, 0)
        ll.addWidget(self._build_themes(), 5)
        ll.addWidget(self._build_dates(), 6)
        split.addWidget(left)
        split.addWidget(self._build_briques(catalogue_error))
        split.setSizes([610, 570])
        lay.addWidget(split, 1)

        self.errors = QLabel("")
        self.errors.setObjectName("roadmapErrors")
        self.errors.setWordWrap(True)
        self.errors.setStyleSheet(f"color: {ERROR_COLOR}; background: #fdecea; border: 1px solid #f3b8b3; "
                                  "padding: 4px 6px;")
        self.errors.hide()
        lay.addWidget(self.errors)
        row = QHBoxLayout()
        self.status = QLabel("")
        self.status.setObjectName("roadmapStatus")
        self.status.setWordWrap(True)
        row.addWidget(self.status, 1)
        bb = QDialogButtonBox()
        self.reset_button = bb.addButton("Tout par défaut", QDialogButtonBox.ButtonRole.ResetRole)
        self.reset_button.setToolTip("Thèmes, briques et dates par défaut du profil de l'unité (il faut ensuite appliquer)")
        self.reset_button.clicked.connect(self.reset_all)
        self.apply_button = bb.addButton("Appliquer", QDialogButtonBox.ButtonRole.ApplyRole)
        self.apply_button.setObjectName("roadmapApply")
        self.apply_button.setDefault(True)
        self.apply_button.setToolTip("Enregistrer ces choix dans le scénario et replanifier l'unité (annulable)")
        self.apply_button.clicked.connect(self.apply)
        self.close_button = bb.addButton("Fermer", QDialogButtonBox.ButtonRole.RejectRole)
        self.close_button.setToolTip("Fermer sans appliquer les modifications en cours")
        bb.rejected.connect(self.reject)
        row.addWidget(bb)
        lay.addLayout(row)
        self.load(current)

    # ------------------------------------------------------------------ construction
    def _build_themes(self) -> QGroupBox:
        box = QGroupBox("Étape 2 — Thèmes des groupes de travail")
        box.setToolTip("Un groupe de travail par thème, qui se réunit "
                       f"{self.rs.wg_meetings} fois ({self.rs.wg_minutes} min), puis une restitution.")
        g = QGridLayout(box)
        self.theme_edit = QLineEdit()
        self.theme_edit.setObjectName("themeEdit")
        self.theme_edit.setPlaceholderText("Nouveau thème, puis Entrée…")
        self.theme_edit.setToolTip("Intitulé du thème à ajouter (Entrée pour l'ajouter)")
        self.theme_edit.returnPressed.connect(lambda: self.add_theme(self.theme_edit.text()))
        add = QPushButton("Ajouter")
        add.setToolTip("Ajouter le thème saisi à la fin de la liste")
        add.clicked.connect(lambda: self.add_theme(self.theme_edit.text()))
        g.addWidget(self.theme_edit, 0, 0)
        g.addWidget(add, 0, 1)
        self.themes = QListWidget()
        self.themes.setObjectName("themeList")
        self.themes.setToolTip("Double-clic (ou F2) pour renommer ; l'ordre est celui des réunions")
        self.themes.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                    | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.themes.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.themes.itemChanged.connect(self._theme_edited)
        self.themes.currentRowChanged.connect(lambda _r: self._update_theme_buttons())
        self.themes.model().rowsMoved.connect(lambda *_: self._themes_changed())
        g.addWidget(self.themes, 1, 0)
        col = QVBoxLayout()
        self.theme_buttons = {}
        for key, text, tip, slot in (
            ("rename", "Renommer", "Renommer le thème sélectionné (F2)", self._rename_current),
            ("remove", "Supprimer", "Retirer le thème sélectionné", lambda: self.remove_theme(self.themes.currentRow())),
            ("up", "Monter ▲", "Avancer le thème dans l'ordre des réunions", lambda: self.move_theme(self.themes.currentRow(), -1)),
            ("down", "Descendre ▼", "Reculer le thème dans l'ordre des réunions",
             lambda: self.move_theme(self.themes.currentRow(), 1)),
            ("default", "Par défaut", "Reprendre les thèmes par défaut du scénario", self.reset_themes),
        ):
            b = QPushButton(text)
            b.setToolTip(tip)
            b.clicked.connect(lambda _c=False, slot=slot: slot())
            col.addWidget(b)
            self.theme_buttons[key] = b
        col.addStretch(1)
        g.addLayout(col, 1, 1)
        self.theme_note = QLabel("")
        self.theme_note.setObjectName("themeNote")
        self.theme_note.setWordWrap(True)
        self.theme_note.setStyleSheet("color: #555e69;")
        g.addWidget(self.theme_note, 2, 0, 1, 2)
        return box

    def load(self, choices: UnitRoadmapChoices) -> None:
        """Show ``choices`` (the unit's current ones, or after an undo)."""
        self._order = list(choices.briques)
        self.themes.blockSignals(True)
        self.themes.clear()
        for t in choices.themes:
            self._append_theme_item(t)
        self.themes.blockSignals(False)
        if self.themes.count():
            self.themes.setCurrentRow(0)
        self._themes_changed()
        self.set_briques(choices.briques)
        self.meeting_dates: dict[str, list[dt.date]] = {k: sorted(set(v)) for k, v in choices.meeting_dates.items()}
        self.meetings.setCurrentRow(0)
        self._update_meeting_items()
        self._show_meeting()
        self.show_errors([])

    def _append_theme_item(self, text: str) -> QListWidgetItem:
        it = QListWidgetItem(text)
        it.setFlags(it.flags() | Qt.ItemFlag.ItemIsEditable | Qt.ItemFlag.ItemIsDragEnabled)
        it.setData(ID_ROLE, text)
        self.themes.addItem(it)
        return it

    # ------------------------------------------------------------------ themes
    def theme_list(self) -> list[str]:
        return [self.themes.item(i).text().strip() for i in range(self.themes.count())]

    def _duplicate(self, text: str, except_row: int = -1) -> bool:
        key = _norm(text)
        return any(_norm(t) == key for i, t in enumerate(self.theme_list()) if i != except_row)

    def add_theme(self, text: str) -> bool:
        text = " ".join(text.split())
        if not text:
            self.show_errors(["Saisissez l'intitulé du thème à ajouter."])
            return False
        if self._duplicate(text):
            self.show_errors([f"Thème en double : « {text} » est déjà dans la liste."])
            return False
        self.themes.blockSignals(True)
        it = self._append_theme_item(text)
        self.themes.blockSignals(False)
        self.themes.setCurrentItem(it)
        self.theme_edit.clear()
        self.show_errors([])
        self._themes_changed()
        return True

    def rename_theme(self, row: int, text: str) -> bool:
        it = self.themes.item(row)
        if it is None:
            return False
        it.setText(text)  # validated (and reverted if refused) by _theme_edited
        return it.text() == " ".join(text.split())

    def _rename_current(self) -> None:
        it = self.themes.currentItem()
        if it is not None:
            self.themes.editItem(it)

    def _theme_edited(self, it: QListWidgetItem) -> None:
        old = it.data(ID_ROLE) or ""
        text = " ".join(it.text().split())
        row = self.themes.row(it)
        error = ""
        if not text:
            error = "Un thème ne peut pas être vide : supprimez-le plutôt."
        elif self._duplicate(text, except_row=row):
            error = f"Thème en double : « {text} » est déjà dans la liste."
        self.themes.blockSignals(True)
        if error:
            it.setText(old)
        else:
            it.setText(text)
            it.setData(ID_ROLE, text)
        self.themes.blockSignals(False)
        self.show_errors([error] if error else [])
        self._themes_changed()

    def remove_theme(self, row: int) -> None:
        if 0 <= row < self.themes.count():
            self.themes.takeItem(row)
            self._themes_changed()

    def move_theme(self, row: int, delta: int) -> None:
        new = row + delta
        if not (0 <= row < self.themes.count() and 0 <= new < self.themes.count()):
            return
        self.themes.blockSignals(True)
        it = self.themes.takeItem(row)
        self.themes.insertItem(new, it)
        self.themes.blockSignals(False)
        self.themes.setCurrentRow(new)
        self._themes_changed()

    def reset_themes(self) -> None:
        self.themes.blockSignals(True)
        self.themes.clear()
        for t in self.defaults.themes:
            self._append_theme_item(t)
        self.themes.blockSignals(False)
        self.show_errors([])
        self._themes_changed()

    def _themes_changed(self) -> None:
        n = self.themes.count()
        rs = self.rs
        if n:
            self.theme_note.setText(f"{n} groupe{'s' if n > 1 else ''} de travail × {rs.wg_meetings} réunion"
                                    f"{'s' if rs.wg_meetings > 1 else ''} de {rs.wg_minutes} min, "
                                    f"{rs.wg_max_participants} participants au plus par groupe.")
        else:
            self.theme_note.setText("Aucun thème : l'unité n'aura pas de groupe de travail (étape 2).")
        self._update_theme_buttons()

    def _update_theme_buttons(self) -> None:
        row, n = self.themes.currentRow(), self.themes.count()
        self.theme_buttons["rename"].setEnabled(row >= 0)
        self.theme_buttons["remove"].setEnabled(row >= 0)
        self.theme_buttons["up"].setEnabled(row > 0)
        self.theme_buttons["down"].setEnabled(0 <= row < n - 1)

    # ------------------------------------------------------------------ briques
    def validate(self) -> tuple[UnitRoadmapChoices | None, list[str]]:
        """The dialog's choices, or the French reasons why they cannot be applied."""
        errors: list[str] = []
        themes = self.theme_list()
        seen: dict[str, str] = {}
        for t in themes:
            if not t:
                errors.append("Un thème est vide : saisissez son intitulé ou supprimez-le.")
            elif _norm(t) in seen:
                errors.append(f"Thème en double : « {t} ».")
            seen[_norm(t)] = t
        briques = self.checked_briques()
        for b in briques:
            if b not in self.catalogue_ids:
                errors.append(f"Brique « {b} » inconnue du catalogue (identifiants B01 à B48) : décochez-la.")
        dates = {k: list(v) for k, v in self.meeting_dates.items() if v}
        for key, ds in dates.items():
            label = MEETING_LABELS.get(key, key)
            for d in ds:
                if not self._in_horizon(d):
                    errors.append(f"{label} : le {fmt.date_long(d)} est hors de l'horizon du scénario "
                                  f"({self._horizon_text()}).")
        if errors:
            return None, errors
        try:
            ch = UnitRoadmapChoices(unit_type=self.unit_type, unit_id=self.unit_id, themes=themes, briques=briques,
                                    meeting_dates=dates)
        except ValidationError as exc:
            return None, french_errors(exc)
        return ch, []

    def apply(self) -> UnitRoadmapChoices | None:
        if self.busy:
            return None
        ch, errors = self.validate()
        if ch is None:
            self.show_errors(errors)
            self.status.setText("Rien n'a été appliqué : corrigez d'abord ce qui est signalé.")
            return None
        self.show_errors([])
        self.applyRequested.emit(ch)
        return ch

    def reset_all(self) -> None:
        self.load(self.defaults)
        self.status.setText("Valeurs par défaut du profil affichées : « Appliquer » pour les enregistrer.")

    def show_errors(self, errors: list[str]) -> None:
        errors = [e for e in errors if e]
        self.errors.setText("\n".join(f"• {e}" for e in errors))
        self.errors.setVisible(bool(errors))

    def set_busy(self, busy: bool, message: str = "") -> None:
        self.busy = busy
        self.apply_button.setEnabled(not busy)
        if message:
            self.status.setText(message)


__all__ = ["MEETINGS_BY_UNIT", "RoadmapChoicesDialog", "default_calendar_text"]
