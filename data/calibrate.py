"""Recompute data/calibration.json from the ministry's open data in ../shared/data/opendata.

Run from the project root: ``python data/calibrate.py``. The figures printed are the ones
committed in ``calibration.json`` (aggregates only; no per-établissement data is stored).
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

OPEN = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "opendata"


def main() -> None:
    ann = pd.read_csv(OPEN / "occ_annuaire.csv", sep=";", dtype=str, encoding="utf-8-sig")
    pub = ann[(ann.Statut_public_prive == "Public") & (ann.etat == "OUVERT")]
    pupils = pd.to_numeric(pub.Nombre_d_eleves, errors="coerce")
    ecoles = pub.assign(n=pupils)[pub.Type_etablissement == "Ecole"]
    per_circ = ecoles.groupby("code_circonscription").n.sum()
    etabs = pub[pub.Type_etablissement.isin(["Collège", "Lycée"])]
    per_bassin = etabs.groupby("code_bassin_formation").size()

    dnb = pd.read_csv(OPEN / "vyz_dnb.csv", dtype=str)
    dnb = dnb[(dnb.secteur_d_enseignement == "PUBLIC") & dnb.libelle_academie.isin(["TOULOUSE", "MONTPELLIER"])]
    col = pd.to_numeric(dnb.nombre_eleves_total, errors="coerce")
    lyc = pd.read_csv(OPEN / "lycee_gt_eff.csv", sep=";")
    lyc = lyc[(lyc.secteur == "PUBLIC") & lyc.academie.isin(["TOULOUSE", "MONTPELLIER"])]
    lyc = lyc[lyc.rentree_scolaire == lyc.rentree_scolaire.max()]
    sizes = np.concatenate([col[col > 0].values, lyc.nombre_d_eleves[lyc.nombre_d_eleves > 0].values])
    print(json.dumps({
        "circonscription_pupils_log_sd": round(float(np.log(per_circ[per_circ > 0]).std()), 3),
        "circonscription_count": int((per_circ > 0).sum()),
        "etablissement_pupils_log_sd": round(float(np.log(sizes.astype(float)).std()), 3),
        "etablissement_count": int(len(sizes)),
        "etablissements_per_bassin": round(float(per_bassin.mean()), 1),
        "bassin_count": int(len(per_bassin)),
    }, indent=2))


if __name__ == "__main__":
    main()
