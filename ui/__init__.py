"""The desktop application (PySide6): a thin shell over ``planner`` and ``solvers``.

Workaround, applied on import: PySide6 6.12.0 on CPython 3.11 drops one reference to ``None``
each time a Qt method returning ``void`` is called from Python (``widget.update()``,
``label.setText()``, ``painter.setPen()``, ``processEvents()``…). On Python ≥ 3.12 ``None`` is
immortal and nothing happens; on 3.11 its count reaches zero after a few thousand calls and the
interpreter aborts (« Fatal Python error: none_dealloc »). PySide6 6.11.3 does not have the bug.
Until the dependency is pinned below 6.12 (or Python ≥ 3.12 is used), we make ``None`` effectively
immortal, as Python 3.12 does, by raising its reference count once.
"""
from __future__ import annotations

import sys


def _guard_none_refcount() -> bool:
    if sys.implementation.name != "cpython" or sys.version_info >= (3, 12):
        return False
    try:
        from importlib.metadata import version

        v = version("PySide6-Essentials") if _has("PySide6-Essentials") else version("PySide6")
    except Exception:  # noqa: BLE001 - PySide6 not installed: nothing to guard
        return False
    try:
        major, minor = (int(x) for x in v.split(".")[:2])
    except ValueError:
        return False
    if (major, minor) < (6, 12):
        return False
    import ctypes

    ctypes.c_ssize_t.from_address(id(None)).value += 1 << 40  # ob_refcnt, first field of PyObject
    return True


def _has(dist: str) -> bool:
    from importlib.metadata import PackageNotFoundError, version

    try:
        version(dist)
        return True
    except PackageNotFoundError:
        return False


NONE_GUARD = _guard_none_refcount()
