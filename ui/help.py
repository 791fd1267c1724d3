"""Aide ▸ Guide d'utilisation and Aide ▸ À propos.

The guide is a French Markdown file shipped with the application (``resources/guide/guide.md``, inside
the package once installed, see :mod:`planner.paths`); its « paramètres » section is generated from the
settings model (French titles, descriptions, defaults), so it never drifts from the panel.
"""
from __future__ import annotations

import datetime as dt
import platform

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QTextBrowser, QVBoxLayout

from planner.paths import app_version, resource_path
from planner.settings import Settings
from planner.sources.reference import CITATION

GUIDE_FILE = ("guide", "guide.md")
SETTINGS_MARK = "{{PARAMETRES}}"


def _default_fr(value) -> str:
    if value is None:
        return "vide"
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float):
        return f"{value:g}".replace(".", ",")
    if isinstance(value, (dict, list, tuple)):
        return ""
    return str(value)


def settings_markdown() -> str:
    """One line per setting: its French title, what it does, its default."""
    defaults = Settings()
    lines = []
    for name, f in Settings.model_fields.items():
        title = f.title or name
        text = f"- **{title}**"
        if f.description:
            text += f" — {f.description}"
        default = _default_fr(getattr(defaults, name))
        if default:
            text += f" *(par défaut : {default})*"
        elif name == "windows":
            text += " — les créneaux possibles (pré-rentrée, mercredis, fin d'année, journées banalisées…), " \
                    "chacun avec ses jours et ses horaires."
        elif name == "audience_windows":
            text += " — pour chaque public (enseignants du 1er et du 2nd degré, cadres, formateurs), les " \
                    "fenêtres où ses sessions peuvent être placées."
        lines.append(text)
    return "\n".join(lines)


def guide_markdown() -> str:
    """The user guide, settings section included (French Markdown)."""
    try:
        text = resource_path(*GUIDE_FILE).read_text(encoding="utf-8")
    except OSError:
        text = "# Guide d'utilisation\n\nLe guide n'a pas été trouvé dans cette installation.\n\n" + SETTINGS_MARK
    return text.replace(SETTINGS_MARK, settings_markdown())


def _close_box(dialog: QDialog) -> QDialogButtonBox:
    bb = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
    bb.button(QDialogButtonBox.StandardButton.Close).setText("Fermer")
    bb.rejected.connect(dialog.reject)
    return bb


class GuideDialog(QDialog):
    """Aide ▸ Guide d'utilisation: the shipped guide in a browser (non-modal, links open outside)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Guide d'utilisation — Planificateur IA")
        self.setObjectName("guideDialog")
        self.resize(780, 640)
        lay = QVBoxLayout(self)
        self.browser = QTextBrowser(self)
        self.browser.setObjectName("guideBrowser")
        self.browser.setOpenExternalLinks(True)
        self.browser.setMarkdown(guide_markdown())
        lay.addWidget(self.browser, 1)
        lay.addWidget(_close_box(self))


def about_html() -> str:
    try:
        from PySide6 import __version__ as qt_version
    except ImportError:  # pragma: no cover
        qt_version = "?"
    try:
        from importlib.metadata import version

        ortools_version = version("ortools")
    except Exception:  # noqa: BLE001
        ortools_version = "?"
    return (
        f"<h3>Planificateur IA — version {app_version()}</h3>"
        "<p>Planifie le déploiement national de la formation à l'IA générative dans les écoles et "
        "établissements (feuille de route IGÉSR 2025) : formation de formateurs, étape 1 par "
        "circonscription et par établissement, cadres, puis étapes 2 à 6.</p>"
        "<p><b>Sources des données</b><br>" + CITATION + "</p>"
        "<p>Données publiées sous <b>Licence Ouverte 2.0</b> (Etalab) : "
        "<a href='https://www.etalab.gouv.fr/licence-ouverte-open-licence/'>etalab.gouv.fr/licence-ouverte</a>.<br>"
        "Calendrier scolaire : data.education.gouv.fr (paquets <i>vacances-scolaires-france</i> et "
        "<i>holidays</i>).<br>Police DejaVu (licence libre). Résolution : Google OR-Tools CP-SAT (Apache 2.0). "
        "Interface : Qt for Python (LGPL).</p>"
        f"<p style='color:#555'>Python {platform.python_version()} · Qt for Python {qt_version} · "
        f"OR-Tools {ortools_version}</p>"
    )


class AboutDialog(QDialog):
    """Aide ▸ À propos: the version (from the package metadata), data sources and licences."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("À propos du Planificateur IA")
        self.setObjectName("aboutDialog")
        self.resize(580, 420)
        lay = QVBoxLayout(self)
        self.text = QLabel(about_html())
        self.text.setObjectName("aboutText")
        self.text.setWordWrap(True)
        self.text.setOpenExternalLinks(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        lay.addWidget(self.text, 1)
        lay.addWidget(_close_box(self))


def show_guide(window) -> GuideDialog:
    """Aide ▸ Guide d'utilisation (F1): non-modal, beside the window."""
    dlg = GuideDialog(window)
    dlg.show()
    window.guide_dialog = dlg
    return dlg


from .actions import register_action  # noqa: E402 (the registry imports this module lazily)

register_action("guide", "&Guide d'utilisation", show_guide, menu="help", section="guide",
                shortcut=QKeySequence.StandardKey.HelpContents,
                tip="Prise en main, les trois usages (EAFC, chef d'établissement, impression), les paramètres expliqués",
                order=10)
