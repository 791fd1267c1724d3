"""Printed plans (reportlab platypus): établissement / circonscription, trainer, académie summary.

(Over 600 lines: the three document kinds share their page templates and tables; the budget and comparison sections already live in their own modules.)

Every function takes a :class:`~planner.plan.Plan` or a prebuilt :class:`PlanIndex` (the batch
builds the index once per process and reuses it for every unit).
"""
from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from pathlib import Path

from reportlab.platypus import CondPageBreak, KeepTogether, PageBreak, Paragraph, Spacer, Table, TableStyle

from ..plan import Plan, Session, TrainerRow, UnitRow
from ..demand import admin_staff_included, people_word, step1_people
from ..demand import estimate_method, estimate_replace
from ..report import (academie_kpis, convocation_date, coverage_curve, gone_at_start, plan_calendar, school_year_title,
                      sessions_of, split_past, units_of)
from .attendance import ecole_groups_section, estimate_note, head_section, session_place, sheet_layout
from .charts import FactsBox, LoadBars, MonthGrid, SignInGrid, StepTimeline, WeeklyCoverage, month_span
from .common import (
    ETAB_TYPE_LABELS,
    ROLE_LABELS,
    STEP_KINDS,
    UNIT_LABELS,
    ExportError,
    PlanIndex,
    academie_name,
    academies,
    audience_label,
    departement_names,
    kind_label,
    kind_short,
    minutes,
    step_number,
)
from .layout import (
    ACCENT,
    BAND,
    FRAME_W,
    STEP_COLORS,
    Footer,
    build_pdf,
    cached_paragraph,
    data_table,
    facts_table,
    heading,
    styles,
    title_paragraph,
)
from reportlab.pdfbase.pdfmetrics import stringWidth

from .typography import FONT, fr_range_short, fr_date, fr_date_short, fr_int, fr_percent, fr_range, fr_slot, safe

TEACHER_AUDIENCES = ("teachers_1d", "teachers_2d", "teachers")
# sessions that get a sign-in sheet: the trainings delivered by a trainer (train-the-trainer, step 1,
# step-5 briques); working groups, charter workshops, governing bodies and family meetings are
# meetings of the établissement that keep their own minutes
SHEET_KINDS = ("tot", "step1", "step5")
CADRE_AUDIENCE = {"bassin": "perdir", "departement": "inspectors"}  # a cadre unit's people


def h2(markup: str, room: float = 90) -> list:
    """A section heading that never ends a page: a page break first when less than ``room`` points remain."""
    return [CondPageBreak(room), heading(markup, styles()["h2"])]


def as_index(plan: Plan | PlanIndex) -> PlanIndex:
    return plan if isinstance(plan, PlanIndex) else PlanIndex.build(plan)


def footer_of(ix: PlanIndex) -> Footer:
    return Footer(plan_name=ix.plan_name, version=ix.version, plan_date=ix.generated_at, citation=ix.citation,
                  printed=dt.date.today(), school_year=plan_calendar(ix.report).get("school_year")
                  or ix.settings.get("school_year") or "")


def _year_head(ix: PlanIndex) -> str:
    """« · ANNÉE SCOLAIRE 2026-2027 » for the overlines (empty for plans that do not say)."""
    t = school_year_title(ix.report)
    return f" · {t.upper()}" if t else ""


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{fr_int(n)} {one if n <= 1 else (many or one + 's')}"


def not_found(ix: PlanIndex, what: str, ident: str) -> ExportError:
    return ExportError(f"{what} {ident} introuvable dans le plan « {ix.plan_name} ».")


# ============================================================================ unit plans
def _scenario_unit(scenario, unit_type: str, unit_id: str) -> UnitRow | None:
    """A unit row built from a scenario (when the plan lacks it or lacks its address)."""
    if scenario is None:
        return None
    try:
        if unit_type == "etablissement":
            for e in scenario.etablissements:
                if e.uai == unit_id:
                    return UnitRow("etablissement", e.uai, e.name, e.academie, e.departement, "", e.teachers, 0, 0,
                                   etab_type=e.type, commune=e.commune, address=e.address, bassin=e.bassin)
        elif unit_type == "circonscription":
            for c in scenario.circonscriptions:
                if c.id == unit_id:
                    return UnitRow("circonscription", c.id, c.name, c.academie, c.departement, "", c.teachers, 0, 0)
    except AttributeError:
        return None
    return None


def _resolve_unit(ix: PlanIndex, unit_type: str, unit_id: str, scenario=None) -> UnitRow:
    u = ix.unit(unit_type, unit_id)
    su = _scenario_unit(scenario, unit_type, unit_id)
    if u is None and su is not None:
        u = su
    elif u is not None and su is not None:
        u = UnitRow(**{**{k: getattr(u, k) for k in u.__slots__},
                       **{k: getattr(su, k) for k in ("commune", "address", "etab_type", "bassin") if getattr(su, k) and not getattr(u, k)}})
    if u is None:
        sessions = ix.sessions_of_unit(unit_type, unit_id)
        if not sessions:
            raise not_found(ix, UNIT_LABELS.get(unit_type, unit_type.capitalize()), unit_id)
        s = sessions[0]
        u = UnitRow(unit_type, unit_id, unit_id, s.academie, s.departement, s.zone, 0, 0, 0)
    return u


