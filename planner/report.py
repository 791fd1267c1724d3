"""One report of a plan: the school year's calendar per académie, KPIs, coverage curves, académie figures.

Every date figure (« formés avant la Toussaint », « avant Noël », pré-rentrée) comes from the plan's
school year and each académie's own calendar (:func:`planner.calendar.academie_calendar`), never from
the first session. :func:`year_calendar` is computed once from the scenario when a plan is built and
stored in ``report.json`` (``calendar``); the solver's summary, the scenario file, the PDFs and the
window then read the same numbers through :func:`plan_calendar`, :func:`teacher_kpis`,
:func:`academie_kpis` and :func:`coverage_curve`.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from functools import lru_cache
from operator import attrgetter
from typing import Iterable

from .calendar import (
    academie_calendar,
    daterange,
    is_school_holiday,
    pre_rentree_date,
    pre_rentree_dates,
    pupils_return,
    summer_start,
)
from .demand import step1_people
from .models import Academie, Scenario
from .settings import Settings
from .text import hhmm_minutes

TEACHER_AUDIENCES = ("teachers_1d", "teachers_2d")
TEACHER_UNITS = ("circonscription", "etablissement")


def _label(start: dt.date, days: int) -> str:
    m = start.month
    if m in (10, 11):
        return "Toussaint"
    if m == 12:
        return "Noël"
    if m in (1, 2, 3):
        return "Hiver" if days >= 7 else "Pont"
    if m in (4, 5):
        return "Printemps" if days >= 7 else "Pont"
    return "Été" if days >= 14 else "Pont"


def holiday_periods(year: int, key: str) -> list[dict]:
    """The school holidays of the school year starting in ``year`` in calendar ``key``: from the
    pupils' return to the summer, each run of holiday days with its first and last day (a new list of new
    dicts: the caller's to keep or change)."""
    return [dict(p) for p in _holiday_periods(year, key)]


@lru_cache(maxsize=256)
def _holiday_periods(year: int, key: str) -> tuple[dict, ...]:
    """:func:`holiday_periods`, walked day by day once per calendar and year in this process (a calendar's key names
    its content: :func:`planner.calendar._register`); 30 académies took 0.03 s at each re-plan of a unit."""
    start, end = pupils_return(year, key), summer_start(year, key)
    out: list[dict] = []
    run: list[dt.date] = []
    for d in daterange(start, end):
        if d < end and is_school_holiday(d, key):
            run.append(d)
            continue
        if run and any(x.weekday() < 5 for x in run):
            out.append({"label": _label(run[0], len(run)), "start": run[0].isoformat(), "end": run[-1].isoformat()})
        run = []
    out.append({"label": "Été", "start": end.isoformat(), "end": None})
    return tuple(out)


def _milestone(periods: list[dict], months: tuple[int, ...]) -> str | None:
    return next((p["start"] for p in periods if dt.date.fromisoformat(p["start"]).month in months), None)


def year_calendar(sc: Scenario, settings: Settings | None = None) -> dict:
    """The plan's school year and, per académie, its calendar: source, assumption (warning), pré-rentrée,
    pupils' return, holidays, Toussaint and Noël (first day of those holidays), summer."""
    return _year_calendar(sc.academies, settings or sc.settings)


def _year_calendar(academies: list[Academie], s: Settings) -> dict:
    y = s.school_year_start
    acads: dict[str, dict] = {}
    for a in academies:
        c = academie_calendar(a, s)
        periods = holiday_periods(y, c.key)
        acads[a.code] = {
            "name": a.name,
            "source": c.source,
            "warning": c.warning,
            "timezone": a.timezone,
            "pre_rentree": pre_rentree_date(y, c.key).isoformat(),
            "pupils_return": pupils_return(y, c.key).isoformat(),
            "pre_rentree_in_horizon": [d.isoformat() for d in _pre_rentrees(s, c.key)],
            "toussaint": _milestone(periods, (10, 11)),
            "noel": _milestone(periods, (12,)),
            "summer": summer_start(y, c.key).isoformat(),
            "holidays": periods,
        }
    return {"school_year": s.school_year, "plan_from": s.plan_from.isoformat(),
            "horizon": [s.start_date.isoformat(), s.end_date.isoformat()], "academies": acads}


def _pre_rentrees(s: Settings, key: str) -> list[dt.date]:
    return pre_rentree_dates(s.model_copy(update={"plan_from": s.start_date}), key)


