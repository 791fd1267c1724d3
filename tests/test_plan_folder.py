"""A plan folder is replaced as a whole (written beside, then renamed); a mixed folder is never
called conforme; what a killed write leaves is cleaned at the next write (issue 14, item 5)."""
from __future__ import annotations

import dataclasses
import datetime as dt
import os
import random
import shutil
import signal
import subprocess
import sys
import time

import pytest

import main
from planner.plan import Plan, PlanError, Session, clean_leftovers
from solvers.api import solve

from .conftest import ROOT
from .tiny import tiny_scenario


def _plan(i: int, n: int = 200) -> Plan:
    ss = [Session(f"S{k}", "step1", "teachers_1d", "16", "031", "C", "circonscription", "031-01", "T",
                  dt.date(2026, 9, 2) + dt.timedelta(days=k % 200), "09:00", "10:00", i % 15 + 1, "wednesday_am")
          for k in range(n)]
    return Plan(ss, [], [], {"seed": i})


def test_rewrite_replaces_the_plan_and_keeps_other_files(tmp_path):
    d = tmp_path / "plan"
    _plan(1).write(d)
    (d / "etablissements.pdf").write_bytes(b"%PDF-1.4 exported earlier")
    (d / "pdf").mkdir()
    _plan(2, n=50).write(d)
    back = Plan.read(d)
    assert back.report == {"seed": 2} and len(back.sessions) == 50 and not back.folder_issues
    assert (d / "etablissements.pdf").read_bytes() == b"%PDF-1.4 exported earlier" and (d / "pdf").is_dir()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan"]  # nothing left beside


def test_refuses_to_replace_a_file_or_a_foreign_folder(tmp_path):
    f = tmp_path / "notes.txt"
    f.write_text("à garder", encoding="utf-8")
    with pytest.raises(PlanError, match="pas un dossier de plan"):
        _plan(1).write(f)
    home = tmp_path / "documents"
    home.mkdir()
    (home / "lettre.odt").write_text("à garder", encoding="utf-8")
    with pytest.raises(PlanError, match="choisissez un dossier nouveau ou vide"):
        _plan(1).write(home)
    assert f.read_text(encoding="utf-8") == "à garder" and (home / "lettre.odt").exists()
    assert main.main(["solve", "--scenario", "national", "--academie", "16", "--out", str(home)]) == 2


def test_leftovers_of_a_killed_write_are_cleaned(tmp_path):
    d = tmp_path / "plan"
    _plan(1).write(d)
    dead = 2 ** 22 + 12345  # beyond pid_max's default: no such process
    (tmp_path / f".plan.{dead}.part").mkdir()
    (tmp_path / f".plan.{dead}.part" / "sessions.csv").write_text("half", encoding="utf-8")
    (d / "sessions.csv.tmp").write_text("half", encoding="utf-8")
    live = tmp_path / f".plan.{os.getppid()}.part"  # a write still running elsewhere is left alone
    live.mkdir()
    _plan(2).write(d)
    assert sorted(p.name for p in tmp_path.iterdir()) == [live.name, "plan"]
    assert not (d / "sessions.csv.tmp").exists()


def test_killed_between_the_two_renames_the_previous_plan_comes_back(tmp_path):
    d = tmp_path / "plan"
    _plan(1).write(d)
    dead = 2 ** 22 + 12346
    os.rename(d, tmp_path / f".plan.{dead}.old")  # what a kill between the renames leaves (non-Linux)
    clean_leftovers(d)
    assert Plan.read(d).report == {"seed": 1}


WRITER = """
import datetime as dt, sys
sys.path.insert(0, {root!r})
from planner.plan import Plan, Session
d, i = sys.argv[1], int(sys.argv[2])
while True:
    i += 1
    n = 3000 + 500 * (i % 4)
    ss = [Session(f"S{{k}}", "step1", "teachers_1d", "16", "031", "C", "circonscription", "031-01", "T",
                  dt.date(2026, 9, 2) + dt.timedelta(days=k % 200), "09:00", "10:00", i % 15 + 1, "wednesday_am")
          for k in range(n)]
    Plan(ss, [], [], {{"seed": i, "n": n}}).write(d)
    print(i, flush=True)
"""


