"""planner.collector.collection_off: no cyclic garbage collection inside, and as it was after."""
from __future__ import annotations

import gc

import pytest

from planner.collector import collection_off


@pytest.fixture(autouse=True)
def _collector_back_on():
    was = gc.isenabled()
    yield
    gc.enable() if was else gc.disable()


def test_off_inside_and_on_again_after_even_when_the_work_fails():
    gc.enable()
    with collection_off():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(ValueError):
        with collection_off():
            raise ValueError("x")
    assert gc.isenabled()


def test_left_off_when_it_was_off_or_the_process_ends_right_after():
    gc.disable()
    with collection_off():
        assert not gc.isenabled()
    assert not gc.isenabled()  # it was off: not turned on by this
    gc.enable()
    with collection_off(resume=False):
        pass
    assert not gc.isenabled()
