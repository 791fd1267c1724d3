"""School-year calendar: school days per zone, public holidays, pré-rentrée, windows and meeting days.

Sources: the ``vacances-scolaires-france`` package (official school holidays of zones A, B and C,
shipped up to 2028) and ``holidays`` (public holidays, Alsace-Moselle and overseas included). The
Pont de l'Ascension is added where the package lacks it. The teachers' pré-rentrée is the last
weekday before the pupils' return, although the package marks it as summer holiday.

Corse and the overseas académies have calendars of their own that neither package holds: they use
the zone given in ``data/academies.csv`` (``zone_calendrier``) and are flagged as an approximation.
"""
from __future__ import annotations

import datetime as dt
import zlib
from dataclasses import dataclass
from functools import lru_cache

import holidays as _holidays
from vacances_scolaires_france import SchoolHolidayDates

from .settings import Settings, WindowSpec

_SHD = SchoolHolidayDates()

ALSACE_MOSELLE = {"057": "57", "067": "6AE", "068": "6AE"}
OVERSEAS = {"971": "971", "972": "972", "973": "973", "974": "974", "976": "976"}


def school_year_of(d: dt.date) -> int:
    """The year in which the school year containing ``d`` starts (August counts with the next year)."""
    return d.year if d.month >= 8 else d.year - 1


def term_of(d: dt.date) -> tuple[int, int]:
    """(school year, term 1–3): Sept–Dec, Jan–Mar, Apr–Aug."""
    m = d.month
    term = 1 if m >= 8 else (2 if m <= 3 else 3)
    return school_year_of(d), term


def iso_week(d: dt.date) -> tuple[int, int]:
    y, w, _ = d.isocalendar()
    return y, w


@lru_cache(maxsize=64)
def _public_holidays(subdiv: str | None, year: int) -> frozenset[dt.date]:
    cal = _holidays.France(years=year, subdiv=subdiv) if subdiv else _holidays.France(years=year)
    return frozenset(cal.keys())


def public_holiday_subdivision(departement: str | None) -> str | None:
    if not departement:
        return None
    return ALSACE_MOSELLE.get(departement) or OVERSEAS.get(departement)


def is_public_holiday(d: dt.date, departement: str | None = None) -> bool:
    return d in _public_holidays(public_holiday_subdivision(departement), d.year)


@lru_cache(maxsize=16)
def _ascension_bridges(year: int) -> frozenset[dt.date]:
    days = [d for d, name in _holidays.France(years=year).items() if "Ascension" in name]
    return frozenset(d + dt.timedelta(days=1) for d in days)


@lru_cache(maxsize=4096)
def is_school_holiday(d: dt.date, zone: str) -> bool:
    """True on the zone's school holidays (package data) and on the Pont de l'Ascension."""
    try:
        hol = _SHD.is_holiday_for_zone(d, zone)
    except Exception:  # outside the package's years: weekends and summer only
        hol = d.month in (7, 8) and not (d.month == 7 and d.day <= 3)
    return hol or d in _ascension_bridges(d.year)


@lru_cache(maxsize=64)
def pupils_return(year: int, zone: str) -> dt.date:
    """First day of school for pupils of the school year starting in ``year``."""
    d = dt.date(year, 8, 20)
    while is_school_holiday(d, zone) or d.weekday() >= 5:
        d += dt.timedelta(days=1)
    return d


@lru_cache(maxsize=64)
def pre_rentree_date(year: int, zone: str) -> dt.date:
    """Teachers' pré-rentrée: the last weekday before the pupils' return."""
    d = pupils_return(year, zone) - dt.timedelta(days=1)
    while d.weekday() >= 5 or is_public_holiday(d):
        d -= dt.timedelta(days=1)
    return d


@lru_cache(maxsize=64)
def summer_start(year: int, zone: str) -> dt.date:
    """First day of the summer holiday that ends the school year starting in ``year``."""
    d = dt.date(year + 1, 6, 25)
    while not is_school_holiday(d, zone):
        d += dt.timedelta(days=1)
    return d


