"""Steps 2–6 of the roadmap: one test per placement rule, on a tiny hand-made scenario."""
import datetime as dt
from collections import Counter, defaultdict

import pytest

from planner.briques import BriqueError, BriqueSettings, load_briques
from planner.charter import write_charter_skeleton
from planner.models import Academie, Circonscription, Departement, Etablissement, Scenario, Trainer
from planner.plan import Plan, Session, TrainerRow
from planner.roadmap_models import DEFAULT_THEMES, RoadmapSettings, UnitRoadmapChoices, default_choices, unit_choices
from planner.settings import Settings
from solvers.check_roadmap import check_roadmap
from solvers.roadmap import add_roadmap, plan_roadmap

COLLEGE = "0319001X"
LYCEE = "0319002Y"
CIRC = "031-01"


def tiny_scenario(**settings) -> Scenario:
    return Scenario(
        name="mini",
        settings=Settings(**{"school_year": "2026-2027", "plan_from": dt.date(2026, 6, 15), **settings}),
        academies=[Academie(code="16", name="Toulouse", zone="C", calendar_zone="C")],
        departements=[Departement(code="031", name="Haute-Garonne", academie="16")],
        circonscriptions=[Circonscription(id=CIRC, name="Circonscription Toulouse 1", departement="031",
                                          academie="16", teachers=45)],
        etablissements=[
            Etablissement(uai=COLLEGE, name="Collège Pierre de Fermat", type="college", departement="031",
                          academie="16", teachers=30, pupils=400),
            Etablissement(uai=LYCEE, name="Lycée sans étape 1", type="lycee", departement="031",
                          academie="16", teachers=60, pupils=900),
        ],
        trainers=[
            Trainer(id="T-COL", role="trainer_2d", academie="16", unit_type="etablissement", unit_id=COLLEGE),
            Trainer(id="T-CIRC-1", role="cpc", academie="16", unit_type="circonscription", unit_id=CIRC),
            Trainer(id="FDF-16-01", role="fdf", academie="16", unit_type="academie", unit_id="16"),
        ],
    )


def _s(sid, kind, aud, ut, uid, trainer, d, a, b, window, group=1, participants=15):
    return Session(sid, kind, aud, "16", "031", "C", ut, uid, trainer, d, a, b, participants, window, group)


def step1_plan() -> Plan:
    """Train-the-trainer in June, the collège's step 1 at the pré-rentrée, the circonscription's on
    three Wednesday mornings of September."""
    ss = [
        _s("TOT-16-01", "tot", "trainers", "academie", "16", "FDF-16-01", dt.date(2026, 6, 22), "09:00", "12:00", "school_day"),
        _s("S1-COL-1", "step1", "teachers_2d", "etablissement", COLLEGE, "T-COL", dt.date(2026, 8, 31), "09:00", "10:00", "pre_rentree", 1),
        _s("S1-COL-2", "step1", "teachers_2d", "etablissement", COLLEGE, "T-COL", dt.date(2026, 8, 31), "10:00", "11:00", "pre_rentree", 2),
        _s("S1-CIRC-1", "step1", "teachers_1d", "circonscription", CIRC, "T-CIRC-1", dt.date(2026, 9, 2), "09:00", "10:00", "wednesday_am", 1),
        _s("S1-CIRC-2", "step1", "teachers_1d", "circonscription", CIRC, "T-CIRC-1", dt.date(2026, 9, 9), "09:00", "10:00", "wednesday_am", 2),
        _s("S1-CIRC-3", "step1", "teachers_1d", "circonscription", CIRC, "T-CIRC-1", dt.date(2026, 9, 16), "09:00", "10:00", "wednesday_am", 3),
    ]
    trainers = [TrainerRow("T-COL", "trainer_2d", "16", "etablissement", COLLEGE, False, "TOT-16-01"),
                TrainerRow("T-CIRC-1", "cpc", "16", "circonscription", CIRC, False, "TOT-16-01"),
                TrainerRow("FDF-16-01", "fdf", "16", "academie", "16", True, "")]
    return Plan(sessions=ss, trainers=trainers, report={"unplaced": []})


@pytest.fixture(scope="module")
def placed():
    sc = tiny_scenario()
    p1 = step1_plan()
    sessions, unplaced = plan_roadmap(sc, p1)
    return sc, p1, sessions, unplaced


def of(sessions, uid, kind):
    return sorted((s for s in sessions if s.unit_id == uid and s.kind == kind), key=lambda s: (s.start_dt, s.session_id))


def last_step1_end(p1, uid):
    return max(s.end_dt for s in p1.sessions if s.kind == "step1" and s.unit_id == uid)


