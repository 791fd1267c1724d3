"""« Vue d'ensemble » : key figures, coverage curve and the weekly heat map of the selected territory."""
from __future__ import annotations

import datetime as dt

import numpy as np
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QAbstractItemView, QFrame, QGridLayout, QHeaderView, QLabel, QSplitter, QTableView, \
    QVBoxLayout

from planner.demand import admin_staff_included, people_word
from planner.plan_index import NATION
from planner.report import gone_at_start, sessions_of, split_past

from .. import fmt
from ..changes import Changes
from ..charts import LineChart
from ..document import nation_teacher_kpis
from ..models import HeatmapModel, MonthHeader
from ..widgets import bare_column, section_title
from . import Tab, register_tab

AUD_GROUPS = [("Enseignants 1er degré", ("teachers_1d",), "#2e8b57"),
              ("Enseignants 2nd degré", ("teachers_2d",), "#1f77b4"),
              ("Cadres", ("perdir", "inspectors"), "#b5651d")]
UNIT_AUDIENCE = {"circonscription": "teachers_1d", "etablissement": "teachers_2d", "bassin": "perdir",
                 "departement": "inspectors"}


class Card(QFrame):
    """A key figure: caption, big value, small note."""

    def __init__(self, caption: str, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(10, 6, 10, 6)
        lay.setSpacing(0)
        self.caption = QLabel(caption)
        self.caption.setObjectName("cardCaption")
        self.caption.setWordWrap(True)
        self.value = QLabel("—")
        self.value.setObjectName("cardValue")
        self.note = QLabel("")
        self.note.setObjectName("cardNote")
        self.note.setWordWrap(True)
        for w in (self.caption, self.value, self.note):
            lay.addWidget(w)
        lay.addStretch(1)
        self._fitted: tuple = ()
        self._need = 0  # the height the card's text needs at its width

    def set(self, value: str, note: str = "", tip: str = "") -> None:
        self.value.setText(value)
        self.note.setText(note)
        self.setToolTip(tip)
        self.fit()

    def set_alert(self, on: bool) -> None:
        """The card's alert look (``QFrame#card[alert="true"]`` in the style sheet), repolished only when it changes."""
        if self.property("alert") != on:
            self.setProperty("alert", on)
            self.style().unpolish(self)
            self.style().polish(self)

    def resizeEvent(self, e) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(e)
        self.fit()

    def fit(self) -> None:
        """The card as wide as the grid makes it (a laptop's screen: about 130 pixels): its value's font smaller
        until the value fits (« 27/01/2027 » was cut off), and the card as high as its wrapped caption and note
        (the row kept the height of its other cards and cut the third line off) when the window has the room."""
        if not self.isVisible():
            return
        m = self.layout().contentsMargins()
        room = self.width() - m.left() - m.right()
        key = (room, self.value.text(), self.caption.text(), self.note.text())
        if key == self._fitted or room <= 0:
            return
        self._fitted = key
        font = QFont(self.value.font())
        size = VALUE_PT
        font.setPointSizeF(size)
        while size > MIN_VALUE_PT and QFontMetrics(font).horizontalAdvance(self.value.text()) > room:
            size -= 1
            font.setPointSizeF(size)
        style = "" if size == VALUE_PT else f"font-size: {size:g}pt"
        if self.value.styleSheet() != style:  # a new style sheet polishes the label again
            self.value.setStyleSheet(style)
        self.value.setFont(font)
        need = self.layout().totalHeightForWidth(self.width())
        if need > 0 and need != self._need:
            self._need = need
            self.updateGeometry()

    def sizeHint(self):  # noqa: N802 - Qt API
        """As high as the card's text at its width (:meth:`fit`): what the grid's row gets when the window has the
        room; its minimum stays that of its layout, so a low window is not made any higher."""
        hint = super().sizeHint()
        if self._need > hint.height():
            hint.setHeight(self._need)
        return hint


VALUE_PT, MIN_VALUE_PT = 16, 10  # a card's value: resources/styles/app.qss (#cardValue), and its smallest size


def scope_people(six, scope) -> dict[str, int]:
    """People to train (step 1) per audience inside a territory."""
    out: dict[str, int] = {}
    for k in six.unit_keys_in(scope):
        aud = UNIT_AUDIENCE.get(k[0], "")
        out[aud] = out.get(aud, 0) + six.people.get(k, 0)
    return out


def overview_demand(six, scope) -> tuple[dict[str, int], int]:
    """(people per audience, sessions needed) of a territory, computed once per scenario index."""
    return six.memo(("overview", tuple(scope)), lambda: (
        scope_people(six, scope), sum(six.sessions_needed.get(k, 0) for k in six.unit_keys_in(scope))))


def overview_estimated(six, scope) -> tuple[int, str]:
    """:func:`_estimated` of a territory, computed once per scenario index."""
    return six.memo(("overview_estimated", tuple(scope)), lambda: _estimated(six, scope))


def demand_json(six) -> dict:
    """The scenario's demand as the report writes it, computed once per scenario index."""
    return six.memo(("demand_json",), six.demand.to_json)


def prime_overview(six, scope=NATION) -> None:
    """The figures the first tab shows of the nation (and of ``scope``), computed where the scenario is read or its
    demand made again (a background thread): the window's turn then only fills its widgets."""
    for where in dict.fromkeys([NATION, tuple(scope)]):
        overview_demand(six, where)
        overview_estimated(six, where)
    demand_json(six)


class OverviewTab(Tab):
    key, title = "overview", "Vue d'ensemble"

    def __init__(self, window) -> None:
        super().__init__(window)
        lay = QVBoxLayout(self)
        self.ov_title = QLabel("France entière")
        self.ov_title.setObjectName("overviewTitle")
        self.ov_subtitle = QLabel("")
        self.ov_subtitle.setObjectName("overviewSubtitle")
        self.ov_subtitle.setWordWrap(True)
        self.calendar_note = QLabel("")  # académies planned on an assumed school calendar
        self.calendar_note.setObjectName("calendarWarning")
        self.calendar_note.setWordWrap(True)
        self.calendar_note.setVisible(False)
        lay.addWidget(self.ov_title)
        lay.addWidget(self.ov_subtitle)
        lay.addWidget(self.calendar_note)
        grid = QGridLayout()
        grid.setSpacing(8)
        self.cards: dict[str, Card] = {}
        for i, (key, cap) in enumerate([
            ("people", "Personnes à former (étape 1)"), ("needed", "Sessions nécessaires"),
            ("placed", "Sessions planifiées"), ("unplaced", "Non planifiées"),
            ("trainers", "Formateurs mobilisés"), ("hours", "Heures de formation"),
            ("half", "Moitié des personnes formées le"), ("done", "Tout le monde formé le"),
        ]):
            c = Card(cap)
            grid.addWidget(c, i // 4, i % 4)
            self.cards[key] = c
        lay.addLayout(grid)
        # the style sheet's first repolish makes PySide's enum classes (10 to 30 ms): on an idle turn after the window
        # is built, not in the turn that shows a solved plan with unplaced sessions
        unplaced = self.cards["unplaced"]
        QTimer.singleShot(0, self, lambda: (unplaced.set_alert(True), unplaced.set_alert(False)))
        split = QSplitter(Qt.Orientation.Vertical)
        self.coverage_chart = LineChart("Couverture : part des personnes formées (étape 1) au fil du temps", steps=True)
        self.coverage_chart.empty_text = "Aucun plan : planifiez l'académie sélectionnée (F5) ou la France (Maj+F5)"
        split.addWidget(self.coverage_chart)
        self.heatmap_title = section_title("Sessions par semaine", wrap=False)
        hm, hl = bare_column(self.heatmap_title)
        self.heatmap_model = HeatmapModel(self)
        self.heatmap = QTableView()
        self.heatmap.setObjectName("heatmap")
        self.heatmap.setHorizontalHeader(MonthHeader(self.heatmap))
        self.heatmap.setModel(self.heatmap_model)
        self.heatmap.setShowGrid(False)
        hh, vh = self.heatmap.horizontalHeader(), self.heatmap.verticalHeader()
        hh.setDefaultSectionSize(15)
        hh.setMinimumSectionSize(8)
        hh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vh.setDefaultSectionSize(17)
        vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vh.setMaximumWidth(260)
        self.heatmap.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.heatmap.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.heatmap.doubleClicked.connect(lambda i: window.select_scope(self.heatmap_model.scope_at(i.row())))
        vh.sectionDoubleClicked.connect(lambda r: window.select_scope(self.heatmap_model.scope_at(r)))
        hl.addWidget(self.heatmap, 1)
        split.addWidget(hm)
        split.setSizes([300, 330])
        lay.addWidget(split, 1)

    def refresh(self, changes: Changes) -> None:
        if not (changes.data or changes.scope):
            return
        doc, scope = self.doc, self.window.scope
        six, pix = doc.six, doc.pix
        self.ov_title.setText(six.name(*scope))
        people, needed = overview_demand(six, scope)
        total_people = sum(people.values())
        sub = fmt.unit_type_label(scope[0]) if scope[0] != "nation" else "Territoire national"
        if scope[0] == "nation":
            sub += (f" — {fmt.num(six.demand.counts['circonscriptions'])} circonscriptions, "
                    f"{fmt.num(six.demand.counts['etablissements'])} établissements, "
                    f"{fmt.num(six.demand.counts['bassins'])} bassins")
        if doc.plan_stale:
            year = doc.plan_year()
            sub += (f" — ⚠ plan de l'année scolaire {year}, scénario réglé sur {doc.scenario.settings.school_year}"
                    if year else " — ⚠ les paramètres ont changé depuis le calcul") + " : replanifiez (F5)"
        self.ov_subtitle.setText(sub)
        self._calendar_note(six, scope)
        short = {"Enseignants 1er degré": "1er degré", "Enseignants 2nd degré": "2nd degré", "Cadres": "cadres"}
        n_est, est_tip = overview_estimated(six, scope)
        est = "" if not n_est else (f" — {fmt.ESTIMATED}" if n_est == total_people
                                    else f" — dont {fmt.num(n_est)} {fmt.ESTIMATED}s")
        admin = " et personnels administratifs des établissements" if admin_staff_included(six.scenario.settings) else ""
        self.cards["people"].set(fmt.num(total_people),
                                 " · ".join(f"{short[lab]} {fmt.num(sum(people.get(a, 0) for a in auds))}"
                                            for lab, auds, _ in AUD_GROUPS if sum(people.get(a, 0) for a in auds)) + est,
                                 f"Enseignants des circonscriptions et établissements{admin}, personnels de direction, "
                                 "inspecteurs" + (f"\n{est_tip}" if n_est else ""))
        group = six.scenario.settings.group_size
        if scope[0] == "nation":
            d = demand_json(six)["sessions"]
            self.cards["needed"].set(fmt.num(needed), f"mutualisé : {fmt.num(d['pooled_step1'])} · "
                                     f"+{fmt.num(needed - d['pooled_step1'])} par unité",
                                     "Mutualisé : le nombre du rapport, qui divise chaque public d'un coup. Ici chaque unité "
                                     f"forme ses propres groupes (de {group} au plus) et arrondit au groupe supérieur : "
                                     f"{fmt.num(needed - d['pooled_step1'])} sessions de plus, un groupe ne mélangeant "
                                     "pas deux unités.")
        else:
            self.cards["needed"].set(fmt.num(needed), f"groupes de {group} au plus")
        if pix is None:
            for k in ("placed", "unplaced", "trainers", "hours", "half", "done"):
                self.cards[k].set("—", "aucun plan")
            self.coverage_chart.set_series([])
            self.heatmap_model.set_data(None, six, scope)
            self.heatmap_title.setText("Sessions par semaine : aucun plan (F5 pour planifier)")
            return
        self._plan_cards(pix, six, scope, people, total_people)
        self.heatmap_model.set_data(pix, six, scope)
        self.fit_heatmap()
        rows_kind = {"nation": "une ligne par académie", "academie": "une ligne par département",
                     "departement": "une ligne par circonscription et par bassin",
                     "bassin": "le bassin et ses établissements"}.get(scope[0], "")
        self.heatmap_title.setText(f"Sessions par semaine — {rows_kind} (double-clic : descendre)"
                                   if rows_kind else "Sessions par semaine")

    def _plan_cards(self, pix, six, scope, people, total_people) -> None:
        f = plan_card_figures(pix, six, scope)
        n1, ntot, nroad, nidx = f["step1"], f["tot"], f["roadmap"], f["sessions"]
        detail = (f"étape 1 : {fmt.num(n1)} · formateurs : {fmt.num(ntot)}"
                  + (f" · étapes 2 à 6 : {fmt.num(nroad)}" if nroad else ""))
        self.cards["placed"].set(fmt.num(nidx), f"dont étape 1 : {fmt.num(n1)}", detail)  # two lines at most
        past, nun, n_unpl = f["past"], f["unplaced"], f["unplaced_units"]
        card = self.cards["unplaced"]
        card.set(fmt.num(nun), (f"{n_unpl} unité(s) concernée(s)" if n_unpl else "tout est placé")
                 + (f" · {fmt.num(past)} à reporter" if past else ""),
                 "Sessions qu'aucun créneau ne peut accueillir (onglet « Non planifiées »)."
                 + (f" En plus, {fmt.num(past)} session(s) dont la date était passée au début de la "
                    f"planification (réunions de rentrée) : à reporter à l'année suivante." if past else ""))
        card.set_alert(bool(nun))
        self.cards["trainers"].set(fmt.num(f["trainers"]), "formateurs de formateurs et formateurs locaux")
        minutes = f["minutes"]
        from .budget import scope_budget

        b = scope_budget(self.doc, scope)  # planner/budget.py: rates per category, envelope per académie
        note, tip = "onglet Budget", ""
        if b is not None:
            note = f"coût : {fmt.num(b['cost_eur'])} €" + (" (taux à renseigner)" if b["missing_rates"] else "")
            tip = note
            env = b.get("envelope")
            d = env["difference_hours"] if isinstance(env, dict) else b.get("difference_hours")
            if d is not None:
                tip += f" · enveloppe : {'dépassement' if d > 0 else 'marge'} de {fmt.num(abs(d))} h"
            tip += " (détail : onglet Budget)"
        self.cards["hours"].set(fmt.num(minutes / 60), note, tip)  # two lines at most; the rest in the tooltip
        series, half, done, reached = f["coverage"]
        toussaint, day = self.toussaint_share(scope)
        made = (self.doc.plan.report or {}).get("settings") or {}
        who = people_word(made)
        if toussaint is None:
            tip = ""
        elif gone_at_start(day, made.get("plan_from")):
            tip = f"la Toussaint était passée au début du plan ({who} formés ensuite)"
        else:
            tip = f"{who} formés avant la Toussaint : {fmt.pct(toussaint)}"
        self.cards["half"].set(fmt.date_short(half), fmt.date_long(half) if half else "pas encore atteint", tip)
        if done:
            self.cards["done"].set(fmt.date_short(done), f"{fmt.pct(reached)} des personnes formées"
                                   + ("" if reached >= 0.999 else " (le reste : non planifié)"))
        else:
            self.cards["done"].set("—", "")
        acad = None if scope[0] == "nation" else six.academie_of(scope)
        self.coverage_chart.set_series(series, pre_rentree_markers(self.doc.plan.report if self.doc.plan else {}, acad))

    def toussaint_share(self, scope) -> tuple[float | None, object]:
        """(share of the teachers trained before their académie's Toussaint, that Toussaint): the report's figure
        (planner.report), the same as the solver's summary and the académie PDF; (None, None) below an académie or
        without a school year."""
        from planner.report import academie_kpis_of_index

        plan, pix = self.doc.plan, self.doc.pix
        if plan is None or pix is None or scope[0] not in ("nation", "academie"):
            return None, None
        if scope[0] == "academie":
            k = pix.memo(("academie_kpis", scope[1]), lambda: academie_kpis_of_index(pix, scope[1]))
            return k.get("share_toussaint"), k.get("toussaint")
        k = nation_teacher_kpis(pix)
        return k.get("share_trained_by_toussaint"), k.get("toussaint_date")

    def _calendar_note(self, six, scope) -> None:
        from planner.report import calendar_notes

        s = six.scenario.settings
        notes = calendar_notes(six.scenario, None if scope[0] == "nation" else six.academie_of(scope))
        self.calendar_note.setVisible(bool(notes))
        if notes:
            self.calendar_note.setText(f"⚠ Année scolaire {s.school_year} : calendrier scolaire supposé pour "
                                       + ", ".join(n for n, _ in notes)
                                       + " (Fichier ▸ Importer un calendrier scolaire)")
            self.calendar_note.setToolTip("\n\n".join(w for _, w in notes))

    def fit_heatmap(self) -> None:
        """Weeks fill the width when they can (8 to 18 px a week), else the view scrolls."""
        n = self.heatmap_model.columnCount()
        if not n:
            return
        avail = self.heatmap.viewport().width() or (self.width() - self.heatmap.verticalHeader().width() - 40)
        self.heatmap.horizontalHeader().setDefaultSectionSize(int(max(8, min(18, avail // n))))

    def resizeEvent(self, e) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(e)
        self.fit_heatmap()


def _estimated(six, scope) -> tuple[int, str]:
    """The territory's people counted from an estimated headcount, and the tooltip line saying where."""
    keys = [k for k in six.unit_keys_in(scope) if k in six.estimated and six.people.get(k, 0)]
    n = sum(six.people[k] for k in keys)
    return n, (fmt.estimated_tip(k[0] for k in keys) if n else "")


def plan_card_figures(pix, six, scope) -> dict:
    """The figures of the overview's cards and coverage curve for a territory, computed once per plan, scenario
    and territory (:meth:`planner.plan_index.PlanIndex.memo`; the opening and the solve compute the nation's in
    their background thread): sessions placed by kind, unplaced (still to place and past), trainers, minutes."""
    admin = admin_staff_included(six.scenario.settings)

    def compute() -> dict:
        people, _needed = overview_demand(six, scope)
        idx = pix.indices(scope)
        kinds = pix.kind_values
        step1_code = int(np.searchsorted(kinds, "step1")) if "step1" in kinds else -1
        tot_code = int(np.searchsorted(kinds, "tot")) if "tot" in kinds else -1
        is1 = pix.kind_code[idx] == step1_code
        n1 = int(is1.sum())
        ntot = int((pix.kind_code[idx] == tot_code).sum())
        unpl, gone = split_past(pix.unplaced_in(scope))  # gone before planning starts: not a failure
        with_t = idx[pix.has_trainer[idx]]
        return {"sessions": len(idx), "step1": n1, "tot": ntot, "roadmap": len(idx) - n1 - ntot,
                "unplaced": sessions_of(unpl), "unplaced_units": len(unpl), "past": sessions_of(gone),
                "trainers": len(np.unique(pix.trainer_code[with_t])) if len(with_t) else 0,
                "minutes": int(pix.minutes[idx].sum()) if len(idx) else 0,
                "coverage": coverage_series(pix, idx, is1, people, sum(people.values()), admin=admin)}

    return pix.memo(("overview_cards", tuple(scope), six.serial, admin), compute)


def coverage_series(pix, idx, is1, people, total_people, admin: bool = False):
    """Cumulative share of people trained (step 1) by audience group and overall; (series, half, done, reached).
    ``admin``: établissements' administrative staff is trained with the 2nd-degré teachers (« personnels »)."""
    series = []
    half = done = None
    reached = 0.0
    if not len(idx):
        return series, half, done, reached
    d_all = pix.date_ord[idx]
    part = pix.participants[idx]
    aud = pix.aud_code[idx]
    for lab, auds, color in AUD_GROUPS:
        denom = sum(people.get(a, 0) for a in auds)
        codes = [int(np.searchsorted(pix.aud_values, a)) for a in auds if a in pix.aud_values]
        if not denom or not codes:
            continue
        m = is1 & np.isin(aud, codes)
        if not m.any():
            continue
        days, inv = np.unique(d_all[m], return_inverse=True)
        cum = np.cumsum(np.bincount(inv, weights=part[m]))
        pts = [(float(days[0] - 1), 0.0)] + [(float(x), min(1.0, float(c) / denom)) for x, c in zip(days, cum)]
        series.append(("Personnels 2nd degré" if admin and auds == ("teachers_2d",) else lab, pts, color))
    if total_people and is1.any():
        days, inv = np.unique(d_all[is1], return_inverse=True)
        frac = np.cumsum(np.bincount(inv, weights=part[is1])) / total_people
        series.append(("Ensemble", [(float(days[0] - 1), 0.0)] + [(float(x), min(1.0, float(f)))
                                                                  for x, f in zip(days, frac)], "#222222"))
        h = np.nonzero(frac >= 0.5)[0]
        half = dt.date.fromordinal(int(days[h[0]])) if len(h) else None
        done = dt.date.fromordinal(int(days[-1]))
        reached = float(frac[-1])
    end = max((pts[-1][0] for _, pts, _ in series), default=None)
    # each curve carried on flat to the last day of all: a group trained early stays at its share, rather than its
    # line stopping where it reached it (at 100 %, as if it went off the chart)
    series = [(lab, pts + [(end, pts[-1][1])] if pts[-1][0] < end else pts, color) for lab, pts, color in series]
    return series, half, done, reached


def pre_rentree_markers(report: dict, academie: str | None = None) -> list[tuple[int, str]]:
    """The pré-rentrée of the plan's school year (each académie's own, planner.report)."""
    from planner.report import pre_rentree_days

    return [(d.toordinal(), "pré-rentrée") for d in pre_rentree_days(report, academie)]


register_tab(OverviewTab, order=10)
