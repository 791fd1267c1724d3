"""The national reference scenario: the embedded default, built deterministically from ``data/``.

The report's totals (IGÉSR 2025, from DEPP « L'Éducation nationale en chiffres 2024 », public
sector) are spread over the 101 départements by real shares taken from the ministry's open data
(``data/departements.csv``, aggregates of data.education.gouv.fr, Licence Ouverte 2.0), with
largest-remainder rounding so that every total is exact:

- circonscriptions: the real count where known (Occitanie, annuaire 2024), the rest by the share of
  public écoles élémentaires et primaires;
- 1er-degré teachers: by the share of public écoles;
- établissements of the 2nd degré: by the share of public collèges and lycées, then moved by a few
  units between départements so that each académie's local trainers fill whole train-the-trainer
  groups (3 × circonscriptions + établissements ≡ 0 mod 15, as the report's 13,800 / 15 = 920);
- 2nd-degré teachers: by the share of pupils in public collèges;
- bassins: établissements / 16.5 per département (the Occitanie mean), perdir by établissements,
  inspectors by units; 150 FdF among académies by their local trainers (at least one each).

Unit sizes inside a département vary as real ones do: log-normal weights whose spread is
calibrated on Occitanie (``data/calibration.json``), seeded, so two builds are identical. Unit
names say they are reference units; no real school name or per-établissement datum is used.
"""
from __future__ import annotations

import csv
import datetime as dt
import json
import math
import zlib
from pathlib import Path

from ..paths import data_dir

import numpy as np

from ..models import (
    Academie,
    Bassin,
    Circonscription,
    Departement,
    Etablissement,
    Scenario,
    uai_check_letter,
)
from ..settings import Settings
from ..staffing import CIRCONSCRIPTION_ROLES, apportion, fdf_apportioned, staff

DATA_DIR = data_dir()
CITATION = (
    "Ministère de l'Éducation nationale – data.education.gouv.fr, Licence Ouverte 2.0 "
    "(agrégats départementaux de fr-en-annuaire-education 2024-11, fr-en-ips_ecoles 2021, "
    "fr-en-ips_lycees 2021, fr-en-dnb-par-etablissement 2021) ; effectifs : rapport IGÉSR 2025, "
    "DEPP « L'Éducation nationale en chiffres 2024 »"
)

TOTALS = {
    "circonscriptions": 1400,
    "etablissements": 9600,
    "teachers_1d": 324_600,
    "teachers_2d": 386_950,
    "perdir": 13_500,
    "inspectors": 3_650,
    "fdf": 150,
}
REFERENCE_NAME = "Référence nationale"
_DATED = {"school_year", "plan_from", "start_date", "end_date"}


def _rng(key: str) -> np.random.Generator:
    return np.random.default_rng(2026 + zlib.crc32(key.encode()))


def _uai_prefix(dep: str) -> str:
    return {"02A": "620", "02B": "720"}.get(dep, dep)


def read_academies() -> list[dict[str, str]]:
    with open(DATA_DIR / "academies.csv", encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter=";"))


def read_departements() -> list[dict[str, str]]:
    with open(DATA_DIR / "departements.csv", encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter=";"))


def _calibration() -> dict:
    return json.loads((DATA_DIR / "calibration.json").read_text(encoding="utf-8"))


def _fix_tot_groups(acad_of_dep: dict[str, str], circ: dict[str, int], etab: dict[str, int], gs: int) -> None:
    """Move établissements between académies so each académie's local trainers fill whole groups."""
    acads = sorted(set(acad_of_dep.values()))
    trainers = {a: 0 for a in acads}
    for d, a in acad_of_dep.items():
        trainers[a] += len(CIRCONSCRIPTION_ROLES) * circ[d] + etab[d]
    residue = {a: trainers[a] % gs for a in acads}
    k = sum(residue.values()) // gs
    adders = set(sorted(acads, key=lambda a: (-residue[a], a))[:k])
    for a in acads:
        r = residue[a]
        if r == 0:
            continue
        delta = (gs - r) if a in adders else -r
        biggest = max((d for d in acad_of_dep if acad_of_dep[d] == a), key=lambda d: (etab[d], d))
        etab[biggest] += delta


def national_reference(school_year: str | None = None, plan_from: dt.date | None = None) -> Scenario:
    """The embedded national default (a fresh copy each call), for ``school_year`` from ``plan_from``
    (defaults: :func:`planner.school_year.default_dates`, the same rule as every other source)."""
    sc = _build()  # built for each call (0.2 s): no copy of the whole territory kept in memory between calls
    data = sc.settings.model_dump(exclude=_DATED)
    data.update(school_year=school_year, plan_from=plan_from)
    sc.settings = Settings.model_validate(data)
    return sc


