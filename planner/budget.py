"""Hours and money as a finance office counts them: who delivers, who is paid, at what rate, within which envelope.

No Qt, no solver: the budget is read off a plan (its sessions, trainers and units) or off the demand
(before planning), with the rate table of :class:`BudgetSettings` (a field of the scenario's settings).

Categories (who delivers → who pays):

- ``step1_2d``  step 1 of the 2nd degré, by the établissements' local trainers (the hours the report finances);
- ``step1_1d``  step 1 of the 1er degré, by CPC and eRUN (the report finances nothing: within their service);
- ``cadres``    step 1 of personnels de direction and inspectors, by the trainers-of-trainers network;
- ``tot``       train-the-trainer sessions, by the trainers-of-trainers (FdF);
- ``step5``     step-5 briques (deepening);
- ``steps_2_6`` steps 2, 3, 4 and 6: meetings led by the unit itself (head, IEN), not training pay.

Rates: arrêté du 7 mai 2012 (NOR MENF1220270A, under décret 2010-235) for training given as an
accessory activity, per hour: « sensibilisation et initiation » 25–40 €, « approfondissement »
30–80 €, « expertise » 35–90 €; the organising service sets the rate within its budget. The defaults
are the floor of each range (step 1 of the 2nd degré, briques, train-the-trainer); the categories the
report does not cost (1er degré, cadres) are left empty and flagged « à renseigner ».

The report's 28,800 h (9,600 établissements × 3 one-hour sessions) is a pooled figure: with
``hours_basis = "report"`` the 2nd degré is counted its way and the total is exactly 28,800 h on the
national reference; with ``"plan"`` (default) each établissement's real sessions are counted
(``ceil(teachers / group size)`` per établissement), and both figures are shown side by side.
"""
from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from operator import attrgetter
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from .text import hhmm_minutes

REPORT_HOURS = 28_800  # IGÉSR 2025: 9,600 établissements × 3 sessions × 1 h (2nd degré)
REPORT_ETABLISSEMENTS = 9_600
REPORT_SESSIONS_PER_ETAB = 3
REPORT_TEACHERS_2D = 386_950  # DEPP 2024, public sector: the envelope's pro-rata denominator
ARRETE = "arrêté du 7 mai 2012 (NOR MENF1220270A)"

PayScale = Literal["sensibilisation", "approfondissement", "expertise"]
PAY_SCALES: dict[str, tuple[str, float, float]] = {
    "sensibilisation": ("sensibilisation et initiation", 25.0, 40.0),
    "approfondissement": ("approfondissement", 30.0, 80.0),
    "expertise": ("expertise", 35.0, 90.0),
}


@dataclass(frozen=True)
class Category:
    id: str
    label: str
    who: str
    payer: str
    scale: str | None
    default_rate: float | None
    basis: str
    paid: bool = True  # False: counted in hours, never paid as training (meetings of the unit)


CATEGORIES: dict[str, Category] = {c.id: c for c in (
    Category("step1_2d", "Étape 1 — enseignants du 2nd degré", "Formateurs d'établissement (2nd degré)",
             "Académie (EAFC) : rémunération accessoire", "sensibilisation", 25.0,
             f"{ARRETE}, « sensibilisation et initiation » 25 à 40 €/h : taux plancher"),
    Category("step1_1d", "Étape 1 — enseignants du 1er degré", "CPC et eRUN (1er degré)",
             "DSDEN : dans le service (rien n'est financé par le rapport)", "sensibilisation", None,
             "à renseigner : 0 € si les CPC et eRUN forment dans leur service ; sinon "
             f"{ARRETE}, 25 à 40 €/h"),
    Category("cadres", "Étape 1 — personnels de direction et inspecteurs", "Réseau des formateurs de formateurs",
             "Académie ou national (non chiffré par le rapport)", "sensibilisation", None,
             f"à renseigner : non chiffré par le rapport ; {ARRETE}, 25 à 40 €/h"),
    Category("tot", "Formation des formateurs locaux", "Formateurs de formateurs (FdF)",
             "Académie (EAFC) : rémunération accessoire", "expertise", 35.0,
             f"{ARRETE}, « expertise » 35 à 90 €/h : taux plancher"),
    Category("step5", "Étape 5 — briques d'approfondissement", "Formateurs des briques",
             "Académie (EAFC) : rémunération accessoire", "approfondissement", 30.0,
             f"{ARRETE}, « approfondissement » 30 à 80 €/h : taux plancher"),
    Category("steps_2_6", "Étapes 2, 3, 4 et 6 — réunions de l'unité", "Chef d'établissement, IEN, équipes",
             "Temps de service : pas de rémunération de formation", None, 0.0,
             "réunions animées par l'unité elle-même (groupes de travail, charte, instances, familles)", paid=False),
)}
CATEGORY_ORDER = tuple(CATEGORIES)
TO_FILL = "à renseigner"


