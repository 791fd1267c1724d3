"""The school head's edits of one unit: « Choisir les créneaux » (pin a slot, re-plan the unit) and
« Feuille de route de l'unité » (themes, briques, meeting dates; re-plan its steps 2 to 6).

The re-plans run as operations; their result is pushed as an undoable command on the document.
"""
from __future__ import annotations

import time

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from planner.models import Pin
from planner.plan_index import Scope, merge_plan, session_order

from . import fmt
from .changes import Changes
from .commands import PinCommand, RoadmapCommand
from .dialogs import SlotChooserDialog
from .document import prepare_plan, prime_figures, prime_nation_later
from .operations import Operation
from .roadmap_dialog import RoadmapChoicesDialog

SLOT_UNITS = ("etablissement", "circonscription", "bassin", "departement")
ROADMAP_UNITS = ("etablissement", "circonscription")


class UnitEdits:
    def __init__(self, window) -> None:
        self.window = window
        self.doc = window.doc
        self.slot_dialog: SlotChooserDialog | None = None
        self.slots_after_lists: Scope | None = None  # « Choisir les créneaux » asked while a reopened plan's sessions are made
        self.roadmap_dialog: RoadmapChoicesDialog | None = None
        self.roadmap_scope: Scope | None = None
        self.doc.changed.connect(self._doc_changed)

    # ================================================================ slots
    def choose_slots(self, scope: Scope | None = None) -> SlotChooserDialog | None:
        w, doc = self.window, self.doc
        scope = scope or w.scope
        kind, uid = scope
        if kind not in SLOT_UNITS:
            w.set_status("Choisir les créneaux : sélectionnez d'abord un établissement ou une circonscription dans l'arbre.")
            return None
        if doc.plan is None or not doc.pix or not len(doc.pix.indices(scope)) and not doc.pix.unplaced_in(scope):
            w.set_status("Choisir les créneaux : planifiez d'abord l'académie de cette unité (F5).")
            return None
        lists = w.ops.find("index")
        if lists is not None and not doc.plan.sessions_made:  # a plan just read: once its sessions are made behind
            w.set_status("Lecture des sessions du plan rouvert : les créneaux s'ouvrent dans un instant…")
            if self.slots_after_lists is None:  # asked again meanwhile: the last unit asked for, one dialog
                plan = doc.plan

                def later() -> None:  # made (or failed: then made here, as before)
                    asked, self.slots_after_lists = self.slots_after_lists, None
                    if doc.plan is plan and asked is not None:
                        self.choose_slots(asked)

                lists.finished.connect(later)
            self.slots_after_lists = scope
            return None
        cands = self._candidates(scope, None)
        if cands is None:
            return None
        name = doc.six.name(kind, uid)
        pix = doc.pix if doc.pix is not None and doc.pix.plan is doc.plan else None
        if pix is not None:  # its lists (or columns): not a scan of the whole plan (a national one: 40 ms)
            current = sorted(pix.sessions_of_unit(kind, uid), key=session_order)  # the plan's own order
        else:
            current = doc.plan.sessions_of_unit(kind, uid)
        current = [s for s in current if s.kind == "step1"] or current
        groups = max(doc.six.sessions_needed.get(scope, 0), len(current), 1)
        if self.slot_dialog is not None:
            self.slot_dialog.close()
        dlg = SlotChooserDialog(name, current, cands, doc.scenario.settings, groups, w)
        group = next((getattr(c, "group", None) for c in cands if getattr(c, "group", None)), None)
        if group:
            dlg.group.blockSignals(True)
            dlg.group.setValue(group)
            dlg.group.blockSignals(False)
        dlg.group.valueChanged.connect(lambda g: (c := self._candidates(scope, g)) is not None and dlg.set_candidates(c))
        dlg.picked.connect(lambda c, g: self.pin_slot(scope, c, g))
        self.slot_dialog = dlg
        dlg.show()
        w.set_status(f"{len(cands)} créneaux proposés pour {name}.")
        return dlg

    def _candidates(self, scope: Scope, group: int | None):
        from solvers.api import candidate_slots

        doc = self.doc
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            kw = {} if group is None else {"group": group}
            pix = doc.pix  # its lists by unit, once built, spare a scan of the whole plan
            if pix is not None and pix.plan is doc.plan and "by_unit" in pix.__dict__:
                kw["index"] = pix
            return list(candidate_slots(doc.scenario, doc.plan, scope[0], scope[1], limit=20, **kw))
        except Exception as exc:  # noqa: BLE001 - French message from the solver
            self.window.error(f"Créneaux indisponibles :\n{exc}")
            return None
        finally:
            QApplication.restoreOverrideCursor()

    def pin_slot(self, scope: Scope, cand, group: int) -> Operation:
        from solvers.replan import replan_with_pin_indexed

        w, doc = self.window, self.doc
        kind, uid = scope
        pin = Pin(unit_type=kind, unit_id=uid, group=group, date=cand.date, start=cand.start)
        old_plan, old_index = doc.plan, doc.pix
        old_pins = list(doc.scenario.pins)
        sc = doc.scenario.model_copy(update={"pins": [p for p in old_pins if not (
            p.unit_type == kind and p.unit_id == uid and p.group == group)]})
        settings = doc.scenario.settings.model_copy(deep=True)
        six, acad = doc.six, doc.six.academie_of(scope)
        t0 = time.perf_counter()

        def run(progress, stop):
            from solvers.followup_plan import replan_with_pin_recorded

            if old_plan is not None and acad:  # sessions recorded: the held ones never move (solvers.followup_plan)
                own = None
                if old_index is not None and old_index.plan is old_plan:  # the académie's rows, not 400,000
                    own = [old_plan.sessions[i] for i in old_index.indices(("academie", acad)).tolist()]
                new_plan = replan_with_pin_recorded(sc, old_plan, pin, acad, own)
                if new_plan is not None:
                    if len(new_plan.sessions) < len(old_plan.sessions) and all(
                            s.academie == acad for s in new_plan.sessions):  # the académie's part of the plan
                        new_plan = merge_plan(old_plan, new_plan, acad, six)
                    return new_plan, prepare_plan(new_plan, six, settings)
            # only the unit's sessions and what depends on them: the plan's index is updated, not rebuilt
            new_plan, new_index = replan_with_pin_indexed(sc, old_index, pin)
            prime_figures(new_index, settings, nation=False)  # the unit first; the nation's figures follow
            return new_plan, new_index

        scenario = doc.scenario

        def done(res):
            new_plan, new_index = res
            if doc.scenario is not scenario:  # another scenario was opened meanwhile
                w.set_status("Un autre scénario a été ouvert : l'épinglage n'est pas appliqué.")
                return
            if doc.plan is not old_plan:  # another edit came in between (an undo): re-plan on top of it
                from solvers.replan import replan_with_pin

                new_plan, new_index = replan_with_pin(sc, doc.plan, pin), None
            doc.index_for(new_plan, new_index)  # kept: the command's redo finds it
            doc.undo_stack.push(PinCommand(doc, pin, doc.plan, new_plan, old_pins, doc.six.name(kind, uid)))
            if self.slot_dialog is not None:
                self.slot_dialog.close()
                self.slot_dialog = None
            w.select_scope(scope)
            if new_index is not None:
                prime_nation_later(w, doc, new_index, settings)
            took = f"{time.perf_counter() - t0:.1f}".replace(".", ",")
            w.set_status(f"Créneau du {fmt.date_long(pin.date)} à {pin.start} épinglé (session {group}) pour "
                         f"{doc.six.name(kind, uid)} ; unité replanifiée en {took} s.")

        def fail(msg):
            if self.slot_dialog is not None:
                self.slot_dialog.status.setText(f"Impossible : {msg}")
                self.slot_dialog.pick_button.setEnabled(True)
            w.error(f"Replanification impossible :\n{msg}")

        w.set_status(f"Replanification de {doc.six.name(kind, uid)}…")
        return w.ops.run(run, name="replan", success=done, failure=fail)

    # ================================================================ roadmap choices (steps 2–6, per unit)
    def _roadmap_defaults(self, scope: Scope):
        """(the unit's current choices, the defaults of its profile) or None when out of the scenario's scope."""
        from planner.roadmap_models import unit_choices

        return unit_choices(self.doc.scenario, *scope)

    def edit_roadmap(self, scope: Scope | None = None) -> RoadmapChoicesDialog | None:
        """« Feuille de route de l'unité » : the non-modal editor of the selected unit's choices."""
        from planner.roadmap_models import PROFILE_LABELS, profile_of

        w, doc = self.window, self.doc
        scope = tuple(scope or w.scope)
        kind, uid = scope
        if kind not in ROADMAP_UNITS:
            w.set_status("Feuille de route de l'unité : sélectionnez d'abord un établissement ou une circonscription "
                         "dans l'arbre.")
            return None
        six = doc.six
        name = six.name(kind, uid)
        found = self._roadmap_defaults(scope)
        if found is None:
            w.set_status(f"Feuille de route : {name} n'est pas dans le périmètre du scénario (établissements privés "
                         "exclus dans Paramètres ?).")
            return None
        current, defaults = found
        etab = six.etablissements.get(uid) if kind == "etablissement" else None
        profile = PROFILE_LABELS.get(profile_of(kind, etab.type if etab else ""), "")
        where = f"{fmt.unit_type_label(kind)} {uid}" + (f" · {profile}" if kind == "etablissement" else "")
        acad = six.academie_of(scope)
        if acad and acad in six.academies:
            where += f" · académie de {six.academies[acad].name}"
        s = doc.scenario.settings
        if self.roadmap_dialog is not None:
            self.roadmap_dialog.close()
            self.roadmap_dialog.deleteLater()
        dlg = RoadmapChoicesDialog(name, kind, uid, where, current, defaults, doc.scenario.roadmap,
                                   (s.first_day, s.end_date), w)
        dlg.applyRequested.connect(lambda ch, scope=scope: self.request_roadmap_choices(scope, ch))
        self.roadmap_dialog, self.roadmap_scope = dlg, scope
        dlg.show()
        w.set_status(f"Feuille de route de {name} : modifiez puis « Appliquer ».")
        return dlg

    def _unit_in_plan(self, scope: Scope) -> bool:
        doc = self.doc
        if doc.plan is None or doc.pix is None:
            return False
        return bool(len(doc.pix.indices(scope))) or any(
            (u.get("unit_type"), str(u.get("unit_id"))) == scope for u in doc.plan.unplaced)

    def request_roadmap_choices(self, scope: Scope, choices) -> Operation | None:
        """Store ``choices`` for the unit (undoable); re-plan only that unit when the plan shows it."""
        w, doc = self.window, self.doc
        kind, uid = scope
        name = doc.six.name(kind, uid)
        old_choices = list(doc.scenario.roadmap_choices)
        new_choices = list(old_choices)
        pos = next((i for i, c in enumerate(old_choices) if (c.unit_type, c.unit_id) == (kind, uid)), None)
        if pos is None:
            new_choices.append(choices)
        else:
            new_choices[pos] = choices
        dlg = self.roadmap_dialog if self.roadmap_scope == scope else None
        if not self._unit_in_plan(scope):
            doc.undo_stack.push(RoadmapCommand(doc, old_choices, new_choices, doc.plan, doc.plan, False, name))
            msg = (f"Feuille de route de {name} enregistrée dans le scénario : elle comptera au prochain calcul (F5)."
                   if doc.plan is None else
                   f"Feuille de route de {name} enregistrée dans le scénario ; l'unité n'est pas dans le plan affiché : "
                   "elle comptera quand son académie sera planifiée (F5).")
            w.set_status(msg)
            if dlg is not None:
                dlg.set_busy(False, msg)
            return None
        from solvers.replan import replan_roadmap_unit

        old_plan = doc.plan
        sc = doc.snapshot().model_copy(update={"roadmap_choices": new_choices})
        t0 = time.perf_counter()
        if dlg is not None:
            dlg.set_busy(True, "Replanification de l'unité…")

        def done(res):
            new_plan, new_index = res
            if doc.plan is not old_plan or doc.scenario is not scenario:  # another edit came in between: keep it
                if dlg is not None:
                    dlg.set_busy(False, "Le plan a changé entre-temps : appliquez de nouveau.")
                return
            doc.index_for(new_plan, new_index)
            doc.undo_stack.push(RoadmapCommand(doc, old_choices, new_choices, old_plan, new_plan, True, name))
            took = f"{time.perf_counter() - t0:.1f}".replace(".", ",")
            n = sum(1 for x in new_plan.sessions_of_unit(kind, uid) if x.kind not in ("step1", "tot"))
            msg = (f"Feuille de route de {name} appliquée ; unité replanifiée en {took} s "
                   f"({n} séance{'s' if n > 1 else ''} des étapes 2 à 6).")
            w.set_status(msg)
            if dlg is not None:
                dlg.set_busy(False, msg)

        def fail(msg):
            if dlg is not None:
                dlg.set_busy(False, "")
                dlg.show_errors([f"Replanification impossible : {msg}"])
            w.set_status(f"Feuille de route de {name} : replanification impossible ({msg}).")

        # step 1 stays where it is: only the unit's steps 2 to 6 move
        six, settings, scenario = doc.six, sc.settings, doc.scenario

        def run(progress, stop):
            new_plan = replan_roadmap_unit(sc, old_plan, kind, uid)
            return new_plan, prepare_plan(new_plan, six, settings)  # indexed here, not by the window

        return w.ops.run(run, name="roadmap", success=done, failure=fail)

    def _doc_changed(self, changes: Changes) -> None:
        """After undo/redo, an open roadmap dialog shows the unit's choices as they now stand."""
        dlg, scope = self.roadmap_dialog, self.roadmap_scope
        if not changes.choices:
            return
        if dlg is not None and dlg.isVisible() and scope is not None and not dlg.busy:
            found = self._roadmap_defaults(scope)
            if found is not None:
                dlg.load(found[0])
