"""Batch PDF file names never collide: ``a/b`` and ``a_b``, ``AB`` and ``ab`` on a case-insensitive
disk, Windows reserved names, the merged file's own name (issue 14, item 5)."""
from __future__ import annotations

import dataclasses

from planner.exports.batch import batch_filenames, export_batch
from planner.exports.sample import small_plan
from planner.plan import Plan


def test_names_are_distinct_case_insensitively():
    ids = ["a/b", "a_b", "a b", "AB", "ab", "CON", "0310001A", "x" * 300, "plans-etablissements-16", "", "é"]
    names = batch_filenames(ids, reserved=("plans-etablissements-16",))
    assert set(names) == set(ids)
    assert len({n.lower() for n in names.values()}) == len(ids)
    assert names["a_b"] == "a_b" and names["0310001A"] == "0310001A" and names["AB"] == "AB"  # plain ids kept
    assert names["a/b"].startswith("a_b-") and names["ab"].startswith("ab-") and names["CON"].startswith("CON-")
    assert names["plans-etablissements-16"] != "plans-etablissements-16"
    assert all(len(n) < 120 and "/" not in n for n in names.values())
    assert batch_filenames(list(reversed(ids)), reserved=("plans-etablissements-16",)) == names  # stable


def test_batch_export_writes_one_file_per_unit_even_when_ids_collide(tmp_path):
    base = small_plan()
    ren = {"0310001A": "a/b", "0310002B": "a_b"}
    plan = Plan(
        sessions=[dataclasses.replace(s, unit_id=ren.get(s.unit_id, s.unit_id)) for s in base.sessions],
        trainers=[dataclasses.replace(t, unit_id=ren.get(t.unit_id, t.unit_id)) for t in base.trainers],
        units=[dataclasses.replace(u, unit_id=ren.get(u.unit_id, u.unit_id)) for u in base.units],
        report=base.report,
    )
    d = plan.write(tmp_path / "plan")
    paths = export_batch(d, "etablissement", tmp_path / "pdf", workers=1, merged=True)
    units = paths[:-1]
    assert len(units) == 2 and len({p.name for p in units}) == 2
    assert sorted(p.name for p in (tmp_path / "pdf").iterdir()) == sorted([p.name for p in paths])
    assert all(p.stat().st_size > 1000 for p in paths)


def test_batches_on_an_unchanged_plan_folder_read_it_once(tmp_path, monkeypatch):
    """The établissements then the circonscriptions of one plan folder: one read; the folder solved again: re-read."""
    import os
    import time

    from planner.exports import batch
    from planner.exports.sample import synthetic_academie
    from planner.plan import Plan

    plan_dir = tmp_path / "plan"
    synthetic_academie(n_etab=3, n_circ=2).write(plan_dir)
    reads = []
    real = Plan.read
    monkeypatch.setattr(Plan, "read", staticmethod(lambda d, *a, **k: reads.append(d) or real(d, *a, **k)))
    batch.export_batch(plan_dir, "all-etablissements", tmp_path / "e", workers=1)
    batch.export_batch(plan_dir, "all-circonscriptions", tmp_path / "c", workers=1)
    assert len(reads) == 1
    time.sleep(0.01)
    synthetic_academie(n_etab=4, n_circ=2).write(plan_dir)
    os.utime(plan_dir / "sessions.csv")
    paths = batch.export_batch(plan_dir, "all-etablissements", tmp_path / "e2", workers=1)
    assert len(reads) == 2 and len(paths) == 4
