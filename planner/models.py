"""Domain models of the rollout (pydantic v2). No Qt, no OR-Tools.

Invalid values are refused with a French message naming the field; :func:`french_errors`
turns any pydantic ``ValidationError`` into French sentences for the user.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .roadmap_models import RoadmapSettings, UnitRoadmapChoices
from .settings import AUDIENCES, Settings, WindowName
from .text import fold

UAI_RE = re.compile(r"^\d{7}[A-Z]$")
UAI_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"  # 23 letters: the official check-letter alphabet

Zone = Literal["A", "B", "C"]
EtabType = Literal["college", "lycee", "lp", "erea"]
Sector = Literal["public", "prive"]
Role = Literal["fdf", "cpc", "erun", "trainer_2d", "advanced_user"]
UnitType = Literal["academie", "departement", "circonscription", "bassin", "etablissement"]

ETAB_TYPE_LABELS = {"college": "Collège", "lycee": "Lycée", "lp": "Lycée professionnel", "erea": "EREA"}
ROLE_LABELS = {
    "fdf": "Formateur de formateurs",
    "cpc": "Conseiller pédagogique (CPC)",
    "erun": "Référent numérique (eRUN)",
    "trainer_2d": "Formateur d'établissement",
    "advanced_user": "Utilisateur avancé",
}
UNIT_TYPE_LABELS = {
    "academie": "Académie",
    "departement": "Département",
    "circonscription": "Circonscription",
    "bassin": "Bassin",
    "etablissement": "Établissement",
}


def uai_check_letter(digits: str) -> str:
    """Official UAI check letter for 7 digits (remainder of the number by 23)."""
    return UAI_LETTERS[int(digits) % 23]


def _headcount(v: int, field: str) -> int:
    if v is None:
        return 0
    if v < 0:
        raise ValueError(f"l'effectif « {field} » ne peut pas être négatif (reçu {v})")
    if v > 2_000_000:
        raise ValueError(f"l'effectif « {field} » est invraisemblable (reçu {v})")
    return v


class _Model(BaseModel):
    model_config = ConfigDict(frozen=False, extra="forbid", str_strip_whitespace=True)


CalendarPopulation = Literal["-", "Élèves", "Enseignants"]


class CalendarPeriod(_Model):
    """One period of an official school calendar (dataset fr-en-calendrier-scolaire): days off from
    ``start`` to the day before ``end`` (``end`` is the day of return), French dates."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    description: str = Field(title="Description")
    population: CalendarPopulation = Field("-", title="Population", description="« - » : tous ; « Élèves » ; « Enseignants »")
    start: dt.date = Field(title="Premier jour")
    end: dt.date = Field(title="Jour du retour")
    school_year: str = Field(title="Année scolaire")

    @model_validator(mode="after")
    def _ordered(self) -> "CalendarPeriod":
        if self.end <= self.start:
            raise ValueError(f"end : le retour ({self.end.isoformat()}) doit suivre le premier jour ({self.start.isoformat()})")
        return self


class Academie(_Model):
    code: str = Field(title="Code académie")
    name: str = Field(min_length=1, title="Nom")
    zone: str = Field(title="Zone de vacances", description="A, B, C, ou calendrier propre (Corse, outre-mer)")
    calendar_zone: Zone = Field(title="Zone du calendrier utilisé")
    calendar_approximate: bool = Field(False, title="Calendrier approché")
    timezone: str = Field("Europe/Paris", title="Fuseau horaire")
    calendar_periods: list[CalendarPeriod] = Field(
        default_factory=list, title="Calendrier scolaire officiel importé",
        description="Vide : le calendrier embarqué (zones A, B, C ; Corse et outre-mer : data/calendrier_scolaire.csv).")

    @field_validator("code")
    @classmethod
    def _code(cls, v: str) -> str:
        if not re.fullmatch(r"\d{2}", v):
            raise ValueError(f"code académie « {v} » invalide : deux chiffres attendus (ex. 16 Toulouse)")
        return v


