"""Printed plans and other exports: content checks on a hand-built plan (hostile names included)."""
from __future__ import annotations

import csv
import datetime as dt
import re
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from planner.exports import (
    ExportError,
    export_academie_pdf,
    export_batch,
    export_csv,
    export_ics,
    export_trainer_pdf,
    export_unit_pdf,
    export_xlsx,
)
from planner.exports.sample import HOSTILE_NAME, small_plan, synthetic_academie
from planner.exports.typography import fr_slot, plain, safe
from planner.plan import Plan

ROOT = Path(__file__).resolve().parent.parent


def norm(text: str) -> str:
    """PDF text with no-break spaces as spaces and runs of blanks collapsed."""
    return re.sub(r"[ \t\u00a0\u202f]+", " ", text)


def pdf_pages(path: Path) -> list[str]:
    return [norm(p.extract_text() or "") for p in PdfReader(str(path)).pages]


def flat(path: Path) -> str:
    """All the text of a PDF on one line (table cells wrap, so lines are joined)."""
    return re.sub(r"\s+", " ", " ".join(pdf_pages(path)))


@pytest.fixture(scope="module")
def plan() -> Plan:
    return small_plan()


@pytest.fixture(scope="module")
def plan_dir(tmp_path_factory, plan) -> Path:
    return plan.write(tmp_path_factory.mktemp("plan") / "p")


@pytest.fixture(scope="module")
def etab_pdf(tmp_path_factory, plan) -> Path:
    return export_unit_pdf(plan, "etablissement", "0310001A", tmp_path_factory.mktemp("e") / "e.pdf")


# ---------------------------------------------------------------------------- typography
def test_french_slot_through_babel():
    assert norm(fr_slot(dt.date(2026, 8, 31), "09:00", "10:00")) == "lundi 31 août 2026, 9 h 00 – 10 h 00"
    assert norm(fr_slot(dt.date(2027, 1, 13), "14:00", "15:30")) == "mercredi 13 janvier 2027, 14 h 00 – 15 h 30"


def test_safe_text_escapes_markup_and_replaces_missing_glyphs():
    assert safe("A <b> & C") == "A &lt;b&gt; &amp; C"
    assert plain("Cap 🎓") == "Cap [graduation cap]"  # not in DejaVu Sans: named, renders as text
    assert plain("Smile 😀") == "Smile [grinning face]"  # astral emoji: named, stays searchable
    assert plain("Coché ✓ → «ok»") == "Coché ✓ → «ok»"  # in the font: kept
    assert plain("a\u200db\ufe0fc\x07") == "abc"  # joiners, variation selectors, controls dropped


# ---------------------------------------------------------------------------- établissement
def test_etablissement_pdf_holds_uai_name_and_every_session_date(plan, etab_pdf):
    text = flat(etab_pdf)
    assert "0310001A" in text
    assert "Collège Pierre de Fermat" in text
    sessions = plan.sessions_of_unit("etablissement", "0310001A")
    assert len(sessions) == 4
    for s in sessions:
        assert norm(fr_slot(s.date, s.start, s.end)) in text, s.session_id
    assert "lundi 31 août 2026, 9 h 00 – 10 h 00" in text
    # participants of each session, the trainer and his own train-the-trainer date
    assert "Bruno Formateur" in text
    assert "lundi 22 juin 2026, 9 h 00 – 12 h 00" in text
    assert "L'IA & les devoirs <maison>" in text  # step-2 title escaped, printed as text


def test_sign_in_sheets_one_page_per_session(plan, etab_pdf):
    pages = pdf_pages(etab_pdf)
    sheets = [p for p in pages if "FEUILLE D'ÉMARGEMENT" in p]
    sessions = [s for s in plan.sessions_of_unit("etablissement", "0310001A") if s.kind == "step1"]
    assert len(sessions) == 3
    assert len(sheets) == len(sessions)  # one per training session; the step-2 working group has none
    for sheet, s in zip(sheets, sessions):
        body = re.sub(r"\s+", " ", sheet)
        assert s.session_id in body
        assert norm(fr_slot(s.date, s.start, s.end)).split(",")[0] in body
        assert f"Participants attendus {s.participants}" in body
        numbers = re.findall(r"(?m)^\s*(\d{1,2})\s*$", sheet)
        assert [int(n) for n in numbers][-1] == 15  # numbered lines for the group size


