"""Property tests: well over 1,000 malformed inputs to the importers; each gives an import (every row
accounted for) or a clear French message, never a traceback. Deterministic (``derandomize``)."""
from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.sources.annuaire import AnnuaireError, import_annuaire
from planner.models import Scenario
from planner.store import ScenarioStore, StoreError
from planner.sources.template import export_template, import_template

from .conftest import ROOT

OCC = ROOT / "tests/fixtures/occ_annuaire_extract.csv"


def hset(n: int):
    return settings(max_examples=n, derandomize=True, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.function_scoped_fixture, HealthCheck.filter_too_much])


with open(OCC, encoding="utf-8-sig", newline="") as _f:
    _r = csv.reader(_f, delimiter=";")
    HEADER = next(_r)
    REAL = [row for _, row in zip(range(400), _r)]
REAL_TEXT = OCC.read_bytes()[:200_000].decode("utf-8-sig").splitlines(keepends=True)[:300]

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
FRENCH_HINTS = ("fichier", "colonne", "ligne", "académie", "annuaire", "CSV", "vide", "séparateur")


def check_outcome(path: Path) -> None:
    """The contract: an import accounting for every row, or AnnuaireError with a French message."""
    try:
        res = import_annuaire(path)
    except AnnuaireError as exc:
        msg = str(exc)
        assert msg and path.name in msg and any(h in msg for h in FRENCH_HINTS), msg
        assert "Traceback" not in msg
        return
    assert res.rows == res.imported_total + res.skipped + res.rejected
    assert res.rows >= 1
    issues = list(res.iter_issues())
    assert sum(1 for i in issues if i.status != "importée (avertissement)") == res.skipped + res.rejected
    for i in issues:
        assert i.reason and not CONTROL.search(i.reason) and not CONTROL.search(i.name)
    sc = res.scenario
    for e in sc.etablissements:
        assert e.name and not CONTROL.search(e.name) and 0 <= e.teachers <= 2_000_000
    Scenario.model_validate(sc.model_dump())  # the scenario is valid as a whole
    out = io.StringIO()
    out.write(res.summary_fr())
    assert "Lignes lues" in out.getvalue()


# ------------------------------------------------------------------ strategies
valid_uai = st.from_regex(r"\A0[0-9]{6}[A-Z]\Z")
uai = st.one_of(
    valid_uai, valid_uai, valid_uai, valid_uai,
    st.sampled_from(["", "   ", "0310001", "ABCDEFGH", "0310001A0", "03100O1A", "<b>0310001A</b>", "0310001a"]),
    st.text(max_size=12),
)
cell = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["", '"', '""', ";", "\n", "\r\n", "<script>alert(1)</script>", "=cmd|' /C calc'!A0",
                     "\x00", "\x1b[31m", "é", "\u202e", "1e308", "NaN", "-5", "99999999", "∞", "12,5"]),
)
etype = st.sampled_from(["Ecole", "Collège", "Lycée", "EREA", "Médico-social", "Service Administratif",
                         "Information et orientation", "Autre", "", "ECOLE", "college", "Lycee", "Soucoupe"])
dep = st.sampled_from(["031", "31", "034", "2A", "02B", "", "999", "AB", "0310", "-1", "974"])
acad = st.sampled_from(["16", "11", "6", "01", "", "99", "XX", "Toulouse"])
pupils = st.sampled_from(["", "0", "120", "-5", "abc", "1e9", "NaN", "12,5", "3000000", " 42 "])


