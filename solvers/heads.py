"""Heads first (rule ``heads_first``): an établissement's head is trained before its teachers' first
step-1 session (hence before its step 2), a circonscription's IEN before its teachers' first session.

Heads sit in their cadre unit's sessions: the chef d'établissement in his bassin's sessions (réunions
de bassin, the académie's rentrée seminar), the IEN in his département's (collèges d'inspecteurs,
the seminar). Once the cadre sessions are placed, :func:`seat_heads` gives each unit's head one seat,
earliest sessions first, largest units first; the unit's teachers then wait for that session's end
(it becomes a ready time of every trainer of the unit). When the rule cannot hold — no seat left, or
waiting would push teacher sessions past the horizon — the teachers are placed without waiting and
the plan says which unit and why (an :class:`~solvers.records.Unplaced` record of rule
``heads_first``, no session lost).
"""
from __future__ import annotations

import datetime as dt
from itertools import accumulate

from .records import Unplaced

HEAD_LABEL = {"etablissement": "le chef d'établissement", "circonscription": "l'IEN de la circonscription"}
MEETINGS_LABEL = {"bassin": "réunions de bassin et séminaire de rentrée",
                  "departement": "collèges d'inspecteurs et séminaire de rentrée"}


def head_units(sc) -> dict[tuple[str, str], tuple[str, str]]:
    """(unit_type, unit_id) of each local unit -> the cadre unit its head sits in."""
    out = {("etablissement", e.uai): ("bassin", e.bassin) for e in sc.in_scope_etablissements()}
    out.update({("circonscription", c.id): ("departement", c.departement) for c in sc.circonscriptions})
    return out


def units_by_cadre(units, head_of: dict) -> dict[tuple[str, str], list]:
    """The local units (LocalUnit) of each cadre unit, in the order given."""
    by_cadre: dict[tuple[str, str], list] = {}
    for u in units:
        key = (u.demand.unit_type, u.demand.unit_id)
        if key in head_of:
            by_cadre.setdefault(head_of[key], []).append(u)
    return by_cadre


def seat_heads(units, head_of: dict, seats: dict) -> dict[tuple[str, str], tuple[int, str] | None]:
    """Each local unit's head seat: (end minute, session id) of its cadre session, or None (no seat).

    ``units``: the local units (LocalUnit); ``seats``: cadre unit key -> [(end minute, places,
    session id)]. Within a cadre unit, the units with most sessions take the earliest seats."""
    by_cadre = units_by_cadre(units, head_of)
    out: dict[tuple[str, str], tuple[int, str] | None] = {}
    for cadre, us in by_cadre.items():
        free = [[end, n, sid] for end, n, sid in sorted(seats.get(cadre, []))]
        i = 0
        for u in sorted(us, key=lambda u: (-u.demand.sessions, u.demand.unit_id)):
            while i < len(free) and free[i][1] <= 0:
                i += 1
            key = (u.demand.unit_type, u.demand.unit_id)
            if i == len(free):
                out[key] = None
                continue
            free[i][1] -= 1
            out[key] = (free[i][0], free[i][2])
    return out


def seat_heads_priced(units, head_of: dict, seats: dict, price) -> dict[tuple[str, str], tuple[int, str] | None]:
    """Each local unit's head seat at least total cost: a min-cost assignment per cadre unit.

    ``price(u, end)`` is unit u's cost when its teachers wait for a seat ending at minute ``end``
    (``None``: waiting would lose sessions, the seat is not offered); ``price(u, None)`` its cost
    unseated (the rule's penalty included). The model prices heads by the same waits, so this
    seating follows it where :func:`seat_heads` (largest units first) drifted from it."""
    from ortools.graph.python import min_cost_flow

    by_cadre = units_by_cadre(units, head_of)
    out: dict[tuple[str, str], tuple[int, str] | None] = {}
    for cadre, us in by_cadre.items():
        us = sorted(us, key=lambda u: (-u.demand.sessions, u.demand.unit_id))
        free = sorted(seats.get(cadre, []))
        if not free:
            for u in us:
                out[(u.demand.unit_type, u.demand.unit_id)] = None
            continue
        f = min_cost_flow.SimpleMinCostFlow()
        n_u, n_s = len(us), len(free)
        src, none, sink = n_u + n_s, n_u + n_s + 1, n_u + n_s + 2
        arcs: list[tuple[int, int, int]] = []  # (arc, unit index, seat index or -1)
        for a, u in enumerate(us):
            f.add_arc_with_capacity_and_unit_cost(src, a, 1, 0)
            base = price(u, None)
            arcs.append((f.add_arc_with_capacity_and_unit_cost(a, none, 1, int(round(base * 100))), a, -1))
            at: dict[int, float | None] = {}  # seats of one meeting end together: priced once
            for j, (end, _, _) in enumerate(free):
                c = at[end] = at[end] if end in at else price(u, end)
                if c is not None and c < base:
                    arcs.append((f.add_arc_with_capacity_and_unit_cost(a, n_u + j, 1, int(round(c * 100))), a, j))
        for j, (_, places, _) in enumerate(free):
            f.add_arc_with_capacity_and_unit_cost(n_u + j, sink, max(int(places), 0), 0)
        f.add_arc_with_capacity_and_unit_cost(none, sink, n_u, 0)
        f.set_node_supply(src, n_u)
        f.set_node_supply(sink, -n_u)
        if f.solve() != f.OPTIMAL:  # cannot happen (every unit may go unseated); keep the plain seating
            out.update(seat_heads(us, head_of, seats))
            continue
        for arc, a, j in arcs:
            if f.flow(arc):
                u = us[a]
                out[(u.demand.unit_type, u.demand.unit_id)] = None if j < 0 else (free[j][0], free[j][2])
    return out


