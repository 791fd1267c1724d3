"""A comparison of plans as a document: PDF (figures side by side, moved sessions) or XLSX (same, unabridged)."""
from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from ..compare import FIGURE_LABELS, Comparison, figure_text, figure_value
from ..safecells import xlsx_safe_row
from .common import ExportError, kind_short
from .typography import fr_date_short, safe

PDF_MOVED_LIMIT = 400


def export_comparison(cmp: Comparison, out_path: str | Path) -> Path:
    out = Path(out_path)
    suffix = out.suffix.lower()
    if suffix == ".pdf":
        return comparison_pdf(cmp, out)
    if suffix == ".xlsx":
        return comparison_xlsx(cmp, out)
    raise ExportError(f"{out} : format inconnu (attendu : .pdf ou .xlsx)")


def comparison_pdf(cmp: Comparison, out: Path) -> Path:
    from reportlab.platypus import Paragraph, Spacer

    from .layout import Footer, build_pdf, data_table, styles

    st = styles()
    n = len(cmp.plans)
    story: list = [Paragraph("COMPARAISON DE PLANS", st["overline"]),
                   Paragraph(" · ".join(safe(p.label) for p in cmp.plans), st["title"])]
    srcs = [f"{safe(p.label)} : {safe(p.source)} ({safe(((p.plan.report or {}).get('scenario') or {}).get('name', '—'))})"
            for p in cmp.plans]
    story.append(Paragraph("<br/>".join(srcs), st["muted"]))
    story.append(Spacer(1, 6))
    first = 0.34
    widths = [first] + [(1 - first) / n] * n
    rows = [[Paragraph(safe(label), st["cell"])] + [Paragraph(safe(figure_text(key, f)), st["cellr"])
                                                    for f in cmp.figures]
            for key, label in FIGURE_LABELS.items()]
    story.append(data_table(["Indicateur"] + [p.label for p in cmp.plans], rows, widths))
    notes = [f"« {safe(p.label)} » : coût hors catégories dont le taux est à renseigner "
             f"({safe(', '.join(f['cost_missing_rates']))})." for p, f in zip(cmp.plans, cmp.figures)
             if f["cost_missing_rates"]]
    notes.append("Part formée : enseignants (1er et 2nd degrés) formés à l'étape 1 avant le premier jour des vacances. "
                 "Coût : heures payées × taux de la table des taux (arrêté du 7 mai 2012 par défaut).")
    story.append(Spacer(1, 4))
    story.append(Paragraph("<br/>".join(notes), st["muted"]))
    for d in cmp.diffs:
        story.append(Spacer(1, 10))
        story.append(Paragraph(safe(f"Sessions déplacées de « {d.a} » à « {d.b} »"), st["h2"]))
        story.append(Paragraph(safe(f"{d.counts_fr()}."), st["body"]))
        if d.moved:
            rows = [[Paragraph(safe(x.session_id), st["cell"]), Paragraph(safe(kind_short(x.kind)), st["cell"]),
                     Paragraph(safe(x.unit_id), st["cell"]),
                     Paragraph(safe(f"{fr_date_short(x.date)} {x.start}"), st["cell"]),
                     Paragraph(safe(f"{fr_date_short(y.date)} {y.start}"), st["cell"]),
                     Paragraph(safe(x.trainer_id if x.trainer_id == y.trainer_id else f"{x.trainer_id} → {y.trainer_id}"),
                               st["cell"])]
                    for x, y in d.moved[:PDF_MOVED_LIMIT]]
            story.append(data_table(["Session", "Étape", "Unité", safe(d.a), safe(d.b), "Formateur"], rows,
                                    [0.22, 0.2, 0.12, 0.15, 0.15, 0.16]))
            if len(d.moved) > PDF_MOVED_LIMIT:
                story.append(Paragraph(f"… et {len(d.moved) - PDF_MOVED_LIMIT} autres : la liste complète est dans "
                                       "l'export XLSX (--out comparaison.xlsx).", st["muted"]))
    footer = Footer(plan_name=" / ".join(p.label for p in cmp.plans)[:120], version="", plan_date=None,
                    citation=_citation(cmp), printed=dt.date.today())
    return build_pdf(story, out, footer, title="Comparaison de plans", subject=", ".join(p.label for p in cmp.plans))


def _citation(cmp: Comparison) -> str:
    from ..plan import Plan
    from .common import PlanIndex

    return PlanIndex.build(Plan(report=cmp.plans[0].plan.report)).citation


def comparison_xlsx(cmp: Comparison, out: Path) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    out.parent.mkdir(parents=True, exist_ok=True)
    wb = Workbook()
    ws = wb.active
    ws.title = "Indicateurs"
    ws.append(xlsx_safe_row(ws, ["Indicateur", "Clé"] + [p.label for p in cmp.plans]))
    for key, label in FIGURE_LABELS.items():
        ws.append(xlsx_safe_row(ws, [label, key] + [figure_value(key, f) for f in cmp.figures]))
    ws.append([])
    ws.append(xlsx_safe_row(ws, ["Source", ""] + [p.source for p in cmp.plans]))
    ws.column_dimensions["A"].width = 44
    ws.column_dimensions["B"].width = 26
    for i in range(len(cmp.plans)):
        ws.column_dimensions[chr(ord("C") + i)].width = 22
    for row in ws.iter_rows(min_row=2):
        for c in row:
            if isinstance(c.value, dt.date):
                c.number_format = "DD/MM/YYYY"
            elif isinstance(c.value, float) and str(row[1].value).startswith("share_"):
                c.number_format = "0.0 %"
    for k, d in enumerate(cmp.diffs, 1):
        sh = wb.create_sheet(f"Déplacées {k}"[:31])
        sh.append(xlsx_safe_row(sh, ["Session", "Étape", "Type d'unité", "Unité", f"Date ({d.a})", f"Début ({d.a})",
                                     f"Formateur ({d.a})", f"Date ({d.b})", f"Début ({d.b})", f"Formateur ({d.b})"]))
        for x, y in d.moved:
            sh.append(xlsx_safe_row(sh, [x.session_id, kind_short(x.kind), x.unit_type, x.unit_id, x.date, x.start,
                                         x.trainer_id, y.date, y.start, y.trainer_id]))
        for x in d.only_a:
            sh.append(xlsx_safe_row(sh, [x.session_id, kind_short(x.kind), x.unit_type, x.unit_id, x.date, x.start,
                                         x.trainer_id, None, None, f"absente de « {d.b} »"]))
        for y in d.only_b:
            sh.append(xlsx_safe_row(sh, [y.session_id, kind_short(y.kind), y.unit_type, y.unit_id, None, None,
                                         f"absente de « {d.a} »", y.date, y.start, y.trainer_id]))
        for col in ("E", "H"):
            for c in sh[col][1:]:
                c.number_format = "DD/MM/YYYY"
        sh.freeze_panes = "A2"
    head_font, head_fill = Font(bold=True, color="FFFFFF"), PatternFill("solid", fgColor="1F4E79")
    for sh in wb.worksheets:
        for c in sh[1]:
            c.font, c.fill = head_font, head_fill
    tmp = out.with_name(out.name + ".part")
    wb.save(tmp)
    os.replace(tmp, out)
    return out