# ---------------------------------------------------------------- catalogue and choices
def test_catalogue_has_48_briques_in_3_domains_and_12_themes():
    cat = load_briques()
    assert len(cat) == 48 and len({b.id for b in cat}) == 48
    assert len({b.domain for b in cat}) == 3
    themes = Counter((b.domain, b.theme) for b in cat)
    assert len(themes) == 12 and set(themes.values()) == {4}
    assert {b.domain for b in cat} == {"Pédagogie", "Éducation et éthique", "Administration"}
    assert any(b.title == "Données personnelles et RGPD" for b in cat)
    lengths = [b.duration_minutes for b in cat]  # a brique's length in minutes (a setting, not a timing)
    assert min(lengths) > 0 and all(b.audience in ("teachers", "staff") for b in cat)


def test_brique_settings_override_and_refuse_unknown():
    cat = load_briques(BriqueSettings(durations={"B01": 120}, prerequisites={"B03": "B01"}))
    by = {b.id: b for b in cat}
    b01_minutes = by["B01"].duration_minutes
    assert b01_minutes == 120 and by["B03"].prerequisite == "B01"
    with pytest.raises(BriqueError):
        load_briques(BriqueSettings(durations={"B99": 60}))
    with pytest.raises(BriqueError):
        load_briques(BriqueSettings(prerequisites={"B01": "B02", "B02": "B01"}))


def test_default_choices_by_profile_and_overrides():
    sc = tiny_scenario()
    ch = default_choices(sc)
    assert set(ch) == {("circonscription", CIRC), ("etablissement", COLLEGE), ("etablissement", LYCEE)}
    assert ch[("etablissement", COLLEGE)].themes == list(DEFAULT_THEMES)
    assert len(ch[("etablissement", COLLEGE)].briques) == 2
    assert ch[("etablissement", COLLEGE)].briques != ch[("etablissement", LYCEE)].briques
    assert ch[("circonscription", CIRC)].briques != ch[("etablissement", COLLEGE)].briques
    mine = UnitRoadmapChoices(unit_type="etablissement", unit_id=COLLEGE, themes=["Évaluation"], briques=["b18"])
    assert default_choices(sc, {("etablissement", COLLEGE): mine})[("etablissement", COLLEGE)].briques == ["B18"]
    sc.roadmap_choices = [mine]
    assert default_choices(sc)[("etablissement", COLLEGE)].themes == ["Évaluation"]
    with pytest.raises(ValueError):
        UnitRoadmapChoices(unit_type="circonscription", unit_id=CIRC, meeting_dates={"conseil_administration": []})


def test_one_unit_s_choices_are_what_every_unit_s_give_for_it():
    sc = tiny_scenario()
    sc.etablissements[0].sector = "prive"  # out of scope unless the scenario takes private ones in
    mine = UnitRoadmapChoices(unit_type="etablissement", unit_id=LYCEE, themes=["Évaluation"], briques=["b18"])
    first = UnitRoadmapChoices(unit_type="circonscription", unit_id=CIRC, themes=["Évaluation"], briques=[])
    last = UnitRoadmapChoices(unit_type="circonscription", unit_id=CIRC, themes=[], briques=[])
    for choices in ([], [mine, first, last]):
        sc.roadmap_choices = choices
        every, defaults = default_choices(sc), default_choices(sc.model_copy(update={"roadmap_choices": []}))
        keys = [("circonscription", CIRC)] + [("etablissement", e.uai) for e in sc.etablissements]
        for key in keys:
            one = unit_choices(sc, *key)
            if key not in every:
                assert one is None
                continue
            assert one == (every[key], defaults[key]), key
    assert unit_choices(sc, "circonscription", CIRC)[0] is last  # the last of the scenario's, as for every unit
    assert unit_choices(sc, "etablissement", "0000000X") is None and unit_choices(sc, "bassin", "16-01") is None
    assert len([k for k in keys if unit_choices(sc, *k) is None]) == 1  # the private one


# ---------------------------------------------------------------- placement rules
def test_only_units_with_step1_get_a_roadmap(placed):
    _, _, sessions, _ = placed
    assert {s.unit_id for s in sessions} == {COLLEGE, CIRC}
    assert not [s for s in sessions if s.unit_id == LYCEE]