class BudgetSettings(BaseModel):
    """The editable rate table, preparation time, hours basis and envelopes (French labels)."""

    model_config = ConfigDict(validate_assignment=True, extra="forbid")

    hours_basis: Literal["plan", "report"] = Field(
        "plan", title="Heures comptées",
        description="« plan » : les sessions réelles de chaque unité ; « report » : les hypothèses mutualisées du "
                    "rapport pour le 2nd degré (3 sessions d'une heure par établissement, soit 28 800 h).")
    rates: dict[str, float | None] = Field(
        default_factory=lambda: {c.id: c.default_rate for c in CATEGORIES.values()},
        title="Taux horaires (€) par catégorie", description=f"Vide : à renseigner. Barème : {ARRETE}.")
    preparation_minutes: dict[str, int] = Field(
        default_factory=lambda: {c: 0 for c in CATEGORY_ORDER}, title="Préparation par session (min)",
        description="Temps de préparation payé en plus de chaque session, par catégorie (0 : non payé).")
    national_envelope_hours: float = Field(REPORT_HOURS, ge=0, le=10_000_000, title="Enveloppe nationale (h)",
                                           description="Heures financées pour l'étape 1 du 2nd degré (rapport : 28 800 h).")
    national_teachers_2d: int = Field(REPORT_TEACHERS_2D, ge=1, le=10_000_000, title="Enseignants du 2nd degré (national)",
                                      description="Base de la répartition de l'enveloppe au prorata (DEPP 2024 : 386 950).")
    envelope_hours_by_academie: dict[str, float] = Field(
        default_factory=dict, title="Enveloppe par académie (h)",
        description="Remplace la part au prorata pour les académies indiquées (code → heures).")

    @field_validator("rates", mode="before")
    @classmethod
    def _rates(cls, v: object) -> dict:
        if not isinstance(v, dict):
            raise ValueError("table de taux attendue (catégorie → € de l'heure)")
        out = {c.id: c.default_rate for c in CATEGORIES.values()}
        for k, r in v.items():
            if k not in CATEGORIES:
                raise ValueError(f"catégorie inconnue « {k} » (attendu : {', '.join(CATEGORY_ORDER)})")
            if r in (None, ""):
                out[k] = None
                continue
            try:
                r = float(str(r).replace(",", "."))
            except ValueError:
                raise ValueError(f"taux « {k} » : nombre attendu (reçu {r!r})") from None
            if r < 0 or not math.isfinite(r):
                raise ValueError(f"taux « {k} » ({CATEGORIES[k].label}) : un taux horaire ne peut pas être négatif "
                                 f"(reçu {r:g} €)")
            if r > 1000:
                raise ValueError(f"taux « {k} » : {r:g} € de l'heure est invraisemblable (1 000 € au plus)")
            out[k] = r
        return out

    @field_validator("preparation_minutes", mode="before")
    @classmethod
    def _prep(cls, v: object) -> dict:
        if not isinstance(v, dict):
            raise ValueError("table attendue (catégorie → minutes)")
        out = {c: 0 for c in CATEGORY_ORDER}
        for k, m in v.items():
            if k not in CATEGORIES:
                raise ValueError(f"catégorie inconnue « {k} » (attendu : {', '.join(CATEGORY_ORDER)})")
            try:
                m = int(m)
            except (TypeError, ValueError):
                raise ValueError(f"préparation « {k} » : nombre de minutes attendu (reçu {m!r})") from None
            if not 0 <= m <= 600:
                raise ValueError(f"préparation « {k} » : entre 0 et 600 minutes par session (reçu {m})")
            out[k] = m
        return out

    @field_validator("envelope_hours_by_academie")
    @classmethod
    def _env(cls, v: dict[str, float]) -> dict[str, float]:
        for k, h in v.items():
            if h < 0:
                raise ValueError(f"enveloppe de l'académie {k} : nombre d'heures négatif ({h:g})")
        return v


