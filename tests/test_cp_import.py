"""OR-Tools' CP-SAT imported without pandas (solvers.cp): the solver's modules load without it, and cp_model's
pandas helpers still work, pandas imported on their first use."""
import subprocess
import sys

from .conftest import ROOT

PROBE = '''
import sys
sys.path.insert(0, {root!r})
{before}
import solvers.academie  # noqa: F401 (the workers' modules: CP-SAT through solvers.cp)
from solvers.cp import cp_model

print("pandas" in sys.modules)
m = cp_model.CpModel()
x = m.new_int_var(0, 10, "x")
m.add(x >= 3)
m.minimize(x)
s = cp_model.CpSolver()
print(s.solve(m) == cp_model.OPTIMAL, s.value(x))
import pandas as pd
xs = m.new_int_var_series("y", pd.Index(["a", "b"]), 0, 5)  # a helper that needs the real pandas
m.add(xs.sum() >= 7)
m.minimize(x + xs.sum())
print(s.solve(m) == cp_model.OPTIMAL, int(s.values(xs).sum()), type(s.values(xs)).__name__)
print(cp_model.pd is pd)
'''


def run(before: str = "") -> list[str]:
    r = subprocess.run([sys.executable, "-c", PROBE.format(root=str(ROOT), before=before)], capture_output=True,
                       text=True, cwd=ROOT, timeout=120)
    assert r.returncode == 0, r.stderr
    return r.stdout.splitlines()


def test_cp_sat_without_pandas_until_a_helper_needs_it():
    assert run() == ["False", "True 3", "True 7 Series", "True"]


def test_pandas_imported_before_is_cp_models_own():
    assert run("import pandas") == ["True", "True 3", "True 7 Series", "True"]
