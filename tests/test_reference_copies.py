"""The national reference is built once per process, and each call still hands out its own copy (issue 16:
the first call returns the build itself instead of a JSON round trip)."""
from __future__ import annotations

import datetime as dt

from planner.sources.reference import national_reference


def test_each_call_is_a_fresh_equal_copy():
    a = national_reference("2026-2027", dt.date(2026, 11, 30))
    a.etablissements[0].teachers += 1000
    a.etablissements.pop()
    a.trainers.clear()
    b = national_reference("2026-2027", dt.date(2026, 11, 30))
    c = national_reference("2026-2027", dt.date(2026, 11, 30))
    assert b == c and b.model_dump_json() == c.model_dump_json()
    assert len(b.etablissements) == len(a.etablissements) + 1 and b.trainers
    assert b.etablissements[0].teachers + 1000 == a.etablissements[0].teachers
