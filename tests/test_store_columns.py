"""Plans are stored by column (fast save and reopen); plans saved before in rows still reopen."""
from __future__ import annotations

import datetime as dt
import json
import sqlite3
import zlib
from dataclasses import asdict

import pytest

from planner.plan import Plan, Session, TrainerRow
from planner.store import COLUMNAR, ScenarioStore

from .tiny import tiny_scenario


def _plan(n: int = 1200) -> Plan:
    ss = [Session(f"S-{i}", "step1" if i % 7 else "tot", "teachers_2d", "16", "031", "C", "etablissement", f"U{i % 300}",
                  f"T{i % 40}", dt.date(2026, 9, 1) + dt.timedelta(days=i % 90), "09:00", "10:00", 10 + i % 6,
                  "wednesday_pm", i % 4, i % 11 == 0, "Étape « 1 »" if i % 5 else "")
          for i in range(n)]
    trainers = [TrainerRow(f"T{i}", "trainer_2d", "16", "etablissement", f"U{i}", i % 2 == 0, "", f"Formateur {i}")
                for i in range(40)]
    return Plan(sessions=ss, trainers=trainers, units=[], report={"unplaced": [], "solver": "greedy"})


def _new_store(tmp_path):
    """A new scenario file (the mini scenario, no plan yet)."""
    path = tmp_path / "s.sqlite"
    ScenarioStore.create(path, tiny_scenario())
    return path


def test_plan_round_trips_by_column(tmp_path):
    path = _new_store(tmp_path)
    plan = _plan()
    with ScenarioStore(path) as st:
        st.save_plan("A", plan, {})
        blob = st.db.execute("SELECT data FROM plan_data WHERE name = 'A' AND part = 'sessions@16'").fetchone()[0]
        again = st.load_plan("A")
    assert blob.startswith(COLUMNAR)
    assert again.trainers == plan.trainers and again.units == []
    assert again.sessions == plan.sessions  # every field, dates, booleans and accents included
    assert again.sessions[11].pinned is True and again.sessions[3].date == dt.date(2026, 9, 4)


def test_plan_saved_in_rows_still_reopens(tmp_path):
    path = _new_store(tmp_path)
    plan = _plan(50)
    with ScenarioStore(path) as st:
        st.save_plan("A", plan, {})
    rows = [{**asdict(s), "date": s.date.isoformat()} for s in plan.sessions]
    old = zlib.compress(json.dumps(rows, ensure_ascii=False).encode(), 6)
    db = sqlite3.connect(path)
    with db:  # one part of rows, as plans were saved before the columns and the parts per académie
        db.execute("DELETE FROM plan_data WHERE name = 'A' AND part LIKE 'sessions%'")
        db.execute("INSERT INTO plan_data VALUES ('A', 'sessions', ?)", (old,))
    db.close()
    with ScenarioStore(path) as st:
        assert st.load_plan("A").sessions == plan.sessions
        st.save_plan("A", plan, {}, same_as=plan)  # saved again: in parts per académie, the old part gone
        parts = {p for (p,) in st.db.execute("SELECT part FROM plan_data WHERE name = 'A'")}
        assert "sessions" not in parts and "sessions@16" in parts
        assert st.load_plan("A").sessions == plan.sessions


def _header(blob: bytes) -> dict[str, dict]:
    """The stored columns of a part, by name, as its JSON header describes them."""
    assert blob.startswith(COLUMNAR)
    raw = zlib.decompress(blob[len(COLUMNAR):])
    size = int.from_bytes(raw[:8], "little")
    return {c["name"]: c for c in json.loads(raw[8:8 + size])["columns"]}


def _two_academies(n: int = 600) -> Plan:
    plan = _plan(n)
    for i, s in enumerate(plan.sessions):
        if i % 3 == 0:
            s.academie = "28"
    return plan