class Departement(_Model):
    code: str = Field(title="Code département")
    name: str = Field(min_length=1, title="Nom")
    academie: str = Field(title="Académie")

    @field_validator("code")
    @classmethod
    def _code(cls, v: str) -> str:
        if not re.fullmatch(r"(\d{3}|02A|02B)", v):
            raise ValueError(f"code département « {v} » invalide : trois caractères attendus (ex. 031, 02A, 974)")
        return v


class Circonscription(_Model):
    id: str = Field(min_length=1, title="Identifiant")
    name: str = Field(min_length=1, title="Nom")
    departement: str = Field(title="Département")
    academie: str = Field(title="Académie")
    teachers: int = Field(0, title="Enseignants")
    teachers_estimated: bool = Field(True, title="Effectif estimé", description="Effectif calculé (élèves, parts nationales), pas un décompte réel.")
    seat: str = Field("", title="Siège (école ou adresse de l'IEN)")
    address: str = Field("", title="Adresse du siège")
    commune: str = Field("", title="Commune du siège")
    postcode: str = Field("", title="Code postal")
    latitude: float | None = Field(None, ge=-90, le=90, title="Latitude")
    longitude: float | None = Field(None, ge=-180, le=180, title="Longitude")

    @field_validator("teachers")
    @classmethod
    def _t(cls, v: int) -> int:
        return _headcount(v, "enseignants")


class Ecole(_Model):
    """An école of a circonscription (imported annuaires only): its teachers join the
    circonscription's 1er-degré groups."""

    uai: str = Field(title="UAI")
    name: str = Field(min_length=1, title="Nom")
    circonscription: str = Field(title="Circonscription")
    departement: str = Field(title="Département")
    academie: str = Field(title="Académie")
    sector: Sector = Field("public", title="Secteur")
    teachers: int = Field(0, title="Enseignants")
    teachers_estimated: bool = Field(True, title="Effectif estimé")
    pupils: int = Field(0, title="Élèves")
    address: str = Field("", title="Adresse")
    commune: str = Field("", title="Commune")
    phone: str = Field("", title="Téléphone")
    postcode: str = Field("", title="Code postal")
    latitude: float | None = Field(None, ge=-90, le=90, title="Latitude")
    longitude: float | None = Field(None, ge=-180, le=180, title="Longitude")

    @field_validator("teachers", "pupils")
    @classmethod
    def _t(cls, v: int) -> int:
        return _headcount(v, "effectif de l'école")


class Bassin(_Model):
    id: str = Field(min_length=1, title="Identifiant")
    name: str = Field(min_length=1, title="Nom")
    departement: str = Field(title="Département")
    academie: str = Field(title="Académie")
    perdir: int = Field(0, title="Personnels de direction")
    perdir_estimated: bool = Field(False, title="Effectif estimé", description="Personnels de direction calculés (établissements du bassin, parts nationales), pas un décompte réel.")

    @field_validator("perdir")
    @classmethod
    def _p(cls, v: int) -> int:
        return _headcount(v, "personnels de direction")


class Etablissement(_Model):
    uai: str = Field(title="UAI")
    name: str = Field(min_length=1, title="Nom")
    type: EtabType = Field(title="Type")
    sector: Sector = Field("public", title="Secteur")
    commune: str = Field("", title="Commune")
    address: str = Field("", title="Adresse")
    departement: str = Field(title="Département")
    academie: str = Field(title="Académie")
    bassin: str = Field("", title="Bassin")
    teachers: int = Field(0, title="Enseignants")
    pupils: int = Field(0, title="Élèves")
    teachers_estimated: bool = Field(True, title="Effectif estimé", description="Enseignants estimés d'après les élèves : remplaçable par le décompte réel (colonne du modèle XLSX).")
    phone: str = Field("", title="Téléphone")
    postcode: str = Field("", title="Code postal")
    latitude: float | None = Field(None, ge=-90, le=90, title="Latitude")
    longitude: float | None = Field(None, ge=-180, le=180, title="Longitude")

    @field_validator("uai", mode="before")
    @classmethod
    def _uai(cls, v: object) -> str:
        s = str(v).strip().upper()
        if not UAI_RE.fullmatch(s):
            raise ValueError(f"UAI « {v} » invalide : 7 chiffres suivis d'une lettre attendus (ex. 0310001A)")
        return s

    @field_validator("teachers")
    @classmethod
    def _t(cls, v: int) -> int:
        return _headcount(v, "enseignants")

    @field_validator("pupils")
    @classmethod
    def _pu(cls, v: int) -> int:
        return _headcount(v, "élèves")


