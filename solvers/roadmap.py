"""Steps 2 to 6 of the roadmap, placed in every unit that has step-1 sessions.

(Over 600 lines: one placement function per step 2–6, in the order of the roadmap, over one shared slot table.)

The units lead these steps themselves (``trainer_id`` empty), except step-5 briques, whose trainer
comes from the unit's local trainers or the académie's pool (or is left « à désigner »). Units share
nothing here but trainers of briques, so each unit is placed greedily, earliest feasible slot, in
the roadmap's order:

- step 6, réunion de rentrée (September, window ``rentree_meeting``) and step 4, the governing
  bodies' calendar (window ``governing_body``: CA or conseils d'école in the configured months,
  conseil pédagogique, CVC/CVL), from the unit's first step-1 session on;
- step 2, working groups: each theme's group meets N times in the unit's teacher windows, strictly
  after the unit's last step-1 session, then one restitution (conseil pédagogique or café IA);
- step 3, charter: drafting meetings with the pupils' delegation after the last working group, then
  adoption at the first governing-body meeting after them (that meeting becomes the adoption);
- step 5, briques: after step 1 (by default after the working groups), prerequisites first;
- step 6, cafés IA for parents in the ``evening`` window after step 1.

A step that does not fit in the horizon is reported unplaced, whole, with a French reason.

Usage from the solver (one line after step 1)::

    plan = add_roadmap(plan, scenario)
"""
from __future__ import annotations

import datetime as dt
import math
import zlib
from dataclasses import dataclass
from functools import cache

from planner.briques import Brique, BriqueError, load_briques, with_prerequisites
from planner.calendar import calendar_key, describe_day
from planner.plan import Plan, Session
from planner.report import PAST_RULE
from planner.roadmap_models import (
    MEETING_LABELS,
    RENTREE_LEVELS,
    RoadmapSettings,
    UnitRoadmapChoices,
    default_unit_choices,
)
from planner.settings import Settings
from planner.text import fr_date_short, hhmm_minutes

from .records import Unplaced
from .roadmap_slots import SlotCache, _Busy, _first_free, _months_in_horizon, _seeded_in_month, _Table  # noqa: F401

_minutes = cache(hhmm_minutes)  # a plan's sessions start and end at a few dozen times
ROADMAP_KINDS = ("step2", "step3", "step4", "step5", "step6")
UNIT_TYPES = ("circonscription", "etablissement")


# --------------------------------------------------------------------------- per-unit state
@dataclass(slots=True)
class _Unit:
    unit_type: str
    unit_id: str
    name: str
    academie: str
    departement: str
    zone: str  # calendar zone (A/B/C)
    session_zone: str  # as written by step 1
    profile: str
    teachers: int
    pupils: int
    first1: int
    last1: int
    ecoles: int = 0  # écoles of a circonscription (estimated when the scenario has none)
    estimated: bool = False  # pupils and écoles of a circonscription estimated from its teachers


PUPILS_PER_TEACHER_1D = 5_460_000 / 324_600  # écoles publiques (DEPP 2024), as the annuaire importer
TEACHERS_PER_ECOLE = 324_600 / 44_000  # about 44 000 écoles publiques (DEPP 2024)


def _even(total: int, parts: int) -> list[int]:
    q, r = divmod(total, parts)
    return [q + 1] * r + [q] * (parts - r)


def _rentree_meetings(u: _Unit, capacity: int) -> list[tuple[str, list[int]]]:
    """(label, families per room) of each réunion de rentrée: per level of an établissement (one family
    per pupil, split into rooms of at most ``capacity``); a circonscription's écoles each hold their own
    the same evening (one session, its families in all the écoles)."""
    if u.unit_type == "circonscription":
        est = " (effectif estimé)" if u.estimated else ""
        return [(f"Réunions de rentrée dans chaque école{est}", [u.pupils])]
    levels = RENTREE_LEVELS.get(u.profile, ("tous niveaux",))
    out = []
    for label, families in zip(levels, _even(u.pupils, len(levels))):
        rooms = max(1, math.ceil(families / max(capacity, 1)))
        out.append((f"Réunion de rentrée des {label}", _even(families, rooms)))
    return out