@pytest.mark.parametrize("indexed", ["no", "saved", "read"])
def test_a_save_rewrites_only_the_academies_that_changed(tmp_path, indexed):
    """After a pin (one unit re-planned) the académies whose sessions are the same objects keep their part; the
    previous plan's académies as its own save split them (``saved``), split by its index's columns when it was
    read from the file (``read``: not coded for nothing) or by a loop over its sessions (``no`` index)."""
    from planner.plan_index import PlanIndex

    path = _new_store(tmp_path)
    plan = _two_academies()
    ix = None if indexed == "no" else PlanIndex(plan)
    rowid = "SELECT part, rowid FROM plan_data WHERE name = 'A'"
    with ScenarioStore(path) as st:
        st.save_plan("A", plan, {}, index=ix if indexed == "saved" else None)
        before = dict(st.db.execute(rowid))
        moved = [s if s.session_id != "S-4" else Session(**{**asdict(s), "date": dt.date(2027, 1, 5), "pinned": True})
                 for s in plan.sessions]  # S-4 is of académie 16
        new = Plan(sessions=moved, trainers=plan.trainers, units=plan.units, report=plan.report)
        st.save_plan("A", new, {}, same_as=plan, same_as_index=ix, index=None if ix is None else PlanIndex(new))
        after = dict(st.db.execute(rowid))
        again = st.load_plan("A")
    if ix is not None:  # split and coded once, at its own save; a plan read is only split
        assert (("store_groups",) in ix.__dict__.get("_memo", {})) == (indexed == "saved")
    assert after["sessions@28"] == before["sessions@28"]  # not rewritten
    assert after["sessions@16"] != before["sessions@16"]
    assert again.sessions == new.sessions  # the plan's order across académies too
    assert next(s for s in again.sessions if s.session_id == "S-4").date == dt.date(2027, 1, 5)


def test_session_columns_of_a_plan_in_parts(tmp_path):
    from planner.store import read_plan_columns

    path = _new_store(tmp_path)
    plan = _two_academies(90)
    with ScenarioStore(path) as st:
        st.save_plan("A", plan, {})
        cols = read_plan_columns(st.db, "A", ["session_id", "academie"])
        assert read_plan_columns(st.db, "B", ["session_id"]) is None
    assert cols["session_id"] == [s.session_id for s in plan.sessions]
    assert cols["academie"] == [s.academie for s in plan.sessions]


def test_saving_an_unchanged_scenario_writes_nothing(tmp_path):
    path = tmp_path / "s.sqlite"
    sc = tiny_scenario()
    ScenarioStore.create(path, sc)
    with ScenarioStore(path) as st:
        assert st.save_scenario(sc) is False  # same scenario: not rewritten
        changed = sc.model_copy(update={"name": "Autre"})
        assert st.save_scenario(changed) is True
        assert st.load_scenario().name == "Autre"
        st.save_settings(sc.settings.model_copy(update={"group_size": 12}))
        assert st.save_scenario(changed) is True  # the file's settings differ from the scenario's
        assert st.load_scenario().settings.group_size == sc.settings.group_size


def test_scenario_data_is_written_in_chunks_as_one_json(monkeypatch, tmp_path):
    from planner import store_codec as store

    sc = tiny_scenario()
    monkeypatch.setattr(store, "_CHUNK", 2)  # every list of more than two units goes by chunks
    whole = json.dumps(sc.model_dump(mode="json", exclude={"settings"}), ensure_ascii=False, separators=(",", ":"))
    assert len(sc.trainers) > 2 and store.scenario_data_json(sc) == whole
    assert store.scenario_fingerprint(sc) == sc.fingerprint()
    assert store.scenario_fingerprint(sc.model_copy(update={"name": "Autre"})) != sc.fingerprint()
    # both from one serialization; accents, quotes and coordinates as json.dumps writes them
    e = sc.etablissements[0]
    odd = sc.model_copy(update={"name": "Scénario « test » \"guillemets\" \\ fin", "etablissements": [
        e.model_copy(update={"name": "Lycée Émile-Zola\tannexe", "latitude": 43.604652, "longitude": -1.5e-05}),
        *sc.etablissements[1:]]})
    text, fingerprint = store.scenario_dump(odd)
    assert fingerprint == odd.fingerprint() != sc.fingerprint()
    assert json.loads(text) == odd.model_dump(mode="json", exclude={"settings"})  # -1.5e-5 written so: same value
    ScenarioStore.create(tmp_path / "odd.sqlite", odd)
    with ScenarioStore(tmp_path / "odd.sqlite") as st:
        back = st.load_scenario()
    assert back.fingerprint() == odd.fingerprint() and back.etablissements[0].longitude == -1.5e-05