def is_school_day(d: dt.date, zone: str, departement: str | None = None) -> bool:
    """A weekday that is neither a school holiday of the zone nor a public holiday."""
    return d.weekday() < 5 and not is_school_holiday(d, zone) and not is_public_holiday(d, departement)


def is_open_for_teachers(d: dt.date, zone: str, departement: str | None = None) -> bool:
    """School days plus the pré-rentrée (teachers work, pupils do not)."""
    if is_school_day(d, zone, departement):
        return True
    return d == pre_rentree_date(school_year_of(d), zone) and not is_public_holiday(d, departement)


def daterange(start: dt.date, end: dt.date):
    d = start
    while d <= end:
        yield d
        d += dt.timedelta(days=1)


def school_years(start: dt.date, end: dt.date) -> list[int]:
    return list(range(school_year_of(start), school_year_of(end) + 1))


def pre_rentree_dates(settings: Settings, zone: str) -> list[dt.date]:
    out = []
    for y in school_years(settings.start_date, settings.end_date):
        d = pre_rentree_date(y, zone)
        if settings.start_date <= d <= settings.end_date:
            out.append(d)
    return out


@dataclass(frozen=True, slots=True)
class Slot:
    """One possible session: a date, start and end in minutes after midnight, and its window."""

    date: dt.date
    start: int
    end: int
    window: str

    @property
    def start_hhmm(self) -> str:
        return f"{self.start // 60:02d}:{self.start % 60:02d}"

    @property
    def end_hhmm(self) -> str:
        return f"{self.end // 60:02d}:{self.end % 60:02d}"


def meeting_days(kind: str, unit_id: str, zone: str, departement: str | None, start: dt.date, end: dt.date, per_month: int) -> list[dt.date]:
    """Generated meeting days: ``per_month`` per calendar month, on school days other than
    Wednesday, chosen deterministically from the unit id so that units spread over the month."""
    if per_month <= 0:
        return []
    out: list[dt.date] = []
    seed = zlib.crc32(f"{kind}:{unit_id}".encode())
    month = dt.date(start.year, start.month, 1)
    while month <= end:
        nxt = dt.date(month.year + (month.month == 12), month.month % 12 + 1, 1)
        days = [d for d in daterange(max(month, start), min(nxt - dt.timedelta(days=1), end))
                if d.weekday() != 2 and is_school_day(d, zone, departement)]
        if days:
            k = min(per_month, len(days))
            step = len(days) / k
            off = seed % len(days)
            picked = sorted({days[(off + int(i * step)) % len(days)] for i in range(k)})
            out.extend(picked)
        month = nxt
    return out


def rentree_seminar_dates(settings: Settings, zone: str, academie: str = "") -> list[dt.date]:
    """The académie's rentrée seminar of heads: its date in ``settings.rentree_seminar_dates``, else the
    Thursday before each pré-rentrée of the horizon (the weekday before, if a public holiday)."""
    start, end = settings.start_date, settings.end_date
    if academie and academie in settings.rentree_seminar_dates:
        d = settings.rentree_seminar_dates[academie]
        return [d] if start <= d <= end else []
    out = []
    for y in school_years(start, end):
        d = pre_rentree_date(y, zone) - dt.timedelta(days=4)
        while d.weekday() >= 5 or is_public_holiday(d):
            d -= dt.timedelta(days=1)
        if start <= d <= end:
            out.append(d)
    return out


