"""Hand-built plans for tests, demos and the export benchmark (no solver needed).

:func:`small_plan` is tiny and hostile (a name with ``<``, ``&``, emoji and 300 characters);
:func:`synthetic_academie` has the size and shape of a solved académie (circonscriptions with
three trainers, établissements with one, train-the-trainer sessions by FdF).
"""
from __future__ import annotations

import datetime as dt
import math

from ..plan import Plan, Session, TrainerRow, UnitRow

HOSTILE_NAME = ("Collège <Jean & Marie> \"Curie\" 🎓😀 l'Étoile — " + "très long nom " * 30)[:300]
REPORT_BASE = {
    "status": "FEASIBLE",
    "plan_name": "Plan d'essai <&> 2026",
    "version": "0.1.0",
    "generated_at": "2026-06-15T10:00:00",
    "settings": {"group_size": 15, "school_year": "2026-2027", "plan_from": "2026-06-15"},
    "scenario": {"name": "Référence nationale 2026-2027"},
}


def _s(sid, kind, aud, acad, dep, zone, ut, uid, tid, d, start, end, n, window, group=0, title="") -> Session:
    return Session(sid, kind, aud, acad, dep, zone, ut, uid, tid, d, start, end, n, window, group, False, title)


def small_plan() -> Plan:
    """Académie 16 (Toulouse): 2 établissements (one with a hostile name), 1 circonscription, 1 FdF."""
    A, Z = "16", "C"
    units = [
        UnitRow("etablissement", "0310001A", "Collège Pierre de Fermat", A, "031", Z, 40, 0, 0, "college", "Toulouse",
                "2 place Saint-Sernin, 31000 Toulouse", "16-01"),
        UnitRow("etablissement", "0310002B", HOSTILE_NAME, A, "031", Z, 20, 0, 0, "lycee", "Muret & <Co>",
                "1 rue <des> Écoles & Co, 31600 Muret 🏫", "16-01"),
        UnitRow("circonscription", "031-01", "Circonscription Toulouse Nord", A, "031", Z, 50, 0, 0),
        UnitRow("academie", "16", "Académie de Toulouse", A, "031", Z, 0, 0, 0),
    ]
    trainers = [
        TrainerRow("FDF-16-01", "fdf", A, "academie", "16", False, "", "Formatrice nationale Alice"),
        TrainerRow("T0310001A", "trainer_2d", A, "etablissement", "0310001A", False, "TOT-16-01", "Bruno Formateur"),
        TrainerRow("T0310002B", "trainer_2d", A, "etablissement", "0310002B", True, "", HOSTILE_NAME[:80]),
        TrainerRow("T031-01-1", "cpc", A, "circonscription", "031-01", False, "TOT-16-01", "Claire CPC"),
        TrainerRow("T031-01-2", "cpc", A, "circonscription", "031-01", False, "TOT-16-01", "Denis CPC"),
        TrainerRow("T031-01-3", "erun", A, "circonscription", "031-01", False, "TOT-16-01", "Eva eRUN"),
    ]
    d = dt.date
    sessions = [
        _s("TOT-16-01", "tot", "trainers", A, "031", Z, "academie", "16", "FDF-16-01", d(2026, 6, 22), "09:00", "12:00",
           4, "school_day", 1),
        _s("S1-0310001A-01", "step1", "teachers_2d", A, "031", Z, "etablissement", "0310001A", "T0310001A",
           d(2026, 8, 31), "09:00", "10:00", 14, "pre_rentree", 1),
        _s("S1-0310001A-02", "step1", "teachers_2d", A, "031", Z, "etablissement", "0310001A", "T0310001A",
           d(2026, 8, 31), "10:00", "11:00", 13, "pre_rentree", 2),
        _s("S1-0310001A-03", "step1", "teachers_2d", A, "031", Z, "etablissement", "0310001A", "T0310001A",
           d(2026, 9, 9), "14:00", "15:00", 13, "wednesday_pm", 3),
        _s("S2-0310001A-01", "step2", "teachers", A, "031", Z, "etablissement", "0310001A", "T0310001A",
           d(2026, 11, 18), "14:00", "16:00", 12, "wednesday_pm", 1, "L'IA & les devoirs <maison>"),
        _s("S1-0310002B-01", "step1", "teachers_2d", A, "031", Z, "etablissement", "0310002B", "T0310002B",
           d(2026, 8, 31), "14:00", "15:00", 10, "pre_rentree", 1),
        _s("S1-0310002B-02", "step1", "teachers_2d", A, "031", Z, "etablissement", "0310002B", "T0310002B",
           d(2027, 1, 13), "14:00", "15:00", 10, "wednesday_pm", 2),
    ]
    for k in range(4):
        sessions.append(_s(f"S1-031-01-{k + 1:02d}", "step1", "teachers_1d", A, "031", Z, "circonscription", "031-01",
                           f"T031-01-{k % 3 + 1}", d(2026, 9, 2) + dt.timedelta(days=7 * k), "09:00", "10:00",
                           13 if k < 2 else 12, "wednesday_am", k + 1))
    report = dict(REPORT_BASE)
    report["unplaced"] = [{"unit_type": "etablissement", "unit_id": "0310002B", "name": HOSTILE_NAME, "kind": "step1",
                           "audience": "teachers_2d", "sessions": 1,
                           "reason": "Pas assez de créneaux <libres> & formateur indisponible"}]
    report["kpis"] = {"sessions_by_kind": {"tot": 1, "step1": 9, "step2": 1}, "completion_date": "2027-01-13"}
    return Plan(sessions=sessions, trainers=trainers, units=units, report=report)


