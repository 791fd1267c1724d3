"""School-year calendar: school days per zone, public holidays, pré-rentrée, windows and meeting days.

Sources: the ``vacances-scolaires-france`` package (official school holidays of zones A, B and C,
shipped up to 2028) and ``holidays`` (public holidays, Alsace-Moselle and overseas included). The
Pont de l'Ascension is added where the package lacks it. The teachers' pré-rentrée is the last
weekday before the pupils' return, although the package marks it as summer holiday.

Corse and the overseas académies have calendars of their own that neither package holds: they come
from the ministry's official calendar (:mod:`planner.sources.calendar`: a file the user imports, else
the embedded extract ``data/calendrier_scolaire.csv``). ``academie_calendar(acad, settings)`` chooses,
for the plan's school year, the calendar of each académie and says when it rests on an assumption
(an official calendar not yet known: the last known year moved by whole weeks). The day functions
below take a *calendar key*: ``"A"``, ``"B"``, ``"C"`` (the package's zones) or the key of an
official calendar registered by ``academie_calendar`` (``"28:…"``); ``calendar_key`` gives it.
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import zlib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import holidays as _holidays
import vacances_scolaires_france as vsf
from vacances_scolaires_france import SchoolHolidayDates

from .settings import Settings, WindowSpec
from .text import fr_date

if TYPE_CHECKING:
    from .models import Academie, CalendarPeriod


class _ZoneHolidays(SchoolHolidayDates):
    """The package's zone holidays, its own file read in a tenth of the time: its ``load_data`` parses each of
    14,000 dates with ``strptime`` (a quarter of a second in every process that plans or checks a zone
    académie: the solve's parent and workers, the check's children). Same rows kept, same error."""

    def load_data(self) -> None:
        path = Path(vsf.__file__).parent / "data" / "data.csv"
        keys = [self.zone_key(z) for z in self.SUPPORTED_ZONES]
        with open(path, encoding="utf-8", newline="") as f:
            reader = csv.DictReader(f)
            for row in reader:
                date = row["date"] = dt.date.fromisoformat(row["date"])
                flags = [row[k] == "True" for k in keys]
                row.update(zip(keys, flags))
                if any(flags):
                    if not row["nom_vacances"]:
                        raise ValueError("Holiday name not set for date: " + str(date))
                    self.data[date] = row


@lru_cache(maxsize=1)
def _shd() -> SchoolHolidayDates:
    """The package's zone holidays, loaded when a zone calendar is first asked for (parsing that the
    académies' own official calendars never need)."""
    return _ZoneHolidays()


ZONES = ("A", "B", "C")

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


@lru_cache(maxsize=1)
def _france():
    """The ``holidays`` package's France alone: reached through the package, its registry first imports all its
    150 countries (7 MB and 0.05 s more in each process of a solve). Same class either way."""
    import importlib
    import importlib.util
    import sys

    if "holidays.countries" not in sys.modules:
        try:
            spec = importlib.util.find_spec("holidays.countries")
            sys.modules["holidays.countries"] = importlib.util.module_from_spec(spec)  # the package, not run
            try:
                return importlib.import_module("holidays.countries.france").France
            finally:
                del sys.modules["holidays.countries"]  # a later full import runs the package as usual
        except Exception:  # noqa: BLE001 - any surprise of the package's layout: the usual way
            pass
    return _holidays.France


@lru_cache(maxsize=64)
def _public_holidays(subdiv: str | None, year: int) -> frozenset[dt.date]:
    cal = _france()(years=year, subdiv=subdiv) if subdiv else _france()(years=year)
    return frozenset(cal.keys())


def public_holiday_subdivision(departement: str | None) -> str | None:
    if not departement:
        return None
    return ALSACE_MOSELLE.get(departement) or OVERSEAS.get(departement)


def is_public_holiday(d: dt.date, departement: str | None = None) -> bool:
    return d in _public_holidays(public_holiday_subdivision(departement), d.year)


@lru_cache(maxsize=16)
def _ascension_bridges(year: int) -> frozenset[dt.date]:
    days = [d for d, name in _france()(years=year).items() if "Ascension" in name]
    return frozenset(d + dt.timedelta(days=1) for d in days)


# ============================================================================ official calendars
@dataclass(frozen=True)
class _Official:
    """An académie's official calendar: pupils' days off, and per school year the dates that matter."""

    label: str
    holidays: frozenset[dt.date]
    pre_rentree: dict[int, dt.date] = field(default_factory=dict)
    pupils_return: dict[int, dt.date] = field(default_factory=dict)
    summer_start: dict[int, dt.date] = field(default_factory=dict)
    years: frozenset[int] = frozenset()  # school years whose holidays are listed