@st.composite
def annuaire_rows(draw):
    cols = list(HEADER)
    drop = draw(st.sets(st.sampled_from(HEADER), max_size=6))
    cols = [c for c in cols if c not in drop]
    extra = draw(st.lists(st.text(min_size=1, max_size=10), max_size=3))
    cols += extra
    if draw(st.booleans()):
        cols = draw(st.permutations(cols))
    n = draw(st.integers(0, 12))
    rows = []
    for _ in range(n):
        base = dict(zip(HEADER, draw(st.sampled_from(REAL))))
        base.update({
            "Identifiant_de_l_etablissement": draw(uai),
            "Type_etablissement": draw(st.one_of(st.sampled_from(["Ecole", "Collège", "Lycée"]), etype)),
            **dict(zip(("Code_departement", "Code_academie"), draw(st.one_of(
                st.sampled_from([("031", "16"), ("31", "16"), ("034", "11"), ("081", "16")]),
                st.tuples(dep, acad))))),
            "Nombre_d_eleves": draw(pupils),
            "Nom_etablissement": draw(cell),
            "etat": draw(st.sampled_from(["OUVERT", "OUVERT", "OUVERT", "FERME", "A OUVRIR", ""])),
        })
        if draw(st.booleans()):
            base[draw(st.sampled_from(HEADER))] = draw(cell)
        row = [base[c] if c in base else draw(cell) for c in cols]
        cut = draw(st.integers(0, 3))
        if cut == 1:
            row = row[: draw(st.integers(0, len(row)))]
        elif cut == 2:
            row = row + draw(st.lists(cell, max_size=5))
        rows.append(row)
    if rows and draw(st.booleans()):
        rows.append(list(rows[0]))  # duplicate UAI
    return cols, rows


@st.composite
def encoded_csv(draw):
    cols, rows = draw(annuaire_rows())
    sep = draw(st.sampled_from([";", ";", ",", "\t", "|", " "]))
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=sep, quoting=draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONE])),
                   escapechar="\\")
    for r in [cols] + rows:
        try:
            w.writerow(r)
        except csv.Error:  # e.g. QUOTE_NONE cannot write a lone empty field: write it raw, as a sloppy tool would
            buf.write(sep.join(r) + "\r\n")
    text = buf.getvalue()
    if draw(st.booleans()):
        text = text.replace("\r\n", draw(st.sampled_from(["\n", "\r", "\r\n"])))
    enc = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16"]))
    data = text.encode(enc, errors="replace")
    mutation = draw(st.integers(0, 4))
    if mutation == 1 and data:
        data = data[: draw(st.integers(0, len(data)))]  # truncated download
    elif mutation == 2 and data:
        pos = draw(st.integers(0, len(data) - 1))
        data = data[:pos] + draw(st.binary(min_size=1, max_size=8)) + data[pos + 1:]  # corrupted bytes
    return data


def _run(tmp_path_factory, n: int, strategy) -> int:
    d = tmp_path_factory.mktemp("fuzz")
    seen = []

    @hset(n)
    @given(strategy)
    def prop(data: bytes):
        seen.append(1)
        p = d / "annuaire.csv"
        p.write_bytes(data)
        check_outcome(p)

    prop()
    return len(seen)


# ------------------------------------------------------------------ tests
def test_malformed_annuaires(tmp_path_factory):
    assert _run(tmp_path_factory, 650, encoded_csv()) >= 650


def test_random_bytes(tmp_path_factory):
    assert _run(tmp_path_factory, 250, st.binary(max_size=3000)) >= 250


@st.composite
def mutated_real_file(draw):
    lines = list(REAL_TEXT[: draw(st.integers(1, len(REAL_TEXT)))])
    for _ in range(draw(st.integers(1, 6))):
        if len(lines) < 2:
            break
        i = draw(st.integers(1, len(lines) - 1))
        op = draw(st.integers(0, 5))
        if op == 0:
            lines[i] = lines[i].replace(";", ",", draw(st.integers(1, 10)))
        elif op == 1:
            lines.insert(i, lines[i])
        elif op == 2:
            lines[i] = '"' + lines[i]
        elif op == 3:
            del lines[i]
        elif op == 4:
            fields = lines[i].split(";")
            j = draw(st.integers(0, len(fields) - 1))
            fields[j] = draw(cell).replace("\n", " ")
            lines[i] = ";".join(fields)
        else:
            lines[0] = lines[0].replace(draw(st.sampled_from(HEADER)), draw(st.text(max_size=8)), 1)
    text = "".join(lines)
    return text.encode(draw(st.sampled_from(["utf-8", "cp1252"])), errors="replace")


