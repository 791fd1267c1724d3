"""Who attends, where, and travel between venues (issue 11, items 2–4)."""
from __future__ import annotations

import datetime as dt

import pytest

from planner.models import Ecole
from planner.plan import Plan, Session
from planner.venues import VenueError, Venue, load_training_sites, travel_minutes
from solvers.api import solve
from solvers.checker import check_plan
from solvers.venues import fill_groups
from tests.tiny import tiny_scenario, uai


def _errors(plan, sc, rule=None):
    return [f for f in check_plan(plan, sc) if f.severity == "error" and (rule is None or f.rule == rule)]


def test_travel_time_from_coordinates():
    toulouse = Venue("A", lat=43.6045, lon=1.4440)
    albi = Venue("B", lat=43.9289, lon=2.1464)  # ≈ 65 km as the crow flies
    m = travel_minutes(toulouse, albi, 40, 15)
    assert 140 <= m <= 150  # 15 + 66 km × 1.3 at 40 km/h
    assert travel_minutes(toulouse, toulouse, 40, 15) == 0
    assert travel_minutes(toulouse, Venue("C"), 40, 15) == 15  # unknown position: the fixed time only


def test_training_sites_default_and_bad_file(tmp_path):
    sites = load_training_sites()
    assert sites["16"][0].commune == "Toulouse" and sites["16"][0].located
    assert len(sites) == 30
    bad = tmp_path / "sites.csv"
    bad.write_text("academie;nom;adresse;code_postal;commune;latitude;longitude\n"
                   "16;Site A;;31000;Toulouse;43.6;1.44\n99;Site B;;;X;1;2\n", encoding="utf-8")
    with pytest.raises(VenueError, match=r"sites.csv, ligne 3, champ « academie » : académie inconnue « 99 »"):
        load_training_sites(bad)
    bad.write_text("academie;nom;adresse;code_postal;commune;latitude;longitude\n16;Site A;;31000;Toulouse;;1.44\n",
                   encoding="utf-8")
    with pytest.raises(VenueError, match=r"ligne 2, champ « latitude » : coordonnée manquante"):
        load_training_sites(bad)


def test_fill_groups_keeps_small_ecoles_whole():
    items = [("a", 10), ("b", 10), ("c", 10), ("d", 4)]  # 34 teachers, 3 groups of at most 15
    groups = fill_groups(items, 3, 34, 15)
    assert [sum(n for _, n in g) for g in groups] and sum(n for g in groups for _, n in g) == 34
    assert all(sum(n for _, n in g) <= 15 for g in groups)
    spans = {u: sum(1 for g in groups if any(i == u for i, _ in g)) for u, _ in items}
    assert max(spans.values()) <= 2  # an école of ≤ 15 teachers in at most two groups
    assert sum(1 for v in spans.values() if v == 2) <= 1  # and only the one that had to be split


def _with_ecoles(**settings):
    sc = tiny_scenario(**settings)
    pos = [(43.60, 1.44), (43.61, 1.45), (43.90, 2.10), (43.91, 2.12), (43.62, 1.43), (43.92, 2.11)]
    teachers = [22, 18, 9, 25, 14, 12]  # 100 in all, the circonscription's teachers
    sc.ecoles = [Ecole(uai=uai(100 + i), name=f"École {i}", circonscription="031-01", departement="031",
                       academie="16", teachers=n, postcode="31000", commune=f"Commune {i}", latitude=la, longitude=lo)
                 for i, (n, (la, lo)) in enumerate(zip(teachers, pos))]
    return sc


def test_1d_groups_by_ecole_count_up_and_have_host_ecoles():
    sc = _with_ecoles()
    plan = solve(sc, solver="greedy")
    groups = [x for x in plan.sessions if x.kind == "step1" and x.audience == "teachers_1d"]
    assert len(groups) == 7
    per_ecole: dict[str, int] = {}
    for x in groups:
        att = x.attendee_counts
        assert sum(n for _, n in att) == x.participants <= 15
        for i, n in att:
            per_ecole[i] = per_ecole.get(i, 0) + n
        assert x.venue.startswith("École") and x.venue_lat is not None and "31000" in x.venue_address
    assert per_ecole == {e.uai: e.teachers for e in sc.ecoles}
    assert not _errors(plan, sc)
    # the units file lists the écoles under their circonscription
    ecoles = [u for u in plan.units if u.unit_type == "ecole"]
    assert len(ecoles) == 6 and {u.parent for u in ecoles} == {"031-01"}


def test_checker_finds_ecole_teachers_missing_and_bad_attendees():
    sc = _with_ecoles()
    plan = solve(sc, solver="greedy")
    x = next(x for x in plan.sessions if x.kind == "step1" and x.audience == "teachers_1d")
    first, *rest = x.attendee_counts
    x.attendees = ";".join(f"{i}:{n}" for i, n in rest)  # one école dropped
    x.participants -= first[1]
    assert _errors(plan, sc, "ecole_groups")
    x.participants += 1
    assert _errors(plan, sc, "attendees")


def test_cadre_sessions_list_the_heads_and_the_venue():
    sc = tiny_scenario()
    plan = solve(sc, solver="greedy")
    perdir = [x for x in plan.sessions if x.audience == "perdir"]
    seen = {i for x in perdir for i, _ in x.attendee_counts}
    assert seen == {e.uai for e in sc.etablissements}
    assert all(x.venue in ("Collège Test", "Lycée Test") for x in perdir)
    insp = [x for x in plan.sessions if x.audience == "inspectors"]
    assert any(i == "031-01" for x in insp for i, _ in x.attendee_counts)  # the IEN sits with the inspectors
    tot = [x for x in plan.sessions if x.kind == "tot"]
    assert tot and all(x.venue.endswith("Toulouse") for x in tot)
    assert {i for x in tot for i, _ in x.attendee_counts} == {r.trainer_id for r in plan.trainers if r.tot_session_id}
    assert not _errors(plan, sc)


