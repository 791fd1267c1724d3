"""What every export needs from a plan: one index built once (sessions by unit, by trainer…), labels.

Building the index is the only pass over all sessions; each printed plan then reads its own slice,
so a batch of thousands of plans does not rescan the plan per unit.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from ..models import academie_matches
from ..sources.reference import read_academies, read_departements
from ..models import ETAB_TYPE_LABELS, ROLE_LABELS, UNIT_TYPE_LABELS  # noqa: F401 (re-exported)
from ..plan import KIND_LABELS, Plan, Session, TrainerRow, UnitRow
from ..settings import AUDIENCE_LABELS, DEFAULT_WINDOWS

STEP_KINDS = ("step1", "step2", "step3", "step4", "step5", "step6")
KIND_ORDER = ("tot",) + STEP_KINDS

UNIT_LABELS = UNIT_TYPE_LABELS


class ExportError(Exception):
    """A user error during an export (French message naming the thing)."""


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind)


def kind_short(kind: str) -> str:
    """« Prise en main de l'IA générative » for step1 (the label after the dash)."""
    label = KIND_LABELS.get(kind, kind)
    return label.split(" — ", 1)[1] if " — " in label else label


def step_number(kind: str) -> int | None:
    if kind.startswith("step") and kind[4:].isdigit():
        return int(kind[4:])
    return None


def audience_label(a: str) -> str:
    return AUDIENCE_LABELS.get(a, a)


def minutes(s: Session) -> int:
    h1, m1 = map(int, s.start.split(":"))
    h2, m2 = map(int, s.end.split(":"))
    return max(0, (h2 * 60 + m2) - (h1 * 60 + m1))


@lru_cache(maxsize=1)
def academies() -> dict[str, dict[str, str]]:
    """Académie code → row of ``data/academies.csv`` (nom, zone, zone_calendrier, fuseau)."""
    return {r["code"]: r for r in read_academies()}


@lru_cache(maxsize=1)
def departement_names() -> dict[str, str]:
    """Département code → name with accents (``data/departements.csv``)."""
    return {r["code_departement"]: r["nom"] for r in read_departements()}


def academie_name(code: str) -> str:
    row = academies().get(code)
    return row["nom"] if row else code


def academie_timezone(code: str) -> str:
    row = academies().get(code)
    return (row or {}).get("fuseau") or "Europe/Paris"


def resolve_academie(code_or_name: str) -> str | None:
    """An académie code from « 16 », « 6 » or « Toulouse » (accents and case free); None if unknown."""
    return next((c for c, r in academies().items() if academie_matches(c, r["nom"], code_or_name)), None)


