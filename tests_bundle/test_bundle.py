"""The PyInstaller bundle starts on its own, outside the sources (run by `make bundle-test`)."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from planner.plan import Plan

from .conftest import BUNDLE

EXE = BUNDLE / ("planificateur-ia.exe" if sys.platform == "win32" else "planificateur-ia")


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    assert EXE.is_file(), f"{EXE} absent : lancez d'abord « make bundle »"
    cwd = tmp_path_factory.mktemp("ailleurs")  # nowhere near the sources
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env["QT_QPA_PLATFORM"] = "offscreen"

    def _run(*args, timeout=600):
        return subprocess.run([str(EXE), *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=timeout)

    return _run


def test_help(run):
    r = run("--help")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("usage: planificateur-ia") and "import-annuaire" in r.stdout
    s = run("solve", "--help")
    assert s.returncode == 0 and "Codes de sortie" in s.stdout


def test_screenshot_of_the_window(run, tmp_path):
    shot = tmp_path / "fenetre.png"
    r = run("--screenshot", str(shot))
    assert r.returncode == 0, r.stderr
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 50_000


def test_solve_one_academie_then_check(run, tmp_path):
    out = tmp_path / "toulouse"
    r = run("solve", "--academie", "16", "--time-limit", "30", "--out", str(out), "--quiet")
    assert r.returncode == 0, r.stdout + r.stderr
    plan = Plan.read(out)
    assert {s.academie for s in plan.sessions} == {"16"} and len(plan.sessions) > 10_000
    c = run("check", str(out))
    assert c.returncode == 0 and "Plan conforme" in c.stdout, c.stdout + c.stderr


def test_pdf_export_uses_the_shipped_fonts(run, tmp_path):
    out = tmp_path / "plan"
    assert run("solve", "--academie", "16", "--solver", "greedy", "--out", str(out), "--quiet").returncode == 0
    pdf = tmp_path / "toulouse.pdf"
    r = run("export", str(out), "--kind", "academie", "--id", "16", "--out", str(pdf))
    assert r.returncode == 0, r.stderr
    assert pdf.read_bytes()[:5] == b"%PDF-" and b"DejaVuSans" in pdf.read_bytes()
