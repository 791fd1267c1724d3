"""Aide ▸ Guide d'utilisation (shipped French guide, settings explained) and Aide ▸ À propos (version)."""
from __future__ import annotations

import re

from planner.paths import app_version, resource_path
from planner.settings import Settings


def test_guide_is_shipped_and_covers_the_three_tasks():
    text = resource_path("guide", "guide.md").read_text(encoding="utf-8")
    for heading in ("Premiers pas", "Directrice ou directeur d'EAFC", "Cheffe ou chef d'établissement",
                    "Imprimer un plan", "Pendant l'année", "Les paramètres expliqués"):
        assert heading in text, heading


def test_guide_explains_every_setting(qtbot):
    from ui.help import GuideDialog, guide_markdown

    md = guide_markdown()
    assert "{{" not in md
    for name, f in Settings.model_fields.items():
        assert f"**{f.title or name}**" in md, name
    assert "*(par défaut : 15)*" in md  # group size, from the model
    dlg = GuideDialog()
    qtbot.addWidget(dlg)
    shown = dlg.browser.toPlainText()
    assert "Guide d'utilisation du Planificateur IA" in shown and "Taille des groupes" in shown
    assert "**" not in shown  # rendered, not raw Markdown


def test_about_shows_the_package_version(qtbot):
    from ui.help import AboutDialog

    version = app_version()
    assert re.fullmatch(r"\d+\.\d+(\.\d+)?\S*", version)
    dlg = AboutDialog()
    qtbot.addWidget(dlg)
    assert f"version {version}" in dlg.text.text() and "Licence Ouverte 2.0" in dlg.text.text()


def test_help_menu_of_the_window(qapp, qtbot, tmp_path_factory):
    from PySide6.QtGui import QKeySequence

    from tests.conftest import isolate_qsettings
    from ui.main_window import MainWindow

    isolate_qsettings(qapp, tmp_path_factory, "Planificateur IA tests aide")
    w = MainWindow()
    qtbot.addWidget(w)
    texts = [a.text() for a in w.menus["help"].actions() if not a.isSeparator()]
    assert texts == ["&Guide d'utilisation", "À &propos…"]
    assert w.act_guide.shortcut() == QKeySequence(QKeySequence.StandardKey.HelpContents)  # F1
    w.act_guide.trigger()
    assert w.guide_dialog.isVisible() and "Premiers pas" in w.guide_dialog.browser.toPlainText()
    w.act_about.trigger()
    assert f"version {app_version()}" in w.about_dialog.text.text()
    w.guide_dialog.close()
    w.about_dialog.close()
    w.close()
