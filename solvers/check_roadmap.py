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

from dataclasses import dataclass

from planner.calendar import calendar_key, public_holiday_subdivision, window_days
from planner.text import hhmm_minutes as _mins

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


def _t(s) -> tuple[int, int]:
    o = s.date.toordinal() * 1440
    return o + _mins(s.start), o + _mins(s.end)


def _when(s) -> str:
    return f"{s.date.isoformat()} {s.start}–{s.end}"


class _Windows:
    def __init__(self, settings):
        self.settings = settings
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
        a, b = _mins(s.start), _mins(s.end)
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


def check_roadmap(plan, scenario) -> list[RoadmapFinding]:
    """Every violation of the roadmap's rules in ``plan`` (empty list: the roadmap is valid)."""
    st = scenario.settings
    out: list[RoadmapFinding] = []
    add = out.append
    zone = {a.code: calendar_key(a, st) for a in scenario.academies}
    units = {("circonscription", c.id): c for c in scenario.circonscriptions}
    units.update({("etablissement", e.uai): e for e in scenario.etablissements})
    trainers = {t.id: t for t in scenario.trainers}
    wins = _Windows(st)
    teacher_wins = {
        "circonscription": set(st.audience_windows.get("teachers_1d", ())),
        "etablissement": set(st.audience_windows.get("teachers_2d", ())),
    }

    last1: dict[tuple[str, str], int] = {}
    by_trainer: dict[str, list] = {}
    for s in plan.sessions:
        if s.kind == "step1":
            key = (s.unit_type, s.unit_id)
            last1[key] = max(last1.get(key, -1), _t(s)[1])
        if s.trainer_id:
            by_trainer.setdefault(s.trainer_id, []).append(s)

    road: dict[tuple[str, str], list] = {}
    seen_ids: set[str] = set()
    for s in plan.sessions:
        if s.kind not in KINDS:
            continue
        if s.session_id in seen_ids:
            add(RoadmapFinding("roadmap_id", f"identifiant de session en double : {s.session_id}", "error", s.session_id, s.unit_id))
        seen_ids.add(s.session_id)
        road.setdefault((s.unit_type, s.unit_id), []).append(s)

    h0, h1 = st.first_day, st.end_date
    unplaced = {(x.get("unit_type"), x.get("unit_id"), x.get("kind")) for x in (plan.report or {}).get("unplaced", [])}

    for key, ss in road.items():
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
        wg = [s for s in ss if s.kind == "step2" and s.group >= 1]
        wg_end = max((_t(s)[1] for s in wg), default=None)
        drafts = [s for s in ss if s.kind == "step3" and s.audience == "pupils"]
        adoptions = [s for s in ss if s.kind == "step3" and s.audience != "pupils"]
        for s in ss:
            a, b = _t(s)
            sid = s.session_id
            # audience and trainer
            if s.audience not in AUDIENCE_OF[s.kind]:
                add(RoadmapFinding("roadmap_audience", f"{sid} ({s.kind}) : public « {s.audience} » inattendu "
                                   f"(attendu : {', '.join(AUDIENCE_OF[s.kind])})", "error", sid, uid))
            if s.kind in LEADS_ITSELF and s.trainer_id:
                add(RoadmapFinding("roadmap_trainer", f"{sid} ({s.kind}) : menée par l'unité elle-même, "
                                   f"formateur {s.trainer_id} inattendu", "warning", sid, uid))
            # window and horizon (not for a held session: the past as it happened, as in solvers.checker)
            if getattr(s, "status", "planned") == "held":
                pass
            elif not h0 <= s.date <= h1:
                add(RoadmapFinding("roadmap_window", f"{sid} : le {s.date.isoformat()} est hors de l'horizon "
                                   f"({h0.isoformat()} – {h1.isoformat()})", "error", sid, uid))
            else:
                why = wins.contains(s.window, z, dep, s)
                if why:
                    add(RoadmapFinding("roadmap_window", f"{sid} ({s.kind}) : {why}", "error", sid, uid))
            # per-step rules
            if s.kind == "step2":
                if a < end1:
                    add(RoadmapFinding("step2_after_step1", f"{sid} : groupe de travail le {_when(s)}, avant la fin de "
                                       f"l'étape 1 de l'unité {uid}", "error", sid, uid))
                if s.group >= 1 and s.window not in teacher_wins[ut]:
                    add(RoadmapFinding("step2_teacher_window", f"{sid} : fenêtre « {s.window} » hors des fenêtres des "
                                       f"enseignants de l'unité", "error", sid, uid))
            elif s.kind == "step3":
                if wg_end is None:
                    add(RoadmapFinding("step3_after_working_groups", f"{sid} : charte sans groupe de travail préalable "
                                       f"(unité {uid})", "error", sid, uid))
                elif a < wg_end:
                    add(RoadmapFinding("step3_after_working_groups", f"{sid} : charte le {_when(s)}, avant la dernière "
                                       f"réunion de groupe de travail de l'unité {uid}", "error", sid, uid))
                if s.audience != "pupils":
                    if s.window != "governing_body":
                        add(RoadmapFinding("step3_adoption", f"{sid} : adoption de la charte hors d'une séance d'instance "
                                           f"(fenêtre « {s.window} »)", "error", sid, uid))
                    if any(_t(d)[1] > a for d in drafts):
                        add(RoadmapFinding("step3_adoption", f"{sid} : adoption le {_when(s)} avant la fin de la rédaction "
                                           f"avec les élèves", "error", sid, uid))
            elif s.kind == "step4":
                if s.window != "governing_body":
                    add(RoadmapFinding("step4_governing_body", f"{sid} : séance d'instance hors de la fenêtre « Instance » "
                                       f"(fenêtre « {s.window} »)", "error", sid, uid))
            elif s.kind == "step5":
                if a < end1:
                    add(RoadmapFinding("step5_after_step1", f"{sid} : brique le {_when(s)}, avant la fin de l'étape 1 "
                                       f"de l'unité {uid}", "error", sid, uid))
                if s.window not in teacher_wins[ut]:
                    add(RoadmapFinding("step5_after_step1", f"{sid} : fenêtre « {s.window} » hors des fenêtres des "
                                       f"enseignants de l'unité", "error", sid, uid))
                if s.trainer_id:
                    t = trainers.get(s.trainer_id)
                    if t is None or t.academie != unit.academie:
                        add(RoadmapFinding("step5_trainer", f"{sid} : formateur {s.trainer_id} inconnu ou d'une autre "
                                           f"académie", "error", sid, uid))
                    for o in by_trainer.get(s.trainer_id, ()):
                        if o is not s and o.date == s.date:
                            oa, ob = _t(o)
                            if oa < b and a < ob:
                                add(RoadmapFinding("step5_trainer", f"{sid} : formateur {s.trainer_id} déjà pris par "
                                                   f"{o.session_id} le {_when(o)}", "error", sid, uid))
            elif s.kind == "step6":
                if s.window == "rentree_meeting":
                    if s.date.month != 9:
                        add(RoadmapFinding("step6_rentree", f"{sid} : réunion de rentrée le {s.date.isoformat()}, hors "
                                           f"septembre", "error", sid, uid))
                elif s.window != "evening":
                    add(RoadmapFinding("step6_evening", f"{sid} : rencontre des familles hors soirée et hors réunion "
                                       f"de rentrée (fenêtre « {s.window} »)", "error", sid, uid))
        if drafts and not adoptions:
            add(RoadmapFinding("step3_adoption", f"unité {uid} : charte rédigée mais jamais adoptée en instance", "error", "", uid))
        if adoptions and not drafts:
            add(RoadmapFinding("step3_adoption", f"unité {uid} : charte adoptée sans rédaction avec les élèves", "error", "", uid))
        # overlaps between the unit's own roadmap sessions
        iv = sorted(((_t(s), s.session_id, s) for s in ss), key=lambda x: (x[0], x[1]))
        far_end, far = -1, None
        for (a, b), _, s in iv:
            if a < far_end and _parallel_rooms(s, far):
                continue
            if a < far_end:
                add(RoadmapFinding("roadmap_overlap", f"{s.session_id} chevauche {far.session_id} le {_when(s)}",
                                   "error", s.session_id, uid))
            if b > far_end:
                far_end, far = b, s

    # completeness: every unit with step 1 has each step, or the report says why not
    for key in last1:
        if key[0] not in ("circonscription", "etablissement") or key not in units:
            continue
        ss = road.get(key, [])
        have = {s.kind for s in ss}
        need = [("step2", "step2" in have), ("step3", "step3" in have), ("step4", "step4" in have),
                ("step6", any(s.kind == "step6" and s.window == "rentree_meeting" for s in ss)),
                ("step6", any(s.kind == "step6" and s.window == "evening" for s in ss))]
        labels = ["groupes de travail (étape 2)", "charte (étape 3)", "instances (étape 4)",
                  "réunion de rentrée (étape 6)", "café IA des parents (étape 6)"]
        for (kind, ok), label in zip(need, labels):
            if not ok and (key[0], key[1], kind) not in unplaced:
                add(RoadmapFinding("roadmap_missing", f"unité {key[1]} : {label} absente du plan et non signalée "
                                   f"comme non placée", "error", "", key[1]))
    _check_counts_order_capacity(plan, scenario, road, last1, unplaced, add)
    return out


