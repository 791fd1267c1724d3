"""Demand: the sessions to place, derived from a scenario.

- step 1: per circonscription (1er degré) and per établissement (2nd degré),
  ``ceil(teachers / group size)`` sessions — groups never span units;
- cadres: perdir per bassin (bassin meetings) and inspectors per département (collèges
  d'inspecteurs), ``ceil(people / group size)`` each;
- train-the-trainer: per académie, ``ceil(local trainers to train / group size)``.

The report's « environ 48 600 sessions » is the *pooled* count (everyone of an audience divided by
15 at once); real groups cannot span units, so the per-unit count is higher.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from .models import Etablissement, Scenario


@dataclass(frozen=True, slots=True)
class UnitDemand:
    unit_type: str
    unit_id: str
    name: str
    academie: str
    departement: str
    audience: str
    people: int
    sessions: int

    def group_sizes(self, group_size: int) -> list[int]:
        """Split ``people`` into ``sessions`` groups as even as possible (each ≤ group size)."""
        if self.sessions == 0:
            return []
        q, r = divmod(self.people, self.sessions)
        sizes = [q + 1] * r + [q] * (self.sessions - r)
        assert all(s <= group_size for s in sizes)
        return sizes


@dataclass
class Demand:
    group_size: int
    units: list[UnitDemand] = field(default_factory=list)
    tot_by_academie: dict[str, int] = field(default_factory=dict)
    trainers_to_train: dict[str, int] = field(default_factory=dict)
    people: dict[str, int] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)

    def sessions_of(self, audience: str) -> int:
        return sum(u.sessions for u in self.units if u.audience == audience)

    @property
    def pooled_step1(self) -> int:
        gs = self.group_size
        p = self.people
        return (_round(p["teachers_1d"] / gs) + _round(p["teachers_2d"] / gs)
                + _round((p["perdir"] + p["inspectors"]) / gs))

    def to_json(self) -> dict:
        s1 = self.sessions_of("teachers_1d")
        s2 = self.sessions_of("teachers_2d")
        cadres = self.sessions_of("perdir") + self.sessions_of("inspectors")
        return {
            "people": dict(self.people),
            "units": dict(self.counts),
            "sessions": {
                "teachers_1d": s1,
                "teachers_2d": s2,
                "cadres": cadres,
                "perdir": self.sessions_of("perdir"),
                "inspectors": self.sessions_of("inspectors"),
                "step1": s1 + s2 + cadres,
                "tot": sum(self.tot_by_academie.values()),
                "pooled_step1": self.pooled_step1,
                "pooled_teachers_1d": _round(self.people["teachers_1d"] / self.group_size),
                "pooled_teachers_2d": _round(self.people["teachers_2d"] / self.group_size),
                "pooled_cadres": _round((self.people["perdir"] + self.people["inspectors"]) / self.group_size),
            },
            "group_size": self.group_size,
        }


def _round(x: float) -> int:
    return int(math.floor(x + 0.5))


def _setting(settings, name: str, default):
    """A setting from the Settings model or from a plan's ``report.json`` settings (a dict; absent in older
    plans: the default)."""
    if isinstance(settings, dict):
        return settings.get(name, default)
    return getattr(settings, name, default)


def admin_staff_included(settings) -> bool:
    """Does step 1 train établissements' administrative staff with their teachers (« include_admin_staff »)?
    Then the people counted are « personnels », not only « enseignants »."""
    return bool(settings is not None and _setting(settings, "include_admin_staff", False))


def admin_staff(unit, settings) -> int:
    """Administrative staff of an établissement trained with its teachers in step 1 when the scope
    setting « include_admin_staff » is on: ``admin_staff_per_teacher`` × teachers, rounded (écoles
    have none: their director is a teacher). ``unit``: a scenario's établissement or a plan's unit row;
    ``settings``: the scenario's, or the plan's report settings."""
    if not admin_staff_included(settings):
        return 0
    if not (isinstance(unit, Etablissement) or getattr(unit, "unit_type", None) == "etablissement"):
        return 0
    return round(unit.teachers * _setting(settings, "admin_staff_per_teacher", 0.1))


def step1_people(unit, settings) -> int:
    """People of a circonscription or établissement in its step-1 groups (teachers, plus staff in scope)."""
    return unit.teachers + admin_staff(unit, settings)


def estimate_method(unit_type: str, plural: bool = False) -> str:
    """How a unit's estimated people (``teachers_estimated``; a bassin's ``perdir_estimated``, a
    département's inspectors in ``inspectors_estimated``) were obtained, in French: the window's
    tooltips and the PDFs say it after « Effectif estimé » (``plural``: of several units)."""
    if unit_type == "bassin":
        return (f"d'après les établissements {'des' if plural else 'du'} bassin{'s' if plural else ''} "
                "(ratio national personnels de direction par établissement) ou, pour la référence nationale, "
                "une répartition du total national au prorata des établissements")
    if unit_type == "departement":
        return (f"d'après les circonscriptions et établissements {'des' if plural else 'du'} "
                f"département{'s' if plural else ''} (ratio national inspecteurs par unité) ou, pour la référence "
                "nationale, une répartition du total national au prorata des unités")
    if unit_type == "etablissement":
        return ("d'après le nombre d'élèves de l'annuaire et le ratio national élèves par enseignant (DEPP 2024) "
                "ou, pour la référence nationale, les parts départementales du total national (DEPP 2024)")
    return (f"d'après les élèves de {'leurs' if plural else 'ses'} écoles (annuaire) ou, pour la référence nationale, "
            "les parts départementales du total national (DEPP 2024)")


ESTIMATE_REPLACE = "Remplacez-le par le décompte réel : colonne « Enseignants » du modèle XLSX du scénario."
ESTIMATE_COLUMNS = {"bassin": "« Personnels de direction » de la feuille « Bassins »",
                    "departement": "« Inspecteurs » de la feuille « Inspecteurs »"}


def estimate_replace(unit_type: str, plural: bool = False) -> str:
    """How to replace a unit type's estimated headcount(s) by real counts (the XLSX template's column)."""
    if unit_type not in ESTIMATE_COLUMNS and not plural:
        return ESTIMATE_REPLACE
    column = ESTIMATE_COLUMNS.get(unit_type, "« Enseignants »")
    return (f"Remplacez-{'les' if plural else 'le'} par {'les décomptes réels' if plural else 'le décompte réel'} : "
            f"colonne {column} du modèle XLSX du scénario.")


def estimate_note(unit_type: str) -> str:
    """The sentence that goes with an estimated headcount: how it was estimated and how to replace it."""
    return f"Effectif estimé {estimate_method(unit_type)}. {estimate_replace(unit_type)}"


def people_word(settings) -> str:
    """What the step-1 people of établissements and circonscriptions are called: « personnels » when
    administrative staff is trained with the teachers, else « enseignants »."""
    return "personnels" if admin_staff_included(settings) else "enseignants"


def _local_demand(unit, gs: int, settings=None) -> UnitDemand:
    if hasattr(unit, "uai"):
        n = step1_people(unit, settings) if settings is not None else unit.teachers
        return UnitDemand("etablissement", unit.uai, unit.name, unit.academie, unit.departement, "teachers_2d",
                          n, math.ceil(n / gs))
    return UnitDemand("circonscription", unit.id, unit.name, unit.academie, unit.departement, "teachers_1d",
                      unit.teachers, math.ceil(unit.teachers / gs))


def local_unit_demand(sc: Scenario, unit_type: str, unit_id: str) -> UnitDemand | None:
    """The step-1 demand of one circonscription or in-scope établissement (None if unknown)."""
    units = sc.circonscriptions if unit_type == "circonscription" else (
        sc.in_scope_etablissements() if unit_type == "etablissement" else [])
    unit = next((u for u in units if (u.uai if unit_type == "etablissement" else u.id) == unit_id), None)
    return _local_demand(unit, sc.settings.group_size, sc.settings) if unit is not None else None


def _people_of_etabs(etabs: list, settings) -> list[int]:
    """:func:`step1_people` of each établissement of a scenario, the settings read once for all."""
    if not admin_staff_included(settings):
        return [e.teachers for e in etabs]
    ratio = _setting(settings, "admin_staff_per_teacher", 0.1)
    return [e.teachers + round(e.teachers * ratio) for e in etabs]


# the settings compute_demand reads (the groups, who is in step 1): the others leave a scenario's demand as it is
DEMAND_SETTINGS = ("group_size", "include_private", "include_admin_staff", "admin_staff_per_teacher")


def demand_settings(settings) -> dict:
    """The values of :data:`DEMAND_SETTINGS` in ``settings``: two equal ones give the same demand."""
    return {k: getattr(settings, k) for k in DEMAND_SETTINGS}


def compute_demand(sc: Scenario) -> Demand:
    gs = sc.settings.group_size
    dem = Demand(group_size=gs)
    dep_acad = {d.code: d.academie for d in sc.departements}
    etabs = sc.in_scope_etablissements()
    ceil = math.ceil
    dem.units.extend([UnitDemand("circonscription", c.id, c.name, c.academie, c.departement, "teachers_1d", c.teachers,
                                 ceil(c.teachers / gs)) for c in sc.circonscriptions])
    people_2d = _people_of_etabs(etabs, sc.settings)  # step1_people of each, the settings read once
    dem.units.extend([UnitDemand("etablissement", e.uai, e.name, e.academie, e.departement, "teachers_2d", n,
                                 ceil(n / gs)) for e, n in zip(etabs, people_2d)])
    for b in sc.bassins:
        dem.units.append(UnitDemand("bassin", b.id, b.name, b.academie, b.departement, "perdir",
                                    b.perdir, math.ceil(b.perdir / gs)))
    dep_names = {d.code: d.name for d in sc.departements}
    for d, n in sorted(sc.inspectors.items()):
        dem.units.append(UnitDemand("departement", d, dep_names.get(d, d), dep_acad.get(d, ""), d, "inspectors",
                                    n, math.ceil(n / gs)))
    in_scope = {("circonscription", c.id) for c in sc.circonscriptions} | {("etablissement", e.uai) for e in etabs}
    local = [t for t in sc.trainers if t.is_local and (t.unit_type, t.unit_id) in in_scope]
    to_train: dict[str, int] = {}  # per académie, counted in one pass (30 passes over 13,800 trainers before)
    for t in local:
        if not t.qualified:
            to_train[t.academie] = to_train.get(t.academie, 0) + 1
    for a in sc.academies:
        n = to_train.get(a.code, 0)
        dem.trainers_to_train[a.code] = n
        dem.tot_by_academie[a.code] = math.ceil(n / gs)
    dem.people = {
        "teachers_1d": sum(c.teachers for c in sc.circonscriptions),
        "teachers_2d": sum(people_2d),
        "perdir": sum(b.perdir for b in sc.bassins),
        "inspectors": sum(sc.inspectors.values()),
        "local_trainers": len(local),
        "fdf": sum(1 for t in sc.trainers if t.role == "fdf"),
    }
    dem.counts = {
        "academies": len(sc.academies),
        "departements": len(sc.departements),
        "circonscriptions": len(sc.circonscriptions),
        "etablissements": len(etabs),
        "bassins": len(sc.bassins),
    }
    return dem


def _fmt(n: int) -> str:
    return f"{n:,}".replace(",", "\u202f")


def demand_table(dem: Demand, scenario_name: str) -> str:
    """French table of the demand, explaining pooled vs per-unit counts."""
    j = dem.to_json()
    p, u, s = j["people"], j["units"], j["sessions"]
    gs = dem.group_size
    lines = [
        f"Demande de formation — {scenario_name}",
        "",
        f"{'Public':<44}{'Personnes':>12}{'Unités':>10}{'Sessions':>11}{'Mutualisé':>11}",
        f"{'Enseignants 1er degré (par circonscription)':<44}{_fmt(p['teachers_1d']):>12}{_fmt(u['circonscriptions']):>10}"
        f"{_fmt(s['teachers_1d']):>11}{_fmt(s['pooled_teachers_1d']):>11}",
        f"{'Enseignants 2nd degré (par établissement)':<44}{_fmt(p['teachers_2d']):>12}{_fmt(u['etablissements']):>10}"
        f"{_fmt(s['teachers_2d']):>11}{_fmt(s['pooled_teachers_2d']):>11}",
        f"{'Personnels de direction (par bassin)':<44}{_fmt(p['perdir']):>12}{_fmt(u['bassins']):>10}{_fmt(s['perdir']):>11}",
        f"{'Inspecteurs (par département)':<44}{_fmt(p['inspectors']):>12}{_fmt(u['departements']):>10}{_fmt(s['inspectors']):>11}"
        f"{_fmt(s['pooled_cadres']):>11}",
        f"{'Total étape 1':<44}{'':>12}{'':>10}{_fmt(s['step1']):>11}{_fmt(s['pooled_step1']):>11}",
        "",
        f"{'Formateurs locaux (formation de formateurs)':<44}{_fmt(p['local_trainers']):>12}{_fmt(u['academies']):>10}{_fmt(s['tot']):>11}",
        f"{'Formateurs de formateurs':<44}{_fmt(p['fdf']):>12}",
        "",
        f"Groupes de {gs} personnes au plus. La colonne « Mutualisé » est le chiffre du rapport "
        f"({_fmt(s['pooled_step1'])} sessions) :",
        "chaque public divisé d'un coup par la taille des groupes. Un groupe ne peut pas mélanger deux",
        "circonscriptions ou deux établissements : chaque unité arrondit au groupe supérieur, d'où "
        f"{_fmt(s['step1'] - s['pooled_step1'])} sessions de plus.",
    ]
    return "\n".join(lines)