def synthetic_academie(n_etab: int = 300, n_circ: int = 100, code: str = "16", zone: str = "C",
                       n_fdf: int = 8) -> Plan:
    """An académie-sized plan of the solver's shape (deterministic, no solver)."""
    d0 = dt.date(2026, 8, 31)
    deps = ["031", "032", "046", "065", "081", "082", "009", "012"]
    units, trainers, sessions = [], [], []
    for k in range(1, n_fdf + 1):
        trainers.append(TrainerRow(f"FDF-{code}-{k:02d}", "fdf", code, "academie", code, False, "",
                                   f"Formateur de formateurs {code}-{k:02d}"))
    local: list[TrainerRow] = []
    slots = [("09:00", "10:00"), ("10:00", "11:00"), ("11:00", "12:00"), ("14:00", "15:00"), ("15:00", "16:00")]
    for i in range(n_etab):
        dep = deps[i % len(deps)]
        uai = f"{dep[1:]}{i:05d}"[:7] + "ABCDEFGHJKLMNPRSTUVWXYZ"[i % 23]
        teachers = 25 + (i * 37) % 60
        units.append(UnitRow("etablissement", uai, f"Collège {dep}-{i:03d} (référence)", code, dep, zone, teachers, 0, 0,
                             "college", f"Commune {i % 40}", f"{i} avenue de la République", f"{code}-{i % 18:02d}"))
        tr = TrainerRow(f"T{uai}", "trainer_2d", code, "etablissement", uai, False, "", f"Formateur de l'établissement {uai}")
        trainers.append(tr)
        local.append(tr)
        n = math.ceil(teachers / 15)
        for g in range(1, n + 1):
            day = d0 if g <= 4 else d0 + dt.timedelta(days=9 + 7 * (g - 5))
            a, b = slots[(g - 1) % len(slots)]
            sessions.append(_s(f"S1-{uai}-{g:02d}", "step1", "teachers_2d", code, dep, zone, "etablissement", uai,
                               tr.trainer_id, day, a, b, teachers // n + (1 if g <= teachers % n else 0),
                               "pre_rentree" if g <= 4 else "wednesday_pm", g))
    for i in range(n_circ):
        dep = deps[i % len(deps)]
        cid = f"{dep}-{i + 1:02d}"
        teachers = 150 + (i * 53) % 200
        units.append(UnitRow("circonscription", cid, f"Circonscription {cid} (référence)", code, dep, zone, teachers, 0, 0))
        trs = []
        for k, role in enumerate(("cpc", "cpc", "erun"), 1):
            tr = TrainerRow(f"T{cid}-{k}", role, code, "circonscription", cid, False, "",
                            f"Formateur {k} de la circonscription {cid}")
            trainers.append(tr)
            local.append(tr)
            trs.append(tr)
        n = math.ceil(teachers / 15)
        for g in range(1, n + 1):
            day = d0 + dt.timedelta(days=2 + 7 * ((g - 1) // 3))
            sessions.append(_s(f"S1-{cid}-{g:02d}", "step1", "teachers_1d", code, dep, zone, "circonscription", cid,
                               trs[(g - 1) % 3].trainer_id, day, "09:00", "10:00",
                               teachers // n + (1 if g <= teachers % n else 0), "wednesday_am", g))
    # train-the-trainer: groups of 15 local trainers, in June
    for g in range(math.ceil(len(local) / 15)):
        sid = f"TOT-{code}-{g + 1:03d}"
        members = local[g * 15:(g + 1) * 15]
        day = dt.date(2026, 6, 15) + dt.timedelta(days=(g // (2 * n_fdf)) + 2 * ((g // (2 * n_fdf)) // 5))
        fdf = trainers[g % n_fdf].trainer_id
        a, b = ("09:00", "12:00") if (g // n_fdf) % 2 == 0 else ("14:00", "17:00")
        sessions.append(_s(sid, "tot", "trainers", code, deps[0], zone, "academie", code, fdf, day, a, b, len(members),
                           "school_day", g + 1))
        for m in members:
            m.tot_session_id = sid
    units.append(UnitRow("academie", code, "Académie", code, deps[0], zone, 0, 0, 0))
    report = dict(REPORT_BASE, plan_name=f"Synthétique académie {code}", unplaced=[])
    return Plan(sessions=sessions, trainers=trainers, units=units, report=report)
