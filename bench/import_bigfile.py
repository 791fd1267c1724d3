"""Import a 200 MB annuaire generated from the whole Occitanie file: rows, seconds and peak memory.

Usage: python bench/import_bigfile.py [--mb 200]   (reads ../shared/data/opendata/occ_annuaire.csv)
Prints one line per case; the baseline is the real file imported once, in the same run.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests import test_hardening_bigfile as probe  # noqa: E402  (the same generator and probe as the test)

OCC = ROOT.parent / "shared" / "data" / "opendata" / "occ_annuaire.csv"

PROBE = """
import json, resource, sys, time
sys.path.insert(0, {root!r})
from planner.sources.annuaire import import_annuaire
t = time.time()
r = import_annuaire(sys.argv[1], academie=sys.argv[2] or None)
print(json.dumps({{**r.to_json(), "seconds": time.time() - t,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=int, default=200)
    args = ap.parse_args()
    if not OCC.exists():
        print(f"{OCC} introuvable (../shared)", file=sys.stderr)
        return 2
    probe.OCC, probe.TARGET, probe.PROBE = OCC, args.mb * 1024 * 1024, PROBE
    print(f"{'case':34} {'rows':>9} {'seconds':>8} {'peak RSS MiB':>13}")
    base = probe._probe(OCC, "16")
    print(f"{'real file (baseline)':34} {base['rows']:>9} {base['seconds']:>8.2f} {base['rss_mb']:>13.1f}")
    with tempfile.TemporaryDirectory() as d:
        for unique in (False, True):
            path = Path(d) / "big.csv"
            rows, size = probe._generate(path, unique=unique)
            r = probe._probe(path, "" if unique else "16")
            name = f"{size / 2**20:.0f} MB, {'distinct UAIs' if unique else 'copies'}"
            print(f"{name:34} {r['rows']:>9} {r['seconds']:>8.2f} {r['rss_mb']:>13.1f}"
                  f"   (×{r['rss_mb'] / base['rss_mb']:.2f} the baseline's memory)")
            path.unlink()
        path = Path(d) / "sans-retour.csv"  # the header, then 200 MB without a single line break
        with open(OCC, "rb") as src, open(path, "wb") as f:
            f.write(src.readline())
            block = b"0310001A;Ecole;" * 4096
            for _ in range(args.mb * 1024 * 1024 // len(block)):
                f.write(block)
        r = probe._probe(path, "")
        name = f"{path.stat().st_size / 2**20:.0f} MB, no line break"
        print(f"{name:34} {r['rows']:>9} {r['seconds']:>8.2f} {r['rss_mb']:>13.1f}"
              f"   (×{r['rss_mb'] / base['rss_mb']:.2f} the baseline's memory; the line is rejected, named)")
        path.unlink()
    print("goal: streamed import — memory bounded by the output (copies ≈ baseline), never the whole file in memory")
    return 0


if __name__ == "__main__":
    sys.exit(main())
