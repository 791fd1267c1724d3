"""Where sessions happen: venues, training sites, distances and travel times. No Qt, no OR-Tools.

- :class:`Venue`: a place (name, street, postcode, commune, coordinates; coordinates may be unknown).
- :func:`load_training_sites`: the académies' train-the-trainer sites, ``data/training_sites.csv``
  (``;``-separated, one row per site, several per académie allowed; the default lists each
  académie's chef-lieu). A bad row is refused with a French message naming file, line and field.
- :func:`travel_minutes`: time to go from one venue to another: ``travel_fixed_minutes`` plus the
  great-circle distance × 1.3 (roads are not straight) at ``travel_speed_kmh``; 0 for the same
  venue. When a coordinate is unknown, only the fixed time is counted (the plan says so).
- :func:`seat_of_departement`: the mean position of the département's public collèges (an
  approximation used for seats with no address: DSDEN, reference units).
"""
from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .sources.reference import DATA_DIR, read_academies

ROAD_FACTOR = 1.3  # road distance / great-circle distance, a common rule of thumb for France
SITES_FILE = DATA_DIR / "training_sites.csv"
SITES_COLUMNS = ["academie", "nom", "adresse", "code_postal", "commune", "latitude", "longitude"]


class VenueError(Exception):
    """A venue list that cannot be used (French message naming file, line and field)."""


@dataclass(frozen=True, slots=True)
class Venue:
    name: str
    street: str = ""
    postcode: str = ""
    commune: str = ""
    lat: float | None = None
    lon: float | None = None

    @property
    def address(self) -> str:
        """« street, postcode commune » (parts that are known)."""
        town = " ".join(p for p in (self.postcode, self.commune) if p)
        return ", ".join(p for p in (self.street, town) if p)

    @property
    def located(self) -> bool:
        return self.lat is not None and self.lon is not None


def distance_km(a: Venue, b: Venue) -> float | None:
    """Great-circle distance in km, None when a coordinate is unknown."""
    if not (a.located and b.located):
        return None
    return haversine_km(a.lat, a.lon, b.lat, b.lon)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def travel_minutes(a: Venue | None, b: Venue | None, speed_kmh: float, fixed_minutes: int) -> int:
    """Minutes needed between a session at ``a`` and one at ``b`` (0 when it is the same place)."""
    if a is None or b is None or same_place(a, b):
        return 0
    km = distance_km(a, b)
    if km is None:
        return int(fixed_minutes)
    return int(fixed_minutes + math.ceil(km * ROAD_FACTOR / max(speed_kmh, 1e-6) * 60))


def same_place(a: Venue, b: Venue) -> bool:
    if a.located and b.located:
        return abs(a.lat - b.lat) < 1e-6 and abs(a.lon - b.lon) < 1e-6
    return (a.name, a.address) == (b.name, b.address)


def load_training_sites(path: str | Path | None = None) -> dict[str, list[Venue]]:
    """académie code → its training sites, in file order."""
    path = Path(path) if path is not None else SITES_FILE
    if path == SITES_FILE:
        return {k: list(v) for k, v in _default_sites().items()}
    return _read_sites(path)


@lru_cache(maxsize=1)
def _default_sites() -> dict[str, tuple[Venue, ...]]:
    return {k: tuple(v) for k, v in _read_sites(SITES_FILE).items()}


