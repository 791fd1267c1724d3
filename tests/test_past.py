"""Planning from late November: the year's réunions de rentrée are gone. They are reported under the
rule ``past`` (to carry over to next year), summed up in one line by ``check``, not one per unit."""
import datetime as dt

from solvers.api import solve
from solvers.checker import check_plan

from .tiny import tiny_scenario


def test_rentree_meetings_gone_are_past_and_summed_up_once():
    sc = tiny_scenario(plan_from=dt.date(2026, 11, 30), step1_start_date=None)
    plan = solve(sc, workers=1, time_limit=10)
    past = [u for u in plan.unplaced if u["rule"] == "past"]
    assert past and all(u["kind"] == "step6" and u["audience"] == "families" for u in past)
    assert not any("rentrée 2026 est passée" in u["reason"] for u in plan.unplaced if u["rule"] != "past")
    warnings = [f for f in check_plan(plan, sc) if f.severity == "warning" and f.rule == "unplaced"]
    lines = [f for f in warnings if "déjà passée" in f.message]
    assert len(lines) == 1
    n = sum(u["sessions"] for u in past)
    assert lines[0].message.startswith(f"{n} session(s) de {len({u['unit_id'] for u in past})} unité(s)")
    assert [f for f in check_plan(plan, sc) if f.severity == "error"] == []


def test_rentree_meetings_planned_at_the_start_of_the_year_are_not_past():
    plan = solve(tiny_scenario(), workers=1, time_limit=10)
    assert not [u for u in plan.unplaced if u["rule"] == "past"]
    assert any(x.kind == "step6" and x.date.month == 9 for x in plan.sessions)


def test_academie_pdf_sums_up_past_meetings_and_unit_pdf_lists_them_apart(tmp_path):
    from pypdf import PdfReader

    from planner.exports.pdf import export_academie_pdf, export_unit_pdf

    sc = tiny_scenario(plan_from=dt.date(2026, 11, 30), step1_start_date=None)
    plan = solve(sc, workers=1, time_limit=10)
    past = [u for u in plan.unplaced if u["rule"] == "past"]
    n = sum(u["sessions"] for u in past)
    text = " ".join(p.extract_text() for p in PdfReader(export_academie_pdf(plan, "16", tmp_path / "a.pdf")).pages)
    text = " ".join(text.split())
    assert f"À reporter à l'année suivante : {n} session(s) de {len(past)} unité(s)" in text
    assert "rentrée 2026 est passée" not in text  # no row per unit in the académie summary
    u = past[0]
    unit = " ".join(p.extract_text() for p in PdfReader(export_unit_pdf(plan, u["unit_type"], u["unit_id"],
                                                                         tmp_path / "u.pdf", sc)).pages)
    unit = " ".join(unit.split())
    assert "À reporter à l'année suivante" in unit and "rentrée 2026 est passée" in unit


def test_an_horizon_into_a_school_year_the_calendar_does_not_know_plans_without_error():
    """The mid-year variant (January to October 2027) reaches the school year 2027-2028, whose summer the
    overseas calendars do not know yet: its end-of-year window starts on an assumed first Saturday of July
    (it searched day after day up to the year 9999 and failed with an OverflowError)."""
    from planner.calendar import calendar_key, summer_start
    from planner.sources.reference import national_reference

    sc = national_reference("2026-2027", dt.date(2027, 1, 4)).restricted_to("28")
    key = calendar_key(sc.academies[0], sc.settings)
    start = summer_start(2027, key)
    assert start.month == 7 and start.day <= 7
    data = sc.settings.model_dump()
    data.update(start_date=dt.date(2027, 1, 4), end_date=dt.date(2027, 10, 15))
    sc.settings = type(sc.settings).model_validate(data)
    plan = solve(sc, solver="greedy", workers=1, time_limit=5)
    assert any(x.kind == "step1" for x in plan.sessions)


def test_a_bug_in_a_command_gives_a_french_line_and_a_log_not_a_traceback(capsys, monkeypatch):
    import main

    def boom(args):
        raise ValueError("valeur inattendue")

    monkeypatch.setitem(main.COMMANDS, "demand", ("main", "_test_boom", ""))
    monkeypatch.setattr(main, "_test_boom", boom, raising=False)
    assert main.main(["demand"]) == 2
    err = capsys.readouterr().err
    assert "Erreur interne de la commande « demand »" in err and "Traceback" not in err
    log = err.split("détails techniques dans ")[1].split(")")[0]
    with open(log, encoding="utf-8") as f:
        assert "Traceback" in f.read()


def test_shares_by_a_date_gone_when_planning_starts_say_so_instead_of_zero(tmp_path, capsys):
    """Planned from late November, no session can be before the Toussaint nor at the pré-rentrée: the solve's
    summary and the académie's PDF say « date passée », not 0 % (read as a failure); Noël still has its share.
    Planned from June, the shares are given as ever."""
    import json

    from pypdf import PdfReader

    import main
    from planner.exports.pdf import export_academie_pdf
    from planner.plan import Plan
    from planner.report import gone_at_start
    from planner.scenario_io import save_scenario_json

    assert gone_at_start("2026-10-17", "2026-11-30") and gone_at_start(dt.date(2026, 10, 17), dt.date(2026, 11, 30))
    assert not gone_at_start("2026-12-18", "2026-11-30") and not gone_at_start(None, "2026-11-30")
    path = tmp_path / "tiny.json"
    save_scenario_json(tiny_scenario(), path)
    for start, gone in (("2026-11-30", True), ("2026-06-15", False)):
        out = tmp_path / f"plan-{start}"
        assert main.main(["solve", "--scenario", str(path), "--solver", "greedy", "--workers", "1",
                          "--school-year", "2026-2027", "--from", start, "--out", str(out)]) == 0
        line = next(x for x in capsys.readouterr().out.splitlines() if "avant la Toussaint" in x)
        k = json.loads((out / "report.json").read_text(encoding="utf-8"))["kpis"]
        if gone:
            assert "avant la Toussaint : date passée" in line and "pré-rentrée : date passée" in line
            assert f"avant Noël : {100 * k['share_trained_by_christmas']:.1f} %".replace(".", ",") in line
        else:
            share = f"{100 * k['share_trained_by_toussaint']:.1f} %".replace(".", ",")
            assert "date passée" not in line and share in line
        text = " ".join(p.extract_text() for p in
                        PdfReader(export_academie_pdf(Plan.read(out), "16", tmp_path / f"a-{start}.pdf")).pages)
        assert ("date passée au début du plan" in " ".join(text.split())) == gone