class Trainer(_Model):
    id: str = Field(min_length=1, title="Identifiant")
    name: str = Field("", title="Nom")
    role: Role = Field(title="Rôle")
    academie: str = Field(title="Académie")
    unit_type: UnitType = Field(title="Type d'unité de rattachement")
    unit_id: str = Field(title="Unité de rattachement")
    qualified: bool = Field(False, title="Déjà qualifié", description="Utilisateur avancé : n'a pas besoin de formation de formateurs.")

    @model_validator(mode="after")
    def _home(self) -> "Trainer":
        if self.role == "fdf" and self.unit_type != "academie":
            raise ValueError("unit_type : un formateur de formateurs est rattaché à une académie")
        if self.role in ("cpc", "erun") and self.unit_type != "circonscription":
            raise ValueError("unit_type : un CPC ou eRUN est rattaché à une circonscription")
        if self.role == "trainer_2d" and self.unit_type != "etablissement":
            raise ValueError("unit_type : un formateur d'établissement est rattaché à un établissement")
        return self

    @property
    def is_local(self) -> bool:
        return self.role != "fdf"


class Pin(_Model):
    """A session fixed by a user: group ``group`` (1-based) of a unit's step-1 sessions."""

    unit_type: UnitType = Field(title="Type d'unité")
    unit_id: str = Field(title="Unité")
    group: int = Field(ge=1, title="Groupe")
    date: dt.date = Field(title="Date")
    start: str = Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$", title="Heure de début")


class Preference(_Model):
    """A school head's preferred window (and optionally date) for a unit's step-1 sessions."""

    unit_type: UnitType = Field(title="Type d'unité")
    unit_id: str = Field(title="Unité")
    window: WindowName = Field(title="Fenêtre")
    date: dt.date | None = Field(None, title="Date")


