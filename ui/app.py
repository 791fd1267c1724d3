"""Start the desktop application (PySide6)."""
from __future__ import annotations

import os
import sys


def _has_display() -> bool:
    if sys.platform.startswith("linux"):
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
                    or os.environ.get("QT_QPA_PLATFORM") in ("offscreen", "minimal", "vnc"))
    return True


def make_app(argv: list[str] | None = None):
    """The QApplication, named so that QSettings (recent files, last scenario) land in one place."""
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    app.setApplicationName("Planificateur IA")
    app.setOrganizationName("EAFC")
    app.setOrganizationDomain("planificateur-ia.local")
    app.setApplicationDisplayName("Planificateur IA")
    _install_fonts()
    return app


def _install_fonts() -> None:
    """DejaVu Sans (shipped in resources/fonts) when the system has no sans-serif font with accents."""
    from pathlib import Path

    from PySide6.QtGui import QFont, QFontDatabase
    from PySide6.QtWidgets import QApplication

    fonts = Path(__file__).resolve().parent.parent / "resources" / "fonts"
    families = set(QFontDatabase.families())
    if not families & {"DejaVu Sans", "Noto Sans", "Liberation Sans", "Cantarell", "Ubuntu", "Segoe UI", "Helvetica Neue",
                       "Arial"}:
        for f in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf"):
            if (fonts / f).exists():
                QFontDatabase.addApplicationFont(str(fonts / f))
        font = QFont("DejaVu Sans", 9)
        QApplication.setFont(font)


def run_gui(args) -> int:
    if not args.screenshot and not _has_display():
        print("Aucun écran détecté : la fenêtre ne peut pas s'ouvrir.\n"
              "Utilisez les commandes sans interface : python main.py --help\n"
              "(ou lancez avec QT_QPA_PLATFORM=offscreen pour une capture : python main.py --screenshot capture.png)",
              file=sys.stderr)
        return 1
    if args.screenshot:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen" if not _has_display() else os.environ.get("QT_QPA_PLATFORM", ""))
        if not os.environ["QT_QPA_PLATFORM"]:
            del os.environ["QT_QPA_PLATFORM"]
    app = make_app()

    from .main_window import MainWindow

    spec = getattr(args, "scenario", None)
    win = MainWindow(scenario_spec=spec, restore_last=not args.screenshot and spec is None)
    if args.screenshot:
        return win.screenshot_and_quit(args.screenshot, academie=args.academie, solve=args.solve)
    win.show()
    return app.exec()
