"""Starting the window on a machine that cannot show it gives a French explanation, not an abort."""
import subprocess
import sys
import types

from .conftest import ROOT


def test_no_display_says_how_to_use_headless_commands():
    env = {"PATH": "/usr/bin:/bin", "HOME": "/tmp"}
    r = subprocess.run([sys.executable, str(ROOT / "main.py")], capture_output=True, text=True, env=env, timeout=60)
    assert r.returncode == 1
    assert "Aucun écran" in r.stderr and "main.py --help" in r.stderr


def test_missing_x11_libraries_are_named_as_packages(monkeypatch):
    from ui import app

    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    fake = types.SimpleNamespace(stdout="\tlibxcb-icccm.so.4 => not found\n\tlibxkbcommon-x11.so.0 => not found\n"
                                        "\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6\n")
    monkeypatch.setattr(app.subprocess if hasattr(app, "subprocess") else __import__("subprocess"), "run",
                        lambda *a, **k: fake)
    assert app._missing_xcb_libraries() == ["libxcb-icccm4", "libxkbcommon-x11-0"]


def test_start_up_card_shows_at_once(qapp):
    """The card painted before the window's modules load: its picture, and its line of what is being done."""
    from PySide6.QtGui import QColor

    from ui import app

    splash = app.show_splash(qapp, "Chargement de l'interface…")
    try:
        assert splash.isVisible() and splash.message() == "Chargement de l'interface…"
        img = splash.pixmap().toImage()
        assert (img.width(), img.height()) == tuple(int(v * splash.pixmap().devicePixelRatio())
                                                    for v in app.SPLASH_SIZE)
        assert img.pixelColor(img.width() // 2, 2) == QColor("#000091")  # the accent band, then the white card
        assert img.pixelColor(img.width() // 2, img.height() - 10) == QColor("#ffffff")
        app.splash_message(splash, qapp, "Autre étape…")
        assert splash.message() == "Autre étape…"
    finally:
        splash.close()
