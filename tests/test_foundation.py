import datetime as dt
import json
import subprocess
import sys

import pytest
from pydantic import ValidationError

from planner.calendar import (
    audience_slots,
    is_open_for_teachers,
    is_school_day,
    pre_rentree_date,
    window_slots,
)
from planner.demand import compute_demand
from planner.models import Bassin, Circonscription, Etablissement, Trainer, french_errors, uai_check_letter
from planner.sources.reference import apportion, national_reference
from planner.settings import Settings

from .conftest import ROOT


@pytest.fixture(scope="module")
def national():
    return national_reference()


# ---------------------------------------------------------------- calendar facts
@pytest.mark.parametrize("zone", ["A", "B", "C"])
def test_toussaint_closed_everywhere(zone):
    assert not is_school_day(dt.date(2026, 10, 20), zone)


def test_winter_holidays_by_zone():
    d = dt.date(2027, 3, 3)
    assert [is_school_day(d, z) for z in "ABC"] == [True, False, True]
    d = dt.date(2027, 2, 8)
    assert [is_school_day(d, z) for z in "ABC"] == [True, True, False]


def test_public_holidays_and_bridge():
    for z in "ABC":
        assert not is_school_day(dt.date(2027, 5, 8), z)  # Victoire 1945 (a Saturday anyway)
        assert not is_school_day(dt.date(2027, 5, 6), z)  # Ascension
        assert not is_school_day(dt.date(2027, 5, 7), z)  # Pont de l'Ascension
        assert not is_school_day(dt.date(2026, 11, 11), z)
        assert is_school_day(dt.date(2026, 11, 12), z)


def test_alsace_moselle_good_friday():
    assert not is_school_day(dt.date(2027, 3, 26), "B", "057")
    assert not is_school_day(dt.date(2027, 3, 26), "B", "067")
    assert is_school_day(dt.date(2027, 3, 26), "B", "054")


def test_pre_rentree_open_although_package_marks_holiday():
    for z in "ABC":
        assert pre_rentree_date(2026, z) == dt.date(2026, 8, 31)
        assert is_open_for_teachers(dt.date(2026, 8, 31), z)
        assert not is_school_day(dt.date(2026, 8, 31), z)
    assert pre_rentree_date(2027, "A") == dt.date(2027, 8, 31)
    assert pre_rentree_date(2025, "A").month in (8, 9)


def test_calendars_work_from_2025_to_2028():
    s = Settings(start_date=dt.date(2025, 9, 1), end_date=dt.date(2027, 10, 15), plan_from=dt.date(2025, 9, 1))
    slots = window_slots("pre_rentree", s, "A", "025", 60)
    assert {x.date for x in slots} == {pre_rentree_date(2026, "A"), pre_rentree_date(2027, "A")}
    assert is_school_day(dt.date(2027, 12, 1), "C")


def test_windows_respect_holidays():
    s = Settings(school_year="2026-2027", plan_from=dt.date(2026, 6, 15))
    for aud in ("teachers_1d", "teachers_2d", "trainers"):
        for slot in audience_slots(aud, s, "C", "031", 60):
            if slot.window == "summer_training":  # the week before the pré-rentrée, by design
                assert dt.date(2026, 8, 24) <= slot.date < dt.date(2026, 8, 31)
            else:
                assert is_open_for_teachers(slot.date, "C", "031"), slot
            assert s.start_date <= slot.date <= s.end_date
    wed = window_slots("wednesday_am", s, "C", "031", 60)
    assert all(x.date.weekday() == 2 and x.start < 12 * 60 for x in wed)
    assert dt.date(2026, 10, 21) not in {x.date for x in wed}


# ---------------------------------------------------------------- models
def test_bad_uai_refused_in_french():
    with pytest.raises(ValidationError) as exc:
        Etablissement(uai="031000A", name="X", type="college", departement="031", academie="16")
    msgs = french_errors(exc.value)
    assert any("UAI" in m and "invalide" in m and "uai" in m for m in msgs)


def test_negative_headcount_refused_in_french():
    with pytest.raises(ValidationError) as exc:
        Circonscription(id="c", name="c", departement="031", academie="16", teachers=-3)
    assert any("négatif" in m and "teachers" in m for m in french_errors(exc.value))
    with pytest.raises(ValidationError) as exc:
        Bassin(id="b", name="b", departement="031", academie="16", perdir=-1)
    assert any("négatif" in m for m in french_errors(exc.value))


