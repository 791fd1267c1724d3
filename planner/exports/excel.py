"""The plan as an Excel workbook (one sheet per kind of session, plus trainers and units) and as CSV.

French headers, frozen header row, filters on every sheet. Identifiers are kept as they are in the
plan (stable ids that can be keyed back into GAIA / SOFIA-FMO). CSV files are UTF-8 with a BOM and
``;`` separators, which French spreadsheet software opens directly.
"""
from __future__ import annotations

import csv
import os
from pathlib import Path

from ..plan import Plan
from ..safecells import csv_safe_row
from ..text import fold
from .common import KIND_ORDER, ROLE_LABELS, UNIT_LABELS, PlanIndex, academie_name, audience_label, kind_label, minutes
from .typography import fr_date
from .xlsx_fast import write_xlsx

SESSION_HEADERS = [
    ("Identifiant de session", 22), ("Étape", 34), ("Intitulé", 28), ("Public", 24), ("Académie", 16),
    ("Département", 12), ("Zone", 6), ("Type d'unité", 15), ("Unité", 14), ("Nom de l'unité", 36),
    ("Commune", 18), ("Adresse", 30), ("Formateur", 16), ("Nom du formateur", 28), ("Date", 12), ("Jour", 26),
    ("Début", 7), ("Fin", 7), ("Durée (min)", 9), ("Participants", 11), ("Fenêtre", 22), ("Groupe", 8),
    ("Fixée", 7),
]
TRAINER_HEADERS = [("Identifiant", 18), ("Nom", 32), ("Rôle", 28), ("Académie", 16), ("Type d'unité", 15),
                   ("Unité", 14), ("Déjà qualifié", 12), ("Formation de formateurs", 22),
                   ("Date de formation", 14), ("Sessions à animer", 14)]
UNIT_HEADERS = [("Type d'unité", 15), ("Identifiant", 14), ("Nom", 36), ("Académie", 16), ("Département", 12),
                ("Zone", 6), ("Type", 10), ("Commune", 18), ("Adresse", 30), ("Bassin", 10), ("Enseignants", 11),
                ("Personnels de direction", 12), ("Inspecteurs", 11), ("Sessions placées", 12),
                ("Enseignants estimés", 12)]
ESTIMABLE = ("circonscription", "ecole", "etablissement")  # units whose teachers may be estimated
SHEET_NAMES = {"tot": "Formation de formateurs", "step1": "Étape 1", "step2": "Étape 2", "step3": "Étape 3",
               "step4": "Étape 4", "step5": "Étape 5", "step6": "Étape 6"}


def _session_records(ix: PlanIndex, sessions) -> list[list]:
    rows = []
    windows: dict[str, str] = {}
    lengths: dict[tuple[str, str], int] = {}
    for s in sessions:
        u = ix.unit(s.unit_type, s.unit_id)
        window = windows.get(s.window)
        if window is None:
            window = windows[s.window] = ix.window_label(s.window)
        length = lengths.get((s.start, s.end))
        if length is None:
            length = lengths[(s.start, s.end)] = minutes(s)
        rows.append([
            s.session_id, kind_label(s.kind), s.title, audience_label(s.audience), academie_name(s.academie),
            s.departement, s.zone, UNIT_LABELS.get(s.unit_type, s.unit_type), s.unit_id, u.name if u else "",
            u.commune if u else "", u.address if u else "", s.trainer_id, ix.trainer_name(s.trainer_id) if s.trainer_id else "",
            s.date, fr_date(s.date), s.start, s.end, length, s.participants, window,
            s.group, "oui" if s.pinned else "non",
        ])
    return rows


def _trainer_records(ix: PlanIndex) -> list[list]:
    rows = []
    for t in sorted(ix.plan.trainers, key=lambda t: (t.role != "fdf", t.trainer_id)):
        tot = ix.tot_of(t)
        rows.append([t.trainer_id, t.name, ROLE_LABELS.get(t.role, t.role), academie_name(t.academie),
                     UNIT_LABELS.get(t.unit_type, t.unit_type), t.unit_id, "oui" if t.qualified else "non",
                     t.tot_session_id, tot.date if tot else None, len(ix.sessions_of_trainer(t.trainer_id))])
    return rows


def _unit_records(ix: PlanIndex) -> list[list]:
    return [[UNIT_LABELS.get(u.unit_type, u.unit_type), u.unit_id, u.name, academie_name(u.academie), u.departement,
             u.zone, u.etab_type, u.commune, u.address, u.bassin, u.teachers, u.perdir, u.inspectors,
             len(ix.sessions_of_unit(u.unit_type, u.unit_id)),
             ("oui" if u.teachers_estimated else "non") if u.unit_type in ESTIMABLE else ""]
            for u in sorted(ix.plan.units, key=lambda u: (u.unit_type, u.unit_id))]


def _sheets(ix: PlanIndex) -> list[tuple[str, list[tuple[str, int]], list[list]]]:
    by_kind: dict[str, list] = {}
    for s in sorted(ix.plan.sessions, key=lambda s: (s.date, s.start, s.unit_type, s.unit_id, s.group, s.session_id)):
        by_kind.setdefault(s.kind, []).append(s)
    kinds = [k for k in KIND_ORDER if k in by_kind] + sorted(k for k in by_kind if k not in KIND_ORDER)
    if not kinds:
        kinds = ["step1"]
    out = [(SHEET_NAMES.get(k, k)[:31], SESSION_HEADERS, _session_records(ix, by_kind.get(k, []))) for k in kinds]
    out.append(("Formateurs", TRAINER_HEADERS, _trainer_records(ix)))
    out.append(("Unités", UNIT_HEADERS, _unit_records(ix)))
    return out


def export_xlsx(plan: Plan | PlanIndex, out_path: str | Path) -> Path:
    """Write the workbook (:mod:`planner.exports.xlsx_fast`: frozen and filtered header, dates as dates,
    formula-like texts as text); returns its path."""
    ix = plan if isinstance(plan, PlanIndex) else PlanIndex.build(plan)
    return write_xlsx(_sheets(ix), out_path)


def _csv_name(title: str) -> str:
    s = fold(title)
    return "".join(c if c.isalnum() else "_" for c in s).strip("_") + ".csv"


def export_csv(plan: Plan | PlanIndex, out_dir: str | Path) -> list[Path]:
    """One CSV per sheet of the workbook (``etape_1.csv``, ``formateurs.csv``…); returns the paths."""
    ix = plan if isinstance(plan, PlanIndex) else PlanIndex.build(plan)
    d = Path(out_dir)
    d.mkdir(parents=True, exist_ok=True)
    paths = []
    for title, headers, rows in _sheets(ix):
        path = d / _csv_name(title)
        tmp = path.with_name(path.name + ".part")
        with open(tmp, "w", encoding="utf-8-sig", newline="") as f:
            w = csv.writer(f, delimiter=";")
            w.writerow([h for h, _ in headers])
            for r in rows:
                w.writerow(csv_safe_row("" if v is None else (v.isoformat() if hasattr(v, "isoformat") else v) for v in r))
        os.replace(tmp, path)
        paths.append(path)
    return paths