def test_sigkill_while_writing_never_mixes_old_and_new(tmp_path):
    rng = random.Random(14)
    d = tmp_path / "plan"
    _plan(0).write(d)
    script = WRITER.format(root=str(ROOT))
    i = 0
    leftovers = 0
    for _ in range(12):
        proc = subprocess.Popen([sys.executable, "-c", script, str(d), str(i)], stdout=subprocess.PIPE, text=True)
        time.sleep(rng.uniform(0.6, 1.6))
        os.kill(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate(timeout=60)
        done = [int(x) for x in out.split()]
        i = done[-1] if done else i
        leftovers += sum(1 for p in tmp_path.iterdir() if p.name != "plan")
        plan = Plan.read(d)  # whole: one run's four files, never a mix
        assert not plan.folder_issues and not plan.folder_unverified
        k = plan.report["seed"]
        assert k in (i, i + 1)
        assert len(plan.sessions) == plan.report.get("n", 200)
        assert {s.participants for s in plan.sessions} == {k % 15 + 1}
        i = k
    assert i >= 3  # the writer really wrote, again and again
    _plan(99).write(d)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan"]
    assert leftovers >= 1  # some kills landed mid-write, and their leftovers were cleaned by the next write


def test_each_csv_file_is_checked_against_its_fingerprint(tmp_path):
    """The three CSV files are hashed while the folder is read (a thread): each one changed since the write is
    named, the others not, and the plan itself is read as it is."""
    d = tmp_path / "plan"
    _plan(3).write(d)
    assert Plan.read(d).folder_issues == []
    for name in ("trainers.csv", "units.csv"):  # a blank line added: the same rows, other bytes
        with open(d / name, "a", encoding="utf-8") as f:
            f.write("\n")
    back = Plan.read(d)
    assert len(back.sessions) == 200 and back.report == {"seed": 3}
    named = sorted(n for n in ("sessions.csv", "trainers.csv", "units.csv") for msg in back.folder_issues
                   if f"{n} ne correspond pas à report.json" in msg)
    assert named == ["trainers.csv", "units.csv"] and len(back.folder_issues) == 2


@pytest.fixture(scope="module")
def tiny_plan_dir(tmp_path_factory):
    sc = tiny_scenario()
    base = tmp_path_factory.mktemp("tiny")
    scen = base / "mini.json"
    scen.write_text(sc.model_dump_json(), encoding="utf-8")
    plan = solve(sc, workers=1, time_limit=10)
    plan.report["scenario"]["file"] = str(scen)
    return plan


def test_check_never_calls_a_mixed_folder_conforme(tmp_path, tiny_plan_dir, capsys):
    a = tmp_path / "a"
    tiny_plan_dir.write(a)
    assert main.main(["check", str(a)]) == 0
    assert "Plan conforme" in capsys.readouterr().out
    # another run's sessions.csv, which on its own breaks no rule (only titles differ)
    other = dataclasses.replace(tiny_plan_dir, sessions=[dataclasses.replace(s, title=s.title + " (v2)")
                                                         for s in tiny_plan_dir.sessions])
    other.write(tmp_path / "b")
    shutil.copy(tmp_path / "b" / "sessions.csv", a / "sessions.csv")
    assert main.main(["check", str(a)]) == 1
    out = capsys.readouterr().out
    assert "VIOLATION [dossier]" in out and "sessions.csv ne correspond pas" in out and "NON conforme" in out


def test_plan_files_with_other_line_ends_or_a_stray_quote(tmp_path):
    from planner.exports.sample import small_plan

    d = small_plan().write(tmp_path / "plan")
    base = Plan.read(d)
    for name in ("sessions.csv", "trainers.csv", "units.csv"):  # old-Mac line ends: same plan
        raw = (d / name).read_bytes()
        (d / name).write_bytes(raw.replace(b"\r\n", b"\r"))
    back = Plan.read(d)
    assert (back.sessions, back.trainers, back.units) == (base.sessions, base.trainers, base.units)
    lines = (d / "trainers.csv").read_bytes().split(b"\r")
    lines[2] = lines[2].replace(b",", b',"', 1)  # a stray quote would swallow the rows after it
    (d / "trainers.csv").write_bytes(b"\r".join(lines))
    with pytest.raises(PlanError, match=r"trainers\.csv, ligne 3 : \d+ colonnes au lieu de"):
        Plan.read(d)


def test_a_bad_time_of_day_is_named_with_its_file_line_and_column(tmp_path, capsys):
    """« 25:00 » or « 9h » in sessions.csv: a French message naming the file, the line and the column (the
    checker used to stop on a traceback)."""
    d = _plan(1, 5).write(tmp_path / "plan")
    assert len(Plan.read(d).sessions) == 5
    raw = (d / "sessions.csv").read_bytes().decode("utf-8").split("\r\n")
    for bad, column in (("25:00", "start"), ("9h", "end")):
        lines = list(raw)
        lines[3] = lines[3].replace(",09:00,10:00,", ",25:00,10:00," if column == "start" else ",09:00,9h,")
        (d / "sessions.csv").write_text("\r\n".join(lines), encoding="utf-8", newline="")
        with pytest.raises(PlanError, match=rf"sessions\.csv, ligne 4 : .*colonne {column} : heure « {bad} » invalide"):
            Plan.read(d)
        assert main.main(["check", str(d)]) == 2
        err = capsys.readouterr().err
        assert "ligne 4" in err and f"« {bad} »" in err and "Traceback" not in err


def test_report_json_reads_back_the_report_with_a_line_per_record(tmp_path):
    """report.json is written by json's C encoder (issue 16), a line per key and per record of a list or object,
    and reads back to what ``json.dumps`` would say of the report (dates as texts, keys as JSON makes them)."""
    import json

    from planner.plan import report_text

    unplaced = [{"unit_id": f"U{i}", "reason": "« passée », à reporter", "sessions": i} for i in range(3)]
    report = {"status": "OPTIMAL", "unplaced": unplaced, "kpis": {"completion_date": dt.date(2027, 5, 19), "n": 3},
              "empty": {}, "none": [], "flat": [1, 2], 7: None, "nested": {"a": {"b": [1, {"c": "é"}]}}}
    text = report_text(report)
    assert json.loads(text) == json.loads(json.dumps(report, default=str))
    lines = text.splitlines()
    assert [ln for ln in lines if '"unit_id"' in ln] == [f"  {json.dumps(u, ensure_ascii=False)}," for u in unplaced[:2]] + \
        [f"  {json.dumps(unplaced[2], ensure_ascii=False)}"]
    assert '  "completion_date": "2027-05-19",' in lines and "é" in text
    back = Plan.read(Plan(sessions=[], trainers=[], units=[], report=report).write(tmp_path / "plan"))
    assert back.report["unplaced"] == unplaced and not back.folder_issues


def test_a_mistyped_plan_folder_is_said_as_such(tmp_path, capsys):
    """A path that does not exist, or a file given for the folder, is named as such, not as four missing files."""
    with pytest.raises(PlanError, match="dossier de plan introuvable"):
        Plan.read(tmp_path / "nulle-part")
    (tmp_path / "sessions.csv").write_text("session_id\n", encoding="utf-8")
    with pytest.raises(PlanError, match="n'est pas un dossier de plan"):
        Plan.read(tmp_path / "sessions.csv")
    with pytest.raises(PlanError, match="fichiers de plan manquants : trainers.csv"):
        Plan.read(tmp_path)  # a folder with some files only: those missing are named
    assert main.main(["check", str(tmp_path / "nulle-part")]) == 2
    assert "dossier de plan introuvable" in capsys.readouterr().err
