"""The open document: a scenario, its file, its current plan and what the check said of that plan.

Everything the window shows comes from here; every edit (undo commands, operations) goes through
the methods below, which emit ``changed`` (a :class:`~ui.changes.Changes`) and ``message`` (a
French status line). Files: open, save (scenario + plan), JSON export, autosave and recovery,
recent files (QSettings).

Check results live beside the plan, never inside it: a :class:`CheckState` is kept per (plan,
scenario edits) so that undo brings back « vérifié » with the plan it belonged to, and any edit
makes the plan « non vérifié » until the background check has run again.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import sys
import threading
import time
import weakref
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QObject, QSettings, Qt, Signal
from PySide6.QtGui import QGuiApplication, QUndoStack

from planner.demand import demand_settings
from planner.errors import stop_check
from planner.models import Scenario
from planner.plan import Plan
from planner.plan_index import NATION, PlanIndex, ScenarioIndex, planned_academies
from planner.scenario_io import load_scenario
from planner.settings import Settings

from . import fmt
from .changes import Changes
from .operations import collector_paused

MAX_RECENT = 8
SCOPE_SETTINGS = ("include_private", "include_admin_staff", "__all__", "group_size")
MAX_CHECKS = 12
MAX_INDEXES = 3  # plans kept indexed (the current one and those undo / redo bring back): ~100 Mio each, national


def budget_key(settings: Settings) -> tuple:
    return ("budget", settings.budget.model_dump_json(), settings.step1_minutes, settings.group_size)


def plan_budget_of(pix: PlanIndex, settings: Settings) -> dict:
    """The plan's budget with these rates, computed once per plan (:meth:`PlanIndex.memo`)."""
    from planner.budget import plan_budget

    return pix.memo(budget_key(settings), lambda: plan_budget(pix.plan, settings, index=pix))


def nation_teacher_kpis(pix: PlanIndex) -> dict:
    """The whole plan's teacher KPIs (shares before Toussaint and Noël), computed once per plan."""
    from planner.report import plan_calendar, teacher_kpis_of_index

    def compute():
        plan = pix.plan
        settings = plan.report.get("settings") if isinstance(plan.report.get("settings"), dict) else {}
        return teacher_kpis_of_index(pix, plan.units, plan_calendar(plan.report), settings)

    return pix.memo(("teacher_kpis",), compute)


def carry_memos(old: ScenarioIndex | None, new: ScenarioIndex, tree: bool) -> None:
    """After a setting changed: ``new`` (the scenario's index made again) keeps what ``old`` computed that the
    settings do not change, rather than the window's thread making it again (the territory tree: 0.15 s)."""
    from .models.sessions import LABEL_MEMOS
    from .models.tables import TRAINER_LABELS_MEMO

    # the tables' labels are names only; the territory tree also holds while the private établissements stay in or out
    memo = old.__dict__.get("_memo", {}) if old is not None and old.scenario is new.scenario else {}
    for key in LABEL_MEMOS + (TRAINER_LABELS_MEMO,) + ((("territory_tree",),) if tree else ()):
        if key in memo:
            new.memo(key, lambda v=memo[key]: v)


def prepare_plan(plan: Plan, six: ScenarioIndex, settings: Settings | None = None) -> PlanIndex:
    """Index a plan and compute what the window shows of it, in the calling (background) thread."""
    return prime_figures(PlanIndex(plan, six).prepare(), settings)


def make_ready(plan: Plan, six: ScenarioIndex, settings: Settings | None = None, pause=None) -> PlanIndex:
    """A plan an undo or redo brings back, made ready to show, any thread: its sessions made again if it was kept
    compact (``pause()`` between two slices), then indexed (:func:`prepare_plan`); kept by
    :meth:`Document.keep_ready`."""
    plan.make_sessions(pause)
    return prepare_plan(plan, six, settings)


def index_lists(pix: PlanIndex, stop=None) -> PlanIndex:
    """The lists by unit and by trainer of an index (after :func:`read_document` without them), and what the
    window's tables first read (:func:`ui.models.sessions.prime_tables`), any thread. ``stop`` set while its
    sessions are made: :class:`planner.errors.Cancelled` (the plan is left as it was: made later by who asks)."""
    from .models.sessions import prime_tables

    pix.plan.make_sessions(pause_or_stop(stop))  # a plan just read from a file: the window served between slices
    stop_check(stop)
    pix.prepare()
    stop_check(stop)
    prime_tables(pix, stop=stop)
    return pix


def unplaced_sessions(pix: PlanIndex) -> int:
    """Sessions the plan could not place (not counting those whose date was gone), computed once per plan."""
    from planner.report import sessions_of, split_past

    return pix.memo(("unplaced_sessions",), lambda: sessions_of(split_past(pix.unplaced)[0]))


def totals_key(pix: PlanIndex) -> tuple:
    """The memo key of the territory tree's totals of a plan (:meth:`PlanIndex.per_node_totals`): per scenario units
    (a setting that moves the demand keeps them: the same key)."""
    return ("totals", pix.six.units_serial if pix.six is not None else 0)


