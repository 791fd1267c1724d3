"""A large annuaire (generated in a temporary directory from the committed real extract) imports every row.

Memory and time of the 200 MB case are bench figures: bench/import_bigfile.py."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from .conftest import ROOT

OCC = ROOT / "tests/fixtures/occ_annuaire_extract.csv"
TARGET = 12 * 1024 * 1024

PROBE = """
import json, sys
sys.path.insert(0, {root!r})
from planner.sources.annuaire import import_annuaire
r = import_annuaire(sys.argv[1], academie=sys.argv[2] or None)
print(json.dumps({{**r.to_json(), "issues": sum(1 for _ in r.iter_issues())}}))
"""


def _generate(path: Path, unique: bool) -> tuple[int, int]:
    """The real rows over and over until TARGET bytes: with fresh UAIs (``unique``) or as exact copies."""
    raw = OCC.read_bytes().split(b"\n")
    header, lines = raw[0], [x for x in raw[1:] if x.strip()]
    n = 0
    with open(path, "wb") as f:
        f.write(header + b"\n")
        size = len(header) + 1
        while size < TARGET:
            if unique:
                chunk = [b"%07dA" % (n + i + 1) + x[8:] for i, x in enumerate(lines)]
            else:
                chunk = lines
            data = b"\n".join(chunk) + b"\n"
            f.write(data)
            size += len(data)
            n += len(lines)
    return n, size


def _probe(path: Path, academie: str = "") -> dict:
    p = subprocess.run([sys.executable, "-c", PROBE.format(root=str(ROOT)), str(path), academie],
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr[-2000:]
    return json.loads(p.stdout)


def test_large_annuaire_every_row_read(tmp_path):
    small = _probe(OCC, "16")  # one copy

    # 1. exact copies of the real file: the output stays one copy's worth
    copies = tmp_path / "copies.csv"
    rows, size = _generate(copies, unique=False)
    assert size >= TARGET
    big = _probe(copies, "16")
    assert big["rows"] == rows == sum(big["imported"].values()) + big["skipped"] + big["rejected"]
    assert big["imported"] == small["imported"] and big["circonscriptions"] == small["circonscriptions"]
    assert big["teachers_1d"] == small["teachers_1d"] and big["teachers_2d"] == small["teachers_2d"]
    assert big["skipped"] == rows - sum(small["imported"].values())  # every copy after the first: UAI en double
    assert big["issues"] >= big["skipped"]  # each one is in the report (kept on disk)
    copies.unlink()

    # 2. every row a distinct établissement: all imported, memory bounded by the output, not the file
    unique = tmp_path / "unique.csv"
    rows, size = _generate(unique, unique=True)
    res = _probe(unique)
    assert res["rows"] == rows == sum(res["imported"].values()) + res["skipped"] + res["rejected"]
    assert res["rejected"] == 0 and res["imported"]["ecoles"] > 10_000
