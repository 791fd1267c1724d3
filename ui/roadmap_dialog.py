"""« Feuille de route de l'unité » : one unit's step-2 themes, step-5 briques and meeting dates.

Non-modal. The dialog only edits a draft: « Appliquer » validates it (French messages in the
dialog, never a traceback) and emits :attr:`RoadmapChoicesDialog.applyRequested` with a
:class:`UnitRoadmapChoices`; the window stores it through its undo stack and re-plans the unit.
"""
from __future__ import annotations

import datetime as dt

from pydantic import ValidationError
from PySide6.QtCore import QDate, QLocale, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (QAbstractItemView, QDateEdit, QDialog, QDialogButtonBox, QGridLayout, QGroupBox,
                               QHBoxLayout, QHeaderView, QLabel, QLineEdit, QListWidget, QListWidgetItem, QPushButton,
                               QSplitter, QTreeWidget, QTreeWidgetItem, QTreeWidgetItemIterator, QVBoxLayout, QWidget)

from planner.briques import Brique, BriqueError, domains, load_briques
from planner.models import french_errors
from planner.roadmap_models import MEETING_LABELS, RoadmapSettings, UnitRoadmapChoices

from . import fmt

ID_ROLE = Qt.ItemDataRole.UserRole
DATE_ROLE = Qt.ItemDataRole.UserRole + 1
ERROR_COLOR = "#b3261e"

# meeting kinds a unit may date itself, in the order of the year, by unit type
MEETINGS_BY_UNIT = {
    "etablissement": ("reunion_rentree", "conseil_pedagogique", "conseil_administration", "cvc_cvl", "cafe_ia"),
    "circonscription": ("reunion_rentree", "conseil_ecole", "cafe_ia"),
}


def _norm(theme: str) -> str:
    return " ".join(theme.split()).casefold()


def default_calendar_text(key: str, rs: RoadmapSettings) -> str:
    """What happens without a chosen date (French)."""
    months = {"conseil_administration": rs.ca_months, "conseil_ecole": rs.conseil_ecole_months,
              "conseil_pedagogique": rs.conseil_pedagogique_months, "cvc_cvl": rs.cvc_cvl_months}.get(key)
    if months is not None:
        return "un soir en " + ", ".join(fmt.MONTHS[m - 1] for m in months)
    if key == "reunion_rentree":
        return "un soir de septembre, choisi par le planificateur"
    if key == "cafe_ia":
        return (f"{rs.cafes_ia} soirée{'s' if rs.cafes_ia > 1 else ''} après l'étape 1, "
                f"à {rs.cafe_gap_days} jours d'écart au moins")
    return "choisi par le planificateur"


