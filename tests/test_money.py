"""Hours and money (planner/budget.py), ``--set``, ``compare`` and spreadsheet-formula safety."""
from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pydantic import ValidationError

from planner.budget import REPORT_HOURS, BudgetSettings, demand_budget, plan_budget
from planner.compare import CompareError, compare_plans, load_plan_spec
from planner.demand import compute_demand
from planner.exports import export_csv, export_xlsx
from planner.exports.sample import small_plan
from planner.overrides import OverrideError, apply_overrides
from planner.plan import Plan
from planner.sources.reference import national_reference
from planner.safecells import csv_safe, csv_unescape
from planner.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
DATES = ("--school-year", "2026-2027", "--from", "2026-06-15")  # explicit, never the clock


def _main(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=300)


@pytest.fixture(scope="module")
def plans16(tmp_path_factory) -> tuple[Path, Path]:
    """Toulouse solved twice (greedy, a few seconds each): groups of 15 and of 20."""
    d = tmp_path_factory.mktemp("money")
    a, b = d / "g15", d / "g20"
    for out, extra in ((a, []), (b, ["--set", "group_size=20"])):
        r = _main("solve", "--academie", "16", "--solver", "greedy", "--quiet", *DATES, "--out", str(out), *extra)
        assert r.returncode == 0, r.stderr
    return a, b


# ----------------------------------------------------------------------------- budget
def test_national_budget_2d_hours_are_the_sessions_and_report_basis_gives_28800():
    sc = national_reference()
    dem = compute_demand(sc)
    b = demand_budget(sc)
    cat = {c["id"]: c for c in b["categories"]}
    assert cat["step1_2d"]["sessions"] == dem.sessions_of("teachers_2d")
    assert cat["step1_2d"]["hours"] == dem.sessions_of("teachers_2d") * sc.settings.step1_minutes / 60
    assert b["report_reference"]["scope_hours"] == REPORT_HOURS  # 9,600 établissements × 3 × 1 h
    assert b["report_reference"]["difference"] == cat["step1_2d"]["hours"] - REPORT_HOURS
    assert "établissement" in b["report_reference"]["reason"]
    sc.settings.budget = BudgetSettings(hours_basis="report")
    r = demand_budget(sc)
    assert r["total"]["total_paid_hours"] == REPORT_HOURS
    assert r["total"]["total_hours"] == REPORT_HOURS
    assert round(sum(a["envelope_hours"] for a in r["by_academie"])) == REPORT_HOURS
    assert r["envelope"]["difference_hours"] == pytest.approx(0, abs=0.01)


def test_plan_budget_counts_the_plans_sessions_and_prices_them(plans16):
    plan = Plan.read(plans16[0])
    b = plan.report["budget"]
    cat = {c["id"]: c for c in b["categories"]}
    step1_2d = [s for s in plan.sessions if s.kind == "step1" and s.audience == "teachers_2d"]
    assert cat["step1_2d"]["sessions"] == len(step1_2d)
    assert cat["step1_2d"]["hours"] == len(step1_2d)  # one-hour sessions
    assert cat["step1_2d"]["cost_eur"] == len(step1_2d) * 25.0  # floor of the arrêté's range
    assert cat["step1_1d"]["rate_status"] == "à renseigner" and cat["step1_1d"]["cost_eur"] is None
    assert "step1_1d" in b["total"]["missing_rates"]
    assert cat["steps_2_6"]["paid_hours"] == 0 < cat["steps_2_6"]["hours"]
    (acad,) = b["by_academie"]
    assert acad["code"] == "16" and acad["financed_hours"] == len(step1_2d)
    assert acad["envelope_hours"] == pytest.approx(REPORT_HOURS * acad["teachers_2d"] / 386_950, abs=0.01)
    assert acad["difference_hours"] == pytest.approx(acad["financed_hours"] - acad["envelope_hours"], abs=0.02)
    assert {d["code"] for d in b["by_departement"]} >= {"031", "081"}
    assert "hours_financed" not in plan.report["kpis"]
    assert plan.report["kpis"]["hours_step1_2d"] == len(step1_2d)