# ============================================================================ counting
def category_of(kind: str, audience: str) -> str | None:
    """The budget category of a session (None: not counted)."""
    if kind == "tot":
        return "tot"
    if kind == "step1":
        return {"teachers_2d": "step1_2d", "teachers_1d": "step1_1d", "perdir": "cadres",
                "inspectors": "cadres"}.get(audience)
    if kind == "step5":
        return "step5"
    if kind in ("step2", "step3", "step4", "step6"):
        return "steps_2_6"
    return None


def _minutes(start: str, end: str) -> int:
    return max(0, hhmm_minutes(end) - hhmm_minutes(start))


@dataclass
class _Tally:
    sessions: int = 0
    minutes: int = 0


def _paid_hours(cid: str, t: _Tally, bs: BudgetSettings) -> float:
    if not CATEGORIES[cid].paid:
        return 0.0
    return t.minutes / 60 + t.sessions * bs.preparation_minutes.get(cid, 0) / 60


def _settings_of(settings: object) -> tuple[BudgetSettings, int, int]:
    """(budget settings, step-1 minutes, group size) from a Settings model or a report's settings dict."""
    if isinstance(settings, dict):
        b = settings.get("budget")
        bs = BudgetSettings.model_validate(b) if isinstance(b, dict) else BudgetSettings()
        return bs, int(settings.get("step1_minutes") or 60), int(settings.get("group_size") or 15)
    if settings is None:
        return BudgetSettings(), 60, 15
    return getattr(settings, "budget", None) or BudgetSettings(), settings.step1_minutes, settings.group_size


_BUDGET_KEY = attrgetter("kind", "audience", "academie", "departement", "start", "end")


def session_counts(sessions) -> Counter:
    """The sessions counted by (kind, audience, académie, département, start, end), in order of first appearance:
    what :func:`plan_budget` and :func:`planner.report.teacher_kpis` count a plan's sessions by (one pass of a
    national plan's 350,000 sessions for both), a slice at a time (:func:`planner.plan.in_slices`: a window waiting
    for the interpreter gets it between two; in one piece, a solve's end held it 0.18 s)."""
    from .plan import in_slices

    counts: Counter = Counter()
    for part in in_slices(sessions if isinstance(sessions, list) else list(sessions)):
        counts.update(map(_BUDGET_KEY, part))
    return counts


def plan_budget(plan, settings: object | None = None, index=None, counts: Counter | None = None) -> dict:
    """The ``budget`` block of ``report.json`` for a plan (``settings``: Settings, or the report's dict).
    With ``index`` (the plan's :class:`planner.plan_index.PlanIndex`) sessions are counted from its columns;
    ``counts``: :func:`session_counts` of its sessions, when the caller has it."""
    if settings is None:
        settings = (plan.report or {}).get("settings") if isinstance(plan.report, dict) else None
    if index is not None and index.plan is plan:  # counted once per plan, whatever the rates and the group size
        items = index.memo(("budget_items",), lambda: _index_items(index))
    else:
        if counts is None:
            counts = session_counts(plan.sessions)
        items = [(kind, aud, acad, dep, n, n * _minutes(a, b)) for (kind, aud, acad, dep, a, b), n in counts.items()]
    etabs = [(u.academie, u.departement, u.teachers) for u in plan.units if u.unit_type == "etablissement"]
    return _budget(items, etabs, settings, source="plan")


