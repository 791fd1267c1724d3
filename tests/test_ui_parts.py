"""The window's parts: the one background helper, the tab and action registries, the document and its
undo commands without a window, and « Vérifier » on what is planned (offscreen, tiny scenarios)."""
from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout

from planner.models import Academie, Circonscription, Departement, Trainer
from planner.scenario_io import save_scenario_json

from .conftest import isolate_qsettings, open_window
from .tiny import tiny_scenario


def two_academies():
    """The tiny Toulouse scenario plus a small académie of Montpellier that nobody plans."""
    sc = tiny_scenario()
    return sc.model_copy(update={
        "academies": sc.academies + [Academie(code="11", name="Montpellier", zone="C", calendar_zone="C")],
        "departements": sc.departements + [Departement(code="034", name="Hérault", academie="11")],
        "circonscriptions": sc.circonscriptions + [Circonscription(id="034-01", name="Circonscription Hérault",
                                                                   departement="034", academie="11", teachers=60)],
        "trainers": sc.trainers + [Trainer(id="T-H-1", role="cpc", academie="11", unit_type="circonscription",
                                           unit_id="034-01"),
                                   Trainer(id="FDF-2", role="fdf", academie="11", unit_type="academie", unit_id="11")],
    })


@pytest.fixture(scope="module")
def win(qapp, tmp_path_factory):
    path = tmp_path_factory.mktemp("scenario") / "deux.json"
    save_scenario_json(two_academies(), path)
    with open_window(qapp, tmp_path_factory, "Planificateur IA tests parts", path, size=None, time_limit=10) as w:
        yield w


# ---------------------------------------------------------------------------- operations
def test_an_operation_runs_off_the_gui_thread_and_reports_on_it(qtbot):
    from ui.changes import Changes
    from ui.operations import OperationRunner

    runner = OperationRunner()
    seen, changed = {}, []
    runner.changed.connect(changed.append)
    gui = threading.get_ident()

    def work(progress, stop):
        seen["worker"] = threading.get_ident()
        progress(0.5)
        return 42

    op = runner.run(work, name="x", progress=lambda p: seen.setdefault("progress", p),
                    success=lambda r: (seen.__setitem__("success", (r, threading.get_ident())), Changes(plan=True))[1])
    qtbot.waitUntil(lambda: not op.isRunning(), timeout=10_000)
    assert seen["worker"] != gui and seen["success"] == (42, gui) and seen["progress"] == 0.5
    assert changed == [Changes(plan=True)] and runner.running == []


def test_an_operation_can_be_cancelled_and_reports_failures_in_french(qtbot):
    from ui.operations import OperationRunner

    runner = OperationRunner()
    started, out = threading.Event(), {}

    def slow(progress, stop):
        started.set()
        if not stop.wait(10):
            return "fini"
        raise RuntimeError("calcul interrompu")

    op = runner.run(slow, failure=lambda msg: out.setdefault("fail", msg), success=lambda r: out.setdefault("ok", r))
    started.wait(5)
    op.cancel()
    qtbot.waitUntil(lambda: not op.isRunning(), timeout=10_000)
    assert op.cancelled and out == {"fail": "calcul interrompu"}


# ---------------------------------------------------------------------------- registries
def test_a_registered_tab_and_action_join_the_window(qapp, tmp_path_factory, qtbot):
    isolate_qsettings(qapp, tmp_path_factory, "Planificateur IA tests registry")
    from ui import actions, tabs
    from ui.main_window import MainWindow

    calls = []

    class FollowupTab(tabs.Tab):
        key, title = "followup_test", "Suivi (essai)"

        def __init__(self, window):
            super().__init__(window)
            QVBoxLayout(self).addWidget(QLabel("suivi"))

        def refresh(self, changes):
            calls.append(changes)

    tabs.register_tab(FollowupTab, order=60)
    actions.register_action("import_calendar_test", "Importer un &calendrier scolaire…",
                            lambda w: w.set_status("calendrier"), menu="file", section="import")
    try:
        w = MainWindow()
        qtbot.addWidget(w)
        assert w.tabs.tabText(w.tabs.count() - 1) == "Suivi (essai)"
        assert w.tab_actions[-1].shortcut().toString() == f"Ctrl+{w.tabs.count()}"
        file_menu = w.menus["file"].actions()
        a = w.act_import_calendar_test
        section = file_menu[file_menu.index(w.act_import):]
        section = section[:next((i for i, x in enumerate(section) if x.isSeparator()), len(section))]
        assert a in section  # in the « import » section of Fichier, after the annuaire
        a.trigger()
        assert w.last_message == "calendrier"
        assert not calls  # hidden: refreshed only when shown
        w.show_tab("followup_test")
        assert calls and calls[-1].scenario
        w.close()
    finally:
        tabs._TABS.pop("followup_test")
        actions._ACTIONS.pop("import_calendar_test")


