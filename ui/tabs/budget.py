"""« Budget » : hours and euros per category, the envelope of each académie (over / under), the report's
28,800 h beside the plan's figure, and the editable rate table (undoable, through the settings)."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (QComboBox, QHBoxLayout, QHeaderView, QLabel, QSplitter, QTableWidget, QTableWidgetItem,
                               QVBoxLayout)

from planner.budget import CATEGORIES, CATEGORY_ORDER, TO_FILL, BudgetSettings, fr_eur, fr_hours, plan_budget
from planner.plan import Plan

from ..changes import Changes
from ..document import plan_budget_of
from ..widgets import bare_column, row_table, section_title
from . import Tab, register_tab


def budget_for(doc) -> dict | None:
    """The budget of the document's plan with the scenario's current rate table (kept with the plan's index)."""
    if doc.plan is None or doc.scenario is None or doc.pix is None:
        return None
    return plan_budget_of(doc.pix, doc.scenario.settings)


def scope_budget(doc, scope) -> dict | None:
    """The budget row of the selected territory: nation, académie, département (else the unit's own sessions: the
    whole plan's budget is not needed for them — after a pin, the window shows the unit before the nation's figures,
    which follow in the background)."""
    if doc.plan is None or doc.scenario is None or doc.pix is None:
        return None
    kind, uid = scope
    if kind in ("nation", "academie", "departement"):
        b = budget_for(doc)
    if kind == "nation":
        return {**b["total"], "envelope": b["envelope"]}
    if kind == "academie":
        return next((a for a in b["by_academie"] if a["code"] == uid), None)
    if kind == "departement":
        return next((d for d in b["by_departement"] if d["code"] == uid), None)
    sessions = doc.pix.sessions_of_unit(kind, uid)
    return plan_budget(Plan(sessions=sessions), doc.scenario.settings)["total"] if sessions else None


def _item(text: str, right: bool = False, tip: str = "") -> QTableWidgetItem:
    it = QTableWidgetItem(text)
    it.setFlags(it.flags() & ~Qt.ItemFlag.ItemIsEditable)
    if right:
        it.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    if tip:
        it.setToolTip(tip)
    return it


class BudgetTab(Tab):
    key, title = "budget", "Budget"

    def __init__(self, window) -> None:
        super().__init__(window)
        lay = QVBoxLayout(self)
        self.heading = section_title()
        lay.addWidget(self.heading)
        row = QHBoxLayout()
        row.addWidget(QLabel("Heures comptées :"))
        self.basis = QComboBox()
        self.basis.setObjectName("budgetBasis")
        self.basis.addItem("Sessions réelles du plan (unité par unité)", "plan")
        self.basis.addItem("Hypothèses du rapport (3 sessions d'1 h par établissement)", "report")
        self.basis.currentIndexChanged.connect(self._basis_changed)
        row.addWidget(self.basis)
        row.addStretch(1)
        lay.addLayout(row)
        split = QSplitter(Qt.Orientation.Vertical)
        top, tl = bare_column(QLabel("Par catégorie — taux et préparation modifiables (double-clic ; vide : à "
                                     "renseigner) :"))
        self.cats = row_table(QTableWidget(0, 7), "budgetCategories", read_only=False, word_wrap=True)
        self.cats.setHorizontalHeaderLabels(["Catégorie", "Qui forme", "Heures", "Préparation\n(min/session)",
                                             "Payées (h)", "€/h", "Coût"])
        self.cats.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for c, w in enumerate([190, 140, 68, 80, 78, 62, 80]):
            self.cats.setColumnWidth(c, w)
        self.cats.horizontalHeader().setStretchLastSection(True)
        self.cats.itemChanged.connect(self._edited)
        tl.addWidget(self.cats)
        self.note = QLabel("")
        self.note.setObjectName("budgetNote")
        self.note.setWordWrap(True)
        tl.addWidget(self.note)
        split.addWidget(top)
        bottom, bl = bare_column(QLabel("Enveloppe par académie (heures d'étape 1 du 2nd degré, préparation comprise) :"))
        self.acads = row_table(QTableWidget(0, 7), "budgetAcademies")
        self.acads.setHorizontalHeaderLabels(["Académie", "Enveloppe", "Financées", "Écart", "Situation",
                                              "Coût total", "Taux à renseigner"])
        self.acads.setSortingEnabled(True)
        self.acads.horizontalHeader().setStretchLastSection(True)
        bl.addWidget(self.acads)
        split.addWidget(bottom)
        split.setSizes([430, 200])
        lay.addWidget(split, 1)
        self._filling = False

    # ------------------------------------------------------------------ refresh
    def refresh(self, changes: Changes) -> None:
        if not (changes.data or changes.scope):
            return
        doc = self.doc
        bs = doc.scenario.settings.budget if doc.scenario else BudgetSettings()
        self._filling = True
        try:
            self.basis.setCurrentIndex(0 if bs.hours_basis == "plan" else 1)
            b = budget_for(doc)
            self._fill_categories(b, bs)
            self._fill_academies(b)
            self.cats.resizeRowsToContents()
        finally:
            self._filling = False

    def _fill_categories(self, b: dict | None, bs: BudgetSettings) -> None:
        cats = {c["id"]: c for c in b["categories"]} if b else {}
        self.cats.setRowCount(len(CATEGORY_ORDER))
        for r, cid in enumerate(CATEGORY_ORDER):
            c, cat = CATEGORIES[cid], cats.get(cid, {})
            rate = bs.rates.get(cid)
            scale = cat.get("legal_range_eur")
            tip = c.basis + (f" — barème {scale[0]:g} à {scale[1]:g} €/h" if scale else "")
            cells = [_item(c.label, tip=f"{tip}\nQui paie : {c.payer}"), _item(c.who, tip=f"Qui paie : {c.payer}"),
                     _item(fr_hours(cat.get("hours", 0)), True)]
            prep = QTableWidgetItem(str(bs.preparation_minutes.get(cid, 0)))
            prep.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            cells.append(prep)
            cells.append(_item(fr_hours(cat.get("paid_hours", 0)), True))
            rt = QTableWidgetItem("" if rate is None else f"{rate:g}".replace(".", ","))
            rt.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            rt.setToolTip(tip)
            if rate is None:
                rt.setBackground(QBrush(QColor("#fff3cd")))
            cells.append(rt)
            cells.append(_item(TO_FILL if rate is None and c.paid else ("—" if not c.paid else fr_eur(cat.get("cost_eur"))),
                               True))
            for col, it in enumerate(cells):
                if not c.paid and col in (3, 5):
                    it.setFlags(it.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.cats.setItem(r, col, it)
        if not b:
            self.heading.setText("Budget : planifiez (F5) pour compter les heures et les coûts.")
            self.note.setText("")
            return
        t, ref, env = b["total"], b["report_reference"], b["envelope"]
        self.heading.setText(
            f"Budget du plan : {fr_hours(t['total_paid_hours'])} payées, {fr_eur(t['cost_eur'])}"
            + (f" (hors {len(t['missing_rates'])} catégorie(s) à renseigner)" if t["missing_rates"] else "")
            + f" — enveloppe {fr_hours(env['hours'])}, écart {'+' if env['difference_hours'] > 0 else ''}"
            + f"{fr_hours(env['difference_hours'])}.")
        self.note.setText(
            f"Rapport : {fr_hours(ref['hours'])} (9 600 établissements × 3 sessions × 1 h). Sur le périmètre du plan, "
            f"la même règle donne {fr_hours(ref['scope_hours'])} ({ref['scope_formula']}) ; le plan compte "
            f"{fr_hours(ref['plan_hours_2d'])}. {ref['reason']} Fourchette du barème de l'arrêté du 7 mai 2012 : "
            f"{fr_eur(t['cost_range_eur'][0])} à {fr_eur(t['cost_range_eur'][1])}.")

    def _fill_academies(self, b: dict | None) -> None:
        rows = b["by_academie"] if b else []
        six = self.doc.six
        self.acads.setSortingEnabled(False)
        self.acads.setRowCount(len(rows))
        for r, a in enumerate(rows):
            name = six.academies[a["code"]].name if six and a["code"] in six.academies else a["code"]
            diff = a["difference_hours"]
            status = _item(a["status"])
            if a["status"] == "dépassement":
                status.setForeground(QBrush(QColor("#b00020")))
            for col, it in enumerate([_item(f"{name} ({a['code']})"), _item(fr_hours(a["envelope_hours"]), True),
                                      _item(fr_hours(a["financed_hours"]), True),
                                      _item(("+" if diff > 0 else "") + fr_hours(diff), True), status,
                                      _item(fr_eur(a["cost_eur"]), True),
                                      _item(", ".join(CATEGORIES[c].label for c in a["missing_rates"]) or "—")]):
                self.acads.setItem(r, col, it)
        self.acads.setSortingEnabled(True)

    # ------------------------------------------------------------------ edits (undoable settings)
    def _basis_changed(self, _i: int) -> None:
        if self._filling or self.doc.scenario is None:
            return
        bs = self.doc.scenario.settings.budget
        value = self.basis.currentData()
        if value != bs.hours_basis:
            self.window.request_setting("budget", bs.model_copy(update={"hours_basis": value}))

    def _edited(self, item: QTableWidgetItem) -> None:
        if self._filling or self.doc.scenario is None or item.column() not in (3, 5):
            return
        cid = CATEGORY_ORDER[item.row()]
        bs = self.doc.scenario.settings.budget
        text = item.text().strip().replace(",", ".").replace("€", "").strip()
        try:
            if item.column() == 5:
                rates = dict(bs.rates)
                rates[cid] = None if text == "" else text
                new = BudgetSettings.model_validate({**bs.model_dump(), "rates": rates})
            else:
                prep = dict(bs.preparation_minutes)
                prep[cid] = text or 0
                new = BudgetSettings.model_validate({**bs.model_dump(), "preparation_minutes": prep})
        except Exception as exc:  # noqa: BLE001 - pydantic's French message
            from planner.models import french_errors

            msg = "\n".join(french_errors(exc)) if hasattr(exc, "errors") else str(exc)
            self.refresh(Changes(settings=True))
            self.window.error(f"Valeur refusée :\n{msg}")
            return
        self.window.request_setting("budget", new)

    def status_text(self) -> str:
        b = budget_for(self.doc)
        return f"coût chiffré {fr_eur(b['total']['cost_eur'])}" if b else "aucun plan"


register_tab(BudgetTab, order=57)
