"""Public holidays come from the ``holidays`` package's France imported alone (issue 16: not its 150
countries in every process of a solve): the same days, Alsace-Moselle and overseas included."""
from __future__ import annotations

import holidays

from planner import calendar as cal


def test_france_alone_gives_the_package_s_holidays():
    france = cal._france()
    for year in (2026, 2027):
        for subdiv in (None, "57", "6AE", "971", "974", "976"):
            got = france(years=year, subdiv=subdiv) if subdiv else france(years=year)
            want = holidays.France(years=year, subdiv=subdiv) if subdiv else holidays.France(years=year)
            assert dict(got) == dict(want)
    assert cal.is_public_holiday(cal.dt.date(2026, 12, 26), "057") and not cal.is_public_holiday(cal.dt.date(2026, 12, 26), "031")


def test_zone_holidays_read_as_the_package_reads_them():
    from vacances_scolaires_france import SchoolHolidayDates

    ours, theirs = cal._ZoneHolidays(), SchoolHolidayDates()
    assert ours.data == theirs.data and len(ours.data) > 5000
    assert (ours.min_year, ours.max_year) == (theirs.min_year, theirs.max_year)
    assert ours.is_holiday_for_zone(cal.dt.date(2026, 12, 24), "C")
    assert not ours.is_holiday_for_zone(cal.dt.date(2026, 12, 1), "A")