def window_days(name: str, spec: WindowSpec, settings: Settings, zone: str, departement: str | None,
                unit_id: str = "", academie: str = "") -> list[dt.date]:
    """Dates on which window ``name`` is open for a unit of ``zone``/``departement`` (and ``academie``,
    for the rentrée seminar)."""
    start, end = settings.start_date, settings.end_date
    rule = spec.rule
    if rule == "rentree_seminar":
        return rentree_seminar_dates(settings, zone, academie)
    if rule == "pre_rentree":
        return [d for d in pre_rentree_dates(settings, zone) if not is_public_holiday(d, departement)]
    if rule == "weekly":
        return [d for d in daterange(start, end) if d.weekday() in spec.weekdays and is_school_day(d, zone, departement)]
    if rule == "september":
        return [d for d in daterange(start, end)
                if d.month == 9 and (not spec.weekdays or d.weekday() in spec.weekdays) and is_school_day(d, zone, departement)]
    if rule == "dates":
        return sorted(d for d in spec.dates if start <= d <= end and is_open_for_teachers(d, zone, departement))
    if rule == "end_of_year":
        out: list[dt.date] = []
        for y in school_years(start, end):
            s = summer_start(y, zone)
            days: list[dt.date] = []
            d = s - dt.timedelta(days=1)
            while len(days) < spec.day_count and d.month >= 5:
                if is_school_day(d, zone, departement):
                    days.append(d)
                d -= dt.timedelta(days=1)
            out.extend(x for x in days if start <= x <= end)
        return sorted(out)
    if rule == "summer":
        out = []
        for y in school_years(start, end):
            pr = pre_rentree_date(y, zone)
            days = []
            d = pr - dt.timedelta(days=1)
            while len(days) < spec.day_count:
                if d.weekday() < 5 and not is_public_holiday(d, departement):
                    days.append(d)
                d -= dt.timedelta(days=1)
            out.extend(x for x in days if start <= x <= end)
        return sorted(out)
    if rule == "bassin_meeting":
        return meeting_days("bassin", unit_id, zone, departement, start, end, settings.bassin_meetings_per_month)
    if rule == "inspectors_meeting":
        return meeting_days("inspectors", unit_id, zone, departement, start, end, settings.inspectors_meetings_per_month)
    raise ValueError(f"règle de fenêtre inconnue : {rule}")


def window_slots(name: str, settings: Settings, zone: str, departement: str | None, duration: int,
                 unit_id: str = "", academie: str = "") -> list[Slot]:
    """Every slot of ``duration`` minutes that window ``name`` offers, in chronological order."""
    spec = settings.windows[name]
    out: list[Slot] = []
    for d in window_days(name, spec, settings, zone, departement, unit_id, academie):
        for p in spec.periods:
            a, b = p.minutes()
            t = a
            while t + duration <= b:
                out.append(Slot(d, t, t + duration, name))
                t += duration
    return out


def audience_slots(audience: str, settings: Settings, zone: str, departement: str | None, duration: int,
                   unit_id: str = "", academie: str = "") -> list[Slot]:
    """All slots open to an audience, merged over its windows, chronological, one per (date, start).

    Step-1 audiences (all but ``trainers``) start no earlier than ``settings.step1_start_date``, except
    at the rentrée seminar of heads (its date is chosen for them)."""
    seen: dict[tuple[dt.date, int], Slot] = {}
    first = settings.step1_start_date if audience != "trainers" else None
    for w in settings.audience_windows.get(audience, ()):
        for s in window_slots(w, settings, zone, departement, duration, unit_id, academie):
            if first is None or s.date >= first or w == "rentree_seminar":
                seen.setdefault((s.date, s.start), s)
    return [seen[k] for k in sorted(seen)]


def describe_day(d: dt.date, zone: str, departement: str | None = None) -> str:
    """French explanation of why a day is open or closed (for messages)."""
    if is_public_holiday(d, departement):
        return "jour férié"
    if d == pre_rentree_date(school_year_of(d), zone):
        return "pré-rentrée des enseignants"
    if d.weekday() >= 5:
        return "week-end"
    if is_school_holiday(d, zone):
        return f"vacances scolaires (zone {zone})"
    return "jour de classe"
