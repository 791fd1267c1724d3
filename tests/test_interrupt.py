"""Ctrl-C during ``solve`` stops like « Arrêter » (best plan written, exit code 3, no traceback);
``solve | head -1`` ends quietly (issue 14, item 5)."""
from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time

import pytest

from planner.models import Scenario
from planner.plan import Plan
from planner.sources.reference import national_reference

from .conftest import ROOT

CODES = ("22", "27", "03")  # Limoges, Corse, Besançon: three small académies


@pytest.fixture(scope="module")
def three_academies(tmp_path_factory) -> str:
    sc = national_reference("2026-2027", dt.date(2026, 6, 15))  # explicit dates: the whole year, rentrée included
    parts = [sc.restricted_to(c) for c in CODES]
    merged = Scenario.model_validate({
        **json.loads(parts[0].model_dump_json()),
        **{k: [x for p in parts for x in json.loads(p.model_dump_json())[k]]
           for k in ("academies", "departements", "circonscriptions", "bassins", "etablissements", "trainers")},
        "inspectors": {k: v for p in parts for k, v in p.inspectors.items()},
        "name": "Trois académies",
    })
    path = tmp_path_factory.mktemp("sc") / "trois.json"
    path.write_text(merged.model_dump_json(), encoding="utf-8")
    return str(path)


def _solve_then_ctrl_c(scenario: str, out, workers: int) -> tuple[int, str, str]:
    proc = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "solve", "--scenario", scenario,
                             "--workers", str(workers), "--time-limit", "30", "--out", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT,
                            start_new_session=True)  # its own process group, as a terminal's job
    seen = b""
    while b"acad" not in seen:  # the first progress line: the solve has started
        ch = proc.stderr.read(1)
        assert ch, "solve ended before printing progress"
        seen += ch
    os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C reaches the whole group, workers included
    out_b, err_b = proc.communicate(timeout=240)
    return proc.returncode, out_b.decode(), (seen + err_b).decode()


@pytest.mark.parametrize("workers", [1, 2])
def test_ctrl_c_writes_the_best_plan_and_exits_3(tmp_path, three_academies, workers):
    out = tmp_path / "plan"
    rc, stdout, stderr = _solve_then_ctrl_c(three_academies, out, workers)
    assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr, stderr
    assert rc == 3, stdout + stderr
    assert "Arrêt demandé (Ctrl-C)" in stderr and "Plan écrit dans" in stdout
    plan = Plan.read(out)
    assert plan.report["status"] == "STOPPED" and not plan.folder_issues
    assert {s.academie for s in plan.sessions if s.kind == "step1"} == set(CODES)  # every académie planned
    assert not plan.report["unplaced"]
    r = subprocess.run([sys.executable, str(ROOT / "main.py"), "check", str(out)], capture_output=True, text=True,
                       cwd=ROOT)
    assert r.returncode == 0 and "Plan conforme" in r.stdout, r.stdout + r.stderr


def test_solve_help_documents_the_exit_codes():
    r = subprocess.run([sys.executable, str(ROOT / "main.py"), "solve", "--help"], capture_output=True, text=True,
                       cwd=ROOT)
    assert r.returncode == 0 and "3 arrêté par Ctrl-C" in r.stdout.replace("\n", " ")


def test_closed_pipe_ends_quietly_and_the_plan_is_written(tmp_path):
    out = tmp_path / "plan"
    r = subprocess.run(f"{sys.executable} main.py solve --academie 16 --solver greedy --out {out} --quiet "
                       f"| head -c 1; echo \" rc=${{PIPESTATUS[0]}}\"",
                       shell=True, executable="/bin/bash", capture_output=True, text=True, cwd=ROOT)
    assert r.stdout.strip() == "P rc=0", r.stdout + r.stderr
    assert "Traceback" not in r.stderr and "BrokenPipe" not in r.stderr, r.stderr
    assert Plan.read(out).sessions


def test_closed_pipe_on_demand_and_check(tmp_path):
    r = subprocess.run(f"{sys.executable} main.py demand | head -n 1; echo \"rc=${{PIPESTATUS[0]}}\"",
                       shell=True, executable="/bin/bash", capture_output=True, text=True, cwd=ROOT)
    assert r.stdout.strip().endswith("rc=0") and "Traceback" not in r.stderr and "BrokenPipe" not in r.stderr, r.stderr
