"""Steps 2 to 6 of the roadmap: the scenario's settings and each unit's choices.

- :class:`RoadmapSettings`: how many times working groups meet, the governing bodies' calendar,
  cafés IA… (one pydantic model, French labels in ``title``).
- :class:`UnitRoadmapChoices`: per circonscription or établissement, the step-2 themes, the step-5
  briques and meeting-date overrides.
- :func:`default_choices`: every unit's choices, defaults by profile, with optional overrides.
"""
from __future__ import annotations

import datetime as dt
from typing import Iterable, Literal, Protocol, Sequence

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .briques import BriqueSettings
from .settings import WindowName


class _Units(Protocol):
    """What :func:`default_choices` reads of a scenario (:class:`planner.models.Scenario` has it;
    naming the protocol instead of the class keeps this module below ``models``)."""

    circonscriptions: Sequence

    def in_scope_etablissements(self) -> Sequence: ...

DEFAULT_THEMES = (
    "IA et devoirs",
    "Produire des documents pédagogiques",
    "Adapter des documents",
    "Évaluation",
)

# Profile of a unit: établissement type, or « ecole » for a circonscription (écoles through their IEN).
Profile = Literal["ecole", "college", "lycee", "lp", "erea"]
PROFILE_LABELS = {"ecole": "École (circonscription)", "college": "Collège", "lycee": "Lycée",
                  "lp": "Lycée professionnel", "erea": "EREA"}

# Two briques per profile (report: « priorités fixées par le chef d'établissement ou l'IEN »).
DEFAULT_BRIQUES: dict[str, tuple[str, str]] = {
    "ecole": ("B05", "B02"),    # différencier ; citoyenneté numérique responsable
    "college": ("B07", "B10"),  # sans court-circuiter la réflexion ; évaluation formative
    "lycee": ("B01", "B13"),    # logique, limites et biais ; recherche augmentée
    "lp": ("B06", "B15"),       # inclusion ; cours multimodaux
    "erea": ("B06", "B05"),     # inclusion ; différencier
}

# Meetings whose dates a unit may set itself (keys of UnitRoadmapChoices.meeting_dates).
MEETING_KEYS = ("conseil_administration", "conseil_ecole", "conseil_pedagogique", "cvc_cvl",
                "reunion_rentree", "cafe_ia")
MEETING_LABELS = {
    "conseil_administration": "Conseil d'administration",
    "conseil_ecole": "Conseil d'école",
    "conseil_pedagogique": "Conseil pédagogique",
    "cvc_cvl": "CVC / CVL",
    "reunion_rentree": "Réunion de rentrée des familles",
    "cafe_ia": "Café IA des parents",
}
# Réunions de rentrée: one per level (circonscriptions: each école holds its own, the same evening).
RENTREE_LEVELS = {
    "college": ("6e", "5e", "4e", "3e"),
    "lycee": ("2de", "1re", "Tle"),
    "lp": ("2de professionnelle", "1re professionnelle", "Tle professionnelle"),
    "erea": ("6e–5e", "4e–3e", "lycée"),
}
RESTITUTION_LABELS = {"conseil_pedagogique": "Conseil pédagogique", "cafe_ia": "Café IA"}

Restitution = Literal["conseil_pedagogique", "cafe_ia"]
BriqueTrainerSource = Literal["unit", "academie_pool", "none"]
BRIQUE_TRAINER_SOURCE_LABELS = {
    "unit": "Formateur local de l'unité",
    "academie_pool": "Vivier académique (utilisateurs avancés, formateurs qualifiés)",
    "none": "À désigner",
}


def _months(v: Iterable[int]) -> tuple[int, ...]:
    out = tuple(sorted(set(v), key=lambda m: (m < 8, m)))  # school-year order: Sept … Aug
    for m in out:
        if not 1 <= m <= 12:
            raise ValueError(f"mois {m} invalide (1 à 12)")
    return out


