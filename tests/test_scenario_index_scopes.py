"""The demand units inside a territory, as the window asks at each selection: grouped once per scenario index, the
same units in the same order as a pass over every unit (three académies of the national reference: every scope)."""
from __future__ import annotations

import pytest

from planner.plan_index import NATION, ScenarioIndex
from planner.sources.reference import national_reference


def _one_pass(six: ScenarioIndex, scope) -> list:
    """What ``unit_keys_in`` answered with a loop over every unit, before it grouped them."""
    kind, uid = scope
    out = []
    for k, acad in six.unit_academie.items():
        if k[0] == "academie":
            continue
        if kind == "nation":
            out.append(k)
        elif kind == "academie" and acad == uid:
            out.append(k)
        elif kind == "departement" and six.unit_departement.get(k) == uid:
            out.append(k)
        elif kind in ("circonscription", "etablissement") and k == scope:
            out.append(k)
        elif kind == "bassin" and (k == scope or (k[0] == "etablissement" and uid and
                                                 six.etablissements.get(k[1]) is not None and
                                                 six.etablissements[k[1]].bassin == uid)):
            out.append(k)
    return out


@pytest.fixture(scope="module")
def six():
    return ScenarioIndex(national_reference().restricted_to(["16", "27", "31"]))


def test_units_of_every_academie_departement_and_bassin_as_one_pass_finds_them(six):
    sc = six.scenario
    scopes = ([NATION, ("nation", "x"), ("bassin", ""), ("academie", "99"), ("ecole", "1"), ("etablissement", "?")]
              + [("academie", a.code) for a in sc.academies]
              + [("departement", d.code) for d in sc.departements]
              + [("bassin", b.id) for b in sc.bassins]
              + [("circonscription", c.id) for c in sc.circonscriptions]
              + [("etablissement", e.uai) for e in sc.etablissements[::10]])
    assert len(scopes) > 100
    for scope in scopes:
        assert six.unit_keys_in(scope) == _one_pass(six, scope), scope
    assert len(six.unit_keys_in(NATION)) > 500
    assert any(k[0] == "bassin" for k in six.unit_keys_in(("bassin", sc.bassins[0].id)))


def test_the_answer_is_the_caller_s_own_list(six):
    acad = six.scenario.academies[0].code
    keys = six.unit_keys_in(("academie", acad))
    keys.clear()
    assert six.unit_keys_in(("academie", acad)) == _one_pass(six, ("academie", acad)) != []
