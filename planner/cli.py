"""Headless commands of the domain core (no Qt, no solver): ``demand``, ``record``, ``compare``.

Each prints its result (``--json``: one JSON document on stdout) and returns the exit code; a French
« Erreur : … » on stderr and code 2 for what cannot be done (:func:`planner.errors.fail`)."""
from __future__ import annotations

import json
import sys

from .demand import compute_demand, demand_table
from .errors import fail
from .scenario_io import ScenarioError, load_scenario


def show(args, data: dict, text: str) -> None:
    """The command's result on stdout: ``data`` as one JSON document with ``--json``, else the French ``text``."""
    print(json.dumps(data, ensure_ascii=False, indent=1) if args.json else text)


def run_demand(args) -> int:
    from .overrides import OverrideError, apply_overrides

    try:
        sc = load_scenario(args.scenario)
        if getattr(args, "overrides", None):
            sc = sc.model_copy(update={"settings": apply_overrides(sc.settings, args.overrides)})
    except (ScenarioError, OverrideError) as exc:
        return fail(exc)
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
        return fail(f"{path} : fichier de scénario introuvable")
    try:
        today = dt.date.fromisoformat(args.today) if args.today else dt.date.today()
    except ValueError:
        return fail(f"--today « {args.today} » : date attendue (AAAA-MM-JJ)")
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
                return fail("--from FICHIER est obligatoire (CSV ou XLSX : session_id, statut, date, presents, noms)")
            res = record_file(st, args.from_file, today=today, strict=args.strict)
    except (RecordError, StoreError) as exc:
        return fail(exc)
    except OSError as exc:
        return fail(f"{exc.filename or args.from_file} : {exc.strerror or exc}")
    done = "Rien n'est enregistré (--strict)" if args.strict and res.rejected else "Enregistré"
    show(args, res.to_json(),
         f"{done} : {res.held} session(s) tenue(s), {res.cancelled} annulée(s), {res.planned} remise(s) en "
         f"« prévue » ; {res.unchanged} inchangée(s), {res.skipped} ligne(s) sans statut, "
         f"{len(res.rejected)} refusée(s) sur {res.rows} ligne(s)."
         + (f" Pour annuler : record {path} --undo {res.batch}" if res.batch else ""))
    if not args.json:
        for r in res.rejected[:50]:
            print(f"  - {r.message}", file=sys.stderr)
        if len(res.rejected) > 50:
            print(f"  … et {len(res.rejected) - 50} autres lignes refusées (voir --json).", file=sys.stderr)
    return 1 if res.rejected else 0


def run_compare(args) -> int:
    """``compare PLAN_A PLAN_B [...] [--json] [--out comparaison.pdf|xlsx]`` (:mod:`planner.compare`)."""
    from collections import Counter

    from .compare import CompareError, compare_plans, load_plan_spec
    from .plan import PlanError
    from .store import StoreError

    try:
        plans = [load_plan_spec(s) for s in args.plans]
        seen: Counter = Counter()
        for p in plans:  # two folders with the same name: make labels unique
            seen[p.label] += 1
            if seen[p.label] > 1:
                p.label = f"{p.label} ({seen[p.label]})"
        cmp = compare_plans(plans, sessions=not args.no_sessions)
        if args.out:
            from .exports.comparison import export_comparison
            from .exports.common import ExportError

            try:
                path = export_comparison(cmp, args.out)
            except ExportError as exc:
                return fail(exc)
            print(f"Comparaison écrite : {path}", file=sys.stderr if args.json else sys.stdout)
    except (CompareError, PlanError, ScenarioError, StoreError) as exc:
        return fail(exc)
    except OSError as exc:
        return fail(f"écriture impossible ({exc.strerror or exc} : {exc.filename or args.out}).")
    show(args, cmp.to_json(), cmp.text_fr())
    return 0
