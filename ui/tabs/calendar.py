"""« Calendrier » : the sessions of the selected unit, or of the trainer chosen in « Formateurs », by week or month."""
from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout

from planner.calendar import calendar_key
from planner.plan_index import NATION

from .. import fmt
from ..calendar_view import CalendarPanel, DaySessions
from ..changes import Changes
from . import Tab, register_tab


class CalendarTab(Tab):
    key, title = "calendar", "Calendrier"

    def __init__(self, window) -> None:
        super().__init__(window)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.panel = CalendarPanel()
        self.panel.canvas.describe = self.describe
        self.panel.canvas.tooltip = self.tooltip
        self.panel.modeChanged.connect(lambda _m: window.update_status())
        lay.addWidget(self.panel)

    def refresh(self, changes: Changes) -> None:
        if not (changes.data or changes.scope or changes.subject):
            return
        doc, panel = self.doc, self.panel
        kind, subject = self.window.calendar_subject
        if doc.pix is None:
            panel.set_sessions("Aucun plan : planifiez (F5)", [])
            return
        six = doc.six
        if kind == "trainer":
            t = six.trainers.get(subject)
            idx = doc.pix.indices(("trainer", subject))
            title = f"Formateur : {t.name if t and t.name else subject} ({subject})"
            acad, dep = (t.academie if t else None), None
        elif subject == NATION:
            panel.set_sessions("Calendrier : sélectionnez une académie, une unité dans l'arbre, ou un formateur", [])
            return
        else:
            idx = doc.pix.indices(subject)
            title = six.name(*subject)
            acad = six.academie_of(subject)
            dep = six.unit_departement.get(subject) or (subject[1] if subject[0] == "departement" else None)
        # each day's sessions made when the day is shown (a plan just read: rows made alone, not the whole plan)
        plan = doc.plan
        days = DaySessions(doc.pix.date_ord[idx], lambda k: plan.session_at(int(idx[k])))
        zone = (calendar_key(six.academies[acad], six.scenario.settings) if acad and acad in six.academies
                else "C")
        panel.set_sessions(f"{title} — {fmt.num(len(days))} session{'s' if len(days) > 1 else ''}", days, zone, dep)

    def show_date(self, date, mode: str) -> None:
        self.panel.canvas.current = date
        self.panel.set_mode(mode)

    def status_text(self) -> str:
        kind, subj = self.window.calendar_subject
        extra = ("formateur " + str(subj)) if kind == "trainer" else "calendrier de la sélection"
        return extra + f" — {'semaine' if self.panel.canvas.mode == 'week' else 'mois'}"

    def describe(self, s) -> str:
        six = self.doc.six
        kind, subject = self.window.calendar_subject
        if kind == "trainer" or subject[0] in ("nation", "academie", "departement", "bassin"):
            return f"{fmt.kind_label(s.kind)} · {six.short_name(s.unit_type, s.unit_id)}"
        return f"{fmt.kind_label(s.kind)} · G{s.group}" + (" 📌" if s.pinned else "")

    def tooltip(self, s) -> str:
        six = self.doc.six
        t = six.trainers.get(s.trainer_id)
        return (f"{fmt.kind_label(s.kind, long=True)}\n{fmt.date_long(s.date)}, {s.start}–{s.end}"
                f"\n{six.name(s.unit_type, s.unit_id)}\nFormateur : {t.name if t and t.name else s.trainer_id}"
                f"\n{s.participants} participants · {fmt.window_label(s.window, self.doc.scenario.settings)}"
                + ("\nÉpinglée par un choix de créneau" if s.pinned else ""))


register_tab(CalendarTab, order=30)