def calendar_warnings(cal: dict) -> list[dict]:
    """``[{academie, message}]``: académies planned on an assumption, for report.json, window and PDF."""
    return [{"academie": code, "message": a["warning"]} for code, a in sorted(cal.get("academies", {}).items())
            if a.get("warning")]


def plan_calendar(report: dict) -> dict:
    """The school-year calendar stored in a plan's report. Plans older than it: recomputed from their
    settings' school year (or horizon) on the embedded calendars; ``{}`` when they name neither."""
    if not isinstance(report, dict):
        return {}
    cal = report.get("calendar")
    if isinstance(cal, dict):
        return cal
    st = report.get("settings") if isinstance(report.get("settings"), dict) else {}
    keys = ("school_year", "start_date", "end_date", "plan_from")
    return _calendar_of_settings(tuple((k, str(st[k])) for k in keys if st.get(k)))


@lru_cache(maxsize=16)
def _calendar_of_settings(dated: tuple) -> dict:
    from .sources.reference import read_academies

    if not any(k in ("school_year", "start_date") for k, _ in dated):
        return {}
    try:
        s = Settings.model_validate(dict(dated))
    except ValueError:
        return {}
    acads = [Academie(code=r["code"], name=r["nom"], zone=r["zone"], calendar_zone=r["zone_calendrier"],
                      calendar_approximate=r["calendrier_approche"] == "1", timezone=r["fuseau"])
             for r in read_academies()]
    return _year_calendar(acads, s)


def convocation_date(today: dt.date, session_day: dt.date, report: dict) -> dt.date:
    """Date of a convocation letter: today, unless today is not before the session (a plan of a past
    school year printed later): then two weeks before it, not before ``plan_from``."""
    if today < session_day:
        return today
    st = report.get("settings") if isinstance(report, dict) and isinstance(report.get("settings"), dict) else {}
    try:
        start = dt.date.fromisoformat(str(st.get("plan_from")))
    except ValueError:
        start = session_day - dt.timedelta(days=14)
    return min(session_day - dt.timedelta(days=1), max(start, session_day - dt.timedelta(days=14)))


def school_year_title(report: dict) -> str:
    """« Année scolaire 2026-2027 » (empty when the plan does not say)."""
    y = plan_calendar(report).get("school_year") or (report.get("settings") or {}).get("school_year")
    return f"Année scolaire {y}" if y else ""


PLAN_DATED = ("school_year", "plan_from", "start_date", "end_date", "step1_start_date")


def imported_periods(sc: Scenario) -> dict[str, list[dict]]:
    """Official periods imported into the scenario's académies (kept in the plan, so that it can be
    checked and printed later on the same calendar)."""
    return {a.code: [p.model_dump(mode="json") for p in a.calendar_periods] for a in sc.academies if a.calendar_periods}


def as_planned(sc: Scenario, report: dict) -> Scenario:
    """``sc`` with the school year, dates and imported calendars the plan of ``report`` was made with."""
    from .models import CalendarPeriod

    st = report.get("settings") if isinstance(report, dict) and isinstance(report.get("settings"), dict) else {}
    if any(st.get(k) for k in PLAN_DATED):
        data = sc.settings.model_dump()
        data.update({k: st.get(k) for k in PLAN_DATED})
        sc.settings = Settings.model_validate(data)
    periods = plan_calendar(report).get("imported_periods") or {}
    for a in sc.academies:
        if a.code in periods:
            a.calendar_periods = [CalendarPeriod.model_validate(p) for p in periods[a.code]]
    return sc


def pre_rentree_days(report: dict, academie: str | None = None) -> list[dt.date]:
    """The pré-rentrée days of the plan's school year (of one académie, or all distinct ones)."""
    acads = plan_calendar(report).get("academies", {})
    days = {a["pre_rentree"] for c, a in acads.items() if a.get("pre_rentree") and academie in (None, c)}
    return sorted(dt.date.fromisoformat(d) for d in days)


def calendar_notes(scenario: Scenario, academie: str | None = None) -> list[tuple[str, str]]:
    """(académie name, warning) of the académies (or one) planned on an assumed calendar this school year."""
    s = scenario.settings
    out = []
    for a in scenario.academies:
        if academie in (None, a.code):
            c = academie_calendar(a, s)
            if c.warning:
                out.append((a.name, c.warning))
    return out


# ============================================================================ KPIs
def teachers_by_academie(units: Iterable, settings: dict | Settings | None = None) -> Counter:
    """People to train in step 1 per académie, from a plan's unit rows (écoles through circonscriptions):
    their teachers, and the établissements' administrative staff when ``settings`` (the plan's) include
    them (:func:`planner.demand.step1_people`) — the same people as the step-1 sessions' participants."""
    c: Counter = Counter()
    for u in units:
        if u.unit_type in TEACHER_UNITS:
            c[u.academie] += step1_people(u, settings)
    return c