def test_step2_starts_after_the_units_last_step1_session(placed):
    _, p1, sessions, _ = placed
    for uid in (COLLEGE, CIRC):
        wg = of(sessions, uid, "step2")
        assert wg and min(s.start_dt for s in wg) >= last_step1_end(p1, uid)
        assert min(s.date for s in wg) > last_step1_end(p1, uid).date()  # the next day at the earliest
    # the circonscription's Wednesday mornings of 2 and 9 September were free but precede its last step-1 session
    assert min(s.date for s in of(sessions, CIRC, "step2")) > dt.date(2026, 9, 16)


def test_step2_each_theme_meets_n_times_in_teacher_windows_then_one_restitution(placed):
    sc, _, sessions, _ = placed
    rs = sc.roadmap
    for uid, wins, rest_win in ((COLLEGE, sc.settings.audience_windows["teachers_2d"], "governing_body"),
                                (CIRC, sc.settings.audience_windows["teachers_1d"], "evening")):
        s2 = of(sessions, uid, "step2")
        wg = [s for s in s2 if s.group >= 1]
        rest = [s for s in s2 if s.group == 0]
        assert Counter(s.group for s in wg) == {k: rs.wg_meetings for k in range(1, len(rs.themes) + 1)}
        assert all(s.window in wins and s.audience == "teachers" and not s.trainer_id for s in wg)
        assert all((s.end_dt - s.start_dt) == dt.timedelta(minutes=rs.wg_minutes) for s in wg)
        for g in range(1, len(rs.themes) + 1):
            ds = [s.date for s in wg if s.group == g]
            assert all((b - a).days >= rs.wg_gap_days for a, b in zip(ds, ds[1:]))
        assert len(rest) == 1 and rest[0].window == rest_win
        assert rest[0].start_dt >= max(s.end_dt for s in wg)
        assert "« IA et devoirs »" in wg[0].title


def test_step3_drafting_with_pupils_after_last_working_group_then_adoption(placed):
    _, _, sessions, _ = placed
    for uid, body in ((COLLEGE, "CVC"), (CIRC, "conseils d'école")):
        wg_end = max(s.end_dt for s in of(sessions, uid, "step2") if s.group >= 1)
        s3 = of(sessions, uid, "step3")
        drafts = [s for s in s3 if s.audience == "pupils"]
        adoption = [s for s in s3 if s.audience != "pupils"]
        assert len(drafts) == 2 and len(adoption) == 1
        assert all(s.start_dt >= wg_end for s in s3)
        assert all(s.window == "after_school" and body in s.title for s in drafts)
        assert adoption[0].window == "governing_body" and adoption[0].start_dt >= drafts[-1].end_dt
        assert "adoption de la charte" in adoption[0].title


def test_step4_governing_bodies_calendar(placed):
    _, _, sessions, _ = placed
    s4 = of(sessions, COLLEGE, "step4")
    adoption = [s for s in of(sessions, COLLEGE, "step3") if s.audience == "staff"]
    assert all(s.window == "governing_body" and s.audience == "staff" and not s.trainer_id for s in s4)
    ca = [s for s in s4 if s.title.startswith("Conseil d'administration")] + adoption
    # CA in November, March and June of the school year (the one after the charter adopts it)
    assert sorted(s.date.month for s in ca) == [3, 6, 11]
    assert {s.date.year for s in ca if s.date.month == 11} == {2026}
    assert any(s.title.startswith("Conseil pédagogique") for s in s4)
    assert any(s.title.startswith("CVC") for s in s4)
    # écoles: conseil d'école once a term
    ce = of(sessions, CIRC, "step4") + [s for s in of(sessions, CIRC, "step3") if s.audience == "staff"]
    assert sorted(s.date.month for s in ce) == [3, 6, 11]


def test_step5_briques_after_step1_with_the_units_trained_trainer(placed):
    sc, p1, sessions, _ = placed
    for uid, trainer in ((COLLEGE, "T-COL"), (CIRC, "T-CIRC-1")):
        s5 = of(sessions, uid, "step5")
        assert len(s5) == 2
        assert all(s.start_dt >= last_step1_end(p1, uid) for s in s5)
        assert all(s.trainer_id == trainer for s in s5)
        assert all(s.audience == "teachers" for s in s5)
    assert {s.title.split(" ")[1] for s in of(sessions, COLLEGE, "step5")} == set(sc.roadmap.default_briques["college"])


def test_step5_trainer_to_name_when_no_pool():
    sc = tiny_scenario()
    sc.roadmap = RoadmapSettings(brique_trainer_source="none")
    sessions, _ = plan_roadmap(sc, step1_plan())
    s5 = [s for s in sessions if s.kind == "step5"]
    assert s5 and all(s.trainer_id == "" and "à désigner" in s.title for s in s5)