@dataclass
class PlanIndex:
    """A plan with its sessions indexed once; every printed plan reads from here."""

    plan: Plan
    by_unit: dict[tuple[str, str], list[Session]] = field(default_factory=dict)
    by_trainer: dict[str, list[Session]] = field(default_factory=dict)
    sessions_by_id: dict[str, Session] = field(default_factory=dict)
    units: dict[tuple[str, str], UnitRow] = field(default_factory=dict)
    trainers: dict[str, TrainerRow] = field(default_factory=dict)
    trainers_of_unit: dict[tuple[str, str], list[TrainerRow]] = field(default_factory=dict)
    trainees_of_tot: dict[str, list[TrainerRow]] = field(default_factory=dict)

    @classmethod
    def build(cls, plan: Plan) -> "PlanIndex":
        by_unit: dict[tuple[str, str], list[Session]] = defaultdict(list)
        by_trainer: dict[str, list[Session]] = defaultdict(list)
        for s in plan.sessions:
            by_unit[(s.unit_type, s.unit_id)].append(s)
            if s.trainer_id:
                by_trainer[s.trainer_id].append(s)
        key = lambda s: (s.date, s.start, s.kind, s.group, s.session_id)  # noqa: E731
        for lst in by_unit.values():
            lst.sort(key=key)
        for lst in by_trainer.values():
            lst.sort(key=key)
        tou: dict[tuple[str, str], list[TrainerRow]] = defaultdict(list)
        tot: dict[str, list[TrainerRow]] = defaultdict(list)
        for t in plan.trainers:
            tou[(t.unit_type, t.unit_id)].append(t)
            if t.tot_session_id:
                tot[t.tot_session_id].append(t)
        return cls(
            plan=plan,
            by_unit=dict(by_unit),
            by_trainer=dict(by_trainer),
            sessions_by_id={s.session_id: s for s in plan.sessions},
            units={(u.unit_type, u.unit_id): u for u in plan.units},
            trainers={t.trainer_id: t for t in plan.trainers},
            trainers_of_unit=dict(tou),
            trainees_of_tot=dict(tot),
        )

    # ------------------------------------------------------------------ report
    @property
    def report(self) -> dict:
        return self.plan.report or {}

    @property
    def settings(self) -> dict:
        s = self.report.get("settings")
        return s if isinstance(s, dict) else {}

    @property
    def plan_name(self) -> str:
        r = self.report
        sc = r.get("scenario") if isinstance(r.get("scenario"), dict) else {}
        return str(r.get("plan_name") or sc.get("name") or "Plan sans nom")

    @property
    def version(self) -> str:
        return str(self.report.get("version") or "")

    @property
    def generated_at(self) -> dt.date | None:
        v = self.report.get("generated_at")
        if not v:
            return None
        try:
            return dt.datetime.fromisoformat(str(v).replace("Z", "+00:00")).date()
        except ValueError:
            try:
                return dt.date.fromisoformat(str(v)[:10])
            except ValueError:
                return None

    @property
    def citation(self) -> str:
        r = self.report
        sc = r.get("scenario") if isinstance(r.get("scenario"), dict) else {}
        # the scenario's own citation when it carries one (an imported annuaire); « national » or a file
        # name is not a citation: the reference data's citation then
        src = str(sc.get("citation") or sc.get("source") or r.get("source") or "")
        if len(src) > 40 and " " in src:
            return src
        from ..sources.reference import CITATION

        return CITATION

    @property
    def group_size(self) -> int:
        try:
            return int(self.settings.get("group_size") or 15)
        except (TypeError, ValueError):
            return 15

    def window_label(self, name: str) -> str:
        wins = self.settings.get("windows")
        if isinstance(wins, dict) and isinstance(wins.get(name), dict) and wins[name].get("label"):
            return str(wins[name]["label"])
        spec = DEFAULT_WINDOWS.get(name)
        return spec.label if spec else name

    # ------------------------------------------------------------------ queries
    def unit(self, unit_type: str, unit_id: str) -> UnitRow | None:
        return self.units.get((unit_type, unit_id))

    def sessions_of_unit(self, unit_type: str, unit_id: str) -> list[Session]:
        return self.by_unit.get((unit_type, unit_id), [])

    def sessions_of_trainer(self, trainer_id: str) -> list[Session]:
        return self.by_trainer.get(trainer_id, [])

    def trainer_name(self, trainer_id: str) -> str:
        t = self.trainers.get(trainer_id)
        return (t.name or t.trainer_id) if t else (trainer_id or "—")

    def tot_of(self, trainer: TrainerRow) -> Session | None:
        return self.sessions_by_id.get(trainer.tot_session_id) if trainer.tot_session_id else None

    def units_of(self, unit_type: str, academie: str | None = None) -> list[UnitRow]:
        out = [u for (t, _), u in self.units.items() if t == unit_type and (academie is None or u.academie == academie)]
        return sorted(out, key=lambda u: u.unit_id)

    def academie_of_session(self, s: Session) -> str:
        return s.academie

    def location(self, unit_type: str, unit_id: str) -> str:
        """Where a unit's sessions take place: its address and commune, else its name."""
        u = self.unit(unit_type, unit_id)
        if u is None:
            if unit_type == "academie":
                return f"Académie de {academie_name(unit_id)}"
            return unit_id
        parts = [p for p in (u.address, u.commune) if p]
        if parts:
            return ", ".join(parts)
        if unit_type == "academie":
            return f"Académie de {academie_name(u.unit_id)}"
        return u.name or u.unit_id
