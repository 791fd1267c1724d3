"""Exports of really solved académies (greedy solver, a few seconds): content and the whole batch."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from planner.exports import export_unit_pdf
from planner.exports.typography import fr_slot
from planner.plan import Plan

ROOT = Path(__file__).resolve().parent.parent


def _solve(academie: str, out: Path) -> Path:
    r = subprocess.run([sys.executable, str(ROOT / "main.py"), "solve", "--academie", academie, "--solver", "greedy",
                        "--quiet", "--school-year", "2026-2027", "--from", "2026-06-15", "--out", str(out)],
                       capture_output=True, text=True, cwd=ROOT, timeout=120)  # explicit dates, never the clock
    assert r.returncode == 0, r.stderr
    return out


def _text(path: Path) -> str:
    raw = " ".join(p.extract_text() or "" for p in PdfReader(str(path)).pages)
    return re.sub(r"\s+", " ", raw.replace("\u00a0", " ").replace("\u202f", " "))


@pytest.fixture(scope="module")
def toulouse(tmp_path_factory) -> Path:
    return _solve("16", tmp_path_factory.mktemp("solved") / "plan16")


def test_etablissement_of_solved_academie_lists_every_session(toulouse, tmp_path):
    plan = Plan.read(toulouse)
    etabs = [u for u in plan.units if u.unit_type == "etablissement"]
    assert len(etabs) > 100
    # the établissement with the most step-1 sessions
    u = max(etabs, key=lambda u: sum(s.kind == "step1" for s in plan.sessions_of_unit("etablissement", u.unit_id)))
    out = export_unit_pdf(plan, "etablissement", u.unit_id, tmp_path / "e.pdf")
    text = _text(out)
    assert u.unit_id in text and u.name in text
    sessions = plan.sessions_of_unit("etablissement", u.unit_id)
    assert any(s.kind == "step1" for s in sessions)
    for s in sessions:
        assert fr_slot(s.date, s.start, s.end).replace("\u00a0", " ") in text, s.session_id
    pages = [p.extract_text() or "" for p in PdfReader(str(out)).pages]
    sheets = sum("FEUILLE D'ÉMARGEMENT" in p for p in pages)
    assert sheets == sum(s.kind in ("step1", "step5") for s in sessions)
    subprocess.run(["pdftoppm", "-png", "-r", "30", "-f", "1", "-l", "1", str(out), str(tmp_path / "pg")], check=True)
    assert list(tmp_path.glob("pg-*.png"))


def test_batch_writes_one_file_per_etablissement_of_the_academie(tmp_path):
    plan_dir = _solve("27", tmp_path / "corse")  # Corse: the smallest académie, a quick whole batch
    plan = Plan.read(plan_dir)
    uais = sorted(u.unit_id for u in plan.units if u.unit_type == "etablissement")
    r = subprocess.run([sys.executable, str(ROOT / "main.py"), "export", str(plan_dir), "--kind", "all-etablissements",
                        "--academie", "27", "--workers", "2", "--merged", "--out", str(tmp_path / "pdf")],
                       capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert r.returncode == 0, r.stderr
    assert f"{len(uais)}/{len(uais)}" in r.stderr  # progress on stderr
    files = sorted(p.name for p in (tmp_path / "pdf").glob("*.pdf") if not p.name.startswith("plans-"))
    assert files == [f"{u}.pdf" for u in uais]
    merged = PdfReader(str(tmp_path / "pdf" / "plans-etablissements-27.pdf"))
    assert [o.title.split(" — ")[0] for o in merged.outline] == uais
