"""OR-Tools' CP-SAT module, imported without pandas.

``ortools.sat.python.cp_model`` imports pandas at its top (0.2 s, 40 MB) for its ``pd.Index`` / ``pd.Series``
helpers (``new_int_var_series``, ``CpSolver.values`` …), which the planner never calls. Every solve's workers start
from a process that imports it first (the pool's forkserver), so a national solve waited that long before its
first académie. Here it is imported with a stand-in for pandas that names those two classes only; once imported,
its ``pd`` is a proxy that imports the real pandas on its first use, so every helper still works. If the stand-in
does not do (another version of OR-Tools asking pandas for more at import), the module is imported as usual.
"""
from __future__ import annotations

import importlib
import sys
import types

_NAME = "ortools.sat.python.cp_model"


class _Placeholder:
    """What ``pd.Index`` and ``pd.Series`` are while cp_model is imported: only its annotations name them."""


class _StandIn(types.ModuleType):
    Index = Series = _Placeholder

    def __getattr__(self, name: str):
        raise AttributeError(name)  # anything else: import the real pandas instead (see _import)


class _LazyPandas:
    """cp_model's ``pd`` once imported: the real pandas module, imported on its first use."""

    def __getattr__(self, name: str):
        pd = importlib.import_module("pandas")
        module = sys.modules.get(_NAME)
        if module is not None and module.__dict__.get("pd") is self:
            module.pd = pd
        return getattr(pd, name)


def _import():
    # plain import statements (not importlib): the bundle's analysis (PyInstaller) finds the module through them
    if _NAME in sys.modules or "pandas" in sys.modules:
        from ortools.sat.python import cp_model

        return cp_model
    stand_in = _StandIn("pandas")
    sys.modules["pandas"] = stand_in
    try:
        from ortools.sat.python import cp_model as module
    except Exception:
        sys.modules.pop(_NAME, None)
        module = None
    finally:
        if sys.modules.get("pandas") is stand_in:
            del sys.modules["pandas"]
    if module is None or not isinstance(module.__dict__.get("pd"), _StandIn):
        from ortools.sat.python import cp_model  # as usual, pandas and all

        return cp_model
    module.pd = _LazyPandas()
    return module


cp_model = _import()
