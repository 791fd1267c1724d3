import contextlib
import os
import sys
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# no test reads the machine clock: « today » is the day the issue was filed (planner/school_year.py);
# tests that need another school year or start pass them explicitly
os.environ["PLANIFICATEUR_TODAY"] = "2026-11-30"
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def isolate_qsettings(qapp, tmp_path_factory, app_name: str) -> None:
    """Recent files, last scenario and autosave of GUI tests go to a temporary folder, not the user's."""
    from PySide6.QtCore import QSettings

    cfg = tmp_path_factory.mktemp("qsettings")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(cfg))
    qapp.setOrganizationName("PlanificateurIA-tests")
    qapp.setApplicationName(app_name)


@contextlib.contextmanager
def open_window(qapp, tmp_path_factory, app_name: str, scenario: str | Path | None = None, *,
                size: tuple[int, int] | None = (1400, 900), time_limit: int | None = None):
    """The main window of a GUI test module (settings isolated), shown, closed after its threads end."""
    isolate_qsettings(qapp, tmp_path_factory, app_name)
    from ui.main_window import MainWindow

    w = MainWindow(str(scenario) if scenario else None)
    if time_limit:
        w.time_limit.setValue(time_limit)
    if size:
        w.resize(*size)
    w.show()
    try:
        yield w
    finally:
        w.wait_threads()
        w.close()


def solve_in_window(w, qtbot):
    """The whole scenario solved by the window (F5 without its dialog); its new plan, once shown."""
    before = w.doc.plan
    assert w.planning.start_solve(None, show_dialog=False) is not None
    qtbot.waitUntil(lambda: w.planning.solve_op is None and w.doc.plan is not before, timeout=120_000)
    return w.doc.plan


@contextlib.contextmanager
def tiny_window(qapp, tmp_path_factory, app_name: str):
    """A window on the tiny scenario (saved as JSON) with its automatic check off (:func:`open_window`)."""
    from planner.scenario_io import save_scenario_json

    from .tiny import tiny_scenario

    path = tmp_path_factory.mktemp("scenario") / "mini.json"
    save_scenario_json(tiny_scenario(), path)
    with open_window(qapp, tmp_path_factory, app_name, path, size=None) as w:
        w.planning.auto_check = False
        yield w


def tiny_window_fixture(app_name: str):
    """A module's ``win`` fixture: one window on the tiny scenario for all its tests (:func:`tiny_window`)."""

    @pytest.fixture(scope="module")
    def win(qapp, tmp_path_factory):
        with tiny_window(qapp, tmp_path_factory, app_name) as w:
            yield w

    return win


@contextlib.contextmanager
def window_on_plan(qapp, tmp_path_factory, app_name: str, sc, plan, scope=("academie", "16"), tab="overview"):
    """A window opened on scenario ``sc`` (saved as JSON) with ``plan`` set, ``scope`` selected, ``tab`` shown."""
    from planner.scenario_io import save_scenario_json

    path = tmp_path_factory.mktemp("scenario") / "mini.json"
    save_scenario_json(sc, path)
    with open_window(qapp, tmp_path_factory, app_name, path) as w:
        w.doc.set_plan(plan, "plan de test")
        w.select_scope(scope)
        w.show_tab(tab)
        yield w


def sqlite_dump(path) -> str:
    """The whole content of an SQLite file as SQL text (to compare a file before and after)."""
    import sqlite3

    db = sqlite3.connect(path)
    try:
        return "\n".join(db.iterdump())
    finally:
        db.close()
