"""Plans side by side, in one place: the figures a director compares (dates, coverage, sessions, hours, cost,
load) and the sessions that moved between plans.

Two ways of matching sessions, on one matcher (:func:`match_sessions`):

- :func:`diff_sessions` (``main.py compare``, the window's « Comparaison » tab, its PDF/XLSX export): by
  ``session_id``, between plans of the same territory and people (``report.scenario.data_hash``, else the
  same units), otherwise :class:`CompareError`;
- :func:`compare` (the scenario file's plans, :meth:`planner.store.ScenarioStore.compare_plans`): by what a
  session is (kind, audience, unit, group), which a solver may renumber, with the KPIs the scenario file
  keeps for each plan (:func:`plan_kpis`).

A plan is named on the command line by its folder (``solve --out``), or by ``FICHIER#NOM`` for a
named plan of a scenario file (a scenario file holding one plan may be given alone). Figures can be
compared across scenarios. The command itself is :func:`planner.cli.run_compare`.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import Counter
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .budget import budget_of
from .heads_first import cadre_seats, first_teacher_sessions, match_heads
from .plan import Plan, PlanError, Session
from .report import gone_at_start, plan_calendar, sessions_of, split_past, teachers_by_academie, trained_before

TEACHERS = ("teachers_1d", "teachers_2d")
DATA_FIELDS = ("academies", "departements", "circonscriptions", "bassins", "etablissements", "inspectors")


class CompareError(Exception):
    """A comparison that cannot be made (French message)."""


def scenario_data_hash(sc) -> str:
    """Fingerprint of a scenario's territory and people (not its settings, trainers or choices):
    two plans with the same data hash place the same units, whatever their settings. The SHA-256 of
    ``json.dumps(sc.model_dump(mode="json", include=DATA_FIELDS), sort_keys=True)``, that text made a few thousand
    units at a time (a solve's end in the window: no single call holds the interpreter lock for a tenth of a
    second)."""
    from .store_codec import _CHUNK, _adapter

    h = hashlib.sha256(b"{")
    for k, name in enumerate(sorted(DATA_FIELDS)):
        value = getattr(sc, name)
        adapter = _adapter(type(sc).model_fields[name].annotation)
        h.update((b", " if k else b"") + json.dumps(name).encode() + b": ")
        if isinstance(value, list):
            parts = (json.dumps(adapter.dump_python(value[i:i + _CHUNK], mode="json"), sort_keys=True)[1:-1]
                     for i in range(0, len(value), _CHUNK))
            h.update(("[" + ", ".join(parts) + "]").encode())
        else:
            h.update(json.dumps(adapter.dump_python(value, mode="json"), sort_keys=True).encode())
    h.update(b"}")
    return h.hexdigest()[:16]


# ============================================================================ loading
@dataclass
class NamedPlan:
    label: str
    plan: Plan
    source: str


def load_plan_spec(spec: str) -> NamedPlan:
    """``DOSSIER`` (a plan folder) or ``FICHIER#NOM`` (a plan of a scenario file)."""
    path, _, name = spec.partition("#")
    p = Path(path)
    if p.is_dir():
        if name:
            raise CompareError(f"« {spec} » : un dossier de plan ne contient qu'un plan (retirez « #{name} »)")
        try:
            plan = Plan.read(p)
        except PlanError as exc:
            raise CompareError(str(exc)) from None
        return NamedPlan(_plan_label(plan, p.name), plan, str(p))
    if p.is_file():
        from .scenario_io import ScenarioError
        from .store import ScenarioStore

        try:
            with ScenarioStore(p, create=False) as store:
                names = [i.name for i in store.list_plans()]
                if not name:
                    if len(names) != 1:
                        raise CompareError(f"« {spec} » : précisez le plan avec FICHIER#NOM "
                                           f"(plans du fichier : {', '.join(names) or 'aucun'})")
                    name = names[0]
                if name not in names:
                    raise CompareError(f"« {spec} » : plan « {name} » introuvable dans {p.name} "
                                       f"(plans du fichier : {', '.join(names) or 'aucun'})")
                return NamedPlan(name, store.load_plan(name), f"{p}#{name}")
        except ScenarioError as exc:
            raise CompareError(str(exc)) from None
    raise CompareError(f"plan introuvable : « {spec} » (attendu : un dossier écrit par « solve --out » "
                       "ou FICHIER#NOM d'un fichier de scénario)")


