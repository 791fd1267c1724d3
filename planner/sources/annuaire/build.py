"""The second pass of the import: from what the rows declared to a :class:`Scenario`.

- an école without a circonscription joins the circonscription of most écoles of its commune (else
  it is rejected);
- an établissement without a bassin joins the bassin of most établissements of its commune, else the
  largest bassin of its département; a département without any bassin gets bassins of nearby
  établissements (:mod:`.proximity`);
- écoles with their teachers rounded so that each circonscription's add up;
- perdir per bassin and inspectors per département by the ratios of
  :class:`~planner.sources.annuaire.calibration.ImportSettings`;
- trainers by the staffing rule (:mod:`planner.staffing`).
"""
from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from pathlib import Path

from pydantic import ValidationError

from ...models import Academie, Bassin, Circonscription, Departement, Ecole, Etablissement, Scenario, french_errors
from ...settings import Settings
from ...staffing import fdf_by_ratio, staff
from .calibration import SOURCE
from .decoding import OFFICIAL
from .proximity import proximity_bassins
from .result import AnnuaireError
from .rows import Rows


PROXIMITY_BASSIN_SIZE = 16.5  # établissements per bassin, the Occitanie mean (annuaire 2024-11)


def _ecoles(r: Rows, circ_teachers: dict[str, int]) -> list[Ecole]:
    """The écoles, their estimated teachers rounded so that each circonscription's add up."""
    by_circ: dict[str, list[str]] = defaultdict(list)
    for uai, row in r.ecoles.items():
        if row[0] is not None:
            by_circ[row[0]].append(uai)
    out = []
    for cid, uais in by_circ.items():
        quotas = [r.ecoles[u][5] for u in uais]
        ints = [int(q) for q in quotas]
        extra = max(0, circ_teachers.get(cid, 0) - sum(ints))
        for i in sorted(range(len(uais)), key=lambda i: (-(quotas[i] - ints[i]), uais[i]))[:extra]:
            ints[i] += 1
        for u, n in zip(uais, ints):
            _, name, dep, acad, sector, _, pupils, address, commune, postcode, phone, lat, lon = r.ecoles[u]
            out.append(Ecole.model_construct(
                uai=u, name=name, circonscription=cid, departement=dep, academie=acad, sector=sector, teachers=n,
                teachers_estimated=True, pupils=pupils, address=address, commune=commune, phone=phone,
                postcode=postcode, latitude=lat, longitude=lon))
    out.sort(key=lambda e: (e.circonscription, e.uai))
    return out


def attach_pending_ecoles(r: Rows) -> None:
    """Écoles without circonscription: the circonscription of most écoles of their commune."""
    for line, uai, name, ckey, teachers, dep in r.pending_ecoles:
        counts = r.circ_of_commune.get(ckey)
        if counts:
            cid = counts.most_common(1)[0][0]
            r.circs[cid]["teachers"] += teachers
            r.ecoles[uai][0] = cid
            r.log.warn(line, uai, name, OFFICIAL["circ_code"],
                       f"circonscription absente : rattachée à la circonscription {cid} (la plus fréquente de sa commune)")
        else:
            r.imported["ecoles"] -= 1
            r.seen_uai.pop(uai, None)
            r.ecoles.pop(uai, None)
            r.log.reject(line, uai, name, OFFICIAL["circ_code"],
                         "circonscription absente (ni code ni nom) et aucune autre école de la commune pour la déduire",
                         "circonscription manquante")


