"""``python main.py import-annuaire FICHIER [--academie CODE] --out SCENARIO [--json] [--include-private]``."""
from __future__ import annotations

import json
import sys
from pathlib import Path

from ...errors import fail
from .importer import AnnuaireError, import_annuaire


def report_path_for(out: str | Path) -> Path:
    """The report beside the scenario file: ``occ.sqlite`` → ``occ.rapport.csv``."""
    out = Path(out)
    stem = out.name[: -len(out.suffix)] if out.suffix else out.name
    return out.with_name(f"{stem}.rapport.csv")


def run_import(args) -> int:
    from ...safe_io import OutputError, check_output_file, clean_stale_temps
    from ...store import ScenarioStore, StoreError

    try:  # never the input itself (nor its report), a folder, a device or a file of another kind
        check_output_file(args.out, [args.file])
        check_output_file(report_path_for(args.out), [args.file], kind="rapport", header=None)
        clean_stale_temps(report_path_for(args.out))
    except OutputError as exc:
        return fail(exc)
    try:
        res = import_annuaire(args.file, academie=getattr(args, "academie", None),
                              include_private=bool(getattr(args, "include_private", False)))
    except AnnuaireError as exc:
        return fail(exc)
    out = Path(args.out)
    report = report_path_for(out)
    replaced = out.exists()
    try:
        if res.imported_total == 0:
            res.write_report(report)
            print(f"Erreur : aucune ligne importée depuis {Path(args.file).name} ; aucun scénario écrit. "
                  f"Motifs ligne par ligne : {report}", file=sys.stderr)
            if args.json:
                print(json.dumps(res.to_json(), ensure_ascii=False))
            return 1
        ScenarioStore.create(out, res.scenario, meta={
            "import": {"file": str(Path(args.file).resolve()), "academie": getattr(args, "academie", None),
                       "include_private": bool(getattr(args, "include_private", False)), **res.to_json(),
                       "notes": res.notes, "report": str(report)},
        })
        res.write_report(report)
    except (StoreError, OSError) as exc:
        return fail(exc)
    if args.json:
        print(json.dumps(res.to_json(), ensure_ascii=False))
        print(f"Scénario écrit : {out} ; rapport des lignes ignorées ou rejetées : {report}", file=sys.stderr)
    else:
        print(res.summary_fr())
        print(f"  Scénario écrit : {out}" + (" (fichier existant remplacé)" if replaced else ""))
    return 0