def _unit_facts(ix: PlanIndex, u: UnitRow, trainers: list[TrainerRow]) -> list[tuple[str, object]]:
    acad = f"{academie_name(u.academie)} ({u.academie})" if u.academie else ""
    dep = departement_names().get(u.departement)
    dep = f"{dep} ({u.departement})" if dep else u.departement
    tnames = ", ".join(ix.trainer_name(t.trainer_id) for t in trainers) or "—"
    if u.unit_type == "etablissement":
        return [
            ("UAI", u.unit_id), ("Type", ETAB_TYPE_LABELS.get(u.etab_type, u.etab_type)), ("Commune", u.commune),
            ("Académie", acad), ("Département", dep), ("Zone de vacances", u.zone),
            ("Bassin", u.bassin), ("Enseignants", fr_int(u.teachers) + (" (estimé)" if u.teachers_estimated else "")),
            ("Formateur" if len(trainers) <= 1 else "Formateurs", tnames),
        ] + ([("Adresse", u.address)] if u.address else [])
    if u.unit_type == "circonscription":
        return [
            ("Circonscription", u.unit_id), ("Département", dep), ("Académie", acad),
            ("Zone de vacances", u.zone),
            ("Enseignants du 1er degré", fr_int(u.teachers) + (" (estimé)" if u.teachers_estimated else "")),
            ("Formateurs", tnames),
        ] + ([("Adresse", u.address)] if u.address else [])
    people = {"bassin": ("Personnels de direction", u.perdir), "departement": ("Inspecteurs", u.inspectors)}
    label, n = people.get(u.unit_type, ("Enseignants", u.teachers))
    return [("Identifiant", u.unit_id), ("Département", dep), ("Académie", acad), ("Zone de vacances", u.zone),
            (label, fr_int(n))]


def _timeline(ix: PlanIndex, sessions: list[Session], trainers: list[TrainerRow]) -> StepTimeline:
    by_kind: dict[str, list[Session]] = defaultdict(list)
    for s in sessions:
        by_kind[s.kind].append(s)
    tots = [t for t in (ix.tot_of(tr) for tr in trainers) if t is not None]
    lanes = []
    if trainers:
        if tots:
            dates = [t.date for t in tots]
            lanes.append(("Formation des formateurs", fr_range(min(dates), max(dates)), STEP_COLORS["tot"], dates))
        elif all(t.qualified for t in trainers):
            lanes.append(("Formation des formateurs", "formateurs déjà qualifiés", STEP_COLORS["tot"], []))
        else:
            lanes.append(("Formation des formateurs", None, STEP_COLORS["tot"], []))
    for kind in STEP_KINDS:
        ss = by_kind.get(kind, [])
        label = f"{step_number(kind)}. {kind_short(kind)}"
        if ss:
            dates = [s.date for s in ss]
            rng = f"{_plural(len(ss), 'session')} · {fr_range(min(dates), max(dates))}"
            if stringWidth(rng, FONT, 6.8) > StepTimeline.LABEL_W - 18:
                rng = f"{_plural(len(ss), 'session')} · {fr_range_short(min(dates), max(dates))}"
            lanes.append((label, rng, STEP_COLORS[kind], dates))
        else:
            lanes.append((label, None, STEP_COLORS[kind], []))
    all_dates = [s.date for s in sessions] + [t.date for t in tots]
    return StepTimeline(lanes, FRAME_W, month_span(all_dates))


def _session_rows(ix: PlanIndex, ss: list[Session], with_title: bool, with_audience: bool,
                  with_total: bool = True) -> tuple[list, list, list]:
    """Header, rows and width fractions of a sessions table; optional columns only when they say something."""
    with_trainer = any(s.trainer_id for s in ss)
    cols: list[tuple[str, float]] = [("Groupe", 0.085), ("Date et horaire", 0.30)]
    if with_title:
        cols.append(("Intitulé", 0.25))
    if with_audience:
        cols.append(("Public", 0.13))
    cols.append(("Partici­pants", 0.09))
    if with_trainer:
        cols.append(("Formateur", 0.2))
    cols.append(("Fenêtre", 0.15))
    scale = 1 / sum(w for _, w in cols)
    header = [c for c, _ in cols]
    widths = [w * scale for _, w in cols]
    rows = []
    st = styles()
    cell = cached_paragraph  # the same texts come back in every table of a batch: parsed once
    for i, s in enumerate(ss, 1):
        row = [cell(f"{s.group or i}", st["cell"]), cell(safe(fr_slot(s.date, s.start, s.end)), st["cell"])]
        if with_title:
            row.append(cell(safe(s.title) or "—", st["cell"]))
        if with_audience:
            row.append(cell(safe(audience_label(s.audience)), st["cell"]))
        row.append(cell(f"{s.participants}", st["cellr"]))
        if with_trainer:
            row.append(cell(safe(ix.trainer_name(s.trainer_id)) if s.trainer_id else "—", st["cell"]))
        row.append(cell(safe(ix.window_label(s.window)), st["cell"]))
        rows.append(row)
    if with_total:
        k = header.index("Partici­pants")
        total = [""] * len(header)
        total[0] = cell(f"<b>{len(ss)}</b>", st["cell"])
        total[1] = cell("<b>Total</b>", st["cell"])
        total[k] = cell(f"<b>{fr_int(sum(s.participants for s in ss))}</b>", st["cellr"])
        rows.append(total)
    return header, rows, widths


