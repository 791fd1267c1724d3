"""Independent check of steps 2–6 in a plan (shares no code with :mod:`solvers.roadmap`).

Rules (``rule`` of each finding):

- ``roadmap_id``: session ids of steps 2–6 are unique;
- ``roadmap_unit``: every step-2–6 session belongs to a known unit that has step-1 sessions;
- ``roadmap_audience``: step 2 and 5 for teachers (or staff for a brique), step 3 pupils or staff,
  step 4 staff, step 6 families;
- ``roadmap_window``: a session lies inside an open day and a period of its declared window, in the
  horizon;
- ``step2_after_step1``: working groups and restitution start after the unit's last step-1 session;
- ``step2_teacher_window``: working-group meetings (``group`` ≥ 1) lie in the unit's teacher windows;
- ``step3_after_working_groups``: charter sessions start after the unit's last working-group meeting;
- ``step3_adoption``: the charter is drafted with pupils, then adopted at a governing-body meeting
  after the last drafting meeting;
- ``step4_governing_body``: governing-body sessions are in window ``governing_body``;
- ``step5_after_step1``: briques start after the unit's last step-1 session, in teacher windows;
- ``step5_trainer``: a brique's trainer exists, belongs to the académie, and is not double-booked;
- ``step6_rentree``: the réunion de rentrée is in window ``rentree_meeting``, in September;
- ``step6_evening``: cafés IA for parents are in window ``evening``;
- ``roadmap_overlap``: two of a unit's step-2–6 sessions overlap;
- ``roadmap_missing``: a unit with step 1 lacks a step (2, 3, 4, 6 rentrée, 6 café) that the
  report does not list as unplaced;
- ``roadmap_trainer``: steps led by the unit itself (2, 3, 4, 6) carry no trainer (warning);
- ``roadmap_count``: each unit has the meetings its choices call for (working groups: themes ×
  meetings + one restitution; charter: drafting meetings + one adoption; briques: the chosen ones
  and their prerequisites; a réunion de rentrée per level; the cafés IA), unless reported unplaced;
- ``roadmap_order``: a working group's meetings, the charter's drafting meetings and the cafés IA
  are spaced by their minimal gap; the restitution follows the last working group; a brique follows
  its prerequisite;
- ``roadmap_capacity``: participants within the room or group size of each kind (working group,
  restitution, brique, pupils' delegation, families' room; governing bodies' members).
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from operator import itemgetter

from planner.calendar import calendar_key, public_holiday_subdivision, window_days
from planner.errors import polled, stop_check

from .check_clock import Minutes

_SPAN = itemgetter(1, 2)  # (start, end) of a session read by _Unit
_SPAN_ID = itemgetter(1, 2, 3)  # (start, end, session id)
KINDS = ("step2", "step3", "step4", "step5", "step6")
LEADS_ITSELF = ("step2", "step3", "step4", "step6")
AUDIENCE_OF = {
    "step2": ("teachers",),
    "step3": ("pupils", "staff"),
    "step4": ("staff",),
    "step5": ("teachers", "staff"),
    "step6": ("families",),
}


@dataclass(frozen=True, slots=True)
class RoadmapFinding:
    rule: str
    message: str
    severity: str = "error"  # "error" or "warning"
    session_id: str = ""
    unit_id: str = ""


def _when(s) -> str:
    return f"{s.date.isoformat()} {s.start}–{s.end}"


class _Windows:
    def __init__(self, settings, mins):
        self.settings = settings
        self.mins = mins
        self._days: dict[tuple, frozenset] = {}
        self._of: dict[tuple, tuple] = {}  # (window, zone, département) → _window(…)

    def contains(self, name: str, zone: str, departement: str, s) -> str:
        """'' if session ``s`` lies in window ``name``, else a French reason."""
        w = self._of.get((name, zone, departement))
        if w is None:
            w = self._of[(name, zone, departement)] = self._window(name, zone, departement)
        spec, days, periods = w
        if spec is None:
            return f"fenêtre inconnue « {name} »"
        if s.date not in days:
            return f"le {s.date.isoformat()} n'est pas un jour ouvert de la fenêtre « {spec.label} »"
        a, b = self.mins[s.start], self.mins[s.end]
        for lo, hi in periods:
            if lo <= a < b <= hi:
                return ""
        return f"{s.start}–{s.end} hors des plages horaires de la fenêtre « {spec.label} »"

    def _window(self, name: str, zone: str, departement: str) -> tuple:
        """(spec, open days, periods in minutes) of window ``name`` for a zone and a département."""
        spec = self.settings.windows.get(name)
        if spec is None:
            return None, frozenset(), ()
        key = (name, zone, public_holiday_subdivision(departement))
        days = self._days.get(key)
        if days is None:
            days = frozenset(window_days(name, spec, self.settings, zone, departement))
            self._days[key] = days
        return spec, days, tuple(p.minutes() for p in spec.periods)


class _Unit:
    """A unit's roadmap sessions, read once: each as ``(session, start, end, session id)``, times in minutes
    since day 1 (``date.toordinal() × 1440``), in plan order (``sp``), with what :func:`check_roadmap` asks of
    its date and hours (``checks``, one per row), and by part (working groups, restitutions, drafting
    meetings of the charter, briques, réunions de rentrée, cafés IA), the steps it has, the end of its last
    working group and drafting meeting, whether its charter is adopted, whether its sessions come one after the
    other in plan order (``apart``: then none overlaps), and its sessions over capacity."""

    __slots__ = ("sp", "checks", "apart", "wg", "rest", "drafts", "briques", "rentree", "cafes", "has2", "has3",
                 "has4", "wg_end", "drafts_end", "adopted", "over")

    def __init__(self, ss, caps: dict, timed: dict, mins, horizon: tuple) -> None:
        """``ss``: the unit's roadmap sessions, in plan order. ``timed``: (window, date, start, end) → ``[start,
        end, the window's reason or None until asked, in the horizon]``, shared by the units of a zone and
        département (each time slot read once), filled here; ``horizon``: its first and last day."""
        h0, h1 = horizon
        self.sp = rows = []
        self.checks = checks = []
        self.wg, self.rest, self.drafts, self.briques, self.rentree, self.cafes = parts = [], [], [], [], [], []
        wg, rest, drafts, briques, rentree, cafes = parts
        has2 = has3 = has4 = adopted = False
        wg_end = drafts_end = None
        over = []  # (session, capacity, what), in plan order
        apart, last_end = True, -1
        for s in ss:
            t = timed.get((s.window, s.date, s.start, s.end))
            if t is None:
                day = s.date.toordinal() * 1440
                t = timed[(s.window, s.date, s.start, s.end)] = [day + mins[s.start], day + mins[s.end], None,
                                                                 h0 <= s.date <= h1]
            a, b = t[0], t[1]
            if apart:
                if last_end <= a <= b:
                    last_end = b
                else:
                    apart = False
            r = (s, a, b, s.session_id)
            rows.append(r)
            checks.append(t)
            kind = s.kind
            cap = None
            if kind == "step2":
                has2 = True
                if s.group >= 1:
                    wg.append(r)
                    if wg_end is None or b > wg_end:
                        wg_end = b
                    cap = caps["wg"]
                else:
                    if s.group == 0:
                        rest.append(r)
                    cap = caps["rest"]
            elif kind == "step3":
                has3 = True
                if s.audience == "pupils":
                    drafts.append(r)
                    if drafts_end is None or b > drafts_end:
                        drafts_end = b
                    cap = caps["drafts"]
                else:
                    adopted = True
                    cap = caps["body"]
            elif kind == "step4":
                has4 = True
                cap = caps["body"]
            elif kind == "step5":
                briques.append(r)
                cap = caps["step5"]
            elif kind == "step6":
                if s.window == "rentree_meeting":
                    rentree.append(r)
                elif s.window == "evening":
                    cafes.append(r)
                cap = caps["step6"]
            if cap is not None and s.participants > cap[0]:
                over.append((s, *cap))
        self.has2, self.has3, self.has4, self.adopted = has2, has3, has4, adopted
        self.wg_end, self.drafts_end, self.over, self.apart = wg_end, drafts_end, over, apart


def _capacities(st, rs, unit_type: str) -> dict:
    """(capacity, what) of each part of a unit's roadmap (``None``: not capped for that unit type)."""
    etab = unit_type == "etablissement"
    members = (max(rs.ca_members, rs.conseil_pedagogique_members, rs.cvc_cvl_members), "membres de l'instance")
    return {"wg": (rs.wg_max_participants, "groupe de travail"),
            "rest": (rs.restitution_room_capacity, "salle de restitution"),
            "drafts": (rs.pupils_delegation, "délégation d'élèves"),
            "body": members if etab else None,
            "step5": (st.group_size, "groupe"),
            "step6": (rs.family_room_capacity, "salle des familles") if etab else None}


