"""Independent plan checker: re-verifies every rule from the scenario and the plan files alone.

It shares no code with the models in ``solvers/`` (it imports ``planner`` and the plain rule ids and
caps of :mod:`solvers.rules`): windows are checked by membership of each session's date and time in
the window's rule, not by regenerating the slot lists the models use. Each finding names a rule of
:data:`solvers.rules.RULES` (the id an unplaced session would carry) and says what is wrong in French.
"""
from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from operator import attrgetter

from planner import calendar as cal
from planner.collector import collection_off
from planner.errors import polled, stop_check
from planner.followup import MAKEUP_TITLE
from planner.demand import step1_people
from planner.heads_first import cadre_seats, first_teacher_sessions, match_heads
from planner.models import Scenario
from planner.plan import Plan, Session, in_slices
from planner.report import split_past
from planner.text import hhmm_minutes as _minutes

from .check_clock import ClockMinutes, Minutes, moment
from .records import past_summary
from .rules import RULE_IDS, trainer_day_cap, unit_caps


_UNKNOWN = object()
_DAY_START = attrgetter("date", "start")
_ID = attrgetter("session_id")
_ACADEMIE = attrgetter("academie")


def _distinct(getter, xs: list) -> set:
    """The distinct ``getter(x)`` of ``xs``, a slice at a time (the window's check runs in a thread; one set of a
    national plan's 400,000 ids held the interpreter lock 0.12 s)."""
    out: set = set()
    for part in in_slices(xs):
        out.update(map(getter, part))
    return out


@dataclass(frozen=True)
class Finding:
    rule: str
    message: str
    severity: str = "error"
    session_id: str = ""