class Scenario(_Model):
    name: str = Field(title="Nom du scénario")
    description: str = Field("", title="Description")
    source: str = Field("", title="Sources des données")
    settings: Settings = Field(default_factory=Settings)
    academies: list[Academie] = Field(default_factory=list)
    departements: list[Departement] = Field(default_factory=list)
    circonscriptions: list[Circonscription] = Field(default_factory=list)
    bassins: list[Bassin] = Field(default_factory=list)
    etablissements: list[Etablissement] = Field(default_factory=list)
    ecoles: list[Ecole] = Field(default_factory=list, title="Écoles (annuaire importé)")
    inspectors: dict[str, int] = Field(default_factory=dict, title="Inspecteurs par département")
    inspectors_estimated: list[str] = Field(default_factory=list, title="Inspecteurs estimés (départements)", description="Départements dont le nombre d'inspecteurs est calculé (unités du département, parts nationales), pas un décompte réel.")
    trainers: list[Trainer] = Field(default_factory=list)
    pins: list[Pin] = Field(default_factory=list)
    preferences: list[Preference] = Field(default_factory=list)
    roadmap: RoadmapSettings = Field(default_factory=RoadmapSettings, title="Feuille de route (étapes 2 à 6)")
    roadmap_choices: list[UnitRoadmapChoices] = Field(default_factory=list, title="Choix des unités (thèmes, briques, dates)")

    @field_validator("inspectors")
    @classmethod
    def _insp(cls, v: dict[str, int]) -> dict[str, int]:
        for k, n in v.items():
            _headcount(n, f"inspecteurs ({k})")
        return v

    @model_validator(mode="after")
    def _references(self) -> "Scenario":
        acad = {a.code for a in self.academies}
        deps = {d.code: d for d in self.departements}
        for d in self.departements:
            if d.academie not in acad:
                raise ValueError(f"département {d.code} : académie inconnue « {d.academie} »")
        seen: set[str] = set()
        for kind, units in (("circonscription", self.circonscriptions), ("bassin", self.bassins)):
            for u in units:
                if u.departement not in deps:
                    raise ValueError(f"{kind} {u.id} : département inconnu « {u.departement} »")
                if u.id in seen:
                    raise ValueError(f"{kind} {u.id} : identifiant en double")
                seen.add(u.id)
        uais: set[str] = set()
        for e in self.etablissements:
            if e.departement not in deps:
                raise ValueError(f"établissement {e.uai} : département inconnu « {e.departement} »")
            if e.uai in uais:
                raise ValueError(f"établissement {e.uai} : UAI en double")
            uais.add(e.uai)
        circ_ids = {c.id for c in self.circonscriptions}
        for e in self.ecoles:
            if e.circonscription not in circ_ids:
                raise ValueError(f"école {e.uai} : circonscription inconnue « {e.circonscription} »")
            if e.uai in uais:
                raise ValueError(f"école {e.uai} : UAI en double")
            uais.add(e.uai)
        tids: set[str] = set()
        for t in self.trainers:
            if t.id in tids:
                raise ValueError(f"formateur {t.id} : identifiant en double")
            tids.add(t.id)
        return self

    # ----------------------------------------------------------------- helpers
    def academie(self, code: str) -> Academie:
        for a in self.academies:
            if a.code == code:
                return a
        raise KeyError(code)

    def find_academie(self, code_or_name: str) -> Academie | None:
        """Find an académie by official code ("16", "6") or name ("Toulouse", case/accents free)."""
        return next((a for a in self.academies if academie_matches(a.code, a.name, code_or_name)), None)

    def restricted_to(self, academie_code: str | Iterable[str]) -> "Scenario":
        """The same scenario with only one académie (or a few: an iterable of codes), its FdF, units and cadres."""
        codes = {academie_code} if isinstance(academie_code, str) else set(academie_code)
        deps = {d.code for d in self.departements if d.academie in codes}
        return Scenario.model_construct(
            name=self.name,
            description=self.description,
            source=self.source,
            settings=self.settings,
            academies=[a for a in self.academies if a.code in codes],
            departements=[d for d in self.departements if d.academie in codes],
            circonscriptions=[c for c in self.circonscriptions if c.academie in codes],
            bassins=[b for b in self.bassins if b.academie in codes],
            etablissements=[e for e in self.etablissements if e.academie in codes],
            ecoles=[e for e in self.ecoles if e.academie in codes],
            inspectors={k: v for k, v in self.inspectors.items() if k in deps},
            inspectors_estimated=[d for d in self.inspectors_estimated if d in deps],
            trainers=[t for t in self.trainers if t.academie in codes],
            pins=[p for p in self.pins if _pin_in(p, self, codes)],
            preferences=[p for p in self.preferences if _pin_in(p, self, codes)],
            roadmap=self.roadmap,
            roadmap_choices=[c for c in self.roadmap_choices if _pin_in(c, self, codes)],
        )

    def fingerprint(self) -> str:
        return hashlib.sha256(self.model_dump_json().encode()).hexdigest()[:16]

    def in_scope_ecoles(self) -> list[Ecole]:
        if self.settings.include_private:
            return list(self.ecoles)
        return [e for e in self.ecoles if e.sector == "public"]

    def in_scope_etablissements(self) -> list[Etablissement]:
        if self.settings.include_private:
            return list(self.etablissements)
        return [e for e in self.etablissements if e.sector == "public"]


def _pin_in(p: Pin | Preference | UnitRoadmapChoices, sc: Scenario, codes: set[str]) -> bool:
    if p.unit_type == "etablissement":
        return any(e.uai == p.unit_id and e.academie in codes for e in sc.etablissements)
    if p.unit_type == "circonscription":
        return any(c.id == p.unit_id and c.academie in codes for c in sc.circonscriptions)
    if p.unit_type == "bassin":
        return any(b.id == p.unit_id and b.academie in codes for b in sc.bassins)
    if p.unit_type == "departement":
        return any(d.code == p.unit_id and d.academie in codes for d in sc.departements)
    return p.unit_id in codes


