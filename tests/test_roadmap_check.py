"""The independent roadmap check: a clean plan passes; each perturbation trips its own rule."""
import copy
import dataclasses
import datetime as dt

import pytest

from solvers.check_roadmap import check_roadmap
from solvers.roadmap import add_roadmap

from .test_roadmap import CIRC, COLLEGE, step1_plan, tiny_scenario


@pytest.fixture(scope="module")
def base():
    sc = tiny_scenario()
    return sc, add_roadmap(step1_plan(), sc)


def _find(plan, pred):
    return next(i for i, s in enumerate(plan.sessions) if pred(s))


def _wg(s, uid=COLLEGE):
    return s.kind == "step2" and s.unit_id == uid and s.group >= 1


def _move(plan, pred, **changes):
    i = _find(plan, pred)
    plan.sessions[i] = dataclasses.replace(plan.sessions[i], **changes)
    return plan.sessions[i]


def test_clean_plan_passes(base):
    sc, plan = base
    assert check_roadmap(plan, sc) == []


def _perturbed(base, fn):
    sc, plan = base
    p = copy.deepcopy(plan)
    fn(p)
    return {f.rule for f in check_roadmap(p, sc) if f.severity == "error"}, check_roadmap(p, sc)


def test_step2_before_step1_is_found(base):
    # a working group on the pré-rentrée morning, before the collège's last step-1 session ends (11:00)
    rules, fs = _perturbed(base, lambda p: _move(p, _wg, date=dt.date(2026, 8, 31), start="09:30", end="11:00"))
    assert "step2_after_step1" in rules
    assert any("avant la fin de l'étape 1" in f.message for f in fs)


def test_working_group_outside_teacher_windows_is_found(base):
    # Thursday 17:30: an open evening, but not a teachers' window
    rules, _ = _perturbed(base, lambda p: _move(p, _wg, date=dt.date(2026, 12, 3), start="17:30", end="19:00",
                                                window="evening"))
    assert "step2_teacher_window" in rules


def test_charter_before_last_working_group_is_found(base):
    def f(p):
        first_wg = min((s for s in p.sessions if _wg(s)), key=lambda s: s.start_dt)
        _move(p, lambda s: s.kind == "step3" and s.unit_id == COLLEGE and s.audience == "pupils",
              date=first_wg.date + dt.timedelta(days=1))
    rules, _ = _perturbed(base, f)
    assert "step3_after_working_groups" in rules


def test_adoption_before_drafting_or_outside_a_governing_body_is_found(base):
    def early(p):
        last_draft = max(s.date for s in p.sessions if s.kind == "step3" and s.unit_id == COLLEGE and s.audience == "pupils")
        first_draft = min(s.date for s in p.sessions if s.kind == "step3" and s.unit_id == COLLEGE and s.audience == "pupils")
        d = first_draft + dt.timedelta(days=1)
        assert d < last_draft
        _move(p, lambda s: s.kind == "step3" and s.unit_id == COLLEGE and s.audience == "staff", date=d)
    rules, _ = _perturbed(base, early)
    assert "step3_adoption" in rules

    rules, _ = _perturbed(base, lambda p: _move(p, lambda s: s.kind == "step3" and s.unit_id == COLLEGE and s.audience == "staff",
                                                window="evening", start="17:30", end="19:00"))
    assert "step3_adoption" in rules


def test_governing_body_outside_its_window_is_found(base):
    rules, _ = _perturbed(base, lambda p: _move(p, lambda s: s.kind == "step4" and s.unit_id == COLLEGE,
                                                window="evening", start="17:30", end="19:00"))
    assert "step4_governing_body" in rules


def test_brique_before_step1_is_found(base):
    rules, _ = _perturbed(base, lambda p: _move(p, lambda s: s.kind == "step5" and s.unit_id == CIRC,
                                                date=dt.date(2026, 9, 9), start="09:00", end="12:00"))
    assert "step5_after_step1" in rules