def test_preparation_time_and_user_rates_change_paid_hours_and_cost():
    plan = small_plan()
    s = Settings(budget=BudgetSettings(rates={"step1_2d": 40}, preparation_minutes={"step1_2d": 30}))
    b = plan_budget(plan, s)
    c = next(x for x in b["categories"] if x["id"] == "step1_2d")
    assert c["paid_hours"] == pytest.approx(c["hours"] + 0.5 * c["sessions"])
    assert c["cost_eur"] == pytest.approx(40 * c["paid_hours"])
    assert c["rate_basis"] == "taux saisi par l'utilisateur"


def test_negative_rate_is_refused_in_french():
    with pytest.raises(ValidationError, match="ne peut pas être négatif"):
        BudgetSettings(rates={"tot": -3})
    with pytest.raises(ValidationError, match="catégorie inconnue"):
        BudgetSettings(rates={"chauffeurs": 3})


# ----------------------------------------------------------------------------- --set
def test_set_overrides_any_field_with_french_errors():
    s = apply_overrides(Settings(), ["group_size=20", "include_private=oui", "start_date=2026-07-01",
                                     "budget.rates.step1_2d=31.5", "budget.hours_basis=report"])
    assert (s.group_size, s.include_private, s.start_date.isoformat()) == (20, True, "2026-07-01")
    assert s.budget.rates["step1_2d"] == 31.5 and s.budget.hours_basis == "report"
    with pytest.raises(OverrideError, match="paramètre inconnu « grop_size ».*group_size"):
        apply_overrides(Settings(), ["grop_size=20"])
    with pytest.raises(OverrideError, match="nombre entier attendu"):
        apply_overrides(Settings(), ["group_size=vingt"])
    with pytest.raises(OverrideError, match="valeur trop grande"):
        apply_overrides(Settings(), ["group_size=5000"])
    with pytest.raises(OverrideError, match="négatif"):
        apply_overrides(Settings(), ["budget.rates.tot=-1"])
    with pytest.raises(OverrideError, match="CLÉ=VALEUR"):
        apply_overrides(Settings(), ["group_size"])


def test_solve_set_unknown_key_is_a_french_error_not_a_traceback(tmp_path):
    r = _main("solve", "--academie", "16", *DATES, "--set", "taille=20", "--out", str(tmp_path / "p"))
    assert r.returncode == 2
    assert "paramètre inconnu « taille »" in r.stderr and "Traceback" not in r.stderr


# ----------------------------------------------------------------------------- compare
def test_compare_json_gives_both_completion_dates_and_costs(plans16, tmp_path):
    a, b = plans16
    r = _main("compare", str(a), str(b), "--json", "--out", str(tmp_path / "comparaison.pdf"))
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    fa, fb = (p["figures"] for p in out["plans"])
    assert fa["completion_date"] and fb["completion_date"]
    assert fa["group_size"] == 15 and fb["group_size"] == 20
    assert fa["cost_eur"] > fb["cost_eur"] > 0  # fewer, larger groups cost less
    assert fa["step1_sessions"] > fb["step1_sessions"]
    assert out["plans"][1]["label"].endswith("(group_size=20)")
    diff = out["diffs"][0]
    assert diff["only_a_count"] > 0  # sessions of groups of 15 that groups of 20 no longer need
    pdf = tmp_path / "comparaison.pdf"
    subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "pg")], check=True)
    assert list(tmp_path.glob("pg-*.png"))
    from pypdf import PdfReader

    text = PdfReader(str(pdf)).pages[0].extract_text()
    assert "Achèvement de l'étape 1" in text and "Coût chiffré" in text


def test_compare_xlsx_and_moved_sessions_by_id(plans16, tmp_path):
    a, b = plans16
    pa = load_plan_spec(str(a))
    moved = Plan.read(a)
    s = next(x for x in moved.sessions if x.kind == "step1")
    s.start, s.end = "07:00", "08:00"
    moved.write(tmp_path / "moved")
    cmp = compare_plans([pa, load_plan_spec(str(tmp_path / "moved"))])
    d = cmp.diffs[0]
    assert [x.session_id for x, _ in d.moved] == [s.session_id]
    assert d.unchanged == len(moved.sessions) - 1
    r = _main("compare", str(a), str(b), "--out", str(tmp_path / "c.xlsx"))
    assert r.returncode == 0, r.stderr
    wb = load_workbook(tmp_path / "c.xlsx")
    assert wb.sheetnames[0] == "Indicateurs"
    keys = [row[1].value for row in wb["Indicateurs"].iter_rows(min_row=2)]
    assert "cost_eur" in keys and "completion_date" in keys


