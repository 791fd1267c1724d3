"""The ministry's official school calendar (dataset ``fr-en-calendrier-scolaire``): read, check, apply.

The file is a CSV with ``;`` and a BOM, columns ``Description;Population;Date de début;Date de fin;
Académies;Zones;annee_scolaire``. Dates are UTC timestamps of midnight in Paris
(``2025-08-17T22:00:00+00:00`` is 18 August 2025): they are converted to the French date. ``Date de
fin`` is the day of return; a row whose end equals its start is one day off (« Pont »,
« Début des Vacances d'Été »). Population ``-`` concerns everyone, ``Élèves`` pupils, ``Enseignants``
teachers (their summer ends at the pré-rentrée); rows for part of a territory or of a degree are
counted and left aside, as are territories the planner does not cover (Polynésie, Nouvelle-Calédonie,
Saint-Pierre-et-Miquelon, Wallis-et-Futuna).

A bad file raises :class:`CalendarFileError` (French, naming file, line and field) and nothing of it
is kept. ``data/calendrier_scolaire.csv`` is the embedded extract (Corse and overseas académies,
2023-2024 to 2025-2026) used when a scenario has imported nothing.
"""
from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from ..errors import fail
from ..models import CalendarPeriod, Scenario, _fold, french_errors
from ..paths import data_dir

DATA_DIR = data_dir()  # data/ in the sources, inside the package once installed (planner/paths.py)
EMBEDDED = DATA_DIR / "calendrier_scolaire.csv"
CITATION = ("Ministère de l'Éducation nationale – data.education.gouv.fr, Licence Ouverte 2.0, "
            "jeu de données fr-en-calendrier-scolaire")
COLUMNS = ("Description", "Population", "Date de début", "Date de fin", "Académies", "Zones", "annee_scolaire")
POPULATIONS = {"-": "-", "élèves": "Élèves", "eleves": "Élèves", "enseignants": "Enseignants", "": "-"}
OTHER_TERRITORIES = {"polynesie", "nouvelle-caledonie", "saint-pierre-et-miquelon", "wallis-et-futuna"}
ALIASES = {"reunion": "28", "caen": "70", "rouen": "70"}
_PARIS = ZoneInfo("Europe/Paris")
MAX_ERRORS = 20


class CalendarFileError(Exception):
    """A calendar file that cannot be imported (French message naming file, line and field)."""


@dataclass
class CalendarImport:
    """What a calendar file holds, per académie code."""

    path: str
    rows_read: int = 0
    periods: dict[str, list[CalendarPeriod]] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)

    @property
    def kept(self) -> int:
        return sum(len(v) for v in self.periods.values())

    @property
    def academies(self) -> list[str]:
        return sorted(self.periods)

    @property
    def school_years(self) -> list[str]:
        return sorted({p.school_year for v in self.periods.values() for p in v})

    def summary(self) -> dict:
        return {"file": self.path, "rows_read": self.rows_read, "periods_kept": self.kept,
                "rows_left_aside": dict(sorted(self.skipped.items())), "academies": self.academies,
                "school_years": self.school_years}


