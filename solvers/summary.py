"""What a plan says of its scenario: its unit rows and its KPIs (shared by the solve and the re-plan)."""
from __future__ import annotations

from planner.models import Scenario
from planner.plan import Session, UnitRow
from planner.report import teacher_kpis, year_calendar


def unit_rows(sc: Scenario) -> list[UnitRow]:
    zone = {a.code: a.zone for a in sc.academies}
    rows = []
    for c in sc.circonscriptions:
        rows.append(UnitRow("circonscription", c.id, c.name, c.academie, c.departement, zone.get(c.academie, ""),
                            c.teachers, 0, 0, "", c.commune, c.address, "", c.postcode, c.latitude, c.longitude,
                            c.departement, c.teachers_estimated))
    for e in sc.in_scope_ecoles():  # écoles (imported annuaires): attendees of 1er-degré groups
        rows.append(UnitRow("ecole", e.uai, e.name, e.academie, e.departement, zone.get(e.academie, ""),
                            e.teachers, 0, 0, "ecole", e.commune, e.address, "", e.postcode, e.latitude, e.longitude,
                            e.circonscription, e.teachers_estimated, e.phone))
    for e in sc.in_scope_etablissements():
        rows.append(UnitRow("etablissement", e.uai, e.name, e.academie, e.departement, zone.get(e.academie, ""),
                            e.teachers, 0, 0, e.type, e.commune, e.address, e.bassin, e.postcode, e.latitude,
                            e.longitude, e.bassin, e.teachers_estimated, e.phone))
    for b in sc.bassins:
        rows.append(UnitRow("bassin", b.id, b.name, b.academie, b.departement, zone.get(b.academie, ""), 0, b.perdir, 0,
                            teachers_estimated=b.perdir_estimated))  # the unit's headcount (here perdir) estimated
    names = {d.code: d.name for d in sc.departements}
    acad_of = {d.code: d.academie for d in sc.departements}
    estimated = set(sc.inspectors_estimated)
    for d, n in sorted(sc.inspectors.items()):
        if n:
            rows.append(UnitRow("departement", d, names.get(d, d), acad_of.get(d, ""), d,
                                zone.get(acad_of.get(d, ""), ""), 0, 0, n, teachers_estimated=d in estimated))
    return rows


def teachers_total(sc: Scenario) -> int:
    """The teachers of the plan's unit rows (:func:`unit_rows`: circonscriptions, établissements in scope)."""
    return sum(c.teachers for c in sc.circonscriptions) + sum(e.teachers for e in sc.in_scope_etablissements())


def kpis(sc: Scenario, sessions: list[Session]) -> dict:
    """The plan's KPIs (:func:`planner.report.teacher_kpis`, on the scenario's school-year calendar)."""
    return teacher_kpis(sessions, unit_rows(sc), year_calendar(sc), sc.settings)
