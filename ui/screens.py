"""Screenshots of every tab with real data (for the README and visual checks).

    python -m ui.screens OUTDIR [--academie 16] [--unit 0310001A] [--size 1366x768] [--dialog]

Opens the window offscreen, solves the académie, then saves one PNG per tab (1400 × 900 unless
``--size``); ``--dialog`` also saves a standard Qt dialog (Qt's own French translation at work).
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m ui.screens")
    ap.add_argument("outdir")
    ap.add_argument("--academie", default="16")
    ap.add_argument("--unit", default=None, help="UAI or circonscription to show in the calendar tab")
    ap.add_argument("--time-limit", type=int, default=20)
    ap.add_argument("--size", default="1400x900", help="window size, e.g. 1366x768")
    ap.add_argument("--dialog", action="store_true", help="also capture a standard dialog (French Qt)")
    ap.add_argument("--plan-from", default="start",
                    help="« start » (the horizon's first day: the whole school year, reproducible), « today », or a date")
    args = ap.parse_args(argv)
    size = tuple(int(x) for x in args.size.lower().split("x"))
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEventLoop

    from .app import make_app
    from .main_window import MainWindow

    app = make_app()
    out = Path(args.outdir)
    out.mkdir(parents=True, exist_ok=True)
    w = MainWindow()
    w.time_limit.setValue(args.time_limit)
    w.resize(*size)
    w.show()
    if args.plan_from != "today":  # screenshots that do not depend on the day they are taken
        import datetime as dt

        s = w.scenario.settings
        w.request_setting("plan_from", s.start_date if args.plan_from == "start" else dt.date.fromisoformat(args.plan_from))
    code = w.scenario.find_academie(args.academie).code
    w.select_scope(("academie", code))
    th = w.planning.start_solve(code, show_dialog=False)
    loop = QEventLoop()
    th.finished.connect(loop.quit)
    if th.isRunning():
        loop.exec()
    app.processEvents()
    names = [t.key for t in w.tab_list]
    kind_filter = w.tab("sessions").kind_filter
    for i, name in enumerate(names):
        scope = ("academie", code)
        if name == "calendar":
            uai = args.unit or next(e.uai for e in w.scenario.etablissements if e.academie == code)
            scope = ("etablissement", uai) if len(uai) == 8 else ("circonscription", uai)
        if name == "sessions":  # étape 1 of one département, to show the filters at work
            dep = next(d.code for d in w.scenario.departements if d.academie == code and d.code == "031") \
                if code == "16" else next(d.code for d in w.scenario.departements if d.academie == code)
            scope = ("departement", dep)
            kind_filter.setCurrentIndex(kind_filter.findData("step1"))
        else:
            kind_filter.setCurrentIndex(0)
        w.select_scope(scope)
        w.tabs.setCurrentIndex(i)
        w.refresh_all()
        trainers = w.tab("trainers")
        if name == "trainers" and trainers.table.model().rowCount():
            trainers.table.setCurrentIndex(trainers.model.index(0, 0))
        w.resize(*size)
        app.processEvents()
        p = out / f"screenshot-{name}.png"
        w.grab().save(str(p))
        print(f"{w.tab_list[i].title} : {p}")
    if args.dialog:
        p = out / "screenshot-dialog-fr.png"
        dialog_screenshot(w, p)
        print(f"Dialogue standard : {p}")
    w.wait_threads()
    return 0


def dialog_screenshot(w, path) -> None:
    """The « modifications non enregistrées » question with details, as the user sees it (Qt in French)."""
    from PySide6.QtWidgets import QApplication, QMessageBox

    box = QMessageBox(QMessageBox.Icon.Question, w.APP_TITLE,
                      "Le scénario a des modifications non enregistrées. Les abandonner ?",
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No | QMessageBox.StandardButton.Cancel,
                      w)
    box.setDetailedText("Paramètre « Taille des groupes » : 18\nCréneau du 16/09/2026 09:00 épinglé")
    box.show()
    QApplication.processEvents()
    box.grab().save(str(path))
    box.close()


if __name__ == "__main__":
    sys.exit(main())