def assign_bassins(r: Rows, notes: list[str]) -> dict[str, str]:
    """Give every établissement a bassin; returns each bassin's département (its most frequent)."""
    bassin_dep = {bid: b["deps"].most_common(1)[0][0] for bid, b in r.bassins.items()}
    by_commune: dict[str, Counter] = defaultdict(Counter)
    by_dep: dict[str, Counter] = defaultdict(Counter)
    for e in r.etabs:
        if e.bassin:
            by_commune[e.commune_key][e.bassin] += 1
            by_dep[e.dep][e.bassin] += 1
    for bid, d in bassin_dep.items():
        by_dep[d][bid] += 0
    synthetic = 0
    orphans: dict[str, list] = defaultdict(list)
    for e in r.etabs:
        if e.bassin:
            continue
        if by_commune.get(e.commune_key):
            e.bassin = by_commune[e.commune_key].most_common(1)[0][0]
            r.log.warn(e.line, e.uai, e.name, OFFICIAL["bassin_code"],
                       f"bassin de formation absent : rattaché au bassin {e.bassin} (celui de sa commune)")
        elif by_dep.get(e.dep):
            e.bassin = sorted(by_dep[e.dep].items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
            r.log.warn(e.line, e.uai, e.name, OFFICIAL["bassin_code"],
                       f"bassin de formation absent : rattaché au bassin {e.bassin} (le plus grand du département)")
        else:
            orphans[e.dep].append(e)
    # départements without any bassin (2023 exports leave code_bassin_formation empty): cadre groups by
    # proximity, about as many établissements each as an Occitanie bassin
    for dep, etabs in sorted(orphans.items()):
        runs = proximity_bassins(etabs, lambda e: (e.lat, e.lon) if e.lat is not None and e.lon is not None else None,
                                 lambda e: e.commune_key, PROXIMITY_BASSIN_SIZE)
        synthetic += 1
        for k, run in enumerate(runs, 1):
            bid = f"{dep}-P{k:02d}"
            town = Counter(e.commune for e in run).most_common(1)[0][0] or r.deps[dep][0]
            r.bassins[bid] = {"name": f"Bassin de proximité {k} — {r.deps[dep][0]} (autour de {town})",
                              "acad": run[0].acad, "deps": Counter({dep: len(run)})}
            bassin_dep[bid] = dep
            for e in run:
                e.bassin = bid
    if synthetic:
        notes.append(f"{synthetic} département(s) sans bassin de formation dans le fichier : les personnels de "
                     f"direction sont réunis en bassins de proximité d'environ {PROXIMITY_BASSIN_SIZE:g} "
                     f"établissements voisins (coordonnées de l'annuaire)")
    return bassin_dep


def build_scenario(r: Rows, source: Path, include_private: bool) -> tuple[Scenario, list[str]]:
    """The scenario of the imported rows, and notes on what was made up."""
    notes: list[str] = []
    attach_pending_ecoles(r)
    bassin_dep = assign_bassins(r, notes)
    s = r.s
    academies = [Academie(code=c, name=a["nom"], zone=a["zone"], calendar_zone=a["zone_calendrier"],
                          calendar_approximate=a["calendrier_approche"] == "1", timezone=a["fuseau"])
                 for c, a in ((c, r.acads[c]) for c in sorted(r.used_acads))]
    departements = [Departement(code=d, name=n or d, academie=a) for d, (n, a) in sorted(r.deps.items())]
    circs = [Circonscription(id=cid, name=c["name"], departement=c["dep"], academie=c["acad"],
                             teachers=int(round(c["teachers"])))
             for cid, c in sorted(r.circs.items(), key=lambda kv: (kv[1]["dep"], kv[0]))]
    # rows were validated one by one: no second validation pass
    etabs = [Etablissement.model_construct(
        uai=e.uai, name=e.name, type=e.kind, sector=e.sector, commune=e.commune, address=e.address,
        departement=e.dep, academie=e.acad, bassin=e.bassin, teachers=e.teachers, pupils=e.pupils,
        postcode=e.postcode, phone=e.phone, latitude=e.lat, longitude=e.lon, teachers_estimated=True)
        for e in r.etabs]
    ecoles = _ecoles(r, {c.id: c.teachers for c in circs})
    etabs_in_bassin = Counter(e.bassin for e in r.etabs)
    bassins = []
    for bid, b in sorted(r.bassins.items(), key=lambda kv: (bassin_dep[kv[0]], kv[0])):
        n = etabs_in_bassin.get(bid, 0)
        perdir = max(1, round(n * s.perdir_per_etablissement)) if n else 0
        bassins.append(Bassin(id=bid, name=b["name"], departement=bassin_dep[bid], academie=b["acad"], perdir=perdir,
                              perdir_estimated=True))
    units_in_dep = Counter(c.departement for c in circs) + Counter(e.departement for e in etabs)
    inspectors = {d.code: max(1, round(units_in_dep.get(d.code, 0) * s.inspectors_per_unit)) for d in departements}
    # a circonscription with only private écoles outside the scope has no one to train: no trainers
    trainers = staff(academies, [c for c in circs if c.teachers > 0], etabs, roles=s.trainers_per_circonscription,
                     fdf=lambda local: fdf_by_ratio(local, s.fdf_per_academie))
    if r.bad_pupils:
        notes.append(f"{r.bad_pupils} effectif(s) d'élèves illisible(s) ou invraisemblable(s) : taille par défaut utilisée")
    names = ", ".join(f"{a.code} {a.name}" for a in academies) or "aucune académie"
    try:
        sc = Scenario(
            name=f"Annuaire {source.stem} — {names}"[:200],
            description=(f"Importé le {dt.date.today().isoformat()} depuis {source.name} "
                         f"({r.rows} lignes)."),
            source=SOURCE,
            settings=Settings(include_private=include_private),
            academies=academies,
            departements=departements,
            circonscriptions=circs,
            bassins=bassins,
            etablissements=[],
            inspectors=inspectors,
            inspectors_estimated=sorted(inspectors),  # ratios per unit, as perdir per établissement
            trainers=[],
        )
    except ValidationError as exc:  # pragma: no cover - the rows only produce consistent data
        raise AnnuaireError(f"{source} : scénario incohérent — " + " ; ".join(french_errors(exc)[:5])) from None
    # établissements and trainers were validated row by row: attach without a second validation pass
    sc.etablissements = etabs
    sc.ecoles = ecoles
    sc.trainers = trainers
    return sc, notes