class _Checker:
    def __init__(self, plan: Plan, sc: Scenario, stop=None) -> None:
        """``stop``: the event that ends the check (:meth:`run`), looked at between the passes over every session
        made here and by :meth:`_plain`, before the rules' own slices (a national plan: a few hundredths of a second
        each; the window's check then ends within one when another scenario is opened)."""
        self.plan = plan
        self.sc = sc
        self.s = sc.settings
        self.out: list[Finding] = []
        self.zone = {a.code: cal.calendar_key(a, sc.settings) for a in sc.academies}  # each académie's calendar
        self.trainers = {t.id: t for t in sc.trainers}
        self.rows = {t.trainer_id: t for t in plan.trainers}
        stop_check(stop)
        self.step1_tot = [x for x in plan.sessions if x.kind == "step1" or x.kind == "tot"]  # the sessions most rules see
        stop_check(stop)
        tot_ids = {r.tot_session_id for r in plan.trainers}
        # the sessions trainers are enrolled in, by id (the last of an id, as a dict of every session would say)
        self.sessions = {x.session_id: x for x in plan.sessions if x.session_id in tot_ids}
        self._meetings: dict[tuple[str, str], set[dt.date]] = {}
        self.mins = Minutes()  # « HH:MM » → minutes, each text read once
        self.clock = ClockMinutes()  # the same, for times compared as Session.start_dt / end_dt would
        self._slot_why: dict[tuple, str] = {}  # (window, kind, audience, start, end) → window_ok's reason or ''
        self._day_why: dict[tuple, str] = {}  # (window, date, zone, département, unit or académie) → the same
        self._trained: dict[str, tuple] = {}  # trainer → _trained_at(…)
        self.unique_ids = True  # no two sessions of the plan share an id (as check_sessions finds)
        self.stop = stop  # the event that ends the check (run)

    def add(self, rule: str, msg: str, x: Session | None = None, severity: str = "error") -> None:
        assert rule in RULE_IDS, rule
        self.out.append(Finding(rule, msg, severity, x.session_id if x else ""))

    # ------------------------------------------------------------------ per session
    def window_ok(self, x: Session, zone: str) -> str | None:
        """Why session ``x`` (ToT or step 1) is not in its window, ``None`` when it is (each time slot and each
        day judged once)."""
        key = (x.window, x.kind, x.audience, x.start, x.end)
        why = self._slot_why.get(key)
        if why is None:
            why = self._slot_why[key] = self._slot_why_not(x)
        if why:
            return why
        rule = self.s.windows[x.window].rule
        who = x.unit_id if rule in ("bassin_meeting", "inspectors_meeting") else x.academie if rule == "rentree_seminar" else ""
        key = (x.window, x.date, zone, x.departement, who)
        why = self._day_why.get(key)
        if why is None:
            why = self._day_why[key] = self._day_why_not(x, zone)
        return why or None

    def _slot_why_not(self, x: Session) -> str:
        """Why the window, audience and hours of ``x`` do not fit ('' when they do)."""
        spec = self.s.windows.get(x.window)
        if spec is None:
            return f"fenêtre inconnue « {x.window} »"
        audience = "trainers" if x.kind == "tot" else x.audience
        if x.kind in ("tot", "step1") and x.window not in self.s.audience_windows.get(audience, ()):
            return f"la fenêtre « {spec.label} » n'est pas ouverte au public {audience}"
        a, b = _minutes(x.start), _minutes(x.end)
        if not any(p.minutes()[0] <= a and b <= p.minutes()[1] for p in spec.periods):
            return f"horaire {x.start}–{x.end} hors des plages de la fenêtre « {spec.label} »"
        return ""

    def _day_why_not(self, x: Session, zone: str) -> str:
        """Why the date of ``x`` is not a day of its window ('' when it is)."""
        spec = self.s.windows[x.window]
        d = x.date
        dep = x.departement or None
        rule = spec.rule
        if rule == "weekly":
            ok = d.weekday() in spec.weekdays and cal.is_school_day(d, zone, dep)
        elif rule == "september":
            ok = d.month == 9 and (not spec.weekdays or d.weekday() in spec.weekdays) and cal.is_school_day(d, zone, dep)
        elif rule == "pre_rentree":
            ok = d == cal.pre_rentree_date(cal.school_year_of(d), zone) and not cal.is_public_holiday(d, dep)
        elif rule == "dates":
            ok = d in spec.dates and cal.is_open_for_teachers(d, zone, dep)
        elif rule == "end_of_year":
            end = cal.summer_start(cal.school_year_of(d), zone)
            later = 0
            day = d + dt.timedelta(days=1)
            while day < end:
                later += cal.is_school_day(day, zone, dep)
                day += dt.timedelta(days=1)
            ok = cal.is_school_day(d, zone, dep) and d < end and later < spec.day_count
        elif rule == "summer":
            pr = cal.pre_rentree_date(cal.school_year_of(d + dt.timedelta(days=10)), zone)
            between = sum(1 for i in range(1, (pr - d).days) if (d + dt.timedelta(days=i)).weekday() < 5
                          and not cal.is_public_holiday(d + dt.timedelta(days=i), dep))
            ok = d < pr and d.weekday() < 5 and not cal.is_public_holiday(d, dep) and between < spec.day_count
        elif rule in ("bassin_meeting", "inspectors_meeting"):
            ok = d in self.meetings(rule, x.unit_id, zone, dep)
        elif rule == "rentree_seminar":
            ok = d in cal.rentree_seminar_dates(self.s, zone, x.academie)
        else:
            ok = False
        if not ok:
            return f"le {d.isoformat()} n'est pas un jour de la fenêtre « {spec.label} » ({cal.describe_day(d, zone, dep)})"
        return ""

    def meetings(self, rule: str, unit_id: str, zone: str, dep: str | None) -> set[dt.date]:
        key = (rule, unit_id)
        if key not in self._meetings:
            per = self.s.bassin_meetings_per_month if rule == "bassin_meeting" else self.s.inspectors_meetings_per_month
            kind = "bassin" if rule == "bassin_meeting" else "inspectors"
            # the year's meetings over the whole horizon (planning from a later day does not move them)
            self._meetings[key] = {d for d in cal.meeting_days(kind, unit_id, zone, dep, self.s.start_date,
                                                               self.s.end_date, per) if d >= self.s.first_day}
        return self._meetings[key]

    def check_sessions(self) -> None:
        # most plans: ids all distinct, every académie known, every date to check between the start of the planning
        # and the horizon's end; then the sessions of steps 2 to 6 have nothing to say here (check_roadmap reads
        # them), and the step-1 and ToT sessions alone are read one by one
        self._check_rows(polled(self.step1_tot if self._plain() else self.plan.sessions, self.stop))

    def _plain(self) -> bool:
        """No session id used twice, no académie unknown, no session (but those held) dated before the planning's
        start or outside the horizon: what :meth:`_check_rows` finds of every session, told at once."""
        xs = self.plan.sessions
        stop_check(self.stop)
        if len(_distinct(_ID, xs)) != len(xs):
            return False
        stop_check(self.stop)
        if not _distinct(_ACADEMIE, xs) <= self.zone.keys():
            return False
        stop_check(self.stop)
        s = self.s
        dates = [x.date for x in xs if x.status != "held"]
        stop_check(self.stop)
        return not dates or (max(s.plan_from, s.start_date) <= min(dates) and max(dates) <= s.end_date)

    def _check_rows(self, rows) -> None:
        """The findings of :meth:`check_sessions` on ``rows`` (all the plan's sessions, or its step-1 and ToT ones
        when the others have nothing to say), in their order."""
        s = self.s
        seen: set[str] = set()
        first_day: dict[str, object] = {}  # zone -> first day of step 1
        plan_from, start_date, end_date = s.plan_from, s.start_date, s.end_date  # read once: 350,000 sessions
        zone_of = self.zone.get  # académie → zone (unknown académie: _UNKNOWN)
        mins = self.mins
        for x in rows:
            sid = x.session_id
            if sid in seen:
                self.add("duplicate", f"session {x.session_id} en double", x)
                self.unique_ids = False
            seen.add(sid)
            zone = zone_of(x.academie, _UNKNOWN)
            if zone is _UNKNOWN:
                self.add("territory", f"session {x.session_id} : académie inconnue « {x.academie} »", x)
                continue
            if getattr(x, "status", "planned") == "held":
                continue  # held: the past as it happened (recorded), not a placement to check against today's rules
            d = x.date
            if d < plan_from:
                self.add("plan_from", f"session {x.session_id} le {x.date.isoformat()} avant le début de la "
                                      f"planification ({s.plan_from.isoformat()})", x)
            elif not (start_date <= d <= end_date):
                self.add("horizon", f"session {x.session_id} le {x.date.isoformat()} hors de l'horizon "
                                    f"({s.start_date.isoformat()} – {s.end_date.isoformat()})", x)
            kind = x.kind
            if kind == "step1":
                first1 = first_day.get(zone)
                if first1 is None:
                    first1 = first_day[zone] = cal.step1_first_day(s, zone)
                if d < first1 and x.window != "rentree_seminar":
                    self.add("step1_start", f"session {x.session_id} le {x.date.isoformat()} avant le début des "
                                            f"sessions d'étape 1 ({first1.isoformat()} : "
                                            + ("date choisie" if s.step1_start_date else f"pré-rentrée {s.school_year}")
                                            + ")", x)
            elif kind != "tot":
                continue  # later steps are checked by check_roadmap
            dur = mins[x.end] - mins[x.start]
            expected = s.tot_minutes if kind == "tot" else s.step1_minutes
            if dur != expected:
                self.add("duration", f"session {x.session_id} : durée {dur} min au lieu de {expected}", x)
            why = self.window_ok(x, zone)
            if why:
                cadre = x.audience in ("perdir", "inspectors") and x.kind == "step1"
                self.add("cadre_meetings" if cadre else "window", f"session {x.session_id} ({x.unit_id}) : {why}", x)
            if x.participants <= 0 or x.participants > s.group_size:
                self.add("group_size", f"session {x.session_id} : {x.participants} participants "
                                       f"(groupe de 1 à {s.group_size})", x)
            self.check_trainer(x)

    def check_trainer(self, x: Session) -> None:
        t = self.trainers.get(x.trainer_id)
        if t is None:
            self.add("trainer_unit", f"session {x.session_id} : formateur « {x.trainer_id} » inconnu du scénario", x)
            return
        if t.academie != x.academie:
            self.add("trainer_unit", f"session {x.session_id} : le formateur {t.id} est d'une autre académie", x)
        fdf_only = x.kind == "tot" or x.audience in ("perdir", "inspectors")
        if fdf_only and t.role != "fdf":
            self.add("trainer_unit", f"session {x.session_id} : doit être animée par un formateur de formateurs "
                                     f"(et non {t.id})", x)
        if not fdf_only:
            if t.unit_id != x.unit_id or t.unit_type != x.unit_type:
                self.add("trainer_unit", f"session {x.session_id} : le formateur local {t.id} intervient hors de "
                                         f"son unité ({t.unit_id})", x)
            if not t.qualified:
                trained = self._trained.get(t.id)
                if trained is None:
                    trained = self._trained[t.id] = self._trained_at(t.id)
                tot, end = trained
                if tot is None:
                    self.add("trainer_trained", f"session {x.session_id} : le formateur {t.id} n'a pas suivi de "
                                                f"formation de formateurs", x)
                elif end > x.date.toordinal() * 1440 + self.clock[x.start]:  # as their datetimes
                    self.add("trainer_trained", f"session {x.session_id} le {x.date.isoformat()} {x.start} : le "
                                                f"formateur {t.id} n'est formé que le {tot.date.isoformat()} {tot.end}", x)

    def _trained_at(self, tid: str) -> tuple:
        """(the train-the-trainer session trainer ``tid`` attends, its end in minutes since day 1), ``(None, None)``
        when they attend none."""
        row = self.rows.get(tid)
        tot = self.sessions.get(row.tot_session_id) if row and row.tot_session_id else None
        if tot is None or tot.kind != "tot":
            return None, None
        return tot, tot.date.toordinal() * 1440 + self.clock[tot.end]

    # ------------------------------------------------------------------ per trainer
    def check_trainer_loads(self) -> None:
        s = self.s
        mins = self.mins
        by_trainer: dict[str, list[Session]] = defaultdict(list)
        wednesdays: list[Session] = []  # 1er-degré step-1 sessions on Wednesday mornings
        for x in self.step1_tot:
            if x.trainer_id:
                by_trainer[x.trainer_id].append(x)
            if x.kind == "step1" and x.window == "wednesday_am" and x.audience == "teachers_1d":
                wednesdays.append(x)
        week_cap = unit_caps(s, "").per_week
        week_of: dict[dt.date, tuple[int, int]] = {}
        for tid, xs in by_trainer.items():
            t = self.trainers.get(tid)
            if t is None:
                continue
            xs.sort(key=_DAY_START)
            for a, b in zip(xs, xs[1:]):
                if a.date == b.date and mins[b.start] < mins[a.end]:
                    self.add("fdf_capacity" if t.role == "fdf" else "overlap", f"le formateur {tid} est à deux endroits à la fois le {a.date.isoformat()} "
                                        f"({a.session_id} {a.start}–{a.end} et {b.session_id} {b.start}–{b.end})", b)
            cap = trainer_day_cap(s, t.role)
            per_day = Counter(x.date for x in xs)  # in date order, as xs
            per_week: dict[tuple[int, int], int] = defaultdict(int)
            for d, n in per_day.items():
                w = week_of.get(d)
                if w is None:
                    w = week_of[d] = d.isocalendar()[:2]
                per_week[w] += n
            for d, n in per_day.items():
                if n > cap:
                    self.add("fdf_day_cap" if t.role == "fdf" else "day_cap", f"le formateur {tid} anime {n} sessions le {d.isoformat()} (plafond {cap})")
            if t.role != "fdf" and week_cap is not None:
                for w, n in per_week.items():
                    if n > week_cap:
                        self.add("week_cap", f"le formateur {tid} anime {n} sessions la semaine {w[0]}-S{w[1]:02d} "
                                             f"(plafond {week_cap})")
        wed_cap = unit_caps(s, "teachers_1d").wednesdays_per_term
        if wed_cap is not None:
            weds: dict[tuple[str, tuple[int, int]], set[dt.date]] = defaultdict(set)
            for x in wednesdays:
                weds[(x.unit_id, cal.term_of(x.date))].add(x.date)
            for (unit, term), days in weds.items():
                if len(days) > wed_cap:
                    self.add("wednesday_cap", f"la circonscription {unit} utilise {len(days)} mercredis matin au "
                                              f"trimestre {term[1]} (plafond {wed_cap})")

    # ------------------------------------------------------------------ coverage, ToT, pins
    def check_coverage(self) -> None:
        gs = self.s.group_size
        placed: dict[tuple[str, str, str], list[Session]] = defaultdict(list)
        for x in self.step1_tot:
            if x.kind == "step1" and x.title != MAKEUP_TITLE:  # make-up groups come on top of the demand
                placed[(x.unit_type, x.unit_id, x.audience)].append(x)
        missing: dict[tuple[str, str], int] = defaultdict(int)
        for u in self.plan.unplaced:
            if u.get("kind", "step1") == "step1":
                missing[(u.get("unit_type"), u.get("unit_id"))] += int(u.get("sessions", 0))
        units = [("circonscription", c.id, "teachers_1d", c.teachers, c.name) for c in self.sc.circonscriptions]
        units += [("etablissement", e.uai, "teachers_2d", step1_people(e, self.s), e.name)
                  for e in self.sc.in_scope_etablissements()]
        units += [("bassin", b.id, "perdir", b.perdir, b.name) for b in self.sc.bassins]
        units += [("departement", d, "inspectors", n, d) for d, n in self.sc.inspectors.items()]
        expected_keys = set()
        for ut, uid, aud, people, name in units:
            expected_keys.add((ut, uid, aud))
            xs = placed.get((ut, uid, aud), [])
            need = math.ceil(people / gs) if people else 0
            got = sum(x.participants for x in xs)
            miss = missing.get((ut, uid), 0)
            if len(xs) + miss != need:
                self.add("coverage", f"{name} : {len(xs)} sessions placées + {miss} non placées, "
                                     f"{need} attendues (⌈{people} / {gs}⌉)")
            elif miss == 0 and got != people:
                self.add("coverage", f"{name} : {got} participants dans les sessions pour {people} personnes")
            elif miss and got > people:
                self.add("coverage", f"{name} : {got} participants pour {people} personnes")
        for key, xs in placed.items():
            if key not in expected_keys:
                self.add("coverage", f"sessions pour une unité sans public attendu : {key[1]} ({key[2]})", xs[0])

    def check_tot(self) -> None:
        counts: dict[str, int] = defaultdict(int)
        for r in self.plan.trainers:
            if r.tot_session_id:
                counts[r.tot_session_id] += 1
        for x in self.step1_tot:
            if x.kind == "tot" and counts.get(x.session_id, 0) != x.participants:
                self.add("tot", f"formation de formateurs {x.session_id} : {x.participants} participants annoncés, "
                                f"{counts.get(x.session_id, 0)} formateurs inscrits", x)
        for sid in counts:
            if sid not in self.sessions:
                self.add("tot", f"des formateurs sont inscrits à une formation {sid} absente du plan")

    def check_pins(self) -> None:
        if not self.sc.pins:
            return
        by_group = {(x.unit_type, x.unit_id, x.group): x for x in self.step1_tot if x.kind == "step1"}
        reported = {(u.get("unit_type"), u.get("unit_id")) for u in self.plan.unplaced}
        for p in self.sc.pins:
            x = by_group.get((p.unit_type, p.unit_id, p.group))
            if x is not None and x.date == p.date and x.start == p.start:
                continue
            if (p.unit_type, p.unit_id) in reported:
                self.add("pin", f"créneau épinglé de {p.unit_id} (groupe {p.group}, {p.date.isoformat()} {p.start}) "
                                f"non tenu, signalé dans les sessions non placées", severity="warning")
                continue
            self.add("pin", f"la session épinglée de {p.unit_id} (groupe {p.group}) devait être le "
                            f"{p.date.isoformat()} à {p.start}" + (f", elle est le {x.date.isoformat()} à {x.start}" if x else ""), x)

    def check_heads_first(self) -> None:
        """Heads can be seated in their cadre unit's sessions so that each head's session ends before
        the unit's first teacher session (step 1 or step 2): earliest deadlines take the earliest seats
        (the matching of :mod:`planner.heads_first`, read off the plan)."""
        if not getattr(self.s, "heads_first", False):
            return
        clock = self.clock  # times as minutes since day 1: ordered as Session.start_dt, end_dt (same errors)
        first = first_teacher_sessions(self.plan.sessions, lambda x: x.date.toordinal() * 1440 + clock[x.start])
        seats = cadre_seats(self.step1_tot, lambda x: x.date.toordinal() * 1440 + clock[x.end])
        head_of = {("etablissement", e.uai): ("bassin", e.bassin) for e in self.sc.in_scope_etablissements()}
        head_of.update({("circonscription", c.id): ("departement", c.departement) for c in self.sc.circonscriptions})
        reported = {(u.get("unit_type"), u.get("unit_id")) for u in self.plan.unplaced if u.get("rule") == "heads_first"}
        who = {"etablissement": "le chef d'établissement", "circonscription": "l'IEN"}
        for k, seat in match_heads(seats, first, head_of).items():
            if seat is not None:
                continue
            t, cadre = moment(first[k]), head_of[k]
            sev = "warning" if k in reported else "error"
            self.add("heads_first", f"{k[1]} : {who[k[0]]} ne peut pas être formé avant la première session de "
                                    f"ses enseignants ({t.strftime('%d/%m/%Y %H:%M')}) : pas de place dans une "
                                    f"session de cadres ({cadre[1]}) terminée avant"
                                    + (" (signalé dans les sessions non placées)" if k in reported else ""),
                     severity=sev)

    def run(self) -> list[Finding]:
        """The findings; the check's ``stop`` (an event) set meanwhile raises :class:`planner.errors.Cancelled`
        between two rules, or two slices of the sessions in the longest ones."""
        stop = self.stop
        for rule in (self.check_sessions, self.check_heads_first, self.check_trainer_loads, self.check_coverage,
                     self.check_tot, self.check_pins):
            stop_check(stop)
            rule()
        stop_check(stop)
        from .check_venues import check_venues
        check_venues(self.plan, self.sc, self.add, stop)
        still, past = split_past(self.plan.unplaced)
        for u in still:
            self.add("unplaced", u.get("reason") or f"{u.get('unit_id')} : {u.get('sessions')} session(s) non "
                                 f"placée(s)", severity="warning")
        if past:  # one line: the rentrée meetings already gone when planning starts (report.json lists them)
            self.add("unplaced", past_summary(past), severity="warning")
        try:
            from .check_roadmap import check_roadmap
        except ImportError:
            return self.out
        if len(self.step1_tot) < len(self.plan.sessions):
            stop_check(stop)
            for f in check_roadmap(self.plan, self.sc, unique_ids=self.unique_ids, stop=stop):
                get = f.get if isinstance(f, dict) else (lambda k, d, f=f: getattr(f, k, d))
                self.out.append(Finding(get("rule", "roadmap"), get("message", str(f)), get("severity", "error"),
                                        get("session_id", "")))
        return self.out


def check_plan(plan: Plan, scenario: Scenario, stop=None) -> list[Finding]:
    """Every violation (severity "error") and warning (unplaced sessions, pins not held) of a plan (without
    cyclic garbage collection meanwhile: its tables hold no cycle, and each collection would walk the plan's
    350,000 sessions again). ``stop``: an event whose setting ends the check between two of its rules, or two
    slices of the sessions in the longest ones (:class:`planner.errors.Cancelled`)."""
    with collection_off():
        return _Checker(plan, scenario, stop).run()
