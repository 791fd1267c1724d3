"""Pre-filled declarations for the observatoire national des usages pédagogiques avec l'IA (IH2EF form
« Déclaration d'un usage pédagogique ou d'une expérimentation avec l'IA »): one per établissement and
per circonscription of the plan. CSV for all, PDF for one.

What the plan knows is filled (nom de l'action, UAI, périmètre, description, enseignants concernés,
typologie, entités de suivi, indicateurs, format du bilan, dates); what only a person can state
(porteur, courriel, certifications, nombre d'élèves concernés) is left empty and listed in
``champs_a_completer``.
"""
from __future__ import annotations

import csv
import os
from pathlib import Path

from ..plan import Plan
from ..safecells import csv_safe_row
from .common import UNIT_LABELS, ExportError, PlanIndex, academie_name, kind_short, minutes, step_number
from .typography import fr_date, fr_date_short, safe

TO_FILL = "À COMPLÉTER"
FIELDS = [  # (key, label of the national form, required, filled by the planner)
    ("nom_action", "Nom de l'action / usage IA", True, True),
    ("code_uai", "Code UAI de l'école ou de l'établissement principal (rectorat, circonscription ou bassin possibles)",
     True, True),
    ("uai_autres", "UAI des autres unités participantes", False, True),
    ("perimetre", "Périmètre de l'action", False, True),
    ("porteur_nom", "Nom et prénom du porteur", True, False),
    ("porteur_courriel", "Courriel du porteur", True, False),
    ("description", "Description", True, True),
    ("niveau_classe", "Niveau de la classe", False, True),
    ("lien_presentation", "Lien de présentation", False, False),
    ("nombre_eleves", "Nombre d'élèves concernés", True, False),
    ("nombre_enseignants", "Nombre d'enseignants concernés (formations)", False, True),
    ("entites_suivi", "Entités de suivi", False, True),
    ("typologie", "Typologie d'usage", True, True),
    ("outils_ia", "Outils / services d'IA utilisés", False, False),
    ("lien_recherche", "Lien avec la recherche", False, False),
    ("indicateurs", "Indicateurs / observables", True, True),
    ("format_bilan", "Format du bilan", False, True),
    ("date_debut", "Date de début", False, True),
    ("date_fin", "Date de fin", False, True),
    ("certif_hierarchie", "Certification : la hiérarchie est informée", True, False),
    ("certif_cadre_usage", "Certification : conforme au cadre d'usage de l'IA en éducation", True, False),
    ("certif_referentiels", "Certification : conforme aux référentiels disciplinaires", True, False),
]
HUMAN = [k for k, _, _, filled in FIELDS if not filled]
HUMAN_REQUIRED = [k for k, _, req, filled in FIELDS if req and not filled]
LABELS = {k: lab for k, lab, *_ in FIELDS}


def _description(ix: PlanIndex, unit_type: str, unit_id: str) -> str:
    sessions = ix.sessions_of_unit(unit_type, unit_id)
    by_kind: dict[str, list] = {}
    for s in sessions:
        by_kind.setdefault(s.kind, []).append(s)
    parts = ["Déploiement de la formation à l'IA générative (feuille de route IGÉSR 2025)."]
    for kind in sorted(by_kind, key=lambda k: step_number(k) or 0):
        ss = by_kind[kind]
        first, last = min(s.date for s in ss), max(s.date for s in ss)
        hours = sum(minutes(s) for s in ss) / 60
        when = fr_date_short(first) if first == last else f"du {fr_date_short(first)} au {fr_date_short(last)}"
        line = f"Étape {step_number(kind)} — {kind_short(kind)} : {len(ss)} séance(s), {hours:g} h, {when}"
        if kind == "step1":
            line += f", {sum(s.participants for s in ss)} participant(s) en groupes de {ix.group_size} au plus"
        if kind == "step5":
            titles = sorted({s.title for s in ss if s.title})
            if titles:
                line += " (" + " ; ".join(titles[:6]) + (" ; …" if len(titles) > 6 else "") + ")"
        parts.append(line + ".")
    return " ".join(parts)


