"""Headless commands of the domain core (no Qt, no solver)."""
from __future__ import annotations

import json
import sys

from .demand import compute_demand, demand_table
from .scenario_io import ScenarioError, load_scenario


def run_demand(args) -> int:
    from .overrides import OverrideError, apply_overrides

    try:
        sc = load_scenario(args.scenario)
        if getattr(args, "overrides", None):
            sc = sc.model_copy(update={"settings": apply_overrides(sc.settings, args.overrides)})
    except (ScenarioError, OverrideError) as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 2
    dem = compute_demand(sc)
    if args.json:
        out = dem.to_json()
        out["scenario"] = sc.name
        print(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        print(demand_table(dem, sc.name))
    return 0


def run_record(args) -> int:
    """``record SCENARIO --from FILE``: record held / cancelled sessions of the current plan."""
    import datetime as dt
    from pathlib import Path

    from .followup import RecordError, last_batch, record_file, undo_batch
    from .store import ScenarioStore, StoreError

    path = Path(args.scenario)
    if not path.is_file():
        print(f"Erreur : {path} : fichier de scénario introuvable", file=sys.stderr)
        return 2
    try:
        today = dt.date.fromisoformat(args.today) if args.today else dt.date.today()
    except ValueError:
        print(f"Erreur : --today « {args.today} » : date attendue (AAAA-MM-JJ)", file=sys.stderr)
        return 2
    try:
        with ScenarioStore(path, create=False) as st:
            if args.undo:
                batch = last_batch(st) if args.undo == "last" else args.undo
                if batch is None:
                    print("Rien à annuler : aucun enregistrement dans ce scénario.", file=sys.stderr)
                    return 2
                n = undo_batch(st, batch)
                if args.json:
                    print(json.dumps({"undone": batch, "sessions": n}, ensure_ascii=False))
                else:
                    print(f"Enregistrement {batch} annulé : {n} session(s) remise(s) dans leur état précédent.")
                return 0
            if not args.from_file:
                print("Erreur : --from FICHIER est obligatoire (CSV ou XLSX : session_id, statut, date, presents, noms)",
                      file=sys.stderr)
                return 2
            res = record_file(st, args.from_file, today=today, strict=args.strict)
    except (RecordError, StoreError) as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"Erreur : {exc.filename or args.from_file} : {exc.strerror or exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(res.to_json(), ensure_ascii=False, indent=1))
    else:
        done = "Rien n'est enregistré (--strict)" if args.strict and res.rejected else "Enregistré"
        print(f"{done} : {res.held} session(s) tenue(s), {res.cancelled} annulée(s), {res.planned} remise(s) en "
              f"« prévue » ; {res.unchanged} inchangée(s), {res.skipped} ligne(s) sans statut, "
              f"{len(res.rejected)} refusée(s) sur {res.rows} ligne(s)."
              + (f" Pour annuler : record {path} --undo {res.batch}" if res.batch else ""))
        for r in res.rejected[:50]:
            print(f"  - {r.message}", file=sys.stderr)
        if len(res.rejected) > 50:
            print(f"  … et {len(res.rejected) - 50} autres lignes refusées (voir --json).", file=sys.stderr)
    return 1 if res.rejected else 0