def _academie_codes() -> dict[str, str]:
    """Folded name → code, from ``data/academies.csv`` (names and aggregation keys) plus aliases."""
    with open(DATA_DIR / "academies.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter=";"))
    out = dict(ALIASES)
    for r in rows:
        out[_fold(r["nom"])] = r["code"]
        out[_fold(r["cle_agregat"])] = r["code"]
    return out


def _french_date(text: str) -> dt.date:
    t = text.strip()
    if len(t) == 10:
        return dt.date.fromisoformat(t)
    stamp = dt.datetime.fromisoformat(t.replace("Z", "+00:00"))
    if stamp.tzinfo is None:
        return stamp.date()
    return stamp.astimezone(_PARIS).date()


def _school_year(text: str) -> str:
    t = text.strip()
    parts = t.split("-")
    if len(parts) == 2 and all(p.isdigit() and len(p) == 4 for p in parts) and int(parts[1]) == int(parts[0]) + 1:
        return t
    if t.isdigit() and len(t) == 4:
        return t
    raise ValueError


def read_calendar_file(path: str | Path) -> CalendarImport:
    """Read and check a whole calendar file; :class:`CalendarFileError` on the first bad row(s)."""
    p = Path(path)
    name = str(path)
    try:
        text = p.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise CalendarFileError(f"{name} : fichier introuvable") from None
    except UnicodeDecodeError as exc:
        raise CalendarFileError(f"{name} : encodage illisible (UTF-8 attendu, octet {exc.start})") from None
    except OSError as exc:
        raise CalendarFileError(f"{name} : lecture impossible ({exc.strerror or exc})") from None
    reader = csv.reader(text.splitlines(), delimiter=";")
    header = next(reader, None)
    if not header:
        raise CalendarFileError(f"{name}, ligne 1 : fichier vide (en-tête attendu : {';'.join(COLUMNS)})")
    header = [h.strip() for h in header]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise CalendarFileError(f"{name}, ligne 1, en-tête : colonne(s) manquante(s) {', '.join(missing)} "
                                f"(attendu : {';'.join(COLUMNS)} ; séparateur « ; »)")
    col = {c: header.index(c) for c in COLUMNS}
    codes = _academie_codes()
    out = CalendarImport(path=name)
    errors: list[str] = []
    seen: set[tuple] = set()

    def err(line: int, fld: str, msg: str) -> None:
        errors.append(f"{name}, ligne {line}, champ « {fld} » : {msg}")

    for i, row in enumerate(reader, start=2):
        if not any(x.strip() for x in row):
            continue
        out.rows_read += 1
        if len(row) < len(header):
            err(i, COLUMNS[len(row)] if len(row) < len(COLUMNS) else "(ligne)",
                f"{len(row)} champ(s) au lieu de {len(header)}")
            continue
        v = {c: row[col[c]].strip() for c in COLUMNS}
        acad = _fold(v["Académies"])
        if acad in OTHER_TERRITORIES:
            out.skipped["territoire hors du planificateur"] = out.skipped.get("territoire hors du planificateur", 0) + 1
            continue
        code = codes.get(acad)
        if code is None:
            err(i, "Académies", f"académie inconnue « {v['Académies']} »")
            continue
        pop = POPULATIONS.get(v["Population"].lower())
        if pop is None:
            key = f"population partielle ({v['Population']})"
            out.skipped[key] = out.skipped.get(key, 0) + 1
            continue
        try:
            year = _school_year(v["annee_scolaire"])
        except ValueError:
            err(i, "annee_scolaire", f"« {v['annee_scolaire']} » : année scolaire attendue (ex. 2025-2026)")
            continue
        dates = []
        for fld in ("Date de début", "Date de fin"):
            try:
                dates.append(_french_date(v[fld]))
            except ValueError:
                err(i, fld, f"« {v[fld]} » : date attendue (ex. 2025-10-18T22:00:00+00:00 ou 2025-10-19)")
        if len(dates) < 2:
            continue
        start, end = dates
        if end < start:
            err(i, "Date de fin", f"le {end.isoformat()} précède la date de début ({start.isoformat()})")
            continue
        if end == start:
            end = start + dt.timedelta(days=1)
        if not v["Description"]:
            err(i, "Description", "valeur vide")
            continue
        try:
            period = CalendarPeriod(description=v["Description"], population=pop, start=start, end=end, school_year=year)
        except ValidationError as exc:
            err(i, "(ligne)", " ; ".join(french_errors(exc)))
            continue
        k = (code, period)
        if k in seen:
            continue
        seen.add(k)
        out.periods.setdefault(code, []).append(period)
        if len(errors) >= MAX_ERRORS:
            break
    if errors:
        more = "" if len(errors) < MAX_ERRORS else "\n… (lecture arrêtée après 20 erreurs)"
        raise CalendarFileError(f"{name} : {len(errors)} erreur(s), rien n'est importé :\n" + "\n".join(errors) + more)
    if not out.periods:
        raise CalendarFileError(f"{name} : aucune période d'une académie du planificateur ({out.rows_read} ligne(s) lue(s))")
    for v in out.periods.values():
        v.sort(key=lambda p: (p.start, p.end, p.population, p.description))
    return out


@lru_cache(maxsize=1)
def embedded_periods() -> dict[str, tuple[CalendarPeriod, ...]]:
    """The embedded extract: académie code → its official periods (Corse and overseas)."""
    return {k: tuple(v) for k, v in read_calendar_file(EMBEDDED).periods.items()}


def apply_calendar(sc: Scenario, imported: CalendarImport) -> list[str]:
    """Give each académie of ``sc`` found in the file its official periods (replacing earlier ones).
    Returns the codes of the académies updated."""
    done = []
    for a in sc.academies:
        if a.code in imported.periods:
            a.calendar_periods = list(imported.periods[a.code])
            done.append(a.code)
    return done


def run_import_calendrier(args) -> int:
    """``import-calendrier FICHIER [--scenario S] [--json]``: check the file, print what it holds, and
    with a scenario file store each académie's official periods in it."""
    import json
    import sys

    try:
        imp = read_calendar_file(args.file)
    except CalendarFileError as exc:
        return fail(exc)
    out = imp.summary()
    if args.scenario and args.scenario != "national":
        from ..scenario_io import ScenarioError, load_scenario
        from ..store import ScenarioStore

        try:
            sc = load_scenario(args.scenario)
        except ScenarioError as exc:
            return fail(exc)
        if not Path(args.scenario).read_bytes()[:16].startswith(b"SQLite format 3"):
            print(f"Erreur : {args.scenario} : seul un fichier de scénario (SQLite) peut recevoir le calendrier",
                  file=sys.stderr)
            return 2
        out["academies_updated"] = apply_calendar(sc, imp)
        with ScenarioStore(args.scenario) as store:
            store.save_scenario(sc)
        out["scenario"] = str(args.scenario)
    if args.json:
        print(json.dumps(out, ensure_ascii=False, indent=1))
        return 0
    print(f"{imp.rows_read} ligne(s) lue(s), {imp.kept} période(s) retenue(s) ; "
          f"{len(imp.academies)} académie(s) : {', '.join(imp.academies)} ; "
          f"années scolaires {', '.join(imp.school_years)}.")
    for why, n in sorted(imp.skipped.items()):
        print(f"  écartées : {n} ligne(s) — {why}")
    if "academies_updated" in out:
        print(f"Calendrier enregistré dans {args.scenario} pour {len(out['academies_updated'])} académie(s).")
    return 0
