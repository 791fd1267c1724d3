"""The annuaire importer on the whole Occitanie file (6,240 rows, académies 11 and 16)."""
from __future__ import annotations

import csv
from collections import Counter

import pytest

from planner.sources.annuaire import ImportSettings, import_annuaire

from .conftest import OPENDATA

OCC = OPENDATA / "occ_annuaire.csv"


@pytest.fixture(scope="module")
def occ_rows():
    with open(OCC, encoding="utf-8-sig", newline="") as f:
        r = csv.reader(f, delimiter=";")
        header = next(r)
        return header, list(r)


@pytest.fixture(scope="module")
def occ():
    return import_annuaire(OCC)


def test_every_row_accounted_for(occ, occ_rows):
    header, rows = occ_rows
    j = occ.to_json()
    assert j["rows"] == len(rows) == 6240
    assert j["rows"] == sum(j["imported"].values()) + j["skipped"] + j["rejected"]
    assert j["circonscriptions"] == 110
    assert j["bassins"] == 41
    assert [a.code for a in occ.scenario.academies] == ["11", "16"]
    assert len(occ.scenario.departements) == 13
    for i in occ.iter_issues():
        if i.uai:
            assert rows[i.line - 2][0] == i.uai
        assert i.field in header or i.field == "(ligne)"


def test_skips_are_explained(occ):
    reasons = occ.skipped_by_reason
    assert reasons["privé hors périmètre"] == 887
    assert reasons["type hors périmètre"] == 397
    assert reasons["UAI en double"] == 3
    assert occ.imported["ecoles"] == 4104
    kinds = Counter(e.type for e in occ.scenario.etablissements)
    assert kinds["erea"] == occ.imported["other"] == 5


def test_teachers_from_pupils(occ):
    s = ImportSettings()
    # 458,849 pupils in the 4,099 public écoles with a count, 5 écoles at the default size; ±0.5 per circonscription
    expected = 458_849 / s.pupils_per_teacher_1d + 5 * s.default_teachers["ecole"]
    assert abs(occ.teachers_1d - expected) <= 0.5 * len(occ.scenario.circonscriptions)


def test_include_private():
    res = import_annuaire(OCC, include_private=True)
    assert res.skipped_by_reason["privé hors périmètre"] == 0
    assert res.rows == 6240 == res.imported_total + res.skipped + res.rejected
    assert res.circonscriptions == 110