def test_scenario_data_is_read_back_item_by_item_as_json_loads_reads_it(monkeypatch):
    from planner import store_codec as store

    sc = tiny_scenario()
    text = store.scenario_data_json(sc)
    calls = []
    scan = store._DECODER.scan_once
    monkeypatch.setattr(store, "_DECODER", type("D", (), {"scan_once": staticmethod(
        lambda s, i: calls.append(i) or scan(s, i))}))
    assert store.scenario_data_loads(text) == json.loads(text)
    # one call per key and per list item (the trainers one by one), never the whole text in one call
    assert len(calls) >= len(sc.trainers) + len(sc.etablissements) and 0 not in calls
    for other in ('{}', ' { "a" : [ ] , "b" : [ 1 , {"c": [2, 3]} , "x" ] , "d" : {"e": 1}, "a": 5 } ',
                  '{"n": null, "t": true, "f": [1.5e3, -0, "\\u00e9\\""]}', '[1, 2]', '"texte"', '{"a":[1,2]}  '):
        assert store.scenario_data_loads(other) == json.loads(other)
    for bad in ('', '{', '{"a": [1, 2}', '{"a": [1 2]}', '{"a" 1}', '{a: 1}', '{"a": 1} x', '{"a": [1,]}', '{"a":}'):
        with pytest.raises(json.JSONDecodeError):  # the error json.loads gives
            store.scenario_data_loads(bad)


def test_a_plan_report_is_written_in_chunks_as_one_json(tmp_path, monkeypatch):
    from planner import store_codec

    calls = []
    dumps = json.dumps
    monkeypatch.setattr(store_codec, "_CHUNK", 3)  # every list of more than three items goes by chunks
    monkeypatch.setattr(store_codec.json, "dumps", lambda obj, **kw: (calls.append(obj), dumps(obj, **kw))[1])
    plan = _plan(40)
    unplaced = [{"unit_type": "etablissement", "unit_id": f"U{i}", "sessions": i, "reason": "« plein »"}
                for i in range(10)]
    plan.report = {"unplaced": unplaced, "when": dt.date(2026, 11, 30), "by_id": {1: "x"}, "solver": "greedy"}
    whole = dumps(plan.report, ensure_ascii=False, default=str)
    assert store_codec.dumps_chunked(plan.report, ensure_ascii=False, default=str) == whole
    assert max(len(o) for o in calls if isinstance(o, list)) == 3  # never the whole list in one call
    path = _new_store(tmp_path)
    with ScenarioStore(path) as st:
        st.save_plan("A", plan, {})
        assert st.db.execute("SELECT report FROM plans WHERE name = 'A'").fetchone()[0] == whole
        assert st.load_plan("A").report == json.loads(whole)


def test_the_index_of_a_plan_read_from_the_file_equals_the_one_of_its_sessions(tmp_path):
    import numpy as np

    from planner.plan_index import _COLUMN_ATTRS, PlanIndex

    path = _new_store(tmp_path)
    plan = _two_academies(700)
    plan.sessions[3].trainer_id = ""  # a session without trainer
    with ScenarioStore(path) as st:
        st.save_plan("A", plan, {})
        stored: dict = {}
        again = st.load_plan("A", stored)
    assert stored["order"].shape == (700,)
    quick, slow = PlanIndex.from_stored(again, None, stored), PlanIndex(again).prepare()
    assert "date_ord" in quick.__dict__
    for k in _COLUMN_ATTRS:
        a, b = quick.__dict__[k], slow.__dict__[k]
        assert (np.array_equal(a, b) and a.dtype == b.dtype) if isinstance(b, np.ndarray) else a == b, k
    assert quick.sessions_of_unit("etablissement", "U7") == slow.sessions_of_unit("etablissement", "U7")
    # without the file's columns (a part missing one): the index is made from the sessions
    broken = {"groups": [{}], "order": stored["order"]}
    assert "date_ord" not in PlanIndex.from_stored(again, None, broken).__dict__


