"""The planner's rules: ONE list of ids with French labels, and the unit caps written once.

Every rule has an id used by all who speak of it: the CP-SAT timetable model adds it
(:mod:`solvers.rules.cpsat`, one named function per rule, as a Timefold ``ConstraintProvider``), the
unit placement honours it (:mod:`solvers.units`), the explainer names it when sessions cannot be
placed (:mod:`solvers.explain`, the ``rule`` of an unplaced record), and the independent checkers
report it when a plan breaks it (:mod:`solvers.checker`, :mod:`solvers.check_roadmap`). So an
unplaced session and a checker violation name the same rule.

This module holds plain data only (ids, labels, the settings' numbers): the checkers import it and
still share no code with the models.
"""
from __future__ import annotations

from dataclasses import dataclass

# where a rule lives: "model" (CP-SAT timetable), "placement" (a unit's step-1 fill), "explain"
# (named when sessions cannot be placed), "check" (reported by a checker), "objective" (a cost term)


@dataclass(frozen=True)
class Rule:
    id: str
    label: str  # French, as shown to the user
    where: tuple[str, ...]


RULES: tuple[Rule, ...] = (
    # ---- the académie's FdF timetable (CP-SAT, solvers.rules.cpsat)
    Rule("tot_one_slot", "un créneau par groupe de formation de formateurs", ("model",)),
    Rule("fdf_capacity", "formateurs de formateurs disponibles à chaque instant", ("model", "explain", "check")),
    Rule("fdf_day_cap", "plafond de sessions par formateur de formateurs et par jour", ("model", "check")),
    Rule("cadre_meetings", "sessions des cadres lors des réunions de bassin et des collèges d'inspecteurs",
         ("model", "check")),
    Rule("latest_completion", "achèvement de l'académie (dernière unité formée)", ("model", "objective")),
    Rule("objective_units", "coût des unités (achèvement et créneaux non préférés)", ("objective",)),
    Rule("objective_cadres", "achèvement de la formation des cadres", ("objective",)),
    Rule("objective_unplaced", "pénalité des sessions non placées", ("objective",)),
    # ---- a unit's step-1 sessions (solvers.units) and the explainer's families
    Rule("window", "fenêtres autorisées pour ce public", ("placement", "explain", "check")),
    Rule("horizon", "fin de l'horizon de planification", ("placement", "explain", "check")),
    Rule("plan_from", "rien avant la date de début de planification", ("placement", "check")),
    Rule("step1_start", "étape 1 à partir de la pré-rentrée de l'année scolaire (ou de la date choisie)",
         ("placement", "check")),
    Rule("trainer_trained", "formation préalable des formateurs (formation de formateurs)",
         ("placement", "explain", "check")),
    Rule("day_cap", "plafond de sessions par formateur et par jour", ("placement", "explain", "check")),
    Rule("week_cap", "plafond de sessions par formateur et par semaine", ("placement", "explain", "check")),
    Rule("wednesday_cap", "nombre de mercredis matin par trimestre", ("placement", "explain", "check")),
    Rule("trainers", "nombre de formateurs de l'unité", ("placement", "explain")),
    Rule("no_trainer", "aucun formateur local rattaché à l'unité", ("explain",)),
    Rule("capacity", "créneaux insuffisants après les épinglages", ("explain",)),
    Rule("overlap", "un formateur à un seul endroit à la fois", ("placement", "check")),
    Rule("trainer_unit", "formateur de l'unité (ou formateur de formateurs pour les cadres)", ("placement", "check")),
    Rule("pin", "créneau épinglé", ("placement", "explain", "check")),
    Rule("heads_first", "chefs d'établissement et IEN formés avant leurs enseignants", ("model", "placement", "explain", "check")),
    # ---- plan-level checks
    Rule("duplicate", "identifiant de session unique", ("check",)),
    Rule("territory", "académie connue", ("check",)),
    Rule("duration", "durée des sessions", ("check",)),
    Rule("group_size", "taille des groupes", ("check",)),
    Rule("coverage", "chaque personne formée une fois", ("check",)),
    Rule("tot", "inscrits aux formations de formateurs", ("check",)),
    Rule("unplaced", "sessions non placées", ("check",)),
    # ---- who attends and where (solvers.venues, solvers.check_venues)
    Rule("venue", "chaque session a un lieu", ("check",)),
    Rule("attendees", "présents de chaque session (unités ou formateurs), leur nombre égal aux participants", ("check",)),
    Rule("ecole_groups", "enseignants de chaque école dans les groupes de sa circonscription", ("check",)),
    Rule("travel", "temps de trajet entre deux lieux d'un même formateur", ("placement", "check")),
    # ---- steps 2 to 6 (solvers.roadmap, solvers.check_roadmap)
    Rule("dependency", "une étape précédente manque", ("explain",)),
    Rule("past", "date déjà passée au début de la planification : à reporter à l'année suivante", ("explain",)),
    Rule("meeting_date", "date de réunion choisie non ouverte", ("explain",)),
    Rule("brique", "brique inconnue ou prérequis non tenu", ("explain",)),
    Rule("roadmap_id", "identifiant unique des sessions des étapes 2 à 6", ("check",)),
    Rule("roadmap_unit", "unité connue, avec une étape 1", ("check",)),
    Rule("roadmap_audience", "public de chaque étape", ("check",)),
    Rule("roadmap_window", "fenêtre et horizon des étapes 2 à 6", ("check",)),
    Rule("step2_after_step1", "groupes de travail après l'étape 1", ("check",)),
    Rule("step2_teacher_window", "groupes de travail dans les fenêtres des enseignants", ("check",)),
    Rule("step3_after_working_groups", "charte après les groupes de travail", ("check",)),
    Rule("step3_adoption", "charte rédigée avec les élèves puis adoptée en instance", ("check",)),
    Rule("step4_governing_body", "instances dans la fenêtre « Instance »", ("check",)),
    Rule("step5_after_step1", "briques après l'étape 1, dans les fenêtres des enseignants", ("check",)),
    Rule("step5_trainer", "formateur des briques connu et disponible", ("check",)),
    Rule("step6_rentree", "réunion de rentrée en septembre", ("check",)),
    Rule("step6_evening", "cafés IA des parents en soirée", ("check",)),
    Rule("roadmap_overlap", "sessions d'une unité sans chevauchement", ("check",)),
    Rule("roadmap_missing", "chaque étape présente ou signalée", ("check",)),
    Rule("roadmap_trainer", "étapes menées par l'unité elle-même", ("check",)),
    Rule("roadmap_count", "réunions attendues de chaque étape (nombre)", ("check",)),
    Rule("roadmap_order", "ordre et espacement des réunions des étapes 2 à 6", ("check",)),
    Rule("roadmap_capacity", "participants dans la capacité de la salle ou du groupe", ("check",)),
)