def _step_sections(ix: PlanIndex, sessions: list[Session]) -> list:
    out: list = []
    by_kind: dict[str, list[Session]] = defaultdict(list)
    for s in sessions:
        by_kind[s.kind].append(s)
    for kind in STEP_KINDS:
        ss = by_kind.get(kind)
        if not ss:
            continue
        out += h2(safe(kind_label(kind)) + f" — {_plural(len(ss), 'session')}")
        # step 1 groups are distinct people: their participants add up; later steps meet the same people again
        header, rows, widths = _session_rows(ix, ss, with_title=any(s.title for s in ss),
                                             with_audience=len({s.audience for s in ss}) > 1,
                                             with_total=kind == "step1")
        t = data_table(header, rows, widths)
        if kind == "step1":
            t.setStyle(TableStyle([("BACKGROUND", (0, -1), (-1, -1), BAND),
                                   ("LINEABOVE", (0, -1), (-1, -1), 0.8, ACCENT)]))
        out.append(t)
    others = [s for s in sessions if s.kind not in STEP_KINDS and s.kind != "tot"]
    if others:
        out += h2("Autres sessions")
        header, rows, widths = _session_rows(ix, others, with_title=True, with_audience=True)
        out.append(data_table(header, rows, widths))
    return out


def _trainer_section(ix: PlanIndex, trainers: list[TrainerRow]) -> list:
    st = styles()
    if not trainers:
        return []
    rows = []
    cell = cached_paragraph
    for t in trainers:
        tot = ix.tot_of(t)
        if tot is not None:
            when = cell(safe(fr_slot(tot.date, tot.start, tot.end)), st["cell"])
            by = cell(safe(ix.trainer_name(tot.trainer_id)), st["cell"])
        elif t.qualified:
            when = cell("Déjà qualifié (utilisateur avancé) : pas de formation requise", st["cell"])
            by = cell("—", st["cell"])
        else:
            when = cell("<i>à planifier</i>", st["cell"])
            by = cell("—", st["cell"])
        rows.append([cell(safe(t.name or t.trainer_id), st["cellb"]),
                     cell(safe(ROLE_LABELS.get(t.role, t.role)), st["cell"]), when, by])
    title = "Formation du formateur" if len(trainers) == 1 else "Formation des formateurs"
    return h2(title) + [
            data_table(["Formateur", "Rôle", "Formation de formateurs", "Animée par"], rows,
                       [0.27, 0.2, 0.33, 0.2], zebra=True)]


def _month_grid(sessions: list[Session]) -> list:
    st = styles()
    counts = Counter(s.date for s in sessions if s.kind != "tot")
    if not counts:
        return []
    span = month_span(list(counts), min_months=1)
    return [KeepTogether([
        heading("Calendrier mois par mois", st["h2"]),
        heading("Chaque case colorée porte le nombre de sessions du jour ; les week-ends sont grisés.", st["muted"]),
        Spacer(1, 3), MonthGrid(dict(counts), FRAME_W, span)])]


def _sign_in_sheet(ix: PlanIndex, s: Session, unit_title: str, unit_id: str, location: str,
                   of_n: int, names: list[str] | None = None) -> list:
    """One page: the session's facts, then numbered lines for names and signatures (with the école or
    établissement of each person when the session gathers several)."""
    st = styles()
    location = session_place(ix, s) if s.venue else location
    sheet_cols, column_texts = sheet_layout(ix, s)
    lines = max(ix.group_size, s.participants, len(names or []))
    facts = [
        ("Unité", f"{unit_title} ({unit_id})"),
        ("Date et horaire", fr_slot(s.date, s.start, s.end)),
        ("Groupe", f"{s.group or 1} / {of_n}" if of_n else str(s.group or 1)),
        ("Formateur", ix.trainer_name(s.trainer_id)),
        ("Participants attendus", str(s.participants)),
        ("Fenêtre", ix.window_label(s.window)),
        ("Lieu", location),
        ("Public", audience_label(s.audience)),
        ("Session", s.session_id),
    ]
    head = [heading("FEUILLE D'ÉMARGEMENT", st["overline"]),
            heading(safe(kind_label(s.kind)) + (f" — {safe(s.title)}" if s.title else ""), st["h2"]),
            FactsBox(facts, FRAME_W, columns=3), Spacer(1, 7)]
    # rows sized to fill the page for the usual group of 15, smaller for large groups (split beyond)
    row_h = max(15.0, min(26.0, 470.0 / (lines + 1)))
    cols = [(t, w * FRAME_W) for t, w in sheet_cols]
    return head + [SignInGrid(cols, lines, row_h, names=names, column_texts=column_texts)]