def _plan_label(plan: Plan, fallback: str) -> str:
    ov = plan.report.get("settings_overrides") if isinstance(plan.report, dict) else None
    return f"{fallback} ({', '.join(ov)})" if ov else fallback


# ============================================================================ figures
def plan_figures(plan: Plan) -> dict:
    """The compared figures of one plan (dates ISO, shares 0–1, hours, euros)."""
    report = plan.report if isinstance(plan.report, dict) else {}
    k = report.get("kpis") if isinstance(report.get("kpis"), dict) else {}
    step1 = [s for s in plan.sessions if s.kind == "step1"]
    teach = [s for s in step1 if s.audience in TEACHERS]
    total = sum(teachers_by_academie(plan.units, report.get("settings")).values()) \
        or sum(s.participants for s in teach)  # with administrative staff when in scope, as the participants
    # each académie's own holidays of the plan's school year, as the report, the window and the PDFs count them
    cal = plan_calendar(report)
    before = {key: trained_before(teach, cal, which)
              for key, which in (("toussaint", "toussaint"), ("christmas", "noel"), ("end_of_year", "summer"))}
    marks = {key: dt.date.fromisoformat(d) if d else None for key, (_n, d) in before.items()}
    # a holiday gone when planning started (the Toussaint of a year planned from November): no session of the
    # plan can be before it, and its share says nothing of the plan (told « date passée », as the solve's summary)
    plan_from = k.get("plan_from") or (report.get("settings") or {}).get("plan_from")
    gone = [f"share_by_{key}" for key, (_n, d) in before.items() if gone_at_start(d, plan_from)]

    def share(key: str) -> float | None:
        n, limit = before[key]
        if limit is None or not total or f"share_by_{key}" in gone:
            return None
        return round(n / total, 4)

    per_trainer = Counter(s.trainer_id for s in plan.sessions if s.trainer_id)
    per_week = Counter((s.trainer_id, s.date.isocalendar()[:2]) for s in plan.sessions if s.trainer_id)
    still, past = split_past(u for u in report.get("unplaced") or [] if isinstance(u, dict))
    b = budget_of(plan)
    breaches = k.get("heads_first_breaches")
    if breaches is None:
        breaches = heads_first_breaches(plan)
    return {
        "completion_date": max((s.date for s in step1), default=None),
        "toussaint_date": marks["toussaint"], "christmas_date": marks["christmas"],
        "end_of_year_date": marks["end_of_year"],
        "share_by_toussaint": share("toussaint"),
        "share_by_christmas": share("christmas"),
        "share_by_end_of_year": share("end_of_year"),
        "gone_at_start": gone,
        "sessions": len(plan.sessions),
        "step1_sessions": len(step1),
        "tot_sessions": sum(1 for s in plan.sessions if s.kind == "tot"),
        # the sessions to place still, and apart those whose date was gone when planning started (rule « past »)
        "unplaced_sessions": sessions_of(still),
        "past_sessions": sessions_of(past),
        "hours": b["total"]["total_hours"],
        "paid_hours": b["total"]["total_paid_hours"],
        "hours_step1_2d": b["report_reference"]["plan_hours_2d"],
        "cost_eur": b["total"]["cost_eur"],
        "cost_missing_rates": list(b["total"]["missing_rates"]),
        "envelope_difference_hours": b["envelope"]["difference_hours"],
        "peak_trainer_sessions": max(per_trainer.values(), default=0),
        "peak_trainer_week": max(per_week.values(), default=0),
        "heads_first_breaches": breaches,
        "group_size": (report.get("settings") or {}).get("group_size"),
        "status": report.get("status"),
    }