def _index_items(ix) -> list[tuple]:
    """(kind, audience, académie, département, sessions, minutes) per distinct combination, from a plan index (read
    only: :func:`plan_budget` keeps it on the index)."""
    import numpy as np

    if not ix.n:
        return []
    sizes = [len(ix.kind_values), len(ix.aud_values), len(ix.acad_values), len(ix.dep_values)]
    key = ((ix.kind_code * sizes[1] + ix.aud_code) * sizes[2] + ix.acad_code) * sizes[3] + ix.dep_code
    if sizes[0] * sizes[1] * sizes[2] * sizes[3] <= 1 << 22:  # counted by key (no sort of the plan's rows)
        counts = np.bincount(key)
        uniq = np.flatnonzero(counts)
        n = counts[uniq]
        mins = np.bincount(key, weights=np.maximum(ix.minutes, 0))[uniq].round().astype(np.int64)
    else:
        uniq, inv = np.unique(key, return_inverse=True)
        n = np.bincount(inv)
        mins = np.bincount(inv, weights=np.maximum(ix.minutes, 0)).round().astype(np.int64)
    out = []
    for k, cnt, m in zip(uniq.tolist(), n.tolist(), mins.tolist()):
        k, dep = divmod(k, sizes[3])
        k, acad = divmod(k, sizes[2])
        kind, aud = divmod(k, sizes[1])
        out.append((str(ix.kind_values[kind]), str(ix.aud_values[aud]), str(ix.acad_values[acad]),
                    str(ix.dep_values[dep]), cnt, m))
    return out


def demand_budget(sc) -> dict:
    """The same block before planning, from the scenario's demand (step 1 and train-the-trainer only)."""
    from .demand import compute_demand

    dem = compute_demand(sc)
    s = sc.settings
    items = [("step1", u.audience, u.academie, u.departement, u.sessions, u.sessions * s.step1_minutes)
             for u in dem.units if u.sessions]
    items += [("tot", "trainers", a, "", n, n * s.tot_minutes) for a, n in dem.tot_by_academie.items() if n]
    etabs = [(e.academie, e.departement, e.teachers) for e in sc.in_scope_etablissements()]
    return _budget(items, etabs, s, source="demand")


