"""The school year of a plan and the day planning starts from: the one place that reads the clock.

A school year ``2026-2027`` is planned over a horizon that starts on 15 June 2026 (trainers may be
trained before the summer) and ends the day before the summer break of 2027 (metropolitan rule: the
first Saturday of July or after). ``default_dates(today)`` gives, for a machine whose clock says
``today``, the school year containing today (the next one during the summer break) and the day to
plan from: today when it lies inside that year's horizon, otherwise the horizon's start.

Tests and benchmarks never read the clock: they pass dates, or set ``PLANIFICATEUR_TODAY``
(``AAAA-MM-JJ``) for a whole process, as ``tests/conftest.py`` does.
"""
from __future__ import annotations

import datetime as dt
import os
import re

TODAY_ENV = "PLANIFICATEUR_TODAY"
_YEAR_RE = re.compile(r"^\s*(\d{4})\s*[-/]\s*(\d{4})\s*$")


def today() -> dt.date:
    """The machine's date (or ``PLANIFICATEUR_TODAY`` when set to an ISO date)."""
    v = os.environ.get(TODAY_ENV, "").strip()
    if v:
        try:
            return dt.date.fromisoformat(v)
        except ValueError:
            pass
    return dt.date.today()


def parse_school_year(text: str | int) -> int:
    """``"2026-2027"`` → 2026 (the year it starts); a French ``ValueError`` otherwise."""
    if isinstance(text, int):
        return text
    m = _YEAR_RE.match(str(text))
    if not m or int(m.group(2)) != int(m.group(1)) + 1 or not 2000 <= int(m.group(1)) <= 2100:
        raise ValueError(f"année scolaire « {text} » invalide : attendu par exemple 2026-2027")
    return int(m.group(1))


def school_year_label(year: int) -> str:
    return f"{year}-{year + 1}"


def summer_break_start(year: int) -> dt.date:
    """First day of the summer break in July of ``year`` (the first Saturday on or after 1 July)."""
    d = dt.date(year, 7, 1)
    return d + dt.timedelta(days=(5 - d.weekday()) % 7)


def horizon(year: int) -> tuple[dt.date, dt.date]:
    """Planning horizon of the school year starting in ``year``: 15 June, to the eve of next summer."""
    return dt.date(year, 6, 15), summer_break_start(year + 1) - dt.timedelta(days=1)


def school_year_containing(d: dt.date) -> int:
    """The school year under way on ``d``; during the summer break, the one about to start."""
    return d.year if d >= summer_break_start(d.year) else d.year - 1


def default_dates(today: dt.date, school_year: int | None = None) -> tuple[int, dt.date]:
    """(school year, plan_from) for a machine whose clock says ``today``.

    The school year is ``school_year`` when given, else the one containing ``today``; planning starts
    today when today lies inside that year's horizon, else at the horizon's start."""
    year = school_year_containing(today) if school_year is None else school_year
    start, end = horizon(year)
    return year, (today if start <= today <= end else start)