def heads_first_breaches(plan: Plan) -> int:
    """Units whose head (chef d'établissement: the bassin's cadre sessions; IEN: the département's) cannot
    be seated in a cadre session ending before the unit's first teacher session (step 1 or 2) — the same
    matching as the checker's « heads_first » rule (:mod:`planner.heads_first`), read off the plan alone."""
    head_of = {}
    for u in plan.units:
        if u.unit_type == "etablissement" and u.bassin:
            head_of[(u.unit_type, u.unit_id)] = ("bassin", u.bassin)
        elif u.unit_type == "circonscription":
            head_of[(u.unit_type, u.unit_id)] = ("departement", u.departement)
    seat = match_heads(cadre_seats(plan.sessions), first_teacher_sessions(plan.sessions), head_of)
    return sum(1 for v in seat.values() if v is None)


FIGURE_LABELS = {
    "completion_date": "Achèvement de l'étape 1",
    "share_by_toussaint": "Enseignants formés avant la Toussaint",
    "share_by_christmas": "Enseignants formés avant Noël",
    "share_by_end_of_year": "Enseignants formés avant l'été",
    "sessions": "Sessions (toutes étapes)",
    "step1_sessions": "Sessions d'étape 1",
    "tot_sessions": "Formations de formateurs",
    "unplaced_sessions": "Sessions non placées",
    "past_sessions": "Sessions déjà passées au début du plan",
    "hours": "Heures de formation",
    "paid_hours": "Heures payées (préparation comprise)",
    "hours_step1_2d": "Heures d'étape 1 du 2nd degré",
    "cost_eur": "Coût chiffré (€)",
    "envelope_difference_hours": "Écart à l'enveloppe (h)",
    "peak_trainer_sessions": "Charge maximale d'un formateur (sessions)",
    "peak_trainer_week": "Charge maximale d'un formateur en une semaine",
    "heads_first_breaches": "Unités dont le cadre est formé après l'équipe",
    "group_size": "Taille des groupes",
    "status": "Statut du calcul",
}


GONE = "date passée"  # a share at a holiday gone when planning started


def figure_value(key: str, figures: dict) -> object:
    """Figure ``key`` of one plan's :func:`plan_figures` (a spreadsheet's cell): :data:`GONE` for a share at a
    holiday gone when planning started."""
    return GONE if key in figures.get("gone_at_start", ()) else figures.get(key)


def figure_text(key: str, figures: dict) -> str:
    """:func:`figure_value` in French."""
    v = figure_value(key, figures)
    return v if v is GONE else fr_value(key, v)


def fr_value(key: str, v: object) -> str:
    if v is None:
        return "—"
    if isinstance(v, dt.date):
        from babel.dates import format_date

        return format_date(v, "d MMM y", locale="fr_FR")
    if key.startswith("share_"):
        return f"{100 * float(v):.1f} %".replace(".", ",")
    if isinstance(v, float):
        return f"{round(v):,}".replace(",", "\u202f")
    if isinstance(v, int):
        return f"{v:,}".replace(",", "\u202f")
    return str(v)


# ============================================================================ matching sessions
def _order(s: Session) -> tuple:
    return (s.date, s.start, s.session_id)


def _session_json(x: Session, *fields: str) -> dict:
    """``fields`` of session ``x`` for a JSON document (dates ISO)."""
    return {f: (v.isoformat() if isinstance(v, dt.date) else v) for f in fields for v in [getattr(x, f)]}