def test_step5_untrained_trainer_is_not_used():
    sc = tiny_scenario()
    p1 = step1_plan()
    p1.trainers = [t for t in p1.trainers if t.trainer_id != "T-COL"]  # never trained
    sessions, _ = plan_roadmap(sc, p1)
    assert all(s.trainer_id == "" for s in of(sessions, COLLEGE, "step5"))


def test_step5_prerequisite_placed_first():
    sc = tiny_scenario()
    sc.roadmap = RoadmapSettings(briques=BriqueSettings(prerequisites={"B07": "B03"}))
    sessions, _ = plan_roadmap(sc, step1_plan())
    s5 = of(sessions, COLLEGE, "step5")
    ids = [s.title.split(" ")[1] for s in s5]
    assert ids.index("B03") < ids.index("B07")
    assert s5[ids.index("B03")].end_dt <= s5[ids.index("B07")].start_dt


def test_step6_rentree_in_september_and_evening_cafes(placed):
    sc, p1, sessions, _ = placed
    for uid in (COLLEGE, CIRC):
        s6 = of(sessions, uid, "step6")
        rentree = [s for s in s6 if s.window == "rentree_meeting"]
        cafes = [s for s in s6 if s.window == "evening"]
        levels = 4 if uid == COLLEGE else 1  # a collège meets the families of each level (6e … 3e)
        assert len({s.group for s in rentree}) == levels and all(s.date.month == 9 for s in rentree)
        assert len(cafes) == sc.roadmap.cafes_ia and all(s.start >= "17:30" for s in cafes)
        assert all(s.audience == "families" and not s.trainer_id for s in s6)
        assert all(c.start_dt >= last_step1_end(p1, uid) for c in cafes)


def test_sessions_unique_no_overlap_and_in_horizon(placed):
    sc, p1, sessions, _ = placed
    ids = [s.session_id for s in sessions] + [s.session_id for s in p1.sessions]
    assert len(ids) == len(set(ids))
    by_unit = defaultdict(list)
    for s in sessions + p1.sessions:
        by_unit[s.unit_id].append(s)
    for ss in by_unit.values():
        ss.sort(key=lambda s: s.start_dt)
        assert all(a.end_dt <= b.start_dt for a, b in zip(ss, ss[1:]))
    assert all(sc.settings.start_date <= s.date <= sc.settings.end_date for s in sessions)


def test_a_step_that_does_not_fit_the_horizon_is_unplaced_with_a_reason():
    sc = tiny_scenario(end_date=dt.date(2026, 10, 20))
    sessions, unplaced = plan_roadmap(sc, step1_plan())
    assert all(s.date <= dt.date(2026, 10, 20) for s in sessions)
    circ = {u["kind"]: u for u in unplaced if u["unit_id"] == CIRC}
    assert {"step2", "step3"} <= set(circ)
    assert "horizon" in circ["step2"]["reason"] and circ["step2"]["sessions"] == 13
    assert circ["step2"]["name"] == "Circonscription Toulouse 1"
    assert not of(sessions, CIRC, "step2") and not of(sessions, CIRC, "step3")
    assert {"unit_type", "unit_id", "name", "kind", "audience", "sessions", "reason", "rule"} <= set(circ["step2"])
    assert circ["step2"]["rule"] == "horizon" and circ["step3"]["rule"] == "dependency"


def test_meeting_date_overrides():
    sc = tiny_scenario()
    ca = [dt.date(2026, 11, 17), dt.date(2027, 3, 16), dt.date(2027, 6, 15)]
    sc.roadmap_choices = [UnitRoadmapChoices(unit_type="etablissement", unit_id=COLLEGE,
                                             meeting_dates={"conseil_administration": ca,
                                                            "cafe_ia": [dt.date(2027, 1, 14), dt.date(2027, 1, 13)]})]
    sessions, unplaced = plan_roadmap(sc, step1_plan())
    ca_dates = sorted(s.date for s in of(sessions, COLLEGE, "step4") + of(sessions, COLLEGE, "step3")
                      if s.title.startswith("Conseil d'administration"))
    assert ca_dates == ca
    cafes = [s for s in of(sessions, COLLEGE, "step6") if s.window == "evening"]
    assert [s.date for s in cafes] == [dt.date(2027, 1, 14)]  # 13 January is a Wednesday: no evening window
    bad = [u for u in unplaced if u["unit_id"] == COLLEGE]
    assert len(bad) == 1 and bad[0]["kind"] == "step6" and "13 janvier 2027" in bad[0]["reason"]
    assert bad[0]["rule"] == "meeting_date"


