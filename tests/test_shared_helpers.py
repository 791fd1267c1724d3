"""Logic written once (issue 15): each shared helper does its job, and its callers use it instead of a copy."""
from __future__ import annotations

import ast
import datetime as dt

from planner.text import fold, strip_accents

from .conftest import ROOT


def _calls(module: str, attr: str) -> list[str]:
    """Modules of planner/, solvers/ and ui/ whose source calls ``module.attr`` (e.g. unicodedata.combining)."""
    out = []
    for p in sorted(p for pkg in ("planner", "solvers", "ui") for p in (ROOT / pkg).rglob("*.py")):
        for n in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):
            if isinstance(n, ast.Attribute) and n.attr == attr and isinstance(n.value, ast.Name) and n.value.id == module:
                out.append(str(p.relative_to(ROOT)))
                break
    return out


def test_accent_folding_is_written_once():
    assert fold("Académie de CRÉTEIL") == "academie de creteil"
    assert strip_accents("Élève") == "Eleve"
    assert _calls("unicodedata", "combining") == ["planner/text.py"]


def test_accent_folding_drops_exactly_the_combining_marks_of_the_compatibility_decomposition():
    import unicodedata

    def reference(s: str) -> str:
        return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))

    texts = ["L'Haÿ-les-Roses", "ﬁgure", "Ærø", "e\u0301\u0327", "ß", "İ", "Ǆ", "①", "\u1e9b\u0323", "Ω≈ç√", ""]
    texts += [chr(i) + "a" + chr(i) for i in range(0x80, 0x2000)]
    assert [strip_accents(t) for t in texts] == [reference(t) for t in texts]
    assert strip_accents("ascii stays as it is") == "ascii stays as it is"


def test_folding_callers_keep_their_own_rules():
    from planner.followup import parse_status
    from planner.models import academie_matches
    from planner.sources.annuaire.decoding import fold as header_fold

    assert academie_matches("01", "Aix-Marseille", "aix marseille")
    assert academie_matches("16", "Toulouse", " TOULOUSE ")
    assert parse_status("Tenue") == "held" and parse_status("ANNULÉE") == "cancelled"
    assert header_fold(' "Identifiant de l\'établissement" ') == "identifiant_de_l_etablissement"


def test_durable_writes_are_written_once(tmp_path):
    import pytest

    from planner.safe_io import atomic_file

    target = tmp_path / "a.csv"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError):
        with atomic_file(target, "w", encoding="utf-8") as f:
            f.write("half")
            raise RuntimeError("killed")
    assert target.read_text(encoding="utf-8") == "old"  # an interrupted write leaves the previous file
    assert (tmp_path / "a.csv.tmp").exists()  # and a .tmp that clean_stale_temps removes at the next run
    with atomic_file(target, "w", encoding="utf-8") as f:
        f.write("new")
    assert target.read_text(encoding="utf-8") == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv"]
    assert _calls("os", "fsync") == ["planner/safe_io.py"]


def test_one_session_matcher_two_matchings():
    """A renumbered plan: by session id every session is gone and new; by what sessions are, none moved."""
    from dataclasses import replace

    from planner.compare import NamedPlan, compare, compare_plans
    from planner.exports.sample import small_plan

    a, b = small_plan(), small_plan()
    b.sessions = [replace(s, session_id="R" + s.session_id) for s in b.sessions]
    by_id = compare_plans([NamedPlan("A", a, "a"), NamedPlan("B", b, "b")]).diffs[0]
    assert (by_id.unchanged, len(by_id.only_a), len(by_id.only_b)) == (0, len(a.sessions), len(b.sessions))
    by_what = compare(a, b)
    grouped = sum(1 for s in a.sessions if s.group)
    assert by_what.unchanged == grouped and len(by_what.moved) == 0
    assert len(by_what.removed) == len(a.sessions) - grouped  # ungrouped sessions are matched by id


