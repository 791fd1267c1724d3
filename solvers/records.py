"""Typed records of a solve: an unplaced session (:class:`Unplaced`), the report's headline
(:class:`Outcome`: status, objective, bound and gap computed in one place) and one académie's result as a pool's
worker sends it (:class:`AcademieResult`, here rather than in :mod:`solvers.academie` so that the parent reads it
without importing OR-Tools).

The plan folder keeps plain dicts in ``report.json`` (the contract); solvers build them from these
records only, so every unplaced entry has the same fields and a rule id of :mod:`solvers.rules`.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass, field, fields

from planner.plan import Session, TrainerRow, sessions_columns, sessions_from_columns

from .rules import RULE_IDS

GAP_TOLERANCE = 1e-4  # relative gap under which a proven plan is OPTIMAL (CP-SAT's relative_gap_limit)


@dataclass(frozen=True)
class Unplaced:
    """Sessions that could not be placed, with the blocking rule(s) and a French reason."""

    unit_type: str
    unit_id: str
    name: str
    academie: str
    departement: str
    kind: str  # tot, step1 … step6
    audience: str
    sessions: int
    rule: str  # a rule id of solvers.rules, or several joined by ","
    reason: str

    def __post_init__(self) -> None:
        unknown = [r for r in self.rule.split(",") if r and r not in RULE_IDS]
        if unknown:
            raise ValueError(f"unknown rule id(s) {unknown} (see solvers.rules.RULES)")

    def as_dict(self) -> dict:
        return {"unit_type": self.unit_type, "unit_id": self.unit_id, "name": self.name, "academie": self.academie,
                "departement": self.departement, "kind": self.kind, "audience": self.audience,
                "sessions": self.sessions, "rule": self.rule, "reason": self.reason}

    @classmethod
    def from_dict(cls, d: dict) -> "Unplaced":
        return cls(**{k: d.get(k, "" if k != "sessions" else 0) for k in cls.__dataclass_fields__})

    @classmethod
    def of(cls, unit, n: int, rule: str, reason: str, *, kind: str = "step1", audience: str | None = None) -> "Unplaced":
        """From anything with ``unit_type, unit_id, name, academie, departement`` (and ``audience``)."""
        return cls(unit.unit_type, unit.unit_id, unit.name, unit.academie, unit.departement, kind,
                   audience if audience is not None else unit.audience, n, rule, reason)


def past_summary(records: list[dict]) -> str:
    """One French line for the unplaced records of rule ``past`` (dates gone when planning starts:
    the réunions de rentrée of a year planned from November), instead of one line per unit."""
    from planner.report import sessions_of, units_of

    n = sessions_of(records)
    units = units_of(records)
    example = (records[0].get("reason") or "").partition(" : ")[2] if records else ""
    return (f"{n} session(s) de {units} unité(s) déjà passée(s) au début de la planification, à reporter à "
            f"l'année suivante (liste dans report.json, règle « past ») — par ex. {example}")


@dataclass(frozen=True)
class Outcome:
    """Status, objective and bound of one objective, and the gap between them — computed here only.

    The bound is a proven lower bound of the objective (CP-SAT's bound of the timetable model plus
    the fixed terms, or the greedy run's relaxation). ``OPTIMAL`` only when it meets the objective
    within :data:`GAP_TOLERANCE` (and, for a sum of académies, each of them is ``OPTIMAL``);
    ``FEASIBLE`` with its gap whenever the bound is below; ``GREEDY``/``FLOW`` (no CP-SAT search) and
    ``STOPPED`` (search interrupted) say how the plan was made."""

    status: str
    objective: float
    bound: float
    gap: float

    @classmethod
    def of(cls, *, objective: float, bound: float, solver: str = "cpsat", stopped: bool = False,
           parts_optimal: bool = True) -> "Outcome":
        bound = min(bound, objective)
        gap = (objective - bound) / objective if objective else 0.0
        if stopped:
            status = "STOPPED"
        elif solver != "cpsat":
            status = solver.upper()
        elif parts_optimal and gap <= GAP_TOLERANCE:
            status = "OPTIMAL"
        else:
            status = "FEASIBLE"
        return cls(status, objective, bound, gap)


@dataclass
class Report:
    """The plan's ``report.json``: the outcome of the solve, what is unplaced and why, and how to
    reproduce it (settings, seed, solver versions). ``as_dict`` gives the file's keys, in order."""

    outcome: Outcome
    greedy_objective: float
    solve_seconds: float
    stage_seconds: dict
    unplaced: list[Unplaced]
    settings: dict
    objective_mode: str
    solver: dict
    seed: int
    kpis: dict
    scenario: dict
    academies: list[dict]
    plan_name: str
    generated_at: str
    version: int = 1
    calendar: dict | None = None  # the school year's calendar per académie (planner.report.year_calendar)
    calendar_warnings: list[dict] | None = None  # académies planned on an assumed calendar: {academie, message}

    def as_dict(self) -> dict:
        o = self.outcome
        return {
            "status": o.status,
            "objective": round(o.objective, 3),
            "best_bound": round(o.bound, 3),
            "gap": round(o.gap, 6),
            "greedy_objective": round(self.greedy_objective, 3),
            "solve_seconds": round(self.solve_seconds, 3),
            "stage_seconds": self.stage_seconds,
            "unplaced": [u.as_dict() for u in self.unplaced],
            "settings": self.settings,
            "calendar": self.calendar or {},
            "calendar_warnings": self.calendar_warnings or [],
            "objective_mode": self.objective_mode,
            "solver": self.solver,
            "seed": self.seed,
            "kpis": self.kpis,
            "scenario": self.scenario,
            "academies": self.academies,
            "plan_name": self.plan_name,
            "version": self.version,
            "generated_at": self.generated_at,
        }


__all__ = ["GAP_TOLERANCE", "AcademieResult", "Outcome", "Report", "Unplaced", "past_summary"]


_SHARED_COLUMNS = [i for i, f in enumerate(fields(Session)) if f.name in ("start", "end", "title", "attendees")]


@dataclass
class AcademieResult:
    code: str
    sessions: list[Session] = field(default_factory=list)
    trainer_rows: list[TrainerRow] = field(default_factory=list)
    unplaced: list[Unplaced] = field(default_factory=list)
    objective: float = 0.0
    bound: float = 0.0
    greedy_objective: float = 0.0
    status: str = ""
    proven: bool = False  # the CP-SAT search proved its timetable optimal
    earliest_latest_day: int | None = None  # the académie's earliest possible completion (ordinal)
    latest_day: int | None = None
    stage_seconds: dict = field(default_factory=dict)
    parts: dict = field(default_factory=dict)
    progress: list[tuple[float, float, float]] = field(default_factory=list)  # (t, objective, bound)

    def __getstate__(self) -> dict:
        """Sent back by a pool's worker: the sessions as columns, each text they repeat (times, titles, attendee
        lists) kept once (``sys.intern``): pickled once per text, and held once by the parent (a national plan:
        50 MB less)."""
        columns = list(sessions_columns(self.sessions))
        for i in _SHARED_COLUMNS if columns else ():
            columns[i] = tuple(map(sys.intern, columns[i]))
        return {**self.__dict__, "sessions": tuple(columns)}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state, sessions=sessions_from_columns(state["sessions"]))
