"""The « Paramètres » dock: one editor per Settings field, labelled with the field's French ``title``
and its ``description`` as tooltip. Edits are not applied here: they are requested from the window,
which pushes an undoable command."""
from __future__ import annotations

import datetime as dt
import types
import typing

from PySide6.QtCore import QAbstractTableModel, QDate, QModelIndex, Qt, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDateEdit, QDialog, QDialogButtonBox, QDoubleSpinBox, QFormLayout,
                               QGroupBox, QHeaderView, QLabel, QPushButton, QScrollArea, QSpinBox, QTableView,
                               QVBoxLayout, QWidget)

from planner.settings import AUDIENCE_LABELS, AUDIENCES, WINDOW_NAMES, Settings

GROUPS = [
    ("Sessions", ["group_size", "step1_minutes", "tot_minutes"]),
    ("Année scolaire", ["school_year", "plan_from"]),
    ("Horizon", ["start_date", "end_date"]),
    ("Plafonds", ["max_per_local_trainer_per_day", "max_per_fdf_per_day", "max_per_local_trainer_per_week",
                  "wednesday_mornings_per_term_1d", "bassin_meetings_per_month", "inspectors_meetings_per_month"]),
    ("Périmètre", ["include_private", "include_admin_staff", "heads_first"]),
    ("Objectif et poids", ["objective_mode", "weight_completion", "weight_academie_latest", "weight_outside_preferred",
                           "weight_outside_pre_rentree", "weight_fdf_load"]),
    ("Suivi de l'année", ["keep_announced_sessions", "absentees_to_train", "makeup_min_absent"]),
]
FOLLOWUP_PREFIX = "Suivi : "  # the follow-up settings' titles, said once by their group
OBJECTIVE_LABELS = {"weighted": "Somme pondérée",
                    "lexicographic": "Achèvement national d'abord, puis la somme"}
AUDIENCE_SHORT = {"teachers_1d": "1er degré", "teachers_2d": "2nd degré", "perdir": "Direction",
                  "inspectors": "Inspecteurs", "trainers": "Formateurs"}
AUDIENCE_TINY = {"teachers_1d": "1er", "teachers_2d": "2nd", "perdir": "Dir.", "inspectors": "Ins.", "trainers": "For."}


def _bounds(field) -> tuple[float | None, float | None]:
    lo = hi = None
    for m in field.metadata:
        lo = getattr(m, "ge", lo) if getattr(m, "ge", None) is not None else lo
        hi = getattr(m, "le", hi) if getattr(m, "le", None) is not None else hi
    return lo, hi


def _base_type(ann):
    optional = False
    origin = typing.get_origin(ann)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(ann) if a is not type(None)]
        optional = len(args) < len(typing.get_args(ann))
        ann = args[0]
    return ann, optional


class AudienceWindowsModel(QAbstractTableModel):
    """Which windows each audience may use: rows = windows, columns = audiences (check boxes)."""

    changeRequested = Signal(object)  # the new audience_windows dict

    def __init__(self, get_settings, parent=None, compact: bool = False) -> None:
        super().__init__(parent)
        self._get = get_settings
        self.compact = compact  # « 1er », « Dir. »: the grid fits the settings dock

    def refresh(self) -> None:
        self.beginResetModel()
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(WINDOW_NAMES)

    def columnCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(AUDIENCES)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal:
            if role == Qt.ItemDataRole.DisplayRole:
                return (AUDIENCE_TINY if self.compact else AUDIENCE_SHORT)[AUDIENCES[section]]
            if role == Qt.ItemDataRole.ToolTipRole:
                return AUDIENCE_LABELS[AUDIENCES[section]]
        else:
            w = WINDOW_NAMES[section]
            spec = self._get().windows[w]
            if role == Qt.ItemDataRole.DisplayRole:
                return spec.label
            if role == Qt.ItemDataRole.ToolTipRole:
                periods = ", ".join(f"{p.start}–{p.end}" for p in spec.periods)
                return f"{spec.label} : {periods}"
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.CheckStateRole:
            aw = self._get().audience_windows
            on = WINDOW_NAMES[index.row()] in aw.get(AUDIENCES[index.column()], ())
            return Qt.CheckState.Checked.value if on else Qt.CheckState.Unchecked.value
        if role == Qt.ItemDataRole.ToolTipRole:
            return (f"{AUDIENCE_LABELS[AUDIENCES[index.column()]]} — "
                    f"{self._get().windows[WINDOW_NAMES[index.row()]].label}")
        return None

    def flags(self, index):
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable if index.isValid() else Qt.ItemFlag.NoItemFlags

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole):
        if role != Qt.ItemDataRole.CheckStateRole or not index.isValid():
            return False
        on = value in (Qt.CheckState.Checked, Qt.CheckState.Checked.value, 2)
        aud, win = AUDIENCES[index.column()], WINDOW_NAMES[index.row()]
        aw = {k: tuple(v) for k, v in self._get().audience_windows.items()}
        cur = list(aw.get(aud, ()))
        if on and win not in cur:
            cur.append(win)
        elif not on and win in cur:
            cur.remove(win)
        else:
            return False
        aw[aud] = tuple(w for w in WINDOW_NAMES if w in cur)
        self.changeRequested.emit(aw)
        return True