def check_roadmap(plan, scenario, unique_ids: bool = False, stop=None) -> list[RoadmapFinding]:
    """Every violation of the roadmap's rules in ``plan`` (empty list: the roadmap is valid); ``unique_ids``: the
    caller has found the ids of all the plan's sessions distinct (``roadmap_id`` then has nothing to say); ``stop``:
    an event whose setting ends it between two slices of the sessions or of the units
    (:class:`planner.errors.Cancelled`)."""
    from planner.roadmap_models import RoadmapSettings

    st = scenario.settings
    rs = getattr(scenario, "roadmap", None) or RoadmapSettings()
    out: list[RoadmapFinding] = []
    add = out.append
    zone = {a.code: calendar_key(a, st) for a in scenario.academies}
    units = {("circonscription", c.id): c for c in scenario.circonscriptions}
    units.update({("etablissement", e.uai): e for e in scenario.etablissements})
    trainers = {t.id: t for t in scenario.trainers}
    mins = Minutes()
    wins = _Windows(st, mins)
    teacher_wins = {
        "circonscription": set(st.audience_windows.get("teachers_1d", ())),
        "etablissement": set(st.audience_windows.get("teachers_2d", ())),
    }
    caps = {ut: _capacities(st, rs, ut) for ut in teacher_wins}

    last1: dict[tuple[str, str], int] = {}  # unit → end of its last step-1 session
    by_trainer: dict[str, list] = {}
    road: dict[tuple[str, str], list] = {}  # unit → its roadmap sessions
    seen_ids: set[str] = set()
    for s in polled(plan.sessions, stop):
        kind = s.kind
        if kind == "step1":
            key = (s.unit_type, s.unit_id)
            mins[s.start]  # read, as every step-1 session's times (a bad one raises)
            last1[key] = max(last1.get(key, -1), s.date.toordinal() * 1440 + mins[s.end])
        elif kind in KINDS:
            if not unique_ids:
                if s.session_id in seen_ids:
                    add(RoadmapFinding("roadmap_id", f"identifiant de session en double : {s.session_id}", "error", s.session_id, s.unit_id))
                seen_ids.add(s.session_id)
            key = (s.unit_type, s.unit_id)
            ss = road.get(key)
            if ss is None:
                road[key] = [s]
            else:
                ss.append(s)
        if s.trainer_id:
            by_trainer.setdefault(s.trainer_id, []).append(s)

    h0, h1 = horizon = st.first_day, st.end_date
    unplaced = {(x.get("unit_type"), x.get("unit_id"), x.get("kind")) for x in (plan.report or {}).get("unplaced", [])}
    read: dict[tuple[str, str], _Unit] = {}  # unit → its roadmap sessions read once
    days_of: dict[str, dict] = {}  # trainer → date → their sessions that day (in plan order)
    # (zone, département) → (window, date, start, end) → [start and end in minutes since day 1, wins.contains(…)
    # or None until asked, in the horizon] (:class:`_Unit`)
    why_in: dict[tuple, dict] = {}

    for n, (key, ss) in enumerate(road.items()):
        if not n & 127:
            stop_check(stop)
        ut, uid = key
        unit = units.get(key)
        if unit is None or key not in last1:
            why = "unité inconnue du scénario" if unit is None else "unité sans session d'étape 1"
            for s in ss:
                add(RoadmapFinding("roadmap_unit", f"{s.session_id} : {why} ({ut} {uid})", "error", s.session_id, uid))
            continue
        z = zone.get(unit.academie, "A")
        dep = unit.departement
        end1 = last1[key]
        twins = teacher_wins[ut]
        cached_why = why_in.get((z, dep))
        if cached_why is None:
            cached_why = why_in[(z, dep)] = {}
        u = read[key] = _Unit(ss, caps[ut], cached_why, mins, horizon)
        wg_end, drafts_end = u.wg_end, u.drafts_end
        for (s, a, b, sid), timed in zip(u.sp, u.checks):
            kind = s.kind
            # audience and trainer
            if s.audience not in AUDIENCE_OF[kind]:
                add(RoadmapFinding("roadmap_audience", f"{sid} ({kind}) : public « {s.audience} » inattendu "
                                   f"(attendu : {', '.join(AUDIENCE_OF[kind])})", "error", sid, uid))
            if s.trainer_id and kind in LEADS_ITSELF:
                add(RoadmapFinding("roadmap_trainer", f"{sid} ({kind}) : menée par l'unité elle-même, "
                                   f"formateur {s.trainer_id} inattendu", "warning", sid, uid))
            # window and horizon (not for a held session: the past as it happened, as in solvers.checker)
            if getattr(s, "status", "planned") == "held":
                pass
            elif not timed[3]:
                add(RoadmapFinding("roadmap_window", f"{sid} : le {s.date.isoformat()} est hors de l'horizon "
                                   f"({h0.isoformat()} – {h1.isoformat()})", "error", sid, uid))
            else:
                why = timed[2]
                if why is None:
                    why = timed[2] = wins.contains(s.window, z, dep, s)
                if why:
                    add(RoadmapFinding("roadmap_window", f"{sid} ({kind}) : {why}", "error", sid, uid))
            # per-step rules
            if kind == "step2":
                if a < end1:
                    add(RoadmapFinding("step2_after_step1", f"{sid} : groupe de travail le {_when(s)}, avant la fin de "
                                       f"l'étape 1 de l'unité {uid}", "error", sid, uid))
                if s.group >= 1 and s.window not in twins:
                    add(RoadmapFinding("step2_teacher_window", f"{sid} : fenêtre « {s.window} » hors des fenêtres des "
                                       f"enseignants de l'unité", "error", sid, uid))
            elif kind == "step3":
                out.extend(_charter_findings(s, a, sid, uid, wg_end, drafts_end))
            elif kind == "step4":
                if s.window != "governing_body":
                    add(RoadmapFinding("step4_governing_body", f"{sid} : séance d'instance hors de la fenêtre « Instance » "
                                       f"(fenêtre « {s.window} »)", "error", sid, uid))
            elif kind == "step5":
                if a < end1:
                    add(RoadmapFinding("step5_after_step1", f"{sid} : brique le {_when(s)}, avant la fin de l'étape 1 "
                                       f"de l'unité {uid}", "error", sid, uid))
                if s.window not in twins:
                    add(RoadmapFinding("step5_after_step1", f"{sid} : fenêtre « {s.window} » hors des fenêtres des "
                                       f"enseignants de l'unité", "error", sid, uid))
                if s.trainer_id:
                    t = trainers.get(s.trainer_id)
                    if t is None or t.academie != unit.academie:
                        add(RoadmapFinding("step5_trainer", f"{sid} : formateur {s.trainer_id} inconnu ou d'une autre "
                                           f"académie", "error", sid, uid))
                    for o in _same_day(days_of, by_trainer, s.trainer_id, s.date):
                        if o is not s:
                            day = o.date.toordinal() * 1440
                            oa, ob = day + mins[o.start], day + mins[o.end]
                            if oa < b and a < ob:
                                add(RoadmapFinding("step5_trainer", f"{sid} : formateur {s.trainer_id} déjà pris par "
                                                   f"{o.session_id} le {_when(o)}", "error", sid, uid))
            elif kind == "step6":
                if s.window == "rentree_meeting":
                    if s.date.month != 9:
                        add(RoadmapFinding("step6_rentree", f"{sid} : réunion de rentrée le {s.date.isoformat()}, hors "
                                           f"septembre", "error", sid, uid))
                elif s.window != "evening":
                    add(RoadmapFinding("step6_evening", f"{sid} : rencontre des familles hors soirée et hors réunion "
                                       f"de rentrée (fenêtre « {s.window} »)", "error", sid, uid))
        if drafts_end is not None and not u.adopted:
            add(RoadmapFinding("step3_adoption", f"unité {uid} : charte rédigée mais jamais adoptée en instance", "error", "", uid))
        if u.adopted and drafts_end is None:
            add(RoadmapFinding("step3_adoption", f"unité {uid} : charte adoptée sans rédaction avec les élèves", "error", "", uid))
        # overlaps between the unit's own roadmap sessions (none when they come one after the other in plan order)
        if not u.apart:
            far_end, far = -1, None
            for s, a, b, _ in sorted(u.sp, key=_SPAN_ID):
                if a < far_end and _parallel_rooms(s, far):
                    continue
                if a < far_end:
                    add(RoadmapFinding("roadmap_overlap", f"{s.session_id} chevauche {far.session_id} le {_when(s)}",
                                       "error", s.session_id, uid))
                if b > far_end:
                    far_end, far = b, s

    # completeness: every unit with step 1 has each step, or the report says why not
    labels = ["groupes de travail (étape 2)", "charte (étape 3)", "instances (étape 4)",
              "réunion de rentrée (étape 6)", "café IA des parents (étape 6)"]
    empty = _Unit((), caps["circonscription"], {}, mins, horizon)
    for key in last1:
        if key[0] not in ("circonscription", "etablissement") or key not in units:
            continue
        u = read.get(key, empty)
        need = [("step2", u.has2), ("step3", u.has3), ("step4", u.has4), ("step6", bool(u.rentree)),
                ("step6", bool(u.cafes))]
        for (kind, ok), label in zip(need, labels):
            if not ok and (key[0], key[1], kind) not in unplaced:
                add(RoadmapFinding("roadmap_missing", f"unité {key[1]} : {label} absente du plan et non signalée "
                                   f"comme non placée", "error", "", key[1]))
    _check_counts_order_capacity(scenario, rs, read, road, mins, caps, last1, unplaced, add)
    _release(read, road, days_of)
    return out