def _unplaced_by_unit(ix: PlanIndex) -> dict[tuple, list[dict]]:
    """The plan's unplaced records by (unit type, unit id), in the report's order: built once per index, so that
    a batch of thousands of plans does not scan the national list once per unit."""
    def group() -> dict[tuple, list[dict]]:
        out: dict[tuple, list[dict]] = defaultdict(list)
        for x in ix.plan.unplaced:
            if isinstance(x, dict):
                out[(x.get("unit_type"), x.get("unit_id"))].append(x)
        return dict(out)

    return ix.memo("pdf_unplaced_by_unit", group)


def unit_story(ix: PlanIndex, unit_type: str, unit_id: str, scenario=None) -> tuple[list, str]:
    """The flowables of a unit's plan, and its title."""
    st = styles()
    u = _resolve_unit(ix, unit_type, unit_id, scenario)
    sessions = ix.sessions_of_unit(unit_type, unit_id)
    trainers = ix.trainers_of_unit.get((unit_type, unit_id), [])
    kind_word = UNIT_LABELS.get(unit_type, unit_type)
    story: list = [
        heading(f"PLAN DE FORMATION À L'IA GÉNÉRATIVE · {kind_word.upper()}{_year_head(ix)} · {safe(ix.plan_name)}",
                  st["overline"]),
        title_paragraph(u.name or u.unit_id),
        facts_table(_unit_facts(ix, u, trainers), columns=3),
        *estimate_note(u),
        *head_section(ix, u),
        heading("Les six étapes de la feuille de route", st["h2"]),
        _timeline(ix, sessions, trainers),
    ]
    if sessions:
        story += _step_sections(ix, sessions)
    else:
        story.append(heading("<i>Aucune session de cette unité n'est placée dans le plan.</i>", st["body"]))
    if unit_type == "circonscription":
        story += ecole_groups_section(ix, sessions)
    story += _trainer_section(ix, trainers)
    mine = _unplaced_by_unit(ix).get((unit_type, unit_id), [])
    still, past = split_past(mine)
    for title, xs in (("Sessions non placées", still),
                      ("À reporter à l'année suivante (date passée au début de la planification)", past)):
        if xs:
            story += h2(title)
        for x in xs:
            story.append(Paragraph(
                f"{safe(kind_label(str(x.get('kind', ''))))} : {fr_int(int(x.get('sessions') or 0))} session(s) — "
                f"{safe(x.get('reason', ''))}", st["body"]))
    if unit_type == "circonscription":
        story += _month_grid(sessions)
    sheet_sessions = [s for s in sessions if s.kind in SHEET_KINDS]
    if sheet_sessions:
        story.append(Spacer(1, 8))
        story.append(heading(
            "Les feuilles d'émargement suivent : une page par session de formation (étapes 1 et 5), "
            f"{_plural(len(sheet_sessions), 'page')}.", st["muted"]))
    location = ix.location(unit_type, unit_id) if ix.unit(unit_type, unit_id) else (
        ", ".join(p for p in (u.address, u.commune) if p) or u.name)
    per_kind = Counter(s.kind for s in sessions)
    for s in sheet_sessions:
        story.append(PageBreak())
        story += _sign_in_sheet(ix, s, u.name or u.unit_id, u.unit_id, location, per_kind[s.kind])
    return story, u.name or u.unit_id


def export_unit_pdf(plan: Plan | PlanIndex, unit_type: str, unit_id: str, out_path: str | Path, scenario=None) -> Path:
    """PDF plan of one unit (établissement, circonscription, bassin…): timeline, sessions, sign-in sheets."""
    ix = as_index(plan)
    story, title = unit_story(ix, unit_type, unit_id, scenario)
    return build_pdf(story, out_path, footer_of(ix), title=f"Plan de formation — {title}",
                     subject=f"{UNIT_LABELS.get(unit_type, unit_type)} {unit_id}")