def _budget(items, etabs, settings, source: str) -> dict:
    bs, step1_min, gs = _settings_of(settings)
    tally: dict[str, _Tally] = defaultdict(_Tally)
    by_acad: dict[str, dict[str, _Tally]] = defaultdict(lambda: defaultdict(_Tally))
    by_dep: dict[tuple[str, str], dict[str, _Tally]] = defaultdict(lambda: defaultdict(_Tally))
    for kind, audience, acad, dep, n, mins in items:
        cat = category_of(kind, audience)
        if cat is None:
            continue
        for t in (tally[cat], by_acad[acad][cat], by_dep[(acad, dep)][cat] if dep else _Tally()):
            t.sessions += n
            t.minutes += mins
    etabs_by_acad: dict[str, int] = defaultdict(int)
    etabs_by_dep: dict[tuple[str, str], int] = defaultdict(int)
    teachers_by_acad: dict[str, int] = defaultdict(int)
    for acad, dep, teachers in etabs:
        etabs_by_acad[acad] += 1
        etabs_by_dep[(acad, dep)] += 1
        teachers_by_acad[acad] += teachers
    report_minutes = REPORT_SESSIONS_PER_ETAB * step1_min
    if bs.hours_basis == "report":  # the report's pooled rule for the 2nd degré, nothing else counted
        def as_report(groups: dict, n_etabs: dict) -> None:
            for key, cats in groups.items():
                for cat in list(cats):
                    cats[cat] = _Tally()
                n = n_etabs.get(key, 0)
                cats["step1_2d"] = _Tally(n * REPORT_SESSIONS_PER_ETAB, n * report_minutes)
        for a in etabs_by_acad:
            by_acad[a]  # noqa: B018 (an académie with établissements but no session yet)
        for k in etabs_by_dep:
            by_dep[k]  # noqa: B018
        as_report(by_acad, etabs_by_acad)
        as_report(by_dep, etabs_by_dep)
        tally = defaultdict(_Tally)
        n_all = sum(etabs_by_acad.values())
        tally["step1_2d"] = _Tally(n_all * REPORT_SESSIONS_PER_ETAB, n_all * report_minutes)

    def money(cats: dict[str, _Tally]) -> dict:
        hours, paid, cost, low, high, missing = {}, {}, 0.0, 0.0, 0.0, []
        for cid in CATEGORY_ORDER:
            t = cats.get(cid) or _Tally()
            h = t.minutes / 60
            p = _paid_hours(cid, t, bs)
            hours[cid], paid[cid] = round(h, 2), round(p, 2)
            rate = bs.rates.get(cid)
            if rate is None:
                if p:
                    missing.append(cid)
            else:
                cost += p * rate
            scale = PAY_SCALES.get(CATEGORIES[cid].scale or "")
            if scale:
                low += p * scale[1]
                high += p * scale[2]
            elif rate is not None:
                low += p * rate
                high += p * rate
        return {"hours": hours, "paid_hours": paid, "total_hours": round(sum(hours.values()), 2),
                "total_paid_hours": round(sum(paid.values()), 2), "cost_eur": round(cost, 2),
                "cost_range_eur": [round(low, 2), round(high, 2)], "missing_rates": missing}

    categories = []
    for cid in CATEGORY_ORDER:
        c, t = CATEGORIES[cid], tally.get(cid) or _Tally()
        rate = bs.rates.get(cid)
        prep = bs.preparation_minutes.get(cid, 0)
        paid = _paid_hours(cid, t, bs)
        scale = PAY_SCALES.get(c.scale or "")
        default_note = c.basis if rate == c.default_rate else "taux saisi par l'utilisateur"
        categories.append({
            "id": cid, "label": c.label, "who": c.who, "payer": c.payer, "sessions": t.sessions,
            "hours": round(t.minutes / 60, 2), "preparation_minutes": prep, "paid_hours": round(paid, 2),
            "rate_eur": rate, "rate_status": TO_FILL if rate is None else "renseigné", "rate_basis": default_note,
            "legal_range_eur": [scale[1], scale[2]] if scale else None, "scale": scale[0] if scale else None,
            "cost_eur": None if rate is None else round(paid * rate, 2),
        })
    total = money(tally)

    # the report's figure and ours, side by side
    n_etabs = sum(etabs_by_acad.values())
    teachers_2d = sum(teachers_by_acad.values())
    plan_2d = next(x for x in categories if x["id"] == "step1_2d")
    pooled = int(math.floor(teachers_2d / gs + 0.5)) * step1_min / 60 if gs else 0
    report_ref = {
        "hours": REPORT_HOURS, "formula": "9 600 établissements × 3 sessions × 1 h (2nd degré, étape 1)",
        "scope_hours": round(n_etabs * report_minutes / 60, 2), "etablissements": n_etabs,
        "scope_formula": f"{n_etabs} établissements × {REPORT_SESSIONS_PER_ETAB} sessions × {step1_min / 60:g} h",
        "plan_hours_2d": plan_2d["hours"], "pooled_hours_2d": round(pooled, 2),
        "difference": round(plan_2d["hours"] - n_etabs * report_minutes / 60, 2),
        "reason": (f"Le rapport compte 3 sessions par établissement (moyenne arrondie) ; le plan compte les groupes "
                   f"réels de chaque établissement (enseignants ÷ {gs}, arrondi au groupe supérieur, un groupe ne "
                   f"mélangeant jamais deux établissements). Chiffre mutualisé (tous les enseignants ÷ {gs}) : "
                   f"{round(pooled):,} h.".replace(",", "\u202f")),
    }
    # envelopes: the national hours pro rata to each académie's 2nd-degré teachers (or the user's figure)
    rate_2d = bs.rates.get("step1_2d")
    acad_rows, env_total, used_total = [], 0.0, 0.0
    for code in sorted(set(by_acad) | set(etabs_by_acad)):
        m = money(by_acad.get(code, {}))
        env = bs.envelope_hours_by_academie.get(code)
        rule = "saisie"
        if env is None:
            env = bs.national_envelope_hours * teachers_by_acad.get(code, 0) / bs.national_teachers_2d
            rule = "prorata"
        used = m["paid_hours"]["step1_2d"]
        env_total += env
        used_total += used
        diff = used - env
        acad_rows.append({
            "code": code, **m, "teachers_2d": teachers_by_acad.get(code, 0), "etablissements": etabs_by_acad.get(code, 0),
            "envelope_hours": round(env, 2), "envelope_rule": rule,
            "envelope_eur": None if rate_2d is None else round(env * rate_2d, 2),
            "financed_hours": round(used, 2), "difference_hours": round(diff, 2),
            "difference_eur": None if rate_2d is None else round(diff * rate_2d, 2),
            "status": "dépassement" if diff > 0.005 else ("marge" if diff < -0.005 else "à l'équilibre"),
        })
    dep_rows = [{"academie": a, "code": d, **money(cats)} for (a, d), cats in sorted(by_dep.items())]
    return {
        "source": source,
        "hours_basis": bs.hours_basis,
        "hours_basis_label": ("hypothèses mutualisées du rapport (3 sessions d'1 h par établissement du 2nd degré)"
                              if bs.hours_basis == "report" else "sessions réelles du plan, unité par unité"),
        "categories": categories,
        "total": total,
        "report_reference": report_ref,
        "envelope": {
            "national_hours": bs.national_envelope_hours,
            "rule": (f"{bs.national_envelope_hours:g} h × enseignants du 2nd degré de l'académie ÷ "
                     f"{bs.national_teachers_2d} (prorata de la demande du 2nd degré)"),
            "hours": round(env_total, 2), "financed_hours": round(used_total, 2),
            "difference_hours": round(used_total - env_total, 2),
            "compared": "heures payées de l'étape 1 du 2nd degré (préparation comprise)",
        },
        "by_academie": acad_rows,
        "by_departement": dep_rows,
    }