def test_unit_keys_of_the_index_from_the_file_when_unit_ids_are_stored_plain(tmp_path):
    """Unit ids mostly distinct (stored as they are, not coded): the index's unit keys are still those of the
    sessions, in both académies, for units of two types sharing an id."""
    import numpy as np

    from planner.plan_index import PlanIndex

    path = _new_store(tmp_path)
    plan = _two_academies(2400)
    for i, s in enumerate(plan.sessions):
        s.unit_id = f"U{i // 2}"  # two sessions a unit: the first thousand rows hold 500+ distinct ids
        s.unit_type = "circonscription" if i % 4 == 0 else "etablissement"
    with ScenarioStore(path) as st:
        st.save_plan("A", plan, {})
        blob = st.db.execute("SELECT data FROM plan_data WHERE part = 'sessions@16'").fetchone()[0]
        stored: dict = {}
        again = st.load_plan("A", stored)
    assert "plain_text" in _header(blob)["unit_id"]  # stored as they are, as one block of text
    quick, slow = PlanIndex.from_stored(again, None, stored), PlanIndex(again).prepare()
    assert "unit_values" in quick.__dict__  # made from the file's columns, not from the sessions
    for k in ("unit_values", "unit_code"):
        a, b = quick.__dict__[k], slow.__dict__[k]
        assert np.array_equal(a, b) and a.dtype == b.dtype, k
    assert quick.sessions_of_unit("circonscription", "U0") == slow.sessions_of_unit("circonscription", "U0")


def test_unit_columns_written_from_the_index_read_back_the_same(tmp_path):
    """A save with the plan's index writes unit types and ids coded from its « type|id » keys (ids mostly
    distinct included): two types sharing ids, in two académies, read back exactly."""
    from planner.plan_index import PlanIndex

    path = _new_store(tmp_path)
    plan = _two_academies(2400)
    for i, s in enumerate(plan.sessions):
        s.unit_type = ("circonscription", "etablissement", "bassin")[i % 3]
        s.unit_id = f"U{i // 2}"  # mostly distinct: stored as they are when not from the index
    with ScenarioStore(path) as st:
        st.save_plan("A", plan, {}, index=PlanIndex(plan))
        again = st.load_plan("A")
        blob = st.db.execute("SELECT data FROM plan_data WHERE part = 'sessions@16'").fetchone()[0]
    head = _header(blob)
    assert "values_text" in head["unit_id"] and "values" in head["unit_type"]  # 800 ids in a block, 3 types listed
    assert again.sessions == plan.sessions


def test_a_plan_saved_with_its_index_reads_back_the_same(tmp_path):
    from planner.plan_index import PlanIndex

    path = _new_store(tmp_path)
    plan = _two_academies(500)
    plan.sessions[7].trainer_id = ""
    with ScenarioStore(path) as st:
        st.save_plan("A", plan, {}, index=PlanIndex(plan))  # the index's coded columns written as they are
        st.save_plan("B", plan, {})
        a, b = st.load_plan("A"), st.load_plan("B")
        assert st.plan_info("A").kpis == st.plan_info("B").kpis
    assert a.sessions == plan.sessions == b.sessions