_REGISTRY: dict[str, _Official] = {}


def _is_long(p: "CalendarPeriod") -> bool:
    return (p.end - p.start).days >= 20


def _build_official(label: str, periods: list["CalendarPeriod"], shift_days: int = 0,
                    assumed_pre: tuple[tuple[int, dt.date], ...] = ()) -> _Official:
    sh = dt.timedelta(days=shift_days)
    pupils = [(p.start + sh, p.end + sh, p) for p in periods if p.population in ("-", "Élèves")]
    teachers = [(p.start + sh, p.end + sh, p) for p in periods if p.population in ("-", "Enseignants")]
    days: set[dt.date] = set()
    for a, b, _ in pupils:
        days.update(daterange(a, b - dt.timedelta(days=1)))
    pupils_return = {b.year: b for a, b, p in pupils if _is_long(p) and 7 <= b.month <= 9}
    pre = {b.year: b for a, b, p in teachers if p.population == "Enseignants" and _is_long(p) and 7 <= b.month <= 9}
    summer: dict[int, dt.date] = {}
    for a, b, _ in pupils:
        if dt.date(a.year, 6, 20) <= a <= dt.date(a.year, 8, 15):
            summer[a.year - 1] = min(summer.get(a.year - 1, a), a)
    for y, a in summer.items():  # the summer break runs to the pupils' return (end of August if unknown)
        days.update(daterange(a, pupils_return.get(y + 1, dt.date(y + 1, 9, 1)) - dt.timedelta(days=1)))
    for y, back in pupils_return.items():
        if y not in pre:
            d = back - dt.timedelta(days=1)
            while d.weekday() >= 5 or is_public_holiday(d):
                d -= dt.timedelta(days=1)
            pre[y] = d
    pre.update(dict(assumed_pre))
    years = set()
    for a, b, p in pupils:
        if not _is_long(p) or a.month not in (6, 7, 8):  # a holiday inside the school year
            years.add(a.year if a.month >= 8 else a.year - 1)
    return _Official(label, frozenset(days), pre, pupils_return, summer, frozenset(years))


def _register(code: str, label: str, periods: list["CalendarPeriod"], shift_days: int = 0,
              assumed_pre: tuple[tuple[int, dt.date], ...] = ()) -> str:
    """Register an official calendar in this process; its key names its content."""
    content = (sorted((p.start, p.end, p.population, p.description) for p in periods), shift_days, assumed_pre)
    key = f"{code}:{hashlib.sha1(repr(content).encode()).hexdigest()[:10]}"
    if key not in _REGISTRY:
        _REGISTRY[key] = _build_official(label, periods, shift_days, assumed_pre)
    return key


def _official(key: str) -> _Official:
    try:
        return _REGISTRY[key]
    except KeyError:
        raise ValueError(f"calendrier scolaire inconnu « {key} » (zone A, B, C ou calendrier d'une académie)") from None


def calendar_label(key: str) -> str:
    """« zone C » or the académie's name, for messages."""
    return f"zone {key}" if key in ZONES else _official(key).label


@lru_cache(maxsize=8)
def _package_covers(year: int, zone: str) -> bool:
    try:
        _shd().is_holiday_for_zone(dt.date(year + 1, 6, 30), zone)
        _shd().is_holiday_for_zone(dt.date(year, 10, 31), zone)
        return True
    except Exception:  # noqa: BLE001 (the package raises for years it does not ship)
        return False


@dataclass(frozen=True)
class AcademieCalendar:
    """The calendar an académie is planned on for one school year, and why."""

    key: str
    source: str
    warning: str | None = None


def academie_calendar(acad: "Academie", settings: Settings) -> AcademieCalendar:
    """The calendar of ``acad`` for the school year of ``settings``, registered in this process."""
    return _academie_calendar(acad.code, acad.name, acad.zone, acad.calendar_zone, tuple(acad.calendar_periods),
                              settings.school_year_start)


def calendar_key(acad: "Academie", settings: Settings) -> str:
    """The key the day functions take for ``acad`` (``"C"``, or an official calendar's key)."""
    return academie_calendar(acad, settings).key


