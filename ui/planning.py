"""Solve (F5, Maj+F5), stop, and check the plan — each an operation run in the background.

« Vérifier » checks what is planned: the académies the plan covers (a plan of Toulouse is not
reproached the 29 académies nobody planned). Any edit (setting, pin, roadmap, undo) makes the plan
« non vérifié » and a check starts by itself a moment later, in the background.

Once sessions are recorded in the scenario file (« Suivi »), « Planifier » keeps the held sessions and
re-plans the rest from « Planifier à partir du », as ``solve --scenario FILE`` does
(:mod:`solvers.followup_plan`), and the plan becomes the file's current plan (undo puts it back).
"""
from __future__ import annotations

import time

from PySide6.QtCore import QTimer
from shiboken6 import isValid

from planner.plan_index import NATION, merge_plan

from . import fmt
from .changes import Changes
from .commands import FollowupPlanCommand, PlanCommand
from .dialogs import SolveProgressDialog
from .document import (WARM_DELAY_MS, CheckState, compact_undo_later, pause_or_stop, prepare_plan,
                       prepare_save_later, warm_neighbours)
from .operations import CANCELLED, Operation

AUTO_CHECK_DELAY_MS = 600


def replan_followup(path: str | None, sc, academie: str | None, limit: float):
    """When the document's scenario file has a current plan and recorded sessions: the rest of the year
    re-planned around them and stored as the file's current plan (:mod:`solvers.followup_plan`, as
    ``solve --scenario FILE`` does). Returns (plan, stored, the file's previous current plan, params,
    warnings), or ``None`` for a plain solve. Core functions only: any thread."""
    from solvers.followup_plan import recorded, replan_recorded, store_current_plan

    rec = recorded(path) if path else None
    if rec is None:
        return None
    plan, warnings = replan_recorded(sc, rec, academie=academie)
    params = {"solver": "suivi", "time_limit": limit, "academie": academie,
              "plan_from": sc.settings.plan_from.isoformat() if sc.settings.plan_from else None}
    stored = store_current_plan(path, plan, params, partial=bool(academie))
    return plan, stored, rec.plan, params, warnings


def run_check(plan, scenario, academies: list[str], stop=None) -> list:
    """The independent checker on the planned académies only (core function, any thread); ``stop``: an event whose
    setting ends it (:class:`planner.errors.Cancelled`), the sessions of a plan read from a file made between slices
    (the window has the interpreter meanwhile) unless they are."""
    from solvers.checker import check_plan

    plan.make_sessions(pause_or_stop(stop))
    return list(check_plan(plan, scenario.restricted_to(academies), stop))


def solve_tail(plan, scenario, academie: str | None, six, base=None, followup=None) -> tuple:
    """What a solve operation does in its worker once the plan is built: the check of the solved académies,
    the plan merged into ``base`` (the plan shown when the solve started) — or the follow-up re-plan's
    stored plan — and indexed, so that the window only swaps it in. Returns (solved plan, findings,
    follow-up, plan to show, its index), what :meth:`Planning._solved` takes."""
    acads = [academie] if academie else [a.code for a in scenario.academies]
    if followup is not None:  # checked on the académies it covers (the file's plan may not cover all)
        covered = sorted({x.academie for x in plan.sessions} & {a.code for a in scenario.academies})
        findings = run_check(plan, scenario, covered or acads)
        shown = followup[1].plan
    else:  # checked académie by académie in the solve's workers (what crosses them: the whole plan here)
        from solvers.api import academie_findings

        findings = academie_findings(plan)
        if findings is None:
            findings = run_check(plan, scenario, acads)
        shown = merge_plan(base, plan, academie, six)
    from .models.sessions import prime_tables

    pix = prepare_plan(shown, six, scenario.settings)
    prime_tables(pix)  # and what the tables first read of it
    return plan, findings, followup, shown, pix


