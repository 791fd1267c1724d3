"""Documented, calibrated figures the annuaire importer uses to estimate headcounts.

No per-établissement teacher counts exist in open data: teachers are estimated from pupils
(``Nombre_d_eleves``) with national pupils-per-teacher ratios, calibrated so that the national
figures of the IGÉSR report hold (public sector, DEPP « L'Éducation nationale en chiffres 2024 »):

- 1er degré: 324,600 teachers in public écoles for about 5,460,000 pupils (DEPP: 6,340,100 pupils
  in public and private-under-contract écoles at rentrée 2023 — 6,262,000 at rentrée 2024 plus the
  78,100 lost —, of which about 86 % in the public sector) → **16.8 pupils per teacher**;
- 2nd degré: 386,950 teachers in public collèges and lycées for about 4,440,000 pupils (DEPP:
  about 5.65 million 2nd-degré pupils at rentrée 2023, about 78.5 % public; cross-check: the
  public collèges alone had 2,664,862 pupils in 2021, fr-en-dnb-par-etablissement) →
  **11.5 pupils per teacher**.

Where pupil counts are missing (the 2026 exports dropped ``Nombre_d_eleves``; 2nd-degré rows of the
2024 exports carry none), each unit gets a **default size by type**, calibrated on the same totals:

- école: 7.6 teachers (324,600 teachers / about 42,900 public écoles, DEPP 2024: 47,790 écoles of
  which about 4,900 private);
- collège: 43 teachers (public collèges average 499 pupils — 2,664,862 pupils in 5,343 public
  collèges, open data 2021 — divided by 11.5);
- lycée (général, technologique, polyvalent): 75 teachers; lycée professionnel: 45; EREA: 25 —
  chosen so that 5,343 collèges + 2,403 lycées (about two thirds général/polyvalent, one third
  professional) give 5,343 × 43 + 1,600 × 75 + 800 × 45 ≈ 385,700 ≈ 386,950.

Cadres: 13,500 personnels de direction for 9,600 établissements → **1.41 perdir per établissement**
of a bassin (at least one per bassin that has an établissement); 3,650 inspectors for 1,400
circonscriptions + 9,600 établissements → **0.332 inspectors per unit** of a département (at least
one). Formateurs de formateurs: 150 for 13,800 local trainers → per académie
``max(1, round(150 × local trainers / 13,800))`` unless set explicitly.

All of these are fields of :class:`ImportSettings` and can be changed.
"""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ...staffing import CIRCONSCRIPTION_ROLES, fdf_by_ratio

NATIONAL = {
    "teachers_1d": 324_600,
    "teachers_2d": 386_950,
    "pupils_1d_public": 5_460_000,
    "pupils_2d_public": 4_440_000,
    "perdir": 13_500,
    "inspectors": 3_650,
    "circonscriptions": 1_400,
    "etablissements": 9_600,
    "fdf": 150,
    "local_trainers": 13_800,
}

SOURCE = (
    "Effectifs estimés : rapport IGÉSR 2025 et DEPP « L'Éducation nationale en chiffres 2024 » "
    "(324 600 enseignants des écoles publiques, 386 950 des collèges et lycées publics) ; "
    "annuaire : Ministère de l'Éducation nationale – data.education.gouv.fr, fr-en-annuaire-education, "
    "Licence Ouverte 2.0"
)


class ImportSettings(BaseModel):
    """Ratios and defaults of the annuaire importer (French labels in ``title``)."""

    model_config = ConfigDict(extra="forbid")

    pupils_per_teacher_1d: float = Field(
        round(NATIONAL["pupils_1d_public"] / NATIONAL["teachers_1d"], 1), gt=1, le=100,
        title="Élèves par enseignant (1er degré)",
        description="Calibré : 5 460 000 élèves des écoles publiques / 324 600 enseignants.")
    pupils_per_teacher_2d: float = Field(
        round(NATIONAL["pupils_2d_public"] / NATIONAL["teachers_2d"], 1), gt=1, le=100,
        title="Élèves par enseignant (2nd degré)",
        description="Calibré : 4 440 000 élèves des collèges et lycées publics / 386 950 enseignants.")
    default_teachers: dict[str, float] = Field(
        default_factory=lambda: {"ecole": 7.6, "college": 43.0, "lycee": 75.0, "lp": 45.0, "erea": 25.0},
        title="Enseignants par défaut (effectif d'élèves absent)")
    perdir_per_etablissement: float = Field(
        round(NATIONAL["perdir"] / NATIONAL["etablissements"], 3), ge=0, le=10,
        title="Personnels de direction par établissement")
    inspectors_per_unit: float = Field(
        round(NATIONAL["inspectors"] / (NATIONAL["circonscriptions"] + NATIONAL["etablissements"]), 3), ge=0, le=10,
        title="Inspecteurs par unité (circonscription ou établissement)")
    trainers_per_circonscription: tuple[str, ...] = Field(CIRCONSCRIPTION_ROLES, title="Formateurs par circonscription")
    fdf_per_academie: dict[str, int] = Field(
        default_factory=dict, title="Formateurs de formateurs par académie",
        description="Vide : 150 × formateurs locaux de l'académie / 13 800 (au moins 1).")
    max_pupils: int = Field(10_000, ge=1, title="Effectif d'élèves maximal plausible d'une unité")

    @field_validator("default_teachers")
    @classmethod
    def _defaults(cls, v: dict[str, float]) -> dict[str, float]:
        for k in ("ecole", "college", "lycee", "lp", "erea"):
            if k not in v:
                raise ValueError(f"taille par défaut manquante pour « {k} »")
            if not 0 < v[k] <= 1000:
                raise ValueError(f"taille par défaut invraisemblable pour « {k} » : {v[k]}")
        return v

    def fdf_for(self, academie: str, local_trainers: int) -> int:
        """FdF of an académie with ``local_trainers`` local trainers (the staffing rule's ratio)."""
        return fdf_by_ratio({academie: local_trainers}, self.fdf_per_academie)[academie]
