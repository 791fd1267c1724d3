"""ICS calendars (the ``icalendar`` package): one event per session, the unit's address as location.

Times are local to the académie (``data/academies.csv`` gives the time zone, overseas included);
the VTIMEZONE components are added so that every calendar client reads the same hours.
"""
from __future__ import annotations

import datetime as dt
import os
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from ..plan import Plan, Session
from .attendance import session_place
from .common import UNIT_LABELS, ExportError, PlanIndex, academie_timezone, audience_label, kind_label
from .typography import plan_label

PRODID = "-//Planificateur IA//Plan de formation//FR"


@lru_cache(maxsize=4096)
def _ymd(d: dt.date) -> str:
    return d.strftime("%Y%m%d")


@lru_cache(maxsize=65536)  # unit names, places, labels: the same texts come back event after event
def _text(v: str) -> str:
    """A TEXT value escaped as RFC 5545 says (backslash, semicolon, comma, line breaks)."""
    return (v.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"))


def _fold(line: str) -> str:
    """One content line, folded at 75 octets (never inside a UTF-8 character), with its CRLF: the first
    piece holds 75 octets at most, each following one a space and 74 octets at most."""
    if len(line) <= 75 and line.isascii():  # most lines: a byte a character, short enough
        return line + "\r\n"
    b = line.encode()
    if len(b) <= 75:
        return line + "\r\n"
    parts, i, room = [], 0, 75
    while len(b) - i > room:
        j = i + room
        while b[j] & 0xC0 == 0x80:  # a UTF-8 continuation byte: cut before its character
            j -= 1
        parts.append(b[i:j])
        i, room = j, 74
    parts.append(b[i:])
    return b"\r\n ".join(parts).decode() + "\r\n"


def _window_label(ix: PlanIndex, name: str) -> str:
    return ix.memo(("window_label", name), lambda: ix.window_label(name))


def _event(ix: PlanIndex, s: Session, stamp: str) -> str:
    """The VEVENT of a session, written directly (the ``icalendar`` objects cost 4 ms an event)."""
    tz = academie_timezone(s.academie)
    u = ix.unit(s.unit_type, s.unit_id)
    unit_name = u.name if u else s.unit_id
    title = kind_label(s.kind) + (f" — {s.title}" if s.title else "")
    lines = [
        f"{UNIT_LABELS.get(s.unit_type, s.unit_type)} : {unit_name} ({s.unit_id})",
        f"Public : {audience_label(s.audience)}",
        f"Groupe : {s.group}" if s.group else "",
        f"Participants : {s.participants}",
        f"Formateur : {ix.trainer_name(s.trainer_id)}" if s.trainer_id else "",
        f"Fenêtre : {_window_label(ix, s.window)}",
        f"Session : {s.session_id}",
    ]
    day = _ymd(s.date)
    return "".join((
        "BEGIN:VEVENT\r\n",
        _fold(f"SUMMARY:{_text(f'{title} · {unit_name}')}"),
        _fold(f"DTSTART;TZID={tz}:{day}T{s.start[:2]}{s.start[3:5]}00"),
        _fold(f"DTEND;TZID={tz}:{day}T{s.end[:2]}{s.end[3:5]}00"),
        _fold(f"DTSTAMP:{stamp}"),
        _fold(f"UID:{_text(f'{s.session_id}@planificateur-ia')}"),
        _fold(f"CATEGORIES:{_text(kind_label(s.kind))}"),
        _fold(f"DESCRIPTION:{_text(chr(10).join(x for x in lines if x))}"),
        _fold(f"LOCATION:{_text(session_place(ix, s))}"),
        "END:VEVENT\r\n",
    ))


def _timezones(zones: list[str], stamp: dt.datetime) -> bytes:
    """The VTIMEZONE components of ``zones``, as ``icalendar`` writes them."""
    cal = Calendar()
    for z in zones:
        e = Event()
        e.add("dtstart", stamp.replace(tzinfo=ZoneInfo(z)))
        cal.add_component(e)
    cal.add_missing_timezones()
    return b"".join(c.to_ical() for c in cal.subcomponents if c.name == "VTIMEZONE")


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
        name = plan_label(ix.plan_name)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    stamp = now.strftime("%Y%m%dT%H%M%SZ")
    events = "".join(_event(ix, s, stamp) for s in sessions).encode()
    zones = sorted({academie_timezone(s.academie) for s in sessions})
    head, end = cal.to_ical().rsplit(b"END:VCALENDAR", 1)
    body = head + (_timezones(zones, now.replace(tzinfo=None)) if zones else b"") + events + b"END:VCALENDAR" + end
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    tmp.write_bytes(body)
    os.replace(tmp, out)
    return out
