"""Follow-up documents: the record template (« fiche de suivi ») and the « Bilan de suivi » (PDF, XLSX).

- :func:`export_record_template` — one unit's or one trainer's sessions as the CSV / XLSX that
  ``record --from`` reads back (``session_id``, ``statut``, ``date``, ``presents``, ``noms``, then
  columns for the reader: unit, step, slot, trainer, planned participants).
- :func:`export_bilan_pdf` / :func:`export_bilan_xlsx` — planned against held for the académie
  council: key figures, the planned and actual coverage curves, per département and per bassin, and
  the units where nobody has been trained yet.
"""
from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from reportlab.lib import colors
from reportlab.platypus import Paragraph

from ..followup import RECORD_COLUMNS, STATUS_FR, Progress, ProgressReport, coverage_curves
from ..plan import Plan
from ..safecells import csv_safe_row, xlsx_safe_row
from .charts import _add_months, _Chart
from .common import UNIT_LABELS, ExportError, academie_name, departement_names, kind_short
from .layout import ACCENT, FRAME_W, MUTED, RULE, build_pdf, data_table, facts_table, styles
from .typography import FONT, fr_date, fr_int, fr_month, fr_percent, plain, safe

TEMPLATE_INFO = ["unite", "nom_unite", "etape", "jour", "horaire", "formateur", "participants_prevus"]


# ------------------------------------------------------------------ record template
def template_rows(plan: Plan, unit: tuple[str, str] | None = None, trainer_id: str | None = None) -> list[dict]:
    names = {(u.unit_type, u.unit_id): u.name for u in plan.units}
    out = []
    for s in sorted(plan.sessions, key=lambda s: (s.date, s.start, s.session_id)):
        if unit and (s.unit_type, s.unit_id) != unit or trainer_id and s.trainer_id != trainer_id:
            continue
        if s.kind not in ("tot", "step1", "step5"):
            continue  # the sessions that have a sign-in sheet
        held = s.status == "held"
        out.append({"session_id": s.session_id, "statut": STATUS_FR[s.status] if s.status != "planned" else "",
                    "date": (s.held_date or s.date).isoformat(), "presents": s.present if held else "", "noms": "",
                    "unite": s.unit_id, "nom_unite": names.get((s.unit_type, s.unit_id), ""), "etape": kind_short(s.kind),
                    "jour": fr_date(s.date), "horaire": f"{s.start}–{s.end}", "formateur": s.trainer_id,
                    "participants_prevus": s.participants})
    return out


