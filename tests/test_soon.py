"""planner.soon: work begun in a thread, its result (or the caller's default) waited for later."""
from __future__ import annotations

import threading

from planner.soon import soon


def test_the_result_is_the_work_s_done_in_another_thread():
    seen = []
    result = soon(lambda: seen.append(threading.current_thread().name) or 42, "essai")
    assert result() == 42 and seen == ["essai"] and result() == 42


def test_work_that_raises_gives_the_default():
    def broken():
        raise OSError("illisible")

    assert soon(broken, "essai")() is None
    assert soon(broken, "essai", {})() == {}
