"""Work over a national plan's objects without cyclic garbage collection.

Building, reading, writing or checking a plan makes hundreds of thousands of sessions that hold no reference cycle:
each collection meanwhile walks all of them again (a national plan: 350,000 sessions, about 15 % of ``check``).
"""
from __future__ import annotations

import contextlib
import gc


@contextlib.contextmanager
def collection_off(resume: bool = True):
    """No cyclic garbage collection inside; on again after, if it was on and ``resume`` (false: the process ends
    right after, or a later step turns it on)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was and resume:
            gc.enable()