def test_compare_command_reports_an_unwritable_output_in_french(tmp_path):
    import subprocess
    import sys

    from planner.exports.sample import small_plan

    small_plan().write(tmp_path / "a")
    small_plan().write(tmp_path / "b")
    r = subprocess.run([sys.executable, str(ROOT / "main.py"), "compare", str(tmp_path / "a"), str(tmp_path / "b"),
                        "--out", str(tmp_path / "a" / "sessions.csv" / "c.xlsx")], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 2 and r.stderr.startswith("Erreur : écriture impossible"), r.stderr
    assert "Traceback" not in r.stderr


def test_heads_first_matching_is_written_once():
    """Two établissements of one bassin, one cadre session with one seat ending before both: the earliest
    deadline gets the seat, the other is reported — by the shared matching and by compare's figure."""
    import datetime as dt
    from types import SimpleNamespace as S

    from planner.heads_first import cadre_seats, first_teacher_sessions, match_heads

    def x(kind, audience, ut, uid, day, start, end, n=1):
        d = dt.datetime(2026, 9, day)
        return S(kind=kind, audience=audience, unit_type=ut, unit_id=uid, participants=n,
                 start_dt=d.replace(hour=start), end_dt=d.replace(hour=end))

    xs = [x("step1", "perdir", "bassin", "B1", 1, 9, 12, n=1),
          x("step1", "teachers_2d", "etablissement", "E2", 3, 9, 10), x("step2", "teachers", "etablissement", "E1", 2, 9, 10),
          x("step1", "teachers_2d", "etablissement", "E1", 4, 9, 10)]
    head_of = {("etablissement", "E1"): ("bassin", "B1"), ("etablissement", "E2"): ("bassin", "B1")}
    first = first_teacher_sessions(xs)
    assert first[("etablissement", "E1")] == dt.datetime(2026, 9, 2, 9)  # a step-2 session counts
    seat = match_heads(cadre_seats(xs), first, head_of)
    assert seat == {("etablissement", "E1"): dt.datetime(2026, 9, 1, 12), ("etablissement", "E2"): None}
    assert _calls_name("match_heads") == ["planner/compare.py", "solvers/checker.py", "solvers/replan.py",
                                          "solvers/replan_rest.py"]


def _calls_name(name: str) -> list[str]:
    out = []
    for p in sorted(p for pkg in ("planner", "solvers", "ui") for p in (ROOT / pkg).rglob("*.py")):
        if any(isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == name
               for n in ast.walk(ast.parse(p.read_text(encoding="utf-8")))):
            out.append(str(p.relative_to(ROOT)))
    return out


def test_brique_order_is_written_once():
    from planner.briques import briques_by_id, with_prerequisites

    cat = briques_by_id()
    b1, b2, b3 = sorted(cat)[:3]
    cat[b2] = cat[b2].model_copy(update={"prerequisite": b1})
    cat[b3] = cat[b3].model_copy(update={"prerequisite": b2})
    assert with_prerequisites([b3, "B99", b1], cat) == ([b1, b2, b3], ["B99"])
    assert _calls_name("with_prerequisites") == ["solvers/check_roadmap.py", "solvers/roadmap.py"]


def test_times_of_day_are_read_once():
    from planner.text import hhmm_minutes

    assert hhmm_minutes("09:30") == 570 and hhmm_minutes("17:05") == 1025
    splits = []
    for p in sorted(p for pkg in ("planner", "solvers", "ui") for p in (ROOT / pkg).rglob("*.py")):
        for n in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):
            if (isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "split"
                    and n.args and isinstance(n.args[0], ast.Constant) and n.args[0].value == ":"):
                splits.append(str(p.relative_to(ROOT)))
    assert splits == ["planner/text.py"]