def trained_before(sessions: list, cal: dict, which: str) -> tuple[int, str | None]:
    """Participants of ``sessions`` held before their own académie's ``which`` (« toussaint », « noel »,
    « summer » of the plan's calendar), and the earliest of those dates (ISO)."""
    return _before(_people_by_day(sessions), cal, which)


def _before(by_day: dict[tuple[str, dt.date], int], cal: dict, which: str) -> tuple[int, str | None]:
    """:func:`trained_before` of the sessions whose participants per (académie, date) are ``by_day``."""
    acads = cal.get("academies", {})
    n = 0
    for (acad, day), people in by_day.items():
        limit = (acads.get(acad) or {}).get(which)
        if limit and day.isoformat() < limit:
            n += people
    dates = sorted({a[which] for a in acads.values() if a.get(which)})
    return n, (dates[0] if dates else None)


def _people_by_day(sessions: list) -> dict[tuple[str, dt.date], int]:
    """Participants of ``sessions`` per (académie, date): a national plan's 50,000 teachers' sessions fall on a few
    thousand of them, each then compared once."""
    out: dict[tuple[str, dt.date], int] = {}
    get = out.get
    for acad, day, n in map(_ACAD_DAY_PEOPLE, sessions):
        out[acad, day] = get((acad, day), 0) + n
    return out


_ACAD_DAY_PEOPLE = attrgetter("academie", "date", "participants")
_KIND_TIMES = attrgetter("kind", "start", "end")
_TIMES = attrgetter("start", "end")


def teacher_kpis(sessions: list, units: list, cal: dict, settings: dict | Settings, counts: dict | None = None) -> dict:
    """The plan's KPIs. Shares before Toussaint / Noël count each académie against its own holidays
    of the plan's school year; ``toussaint_date`` / ``christmas_date`` are the earliest of them. Counted per
    distinct value (kind and times, académie and day) where a national plan's 350,000 sessions are walked;
    ``counts``: the sessions counted by (kind, audience, académie, département, start, end) in order of first
    appearance (:func:`planner.budget.session_counts`), when the caller has them."""
    st = settings if isinstance(settings, dict) else settings.model_dump(mode="json")
    step1 = [x for x in sessions if x.kind == "step1"]
    teach = [x for x in step1 if x.audience in TEACHER_AUDIENCES]
    total = sum(teachers_by_academie(units, st).values())
    if counts is None:
        by_kind_times = Counter(map(_KIND_TIMES, sessions))
    else:  # the same counts, in the same order (each (kind, start, end) where its first session is)
        by_kind_times = {}
        for (kind, _, _, _, start, end), n in counts.items():
            key = (kind, start, end)
            by_kind_times[key] = by_kind_times.get(key, 0) + n
    by_kind: dict[str, int] = {}  # in order of first appearance, as a Counter of the kinds
    for (kind, _, _), n in by_kind_times.items():
        by_kind[kind] = by_kind.get(kind, 0) + n
    by_day = _people_by_day(teach)
    weekly: dict[str, int] = {}
    for (_, day), n in by_day.items():
        y, w, _ = day.isocalendar()
        k = f"{y}-W{w:02d}"
        weekly[k] = weekly.get(k, 0) + n
    n_t, toussaint = _before(by_day, cal, "toussaint")
    n_n, christmas = _before(by_day, cal, "noel")
    last = max((x.date for x in step1), default=None)
    return {
        "school_year": cal.get("school_year") or st.get("school_year"),
        "plan_from": cal.get("plan_from") or st.get("plan_from"),
        "sessions_by_kind": by_kind,
        "step1_sessions": len(step1),
        "teachers_trained": sum(by_day.values()),
        "teachers_total": total,
        "completion_date": last.isoformat() if last else None,
        "toussaint_date": toussaint,
        "christmas_date": christmas,
        "share_trained_by_toussaint": round(n_t / total, 4) if total and toussaint else None,
        "share_trained_by_christmas": round(n_n / total, 4) if total and christmas else None,
        "share_at_pre_rentree": round(sum(1 for x in teach if x.window == "pre_rentree") / len(teach), 4) if teach else 0.0,
        "teachers_trained_per_week": dict(sorted(weekly.items())),
        # hours delivered (session lengths); who pays what is report["budget"] (planner/budget.py)
        "hours_step1_2d": round(_total_minutes(Counter(_TIMES(x) for x in teach if x.audience == "teachers_2d")) / 60, 1),
        "hours_delivered": round(sum(n * _length(a, b) for (_, a, b), n in by_kind_times.items()) / 60, 1),
    }


