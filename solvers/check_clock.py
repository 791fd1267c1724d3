"""Times of day for the independent checker, each text of a plan parsed once (a national plan repeats a few
dozen « HH:MM » texts 700,000 times).

:class:`Minutes` reads a text as :func:`planner.text.hhmm_minutes` does. :class:`ClockMinutes` accepts only
the times a :class:`datetime.time` can hold, and raises :class:`ValueError` where ``Session.start_dt`` and
``Session.end_dt`` would: ``(date, minutes)`` then orders sessions as their datetimes do, without building
them. :func:`moment` turns ``date ordinal × 1440 + minutes`` back into its datetime (for a message).
"""
from __future__ import annotations

import datetime as dt

from planner.text import hhmm_minutes


class Minutes(dict):
    """« 09:30 » → 570, memoised."""

    def __missing__(self, hhmm: str) -> int:
        m = self[hhmm] = hhmm_minutes(hhmm)
        return m


class ClockMinutes(dict):
    """« 09:30 » → 570, memoised; ValueError for a time no datetime can hold (as ``Session.start_dt``)."""

    def __missing__(self, hhmm: str) -> int:
        m = hhmm_minutes(hhmm)
        dt.time(*divmod(m, 60))  # raises as Session.start_dt would
        self[hhmm] = m
        return m


def moment(t: int) -> dt.datetime:
    """The datetime of ``date.toordinal() * 1440 + minutes``."""
    day, m = divmod(t, 1440)
    return dt.datetime.combine(dt.date.fromordinal(day), dt.time(*divmod(m, 60)))


__all__ = ["ClockMinutes", "Minutes", "moment"]