def test_compare_refuses_unknown_plan_and_sessions_of_different_scenarios(plans16, tmp_path):
    r = _main("compare", str(plans16[0]), str(tmp_path / "nowhere"))
    assert r.returncode == 2 and "plan introuvable" in r.stderr and "Traceback" not in r.stderr
    other = Plan.read(plans16[0])
    other.units = other.units[:-1]
    other.report["scenario"]["data_hash"] = "another"
    other.write(tmp_path / "other")
    r = _main("compare", str(plans16[0]), str(tmp_path / "other"))
    assert r.returncode == 2 and "même scénario" in r.stderr
    with pytest.raises(CompareError, match="au moins deux"):
        compare_plans([load_plan_spec(str(plans16[0]))])
    r = _main("compare", str(plans16[0]), str(tmp_path / "other"), "--sans-sessions", "--json")
    assert r.returncode == 0 and not json.loads(r.stdout)["diffs"]


# ----------------------------------------------------------------------------- formula safety
HOSTILE = ["=HYPERLINK(\"http://x\",\"clic\")", "+33 1", "-2+3", "@SUM(A1)", "\tx", "\rx"]


def test_csv_safe_neutralises_and_round_trips():
    for v in HOSTILE:
        assert csv_safe(v).startswith("'") and csv_unescape(csv_safe(v)) == v
    assert csv_safe("Collège") == "Collège" and csv_safe(-3) == -3


def test_every_writer_neutralises_formula_like_names(tmp_path):
    plan = small_plan()
    for i, u in enumerate(plan.units):
        u.name = HOSTILE[i % len(HOSTILE)]
    for t in plan.trainers:
        t.name = "=cmd|' /C calc'!A0"
    # plan folder CSVs: neutralised on disk, read back exactly
    plan.write(tmp_path / "p")
    raw = (tmp_path / "p" / "units.csv").read_text(encoding="utf-8")
    assert "\n=HYPERLINK" not in raw and ",=HYPERLINK" not in raw and "'=HYPERLINK" in raw
    back = Plan.read(tmp_path / "p")
    assert [u.name for u in back.units] == [u.name for u in plan.units]
    # CSV export
    for path in export_csv(plan, tmp_path / "csv"):
        with open(path, encoding="utf-8-sig", newline="") as f:
            for row in csv.reader(f, delimiter=";"):
                for cell in row:
                    assert not (cell[:1] in ("=", "+", "-", "@", "\t", "\r")), (path.name, cell)
    # XLSX export: formula-like texts are text cells, never formulas
    wb = load_workbook(export_xlsx(plan, tmp_path / "p.xlsx"))
    seen = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", (ws.title, c.coordinate, c.value)
                if isinstance(c.value, str) and c.value[:1] in "=+-@":
                    seen += 1
                    assert c.quotePrefix
    assert seen


# ----------------------------------------------------------------------------- hand-offs
def test_inscription_csv_one_row_per_session_with_ids_stable_across_solves(plans16, tmp_path):
    import pandas as pd

    again = tmp_path / "again"
    r = _main("solve", "--academie", "16", "--solver", "greedy", "--quiet", *DATES, "--out", str(again))
    assert r.returncode == 0, r.stderr
    frames = []
    for plan_dir in (plans16[0], again):
        out = tmp_path / f"{plan_dir.name}.csv"
        r = _main("export", str(plan_dir), "--kind", "inscription", "--academie", "16", "--format", "csv",
                  "--out", str(out))
        assert r.returncode == 0, r.stderr
        frames.append(pd.read_csv(out, sep=";", encoding="utf-8-sig", dtype=str, keep_default_na=False))
    df = frames[0]
    plan = Plan.read(plans16[0])
    assert len(df) == len(plan.sessions)
    assert df["id_session"].is_unique and set(df["id_session"]) == {s.session_id for s in plan.sessions}
    assert list(df["id_session"]) == list(frames[1]["id_session"])
    s = next(x for x in plan.sessions if x.kind == "step5")
    row = df[df["id_session"] == s.session_id].iloc[0]
    assert row["etape"] == "5" and row["id_module"].startswith("IA-E5-B") and row["brique"] == s.title
    assert (row["date"], row["heure_debut"], row["heure_fin"]) == (s.date.isoformat(), s.start, s.end)
    assert row["id_formateur"] == s.trainer_id and row["lieu"]
    e1 = df[(df["etape"] == "1") & (df["type_unite"] == "Établissement")].iloc[0]
    assert e1["unites_stagiaires"] == f"{e1['id_unite']}:{e1['inscrits_prevus']}"
    tot = df[df["etape"] == "0"].iloc[0]
    assert tot["unites_stagiaires"].count(":") >= 1 and tot["lieu"] == "Site de formation académique de Toulouse"


