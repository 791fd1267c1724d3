"""The annuaire importer on a real extract of the Occitanie annuaire (tests/fixtures: départements 009 Ariège and
048 Lozère, 377 rows) and on crafted variants (built in tmp dirs). The whole file is tested in tests_shared/."""
from __future__ import annotations

import csv
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from planner.sources.annuaire import AnnuaireError, ImportCancelled, ImportSettings, import_annuaire
from planner.sources.annuaire.cli import report_path_for
from planner.store import ScenarioStore

from .conftest import ROOT

OCC = Path("tests/fixtures/occ_annuaire_extract.csv")  # relative to the repo root: the committed extract (Ariège, Lozère)


@pytest.fixture(autouse=True)
def _at_root(monkeypatch):
    monkeypatch.chdir(ROOT)


@pytest.fixture(scope="module")
def occ_rows():
    with open(ROOT / OCC, encoding="utf-8-sig", newline="") as f:
        r = csv.reader(f, delimiter=";")
        header = next(r)
        return header, list(r)


@pytest.fixture(scope="module")
def occ():
    return import_annuaire(ROOT / OCC)


def write_csv(path: Path, header: list[str], rows: list[list[str]], encoding: str = "utf-8", sep: str = ";") -> Path:
    with open(path, "w", encoding=encoding, newline="") as f:
        w = csv.writer(f, delimiter=sep)
        w.writerow(header)
        w.writerows(rows)
    return path


def row_of(header: list[str], **values: str) -> list[str]:
    r = [""] * len(header)
    for k, v in values.items():
        r[header.index(k)] = v
    return r


BASE = dict(Code_departement="031", Code_academie="16", Libelle_academie="Toulouse", etat="OUVERT",
            Statut_public_prive="Public", ministere_tutelle="MINISTERE DE L'EDUCATION NATIONALE", Nom_commune="Toulouse",
            Code_commune="31555")


def ecole(header, uai, circ="0311102E", pupils="150", **kw):
    return row_of(header, **{**BASE, "Identifiant_de_l_etablissement": uai, "Nom_etablissement": f"École {uai}",
                             "Type_etablissement": "Ecole", "libelle_nature": "ECOLE DE NIVEAU ELEMENTAIRE",
                             "code_circonscription": circ, "nom_circonscription": f"Circonscription {circ}",
                             "Nombre_d_eleves": pupils, **kw})


def college(header, uai, bassin="16101", **kw):
    return row_of(header, **{**BASE, "Identifiant_de_l_etablissement": uai, "Nom_etablissement": f"Collège {uai}",
                             "Type_etablissement": "Collège", "libelle_nature": "COLLEGE",
                             "code_bassin_formation": bassin, "libelle_bassin_formation": f"Bassin {bassin}", **kw})


# ------------------------------------------------------------------ the real file
def test_occitanie_every_row_accounted_for(occ, occ_rows):
    _, rows = occ_rows
    j = occ.to_json()
    assert j["rows"] == len(rows) == 377
    assert j["rows"] == sum(j["imported"].values()) + j["skipped"] + j["rejected"]
    assert j["circonscriptions"] == 7
    assert j["bassins"] == 2
    assert [a.code for a in occ.scenario.academies] == ["11", "16"]
    assert {a.zone for a in occ.scenario.academies} == {"C"}
    assert len(occ.scenario.departements) == 2 and all(len(d.code) == 3 for d in occ.scenario.departements)
    issues = list(occ.iter_issues())
    assert sum(1 for i in issues if i.status == "ignorée") == j["skipped"]
    assert sum(1 for i in issues if i.status == "rejetée") == j["rejected"]
    # every issue names the right line of the file (header = line 1) and a column of the header
    header, _ = occ_rows
    for i in issues:
        if i.uai:
            assert rows[i.line - 2][0] == i.uai
        assert i.field in header or i.field == "(ligne)"
        assert i.reason


def test_occitanie_skips_are_explained(occ):
    reasons = occ.skipped_by_reason
    assert reasons["privé hors périmètre"] == 55
    assert reasons["type hors périmètre"] == 27  # médico-social, services, CIO, autre
    assert reasons["section d'un lycée"] == 10 and reasons["autre ministère de tutelle"] == 4
    assert occ.imported["ecoles"] == 240
    kinds = Counter(e.type for e in occ.scenario.etablissements)
    assert kinds["college"] == occ.imported["colleges"]
    assert kinds["lycee"] + kinds["lp"] == occ.imported["lycees"]
    assert kinds["erea"] == occ.imported["other"] == 1
    assert all(e.sector == "public" for e in occ.scenario.etablissements)