def test_footer_on_every_page(etab_pdf):
    pages = pdf_pages(etab_pdf)
    n = len(pages)
    for i, p in enumerate(pages, 1):
        assert f"page {i} / {n}" in p
        assert "« Plan d'essai <&> 2026 »" in p and "version 0.1.0" in p
        assert "Plan « Plan" not in p  # the name says « Plan » already
        assert "calculé le 15 juin 2026" in p and "édité le" in p
        assert "Licence Ouverte" in p


def test_a_plan_is_named_plan_once():
    from planner.exports.typography import plan_label

    assert plan_label("Scénario A") == "Plan « Scénario A »"
    assert plan_label("Planning 2027") == "Plan « Planning 2027 »"
    assert plan_label("Plan Référence nationale") == "« Plan Référence nationale »"
    assert plan_label("plan B") == "« plan B »"


def test_sheet_grid_and_footer_are_drawn_once_and_shown_on_each_page(etab_pdf):
    """The sign-in grid and the footer, the same on every sheet and every page, are forms of the document that each
    page shows (their texts still read as the tests above read them)."""
    shown = [re.findall(r"/(\S+) Do", p.get_contents().get_data().decode("latin-1"))
             for p in PdfReader(str(etab_pdf)).pages]
    assert all(shown)
    footer = {names[-1] for names in shown}
    assert len(footer) == 1 and "Footer" in footer.pop()  # one footer form, on every page
    sheets = [names for names, text in zip(shown, pdf_pages(etab_pdf)) if "FEUILLE D'ÉMARGEMENT" in text]
    assert len(sheets) == 3 and len({names[0] for names in sheets}) == 1  # one grid for the three sheets
    assert all(len(names) == 1 for names, text in zip(shown, pdf_pages(etab_pdf)) if "FEUILLE D'ÉMARGEMENT" not in text)


def test_timeline_shows_present_steps_with_dates_and_absent_ones_to_plan(etab_pdf):
    first = re.sub(r"\s+", " ", pdf_pages(etab_pdf)[0])
    assert "3 sessions · 31 août – 9 septembre 2026" in first
    assert "1 session · 18 novembre 2026" in first
    assert first.count("à planifier") == 4  # steps 3 to 6
    assert "Étape 2 — Groupes de travail" in first


def test_hostile_names_render_as_text(tmp_path, plan):
    out = export_unit_pdf(plan, "etablissement", "0310002B", tmp_path / "h.pdf")
    text = flat(out)
    assert "Collège <Jean & Marie> \"Curie\" [graduation cap][grinning face] l'Étoile" in text
    assert "Muret & <Co>" in text and "1 rue <des> Écoles & Co" in text
    assert "Pas assez de créneaux <libres> & formateur indisponible" in text
    assert "&amp;" not in text and "&lt;" not in text
    pages = pdf_pages(out)
    assert sum("FEUILLE D'ÉMARGEMENT" in p for p in pages) == 2
    assert len(pages) <= 5  # the 300-character name wraps, it does not blow the layout up
    assert len(HOSTILE_NAME) == 300


def test_pages_render_with_poppler(tmp_path, etab_pdf):
    subprocess.run(["pdftoppm", "-png", "-r", "30", "-f", "1", "-l", "2", str(etab_pdf), str(tmp_path / "pg")],
                   check=True, capture_output=True)
    pngs = sorted(tmp_path.glob("pg-*.png"))
    assert len(pngs) == 2 and all(p.stat().st_size > 2000 for p in pngs)


def test_large_groups_split_the_sheet_over_pages(tmp_path, plan):
    big = Plan(sessions=plan.sessions, trainers=plan.trainers, units=plan.units,
               report={**plan.report, "settings": {"group_size": 60}})
    pages = pdf_pages(export_unit_pdf(big, "etablissement", "0310001A", tmp_path / "b.pdf"))
    sheet_pages = [p for p in pages if "FEUILLE D'ÉMARGEMENT" in p]
    assert len(sheet_pages) == 3  # each sheet starts on its own page…
    starts = [i for i, p in enumerate(pages) if "FEUILLE D'ÉMARGEMENT" in p]
    for i in starts:  # …and its 60 numbered lines go on over the next page
        assert re.search(r"(?m)^\s*60\s*$", pages[i + 1]) and not re.search(r"(?m)^\s*60\s*$", pages[i])


