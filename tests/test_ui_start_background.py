"""The application launched by a user: the window shows at once, empty, and reads its first scenario in the background
behind a busy box that keeps hands off it; a last scenario that cannot be read gives way to the national reference,
and the offer to recover an autosave comes once the scenario is there (offscreen)."""
from __future__ import annotations

from PySide6.QtCore import QSettings, Qt

from planner.scenario_io import save_scenario_json

from .conftest import isolate_qsettings
from .tiny import tiny_scenario


def _start(qtbot, monkeypatch, **kw):
    """A window started as the application starts it; what its busy box was when the reading began."""
    from ui.file_actions import FileActions
    from ui.main_window import MainWindow

    began = []
    start = FileActions.open_at_start

    def spy(self, *a, **k):
        op = start(self, *a, **k)
        box = self.start_box
        began.append((box.isVisible(), box.windowModality(), box.labelText(), self.doc.scenario is None))
        box.reject()  # Échap
        box.close()  # the title bar's button
        began.append(box.isVisible())
        return op

    monkeypatch.setattr(FileActions, "open_at_start", spy)
    w = MainWindow(open_in_background=True, **kw)
    qtbot.addWidget(w)
    w.show()
    assert w.doc.scenario is None and w.files.start_box is None  # built and shown before anything is read
    qtbot.waitUntil(lambda: bool(began))  # the first turn of the event loop starts the reading
    shown, modality, label, empty = began[0]
    assert shown and modality == Qt.WindowModality.ApplicationModal and empty  # hands off the empty window
    assert began[1] is True  # until the scenario is there
    return w, label


def _opened(qtbot, w) -> None:
    qtbot.waitUntil(lambda: w.doc.scenario is not None and not w.ops.find("open"), timeout=60_000)
    assert not w.files.start_box.isVisible()


def test_the_national_reference_is_read_while_the_window_shows(qapp, qtbot, tmp_path_factory, monkeypatch):
    isolate_qsettings(qapp, tmp_path_factory, "start-national")
    w, label = _start(qtbot, monkeypatch)
    assert label == "Ouverture du scénario national de référence…"
    _opened(qtbot, w)
    assert w.doc.path is None and len(w.doc.scenario.academies) == 30
    assert w.territory.model.rowCount() > 0  # the tree and the first tab filled as a synchronous start fills them
    assert w.last_message == "Référence nationale chargée."
    w.close()


def test_the_last_scenario_reopens_then_the_autosave_is_offered(qapp, qtbot, tmp_path_factory, monkeypatch):
    from ui.file_actions import FileActions

    isolate_qsettings(qapp, tmp_path_factory, "start-last")
    path = tmp_path_factory.mktemp("last") / "toulouse.json"
    save_scenario_json(tiny_scenario(), path)
    QSettings().setValue("lastScenario", str(path))
    offered = []
    monkeypatch.setattr(FileActions, "offer_recovery", lambda self: offered.append(self.doc.path))
    w, label = _start(qtbot, monkeypatch, restore_last=True)
    assert label == "Ouverture de toulouse.json…"
    _opened(qtbot, w)
    assert w.doc.path == str(path.resolve()) and w.doc.scenario.name == tiny_scenario().name
    assert offered == [str(path.resolve())]  # once the scenario is there: a recovered one would be replaced by it
    assert w.last_message == f"Scénario ouvert : {path}"
    w.close()


def test_an_unreadable_last_scenario_gives_way_to_the_reference(qapp, qtbot, tmp_path_factory, monkeypatch):
    isolate_qsettings(qapp, tmp_path_factory, "start-broken")
    path = tmp_path_factory.mktemp("broken") / "abime.json"
    path.write_text("{ pas du JSON", encoding="utf-8")
    w, label = _start(qtbot, monkeypatch, scenario_spec=str(path))
    assert label == "Ouverture de abime.json…"
    qtbot.waitUntil(lambda: w.doc.scenario is not None and not w.ops.find("open"), timeout=60_000)
    assert w.doc.path is None and len(w.doc.scenario.academies) == 30
    assert w.last_message.startswith("Impossible de rouvrir le dernier scénario (")
    assert w.last_message.endswith(") : référence nationale chargée.")
    assert not w.files.start_box.isVisible()
    w.close()