class RoadmapSettings(BaseModel):
    """Settings of steps 2–6 (French labels in ``title``)."""

    model_config = ConfigDict(validate_assignment=True, extra="forbid")

    # step 2
    themes: tuple[str, ...] = Field(DEFAULT_THEMES, title="Thèmes des groupes de travail (par défaut)",
                                    description="Thèmes proposés à chaque unité ; le chef d'établissement ou l'IEN les modifie.")
    wg_meetings: int = Field(3, ge=1, le=12, title="Réunions par groupe de travail")
    wg_minutes: int = Field(90, ge=30, le=240, title="Durée d'une réunion de groupe de travail (min)")
    wg_gap_days: int = Field(14, ge=0, le=90, title="Écart minimal entre deux réunions d'un même groupe (jours)")
    wg_max_participants: int = Field(15, ge=1, le=200, title="Participants max. par groupe de travail")
    step2_delay_days: int = Field(1, ge=0, le=120, title="Délai après la dernière session d'étape 1 (jours)",
                                  description="Les groupes de travail commencent au plus tôt ce nombre de jours après la dernière session d'étape 1 de l'unité.")
    restitution_etablissement: Restitution = Field("conseil_pedagogique", title="Restitution des groupes (établissement)")
    restitution_circonscription: Restitution = Field("cafe_ia", title="Restitution des groupes (circonscription)")
    restitution_minutes: int = Field(60, ge=30, le=240, title="Durée de la restitution (min)")
    # step 3
    charter_meetings: int = Field(2, ge=1, le=10, title="Réunions de rédaction de la charte")
    charter_minutes: int = Field(60, ge=30, le=240, title="Durée d'une réunion de rédaction (min)")
    charter_window: WindowName = Field("after_school", title="Fenêtre des réunions de rédaction",
                                description="Créneau où la délégation d'élèves (CVC, CVL, conseil d'école) peut se réunir.")
    charter_gap_days: int = Field(7, ge=0, le=90, title="Écart minimal entre deux réunions de rédaction (jours)")
    pupils_delegation: int = Field(8, ge=1, le=100, title="Taille de la délégation d'élèves")
    # step 4 (and the charter's adoption): governing bodies, window « governing_body »
    ca_months: tuple[int, ...] = Field((11, 3, 6), title="Mois des conseils d'administration")
    conseil_ecole_months: tuple[int, ...] = Field((11, 3, 6), title="Mois des conseils d'école (un par trimestre)")
    conseil_pedagogique_months: tuple[int, ...] = Field((10, 2, 5), title="Mois des conseils pédagogiques")
    cvc_cvl_months: tuple[int, ...] = Field((12, 4), title="Mois des CVC / CVL")
    governing_body_minutes: int = Field(120, ge=30, le=240, title="Durée d'une séance d'instance (min)")
    ca_members: int = Field(24, ge=0, le=100, title="Membres du conseil d'administration")
    conseil_pedagogique_members: int = Field(12, ge=0, le=100, title="Membres du conseil pédagogique")
    cvc_cvl_members: int = Field(10, ge=0, le=100, title="Membres du CVC / CVL")
    # step 5
    briques: BriqueSettings = Field(default_factory=BriqueSettings, title="Réglages des briques")
    default_briques: dict[str, tuple[str, ...]] = Field(default_factory=lambda: dict(DEFAULT_BRIQUES),
                                                       title="Briques par défaut selon le profil")
    briques_after_working_groups: bool = Field(True, title="Briques après les groupes de travail",
                                               description="Sinon, dès la fin de l'étape 1.")
    brique_trainer_source: BriqueTrainerSource = Field("unit", title="Formateur des briques")
    # step 6
    rentree_minutes: int = Field(120, ge=30, le=240, title="Durée de la réunion de rentrée (min)")
    cafes_ia: int = Field(2, ge=0, le=12, title="Cafés IA pour les parents")
    cafe_minutes: int = Field(90, ge=30, le=240, title="Durée d'un café IA (min)")
    cafe_gap_days: int = Field(42, ge=0, le=180, title="Écart minimal entre deux cafés IA (jours)")
    cafe_participants: int = Field(30, ge=0, le=500, title="Parents attendus par café IA")
    family_room_capacity: int = Field(120, ge=10, le=2000, title="Capacité d'une salle pour les familles",
                                      description="Réunion de rentrée : une réunion par niveau, en autant de salles que "
                                                  "les familles (une par élève) le demandent ; plafond des cafés IA.")
    restitution_room_capacity: int = Field(60, ge=5, le=2000, title="Capacité de la salle de restitution",
                                           description="Participants d'une restitution des groupes de travail "
                                                       "(conseil pédagogique élargi ou café IA des enseignants).")

    @field_validator("ca_months", "conseil_ecole_months", "conseil_pedagogique_months", "cvc_cvl_months")
    @classmethod
    def _m(cls, v: tuple[int, ...]) -> tuple[int, ...]:
        return _months(v)

    @field_validator("themes")
    @classmethod
    def _themes(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        v = tuple(t.strip() for t in v if t.strip())
        if not v:
            raise ValueError("au moins un thème de groupe de travail est attendu")
        return v

    @classmethod
    def label(cls, field: str) -> str:
        return cls.model_fields[field].title or field


class UnitRoadmapChoices(BaseModel):
    """A unit's own choices for steps 2–6 (edited by the head or the IEN)."""

    model_config = ConfigDict(validate_assignment=True, extra="forbid")

    unit_type: Literal["circonscription", "etablissement"] = Field(title="Type d'unité")
    unit_id: str = Field(min_length=1, title="Unité")
    themes: list[str] = Field(default_factory=lambda: list(DEFAULT_THEMES), title="Thèmes des groupes de travail")
    briques: list[str] = Field(default_factory=list, title="Briques choisies")
    meeting_dates: dict[str, list[dt.date]] = Field(default_factory=dict, title="Dates de réunion choisies",
                                                    description="Remplacent le calendrier par défaut de l'instance ou de la réunion.")

    @field_validator("themes")
    @classmethod
    def _themes(cls, v: list[str]) -> list[str]:
        v = [t.strip() for t in v if t.strip()]
        if len(set(v)) != len(v):
            raise ValueError("thèmes en double")
        return v

    @field_validator("briques")
    @classmethod
    def _briques(cls, v: list[str]) -> list[str]:
        out: list[str] = []
        for b in v:
            b = b.strip().upper()
            if b and b not in out:
                out.append(b)
        return out

    @field_validator("meeting_dates")
    @classmethod
    def _dates(cls, v: dict[str, list[dt.date]]) -> dict[str, list[dt.date]]:
        for k in v:
            if k not in MEETING_KEYS:
                raise ValueError(f"réunion inconnue « {k} » (attendu : {', '.join(MEETING_KEYS)})")
        return {k: sorted(set(ds)) for k, ds in v.items()}

    @model_validator(mode="after")
    def _fit(self) -> "UnitRoadmapChoices":
        if self.unit_type == "circonscription" and ("conseil_administration" in self.meeting_dates or "cvc_cvl" in self.meeting_dates):
            raise ValueError("une circonscription n'a ni conseil d'administration ni CVC/CVL (conseil d'école)")
        if self.unit_type == "etablissement" and "conseil_ecole" in self.meeting_dates:
            raise ValueError("un établissement n'a pas de conseil d'école (conseil d'administration)")
        return self


def profile_of(unit_type: str, etab_type: str = "") -> str:
    return "ecole" if unit_type == "circonscription" else (etab_type or "college")


def default_unit_choices(unit_type: str, unit_id: str, profile: str, settings: RoadmapSettings | None = None) -> UnitRoadmapChoices:
    rs = settings or RoadmapSettings()
    return UnitRoadmapChoices.model_construct(
        unit_type=unit_type, unit_id=unit_id, themes=list(rs.themes),
        briques=list(rs.default_briques.get(profile, DEFAULT_BRIQUES.get(profile, ()))), meeting_dates={},
    )


def default_choices(scenario: _Units, overrides: dict | Iterable[UnitRoadmapChoices] | None = None,
                    settings: RoadmapSettings | None = None, *,
                    shared: bool = False) -> dict[tuple[str, str], UnitRoadmapChoices]:
    """Every circonscription's and in-scope établissement's choices: the scenario's own
    (``scenario.roadmap_choices``) over the defaults by profile, then ``overrides`` over both. ``shared``: one
    default object per unit type and profile, without its unit's id, for a reader that only reads them (the
    checker: 11,000 objects fewer on a national plan)."""
    rs = settings or getattr(scenario, "roadmap", None) or RoadmapSettings()
    made: dict[tuple[str, str], UnitRoadmapChoices] = {}

    def default(unit_type: str, unit_id: str, profile: str) -> UnitRoadmapChoices:
        if not shared:
            return default_unit_choices(unit_type, unit_id, profile, rs)
        ch = made.get((unit_type, profile))
        if ch is None:
            ch = made[(unit_type, profile)] = default_unit_choices(unit_type, "", profile, rs)
        return ch

    out: dict[tuple[str, str], UnitRoadmapChoices] = {}
    for c in scenario.circonscriptions:
        out[("circonscription", c.id)] = default("circonscription", c.id, "ecole")
    for e in scenario.in_scope_etablissements():
        out[("etablissement", e.uai)] = default("etablissement", e.uai, e.type)
    for src in (getattr(scenario, "roadmap_choices", None) or (), _iter_overrides(overrides)):
        for ch in src:
            key = (ch.unit_type, ch.unit_id)
            if key in out:
                out[key] = ch
    return out


def unit_choices(scenario: _Units, unit_type: str, unit_id: str, settings: RoadmapSettings | None = None
                 ) -> tuple[UnitRoadmapChoices, UnitRoadmapChoices] | None:
    """(the unit's choices, the defaults of its profile): what :func:`default_choices` gives for that unit with and
    without the scenario's own choices, without making those of the 11,000 others (a national scenario: 0.23 s);
    None for a unit that is neither a circonscription nor an in-scope établissement of the scenario."""
    rs = settings or getattr(scenario, "roadmap", None) or RoadmapSettings()
    profile = None
    if unit_type == "circonscription":
        profile = "ecole" if any(c.id == unit_id for c in scenario.circonscriptions) else None
    elif unit_type == "etablissement":
        profile = next((e.type for e in scenario.in_scope_etablissements() if e.uai == unit_id), None)
    if profile is None:
        return None
    default = current = default_unit_choices(unit_type, unit_id, profile, rs)
    for ch in getattr(scenario, "roadmap_choices", None) or ():
        if ch.unit_type == unit_type and ch.unit_id == unit_id:
            current = ch  # (the last, as default_choices takes it)
    return current, default


def _iter_overrides(overrides) -> list[UnitRoadmapChoices]:
    if not overrides:
        return []
    if isinstance(overrides, dict):
        return list(overrides.values())
    return list(overrides)