# ---------------------------------------------------------------------------- other PDFs
def test_circonscription_pdf_has_three_trainers_and_month_grid(tmp_path, plan):
    out = export_unit_pdf(plan, "circonscription", "031-01", tmp_path / "c.pdf")
    text = flat(out)
    for name in ("Claire CPC", "Denis CPC", "Eva eRUN"):
        assert name in text
    assert "Calendrier mois par mois" in text and "septembre 2026" in text
    for s in plan.sessions_of_unit("circonscription", "031-01"):
        assert norm(fr_slot(s.date, s.start, s.end)) in text
    assert sum("FEUILLE D'ÉMARGEMENT" in p for p in pdf_pages(out)) == 4


def test_trainer_pdf_convocation_and_schedule(tmp_path, plan):
    out = export_trainer_pdf(plan, "T0310001A", tmp_path / "t.pdf")
    pages = pdf_pages(out)
    letter = re.sub(r"\s+", " ", pages[0])
    assert "convocation à la formation de formateurs" in letter
    assert "lundi 22 juin 2026, 9 h 00 – 12 h 00" in letter
    assert "Formatrice nationale Alice" in letter
    text = flat(out)
    for s in plan.sessions_of_trainer("T0310001A"):
        assert norm(fr_slot(s.date, s.start, s.end)) in text


def test_fdf_pdf_sign_in_sheet_lists_trainees(tmp_path, plan):
    pages = pdf_pages(export_trainer_pdf(plan, "FDF-16-01", tmp_path / "f.pdf"))
    sheets = [re.sub(r"\s+", " ", p) for p in pages if "FEUILLE D'ÉMARGEMENT" in p]
    assert len(sheets) == 1
    for who in ("Bruno Formateur — 0310001A", "Claire CPC — 031-01", "Eva eRUN — 031-01"):
        assert who in sheets[0]


def test_academie_summary_figures_and_unplaced(tmp_path, plan):
    text = flat(export_academie_pdf(plan, "16", tmp_path / "a.pdf"))
    assert "Académie de Toulouse (16)" in text
    assert "Haute-Garonne (031)" in text
    assert "mercredi 13 janvier 2027" in text  # completion of step 1
    assert "Part formée avant la Toussaint" in text and "Part formée avant Noël" in text
    assert "Pas assez de créneaux <libres> & formateur indisponible" in text
    assert "Couverture : enseignants formés par semaine" in text
    assert "Charge des formateurs de formateurs" in text