def test_texts_in_blocks_read_back_exactly_and_awkward_ones_stay_in_the_header(tmp_path):
    """Long lists of texts are stored as one block (NUL-separated); texts that hold NUL themselves, empty
    texts, accents and numbers mixed in read back exactly all the same."""
    path = _new_store(tmp_path)
    plan = _plan(400)
    for i, s in enumerate(plan.sessions):
        s.title = ["", "Étape « 1 »\n; ok", "a\0b", f"T{i}"][i % 4] if i < 200 else f"Titre {i % 90} — é"
        s.venue = f"Salle {i}"  # all distinct: one block
        s.attendees = "" if i % 2 else f"U{i % 300}:{s.participants}"
    with ScenarioStore(path) as st:
        st.save_plan("A", plan, {})
        blob = st.db.execute("SELECT data FROM plan_data WHERE part = 'sessions@16'").fetchone()[0]
        again = st.load_plan("A")
    head = _header(blob)
    assert "values_text" in head["venue"] and "values_text" in head["attendees"]
    assert "values" in head["title"]  # one title holds NUL: the list stays in the JSON header
    assert again.sessions == plan.sessions


def test_a_column_of_one_value_reads_back(tmp_path):
    """A column holding one text (or nothing) on every row is stored as that one value and a zero code per row,
    found in one C pass; a column that changes on its last row keeps the general path, and all read back."""
    plan = _plan(300)
    for i, s in enumerate(plan.sessions):
        s.title, s.venue_lat, s.zone = "Étape 1", None, "B"
        s.venue = "Salle" if i < 299 else "Autre salle"  # differs on the last row only
    path = _new_store(tmp_path)
    with ScenarioStore(path) as st:
        st.save_plan("A", plan, {})
        blob = st.db.execute("SELECT data FROM plan_data WHERE part = 'sessions@16'").fetchone()[0]
        again = st.load_plan("A")
    head = _header(blob)
    assert head["title"]["values"] == ["Étape 1"] and head["venue_lat"]["values"] == [None]
    assert head["zone"]["values"] == ["B"] and head["zone"]["dtype"] == "<u1"
    assert head["venue"]["values"] == ["Salle", "Autre salle"]
    assert again.sessions == plan.sessions
    assert {s.venue for s in again.sessions} == {"Salle", "Autre salle"}
    assert {s.title for s in again.sessions} == {"Étape 1"} and {s.venue_lat for s in again.sessions} == {None}


def test_parts_of_version_2_still_read(tmp_path):
    """Files saved before the text blocks (every list in the JSON header, prefix version 2) reopen the same."""
    from planner.store_codec import COLUMNAR_2

    path = _new_store(tmp_path)
    plan = _plan(300)
    with ScenarioStore(path) as st:
        st.save_plan("A", plan, {})
        for part, blob in list(st.db.execute("SELECT part, data FROM plan_data WHERE name = 'A'")):
            if not blob.startswith(COLUMNAR):
                continue
            raw = zlib.decompress(blob[len(COLUMNAR):])
            size = int.from_bytes(raw[:8], "little")
            head = json.loads(raw[8:8 + size])
            n, offset, arrays = head["rows"], 8 + size, []
            for c in head["columns"]:
                if "dtype" in c:
                    width = int(c["dtype"][-1]) * n
                    arrays.append(raw[offset:offset + width])
                    offset += width
            for c in head["columns"]:  # the blocks back into the header, as version 2 wrote them
                for key in ("values", "plain"):
                    if key + "_text" in c:
                        size_k = c.pop(key + "_text")
                        c[key] = raw[offset:offset + size_k].decode().split("\0")
                        offset += size_k
            head_b = json.dumps(head, ensure_ascii=False, separators=(",", ":")).encode()
            old = COLUMNAR_2 + zlib.compress(len(head_b).to_bytes(8, "little") + head_b + b"".join(arrays))
            st.db.execute("UPDATE plan_data SET data = ? WHERE name = 'A' AND part = ?", (old, part))
        st.db.commit()
        blob = st.db.execute("SELECT data FROM plan_data WHERE part = 'sessions@16'").fetchone()[0]
        assert blob.startswith(COLUMNAR_2)
        stored: dict = {}
        again = st.load_plan("A", stored)
    assert again.sessions == plan.sessions and again.trainers == plan.trainers
    assert stored["groups"]  # the stored columns still make the window's index