# ============================================================================ trainer plan
def _convocation(ix: PlanIndex, t: TrainerRow, tot: Session, own: list[Session]) -> list:
    st = styles()
    acad = academie_name(t.academie or tot.academie)
    home = ix.unit(t.unit_type, t.unit_id)
    home_txt = f"{home.name} ({home.unit_id})" if home else t.unit_id
    fdf = ix.trainer_name(tot.trainer_id)
    mins = minutes(tot)
    dur = f"{mins // 60} h" + (f" {mins % 60:02d}" if mins % 60 else "")
    story = [
        Paragraph(f"RÉGION ACADÉMIQUE · ACADÉMIE DE {safe(acad).upper()} · ÉCOLE ACADÉMIQUE DE LA FORMATION CONTINUE",
                  st["overline"]),
        Spacer(1, 14),
        Table([["", [Paragraph(f"{safe(acad)}, le {fr_date_short(convocation_date(dt.date.today(), tot.date, ix.report))}",
                               st["letter"]),
                     Paragraph(f"<b>{safe(t.name or t.trainer_id)}</b><br/>{safe(ROLE_LABELS.get(t.role, t.role))}"
                               f"<br/>{safe(home_txt)}", st["letter"])]]],
              colWidths=[FRAME_W * 0.5, FRAME_W * 0.5]),
        Spacer(1, 10),
        Paragraph("<b>Objet : convocation à la formation de formateurs « Prise en main de l'IA générative »</b>",
                  st["letter"]),
        Spacer(1, 4),
        Paragraph("Madame, Monsieur,", st["letter"]),
        Paragraph("Dans le cadre du déploiement de la formation à l'intelligence artificielle générative dans les "
                  "écoles et établissements (feuille de route IGÉSR 2025), vous êtes convoqué(e) à la session de "
                  "formation de formateurs suivante :", st["letter"]),
        facts_table([("Date et horaire", fr_slot(tot.date, tot.start, tot.end)), ("Durée", dur),
                     ("Animée par", fdf), ("Lieu", session_place(ix, tot)),
                     ("Session", tot.session_id), ("Participants", str(tot.participants))], columns=2),
        Spacer(1, 8),
    ]
    if own:
        first, last = own[0].date, own[-1].date
        period = f"le {fr_date(first)}" if first == last else f"du {fr_date(first)} au {fr_date(last)}"
        story.append(Paragraph(
            f"Cette formation vous permettra d'animer ensuite {_plural(len(own), 'session')} auprès des "
            f"personnels de {safe(home_txt)}, {period}. Votre calendrier d'interventions, daté, figure à la "
            "page suivante.", st["letter"]))
    else:
        story.append(Paragraph("Cette formation vous permettra d'animer ensuite les sessions de l'étape 1 ; "
                               "elles vous seront communiquées dès qu'elles seront planifiées.", st["letter"]))
    story += [
        Paragraph("Merci de confirmer votre présence auprès de l'école académique de la formation continue.",
                  st["letter"]),
        Spacer(1, 16),
        Table([["", [Paragraph("Pour le recteur et par délégation,", st["letter"]),
                     Paragraph("la direction de l'EAFC", st["letter"])]]],
              colWidths=[FRAME_W * 0.5, FRAME_W * 0.5]),
    ]
    return story


def _schedule_table(ix: PlanIndex, ss: list[Session]) -> Table:
    """A trainer's sessions; unit and place columns only when they vary (else they are in the header)."""
    st = styles()
    several = len({(s.unit_type, s.unit_id) for s in ss}) > 1 or len({s.venue for s in ss}) > 1
    rows = []
    for s in ss:
        step = safe(kind_short(s.kind)) + (f" — {safe(s.title)}" if s.title else "")
        row = [Paragraph(safe(fr_slot(s.date, s.start, s.end)), st["cell"])]
        if several:
            u = ix.unit(s.unit_type, s.unit_id)
            row += [Paragraph(safe(f"{u.name} ({u.unit_id})" if u else s.unit_id), st["cell"]),
                    Paragraph(safe(session_place(ix, s)), st["cell"])]
        row += [Paragraph(step, st["cell"]), Paragraph(str(s.group or "—"), st["cellr"]),
                Paragraph(str(s.participants), st["cellr"]), Paragraph(safe(ix.window_label(s.window)), st["cell"])]
        rows.append(row)
    if several:
        header = ["Date et horaire", "Unité", "Lieu", "Étape", "Groupe", "Partici­pants", "Fenêtre"]
        widths = [0.25, 0.17, 0.15, 0.14, 0.07, 0.09, 0.13]
    else:
        header = ["Date et horaire", "Étape", "Groupe", "Partici­pants", "Fenêtre"]
        widths = [0.37, 0.27, 0.08, 0.1, 0.18]
    return data_table(header, rows, widths, align_right=(len(header) - 3, len(header) - 2))


