"""Checks on the whole open-data files of ../shared/data (run by .ci/run through `make test-shared`).

A fresh clone has no ../shared: these tests are not part of `make test`, which uses the committed
extracts of tests/fixtures/ instead.
"""
import os
import sys
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OPENDATA = ROOT.parent / "shared" / "data" / "opendata"


def pytest_collection_modifyitems(config, items):
    if not OPENDATA.is_dir():
        raise pytest.UsageError(f"{OPENDATA} est introuvable : ces vérifications demandent ../shared (lancées par .ci/run).")
