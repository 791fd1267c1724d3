"""One attribute of many rows (sessions, units, trainers) as a list, as fast as the interpreter reads it.

``column_reader("status")(rows)`` is ``[r.status for r in rows]``, compiled once per attribute name: the
comprehension's attribute read is specialized by the interpreter for slotted dataclasses such as
:class:`planner.plan.Session`, about twice as fast as ``list(map(attrgetter("status"), rows))``, whose generic
lookup a national plan's 400,000 sessions pay for each column saved, written or indexed.
"""
from __future__ import annotations

import keyword
from collections.abc import Callable, Iterable
from functools import lru_cache


@lru_cache(maxsize=None)
def column_reader(name: str) -> Callable[[Iterable], list]:
    """``rows → [r.<name> for r in rows]`` for an attribute ``name`` (an identifier, never user text)."""
    if not name.isidentifier() or keyword.iskeyword(name):
        raise ValueError(f"nom d'attribut invalide : {name!r}")
    return eval(f"lambda rows: [r.{name} for r in rows]", {})  # noqa: S307 - a checked identifier only


def column(rows: Iterable, name: str) -> list:
    """``[r.<name> for r in rows]`` (:func:`column_reader`)."""
    return column_reader(name)(rows)