class RoadmapChoicesDialog(QDialog):
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

    def _build_dates(self) -> QGroupBox:
        box = QGroupBox("Étapes 4 et 6 — Dates des réunions")
        box.setToolTip("Dates fixées par l'unité ; sans date, le calendrier par défaut (mois des Paramètres)")
        g = QGridLayout(box)
        self.meetings = QListWidget()
        self.meetings.setObjectName("meetingList")
        self.meetings.setToolTip("Choisissez une réunion pour voir ou modifier ses dates")
        self.meeting_keys = list(MEETINGS_BY_UNIT.get(self.unit_type, tuple(MEETING_LABELS)))
        for key in self.meeting_keys:
            it = QListWidgetItem(MEETING_LABELS[key])
            it.setData(ID_ROLE, key)
            self.meetings.addItem(it)
        self.meetings.setFixedWidth(235)
        self.meetings.setSpacing(1)
        self.meetings.currentRowChanged.connect(lambda _r: self._show_meeting())
        g.addWidget(self.meetings, 0, 0, 3, 1)
        self.meeting_title = QLabel("")
        self.meeting_title.setObjectName("meetingTitle")
        self.meeting_title.setWordWrap(True)
        g.addWidget(self.meeting_title, 0, 1, 1, 3)
        self.dates = QListWidget()
        self.dates.setObjectName("dateList")
        self.dates.setToolTip("Dates choisies pour cette réunion (vide : calendrier par défaut)")
        self.dates.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        g.addWidget(self.dates, 1, 1, 1, 3)
        self.date_edit = QDateEdit()
        self.date_edit.setObjectName("dateEdit")
        self.date_edit.setLocale(QLocale(QLocale.Language.French, QLocale.Country.France))
        self.date_edit.setDisplayFormat("dd/MM/yyyy")
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDateRange(QDate(2000, 1, 1), QDate(2100, 12, 31))
        h0, h1 = self.horizon
        first = dt.date(h0.year, 9, 1) if h0 <= dt.date(h0.year, 9, 1) <= h1 else h0  # the school year's start
        self.date_edit.setDate(QDate(first.year, first.month, first.day))
        self.date_edit.setToolTip(f"Une date de l'horizon du scénario ({fmt.date_short(h0)} – {fmt.date_short(h1)})")
        add = QPushButton("Ajouter la date")
        add.setToolTip("Ajouter cette date à la réunion sélectionnée")
        add.clicked.connect(lambda: self.add_date(self.current_meeting(), self.date_edit.date().toPython()))
        rem = QPushButton("Retirer")
        rem.setToolTip("Retirer les dates sélectionnées")
        rem.clicked.connect(self._remove_selected_dates)
        clear = QPushButton("Calendrier par défaut")
        clear.setToolTip("Retirer toutes les dates de cette réunion : le planificateur reprend le calendrier par défaut")
        clear.clicked.connect(lambda: self.clear_dates(self.current_meeting()))
        g.addWidget(self.date_edit, 2, 1)
        g.addWidget(add, 2, 2)
        g.addWidget(rem, 2, 3)
        g.addWidget(clear, 3, 1, 1, 3, Qt.AlignmentFlag.AlignRight)
        g.setColumnStretch(1, 1)
        return box

    def _build_briques(self, catalogue_error: str) -> QGroupBox:
        box = QGroupBox("Étape 5 — Briques d'approfondissement")
        box.setToolTip("Les briques que l'unité programme, parmi les 48 du catalogue (3 domaines × 4 thèmes × 4 briques)")
        lay = QVBoxLayout(box)
        row = QHBoxLayout()
        self.brique_filter = QLineEdit()
        self.brique_filter.setObjectName("briqueFilter")
        self.brique_filter.setPlaceholderText("Filtrer : identifiant, intitulé, domaine ou thème…")
        self.brique_filter.setToolTip("N'affiche que les briques dont l'identifiant, l'intitulé, le domaine ou le thème "
                                      "contient ce texte")
        self.brique_filter.setClearButtonEnabled(True)
        self.brique_filter.textChanged.connect(self._filter_briques)
        row.addWidget(self.brique_filter, 1)
        lay.addLayout(row)
        self.briques = QTreeWidget()
        self.briques.setObjectName("briqueTree")
        self.briques.setHeaderLabels(["Brique", "Durée"])
        self.briques.setToolTip("Cochez les briques choisies par l'unité")
        self.briques.setUniformRowHeights(True)
        self.briques.setAlternatingRowColors(True)
        hh = self.briques.header()
        hh.setStretchLastSection(False)
        hh.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        hh.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.brique_items: dict[str, QTreeWidgetItem] = {}
        bold = QFont()
        bold.setBold(True)
        tristate = Qt.ItemFlag.ItemIsAutoTristate | Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled
        for domain, themes in domains(self.catalogue).items():
            d_item = QTreeWidgetItem(self.briques, [domain, ""])
            d_item.setFlags(tristate)
            d_item.setFont(0, bold)
            d_item.setToolTip(0, f"Domaine « {domain} » : cocher pour choisir toutes ses briques")
            for theme, items in themes.items():
                t_item = QTreeWidgetItem(d_item, [theme, ""])
                t_item.setFlags(tristate)
                t_item.setToolTip(0, f"Thème « {theme} » ({domain})")
                for b in items:
                    it = QTreeWidgetItem(t_item, [f"{b.id} — {b.title}", fmt.hours(b.duration_minutes)])
                    it.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                    it.setCheckState(0, Qt.CheckState.Unchecked)
                    it.setData(0, ID_ROLE, b.id)
                    public = "personnels" if b.audience == "staff" else "enseignants"
                    pre = f"\nPrérequis : brique {b.prerequisite}" if b.prerequisite else ""
                    it.setToolTip(0, f"{b.id} — {b.title}\n{domain} › {theme}\nDurée : {fmt.hours(b.duration_minutes)}, "
                                     f"public : {public}{pre}")
                    it.setToolTip(1, f"Durée de la brique : {b.duration_minutes} min")
                    self.brique_items[b.id] = it
        self.unknown_root: QTreeWidgetItem | None = None
        self.briques.itemChanged.connect(lambda *_: self._briques_changed())
        self.briques.expandAll()
        lay.addWidget(self.briques, 1)
        row = QHBoxLayout()
        self.brique_count = QLabel("")
        self.brique_count.setObjectName("briqueCount")
        row.addWidget(self.brique_count, 1)
        fold = QPushButton("Replier")
        fold.setToolTip("N'afficher que les domaines et les thèmes")
        fold.clicked.connect(lambda: (self.briques.collapseAll(), [self.briques.expandItem(self.briques.topLevelItem(i))
                                                                  for i in range(self.briques.topLevelItemCount())]))
        unfold = QPushButton("Déplier")
        unfold.setToolTip("Afficher toutes les briques")
        unfold.clicked.connect(self.briques.expandAll)
        none = QPushButton("Tout décocher")
        none.setToolTip("Aucune brique pour cette unité")
        none.clicked.connect(lambda: self.set_briques([]))
        dflt = QPushButton("Par défaut")
        dflt.setToolTip("Les briques par défaut du profil de l'unité")
        dflt.clicked.connect(lambda: self.set_briques(self.defaults.briques))
        for b in (fold, unfold, none, dflt):
            row.addWidget(b)
        lay.addLayout(row)
        if catalogue_error:
            warn = QLabel(f"Réglages des briques du scénario inutilisables ({catalogue_error}) : catalogue par défaut.")
            warn.setWordWrap(True)
            warn.setStyleSheet(f"color: {ERROR_COLOR};")
            lay.addWidget(warn)
        return box

    # ------------------------------------------------------------------ loading
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
    def set_briques(self, ids) -> None:
        ids = [str(b).strip().upper() for b in ids]
        self._order = list(dict.fromkeys(ids + [b for b in self._order if b not in ids]))
        self.briques.blockSignals(True)
        for bid, it in self.brique_items.items():
            it.setCheckState(0, Qt.CheckState.Checked if bid in ids else Qt.CheckState.Unchecked)
        # briques the catalogue does not know (an older file, an edited catalogue): listed apart, to uncheck
        unknown = [b for b in ids if b not in self.catalogue_ids]
        if self.unknown_root is not None:
            self.briques.takeTopLevelItem(self.briques.indexOfTopLevelItem(self.unknown_root))
            self.unknown_root = None
        if unknown:
            root = QTreeWidgetItem(["Briques inconnues du catalogue", ""])
            root.setForeground(0, QBrush(QColor(ERROR_COLOR)))
            root.setToolTip(0, "Ces identifiants ne sont pas dans le catalogue des 48 briques : décochez-les")
            for bid in unknown:
                it = QTreeWidgetItem(root, [f"{bid} — brique inconnue", ""])
                it.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
                it.setCheckState(0, Qt.CheckState.Checked)
                it.setData(0, ID_ROLE, bid)
                it.setForeground(0, QBrush(QColor(ERROR_COLOR)))
            self.briques.insertTopLevelItem(0, root)
            root.setExpanded(True)
            self.unknown_root = root
        self.briques.blockSignals(False)
        self._briques_changed()

    def set_brique_checked(self, bid: str, checked: bool) -> None:
        it = self.brique_items.get(bid)
        if it is not None:
            it.setCheckState(0, Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    def checked_briques(self) -> list[str]:
        """Checked ids: the unit's previous order first, then the new ones in catalogue order."""
        checked = {bid for bid, it in self.brique_items.items() if it.checkState(0) == Qt.CheckState.Checked}
        if self.unknown_root is not None:
            for i in range(self.unknown_root.childCount()):
                it = self.unknown_root.child(i)
                if it.checkState(0) == Qt.CheckState.Checked:
                    checked.add(it.data(0, ID_ROLE))
        first = [b for b in self._order if b in checked]
        return first + [b for b in self.brique_items if b in checked and b not in first]

    def _briques_changed(self) -> None:
        ids = self.checked_briques()
        n = len(ids)
        minutes = sum(self.durations.get(b, 0) for b in ids)
        if n:
            self.brique_count.setText(f"{n} brique{'s' if n > 1 else ''} choisie{'s' if n > 1 else ''} sur "
                                      f"{len(self.catalogue)} ({fmt.hours(minutes)}) : {', '.join(ids)}")
        else:
            self.brique_count.setText(f"Aucune brique choisie sur {len(self.catalogue)}.")

    def _filter_briques(self, text: str) -> None:
        q = text.strip().casefold()
        it = QTreeWidgetItemIterator(self.briques)
        parents: list[QTreeWidgetItem] = []
        while it.value():
            item = it.value()
            if item.childCount():
                parents.append(item)
            else:
                hay = " ".join([item.text(0), item.parent().text(0) if item.parent() else "",
                                item.parent().parent().text(0) if item.parent() and item.parent().parent() else ""])
                item.setHidden(bool(q) and q not in hay.casefold())
            it += 1
        for p in reversed(parents):  # themes before domains
            p.setHidden(all(p.child(i).isHidden() for i in range(p.childCount())))
        if q:
            self.briques.expandAll()

    # ------------------------------------------------------------------ meeting dates
    def current_meeting(self) -> str:
        it = self.meetings.currentItem()
        return it.data(ID_ROLE) if it is not None else self.meeting_keys[0]

    def _in_horizon(self, d: dt.date) -> bool:
        return self.horizon[0] <= d <= self.horizon[1]

    def _horizon_text(self) -> str:
        return f"{fmt.date_short(self.horizon[0])} – {fmt.date_short(self.horizon[1])}"

    def add_date(self, key: str, d: dt.date) -> bool:
        if key not in MEETING_LABELS:
            return False
        if not self._in_horizon(d):
            self.show_errors([f"{MEETING_LABELS[key]} : le {fmt.date_long(d)} est hors de l'horizon du scénario "
                              f"({self._horizon_text()})."])
            return False
        dates = self.meeting_dates.setdefault(key, [])
        if d in dates:
            self.show_errors([f"{MEETING_LABELS[key]} : le {fmt.date_long(d)} est déjà choisi."])
            return False
        dates.append(d)
        dates.sort()
        self.show_errors([])
        self._update_meeting_items()
        if key == self.current_meeting():
            self._show_meeting()
        return True

    def remove_date(self, key: str, d: dt.date) -> None:
        dates = self.meeting_dates.get(key, [])
        if d in dates:
            dates.remove(d)
        if not dates:
            self.meeting_dates.pop(key, None)
        self._update_meeting_items()
        if key == self.current_meeting():
            self._show_meeting()

    def clear_dates(self, key: str) -> None:
        self.meeting_dates.pop(key, None)
        self._update_meeting_items()
        self._show_meeting()

    def _remove_selected_dates(self) -> None:
        key = self.current_meeting()
        for it in self.dates.selectedItems():
            self.remove_date(key, it.data(DATE_ROLE))

    def _update_meeting_items(self) -> None:
        for i in range(self.meetings.count()):
            it = self.meetings.item(i)
            key = it.data(ID_ROLE)
            dates = self.meeting_dates.get(key, [])
            bad = [d for d in dates if not self._in_horizon(d)]
            n = len(dates)
            it.setText(f"{MEETING_LABELS[key]}\n   " + (f"{n} date{'s' if n > 1 else ''} choisie{'s' if n > 1 else ''}"
                                                       if n else "calendrier par défaut"))
            it.setForeground(QBrush(QColor(ERROR_COLOR if bad else ("#000091" if n else "#555e69"))))
            it.setToolTip(MEETING_LABELS[key] + " : " + (", ".join(fmt.date_short(d) for d in dates) if n else
                                                         "par défaut, " + default_calendar_text(key, self.rs)))

    def _show_meeting(self) -> None:
        key = self.current_meeting()
        dates = self.meeting_dates.get(key, [])
        self.meeting_title.setText(f"<b>{MEETING_LABELS[key]}</b> — " + (
            "dates choisies par l'unité :" if dates else
            f"aucune date choisie : par défaut, {default_calendar_text(key, self.rs)}."))
        self.dates.clear()
        for d in dates:
            it = QListWidgetItem(fmt.date_long(d))
            it.setData(DATE_ROLE, d)
            if not self._in_horizon(d):
                it.setText(f"{fmt.date_long(d)} — hors de l'horizon")
                it.setForeground(QBrush(QColor(ERROR_COLOR)))
                it.setToolTip(f"Hors de l'horizon du scénario ({self._horizon_text()}) : retirez cette date")
            self.dates.addItem(it)

    # ------------------------------------------------------------------ validation and apply
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