def test_unknown_ids_give_french_errors(tmp_path, plan):
    with pytest.raises(ExportError, match=r"Établissement 0310009Z introuvable dans le plan"):
        export_unit_pdf(plan, "etablissement", "0310009Z", tmp_path / "x.pdf")
    with pytest.raises(ExportError, match=r"Formateur T-NOBODY introuvable"):
        export_trainer_pdf(plan, "T-NOBODY", tmp_path / "x.pdf")
    with pytest.raises(ExportError, match=r"Académie 99 introuvable"):
        export_academie_pdf(plan, "99", tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()


# ---------------------------------------------------------------------------- ICS
def test_ics_events_are_the_sessions_with_address(tmp_path, plan):
    from icalendar import Calendar

    out = export_ics(plan, tmp_path / "e.ics", unit=("etablissement", "0310001A"))
    cal = Calendar.from_ical(out.read_bytes())
    events = list(cal.walk("VEVENT"))
    sessions = plan.sessions_of_unit("etablissement", "0310001A")
    assert len(events) == len(sessions)
    by_uid = {str(e["UID"]): e for e in events}
    for s in sessions:
        e = by_uid[f"{s.session_id}@planificateur-ia"]
        start = e.decoded("DTSTART")
        assert start.replace(tzinfo=None) == s.start_dt and str(start.tzinfo) == "Europe/Paris"
        assert e.decoded("DTEND").replace(tzinfo=None) == s.end_dt
        assert str(e["LOCATION"]) == "2 place Saint-Sernin, 31000 Toulouse, Toulouse"
    assert list(cal.walk("VTIMEZONE"))

    out = export_ics(plan, tmp_path / "t.ics", trainer_id="T031-01-1")
    events = list(Calendar.from_ical(out.read_bytes()).walk("VEVENT"))
    assert len(events) == len(plan.sessions_of_trainer("T031-01-1")) == 2
    # hostile location text is kept verbatim (ICS escaping is the library's job)
    out = export_ics(plan, tmp_path / "h.ics", unit=("etablissement", "0310002B"))
    ev = list(Calendar.from_ical(out.read_bytes()).walk("VEVENT"))
    assert str(ev[0]["LOCATION"]).startswith("1 rue <des> Écoles & Co")
    with pytest.raises(ExportError, match="introuvable"):
        export_ics(plan, tmp_path / "x.ics", trainer_id="NOPE")


# ---------------------------------------------------------------------------- Excel and CSV
def test_xlsx_sheets_headers_frozen_row_and_filters(tmp_path, plan):
    from openpyxl import load_workbook

    wb = load_workbook(export_xlsx(plan, tmp_path / "p.xlsx"))
    assert wb.sheetnames == ["Formation de formateurs", "Étape 1", "Étape 2", "Formateurs", "Unités"]
    counts = {"Formation de formateurs": 1, "Étape 1": 9, "Étape 2": 1}
    for name, n in counts.items():
        ws = wb[name]
        header = [c.value for c in ws[1]]
        assert header[:3] == ["Identifiant de session", "Étape", "Intitulé"]
        assert "Date" in header and "Participants" in header and "Fenêtre" in header
        assert ws.freeze_panes == "A2"
        assert ws.auto_filter.ref == f"A1:W{n + 1}"
        assert ws.max_row == n + 1
    ws = wb["Étape 1"]
    header = [c.value for c in ws[1]]
    row = [c.value for c in ws[2]]
    assert row[header.index("Date")].date() == dt.date(2026, 8, 31)
    assert row[header.index("Jour")] == "lundi 31 août 2026"
    assert row[header.index("Fenêtre")] == "Pré-rentrée"
    assert wb["Formateurs"].freeze_panes == "A2" and wb["Formateurs"].auto_filter.ref
    assert [c.value for c in wb["Unités"][1]][:3] == ["Type d'unité", "Identifiant", "Nom"]


def test_csv_files_french_headers_and_rows(tmp_path, plan):
    paths = export_csv(plan, tmp_path / "csv")
    names = [p.name for p in paths]
    assert names == ["formation_de_formateurs.csv", "etape_1.csv", "etape_2.csv", "formateurs.csv", "unites.csv"]
    with open(tmp_path / "csv" / "etape_1.csv", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f, delimiter=";"))
    assert rows[0][0] == "Identifiant de session" and len(rows) == 10
    assert {r[0] for r in rows[1:]} == {s.session_id for s in plan.sessions if s.kind == "step1"}


# ---------------------------------------------------------------------------- batch
def test_batch_writes_one_file_per_etablissement_in_parallel(tmp_path):
    syn = synthetic_academie(n_etab=7, n_circ=2)
    d = syn.write(tmp_path / "syn")
    calls = []
    paths = export_batch(d, "all-etablissements", tmp_path / "out", academie="16", workers=2, merged=True,
                         progress=lambda done, total: calls.append((done, total)))
    uais = sorted(u.unit_id for u in syn.units if u.unit_type == "etablissement")
    assert [p.name for p in paths[:-1]] == [f"{u}.pdf" for u in uais]
    assert calls[0] == (0, 7) and calls[-1] == (7, 7)
    for uai, p in zip(uais, paths):
        assert uai in flat(p)
    merged = PdfReader(str(paths[-1]))
    titles = [o.title for o in merged.outline]
    assert len(titles) == 7 and all(t.startswith(u) for t, u in zip(titles, uais))
    assert len(merged.pages) == sum(len(PdfReader(str(p)).pages) for p in paths[:-1])