# ---------------------------------------------------------------------------- document and commands
def test_undo_commands_edit_the_document_without_a_window(qapp):
    from ui.commands import SettingCommand
    from ui.document import Document

    doc = Document()
    doc.set_scenario(tiny_scenario(), None)
    seen = []
    doc.changed.connect(seen.append)
    doc.undo_stack.push(SettingCommand(doc, "group_size", 15, 20))
    assert doc.scenario.settings.group_size == 20 and seen[-1].settings
    needed = sum(doc.six.sessions_needed.values())
    doc.undo_stack.undo()
    assert doc.scenario.settings.group_size == 15 and sum(doc.six.sessions_needed.values()) > needed


def test_a_setting_keeps_the_territory_tree_unless_private_etablissements_come_in_or_go(qapp):
    """The scenario's index is made again after a setting; the territory tree and the table labels it kept come
    with it when they cannot have changed, rather than the window's thread building them again."""
    from ui.commands import SettingCommand
    from ui.document import Document
    from ui.models.sessions import prime_labels
    from planner.plan_index import ScenarioIndex
    from ui.models.territory import territory_tree

    sc = tiny_scenario()
    private = sc.etablissements[0].model_copy(update={"uai": "0319999Z", "name": "Lycée privé Test",
                                                       "sector": "private"})
    sc.etablissements.append(private)
    doc = Document()
    doc.set_scenario(sc, None)
    tree = doc.six.memo(("territory_tree",), lambda: territory_tree(doc.six))
    prime_labels(doc.six)
    labels = doc.six.memo(("labels", "sort_unit"), dict)
    assert ("etablissement", private.uai) not in tree[1]
    doc.undo_stack.push(SettingCommand(doc, "group_size", 15, 12))
    assert doc.six.memo(("territory_tree",), lambda: None) is tree
    assert doc.six.memo(("labels", "sort_unit"), dict) is labels
    assert doc.six.sessions_needed != {}  # the rest made again with the new settings
    doc.undo_stack.push(SettingCommand(doc, "include_private", False, True))
    fresh = doc.six.memo(("territory_tree",), lambda: territory_tree(doc.six))
    assert fresh is not tree and ("etablissement", private.uai) in fresh[1]
    assert fresh[1].keys() == territory_tree(doc.six)[1].keys()
    doc.undo_stack.undo()  # private ones out again: made again, as they were
    again = doc.six.memo(("territory_tree",), lambda: territory_tree(doc.six))
    assert again is not fresh and again[1].keys() == tree[1].keys()
    # rates and envelopes, caps, the horizon: the scenario's index stays as it is (its demand does not depend on them)
    six = doc.six
    bs = doc.scenario.settings.budget
    doc.undo_stack.push(SettingCommand(doc, "budget", bs, bs.model_copy(update={"hours_basis": "report"})))
    assert doc.six is six and doc.scenario.settings.budget.hours_basis == "report"
    cap = doc.scenario.settings.max_per_local_trainer_per_day
    doc.undo_stack.push(SettingCommand(doc, "max_per_local_trainer_per_day", cap, cap + 1))
    doc.undo_stack.push(SettingCommand(doc, "__all__", doc.scenario.settings.model_copy(deep=True),
                                       doc.scenario.settings.model_copy(update={"weight_completion": 2.0})))
    assert doc.six is six and doc.scenario.settings.weight_completion == 2.0
    assert doc.six.sessions_needed == ScenarioIndex(doc.scenario).sessions_needed
    assert doc.six.people == ScenarioIndex(doc.scenario).people
    # administrative staff trained with the teachers: more people, a new index
    doc.undo_stack.push(SettingCommand(doc, "include_admin_staff", False, True))
    assert doc.six is not six and doc.six.people == ScenarioIndex(doc.scenario).people != six.people
    doc.undo_stack.undo()
    assert doc.six.people == six.people