def _total_minutes(by_times: Counter) -> int:
    """The lengths (:func:`_length`) of sessions counted per (start, end), summed."""
    return sum(n * _length(a, b) for (a, b), n in by_times.items())


def _length(start: str, end: str) -> int:
    """Minutes from ``start`` to ``end`` (« HH:MM »; one crossing midnight counts to the next day)."""
    return (hhmm_minutes(end) - hhmm_minutes(start)) % 1440


def teacher_kpis_of_index(ix, units: list | None, cal: dict, settings: dict | Settings,
                          teachers_total: int | None = None) -> dict:
    """:func:`teacher_kpis` of the plan of ``ix`` (a :class:`planner.plan_index.PlanIndex`), from its numpy
    columns: the same figures in milliseconds for 400,000 sessions (re-planning one unit keeps them exact)."""
    import numpy as np

    st = settings if isinstance(settings, dict) else settings.model_dump(mode="json")

    def code(values, v) -> int:
        i = int(np.searchsorted(values, v))
        return i if i < len(values) and values[i] == v else -1

    step1 = ix.kind_code == code(ix.kind_values, "step1") if ix.n else np.zeros(0, dtype=bool)
    teach = step1 & np.isin(ix.aud_code, [code(ix.aud_values, a) for a in TEACHER_AUDIENCES])
    total = sum(teachers_by_academie(units).values()) if teachers_total is None else teachers_total
    kinds, first = np.unique(ix.kind_code, return_index=True)  # in order of first appearance, as a Counter
    counts = np.bincount(ix.kind_code, minlength=len(ix.kind_values))
    by_kind = {str(ix.kind_values[k]): int(counts[k]) for _, k in sorted(zip(first.tolist(), kinds.tolist()))}
    days, inv = np.unique(ix.date_ord[teach], return_inverse=True)
    per_day = np.bincount(inv, weights=ix.participants[teach]).astype(np.int64) if len(days) else []
    weekly: dict[str, int] = {}
    for d, n in zip(days.tolist(), per_day):
        y, w, _ = dt.date.fromordinal(d).isocalendar()
        k = f"{y}-W{w:02d}"
        weekly[k] = weekly.get(k, 0) + int(n)
    acads = cal.get("academies", {})

    def before(which: str) -> tuple[int, str | None]:
        limit = np.full(len(ix.acad_values), np.iinfo(np.int64).min, dtype=np.int64)
        for i, a in enumerate(ix.acad_values):
            v = (acads.get(str(a)) or {}).get(which)
            if v:
                limit[i] = dt.date.fromisoformat(v).toordinal()
        m = teach & (ix.date_ord < limit[ix.acad_code]) if ix.n else teach
        dates = sorted({a[which] for a in acads.values() if a.get(which)})
        return int(ix.participants[m].sum()), (dates[0] if dates else None)

    n_t, toussaint = before("toussaint")
    n_n, christmas = before("noel")
    last = int(ix.date_ord[step1].max()) if step1.any() else None
    n_teach = int(teach.sum())
    pre = int((teach & (ix.win_code == code(ix.win_values, "pre_rentree"))).sum())
    aud_2d = ix.aud_code == code(ix.aud_values, "teachers_2d")
    return {
        "school_year": cal.get("school_year") or st.get("school_year"),
        "plan_from": cal.get("plan_from") or st.get("plan_from"),
        "sessions_by_kind": by_kind,
        "step1_sessions": int(step1.sum()),
        "teachers_trained": int(ix.participants[teach].sum()),
        "teachers_total": total,
        "completion_date": dt.date.fromordinal(last).isoformat() if last else None,
        "toussaint_date": toussaint,
        "christmas_date": christmas,
        "share_trained_by_toussaint": round(n_t / total, 4) if total and toussaint else None,
        "share_trained_by_christmas": round(n_n / total, 4) if total and christmas else None,
        "share_at_pre_rentree": round(pre / n_teach, 4) if n_teach else 0.0,
        "teachers_trained_per_week": dict(sorted(weekly.items())),
        "hours_step1_2d": round(int(ix.minutes[teach & aud_2d].sum()) / 60, 1),
        "hours_delivered": round(int(ix.minutes.sum()) / 60, 1),
    }