def _release(*tables: dict) -> None:
    """The check's largest tables freed entry by entry, not all at once when the function returns: in one go,
    a national plan's took the interpreter lock for 90 ms from the window (its check runs in the background).
    In the main thread (the command line, the solve's workers) no window waits: they go at once, as they are."""
    if threading.current_thread() is threading.main_thread():
        return
    for table in tables:
        while table:
            table.popitem()


def _charter_findings(s, a: int, sid: str, uid: str, wg_end: int | None, drafts_end: int | None) -> list:
    """The findings of charter session ``s`` (starting at ``a``) against the unit's last working group and
    drafting meeting (``None``: none)."""
    out = []
    if wg_end is None:
        out.append(RoadmapFinding("step3_after_working_groups", f"{sid} : charte sans groupe de travail préalable "
                                  f"(unité {uid})", "error", sid, uid))
    elif a < wg_end:
        out.append(RoadmapFinding("step3_after_working_groups", f"{sid} : charte le {_when(s)}, avant la dernière "
                                  f"réunion de groupe de travail de l'unité {uid}", "error", sid, uid))
    if s.audience != "pupils":
        if s.window != "governing_body":
            out.append(RoadmapFinding("step3_adoption", f"{sid} : adoption de la charte hors d'une séance d'instance "
                                      f"(fenêtre « {s.window} »)", "error", sid, uid))
        if drafts_end is not None and drafts_end > a:
            out.append(RoadmapFinding("step3_adoption", f"{sid} : adoption le {_when(s)} avant la fin de la rédaction "
                                      f"avec les élèves", "error", sid, uid))
    return out