# ---------------------------------------------------------------------------- « Vérifier »
def _solve(w, qtbot, code="16"):
    w.select_scope(("academie", code))
    qtbot.mouseClick(w.toolbar.widgetForAction(w.act_solve), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.plan is not None and w.solve_thread is None, timeout=60_000)


def test_check_looks_at_the_planned_academies_only(win, qtbot):
    from solvers.checker import check_plan

    w = win
    _solve(w, qtbot)
    assert {s.academie for s in w.plan.sessions} == {"16"}
    # the whole scenario would reproach the plan Montpellier's unplanned teachers
    assert any("Hérault" in f.message for f in check_plan(w.plan, w.scenario) if f.rule == "coverage")
    st = w.doc.check_state()
    assert st is not None and st.academies == ["16"] and st.errors == []
    assert "vérifié : aucune anomalie" in w.plan_label.text()
    tip = w.territory.model.index_of(("academie", "16")).data(Qt.ItemDataRole.ToolTipRole)
    assert "sessions planifiées, la dernière le" in tip  # the tree's hidden « Fin » column, in the tooltip
    assert not any(k.startswith("_ui") for k in w.plan.report)  # the check lives beside the plan
    w.act_check.trigger()
    assert "aucune anomalie" in w.last_message and "Toulouse" in w.last_message


def test_an_edit_marks_the_plan_unverified_then_checks_it_in_the_background(win, qtbot):
    w = win
    if w.plan is None:
        _solve(w, qtbot)
    w.settings_panel.editors["max_per_local_trainer_per_day"].setValue(3)
    assert not w.doc.verified and "non vérifié" in w.plan_label.text()
    w.act_check.trigger()  # asked while the automatic check is due: its result is reported
    qtbot.waitUntil(lambda: w.doc.verified, timeout=30_000)
    assert "Vérification" in w.last_message
    assert "vérifié :" in w.plan_label.text() and "non vérifié" not in w.plan_label.text()
    w.act_undo.trigger()  # back to the settings the plan was checked with: « vérifié » at once
    assert w.doc.verified


def test_overview_reads_the_report_figures(win, qtbot):
    """« formés avant la Toussaint » in the overview is the report's figure (planner.report), not a second count."""
    import datetime as dt

    from planner.report import academie_kpis

    w = win
    if w.plan is None:
        _solve(w, qtbot)
    w.select_scope(("academie", "16"))
    w.show_tab("overview")
    w.refresh_all()
    share = academie_kpis(w.plan, "16")["share_toussaint"]
    from ui import fmt

    assert share is not None and f"avant la Toussaint : {fmt.pct(share)}" in w.tab("overview").cards["half"].toolTip()
    # a plan starting after the Toussaint: its 0 % would read as a failure, the tooltip says the date had passed
    from planner.plan_index import PlanIndex

    settings = w.plan.report["settings"]
    day = academie_kpis(w.plan, "16")["toussaint"]
    try:
        w.plan.report["settings"] = {**settings, "plan_from": (day + dt.timedelta(days=30)).isoformat()}
        w.doc.pix = PlanIndex(w.plan, w.doc.six)
        w.refresh_all()
        assert "la Toussaint était passée au début du plan" in w.tab("overview").cards["half"].toolTip()
    finally:
        w.plan.report["settings"] = settings
        w.doc.pix = PlanIndex(w.plan, w.doc.six)
        w.refresh_all()


