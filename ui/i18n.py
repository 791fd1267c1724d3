"""Qt in French: Qt's own translations (standard buttons « Oui », « Fermer », « Montrer les détails… »,
the file dialog, context menus of text fields) and key names as a French user reads them (« Maj+F5 »)."""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator
from PySide6.QtGui import QKeySequence

_installed: list[QTranslator] = []


def install_french(app: QCoreApplication) -> bool:
    """Load ``qtbase_fr`` (and ``qt_fr`` when present) from Qt's translations folder; True when loaded.

    Also sets the default locale to French (France): dates, numbers and the calendar widgets follow."""
    QLocale.setDefault(QLocale(QLocale.Language.French, QLocale.Country.France))
    if _installed:
        return True
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    for name in ("qtbase", "qt"):
        t = QTranslator(app)
        if t.load(QLocale(QLocale.Language.French, QLocale.Country.France), name, "_", folder):
            app.installTranslator(t)
            _installed.append(t)
            if name == "qtbase":
                break  # qt_fr is the older all-in-one file: qtbase_fr is enough
    return bool(_installed)


def shortcut_text(seq: QKeySequence | str) -> str:
    """« Maj+F5 », « Ctrl+Maj+V », « Suppr »: a shortcut as the French interface shows it."""
    seq = seq if isinstance(seq, QKeySequence) else QKeySequence(seq)
    return seq.toString(QKeySequence.SequenceFormat.NativeText)
