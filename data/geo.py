"""Recompute data/training_sites.csv and data/departements_geo.csv from ../shared/data/opendata.

Run from the project root: ``python data/geo.py``. Only aggregates are stored: the mean position
of the public collèges of each département (the seat used for reference units, which have no real
address) and, per académie, the chef-lieu's mean collège position and main postcode (the default
train-the-trainer site; edit ``training_sites.csv`` to add the académie's real sites).
Source: fr-en-adresse-et-geolocalisation-etablissements-premier-et-second-degre (collèges),
« Ministère de l'Éducation nationale – data.education.gouv.fr, Licence Ouverte 2.0 ».
"""
from __future__ import annotations

import csv
import re
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OPEN = ROOT / ".." / "shared" / "data" / "opendata"

CHEF_LIEU = {
    "01": "Paris  5e  Arrondissement", "02": "Aix-en-Provence", "03": "Besançon", "04": "Bordeaux", "06": "Clermont-Ferrand",
    "07": "Dijon", "08": "Grenoble", "09": "Lille", "10": "Lyon 7e  Arrondissement", "11": "Montpellier", "12": "Nancy",
    "13": "Poitiers", "14": "Rennes", "15": "Strasbourg", "16": "Toulouse", "17": "Nantes", "18": "Orléans",
    "19": "Reims", "20": "Amiens", "22": "Limoges", "23": "Nice", "24": "Créteil", "25": "Versailles",
    "27": "Ajaccio", "28": "Saint-Denis", "31": "Fort-de-France", "32": "Les Abymes", "33": "Cayenne",
    "43": "Mamoudzou", "70": "Caen",
}


def main() -> None:
    rows = list(csv.DictReader(open(OPEN / "vyz_geoloc_colleges.csv", encoding="utf-8-sig"), delimiter=";"))
    dep = defaultdict(list)
    town = defaultdict(list)
    postcodes = defaultdict(Counter)
    for r in rows:
        try:
            lat, lon = float(r["latitude"]), float(r["longitude"])
        except ValueError:
            continue
        if r["secteur_public_prive_libe"] == "Public":
            dep[r["code_departement"]].append((lat, lon))
        key = (r["code_academie"], r["libelle_commune"])
        town[key].append((lat, lon))
        postcodes[key][r["code_postal_uai"]] += 1
    with open(ROOT / "data" / "departements_geo.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, delimiter=";")
        w.writerow(["code_departement", "latitude", "longitude"])
        for d in sorted(dep):
            pts = dep[d]
            w.writerow([d, f"{sum(p[0] for p in pts) / len(pts):.4f}", f"{sum(p[1] for p in pts) / len(pts):.4f}"])
    with open(ROOT / "data" / "training_sites.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, delimiter=";")
        w.writerow(["academie", "nom", "adresse", "code_postal", "commune", "latitude", "longitude"])
        for code, city in sorted(CHEF_LIEU.items()):
            pts = town[(code, city)]
            if not pts:
                raise SystemExit(f"pas de collège à {city} ({code})")
            pc = postcodes[(code, city)].most_common(1)[0][0]
            city = re.sub(r" \d+e$", "", " ".join(city.replace("Arrondissement", "").split()))
            w.writerow([code, f"Site de formation académique de {city}", "", pc, city,
                        f"{sum(p[0] for p in pts) / len(pts):.4f}", f"{sum(p[1] for p in pts) / len(pts):.4f}"])
    print(len(dep), "départements,", len(CHEF_LIEU), "sites")


if __name__ == "__main__":
    main()