def test_overview_counts_past_meetings_apart_from_unplaced(win, qtbot):
    """Réunions de rentrée already gone when planning starts (rule « past ») are not « non planifiées »:
    the card says 0 and mentions them; a real unplaced session still counts."""
    w = win
    if w.plan is None:
        _solve(w, qtbot)
    plan = w.plan
    saved = list(plan.report.get("unplaced", []))
    past = {"unit_type": "etablissement", "unit_id": w.doc.scenario.etablissements[0].uai, "name": "Collège Test",
            "academie": "16", "departement": "031", "kind": "step6", "audience": "families", "sessions": 3,
            "rule": "past", "reason": "Collège Test : réunion de rentrée : la rentrée 2026 est passée"}
    try:
        plan.report["unplaced"] = [u for u in saved if u.get("rule") != "past"] + [past]
        from planner.plan_index import PlanIndex

        w.doc.pix = PlanIndex(plan, w.doc.six)  # the index reads the report's unplaced list once
        w.select_scope(("academie", "16"))
        w.show_tab("overview")
        w.refresh_all()
        card = w.tab("overview").cards["unplaced"]
        real = sum(int(u.get("sessions", 0) or 0) for u in saved if u.get("rule") != "past")
        assert card.value.text().replace("\u202f", "") == str(real)
        assert "3 à reporter" in card.note.text() and "réunions de rentrée" in card.toolTip()
    finally:
        plan.report["unplaced"] = saved
        w.doc.pix = PlanIndex(plan, w.doc.six)
        w.refresh_all()


def _painted(widget, method: str, size: tuple[int, int]) -> list[tuple]:
    """The arguments of every ``QPainter.<method>`` call while ``widget`` renders itself into an image of ``size``."""
    from PySide6.QtGui import QImage, QPainter

    calls: list[tuple] = []
    real = getattr(QPainter, method)

    def spy(self, *args):
        calls.append(args)
        return real(self, *args)

    setattr(QPainter, method, spy)
    try:
        widget.render(QImage(*size, QImage.Format.Format_ARGB32))
    finally:
        setattr(QPainter, method, real)
    return calls


def test_close_markers_share_one_label_and_distant_ones_keep_theirs(qapp):
    """The pré-rentrées of the académies, a few days apart, are one « pré-rentrée » on the coverage chart, not
    labels drawn over each other; a marker far enough keeps its own label; every marker keeps its line."""
    import datetime as dt

    from ui.charts import LineChart, marker_labels_shown

    assert marker_labels_shown([100, 120, 150, 400], [70, 70, 70, 70]) == [True, False, False, True]
    # the first label ends at 100 + 3 + 70, plus 6 pixels of room: the next one may start at 179 (its line at 176)
    assert marker_labels_shown([100, 176], [70, 70]) == [True, True]
    assert marker_labels_shown([100, 175], [70, 70]) == [True, False]
    assert marker_labels_shown([], []) == []

    chart = LineChart("Couverture")
    chart.resize(700, 240)
    d0 = dt.date(2027, 8, 1).toordinal()
    chart.set_series([("Ensemble", [(d0, 0.0), (d0 + 120, 1.0)], None)],
                     markers=[(d0 + 17, "pré-rentrée"), (d0 + 30, "pré-rentrée"), (d0 + 31, "pré-rentrée"),
                              (d0 + 33, "pré-rentrée")])
    drawn = [args[-1] for args in _painted(chart, "drawText", (700, 240))]
    assert drawn.count("pré-rentrée") == 2  # 17 days apart: two labels; 1 to 3 days apart: one