def test_add_roadmap_merges_into_the_plan_and_the_checker_passes():
    sc = tiny_scenario()
    plan = add_roadmap(step1_plan(), sc)
    assert {s.kind for s in plan.sessions} >= {"step1", "step2", "step3", "step4", "step5", "step6"}
    assert plan.report["roadmap"]["units"] == 2 and plan.report["unplaced"] == []
    assert check_roadmap(plan, sc) == []


def test_charter_skeleton_pdf(tmp_path):
    from pypdf import PdfReader

    out = write_charter_skeleton("Collège Pierre de Fermat", COLLEGE, tmp_path / "charte.pdf",
                                 revision=dt.date(2027, 6, 30))
    text = "\n".join(p.extract_text() for p in PdfReader(str(out)).pages)
    assert "Collège Pierre de Fermat" in text and COLLEGE in text
    for heading in ("Principes", "Curiosité", "Transparence", "Précaution", "Sobriété", "Recommandations",
                    "Obligations et interdictions", "RGPD", "Paternité et responsabilité", "bonnes pratiques",
                    "gouvernance", "Cadrer", "Réussir", "Évaluer et améliorer", "Bibliographie",
                    "Date de révision", "30/06/2027"):
        assert heading in text, heading
    assert 2 <= len(PdfReader(str(out)).pages) <= 6


def test_national_roadmap_is_fast_and_checks():
    from planner.sources.reference import national_reference

    sc = national_reference("2026-2027", dt.date(2026, 6, 15))
    zone = {a.code: a.calendar_zone for a in sc.academies}
    ss = []
    for i, c in enumerate(sc.circonscriptions):
        d = dt.date(2026, 9, 2) + dt.timedelta(days=7 * (i % 12))
        ss.append(Session(f"S1-{c.id}-1", "step1", "teachers_1d", c.academie, c.departement, zone[c.academie],
                          "circonscription", c.id, "", d, "09:00", "10:00", 15, "wednesday_am", 1))
    for e in sc.etablissements:
        ss.append(Session(f"S1-{e.uai}-1", "step1", "teachers_2d", e.academie, e.departement, zone[e.academie],
                          "etablissement", e.uai, "", dt.date(2026, 8, 31), "09:00", "10:00", 15, "pre_rentree", 1))
    plan = Plan(sessions=ss, report={"unplaced": []})
    add_roadmap(plan, sc)  # its duration is a bench figure (bench/solve_national.py stage_seconds)
    assert plan.report["roadmap"]["units"] == 11000
    assert check_roadmap(plan, sc) == []


def test_scenario_carries_roadmap_settings_and_choices():
    sc = tiny_scenario()
    sc.roadmap = RoadmapSettings(wg_meetings=2, ca_months=(6, 11))
    sc.roadmap_choices = [UnitRoadmapChoices(unit_type="etablissement", unit_id=COLLEGE, themes=["Évaluation"],
                                             briques=["B18"], meeting_dates={"reunion_rentree": [dt.date(2026, 9, 10)]})]
    back = Scenario.model_validate_json(sc.model_dump_json())
    assert back.roadmap.wg_meetings == 2 and back.roadmap.ca_months == (11, 6)  # school-year order
    assert back.roadmap_choices == sc.roadmap_choices
    part = back.restricted_to("16")
    assert part.roadmap.wg_meetings == 2 and part.roadmap_choices == sc.roadmap_choices
    sessions, _ = plan_roadmap(part, step1_plan())
    wg = [s for s in of(sessions, COLLEGE, "step2") if s.group >= 1]
    assert len(wg) == 2 and all("Évaluation" in s.title for s in wg)
    assert {s.date for s in of(sessions, COLLEGE, "step6") if s.window == "rentree_meeting"} == {dt.date(2026, 9, 10)}
    assert [s.title.split(" ")[1] for s in of(sessions, COLLEGE, "step5")] == ["B18"]


def test_export_cli_writes_the_units_charter_skeleton(tmp_path):
    import subprocess
    import sys

    from pypdf import PdfReader

    from pathlib import Path

    from planner.exports.sample import small_plan as sample_plan

    plan_dir = sample_plan().write(tmp_path / "plan")
    unit = next(u for u in Plan.read(plan_dir).units if u.unit_type == "etablissement")
    out = tmp_path / "charte.pdf"
    root = Path(__file__).resolve().parent.parent
    r = subprocess.run([sys.executable, str(root / "main.py"), "export", str(plan_dir), "--kind", "charte",
                        "--id", unit.unit_id, "--out", str(out)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    text = "".join(p.extract_text() for p in PdfReader(out).pages)
    assert unit.unit_id in text and "Principes" in text
