"""``planner.rows.column``: one attribute of many rows, as ``attrgetter`` reads it."""
from __future__ import annotations

from dataclasses import fields
from operator import attrgetter

import pytest

from planner.exports.sample import synthetic_academie
from planner.plan import Session, UnitRow
from planner.rows import column, column_reader


def test_a_column_reads_what_attrgetter_reads_for_every_field():
    plan = synthetic_academie(n_etab=6, n_circ=2)
    for cls, rows in ((Session, plan.sessions), (UnitRow, plan.units)):
        for f in fields(cls):
            got = column(rows, f.name)
            assert got == list(map(attrgetter(f.name), rows)), f.name
            assert all(a is b for a, b in zip(got, map(attrgetter(f.name), rows))), f.name
    first = plan.sessions[:3]
    assert column([], "status") == [] and column(iter(first), "group") == [s.group for s in first]
    assert column_reader("status") is column_reader("status")  # compiled once per name


@pytest.mark.parametrize("name", ["a.b", "x]; import os; [1", "for", "", "1a"])
def test_only_an_attribute_name_is_compiled(name):
    with pytest.raises(ValueError, match="nom d'attribut invalide"):
        column_reader(name)


def test_factorize_gives_the_sorted_distinct_values_and_each_row_s_rank():
    """``factorize`` of a list or of any iterable: numpy's sorted distinct values and inverse, with accents."""
    import numpy as np

    from planner.plan_index import factorize

    values = ["Étape 1", "charte", "Étape 1", "", "café IA", "charte", "Zone B", "é"]
    for given in (values, iter(values), (v for v in values)):
        uniq, codes = factorize(given)
        want_uniq, want_codes = np.unique(np.array(values, dtype=str), return_inverse=True)
        assert uniq.tolist() == want_uniq.tolist() and codes.tolist() == want_codes.tolist()
        assert codes.dtype == np.int64
    uniq, codes = factorize([])
    assert uniq.tolist() == [] and codes.tolist() == []
