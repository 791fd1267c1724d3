"""The staffing rule: which trainers a scenario's units get (one rule for every source).

From the IGÉSR report (section 2.3): each circonscription has three local trainers drawn from its
CPC and eRUN (``CIRCONSCRIPTION_ROLES``), each établissement of the 2nd degré one local trainer, and
each académie formateurs de formateurs (FdF) in proportion to its local trainers — 150 FdF for
13,800 local trainers nationally. The national reference and the annuaire importer both call
:func:`staff`; they differ only in how the FdF count is rounded (the reference spreads exactly 150
over the 30 académies, an import of some académies uses the ratio) and in how trainers are named
(reference units are not real: their trainers are named by identifier).

Identifiers are the plan's keys and never change: ``T{circonscription}-{k}``, ``T{UAI}``,
``FDF-{académie}-{k:02d}``.
"""
from __future__ import annotations

import math
from typing import Callable, Iterable, Literal

from .models import Academie, Circonscription, Etablissement, Trainer

CIRCONSCRIPTION_ROLES: tuple[str, ...] = ("cpc", "cpc", "erun")
NATIONAL_FDF = 150
NATIONAL_LOCAL_TRAINERS = 13_800

Naming = Literal["reference", "annuaire"]
# local trainers by académie (in the order of the académies) -> FdF by académie
FdfCount = Callable[[dict[str, int]], dict[str, int]]


def apportion(total: int, weights: list[float], minimum: int = 0) -> list[int]:
    """Largest-remainder apportionment of ``total`` by ``weights``, each share at least ``minimum``."""
    n = len(weights)
    if n == 0:
        return []
    base = [minimum] * n
    rest = total - minimum * n
    if rest < 0:
        raise ValueError("apportion : total inférieur aux minimums")
    wsum = float(sum(weights))
    if wsum <= 0:
        weights = [1.0] * n
        wsum = float(n)
    quotas = [rest * w / wsum for w in weights]
    floors = [math.floor(q) for q in quotas]
    left = rest - sum(floors)
    order = sorted(range(n), key=lambda i: (-(quotas[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += 1
    return [b + f for b, f in zip(base, floors)]


def fdf_by_ratio(local: dict[str, int], overrides: dict[str, int] | None = None) -> dict[str, int]:
    """FdF of each académie: ``max(1, round(150 × local trainers / 13,800))``, or the count set by hand."""
    overrides = overrides or {}
    return {a: max(0, int(overrides[a])) if a in overrides
            else max(1, round(NATIONAL_FDF * n / NATIONAL_LOCAL_TRAINERS)) for a, n in local.items()}


def fdf_apportioned(total: int) -> FdfCount:
    """FdF spread exactly: ``total`` over the académies by their local trainers (at least one each)."""
    def count(local: dict[str, int]) -> dict[str, int]:
        return dict(zip(local, apportion(total, list(local.values()), 1)))
    return count


def _role_label(role: str) -> str:
    return {"cpc": "CPC", "erun": "eRUN"}.get(role, role)


def local_trainers(circonscriptions: Iterable[Circonscription], etablissements: Iterable[Etablissement],
                   roles: tuple[str, ...] = CIRCONSCRIPTION_ROLES, naming: Naming = "annuaire") -> list[Trainer]:
    """The circonscriptions' trainers (one per role, in order), then one per établissement."""
    out: list[Trainer] = []
    for c in circonscriptions:
        for k, role in enumerate(roles, 1):
            name = (f"Formateur {k} de la circonscription {c.id}" if naming == "reference"
                    else f"{_role_label(role)} {k} — {c.name}"[:200])
            out.append(Trainer.model_construct(id=f"T{c.id}-{k}", name=name, role=role, academie=c.academie,
                                               unit_type="circonscription", unit_id=c.id, qualified=False))
    for e in etablissements:
        name = f"Formateur de l'établissement {e.uai}" if naming == "reference" else f"Formateur — {e.name}"[:200]
        out.append(Trainer.model_construct(id=f"T{e.uai}", name=name, role="trainer_2d", academie=e.academie,
                                           unit_type="etablissement", unit_id=e.uai, qualified=False))
    return out


def trainers_of_trainers(counts: dict[str, int]) -> list[Trainer]:
    """``counts[académie]`` FdF for each académie, numbered from 1."""
    return [Trainer.model_construct(id=f"FDF-{a}-{k:02d}", name=f"Formateur de formateurs {a}-{k:02d}", role="fdf",
                                    academie=a, unit_type="academie", unit_id=a, qualified=False)
            for a, n in counts.items() for k in range(1, n + 1)]


def staff(academies: Iterable[Academie], circonscriptions: Iterable[Circonscription],
          etablissements: Iterable[Etablissement], *, fdf: FdfCount = fdf_by_ratio,
          roles: tuple[str, ...] = CIRCONSCRIPTION_ROLES, naming: Naming = "annuaire") -> list[Trainer]:
    """Every trainer of a scenario: local trainers of its units, then FdF by académie."""
    local = local_trainers(circonscriptions, etablissements, roles, naming)
    by_acad = {a.code: 0 for a in academies}
    for t in local:
        by_acad[t.academie] = by_acad.get(t.academie, 0) + 1
    return local + trainers_of_trainers(fdf(by_acad))
