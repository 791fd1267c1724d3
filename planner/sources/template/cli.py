"""``export-modele`` and ``import-modele``: the XLSX template from the command line.

    main.py export-modele [--scenario national|FICHIER] [--academie 16] --out modele.xlsx
    main.py import-modele modele.xlsx [--scenario national|FICHIER] --out scenario.sqlite

Exit codes: 0 done, 1 the workbook has errors (each named by sheet, row and column; nothing
written), 2 a file cannot be read or written. French messages on stderr, never a traceback.
"""
from __future__ import annotations

import sys
from pathlib import Path

from ...errors import fail as _fail


def _base(args):
    from ...scenario_io import load_scenario

    return load_scenario(getattr(args, "scenario", None) or "national")


def run_export_template(args) -> int:
    from ...exports.common import resolve_academie
    from ...scenario_io import ScenarioError
    from .export import export_template

    try:
        sc = _base(args)
    except ScenarioError as exc:
        return _fail(str(exc))
    academie = None
    if getattr(args, "academie", None):
        academie = resolve_academie(args.academie)
        if academie is None:
            return _fail(f"académie « {args.academie} » inconnue (code à deux chiffres, ex. 16, ou nom, ex. Toulouse).")
    try:
        out = export_template(sc, args.out, academie=academie)
    except OSError as exc:
        return _fail(f"écriture impossible ({exc.strerror or exc} : {args.out}).")
    print(f"Modèle écrit : {out}")
    return 0


def run_import_template(args) -> int:
    from ...scenario_io import ScenarioError
    from ...store import ScenarioStore, StoreError
    from .read import import_template

    try:
        sc = _base(args)
    except ScenarioError as exc:
        return _fail(str(exc))
    res = import_template(args.file, sc)
    if not res.ok:
        print(f"Erreur : {Path(args.file).name} : {res.summary_fr()}", file=sys.stderr)
        return 2 if res.scenario is None and len(res.errors) == 1 and not res.errors[0].sheet else 1
    out = Path(args.out)
    try:
        ScenarioStore.create(out, res.scenario, meta={"template": {"file": str(Path(args.file).resolve()),
                                                                   "changes": res.changes}})
    except (StoreError, OSError) as exc:
        return _fail(str(exc))
    print(res.summary_fr())
    print(f"  Scénario écrit : {out}")
    return 0
