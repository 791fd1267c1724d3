"""Honest headcounts and the checker of steps 2–6 (issue 11, items 5–6)."""
from __future__ import annotations

import dataclasses

import pytest

from planner.plan import Plan
from solvers.api import solve
from solvers.check_roadmap import check_roadmap
from tests.tiny import tiny_scenario, uai

COLLEGE = uai(1)


@pytest.fixture(scope="module")
def tiny():
    sc = tiny_scenario()
    e = sc.etablissements[0]
    sc.etablissements[0] = e.model_copy(update={"pupils": 600})
    return sc


@pytest.fixture(scope="module")
def plan(tiny):
    return solve(tiny, solver="greedy")


def _rules(plan, sc):
    return {f.rule for f in check_roadmap(plan, sc) if f.severity == "error"}


def test_rentree_meets_families_per_level_in_rooms_that_hold_them(tiny, plan):
    cap = tiny.roadmap.family_room_capacity
    rentree = [x for x in plan.sessions if x.unit_id == COLLEGE and x.window == "rentree_meeting"]
    assert {x.group for x in rentree} == {1, 2, 3, 4}  # 6e, 5e, 4e, 3e
    assert sum(x.participants for x in rentree) == 600  # one family per pupil, no one counted twice
    assert all(x.participants <= cap for x in rentree)
    for level in (1, 2, 3, 4):  # the rooms of one level meet at the same time
        assert len({(x.date, x.start) for x in rentree if x.group == level}) == 1
    assert not _rules(plan, tiny)


def test_restitution_and_conseils_ecole_have_real_headcounts(tiny, plan):
    rs = tiny.roadmap
    rest = [x for x in plan.sessions if x.kind == "step2" and x.group == 0]
    assert rest and all(x.participants <= rs.restitution_room_capacity for x in rest)
    circ = [x for x in plan.sessions if x.unit_id == "031-01" and x.kind == "step4"]
    assert circ and all(x.participants > 0 for x in circ)  # teachers, parents, mayor, DDEN
    assert all("estimé" in x.title for x in circ)  # no écoles in this scenario: estimated


def _drop(plan, pred):
    return Plan([x for x in plan.sessions if not pred(x)], plan.trainers, plan.units, plan.report)


def _edit(plan, pred, **kw):
    return Plan([dataclasses.replace(x, **kw) if pred(x) else x for x in plan.sessions], plan.trainers, plan.units,
                plan.report)


def test_checker_counts_each_units_meetings(tiny, plan):
    wg = [x for x in plan.sessions if x.unit_id == COLLEGE and x.kind == "step2" and x.group >= 1]
    broken = _drop(plan, lambda x: x.session_id == wg[-1].session_id)
    assert "roadmap_count" in _rules(broken, tiny)
    briques = [x for x in plan.sessions if x.unit_id == COLLEGE and x.kind == "step5"]
    assert "roadmap_count" in _rules(_drop(plan, lambda x: x.session_id in {b.session_id for b in briques}), tiny)


def test_checker_sees_crowded_rooms_and_meetings_too_close(tiny, plan):
    wg = sorted((x for x in plan.sessions if x.unit_id == COLLEGE and x.kind == "step2" and x.group == 1),
                key=lambda x: (x.date, x.start))
    assert "roadmap_capacity" in _rules(_edit(plan, lambda x: x.session_id == wg[0].session_id, participants=40), tiny)
    moved = _edit(plan, lambda x: x.session_id == wg[1].session_id, date=wg[0].date, start="20:00", end="21:30")
    assert "roadmap_order" in _rules(moved, tiny)


def test_include_admin_staff_adds_the_staff_to_step1_with_its_ratio():
    from solvers.checker import check_plan

    sc = tiny_scenario(include_admin_staff=True)
    plan = solve(sc, solver="greedy")
    got = sum(x.participants for x in plan.sessions if x.kind == "step1" and x.unit_id == COLLEGE)
    assert got == 40 + round(40 * sc.settings.admin_staff_per_teacher) == 44
    assert not [f for f in check_plan(plan, sc) if f.severity == "error"]
    off = solve(tiny_scenario(), solver="greedy")
    assert sum(x.participants for x in off.sessions if x.kind == "step1" and x.unit_id == COLLEGE) == 40


def test_a_circonscription_with_no_one_to_train_gets_no_trainers(tmp_path):
    from planner.sources.annuaire import import_annuaire

    src = __import__("pathlib").Path(__file__).parent / "fixtures" / "occ_annuaire_extract.csv"
    lines = src.read_text(encoding="utf-8-sig").splitlines()
    header = lines[0].split(";")
    ic, ist = header.index("code_circonscription"), header.index("Statut_public_prive")
    out = [lines[0]]
    for line in lines[1:]:
        f = line.split(";")
        if len(f) == len(header) and f[ic] == "0090033M":
            f[ist] = "Privé"  # only private écoles left in this circonscription
        out.append(";".join(f))
    p = tmp_path / "annuaire.csv"
    p.write_text("\n".join(out) + "\n", encoding="utf-8")
    sc = import_annuaire(p).scenario
    c = next(c for c in sc.circonscriptions if c.id == "0090033M")
    assert c.teachers == 0
    assert not [t for t in sc.trainers if t.unit_id == "0090033M"]
    assert [t for t in sc.trainers if t.unit_type == "circonscription"]  # the others keep theirs


def test_the_demand_after_a_setting_equals_one_computed_unit_by_unit():
    """The scenario's demand, counted with the settings read once, gives each unit what ``_local_demand`` and
    ``step1_people`` give it; an index made again after a setting (its units carried from the previous one)
    equals one made afresh, and an index of another scenario is not taken as a model."""
    from planner.demand import _local_demand, compute_demand, step1_people
    from planner.plan_index import ScenarioIndex

    sc = tiny_scenario()
    before = ScenarioIndex(sc)
    for settings in ({"include_admin_staff": True, "admin_staff_per_teacher": 0.13}, {"group_size": 7},
                     {"include_private": True, "include_admin_staff": True}):
        for k, v in settings.items():
            setattr(sc.settings, k, v)
        dem = compute_demand(sc)
        units = [*sc.circonscriptions, *sc.in_scope_etablissements()]
        assert dem.units[:len(units)] == [_local_demand(u, sc.settings.group_size, sc.settings) for u in units]
        assert dem.people["teachers_2d"] == sum(step1_people(e, sc.settings) for e in sc.in_scope_etablissements())
        again, fresh = ScenarioIndex(sc, like=before), ScenarioIndex(sc)
        numbers = ("scenario", "serial", "units_serial")
        assert {k: v for k, v in vars(again).items() if k not in numbers} == {
            k: v for k, v in vars(fresh).items() if k not in numbers}
        assert again.academies is before.academies  # carried, not made again
        assert again.serial != before.serial != fresh.serial
        assert again.units_serial == before.units_serial != fresh.units_serial  # the same units: the same number
        before = again
    # a copy of the scenario with its settings apart (the window's background demand) holds the same lists: carried
    frozen = sc.model_copy(update={"settings": sc.settings.model_copy(deep=True)})
    assert ScenarioIndex(frozen, like=before).academies is before.academies
    other = ScenarioIndex(tiny_scenario(), like=before)
    assert other.academies is not before.academies
