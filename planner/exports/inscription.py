"""Enrolment hand-off: one row per session, for an académie's training-management system (GAIA/SOFIA-type
modules and sessions). The format is documented in ``docs/inscription.md``.

Ids are the plan's ``session_id`` (stable: the same scenario, settings and seed give the same ids) and
a module id derived from the step (and the brique for step 5). Venue and attendees come from the plan
when it has them (``venue``, ``venue_address``, ``attendees`` columns of sessions.csv), else the unit's
own address and the unit itself; for train-the-trainer sessions, the trainees' home units.
"""
from __future__ import annotations

import csv
import os
import re
from pathlib import Path

from ..plan import Plan
from ..safecells import csv_safe_row, xlsx_safe_row
from .common import UNIT_LABELS, ExportError, PlanIndex, academie_name, audience_label, kind_label, minutes, step_number

COLUMNS = [
    ("id_session", "Identifiant de la session (stable)"),
    ("id_module", "Identifiant du module (étape, brique)"),
    ("module", "Intitulé du module"),
    ("etape", "Étape (0 : formation de formateurs)"),
    ("brique", "Brique d'approfondissement (étape 5)"),
    ("groupe", "Numéro du groupe dans l'unité"),
    ("date", "Date (AAAA-MM-JJ)"),
    ("heure_debut", "Heure de début (HH:MM)"),
    ("heure_fin", "Heure de fin (HH:MM)"),
    ("duree_minutes", "Durée (minutes)"),
    ("academie", "Code académie"),
    ("academie_nom", "Académie"),
    ("departement", "Code département"),
    ("type_unite", "Type d'unité organisatrice"),
    ("id_unite", "Unité organisatrice (UAI, circonscription, bassin, département)"),
    ("nom_unite", "Nom de l'unité organisatrice"),
    ("lieu", "Lieu de la session"),
    ("lieu_adresse", "Adresse du lieu"),
    ("id_formateur", "Identifiant du formateur"),
    ("formateur", "Nom du formateur"),
    ("capacite", "Capacité (places)"),
    ("inscrits_prevus", "Participants prévus"),
    ("public", "Public"),
    ("unites_stagiaires", "Unités des stagiaires (identifiant:effectif, séparés par « ; »)"),
    ("fenetre", "Fenêtre"),
]
MODULE_IDS = {"tot": "IA-FDF", "step1": "IA-E1", "step2": "IA-E2", "step3": "IA-E3", "step4": "IA-E4",
              "step5": "IA-E5", "step6": "IA-E6"}


def _brique_id(title: str) -> str:
    m = re.search(r"\b([A-Z]\d{2,})\b", title or "")  # « Brique B05 — … » → B05
    if m:
        return m.group(1)
    slug = re.sub(r"[^A-Za-z0-9]+", "-", title or "").strip("-").upper()
    return slug[:24]


