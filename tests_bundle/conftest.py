import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# the one-folder application built by `make bundle` (PyInstaller, planificateur-ia.spec)
BUNDLE = Path(os.environ.get("PLANIF_BUNDLE", ROOT / "dist" / "planificateur-ia"))