def prime_figures(pix: PlanIndex, settings: Settings | None = None, nation: bool = True) -> PlanIndex:
    """Compute the figures the window shows of an indexed plan (tree totals, budget, KPIs, the overview's cards
    of the nation, the académies « Vérifier » looks at), in the calling (background) thread, so that installing
    the plan costs the window nothing. Without ``nation``, only what the window shows of any territory (the
    tree's totals, the unplaced count, the planned académies): a pin shows its unit first, and the nation's
    cards, budget and KPIs follow in the background (:func:`prime_nation_later`)."""
    pix.memo(totals_key(pix), pix.per_node_totals)
    unplaced_sessions(pix)
    if pix.six is not None:
        planned_academies(pix.plan, pix.six, pix)
    if not nation:
        return pix
    if pix.six is not None:
        from .models.tables import heatmap_of
        from .tabs.overview import plan_card_figures

        plan_card_figures(pix, pix.six, NATION)
        if pix.n:
            heatmap_of(pix, pix.six, NATION)
    if settings is not None:
        plan_budget_of(pix, settings)
        nation_teacher_kpis(pix)
    _edit_modules()
    return pix


def prime_nation_later(window, doc: "Document", pix: PlanIndex, settings: Settings | None) -> None:
    """On the window's next turn, the nation's figures of a plan just shown (:func:`prime_figures`) computed in
    the background, unless another plan came meanwhile; a tab that needs one sooner computes it itself (memo)."""
    from PySide6.QtCore import QTimer

    held = weakref.ref(pix)  # a timer's function holds no plan: one opened meanwhile lets this one go

    def start() -> None:
        pix = held()
        if pix is not None and doc.pix is pix:
            window.ops.run(lambda progress, stop: prime_figures(pix, settings), name="figures")

    QTimer.singleShot(0, window, start)


RELEASE_SLICE = 2000  # items freed at a time by release_in_background, then a pause for the window (PAUSE_S)
RELEASE_WAIT_S = 60.0  # how long it waits for the last holders of what it frees (a stopped operation ends its step)
RELEASE_DELAY_S = 0.5  # and first, the time the window takes to show what replaces it (its paints call Python)


def release_in_background(gone: list) -> threading.Thread | None:
    """What the window lets go (another scenario opened: the previous plans, their indexes, the scenario's index),
    freed by a background thread a slice at a time. Freed at once, a national plan's 400,000 sessions and its
    index held the interpreter for 0.15 s wherever their last holder let them go: the window, at the opening of
    the next file. The thread takes a hold on the sessions of each plan (not a plan read from a file whose sessions
    were never made: its columns go at once) and on the tables of each index; once the plans and indexes themselves
    are gone (their last holders, such as a stopped check ending its step, let them go; or after
    :data:`RELEASE_WAIT_S`), it empties the tables it alone holds and lets the sessions go, :data:`RELEASE_SLICE`
    items at a time. It begins :data:`RELEASE_DELAY_S` after it is asked and pauses between two slices: while the
    window paints the scenario that replaces them, each of its calls into Python would otherwise wait for the
    interpreter (a reopen's stall: 90 → 220 ms, when it began at once with 1 ms pauses). Returns the thread (None:
    nothing to free)."""
    held: list = []  # containers: the sessions of each plan (a list of the thread's own), the indexes' tables
    watched = []
    for x in gone:
        if isinstance(x, Plan):
            if not x.sessions_made:
                continue
            held.append(list(x.sessions))
        elif isinstance(x, (PlanIndex, ScenarioIndex)):
            held.extend(v for v in vars(x).values() if isinstance(v, (dict, list)))
        else:
            continue
        watched.append(weakref.ref(x))
    if not held:
        return None

    def run() -> None:
        end = time.monotonic() + RELEASE_WAIT_S
        time.sleep(RELEASE_DELAY_S)
        while any(r() is not None for r in watched) and time.monotonic() < end:
            time.sleep(0.05)
        while held:
            c = held.pop()
            if sys.getrefcount(c) > 2:  # held elsewhere too (this name and the call's argument apart): let it be
                continue
            while c:
                if isinstance(c, dict):
                    for _ in range(min(RELEASE_SLICE, len(c))):
                        c.popitem()
                else:
                    del c[-RELEASE_SLICE:]
                time.sleep(PAUSE_S)

    t = threading.Thread(target=run, name="release", daemon=True)
    t.start()
    return t


SAVE_PREP_DELAY_MS = 1500  # after a plan is shown: its first paints and the user's first look come first
PAUSE_S = 0.004  # background work over a national plan, between two académies or two slices of sessions: the window
# gets the interpreter at once when it needs it


def pause_or_stop(stop=None):
    """The pause between two slices of background work (:data:`PAUSE_S`); once ``stop`` is set, it raises
    :class:`planner.errors.Cancelled` instead."""
    def pause() -> None:
        stop_check(stop)
        time.sleep(PAUSE_S)

    return pause


