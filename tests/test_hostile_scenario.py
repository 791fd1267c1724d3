"""Damaged or foreign scenario files, folders, devices and deep JSON passed as ``--scenario``:
a French error naming the file, exit code 2, never a traceback (issue 14, item 5)."""
from __future__ import annotations

import sqlite3

import pytest

import main
from planner.scenario_io import ScenarioError, load_scenario
from planner.store import ScenarioStore

from .tiny import tiny_scenario


@pytest.fixture(scope="module")
def good(tmp_path_factory):
    p = tmp_path_factory.mktemp("sc") / "good.sqlite"
    ScenarioStore.create(p, tiny_scenario())
    return p


def _demand(spec, capsys) -> tuple[int, str]:
    rc = main.main(["demand", "--scenario", str(spec)])
    cap = capsys.readouterr()
    return rc, cap.err


def _hostile(tmp_path, good, kind):
    p = tmp_path / f"{kind}.bin"
    if kind == "folder":
        p.mkdir()
    elif kind == "deep_json":
        p.write_text("[" * 200_000 + "]" * 200_000, encoding="utf-8")
    elif kind == "deep_object":
        p.write_text('{"name": ' + '{"a": ' * 50_000 + "1" + "}" * 50_000 + "}", encoding="utf-8")
    elif kind == "json_list":
        p.write_text("[1, 2, 3]", encoding="utf-8")
    elif kind == "foreign_json":
        p.write_text('{"type": "FeatureCollection", "features": []}', encoding="utf-8")
    elif kind == "empty":
        p.write_bytes(b"")
    elif kind == "binary":
        p.write_bytes(b"\xff\xfe\x00\x01PK\x03\x04" * 100)
    elif kind == "bad_json":
        p.write_text('{"name": "x",\n "academies": [,]}', encoding="utf-8")
    elif kind == "sqlite_header_only":
        p.write_bytes(b"SQLite format 3\x00" + bytes(range(256)) * 20)
    elif kind == "truncated_sqlite":
        p.write_bytes(good.read_bytes()[:6000])
    elif kind == "corrupt_sqlite":
        data = bytearray(good.read_bytes())
        for off in range(1024, len(data), 1500):  # pages damaged, header intact
            data[off:off + 300] = b"\x00" * 300
        p.write_bytes(bytes(data))
    elif kind == "foreign_sqlite":
        db = sqlite3.connect(p)
        db.execute("CREATE TABLE birds (name TEXT)")
        db.commit()
        db.close()
    elif kind == "bad_row_sqlite":
        p.write_bytes(good.read_bytes())
        db = sqlite3.connect(p)
        db.execute("UPDATE scenario SET data = ?", ("[" * 100_000 + "]" * 100_000,))
        db.commit()
        db.close()
    elif kind == "device":
        return "/dev/null"
    return p


KINDS = ["folder", "deep_json", "deep_object", "json_list", "foreign_json", "empty", "binary", "bad_json",
         "sqlite_header_only", "truncated_sqlite", "corrupt_sqlite", "foreign_sqlite", "bad_row_sqlite", "device"]


@pytest.mark.parametrize("kind", KINDS)
def test_hostile_scenario_is_a_french_error_exit_2(tmp_path, good, kind, capsys):
    spec = _hostile(tmp_path, good, kind)
    with pytest.raises(ScenarioError) as e:
        load_scenario(str(spec))
    assert str(spec) in str(e.value)
    rc, err = _demand(spec, capsys)
    assert rc == 2
    assert err.startswith("Erreur : ") and str(spec) in err and "Traceback" not in err


def test_hostile_messages_say_what_is_wrong(tmp_path, good):
    def msg(kind):
        with pytest.raises(ScenarioError) as e:
            load_scenario(str(_hostile(tmp_path, good, kind)))
        return str(e.value)

    assert "dossier" in msg("folder")
    assert "imbriqué" in msg("deep_json")
    assert "objet était attendu" in msg("json_list")
    assert "ligne 2, colonne 16" in msg("bad_json")
    assert "vide" in msg("empty")
    assert "fichier ordinaire" in msg("device")
    assert "endommagé" in msg("corrupt_sqlite")
    assert "pas un fichier de scénario" in msg("foreign_sqlite")


def test_good_file_still_loads(good):
    assert load_scenario(str(good)).name == "Mini"


def test_solve_and_check_refuse_a_folder_as_scenario(tmp_path, capsys):
    folder = tmp_path / "dossier"
    folder.mkdir()
    assert main.main(["solve", "--scenario", str(folder), "--out", str(tmp_path / "plan")]) == 2
    assert "c'est un dossier" in capsys.readouterr().err
    assert not (tmp_path / "plan").exists()