def test_occitanie_units_trainers_and_cadres(occ):
    sc = occ.scenario
    s = ImportSettings()
    by_circ = Counter((t.unit_id, t.role) for t in sc.trainers if t.unit_type == "circonscription")
    for c in sc.circonscriptions:
        assert by_circ[(c.id, "cpc")] == 2 and by_circ[(c.id, "erun")] == 1
    assert {t.unit_id for t in sc.trainers if t.role == "trainer_2d"} == {e.uai for e in sc.etablissements}
    local = Counter(t.academie for t in sc.trainers if t.role != "fdf")
    fdf = Counter(t.academie for t in sc.trainers if t.role == "fdf")
    for a in sc.academies:
        assert fdf[a.code] == max(1, round(150 * local[a.code] / 13_800))
    in_bassin = Counter(e.bassin for e in sc.etablissements)
    for b in sc.bassins:
        assert b.perdir == (max(1, round(in_bassin[b.id] * s.perdir_per_etablissement)) if in_bassin[b.id] else 0)
    assert set(sc.inspectors) == {d.code for d in sc.departements} and min(sc.inspectors.values()) >= 1
    # headcounts: 1er degré from pupils with the calibrated ratio (a handful of écoles have no count)
    assert occ.teachers_1d == sum(c.teachers for c in sc.circonscriptions)
    # 14,615 pupils in the 240 public écoles of the extract, all with a count; ±0.5 per circonscription
    expected = 14_615 / s.pupils_per_teacher_1d
    assert abs(occ.teachers_1d - expected) <= 0.5 * len(sc.circonscriptions)
    # 2nd degré: this extract has no pupil counts for collèges and lycées: default sizes by type
    default = s.default_teachers
    assert occ.teachers_2d == sum(round(default[e.type]) for e in sc.etablissements)


def test_calibration_matches_national_figures():
    s = ImportSettings()
    assert abs(5_460_000 / s.pupils_per_teacher_1d - 324_600) / 324_600 < 0.01
    assert abs(4_440_000 / s.pupils_per_teacher_2d - 386_950) / 386_950 < 0.01
    d = s.default_teachers
    assert abs(5_343 * d["college"] + 1_600 * d["lycee"] + 800 * d["lp"] - 386_950) / 386_950 < 0.01
    assert abs(s.perdir_per_etablissement * 9_600 - 13_500) < 10
    assert abs(s.inspectors_per_unit * 11_000 - 3_650) < 10


