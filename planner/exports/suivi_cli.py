"""``export SOURCE --kind suivi|bilan``: the record template of a unit or a trainer, and the « Bilan de suivi ».

SOURCE is a plan folder (statuses read from the ``status`` / ``present`` / ``held_date`` columns of
``sessions.csv``) or a scenario file (its current plan and the statuses recorded in it).
"""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from ..followup import ProgressReport, progress
from ..plan import Plan
from .common import ExportError, academie_name


def _fail(msg: str) -> int:
    print(f"Erreur : {msg}", file=sys.stderr)
    return 2


def load_source(src: Path) -> tuple[Plan, set[str] | None]:
    """(plan with statuses, sessions ever cancelled — None for a plan folder)."""
    if src.is_dir():
        return Plan.read(src), None
    if not src.is_file():
        raise ExportError(f"{src} : ni dossier de plan ni fichier de scénario")
    from ..followup import ever_cancelled, has_current_plan, load_current_plan
    from ..store import ScenarioStore

    with ScenarioStore(src, create=False) as st:
        if not has_current_plan(st):
            raise ExportError(f"{src} : le scénario n'a pas de plan courant (lancez « solve --scenario {src} »)")
        return load_current_plan(st), ever_cancelled(st)


def progress_of(plan: Plan, as_of: dt.date, cancelled: set[str] | None) -> ProgressReport:
    return progress(plan, as_of, None, cancelled)


def run_followup_export(args, kind: str, fmt: str) -> int:
    src = Path(args.plan_dir)
    plan, cancelled = load_source(src)
    raw = getattr(args, "as_of", None)  # a date already when main.py read it (AAAA-MM-JJ or JJ/MM/AAAA)
    try:
        as_of = raw if isinstance(raw, dt.date) else dt.date.fromisoformat(raw) if raw else dt.date.today()
    except ValueError:
        return _fail(f"--as-of « {raw} » : date attendue (AAAA-MM-JJ ou JJ/MM/AAAA)")
    out = Path(args.out)
    if kind == "suivi":
        from .suivi import export_record_template

        if fmt not in ("csv", "xlsx"):
            return _fail("la fiche de suivi s'écrit en CSV ou en XLSX : --out fiche.csv ou fiche.xlsx")
        if not args.id:
            return _fail("--id est obligatoire pour « suivi » (UAI, circonscription, bassin, département ou formateur).")
        if out.suffix.lower() != f".{fmt}":
            out = out.with_suffix(f".{fmt}")
        if any(t.trainer_id == args.id for t in plan.trainers):
            path = export_record_template(plan, out, trainer_id=args.id)
        else:
            unit = next(((u.unit_type, u.unit_id) for u in plan.units if u.unit_id == args.id), None)
            unit = unit or next(((s.unit_type, s.unit_id) for s in plan.sessions if s.unit_id == args.id), None)
            if unit is None:
                return _fail(f"{args.id} : ni unité ni formateur du plan ({src}).")
            path = export_record_template(plan, out, unit=unit)
        print(f"Fiche de suivi écrite : {path} (à remplir puis « record SCENARIO --from {path.name} »)")
        return 0
    if fmt not in ("pdf", "xlsx"):
        return _fail("le bilan de suivi s'écrit en PDF ou en XLSX (--format pdf|xlsx).")
    code = None
    if getattr(args, "academie", None):
        from .common import resolve_academie

        code = resolve_academie(args.academie)
        if code is None:
            return _fail(f"académie « {args.academie} » inconnue (code à deux chiffres, ex. 16, ou nom, ex. Toulouse).")
    codes = sorted({s.academie for s in plan.sessions})
    if code is None and len(codes) == 1:
        code = codes[0]
    if code is not None:
        ids = {s.session_id for s in plan.sessions if s.academie == code}
        plan = Plan(sessions=[s for s in plan.sessions if s.academie == code],
                    trainers=[t for t in plan.trainers if t.academie == code],
                    units=[u for u in plan.units if u.academie == code], report=plan.report)
        cancelled = cancelled & ids if cancelled is not None else None
        if not plan.sessions:
            return _fail(f"aucune session de l'académie {code} dans {src}.")
    title = f"Académie de {academie_name(code)}" if code else "France entière"
    rep = progress_of(plan, as_of, cancelled)
    if fmt == "pdf":
        from .suivi import export_bilan_pdf

        path = export_bilan_pdf(plan, rep, out, title)
    else:
        from .suivi import export_bilan_xlsx

        path = export_bilan_xlsx(plan, rep, out, title)
    n = rep.nation
    print(f"Bilan de suivi écrit : {path} — {n.held} session(s) tenue(s), {rep.cancelled_total} annulée(s), "
          f"{n.late} en retard ; {n.trained} personne(s) formée(s) sur {n.people}.")
    return 0
