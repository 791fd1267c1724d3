"""``python main.py export DOSSIER --kind … --out …``: printed plans and other exports from the command line.

Exit codes: 0 done, 2 user error (unknown id, missing argument, unreadable plan) with a French
message on stderr, never a traceback.
"""
from __future__ import annotations

import time
from pathlib import Path

from ..errors import fail as _fail
from ..plan import Plan, PlanError
from .common import UNIT_LABELS, ExportError, PlanIndex, academie_name, resolve_academie

UNIT_KINDS = ("etablissement", "circonscription")
BATCH = ("all-etablissements", "all-circonscriptions")
FORMATS_BY_KIND = {
    "etablissement": ("pdf", "ics", "xlsx", "csv"),
    "circonscription": ("pdf", "ics", "xlsx", "csv"),
    "trainer": ("pdf", "ics", "xlsx", "csv"),
    "academie": ("pdf", "xlsx", "csv", "ics"),
    "all-etablissements": ("pdf",),
    "all-circonscriptions": ("pdf",),
    "charte": ("pdf",),
    "inscription": ("csv", "xlsx"),
    "observatoire": ("csv", "pdf"),
    "suivi": ("csv", "xlsx"),
    "bilan": ("pdf", "xlsx"),
}
KIND_FR = {"etablissement": "établissement", "circonscription": "circonscription", "trainer": "formateur",
           "academie": "académie", "all-etablissements": "tous les établissements",
           "all-circonscriptions": "toutes les circonscriptions", "charte": "charte (squelette)",
           "inscription": "inscription (sessions)", "observatoire": "observatoire (déclarations)",
           "suivi": "fiche de suivi (sessions tenues, présents)", "bilan": "bilan de suivi"}


def subset(plan: Plan, academie: str | None = None, unit: tuple[str, str] | None = None,
           trainer_id: str | None = None) -> Plan:
    """The part of a plan an export is about (sessions, their trainers and units)."""
    ss = plan.sessions
    if academie:
        ss = [s for s in ss if s.academie == academie]
    if unit:
        ss = [s for s in ss if (s.unit_type, s.unit_id) == unit]
    if trainer_id:
        ss = [s for s in ss if s.trainer_id == trainer_id]
    keys = {(s.unit_type, s.unit_id) for s in ss}
    tids = {s.trainer_id for s in ss}
    units = [u for u in plan.units if (u.unit_type, u.unit_id) in keys or
             (academie and not unit and not trainer_id and u.academie == academie) or (unit and (u.unit_type, u.unit_id) == unit)]
    trainers = [t for t in plan.trainers if t.trainer_id in tids or t.trainer_id == trainer_id or
                (unit and (t.unit_type, t.unit_id) == unit) or
                (academie and not unit and not trainer_id and t.academie == academie)]
    return Plan(sessions=list(ss), trainers=trainers, units=units, report=plan.report)


def run_export(args) -> int:
    kind, fmt = args.kind, args.format
    try:
        return _run(args, kind, fmt)
    except (ExportError, PlanError) as exc:
        return _fail(str(exc))
    except KeyboardInterrupt:
        return _fail("export interrompu.")
    except OSError as exc:
        return _fail(f"écriture impossible ({exc.strerror or exc} : {exc.filename or args.out}).")


