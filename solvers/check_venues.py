"""Independent check of who attends and where (shares no code with :mod:`solvers.venues`).

Rules (``rule`` of each finding):

- ``venue``: every session led by a trainer, and every step-1 and train-the-trainer session, has a venue;
- ``attendees``: each session lists its attendees (``id:count``), the counts sum to its participants,
  the ids are units of the plan (``units.csv``) or trainers (``trainers.csv``); a train-the-trainer
  session lists exactly the trainers enrolled in it;
- ``ecole_groups``: a circonscription's 1er-degré groups gather écoles of that circonscription only,
  and, when all its groups are placed, each école's teachers are all in them;
- ``travel``: a trainer (leading a session, or attending his train-the-trainer session) never has two
  sessions on one day closer than the travel time between their venues (settings
  ``travel_speed_kmh`` and ``travel_fixed_minutes``).
"""
from __future__ import annotations

from collections import defaultdict

from planner.errors import polled
from planner.models import Scenario
from planner.plan import Plan
from planner.venues import session_travel_minutes

from .check_clock import ClockMinutes


def check_venues(plan: Plan, sc: Scenario, add, stop=None) -> None:
    """Call ``add(rule, message, session)`` for every violation; ``stop``: an event whose setting ends it between two
    slices of the sessions (:class:`planner.errors.Cancelled`)."""
    s = sc.settings
    unit_ids = {u.unit_id for u in plan.units}
    trainer_ids = {t.trainer_id for t in plan.trainers}
    enrolled: dict[str, set[str]] = defaultdict(set)
    tot_of: dict[str, str] = {}
    for r in plan.trainers:
        if r.tot_session_id:
            enrolled[r.tot_session_id].add(r.trainer_id)
            tot_of[r.trainer_id] = r.tot_session_id
    ecole_circ = {e.uai: e.circonscription for e in sc.ecoles}
    per_ecole: dict[str, int] = defaultdict(int)
    # attendees → (items, total, unknown ids): a list read once however many sessions share it (ToT: of trainers)
    lists: dict[str, tuple | None] = {}
    tot_lists: dict[str, tuple | None] = {}
    by_day: dict[tuple, list] = defaultdict(list)  # (trainer, date) → the sessions they lead that day
    tot_ids = set(tot_of.values())
    sessions = {}  # the ToT sessions trainers attend (the last of an id, as a dict of all sessions would say)
    clean: dict[str, int] = {}  # a readable list of known units (not of trainers) → its total
    for x in polled(plan.sessions, stop):
        tid = x.trainer_id
        if tid:
            by_day[(tid, x.date)].append(x)
        if x.session_id in tot_ids:
            sessions[x.session_id] = x
        kind = x.kind
        if not x.venue and (tid or kind == "step1" or kind == "tot"):
            add("venue", f"session {x.session_id} ({x.unit_id}) : aucun lieu", x)
        if (clean.get(x.attendees) == x.participants and kind != "tot"
                and (kind != "step1" or x.audience != "teachers_1d")):
            continue  # a list already read, of known units, as many as its participants: nothing more to check
        if not x.attendees:
            if x.participants:
                add("attendees", f"session {x.session_id} : participants sans liste des unités présentes", x)
            continue
        known = lists if kind != "tot" else tot_lists
        parsed = known.get(x.attendees, False)
        if parsed is False:
            parsed = known[x.attendees] = _attendees(x.attendees, trainer_ids if kind == "tot" else unit_ids)
        if parsed is None:
            add("attendees", f"session {x.session_id} : liste des présents illisible « {x.attendees[:60]} »", x)
            continue
        items, total, unknown = parsed
        if not unknown and kind != "tot":
            clean[x.attendees] = total
        if total != x.participants:
            add("attendees", f"session {x.session_id} : {total} présents listés pour {x.participants} participants", x)
        if unknown:
            add("attendees", f"session {x.session_id} : présents inconnus du plan ({', '.join(unknown[:3])})", x)
        if kind == "tot" and {i for i, _ in items} != enrolled.get(x.session_id, set()):
            add("attendees", f"formation de formateurs {x.session_id} : la liste des présents diffère des "
                             f"formateurs inscrits", x)
        if kind == "step1" and x.audience == "teachers_1d":
            for i, n in items:
                if i in ecole_circ:
                    if ecole_circ[i] != x.unit_id:
                        add("ecole_groups", f"session {x.session_id} : l'école {i} n'est pas de la circonscription "
                                            f"{x.unit_id}", x)
                    per_ecole[i] += n
    missing = {u.get("unit_id") for u in plan.unplaced if u.get("kind", "step1") == "step1"}
    ecoles_of: dict[str, list] = defaultdict(list)
    for e in sc.in_scope_ecoles():
        ecoles_of[e.circonscription].append(e)
    for c in sc.circonscriptions:
        ecoles = [e for e in ecoles_of.get(c.id, []) if e.teachers > 0]
        if not ecoles or c.id in missing or sum(e.teachers for e in ecoles) != c.teachers:
            continue
        for e in ecoles:
            if per_ecole.get(e.uai, 0) != e.teachers:
                add("ecole_groups", f"école {e.uai} ({e.name}) : {per_ecole.get(e.uai, 0)} enseignants dans les "
                                    f"groupes de la circonscription {c.id} pour {e.teachers}", None)
    # travel: each trainer's day, in time order, including the ToT they attend
    clock = ClockMinutes()
    for tid, sid in tot_of.items():
        x = sessions.get(sid)
        if x is not None:
            by_day[(tid, x.date)].append(x)
    for (tid, day), xs in by_day.items():
        if len(xs) < 2:
            continue
        xs.sort(key=lambda x: (x.start, x.end))
        for a, b in zip(xs, xs[1:]):
            gap = clock[b.start] - clock[a.end]  # one day: as (b.start_dt - a.end_dt) in minutes
            need = session_travel_minutes(a, b, s.travel_speed_kmh, s.travel_fixed_minutes)
            if gap < need and gap >= 0:
                add("travel", f"le formateur {tid} doit aller de « {a.venue} » ({a.session_id}, fin {a.end}) à "
                              f"« {b.venue} » ({b.session_id}, début {b.start}) le {day.isoformat()} : {gap} min "
                              f"pour {need} min de trajet", b)


def _attendees(text: str, known: set[str]) -> tuple | None:
    """``(items, total, unknown ids)`` of an ``id:count;…`` list, ``None`` when unreadable (tuples only: the
    garbage collector stops walking them once it has seen them)."""
    if text and ";" not in text:  # one id (most lists): no list to split
        i, _, n = text.rpartition(":")
        try:
            n = int(n)
        except ValueError:
            return None
        return ((i, n),), n, (() if i in known else (i,))
    items = []
    unknown = []
    total = 0
    try:
        for p in text.split(";"):
            if p:
                i, _, n = p.rpartition(":")
                n = int(n)
                items.append((i, n))
                total += n
                if i not in known:
                    unknown.append(i)
    except ValueError:
        return None
    return tuple(items), total, tuple(unknown)