def budget_of(plan) -> dict:
    """The plan's budget, always recomputed from its sessions with its report's settings (so a plan
    re-planned unit by unit, or an older plan without ``budget``, is never stale)."""
    return plan_budget(plan)


def fr_hours(h: float | None) -> str:
    if h is None:
        return "—"
    return f"{round(h):,}".replace(",", "\u202f") + " h"


def fr_eur(x: float | None) -> str:
    if x is None:
        return TO_FILL
    return f"{round(x):,}".replace(",", "\u202f") + " €"


def budget_lines_fr(b: dict) -> list[str]:
    """A short French summary (CLI, window tooltip)."""
    t = b["total"]
    lines = [f"Budget ({b['hours_basis_label']}) :"]
    for c in b["categories"]:
        if not c["hours"] and not c["paid_hours"]:
            continue
        if c["rate_eur"] is None:
            lines.append(f"  {c['label']} : {fr_hours(c['paid_hours'])}, taux {TO_FILL}")
        elif not c["paid_hours"]:
            lines.append(f"  {c['label']} : {fr_hours(c['hours'])} (non payées comme formation)")
        else:
            lines.append(f"  {c['label']} : {fr_hours(c['paid_hours'])} à {c['rate_eur']:g} €/h = {fr_eur(c['cost_eur'])}")
    lines.append(f"  Total : {fr_hours(t['total_paid_hours'])}, {fr_eur(t['cost_eur'])}"
                 + (f" (hors {len(t['missing_rates'])} catégorie(s) à renseigner)" if t["missing_rates"] else ""))
    r = b["report_reference"]
    lines.append(f"  Rapport : {fr_hours(r['scope_hours'])} ({r['scope_formula']}) ; plan : {fr_hours(r['plan_hours_2d'])}.")
    e = b["envelope"]
    lines.append(f"  Enveloppe : {fr_hours(e['hours'])} ; heures financées : {fr_hours(e['financed_hours'])} "
                 f"(écart {'+' if e['difference_hours'] > 0 else ''}{round(e['difference_hours']):,} h).".replace(",", "\u202f"))
    return lines


__all__ = ["BudgetSettings", "CATEGORIES", "CATEGORY_ORDER", "REPORT_HOURS", "budget_lines_fr", "budget_of",
           "category_of", "demand_budget", "fr_eur", "fr_hours", "plan_budget"]
