"""The catalogue of 48 « briques » (step 5: deepening, case by case), loaded from ``data/briques.csv``.

3 domains × 4 themes × 4 briques, titles after the IGÉSR report (annexe). The report gives no
duration, audience or prerequisite for any brique: the CSV carries defaults (3 h — GAIA cannot
encode shorter sessions —, teachers, or staff for the administration domain, no prerequisite) and
:class:`BriqueSettings` overrides them per brique in a scenario.
"""
from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

from .paths import data_dir
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

DATA_DIR = data_dir()
BRIQUES_CSV = DATA_DIR / "briques.csv"

BriqueAudience = Literal["teachers", "staff"]
BRIQUE_AUDIENCES = ("teachers", "staff")


class BriqueError(Exception):
    """The catalogue file is unusable (French message naming the file and line)."""


class Brique(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^B\d{2}$", title="Identifiant")
    domain_code: str = Field(title="Code du domaine")
    domain: str = Field(min_length=1, title="Domaine")
    theme_code: str = Field(title="Code du thème")
    theme: str = Field(min_length=1, title="Thème")
    title: str = Field(min_length=1, title="Intitulé")
    duration_minutes: int = Field(180, ge=15, le=480, title="Durée (min)")
    audience: BriqueAudience = Field("teachers", title="Public")
    prerequisite: str = Field("", title="Prérequis", description="Identifiant d'une brique à suivre avant (vide : l'étape 1 suffit).")


class BriqueSettings(BaseModel):
    """Per-brique overrides of the catalogue's defaults, editable in the window."""

    model_config = ConfigDict(validate_assignment=True, extra="forbid")

    durations: dict[str, int] = Field(default_factory=dict, title="Durées (min) par brique")
    audiences: dict[str, BriqueAudience] = Field(default_factory=dict, title="Public par brique")
    prerequisites: dict[str, str] = Field(default_factory=dict, title="Prérequis par brique")

    @field_validator("durations")
    @classmethod
    def _durations(cls, v: dict[str, int]) -> dict[str, int]:
        for k, m in v.items():
            if not 15 <= m <= 480:
                raise ValueError(f"durée de la brique {k} invalide : {m} min (entre 15 et 480 attendu)")
        return v

    def apply(self, catalogue: list[Brique]) -> list[Brique]:
        ids = {b.id for b in catalogue}
        for field_name, d in (("durations", self.durations), ("audiences", self.audiences), ("prerequisites", self.prerequisites)):
            unknown = sorted(k for k in d if k not in ids)
            if unknown:
                raise BriqueError(f"réglages des briques ({field_name}) : brique inconnue {', '.join(unknown)}")
        for k, p in self.prerequisites.items():
            if p and p not in ids:
                raise BriqueError(f"prérequis de la brique {k} : brique inconnue « {p} »")
            if p == k:
                raise BriqueError(f"la brique {k} ne peut pas être son propre prérequis")
        out = []
        for b in catalogue:
            upd = {}
            if b.id in self.durations:
                upd["duration_minutes"] = self.durations[b.id]
            if b.id in self.audiences:
                upd["audience"] = self.audiences[b.id]
            if b.id in self.prerequisites:
                upd["prerequisite"] = self.prerequisites[b.id]
            out.append(b.model_copy(update=upd) if upd else b)
        _check_cycles(out)
        return out


def _check_cycles(briques: list[Brique]) -> None:
    pre = {b.id: b.prerequisite for b in briques}
    for start in pre:
        seen = {start}
        cur = pre[start]
        while cur:
            if cur in seen:
                raise BriqueError(f"prérequis circulaires autour de la brique {start}")
            seen.add(cur)
            cur = pre.get(cur, "")


@lru_cache(maxsize=4)
def _read(path: str) -> tuple[Brique, ...]:
    p = Path(path)
    try:
        f = open(p, encoding="utf-8", newline="")
    except OSError as exc:
        raise BriqueError(f"{p} : catalogue des briques illisible ({exc})") from None
    out: list[Brique] = []
    with f:
        for line, r in enumerate(csv.DictReader(f, delimiter=";"), start=2):
            try:
                out.append(Brique(
                    id=r["id"], domain_code=r["domain_code"], domain=r["domain"], theme_code=r["theme_code"],
                    theme=r["theme"], title=r["title"], duration_minutes=int(r["duration_minutes"] or 180),
                    audience=(r["audience"] or "teachers"), prerequisite=(r["prerequisite"] or ""),
                ))
            except (KeyError, ValueError) as exc:
                raise BriqueError(f"{p}, ligne {line} : brique invalide ({exc})") from None
    ids = [b.id for b in out]
    if len(set(ids)) != len(ids):
        raise BriqueError(f"{p} : identifiants de briques en double")
    _check_cycles(out)
    return tuple(out)


def load_briques(settings: BriqueSettings | None = None, path: str | Path | None = None) -> list[Brique]:
    """The catalogue, with ``settings`` overrides applied (a new list each call)."""
    cat = list(_read(str(path or BRIQUES_CSV)))
    return settings.apply(cat) if settings else cat


def briques_by_id(settings: BriqueSettings | None = None) -> dict[str, Brique]:
    return {b.id: b for b in load_briques(settings)}


def with_prerequisites(chosen, catalogue: dict[str, Brique]) -> tuple[list[str], list[str]]:
    """A unit's step-5 briques in the order they are followed: each chosen brique after its prerequisites
    (themselves added when not chosen), each once; and the ids missing from ``catalogue`` (as met)."""
    order: list[str] = []
    unknown: list[str] = []

    def visit(bid: str, depth: int = 0) -> None:
        if bid in order or depth > 48:
            return
        b = catalogue.get(bid)
        if b is None:
            unknown.append(bid)
            return
        if b.prerequisite:
            visit(b.prerequisite, depth + 1)
        order.append(bid)

    for bid in chosen:
        visit(bid)
    return order, unknown


def domains(catalogue: list[Brique]) -> dict[str, dict[str, list[Brique]]]:
    """domain → theme → briques, in catalogue order (for the window's tree)."""
    out: dict[str, dict[str, list[Brique]]] = {}
    for b in catalogue:
        out.setdefault(b.domain, {}).setdefault(b.theme, []).append(b)
    return out