def test_trainer_home_unit_checked():
    with pytest.raises(ValidationError) as exc:
        Trainer(id="t", role="cpc", academie="16", unit_type="etablissement", unit_id="0310001A")
    assert "circonscription" in " ".join(french_errors(exc.value))


def test_settings_refuse_bad_horizon():
    with pytest.raises(ValidationError) as exc:
        Settings(start_date=dt.date(2027, 1, 1), end_date=dt.date(2026, 1, 1))
    # the setting's French title and the reason, never a dump of the input
    assert french_errors(exc.value) == ["Fin de l'horizon : la fin de l'horizon doit suivre son début"]
    with pytest.raises(ValidationError) as exc:
        Settings(group_size=0)
    assert french_errors(exc.value) == ["Taille des groupes : valeur trop petite (minimum 1) (reçu : 0)"]


def test_uai_check_letter_matches_real_codes():
    # real UAIs from the annuaire: 0311131L, 0301326D
    assert uai_check_letter("0311131") == "L"
    assert uai_check_letter("0301326") == "D"


# ---------------------------------------------------------------- reference scenario and demand
def test_apportion_exact_and_minimum():
    out = apportion(100, [1, 1, 1], 1)
    assert sum(out) == 100 and min(out) >= 1
    assert apportion(10, [0.5, 0.3, 0.2]) == [5, 3, 2]


def test_exact_totals(national):
    j = compute_demand(national).to_json()
    assert j["people"] == {"teachers_1d": 324600, "teachers_2d": 386950, "perdir": 13500,
                           "inspectors": 3650, "local_trainers": 13800, "fdf": 150}
    assert j["units"]["academies"] == 30
    assert j["units"]["departements"] == 101
    assert j["units"]["circonscriptions"] == 1400
    assert j["units"]["etablissements"] == 9600
    assert j["sessions"]["pooled_step1"] == 48580
    assert j["sessions"]["tot"] == 920
    assert j["sessions"]["step1"] > j["sessions"]["pooled_step1"]


def test_reference_shape(national):
    assert all(a.code for a in national.academies)
    assert {a.zone for a in national.academies} >= {"A", "B", "C", "Corse"}
    assert all(a.calendar_approximate for a in national.academies if a.zone not in ("A", "B", "C"))
    circ_trainers = {}
    for t in national.trainers:
        if t.unit_type == "circonscription":
            circ_trainers[t.unit_id] = circ_trainers.get(t.unit_id, 0) + 1
    assert set(circ_trainers.values()) == {3}
    assert all("(référence)" in c.name for c in national.circonscriptions)
    sizes = sorted(c.teachers for c in national.circonscriptions)
    assert sizes[0] < sizes[len(sizes) // 2] < sizes[-1]  # sizes vary
    # Occitanie: real circonscription counts kept
    toulouse = [c for c in national.circonscriptions if c.academie == "16"]
    montpellier = [c for c in national.circonscriptions if c.academie == "11"]
    assert len(toulouse) + len(montpellier) == 110
    assert min(sum(1 for t in national.trainers if t.role == "fdf" and t.academie == a.code) for a in national.academies) >= 1


def test_two_builds_identical():
    from planner.sources.reference import _build

    assert _build().model_dump_json() == _build().model_dump_json()


def test_demand_cli_json():
    out = subprocess.run([sys.executable, str(ROOT / "main.py"), "demand", "--json"], capture_output=True, text=True, check=True)
    j = json.loads(out.stdout)
    assert j["people"]["teachers_1d"] == 324600
    assert j["sessions"]["tot"] == 920
    table = subprocess.run([sys.executable, str(ROOT / "main.py"), "demand"], capture_output=True, text=True, check=True).stdout
    assert "Mutualisé" in table and "48" in table


def test_demand_cli_bad_file(tmp_path):
    bad = tmp_path / "x.json"
    bad.write_text('{"name": "x", "circonscriptions": [{"id": "c", "name": "c", "departement": "031", "academie": "16", "teachers": -1}]}')
    out = subprocess.run([sys.executable, str(ROOT / "main.py"), "demand", "--scenario", str(bad)], capture_output=True, text=True)
    assert out.returncode == 2
    assert "x.json" in out.stderr and "Traceback" not in out.stderr
