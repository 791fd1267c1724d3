"""Main window (first version: the scenario's key figures)."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMainWindow

from planner.demand import compute_demand, demand_table
from planner.scenario_io import load_scenario


class MainWindow(QMainWindow):
    def __init__(self, scenario_spec: str | None = None) -> None:
        super().__init__()
        self.scenario = load_scenario(scenario_spec)
        self.setWindowTitle(f"Planificateur IA — {self.scenario.name}")
        label = QLabel(f"<pre>{demand_table(compute_demand(self.scenario), self.scenario.name)}</pre>")
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setCentralWidget(label)
        self.resize(1400, 900)

    def screenshot_and_quit(self, path: str, academie: str | None = None, solve: bool = False) -> int:
        self.resize(1400, 900)
        self.show()
        from PySide6.QtWidgets import QApplication

        QApplication.processEvents()
        ok = self.grab().save(path)
        return 0 if ok else 1