@lru_cache(maxsize=256)
def _academie_calendar(code: str, name: str, zone: str, calendar_zone: str, own: tuple, year: int) -> AcademieCalendar:
    from .sources.calendar import embedded_periods

    label = f"{year}-{year + 1}"
    imported = bool(own)
    periods = list(own) if own else list(embedded_periods().get(code, ()))
    origin = "calendrier officiel importé" if imported else "calendrier officiel embarqué (data/calendrier_scolaire.csv)"
    hint = "importez le calendrier officiel (Fichier ▸ Importer un calendrier scolaire, ou solve --calendar)."
    if zone in ZONES:
        if _package_covers(year, zone):
            return AcademieCalendar(zone, f"vacances-scolaires-france, zone {zone}")
        if periods:
            off = _build_official(name, periods)
            if year in off.years and year in off.summer_start and year in off.pre_rentree:
                return AcademieCalendar(_register(code, name, periods), origin)
        return AcademieCalendar(zone, f"zone {zone}, vacances {label} inconnues",
                                f"Calendrier {label} de la zone {zone} inconnu : seuls les week-ends, jours fériés et "
                                f"l'été sont fermés (hypothèse) ; {hint}")
    if not periods:
        return AcademieCalendar(calendar_zone, f"zone {calendar_zone} (approximation)",
                                f"Aucun calendrier officiel de l'académie de {name} : calendrier de la zone "
                                f"{calendar_zone} utilisé (hypothèse) ; {hint}")
    off = _build_official(name, periods)
    if year in off.years and year in off.summer_start:
        if year in off.pre_rentree:
            return AcademieCalendar(_register(code, name, periods), origin)
        known = max(y for y in off.pre_rentree) if off.pre_rentree else None
        if known is not None:  # holidays known, pré-rentrée not yet: the last known one, moved by whole weeks
            weeks = round((year - known) * 365.2425 / 7)
            assumed = off.pre_rentree[known] + dt.timedelta(weeks=weeks)
            key = _register(code, name, periods, 0, ((year, assumed),))
            return AcademieCalendar(key, origin + f", pré-rentrée {year} supposée",
                                    f"Académie de {name} : pré-rentrée {year} absente du calendrier officiel, supposée "
                                    f"le {fr_date(assumed)} (celle de {known} décalée de {weeks} semaines) ; {hint}")
    full = sorted(y for y in off.years if y in off.summer_start and y in off.pre_rentree)
    if not full:
        return AcademieCalendar(calendar_zone, f"zone {calendar_zone} (approximation)",
                                f"Calendrier officiel de l'académie de {name} incomplet : calendrier de la zone "
                                f"{calendar_zone} utilisé (hypothèse) ; {hint}")
    base = max((y for y in full if y < year), default=min(full))
    weeks = round((year - base) * 365.2425 / 7)
    real_pre = ((year, off.pre_rentree[year]),) if year in off.pre_rentree else ()
    key = _register(code, name, periods, weeks * 7, real_pre)
    pr = _REGISTRY[key].pre_rentree.get(year)
    return AcademieCalendar(key, f"{origin}, {base}-{base + 1} décalé de {weeks} semaines",
                            f"Académie de {name} : calendrier officiel {label} inconnu ; hypothèse : celui de "
                            f"{base}-{base + 1} décalé de {weeks} semaines (même jour de la semaine)"
                            + (f", pré-rentrée le {fr_date(pr)}" if pr else "") + f" ; {hint}")


def scenario_calendars(sc_academies, settings: Settings) -> dict[str, AcademieCalendar]:
    """Académie code → its calendar for the school year of ``settings``."""
    return {a.code: academie_calendar(a, settings) for a in sc_academies}


# ============================================================================ day functions
@lru_cache(maxsize=65536)
def is_school_holiday(d: dt.date, zone: str) -> bool:
    """True on the school holidays of a calendar key: the package's zone (plus the Pont de
    l'Ascension) or an académie's official calendar."""
    if zone not in ZONES:
        return d in _official(zone).holidays
    try:
        hol = _shd().is_holiday_for_zone(d, zone)
    except Exception:  # outside the package's years: weekends and summer only
        hol = d.month in (7, 8) and not (d.month == 7 and d.day <= 3)
    return hol or d in _ascension_bridges(d.year)


@lru_cache(maxsize=256)
def pupils_return(year: int, zone: str) -> dt.date:
    """First day of school for pupils of the school year starting in ``year``."""
    if zone not in ZONES and year in _official(zone).pupils_return:
        return _official(zone).pupils_return[year]
    d = dt.date(year, 8, 20)
    while is_school_holiday(d, zone) or d.weekday() >= 5:
        d += dt.timedelta(days=1)
    return d


@lru_cache(maxsize=256)
def pre_rentree_date(year: int, zone: str) -> dt.date:
    """Teachers' pré-rentrée: the official one, else the last weekday before the pupils' return."""
    if zone not in ZONES and year in _official(zone).pre_rentree:
        return _official(zone).pre_rentree[year]
    d = pupils_return(year, zone) - dt.timedelta(days=1)
    while d.weekday() >= 5 or is_public_holiday(d):
        d -= dt.timedelta(days=1)
    return d