def export_record_template(plan: Plan, out: str | Path, unit: tuple[str, str] | None = None,
                           trainer_id: str | None = None) -> Path:
    rows = template_rows(plan, unit, trainer_id)
    if not rows:
        who = f"formateur {trainer_id}" if trainer_id else f"{UNIT_LABELS.get(unit[0], unit[0])} {unit[1]}" if unit else "plan"
        raise ExportError(f"Aucune session avec feuille d'émargement pour {who}.")
    out = Path(out)
    cols = RECORD_COLUMNS + TEMPLATE_INFO
    if out.suffix.lower() == ".xlsx":
        from openpyxl import Workbook
        from openpyxl.styles import Font, PatternFill
        from openpyxl.worksheet.datavalidation import DataValidation

        wb = Workbook()
        ws = wb.active
        ws.title = "Suivi"
        ws.append(cols)
        for c in ws[1]:
            c.font = Font(bold=True)
            c.fill = PatternFill("solid", fgColor="EEF2F6")
        for r in rows:
            ws.append(xlsx_safe_row(ws, [r[c] for c in cols]))
        dv = DataValidation(type="list", formula1='"tenue,annulée,prévue"', allow_blank=True)
        ws.add_data_validation(dv)
        dv.add(f"B2:B{len(rows) + 1}")
        for col, w in zip("ABCDEFGHIJKL", (22, 10, 12, 9, 30, 12, 30, 12, 26, 12, 16, 10)):
            ws.column_dimensions[col].width = w
        ws.freeze_panes = "A2"
        tmp = out.with_name(out.name + ".tmp")
        wb.save(tmp)
        tmp.replace(out)
        return out
    tmp = out.with_name(out.name + ".tmp")
    with open(tmp, "w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f, delimiter=";")
        w.writerow(cols)
        w.writerows(csv_safe_row([r[c] for c in cols]) for r in rows)
    tmp.replace(out)
    return out


# ------------------------------------------------------------------ chart
class PlannedActual(_Chart):
    """Cumulative people trained: planned (dashed) against actual (solid), share of ``total`` on the right."""

    margins = (44, 30, 20, 10)

    def __init__(self, planned: list[tuple[dt.date, int]], actual: list[tuple[dt.date, int]], total: int,
                 as_of: dt.date | None, width: float, height: float = 150):
        super().__init__(width, height)
        self.planned, self.actual, self.total, self.as_of = planned, actual, max(1, total), as_of

    def draw(self):
        c = self.canv
        left, bottom, w, h = self.area()
        c.rect(left, bottom, w, h, stroke=1, fill=0)
        pts = self.planned + self.actual
        if not pts:
            self.empty(left, bottom, w, h, "Aucune session")
            return
        first = min(d for d, _ in pts)
        last = max([d for d, _ in pts] + ([self.as_of] if self.as_of else []))
        span = max(7, (last - first).days + 7)
        ymax = max(self.total, max(n for _, n in pts))  # the right axis reads 0–100 % of the people to train
        self.y_axis(left, bottom, w, h, ymax, percent_right=ymax == self.total)

        def x_of(d: dt.date) -> float:
            return left + w * (d - first).days / span

        for series, color, dash in ((self.planned, colors.HexColor("#9ec5e8"), (3, 2)), (self.actual, ACCENT, None)):
            if not series:
                continue
            c.setStrokeColor(color)
            c.setLineWidth(1.6)
            c.setDash(*(dash or (1, 0)))
            p = c.beginPath()
            p.moveTo(x_of(series[0][0]), bottom)
            prev = 0
            for d, n in series:
                p.lineTo(x_of(d), bottom + h * prev / ymax)
                p.lineTo(x_of(d), bottom + h * n / ymax)
                prev = n
            p.lineTo(min(left + w, x_of(series[-1][0]) + w * 7 / span), bottom + h * prev / ymax)
            c.drawPath(p, stroke=1, fill=0)
        c.setDash(1, 0)
        if self.as_of:
            x = x_of(self.as_of)
            c.setStrokeColor(colors.HexColor("#c0392b"))
            c.setLineWidth(0.8)
            c.line(x, bottom, x, bottom + h)
            c.setFillColor(colors.HexColor("#c0392b"))
            c.drawString(x + 2, bottom + h - 8, plain(f"au {self.as_of.strftime('%d/%m/%Y')}"))
        c.setFillColor(MUTED)
        c.setStrokeColor(RULE)
        m = _add_months(first.replace(day=1), 1) if first.day > 1 else first
        prev_x = -100
        while m <= last:
            x = x_of(m)
            if x - prev_x > 26:
                c.line(x, bottom, x, bottom - 3)
                c.drawCentredString(x, bottom - 10, plain(fr_month(m, "MMM yy")))
                prev_x = x
            m = _add_months(m, 1)


def planned_actual_chart(plan: Plan, as_of: dt.date | None = None, width: float = FRAME_W) -> PlannedActual:
    planned, actual, total = coverage_curves(plan)
    return PlannedActual(planned, actual, total, as_of, width)


def followup_section(plan: Plan, code: str) -> list:
    """The académie PDF's « Suivi » block (planned and actual coverage), when something was recorded."""
    sessions = [s for s in plan.sessions if s.academie == code]
    if not any(s.status != "planned" for s in sessions):
        return []
    st = styles()
    part = Plan(sessions=sessions, units=[u for u in plan.units if u.academie == code])
    held = [s for s in sessions if s.status == "held" and s.kind == "step1"]
    as_of = max(((s.held_date or s.date) for s in held), default=None)
    pf = (plan.report.get("followup") or {}).get("plan_from")
    if pf:
        as_of = max(as_of or dt.date.min, dt.date.fromisoformat(pf))
    trained = sum(s.present or 0 for s in held)
    cancelled = sum(1 for s in sessions if s.status == "cancelled" and s.kind == "step1")
    return [Paragraph("Suivi : couverture prévue et réalisée", st["h2"]),
            Paragraph(f"{fr_int(len(held))} sessions d'étape 1 tenues ({fr_int(trained)} présents), "
                      f"{fr_int(cancelled)} annulées non replanifiées. Pointillés : cumul prévu ; trait plein : cumul "
                      f"des présents.", st["muted"]),
            planned_actual_chart(part, as_of)]


# ------------------------------------------------------------------ bilan
def _row(p: Progress, label: str) -> list:
    return [label, fr_int(p.units), fr_int(p.units_started), fr_int(p.people), fr_int(p.trained),
            fr_percent(p.share_trained), fr_int(p.planned_sessions), fr_int(p.planned_to_date), fr_int(p.held),
            fr_int(p.cancelled), fr_int(p.late)]


HEAD = ["", "Unités", "Commen\u00adcées", "À former", "Formés", "Part formée", "Sessions prévues",
        "Prévues à date", "Tenues", "Annu\u00adlées", "En retard"]


def bilan_figures(rep: ProgressReport) -> list[tuple[str, int | float]]:
    n = rep.nation
    return [("Sessions d'étape 1 prévues", n.planned_sessions), ("Sessions prévues à date", n.planned_to_date),
            ("Sessions tenues", n.held), ("Sessions annulées", rep.cancelled_total),
            ("Sessions en retard (non saisies)", n.late), ("Personnes à former", n.people),
            ("Personnes formées (présents)", n.trained), ("Unités commencées", n.units_started),
            ("Unités sans aucune session tenue", len(n.untrained_units))]


def export_bilan_pdf(plan: Plan, rep: ProgressReport, out: str | Path, title: str) -> Path:
    st = styles()
    deps = departement_names()
    cells = lambda rows: [[Paragraph(safe(v), st["cell" if i == 0 else "cellr"]) for i, v in enumerate(r)] for r in rows]  # noqa: E731
    widths = [0.2, 0.07, 0.08, 0.09, 0.09, 0.08, 0.08, 0.08, 0.08, 0.08, 0.07]
    story: list = [Paragraph(f"BILAN DE SUIVI · au {safe(fr_date(rep.as_of))}", st["overline"]),
                   Paragraph(safe(title), st["title"]),
                   facts_table([(k, fr_int(v)) for k, v in bilan_figures(rep)]
                               + [("Part des personnes formées", fr_percent(rep.nation.share_trained))], columns=3)]
    story += [Paragraph("Couverture prévue et réalisée (enseignants, étape 1)", st["h2"]),
              Paragraph("Pointillés : cumul prévu par le plan ; trait plein : cumul des présents aux sessions tenues, "
                        "à la date où elles ont eu lieu.", st["muted"]),
              planned_actual_chart(plan, rep.as_of)]
    if len(rep.academie) > 1:
        story += [Paragraph("Par académie", st["h2"]),
                  data_table(HEAD, cells([_row(p, f"{academie_name(k)} ({k})") for k, p in sorted(rep.academie.items())]), widths)]
    story += [Paragraph("Par département", st["h2"]),
              data_table(HEAD, cells([_row(p, f"{deps.get(k, k)} ({k})") for k, p in sorted(rep.departement.items())]), widths)]
    if rep.bassin:
        names = {u.unit_id: u.name for u in plan.units if u.unit_type == "bassin"}
        story += [Paragraph("Par bassin de formation", st["h2"]),
                  data_table(HEAD, cells([_row(p, names.get(k, k)) for k, p in sorted(rep.bassin.items())]), widths)]
    untrained = rep.nation.untrained_units
    story.append(Paragraph(f"Unités sans aucune session tenue ({fr_int(len(untrained))})", st["h2"]))
    if untrained:
        nxt: dict[tuple[str, str], dt.date] = {}
        for s in plan.sessions:
            if s.kind == "step1" and s.status == "planned" and s.date >= rep.as_of:
                k = (s.unit_type, s.unit_id)
                nxt[k] = min(nxt.get(k, s.date), s.date)
        rows = [[UNIT_LABELS.get(t, t), uid, name, rep.units[(t, uid)].departement,
                 fr_int(rep.units[(t, uid)].planned_sessions), fr_date(nxt[(t, uid)]) if (t, uid) in nxt else "à replanifier"]
                for t, uid, name in untrained]
        story.append(data_table(["Type", "Unité", "Nom", "Dép.", "Sessions", "Prochaine session"],
                                [[Paragraph(safe(v), st["cell"]) for v in r] for r in rows],
                                [0.14, 0.12, 0.38, 0.08, 0.1, 0.18]))
    else:
        story.append(Paragraph("Toutes les unités ont tenu au moins une session d'étape 1.", st["body"]))
    from .pdf import footer_of
    from .common import PlanIndex

    return build_pdf(story, out, footer_of(PlanIndex.build(plan)), title=f"Bilan de suivi — {title}", subject="bilan")


def export_bilan_xlsx(plan: Plan, rep: ProgressReport, out: str | Path, title: str) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    deps = departement_names()
    wb = Workbook()
    ws = wb.active
    ws.title = "Synthèse"
    ws.append([f"Bilan de suivi — {title}"])
    ws.append(["Au", rep.as_of])
    ws["A1"].font = Font(bold=True, size=13)
    for k, v in bilan_figures(rep):
        ws.append([k, v])
    ws.append(["Part des personnes formées", round(rep.nation.share_trained, 4)])
    ws.column_dimensions["A"].width = 40
    head = ["Code", "Nom", "Unités", "Unités commencées", "Personnes à former", "Personnes formées", "Part formée",
            "Sessions prévues", "Prévues à date", "Tenues", "Annulées", "En retard", "Unités sans session tenue"]

    def sheet(name: str, items, label) -> None:
        w = wb.create_sheet(name)
        w.append(head)
        for c in w[1]:
            c.font = Font(bold=True)
        for k, p in items:
            w.append(xlsx_safe_row(w, [k, label(k, p), p.units, p.units_started, p.people, p.trained, round(p.share_trained, 4),
                      p.planned_sessions, p.planned_to_date, p.held, p.cancelled, p.late, len(p.untrained_units)]))
        w.freeze_panes = "A2"
        w.column_dimensions["B"].width = 34

    sheet("Académies", sorted(rep.academie.items()), lambda k, p: academie_name(k))
    sheet("Départements", sorted(rep.departement.items()), lambda k, p: deps.get(k, k))
    names = {u.unit_id: u.name for u in plan.units if u.unit_type == "bassin"}
    sheet("Bassins", sorted(rep.bassin.items()), lambda k, p: names.get(k, k))
    sheet("Unités", [(f"{k[0]}:{k[1]}", p) for k, p in sorted(rep.units.items())], lambda k, p: p.name)
    w = wb.create_sheet("Unités non formées")
    w.append(["Type", "Unité", "Nom", "Département", "Sessions prévues"])
    for t, uid, name in rep.nation.untrained_units:
        w.append(xlsx_safe_row(w, [UNIT_LABELS.get(t, t), uid, name, rep.units[(t, uid)].departement,
                                   rep.units[(t, uid)].planned_sessions]))
    out = Path(out)
    tmp = out.with_name(out.name + ".tmp")
    wb.save(tmp)
    tmp.replace(out)
    return out


__all__ = ["PlannedActual", "bilan_figures", "export_bilan_pdf", "export_bilan_xlsx", "export_record_template",
           "followup_section", "planned_actual_chart", "template_rows"]