def test_compare_counts_before_each_academies_own_holidays_as_the_report():
    """La Réunion (its own calendar): compare's « formés avant la Toussaint » is the report's figure, not a
    search of the metropolitan zones (which found none)."""
    from planner.compare import plan_figures
    from planner.models import Academie
    from solvers.api import solve

    from .tiny import tiny_scenario

    sc = tiny_scenario()
    sc.academies = [Academie(code="16", name="La Réunion", zone="Réunion", calendar_zone="C",
                             calendar_approximate=True, timezone="Indian/Reunion")]
    plan = solve(sc, solver="greedy")
    f, k = plan_figures(plan), plan.report["kpis"]
    assert f["share_by_toussaint"] is not None
    assert (f["share_by_toussaint"], f["toussaint_date"].isoformat()) == (k["share_trained_by_toussaint"],
                                                                          k["toussaint_date"])
    assert f["christmas_date"].isoformat() == k["christmas_date"]
    assert f["end_of_year_date"].isoformat() == plan.report["calendar"]["academies"]["16"]["summer"]


def test_compare_says_date_passee_for_a_holiday_gone_when_planning_started():
    """A year planned from 30 November: the comparison's « formés avant la Toussaint » says « date passée », as
    the solve's summary, not 0 %; Noël keeps its share; the réunions de rentrée already gone are not counted as
    sessions left to place."""
    from planner.compare import NamedPlan, compare_plans, figure_text, plan_figures
    from solvers.api import solve

    from .tiny import tiny_scenario

    sc = tiny_scenario()
    sc.settings = sc.settings.for_school_year("2026-2027", dt.date(2026, 11, 30))
    plan = solve(sc, solver="greedy")
    f = plan_figures(plan)
    assert f["gone_at_start"] == ["share_by_toussaint"] and f["share_by_toussaint"] is None
    assert figure_text("share_by_toussaint", f) == "date passée"
    assert figure_text("share_by_christmas", f).endswith(" %") and f["share_by_christmas"] is not None
    rows = compare_plans([NamedPlan("A", plan, "a"), NamedPlan("B", plan, "b")], sessions=False).table_fr()
    assert ["Enseignants formés avant la Toussaint", "date passée", "date passée"] in rows
    # the réunions de rentrée gone at the start are counted apart, not as sessions left to place
    from planner.compare import plan_kpis
    from planner.report import sessions_of, split_past

    still, past = split_past(plan.unplaced)
    assert past and f["past_sessions"] == sessions_of(past) > 0
    assert f["unplaced_sessions"] == sessions_of(still) < sessions_of(plan.unplaced)
    assert plan_kpis(plan)["unplaced"] == sessions_of(still)


def test_session_diff_counts_are_grouped_by_thousands():
    """The comparison's sentence (PDF and window) groups its counts: « 15 110 sessions inchangées », not 15110."""
    from planner.compare import SessionDiff

    d = SessionDiff("A", "B", unchanged=15110)
    assert d.counts_fr() == ("15\u202f110 sessions inchangées, 0 déplacées, 0 seulement dans « A », "
                             "0 seulement dans « B »")


def test_compare_command_text_groups_its_counts_as_the_pdf():
    """``main.py compare``'s text says the sessions moved with the PDF's words, every count grouped by thousands
    (« … et 2 865 autres », not 2865)."""
    import datetime as dt

    from planner.compare import Comparison, NamedPlan, SessionDiff
    from planner.plan import Plan, Session

    def s(i: int, day: int) -> Session:
        return Session(session_id=f"S{i}", kind="step1", unit_type="etablissement", unit_id="0310001A",
                       academie="16", departement="31", zone="C", window="pre_rentree", audience="teachers_2d",
                       date=dt.date(2027, 1, day), start="14:00", end="15:00", trainer_id="T1", participants=15)

    moved = [(s(i, 4), s(i, 5)) for i in range(2875)]
    d = SessionDiff("A", "B", moved=moved, unchanged=12152)
    empty = {"cost_missing_rates": []}
    c = Comparison([NamedPlan("A", Plan(), "a"), NamedPlan("B", Plan(), "b")], [empty, empty], [d])
    lines = c.text_fr().splitlines()
    said = next(line for line in lines if line.startswith("De « A » à « B »"))
    assert said == f"De « A » à « B » : {d.counts_fr()}."
    assert "12\u202f152 sessions inchangées, 2\u202f875 déplacées" in said
    assert lines[-1] == "  … et 2\u202f865 autres (--json ou --out pour la liste)."
    assert sum(line.startswith("  S") for line in lines) == 10