def test_batch_of_circonscriptions_and_cancel(tmp_path, plan_dir):
    paths = export_batch(plan_dir, "all-circonscriptions", tmp_path / "c", workers=1)
    assert [p.name for p in paths] == ["031-01.pdf"]
    from planner.exports import ExportCancelled

    with pytest.raises(ExportCancelled):
        export_batch(plan_dir, "all-etablissements", tmp_path / "x", workers=1, progress=lambda d, t: d < 1 and None)


# ---------------------------------------------------------------------------- CLI
def _cli(*argv: str) -> int:
    import main

    return main.main(list(argv))


def test_cli_exports_and_exit_codes(tmp_path, plan_dir, capsys):
    assert _cli("export", str(plan_dir), "--kind", "etablissement", "--id", "0310001A",
                "--out", str(tmp_path / "e.pdf")) == 0
    assert "0310001A" in flat(tmp_path / "e.pdf")
    assert _cli("export", str(plan_dir), "--kind", "trainer", "--id", "T031-01-2", "--format", "ics",
                "--out", str(tmp_path / "t.ics")) == 0
    assert _cli("export", str(plan_dir), "--kind", "academie", "--academie", "Toulouse", "--format", "xlsx",
                "--out", str(tmp_path / "a.xlsx")) == 0
    assert _cli("export", str(plan_dir), "--kind", "all-etablissements", "--academie", "16",
                "--out", str(tmp_path / "all"), "--workers", "1") == 0
    assert sorted(p.name for p in (tmp_path / "all").iterdir()) == ["0310001A.pdf", "0310002B.pdf"]
    capsys.readouterr()
    assert _cli("export", str(plan_dir), "--kind", "etablissement", "--id", "0310009Z",
                "--out", str(tmp_path / "x.pdf")) == 2
    err = capsys.readouterr().err
    assert "Établissement 0310009Z introuvable dans le plan" in err and "Traceback" not in err
    assert _cli("export", str(plan_dir), "--kind", "trainer", "--out", str(tmp_path / "x.pdf")) == 2
    assert "--id est obligatoire" in capsys.readouterr().err
    assert _cli("export", str(tmp_path / "nowhere"), "--kind", "academie", "--out", str(tmp_path / "x.pdf")) == 2
    assert _cli("export", str(plan_dir), "--kind", "all-etablissements", "--format", "ics",
                "--out", str(tmp_path / "y")) == 2
    assert "format « ics » n'est pas disponible" in capsys.readouterr().err


def test_cli_unreadable_plan_no_traceback(tmp_path):
    bad = tmp_path / "bad"
    bad.mkdir()
    for n in ("sessions.csv", "trainers.csv", "units.csv"):
        (bad / n).write_text("x\n1\n", encoding="utf-8")
    (bad / "report.json").write_text("{}", encoding="utf-8")
    r = subprocess.run([sys.executable, str(ROOT / "main.py"), "export", str(bad), "--kind", "etablissement",
                        "--id", "0310001A", "--out", str(tmp_path / "x.pdf")], capture_output=True, text=True,
                       cwd=ROOT)
    assert r.returncode == 2
    assert "colonnes manquantes" in r.stderr and "Traceback" not in r.stderr


def test_batch_progress_is_whole_lines_in_a_log_and_redrawn_on_a_terminal(monkeypatch):
    """In a log (a pipe, a file) the batch's progress is a whole line at a time, not bars glued by « \\r »; on a
    terminal the bar is redrawn in place and ended."""
    import io
    import sys

    from planner.exports.batch import stderr_progress

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    for stream, terminal in ((io.StringIO(), False), (Terminal(), True)):
        monkeypatch.setattr(sys, "stderr", stream)
        report = stderr_progress("Plans PDF")
        report(0, 40)
        report(40, 40)
        out = stream.getvalue()
        assert out.count("Plans PDF [") == 2 and out.endswith("40/40 (" + out.rsplit("(", 1)[1])
        assert out.endswith("/s)\n")
        assert ("\r" in out) == terminal
        if not terminal:
            assert out.splitlines()[0].startswith("Plans PDF [....") and len(out.splitlines()) == 2
