"""Settings of a scenario: one pydantic model, French labels (``title``) and tooltips (``description``).

Everything the report calls a hypothesis is here, with the report's figure as the default.
"""
from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from .budget import BudgetSettings
from .school_year import default_dates, horizon, parse_school_year, school_year_label
from .school_year import today as _today
from .text import hhmm_minutes as _hhmm_minutes

WINDOW_NAMES = (
    "pre_rentree",
    "wednesday_am",
    "wednesday_pm",
    "after_school",
    "end_of_year",
    "banalised_day",
    "bassin_meeting",
    "inspectors_meeting",
    "summer_training",
    "school_day",
    "evening",
    "rentree_meeting",
    "governing_body",
    "rentree_seminar",
)

def _known_window(v: str) -> str:
    if v not in WINDOW_NAMES:
        raise ValueError(f"fenêtre inconnue « {v} »")
    return v


WindowName = Annotated[str, AfterValidator(_known_window)]  # one of WINDOW_NAMES, French error otherwise

AUDIENCES = ("teachers_1d", "teachers_2d", "perdir", "inspectors", "trainers")

AUDIENCE_LABELS = {
    "teachers_1d": "Enseignants du 1er degré",
    "teachers_2d": "Enseignants du 2nd degré",
    "perdir": "Personnels de direction",
    "inspectors": "Inspecteurs (IEN, IA-IPR)",
    "trainers": "Formateurs locaux",
    "teachers": "Enseignants",
    "staff": "Personnels",
    "pupils": "Élèves",
    "families": "Familles",
}

DayRule = Literal[
    "weekly",  # the given weekdays, on the zone's school days
    "pre_rentree",  # the teachers' pré-rentrée day(s) of each school year in the horizon
    "end_of_year",  # the last ``day_count`` school days before the summer holiday
    "dates",  # explicit dates (banalised days), when they are school days
    "summer",  # the ``day_count`` weekdays before the pré-rentrée (not public holidays)
    "bassin_meeting",  # generated: one meeting per bassin per month (see meetings)
    "inspectors_meeting",  # generated: one collège d'inspecteurs per département per month
    "september",  # school days of September
    "rentree_seminar",  # the académie's rentrée seminar of heads (Settings.rentree_seminar_dates, else late August)
]

HHMM = r"^([01]\d|2[0-3]):[0-5]\d$"


class Period(BaseModel):
    model_config = ConfigDict(frozen=True)
    start: str = Field(pattern=HHMM, title="Début")
    end: str = Field(pattern=HHMM, title="Fin")

    @model_validator(mode="after")
    def _ordered(self) -> "Period":
        if self.end <= self.start:
            raise ValueError(f"la fin ({self.end}) doit suivre le début ({self.start})")
        return self

    def minutes(self) -> tuple[int, int]:
        return _hhmm_minutes(self.start), _hhmm_minutes(self.end)


def _as_date(v: object) -> object:
    if isinstance(v, str):
        try:
            return dt.date.fromisoformat(v.strip())
        except ValueError:
            return v
    return v


def _p(a: str, b: str) -> Period:
    return Period(start=a, end=b)


class WindowSpec(BaseModel):
    """When a window is open: a rule choosing days, and periods within those days."""

    model_config = ConfigDict(frozen=True)
    label: str = Field(title="Libellé")
    rule: DayRule = Field(title="Règle des jours")
    weekdays: tuple[int, ...] = Field(default=(), title="Jours de la semaine (0 = lundi)")
    periods: tuple[Period, ...] = Field(title="Plages horaires")
    day_count: int = Field(default=0, ge=0, le=60, title="Nombre de jours")
    dates: tuple[dt.date, ...] = Field(default=(), title="Dates")

    @field_validator("weekdays")
    @classmethod
    def _weekdays(cls, v: tuple[int, ...]) -> tuple[int, ...]:
        for d in v:
            if not 0 <= d <= 6:
                raise ValueError(f"jour de semaine {d} invalide (0 = lundi … 6 = dimanche)")
        return tuple(sorted(set(v)))


MORNING_AFTERNOON = (_p("09:00", "12:00"), _p("14:00", "17:00"))