def _same_day(days_of: dict, by_trainer: dict, tid: str, day) -> list:
    """The sessions of trainer ``tid`` on ``day``, in plan order (each trainer's days grouped once)."""
    days = days_of.get(tid)
    if days is None:
        days = days_of[tid] = {}
        for o in by_trainer.get(tid, ()):
            days.setdefault(o.date, []).append(o)
    return days.get(day, ())


def _check_counts_order_capacity(scenario, rs, read, road, mins, caps, last1, unplaced, add) -> None:
    from planner.briques import BriqueError, load_briques, with_prerequisites
    from planner.roadmap_models import RENTREE_LEVELS, default_choices

    choices = default_choices(scenario, shared=True)
    try:
        catalogue = {b.id: b for b in load_briques(rs.briques)}
    except BriqueError:
        catalogue = {}
    etab_type = {e.uai: e.type for e in scenario.etablissements}
    n_order: dict[tuple, int] = {}  # a unit's briques → how many with their prerequisites
    bid_of: dict[str, str] = {}  # a brique session's title → the brique's id
    for key in last1:
        ut, uid = key
        if ut not in ("circonscription", "etablissement") or key not in choices:
            continue
        ch = choices[key]
        u = read.get(key)
        if u is None:
            u = _Unit(road.get(key, []), caps[ut], {}, mins, (scenario.settings.first_day, scenario.settings.end_date))
        wanted = tuple(ch.briques)
        if wanted not in n_order:
            n_order[wanted] = len(with_prerequisites(ch.briques, catalogue)[0])
        levels = 1 if ut == "circonscription" else len(RENTREE_LEVELS.get(etab_type.get(uid, ""), ("tous",)))
        for kind, got, want, what in _counts(ch, rs, u, n_order[wanted] if catalogue else None, levels):
            if got != want and (ut, uid, kind) not in unplaced:
                add(RoadmapFinding("roadmap_count", f"unité {uid} : {got} {what} au lieu de {want}", "error", "", uid))
        # order (each unit's gaps looked over at once, and told part by part when one is short)
        if (_gaps_kept(u.wg, rs.wg_gap_days, True) and _gaps_kept(u.drafts, rs.charter_gap_days, False)
                and (ch.meeting_dates.get("cafe_ia") or _gaps_kept(u.cafes, rs.cafe_gap_days, False))):
            spaced = ()
        else:
            spaced = _spaced(u, ch, rs)
        for xs, gap_days, what in spaced:
            xs = sorted(xs, key=_SPAN)
            for (x, _, _, _), (y, _, _, _) in zip(xs, xs[1:]):
                if (y.date - x.date).days < gap_days:
                    add(RoadmapFinding("roadmap_order", f"{y.session_id} : {what} le {y.date.isoformat()}, moins de "
                                       f"{gap_days} jours après la précédente ({x.date.isoformat()})", "error",
                                       y.session_id, uid))
        for x, a, _, _ in u.rest:
            if u.wg_end is not None and a < u.wg_end:
                add(RoadmapFinding("roadmap_order", f"{x.session_id} : restitution avant la dernière réunion des "
                                   f"groupes de travail", "error", x.session_id, uid))
        end_of = {}
        for x, a, b, _ in u.briques:
            bid = bid_of.get(x.title)
            if bid is None:
                bid = bid_of[x.title] = x.title.split(" ", 2)[1] if x.title.startswith("Brique ") else ""
            end_of[bid] = (a, b)
        for bid, (a, _) in end_of.items():
            pre = catalogue[bid].prerequisite if bid in catalogue else ""
            if pre and pre in end_of and end_of[pre][1] > a:
                add(RoadmapFinding("roadmap_order", f"unité {uid} : brique {bid} avant son prérequis {pre}", "error",
                                   "", uid))
        # capacity
        for x, cap, what in u.over:
            add(RoadmapFinding("roadmap_capacity", f"{x.session_id} : {x.participants} participants pour "
                               f"{cap} ({what})", "error", x.session_id, uid))


