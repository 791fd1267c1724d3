"""The school head's flow: ranked candidate slots for one unit, and re-planning only that unit.

A unit's trainers and their train-the-trainer dates are fixed by the plan; pinning a slot for one of
the unit's groups changes only that unit's sessions (and its later steps), so re-planning takes
milliseconds. The ranking puts the pré-rentrée first, then slots that do not delay the unit's
completion, then the earliest. Heads first holds as in the solve: the unit's teachers wait for their
head's cadre session (a seat the other units leave), or the plan says why not.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

import numpy as np

from planner.calendar import audience_slots, calendar_key
from planner.demand import local_unit_demand
from planner.heads_first import cadre_seats, first_teacher_sessions, match_heads
from planner.models import Pin, Scenario
from planner.plan import Plan, Session
from planner.text import fr_date, hhmm_minutes
from planner.plan_index import PlanIndex
from planner.report import teacher_kpis_of_index, year_calendar

from .heads import HEAD_LABEL, head_units, not_first
from .pool import _penalties
from .summary import kpis, teachers_total
from .records import Unplaced
from .rules import Caps, unit_caps
from .units import NEVER, SlotTable, place_unit
from .venues import assign_unit, tot_travel_margins


@dataclass
class Candidate:
    date: dt.date
    start: str
    end: str
    window: str
    rank: int
    group: int
    feasible: bool
    implications: str
    completion: dt.date | None


class ReplanError(Exception):
    """French message: the unit cannot be re-planned (unknown, no trainer…)."""


@dataclass
class _UnitCtx:
    sc: Scenario
    unit_type: str
    unit_id: str
    name: str
    audience: str
    academie: str
    departement: str
    zone: str
    zone_label: str
    sessions: int
    sizes: list[int]
    table: SlotTable
    trainers: list
    ready: list[int]
    caps: Caps
    penalties: list[float] | None


def _travel_margins(sc: Scenario, ud, trainers) -> dict[str, int]:
    """:func:`solvers.venues.tot_travel_margins` of the unit's trainers, on the unit alone (not the nation)."""
    mine = {t.id for t in trainers}
    mini = sc.restricted_to(ud.academie)
    mini = mini.model_copy(update={
        "trainers": [t for t in mini.trainers if t.id in mine],
        "circonscriptions": [u for u in mini.circonscriptions
                             if ud.unit_type == "circonscription" and u.id == ud.unit_id],
        "etablissements": [u for u in mini.etablissements if ud.unit_type == "etablissement" and u.uai == ud.unit_id],
        "ecoles": [e for e in mini.ecoles if ud.unit_type == "circonscription" and e.circonscription == ud.unit_id],
    })
    return tot_travel_margins(mini)


def _ctx(sc: Scenario, plan: Plan, unit_type: str, unit_id: str, index: PlanIndex | None = None) -> _UnitCtx:
    s = sc.settings
    if unit_type not in ("circonscription", "etablissement"):
        raise ReplanError(f"{unit_id} : les sessions des cadres se choisissent avec les réunions, pas ici.")
    ud = local_unit_demand(sc, unit_type, unit_id)
    if ud is None:
        raise ReplanError(f"Unité {unit_id} introuvable dans le scénario.")
    acad = sc.academie(ud.academie)
    trainers = sorted((t for t in sc.trainers if t.is_local and (t.unit_type, t.unit_id) == (unit_type, unit_id)),
                      key=lambda t: t.id)
    if not trainers:
        raise ReplanError(f"{ud.name} : aucun formateur local.")
    rows = index.trainers if index is not None else {r.trainer_id: r for r in plan.trainers}
    if index is not None:  # only the train-the-trainer sessions of the unit's trainers
        tots = (index.sessions_by_id.get(r.tot_session_id) for t in trainers if (r := rows.get(t.id)) is not None)
    else:
        tots = plan.sessions
    tot_end = {x.session_id: x.date.toordinal() * 1440 + hhmm_minutes(x.end)
               for x in tots if x is not None and x.kind == "tot"}
    margin = _travel_margins(sc, ud, trainers)  # a trainer delivers once back from the training site, as the solve
    ready = []
    for t in trainers:
        if t.qualified:
            ready.append(NEVER)
        else:
            r = rows.get(t.id)
            ready.append(tot_end.get(r.tot_session_id, 10**12) + margin.get(t.id, 0) if r and r.tot_session_id
                         else 10**12)
    zone = calendar_key(acad, s)
    # the académie's code, as the solve builds a local unit's table: its own rentrée seminar date counts
    table = SlotTable(audience_slots(ud.audience, s, zone, ud.departement, s.step1_minutes, "", acad.code))
    caps = unit_caps(s, ud.audience)
    prefs = [p for p in sc.preferences if (p.unit_type, p.unit_id) == (unit_type, unit_id)]
    return _UnitCtx(sc, unit_type, unit_id, ud.name, ud.audience, ud.academie, ud.departement, zone,
                    acad.zone, ud.sessions, ud.group_sizes(s.group_size), table, trainers, ready, caps,
                    _penalties(table, prefs, s, ud.audience))