DEFAULT_WINDOWS: dict[str, WindowSpec] = {
    "pre_rentree": WindowSpec(label="Pré-rentrée", rule="pre_rentree", periods=MORNING_AFTERNOON),
    "wednesday_am": WindowSpec(label="Mercredi matin", rule="weekly", weekdays=(2,), periods=(_p("09:00", "12:00"),)),
    "wednesday_pm": WindowSpec(label="Mercredi après-midi", rule="weekly", weekdays=(2,), periods=(_p("14:00", "17:00"),)),
    "after_school": WindowSpec(label="Après la classe", rule="weekly", weekdays=(0, 1, 3, 4), periods=(_p("16:30", "17:30"),)),
    "end_of_year": WindowSpec(label="Fin d'année scolaire", rule="end_of_year", day_count=10, periods=MORNING_AFTERNOON),
    "banalised_day": WindowSpec(label="Journée banalisée", rule="dates", periods=MORNING_AFTERNOON),
    "bassin_meeting": WindowSpec(label="Réunion de bassin", rule="bassin_meeting", periods=(_p("09:00", "12:00"),)),
    "inspectors_meeting": WindowSpec(label="Collège des inspecteurs", rule="inspectors_meeting", periods=(_p("14:00", "17:00"),)),
    "summer_training": WindowSpec(label="Formation de fin d'été", rule="summer", day_count=5, periods=MORNING_AFTERNOON),
    "school_day": WindowSpec(label="Jour de classe (formateurs déchargés)", rule="weekly", weekdays=(0, 1, 2, 3, 4), periods=MORNING_AFTERNOON),
    "evening": WindowSpec(label="Soirée", rule="weekly", weekdays=(0, 1, 3, 4), periods=(_p("17:30", "19:30"),)),
    "rentree_meeting": WindowSpec(label="Réunion de rentrée", rule="september", weekdays=(0, 1, 3, 4), periods=(_p("17:30", "19:30"),)),
    "governing_body": WindowSpec(label="Instance (CA, conseil)", rule="weekly", weekdays=(0, 1, 3, 4), periods=(_p("17:30", "19:30"),)),
    "rentree_seminar": WindowSpec(label="Séminaire de rentrée des cadres", rule="rentree_seminar", periods=MORNING_AFTERNOON),
}

ADDED_WINDOWS = ("rentree_seminar",)  # windows added after scenario files were first saved

DEFAULT_AUDIENCE_WINDOWS: dict[str, tuple[str, ...]] = {
    "teachers_1d": ("pre_rentree", "wednesday_am", "after_school"),
    "teachers_2d": ("pre_rentree", "wednesday_pm", "end_of_year", "banalised_day"),
    "perdir": ("bassin_meeting", "rentree_seminar"),
    "inspectors": ("inspectors_meeting", "rentree_seminar"),
    "trainers": ("school_day", "summer_training"),
}

ObjectiveMode = Literal["weighted", "lexicographic"]