def _gaps_kept(xs: list, gap_days: int, by_group: bool) -> bool:
    """Whether sessions ``xs`` (of :class:`_Unit`) are spaced by ``gap_days`` at least, group by group when
    ``by_group`` (in time order: as :func:`_spaced` sorts them)."""
    if len(xs) < 2:
        return True
    last: dict[int, object] = {}
    for x, _, _, _ in sorted(xs, key=_SPAN):
        g = x.group if by_group else 0
        d = x.date
        p = last.get(g)
        if p is not None and (d - p).days < gap_days:
            return False
        last[g] = d
    return True


def _spaced(u: _Unit, ch, rs) -> list:
    """(sessions, minimal gap in days, what) of each part of a unit that must be spaced, in the order of its
    findings."""
    spaced = []
    by_group: dict[int, list] = {}
    for r in u.wg:
        by_group.setdefault(r[0].group, []).append(r)
    for k in {r[0].group for r in u.wg}:  # in the set's order, as ever
        spaced.append((by_group[k], rs.wg_gap_days, "réunion du groupe de travail"))
    spaced.append((u.drafts, rs.charter_gap_days, "réunion de rédaction de la charte"))
    if not ch.meeting_dates.get("cafe_ia"):
        spaced.append((u.cafes, rs.cafe_gap_days, "café IA"))
    return spaced