class Planning:
    def __init__(self, window) -> None:
        self.window = window
        self.doc = window.doc
        self.solve_op: Operation | None = None
        self.check_op: Operation | None = None
        self.progress_dialog: SolveProgressDialog | None = None
        self.last_solve_seconds: float | None = None
        self.auto_check = True
        self.report_next = False
        self.check_timer = QTimer(window)
        self.check_timer.setSingleShot(True)
        self.check_timer.setInterval(AUTO_CHECK_DELAY_MS)
        self.check_timer.timeout.connect(lambda: self.check(show=False))
        self.doc.changed.connect(self._doc_changed)
        self.doc.undo_stack.indexChanged.connect(self._undo_moved)

    def _undo_moved(self, _index: int) -> None:
        """An undo or redo (or a new step): once the window has shown its plan, the plans the next undo and redo bring
        back made ready in the background (:func:`ui.document.warm_neighbours`)."""
        if isValid(self.window):  # not while the window closes (its stack emptied as it goes)
            QTimer.singleShot(WARM_DELAY_MS, self.window, lambda: warm_neighbours(self.window, self.doc))

    # ================================================================ solve
    def solve_selected(self) -> None:
        six = self.doc.six
        self.start_solve(six.academie_of(self.window.scope) if six else None)

    def start_solve(self, academie: str | None, show_dialog: bool = True) -> Operation | None:
        w, doc = self.window, self.doc
        if self.solve_op is not None:
            w.set_status("Un calcul est déjà en cours.")
            return None
        from solvers.api import solve

        sc = doc.snapshot()
        six, base, scenario = doc.six, doc.plan, doc.scenario
        key = doc.edits_key(sc)
        limit = float(w.time_limit.value())
        doc.qsettings.setValue("timeLimit", int(limit))
        what = f"Académie de {doc.six.academies[academie].name}" if academie else "France entière"
        dlg = SolveProgressDialog(f"Planification — {what}", w)
        self.progress_dialog = dlg
        t0 = time.perf_counter()

        path = doc.path

        def run(progress, stop):
            followup = replan_followup(path, sc, academie, limit)  # sessions recorded: keep what was held
            if followup is not None:
                return solve_tail(followup[0], sc, academie, six, followup=followup)
            plan = solve(sc, academie=academie, time_limit=limit, precheck=True,
                         progress=lambda p: progress(dict(p) if isinstance(p, dict) else p), stop=stop)
            return solve_tail(plan, sc, academie, six, base)

        op = w.ops.run(run, name="solve", progress=dlg.update_progress,
                       success=lambda res: self._solved(res, academie, what, key, time.perf_counter() - t0, base,
                                                        scenario),
                       failure=self._solve_failed)
        dlg.stopRequested.connect(op.cancel)
        self.solve_op = op
        self._set_solving(True)
        if show_dialog:
            dlg.show()
        w.set_status(f"Calcul en cours : {what} (limite {int(limit)} s)…")
        return op

    def stop_solve(self) -> None:
        if self.solve_op is not None:
            self.solve_op.cancel()
            if self.progress_dialog is not None:
                self.progress_dialog.stop_button.setEnabled(False)
            self.window.set_status("Arrêt demandé : le meilleur plan valide trouvé sera gardé.")

    def _set_solving(self, on: bool) -> None:
        w = self.window
        w.act_stop.setEnabled(on)
        w.act_solve.setEnabled(not on)
        w.act_solve_all.setEnabled(not on)

    def _solve_ended(self) -> bool:
        stopped = bool(self.solve_op and self.solve_op.cancelled)
        self.solve_op = None
        self._set_solving(False)
        if self.progress_dialog is not None:
            self.progress_dialog.hide()
            self.progress_dialog.deleteLater()
            self.progress_dialog = None
        return stopped

    def _solved(self, res, academie: str | None, what: str, key: str, seconds: float, base=None,
                scenario=None) -> None:
        plan, findings, followup, merged, pix = res
        w, doc = self.window, self.doc
        stopped = self._solve_ended()
        self.last_solve_seconds = seconds
        if scenario is not None and doc.scenario is not scenario:  # another scenario was opened meanwhile
            w.set_status(f"{what} : calcul terminé pour le scénario précédent, son plan n'est pas affiché.")
            return
        if followup is None and doc.plan is not base:  # the plan changed meanwhile (an undo): merge into it now
            merged, pix = merge_plan(doc.plan, plan, academie, doc.six), None
        doc.index_for(merged, pix)  # kept: the command's redo finds it, and with it the figures of the plan
        if merged is plan:  # the check ran on exactly this plan and scope
            doc.record_check(CheckState(merged, key, findings, doc.check_scope(merged)))
        n = len(plan.sessions)
        up = doc.unplaced_sessions(plan)
        errors = [f for f in findings if getattr(f, "severity", "error") == "error"]
        done = "replanifiée (suivi : sessions tenues gardées)" if followup is not None else "planifiée"
        msg = (f"{what} {done} en {seconds:.1f} s".replace(".", ",")
               + (" (arrêtée : meilleur plan valide gardé)" if stopped else "")
               + f" : {fmt.num(n)} sessions placées, {fmt.num(up)} non planifiées"
               + (", vérification : aucune anomalie" if not errors else f", vérification : {fmt.num(len(errors))} anomalie(s)"))
        if followup is None:
            doc.undo_stack.push(PlanCommand(doc, doc.plan, merged, f"Planification — {what}"))
        else:
            _part, stored, old_file_plan, params, warnings = followup
            doc.undo_stack.push(FollowupPlanCommand(doc, doc.plan, stored, plan, bool(academie), old_file_plan, params,
                                                    f"Replanification du reste de l'année — {what}"))
            msg += "".join(f" — {x}" for x in warnings)
        if academie and w.scope == NATION:
            w.select_scope(("academie", academie))
        prepare_save_later(w, doc, doc.plan)
        compact_undo_later(w, doc)
        w.set_status(msg)
        if errors:
            w.show_text("Vérification du plan", "\n".join(f"[{f.rule}] {f.message}" for f in errors[:200]))

    def _solve_failed(self, msg: str) -> None:
        self._solve_ended()
        self.window.error(f"Le calcul a échoué :\n{msg}")

    # ================================================================ check
    def _doc_changed(self, changes) -> None:
        if changes.check and self.auto_check and self.doc.plan is not None and not self.doc.verified:
            self.check_timer.start()

    def check(self, show: bool = True) -> Operation | None:
        """Check the current plan in the background (« Vérifier le plan »; also after each edit)."""
        w, doc = self.window, self.doc
        if doc.plan is None:
            if show:
                w.set_status("Aucun plan à vérifier.")
            return None
        state = doc.check_state()
        if state is not None:
            if show or self.report_next:
                self.report_next = False
                self._report(state, True)
            return None
        # a check, a solve, or the lists of a plan just read running (they make its sessions, which the check reads;
        # side by side, both took turns for the interpreter and the lists, which a pin waits for, ended later)
        if self.check_op is not None or self.solve_op is not None or w.ops.find("index") is not None:
            self.report_next = self.report_next or show  # « Vérifier » during a check: say its result
            self.check_timer.start()  # once the running work ends
            return None
        plan, sc = doc.plan, doc.snapshot()
        key, acads = doc.edits_key(sc), doc.check_scope(plan)
        if show:
            w.set_status("Vérification du plan en cours…")

        def done(findings):
            self.check_op = None
            st = CheckState(plan, key, findings, acads)
            doc.record_check(st)
            if doc.plan is plan:
                asked, self.report_next = show or self.report_next, False
                self._report(st, asked)

        def failed(msg):
            self.check_op = None
            if msg != CANCELLED:  # stopped by another scenario's opening (cancel_check): nothing to say
                w.set_status(f"Vérification impossible : {msg}")

        self.check_op = w.ops.run(lambda progress, stop: run_check(plan, sc, acads, stop), name="check",
                                  success=done, failure=failed)
        return self.check_op

    def cancel_check(self) -> bool:
        """Stop the check of the current plan, waiting or running, automatic or asked for (another scenario is being
        opened: its result would be for a plan about to go); True when there was one, to start again with
        :meth:`resume_check` if the opening fails."""
        was = self.check_timer.isActive() or self.check_op is not None
        self.check_timer.stop()
        if self.check_op is not None:
            self.check_op.cancel()
        return was

    def resume_check(self) -> None:
        """The automatic check of the current plan again, once the running work ends (an opening that failed)."""
        self._doc_changed(Changes(check=True))

    def _report(self, st: CheckState, show: bool) -> None:
        w = self.window
        names = ", ".join(self.doc.six.academies[a].name for a in st.academies[:4] if a in self.doc.six.academies)
        more = f" et {len(st.academies) - 4} autres" if len(st.academies) > 4 else ""
        where = f" ({names}{more})" if names else ""
        errors = st.errors
        if not st.findings:
            w.set_status(f"Vérification indépendante{where} : aucune anomalie.")
        else:
            w.set_status(f"Vérification{where} : {fmt.num(len(errors))} anomalie(s), "
                         f"{fmt.num(len(st.findings) - len(errors))} remarque(s).")
            if show:
                w.show_text("Vérification du plan", "\n".join(f"[{f.severity}] [{f.rule}] {f.message}"
                                                              for f in st.findings[:300]))

    def plan_label(self) -> str:
        """The status bar's plan summary: sessions, unplaced, « vérifié » or « non vérifié »."""
        doc = self.doc
        if doc.plan is None:
            return "Aucun plan — F5 pour planifier"
        n = doc.plan.session_count
        up = doc.unplaced_sessions()
        st = doc.check_state()
        if st is not None:
            chk = " · vérifié : " + st.summary()
        elif self.check_op is not None or self.check_timer.isActive():
            chk = " · non vérifié (vérification en cours…)"
        else:
            chk = " · non vérifié"
        stale = ""
        if doc.plan_stale:
            year = doc.plan_year()
            stale = f" · ⚠ plan de l'année {year}" if year else " · ⚠ paramètres modifiés depuis le calcul"
        return f"Plan : {fmt.num(n)} sessions, {fmt.num(up)} non planifiées{chk}{stale}"
