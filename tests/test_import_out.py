"""``import-annuaire --out`` never overwrites its own input, a folder, a device or a file of another
kind; what a killed import left beside the output is cleaned at the next run (issue 14, item 5)."""
from __future__ import annotations

import os
import shutil

import pytest

import main
from planner.store import ScenarioStore

from .conftest import ROOT

EXTRACT = ROOT / "tests" / "fixtures" / "occ_annuaire_extract.csv"


@pytest.fixture()
def src(tmp_path):
    p = tmp_path / "annuaire.csv"
    shutil.copy(EXTRACT, p)
    return p


def _import(src, out, capsys) -> tuple[int, str]:
    rc = main.main(["import-annuaire", str(src), "--out", str(out)])
    return rc, capsys.readouterr().err


def test_refuses_its_own_input(src, capsys):
    before = src.read_bytes()
    rc, err = _import(src, src, capsys)
    assert rc == 2 and "c'est le fichier lu par la commande" in err
    link = src.with_name("lien.sqlite")
    os.symlink(src, link)
    hard = src.with_name("dur.sqlite")
    os.link(src, hard)
    assert _import(src, link, capsys)[0] == 2
    assert _import(src, hard, capsys)[0] == 2
    assert src.read_bytes() == before


def test_refuses_to_write_the_report_over_its_input(tmp_path, capsys):
    src = tmp_path / "occ.rapport.csv"  # the report of occ.sqlite would be this very file
    shutil.copy(EXTRACT, src)
    rc, err = _import(src, tmp_path / "occ.sqlite", capsys)
    assert rc == 2 and "il ne sera pas écrasé" in err
    assert src.read_bytes() == EXTRACT.read_bytes() and not (tmp_path / "occ.sqlite").exists()


def test_refuses_a_folder_a_pipe_and_a_foreign_file(src, tmp_path, capsys):
    folder = tmp_path / "dossier"
    folder.mkdir()
    rc, err = _import(src, folder, capsys)
    assert rc == 2 and "c'est un dossier" in err and folder.is_dir()
    fifo = tmp_path / "tube"
    os.mkfifo(fifo)  # a device-like file (the same rule refuses /dev/…)
    rc, err = _import(src, fifo, capsys)
    assert rc == 2 and "pas un fichier ordinaire" in err
    notes = tmp_path / "notes.txt"
    notes.write_text("mes notes", encoding="utf-8")
    rc, err = _import(src, notes, capsys)
    assert rc == 2 and "n'est pas un fichier de scénario" in err
    assert notes.read_text(encoding="utf-8") == "mes notes"


def test_replaces_an_earlier_scenario_and_cleans_leftovers(src, tmp_path, capsys):
    out = tmp_path / "occ.sqlite"
    assert _import(src, out, capsys)[0] == 0
    dead = 2 ** 22 + 4242  # no such process: a killed import
    (tmp_path / f".occ.sqlite.{dead}.tmp").write_bytes(b"SQLite format 3\x00half")
    (tmp_path / f".occ.sqlite.{dead}.tmp-journal").write_bytes(b"half")
    (tmp_path / "occ.rapport.csv.tmp").write_text("half", encoding="utf-8")
    live = tmp_path / f".occ.sqlite.{os.getppid()}.tmp"  # an import still running is left alone
    live.write_bytes(b"")
    assert _import(src, out, capsys)[0] == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([src.name, "occ.sqlite", "occ.rapport.csv", live.name])
    with ScenarioStore(out, create=False) as st:
        assert st.load_scenario().etablissements
