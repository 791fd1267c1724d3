"""What every export needs from a plan: the one plan index (:mod:`planner.plan_index`, built once:
sessions by unit, by trainer…), labels.

Building the index is the only pass over all sessions; each printed plan then reads its own slice,
so a batch of thousands of plans does not rescan the plan per unit.
"""
from __future__ import annotations

from functools import lru_cache

from ..models import academie_matches
from ..sources.reference import read_academies, read_departements
from ..models import ETAB_TYPE_LABELS, ROLE_LABELS, UNIT_TYPE_LABELS  # noqa: F401 (re-exported)
from ..plan import KIND_LABELS, Session
from ..plan_index import PlanIndex  # noqa: F401 (re-exported: the exports' index is the window's)
from ..settings import AUDIENCE_LABELS
from ..text import hhmm_minutes

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
    return max(0, hhmm_minutes(s.end) - hhmm_minutes(s.start))


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