def not_first(demand, cadre: tuple[str, str], *, seat: tuple[int, str] | None, left: int) -> Unplaced:
    """The French record of a unit whose head cannot be trained before its teachers."""
    who = HEAD_LABEL[demand.unit_type]
    audience = "perdir" if demand.unit_type == "etablissement" else "inspectors"
    if seat is None:
        why = (f"aucune place pour {who} dans les sessions des cadres ({MEETINGS_LABEL[cadre[0]]}) de l'horizon "
               f"— les formateurs de formateurs ne suffisent pas")
    else:
        when = dt.date.fromordinal(seat[0] // 1440).strftime("%d/%m/%Y")
        cost = (f"repousserait {left} session(s) des enseignants au-delà de la fin de l'horizon" if left else
                f"retarderait la formation des enseignants de plus de {HEADS_PENALTY_DAYS:.0f} jours")
        why = f"{who} n'est formé que le {when} (session {seat[1]}) ; l'attendre {cost}"
    return Unplaced.of(demand, 0, "heads_first",
                       f"{demand.name} : cadres d'abord impossible : {why}. Les sessions des enseignants sont "
                       f"placées sans attendre.", audience=audience)


HEADS_PENALTY_DAYS = 100.0  # cost of a unit whose head is not trained first, in days of delay


def waiting_costs(units, head_of: dict, cadre_units, meetings, costs, last_tot_end: int | None, minutes: int,
                  penalty: float) -> tuple[list[tuple[int, list[list[float]], list[list[int]]] | None], float]:
    """What waiting for their heads costs the units, as the model's ``heads_first`` rule needs it.

    For each local unit u and each meeting j of its cadre unit, δ_u(j) is u's extra cost when its
    teachers wait for meeting j (the end of its first session), with u's trainers ready at the latest
    candidate ToT slot (the least extra over the slots), capped by the rule's penalty; δ_u(J) (no
    seat) is the penalty. Returns, per cadre unit (``cadre_units`` order), (heads to seat, steps)
    with steps[j] the sorted δ_u(j+1) − δ_u(j) of its units (None when no head sits in it), and the
    constant Σ_u δ_u(0) (every head waits at least for its cadre unit's first meeting). A head not
    seated by meeting j pays at least the next step: the W_j heads not seated pay at least the W_j
    smallest steps, so the model's bound stays a proven bound. Third, per meeting j < J−1, each unit's
    earliest completion (days after the origin, sorted) when its teachers wait for meeting j+1 (trainers
    ready then): once W heads are seated after j, the académie ends no earlier than the W-th smallest."""
    by_cadre = units_by_cadre(units, head_of)
    out: list[tuple[int, list[list[float]], list[list[int]]] | None] = []
    const = 0.0
    for ud, mts in zip(cadre_units, meetings):
        us = by_cadre.pop((ud.unit_type, ud.unit_id), [])
        if not us or not mts:
            out.append(None)
            continue
        steps: list[list[float]] = [[] for _ in mts]
        ends = [mt.day * 1440 + mt.start + minutes for mt in mts]
        done: list[list[int]] = [[] for _ in range(len(mts) - 1)]
        seen: dict[tuple, tuple[list[int], list[float]]] = {}  # units that place identically wait alike
        for u in us:
            got = seen.get(u.memo_key) if u.memo_key is not None else None
            if got is None:
                got = _waits(u, ends, costs, last_tot_end, penalty)
                if u.memo_key is not None:
                    seen[u.memo_key] = got
            comps, row = got
            for d, c in zip(done, comps):
                d.append(c)
            const += row[0]  # 0 but for rounding: the cost table already waits for the first meeting
            for j in range(len(mts)):
                steps[j].append(row[j + 1] - row[j])
        out.append((len(us), [sorted(st) for st in steps], [sorted(d) for d in done]))
    const += penalty * sum(len(us) for us in by_cadre.values())  # heads whose cadre unit has no session
    return out, const


def _waits(u, ends: list[int], costs, last_tot_end: int | None, penalty: float) -> tuple[list[int], list[float]]:
    """Unit u's completions (days after the origin) when its teachers wait for meeting j+1 (trainers ready
    then), and its nondecreasing extra costs δ_u(j) of waiting for meeting j (the last: no seat)."""
    n = len(u.trainers)
    comps = []
    for e in ends[1:]:
        comp = costs.unit(u, [e] * n)[1]
        comps.append(comp - costs.origin if comp is not None else 0)
    base = [NEVER_READY if t.qualified else (last_tot_end if last_tot_end is not None else 10**12)
            for t in u.trainers]
    f0 = costs.unit(u, [max(r, ends[0]) for r in base])[0]  # the cost table already waits for this
    row = [min(penalty, max(0.0, costs.unit(u, [max(r, e) for r in base])[0] - f0)) for e in ends]
    return comps, list(accumulate(row, max)) + [penalty]  # nondecreasing


NEVER_READY = -(10**12)  # a qualified trainer's ready time (solvers.units.NEVER)