# --------------------------------------------------------------------------- the planner
class RoadmapPlanner:
    def __init__(self, scenario, step1_plan: Plan, choices: dict | None = None,
                 settings: RoadmapSettings | None = None):
        self.sc = scenario
        self.settings: Settings = scenario.settings
        self.rs: RoadmapSettings = settings or getattr(scenario, "roadmap", None) or RoadmapSettings()
        self.cache = SlotCache(self.settings)
        own = {(c.unit_type, c.unit_id): c for c in (getattr(scenario, "roadmap_choices", None) or ())}
        if choices:
            own.update({(c.unit_type, c.unit_id): c for c in (choices.values() if isinstance(choices, dict) else choices)})
        self.choices = own
        self._defaults: dict[tuple[str, str], UnitRoadmapChoices] = {}
        try:
            self.briques: dict[str, Brique] = {b.id: b for b in load_briques(self.rs.briques)}
            self.briques_error = ""
        except BriqueError as exc:
            self.briques, self.briques_error = {}, str(exc)
        self.plan = step1_plan
        self.sessions: list[Session] = []
        self.unplaced: list[dict] = []
        self.first_day = self.settings.first_day  # a property: read once
        self.rentree_passed = self.first_day > dt.date(self.settings.school_year_start, 9, 30)
        self.rentree_gone = (f"réunion de rentrée : la rentrée {self.settings.school_year[:4]} est passée "
                             f"(planification à partir du {fr_date_short(self.first_day)}) ; à inscrire "
                             f"à la rentrée suivante")
        self._brique_order: dict[tuple[str, ...], tuple[list[str], list[str]]] = {}
        self._septembers: dict[int, list[tuple[int, int]]] = {}  # rentrée table (by id, cached) -> its Septembers
        h0 = self.first_day.toordinal() * 1440
        self.h0 = h0
        self.h1 = (self.settings.end_date.toordinal() + 1) * 1440
        self._index_step1()
        self._index_trainers()

    # ---------------------------------------------------------------- indexes
    def _index_step1(self) -> None:
        zone_of_acad = {a.code: calendar_key(a, self.settings) for a in self.sc.academies}
        circ = {c.id: c for c in self.sc.circonscriptions}
        etab = {e.uai: e for e in self.sc.etablissements}
        span: dict[tuple[str, str], list] = {}
        for s in self.plan.sessions:
            if s.kind != "step1" or s.unit_type not in UNIT_TYPES:
                continue
            o = s.date.toordinal() * 1440
            a, b = o + _minutes(s.start), o + _minutes(s.end)
            key = (s.unit_type, s.unit_id)
            v = span.get(key)
            if v is None:
                span[key] = [a, b, s, [(a, b)]]
            else:
                v[0] = min(v[0], a)
                v[1] = max(v[1], b)
                v[3].append((a, b))
        ecoles_of: dict[str, list] = {}
        for e in getattr(self.sc, "in_scope_ecoles", lambda: [])():
            ecoles_of.setdefault(e.circonscription, []).append(e)
        self.units: list[_Unit] = []
        self.unit_busy: dict[tuple[str, str], _Busy] = {}
        for key in sorted(span):
            a, b, s, ivs = span[key]
            ut, uid = key
            if ut == "circonscription":
                c = circ.get(uid)
                if c is None:
                    continue
                ecoles = ecoles_of.get(uid, [])
                if ecoles:
                    pupils, n_ecoles, est = sum(e.pupils for e in ecoles), len(ecoles), False
                else:  # national reference: no écoles, estimated from the national ratios
                    pupils = round(c.teachers * PUPILS_PER_TEACHER_1D)
                    n_ecoles = math.ceil(c.teachers / TEACHERS_PER_ECOLE) if c.teachers else 0
                    est = True
                u = _Unit(ut, uid, c.name, c.academie, c.departement, zone_of_acad.get(c.academie, "A"), s.zone,
                          "ecole", c.teachers, pupils, a, b, n_ecoles, est)
            else:
                e = etab.get(uid)
                if e is None:
                    continue
                u = _Unit(ut, uid, e.name, e.academie, e.departement, zone_of_acad.get(e.academie, "A"), s.zone,
                          e.type, e.teachers, e.pupils, a, b)
            self.units.append(u)
            busy = _Busy()
            for iv in ivs:
                busy.add(*iv)
            self.unit_busy[key] = busy

    def _index_trainers(self) -> None:
        self.trainer_busy: dict[str, _Busy] = {}
        self.trainer_day: dict[tuple[str, int], int] = {}
        end_of = {}
        for s in self.plan.sessions:
            if not s.trainer_id:
                continue
            o = s.date.toordinal()
            a, b = o * 1440 + _minutes(s.start), o * 1440 + _minutes(s.end)
            tb = self.trainer_busy.get(s.trainer_id)
            if tb is None:
                tb = self.trainer_busy[s.trainer_id] = _Busy()
            tb.add(a, b)
            k = (s.trainer_id, o)
            self.trainer_day[k] = self.trainer_day.get(k, 0) + 1
            end_of[s.session_id] = b
        # a local trainer may deliver once trained (tot session ended) or if qualified
        self.ready: dict[str, int] = {}
        rows = {t.trainer_id: t for t in self.plan.trainers}
        for t in self.sc.trainers:
            if not t.is_local:
                continue
            if t.qualified:
                self.ready[t.id] = -1
                continue
            row = rows.get(t.id)
            if row is not None and row.tot_session_id in end_of:
                self.ready[t.id] = end_of[row.tot_session_id]
        self.unit_trainers: dict[tuple[str, str], list[str]] = {}
        self.pool: dict[str, list[str]] = {}
        for t in self.sc.trainers:
            if t.id not in self.ready:
                continue
            self.unit_trainers.setdefault((t.unit_type, t.unit_id), []).append(t.id)
            if t.role == "advanced_user" or t.qualified:
                self.pool.setdefault(t.academie, []).append(t.id)
        self._pool_ptr: dict[str, int] = {}
        self.cap_day = self.settings.max_per_local_trainer_per_day

    # ---------------------------------------------------------------- helpers
    def _choices(self, u: _Unit) -> UnitRoadmapChoices:
        ch = self.choices.get((u.unit_type, u.unit_id))
        if ch is None:  # the defaults of the unit's profile (read only here: one object per profile)
            ch = self._defaults.get((u.unit_type, u.profile))
            if ch is None:
                ch = self._defaults[(u.unit_type, u.profile)] = default_unit_choices(u.unit_type, u.unit_id,
                                                                                     u.profile, self.rs)
        return ch

    def _teacher_windows(self, u: _Unit) -> tuple[str, ...]:
        aud = "teachers_1d" if u.unit_type == "circonscription" else "teachers_2d"
        return tuple(self.settings.audience_windows.get(aud, ()))

    def _session(self, u: _Unit, sid: str, kind: str, audience: str, tab: _Table, i: int, participants: int,
                 title: str, group: int = 0, trainer_id: str = "") -> Session:
        return Session(sid, kind, audience, u.academie, u.departement, u.session_zone, u.unit_type, u.unit_id,
                       trainer_id, tab.dates[i], tab.starts[i], tab.ends[i], participants, tab.window[i], group,
                       False, title)

    def _unplaced(self, u: _Unit, kind: str, audience: str, n: int, reason: str, rule: str = "horizon") -> None:
        """``rule``: horizon (does not fit before the end), dependency (an earlier step is missing),
        meeting_date (a chosen date is not open), brique (unknown brique or broken prerequisite)."""
        self.unplaced.append(Unplaced.of(u, n, rule, f"{u.name} : {reason}", kind=kind, audience=audience).as_dict())

    def _end_text(self) -> str:
        return fr_date_short(self.settings.end_date)

    def _override_slot(self, tab: _Table, d: dt.date, busy: _Busy) -> int:
        j = tab.by_date.get(d.toordinal())
        if j is None:
            return -1
        while j < len(tab.t0) and tab.t0[j] // 1440 == d.toordinal():
            if busy.free(tab.t0[j], tab.t1[j]):
                return j
            j += 1
        return -1

    def _place_override(self, u: _Unit, key: str, d: dt.date, tab: _Table, busy: _Busy, kind: str,
                        audience: str) -> int:
        i = self._override_slot(tab, d, busy)
        if i < 0:
            win = self.settings.windows[tab.window[0]].label if tab.t0 else ""
            why = describe_day(d, u.zone, u.departement)
            self._unplaced(u, kind, audience, 1,
                           f"{MEETING_LABELS[key]} du {fr_date_short(d)} : date hors de la fenêtre « {win} » "
                           f"ou déjà occupée ({why}, horizon {fr_date_short(self.first_day)} – {self._end_text()})",
                           "meeting_date")
        return i

    # ---------------------------------------------------------------- the steps
    def run(self) -> tuple[list[Session], list[dict]]:
        for u in self.units:
            self._unit(u)
        return self.sessions, self.unplaced

    def _unit(self, u: _Unit) -> None:
        rs = self.rs
        ch = self._choices(u)
        busy = self.unit_busy[(u.unit_type, u.unit_id)]
        seed = zlib.crc32(u.unit_id.encode())
        out = self.sessions

        # ---- step 6a: réunions de rentrée (September): one per level, in as many rooms as the families need
        rentree = self.cache.table(("rentree_meeting",), u.zone, u.departement, rs.rentree_minutes)
        n6 = 0
        rentree_end = -1
        meetings = _rentree_meetings(u, rs.family_room_capacity)
        dates = list(ch.meeting_dates.get("reunion_rentree") or [])
        chosen: dict = {}  # a chosen date: its levels meet that evening, in parallel rooms
        septembers = self._septembers.get(id(rentree))
        if septembers is None:
            septembers = self._septembers[id(rentree)] = sorted({ym for ym in rentree.by_month if ym[1] == 9})
        t_next = None
        for level, (label, rooms) in enumerate(meetings, 1):
            i = -1
            if dates:
                d = dates[(level - 1) % len(dates)]
                if d not in chosen:
                    chosen[d] = self._place_override(u, "reunion_rentree", d, rentree, busy, "step6", "families")
                    if chosen[d] >= 0:
                        busy.add(rentree.t0[chosen[d]], rentree.t1[chosen[d]])
                i = chosen[d]
            elif t_next is None:
                for ym in septembers:  # the first September from the unit's first step-1 session on
                    i = _seeded_in_month(rentree, ym, seed, u.first1, busy)
                    if i >= 0:
                        break
                if i < 0:
                    for ym in septembers:  # else the horizon's September (the plan is announced)
                        i = _seeded_in_month(rentree, ym, seed, 0, busy)
                        if i >= 0:
                            break
            else:  # the other levels: any free evening of the same September
                i = _seeded_in_month(rentree, t_next, seed + level, 0, busy)
            if i < 0:
                if not dates:
                    left = len(meetings) - level + 1
                    if t_next is None and self.rentree_passed:
                        self._unplaced(u, "step6", "families", left, self.rentree_gone,  # planned from after it
                                       rule=PAST_RULE)
                    else:
                        self._unplaced(u, "step6", "families", left,
                                       f"réunions de rentrée : {left} niveau(x) sans soir de septembre libre dans "
                                       f"l'horizon ({fr_date_short(self.first_day)} – {self._end_text()})")
                    break
                continue
            if not dates:
                busy.add(rentree.t0[i], rentree.t1[i])
            rentree_end = max(rentree_end, rentree.t1[i])
            t_next = (rentree.dates[i].year, rentree.dates[i].month)
            for r, families in enumerate(rooms, 1):
                n6 += 1
                room = f" — salle {r}/{len(rooms)}" if len(rooms) > 1 else ""
                out.append(self._session(u, f"S6-{u.unit_id}-{n6:02d}", "step6", "families", rentree, i, families,
                                         f"{label}{room} : l'IA présentée aux familles", level))

        # ---- step 4: the governing bodies' calendar
        gb = self.cache.table(("governing_body",), u.zone, u.departement, rs.governing_body_minutes)
        if u.unit_type == "circonscription":
            # each école's conseil: its teachers, as many elected parents, the mayor and the DDEN
            members = 2 * u.teachers + 2 * u.ecoles
            est = " (effectif estimé)" if u.estimated else ""
            bodies = [("conseil_ecole", rs.conseil_ecole_months,
                       f"Conseils d'école ({u.ecoles} écoles) : l'IA à l'ordre du jour{est}", members)]
        else:
            pupils_body = {"college": "CVC", "lycee": "CVL", "lp": "CVL"}.get(u.profile, "CVC / CVL")
            bodies = [
                ("conseil_administration", rs.ca_months, "Conseil d'administration : l'IA à l'ordre du jour", rs.ca_members),
                ("conseil_pedagogique", rs.conseil_pedagogique_months, "Conseil pédagogique : l'IA à l'ordre du jour",
                 rs.conseil_pedagogique_members),
                ("cvc_cvl", rs.cvc_cvl_months, f"{pupils_body} : l'IA à l'ordre du jour", rs.cvc_cvl_members),
            ]
        step4: list[tuple[str, int, str, int]] = []  # (body, slot index, title, participants)
        for body, months, title, members in bodies:
            dates = ch.meeting_dates.get(body)
            if dates:
                for d in dates:
                    i = self._place_override(u, body, d, gb, busy, "step4", "staff")
                    if i >= 0:
                        busy.add(gb.t0[i], gb.t1[i])
                        step4.append((body, i, title, members))
                continue
            for ym in _months_in_horizon(self.first_day, self.settings.end_date, months):
                i = _seeded_in_month(gb, ym, seed + len(step4), u.first1, busy)
                if i >= 0:
                    busy.add(gb.t0[i], gb.t1[i])
                    step4.append((body, i, title, members))
        adoption_body = "conseil_ecole" if u.unit_type == "circonscription" else "conseil_administration"

        # ---- step 2: working groups, then one restitution
        wg_tab = self.cache.table(self._teacher_windows(u), u.zone, u.departement, rs.wg_minutes)
        t_min = u.last1
        if rs.step2_delay_days:
            t_min = max(t_min, (u.last1 // 1440 + rs.step2_delay_days) * 1440)
        themes = ch.themes
        n_wg = len(themes) * rs.wg_meetings
        per_group = min(rs.wg_max_participants, math.ceil(u.teachers / max(1, len(themes)))) if u.teachers else 0
        placed: list[tuple[int, int, int]] = []  # (slot, theme index, meeting)
        wg_end = -1
        reason2 = ""
        if not themes:
            reason2 = "aucun thème de groupe de travail choisi"
        else:
            nxt = [t_min] * len(themes)
            t0, t1, gap, h1 = wg_tab.t0, wg_tab.t1, rs.wg_gap_days, self.h1
            for r in range(rs.wg_meetings):
                for k in range(len(themes)):
                    i = _first_free(wg_tab, nxt[k], busy, h1)
                    if i < 0:
                        reason2 = (f"groupes de travail : {n_wg - len(placed)} réunion(s) sur {n_wg} ne tiennent pas "
                                   f"dans les fenêtres des enseignants avant la fin de l'horizon ({self._end_text()})")
                        break
                    busy.add(t0[i], t1[i])
                    placed.append((i, k, r))
                    nxt[k] = ((t0[i] // 1440 + gap) * 1440) if gap else t1[i]
                if reason2:
                    break
        rest_kind = rs.restitution_circonscription if u.unit_type == "circonscription" else rs.restitution_etablissement
        rest_tab = self.cache.table(("governing_body",) if rest_kind == "conseil_pedagogique" else ("evening",),
                                    u.zone, u.departement, rs.restitution_minutes)
        rest_i = -1
        if not reason2:
            wg_end = max(wg_tab.t1[i] for i, _, _ in placed)
            rest_i = _first_free(rest_tab, wg_end, busy, self.h1)
            if rest_i < 0:
                reason2 = (f"restitution des groupes de travail : aucun créneau après la dernière réunion "
                           f"avant la fin de l'horizon ({self._end_text()})")
        step2_ok = not reason2
        if step2_ok:
            n = 0
            for i, k, r in sorted(placed):
                n += 1
                out.append(self._session(u, f"S2-{u.unit_id}-{n:02d}", "step2", "teachers", wg_tab, i, per_group,
                                         f"Groupe de travail « {themes[k]} » — réunion {r + 1}/{rs.wg_meetings}", k + 1))
            busy.add(rest_tab.t0[rest_i], rest_tab.t1[rest_i])
            rest_label = "Conseil pédagogique" if rest_kind == "conseil_pedagogique" else "Café IA"
            out.append(self._session(u, f"S2-{u.unit_id}-{n + 1:02d}", "step2", "teachers", rest_tab, rest_i,
                                     min(u.teachers, rs.restitution_room_capacity),
                                     f"{rest_label} : restitution des groupes de travail", 0))
        else:
            for i, _, _ in placed:
                busy.remove(wg_tab.t0[i], wg_tab.t1[i])
            self._unplaced(u, "step2", "teachers", n_wg + 1, reason2)

        # ---- step 3: charter drafting with the pupils' delegation, then adoption
        n3 = rs.charter_meetings + 1
        if not step2_ok:
            self._unplaced(u, "step3", "pupils", n3, "charte : elle s'appuie sur les groupes de travail (étape 2), non placés",
                           "dependency")
        else:
            ch_tab = self.cache.table((rs.charter_window,), u.zone, u.departement, rs.charter_minutes)
            delegation = {"college": "le CVC", "lycee": "le CVL", "lp": "le CVL", "erea": "le CVC / CVL",
                          "ecole": "les conseils d'école et délégués d'élèves"}[u.profile]
            t = max(wg_end, rest_tab.t1[rest_i])
            drafts: list[int] = []
            for _ in range(rs.charter_meetings):
                i = _first_free(ch_tab, t, busy, self.h1)
                if i < 0:
                    break
                busy.add(ch_tab.t0[i], ch_tab.t1[i])
                drafts.append(i)
                t = ((ch_tab.t0[i] // 1440 + rs.charter_gap_days) * 1440) if rs.charter_gap_days else ch_tab.t1[i]
            reason3 = ""
            adopt = None  # (table, index, title, participants, from_step4)
            if len(drafts) < rs.charter_meetings:
                reason3 = (f"charte : {rs.charter_meetings - len(drafts)} réunion(s) de rédaction ne tiennent pas "
                           f"avant la fin de l'horizon ({self._end_text()})")
            else:
                last_draft = ch_tab.t1[drafts[-1]]
                body_label = MEETING_LABELS[adoption_body]
                cands = sorted((gb.t0[i], n) for n, (b, i, _, _) in enumerate(step4) if b == adoption_body and gb.t0[i] >= last_draft)
                if cands and len(step4) > 1:  # that meeting adopts the charter (step 4 keeps the others)
                    n = cands[0][1]
                    _, i, _, members = step4.pop(n)
                    adopt = (gb, i, f"{body_label} : adoption de la charte IA", members)
                else:
                    i = _first_free(gb, last_draft, busy, self.h1)
                    if i >= 0:
                        busy.add(gb.t0[i], gb.t1[i])
                        adopt = (gb, i, f"{body_label} (séance supplémentaire) : adoption de la charte IA",
                                 rs.ca_members if u.unit_type == "etablissement" else 2 * u.teachers + 2 * u.ecoles)
                    else:
                        reason3 = (f"charte : aucune séance d'instance pour l'adopter après sa rédaction, "
                                   f"avant la fin de l'horizon ({self._end_text()})")
            if reason3:
                for i in drafts:
                    busy.remove(ch_tab.t0[i], ch_tab.t1[i])
                self._unplaced(u, "step3", "pupils", n3, reason3)
            else:
                for n, i in enumerate(drafts, 1):
                    out.append(self._session(u, f"S3-{u.unit_id}-{n:02d}", "step3", "pupils", ch_tab, i, rs.pupils_delegation,
                                             f"Rédaction de la charte IA avec {delegation} — réunion {n}/{rs.charter_meetings}", n))
                tab, i, title, members = adopt
                out.append(self._session(u, f"S3-{u.unit_id}-{len(drafts) + 1:02d}", "step3", "staff", tab, i, members, title,
                                         len(drafts) + 1))

        # ---- step 4 sessions (what remains of the calendar after the adoption)
        if step4:
            for n, (body, i, title, members) in enumerate(sorted(step4, key=lambda x: gb.t0[x[1]]), 1):
                out.append(self._session(u, f"S4-{u.unit_id}-{n:02d}", "step4", "staff", gb, i, members, title, n))
        else:
            self._unplaced(u, "step4", "staff", 1,
                           "instances : aucune séance possible dans la fenêtre « Instance » après la première session "
                           f"d'étape 1, avant la fin de l'horizon ({self._end_text()})")

        # ---- step 5: briques
        self._briques(u, ch, busy, wg_end if (step2_ok and rs.briques_after_working_groups) else u.last1)

        # ---- step 6b: cafés IA for parents (evenings)
        cafe = self.cache.table(("evening",), u.zone, u.departement, rs.cafe_minutes)
        dates = ch.meeting_dates.get("cafe_ia")
        title_c = "Café IA pour les parents"
        if dates:
            for d in dates:
                i = self._place_override(u, "cafe_ia", d, cafe, busy, "step6", "families")
                if i >= 0:
                    n6 += 1
                    busy.add(cafe.t0[i], cafe.t1[i])
                    out.append(self._session(u, f"S6-{u.unit_id}-{n6:02d}", "step6", "families", cafe, i, min(rs.cafe_participants, rs.family_room_capacity), title_c, n6))
        else:
            t = max(u.last1, rentree_end)  # after step 1 and after the réunion de rentrée
            for k in range(rs.cafes_ia):
                i = _first_free(cafe, t, busy, self.h1)
                if i < 0:
                    self._unplaced(u, "step6", "families", rs.cafes_ia - k,
                                   f"cafés IA : {rs.cafes_ia - k} soirée(s) ne tiennent pas avant la fin de l'horizon "
                                   f"({self._end_text()})")
                    break
                busy.add(cafe.t0[i], cafe.t1[i])
                n6 += 1
                out.append(self._session(u, f"S6-{u.unit_id}-{n6:02d}", "step6", "families", cafe, i,
                                         min(rs.cafe_participants, rs.family_room_capacity),
                                         f"{title_c} ({k + 1}/{rs.cafes_ia})", n6))
                t = (cafe.t0[i] // 1440 + rs.cafe_gap_days) * 1440 if rs.cafe_gap_days else cafe.t1[i]

    def _briques(self, u: _Unit, ch: UnitRoadmapChoices, busy: _Busy, t_start: int) -> None:
        rs = self.rs
        if not ch.briques:
            return
        if self.briques_error:
            self._unplaced(u, "step5", "teachers", len(ch.briques), self.briques_error, "brique")
            return
        # prerequisites first (added when not chosen), catalogue order otherwise
        chosen = tuple(ch.briques)
        got = self._brique_order.get(chosen)
        if got is None:  # the same few choices (the profiles' defaults) in every unit
            got = self._brique_order[chosen] = with_prerequisites(chosen, self.briques)
        order, unknown = got
        for bid in unknown:
            self._unplaced(u, "step5", "teachers", 1, f"brique « {bid} » inconnue du catalogue", "brique")
        end_of: dict[str, int] = {}
        windows = self._teacher_windows(u)
        n = 0
        for bid in order:
            b = self.briques[bid]
            tab = self.cache.table(windows, u.zone, u.departement, b.duration_minutes)
            t = max(t_start, u.last1, end_of.get(b.prerequisite, -1) if b.prerequisite else -1)
            if b.prerequisite and b.prerequisite not in end_of:
                self._unplaced(u, "step5", b.audience, 1,
                               f"brique {b.id} « {b.title} » : son prérequis {b.prerequisite} n'a pas pu être placé", "dependency")
                continue
            trainers = self._brique_trainers(u)
            pick = {}

            def trainer_free(i: int) -> bool:
                a, e = tab.t0[i], tab.t1[i]
                day = a // 1440
                for tid in trainers:
                    if self.ready.get(tid, 10**12) <= a and self.trainer_day.get((tid, day), 0) < self.cap_day:
                        tb = self.trainer_busy.get(tid)
                        if tb is None or tb.free(a, e):
                            pick["t"] = tid
                            return True
                return False

            i = _first_free(tab, t, busy, self.h1, trainer_free if trainers else None)
            tid = pick.get("t", "") if trainers else ""
            if i < 0 and trainers:  # nobody free: place it anyway, trainer to name
                i = _first_free(tab, t, busy, self.h1)
                tid = ""
            if i < 0:
                self._unplaced(u, "step5", b.audience, 1,
                               f"brique {b.id} « {b.title} » : aucun créneau de {b.duration_minutes} min dans les fenêtres "
                               f"des enseignants avant la fin de l'horizon ({self._end_text()})")
                continue
            a, e = tab.t0[i], tab.t1[i]
            busy.add(a, e)
            if tid:
                self.trainer_busy.setdefault(tid, _Busy()).add(a, e)
                k = (tid, a // 1440)
                self.trainer_day[k] = self.trainer_day.get(k, 0) + 1
                if rs.brique_trainer_source == "academie_pool":
                    self._pool_ptr[u.academie] = self._pool_ptr.get(u.academie, 0) + 1
            end_of[bid] = e
            n += 1
            title = f"Brique {b.id} — {b.title} ({b.theme})" + ("" if tid else " — formateur à désigner")
            people = u.teachers if b.audience == "teachers" else 0
            part = min(self.settings.group_size, people) if people else self.settings.group_size
            self.sessions.append(self._session(u, f"S5-{u.unit_id}-{n:02d}", "step5", b.audience, tab, i, part, title, n, tid))

    def _brique_trainers(self, u: _Unit) -> list[str]:
        src = self.rs.brique_trainer_source
        if src == "unit":
            return self.unit_trainers.get((u.unit_type, u.unit_id), [])
        if src == "academie_pool":
            pool = self.pool.get(u.academie, [])
            if not pool:
                return []
            p = self._pool_ptr.get(u.academie, 0) % len(pool)
            return pool[p:] + pool[:p]
        return []


def plan_roadmap(scenario, step1_plan: Plan, choices: dict | None = None,
                 settings: RoadmapSettings | None = None) -> tuple[list[Session], list[dict]]:
    """Steps 2–6 for every unit with step-1 sessions in ``step1_plan``.

    ``choices`` ((unit_type, unit_id) → :class:`UnitRoadmapChoices`, or a list) override the
    scenario's ``roadmap_choices`` and the defaults by profile; ``settings`` override
    ``scenario.roadmap``. Returns (sessions, unplaced), unplaced as dicts with ``unit_type``,
    ``unit_id``, ``name``, ``kind``, ``audience``, ``sessions`` and a French ``reason``.
    """
    return RoadmapPlanner(scenario, step1_plan, choices, settings).run()


def add_roadmap(plan: Plan, scenario, choices: dict | None = None, settings: RoadmapSettings | None = None) -> Plan:
    """Append steps 2–6 to ``plan`` in place (sessions, ``report['unplaced']``, ``report['roadmap']``)."""
    sessions, unplaced = plan_roadmap(scenario, plan, choices, settings)
    plan.sessions.extend(sessions)
    plan.report.setdefault("unplaced", []).extend(unplaced)
    counts = {k: 0 for k in ROADMAP_KINDS}
    for s in sessions:
        counts[s.kind] += 1
    units = {(s.unit_type, s.unit_id) for s in sessions}
    plan.report["roadmap"] = {
        "sessions": counts,
        "units": len(units),
        "unplaced_sessions": {k: sum(x["sessions"] for x in unplaced if x["kind"] == k) for k in ROADMAP_KINDS},
        "briques_to_name": sum(1 for s in sessions if s.kind == "step5" and not s.trainer_id),
    }
    return plan
