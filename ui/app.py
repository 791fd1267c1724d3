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
    from .i18n import install_french

    install_french(app)
    _install_fonts()
    return app


def _install_fonts() -> None:
    """DejaVu Sans (shipped in resources/fonts) when the system has no sans-serif font with accents."""
    from PySide6.QtGui import QFont, QFontDatabase
    from PySide6.QtWidgets import QApplication

    from planner.paths import resource_path

    fonts = resource_path("fonts")
    families = set(QFontDatabase.families())
    if not families & {"DejaVu Sans", "Noto Sans", "Liberation Sans", "Cantarell", "Ubuntu", "Segoe UI", "Helvetica Neue",
                       "Arial"}:
        for f in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf"):
            if (fonts / f).exists():
                QFontDatabase.addApplicationFont(str(fonts / f))
        font = QFont("DejaVu Sans", 9)
        QApplication.setFont(font)


def _missing_xcb_libraries() -> list[str]:
    """Debian packages of the system libraries Qt's X11 plugin needs and cannot find (without them
    Qt aborts the process with an obscure message)."""
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM") or not os.environ.get("DISPLAY") \
            or os.environ.get("WAYLAND_DISPLAY"):
        return []
    import shutil
    import subprocess
    from pathlib import Path

    try:
        import PySide6
    except ImportError:
        return []
    plugin = Path(PySide6.__file__).parent / "Qt" / "plugins" / "platforms" / "libqxcb.so"
    if not plugin.exists() or not shutil.which("ldd"):
        return []
    try:
        out = subprocess.run(["ldd", str(plugin)], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    packages = []
    for line in out.splitlines():
        if "not found" in line:
            lib = line.split("=>")[0].strip()  # e.g. libxcb-icccm.so.4
            name, _, version = lib.partition(".so.")
            pkg = f"{name}-{version}" if name[-1:].isdigit() else f"{name}{version}"
            if pkg not in packages:
                packages.append(pkg)
    return packages


def run_gui(args) -> int:
    if not args.screenshot and not _has_display():
        print("Aucun écran détecté : la fenêtre ne peut pas s'ouvrir.\n"
              "Utilisez les commandes sans interface : python main.py --help\n"
              "(ou lancez avec QT_QPA_PLATFORM=offscreen pour une capture : python main.py --screenshot capture.png)",
              file=sys.stderr)
        return 1
    missing = [] if args.screenshot else _missing_xcb_libraries()
    if missing:
        print("La fenêtre ne peut pas s'ouvrir : bibliothèques système manquantes pour Qt (X11) : "
              f"{', '.join(missing)}.\nInstallez-les (Debian/Ubuntu : sudo apt-get install {' '.join(missing)}), "
              "ou utilisez les commandes sans interface : python main.py --help", file=sys.stderr)
        return 1
    if args.screenshot:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen" if not _has_display() else os.environ.get("QT_QPA_PLATFORM", ""))
        if not os.environ["QT_QPA_PLATFORM"]:
            del os.environ["QT_QPA_PLATFORM"]
    app = make_app()
    spec = getattr(args, "scenario", None)
    restore_last = not args.screenshot and spec is None
    splash = None if args.screenshot else show_splash(app, "Chargement de l'interface…")

    from .main_window import MainWindow

    # launched by a user: the window shows first, then reads its scenario in the background behind a progress box
    # (a capture reads it first, then shows the window filled)
    win = MainWindow(scenario_spec=spec, restore_last=restore_last, open_in_background=not args.screenshot)
    if args.screenshot:
        return win.screenshot_and_quit(args.screenshot, academie=args.academie, solve=args.solve)
    win.show()
    if splash is not None:
        from PySide6.QtCore import QTimer

        QTimer.singleShot(0, splash.close)  # on the first turn, with the window's first paint
    return app.exec()


SPLASH_SIZE = (460, 200)


def show_splash(app, message: str):
    """A start-up card shown at once, while the window's modules load and it is built; it goes once the window
    shows. A plain frameless window, not a QSplashScreen: on X11 (Xvfb at least) QSplashScreen.show() waited a whole
    second for the window manager's exposure before it returned, and its ``finish`` as long again for the window."""
    from PySide6.QtCore import QRect, Qt
    from PySide6.QtGui import QColor, QFont, QPainter, QPixmap
    from PySide6.QtWidgets import QWidget

    w, h = SPLASH_SIZE
    ratio = app.devicePixelRatio() if hasattr(app, "devicePixelRatio") else 1.0
    pix = QPixmap(int(w * ratio), int(h * ratio))
    pix.setDevicePixelRatio(ratio)
    pix.fill(QColor("#ffffff"))
    p = QPainter(pix)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.fillRect(QRect(0, 0, w, 8), QColor("#000091"))  # the window's accent
    p.setPen(QColor("#d5d9de"))
    p.drawRect(QRect(0, 0, w - 1, h - 1))
    title = QFont(app.font())
    title.setPointSizeF(20)
    title.setBold(True)
    p.setFont(title)
    p.setPen(QColor("#1f3a5f"))
    p.drawText(QRect(28, 34, w - 56, 40), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
               "Planificateur IA")
    sub = QFont(app.font())
    sub.setPointSizeF(10)
    p.setFont(sub)
    p.setPen(QColor("#555e69"))
    p.drawText(QRect(28, 78, w - 56, 44), Qt.AlignmentFlag.AlignLeft | Qt.TextFlag.TextWordWrap,
               "Formation des personnels à l'IA générative : plan de l'année, sessions, formateurs et suivi")
    p.end()

    class Card(QWidget):
        def __init__(self) -> None:
            super().__init__(None, Qt.WindowType.SplashScreen | Qt.WindowType.FramelessWindowHint
                             | Qt.WindowType.WindowStaysOnTopHint)
            self.setObjectName("startSplash")
            self.setFixedSize(w, h)
            self._message = ""

        def pixmap(self) -> QPixmap:
            return pix

        def message(self) -> str:
            return self._message

        def showMessage(self, text: str) -> None:  # noqa: N802 - as QSplashScreen's
            self._message = text
            self.repaint()

        def paintEvent(self, _e) -> None:  # noqa: N802 - Qt API
            painter = QPainter(self)
            painter.drawPixmap(0, 0, pix)
            painter.setPen(QColor("#1f3a5f"))  # the line under the subtitle's margin
            painter.drawText(QRect(28, h - 48, w - 56, 30), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                             self._message)
            painter.end()

    card = Card()
    screen = app.primaryScreen()
    if screen is not None:
        card.move(screen.availableGeometry().center() - card.rect().center())
    card.show()
    splash_message(card, app, message)
    return card


def splash_message(splash, app, message: str) -> None:
    """The start-up card's line of what is being done, painted now (the work that follows holds the event loop)."""
    splash.showMessage(message)
    app.processEvents()
