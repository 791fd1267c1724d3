"""Tiny hand-made scenarios for solver and checker tests."""
from __future__ import annotations

import datetime as dt

from planner.models import Academie, Bassin, Circonscription, Departement, Etablissement, Scenario, Trainer, uai_check_letter
from planner.settings import Settings


def uai(n: int) -> str:
    d = f"031{9000 + n:04d}"
    return d + uai_check_letter(d)


def tiny_scenario(**settings) -> Scenario:
    base = dict(school_year="2026-2027", plan_from=dt.date(2026, 6, 15), step1_start_date=dt.date(2026, 8, 31))
    base.update(settings)
    s = Settings(**base)
    e1, e2 = uai(1), uai(2)
    trainers = [Trainer(id=f"T-C1-{k}", role=r, academie="16", unit_type="circonscription", unit_id="031-01")
                for k, r in enumerate(("cpc", "cpc", "erun"), 1)]
    trainers += [Trainer(id=f"T-{e}", role="trainer_2d", academie="16", unit_type="etablissement", unit_id=e)
                 for e in (e1, e2)]
    trainers += [Trainer(id="FDF-1", role="fdf", academie="16", unit_type="academie", unit_id="16")]
    return Scenario(
        name="Mini",
        settings=s,
        academies=[Academie(code="16", name="Toulouse", zone="C", calendar_zone="C")],
        departements=[Departement(code="031", name="Haute-Garonne", academie="16")],
        circonscriptions=[Circonscription(id="031-01", name="Circonscription Test", departement="031", academie="16", teachers=100)],
        bassins=[Bassin(id="16-01", name="Bassin Test", departement="031", academie="16", perdir=20)],
        etablissements=[
            Etablissement(uai=e1, name="Collège Test", type="college", departement="031", academie="16", bassin="16-01", teachers=40),
            Etablissement(uai=e2, name="Lycée Test", type="lycee", departement="031", academie="16", bassin="16-01", teachers=62),
        ],
        inspectors={"031": 10},
        trainers=trainers,
    )


def scenario_file_with_plan(path, sc: Scenario | None = None, plan=None):
    """A scenario file holding ``sc`` (default: the tiny scenario) whose current plan is ``plan`` (default: a
    greedy solve of ``sc``); returns ``path``."""
    from planner import followup as fu
    from planner.store import ScenarioStore
    from solvers.api import solve

    sc = sc if sc is not None else tiny_scenario()
    ScenarioStore.create(path, sc)
    with ScenarioStore(path) as st:
        st.save_plan(fu.CURRENT_PLAN, plan if plan is not None else solve(sc, solver="greedy", time_limit=5, workers=1), {})
    return path