def test_inscription_xlsx_and_unknown_academie(tmp_path):
    from planner.exports.inscription import export_inscription

    plan = small_plan()
    wb = load_workbook(export_inscription(plan, tmp_path / "i.xlsx"))
    assert wb.sheetnames == ["Sessions", "Format"]
    assert wb["Sessions"].max_row == len(plan.sessions) + 1
    plan.write(tmp_path / "p")
    r = _main("export", str(tmp_path / "p"), "--kind", "inscription", "--academie", "02", "--format", "csv",
              "--out", str(tmp_path / "x.csv"))
    assert r.returncode == 2 and "introuvable" in r.stderr


def test_observatoire_csv_for_all_and_pdf_for_one(plans16, tmp_path):
    import pandas as pd
    from pypdf import PdfReader

    out = tmp_path / "obs.csv"
    r = _main("export", str(plans16[0]), "--kind", "observatoire", "--format", "csv", "--out", str(out))
    assert r.returncode == 0, r.stderr
    df = pd.read_csv(out, sep=";", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    plan = Plan.read(plans16[0])
    units = [u for u in plan.units if u.unit_type in ("etablissement", "circonscription")]
    assert len(df) == len(units)
    cols = list(df.columns)
    porteur = next(c for c in cols if c.startswith("Nom et prénom du porteur"))
    assert "À COMPLÉTER" in porteur and set(df[porteur]) == {""}
    assert set(df["Typologie d'usage *"]) == {"Formation des enseignants"}
    uai = next(u for u in units if u.unit_type == "etablissement")
    row = df[df[cols[4]] == uai.unit_id].iloc[0]
    assert row["Nombre d'enseignants concernés (formations)"] == str(uai.teachers)
    assert "Étape 1" in row["Description *"]
    pdf = tmp_path / "d.pdf"
    r = _main("export", str(plans16[0]), "--kind", "observatoire", "--format", "pdf", "--id", uai.unit_id,
              "--out", str(pdf))
    assert r.returncode == 0, r.stderr
    text = PdfReader(str(pdf)).pages[0].extract_text()
    assert uai.unit_id in text and "À COMPLÉTER" in text and "Formation des enseignants" in text


def test_academie_pdf_shows_budget_envelope_and_report_figure(plans16, tmp_path):
    from pypdf import PdfReader

    from planner.exports import export_academie_pdf

    plan = Plan.read(plans16[0])
    out = export_academie_pdf(plan, "16", tmp_path / "a.pdf")
    text = " ".join((p.extract_text() or "") for p in PdfReader(str(out)).pages).replace("\u202f", " ")
    acad = plan.report["budget"]["by_academie"][0]
    assert "Budget : heures et coût" in text and "Enveloppe de l'académie" in text
    assert ("dépassement" if acad["difference_hours"] > 0 else "marge") in text
    assert "à renseigner" in text  # 1er degré and cadres: rates left to fill
    assert f"{acad['etablissements']} établissements × 3 sessions" in text


def test_heads_first_breaches_counted_from_the_plan(plans16):
    import datetime as dt

    from planner.compare import heads_first_breaches, plan_figures

    plan = Plan.read(plans16[0])
    assert plan_figures(plan)["heads_first_breaches"] == heads_first_breaches(plan) == 0  # heads first by default
    for s in plan.sessions:
        if s.kind == "step1" and s.audience in ("perdir", "inspectors"):
            s.date = dt.date(2027, 6, 30)  # heads trained after their teams
    n = heads_first_breaches(plan)
    assert n == sum(1 for u in plan.units if u.unit_type in ("etablissement", "circonscription")
                    and plan.sessions_of_unit(u.unit_type, u.unit_id))