def _pins_of(c: _UnitCtx, pins: list[Pin]) -> tuple[list[tuple[int, int, int]], list[Pin]]:
    """(group, slot index, trainer index) of the unit's pins that match a slot; the others."""
    index = {(sl.date, sl.start): i for i, sl in enumerate(c.table.slots)}
    out, bad = [], []
    used_trainer_slots = set()
    for p in sorted(pins, key=lambda p: p.group):
        i = index.get((p.date, hhmm_minutes(p.start)))
        if i is None or p.group > c.sessions:
            bad.append(p)
            continue
        k = next((k for k in range(len(c.trainers)) if c.ready[k] <= c.table.times[i] and (i, k) not in used_trainer_slots),
                 None)
        if k is None:
            bad.append(p)
            continue
        used_trainer_slots.add((i, k))
        out.append((p.group, i, k))
    return out, bad


def _place(c: _UnitCtx, fixed: list[tuple[int, int, int]]):
    return place_unit(c.table, c.sessions, c.ready, c.caps, fixed=[(i, k) for _, i, k in fixed], penalties=c.penalties,
                      w_completion=c.sc.settings.weight_completion, origin=c.sc.settings.first_day.toordinal())


def candidate_slots(sc: Scenario, plan: Plan, unit_type: str, unit_id: str, limit: int = 20,
                    group: int | None = None, index: PlanIndex | None = None) -> list[Candidate]:
    """Ranked slots for the unit's next unpinned group (or ``group``), with what each choice implies
    (``index``: the plan's index, whose lists by unit spare a scan of every session)."""
    c = _ctx(sc, plan, unit_type, unit_id, index)
    unit_pins = [p for p in sc.pins if (p.unit_type, p.unit_id) == (unit_type, unit_id)]
    pinned_groups = {p.group for p in unit_pins}
    if group is None:
        group = next((g for g in range(1, c.sessions + 1) if g not in pinned_groups), None)
        if group is None:
            return []
    fixed, _ = _pins_of(c, [p for p in unit_pins if p.group != group])
    base, base_left, _ = _place(c, fixed)
    base_done = max((c.table.days[i] for i, _ in base), default=None)
    start = c.table.first_at_or_after(min(c.ready))
    _, seat = _head_seat(sc, plan, (unit_type, unit_id), index)  # heads first: a slot before the head's session says so
    head_end = seat[0] if seat is not None else None
    who = "son chef d'établissement" if unit_type == "etablissement" else "son IEN"
    taken = {i for _, i, _ in fixed}
    ranked: list[tuple[tuple, Candidate]] = []
    for i in range(start, len(c.table)):
        if i in taken:
            continue
        k = next((k for k in range(len(c.trainers)) if c.ready[k] <= c.table.times[i]), None)
        if k is None:
            continue
        assigned, left, _ = _place(c, fixed + [(group, i, k)])
        sl = c.table.slots[i]
        done = max((c.table.days[j] for j, _ in assigned), default=None)
        feasible = left == 0
        label = c.sc.settings.windows[sl.window].label
        text = f"Groupe {group} le {fr_date(sl.date)} à {sl.start_hhmm.replace(':', ' h ')} ({label})"
        if not feasible:
            text += f" : {left} autre(s) session(s) ne trouveraient plus de place."
        elif done and base_done and done > base_done:
            text += (f" : l'unité finirait le {fr_date(dt.date.fromordinal(done))} au lieu du "
                     f"{fr_date(dt.date.fromordinal(base_done))}.")
        else:
            text += (" : sans retard pour l'unité"
                     + (f" (fin le {fr_date(dt.date.fromordinal(done))})." if done else "."))
        early = head_end is not None and c.table.times[i] < head_end
        if early:
            text += (f" Avant la formation de {who} (le {fr_date(dt.date.fromordinal(head_end // 1440))}) : "
                     f"« cadres d'abord » ne serait pas tenu.")
        delay = (done - base_done) if done and base_done else 0
        rank_key = (not feasible, early, sl.window != "pre_rentree", max(delay, 0) > 0, c.table.times[i])
        ranked.append((rank_key, Candidate(sl.date, sl.start_hhmm, sl.end_hhmm, sl.window, 0, group, feasible, text,
                                           dt.date.fromordinal(done) if done else None)))
        if len(ranked) >= 6 * limit:
            break
    ranked.sort(key=lambda kc: kc[0])
    out = [cand for _, cand in ranked[:limit]]
    for r, cand in enumerate(out, 1):
        cand.rank = r
    return out