def inscription_rows(plan: Plan | PlanIndex, academie: str | None = None) -> list[dict]:
    ix = plan if isinstance(plan, PlanIndex) else PlanIndex.build(plan)
    sessions = [s for s in ix.plan.sessions if academie is None or s.academie == academie]
    sessions.sort(key=lambda s: (s.date, s.start, s.session_id))
    group_size = ix.group_size
    tot_trainees: dict[str, list[str]] = {}
    for tid, rows in ix.trainees_of_tot.items():
        tot_trainees[tid] = [f"{t.unit_id}:1" for t in rows]
    out = []
    for s in sessions:
        u = ix.unit(s.unit_type, s.unit_id)
        venue = getattr(s, "venue", "") or ""
        venue_address = getattr(s, "venue_address", "") or ""
        if not venue:
            venue = u.name if u and u.name else ix.location(s.unit_type, s.unit_id)
            venue_address = ix.location(s.unit_type, s.unit_id) if u and (u.address or u.commune) else venue_address
        attendees = getattr(s, "attendees", "") or ""
        if not attendees:
            if s.kind == "tot":
                attendees = ";".join(_merge(tot_trainees.get(s.session_id, [])))
            elif s.unit_type in ("etablissement", "circonscription", "bassin", "departement"):
                attendees = f"{s.unit_id}:{s.participants}"
        step = step_number(s.kind)
        brique = s.title if s.kind == "step5" else ""
        module_id = MODULE_IDS.get(s.kind, s.kind.upper())
        if brique:
            module_id += "-" + _brique_id(brique)
        out.append({
            "id_session": s.session_id, "id_module": module_id,
            "module": kind_label(s.kind) + (f" — {brique}" if brique else ""),
            "etape": 0 if s.kind == "tot" else (step or ""), "brique": brique, "groupe": s.group or "",
            "date": s.date.isoformat(), "heure_debut": s.start, "heure_fin": s.end, "duree_minutes": minutes(s),
            "academie": s.academie, "academie_nom": academie_name(s.academie), "departement": s.departement,
            "type_unite": UNIT_LABELS.get(s.unit_type, s.unit_type), "id_unite": s.unit_id,
            "nom_unite": u.name if u else "", "lieu": venue, "lieu_adresse": venue_address,
            "id_formateur": s.trainer_id, "formateur": ix.trainer_name(s.trainer_id) if s.trainer_id else "",
            "capacite": max(group_size, s.participants), "inscrits_prevus": s.participants,
            "public": audience_label(s.audience), "unites_stagiaires": attendees, "fenetre": ix.window_label(s.window),
        })
    return out


def _merge(parts: list[str]) -> list[str]:
    counts: dict[str, int] = {}
    for p in parts:
        uid, _, n = p.rpartition(":")
        counts[uid] = counts.get(uid, 0) + int(n or 1)
    return [f"{k}:{v}" for k, v in sorted(counts.items())]


def export_inscription(plan: Plan | PlanIndex, out_path: str | Path, academie: str | None = None,
                       fmt: str | None = None) -> Path:
    """Write the enrolment file (``fmt`` csv or xlsx; by default from the file's suffix)."""
    out = Path(out_path)
    fmt = (fmt or out.suffix.lstrip(".") or "csv").lower()
    rows = inscription_rows(plan, academie)
    if not rows:
        raise ExportError("aucune session à inscrire" + (f" pour l'académie {academie}" if academie else "") + ".")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    keys = [k for k, _ in COLUMNS]
    if fmt == "csv":
        with open(tmp, "w", encoding="utf-8-sig", newline="") as f:
            w = csv.writer(f, delimiter=";")
            w.writerow(keys)
            for r in rows:
                w.writerow(csv_safe_row(r[k] for k in keys))
    elif fmt == "xlsx":
        from openpyxl import Workbook
        from openpyxl.styles import Font, PatternFill

        from openpyxl.cell import WriteOnlyCell
        from openpyxl.utils import get_column_letter

        wb = Workbook(write_only=True)  # 16,000 rows for one académie: streamed
        ws = wb.create_sheet("Sessions")
        ws.freeze_panes = "A2"
        head = []
        for k in keys:
            c = WriteOnlyCell(ws, value=k)
            c.font, c.fill = Font(bold=True, color="FFFFFF"), PatternFill("solid", fgColor="1F4E79")
            head.append(c)
        ws.append(head)
        for r in rows:
            ws.append(xlsx_safe_row(ws, [r[k] for k in keys]))
        ws.auto_filter.ref = f"A1:{get_column_letter(len(keys))}{len(rows) + 1}"
        doc = wb.create_sheet("Format")
        doc.append(["Colonne", "Contenu"])
        for k, label in COLUMNS:
            doc.append([k, label])
        wb.save(tmp)
    else:
        raise ExportError(f"format « {fmt} » non disponible pour l'export d'inscription (csv ou xlsx).")
    os.replace(tmp, out)
    return out


__all__ = ["COLUMNS", "export_inscription", "inscription_rows"]
