"""Work begun in a thread now, its result waited for later: for work that mostly runs without the interpreter lock
(Arrow's CSV parser, hashlib over large files) while the caller goes on reading other files."""
from __future__ import annotations

import threading
from typing import Callable, TypeVar

T = TypeVar("T")


def soon(work: Callable[[], T], name: str, default=None) -> Callable[[], T]:
    """Begin ``work()`` in a daemon thread named ``name``; calling the result waits for it and gives what it returned,
    or ``default`` if it raised (the caller then does the work its own way, or says what is wrong)."""
    out: list = []

    def run() -> None:
        try:
            out.append(work())
        except Exception:  # noqa: BLE001 - the caller's default stands for anything unforeseen
            pass

    thread = threading.Thread(target=run, name=name, daemon=True)
    thread.start()

    def result():
        thread.join()
        return out[0] if out else default

    return result


__all__ = ["soon"]