def test_cli_json_shape_report_and_store(tmp_path):
    out = tmp_path / "occ.sqlite"
    p = subprocess.run([sys.executable, "main.py", "import-annuaire", str(OCC), "--academie", "16", "--out", str(out), "--json"],
                       cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    j = json.loads(p.stdout)
    assert set(j) == {"rows", "imported", "skipped", "rejected", "circonscriptions", "bassins", "teachers_1d", "teachers_2d"}
    assert set(j["imported"]) == {"ecoles", "colleges", "lycees", "other"}
    assert j["rows"] == 377 == sum(j["imported"].values()) + j["skipped"] + j["rejected"]
    report = report_path_for(out)
    assert report == tmp_path / "occ.rapport.csv" and report.exists()
    assert str(report) in p.stderr
    with open(report, encoding="utf-8-sig", newline="") as f:
        lines = list(csv.DictReader(f, delimiter=";"))
    assert sum(1 for r in lines if r["statut"] in ("ignorée", "rejetée")) == j["skipped"] + j["rejected"]
    assert any(r["motif"].startswith("hors de l'académie demandée (16 Toulouse)") for r in lines)
    with ScenarioStore(out) as st:
        sc = st.load_scenario()
        assert st.get_meta("import")["rows"] == 377
    assert [a.code for a in sc.academies] == ["16"]
    assert len(sc.circonscriptions) == j["circonscriptions"]


def test_cli_french_summary_names_report(tmp_path):
    out = tmp_path / "s.sqlite"
    p = subprocess.run([sys.executable, "main.py", "import-annuaire", str(OCC), "--out", str(out)],
                       cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    assert "Lignes lues : 377" in p.stdout
    assert "Rapport détaillé" in p.stdout and "s.rapport.csv" in p.stdout
    bad = subprocess.run([sys.executable, "main.py", "import-annuaire", str(tmp_path / "absent.csv"), "--out", str(out)],
                         cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "introuvable" in bad.stderr and "Traceback" not in bad.stderr


# ------------------------------------------------------------------ schema variants (derived in tmp)
def _variant(tmp_path, occ_rows, drop=(), encoding="utf-8", name="v.csv"):
    header, rows = occ_rows
    keep = [i for i, h in enumerate(header) if h not in drop]
    return write_csv(tmp_path / name, [header[i] for i in keep], [[r[i] for i in keep] for r in rows], encoding=encoding)


def test_2023_schema_circonscriptions_by_name(tmp_path, occ_rows, occ):
    res = import_annuaire(_variant(tmp_path, occ_rows, drop=("code_circonscription",)))
    assert res.rows == 377 and res.rejected == 0
    assert res.circonscriptions == 7  # one name per circonscription code in this extract
    assert res.teachers_1d == occ.teachers_1d
    assert any("2023" in n for n in res.notes)
    assert all(c.id.startswith(c.departement + "-") for c in res.scenario.circonscriptions)


def test_2026_schema_without_pupils_uses_default_sizes(tmp_path, occ_rows):
    res = import_annuaire(_variant(tmp_path, occ_rows, drop=("Nombre_d_eleves",)))
    assert res.rows == 377 and res.imported["ecoles"] == 240
    assert abs(res.teachers_1d - 240 * ImportSettings().default_teachers["ecole"]) <= 0.5 * res.circonscriptions  # rounded per circonscription
    assert any("2026" in n for n in res.notes)


def test_cp1252_and_no_bom_give_the_same_import(tmp_path, occ_rows, occ):
    a = import_annuaire(_variant(tmp_path, occ_rows, encoding="cp1252", name="excel.csv"))
    b = import_annuaire(_variant(tmp_path, occ_rows, encoding="utf-8", name="nobom.csv"))
    assert a.encoding == "Windows-1252" and b.encoding == "UTF-8"
    assert a.to_json() == b.to_json() == occ.to_json()
    names = {e.uai: e.name for e in a.scenario.etablissements}
    assert names == {e.uai: e.name for e in occ.scenario.etablissements}
    assert any("é" in n for n in names.values())


def test_without_bassin_columns_proximity_bassins(tmp_path, occ_rows):
    res = import_annuaire(_variant(tmp_path, occ_rows, drop=("code_bassin_formation", "libelle_bassin_formation")))
    deps_with_etabs = {e.departement for e in res.scenario.etablissements}
    assert res.bassins == len(deps_with_etabs) == 2  # about 16.5 établissements a bassin: one per small département
    assert all(b.id == f"{b.departement}-P01" and "proximité" in b.name for b in res.scenario.bassins)
    assert any("proximité" in n for n in res.notes)


def test_include_private(occ):
    res = import_annuaire(ROOT / OCC, include_private=True)
    assert res.skipped_by_reason["privé hors périmètre"] == 0
    assert res.rows == 377 == res.imported_total + res.skipped + res.rejected
    assert res.scenario.settings.include_private
    assert any(e.sector == "prive" for e in res.scenario.etablissements)
    assert res.teachers_1d > occ.teachers_1d and res.circonscriptions == 7


# ------------------------------------------------------------------ crafted rows
def test_skip_and_reject_reasons(tmp_path, occ_rows):
    header, _ = occ_rows
    rows = [
        ecole(header, "0310001A"),
        ecole(header, "0310002B", etat="FERME"),
        ecole(header, "0310003C", Statut_public_prive="Privé"),
        ecole(header, "031000D"),  # bad UAI
        ecole(header, "0310005E", Code_departement=""),
        ecole(header, "0310006F", Code_departement="034"),  # 034 is Montpellier
        ecole(header, "0310007G", Code_academie="99", Libelle_academie="Atlantide"),
        row_of(header, **{**BASE, "Identifiant_de_l_etablissement": "0310008H", "Type_etablissement": "Médico-social"}),
        row_of(header, **{**BASE, "Identifiant_de_l_etablissement": "0310009J", "Type_etablissement": "Soucoupe"}),
        college(header, "0310010K"),
        college(header, "0310010K"),  # duplicate UAI
        ecole(header, "0310011L", pupils="beaucoup"),
        [""] * len(header),
        ecole(header, "0310012M", circ="", nom_circonscription="", Code_commune="31999"),
    ]
    res = import_annuaire(write_csv(tmp_path / "a.csv", header, rows))
    by_line = {i.line: i for i in res.iter_issues()}
    assert res.rows == len(rows) == res.imported_total + res.skipped + res.rejected
    expect = {
        3: ("ignorée", "etat", "non ouvert"),
        4: ("ignorée", "Statut_public_prive", "privée"),
        5: ("rejetée", "Identifiant_de_l_etablissement", "UAI « 031000D » invalide"),
        6: ("rejetée", "Code_departement", "département manquant"),
        7: ("rejetée", "Code_departement", "appartient à l'académie 11 (Montpellier)"),
        8: ("rejetée", "Code_academie", "académie inconnue « 99 »"),
        9: ("ignorée", "Type_etablissement", "médico-social"),
        10: ("rejetée", "Type_etablissement", "type d'établissement inconnu « Soucoupe »"),
        12: ("ignorée", "Identifiant_de_l_etablissement", "UAI déjà importé ligne 11"),
        13: ("importée (avertissement)", "Nombre_d_eleves", "illisible « beaucoup »"),
        14: ("ignorée", "(ligne)", "ligne vide"),
        15: ("rejetée", "code_circonscription", "circonscription absente"),
    }
    for line, (status, fld, text) in expect.items():
        i = by_line[line]
        assert (i.status, i.field) == (status, fld), i
        assert text in i.reason, i
    assert 2 not in by_line and 11 not in by_line
    assert res.imported == {"ecoles": 2, "colleges": 1, "lycees": 0, "other": 0}
    c = res.scenario.circonscriptions[0]
    assert c.teachers == round(150 / 16.8 + 7.6)  # pupils ratio + the default size for the unreadable count


def test_academie_filter_by_name_and_unknown(tmp_path, occ_rows):
    header, _ = occ_rows
    rows = [ecole(header, "0310001A"), ecole(header, "0340001B", Code_departement="034", Code_academie="11",
                                             Libelle_academie="Montpellier", circ="0341111A")]
    p = write_csv(tmp_path / "a.csv", header, rows)
    res = import_annuaire(p, academie="Montpellier")
    assert [a.code for a in res.scenario.academies] == ["11"] and res.skipped == 1
    with pytest.raises(AnnuaireError, match="académie « 99 » inconnue"):
        import_annuaire(p, academie="99")


def test_progress_and_cancel(tmp_path, occ_rows):
    header, rows = occ_rows
    big = write_csv(tmp_path / "big.csv", header, rows * 8)  # 3,016 rows: progress is reported every 2,000
    calls = []
    import_annuaire(big, progress=lambda f, m: calls.append(f))
    assert len(calls) >= 2 and calls[-1] == 1.0 and all(0 <= x <= 1 for x in calls) and calls == sorted(calls)
    with pytest.raises(ImportCancelled):
        import_annuaire(big, progress=lambda f, m: False)


@pytest.mark.parametrize("content, message", [
    (b"", "fichier vide"),
    (b"\xef\xbb\xbf\r\n\r\n", "fichier vide"),
    (b"a,b,c\n1,2,3\n", "colonnes manquantes"),
    (b"Identifiant_de_l_etablissement\n0310001A\n", "séparateur attendu est le point-virgule"),
    (b"PK\x03\x04rest", "classeur Excel"),
    (b"SQLite format 3\x00", "fichier de scénario"),
    (b"Identifiant_de_l_etablissement;Type_etablissement;Code_departement;Code_academie\n", "aucune ligne de données"),
])
def test_unusable_files_give_french_messages(tmp_path, content, message):
    p = tmp_path / "f.csv"
    p.write_bytes(content)
    with pytest.raises(AnnuaireError, match=message):
        import_annuaire(p)


def test_other_separators_and_minimal_columns(tmp_path):
    header = ["UAI", "Type_etablissement", "Code_departement", "Libelle_academie", "nom_circonscription", "Nombre_d_eleves"]
    rows = [["0310001A", "Ecole", "31", "TOULOUSE", "Toulouse Nord", "168"],
            ["0310002B", "Collège", "31", "TOULOUSE", "", "575"]]
    for sep in (",", "\t", "|"):
        res = import_annuaire(write_csv(tmp_path / "m.csv", header, rows, sep=sep))
        assert res.imported == {"ecoles": 1, "colleges": 1, "lycees": 0, "other": 0}, sep
        assert res.teachers_1d == 10 and res.teachers_2d == 50
        assert res.scenario.departements[0].code == "031"
        assert res.bassins == 1  # no bassin column: one per département