def _fold(s: str) -> str:
    """An académie's name as compared: trimmed, folded (:func:`planner.text.fold`), spaces as hyphens."""
    return fold(s.strip()).replace(" ", "-")


def academie_matches(code: str, name: str, query: str) -> bool:
    """Does ``query`` designate this académie: its code ("16", "6") or its name, case and accents free?"""
    q = query.strip()
    return (q.isdigit() and q.zfill(2) == code) or _fold(name) == _fold(q)


_PYDANTIC_FR = {
    "missing": "champ obligatoire manquant",
    "int_parsing": "nombre entier attendu",
    "int_type": "nombre entier attendu",
    "float_parsing": "nombre attendu",
    "bool_parsing": "valeur oui/non attendue",
    "date_parsing": "date attendue (AAAA-MM-JJ)",
    "date_from_datetime_parsing": "date attendue (AAAA-MM-JJ)",
    "string_pattern_mismatch": "format invalide",
    "string_too_short": "valeur vide",
    "literal_error": "valeur non autorisée",
    "greater_than_equal": "valeur trop petite",
    "greater_than": "valeur trop petite",
    "less_than_equal": "valeur trop grande",
    "less_than": "valeur trop grande",
    "extra_forbidden": "champ inconnu",
    "string_type": "texte attendu",
}


def french_errors(exc: ValidationError) -> list[str]:
    """French sentences, one per error: « Fin de l'horizon : la fin de l'horizon doit suivre son début ».

    Each names the field by its French title when it has one (else « champ « nom » »), then the reason;
    the value received is quoted only when it is short (never a dump of the whole object)."""
    out = []
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ())]
        if err["type"] == "value_error":
            msg = str(err.get("ctx", {}).get("error", err["msg"]))
        else:
            msg = _PYDANTIC_FR.get(err["type"], err["msg"])
            ctx = err.get("ctx") or {}
            if "ge" in ctx:
                msg += f" (minimum {ctx['ge']})"
            if "le" in ctx:
                msg += f" (maximum {ctx['le']})"
            if "expected" in ctx:
                msg += f" (attendu : {ctx['expected']})"
        named = re.match(r"([a-z_][a-z0-9_]*) : (.+)", msg, re.S)
        if named and not loc:  # a check of the whole object that names its field first: « end_date : … »
            loc, msg = [named.group(1)], named.group(2)
        value = err.get("input")
        shown = "" if isinstance(value, (dict, list, tuple, set)) or not loc or len(repr(value)) > 60 \
            or "reçu" in msg else f" (reçu : {_value_fr(value)})"
        out.append(f"{_field_label(loc)} : {msg}{shown}"[:400])
    return out


def _field_label(loc: list[str]) -> str:
    """« Fin de l'horizon » for the setting ``end_date`` (what the settings panel shows); « UAI (uai) » for a
    field of the data (its column name helps whoever fixes the file); « champ « x.y » » without a title."""
    names = [p for p in loc if not p.isdigit()]
    if not names:
        return "Objet"
    title, is_setting = _field_titles().get(names[-1], ("", False))
    if title and is_setting and len(loc) == 1:
        return title
    if title:
        return f"{title} ({'.'.join(loc)})"
    return f"champ « {'.'.join(loc)} »"


def _field_titles() -> dict[str, tuple[str, bool]]:
    """Field name → (French title, is a setting)."""
    titles: dict[str, tuple[str, bool]] = {}
    for model in (Settings, Scenario, Academie, Departement, Circonscription, Bassin, Etablissement, Trainer, Pin,
                  Preference):
        for name, f in model.model_fields.items():
            if f.title and name not in titles:
                titles[name] = (f.title, model is Settings)
    return titles


def _value_fr(value) -> str:
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, float):
        return str(value).replace(".", ",")
    return repr(value) if isinstance(value, str) else str(value)


__all__ = [
    "AUDIENCES",
    "Academie",
    "Bassin",
    "CalendarPeriod",
    "Circonscription",
    "Departement",
    "Ecole",
    "Etablissement",
    "Pin",
    "Preference",
    "Scenario",
    "Settings",
    "Trainer",
    "french_errors",
    "uai_check_letter",
]
