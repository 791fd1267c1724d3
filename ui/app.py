"""Start the desktop application (PySide6)."""
from __future__ import annotations

import os
import sys


def _has_display() -> bool:
    if sys.platform.startswith("linux"):
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
                    or os.environ.get("QT_QPA_PLATFORM") in ("offscreen", "minimal", "vnc"))
    return True


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
    from PySide6.QtWidgets import QApplication

    from .main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Planificateur IA")
    app.setOrganizationName("EAFC")
    win = MainWindow(scenario_spec=getattr(args, "scenario", None))
    if args.screenshot:
        return win.screenshot_and_quit(args.screenshot, academie=args.academie, solve=args.solve)
    win.show()
    return app.exec()
