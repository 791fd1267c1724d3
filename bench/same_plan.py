"""Same plan, byte for byte, before and after a refactor.

Solves the national default and Occitanie's académie 16 (annuaire import) with a fixed seed and
explicit options in two checkouts — a git revision (``--before``, default ``main``, checked out in a
temporary worktree) and this working tree — and compares their ``sessions.csv`` (and the unplaced
records of ``report.json``). Prints one line per case and exits 1 when any differs.

Usage: python bench/same_plan.py [--before REV] [--after REV] [--annuaire CSV] [--time-limit S]
                                 [--skip-national] [--keep DIR]

``--after REV`` compares two revisions (each in a temporary worktree) instead of REV and this tree.

The annuaire defaults to ``tests/fixtures/occ_annuaire_extract.csv`` when present, else
``../shared/data/opendata/occ_annuaire.csv``. Explicit dates are passed when the CLI knows them
(``--school-year 2026-2027 --from 2026-06-15``, see ``main.py solve --help``).
"""
from __future__ import annotations

import argparse
import filecmp
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable


def _annuaire_default() -> Path:
    fx = ROOT / "tests" / "fixtures" / "occ_annuaire_extract.csv"
    return fx if fx.exists() else (ROOT.parent / "shared" / "data" / "opendata" / "occ_annuaire.csv").resolve()


def _date_flags(tree: Path) -> list[str]:
    """Explicit school-year flags, when the CLI of ``tree`` has them."""
    h = subprocess.run([PY, "main.py", "solve", "--help"], cwd=tree, capture_output=True, text=True).stdout
    flags = []
    if "--school-year" in h:
        flags += ["--school-year", "2026-2027"]
    if "--from " in h or "--from\n" in h:
        flags += ["--from", "2026-06-15"]
    return flags


def _run(tree: Path, out: Path, args: argparse.Namespace, annuaire: Path) -> dict[str, Path]:
    out.mkdir(parents=True, exist_ok=True)
    common = ["--seed", "0", "--time-limit", str(args.time_limit), "--workers", str(args.workers),
              "--solver", "cpsat", "--quiet"]
    flags = _date_flags(tree)
    dirs = {}
    cases = []
    if not args.skip_national:
        cases.append(("national", ["--scenario", "national"]))
    scen = out / "occ.sqlite"
    r = subprocess.run([PY, "main.py", "import-annuaire", str(annuaire), "--academie", "16", "--out", str(scen)],
                       cwd=tree, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"import-annuaire failed in {tree}:\n{r.stderr}")
    cases.append(("occitanie-16", ["--scenario", str(scen), "--academie", "16"]))
    for name, extra in cases:
        d = out / name
        t = time.perf_counter()
        r = subprocess.run([PY, "main.py", "solve", *extra, *common, *flags, "--out", str(d)], cwd=tree,
                           capture_output=True, text=True)
        if not (d / "sessions.csv").exists():
            sys.exit(f"solve {name} failed in {tree} (code {r.returncode}):\n{r.stderr}")
        print(f"  {tree.name:>24} {name:<14} solved in {time.perf_counter() - t:5.1f} s", flush=True)
        dirs[name] = d
    return dirs


def _unplaced(d: Path) -> list:
    rep = json.loads((d / "report.json").read_text(encoding="utf-8"))
    return [{k: u.get(k) for k in ("unit_type", "unit_id", "kind", "sessions", "reason")} for u in rep.get("unplaced", [])]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--before", default="main", help="git revision to compare against (default main)")
    ap.add_argument("--after", default=None, help="git revision to compare (default: this working tree)")
    ap.add_argument("--annuaire", type=Path, default=None)
    ap.add_argument("--time-limit", type=float, default=60.0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--skip-national", action="store_true")
    ap.add_argument("--keep", type=Path, default=None, help="keep the plans in this folder")
    args = ap.parse_args()
    annuaire = (args.annuaire or _annuaire_default()).resolve()
    tmp = Path(tempfile.mkdtemp(prefix="same_plan_"))
    before_tree = tmp / "before"
    rev = subprocess.run(["git", "rev-parse", "--short", args.before], cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout.strip()
    head = subprocess.run(["git", "rev-parse", "--short", args.after or "HEAD"], cwd=ROOT, capture_output=True,
                          text=True, check=True).stdout.strip()
    dirty = not args.after and bool(subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                                                   capture_output=True, text=True).stdout.strip())
    after_tree = tmp / "after" if args.after else ROOT
    print(f"before = {args.before} ({rev}), after = {args.after or 'working tree'} ({head}{', modified' if dirty else ''})")
    print(f"annuaire = {annuaire}")
    subprocess.run(["git", "worktree", "add", "--detach", str(before_tree), rev], cwd=ROOT, capture_output=True,
                   check=True)
    if args.after:
        subprocess.run(["git", "worktree", "add", "--detach", str(after_tree), head], cwd=ROOT, capture_output=True,
                       check=True)
    try:
        before = _run(before_tree, tmp / "plans-before", args, annuaire)
        after = _run(after_tree, tmp / "plans-after", args, annuaire)
        same = True
        for name in before:
            a, b = before[name] / "sessions.csv", after[name] / "sessions.csv"
            n = sum(1 for _ in a.open(encoding="utf-8")) - 1
            eq = filecmp.cmp(a, b, shallow=False)
            un = _unplaced(before[name]) == _unplaced(after[name])
            same &= eq and un
            print(f"{name:<14} sessions.csv {'IDENTICAL' if eq else 'DIFFERENT'} ({n} sessions); "
                  f"unplaced {'identical' if un else 'DIFFERENT'}")
        if args.keep:
            shutil.copytree(tmp, args.keep, dirs_exist_ok=True, ignore=shutil.ignore_patterns("before", "after"))
        return 0 if same else 1
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(before_tree)], cwd=ROOT, capture_output=True)
        if args.after:
            subprocess.run(["git", "worktree", "remove", "--force", str(after_tree)], cwd=ROOT, capture_output=True)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