@lru_cache(maxsize=256)
def summer_start(year: int, zone: str) -> dt.date:
    """First day of the summer holiday that ends the school year starting in ``year``."""
    if zone not in ZONES and year in _official(zone).summer_start:
        return _official(zone).summer_start[year]
    d = dt.date(year + 1, 6, 25)
    while not is_school_holiday(d, zone):
        d += dt.timedelta(days=1)
        if d.month > 8:  # a year the calendar does not know yet: the usual start, the first Saturday of July
            d = dt.date(year + 1, 7, 1)
            return d + dt.timedelta(days=(5 - d.weekday()) % 7)
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
    """Pré-rentrée days of the calendar ``zone`` from ``settings.first_day`` to the horizon's end."""
    out = []
    for y in school_years(settings.start_date, settings.end_date):
        d = pre_rentree_date(y, zone)
        if settings.first_day <= d <= settings.end_date:
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


@lru_cache(maxsize=8192)
def _meeting_candidates(first: dt.date, last: dt.date, zone: str, departement: str | None) -> tuple[dt.date, ...]:
    """School days other than Wednesday from ``first`` to ``last`` (one month: shared by every unit of the
    zone and département, a national plan has 1,400 of them)."""
    return tuple(d for d in daterange(first, last) if d.weekday() != 2 and is_school_day(d, zone, departement))


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
        days = _meeting_candidates(max(month, start), min(nxt - dt.timedelta(days=1), end), zone, departement)
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
    Thursday before each pré-rentrée of the horizon (the weekday before, if a public holiday); never
    before ``settings.first_day``."""
    start, end = settings.first_day, settings.end_date
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


def bassin_or_inspectors_days(rule: str, settings: Settings, zone: str, departement: str | None,
                              unit_id: str) -> list[dt.date]:
    """Every bassin meeting (``rule == "bassin_meeting"``) or collège d'inspecteurs day of a unit over the
    whole horizon (from ``settings.start_date``, whatever ``plan_from`` is)."""
    bassin = rule == "bassin_meeting"
    per = settings.bassin_meetings_per_month if bassin else settings.inspectors_meetings_per_month
    return meeting_days("bassin" if bassin else "inspectors", unit_id, zone, departement, settings.start_date,
                        settings.end_date, per)


def window_days(name: str, spec: WindowSpec, settings: Settings, zone: str, departement: str | None,
                unit_id: str = "", academie: str = "") -> list[dt.date]:
    """Dates on which window ``name`` is open for a unit of ``zone``/``departement`` (and ``academie``,
    for the rentrée seminar), never before ``settings.first_day`` (the later of the horizon's start and
    ``plan_from``)."""
    start, end = settings.first_day, settings.end_date
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
    if rule in ("bassin_meeting", "inspectors_meeting"):
        # meetings belong to the year's calendar: drawn over the whole horizon, then those from ``start`` on
        # (planning from a later day never moves a meeting already announced)
        return [d for d in bassin_or_inspectors_days(rule, settings, zone, departement, unit_id) if d >= start]
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

    Step-1 audiences (all but ``trainers``) start no earlier than :func:`step1_first_day`, except
    at the rentrée seminar of heads (its date is chosen for them)."""
    seen: dict[tuple[dt.date, int], Slot] = {}
    first = step1_first_day(settings, zone) if audience != "trainers" else None
    for w in settings.audience_windows.get(audience, ()):
        for s in window_slots(w, settings, zone, departement, duration, unit_id, academie):
            if first is None or s.date >= first or w == "rentree_seminar":
                seen.setdefault((s.date, s.start), s)
    return [seen[k] for k in sorted(seen)]


def step1_first_day(settings: Settings, zone: str) -> dt.date:
    """First day of step-1 sessions (teachers, cadres): ``step1_start_date`` when set (an earlier date
    allows training at the end of the previous school year), else the pré-rentrée of the school year
    in the calendar ``zone``; never before ``settings.first_day``."""
    first = settings.step1_start_date or pre_rentree_date(settings.school_year_start, zone)
    return max(first, settings.first_day)


def describe_day(d: dt.date, zone: str, departement: str | None = None) -> str:
    """French explanation of why a day is open or closed (for messages)."""
    if is_public_holiday(d, departement):
        return "jour férié"
    if d == pre_rentree_date(school_year_of(d), zone):
        return "pré-rentrée des enseignants"
    if d.weekday() >= 5:
        return "week-end"
    if is_school_holiday(d, zone):
        return f"vacances scolaires ({calendar_label(zone)})"
    return "jour de classe"