def prepare_save_later(window, doc: "Document", plan: Plan) -> None:
    """A moment after a plan just solved is shown, the parts of the scenario file that « Enregistrer » writes for it
    made in the background (:func:`planner.store_codec.prepare_plan_parts`), so that the save then only writes
    them: a national plan's 400,000 sessions are encoded while the user looks at them, not while they wait for
    the save. Skipped when that plan is no longer shown, is in its file already, or a save runs; a save that
    begins meanwhile stops it and makes the rest itself."""
    from PySide6.QtCore import QTimer

    held = weakref.ref(plan)  # a timer's function holds no plan: one opened meanwhile lets this one go

    def start() -> None:
        plan = held()
        pix = doc.kept_index(plan) if plan is not None else None
        if (plan is None or doc.plan is not plan or pix is None or doc.plan_in_file
                or window.ops.find("save") is not None or window.ops.find("saveprep") is not None):
            return
        from planner.store_codec import prepare_plan_parts

        # the académies the file holds as they are now are kept by the save (an académie solved alone: one part)
        in_file = doc.kept_index(doc.stored_plan(doc.path)) if doc.path else None
        window.ops.run(lambda progress, stop: prepare_plan_parts(pix, stop, pause_or_stop(), in_file), name="saveprep")

    QTimer.singleShot(SAVE_PREP_DELAY_MS, window, start)


COMPACT_DELAY_MS = 8000  # after a solve: its plan's lists, check and save preparation come first
WARM_DELAY_MS = 1000  # after an undo or redo: the window shows its plan first, then its neighbours (warm_neighbours)
COMPACT_SHARED = 0.05  # a far plan sharing more of its sessions with a near one is left as it is: an edit of that plan
# (a pin, an académie solved alone) frees little, and a session both hold takes the statuses recorded on it since


