"""The budget section of the académie PDF: hours and euros per category, the envelope and the report's figure."""
from __future__ import annotations

from reportlab.platypus import CondPageBreak, Paragraph, Spacer

from ..budget import CATEGORIES, CATEGORY_ORDER, REPORT_SESSIONS_PER_ETAB, TO_FILL, budget_of, fr_eur, fr_hours
from .common import PlanIndex
from .layout import data_table, styles
from .typography import safe


def academie_budget_story(ix: PlanIndex, code: str) -> list:
    st = styles()
    b = budget_of(ix.plan)
    row = next((a for a in b["by_academie"] if a["code"] == code), None)
    if row is None:
        return []
    cats = {c["id"]: c for c in b["categories"]}
    rows = []
    for cid in CATEGORY_ORDER:
        h, paid = row["hours"].get(cid, 0), row["paid_hours"].get(cid, 0)
        if not h and not paid:
            continue
        c = cats[cid]
        rate = c["rate_eur"]
        if not CATEGORIES[cid].paid:
            rate_txt, cost_txt = "non payées", "—"
        elif rate is None:
            rate_txt, cost_txt = f"<b>{TO_FILL}</b>", f"<b>{TO_FILL}</b>"
        else:
            rate_txt, cost_txt = safe(f"{rate:g} €/h"), safe(fr_eur(paid * rate))
        rows.append([Paragraph(safe(c["label"]), st["cell"]), Paragraph(safe(c["who"]), st["cell"]),
                     Paragraph(safe(fr_hours(h)), st["cellr"]), Paragraph(safe(fr_hours(paid)), st["cellr"]),
                     Paragraph(rate_txt, st["cellr"]), Paragraph(cost_txt, st["cellr"])])
    rows.append([Paragraph("<b>Total</b>", st["cell"]), Paragraph("", st["cell"]),
                 Paragraph(safe(fr_hours(row["total_hours"])), st["cellr"]),
                 Paragraph(safe(fr_hours(row["total_paid_hours"])), st["cellr"]), Paragraph("", st["cellr"]),
                 Paragraph(f"<b>{safe(fr_eur(row['cost_eur']))}</b>", st["cellr"])])
    out: list = [CondPageBreak(200), Paragraph("Budget : heures et coût", st["h2"]),
                 Paragraph(safe(f"Heures comptées : {b['hours_basis_label']}. Taux : table des taux du scénario "
                                "(par défaut, plancher du barème de l'arrêté du 7 mai 2012, NOR MENF1220270A)."),
                           st["muted"]),
                 data_table(["Catégorie", "Qui forme", "Heures", "Heures payées", "Taux", "Coût"], rows,
                            [0.25, 0.22, 0.11, 0.12, 0.14, 0.16]), Spacer(1, 4)]
    step_h = float(ix.settings.get("step1_minutes") or 60) / 60
    diff = row["difference_hours"]
    verdict = {"dépassement": f"dépassement de {fr_hours(diff)}", "marge": f"marge de {fr_hours(-diff)}",
               "à l'équilibre": "à l'équilibre"}[row["status"]]
    eur = f" ({fr_eur(abs(row['difference_eur']))})" if row.get("difference_eur") else ""
    env_rule = ("saisie par l'utilisateur" if row["envelope_rule"] == "saisie"
                else f"part des {fr_hours(b['envelope']['national_hours'])} nationales au prorata des "
                     f"{row['teachers_2d']:,} enseignants du 2nd degré".replace(",", "\u202f"))
    lines = [
        f"<b>Enveloppe de l'académie : {safe(fr_hours(row['envelope_hours']))}</b> ({safe(env_rule)}) ; heures "
        f"financées (étape 1 du 2nd degré, préparation comprise) : {safe(fr_hours(row['financed_hours']))} — "
        f"<b>{safe(verdict + eur)}</b>.",
        safe(f"Règle du rapport pour l'académie : {row['etablissements']} établissements × {REPORT_SESSIONS_PER_ETAB} "
             f"sessions × {step_h:g} h = {fr_hours(row['etablissements'] * REPORT_SESSIONS_PER_ETAB * step_h)} ; le plan "
             f"compte {fr_hours(row['hours'].get('step1_2d', 0))} : le rapport retient 3 sessions par établissement "
             f"(moyenne arrondie), le plan les groupes réels de chaque établissement (enseignants ÷ {ix.group_size}, "
             "arrondi au groupe supérieur ; un groupe ne mélange jamais deux établissements)."),
    ]
    if row["missing_rates"]:
        lines.append(safe("Coût hors catégories dont le taux est à renseigner : "
                          + ", ".join(CATEGORIES[c].label for c in row["missing_rates"]) + "."))
    out += [Paragraph(x, st["body"]) for x in lines]
    return out


__all__ = ["academie_budget_story"]