def test_coverage_is_drawn_as_steps_over_two_weeks_at_least(qapp):
    """A cumulative share holds until the next day with sessions, then rises: drawn level then up, held to the
    axis's end; one day's training is not stretched into a ramp over the whole width (two weeks shown at least)."""
    import datetime as dt

    from ui.charts import LineChart

    d = dt.date(2027, 9, 22).toordinal()
    chart = LineChart("Couverture", steps=True)
    chart.resize(600, 240)
    chart.set_series([("Ensemble", [(d - 1, 0.0), (d, 1.0)], None)])
    x0, x1, _, _ = chart._bounds()
    assert x1 - x0 == LineChart.MIN_DAYS and x0 < d - 1 and d < x1
    paths = [[(path.elementAt(i).x, path.elementAt(i).y) for i in range(path.elementCount())]
             for (path,) in _painted(chart, "drawPath", (600, 240))]
    (pts,) = paths
    r = chart.plot_rect()
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    assert xs[0] == r.left() and abs(xs[-1] - r.right()) < 1e-6  # held from the axis's start to its end
    assert ys[0] == ys[1] == ys[2] == r.bottom() and ys[3] == ys[4] == r.top()  # level at 0 %, then 100 %
    assert xs[2] == xs[3]  # the rise is vertical, on the day of the sessions
    assert all(a <= b for a, b in zip(xs, xs[1:]))
    ramp = LineChart("Objectif", x_dates=False, y_percent=False)  # the solve's progress: points joined as ever
    ramp.set_series([("Objectif", [(0.0, 10.0), (2.0, 4.0)], None)])
    assert ramp._bounds()[:2] == (0.0, 2.0)


def test_a_plan_is_stale_when_computed_with_other_settings_than_the_scenario_s_budget_apart():
    import datetime as dt

    from planner.plan import Plan
    from ui.document import made_with_other_settings

    sc = tiny_scenario()
    s = sc.settings
    made = s.model_dump(mode="json")
    plan = Plan(sessions=[], trainers=[], units=[], report={"settings": {**made, "pre_rentree_dates": {"16": None}}})
    assert not made_with_other_settings(plan, s)  # its own settings (and what the solve adds to them)
    assert made_with_other_settings(plan, s.model_copy(update={"group_size": s.group_size + 1}))
    assert made_with_other_settings(plan, s.model_copy(update={"plan_from": s.plan_from + dt.timedelta(days=1)}))
    budget = s.budget.model_copy(update={"hours_basis": "report" if s.budget.hours_basis == "plan" else "plan"})
    assert not made_with_other_settings(plan, s.model_copy(update={"budget": budget}))  # no re-plan for the budget
    older = Plan(sessions=[], trainers=[], units=[], report={"settings": {k: v for k, v in made.items()
                                                                          if k != "group_size"}})
    assert not made_with_other_settings(older, s.model_copy(update={"group_size": s.group_size + 1}))  # not named
    bare = Plan(sessions=[], trainers=[], units=[], report={})
    assert not made_with_other_settings(bare, s) and made_with_other_settings(bare, s, unknown=True)


def test_a_week_is_said_in_few_words():
    import datetime as dt

    from ui.fmt import day_span

    assert day_span(dt.date(2027, 8, 30), dt.date(2027, 9, 5)) == "30 août – 5 sept. 2027"
    assert day_span(dt.date(2027, 3, 1), dt.date(2027, 3, 7)) == "1er – 7 mars 2027"
    assert day_span(dt.date(2026, 12, 28), dt.date(2027, 1, 3)) == "28 déc. 2026 – 3 janv. 2027"


def test_follow_up_chart_keeps_today_s_label_clear_of_the_axis_dates(qapp):
    """Planning from yesterday, « aujourd'hui » beside its line ran into the axis's first date under the chart:
    it goes to the top of its line then; well inside the year it stays under the axis. The last date is shown."""
    import datetime as dt

    from ui.tabs.followup import CoverageChart

    first = dt.date(2026, 11, 30)
    planned = [(first + dt.timedelta(days=7 * k), 100 * (k + 1)) for k in range(20)]

    def drawn(today):
        chart = CoverageChart()
        chart.resize(700, 140)
        chart.set_data(planned, [], 2000, today)
        return {args[2]: (args[0], args[1]) for args in _painted(chart, "drawText", (700, 140))
                if len(args) == 3 and isinstance(args[2], str)}

    near = drawn(first + dt.timedelta(days=1))
    bottom = near["30/11/2026"][1]
    assert near["aujourd'hui 01/12"][1] < bottom - 20  # at the top of its line, not on the first date
    assert any(t.endswith("/2027") and y == bottom for t, (x, y) in near.items())  # the axis's last date
    inside = drawn(first + dt.timedelta(days=60))
    assert inside["aujourd'hui 29/01"][1] == inside["30/11/2026"][1]  # clear of both dates: under the axis


