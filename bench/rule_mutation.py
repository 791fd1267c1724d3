"""Each named rule of the timetable model has a test that fails without it (mutation check).

For every rule function of :mod:`solvers.rules.cpsat`, the function is replaced by a no-op and
``tests/test_rules.py`` is run: the line shows which tests fail. A rule whose removal fails no test
is reported ``NOT COVERED`` (exit code 1).

Usage: python bench/rule_mutation.py [-v]
"""
from __future__ import annotations

import contextlib
import io
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


class _Collect:
    def __init__(self) -> None:
        self.failed: list[str] = []

    def pytest_runtest_logreport(self, report) -> None:
        if report.when == "call" and report.failed:
            self.failed.append(report.nodeid.split("::")[-1])


def main() -> int:
    import pytest

    from solvers.rules import cpsat as R

    verbose = "-v" in sys.argv
    names = sorted({n for n, f in vars(R).items() if callable(f) and getattr(f, "rule_id", None)})
    missing = 0
    for name in names:
        original = getattr(R, name)
        setattr(R, name, lambda *a, **k: None)  # the rule removed
        col = _Collect()
        out = io.StringIO()
        try:
            with contextlib.redirect_stdout(out):
                pytest.main(["-q", "-n", "0", "-p", "no:cacheprovider", str(ROOT / "tests" / "test_rules.py")],
                            plugins=[col])
        finally:
            setattr(R, name, original)
        status = f"{len(col.failed)} test(s) fail" if col.failed else "NOT COVERED"
        missing += not col.failed
        print(f"{original.rule_id:<20} {name:<30} removed -> {status}: {', '.join(col.failed)}")
        if verbose:
            print(out.getvalue())
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
