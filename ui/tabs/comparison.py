"""« Comparaison » : two or more plans side by side (the displayed plan, plans kept during the session, the
plans of the scenario file, plan folders), with the sessions moved between them — as ``main.py compare``."""
from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QFileDialog, QHBoxLayout, QHeaderView, QInputDialog, QLabel, QListWidget,
                               QListWidgetItem, QPushButton, QSplitter, QTableWidget, QTableWidgetItem)

from planner.compare import FIGURE_LABELS, CompareError, NamedPlan, compare_plans, figure_text, load_plan_spec

from ..changes import Changes
from ..widgets import bare_column, row_table, section_title
from . import Tab, register_tab

CURRENT = "Plan affiché"
MOVED_SHOWN = 2000


class ComparisonTab(Tab):
    key, title = "comparison", "Comparaison"

    def __init__(self, window) -> None:
        super().__init__(window)
        self.kept: dict[str, object] = {}      # name -> Plan kept in memory during the session
        self.folders: dict[str, str] = {}      # label -> plan spec (folder, FILE#NAME)
        self.result = None
        lay = QHBoxLayout(self)
        split = QSplitter(Qt.Orientation.Horizontal)
        hint = QLabel("Plans à comparer (cochez-en deux ou plus) :")
        hint.setWordWrap(True)
        left, ll = bare_column(hint)
        left.setMaximumWidth(240)
        self.list = QListWidget()
        self.list.setObjectName("comparisonPlans")
        ll.addWidget(self.list, 1)
        for text, slot, name in [("Garder le plan affiché…", self.keep_current, "keepPlan"),
                                 ("Ajouter un dossier de plan…", self.add_folder, "addPlanFolder"),
                                 ("Comparer", self.compare_checked, "comparePlans"),
                                 ("Exporter la comparaison…", self.export_dialog, "exportComparison")]:
            b = QPushButton(text)
            b.setObjectName(name)
            b.clicked.connect(lambda _=False, s=slot: s())
            ll.addWidget(b)
        split.addWidget(left)
        self.heading = section_title("Cochez deux plans ou plus, puis « Comparer ».")
        right, rl = bare_column(self.heading)
        self.figures = row_table(QTableWidget(0, 0), "comparisonFigures", word_wrap=False)
        rl.addWidget(self.figures, 3)
        self.diff_label = QLabel("")
        self.diff_label.setWordWrap(True)
        self.diff_label.setObjectName("comparisonDiff")
        rl.addWidget(self.diff_label)
        self.moved = row_table(QTableWidget(0, 6), "comparisonMoved", word_wrap=False)
        self.moved.setHorizontalHeaderLabels(["Session", "Unité", "Avant", "Après", "Formateur avant", "Formateur après"])
        self.moved.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.moved.horizontalHeader().setStretchLastSection(True)
        rl.addWidget(self.moved, 2)
        split.addWidget(right)
        split.setSizes([230, 900])
        split.setStretchFactor(1, 1)
        lay.addWidget(split)

    # ------------------------------------------------------------------ the list of plans
    def _store_plans(self) -> list[str]:
        path = self.doc.path
        if not path or not Path(path).is_file():
            return []
        try:
            with open(path, "rb") as f:
                if not f.read(16).startswith(b"SQLite format 3"):
                    return []
            from planner.store import ScenarioStore

            with ScenarioStore(path, create=False) as st:
                return [p.name for p in st.list_plans()]
        except Exception:  # noqa: BLE001 - an unreadable file: no stored plans to offer
            return []

    def refresh(self, changes: Changes) -> None:
        if not (changes.data or changes.scenario or changes.plan):
            return
        checked = {self.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.list.count())
                   if self.list.item(i).checkState() == Qt.CheckState.Checked}
        self.list.clear()
        entries: list[tuple[str, tuple]] = []
        if self.doc.plan is not None:
            entries.append((CURRENT, ("current", "")))
        entries += [(f"{n} (gardé)", ("kept", n)) for n in self.kept]
        entries += [(f"{n} (fichier du scénario)", ("store", n)) for n in self._store_plans()]
        entries += [(label, ("spec", spec)) for label, spec in self.folders.items()]
        for text, key in entries:
            it = QListWidgetItem(text)
            it.setData(Qt.ItemDataRole.UserRole, key)
            it.setFlags(it.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            it.setCheckState(Qt.CheckState.Checked if key in checked else Qt.CheckState.Unchecked)
            self.list.addItem(it)

    def keep_current(self, name: str | None = None) -> str | None:
        """Keep the displayed plan under a name (in the scenario file when it is one, else for the session)."""
        if self.doc.plan is None:
            self.window.set_status("Garder le plan : planifiez d'abord (F5).")
            return None
        if name is None:
            gs = self.doc.scenario.settings.group_size
            name, ok = QInputDialog.getText(self, "Garder le plan affiché", "Nom du plan :", text=f"groupes de {gs}")
            if not ok or not name.strip():
                return None
        name = name.strip()
        self.kept[name] = self.doc.plan
        self.refresh(Changes(plan=True))
        self._check({("kept", name)})
        self.window.set_status(f"Plan gardé pour la comparaison : « {name} ».")
        return name

    def add_folder(self, spec: str | None = None) -> None:
        if spec is None:
            spec = QFileDialog.getExistingDirectory(self, "Dossier d'un plan (écrit par « solve --out »)",
                                                    self.doc.last_dir())
            if not spec:
                return
        label = f"{Path(spec.split('#')[0]).name} (dossier)"
        self.folders[label] = spec
        self.refresh(Changes(plan=True))
        self._check({("spec", spec)})

    def _check(self, keys: set) -> None:
        for i in range(self.list.count()):
            it = self.list.item(i)
            if it.data(Qt.ItemDataRole.UserRole) in keys:
                it.setCheckState(Qt.CheckState.Checked)

    def check_all(self) -> None:
        for i in range(self.list.count()):
            self.list.item(i).setCheckState(Qt.CheckState.Checked)

    # ------------------------------------------------------------------ comparing
    def _checked(self) -> list[tuple[str, str]]:
        return [self.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.list.count())
                if self.list.item(i).checkState() == Qt.CheckState.Checked]

    def compare_checked(self):
        """Compare the checked plans in the background: a plan of the scenario file or of a folder is read there
        too (a national one: a second and more, the window answering meanwhile)."""
        checked = self._checked()
        if len(checked) < 2:
            self.heading.setText("Cochez au moins deux plans à comparer.")
            return None
        self.heading.setText("Comparaison en cours…")
        current, kept, path = self.doc.plan, dict(self.kept), self.doc.path

        def named() -> list[NamedPlan]:
            out = []
            for kind, val in checked:
                if kind == "current":
                    out.append(NamedPlan(CURRENT, current, "fenêtre"))
                elif kind == "kept":
                    out.append(NamedPlan(val, kept[val], "gardé dans la fenêtre"))
                elif kind == "store":
                    out.append(load_plan_spec(f"{path}#{val}"))
                else:
                    out.append(load_plan_spec(val))
            return out

        def run(progress, stop):
            plans = named()  # a plan that cannot be read: CompareError, said by failed()
            try:
                return compare_plans(plans)
            except CompareError as exc:  # different scenarios: the figures only, and why
                cmp = compare_plans(plans, sessions=False)
                cmp.refused = str(exc)
                return cmp

        def failed(message: str) -> None:
            self.heading.setText(f"Comparaison impossible : {message}")
            self.window.error(message)

        return self.window.ops.run(run, name="compare", success=self.show_result, failure=failed)

    def show_result(self, cmp) -> None:
        self.result = cmp
        labels = [p.label for p in cmp.plans]
        self.figures.clear()
        self.figures.setColumnCount(len(labels) + 1)
        self.figures.setRowCount(len(FIGURE_LABELS))
        self.figures.setHorizontalHeaderLabels(["Indicateur"] + labels)
        head = self.figures.horizontalHeader()
        head.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        for c in range(1, len(labels) + 1):
            head.setSectionResizeMode(c, QHeaderView.ResizeMode.Stretch)
        for r, (key, label) in enumerate(FIGURE_LABELS.items()):
            self.figures.setItem(r, 0, QTableWidgetItem(label))
            for c, f in enumerate(cmp.figures, 1):
                it = QTableWidgetItem(figure_text(key, f))
                it.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.figures.setItem(r, c, it)
        self.heading.setText(" · ".join(labels))
        refused = getattr(cmp, "refused", "")
        rows = []
        texts = []
        for d in cmp.diffs:
            texts.append(f"De « {d.a} » à « {d.b} » : {d.counts_fr()}.")
            rows += d.moved
        self.diff_label.setText(refused or " ".join(texts))
        shown = rows[:MOVED_SHOWN]
        self.moved.setRowCount(len(shown))
        for r, (x, y) in enumerate(shown):
            for c, text in enumerate([x.session_id, x.unit_id, f"{x.date.isoformat()} {x.start}",
                                      f"{y.date.isoformat()} {y.start}", x.trainer_id, y.trainer_id]):
                self.moved.setItem(r, c, QTableWidgetItem(text))
        self.window.set_status(f"Comparaison de {len(labels)} plans" + (f" ({len(rows)} sessions déplacées)" if rows else ""))

    def export_dialog(self, path: str | None = None) -> str | None:
        if self.result is None:
            self.window.set_status("Exporter la comparaison : comparez d'abord des plans.")
            return None
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, "Exporter la comparaison",
                                                  os.path.join(self.doc.last_dir(), "comparaison.pdf"),
                                                  "Document PDF (*.pdf);;Classeur Excel (*.xlsx)")
            if not path:
                return None
        from planner.exports.comparison import export_comparison

        try:
            out = export_comparison(self.result, path)
        except Exception as exc:  # noqa: BLE001 - French message from the export
            self.window.error(f"Impossible d'écrire la comparaison :\n{exc}")
            return None
        self.window.set_status(f"Comparaison écrite : {out}")
        return str(out)

    def status_text(self) -> str:
        return f"{len(self.result.plans)} plans comparés" if self.result is not None else "aucune comparaison"


register_tab(ComparisonTab, order=56)