def _check_counts_order_capacity(plan, scenario, road, last1, unplaced, add) -> None:
    from planner.briques import BriqueError, load_briques, with_prerequisites
    from planner.roadmap_models import RENTREE_LEVELS, RoadmapSettings, default_choices

    st = scenario.settings
    rs = getattr(scenario, "roadmap", None) or RoadmapSettings()
    choices = default_choices(scenario)
    try:
        catalogue = {b.id: b for b in load_briques(rs.briques)}
    except BriqueError:
        catalogue = {}
    etab_type = {e.uai: e.type for e in scenario.etablissements}
    members_max = max(rs.ca_members, rs.conseil_pedagogique_members, rs.cvc_cvl_members)
    for key in last1:
        ut, uid = key
        if ut not in ("circonscription", "etablissement") or key not in choices:
            continue
        ch = choices[key]
        ss = road.get(key, [])

        def need(kind: str, got: int, want: int, what: str) -> None:
            if got != want and (ut, uid, kind) not in unplaced:
                add(RoadmapFinding("roadmap_count", f"unité {uid} : {got} {what} au lieu de {want}", "error", "", uid))

        wg = [x for x in ss if x.kind == "step2" and x.group >= 1]
        rest = [x for x in ss if x.kind == "step2" and x.group == 0]
        need("step2", len(wg), len(ch.themes) * rs.wg_meetings, "réunion(s) de groupe de travail")
        if wg or rest:
            need("step2", len(rest), 1, "restitution(s) des groupes de travail")
        drafts = [x for x in ss if x.kind == "step3" and x.audience == "pupils"]
        if drafts:
            need("step3", len(drafts), rs.charter_meetings, "réunion(s) de rédaction de la charte")
        order, _unknown = with_prerequisites(ch.briques, catalogue)
        briques = [x for x in ss if x.kind == "step5"]
        if catalogue:
            need("step5", len(briques), len(order), "brique(s)")
        rentree = [x for x in ss if x.kind == "step6" and x.window == "rentree_meeting"]
        cafes = [x for x in ss if x.kind == "step6" and x.window == "evening"]
        levels = 1 if ut == "circonscription" else len(RENTREE_LEVELS.get(etab_type.get(uid, ""), ("tous",)))
        if not ch.meeting_dates.get("reunion_rentree"):
            need("step6", len({x.group for x in rentree}), levels, "niveau(x) réunis à la rentrée")
        if not ch.meeting_dates.get("cafe_ia"):
            need("step6", len(cafes), rs.cafes_ia, "café(s) IA des parents")
        # order
        def spaced(xs, gap_days: int, what: str) -> None:
            xs = sorted(xs, key=_t)
            for a, b in zip(xs, xs[1:]):
                if (b.date - a.date).days < gap_days:
                    add(RoadmapFinding("roadmap_order", f"{b.session_id} : {what} le {b.date.isoformat()}, moins de "
                                       f"{gap_days} jours après la précédente ({a.date.isoformat()})", "error",
                                       b.session_id, uid))
        for k in {x.group for x in wg}:
            spaced([x for x in wg if x.group == k], rs.wg_gap_days, "réunion du groupe de travail")
        spaced(drafts, rs.charter_gap_days, "réunion de rédaction de la charte")
        if not ch.meeting_dates.get("cafe_ia"):
            spaced(cafes, rs.cafe_gap_days, "café IA")
        wg_end = max((_t(x)[1] for x in wg), default=None)
        for x in rest:
            if wg_end is not None and _t(x)[0] < wg_end:
                add(RoadmapFinding("roadmap_order", f"{x.session_id} : restitution avant la dernière réunion des "
                                   f"groupes de travail", "error", x.session_id, uid))
        end_of = {}
        for x in briques:
            bid = x.title.split(" ", 2)[1] if x.title.startswith("Brique ") else ""
            end_of[bid] = _t(x)
        for bid, (a, _) in end_of.items():
            pre = catalogue[bid].prerequisite if bid in catalogue else ""
            if pre and pre in end_of and end_of[pre][1] > a:
                add(RoadmapFinding("roadmap_order", f"unité {uid} : brique {bid} avant son prérequis {pre}", "error",
                                   "", uid))
        # capacity
        for x in ss:
            cap, what = None, ""
            if x.kind == "step2":
                cap, what = ((rs.wg_max_participants, "groupe de travail") if x.group >= 1
                             else (rs.restitution_room_capacity, "salle de restitution"))
            elif x.kind == "step5":
                cap, what = st.group_size, "groupe"
            elif x.kind == "step3" and x.audience == "pupils":
                cap, what = rs.pupils_delegation, "délégation d'élèves"
            elif x.kind in ("step3", "step4") and ut == "etablissement":
                cap, what = members_max, "membres de l'instance"
            elif x.kind == "step6" and ut == "etablissement":
                cap, what = rs.family_room_capacity, "salle des familles"
            if cap is not None and x.participants > cap:
                add(RoadmapFinding("roadmap_capacity", f"{x.session_id} : {x.participants} participants pour "
                                   f"{cap} ({what})", "error", x.session_id, uid))


def _parallel_rooms(a, b) -> bool:
    """Two rooms of the réunion de rentrée (one level's, or levels meeting the same evening), held at the
    same time (allowed: parallel rooms)."""
    return (a.kind == b.kind == "step6" and a.window == b.window == "rentree_meeting"
            and a.date == b.date and a.start == b.start)


def roadmap_errors(plan, scenario) -> list[RoadmapFinding]:
    return [f for f in check_roadmap(plan, scenario) if f.severity == "error"]


__all__ = ["RoadmapFinding", "check_roadmap", "roadmap_errors"]
