"""Why a unit's sessions cannot all be placed: CP-SAT assumptions name the blocking rule families.

For a failing unit we build a small relaxed model (session counts per candidate slot, the unit's
trainers pooled) in which each rule family is enforced by one assumption literal. Candidate slots
include slots outside the audience's windows and beyond the horizon, so that "window" and
"horizon" can appear in the answer. ``SufficientAssumptionsForInfeasibility`` (single worker)
returns a small conflicting set, reported in French.
"""
from __future__ import annotations

import datetime as dt

from .cp import cp_model

from planner.calendar import Slot, audience_slots, iso_week, is_open_for_teachers, term_of
from planner.settings import Settings

from .rules import label

# the rule families a unit's step-1 placement can be blocked by (ids and labels of solvers.rules)
FAMILIES = ("window", "horizon", "trainer_trained", "day_cap", "week_cap", "wednesday_cap")


def _extended_settings(s: Settings) -> Settings:
    return s.model_copy(update={"end_date": s.end_date + dt.timedelta(days=365)})


def explain_unit(*, name: str, audience: str, n: int, settings: Settings, zone: str, departement: str,
                 ready: list[int], caps, unit_id: str = "") -> tuple[list[str], str]:
    """(families, French sentence) for a unit whose ``n`` sessions do not all fit."""
    s = settings
    dur = s.step1_minutes
    ext = _extended_settings(s)
    allowed = {(x.date, x.start): x for x in audience_slots(audience, ext, zone, departement, dur, unit_id)}
    # every other school-day hour as a candidate outside the windows
    cands: dict[tuple[dt.date, int], tuple[Slot, bool]] = {k: (v, True) for k, v in allowed.items()}
    d = s.first_day
    while d <= ext.end_date:
        if is_open_for_teachers(d, zone, departement):
            for h in (9, 10, 11, 14, 15, 16):
                key = (d, h * 60)
                if key not in cands:
                    cands[key] = (Slot(d, h * 60, h * 60 + dur, "hors_fenetre"), False)
        d += dt.timedelta(days=1)
    keys = sorted(cands)
    k_tr = max(len(ready), 1)
    m = cp_model.CpModel()
    lits = {f: m.NewBoolVar(f) for f in FAMILIES}
    c = [m.NewIntVar(0, k_tr, f"c{i}") for i in range(len(keys))]
    m.Add(sum(c) >= n)
    days: dict[dt.date, list[int]] = {}
    weeks: dict[tuple[int, int], list[int]] = {}
    wed: dict[tuple[int, int], dict[dt.date, list[int]]] = {}
    for i, key in enumerate(keys):
        slot, in_window = cands[key]
        t = slot.date.toordinal() * 1440 + slot.start
        if not in_window:
            m.Add(c[i] == 0).OnlyEnforceIf(lits["window"])
        if slot.date > s.end_date:
            m.Add(c[i] == 0).OnlyEnforceIf(lits["horizon"])
        n_ready = sum(1 for r in ready if r <= t)
        if n_ready < k_tr:
            m.Add(c[i] <= n_ready).OnlyEnforceIf(lits["trainer_trained"])
        days.setdefault(slot.date, []).append(i)
        weeks.setdefault(iso_week(slot.date), []).append(i)
        if slot.window == "wednesday_am":
            wed.setdefault(term_of(slot.date), {}).setdefault(slot.date, []).append(i)
    for idx in days.values():
        m.Add(sum(c[i] for i in idx) <= k_tr * caps.per_day).OnlyEnforceIf(lits["day_cap"])
    if caps.per_week is not None:
        for idx in weeks.values():
            m.Add(sum(c[i] for i in idx) <= k_tr * caps.per_week).OnlyEnforceIf(lits["week_cap"])
    if caps.wednesdays_per_term is not None:
        for per_date in wed.values():
            used = []
            for date, idx in per_date.items():
                b = m.NewBoolVar("")
                for i in idx:
                    m.Add(c[i] <= k_tr * b)
                used.append(b)
            m.Add(sum(used) <= caps.wednesdays_per_term).OnlyEnforceIf(lits["wednesday_cap"])
    m.AddAssumptions(list(lits.values()))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.catch_sigint_signal = False  # Ctrl-C is the caller's
    solver.parameters.max_time_in_seconds = 5.0
    st = solver.Solve(m)
    in_horizon = [k for k in allowed if k[0] <= s.end_date and k[0] >= s.first_day]
    first_ready = min(ready) if ready else None
    after_ready = [k for k in in_horizon if first_ready is None or k[0].toordinal() * 1440 + k[1] >= first_ready]
    head = (f"{name} : {n} sessions à placer, {len(after_ready)} créneaux autorisés entre la formation du formateur "
            f"et la fin de l'horizon ({s.end_date.strftime('%d/%m/%Y')})")
    if st == cp_model.INFEASIBLE:
        fam = [f for f, lit in lits.items() if lit.Index() in set(solver.SufficientAssumptionsForInfeasibility())]
        if fam:
            return fam, head + " ; bloqué par : " + ", ".join(label(f) for f in fam) + "."
    return ["trainers"], head + " ; bloqué par : " + label("trainers") + "."


def explain_cadres(*, name: str, n: int, placed: int, meeting_label: str) -> str:
    return (f"{name} : {n} sessions à placer, {placed} placées ; les formateurs de formateurs de l'académie "
            f"ne sont pas assez disponibles lors des {meeting_label} de l'horizon.")