def trainer_story(ix: PlanIndex, trainer_id: str) -> tuple[list, str]:
    st = styles()
    t = ix.trainers.get(trainer_id)
    own = ix.sessions_of_trainer(trainer_id)
    if t is None:
        if not own:
            raise not_found(ix, "Formateur", trainer_id)
        s = own[0]
        t = TrainerRow(trainer_id, "fdf" if s.kind == "tot" else "", s.academie, s.unit_type, s.unit_id, False, "")
    name = t.name or t.trainer_id
    story: list = []
    tot = ix.tot_of(t)
    delivered = [s for s in own if s.kind != "tot"]
    if tot is not None and t.role != "fdf":
        story += _convocation(ix, t, tot, delivered)
        story.append(PageBreak())
    story += [
        Paragraph(f"PLAN DU FORMATEUR{_year_head(ix)} · {safe(ix.plan_name)}", st["overline"]),
        title_paragraph(name),
    ]
    home = ix.unit(t.unit_type, t.unit_id)
    facts = [("Identifiant", t.trainer_id), ("Rôle", ROLE_LABELS.get(t.role, t.role)),
             ("Académie", f"{academie_name(t.academie)} ({t.academie})" if t.academie else ""),
             ("Rattachement", f"{home.name} ({home.unit_id})" if home else f"{UNIT_LABELS.get(t.unit_type, t.unit_type)} {t.unit_id}")]
    places = {session_place(ix, s) for s in own}
    if len(places) == 1:
        facts.append(("Lieu des sessions", next(iter(places))))
    if t.role != "fdf":
        if tot is not None:
            facts.append(("Formation de formateurs", fr_slot(tot.date, tot.start, tot.end)))
        else:
            facts.append(("Formation de formateurs", "déjà qualifié" if t.qualified else "à planifier"))
    hours = sum(minutes(s) for s in own) / 60
    facts += [("Sessions à animer", fr_int(len(own))), ("Heures", fr_int(round(hours, 1)))]
    story.append(facts_table(facts, columns=3))
    if own:
        span = fr_range(own[0].date, own[-1].date)
        story += h2(f"Calendrier des interventions ({span})")
        story.append(_schedule_table(ix, own))
    else:
        story.append(Paragraph("<i>Aucune session à animer dans ce plan.</i>", st["body"]))
    # trainers of trainers: one sign-in sheet per train-the-trainer session, trainees' names filled in
    # (and of every cadre session he leads, each head's établissement or service pre-filled)
    tots = [s for s in own if s.kind == "tot"]
    counts = len(tots)
    for s in tots:
        trainees = ix.trainees_of_tot.get(s.session_id, [])
        names = [f"{x.name or x.trainer_id} — {x.unit_id}" for x in trainees]
        story.append(PageBreak())
        story += _sign_in_sheet(ix, s, f"Académie de {academie_name(s.academie)}", s.academie,
                                ix.location(s.unit_type, s.unit_id), counts, names=names)
    if t.role == "fdf":
        for s in own:
            if s.kind == "step1":
                u = ix.unit(s.unit_type, s.unit_id)
                story.append(PageBreak())
                story += _sign_in_sheet(ix, s, u.name if u else s.unit_id, s.unit_id,
                                        ix.location(s.unit_type, s.unit_id), len(ix.sessions_of_unit(s.unit_type, s.unit_id)))
    return story, name


def export_trainer_pdf(plan: Plan | PlanIndex, trainer_id: str, out_path: str | Path) -> Path:
    """Convocation to the train-the-trainer session, then the trainer's dated delivery schedule."""
    ix = as_index(plan)
    story, name = trainer_story(ix, trainer_id)
    return build_pdf(story, out_path, footer_of(ix), title=f"Plan du formateur — {name}", subject=trainer_id)


# ============================================================================ académie summary
def _share_by(share: float | None, day, plan_from) -> str:
    """A share trained by ``day``, or « date passée » when the plan starts after it (none of its sessions can be
    before it: 0 % would read as a failure)."""
    return "date passée au début du plan" if gone_at_start(day, plan_from) else fr_percent(share)


def academie_figures(ix: PlanIndex, code: str) -> dict:
    """Key figures of one académie, computed from the plan's sessions."""
    sessions = [s for s in ix.plan.sessions if s.academie == code]
    step1 = [s for s in sessions if s.kind == "step1"]
    units = [u for u in ix.plan.units if u.academie == code]
    k = academie_kpis(ix.plan, code, sessions)  # the plan's school year, the académie's own holidays, its people
    toussaint, noel = k["toussaint"], k["noel"]
    people = Counter()
    for s in step1:
        people[s.audience] += s.participants
    return {
        "sessions": sessions,
        "step1": step1,
        "units": units,
        "teachers_total": k["teachers_total"],  # with administrative staff when in scope, as the participants
        "estimated_types": sorted({u.unit_type for u in units
                                   if u.unit_type in ("etablissement", "circonscription") and u.teachers_estimated}),
        # cadres counted by estimate (perdir of bassins, inspectors of départements): their audiences
        "estimated_cadres": [a for a in ("perdir", "inspectors") if a in {
            CADRE_AUDIENCE[u.unit_type] for u in units if u.unit_type in CADRE_AUDIENCE and u.teachers_estimated}],
        "teachers_trained": k["teachers_trained"],
        "settings": (ix.plan.report or {}).get("settings") or {},
        "people": people,
        "trainers_trained": sum(s.participants for s in sessions if s.kind == "tot"),
        "sessions_by_kind": Counter(s.kind for s in sessions),
        "hours_step1": sum(minutes(s) for s in step1) / 60,
        "hours_2d": sum(minutes(s) for s in step1 if s.audience == "teachers_2d") / 60,
        "hours_tot": sum(minutes(s) for s in sessions if s.kind == "tot") / 60,
        "toussaint": toussaint,
        "noel": noel,
        "pre_rentree": k["pre_rentree"],
        "calendar_warning": k["warning"],
        "calendar_source": k["source"],
        "share_toussaint": k["share_toussaint"],
        "share_noel": k["share_noel"],
        "completion": max((s.date for s in step1), default=None),
    }