def test_mutations_of_the_real_file(tmp_path_factory):
    assert _run(tmp_path_factory, 200, mutated_real_file()) >= 200


def test_store_rejects_garbage_files(tmp_path_factory):
    d = tmp_path_factory.mktemp("store")
    seen = []

    @hset(120)
    @given(st.one_of(st.binary(max_size=4000), st.binary(max_size=4000).map(lambda b: b"SQLite format 3\x00" + b)))
    def prop(data: bytes):
        seen.append(1)
        p = d / "s.sqlite"
        for q in d.iterdir():
            q.unlink()
        p.write_bytes(data)
        try:
            with ScenarioStore(p) as s:
                s.load_scenario()
        except StoreError as exc:
            assert str(p) in str(exc)
    prop()
    assert len(seen) >= 120


def test_templates_with_garbage_cells(tmp_path_factory):
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import IllegalCharacterError

    d = tmp_path_factory.mktemp("tpl")
    sc = import_annuaire(OCC, academie="11").scenario
    sc.etablissements = sc.etablissements[:12]
    sc.circonscriptions = sc.circonscriptions[:8]
    keep = {e.uai for e in sc.etablissements} | {c.id for c in sc.circonscriptions} | {a.code for a in sc.academies}
    sc.trainers = [t for t in sc.trainers if t.unit_id in keep]
    base = export_template(sc, d / "base.xlsx")
    seen = []
    value = st.one_of(cell, st.integers(-10**9, 10**9), st.floats(allow_nan=True, allow_infinity=True), st.booleans(),
                      st.dates(), st.none())

    @hset(80)
    @given(st.lists(st.tuples(st.sampled_from(["Établissements", "Circonscriptions", "Bassins", "Inspecteurs", "Formateurs",
                                               "Préférences", "Créneaux fixés"]),
                              st.integers(1, 12), st.integers(1, 11), value), min_size=1, max_size=8))
    def prop(edits):
        seen.append(1)
        wb = load_workbook(base)
        for sheet, r, c, v in edits:
            try:
                wb[sheet].cell(r, c).value = v
            except (ValueError, TypeError, IllegalCharacterError):  # openpyxl refuses control characters: Excel cannot hold them either
                wb[sheet].cell(r, c).value = CONTROL.sub("?", str(v))[:50]
        p = d / "edit.xlsx"
        wb.save(p)
        res = import_template(p, sc)
        if res.ok:
            Scenario.model_validate(res.scenario.model_dump())
        else:
            for e in res.errors:
                assert e.reason and (e.sheet or e.row == 0)
                assert str(e).startswith("feuille") or str(e).startswith("fichier")
    prop()
    assert len(seen) >= 80


@pytest.mark.parametrize("content", [b"", b"\xff\xfe\x00", b"a;b\n\x00\x00\x00", "é;è\n".encode("cp1252")])
def test_cli_never_prints_a_traceback(tmp_path, content):
    p = tmp_path / "bad.csv"
    p.write_bytes(content)
    r = subprocess.run([sys.executable, "main.py", "import-annuaire", str(p), "--out", str(tmp_path / "o.sqlite")],
                       cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and r.stderr.startswith("Erreur : ") and "Traceback" not in r.stderr
    assert not (tmp_path / "o.sqlite").exists()


def test_user_files_are_never_executed():
    """No pickle, eval or exec anywhere a user file is read: JSON, CSV and validated models only."""
    sources = [ROOT / "planner" / "store.py", ROOT / "planner" / "scenario_io.py", *(ROOT / "planner" / "sources").rglob("*.py")]
    assert len(sources) > 6
    for src in sources:
        text = src.read_text(encoding="utf-8")
        for bad in ("import pickle", "pickle.load", "marshal", "eval(", "exec(", "shelve", "yaml.load"):
            assert bad not in text, (src.name, bad)