def compact_far_plans(far: list[Plan], near: list[Plan], pause=None,
                      indexes: list[PlanIndex] = ()) -> list[tuple[Plan, Plan]]:
    """(plan, its compact copy) for each plan of ``far`` (:meth:`Document.far_plans`), any thread: its sessions kept
    as compressed columns (:func:`planner.store_codec.compact_plan`; those its save's preparation made on its index,
    among ``indexes``, taken as they are), unless more than :data:`COMPACT_SHARED` of them are also those of a plan
    of ``near`` (a pin's plan beside the plan it was pinned on)."""
    from planner.store_codec import compact_plan, prepared_parts

    kept: set[int] = set()
    for p in near:
        if p.sessions_made:
            kept.update(map(id, p.sessions))
    out = []
    for p in far:
        sample = p.sessions[::max(1, len(p.sessions) // 1000)]
        if not sample or sum(id(s) in kept for s in sample) > COMPACT_SHARED * len(sample):
            continue
        ix = next((ix for ix in indexes if ix.plan is p), None)
        out.append((p, compact_plan(p, pause, prepared_parts(ix).parts if ix is not None else None)))
        if pause is not None:
            pause()
    return out


def compact_undo_later(window, doc: "Document") -> None:
    """A while after a solve, the plans only a deep undo brings back (two solves ago and more) kept as compressed
    columns (:func:`compact_far_plans`, installed by :meth:`Document.install_compacted`): a window solving the national
    plan again and again held 260 to 310 MiB more each time (plan, index, lists), for as long as it was open; 20 to 40
    now (``bench/undo_memory.py``). Undone back to, such a plan is made again (:func:`warm_neighbours`,
    :meth:`Document.set_plan`)."""
    from PySide6.QtCore import QTimer

    def start() -> None:
        if window.ops.find("compact", stopping=False) is not None or window.ops.find("solve") is not None:
            return  # the next solve asks again
        far, near = doc.far_plans()
        indexes = [ix for ix in map(doc.kept_index, far) if ix is not None]
        if far:  # a plan undone back to meanwhile stays as it is (install_compacted)
            window.ops.run(lambda progress, stop: compact_far_plans(far, near, pause_or_stop(stop), indexes),
                           name="compact", success=doc.install_compacted)

    QTimer.singleShot(COMPACT_DELAY_MS, window, start)


def step_target(command, undo: bool) -> Plan | None:
    """The plan the undo (or redo) of ``command`` shows (its ``old`` or ``old_plan``, ``new`` or ``new_plan``)."""
    for name in (("old", "old_plan") if undo else ("new", "new_plan")):
        v = getattr(command, name, None)
        if isinstance(v, Plan):
            return v
    return None


def warm_neighbours(window, doc: "Document") -> None:
    """The plans the next undo and the next redo bring back, made ready in the background once the window has shown
    the current one: a plan kept compact (:func:`compact_undo_later`) made again, and the index of one that has none
    kept (:data:`MAX_INDEXES`) made and kept, so that undoing or redoing a solve one step at a time is as quick as
    any undo (a national plan's index rebuilt on the window's thread: 1.0 to 1.5 s). Undone to before it is ready
    through the window's actions or history, the step waits for it (:mod:`ui.undo_steps`, which makes it itself when
    this does not run); the stack moved by other means makes a compact plan then (:meth:`Document.set_plan`)."""
    from shiboken6 import isValid

    st = doc.undo_stack
    if not isValid(st) or window.ops.find("warm", stopping=False) is not None or doc.six is None:
        return  # (the window closing: its stack emptied as it goes)
    if window.ops.find("step", stopping=False) is not None:
        return  # an undo or redo waits for its plan (ui.undo_steps): made once, by it; this comes again after it

    plans = [p for p in doc.step_targets() if not doc.is_ready(p)]
    if not plans:
        return
    six, settings, wanted = doc.six, doc.scenario.settings.model_copy(deep=True), doc.plan_wanted

    def run(progress, stop) -> list[PlanIndex]:
        pause = pause_or_stop(stop)
        # no pause while the window waits for it (undone to before it was made)
        return [make_ready(p, six, settings, lambda: wanted.is_set() or pause()) for p in plans]

    def done(indexes: list[PlanIndex]) -> None:
        for pix in indexes:
            doc.keep_ready(pix, six)
        warm_neighbours(window, doc)  # undone or redone further meanwhile

    window.ops.run(run, name="warm", success=done)


def _edit_modules() -> None:
    """Import what the first edit of a plan runs (a pin re-plans its unit: the follow-up's check for recorded
    sessions, the roadmap, the index update), here in the background once a plan is shown, rather than while
    the user waits for that edit (a few hundredths of a second)."""
    import planner.plan_index_update  # noqa: F401
    import solvers.followup_plan  # noqa: F401
    import solvers.replan  # noqa: F401
    import solvers.roadmap  # noqa: F401


@dataclass
class CheckState:
    """The independent check of one plan against the scenario as it was edited then."""

    plan: Plan
    key: str
    findings: list = field(default_factory=list)
    academies: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list:
        return [f for f in self.findings if getattr(f, "severity", "error") == "error"]

    def summary(self) -> str:
        n = len(self.errors)
        return "aucune anomalie" if n == 0 else f"{fmt.num(n)} anomalie{'s' if n > 1 else ''}"


class Document(QObject):
    changed = Signal(object)  # Changes
    message = Signal(str)     # a French status line
    settingsShown = Signal()  # a setting changed whose figures follow (the settings panel shows it at once)
    fileChanged = Signal()    # another file name, or saved: the window title follows

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.qsettings = QSettings()
        self.undo_stack = QUndoStack(self)
        self.scenario: Scenario | None = None
        self.path: str | None = None
        self.six: ScenarioIndex | None = None
        self.plan: Plan | None = None
        self.pix: PlanIndex | None = None
        self.plan_stale = False
        self.plan_in_file = False  # the plan is the scenario file's current plan (what statuses refer to)
        self._checks: list[CheckState] = []
        self._indexes: list[PlanIndex] = []
        self._stored: tuple = (None, None, False)
        self.plan_wanted = threading.Event()  # set while set_plan makes a compact plan again (warm_neighbours hurries)
        # ``background(job, done)``: runs ``job()`` off the window's thread, then ``done(result)`` on it (the window's
        # operations); None: at once, here (a document without a window)
        self.background = None
        self.undo_stack.cleanChanged.connect(self.fileChanged)

    # ================================================================ state (called by commands and operations)
    def index_for(self, plan: Plan | None, pix: PlanIndex | None = None) -> PlanIndex | None:
        """The index of ``plan``: the one given (built in the background), else a kept one, else a new one."""
        if plan is None:
            return None
        found = pix if pix is not None and pix.plan is plan else next(
            (p for p in self._indexes if p.plan is plan), None) or PlanIndex(plan, self.six)
        found.six = self.six
        others = [p for p in self._indexes if p is not found]
        kept = others[-(MAX_INDEXES - 1):]
        # the oldest index let go: its tables freed in the background, not on the window's thread in the middle of the
        # edit that dropped it (a national index: 20 to 45 ms)
        if len(kept) < len(others):
            release_in_background(others[:len(others) - len(kept)])
        self._indexes = kept + [found]
        return found

    def is_ready(self, plan: Plan) -> bool:
        """Whether showing ``plan`` takes no work on the window's thread: its sessions are there and its index kept."""
        return not plan.compacted_unmade() and self.kept_index(plan) is not None

    def keep_ready(self, pix: PlanIndex, six: ScenarioIndex) -> None:
        """The index :func:`make_ready` made in the background, kept if the scenario is still ``six``'s and its plan
        one the next undo or redo shows, with no index kept yet."""
        if self.six is six and any(pix.plan is p for p in self.step_targets()) and self.kept_index(pix.plan) is None:
            self.index_for(pix.plan, pix)

    def plans_held(self) -> list[Plan]:
        """Every plan the document holds: the one shown, those undo and redo bring back, the indexed and checked
        ones, the one last written to or read from its file (each once)."""
        found: dict[int, Plan] = {}
        for p in (self.plan, self._stored[1], *(c.plan for c in self._checks), *(ix.plan for ix in self._indexes)):
            if isinstance(p, Plan):
                found.setdefault(id(p), p)
        for i in range(self.undo_stack.count()):
            for v in vars(self.undo_stack.command(i)).values():
                if isinstance(v, Plan):
                    found.setdefault(id(v), v)
        return list(found.values())

    def step_targets(self) -> list[Plan]:
        """The plans the next undo and the next redo show (:func:`step_target`), the one shown apart."""
        st = self.undo_stack
        out: list[Plan] = []
        for k, undo in ((st.index() - 1, True), (st.index(), False)):
            p = step_target(st.command(k), undo) if 0 <= k < st.count() else None
            if p is not None and p is not self.plan and all(p is not q for q in out):
                out.append(p)
        return out

    def far_plans(self) -> tuple[list[Plan], list[Plan]]:
        """(the plans only the undo stack holds beyond its next undo and redo, their sessions made; the plans near
        at hand: the one shown, those the next undo and redo show, the one of the file)."""
        st = self.undo_stack
        near: dict[int, Plan] = {}
        for p in (self.plan, self._stored[1], *self.step_targets()):
            if isinstance(p, Plan):
                near.setdefault(id(p), p)
        far: dict[int, Plan] = {}
        for k in range(st.count()):
            for v in vars(st.command(k)).values():
                if isinstance(v, Plan) and id(v) not in near and v.sessions_made:
                    far.setdefault(id(v), v)
        return list(far.values()), list(near.values())

    def install_compacted(self, pairs: list[tuple[Plan, Plan]]) -> None:
        """Each far plan replaced by its compact copy (:func:`compact_far_plans`, equal to it) wherever the document
        holds it: undo commands, checks; its kept index let go. A plan undone back to meanwhile is left as it is.
        What is let go is freed in the background."""
        still = {id(p) for p in self.far_plans()[0]}
        st = self.undo_stack
        gone: list = []
        for old, new in pairs:
            if id(old) not in still:
                continue
            for k in range(st.count()):
                cmd = st.command(k)
                for name, v in list(vars(cmd).items()):
                    if v is old:
                        setattr(cmd, name, new)
            for c in self._checks:
                if c.plan is old:
                    c.plan = new
            gone += [old, *(ix for ix in self._indexes if ix.plan is old)]
            self._indexes = [ix for ix in self._indexes if ix.plan is not old]
        release_in_background(gone)

    def set_scenario(self, sc: Scenario, path: str | None, plan: Plan | None = None,
                     six: ScenarioIndex | None = None, pix: PlanIndex | None = None, stale: bool = False) -> None:
        """``stale``: ``plan`` was computed with other settings than ``sc``'s (said with the plan). The plans of the
        previous scenario are freed in the background (:func:`release_in_background`)."""
        release_in_background([p for p in self.plans_held() if p is not plan]
                              + [ix for ix in self._indexes if ix is not pix]
                              + ([self.six] if self.six is not None and self.six is not six else []))
        self.scenario = sc
        self.path = path
        self.six = six if six is not None and six.scenario is sc else ScenarioIndex(sc)
        self.undo_stack.clear()
        self._checks = []
        self._indexes = []
        self._stored = (None, None, False)
        self.plan, self.pix, self.plan_stale = None, None, False
        self.plan_in_file = plan is not None and path is not None
        if plan is not None:
            self.plan, self.pix, self.plan_stale = plan, self.index_for(plan, pix), stale
        if path:
            self.remember_file(path)
        self.changed.emit(Changes.everything())
        self.fileChanged.emit()

    def set_plan(self, plan: Plan | None, message: str = "", stale: bool = False, choices: bool = False,
                 in_file: bool = False, pix: PlanIndex | None = None) -> None:
        if plan is not None and plan.compacted_unmade():
            # a plan a deep undo brings back (compact_undo_later), made again here (or by warm_neighbours, then without
            # its pauses): 400,000 new sessions, and no collection walks them as they come (a national plan: 0.9 s
            # instead of 2.5 to 3.5), nor after (frozen with what is alive, as an operation's)
            self.plan_wanted.set()
            QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)  # a second, said by the pointer
            try:
                with collector_paused():
                    plan.make_sessions()
            finally:
                QGuiApplication.restoreOverrideCursor()
                self.plan_wanted.clear()
        self.plan = plan
        self.plan_in_file = in_file and plan is not None
        if self.plan_in_file:  # written to the file by someone else (the follow-up re-plan): write it all next time
            self._stored = (None, None, False)
        self.pix = self.index_for(plan, pix)
        self.plan_stale = stale and plan is not None
        self.changed.emit(Changes(plan=True, check=True, choices=choices))
        if message:
            self.message.emit(message)

    def apply_setting(self, field_name: str, value, focus: str | None = None) -> None:
        """Setting ``field_name`` set to ``value`` (``__all__``: the whole settings; ``focus``: the field the user
        changed then, which the message names)."""
        before = demand_settings(self.scenario.settings)
        if field_name == "__all__":
            self.scenario.settings = value.model_copy(deep=True)
        else:
            setattr(self.scenario.settings, field_name, value)
        after = demand_settings(self.scenario.settings)
        if self.plan is not None and field_name != "budget":  # rates and envelopes: no re-plan needed
            # back to the settings the plan was computed with (an undo): no longer stale
            self.plan_stale = made_with_other_settings(self.plan, self.scenario.settings, unknown=True)
        if after != before and self._index_demand():  # the scenario's index (its demand) follows in the background:
            self.settingsShown.emit()  # the settings panel now; the tabs' figures with the new demand (one refresh)
            self.changed.emit(Changes(check=True))
        else:
            self.changed.emit(Changes(settings=True, check=True, scenario=field_name in SCOPE_SETTINGS))
        if focus:  # the school year, or the day planning starts from: the horizon followed
            label, shown = Settings.label(focus), value_text(getattr(value, focus))
        else:
            label = "valeurs par défaut" if field_name == "__all__" else Settings.label(field_name)
            shown = value_text(value)
        self.message.emit(f"Paramètre « {label} » : {shown}"
                          + (" — replanifiez (F5) pour en tenir compte." if self.plan_stale else "."))

    def _index_demand(self) -> bool:
        """The scenario's index made again after a setting that moves the demand
        (:data:`planner.demand.DEMAND_SETTINGS`): in the background when the window runs the document (True: it is
        not there yet), the window showing the previous demand meanwhile (a national scenario: a third of a second),
        then installed unless another such setting came since (its own index follows); else here, at once
        (False)."""
        sc, old = self.scenario, self.six
        if self.background is None:
            self._install_demand(ScenarioIndex(sc, like=old))
            return False
        # the settings apart, the lists shared: the index reads the settings as they are now, whatever comes next
        frozen = sc.model_copy(update={"settings": sc.settings.model_copy(deep=True)})
        pix = self.pix

        def job() -> ScenarioIndex:
            six = ScenarioIndex(frozen, like=old)  # its units as they are
            from .tabs.overview import plan_card_figures

            if pix is not None:  # the overview's cards of the nation (the window adds its territory's demand)
                plan_card_figures(pix, six, NATION)
                plan_budget_of(pix, frozen.settings)
            return six

        def done(six: ScenarioIndex) -> None:
            if self.scenario is not sc or demand_settings(sc.settings) != six.demand_key:
                return  # another scenario, or another setting since: not this demand
            six.scenario = sc
            self._install_demand(six)
            self.changed.emit(Changes(settings=True, scenario=True))

        self.background(job, done)
        return True

    def _install_demand(self, six: ScenarioIndex) -> None:
        old = self.six
        same_tree = old is not None and old.demand_key["include_private"] == six.demand_key["include_private"]
        carry_memos(old, six, tree=same_tree)
        self.six = six
        for pix in self._indexes:
            pix.six = six

    def set_pins_and_plan(self, pins: list, plan: Plan | None, message: str, pix: PlanIndex | None = None) -> None:
        self.scenario.pins = list(pins)
        self.set_plan(plan, message, choices=True, pix=pix)

    def set_roadmap_choices(self, choices: list, plan: Plan | None, replanned: bool, stale: bool, message: str) -> None:
        self.scenario.roadmap_choices = list(choices)
        if replanned:
            self.set_plan(plan, message, stale=stale, choices=True)
        else:
            self.changed.emit(Changes(check=True, choices=True))
            self.message.emit(message)

    def snapshot(self) -> Scenario:
        """A copy safe to hand to a background operation (the window edits settings and lists in place)."""
        sc = self.scenario
        return sc.model_copy(update={"settings": sc.settings.model_copy(deep=True), "pins": list(sc.pins),
                                     "preferences": list(sc.preferences),
                                     "roadmap_choices": list(sc.roadmap_choices)})

    # ================================================================ check state
    def edits_key(self, scenario: Scenario | None = None) -> str:
        """What a check depends on besides the plan: settings, pins, preferences, roadmap choices."""
        sc = scenario or self.scenario
        h = hashlib.sha1(sc.settings.model_dump_json().encode())
        for part in (sc.pins, sc.preferences, sc.roadmap_choices):
            h.update(repr([p.model_dump(mode="json") for p in part]).encode())
        return h.hexdigest()

    def check_scope(self, plan: Plan | None = None) -> list[str]:
        """The académies « Vérifier » looks at: those the plan covers, never the ones not planned."""
        plan = plan or self.plan
        return planned_academies(plan, self.six, self.kept_index(plan))

    def kept_index(self, plan: Plan | None) -> PlanIndex | None:
        """The index kept for ``plan`` (the current plan's, or one undo / redo brings back), if any."""
        return next((p for p in self._indexes if p.plan is plan), None) if plan is not None else None

    def unplaced_sessions(self, plan: Plan | None = None) -> int:
        """Sessions of ``plan`` (the current one) that could not be placed, not counting those already past."""
        plan = plan or self.plan
        pix = self.kept_index(plan)
        if pix is None:
            pix = PlanIndex(plan, self.six)
        return unplaced_sessions(pix)

    def plan_year(self) -> str | None:
        """The school year the plan was computed for when it is not the scenario's (``None`` otherwise): a stale plan
        then says so, rather than « other settings »."""
        if self.plan is None or self.scenario is None:
            return None
        made = ((self.plan.report or {}).get("settings") or {}).get("school_year")
        return made if made and made != self.scenario.settings.school_year else None

    def stale_note(self) -> str:
        """Why the plan is stale, in a few French words (the status bar's)."""
        year = self.plan_year()
        if year:
            return f"plan de l'année {year} (scénario : {self.scenario.settings.school_year})"
        return "plan calculé avec d'autres paramètres"

    def check_state(self) -> CheckState | None:
        """The check of the current plan as the scenario stands now, or None (« non vérifié »)."""
        if self.plan is None or self.scenario is None:
            return None
        key = self.edits_key()
        return next((c for c in reversed(self._checks) if c.plan is self.plan and c.key == key), None)

    def record_check(self, state: CheckState) -> None:
        self._checks = [c for c in self._checks if not (c.plan is state.plan and c.key == state.key)][-MAX_CHECKS:]
        self._checks.append(state)
        self.changed.emit(Changes(check=True))

    @property
    def verified(self) -> bool:
        return self.check_state() is not None

    # ================================================================ files
    def open(self, spec: str | None) -> None:
        """Load a scenario (``None`` / ``"national"`` for the reference) with its saved plan, if any."""
        self.install(read_document(spec))

    def install(self, read: "ReadDocument") -> None:
        """Show what :func:`read_document` read (in a background operation): the window only swaps it in."""
        # a setting changed and saved without re-planning is still said after a reopen
        stale = read.plan is not None and made_with_other_settings(read.plan, read.scenario.settings)
        self.set_scenario(read.scenario, read.path, read.plan, read.six, read.pix, stale)
        self.plan_in_file = read.plan is not None and read.plan_name == "courant"
        self._stored = (read.path, read.plan, False) if self.plan_in_file else (None, None, False)
        if read.plan is not None:
            self.message.emit(f"Plan enregistré rouvert ({fmt.num(read.plan.session_count)} sessions)")

    def save(self, path: str, params: dict | None = None) -> None:
        """Scenario and current plan into the scenario file ``path`` (raises on failure)."""
        job = self.save_job(path, params)
        self.saved(job(lambda _p: None), self.undo_stack.index())

    def save_job(self, path: str, params: dict | None = None):
        """A function writing the scenario and the plan as they are now to ``path``, for a background
        operation (``job(progress)`` → what :meth:`saved` takes). The plan is written only when it is not
        the one already in that file (a save after a setting writes the scenario alone)."""
        from planner.store import ScenarioStore, save_scenario_file

        target = str(Path(path).resolve())
        sc, plan, stale = self.snapshot(), self.plan, self.plan_stale
        params = {**(params or {}), "stale": stale}
        st = self._stored  # (file, plan, stale) last written or read: compared by identity, never by value
        write_plan = plan is not None and not (st[0] == target and st[1] is plan and st[2] == stale)
        write = self.plan_writer(target, plan, params) if write_plan else None

        def job(progress) -> tuple:
            progress((0.05, "Enregistrement du scénario…"))
            save_scenario_file(path, sc)
            if write is not None:
                progress((0.3, f"Enregistrement du plan ({fmt.num(len(plan.sessions))} sessions)…"))
                with ScenarioStore(path) as store:
                    write(store)
            progress((1.0, "Enregistré."))
            return target, (target, plan, stale)

        return job

    def plan_writer(self, path: str, plan: Plan, params: dict):
        """``write(store)``, which saves ``plan`` as the current plan of the scenario file ``path`` (opened as
        ``store``, in any thread): compared with the plan this program last wrote there or read from there (the
        académies whose sessions did not change stay as they are), the indexes' columns read as they are."""
        from planner.followup import CURRENT_PLAN

        same_as = self.stored_plan(path)
        index, same_as_index = self.kept_index(plan), self.kept_index(same_as)

        def write(store) -> None:
            store.save_plan(CURRENT_PLAN, plan, params, same_as=same_as, index=index, same_as_index=same_as_index)

        return write

    def stored_plan(self, path: str) -> Plan | None:
        """The plan this program last wrote to or read from the scenario file ``path`` as its current plan."""
        st = self._stored
        return st[1] if st[0] == str(Path(path).resolve()) else None

    def plan_written(self, path: str, plan: Plan, stale: bool) -> None:
        """``plan`` is now the current plan of the scenario file ``path`` (the follow-up wrote it there)."""
        self._stored = (str(Path(path).resolve()), plan, stale)
        self.plan_in_file = plan is self.plan

    def saved(self, result: tuple, undo_index: int) -> None:
        """After a save: the file is the document's; « modifié » goes away unless an edit came in meanwhile."""
        from planner.autosave import discard_autosave

        target, stored = result
        self._stored = stored
        old = self.path
        self.path = target
        self.plan_in_file = stored[1] is not None and stored[1] is self.plan
        if self.undo_stack.index() == undo_index:
            self.undo_stack.setClean()
        for p in (old, self.path):
            try:
                discard_autosave(p)
            except OSError:
                pass
        self.remember_file(self.path)
        self.fileChanged.emit()

    def save_json(self, path: str) -> None:
        from planner.scenario_io import save_scenario_json

        save_scenario_json(self.scenario, path)
        self.remember_file(path)

    def autosave_now(self) -> str | None:
        """Write the edited scenario to its autosave file (the real file is untouched)."""
        if self.undo_stack.isClean() or self.scenario is None:
            return None
        from planner.autosave import autosave

        return str(autosave(self.scenario, self.path))

    def recovery_candidate(self):
        from planner.autosave import recovery_candidate

        return recovery_candidate(self.path)

    def recover(self) -> None:
        from planner.autosave import recover

        path = self.path
        self.set_scenario(recover(path), path)
        self.undo_stack.resetClean()
        self.fileChanged.emit()

    def discard_autosave(self) -> None:
        from planner.autosave import discard_autosave

        discard_autosave(self.path)

    # ---------------------------------------------------------------- recent files (QSettings)
    def remember_file(self, path: str) -> None:
        files = [f for f in self.recent_files() if f != path]
        files.insert(0, path)
        self.qsettings.setValue("recentFiles", files[:MAX_RECENT])
        self.qsettings.setValue("lastScenario", path)
        self.qsettings.setValue("lastDir", str(Path(path).parent))

    def recent_files(self) -> list[str]:
        return [f for f in self.qsettings.value("recentFiles", [], type=list) if f]

    def clear_recent_files(self) -> None:
        self.qsettings.setValue("recentFiles", [])

    def last_dir(self) -> str:
        return self.qsettings.value("lastDir", str(Path.home()), type=str)

    def set_last_dir(self, path: str) -> None:
        self.qsettings.setValue("lastDir", str(Path(path).parent))

    def last_scenario(self) -> str | None:
        last = self.qsettings.value("lastScenario", "", type=str)
        return last if last and Path(last).exists() else None

    def title(self) -> str:
        name = self.scenario.name if self.scenario else ""
        return name + (f" — {Path(self.path).name}" if self.path else "")


@dataclass
class ReadDocument:
    """A scenario file read and indexed in the background (:func:`read_document`)."""

    scenario: Scenario
    path: str | None
    plan: Plan | None
    six: ScenarioIndex
    pix: PlanIndex | None
    plan_name: str | None = None


def read_document(spec: str | None, progress=lambda _p: None, lists: bool = True) -> ReadDocument:
    """Read a scenario (``None`` / ``"national"``: the reference) and its saved plan, and index both
    (any thread; raises with a French message). Without ``lists`` the plan's index has its columns and
    the figures the window shows first, not yet its lists by unit and trainer (:func:`index_lists`)."""
    progress((0.05, "Lecture du scénario…"))
    sc = load_scenario(spec)
    plan = path = name = None
    if spec and spec != "national" and Path(spec).exists():
        path = str(Path(spec).resolve())
        progress((0.25, "Lecture du plan…"))
        stored: dict = {}
        plan, name = load_store_plan(path, stored)
    progress((0.6, "Index du territoire…"))
    six = ScenarioIndex(sc)
    from .models.territory import territory_tree

    six.memo(("territory_tree",), lambda: territory_tree(six))  # the tree the window shows, built here
    from .tabs.overview import prime_overview

    prime_overview(six)  # and the figures of the first tab
    pix = None
    if plan is not None:
        progress((0.7, f"Index du plan ({fmt.num(plan.session_count)} sessions)…"))
        if stored.get("groups"):
            from planner.store_codec import adopt_file_parts

            pix = PlanIndex.from_stored(plan, six, stored)  # the file's columns
            adopt_file_parts(pix, stored["parts"])  # and its bytes: « Enregistrer sous » copies them
        else:
            pix = PlanIndex(plan, six)
        pix = prime_figures(pix.prepare() if lists else pix, sc.settings)
    progress((1.0, "Ouvert."))
    return ReadDocument(sc, path, plan, six, pix, name)


def made_with_other_settings(plan: Plan, settings: Settings, unknown: bool = False) -> bool:
    """Whether ``plan`` was computed with other settings than ``settings`` (its report keeps those it was computed
    with), budget apart: rates and envelopes need no re-plan (:meth:`Document.apply_setting`). A setting the report
    does not name (an older file) is not suspected; a report without settings answers ``unknown``."""
    made = (plan.report or {}).get("settings")
    if not isinstance(made, dict):
        return unknown
    now = settings.model_dump(mode="json")
    return any(k in made and made[k] != v for k, v in now.items() if k != "budget")


def load_store_plan(path: str, stored: dict | None = None) -> tuple[Plan | None, str | None]:
    """The plan saved in a scenario file (« courant », else the last one) and its name, or (None, None);
    ``stored`` receives the file's columns of it (:meth:`planner.store.ScenarioStore.load_plan`)."""
    try:
        with open(path, "rb") as f:
            if not f.read(16).startswith(b"SQLite format 3"):
                return None, None
        from planner.store import ScenarioStore

        with ScenarioStore(path, create=False) as st:
            plans = st.list_plans()
            if not plans:
                return None, None
            names = [p.name for p in plans]
            name = "courant" if "courant" in names else names[-1]
            plan = st.load_plan(name, stored, later=True)  # its sessions made after it is shown (index_lists)
            if "courant" in names:  # the statuses recorded for it (planner.followup)
                from planner.followup import apply_statuses, load_statuses

                statuses = load_statuses(st)
                if statuses or not (stored and stored.get("groups")):  # parts by column store no status:
                    apply_statuses(plan, statuses)  # their sessions read back « planned » already
            return plan, name
    except Exception:  # noqa: BLE001 - a plan that cannot be read: open the scenario alone
        return None, None


def value_text(value) -> str:
    """A setting's value as a status line shows it."""
    if value is None:
        return "aucun"
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, dt.date):
        return fmt.date_short(value)
    if isinstance(value, dict) or (hasattr(value, "model_dump") and not isinstance(value, Settings)):
        return "modifié"
    if isinstance(value, Settings):
        return "rétablies"
    return str(value).replace(".", ",") if isinstance(value, float) else str(value)
