"""French formatting helpers for the interface (numbers, dates, labels)."""
from __future__ import annotations

import datetime as dt

from planner.models import UNIT_TYPE_LABELS
from planner.plan import KIND_LABELS
from planner.settings import AUDIENCE_LABELS, DEFAULT_WINDOWS

NNBSP = "\u202f"
DAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
DAYS_SHORT = ["lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim."]
MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
          "octobre", "novembre", "décembre"]
MONTHS_SHORT = ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."]

KIND_SHORT = {
    "tot": "Formation de formateurs",
    "step1": "Étape 1",
    "step2": "Étape 2",
    "step3": "Étape 3",
    "step4": "Étape 4",
    "step5": "Étape 5",
    "step6": "Étape 6",
}


def num(n: float | int | None, decimals: int = 0) -> str:
    if n is None:
        return "—"
    if decimals:
        s = f"{n:,.{decimals}f}"
    else:
        s = f"{int(round(n)):,}"
    return s.replace(",", NNBSP).replace(".", ",")


def pct(x: float | None) -> str:
    return "—" if x is None else f"{x * 100:.1f}".replace(".", ",") + NNBSP + "%"


def date_short(d: dt.date | None) -> str:
    return "—" if d is None else d.strftime("%d/%m/%Y")


def date_long(d: dt.date | None) -> str:
    if d is None:
        return "—"
    return f"{DAYS[d.weekday()]} {d.day}{'er' if d.day == 1 else ''} {MONTHS[d.month - 1]} {d.year}"


def day_span(a: dt.date, b: dt.date) -> str:
    """« 30 août – 5 sept. 2027 », « 1er – 7 mars 2027 », « 28 déc. 2026 – 3 janv. 2027 »: the year and the month
    said once when both days share them (a week's title, short enough beside its buttons)."""
    def day(d: dt.date) -> str:
        return f"{d.day}{'er' if d.day == 1 else ''}"

    first = day(a) + ("" if (a.year, a.month) == (b.year, b.month) else f" {MONTHS_SHORT[a.month - 1]}") + (
        "" if a.year == b.year else f" {a.year}")
    return f"{first} – {day(b)} {MONTHS_SHORT[b.month - 1]} {b.year}"


def date_medium(d: dt.date) -> str:
    return f"{DAYS_SHORT[d.weekday()]} {d.day} {MONTHS_SHORT[d.month - 1]} {d.year}"


def window_label(name: str, settings=None) -> str:
    if settings is not None and name in settings.windows:
        return settings.windows[name].label
    spec = DEFAULT_WINDOWS.get(name)
    return spec.label if spec else (name or "—")


def audience_label(a: str) -> str:
    return AUDIENCE_LABELS.get(a, a or "—")


def kind_label(k: str, long: bool = False) -> str:
    return (KIND_LABELS if long else KIND_SHORT).get(k, k or "—")


def unit_type_label(t: str) -> str:
    return UNIT_TYPE_LABELS.get(t, t or "—")


def hours(minutes: float) -> str:
    h = minutes / 60
    return num(h, 1 if h != int(h) else 0) + NNBSP + "h"


ESTIMATED = "estimé"


def estimated_tip(unit_types) -> str:
    """Tooltip lines saying how the estimated headcounts of these unit types were obtained (teachers of
    circonscriptions and établissements, personnels de direction of bassins, inspectors of départements)."""
    from planner.demand import estimate_method, estimate_replace

    present = set(unit_types)  # once: a generator is read only once
    types = [t for t in ("circonscription", "etablissement", "bassin", "departement") if t in present]
    whose = {"bassin": " (personnels de direction)", "departement": " (inspecteurs)"}
    lines = [f"{unit_type_label(t)}{whose.get(t, '')} : effectif {ESTIMATED} {estimate_method(t)}." for t in types]
    return "\n".join(lines + list(dict.fromkeys(estimate_replace(t) for t in types))) if lines else ""