class Settings(BaseModel):
    """Every tunable figure of a scenario. ``title`` is the French label shown in the window."""

    model_config = ConfigDict(validate_assignment=True)

    group_size: int = Field(15, ge=1, le=200, title="Taille des groupes", description="Nombre maximal de participants par session (rapport : 15).")
    step1_minutes: int = Field(60, ge=15, le=480, title="Durée d'une session d'étape 1 (min)", description="Durée d'une session de prise en main (rapport : 1 h).")
    tot_minutes: int = Field(180, ge=30, le=480, title="Durée d'une formation de formateurs (min)", description="Non fixée par le rapport : hypothèse 3 h.")
    max_per_local_trainer_per_day: int = Field(4, ge=1, le=12, title="Sessions max. par formateur local et par jour")
    max_per_fdf_per_day: int = Field(2, ge=1, le=12, title="Sessions max. par formateur de formateurs et par jour")
    max_per_local_trainer_per_week: int | None = Field(None, ge=1, le=60, title="Sessions max. par formateur local et par semaine", description="Vide : pas de plafond hebdomadaire.")
    wednesday_mornings_per_term_1d: int | None = Field(None, ge=0, le=15, title="Mercredis matin par trimestre (1er degré)", description="Nombre de mercredis matin qu'une circonscription consacre à l'IA par trimestre (le temps est rare : plans maths et français). Vide : sans limite.")
    # school_year, plan_from, start_date and end_date are filled by ``_school_year_defaults``: never None once built
    school_year: str = Field("", pattern=r"^\d{4}-\d{4}$", title="Année scolaire", description="Année scolaire planifiée (ex. 2026-2027) : horizon, pré-rentrée et vacances en découlent. Par défaut : celle en cours (la suivante pendant l'été).")
    plan_from: dt.date | None = Field(None, title="Planifier à partir du", description="Aucune session, de quelque nature que ce soit, n'est placée avant cette date. Par défaut : aujourd'hui, ou le début de l'horizon si aujourd'hui n'en fait pas partie.")
    start_date: dt.date | None = Field(None, title="Début de l'horizon", description="Par défaut le 15 juin qui précède l'année scolaire : les formateurs peuvent être formés avant l'été.")
    end_date: dt.date | None = Field(None, title="Fin de l'horizon", description="Par défaut la veille des vacances d'été de l'année scolaire.")
    step1_start_date: dt.date | None = Field(None, title="Sessions d'étape 1 à partir du", description="Aucune session d'étape 1 (enseignants, cadres) avant cette date. Vide : la pré-rentrée de l'année scolaire, celle de chaque académie (les équipes de l'année sont alors connues). Une date antérieure permet de former dès la fin de l'année précédente. La formation de formateurs peut commencer avant.")
    include_private: bool = Field(False, title="Inclure le privé sous contrat")
    include_admin_staff: bool = Field(False, title="Inclure les personnels administratifs", description="Étape 1 : les personnels administratifs des établissements rejoignent les groupes de leurs enseignants (nombre = ratio ci-dessous × enseignants). Les écoles n'en ont pas (le directeur est enseignant).")
    admin_staff_per_teacher: float = Field(0.1, ge=0, le=1, title="Personnels administratifs par enseignant", description="Hypothèse (le rapport ne les compte pas) : environ 1 personnel administratif (secrétariat, gestion, vie scolaire) pour 10 enseignants d'un EPLE.")
    windows: dict[str, WindowSpec] = Field(default_factory=lambda: dict(DEFAULT_WINDOWS), title="Fenêtres")
    audience_windows: dict[str, tuple[str, ...]] = Field(default_factory=lambda: dict(DEFAULT_AUDIENCE_WINDOWS), title="Fenêtres par public")
    heads_first: bool = Field(True, title="Cadres d'abord", description="Le chef d'établissement est formé avant la première session d'étape 1 de ses enseignants et avant l'étape 2 ; l'IEN avant la première session de sa circonscription. Quand c'est impossible, le plan dit quelles unités et pourquoi.")
    rentree_seminar_dates: dict[str, dt.date] = Field(default_factory=dict, title="Séminaire de rentrée des cadres (date par académie)", description="Code d'académie → date du séminaire de rentrée des chefs d'établissement et des inspecteurs. Sans date : le jeudi précédant la pré-rentrée (fin août).")
    bassin_meetings_per_month: int = Field(1, ge=0, le=8, title="Réunions de bassin par mois")
    inspectors_meetings_per_month: int = Field(1, ge=0, le=8, title="Collèges d'inspecteurs par mois")
    objective_mode: ObjectiveMode = Field("weighted", title="Objectif", description="« weighted » : somme pondérée ; « lexicographic » : d'abord la date d'achèvement nationale la plus précoce, puis la somme.")
    weight_completion: float = Field(1.0, ge=0, le=1000, title="Poids : achèvement de chaque unité", description="Coût par jour d'attente jusqu'à la dernière session de chaque unité.")
    weight_academie_latest: float = Field(20.0, ge=0, le=100000, title="Poids : unité la plus tardive de l'académie", description="Équité territoriale : coût par jour de la dernière unité formée de chaque académie.")
    weight_outside_preferred: float = Field(2.0, ge=0, le=1000, title="Poids : session hors créneau préféré", description="Coût d'une session placée hors des créneaux préférés de l'unité (choix des chefs d'établissement).")
    weight_outside_pre_rentree: float = Field(0.0, ge=0, le=1000, title="Poids : session hors pré-rentrée", description="Coût d'une session d'enseignants placée hors de la pré-rentrée.")
    weight_fdf_load: float = Field(1.0, ge=0, le=1000, title="Poids : charge maximale d'un formateur de formateurs")
    travel_speed_kmh: float = Field(40.0, ge=5, le=200, title="Vitesse de déplacement (km/h)", description="Vitesse moyenne d'un formateur entre deux lieux (distance à vol d'oiseau × 1,3).")
    travel_fixed_minutes: int = Field(15, ge=0, le=240, title="Temps fixe de déplacement (min)", description="Temps ajouté à tout changement de lieu (stationnement, accueil).")
    budget: BudgetSettings = Field(default_factory=BudgetSettings, title="Budget (taux, préparation, enveloppes)",
                                   description="Table des taux horaires par catégorie, temps de préparation, "
                                               "base des heures et enveloppes (voir planner/budget.py).")
    keep_announced_sessions: bool = Field(True, title="Suivi : garder les sessions annoncées", description="Lors d'une replanification en cours d'année, les sessions futures déjà annoncées restent à leur place sauf si elles doivent bouger (formateur pas encore formé, créneau fermé). Décoché : tout ce qui n'est pas tenu est replanifié.")
    absentees_to_train: bool = Field(False, title="Suivi : les absents restent à former", description="Les personnes absentes d'une session tenue (inscrits moins présents) restent à former : des groupes de rattrapage sont ajoutés.")
    makeup_min_absent: int = Field(8, ge=1, le=200, title="Suivi : absents pour un groupe de rattrapage", description="Nombre minimal d'absents d'une unité pour créer un groupe de rattrapage.")

    @field_validator("school_year")
    @classmethod
    def _school_year(cls, v: str) -> str:
        return school_year_label(parse_school_year(v))

    @field_validator("windows")
    @classmethod
    def _known_windows(cls, v: dict[str, WindowSpec]) -> dict[str, WindowSpec]:
        for w in ADDED_WINDOWS:  # scenarios saved before these windows existed get their defaults
            v.setdefault(w, DEFAULT_WINDOWS[w])
        missing = [w for w in WINDOW_NAMES if w not in v]
        if missing:
            raise ValueError(f"fenêtres manquantes : {', '.join(missing)}")
        unknown = [w for w in v if w not in WINDOW_NAMES]
        if unknown:
            raise ValueError(f"fenêtres inconnues : {', '.join(unknown)}")
        return v

    @field_validator("audience_windows")
    @classmethod
    def _audiences(cls, v: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
        for aud, wins in v.items():
            if aud not in AUDIENCES:
                raise ValueError(f"public inconnu : {aud}")
            for w in wins:
                if w not in WINDOW_NAMES:
                    raise ValueError(f"fenêtre inconnue « {w} » pour le public {aud}")
        for aud in AUDIENCES:
            v.setdefault(aud, DEFAULT_AUDIENCE_WINDOWS[aud])
        return v

    @model_validator(mode="before")
    @classmethod
    def _school_year_defaults(cls, data: object) -> object:
        """School year, horizon and plan_from from the clock (one rule, :mod:`planner.school_year`)."""
        if not isinstance(data, dict):
            return data
        data = dict(data)
        start, end = _as_date(data.get("start_date")), _as_date(data.get("end_date"))
        if data.get("school_year"):
            try:
                year: int | None = parse_school_year(data["school_year"])
            except ValueError:
                return data  # the field's pattern names the error
        elif isinstance(start, dt.date):
            year = start.year if start.month >= 6 else start.year - 1
        elif isinstance(end, dt.date):
            year = end.year - 1 if end.month < 8 else end.year
        else:
            year = None
        now = _today()
        year, _ = default_dates(now, year)
        h0, h1 = horizon(year)
        data["school_year"] = school_year_label(year)
        if data.get("start_date") is None:
            data["start_date"] = start = h0
        if data.get("end_date") is None:
            data["end_date"] = end = h1
        if data.get("plan_from") is None and isinstance(start, dt.date) and isinstance(end, dt.date):
            data["plan_from"] = now if start <= now <= end else start
        return data

    @model_validator(mode="after")
    def _horizon(self) -> "Settings":
        if self.start_date is None or self.end_date is None:
            return self  # an invalid school year, already reported
        if self.end_date <= self.start_date:
            raise ValueError("end_date : la fin de l'horizon doit suivre son début")
        if (self.end_date - self.start_date).days > 800:
            raise ValueError("end_date : horizon limité à deux années scolaires")
        if self.plan_from is not None and self.end_date is not None and self.plan_from > self.end_date:
            raise ValueError(f"plan_from : la planification commence le {self.plan_from:%d/%m/%Y}, "
                             f"après la fin de l'horizon ({self.end_date:%d/%m/%Y})")
        return self

    @property
    def first_day(self) -> dt.date:
        """The first day anything may be placed: the later of the horizon's start and ``plan_from``."""
        return max(self.start_date, self.plan_from or self.start_date)

    @property
    def school_year_start(self) -> int:
        """The calendar year in which the planned school year starts (2026 for 2026-2027)."""
        return parse_school_year(self.school_year)

    def for_school_year(self, school_year: str | int | None = None, plan_from: dt.date | None = None, *,
                        today: dt.date | None = None) -> "Settings":
        """The same settings for another school year (horizon recomputed) and/or another ``plan_from``
        (default: today when inside the new horizon, else its start)."""
        year = parse_school_year(school_year) if school_year else self.school_year_start
        year, default_from = default_dates(today or _today(), year)
        h0, h1 = horizon(year)
        data = self.model_dump()
        same_year = school_year is None or year == self.school_year_start and (self.start_date, self.end_date) == (h0, h1)
        data.update(school_year=school_year_label(year), plan_from=plan_from or default_from,
                    start_date=self.start_date if same_year else h0, end_date=self.end_date if same_year else h1)
        if not same_year and data.get("step1_start_date") and not h0 <= data["step1_start_date"] <= h1:
            data["step1_start_date"] = None
        return Settings.model_validate(data)

    @classmethod
    def label(cls, field: str) -> str:
        return cls.model_fields[field].title or field