def match_sessions(a: list[Session], b: list[Session], key: Callable[[Session], Hashable]):
    """Sessions of ``a`` and ``b`` matched by ``key``: ``(moved, only_a, only_b, unchanged)``, where moved
    pairs changed date, time or trainer; lists in date order (``moved`` by its ``a`` side)."""
    ka = {key(s): s for s in a}
    kb = {key(s): s for s in b}
    moved: list[tuple[Session, Session]] = []
    only_a: list[Session] = []
    unchanged = 0
    for k, x in ka.items():
        y = kb.get(k)
        if y is None:
            only_a.append(x)
        elif (x.date, x.start, x.end, x.trainer_id) != (y.date, y.start, y.end, y.trainer_id):
            moved.append((x, y))
        else:
            unchanged += 1
    only_b = [y for k, y in kb.items() if k not in ka]
    moved.sort(key=lambda p: _order(p[0]))
    only_a.sort(key=_order)
    only_b.sort(key=_order)
    return moved, only_a, only_b, unchanged


# ============================================================================ diff by session id
@dataclass
class SessionDiff:
    """What changed from plan A to plan B, session by session (matched by ``session_id`` in
    :func:`diff_sessions`): moved (date, time or trainer), only in A, only in B, unchanged."""

    a: str
    b: str
    moved: list[tuple[Session, Session]] = field(default_factory=list)
    only_a: list[Session] = field(default_factory=list)
    only_b: list[Session] = field(default_factory=list)
    unchanged: int = 0

    def counts_fr(self) -> str:
        """« 15 110 sessions inchangées, 3 déplacées, 0 seulement dans « A », 2 seulement dans « B » » (the PDF's
        and the window's words, numbers grouped by thousands)."""
        def n(count: int) -> str:
            return fr_value("", count)

        return (f"{n(self.unchanged)} sessions inchangées, {n(len(self.moved))} déplacées, {n(len(self.only_a))} "
                f"seulement dans « {self.a} », {n(len(self.only_b))} seulement dans « {self.b} »")

    def to_json(self, limit: int | None = None) -> dict:
        def s(x: Session) -> dict:
            return _session_json(x, "session_id", "kind", "unit_type", "unit_id", "date", "start", "end", "trainer_id")
        moved = self.moved if limit is None else self.moved[:limit]
        return {"a": self.a, "b": self.b, "unchanged": self.unchanged, "moved_count": len(self.moved),
                "only_a_count": len(self.only_a), "only_b_count": len(self.only_b),
                "moved": [{"session_id": x.session_id, "from": s(x), "to": s(y)} for x, y in moved],
                "only_a": [x.session_id for x in (self.only_a if limit is None else self.only_a[:limit])],
                "only_b": [x.session_id for x in (self.only_b if limit is None else self.only_b[:limit])]}


def same_scenario(a: NamedPlan, b: NamedPlan) -> bool:
    ha = ((a.plan.report or {}).get("scenario") or {}).get("data_hash")
    hb = ((b.plan.report or {}).get("scenario") or {}).get("data_hash")
    if ha and hb:
        return ha == hb
    return {(u.unit_type, u.unit_id) for u in a.plan.units} == {(u.unit_type, u.unit_id) for u in b.plan.units}


def diff_sessions(a: NamedPlan, b: NamedPlan) -> SessionDiff:
    if not same_scenario(a, b):
        sa = ((a.plan.report or {}).get("scenario") or {}).get("name", "?")
        sb = ((b.plan.report or {}).get("scenario") or {}).get("name", "?")
        raise CompareError(f"les plans « {a.label} » ({sa}) et « {b.label} » ({sb}) ne portent pas sur le même "
                           "scénario (territoire ou effectifs différents) : leurs sessions ne se comparent pas. "
                           "Comparez seulement leurs chiffres (--sans-sessions).")
    moved, only_a, only_b, unchanged = match_sessions(a.plan.sessions, b.plan.sessions, lambda s: s.session_id)
    return SessionDiff(a.label, b.label, moved, only_a, only_b, unchanged)


