"""Follow-up of the year: statuses in the scenario file, `record`, undo, re-planning the rest, progress."""
from __future__ import annotations

import dataclasses
import datetime as dt
import sqlite3

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner import followup as fu
from planner.plan import Plan
from planner.store import SCHEMA_VERSION, ScenarioStore
from solvers.api import solve
from solvers.checker import check_plan
from solvers.replan_rest import FollowupOptions, replan_rest
from tests.conftest import sqlite_dump
from tests.tiny import tiny_scenario

TODAY = dt.date(2026, 12, 1)


@pytest.fixture(scope="module")
def tiny():
    sc = tiny_scenario()
    return sc, solve(sc, solver="greedy", time_limit=5)


@pytest.fixture()
def store_file(tiny, tmp_path):
    sc, plan = tiny
    path = tmp_path / "s.sqlite"
    ScenarioStore.create(path, sc)
    with ScenarioStore(path) as s:
        s.save_plan(fu.CURRENT_PLAN, plan, {})
    return path


def _csv(path, lines: list[str]):
    path.write_text("session_id;statut;date;presents;noms\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def _step1(plan: Plan):
    return sorted((s for s in plan.sessions if s.kind == "step1"), key=lambda s: (s.date, s.start, s.session_id))


# ------------------------------------------------------------------ recording
def test_record_valid_rows_and_history(store_file, tiny, tmp_path):
    s1 = _step1(tiny[1])
    f = _csv(tmp_path / "r.csv", [f"{s1[0].session_id};tenue;{s1[0].date.strftime('%d/%m/%Y')};12;\"Ada Lovelace; Alan Turing\"",
                                  f"{s1[1].session_id};annulée;;;",
                                  f"{s1[2].session_id};;;;"])
    with ScenarioStore(store_file) as s:
        res = fu.record_file(s, f, today=TODAY)
        st_ = fu.load_statuses(s)
        hist = fu.history(s)
    assert (res.rows, res.held, res.cancelled, res.skipped, res.rejected) == (3, 1, 1, 1, [])
    assert st_[s1[0].session_id] == fu.SessionStatus(s1[0].session_id, "held", s1[0].date, 12, ("Ada Lovelace", "Alan Turing"))
    assert st_[s1[1].session_id].status == "cancelled" and s1[2].session_id not in st_
    assert {h.session_id for h in hist} == {s1[0].session_id, s1[1].session_id}
    assert all(h.old is None and h.user and h.at for h in hist)


def test_record_rejects_bad_lines_in_french(store_file, tiny, tmp_path):
    s1 = _step1(tiny[1])
    f = _csv(tmp_path / "bad.csv", [
        "S1-NOPE-01;tenue;2026-09-02;10;",  # 2 unknown id
        f"{s1[0].session_id};tenue;2026-09-02;10;",  # 3 duplicate …
        f"{s1[0].session_id};annulée;;;",  # 4 … of line 3
        f"{s1[1].session_id};tenue;2027-03-01;10;",  # 5 held date in the future
        f"{s1[2].session_id};tenue;{s1[2].date};16;",  # 6 more present than a group holds
        f"{s1[3].session_id};peut-être;;;",  # 7 unknown status
        f"{s1[4].session_id};tenue;{s1[4].date};douze;",  # 8 not a number
        f"{s1[5].session_id};tenue;{s1[5].date};9;",  # 9 valid
    ])
    with ScenarioStore(store_file) as s:
        res = fu.record_file(s, f, today=TODAY)
        assert set(fu.load_statuses(s)) == {s1[5].session_id}  # valid lines are recorded, bad ones are not
    by_line = {r.line: r for r in res.rejected}
    assert sorted(by_line) == [2, 3, 4, 5, 6, 7, 8]
    assert by_line[2].field == "session_id" and "inconnue" in by_line[2].message
    assert "en double" in by_line[3].message and "ligne 4" in by_line[3].message
    assert by_line[5].field == "date" and "futur" in by_line[5].message
    assert by_line[6].field == "presents" and "16 présents pour un groupe de 15" in by_line[6].message
    assert by_line[7].field == "statut" and by_line[8].field == "presents"
    for r in res.rejected:
        assert r.message.startswith(f"{f}, ligne {r.line}, champ « {r.field} »")


def test_record_refuses_changing_a_held_session(store_file, tiny, tmp_path):
    x = _step1(tiny[1])[0]
    with ScenarioStore(store_file) as s:
        fu.record_file(s, _csv(tmp_path / "a.csv", [f"{x.session_id};tenue;{x.date};10;"]), today=TODAY)
        again = fu.record_file(s, _csv(tmp_path / "b.csv", [f"{x.session_id};tenue;{x.date};10;"]), today=TODAY)
        change = fu.record_file(s, _csv(tmp_path / "c.csv", [f"{x.session_id};annulée;;;"]), today=TODAY)
        assert fu.load_statuses(s)[x.session_id].status == "held"
    assert again.unchanged == 1 and not again.rejected  # re-importing the same file is harmless
    assert len(change.rejected) == 1 and "déjà enregistrée comme tenue" in change.rejected[0].message


def test_record_strict_records_nothing_when_a_line_is_bad(store_file, tiny, tmp_path):
    s1 = _step1(tiny[1])
    f = _csv(tmp_path / "r.csv", [f"{s1[0].session_id};tenue;{s1[0].date};10;", "S1-NOPE-01;tenue;2026-09-02;10;"])
    with ScenarioStore(store_file) as s:
        res = fu.record_file(s, f, today=TODAY, strict=True)
        assert fu.load_statuses(s) == {} and res.batch is None and len(res.rejected) == 1


def test_record_reads_xlsx_template(store_file, tiny, tmp_path):
    from openpyxl import load_workbook

    from planner.exports.suivi import export_record_template

    sc, plan = tiny
    unit = ("circonscription", "031-01")
    path = export_record_template(plan, tmp_path / "fiche.xlsx", unit=unit)
    wb = load_workbook(path)
    ws = wb.active
    assert [c.value for c in ws[1]][:5] == fu.RECORD_COLUMNS
    ws["B2"], ws["D2"] = "tenue", 11
    ws["B3"] = "annulée"
    wb.save(path)
    with ScenarioStore(store_file) as s:
        res = fu.record_file(s, path, today=TODAY)
    assert (res.held, res.cancelled, res.skipped) == (1, 1, ws.max_row - 3)


def test_record_then_undo_restores_the_data_exactly(store_file, tiny, tmp_path):
    s1 = _step1(tiny[1])
    with ScenarioStore(store_file) as s:
        fu.record_file(s, _csv(tmp_path / "a.csv", [f"{s1[0].session_id};tenue;{s1[0].date};10;"]), today=TODAY)
    before = sqlite_dump(store_file)
    f = _csv(tmp_path / "b.csv", [f"{x.session_id};{'tenue' if i % 2 else 'annulée'};{x.date};9;" for i, x in enumerate(s1[1:12])])
    with ScenarioStore(store_file) as s:
        res = fu.record_file(s, f, today=TODAY)
        assert res.held + res.cancelled == 11
    assert sqlite_dump(store_file) != before
    with ScenarioStore(store_file) as s:
        assert fu.undo_batch(s, res.batch) == 11
    assert sqlite_dump(store_file) == before


def test_old_scenario_files_gain_the_status_tables(tiny, tmp_path):
    path = tmp_path / "old.sqlite"
    ScenarioStore.create(path, tiny[0])
    db = sqlite3.connect(path)
    db.execute("DROP TABLE session_status")
    db.execute("DROP TABLE status_history")
    db.execute("PRAGMA user_version = 2")
    db.commit()
    db.close()
    with ScenarioStore(path) as s:
        assert s.schema_version == SCHEMA_VERSION >= 3
        assert fu.load_statuses(s) == {} and fu.history(s) == []
        assert s.load_scenario().name == tiny[0].name


def test_plan_folder_carries_status_and_present(tiny, tmp_path):
    plan = Plan(sessions=[dataclasses.replace(x) for x in tiny[1].sessions], trainers=tiny[1].trainers,
                units=tiny[1].units, report=tiny[1].report)
    x, y = _step1(plan)[:2]
    fu.apply_statuses(plan, {x.session_id: fu.SessionStatus(x.session_id, "held", x.date, 7),
                             y.session_id: fu.SessionStatus(y.session_id, "cancelled")})
    back = {s.session_id: s for s in Plan.read(plan.write(tmp_path / "p")).sessions}
    assert (back[x.session_id].status, back[x.session_id].present, back[x.session_id].held_date) == ("held", 7, x.date)
    assert (back[y.session_id].status, back[y.session_id].present) == ("cancelled", None)
    header = (tmp_path / "p" / "sessions.csv").read_text(encoding="utf-8").split("\n", 1)[0].split(",")
    i = header.index("status")
    assert header[i:i + 3] == ["status", "present", "held_date"]


# ------------------------------------------------------------------ re-planning the rest
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_replanning_never_changes_a_held_session(tiny, data):
    sc, plan = tiny
    ids = [x.session_id for x in plan.sessions]
    pf = data.draw(st.dates(dt.date(2026, 8, 1), dt.date(2027, 3, 1)), label="plan_from")
    statuses = {}
    for x in plan.sessions:
        if x.date >= pf:
            continue
        choice = data.draw(st.sampled_from(["", "held", "cancelled"]), label=x.session_id)
        if choice == "held":
            statuses[x.session_id] = fu.SessionStatus(x.session_id, "held", x.date,
                                                      data.draw(st.integers(1, max(1, x.participants))))
        elif choice == "cancelled":
            statuses[x.session_id] = fu.SessionStatus(x.session_id, "cancelled")
    opts = FollowupOptions(pf, keep_announced=data.draw(st.booleans()), absentees_to_train=data.draw(st.booleans()),
                           makeup_min_absent=data.draw(st.integers(1, 10)))
    new = replan_rest(sc, plan, statuses, opts)
    by_id = {x.session_id: x for x in new.sessions}
    old = {x.session_id: x for x in plan.sessions}
    for sid, s in statuses.items():
        if s.status == "held":
            assert by_id[sid] == old[sid]
    for x in new.sessions:
        held = statuses.get(x.session_id) and statuses[x.session_id].status == "held"
        kept_tot = x.kind == "tot" and x.status == "held" and dataclasses.replace(  # took place: its trainees held
            x, status="planned", present=None, held_date=None) == old.get(x.session_id)
        presumed = x.kind in ("step2", "step3", "step4", "step6") and x.status == "held" and dataclasses.replace(
            x, status="planned", present=None, held_date=None) == old.get(x.session_id)  # no sheet: took place
        assert statuses.get(x.session_id) is None or not presumed or statuses[x.session_id].status == "held"
        assert held or kept_tot or presumed or x.date >= pf, x
    assert len(set(by_id)) == len(new.sessions) and set(ids) - set(by_id) <= {
        u.get("unit_id") for u in new.unplaced} | set(ids)


def test_cancelled_train_the_trainer_moves_its_trainees_sessions(tiny):
    sc, plan = tiny
    tot = next(x for x in plan.sessions if x.kind == "tot")
    pf = tot.date + dt.timedelta(days=1)
    new = replan_rest(sc, plan, {tot.session_id: fu.SessionStatus(tot.session_id, "cancelled")}, FollowupOptions(pf))
    moved = next(x for x in new.sessions if x.session_id == tot.session_id)
    assert moved.date >= pf
    assert new.report["followup"]["cancelled_replaced"] >= 1
    assert not [f for f in check_plan(new, sc) if f.severity == "error"]


def test_absentees_get_a_make_up_group_when_enough_are_missing(tiny):
    sc, plan = tiny
    circ = [x for x in _step1(plan) if x.unit_id == "031-01"]
    pf = circ[-1].date + dt.timedelta(days=1)
    few = {x.session_id: fu.SessionStatus(x.session_id, "held", x.date, x.participants - 1) for x in circ[:3]}
    many = {x.session_id: fu.SessionStatus(x.session_id, "held", x.date, x.participants - 5) for x in circ[:3]}
    opts = FollowupOptions(pf, absentees_to_train=True, makeup_min_absent=8)
    assert replan_rest(sc, plan, few, opts).report["followup"]["makeup"] == 0  # 3 absent < 8
    new = replan_rest(sc, plan, many, opts)
    makeup = [x for x in new.sessions if x.title == fu.MAKEUP_TITLE]
    assert len(makeup) == 1 and makeup[0].participants == 15 and makeup[0].date >= pf
    assert not [f for f in check_plan(new, sc) if f.severity == "error"]
    off = replan_rest(sc, plan, many, FollowupOptions(pf, absentees_to_train=False))
    assert not [x for x in off.sessions if x.title == fu.MAKEUP_TITLE]


def test_announced_sessions_stay_unless_the_setting_is_off(tiny):
    sc, plan = tiny
    s1 = _step1(plan)
    pf = s1[len(s1) // 2].date
    x = next(y for y in s1 if y.audience == "teachers_2d")
    statuses = {t.session_id: fu.SessionStatus(t.session_id, "held", t.date, t.participants)
                for t in plan.sessions if t.kind in ("tot", "step1") and t.date < pf}  # the past went to plan
    statuses[x.session_id] = fu.SessionStatus(x.session_id, "cancelled")
    keep = replan_rest(sc, plan, statuses, FollowupOptions(pf))
    later = {y.session_id: y for y in plan.sessions if y.kind == "step1" and y.date >= pf}
    kept = {y.session_id: y for y in keep.sessions if y.session_id in later}
    assert all(kept[k] == later[k] for k in later if k in kept)
    assert keep.report["followup"]["kept"] >= len(later) - 1
    fresh = replan_rest(sc, plan, statuses, FollowupOptions(pf, keep_announced=False))
    assert fresh.report["followup"]["moved"] + fresh.report["followup"]["kept"] >= len(later) - 1
    assert not [f for f in check_plan(fresh, sc) if f.severity == "error"]


# ------------------------------------------------------------------ progress
def test_progress_counts_held_cancelled_late(tiny):
    sc, plan = tiny
    s1 = _step1(plan)
    held = {x.session_id: fu.SessionStatus(x.session_id, "held", x.date, 10) for x in s1[:4]}
    held[s1[4].session_id] = fu.SessionStatus(s1[4].session_id, "cancelled")
    as_of = s1[6].date + dt.timedelta(days=1)
    rep = fu.progress(plan, as_of, held)
    late = sum(1 for x in s1[5:] if x.date < as_of)
    assert (rep.nation.held, rep.nation.trained, rep.nation.cancelled, rep.nation.late) == (4, 40, 1, late)
    assert rep.nation.people == sum(x.participants for x in s1)
    assert sum(p.held for p in rep.departement.values()) == 4
    started = {k for k, p in rep.units.items() if p.held}
    assert {(t, u) for t, u, _ in rep.nation.untrained_units} == set(rep.units) - started
    # the window's « Suivi » asks for the nation alone: the same figures, no other level made
    alone = fu.progress(plan, as_of, held, levels=False)
    assert alone.nation == rep.nation and alone.units == rep.units
    assert not (alone.departement or alone.bassin or alone.academie) and rep.departement and rep.academie


def test_teachers_wait_for_their_heads_cancelled_session(tiny):
    sc, plan = tiny
    assert sc.settings.heads_first
    bassin = [x for x in plan.sessions if x.kind == "step1" and x.unit_type == "bassin"]
    pf = min(x.date for x in plan.sessions if x.kind == "step1")
    statuses = {x.session_id: fu.SessionStatus(x.session_id, "cancelled") for x in bassin}
    statuses.update({t.session_id: fu.SessionStatus(t.session_id, "held", t.date, t.participants)
                     for t in plan.sessions if t.kind == "tot"})
    new = replan_rest(sc, plan, statuses, FollowupOptions(pf))
    heads_end = min(x.end_dt for x in new.sessions if x.unit_type == "bassin")
    assert min(x.start_dt for x in new.sessions if x.kind == "step1" and x.audience == "teachers_2d") >= heads_end
    assert not [f for f in check_plan(new, sc) if f.severity == "error"]


def test_pins_apply_to_sessions_not_yet_held(tiny):
    """A pin added after recording moves its group (not yet held) to the pinned slot; a pin on a held
    session or before plan_from is not applied and is said in French."""
    from planner.calendar import audience_slots
    from planner.models import Pin

    sc, plan = tiny
    s1 = [x for x in _step1(plan) if x.unit_type == "etablissement" and x.audience == "teachers_2d"]
    unit = s1[0].unit_id
    mine = sorted((x for x in s1 if x.unit_id == unit), key=lambda x: x.group)
    held, free = mine[0], mine[-1]
    pf = held.date + dt.timedelta(days=1)
    statuses = {held.session_id: fu.SessionStatus(held.session_id, "held", held.date, held.participants)}
    slots = [sl for sl in audience_slots("teachers_2d", sc.settings, "C", "031", 60, unit, "16")
             if sl.date >= pf + dt.timedelta(days=30) and (sl.date, sl.start_hhmm) != (free.date, free.start)]
    target = slots[3]
    pins = [Pin(unit_type="etablissement", unit_id=unit, group=free.group, date=target.date, start=target.start_hhmm),
            Pin(unit_type="etablissement", unit_id=unit, group=held.group, date=target.date, start=slots[5].start_hhmm)]
    if len(mine) > 2:  # a pin before plan_from on a group not held
        pins.append(Pin(unit_type="etablissement", unit_id=unit, group=mine[1].group, date=held.date, start=held.start))
    sc2 = sc.model_copy(update={"pins": pins})
    new = replan_rest(sc2, plan, statuses, FollowupOptions(pf))
    by_id = {x.session_id: x for x in new.sessions}
    assert (by_id[free.session_id].date, by_id[free.session_id].start) == (target.date, target.start_hhmm)
    assert by_id[free.session_id].pinned
    assert (by_id[held.session_id].date, by_id[held.session_id].start, by_id[held.session_id].trainer_id) == \
           (held.date, held.start, held.trainer_id)
    reasons = [u["reason"] for u in new.report["unplaced"] if u["rule"] == "pin"]
    assert any("déjà tenue" in r and f"groupe {held.group}" in r for r in reasons)
    if len(mine) > 2:
        assert any("rien n'est placé avant" in r and f"groupe {mine[1].group}" in r for r in reasons)
    assert not [f for f in check_plan(new, sc2) if f.severity == "error"]


def test_replan_starts_at_the_options_plan_from_whatever_the_settings_say(tiny):
    """The settings' plan_from (here in March) follows the re-plan's: late sessions go back from December."""
    sc, plan = tiny
    later = sc.model_copy(update={"settings": sc.settings.model_copy(update={"plan_from": dt.date(2027, 3, 1)})})
    s1 = _step1(plan)
    statuses = {x.session_id: fu.SessionStatus(x.session_id, "held", x.date, x.participants) for x in s1[:4]}
    pf = dt.date(2026, 12, 1)
    new = replan_rest(later, plan, statuses, FollowupOptions(pf))
    first = min(x.date for x in new.sessions if x.kind == "step1" and x.session_id not in statuses)
    assert pf <= first < dt.date(2027, 1, 15)
    assert new.report["followup"]["late_replaced"] >= len(s1) - 4
    assert new.report["settings"]["plan_from"] == pf.isoformat()


def test_the_re_plan_s_report_keeps_the_settings_it_was_made_with(tiny):
    """A setting changed before the re-plan is the one its report names (the window compares them with the
    scenario's to say a plan stale), beside what the first solve added (each académie's pré-rentrée)."""
    sc, plan = tiny
    caps = sc.model_copy(update={"settings": sc.settings.model_copy(update={"max_per_local_trainer_per_day": 3})})
    s1 = _step1(plan)
    statuses = {x.session_id: fu.SessionStatus(x.session_id, "held", x.date, x.participants) for x in s1[:2]}
    new = replan_rest(caps, plan, statuses, FollowupOptions(caps.settings.plan_from))
    assert plan.report["settings"]["max_per_local_trainer_per_day"] != 3
    assert new.report["settings"]["max_per_local_trainer_per_day"] == 3
    assert new.report["settings"]["pre_rentree_dates"] == plan.report["settings"]["pre_rentree_dates"]
    assert {k: v for k, v in new.report["settings"].items() if k != "pre_rentree_dates"} == \
        caps.settings.model_dump(mode="json")


def test_replanning_the_rest_does_not_load_or_tools():
    """``solve --scenario FILE`` once sessions are recorded needs no CP-SAT: loading it (and pandas with
    it) took most of the re-plan command's time."""
    import subprocess
    import sys

    code = ("import sys, solvers.cli, solvers.followup_cli, solvers.followup_plan, solvers.replan_rest, solvers.checker, "
            "solvers.replan; print(sorted(m for m in ('ortools.sat.python.cp_model', 'solvers.api', 'solvers.academie') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=str(__import__("pathlib").Path(__file__).resolve().parent.parent))
    assert out.stdout.strip() == "[]"


def test_an_academie_on_its_own_calendar_is_replanned_on_it():
    """Corse has its own official calendar (not zone C's days): the re-plan places its cadre meetings and
    sessions on Corse's days, as the solve and the checker count them."""
    from planner.models import Scenario
    from planner.sources.reference import national_reference

    ref = national_reference()
    code = ref.find_academie("Corse").code
    sc = Scenario.model_validate(ref.restricted_to(code).model_dump())
    sc.settings = sc.settings.for_school_year("2026-2027", dt.date(2026, 6, 15))
    plan = solve(sc, solver="greedy", time_limit=5, workers=1)
    rows, pf = fu.simulate_year(plan, 0.30, 0.05, seed=1)
    statuses = {r["session_id"]: fu.SessionStatus(r["session_id"], "held", dt.date.fromisoformat(r["date"]),
                                                  int(r["presents"])) if r["statut"] == "tenue"
                else fu.SessionStatus(r["session_id"], "cancelled") for r in rows}
    new = replan_rest(sc, plan, statuses, FollowupOptions(pf))
    assert new.report["followup"]["cancelled_replaced"] == sum(r["statut"] == "annulée" for r in rows)
    errors = [f for f in check_plan(new, sc) if f.severity == "error"]
    assert not errors, errors[:3]


def test_replaced_fdf_sessions_leave_the_travel_time_between_venues():
    """The FdF pool of the re-plan counts travel as the solve and the checker do: a cancelled meeting
    session is not put back just before the FdF's kept session at another venue."""
    sc = tiny_scenario(max_per_fdf_per_day=4)
    plan = solve(sc, solver="greedy", time_limit=5, workers=1)
    perdir = sorted((x for x in plan.sessions if x.audience == "perdir"), key=lambda x: x.group)
    insp = next(x for x in plan.sessions if x.audience == "inspectors")
    day = perdir[0].date  # the heads' rentrée seminar, open to inspectors too
    assert perdir[0].start == "09:00" and perdir[1].date == day and insp.venue != perdir[0].venue
    moved = dataclasses.replace(insp, date=day, start="11:00", end="12:00", window="rentree_seminar")
    plan2 = Plan(sessions=[moved if x is insp else x for x in plan.sessions], trainers=plan.trainers,
                 units=plan.units, report=plan.report)
    cancelled = {perdir[1].session_id: fu.SessionStatus(perdir[1].session_id, "cancelled")}
    new = replan_rest(sc, plan2, cancelled, FollowupOptions(day))
    back = next(x for x in new.sessions if x.session_id == perdir[1].session_id)
    assert (back.date, back.start) != (day, "10:00")  # 10:00–11:00 at the lycée, then 11:00 at the DSDEN: no
    assert not [f for f in check_plan(new, sc) if f.severity == "error"]


def test_past_steps_without_sign_in_sheet_are_presumed_held_not_moved(tiny, tmp_path):
    """Steps 2, 3, 4 and 6 have no sign-in sheet to record: those dated before plan_from that nobody
    said cancelled took place; the re-plan keeps them where they were and the file records them held."""
    from solvers.followup_plan import store_current_plan

    sc, plan = tiny
    pf = dt.date(2026, 11, 30)
    past = {x.session_id: x for x in plan.sessions if x.kind in ("step2", "step3", "step4", "step6") and x.date < pf}
    assert past  # the tiny plan starts in June: its rentrée meetings and first working groups are gone
    statuses = {t.session_id: fu.SessionStatus(t.session_id, "held", t.date, t.participants)
                for t in plan.sessions if t.kind in ("tot", "step1") and t.date < pf}
    out = replan_rest(sc, plan, statuses, FollowupOptions(pf))
    by_id = {x.session_id: x for x in out.sessions}
    for sid, x in past.items():
        y = by_id[sid]
        assert (y.date, y.start, y.unit_id) == (x.date, x.start, x.unit_id) and y.status == "held"
    assert sorted(out.report["followup"]["presumed_held"]) == sorted(past)
    assert not [u for u in out.unplaced if "rentrée" in u["reason"] and u["kind"] == "step6"]
    assert not [f for f in check_plan(out, sc) if f.severity == "error"]
    path = tmp_path / "s.sqlite"
    ScenarioStore.create(path, sc)
    with ScenarioStore(path) as s:
        s.save_plan(fu.CURRENT_PLAN, plan, {})
        fu.set_statuses(s, list(statuses.values()))
    store_current_plan(path, out)
    with ScenarioStore(path) as s:
        recorded = fu.load_statuses(s)
    assert all(recorded[sid].status == "held" for sid in past)


def test_replan_records_name_the_unit_not_its_id(tiny):
    """The re-plan's unplaced records (heads first, pins, no trainer) carry the unit's name, as the
    solve's do, and their reason starts with it — not with the UAI."""
    from planner.models import Pin

    sc, plan = tiny
    names = {e.uai: e.name for e in sc.etablissements}
    s1 = [x for x in _step1(plan) if x.audience == "teachers_2d"]
    first = s1[0]
    other = next(x for x in s1 if x.unit_id != first.unit_id)
    pf = first.date + dt.timedelta(days=1)
    statuses = {x.session_id: fu.SessionStatus(x.session_id, "cancelled")
                for x in plan.sessions if x.kind == "step1" and x.unit_type == "bassin"}
    statuses.update({t.session_id: fu.SessionStatus(t.session_id, "held", t.date, t.participants)
                     for t in plan.sessions if t.kind == "tot"})
    statuses[first.session_id] = fu.SessionStatus(first.session_id, "held", first.date, first.participants)
    pins = [Pin(unit_type="etablissement", unit_id=first.unit_id, group=first.group,
                date=first.date + dt.timedelta(days=60), start=first.start)]
    sc2 = sc.model_copy(update={"pins": pins, "trainers": [t for t in sc.trainers if t.unit_id != other.unit_id]})
    new = replan_rest(sc2, plan, statuses, FollowupOptions(pf))
    recs = {u["rule"]: u for u in new.report["unplaced"] if u["rule"] in ("heads_first", "pin", "no_trainer")}
    assert set(recs) == {"heads_first", "pin", "no_trainer"}
    assert recs["heads_first"]["unit_id"] == recs["pin"]["unit_id"] == first.unit_id
    assert recs["no_trainer"]["unit_id"] == other.unit_id
    for u in recs.values():
        assert u["name"] == names[u["unit_id"]]
        assert u["reason"].startswith(names[u["unit_id"]] + " : ")
    assert recs["heads_first"]["departement"] == "031"


def test_a_pin_where_nothing_is_recorded_replans_the_unit_alone(tiny):
    """Sessions recorded in another académie do not make a pin re-plan this académie's whole rest of the
    year (``None``: the window then re-plans the unit alone); a record in the académie itself does."""
    from planner.models import Pin
    from solvers.followup_plan import replan_with_pin_recorded, statuses_of

    sc, plan = tiny
    own = [dataclasses.replace(x, status="planned", held_date=None, present=None)  # nothing recorded yet (the
           for x in plan.sessions]  # module's plan, which other tests record statuses on, is left as it is)
    s1 = [x for x in own if x.kind == "step1" and x.unit_type == "etablissement"]
    target = s1[-1]
    pin = Pin(unit_type="etablissement", unit_id=target.unit_id, group=target.group, date=target.date,
              start=target.start)
    elsewhere = dataclasses.replace(s1[0], session_id="AUTRE-1", academie="28", status="held", held_date=s1[0].date)
    mixed = dataclasses.replace(plan, sessions=own + [elsewhere])
    assert statuses_of(mixed) == {"AUTRE-1": fu.SessionStatus("AUTRE-1", "held", s1[0].date, None)}
    assert statuses_of(mixed, "16") == {}
    assert replan_with_pin_recorded(sc, mixed, pin, "16") is None
    s1[0].status, s1[0].held_date = "held", s1[0].date  # now one of the académie's own sessions is held
    again = replan_with_pin_recorded(sc, mixed, pin, "Toulouse")  # the académie by name works the same
    assert again is not None
    kept = next(x for x in again.sessions if x.session_id == s1[0].session_id)
    assert (kept.date, kept.start) == (s1[0].date, s1[0].start)


def test_statuses_of_the_academie_from_its_own_rows_are_the_same(tiny):
    """The window passes the académie's rows of its index: the same statuses as looking through the plan."""
    from solvers.followup_plan import statuses_of

    sc, plan = tiny
    own = [dataclasses.replace(x, status="planned", held_date=None, present=None) for x in plan.sessions]
    own[2].status, own[2].held_date, own[2].present = "held", own[2].date, 9
    own[5].status = "cancelled"
    p2 = dataclasses.replace(plan, sessions=own)
    mine = [x for x in own if x.academie == "16"]
    assert statuses_of(p2, "16", mine) == statuses_of(p2, "16") == statuses_of(p2)
    assert set(statuses_of(p2)) == {own[2].session_id, own[5].session_id}
    assert statuses_of(p2, "16", [x for x in mine if x.status == "planned"]) == {}


def test_progress_add_sums_every_count():
    """A territory's totals add every count of its units (``Progress.add`` names each field: a count added to the
    class and not to ``add`` fails here)."""
    from dataclasses import fields

    counts = [f.name for f in fields(fu.Progress) if f.type in (int, "int")]
    assert len(counts) >= 9
    total = fu.Progress("t")
    for k, name in enumerate(counts, 1):
        total.add(fu.Progress("u", **{name: k}, untrained_units=[("etablissement", name, "")]))
        total.add(fu.Progress("v", **{name: 10 * k}))
    assert [getattr(total, name) for name in counts] == [11 * k for k in range(1, len(counts) + 1)]
    assert [u[1] for u in total.untrained_units] == counts
