"""A plan's parts of the scenario file made before the save (in the background after a solve, or the very bytes
of the file it was read from): the save writes them as they are, and the file is the same as without them."""
from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from dataclasses import asdict

import pytest

from planner import store, store_codec
from planner.plan import Plan, Session
from planner.plan_index import PlanIndex
from planner.store import ScenarioStore
from planner.store_codec import GROUP_PREFIX, ORDER_PART, adopt_file_parts, prepare_plan_parts, prepared_parts

from .test_store_columns import _new_store, _two_academies


def _store(folder):
    """A new scenario file in ``folder`` (made), without plan yet."""
    folder.mkdir(parents=True, exist_ok=True)
    return _new_store(folder)


def _blobs(path) -> dict[str, bytes]:
    db = sqlite3.connect(path)
    try:
        return dict(db.execute("SELECT part, data FROM plan_data WHERE name = 'courant'"))
    finally:
        db.close()


def _save(path, plan: Plan, ix=None, **kw) -> None:
    with ScenarioStore(path) as st:
        st.save_plan("courant", plan, {}, index=ix, **kw)


def _no_encoding(monkeypatch) -> list:
    """Every encoding of a plan's rows from now on is recorded (what a save made itself rather than found)."""
    made: list = []
    real = store_codec._encode_columns

    def spy(rows, cls, *a, **k):
        made.append((cls.__name__, len(rows)))
        return real(rows, cls, *a, **k)

    monkeypatch.setattr(store_codec, "_encode_columns", spy)
    monkeypatch.setattr(store, "_encode_columns", spy)  # the save's own name of it (trainers, units)
    return made


def test_prepared_parts_are_the_bytes_a_save_makes_and_the_save_makes_none(tmp_path, monkeypatch):
    plan = _two_academies(900)
    plain_path, prepared_path = _store(tmp_path / "a"), _store(tmp_path / "b")
    _save(plain_path, plan, PlanIndex(plan))
    ix = PlanIndex(plan)
    prepared = prepare_plan_parts(ix)
    assert set(prepared.parts) == {GROUP_PREFIX + "16", GROUP_PREFIX + "28", ORDER_PART, "trainers", "units"}
    assert prepared_parts(ix) is prepared  # one per index
    made = _no_encoding(monkeypatch)
    _save(prepared_path, plan, ix)
    assert made == []  # written as they were prepared
    assert _blobs(prepared_path) == _blobs(plain_path)  # the same file as a save that made them
    with ScenarioStore(prepared_path) as st:
        assert st.load_plan("courant").sessions == plan.sessions


def test_a_save_after_a_stopped_preparation_makes_the_rest_and_keeps_them(tmp_path, monkeypatch):
    plan = _two_academies(900)
    ix = PlanIndex(plan)
    stop = threading.Event()
    calls = []

    def pause():  # after the first académie, a save begins: the preparation stops
        calls.append(1)
        stop.set()

    prepared = prepare_plan_parts(ix, stop, pause)
    assert calls == [1] and set(prepared.parts) == {GROUP_PREFIX + "28"}  # the plan's first académie
    made = _no_encoding(monkeypatch)
    path = _store(tmp_path)
    _save(path, plan, ix)
    assert sorted(made) == [("Session", 600), ("TrainerRow", 40), ("UnitRow", 0)]  # académie 16 and the rest
    assert set(prepared.parts) == {GROUP_PREFIX + "16", GROUP_PREFIX + "28", ORDER_PART, "trainers", "units"}
    with ScenarioStore(path) as st:
        assert st.load_plan("courant").sessions == plan.sessions
    made.clear()
    _save(_store(tmp_path / "again"), plan, ix)  # « Enregistrer sous » another file: nothing made again
    assert made == []


def test_a_plan_read_from_a_file_is_written_elsewhere_with_the_files_bytes(tmp_path, monkeypatch):
    from planner.followup import SessionStatus, apply_statuses, load_statuses, set_statuses

    plan = _two_academies(900)
    first = _store(tmp_path / "a")
    _save(first, plan, PlanIndex(plan))
    with ScenarioStore(first) as st:  # a status, stored apart from the parts, applied as the window does
        set_statuses(st, [SessionStatus(plan.sessions[5].session_id, "held", dt.date(2026, 9, 2), 12)])
        stored: dict = {}
        again = apply_statuses(st.load_plan("courant", stored), load_statuses(st))
    assert again.sessions[5].status == "held"
    ix = PlanIndex.from_stored(again, None, stored)
    adopt_file_parts(ix, stored["parts"])
    made = _no_encoding(monkeypatch)
    copy = _store(tmp_path / "b")
    _save(copy, again, ix)
    assert made == []
    assert _blobs(copy) == _blobs(first)
    with ScenarioStore(copy) as st, ScenarioStore(first) as st0:  # the statuses are the file's, not the plan's
        assert st.load_plan("courant").sessions == st0.load_plan("courant").sessions


def test_parts_of_an_older_format_are_not_adopted(tmp_path):
    plan = _two_academies(200)
    ix = PlanIndex(plan)
    file_parts = {GROUP_PREFIX + "16": b"x\x9c old rows", GROUP_PREFIX + "28": store_codec.session_part(plan.sessions),
                  ORDER_PART: b"not an order", "units": store_codec.COLUMNAR_2 + b"..."}
    adopt_file_parts(ix, file_parts)
    assert set(prepared_parts(ix).parts) == {GROUP_PREFIX + "28"}


def test_preparation_skips_the_academies_the_file_keeps(tmp_path):
    """After an académie is re-planned, only its part differs from the file's plan: only it is made."""
    plan = _two_academies(900)
    old_ix = PlanIndex(plan)
    moved = [s if s.session_id != "S-4" else Session(**{**asdict(s), "date": dt.date(2027, 1, 5)})
             for s in plan.sessions]  # S-4 is of académie 16
    new = Plan(sessions=moved, trainers=plan.trainers, units=plan.units, report=plan.report)
    ix = PlanIndex(new)
    prepared = prepare_plan_parts(ix, same_as_index=old_ix)
    assert GROUP_PREFIX + "16" in prepared.parts and GROUP_PREFIX + "28" not in prepared.parts
    path = _store(tmp_path)
    _save(path, plan, old_ix)
    before = _blobs(path)
    _save(path, new, ix, same_as=plan, same_as_index=old_ix)
    after = _blobs(path)
    assert after[GROUP_PREFIX + "28"] == before[GROUP_PREFIX + "28"]
    assert after[GROUP_PREFIX + "16"] == prepared.parts[GROUP_PREFIX + "16"] != before[GROUP_PREFIX + "16"]


@pytest.mark.parametrize("empty", [True, False])
def test_an_index_of_another_plan_is_not_used(tmp_path, empty):
    """Parts prepared for one plan never go into the save of another (the index must be the plan's own)."""
    plan = _two_academies(300)
    other = Plan(sessions=[] if empty else plan.sessions[:30], trainers=[], units=[], report={})
    ix = PlanIndex(plan)
    prepare_plan_parts(ix)
    path = _store(tmp_path)
    _save(path, other, ix)
    with ScenarioStore(path) as st:
        assert st.load_plan("courant").sessions == other.sessions