def academie_story(ix: PlanIndex, code: str) -> tuple[list, str]:
    st = styles()
    name = academie_name(code)
    if not any(s.academie == code for s in ix.plan.sessions) and not any(u.academie == code for u in ix.plan.units):
        raise not_found(ix, "Académie", code)
    f = academie_figures(ix, code)
    story: list = [
        Paragraph(f"SYNTHÈSE ACADÉMIQUE{_year_head(ix)} · {safe(ix.plan_name)}", st["overline"]),
        Paragraph(f"Académie de {safe(name)} ({safe(code)})", st["title"]),
    ]
    kinds = f["sessions_by_kind"]
    admin = admin_staff_included(f["settings"])  # then teachers and administrative staff: « personnels »
    who = people_word(f["settings"])
    facts: list[tuple[str, object]] = []
    for aud in ("teachers_1d", "teachers_2d", "perdir", "inspectors"):
        if f["people"].get(aud):
            label = "Personnels du 2nd degré (enseignants et administratifs)" if admin and aud == "teachers_2d" \
                else audience_label(aud)
            facts.append((f"{label} formés (étape 1)", fr_int(f["people"][aud])
                          + (" (estimé)" if aud in f["estimated_cadres"] else "")))
    facts += [
        ("Formateurs locaux formés", fr_int(f["trainers_trained"])),
        ("Sessions d'étape 1", fr_int(kinds.get("step1", 0))),
        ("Formations de formateurs", fr_int(kinds.get("tot", 0))),
        ("Heures de formation (étape 1)", fr_int(round(f["hours_step1"], 1))),
        ("dont 2nd degré (budget : voir plus bas)", fr_int(round(f["hours_2d"], 1))),
        ("Heures de formation de formateurs", fr_int(round(f["hours_tot"], 1))),
        (f"{who.capitalize()} formés", f"{fr_int(f['teachers_trained'])} sur {fr_int(f['teachers_total'])}"
                                       + (" (estimé)" if f["estimated_types"] else "")),
        ("Part formée avant la Toussaint" + (f" ({fr_date_short(f['toussaint'])})" if f["toussaint"] else ""),
         _share_by(f["share_toussaint"], f["toussaint"], f["settings"].get("plan_from"))),
        ("Part formée avant Noël" + (f" ({fr_date_short(f['noel'])})" if f["noel"] else ""),
         _share_by(f["share_noel"], f["noel"], f["settings"].get("plan_from"))),
        ("Achèvement de l'étape 1", fr_date(f["completion"]) if f["completion"] else "—"),
        ("Pré-rentrée des enseignants", fr_date(f["pre_rentree"]) if f["pre_rentree"] else "—"),
    ]
    for kind in STEP_KINDS[1:]:
        if kinds.get(kind):
            facts.append((f"Sessions d'étape {step_number(kind)}", fr_int(kinds[kind])))
    if f["calendar_warning"]:  # the académie is planned on an assumed calendar: say so on the page
        story.append(Paragraph(f"<b>Calendrier scolaire supposé.</b> {safe(f['calendar_warning'])}", st["muted"]))
    story.append(facts_table(facts, columns=3))
    for t in f["estimated_types"]:  # estimated headcounts are said, with how they were estimated
        whose = "des établissements" if t == "etablissement" else "des circonscriptions"
        story.append(Paragraph(safe(f"Enseignants {whose} : effectifs estimés {estimate_method(t, plural=True)}. Remplacez-les par "
                                    "les décomptes réels : colonne « Enseignants » du modèle XLSX du scénario."),
                               st["muted"]))
    for aud in f["estimated_cadres"]:  # so are the cadres' (personnels de direction, inspectors)
        t = "bassin" if aud == "perdir" else "departement"
        whose = "Personnels de direction des bassins" if t == "bassin" else "Inspecteurs des départements"
        story.append(Paragraph(safe(f"{whose} : effectifs estimés {estimate_method(t, plural=True)}. "
                                    f"{estimate_replace(t, plural=True)}"), st["muted"]))

    # coverage curve
    weekly = [(monday, n) for monday, n, _share in coverage_curve(f["step1"], 0)]
    story += h2(f"Couverture : {who} formés par semaine")
    story.append(Paragraph(f"Barres : {who} formés dans la semaine (échelle de gauche) ; courbe : part cumulée "
                           f"des {who} de l'académie (échelle de droite)."
                           + (" Personnels : les enseignants et les personnels administratifs des établissements "
                              "(réglage « Inclure les personnels administratifs »)." if admin else ""), st["muted"]))
    story.append(WeeklyCoverage(weekly, f["teachers_total"] or f["teachers_trained"], FRAME_W, 150))
    from .suivi import followup_section  # planned against held, once sessions are recorded

    story += followup_section(ix.plan, code)

    # FdF load
    fdf = sorted(t.trainer_id for t in ix.plan.trainers if t.role == "fdf" and t.academie == code)
    tot_by = Counter(s.trainer_id for s in f["sessions"] if s.kind == "tot")
    ids = sorted(set(fdf) | set(tot_by))
    items = [(i.rsplit("-", 1)[-1] if len(ids) > 1 else i, tot_by.get(i, 0)) for i in ids]
    story.append(CondPageBreak(150))
    story += h2("Charge des formateurs de formateurs")
    story.append(Paragraph(f"Sessions de formation de formateurs par formateur ({_plural(len(ids), 'formateur')}).",
                           st["muted"]))
    story.append(LoadBars(items, FRAME_W, 110, unit="formateur (numéro)"))

    # by département
    deps = departement_names()
    by_dep: dict[str, dict] = defaultdict(lambda: {"circ": 0, "etab": 0, "teachers": 0, "trained": 0, "sessions": 0,
                                                   "last": None})
    for u in f["units"]:
        d = by_dep[u.departement]
        if u.unit_type == "circonscription":
            d["circ"] += 1
            d["teachers"] += u.teachers
        elif u.unit_type == "etablissement":
            d["etab"] += 1
            d["teachers"] += step1_people(u, f["settings"])
    for s in f["step1"]:
        d = by_dep[s.departement]
        d["sessions"] += 1
        if s.audience in TEACHER_AUDIENCES:
            d["trained"] += s.participants
        d["last"] = max(d["last"], s.date) if d["last"] else s.date
    rows = []
    for code_d in sorted(by_dep):
        d = by_dep[code_d]
        rows.append([Paragraph(safe(f"{deps.get(code_d, code_d)} ({code_d})"), st["cell"]),
                     Paragraph(fr_int(d["circ"]), st["cellr"]), Paragraph(fr_int(d["etab"]), st["cellr"]),
                     Paragraph(fr_int(d["teachers"]), st["cellr"]), Paragraph(fr_int(d["trained"]), st["cellr"]),
                     Paragraph(fr_int(d["sessions"]), st["cellr"]),
                     Paragraph(fr_date_short(d["last"]) if d["last"] else "—", st["cell"])])
    story.append(CondPageBreak(120))
    story += h2("Par département")
    story.append(data_table(["Département", "Circons­criptions", "Établis­sements", who.capitalize(), "Formés",
                             "Sessions", "Achèvement"], rows, [0.25, 0.11, 0.11, 0.12, 0.1, 0.1, 0.21]))

    from .budget_pdf import academie_budget_story

    story += academie_budget_story(ix, code)  # hours and euros per category, envelope, the report's figure

    # unplaced
    unplaced, past = split_past(ix.unplaced_in(("academie", code)))
    story += h2("Sessions non placées")
    if past:  # the réunions de rentrée of a year planned from November: one line, not one row per unit
        n = sessions_of(past)
        units = units_of(past)
        story.append(Paragraph(
            f"À reporter à l'année suivante : {fr_int(n)} session(s) de {fr_int(units)} unité(s) dont la date était "
            f"passée au début de la planification (réunions de rentrée des familles) ; elles figurent sur le plan "
            f"de chaque unité.", st["body"]))
    if unplaced:
        rows = [[Paragraph(safe(f"{UNIT_LABELS.get(str(x.get('unit_type')), x.get('unit_type', ''))} {x.get('unit_id', '')}"), st["cell"]),
                 Paragraph(safe(x.get("name", "")), st["cell"]),
                 Paragraph(safe(kind_short(str(x.get("kind", "")))), st["cell"]),
                 Paragraph(safe(audience_label(str(x.get("audience", "")))), st["cell"]),
                 Paragraph(safe(x.get("sessions", "")), st["cellr"]),
                 Paragraph(safe(x.get("reason", "")), st["cell"])] for x in unplaced]
        story.append(data_table(["Unité", "Nom", "Étape", "Public", "Sessions", "Raison"], rows,
                                [0.15, 0.2, 0.14, 0.13, 0.08, 0.3]))
    else:
        story.append(Paragraph("Toutes les sessions de l'académie sont placées"
                               + (" (hors celles à reporter)." if past else "."), st["body"]))
    return story, f"Académie de {name}"


def export_academie_pdf(plan: Plan | PlanIndex, academie_code: str, out_path: str | Path) -> Path:
    """Académie summary: key figures, coverage curve, FdF load, table by département, unplaced sessions."""
    ix = as_index(plan)
    story, title = academie_story(ix, academie_code)
    return build_pdf(story, out_path, footer_of(ix), title=f"Synthèse — {title}", subject=academie_code)


__all__ = ["academie_figures", "academie_story", "as_index", "export_academie_pdf", "export_trainer_pdf",
           "export_unit_pdf", "trainer_story", "unit_story"]