def _build() -> Scenario:
    # the build has no dates: national_reference() applies the school year and plan_from
    settings = Settings()
    gs = settings.group_size
    cal = _calibration()
    acad_rows = read_academies()
    dep_rows = read_departements()
    code_of_key = {r["cle_agregat"]: r["code"] for r in acad_rows}

    academies = [
        Academie(
            code=r["code"], name=r["nom"], zone=r["zone"], calendar_zone=r["zone_calendrier"],
            calendar_approximate=r["calendrier_approche"] == "1", timezone=r["fuseau"],
        )
        for r in acad_rows
    ]
    deps = [
        Departement(code=r["code_departement"], name=r["nom"], academie=code_of_key[r["academie"]])
        for r in dep_rows
    ]
    dep_codes = [d.code for d in deps]
    acad_of_dep = {d.code: d.academie for d in deps}
    row = {r["code_departement"]: r for r in dep_rows}

    def num(d: str, col: str) -> float:
        v = row[d][col]
        return float(v) if v else 0.0

    # --- circonscriptions: real counts where known, the rest by share of public écoles
    known = {d: int(num(d, "circonscriptions_occitanie_2024")) for d in dep_codes if row[d]["circonscriptions_occitanie_2024"]}
    others = [d for d in dep_codes if d not in known]
    shares = apportion(TOTALS["circonscriptions"] - sum(known.values()), [num(d, "ecoles_elem_prim_public") for d in others], 1)
    circ_n = dict(known) | dict(zip(others, shares))
    t1 = dict(zip(dep_codes, apportion(TOTALS["teachers_1d"], [num(d, "ecoles_elem_prim_public") for d in dep_codes], 1)))

    # --- établissements and 2nd-degré teachers
    etab_n = dict(zip(dep_codes, apportion(TOTALS["etablissements"],
                                            [num(d, "colleges_public") + num(d, "lycees_public") for d in dep_codes], 1)))
    _fix_tot_groups(acad_of_dep, circ_n, etab_n, gs)
    t2 = dict(zip(dep_codes, apportion(TOTALS["teachers_2d"], [num(d, "eleves_colleges_public_2021") for d in dep_codes], 1)))

    circs: list[Circonscription] = []
    etabs: list[Etablissement] = []
    bassins: list[Bassin] = []
    sd_c = cal["circonscription_pupils_log_sd"]
    sd_e = cal["etablissement_pupils_log_sd"]
    per_bassin = cal["etablissements_per_bassin"]
    bassin_count_by_acad: dict[str, int] = {}
    for d in dep_codes:
        a = acad_of_dep[d]
        rng = _rng("circ" + d)
        w = np.exp(rng.normal(0.0, sd_c, circ_n[d])).tolist()
        sizes = apportion(t1[d], w, 1)
        for k, n in enumerate(sizes, 1):
            cid = f"{d}-{k:02d}"
            circs.append(Circonscription(id=cid, name=f"Circonscription {cid} (référence)", departement=d, academie=a, teachers=n))
        # établissements: types by the département's collège / lycée mix
        ne = etab_n[d]
        col, lyc = num(d, "colleges_public"), num(d, "lycees_public")
        n_col = round(ne * col / (col + lyc)) if col + lyc else ne
        types = ["college"] * n_col + [("lp" if i % 3 == 2 else "lycee") for i in range(ne - n_col)]
        rng = _rng("etab" + d)
        factor = {"college": 1.0, "lycee": 1.6, "lp": 1.0, "erea": 0.5}
        w = [math.exp(x) * factor[t] for x, t in zip(rng.normal(0.0, sd_e, ne), types)]
        sizes = apportion(t2[d], w, 5)
        nb = max(1, round(ne / per_bassin))
        first = bassin_count_by_acad.get(a, 0)
        bassin_count_by_acad[a] = first + nb
        bids = [f"{a}-{first + i + 1:02d}" for i in range(nb)]
        for i, bid in enumerate(bids):
            bassins.append(Bassin(id=bid, name=f"Bassin {bid} (référence)", departement=d, academie=a, perdir=0,
                                  perdir_estimated=True))
        prefix = _uai_prefix(d)
        label = {"college": "Collège", "lycee": "Lycée", "lp": "Lycée professionnel", "erea": "EREA"}
        for k, (typ, n) in enumerate(zip(types, sizes), 1):
            digits = f"{prefix}{9000 + k:04d}"
            uai = digits + uai_check_letter(digits)
            etabs.append(Etablissement(
                uai=uai, name=f"{label[typ]} {d}-{k:03d} (référence)", type=typ, sector="public",
                departement=d, academie=a, bassin=bids[(k - 1) * nb // ne], teachers=n, pupils=round(n * 12.6),
            ))

    # --- perdir by établissements per bassin, inspectors by units per département
    etabs_in = {b.id: 0 for b in bassins}
    for e in etabs:
        etabs_in[e.bassin] += 1
    perdir = apportion(TOTALS["perdir"], [etabs_in[b.id] for b in bassins], 1)
    for b, n in zip(bassins, perdir):
        b.perdir = n
    units_in = [circ_n[d] + etab_n[d] for d in dep_codes]
    inspectors = dict(zip(dep_codes, apportion(TOTALS["inspectors"], units_in, 1)))

    # --- trainers: the staffing rule, 150 FdF spread exactly over the académies
    trainers = staff(academies, circs, etabs, fdf=fdf_apportioned(TOTALS["fdf"]), naming="reference")

    return Scenario(
        name=REFERENCE_NAME,
        description=("Scénario de référence : déploiement national de l'étape 1 sur l'année scolaire choisie "
                     "(unités de référence, non réelles)."),
        source=CITATION,
        settings=settings,
        academies=academies,
        departements=deps,
        circonscriptions=circs,
        bassins=bassins,
        etablissements=etabs,
        inspectors=inspectors,
        inspectors_estimated=sorted(inspectors),  # cadres apportioned as teachers are: said « estimé »
        trainers=trainers,
    )