def test_a_truncated_text_block_is_refused_not_misread(tmp_path):
    from planner.store_codec import _decode_columns, _encode_columns

    rows = _plan(200).sessions
    raw = _encode_columns(rows, Session, compress=False)
    cut = COLUMNAR + zlib.compress(raw[:-50], 1)
    with pytest.raises(ValueError):
        _decode_columns(cut, Session)


def _with_block(raw: bytes, name: str, text: bytes) -> bytes:
    """A part's bytes (before compression) whose column ``name``'s block of texts (the last block) is ``text``."""
    size = int.from_bytes(raw[:8], "little")
    head = json.loads(raw[8:8 + size])
    col = next(c for c in head["columns"] if c["name"] == name)
    key = "plain_text" if "plain_text" in col else "values_text"
    later = head["columns"][head["columns"].index(col) + 1:]
    assert not any(k in c for c in later for k in ("plain_text", "values_text"))  # its block is the last
    old, col[key] = col[key], len(text)
    head_b = json.dumps(head, ensure_ascii=False, separators=(",", ":")).encode()
    return len(head_b).to_bytes(8, "little") + head_b + raw[8 + size:len(raw) - old] + text


def test_text_blocks_are_split_when_first_read_and_checked_when_the_part_is(tmp_path):
    """A part's blocks of texts (session ids, attendee lists) are checked when the part is read (their UTF-8, their
    number of texts) and split into texts only when a column's values are first asked for: the window opens a
    national plan without making its 400,000 ids, which its sessions make later in the background."""
    from planner.store_codec import _column_list, _parse_columns, _encode_columns

    rows = _plan(1200).sessions  # ids and attendee lists mostly distinct: stored as they are, each in a block
    for i, s in enumerate(rows):
        s.attendees = f"U{i}:{s.participants}"  # the last block of the part
    raw = _encode_columns(rows, Session, compress=False)
    n, columns, _dates = _parse_columns(COLUMNAR + zlib.compress(raw, 1))
    ids = columns["session_id"]
    assert n == 1200 and "plain" in ids and "plain" not in dict(ids)  # there, not yet split
    assert _column_list(ids, False) == [s.session_id for s in rows]
    assert dict(ids)["plain"] == [s.session_id for s in rows]  # split once, then kept
    assert _column_list(columns["attendees"], False) == [s.attendees for s in rows]

    texts = "\0".join(s.attendees for s in rows).encode()
    assert _with_block(raw, "attendees", texts) == raw  # (the helper rebuilds the part as it was)
    for damaged, why in ((texts.replace(b"U1", b"\xff1"), "utf-8"),  # not UTF-8
                         (texts + b"\0U9:1", "1201 valeurs pour 1200 lignes")):  # one text too many
        with pytest.raises(ValueError, match=why):
            _parse_columns(COLUMNAR + zlib.compress(_with_block(raw, "attendees", damaged), 1))


def test_a_code_past_its_values_is_refused_with_the_plan_named(tmp_path):
    """A damaged part (a code naming no stored value) makes the plan unreadable with a message, not a crash
    nor a plan misread: the window then opens the scenario alone."""
    from planner.store import StoreError
    from planner.store_codec import _encode_columns

    path = _new_store(tmp_path)
    plan = _plan(300)
    with ScenarioStore(path) as st:
        st.save_plan("A", plan, {})
        raw = bytearray(_encode_columns(plan.sessions, Session, compress=False))
        size = int.from_bytes(raw[:8], "little")
        head = json.loads(raw[8:8 + size])
        offset = 8 + size  # the arrays of codes, in the order of the header, up to the kinds'
        for c in head["columns"]:
            if c["name"] == "kind":
                break
            if "dtype" in c:
                offset += int(c["dtype"][-1]) * head["rows"]
        raw[offset] = 200  # the first row's kind: code 200 of 2 values
        st.db.execute("UPDATE plan_data SET data = ? WHERE name = 'A' AND part = 'sessions@16'",
                      (COLUMNAR + zlib.compress(bytes(raw)),))
        st.db.commit()
        with pytest.raises(StoreError, match="illisible"):
            st.load_plan("A")
        with pytest.raises(StoreError, match="illisible"):  # refused when read, not when its sessions are made
            st.load_plan("A", later=True)