def _minute(d: dt.date, hhmm: str) -> int:
    return d.toordinal() * 1440 + hhmm_minutes(hhmm)


def _head_seat(sc: Scenario, plan: Plan, key: tuple[str, str], index: PlanIndex | None = None):
    """Heads first, as the solve and the checker (:mod:`planner.heads_first`): the cadre unit where the
    unit's head sits and the seat (end minute, session id) left to him once every other unit of that cadre
    unit keeps its own (None: no seat left); (None, None) when the rule does not apply to the unit."""
    if not getattr(sc.settings, "heads_first", False):
        return None, None
    head_of = head_units(sc)
    cadre = head_of.get(key)
    if cadre is None:
        return None, None
    head_of = {k: v for k, v in head_of.items() if v == cadre}
    if index is not None:  # the indexed plan's lists by unit: the cadre unit's and its units' sessions only
        cadre_sessions = list(index.sessions_of_unit(*cadre))
        others = [x for k in head_of if k != key for x in index.sessions_of_unit(*k)]
    else:
        cadre_sessions = [x for x in plan.sessions if (x.unit_type, x.unit_id) == cadre]
        others = [x for x in plan.sessions if (x.unit_type, x.unit_id) in head_of and (x.unit_type, x.unit_id) != key]
    seats = cadre_seats(cadre_sessions, end=lambda x: _minute(x.date, x.end))
    first = first_teacher_sessions(others, start=lambda x: _minute(x.date, x.start))
    first[key] = 10**13  # matched last: the seat the others leave (any seat then keeps theirs valid)
    end = match_heads(seats, first, head_of).get(key)
    if end is None:
        return cadre, None
    sid = min(x.session_id for x in cadre_sessions if x.kind == "step1" and _minute(x.date, x.end) == end)
    return cadre, (end, sid)


def replan_unit(sc: Scenario, plan: Plan, unit_type: str, unit_id: str) -> Plan:
    """A new plan where only this unit's step-1 sessions (and its later steps) are placed again,
    honouring the scenario's pins for the unit and, as the solve, heads first: the teachers wait for the
    session where their head (chef d'établissement, IEN) is trained, unless no seat is left, waiting would
    lose sessions or a pin comes first; then the plan says so (rule ``heads_first``)."""
    return _replan_unit(sc, plan, unit_type, unit_id, None)[0]


def replan_unit_indexed(sc: Scenario, index: PlanIndex, unit_type: str, unit_id: str) -> tuple[Plan, PlanIndex]:
    """:func:`replan_unit` on an indexed plan: the new plan and its index, updated from ``index`` where the
    unit's sessions changed (nothing else of a national plan is copied, sorted or counted again)."""
    return _replan_unit(sc, index.plan, unit_type, unit_id, index)