def _read_sites(path: Path) -> dict[str, list[Venue]]:
    codes = {r["code"]: r["nom"] for r in read_academies()}
    try:
        f = open(path, encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise VenueError(f"{path} : fichier des sites de formation illisible ({exc.strerror or exc})") from None
    out: dict[str, list[Venue]] = {}
    with f:
        reader = csv.DictReader(f, delimiter=";")
        cols = reader.fieldnames or []
        missing = [c for c in SITES_COLUMNS if c not in cols]
        if missing:
            raise VenueError(f"{path}, ligne 1 : colonne(s) manquante(s) : {', '.join(missing)} "
                             f"(attendu : {';'.join(SITES_COLUMNS)})")
        for line, r in enumerate(reader, start=2):
            code = (r.get("academie") or "").strip()
            if code.isdigit():
                code = code.zfill(2)
            if code not in codes:
                raise VenueError(f"{path}, ligne {line}, champ « academie » : académie inconnue « {code} » "
                                 f"(code officiel attendu, ex. 16 pour Toulouse)")
            name = (r.get("nom") or "").strip()
            if not name:
                raise VenueError(f"{path}, ligne {line}, champ « nom » : nom du site manquant")
            coords = []
            for fld in ("latitude", "longitude"):
                raw = (r.get(fld) or "").strip().replace(",", ".")
                if not raw:
                    raise VenueError(f"{path}, ligne {line}, champ « {fld} » : coordonnée manquante "
                                     f"(site « {name} »)")
                try:
                    v = float(raw)
                except ValueError:
                    raise VenueError(f"{path}, ligne {line}, champ « {fld} » : nombre attendu (reçu « {raw} »)") from None
                lim = 90 if fld == "latitude" else 180
                if not -lim <= v <= lim or math.isnan(v):
                    raise VenueError(f"{path}, ligne {line}, champ « {fld} » : {v} hors de [-{lim}, {lim}]")
                coords.append(v)
            out.setdefault(code, []).append(Venue(name, (r.get("adresse") or "").strip(),
                                                  (r.get("code_postal") or "").strip(), (r.get("commune") or "").strip(),
                                                  coords[0], coords[1]))
    return out


@lru_cache(maxsize=1)
def _departement_seats() -> dict[str, tuple[float, float]]:
    out = {}
    with open(DATA_DIR / "departements_geo.csv", encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f, delimiter=";"):
            out[r["code_departement"]] = (float(r["latitude"]), float(r["longitude"]))
    return out


def seat_of_departement(code: str) -> tuple[float, float] | None:
    """Mean position of the département's public collèges (approximate seat), None if unknown."""
    return _departement_seats().get(code)


def parse_attendees(text: str) -> list[tuple[str, int]]:
    """``"0310001A:2;0310002B:1"`` → [("0310001A", 2), ("0310002B", 1)]."""
    out = []
    for part in text.split(";"):
        if not part:
            continue
        uid, _, n = part.rpartition(":")
        out.append((uid, int(n)))
    return out


def format_attendees(items) -> str:
    return ";".join(f"{uid}:{n}" for uid, n in items if n)


def session_position(s) -> tuple[float, float] | None:
    """Where a session is for travel: its venue's coordinates, else its département's seat."""
    if s.venue_lat is not None and s.venue_lon is not None:
        return s.venue_lat, s.venue_lon
    return seat_of_departement(s.departement)


Place = tuple  # (venue name, venue address, (lat, lon) or None): what travel needs of a session


def place_of(v: Venue, departement: str) -> Place:
    """A venue as a travel place: its coordinates, else its département's seat (see module doc)."""
    return (v.name, v.address, (v.lat, v.lon) if v.located else seat_of_departement(departement))


def session_place(s) -> Place:
    return (s.venue, s.venue_address, session_position(s))


def place_travel_minutes(p: Place, q: Place, speed_kmh: float, fixed_minutes: int) -> int:
    """Minutes between two places: 0 at the same venue, else the fixed time plus the road
    distance (great circle × 1.3) at ``speed_kmh``; the fixed time alone when a position is unknown."""
    if p[0] == q[0] and p[1] == q[1]:
        return 0
    if p[2] is None or q[2] is None:
        return int(fixed_minutes)
    km = haversine_km(p[2][0], p[2][1], q[2][0], q[2][1])
    return int(fixed_minutes + math.ceil(km * ROAD_FACTOR / max(speed_kmh, 1e-6) * 60))


def session_travel_minutes(a, b, speed_kmh: float, fixed_minutes: int) -> int:
    """Minutes a trainer needs between session ``a`` and session ``b`` (0 at the same venue)."""
    return place_travel_minutes(session_place(a), session_place(b), speed_kmh, fixed_minutes)