def test_checker_sees_a_trainer_who_cannot_travel_in_time():
    sc = tiny_scenario()
    plan = solve(sc, solver="greedy")
    assert not _errors(plan, sc, "travel")
    fdf = [x for x in plan.sessions if x.trainer_id == "FDF-1"]
    a = fdf[0]
    far = Session("X-1", "step1", "inspectors", "16", "031", "C", "departement", "031", "FDF-1", a.date,
                  a.end, f"{int(a.end[:2]) + 1:02d}:{a.end[3:]}", 1, a.window, venue="Loin",
                  venue_lat=43.0, venue_lon=3.0, attendees="031:1")
    broken = Plan(sessions=plan.sessions + [far], trainers=plan.trainers, units=plan.units, report=plan.report)
    assert _errors(broken, sc, "travel")


def test_plan_folder_carries_venues_and_attendees(tmp_path):
    sc = _with_ecoles()
    plan = solve(sc, solver="greedy")
    plan.write(tmp_path)
    header = (tmp_path / "sessions.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    assert header[-5:] == ["venue", "venue_address", "venue_lat", "venue_lon", "attendees"]
    uh = (tmp_path / "units.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    for c in ("postcode", "latitude", "longitude", "parent", "teachers_estimated"):
        assert c in uh
    back = Plan.read(tmp_path)
    assert [(x.venue, x.attendees, x.venue_lat) for x in back.sessions] == \
           [(x.venue, x.attendees, None if x.venue_lat is None else round(x.venue_lat, 6)) for x in plan.sessions]
    assert plan.report["settings"]["travel_speed_kmh"] == 40 and plan.report["settings"]["travel_fixed_minutes"] == 15
    assert not _errors(back, sc)


def test_no_session_without_a_venue_passes_the_checker():
    sc = tiny_scenario()
    plan = solve(sc, solver="greedy")
    x = next(x for x in plan.sessions if x.kind == "step1")
    x.venue = ""
    assert _errors(plan, sc, "venue")


def test_tot_trainee_gets_travel_time_before_delivering():
    sc = tiny_scenario(step1_start_date=None)
    plan = solve(sc, solver="greedy")
    tot = {x.session_id: x for x in plan.sessions if x.kind == "tot"}
    for r in plan.trainers:
        if r.tot_session_id:
            t = tot[r.tot_session_id]
            mine = [x for x in plan.sessions if x.trainer_id == r.trainer_id and x.date == t.date]
            assert all(x.start_dt >= t.end_dt + dt.timedelta(minutes=15) or x.start_dt < t.start_dt for x in mine)


FIXTURE = __import__("pathlib").Path(__file__).parent / "fixtures" / "occ_annuaire_extract.csv"


@pytest.fixture(scope="module")
def occ():
    from planner.sources.annuaire import import_annuaire

    return import_annuaire(FIXTURE).scenario


def test_annuaire_import_keeps_ecoles_with_coordinates_and_postcodes(occ):
    assert len(occ.ecoles) > 200
    for c in occ.circonscriptions:
        assert sum(e.teachers for e in occ.ecoles if e.circonscription == c.id) == c.teachers
    assert all(e.latitude is not None and e.postcode for e in occ.ecoles)
    assert all(e.postcode and e.latitude is not None for e in occ.etablissements)
    assert all(e.teachers_estimated for e in occ.etablissements)


def test_occitanie_extract_groups_by_ecole_and_travel(occ):
    plan = solve(occ, solver="greedy", workers=1)
    assert not _errors(plan, occ)
    step1 = [x for x in plan.sessions if x.kind in ("step1", "tot")]
    assert all(x.venue for x in step1)
    assert all(x.venue_address for x in step1 if x.unit_type != "departement")  # the DSDEN has no address in the annuaire
    per_ecole: dict[str, int] = {}
    for x in plan.sessions:
        if x.kind == "step1" and x.audience == "teachers_1d":
            for i, n in x.attendee_counts:
                per_ecole[i] = per_ecole.get(i, 0) + n
    assert per_ecole == {e.uai: e.teachers for e in occ.ecoles if e.teachers}
    # a small école (≤ 15 teachers) sits in at most two groups
    spans: dict[str, int] = {}
    for x in plan.sessions:
        if x.kind == "step1" and x.audience == "teachers_1d":
            for i, _ in x.attendee_counts:
                spans[i] = spans.get(i, 0) + 1
    assert all(spans[e.uai] <= 2 for e in occ.ecoles if 0 < e.teachers <= 15)


def test_annuaire_without_bassins_gets_proximity_bassins(tmp_path):
    from planner.sources.annuaire import import_annuaire

    lines = FIXTURE.read_text(encoding="utf-8-sig").splitlines()
    header = lines[0].split(";")
    ib = header.index("code_bassin_formation")
    il = header.index("libelle_bassin_formation")
    out = [lines[0]]
    for line in lines[1:]:
        f = line.split(";")
        if len(f) == len(header):
            f[ib] = f[il] = ""
        out.append(";".join(f))
    p = tmp_path / "annuaire_2023.csv"
    p.write_text("\n".join(out) + "\n", encoding="utf-8")
    res = import_annuaire(p)
    sc = res.scenario
    assert all(b.id.split("-")[1].startswith("P") for b in sc.bassins)
    assert any("proximité" in n for n in res.notes)
    sizes = [sum(1 for e in sc.etablissements if e.bassin == b.id) for b in sc.bassins]
    assert max(sizes) <= 30 and sum(sizes) == len(sc.etablissements)
