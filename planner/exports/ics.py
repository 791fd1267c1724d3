"""ICS calendars (the ``icalendar`` package): one event per session, the unit's address as location.

Times are local to the académie (``data/academies.csv`` gives the time zone, overseas included);
the VTIMEZONE components are added so that every calendar client reads the same hours.
"""
from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from ..plan import Plan, Session
from .common import UNIT_LABELS, ExportError, PlanIndex, academie_timezone, audience_label, kind_label

PRODID = "-//Planificateur IA//Plan de formation//FR"


def _event(ix: PlanIndex, s: Session, stamp: dt.datetime) -> Event:
    tz = ZoneInfo(academie_timezone(s.academie))
    u = ix.unit(s.unit_type, s.unit_id)
    unit_name = u.name if u else s.unit_id
    e = Event()
    e.add("uid", f"{s.session_id}@planificateur-ia")
    e.add("dtstamp", stamp)
    e.add("dtstart", s.start_dt.replace(tzinfo=tz))
    e.add("dtend", s.end_dt.replace(tzinfo=tz))
    title = kind_label(s.kind) + (f" — {s.title}" if s.title else "")
    e.add("summary", f"{title} · {unit_name}")
    e.add("location", ix.location(s.unit_type, s.unit_id))
    lines = [
        f"{UNIT_LABELS.get(s.unit_type, s.unit_type)} : {unit_name} ({s.unit_id})",
        f"Public : {audience_label(s.audience)}",
        f"Groupe : {s.group}" if s.group else "",
        f"Participants : {s.participants}",
        f"Formateur : {ix.trainer_name(s.trainer_id)}" if s.trainer_id else "",
        f"Fenêtre : {ix.window_label(s.window)}",
        f"Session : {s.session_id}",
    ]
    e.add("description", "\n".join(x for x in lines if x))
    e.add("categories", [kind_label(s.kind)])
    return e


def export_ics(plan: Plan | PlanIndex, out_path: str | Path, trainer_id: str | None = None,
               unit: tuple[str, str] | None = None) -> Path:
    """Calendar of a trainer's sessions, of a unit's sessions, or (neither given) of the whole plan."""
    ix = plan if isinstance(plan, PlanIndex) else PlanIndex.build(plan)
    if trainer_id is not None:
        if trainer_id not in ix.trainers and not ix.sessions_of_trainer(trainer_id):
            raise ExportError(f"Formateur {trainer_id} introuvable dans le plan « {ix.plan_name} ».")
        sessions = ix.sessions_of_trainer(trainer_id)
        name = f"Sessions de {ix.trainer_name(trainer_id)}"
    elif unit is not None:
        ut, uid = unit
        u = ix.unit(ut, uid)
        sessions = ix.sessions_of_unit(ut, uid)
        if u is None and not sessions:
            raise ExportError(f"{UNIT_LABELS.get(ut, ut)} {uid} introuvable dans le plan « {ix.plan_name} ».")
        name = f"Formation IA — {u.name if u else uid}"
    else:
        sessions = sorted(ix.plan.sessions, key=lambda s: (s.date, s.start, s.session_id))
        name = f"Plan « {ix.plan_name} »"
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    stamp = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    for s in sessions:
        cal.add_component(_event(ix, s, stamp))
    if sessions:
        cal.add_missing_timezones()
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    tmp.write_bytes(cal.to_ical())
    os.replace(tmp, out)
    return out