def test_double_booked_brique_trainer_is_found(base):
    def f(p):
        s1 = next(s for s in p.sessions if s.kind == "step1" and s.unit_id == CIRC)
        _move(p, lambda s: s.kind == "step5" and s.unit_id == CIRC, date=s1.date, start="09:00", end="12:00")
    rules, _ = _perturbed(base, f)
    assert "step5_trainer" in rules
    rules, _ = _perturbed(base, lambda p: _move(p, lambda s: s.kind == "step5" and s.unit_id == CIRC, trainer_id="NOBODY"))
    assert "step5_trainer" in rules


def test_rentree_meeting_outside_september_is_found(base):
    rules, _ = _perturbed(base, lambda p: _move(p, lambda s: s.kind == "step6" and s.unit_id == COLLEGE and s.window == "rentree_meeting",
                                                date=dt.date(2026, 10, 5)))
    assert "step6_rentree" in rules


def test_cafe_outside_evening_is_found(base):
    rules, _ = _perturbed(base, lambda p: _move(p, lambda s: s.kind == "step6" and s.unit_id == COLLEGE and s.window == "evening",
                                                window="wednesday_pm", date=dt.date(2026, 11, 4), start="14:00", end="15:30"))
    assert "step6_evening" in rules


def test_session_on_a_closed_day_or_outside_the_horizon_is_found(base):
    # Toussaint holidays (zone C)
    rules, fs = _perturbed(base, lambda p: _move(p, lambda s: s.kind == "step6" and s.unit_id == COLLEGE and s.window == "evening",
                                                 date=dt.date(2026, 10, 22)))
    assert "roadmap_window" in rules and any("n'est pas un jour ouvert" in f.message for f in fs)
    rules, _ = _perturbed(base, lambda p: _move(p, lambda s: s.kind == "step4" and s.unit_id == COLLEGE, start="16:00", end="18:00"))
    assert "roadmap_window" in rules
    rules, _ = _perturbed(base, lambda p: _move(p, lambda s: s.kind == "step4" and s.unit_id == COLLEGE, date=dt.date(2027, 9, 14)))
    assert "roadmap_window" in rules


def test_wrong_audience_and_unit_led_trainer(base):
    rules, _ = _perturbed(base, lambda p: _move(p, lambda s: s.kind == "step4" and s.unit_id == COLLEGE, audience="families"))
    assert "roadmap_audience" in rules
    _, fs = _perturbed(base, lambda p: _move(p, lambda s: s.kind == "step4" and s.unit_id == COLLEGE, trainer_id="T-COL"))
    assert any(f.rule == "roadmap_trainer" and f.severity == "warning" for f in fs)


def test_overlap_and_duplicate_ids_are_found(base):
    def overlap(p):
        a = next(s for s in p.sessions if s.kind == "step6" and s.unit_id == COLLEGE and s.window == "evening")
        _move(p, lambda s: s.kind == "step6" and s.unit_id == COLLEGE and s.window == "evening" and s is not a,
              date=a.date, start=a.start, end=a.end)
    rules, _ = _perturbed(base, overlap)
    assert "roadmap_overlap" in rules

    def dup(p):
        a = next(s for s in p.sessions if s.kind == "step4" and s.unit_id == COLLEGE)
        _move(p, lambda s: s.kind == "step4" and s.unit_id == COLLEGE and s is not a, session_id=a.session_id)
    rules, _ = _perturbed(base, dup)
    assert "roadmap_id" in rules


def test_missing_step_is_found_unless_reported_unplaced(base):
    def drop(p):
        p.sessions = [s for s in p.sessions if not (s.kind == "step4" and s.unit_id == CIRC)]
    rules, _ = _perturbed(base, drop)
    assert "roadmap_missing" in rules

    def drop_reported(p):
        drop(p)
        p.report["unplaced"] = [{"unit_type": "circonscription", "unit_id": CIRC, "name": "x", "kind": "step4",
                                 "audience": "staff", "sessions": 2, "reason": "test"}]
    rules, _ = _perturbed(base, drop_reported)
    assert "roadmap_missing" not in rules


def test_roadmap_for_a_unit_without_step1_is_found(base):
    def f(p):
        p.sessions = [s for s in p.sessions if not (s.kind == "step1" and s.unit_id == COLLEGE)]
    rules, _ = _perturbed(base, f)
    assert "roadmap_unit" in rules