def test_an_overview_card_fits_its_value_and_wrapped_note_in_a_narrow_grid(qapp):
    """On a laptop's screen a card is about 130 pixels wide: « 27/01/2027 » at the value's size was cut off, and a
    note wrapped to three lines lost its last one to the row's height. The value's font shrinks until it fits, and
    the card asks for the height of its text (the chart below gives it up) without making a low window higher."""
    from PySide6.QtGui import QFontMetrics
    from PySide6.QtWidgets import QApplication, QGridLayout, QVBoxLayout, QWidget

    from planner.paths import resource_path
    from ui.tabs.overview import VALUE_PT, Card

    page = QWidget()
    page.setStyleSheet((resource_path("styles") / "app.qss").read_text(encoding="utf-8"))  # the window's style
    lay = QVBoxLayout(page)
    grid = QGridLayout()
    lay.addLayout(grid)
    lay.addWidget(QWidget(), 1)  # the chart and the heat map below the cards, which take what is left
    narrow, wide = Card("Tout le monde formé le"), Card("Personnes à former (étape 1)")
    grid.addWidget(narrow, 0, 0)
    grid.addWidget(wide, 0, 1)
    grid.setColumnMinimumWidth(1, 300)
    page.setFixedWidth(450)  # as a window on a laptop's screen: no wider
    page.resize(450, 400)
    page.show()
    short = page.minimumSizeHint().height()
    narrow.set("27/01/2027", "4,8 % des personnes formées (le reste : non planifié) et une note plus longue")
    wide.set("728 700", "court")
    for _ in range(5):
        QApplication.processEvents()
    assert narrow.width() < 160
    assert QFontMetrics(narrow.value.font()).horizontalAdvance("27/01/2027") <= narrow.value.width()
    assert narrow.value.font().pointSizeF() < VALUE_PT  # smaller than the style's size, but still a figure
    assert wide.value.font().pointSizeF() == VALUE_PT  # a value that fits keeps its size
    need = narrow.layout().totalHeightForWidth(narrow.width())
    assert narrow.height() >= need and narrow.note.height() >= narrow.note.heightForWidth(narrow.note.width())
    assert narrow.note.heightForWidth(narrow.note.width()) > 3 * QFontMetrics(narrow.note.font()).height() - 2
    # a preference, not a minimum: a low window stays as low as it could be (the height test_ui_layout restores)
    assert narrow.minimumHeight() == 0 and narrow.minimumSizeHint().height() < need <= narrow.sizeHint().height()
    assert page.minimumSizeHint().height() <= short
    page.close()


def test_a_calendar_s_period_drops_its_count_before_it_is_cut_off(qapp):
    """« Décembre 2026 — 3 052 sessions » in a narrow window was cut to « Décembre 2026 — 3 05 »: the label shows
    the month alone when the whole text does not fit, then « … », with the whole text in its tooltip."""
    from PySide6.QtWidgets import QLabel

    from ui.widgets import ElidedLabel

    text = "Décembre 2026 — 3 052 sessions"
    label = ElidedLabel(text)
    label.show()
    fm = label.fontMetrics()
    label.resize(fm.horizontalAdvance(text) + 10, 20)
    assert QLabel.text(label) == text and label.toolTip() == "" and label.text() == text
    label.resize(fm.horizontalAdvance("Décembre 2026") + 4, 20)
    assert QLabel.text(label) == "Décembre 2026" and label.toolTip() == text and label.text() == text
    label.resize(fm.horizontalAdvance("Déc") + 2, 20)
    assert QLabel.text(label).endswith("…") and QLabel.text(label).startswith("D") and label.toolTip() == text
    label.setText("Semaine du 7 au 13 décembre 2026")  # no « — »: elided as it is
    assert QLabel.text(label).endswith("…") and label.text() == "Semaine du 7 au 13 décembre 2026"
    label.close()