RULE_IDS: frozenset[str] = frozenset(r.id for r in RULES)
LABELS: dict[str, str] = {r.id: r.label for r in RULES}


def label(rule_id: str) -> str:
    """French label of a rule id (KeyError for an unknown id: every rule is listed here)."""
    return LABELS[rule_id]


# ---------------------------------------------------------------------- unit caps (written once)
@dataclass(frozen=True)
class Caps:
    """A unit's step-1 caps: sessions per local trainer per day and per week, Wednesday mornings per term."""

    per_day: int
    per_week: int | None = None
    wednesdays_per_term: int | None = None


def unit_caps(settings, audience: str) -> Caps:
    """The caps of a unit's step-1 sessions for ``audience`` (the Wednesday cap is the 1er degré's)."""
    s = settings
    return Caps(s.max_per_local_trainer_per_day, s.max_per_local_trainer_per_week,
                s.wednesday_mornings_per_term_1d if audience == "teachers_1d" else None)


def trainer_day_cap(settings, role: str) -> int:
    """Sessions one trainer may lead in a day: FdF (``role == "fdf"``) or local trainer."""
    return settings.max_per_fdf_per_day if role == "fdf" else settings.max_per_local_trainer_per_day


__all__ = ["RULES", "RULE_IDS", "LABELS", "Rule", "label", "Caps", "unit_caps", "trainer_day_cap"]
