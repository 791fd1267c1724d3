"""The two larger parts of « Feuille de route de l'unité » (:mod:`ui.roadmap_dialog`): the step-5 briques
(a tree by domain › theme with check boxes and a filter) and the meeting dates (one list per meeting kind).

Mixins of :class:`ui.roadmap_dialog.RoadmapChoicesDialog`: they read and write the dialog's own widgets.
"""
from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, QLocale, Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (QAbstractItemView, QDateEdit, QGridLayout, QGroupBox, QHBoxLayout, QHeaderView, QLabel,
                               QLineEdit, QListWidget, QListWidgetItem, QPushButton, QTreeWidget, QTreeWidgetItem,
                               QTreeWidgetItemIterator, QVBoxLayout)

from planner.briques import Brique, domains
from planner.roadmap_models import MEETING_LABELS, RoadmapSettings

from . import fmt

ID_ROLE = Qt.ItemDataRole.UserRole
DATE_ROLE = Qt.ItemDataRole.UserRole + 1
ERROR_COLOR = "#b3261e"

# meeting kinds a unit may date itself, in the order of the year, by unit type
MEETINGS_BY_UNIT = {
    "etablissement": ("reunion_rentree", "conseil_pedagogique", "conseil_administration", "cvc_cvl", "cafe_ia"),
    "circonscription": ("reunion_rentree", "conseil_ecole", "cafe_ia"),
}


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


class BriquesPart:
    """Step 5: which briques the unit's sessions cover."""

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


class DatesPart:
    """Steps 3 and 4 and the cafés IA: the dates the unit chose for its meetings."""

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
