"""The checker's memoised times of day read a text as Session.start_dt does: same minutes, same order, same errors."""
import datetime as dt

import pytest

from planner.plan import Session
from solvers.check_clock import ClockMinutes, Minutes, moment


def _session(day: dt.date, start: str) -> Session:
    return Session("S1", "step1", "teachers_2d", "16", "031", "C", "etablissement", "E1", "", day, start, start, 10,
                   "after_school")


@pytest.mark.parametrize("text", ["09:30", "00:00", "23:59", "9:05", "09:75", "24:00", "-1:30", "12", "ab:cd"])
def test_clock_minutes_accept_and_refuse_what_start_dt_does(text):
    day = dt.date(2027, 3, 2)
    try:
        expected = _session(day, text).start_dt
    except ValueError:
        with pytest.raises(ValueError):
            ClockMinutes()[text]
        return
    clock = ClockMinutes()
    m = clock[text]
    assert moment(day.toordinal() * 1440 + m) == expected
    assert clock[text] == m and text in clock  # read once


def test_minutes_since_day_one_order_sessions_as_their_datetimes():
    clock = ClockMinutes()
    xs = [_session(dt.date(2027, 3, d), t) for d in (1, 2) for t in ("9:00", "08:59", "10:00", "23:59", "00:00")]
    by_dt = sorted(xs, key=lambda x: x.start_dt)
    by_minutes = sorted(xs, key=lambda x: x.date.toordinal() * 1440 + clock[x.start])
    assert [x.start_dt for x in by_minutes] == [x.start_dt for x in by_dt]


def test_minutes_read_as_hhmm_minutes_once():
    mins = Minutes()
    assert mins["09:30"] == 570 and mins["17:05"] == 1025 and len(mins) == 2
    with pytest.raises(ValueError):
        mins["9h30"]
    assert "9h30" not in mins