def _counts(ch, rs, u: _Unit, n_briques: int | None, levels: int) -> list[tuple[str, int, int, str]]:
    """``(kind, sessions placed, sessions wanted, what)`` of each count a unit's choices call for, in order
    (``n_briques``: the chosen briques with their prerequisites, ``None`` without a catalogue)."""
    out = [("step2", len(u.wg), len(ch.themes) * rs.wg_meetings, "réunion(s) de groupe de travail")]
    if u.wg or u.rest:
        out.append(("step2", len(u.rest), 1, "restitution(s) des groupes de travail"))
    if u.drafts:
        out.append(("step3", len(u.drafts), rs.charter_meetings, "réunion(s) de rédaction de la charte"))
    if n_briques is not None:
        out.append(("step5", len(u.briques), n_briques, "brique(s)"))
    if not ch.meeting_dates.get("reunion_rentree"):
        out.append(("step6", len({r[0].group for r in u.rentree}), levels, "niveau(x) réunis à la rentrée"))
    if not ch.meeting_dates.get("cafe_ia"):
        out.append(("step6", len(u.cafes), rs.cafes_ia, "café(s) IA des parents"))
    return out


def _parallel_rooms(a, b) -> bool:
    """Two rooms of the réunion de rentrée (one level's, or levels meeting the same evening), held at the
    same time (allowed: parallel rooms)."""
    return (a.kind == b.kind == "step6" and a.window == b.window == "rentree_meeting"
            and a.date == b.date and a.start == b.start)


def roadmap_errors(plan, scenario) -> list[RoadmapFinding]:
    return [f for f in check_roadmap(plan, scenario) if f.severity == "error"]


__all__ = ["RoadmapFinding", "check_roadmap", "roadmap_errors"]