class SettingsPanel(QWidget):
    """Emits ``editRequested(field, value)``; :meth:`refresh` shows the current settings."""

    editRequested = Signal(str, object)

    def __init__(self, get_settings, parent=None) -> None:
        super().__init__(parent)
        self._get = get_settings
        self.editors: dict[str, QWidget] = {}
        self._updating = False
        inner = QWidget()
        lay = QVBoxLayout(inner)
        lay.setContentsMargins(6, 6, 6, 6)
        fields = Settings.model_fields
        for title, names in GROUPS:
            box = QGroupBox(title)
            form = QFormLayout(box)
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
            form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)  # label above: never clipped
            for name in names:
                f = fields[name]
                ed = self._make_editor(name, f)
                text = f.title or name
                if text.startswith(FOLLOWUP_PREFIX):
                    text = text[len(FOLLOWUP_PREFIX)].upper() + text[len(FOLLOWUP_PREFIX) + 1:]
                label = QLabel(text)
                label.setWordWrap(True)
                tip = f.description or f.title or name
                label.setToolTip(tip)
                ed.setToolTip(tip)
                ed.setObjectName(f"setting_{name}")
                label.setBuddy(ed)
                form.addRow(label, ed)
                self.editors[name] = ed
            lay.addWidget(box)
        box = QGroupBox(Settings.model_fields["audience_windows"].title or "Fenêtres par public")
        v = QVBoxLayout(box)
        hint = QLabel("Cochez les fenêtres où chaque public peut être formé.")
        hint.setWordWrap(True)
        v.addWidget(hint)
        self.windows_model = AudienceWindowsModel(get_settings, self, compact=True)
        self.windows_model.changeRequested.connect(lambda aw: self.editRequested.emit("audience_windows", aw))
        tv = audience_grid(self.windows_model, "audienceWindows", label_width=112)
        tv.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        hh = tv.horizontalHeader()
        hh.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        f = hh.font()
        f.setPointSizeF(max(6.0, f.pointSizeF() - 1.5))
        hh.setFont(f)
        v.addWidget(tv)
        self.windows_view = tv
        big = QPushButton("Agrandir la grille…")
        big.setToolTip("La même grille, avec les noms complets des fenêtres et des publics")
        big.clicked.connect(self.show_windows_dialog)
        v.addWidget(big, 0, Qt.AlignmentFlag.AlignRight)
        self.windows_dialog: QDialog | None = None
        lay.addWidget(box)
        self.reset_button = QPushButton("Valeurs du rapport (par défaut)")
        self.reset_button.setToolTip("Rétablit toutes les valeurs par défaut (annulable)")
        self.reset_button.clicked.connect(lambda: self.editRequested.emit("__all__", Settings()))
        lay.addWidget(self.reset_button)
        lay.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(inner)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        self.refresh()

    def _make_editor(self, name: str, f) -> QWidget:
        ann, optional = _base_type(f.annotation)
        lo, hi = _bounds(f)
        if name == "school_year":  # the years the calendars know, and the one of the scenario
            w = QComboBox()
            y0 = dt.date.today().year
            for y in range(y0 - 3, y0 + 3):
                w.addItem(f"{y}-{y + 1}", f"{y}-{y + 1}")
            w.currentIndexChanged.connect(lambda i, n=name, w=w: self._emit(n, w.itemData(i)))
        elif ann is bool:
            w = QCheckBox()
            w.toggled.connect(lambda v, n=name: self._emit(n, bool(v)))
        elif ann is int:
            w = QSpinBox()
            lo_i = int(lo if lo is not None else 0)
            if optional:
                w.setRange(lo_i - 1, int(hi if hi is not None else 10**6))
                w.setSpecialValueText("Aucun")
            else:
                w.setRange(lo_i, int(hi if hi is not None else 10**6))
            w.setKeyboardTracking(False)
            w.valueChanged.connect(lambda v, n=name, o=optional, lo_i=lo_i: self._emit(n, None if o and v < lo_i else int(v)))
        elif ann is float:
            w = QDoubleSpinBox()
            w.setDecimals(2)
            w.setRange(float(lo if lo is not None else 0), float(hi if hi is not None else 10**6))
            w.setKeyboardTracking(False)
            w.valueChanged.connect(lambda v, n=name: self._emit(n, float(v)))
        elif ann is dt.date:
            w = QDateEdit()
            w.setCalendarPopup(True)
            w.setDisplayFormat("dd/MM/yyyy")
            w.setKeyboardTracking(False)  # a date typed in is one edit, on Entrée or leaving the field, not one per digit
            w.dateChanged.connect(lambda q, n=name: self._emit(n, dt.date(q.year(), q.month(), q.day())))
        elif typing.get_origin(ann) is typing.Literal:
            w = QComboBox()
            w.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            w.setMinimumContentsLength(12)
            for v in typing.get_args(ann):
                w.addItem(OBJECTIVE_LABELS.get(v, v), v)
            w.currentIndexChanged.connect(lambda i, n=name, w=w: self._emit(n, w.itemData(i)))
        else:  # pragma: no cover - every field above has an editor
            w = QLabel(str(ann))
        return w

    def _emit(self, name: str, value) -> None:
        if self._updating:
            return
        if getattr(self._get(), name) == value:
            return
        self.editRequested.emit(name, value)

    def refresh(self) -> None:
        s = self._get()
        self._updating = True
        try:
            for name, w in self.editors.items():
                v = getattr(s, name)
                if isinstance(w, QCheckBox):
                    w.setChecked(bool(v))
                elif isinstance(w, QSpinBox):
                    w.setValue(w.minimum() if v is None else int(v))
                elif isinstance(w, QDoubleSpinBox):
                    w.setValue(float(v))
                elif isinstance(w, QDateEdit):
                    w.setDate(QDate(v.year, v.month, v.day))
                elif isinstance(w, QComboBox):
                    if w.findData(v) < 0:
                        w.addItem(str(v), v)
                    w.setCurrentIndex(max(0, w.findData(v)))
            if "makeup_min_absent" in self.editors:  # a make-up group only when the absent are still to train
                self.editors["makeup_min_absent"].setEnabled(bool(s.absentees_to_train))
            self.windows_model.refresh()
            if self.windows_dialog is not None:
                self.windows_dialog.model.refresh()
        finally:
            self._updating = False

    def show_windows_dialog(self) -> QDialog:
        """« Fenêtres par public » in a window of its own: full names, every box visible (non-modal)."""
        if self.windows_dialog is None:
            dlg = QDialog(self)
            dlg.setWindowTitle(Settings.model_fields["audience_windows"].title or "Fenêtres par public")
            lay = QVBoxLayout(dlg)
            hint = QLabel("Cochez les fenêtres où chaque public peut être formé (annulable, Ctrl+Z).")
            hint.setWordWrap(True)
            lay.addWidget(hint)
            dlg.model = AudienceWindowsModel(self._get, dlg)
            dlg.model.changeRequested.connect(lambda aw: self.editRequested.emit("audience_windows", aw))
            tv = audience_grid(dlg.model, "audienceWindowsLarge", label_width=260)
            tv.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
            lay.addWidget(tv, 1)
            buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
            buttons.rejected.connect(dlg.close)
            lay.addWidget(buttons)
            dlg.resize(720, 470)
            self.windows_dialog = dlg
        self.windows_dialog.model.refresh()
        self.windows_dialog.show()
        self.windows_dialog.raise_()
        return self.windows_dialog


def audience_grid(model: AudienceWindowsModel, name: str, label_width: int) -> QTableView:
    """Windows (rows, names elided with their tooltip) × audiences (check boxes)."""
    tv = QTableView()
    tv.setObjectName(name)
    tv.setModel(model)
    tv.setTextElideMode(Qt.TextElideMode.ElideRight)
    vh = tv.verticalHeader()
    vh.setTextElideMode(Qt.TextElideMode.ElideRight)
    vh.setFixedWidth(label_width)
    vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    vh.setDefaultSectionSize(24)
    vh.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    tv.setSelectionMode(QTableView.SelectionMode.NoSelection)
    tv.horizontalHeader().setFixedHeight(24)
    tv.horizontalHeader().setMinimumSectionSize(24)
    tv.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    height = 24 + 24 * model.rowCount() + 2 * tv.frameWidth() + 2
    tv.setMinimumHeight(height)
    tv.setMaximumHeight(height + 2)
    return tv