def _run(args, kind: str, fmt: str) -> int:
    plan_dir = Path(args.plan_dir)
    if kind in ("suivi", "bilan"):
        fmt = Path(args.out).suffix.lower().lstrip(".") if args.format == "pdf" and kind == "suivi" else fmt
        from .suivi_cli import run_followup_export

        return run_followup_export(args, kind, fmt)
    if not plan_dir.is_dir():
        return _fail(f"dossier de plan introuvable : {plan_dir}")
    if fmt not in FORMATS_BY_KIND.get(kind, ()):
        allowed = ", ".join(FORMATS_BY_KIND.get(kind, ()))
        return _fail(f"le format « {fmt} » n'est pas disponible pour « {KIND_FR.get(kind, kind)} » "
                     f"(formats possibles : {allowed}).")
    academie = None
    if getattr(args, "academie", None):
        academie = resolve_academie(args.academie)
        if academie is None:
            return _fail(f"académie « {args.academie} » inconnue (code à deux chiffres, ex. 16, ou nom, ex. Toulouse).")
    out = Path(args.out)
    t0 = time.perf_counter()

    if kind in BATCH:
        from .batch import export_batch, last_batch_stats, stderr_progress

        if out.suffix.lower() == ".pdf":
            return _fail(f"--out doit être un dossier pour « {KIND_FR[kind]} » (un PDF par unité), pas {out}.")
        paths = export_batch(plan_dir, kind, out, academie=academie, workers=args.workers, merged=args.merged,
                             progress=stderr_progress("Plans PDF"))
        stats = last_batch_stats()
        dt_ = time.perf_counter() - t0
        print(f"{stats.get('files', len(paths))} plans PDF ({stats.get('pages', 0)} pages) écrits dans {out} "
              f"en {dt_:.1f} s" + (f" ; fusion : {paths[-1]}" if args.merged else ""))
        return 0

    plan = Plan.read(plan_dir)
    ident = args.id
    if kind in ("inscription", "observatoire"):
        return _handoff(plan, kind, fmt, academie, ident, out, t0)
    if kind == "academie":
        code = academie or (resolve_academie(ident) if ident else None)
        if ident and code is None:
            return _fail(f"académie « {ident} » inconnue (code à deux chiffres, ex. 16, ou nom, ex. Toulouse).")
        if code is None:
            codes = sorted({s.academie for s in plan.sessions})
            if len(codes) != 1:
                return _fail("précisez l'académie avec --id ou --academie (le plan en contient plusieurs).")
            code = codes[0]
        if fmt == "pdf":
            from .pdf import export_academie_pdf

            path = export_academie_pdf(plan, code, out)
        else:
            part = subset(plan, academie=code)
            if not part.sessions and not part.units:
                raise ExportError(f"Académie {code} introuvable dans le plan « {PlanIndex.build(plan).plan_name} ».")
            path = _other_format(part, fmt, out)
        print(f"Export de l'académie de {academie_name(code)} écrit : {path}")
        return 0

    if not ident:
        return _fail(f"--id est obligatoire pour « {KIND_FR.get(kind, kind)} » "
                     "(UAI d'établissement, identifiant de circonscription ou de formateur).")
    ix = PlanIndex.build(plan)
    if kind == "charte":  # the unit's charter skeleton (step 3), from the plan's unit name
        u = ix.unit("etablissement", ident) or ix.unit("circonscription", ident)
        if u is None:
            raise ExportError(f"Unité {ident} introuvable dans le plan « {ix.plan_name} » ({plan_dir}).")
        from ..charter import write_charter_skeleton

        path = write_charter_skeleton(u.name, ident, out)
        print(f"Squelette de charte écrit : {path}")
        return 0
    if kind in UNIT_KINDS:
        unit = (kind, ident)
        if ix.unit(*unit) is None and not ix.sessions_of_unit(*unit):
            label = UNIT_LABELS[kind]
            raise ExportError(f"{label} {ident} introuvable dans le plan « {ix.plan_name} » ({plan_dir}).")
        if fmt == "pdf":
            from .pdf import export_unit_pdf

            path = export_unit_pdf(ix, kind, ident, out)
        elif fmt == "ics":
            from .ics import export_ics

            path = export_ics(ix, out, unit=unit)
        else:
            path = _other_format(subset(plan, unit=unit), fmt, out)
    else:  # trainer
        if ident not in ix.trainers and not ix.sessions_of_trainer(ident):
            raise ExportError(f"Formateur {ident} introuvable dans le plan « {ix.plan_name} » ({plan_dir}).")
        if fmt == "pdf":
            from .pdf import export_trainer_pdf

            path = export_trainer_pdf(ix, ident, out)
        elif fmt == "ics":
            from .ics import export_ics

            path = export_ics(ix, out, trainer_id=ident)
        else:
            path = _other_format(subset(plan, trainer_id=ident), fmt, out)
    print(f"Export écrit : {path} ({time.perf_counter() - t0:.2f} s)")
    return 0


def _other_format(plan: Plan, fmt: str, out: Path):
    if fmt == "xlsx":
        from .excel import export_xlsx

        return export_xlsx(plan, out)
    if fmt == "csv":
        from .excel import export_csv

        paths = export_csv(plan, out)
        return f"{out} ({len(paths)} fichiers CSV)"
    if fmt == "ics":
        from .ics import export_ics

        return export_ics(plan, out)
    raise ExportError(f"format « {fmt} » inconnu.")


def _handoff(plan: Plan, kind: str, fmt: str, academie: str | None, ident: str | None, out: Path, t0: float) -> int:
    """Enrolment rows and observatoire declarations (planner/exports/inscription.py, observatoire.py)."""
    if academie and not any(s.academie == academie for s in plan.sessions):
        raise ExportError(f"Académie {academie} introuvable dans le plan « {PlanIndex.build(plan).plan_name} ».")
    if kind == "inscription":
        from .inscription import export_inscription

        path = export_inscription(plan, out, academie=academie, fmt=fmt)
        n = sum(1 for s in plan.sessions if academie is None or s.academie == academie)
        print(f"Export d'inscription écrit : {path} ({n} sessions, {time.perf_counter() - t0:.2f} s)")
        return 0
    from .observatoire import declarations, export_observatoire_csv, export_observatoire_pdf

    if fmt == "pdf":
        if not ident:
            return _fail("--id est obligatoire pour la déclaration PDF (UAI d'établissement ou identifiant de "
                         "circonscription) ; --format csv pour toutes les unités.")
        ix = PlanIndex.build(plan)
        unit_type = "etablissement" if ix.unit("etablissement", ident) else "circonscription"
        path = export_observatoire_pdf(ix, unit_type, ident, out)
        print(f"Déclaration pré-remplie écrite : {path}")
        return 0
    path = export_observatoire_csv(plan, out, academie=academie)
    print(f"Déclarations pré-remplies écrites : {path} ({len(declarations(plan, academie))} unités ; porteur, "
          "courriel, nombre d'élèves et certifications à compléter)")
    return 0