def academie_kpis(plan, code: str, sessions: list | None = None) -> dict:
    """Key date figures of one académie from its plan: teachers to train and trained, shares before its
    own Toussaint and Noël (``None`` when the plan does not say which school year it is). ``sessions``: the
    académie's sessions, when the caller has them (a plan index), rather than a pass over the whole plan."""
    teach = [x for x in (plan.sessions if sessions is None else sessions)
             if x.academie == code and x.kind == "step1" and x.audience in TEACHER_AUDIENCES]

    def trained_before(limit: str | None) -> int:  # all of them without a limit
        return sum(x.participants for x in teach if limit is None or x.date.isoformat() < limit)

    return _academie_kpis(plan, code, trained_before)


def academie_kpis_of_index(ix, code: str) -> dict:
    """:func:`academie_kpis` of the plan of ``ix`` (a :class:`planner.plan_index.PlanIndex`) from its numpy columns:
    the same figures without a pass over the académie's sessions (the window's overview, at each selection)."""
    import numpy as np

    teach = (ix._eq(ix.acad_values, ix.acad_code, code) & ix._eq(ix.kind_values, ix.kind_code, "step1")
             & np.logical_or.reduce([ix._eq(ix.aud_values, ix.aud_code, a) for a in TEACHER_AUDIENCES]))

    def trained_before(limit: str | None) -> int:
        m = teach if limit is None else teach & (ix.date_ord < dt.date.fromisoformat(limit).toordinal())
        return int(ix.participants[m].sum())

    return _academie_kpis(ix.plan, code, trained_before)


def _academie_kpis(plan, code: str, trained_before) -> dict:
    """:func:`academie_kpis` given ``trained_before(limit)``: the teachers of the académie trained at a session
    dated before the ISO date ``limit`` (all of them when ``None``)."""
    cal = plan_calendar(plan.report)
    a = cal.get("academies", {}).get(code, {})
    total = teachers_by_academie((u for u in plan.units if u.academie == code),
                                 (plan.report or {}).get("settings")).get(code, 0)
    trained = trained_before(None)
    denom = total or trained

    def share(which: str) -> float | None:
        limit = a.get(which)
        if not limit or not denom:
            return None
        return trained_before(limit) / denom

    return {
        "school_year": cal.get("school_year"),
        "teachers_total": total,
        "teachers_trained": trained,
        "toussaint": dt.date.fromisoformat(a["toussaint"]) if a.get("toussaint") else None,
        "noel": dt.date.fromisoformat(a["noel"]) if a.get("noel") else None,
        "pre_rentree": dt.date.fromisoformat(a["pre_rentree"]) if a.get("pre_rentree") else None,
        "share_toussaint": share("toussaint"),
        "share_noel": share("noel"),
        "warning": a.get("warning"),
        "source": a.get("source"),
    }


def coverage_curve(sessions: Iterable, total: int) -> list[tuple[dt.date, int, float]]:
    """Teachers trained per week (Monday) and the cumulative share of ``total``: ``[(monday, n, share)]``."""
    weekly: Counter = Counter()
    for x in sessions:
        if x.kind == "step1" and x.audience in TEACHER_AUDIENCES:
            weekly[x.date - dt.timedelta(days=x.date.weekday())] += x.participants
    out, cum = [], 0
    for monday in sorted(weekly):
        cum += weekly[monday]
        out.append((monday, weekly[monday], cum / total if total else 0.0))
    return out


# ---------------------------------------------------------------------- unplaced records
PAST_RULE = "past"  # solvers.rules: dates gone when planning starts (réunions de rentrée), to carry over


def gone_at_start(day, plan_from) -> bool:
    """``day`` (a date or an ISO text) comes before ``plan_from``: none of the plan's sessions can be before it, so
    a share « trained by » that day (the Toussaint of a year planned from November) says nothing of the plan."""
    return bool(day) and bool(plan_from) and str(day) < str(plan_from)  # ISO dates sort as texts


def split_past(records: Iterable[dict]) -> tuple[list[dict], list[dict]]:
    """(records still to place, records of rule ``past``): the second are counted apart everywhere —
    the solve's and the checker's summary, the window's cards, the PDFs — not as unplaced sessions."""
    still, past = [], []
    for u in records:
        (past if u.get("rule") == PAST_RULE else still).append(u)
    return still, past


def sessions_of(records: Iterable[dict]) -> int:
    """Sessions an unplaced list stands for."""
    return sum(int(u.get("sessions", 0) or 0) for u in records)


def units_of(records: Iterable[dict]) -> int:
    """Units an unplaced list names (a unit may have a record per step)."""
    return len({(u.get("unit_type"), u.get("unit_id")) for u in records})