# ------------------------------------------------------------------ sessions made when first asked for
def _saved_two_academies(tmp_path, n: int = 25_000) -> tuple:
    path = _new_store(tmp_path)
    plan = _two_academies(n)
    with ScenarioStore(path) as st:
        st.save_plan("A", plan, {})
    return path, plan


def test_a_plan_read_later_is_the_plan_its_sessions_made_when_asked_for(tmp_path):
    """``load_plan(later=True)`` reads and checks the parts at once and makes the session objects when first asked
    for: the same plan as read at once, equal both ways, copied and pickled as a plain plan."""
    import copy
    import pickle

    from planner.plan import StoredPlan

    path, plan = _saved_two_academies(tmp_path)
    with ScenarioStore(path) as st:
        stored: dict = {}
        later = st.load_plan("A", stored, later=True)
        now = st.load_plan("A")
    assert isinstance(later, StoredPlan) and not later.sessions_made
    assert later.session_count == len(plan.sessions) and not later.sessions_made  # counted, not made
    assert len(stored["groups"]) == 2 and len(stored["order"]) == len(plan.sessions)  # the window's index reads them
    assert later.trainers == plan.trainers and later.report == plan.report
    rows = [0, 1, 2, 3, 7_777, len(plan.sessions) - 1]  # a row alone (what a table shows meanwhile), both académies
    assert [later.session_at(i) for i in rows] == [now.sessions[i] for i in rows] and not later.sessions_made
    assert {later.session_at(i).academie for i in rows} == {"16", "28"}
    assert later.sessions == plan.sessions == now.sessions and later.sessions_made
    assert later.session_at(7_777) is later.sessions[7_777]
    assert later.sessions is later.sessions  # made once
    assert later == now and now == later and later == plan
    for again in (pickle.loads(pickle.dumps(later)), copy.deepcopy(later)):
        assert type(again) is Plan and again == plan