# ============================================================================ the comparison
@dataclass
class Comparison:
    plans: list[NamedPlan]
    figures: list[dict]
    diffs: list[SessionDiff]

    def to_json(self, limit: int | None = 200) -> dict:
        def enc(v):
            return v.isoformat() if isinstance(v, dt.date) else v
        return {
            "plans": [{"label": p.label, "source": p.source,
                       "scenario": ((p.plan.report or {}).get("scenario") or {}).get("name"),
                       "figures": {k: enc(v) for k, v in f.items()}} for p, f in zip(self.plans, self.figures)],
            "labels": FIGURE_LABELS,
            "diffs": [d.to_json(limit) for d in self.diffs],
        }

    def table_fr(self) -> list[list[str]]:
        rows = [["Indicateur"] + [p.label for p in self.plans]]
        for key, label in FIGURE_LABELS.items():
            rows.append([label] + [figure_text(key, f) for f in self.figures])
        return rows

    def text_fr(self) -> str:
        rows = self.table_fr()
        widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
        out = ["  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))) for r in rows]
        for f, p in zip(self.figures, self.plans):
            if f["cost_missing_rates"]:
                out.append(f"« {p.label} » : coût hors catégories sans taux ({', '.join(f['cost_missing_rates'])}, "
                           "à renseigner).")
        for d in self.diffs:
            out.append(f"De « {d.a} » à « {d.b} » : {d.counts_fr()}.")
            for x, y in d.moved[:10]:
                out.append(f"  {x.session_id} : {x.date.isoformat()} {x.start} ({x.trainer_id or '—'}) → "
                           f"{y.date.isoformat()} {y.start} ({y.trainer_id or '—'})")
            if len(d.moved) > 10:
                out.append(f"  … et {fr_value('', len(d.moved) - 10)} autres (--json ou --out pour la liste).")
        return "\n".join(out)


def compare_plans(plans: list[NamedPlan], sessions: bool = True) -> Comparison:
    if len(plans) < 2:
        raise CompareError("il faut au moins deux plans à comparer")
    figures = [plan_figures(p.plan) for p in plans]
    diffs = [diff_sessions(plans[0], p) for p in plans[1:]] if sessions else []
    return Comparison(plans, figures, diffs)


# ============================================================================ the scenario file's plans
@dataclass
class PlanComparison(SessionDiff):
    """Two plans of the same scenario side by side. Sessions are matched by what they are (kind,
    audience, unit, group), not by their id, which a solver may renumber; ``removed`` / ``added`` are the
    sessions only in A / only in B. With the KPIs of each plan."""

    kpis: dict[str, tuple[Any, Any]] = field(default_factory=dict)

    @property
    def removed(self) -> list[Session]:
        return self.only_a

    @property
    def added(self) -> list[Session]:
        return self.only_b

    def to_json(self) -> dict:  # the scenario file's format: every session, with groups, and the KPIs
        def s(x: Session) -> dict:
            return _session_json(x, "session_id", "kind", "unit_type", "unit_id", "group", "date", "start", "trainer_id")
        return {
            "a": self.a, "b": self.b, "unchanged": self.unchanged,
            "moved": [{"from": s(x), "to": s(y)} for x, y in self.moved],
            "added": [s(x) for x in self.added], "removed": [s(x) for x in self.removed],
            "kpis": {k: list(v) for k, v in self.kpis.items()},
        }

    def summary_fr(self) -> str:
        lines = [f"Comparaison des plans « {self.a} » et « {self.b} »",
                 f"  Sessions inchangées : {self.unchanged}, déplacées : {len(self.moved)}, "
                 f"ajoutées : {len(self.added)}, supprimées : {len(self.removed)}"]
        for k, (x, y) in self.kpis.items():
            lines.append(f"  {KPI_LABELS.get(k, k)} : {x} → {y}")
        return "\n".join(lines)


KPI_LABELS = {
    "sessions": "Sessions",
    "step1_sessions": "Sessions d'étape 1",
    "tot_sessions": "Formations de formateurs",
    "participants": "Participants",
    "unplaced": "Sessions non placées",
    "first_date": "Première session",
    "last_date": "Dernière session",
    "trainers_used": "Formateurs mobilisés",
    "max_sessions_per_trainer": "Sessions max. d'un formateur",
    "pinned": "Sessions fixées",
}


def plan_kpis(plan: Plan, index=None) -> dict:
    """KPIs of a plan kept by the scenario file, computed from its sessions (plus the solver's own KPIs
    when its report has some); from the columns of ``index`` (the plan's
    :class:`planner.plan_index.PlanIndex`) when given."""
    ss = plan.sessions
    if index is not None and index.plan is plan and ss:
        k = _index_kpis(index)
    else:
        per_trainer: dict[str, int] = {}
        for s in ss:
            if s.trainer_id:
                per_trainer[s.trainer_id] = per_trainer.get(s.trainer_id, 0) + 1
        k = {
            "sessions": len(ss),
            "step1_sessions": sum(1 for s in ss if s.kind == "step1"),
            "tot_sessions": sum(1 for s in ss if s.kind == "tot"),
            "participants": sum(s.participants for s in ss),
            "first_date": min((s.date for s in ss), default=None),
            "last_date": max((s.date for s in ss), default=None),
            "trainers_used": len(per_trainer),
            "max_sessions_per_trainer": max(per_trainer.values(), default=0),
            "pinned": sum(1 for s in ss if s.pinned),
        }
    k = {**k, "unplaced": sessions_of(split_past(plan.unplaced)[0])}  # sessions to place still, as the window counts
    k = {key: k[key] for key in KPI_LABELS}
    k = {key: (v.isoformat() if isinstance(v, dt.date) else v) for key, v in k.items()}
    extra = plan.report.get("kpis") if isinstance(plan.report, dict) else None
    if isinstance(extra, dict):
        for key, v in extra.items():
            if isinstance(v, (int, float, str, bool)) or v is None:
                k.setdefault(str(key), v)
    return k


def _index_kpis(ix) -> dict:
    import numpy as np

    def count(values, codes, v) -> int:
        i = int(np.searchsorted(values, v))
        return int((codes == i).sum()) if i < len(values) and values[i] == v else 0

    with_trainer = ix.trainer_code[ix.has_trainer]
    per_trainer = np.bincount(with_trainer) if len(with_trainer) else np.zeros(0, dtype=np.int64)
    return {
        "sessions": ix.n,
        "step1_sessions": count(ix.kind_values, ix.kind_code, "step1"),
        "tot_sessions": count(ix.kind_values, ix.kind_code, "tot"),
        "participants": int(ix.participants.sum()),
        "first_date": dt.date.fromordinal(int(ix.date_ord.min())),
        "last_date": dt.date.fromordinal(int(ix.date_ord.max())),
        "trainers_used": int((per_trainer > 0).sum()),
        "max_sessions_per_trainer": int(per_trainer.max()) if len(per_trainer) else 0,
        "pinned": int(ix.pinned.sum()),
    }


def _session_key(s: Session) -> tuple:
    if s.group:
        return (s.kind, s.audience, s.unit_type, s.unit_id, s.group)
    return (s.kind, s.audience, s.unit_type, s.unit_id, "id", s.session_id)


def compare(a: Plan, b: Plan, name_a: str = "A", name_b: str = "B") -> PlanComparison:
    """Two plans of one scenario file, sessions matched by what they are (:func:`_session_key`)."""
    moved, removed, added, unchanged = match_sessions(a.sessions, b.sessions, _session_key)
    x, y = plan_kpis(a), plan_kpis(b)
    kpis = {k: (x.get(k), y.get(k)) for k in list(x) + [k for k in y if k not in x]}
    return PlanComparison(name_a, name_b, moved, removed, added, unchanged, kpis)


__all__ = ["CompareError", "Comparison", "FIGURE_LABELS", "KPI_LABELS", "NamedPlan", "PlanComparison", "SessionDiff",
           "compare", "compare_plans", "diff_sessions", "figure_text", "figure_value", "load_plan_spec",
           "match_sessions", "plan_figures", "plan_kpis", "same_scenario", "scenario_data_hash"]