def declaration(ix: PlanIndex, unit_type: str, unit_id: str) -> dict:
    u = ix.unit(unit_type, unit_id)
    if u is None:
        raise ExportError(f"{UNIT_LABELS.get(unit_type, unit_type)} {unit_id} introuvable dans le plan « {ix.plan_name} ».")
    sessions = ix.sessions_of_unit(unit_type, unit_id)
    dates = [s.date for s in sessions]
    circ = unit_type == "circonscription"
    row = {
        "unit_type": unit_type,
        "nom_action": f"Formation des {'enseignants des écoles' if circ else 'équipes'} à l'IA générative — {u.name}",
        "code_uai": u.unit_id,
        "uai_autres": "",
        "perimetre": ("Circonscription (écoles de la circonscription)" if circ else "Établissement"),
        "porteur_nom": "", "porteur_courriel": "",
        "description": _description(ix, unit_type, unit_id),
        "niveau_classe": "Sans objet (formation des enseignants)",
        "lien_presentation": "",
        "nombre_eleves": "",
        "nombre_enseignants": u.teachers,
        "entites_suivi": "DSDEN ; Inspection ; DRANE" if circ else "Rectorat ; DRANE",
        "typologie": "Formation des enseignants",
        "outils_ia": "", "lien_recherche": "",
        "indicateurs": "Littératie & esprit critique vis-à-vis de l'IA",
        "format_bilan": "Fiche projet (1 page)",
        "date_debut": min(dates).isoformat() if dates else "",
        "date_fin": max(dates).isoformat() if dates else "",
        "certif_hierarchie": "", "certif_cadre_usage": "", "certif_referentiels": "",
        "academie": u.academie, "departement": u.departement,
        "champs_a_completer": " ; ".join(LABELS[k] for k in HUMAN_REQUIRED),
    }
    return row


def declarations(plan: Plan | PlanIndex, academie: str | None = None) -> list[dict]:
    ix = plan if isinstance(plan, PlanIndex) else PlanIndex.build(plan)
    out = []
    for unit_type in ("etablissement", "circonscription"):
        for u in ix.units_of(unit_type, academie):
            out.append(declaration(ix, unit_type, u.unit_id))
    return out


CSV_KEYS = ["academie", "departement", "unit_type"] + [k for k, *_ in FIELDS] + ["champs_a_completer"]


def export_observatoire_csv(plan: Plan | PlanIndex, out_path: str | Path, academie: str | None = None) -> Path:
    rows = declarations(plan, academie)
    if not rows:
        raise ExportError("aucun établissement ni circonscription dans le plan"
                          + (f" pour l'académie {academie}" if academie else "") + ".")
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    labels = {k: lab + (" *" if req else "") + ("" if filled else f" [{TO_FILL}]") for k, lab, req, filled in FIELDS}
    with open(tmp, "w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f, delimiter=";")
        w.writerow(csv_safe_row([labels.get(k, {"academie": "Académie", "departement": "Département",
                                                "unit_type": "Type d'unité",
                                                "champs_a_completer": "Champs à compléter par une personne"}.get(k, k))
                                 for k in CSV_KEYS]))
        for r in rows:
            w.writerow(csv_safe_row(r.get(k, "") for k in CSV_KEYS))
    os.replace(tmp, out)
    return out


def export_observatoire_pdf(plan: Plan | PlanIndex, unit_type: str, unit_id: str, out_path: str | Path) -> Path:
    from reportlab.platypus import Paragraph, Spacer

    from .layout import build_pdf, data_table, styles
    from .pdf import footer_of

    ix = plan if isinstance(plan, PlanIndex) else PlanIndex.build(plan)
    d = declaration(ix, unit_type, unit_id)
    st = styles()
    story = [Paragraph("OBSERVATOIRE NATIONAL DES USAGES PÉDAGOGIQUES AVEC L'IA", st["overline"]),
             Paragraph("Déclaration pré-remplie", st["title"]),
             Paragraph(safe(f"{UNIT_LABELS.get(unit_type, unit_type)} {unit_id} — académie de "
                            f"{academie_name(d['academie'])}. Les champs marqués « {TO_FILL} » ne peuvent être "
                            "remplis que par le porteur ; * : champ obligatoire du formulaire national."), st["muted"]),
             Spacer(1, 6)]
    rows = []
    for k, label, req, filled in FIELDS:
        v = d.get(k, "")
        if k.startswith("date_") and v:
            import datetime as dt

            v = fr_date(dt.date.fromisoformat(v))
        shown = safe(v) if v not in ("", None) else (f"<b>{TO_FILL}</b>" if not filled else "—")
        rows.append([Paragraph(safe(label + (" *" if req else "")), st["cell"]), Paragraph(shown, st["cell"])])
    story.append(data_table(["Champ du formulaire", "Valeur"], rows, [0.36, 0.64]))
    return build_pdf(story, out_path, footer_of(ix), title=f"Déclaration observatoire — {unit_id}", subject=unit_id)


__all__ = ["FIELDS", "HUMAN", "declaration", "declarations", "export_observatoire_csv", "export_observatoire_pdf"]