def test_a_plan_read_later_is_made_once_by_two_threads_and_pauses_between_slices(tmp_path):
    import threading

    from planner.store_codec import PAUSED_SLICE

    path, plan = _saved_two_academies(tmp_path)
    with ScenarioStore(path) as st:
        later = st.load_plan("A", later=True)
    pauses, got = [], []
    started = threading.Event()

    def pause() -> None:  # the background's pause between slices: another thread asks meanwhile
        pauses.append(threading.get_ident())
        started.set()

    asker = threading.Thread(target=lambda: started.wait(10) and got.append(later.sessions))
    asker.start()
    made = later.make_sessions(pause)
    asker.join(10)
    assert got and got[0] is made  # the other thread waited for this list, it did not make its own
    per_academie = [sum(1 for s in plan.sessions if s.academie == a) for a in ("16", "28")]
    assert len(pauses) == sum(-(-k // PAUSED_SLICE) for k in per_academie) >= 3
    assert made == plan.sessions and later.make_sessions() is made


def test_statuses_reach_the_sessions_of_a_plan_read_later(tmp_path):
    """The statuses recorded for a plan (planner.followup) are put on its sessions once they are made."""
    from planner.followup import SessionStatus, apply_statuses

    path, plan = _saved_two_academies(tmp_path, 300)
    with ScenarioStore(path) as st:
        later = st.load_plan("A", later=True)
    held = plan.sessions[5]
    apply_statuses(later, {held.session_id: SessionStatus(held.session_id, "held", held.date, 12, ())})
    assert not later.sessions_made
    row = next(i for i, s in enumerate(plan.sessions) if s is held)
    assert (later.session_at(row).status, later.session_at(row).present) == ("held", 12)  # on a row made alone too
    assert later.session_at(row + 1).status == "planned" and not later.sessions_made
    assert later.session_at(row) is later.session_at(row)  # made once for a table's cells
    apply_statuses(later, {})  # statuses recorded again: the rows made alone follow them too
    assert later.session_at(row).status == "planned" and later.session_at(row).present is None
    apply_statuses(later, {held.session_id: SessionStatus(held.session_id, "held", held.date, 12, ())})
    by_id = {s.session_id: s for s in later.sessions}
    assert (by_id[held.session_id].status, by_id[held.session_id].present) == ("held", 12)
    assert sum(s.status == "planned" for s in later.sessions) == len(plan.sessions) - 1
    apply_statuses(later, {})  # on sessions already made: at once
    assert all(s.status == "planned" and s.present is None for s in later.sessions)


def test_a_day_that_is_no_day_is_refused_when_the_plan_is_read(tmp_path):
    from planner.store import StoreError
    from planner.store_codec import _encode_columns

    path = _new_store(tmp_path)
    plan = _plan(300)
    plan.sessions[0].date = dt.date.max
    raw = _encode_columns(plan.sessions, Session, compress=False)
    size = int.from_bytes(raw[:8], "little")
    head = raw[8:8 + size].replace(str(dt.date.max.toordinal()).encode(), b"99999999")
    with ScenarioStore(path) as st:
        st.save_plan("A", plan, {})
        bad = COLUMNAR + zlib.compress(len(head).to_bytes(8, "little") + head + raw[8 + size:])
        st.db.execute("UPDATE plan_data SET data = ? WHERE name = 'A' AND part = 'sessions@16'", (bad,))
        st.db.commit()
        for later in (False, True):
            with pytest.raises(StoreError, match="illisible"):
                st.load_plan("A", later=later)


def test_a_unit_s_sessions_are_found_from_the_columns_before_the_lists_and_the_sessions_are_made(tmp_path):
    """A window asking for a unit's or a trainer's sessions right after opening gets them from the index's columns,
    in the order of the lists made later, without making the plan's 25,000 sessions or those lists."""
    from planner.plan_index import PlanIndex

    path, plan = _saved_two_academies(tmp_path, 3000)
    with ScenarioStore(path) as st:
        stored: dict = {}
        later = st.load_plan("A", stored, later=True)
    ix = PlanIndex.from_stored(later, None, stored)
    units = sorted({(s.unit_type, s.unit_id) for s in plan.sessions}) + [("etablissement", "nowhere")]
    trainers = sorted({s.trainer_id for s in plan.sessions}) + ["T-nobody", ""]
    early_units = {u: ix.sessions_of_unit(*u) for u in units}
    early_trainers = {t: ix.sessions_of_trainer(t) for t in trainers}
    assert ix.unit("etablissement", "U1") is None and ix.trainers["T1"].trainer_id == "T1"  # the tables: no session
    assert not later.sessions_made and "by_unit" not in ix.__dict__
    assert sum(map(len, early_units.values())) == len(plan.sessions) and early_units[units[-1]] == []
    assert early_trainers["T-nobody"] == [] and early_trainers[""] == []
    ix.prepare()  # the lists, as the background makes them
    assert later.sessions_made and "by_unit" in ix.__dict__
    assert all(early_units[u] == ix.sessions_of_unit(*u) for u in units)  # the same sessions, in the same order
    assert all(early_trainers[t] == ix.sessions_of_trainer(t) for t in trainers)
    ties = [u for u in units[:-1] if len({(s.date, s.start, s.kind, s.group) for s in early_units[u]})
            < len(early_units[u])]
    assert ties  # some units hold sessions alike but for their id: the id orders them, as in the lists
    solved = PlanIndex(plan)  # a plan just solved, its columns made from its sessions: the same, its own sessions
    solved.date_ord  # noqa: B018
    early = {u: solved.sessions_of_unit(*u) for u in units}
    assert "by_unit" not in solved.__dict__
    solved.prepare()
    assert all(len(early[u]) == len(solved.sessions_of_unit(*u)) and all(
        a is b for a, b in zip(early[u], solved.sessions_of_unit(*u))) for u in units)