def _replan_unit(sc: Scenario, plan: Plan, unit_type: str, unit_id: str,
                 index: PlanIndex | None) -> tuple[Plan, PlanIndex | None]:
    c = _ctx(sc, plan, unit_type, unit_id, index)
    unit_pins = [p for p in sc.pins if (p.unit_type, p.unit_id) == (unit_type, unit_id)]
    fixed, bad = _pins_of(c, unit_pins)
    assigned, left, _ = _place(c, fixed)
    cadre, seat = _head_seat(sc, plan, (unit_type, unit_id), index)
    head_record = None
    if cadre is not None and seat is None:
        head_record = not_first(c, cadre, seat=None, left=0)
    elif cadre is not None:
        waiting = dataclasses.replace(c, ready=[max(r, seat[0]) for r in c.ready])
        fixed_w, bad_w = _pins_of(waiting, unit_pins)
        assigned_w, left_w, _ = _place(waiting, fixed_w)
        if len(bad_w) > len(bad):  # the user's pin wins: said, not hidden
            when = dt.date.fromordinal(seat[0] // 1440).strftime("%d/%m/%Y")
            head_record = Unplaced.of(c, 0, "heads_first",
                                      f"{c.name} : cadres d'abord impossible : {HEAD_LABEL[unit_type]} n'est formé "
                                      f"que le {when} (session {seat[1]}) et un créneau épinglé le précède. Les "
                                      f"sessions des enseignants sont placées sans attendre.",
                                      audience="perdir" if unit_type == "etablissement" else "inspectors")
        elif left_w > left:
            head_record = not_first(c, cadre, seat=seat, left=left_w - left)
        else:
            c, fixed, bad, assigned, left = waiting, fixed_w, bad_w, assigned_w, left_w
    pinned = {g: (i, k) for g, i, k in fixed}
    pinned_pairs = set(pinned.values())
    free_groups = [g for g in range(1, c.sessions + 1) if g not in pinned]
    rest = sorted((a for a in assigned if a not in pinned_pairs), key=lambda a: (c.table.times[a[0]], a[1]))
    new: list[Session] = []
    for g, (i, k) in list(pinned.items()) + list(zip(free_groups, rest)):
        sl = c.table.slots[i]
        new.append(Session(f"S1-{unit_id}-{g:02d}", "step1", c.audience, c.academie, c.departement, c.zone_label,
                           unit_type, unit_id, c.trainers[k].id, sl.date, sl.start_hhmm, sl.end_hhmm, c.sizes[g - 1],
                           sl.window, g, pinned=g in pinned))
    unplaced = [u for u in plan.report.get("unplaced", []) if (u.get("unit_type"), u.get("unit_id")) != (unit_type, unit_id)]
    if left:
        unplaced.append(Unplaced(unit_type, unit_id, c.name, c.academie, c.departement, "step1", c.audience, left,
                                 "capacity", f"{c.name} : {left} session(s) sans créneau après les épinglages.").as_dict())
    for p in bad:
        unplaced.append(Unplaced(unit_type, unit_id, c.name, c.academie, c.departement, "step1", c.audience, 0, "pin",
                                 f"{c.name} : créneau épinglé du groupe {p.group} "
                                 f"({p.date.isoformat()} {p.start}) hors des créneaux possibles.").as_dict())
    if head_record is not None:
        unplaced.append(head_record.as_dict())
    later = _roadmap_for_unit(sc, new, plan, unit_type, unit_id, index)
    assign_unit(sc, new, later[0])
    report = dict(plan.report)
    report["unplaced"] = unplaced + later[1]
    if index is not None:
        new_index = index.replaced(index.indices((unit_type, unit_id)), new + later[0], report)
        report["kpis"] = {**plan.report.get("kpis", {}),
                          **teacher_kpis_of_index(new_index, None, year_calendar(sc), sc.settings,
                                                  teachers_total=teachers_total(sc))}
        return new_index.plan, new_index
    keep = [x for x in plan.sessions if not (x.unit_type == unit_type and x.unit_id == unit_id)]
    sessions = sorted(keep + new + later[0], key=lambda x: (x.date, x.start, x.session_id))
    out = Plan(sessions=sessions, trainers=plan.trainers, units=plan.units, report=report)
    report["kpis"] = {**plan.report.get("kpis", {}), **kpis(sc, sessions)}
    return out, None


def _roadmap_for_unit(sc: Scenario, step1: list[Session], plan: Plan, unit_type: str, unit_id: str,
                      index: PlanIndex | None = None):
    try:
        from .roadmap import plan_roadmap
    except ImportError:
        return [], []
    mini = sc.restricted_to(step1[0].academie) if step1 else sc
    mini = mini.model_copy(update={
        "circonscriptions": [u for u in mini.circonscriptions if unit_type == "circonscription" and u.id == unit_id],
        "etablissements": [u for u in mini.etablissements if unit_type == "etablissement" and u.uai == unit_id],
    })
    if index is not None:
        k = int(np.searchsorted(index.kind_values, "tot"))
        found = k < len(index.kind_values) and index.kind_values[k] == "tot"
        tots = [plan.sessions[i] for i in np.nonzero(index.kind_code == k)[0].tolist()] if found else []
    else:
        tots = [x for x in plan.sessions if x.kind == "tot"]
    out = plan_roadmap(mini, Plan(sessions=tots + step1, trainers=plan.trainers, units=plan.units))
    sessions, unplaced = out if isinstance(out, tuple) else (out, [])
    return [x for x in sessions if x.unit_id == unit_id], [u for u in unplaced if u.get("unit_id") == unit_id]


def replan_roadmap_unit(sc: Scenario, plan: Plan, unit_type: str, unit_id: str) -> Plan:
    """A new plan where only this unit's steps 2 to 6 are placed again (after a change of its roadmap
    choices); its step-1 sessions stay exactly where they are."""
    step1 = [x for x in plan.sessions if x.kind == "step1" and (x.unit_type, x.unit_id) == (unit_type, unit_id)]
    if not step1:
        raise ReplanError(f"Unité {unit_id} : aucune session d'étape 1 dans le plan.")
    later, later_unplaced = _roadmap_for_unit(sc, step1, plan, unit_type, unit_id)
    assign_unit(sc, [], later, step1)
    keep = [x for x in plan.sessions if x.kind in ("tot", "step1") or (x.unit_type, x.unit_id) != (unit_type, unit_id)]
    report = dict(plan.report)
    report["unplaced"] = [u for u in plan.report.get("unplaced", [])
                          if (u.get("unit_type"), u.get("unit_id")) != (unit_type, unit_id) or u.get("kind") == "step1"]
    report["unplaced"] += later_unplaced
    sessions = sorted(keep + later, key=lambda x: (x.date, x.start, x.session_id))
    return Plan(sessions=sessions, trainers=plan.trainers, units=plan.units, report=report)


def replan_with_pin(sc: Scenario, plan: Plan, pin: Pin) -> Plan:
    """Pin one group of a unit and re-plan only that unit. The caller keeps ``pin`` in its scenario
    (``scenario.pins``) so that later solves honour it too."""
    return replan_unit(_with_pin(sc, pin), plan, pin.unit_type, pin.unit_id)


def replan_with_pin_indexed(sc: Scenario, index: PlanIndex, pin: Pin) -> tuple[Plan, PlanIndex]:
    """:func:`replan_with_pin` on an indexed plan (the window's): the new plan and its index."""
    return replan_unit_indexed(_with_pin(sc, pin), index, pin.unit_type, pin.unit_id)


def _with_pin(sc: Scenario, pin: Pin) -> Scenario:
    pins = [p for p in sc.pins if not (p.unit_type == pin.unit_type and p.unit_id == pin.unit_id and p.group == pin.group)]
    return sc.model_copy(update={"pins": pins + [pin]})


__all__ = ["Candidate", "ReplanError", "candidate_slots", "replan_roadmap_unit", "replan_unit", "replan_unit_indexed",
           "replan_with_pin", "replan_with_pin_indexed"]
