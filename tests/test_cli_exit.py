"""``solve`` and ``check`` end without freeing their objects one by one (main._leave): their whole output still
arrives through a pipe, their exit codes are kept, and the solver's pool leaves no process and no warning."""
from __future__ import annotations

import csv
import datetime as dt
import json
import os
import subprocess
import sys

import pytest

from planner.models import Scenario
from planner.sources.reference import national_reference

from .conftest import ROOT

CODES = ("27", "31", "32")  # Corse, Martinique, Guadeloupe: small académies, a pool of two workers


@pytest.fixture(scope="module")
def scenario_file(tmp_path_factory) -> str:
    sc = national_reference("2026-2027", dt.date(2026, 11, 30))
    parts = [json.loads(sc.restricted_to(c).model_dump_json()) for c in CODES]
    lists = ("academies", "departements", "circonscriptions", "bassins", "etablissements", "trainers")
    merged = Scenario.model_validate({**parts[0], **{k: [x for p in parts for x in p[k]] for k in lists},
                                      "inspectors": {k: v for p in parts for k, v in p["inspectors"].items()},
                                      "name": "Trois académies"})
    path = tmp_path_factory.mktemp("sc") / "trois.json"
    path.write_text(merged.model_dump_json(), encoding="utf-8")
    return str(path)


def _run(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # a pipe: block-buffered output
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300, env=env)


def test_solve_and_check_end_with_their_whole_output(scenario_file, tmp_path):
    out = tmp_path / "plan"
    r = _run("solve", "--scenario", scenario_file, "--workers", "2", "--school-year", "2026-2027",
             "--from", "2026-11-30", "--out", str(out), "--quiet")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].startswith(f"Plan écrit dans {out}") and any(x.startswith("Dernière session") for x in lines)
    # the completion date as Babel writes it (« EEEE d MMMM y »), which the command writes without Babel
    from babel.dates import format_date

    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    done = dt.date.fromisoformat(report["kpis"]["completion_date"])
    assert f"Dernière session d'étape 1 : {format_date(done, 'EEEE d MMMM y', locale='fr_FR')} (" in r.stdout
    for noise in ("Traceback", "leaked", "resource_tracker", "Exception ignored"):
        assert noise not in r.stderr
    c = _run("check", str(out), "--scenario", scenario_file)
    assert c.returncode == 0 and c.stdout.splitlines()[-1].startswith("Plan conforme : ")
    assert "Traceback" not in c.stderr

    rows = list(csv.reader((out / "sessions.csv").open(encoding="utf-8", newline="")))
    rows[1][rows[0].index("date")] = "2027-02-14"  # a Sunday
    with (out / "sessions.csv").open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    bad = _run("check", str(out), "--scenario", scenario_file)
    assert bad.returncode == 1 and bad.stdout.splitlines()[-1].startswith("Plan NON conforme : ")
    assert "VIOLATION" in bad.stdout


def _kept_at_exit(*args: str) -> tuple[subprocess.CompletedProcess, list[str]]:
    """``main.py ARGS`` run as the program, with an exit handler (main._leave runs them) saying what the command
    left for the process's end."""
    code = ("import atexit, runpy, sys\n"
            "def said():\n"
            "    import solvers.cli as c\n"
            "    print('KEPT', *sorted(type(o).__name__ for o in c._EXIT_KEPT), flush=True)\n"
            "atexit.register(said)\n"
            f"sys.argv = ['main.py', *{list(args)!r}]\n"
            f"runpy.run_path({str(ROOT / 'main.py')!r}, run_name='__main__')\n")
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    kept = [line.split()[1:] for line in r.stdout.splitlines() if line.startswith("KEPT")]
    return r, kept[0] if kept else None


def test_solve_and_check_leave_their_plan_and_scenario_for_the_process_end(scenario_file, tmp_path):
    """Run as the program, solve and check keep their plan and scenario for the process's end (main._leave ends
    it without freeing them one by one, nor a last garbage collection walking them: 0.08 s after a national solve,
    0.04 s after its check); run inside another program, they keep nothing."""
    import main as entry
    import solvers.cli as cli

    out = tmp_path / "plan"
    r, kept = _kept_at_exit("solve", "--scenario", scenario_file, "--workers", "1", "--school-year", "2026-2027",
                            "--from", "2026-11-30", "--out", str(out), "--quiet")
    assert r.returncode == 0, r.stderr
    assert kept == ["Plan", "Scenario"]
    c, kept = _kept_at_exit("check", str(out), "--scenario", scenario_file)
    assert c.returncode == 0 and "Plan conforme" in c.stdout, c.stdout + c.stderr
    assert kept == ["Plan", "Scenario"]
    import gc

    before, collecting = len(cli._EXIT_KEPT), gc.isenabled()
    assert entry.main(["check", str(out), "--scenario", scenario_file]) == 0  # in this process: nothing kept,
    assert len(cli._EXIT_KEPT) == before and gc.isenabled() == collecting  # and garbage collected as before


def test_solve_progress_is_one_line_per_update_in_a_log_and_rewritten_on_a_terminal(scenario_file, tmp_path):
    """Piped into a log, each progress update is a whole line (they were glued into one by « \\r »); on a terminal
    the line is rewritten in place, then ended."""
    import pty
    import re

    args = ("solve", "--scenario", scenario_file, "--workers", "1", "--solver", "greedy", "--school-year",
            "2026-2027", "--from", "2026-11-30")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    r = subprocess.run([sys.executable, str(ROOT / "main.py"), *args, "--out", str(tmp_path / "logged")], cwd=ROOT,
                       capture_output=True, timeout=300, env=env)  # bytes: text mode would turn « \r » into lines
    err = r.stderr.decode("utf-8")
    assert r.returncode == 0, err
    lines = [x for x in err.split("\n") if "académies," in x]
    assert "\r" not in err and len(lines) >= 2
    assert all(re.fullmatch(r"\d+/3 académies, \d+ sessions placées \(\d+\.\d s\)", x) for x in lines)
    assert lines[0].startswith("0/3") and lines[-1].startswith("3/3")

    leader, follower = pty.openpty()
    proc = subprocess.Popen([sys.executable, str(ROOT / "main.py"), *args, "--out", str(tmp_path / "tty")], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=follower, env=env)
    os.close(follower)
    seen = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the terminal closed: the process ended
            break
        if not chunk:
            break
        seen += chunk
    assert proc.wait(timeout=300) == 0
    os.close(leader)
    text = seen.decode("utf-8", "replace")
    assert "\r3/3 académies" in text and re.search(r"\(\d+\.\d s\)\r?\n", text)  # rewritten, then ended
