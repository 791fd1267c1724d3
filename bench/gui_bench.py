"""GUI speed: window startup on the national default, and the sessions table at 52,000 rows.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/gui_bench.py [--rows 52000] [--solve]

Measured with QElapsedTimer (wall clock, milliseconds):
- startup: QApplication ready → MainWindow built (national reference, territory tree) → shown and
  its first events processed (the window answers input);
- the sessions table with N rows: plan indexed and the model reset, first paint, sort by each
  column (first time, keys computed; second time, cached), filters (text, académie, étape), and
  scrolling (100 jumps through the table, each repainted synchronously).

Without ``--solve`` the plan is synthetic but realistic: every unit of the national demand gets its
step-1 sessions (real ids, names, trainers) spread over the school year, plus the
train-the-trainer sessions; the first N rows are kept. With ``--solve`` the plan comes from the
real solver (all académies; slower to prepare, and larger: it includes steps 2 to 6).
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def synthetic_plan(sc, rows: int):
    """A plan shaped like the solver's: step-1 sessions of every unit, trainers of the unit."""
    from planner.calendar import pre_rentree_date
    from planner.demand import compute_demand
    from planner.plan import Plan, Session

    dem = compute_demand(sc)
    trainers_of: dict[tuple[str, str], list[str]] = {}
    fdf_of: dict[str, list[str]] = {}
    for t in sc.trainers:
        if t.role == "fdf":
            fdf_of.setdefault(t.academie, []).append(t.id)
        else:
            trainers_of.setdefault((t.unit_type, t.unit_id), []).append(t.id)
    zone = {a.code: a.calendar_zone for a in sc.academies}
    sessions: list[Session] = []
    for a, n in dem.tot_by_academie.items():
        for g in range(n):
            d = dt.date(2026, 6, 15) + dt.timedelta(days=(g // 4) * 7 + g % 4)
            sessions.append(Session(f"TOT-{a}-{g + 1:03d}", "tot", "trainers", a, "", zone.get(a, "C"), "academie", a,
                                    (fdf_of.get(a) or [""])[g % max(1, len(fdf_of.get(a, [])))], d,
                                    "09:00" if g % 2 == 0 else "14:00", "12:00" if g % 2 == 0 else "17:00", 15,
                                    "school_day", g + 1))
    starts = ["09:00", "10:00", "11:00", "14:00", "15:00", "16:00"]
    for u in dem.units:
        z = zone.get(u.academie, "C")
        pr = pre_rentree_date(2026, z)
        tr = trainers_of.get((u.unit_type, u.unit_id)) or [""]
        for g, size in enumerate(u.group_sizes(dem.group_size)):
            day = pr + dt.timedelta(days=(g // len(starts)) * 7)
            start = starts[g % len(starts)]
            end = f"{int(start[:2]) + 1:02d}:00"
            window = "pre_rentree" if day == pr else ("wednesday_am" if u.audience == "teachers_1d" else "wednesday_pm")
            sessions.append(Session(f"S1-{u.unit_id}-{g + 1:02d}", "step1", u.audience, u.academie, u.departement, z,
                                    u.unit_type, u.unit_id, tr[g % len(tr)], day, start, end, size, window, g + 1))
    sessions = sessions[:rows]
    return Plan(sessions=sessions, trainers=[], units=[], report={"unplaced": [], "synthetic": True})


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=52_000)
    ap.add_argument("--solve", action="store_true", help="use a real national solve instead of a synthetic plan")
    ap.add_argument("--time-limit", type=float, default=30.0)
    args = ap.parse_args(argv)

    from PySide6.QtCore import QElapsedTimer, Qt
    from PySide6.QtWidgets import QApplication

    t_all = QElapsedTimer()
    t_all.start()
    from ui.app import make_app

    app = make_app()
    t_import = t_all.elapsed()
    from ui.main_window import MainWindow

    t = QElapsedTimer()
    t.start()
    w = MainWindow()
    t_build = t.elapsed()
    w.resize(1400, 900)
    w.show()
    QApplication.processEvents()
    t_shown = t.elapsed()
    print("Démarrage (référence nationale)")
    print(f"  QApplication prête                 {t_import:7d} ms")
    print(f"  fenêtre construite                 {t_build:7d} ms")
    print(f"  fenêtre affichée et interactive    {t_shown:7d} ms  (depuis le lancement : {t_all.elapsed()} ms)")

    if args.solve:
        from solvers.api import solve

        plan = solve(w.scenario, time_limit=args.time_limit)
    else:
        plan = synthetic_plan(w.scenario, args.rows)
    n = len(plan.sessions)
    print(f"\nTableau des sessions : {n:,} lignes".replace(",", "\u202f") + (" (plan réel)" if args.solve else " (plan synthétique)"))
    w.tabs.setCurrentIndex(1)
    QApplication.processEvents()
    t.restart()
    w.doc.set_plan(plan, "bench")
    t_set = t.elapsed()
    t.restart()
    QApplication.processEvents()
    w.tab("sessions").table.viewport().repaint()
    t_paint = t.elapsed()
    assert w.tab("sessions").proxy.rowCount() == n, (w.tab("sessions").proxy.rowCount(), n)
    print(f"  plan indexé + modèle réinitialisé  {t_set:7d} ms")
    print(f"  premier affichage                  {t_paint:7d} ms")

    from ui.changes import Changes
    from ui.models import SESSION_COLUMNS

    firsts, seconds = [], []
    for col, (_, label) in enumerate(SESSION_COLUMNS):
        t.restart()
        w.tab("sessions").table.sortByColumn(col, Qt.SortOrder.DescendingOrder)
        w.tab("sessions").table.viewport().repaint()
        firsts.append((t.elapsed(), label))
        t.restart()
        w.tab("sessions").table.sortByColumn(col, Qt.SortOrder.AscendingOrder)
        w.tab("sessions").table.viewport().repaint()
        seconds.append(t.elapsed())
    worst = max(firsts)
    print(f"  tri, 1re fois (clés calculées)     {statistics.mean(f for f, _ in firsts):7.0f} ms en moyenne, "
          f"au pire {worst[0]} ms (« {worst[1]} »)")
    print(f"  tri, ensuite                       {statistics.mean(seconds):7.0f} ms en moyenne, au pire {max(seconds)} ms")
    w.tab("sessions").table.sortByColumn(0, Qt.SortOrder.AscendingOrder)

    def timed_filter(label, **kw):
        t.restart()
        w.tab("sessions").proxy.set_filters(**kw)
        w.tab("sessions").table.viewport().repaint()
        ms = t.elapsed()
        print(f"  filtre {label:<28}{ms:7d} ms → {w.tab('sessions').proxy.rowCount():,} lignes".replace(",", "\u202f"))

    acad = plan.sessions[len(plan.sessions) // 2].academie
    timed_filter("texte « lycee » (1re fois)", text="lycee")
    timed_filter("texte « college 031 »", text="college 031")
    timed_filter("académie", text="", scope=("academie", acad))
    timed_filter("étape 1 + académie", kind="step1")
    timed_filter("aucun", kind="", scope=("nation", ""))

    sb = w.tab("sessions").table.verticalScrollBar()
    frames = []
    for i in range(100):
        t.restart()
        sb.setValue(int(sb.maximum() * ((i * 37) % 100) / 99))
        w.tab("sessions").table.viewport().repaint()
        frames.append(t.elapsed())
    print(f"  défilement (100 sauts repeints)    {statistics.mean(frames):7.1f} ms par image en moyenne, "
          f"au pire {max(frames)} ms")

    # the tabs that aggregate the plan
    for tab, name in ((0, "Vue d'ensemble"), (3, "Formateurs"), (2, "Calendrier")):
        w._pending[w.tab_list[tab].key] = Changes(plan=True)
        t.restart()
        w.tabs.setCurrentIndex(tab)
        QApplication.processEvents()
        print(f"  onglet {name:<28}{t.elapsed():7d} ms (France entière)")
    t.restart()
    w.select_scope(("academie", acad))
    QApplication.processEvents()
    print(f"  sélection d'une académie           {t.elapsed():7d} ms")
    w.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
