"""Import the official annuaire of the Éducation nationale (``fr-en-annuaire-education`` CSV).

The file is read as a stream (one row at a time, nothing like a whole-file parse), so a national
or even a 200 MB file imports in bounded memory. Accepted: ``;`` (also ``,``, tab or ``|`` when the
header says so), UTF-8 with or without BOM, UTF-16 with BOM, and Windows-1252 files re-saved by
Excel; the 2024+ schema (``code_circonscription``, bassins), the 2023 schema (only
``nom_circonscription``), the 2026 schema (no ``Nombre_d_eleves``); one académie or several.

Every data row ends up **imported**, **skipped** (with a reason: closed, out-of-scope type,
private outside the scope, other académie, non-Éducation-nationale supervision, section of a
lycée, second row of a UAI) or **rejected** (with the faulty field and a reason: bad UAI, missing
or inconsistent département, unknown académie or type, unreadable line). Imported rows with a
repaired value (pupil count unreadable, bassin or circonscription missing) are listed as warnings.

What is built (see :mod:`planner.sources.annuaire.calibration` for every ratio and its source):

- académies (official codes and holiday zones from ``data/academies.csv``) and départements
  (three-character codes, ``031``);
- circonscriptions from the écoles (``code_circonscription``, or ``nom_circonscription`` in 2023
  exports); an école without either joins the circonscription of most écoles of its commune;
- bassins from the collèges and lycées (``code_bassin_formation``/``libelle_bassin_formation``);
  an établissement without one joins the bassin of most établissements of its commune, else the
  largest bassin of its département; a département with no bassin at all (schemas without the
  bassin columns) gets **one bassin per département**;
- the territory (circonscriptions, bassins) is the ministry's, independent of the scope: private
  écoles outside the scope still declare their circonscription, but add no teachers;
- établissements (collège, lycée, LP, EREA), teachers estimated from pupils;
- trainers: CPC, CPC, eRUN per circonscription; one 2nd-degré trainer per établissement;
  formateurs de formateurs per académie; perdir per bassin; inspectors per département.
"""
from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import os
import re
import tempfile
import unicodedata
import zlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterator

from pydantic import ValidationError

from ...models import (
    UAI_RE,
    Academie,
    Bassin,
    Circonscription,
    Departement,
    Etablissement,
    Scenario,
    Trainer,
    academie_matches,
    french_errors,
)
from ..reference import read_academies, read_departements
from ...settings import Settings
from .calibration import SOURCE, ImportSettings

Progress = Callable[[float, str], object]


class AnnuaireError(Exception):
    """The file cannot be imported at all; the message is French and names the file."""


class ImportCancelled(AnnuaireError):
    """The progress callback asked to stop."""


# ------------------------------------------------------------------ columns
# canonical key -> accepted (folded) header names, official name first
COLUMNS: dict[str, tuple[str, ...]] = {
    "uai": ("identifiant_de_l_etablissement", "uai", "code_uai", "numero_uai", "code_etablissement"),
    "name": ("nom_etablissement", "appellation_officielle", "denomination_principale"),
    "type": ("type_etablissement",),
    "statut": ("statut_public_prive", "secteur", "secteur_public_prive"),
    "address": ("adresse_1", "adresse"),
    "code_commune": ("code_commune",),
    "commune": ("nom_commune", "libelle_commune", "commune"),
    "departement": ("code_departement", "departement"),
    "departement_name": ("libelle_departement",),
    "academie": ("code_academie",),
    "academie_name": ("libelle_academie", "academie"),
    "pupils": ("nombre_d_eleves", "nombre_eleves"),
    "circ_code": ("code_circonscription",),
    "circ_name": ("nom_circonscription", "libelle_circonscription"),
    "bassin_code": ("code_bassin_formation",),
    "bassin_name": ("libelle_bassin_formation",),
    "etat": ("etat",),
    "ministere": ("ministere_tutelle",),
    "nature": ("libelle_nature",),
    "mere": ("etablissement_mere",),
}
OFFICIAL = {k: v[0] for k, v in COLUMNS.items()}
OFFICIAL.update({
    "uai": "Identifiant_de_l_etablissement", "name": "Nom_etablissement", "type": "Type_etablissement",
    "statut": "Statut_public_prive", "departement": "Code_departement", "academie": "Code_academie",
    "academie_name": "Libelle_academie", "pupils": "Nombre_d_eleves",
})

OUT_OF_SCOPE_TYPES = {
    "medico-social": "établissement médico-social",
    "service administratif": "service administratif",
    "information et orientation": "centre d'information et d'orientation",
    "autre": "type « Autre »",
}
IN_SCOPE_TYPES = {"ecole": "ecole", "college": "college", "lycee": "lycee", "erea": "erea"}
KIND_LABEL = {"ecole": "école", "college": "collège", "lycee": "lycée", "lp": "lycée professionnel", "erea": "EREA"}
MAX_ROW_CHARS = 20_000
ISSUE_PREVIEW = 500
SEPARATORS = (";", ",", "\t", "|")
SEP_NAMES = {";": "point-virgule", ",": "virgule", "\t": "tabulation", "|": "barre verticale"}
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\ufeff]")


@lru_cache(maxsize=4096)
def fold(s: str) -> str:
    """Lower case, no accents, runs of non-alphanumerics as one underscore."""
    s = unicodedata.normalize("NFKD", s.strip().strip('"').strip()).lower()
    s = "".join(c for c in s if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "_", s).strip("_")


def clean_text(s: str, limit: int = 200) -> str:
    """User-visible text from the file: no control characters, single spaces, bounded length."""
    if s.isprintable() and "  " not in s:  # the common case, at C speed
        return s.strip()[:limit]
    s = _CONTROL.sub(" ", s)
    return " ".join(s.split())[:limit]


# ------------------------------------------------------------------ results
@dataclass(slots=True)
class RowIssue:
    line: int
    uai: str
    name: str
    status: str  # "ignorée" | "rejetée" | "importée (avertissement)"
    field: str
    reason: str


REPORT_COLUMNS = ["ligne", "UAI", "nom", "statut", "champ", "motif"]


@dataclass
class ImportResult:
    scenario: Scenario
    source: Path
    rows: int = 0
    imported: dict[str, int] = field(default_factory=lambda: {"ecoles": 0, "colleges": 0, "lycees": 0, "other": 0})
    skipped: int = 0
    rejected: int = 0
    warnings: int = 0
    circonscriptions: int = 0
    bassins: int = 0
    teachers_1d: int = 0
    teachers_2d: int = 0
    encoding: str = ""
    separator: str = ";"
    notes: list[str] = field(default_factory=list)
    skipped_by_reason: Counter = field(default_factory=Counter)
    rejected_by_reason: Counter = field(default_factory=Counter)
    issues: list[RowIssue] = field(default_factory=list)  # the first ISSUE_PREVIEW issues
    _issue_file: object = None
    report_path: Path | None = None

    @property
    def imported_total(self) -> int:
        return sum(self.imported.values())

    def to_json(self) -> dict:
        return {
            "rows": self.rows,
            "imported": dict(self.imported),
            "skipped": self.skipped,
            "rejected": self.rejected,
            "circonscriptions": self.circonscriptions,
            "bassins": self.bassins,
            "teachers_1d": self.teachers_1d,
            "teachers_2d": self.teachers_2d,
        }

    def iter_issues(self) -> Iterator[RowIssue]:
        """Every skipped, rejected or repaired row, in file order (streamed from a temporary file)."""
        f = self._issue_file
        if f is None:
            yield from self.issues
            return
        f.seek(0)
        for r in csv.reader(f):
            yield RowIssue(int(r[0]), r[1], r[2], r[3], r[4], r[5])

    def write_report(self, path: str | Path) -> Path:
        """The French report (CSV ``;``, UTF-8 with BOM for Excel): every skipped, rejected and repaired row."""
        path = Path(path)
        tmp = path.with_name(path.name + ".tmp")
        with open(tmp, "w", encoding="utf-8-sig", newline="") as f:
            w = csv.writer(f, delimiter=";")
            w.writerow(REPORT_COLUMNS)
            for i in self.iter_issues():
                w.writerow([i.line, i.uai, i.name, i.status, i.field, i.reason])
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
        self.report_path = path
        return path

    def summary_fr(self) -> str:
        im = self.imported
        lines = [
            f"Import de l'annuaire : {self.source.name} ({self.encoding}, séparateur {SEP_NAMES.get(self.separator, self.separator)})",
            f"  Lignes lues : {_n(self.rows)}",
            f"  Importées : {_n(self.imported_total)} (écoles {_n(im['ecoles'])}, collèges {_n(im['colleges'])}, "
            f"lycées {_n(im['lycees'])}, autres {_n(im['other'])})",
            f"  Ignorées : {_n(self.skipped)}",
        ]
        for reason, n in self.skipped_by_reason.most_common():
            lines.append(f"    - {reason} : {_n(n)}")
        lines.append(f"  Rejetées : {_n(self.rejected)}")
        for reason, n in self.rejected_by_reason.most_common():
            lines.append(f"    - {reason} : {_n(n)}")
        if self.warnings:
            lines.append(f"  Importées avec avertissement : {_n(self.warnings)}")
        sc = self.scenario
        lines += [
            f"  Académies : {', '.join(f'{a.code} {a.name}' for a in sc.academies) or 'aucune'}",
            f"  Départements : {_n(len(sc.departements))}, circonscriptions : {_n(self.circonscriptions)}, "
            f"bassins : {_n(self.bassins)}, établissements : {_n(len(sc.etablissements))}",
            f"  Enseignants estimés : 1er degré {_n(self.teachers_1d)}, 2nd degré {_n(self.teachers_2d)}",
            f"  Formateurs : {_n(len(sc.trainers))} (dont {_n(sum(1 for t in sc.trainers if t.role == 'fdf'))} formateurs de formateurs)",
        ]
        for note in self.notes:
            lines.append(f"  Remarque : {note}")
        if self.report_path:
            lines.append(f"  Rapport détaillé (lignes ignorées et rejetées, avec motif) : {self.report_path}")
        return "\n".join(lines)


def _n(x: int) -> str:
    return f"{x:,}".replace(",", "\u202f")


# ------------------------------------------------------------------ reading
_BARE_CR = re.compile(r"(?<=\r)(?!\n)(?=.)", re.S)


class _Lines:
    """Decoded physical lines of a binary stream, with the number of bytes consumed so far."""

    def __init__(self, f, encoding: str, first_line_skip_bom: bool):
        self.f = f
        self.encoding = encoding
        self.bytes_read = 0
        self.mixed = 0
        self._skip_bom = first_line_skip_bom

    def __iter__(self) -> Iterator[str]:
        if self.encoding == "utf-16":
            text = io.TextIOWrapper(self.f, encoding="utf-16", errors="replace", newline="")
            for line in text:
                self.bytes_read += len(line) * 2
                if "\r" in line[:-2]:
                    yield from _BARE_CR.split(line)
                else:
                    yield line
            return
        for raw in self.f:
            self.bytes_read += len(raw)
            if self._skip_bom:
                raw = raw[3:] if raw.startswith(codecs.BOM_UTF8) else raw
                self._skip_bom = False
            if len(raw) > MAX_ROW_CHARS * 4:
                raw = raw[: MAX_ROW_CHARS * 4] + b"\n"
            try:
                text = raw.decode(self.encoding)
            except UnicodeDecodeError:
                self.mixed += 1
                text = raw.decode("cp1252", errors="replace")
            if "\r" in text[:-2]:  # old Mac line ends (bare CR): one physical line each
                yield from _BARE_CR.split(text)
            else:
                yield text


def _detect_encoding(head: bytes) -> tuple[str, bool, str]:
    """(codec, skip UTF-8 BOM, label)."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8", True, "UTF-8 avec BOM"
    if head.startswith(codecs.BOM_UTF16_LE) or head.startswith(codecs.BOM_UTF16_BE):
        return "utf-16", False, "UTF-16"
    sample = head
    # do not fail on a multi-byte character cut at the end of the sample
    for cut in range(0, 4):
        try:
            (sample[: len(sample) - cut] if cut else sample).decode("utf-8")
            return "utf-8", False, "UTF-8"
        except UnicodeDecodeError as exc:
            if exc.start < len(sample) - 4:
                break
    return "cp1252", False, "Windows-1252"


def _resolve_academie(spec: str | None, acads: dict[str, dict]) -> str | None:
    if spec is None or not str(spec).strip():
        return None
    s = str(spec).strip()
    for c, r in acads.items():  # « 16 », « Toulouse », « TOULOUSE », « 16 Toulouse »
        if academie_matches(c, r["nom"], s) or academie_matches(c, r["nom"], s.split()[0]) \
                or fold(r["cle_agregat"]) == fold(s) or fold(f"{c} {r['nom']}") == fold(s):
            return c
    raise AnnuaireError(f"académie « {s} » inconnue : code officiel (ex. 16) ou nom (ex. Toulouse) attendu")


def _dep_code(v: str) -> str | None:
    v = v.strip().upper()
    if not v:
        return None
    if v.isdigit() and len(v) <= 3:
        return v.zfill(3)
    if v in ("2A", "2B"):
        return "0" + v
    if v in ("02A", "02B"):
        return v
    return "?"


def _nature_kind(nature: str) -> str | None:
    n = nature.upper()
    if not n:
        return None
    if "STS" in n or "CPGE" in n:
        return "lycee"
    if "ENSEIGNEMENT ADAPTE" in n or "EREA" in n:
        return "erea"
    if "ECOLE" in n and ("MATERNELLE" in n or "ELEMENTAIRE" in n or "PRIMAIRE" in n):
        return "ecole"
    if "COLLEGE" in n:
        return "college"
    if "PROFESSIONNEL" in n and ("LYCEE" in n or "SECTION" in n):
        return "lp"
    if "LYCEE" in n or "SECTION" in n:
        return "lycee"
    return None


_CIRC_PREFIX = re.compile(r"^circonscription(_d_inspection)?(_de_l_education_nationale)?(_du_1er_degre)?(_de|_du|_des|_d)?_")


def _slug(s: str) -> str:
    """Short stable id from a circonscription name (2023 exports): the common prefix dropped."""
    f = _CIRC_PREFIX.sub("", fold(s)) or fold(s)
    slug = f.replace("_", "-")
    if len(slug) > 40:
        slug = f"{slug[:32]}-{zlib.crc32(f.encode()):08x}"
    return slug or "sans-nom"


@dataclass(slots=True)
class _Etab:
    line: int
    uai: str
    name: str
    kind: str
    sector: str
    commune_key: str
    commune: str
    address: str
    dep: str
    acad: str
    bassin: str
    bassin_name: str
    teachers: int
    pupils: int


class _Builder:
    def __init__(self, settings: ImportSettings, include_private: bool, only: str | None, acads: dict[str, dict]):
        self.s = settings
        self.include_private = include_private
        self.only = only
        self.acads = acads
        self.dep_ref = {r["code_departement"]: r for r in read_departements()}
        self.acad_key_to_code = {r["cle_agregat"]: c for c, r in acads.items()}
        self.result_counts = Counter()
        self.imported = {"ecoles": 0, "colleges": 0, "lycees": 0, "other": 0}
        self.deps: dict[str, tuple[str, str]] = {}  # code -> (name, academie)
        self.circs: dict[str, dict] = {}  # id -> {name, dep, acad, teachers(float)}
        self.circ_of_commune: dict[str, Counter] = defaultdict(Counter)
        self.pending_ecoles: list[tuple[int, str, str, str, float, str]] = []
        self.bassins: dict[str, dict] = {}  # id -> {name, acad, deps: Counter}
        self.etabs: list[_Etab] = []
        self.seen_uai: dict[str, int] = {}
        self.used_acads: set[str] = set()
        self.skipped_by_reason: Counter = Counter()
        self.rejected_by_reason: Counter = Counter()
        self.issues_preview: list[RowIssue] = []
        self.issue_file = tempfile.TemporaryFile("w+", encoding="utf-8", newline="")
        self.issue_writer = csv.writer(self.issue_file)
        self.skipped = self.rejected = self.warnings = 0
        self.rows = 0
        self.bad_pupils = 0

    # -- issues
    def _issue(self, line: int, uai: str, name: str, status: str, fld: str, reason: str) -> None:
        issue = RowIssue(line, clean_text(uai, 40), clean_text(name, 120), status, fld, clean_text(reason, 400))
        if len(self.issues_preview) < ISSUE_PREVIEW:
            self.issues_preview.append(issue)
        self.issue_writer.writerow([issue.line, issue.uai, issue.name, issue.status, issue.field, issue.reason])

    def skip(self, line: int, uai: str, name: str, fld: str, reason: str, category: str) -> None:
        self.skipped += 1
        self.skipped_by_reason[category] += 1
        self._issue(line, uai, name, "ignorée", fld, reason)

    def reject(self, line: int, uai: str, name: str, fld: str, reason: str, category: str) -> None:
        self.rejected += 1
        self.rejected_by_reason[category] += 1
        self._issue(line, uai, name, "rejetée", fld, reason)

    def warn(self, line: int, uai: str, name: str, fld: str, reason: str) -> None:
        self.warnings += 1
        self._issue(line, uai, name, "importée (avertissement)", fld, reason)

    # -- one row
    def row(self, line: int, get: Callable[[str], str], col: Callable[[str], str]) -> None:
        raw_uai = get("uai")
        name = clean_text(get("name"))
        uai = clean_text(raw_uai, 40).upper().replace(" ", "")
        if not uai:
            return self.reject(line, "", name, col("uai"), "UAI manquant", "UAI manquant ou invalide")
        if not UAI_RE.fullmatch(uai):
            return self.reject(line, uai, name, col("uai"),
                               f"UAI « {clean_text(raw_uai, 40)} » invalide : 7 chiffres suivis d'une lettre attendus (ex. 0310001A)",
                               "UAI manquant ou invalide")
        name = name or f"Établissement {uai}"
        etat = clean_text(get("etat"), 40)
        if etat and fold(etat) != "ouvert":
            return self.skip(line, uai, name, col("etat"), f"établissement non ouvert (état « {etat} »)", "établissement fermé")
        # type
        typ_raw = clean_text(get("type"), 80)
        nature = clean_text(get("nature"), 120)
        tkey = fold(typ_raw).replace("_", " ")
        if tkey.replace(" ", "-") in OUT_OF_SCOPE_TYPES or tkey in OUT_OF_SCOPE_TYPES:
            label = OUT_OF_SCOPE_TYPES.get(tkey) or OUT_OF_SCOPE_TYPES[tkey.replace(" ", "-")]
            return self.skip(line, uai, name, col("type"),
                             f"hors du périmètre de la formation : {label} (« {typ_raw} »)", "type hors périmètre")
        if tkey in IN_SCOPE_TYPES:
            kind = IN_SCOPE_TYPES[tkey]
            if kind == "lycee":
                nk = _nature_kind(nature)
                if nk in ("lp", "erea"):
                    kind = nk
        elif not tkey:
            nk = _nature_kind(nature)
            if nk is None:
                return self.reject(line, uai, name, col("type"),
                                   "type d'établissement manquant" + (f" et nature « {nature} » non reconnue" if nature else ""),
                                   "type d'établissement manquant ou inconnu")
            kind = nk
        else:
            return self.reject(line, uai, name, col("type"), f"type d'établissement inconnu « {typ_raw} »",
                               "type d'établissement manquant ou inconnu")
        ministere = clean_text(get("ministere"), 80)
        if ministere and "EDUCATION NATIONALE" not in ministere.upper().replace("É", "E"):
            return self.skip(line, uai, name, col("ministere"),
                             f"sous la tutelle d'un autre ministère (« {ministere} ») : hors du périmètre Éducation nationale",
                             "autre ministère de tutelle")
        if kind != "ecole" and get("mere").strip() and "SECTION" in nature.upper():
            mere = clean_text(get("mere"), 20)
            return self.skip(line, uai, name, col("nature"),
                             f"section rattachée à l'établissement {mere} : ses enseignants sont formés avec lui",
                             "section d'un lycée")
        # académie and département
        acad = self._academie(get)
        if acad is None:
            val = clean_text(get("academie") or get("academie_name"), 40)
            fld = col("academie") if get("academie").strip() or not col("academie_name") else col("academie_name")
            return self.reject(line, uai, name, fld,
                               f"académie inconnue « {val} »" if val else "académie manquante", "académie manquante ou inconnue")
        dep = _dep_code(get("departement"))
        if dep is None:
            return self.reject(line, uai, name, col("departement"), "département manquant", "département manquant ou invalide")
        if dep == "?" or not re.fullmatch(r"(\d{3}|02A|02B)", dep):
            return self.reject(line, uai, name, col("departement"),
                               f"code département « {clean_text(get('departement'), 20)} » invalide : trois caractères attendus (ex. 031)",
                               "département manquant ou invalide")
        ref = self.dep_ref.get(dep)
        if ref is not None:
            ref_acad = self.acad_key_to_code.get(ref["academie"])
            if ref_acad and ref_acad != acad:
                return self.reject(line, uai, name, col("departement"),
                                   f"le département {dep} appartient à l'académie {ref_acad} ({self.acads[ref_acad]['nom']}), "
                                   f"pas à l'académie {acad}", "département incohérent avec l'académie")
        known = self.deps.get(dep)
        if known and known[1] != acad:
            return self.reject(line, uai, name, col("departement"),
                               f"le département {dep} a déjà été vu dans l'académie {known[1]}, pas {acad}",
                               "département incohérent avec l'académie")
        if self.only and acad != self.only:
            return self.skip(line, uai, name, col("academie") or col("academie_name"),
                             f"hors de l'académie demandée ({self.only} {self.acads[self.only]['nom']})", "autre académie")
        if uai in self.seen_uai:
            return self.skip(line, uai, name, col("uai"),
                             f"UAI déjà importé ligne {self.seen_uai[uai]} (même établissement : cité scolaire ou annexe)",
                             "UAI en double")
        statut = fold(get("statut"))
        sector = "prive" if statut.startswith("priv") else "public"
        commune = clean_text(get("commune"), 80)
        commune_key = dep + "|" + (clean_text(get("code_commune"), 10) or fold(commune))
        dep_name = clean_text(get("departement_name"), 80) or (ref["nom"] if ref else f"Département {dep}")
        pupils = self._pupils(line, uai, name, get, col)
        if kind == "ecole":
            circ = self._circonscription(get, dep, acad)
            if sector == "prive" and not self.include_private:
                if circ:
                    self._declare(dep, dep_name, acad)
                return self.skip(line, uai, name, col("statut"),
                                 "école privée : hors du périmètre (option « inclure le privé sous contrat »)", "privé hors périmètre")
            teachers = pupils / self.s.pupils_per_teacher_1d if pupils is not None else self.s.default_teachers["ecole"]
            self._declare(dep, dep_name, acad)
            self.seen_uai[uai] = line
            if circ is None:
                self.pending_ecoles.append((line, uai, name, commune_key, teachers, dep))
            else:
                self.circs[circ]["teachers"] += teachers
                self.circ_of_commune[commune_key][circ] += 1
            self.imported["ecoles"] += 1
            return None
        # 2nd degré
        bcode = clean_text(get("bassin_code"), 40)
        bname = clean_text(get("bassin_name"), 120)
        if bcode:
            b = self.bassins.setdefault(bcode, {"name": bname or f"Bassin {bcode}", "acad": acad, "deps": Counter()})
            b["deps"][dep] += 1
        if sector == "prive" and not self.include_private:
            if bcode:
                self._declare(dep, dep_name, acad)
            return self.skip(line, uai, name, col("statut"),
                             f"{KIND_LABEL[kind]} privé : hors du périmètre (option « inclure le privé sous contrat »)",
                             "privé hors périmètre")
        if pupils is not None:
            teachers = max(1, round(pupils / self.s.pupils_per_teacher_2d))
        else:
            teachers = max(1, round(self.s.default_teachers[kind]))
        self._declare(dep, dep_name, acad)
        self.seen_uai[uai] = line
        self.etabs.append(_Etab(line, uai, name, kind, sector, commune_key, commune, clean_text(get("address"), 120),
                                dep, acad, bcode, bname, teachers, pupils or 0))
        self.imported["colleges" if kind == "college" else "lycees" if kind in ("lycee", "lp") else "other"] += 1
        return None

    def _declare(self, dep: str, dep_name: str, acad: str) -> None:
        if dep not in self.deps:
            self.deps[dep] = (dep_name, acad)
        self.used_acads.add(acad)

    def _academie(self, get) -> str | None:
        code = get("academie").strip()
        if code:
            c = code.zfill(2) if code.isdigit() else code
            if c in self.acads:
                return c
        name = get("academie_name").strip()
        if name:
            key = fold(name)
            for c, r in self.acads.items():
                if fold(r["nom"]) == key or fold(r["cle_agregat"]) == key:
                    return c
        return None

    def _pupils(self, line, uai, name, get, col) -> int | None:
        v = get("pupils").strip()
        if not v:
            return None
        try:
            n = float(v.replace("\u202f", "").replace(" ", "").replace(",", "."))
        except ValueError:
            self.bad_pupils += 1
            self.warn(line, uai, name, col("pupils"), f"effectif d'élèves illisible « {clean_text(v, 30)} » : taille par défaut utilisée")
            return None
        if not (0 <= n <= self.s.max_pupils) or n != n:
            self.bad_pupils += 1
            self.warn(line, uai, name, col("pupils"),
                      f"effectif d'élèves invraisemblable « {clean_text(v, 30)} » (attendu entre 0 et {self.s.max_pupils}) : "
                      "taille par défaut utilisée")
            return None
        return int(round(n))

    def _circonscription(self, get, dep: str, acad: str) -> str | None:
        code = clean_text(get("circ_code"), 40).upper().replace(" ", "")
        cname = clean_text(get("circ_name"), 160)
        if code:
            cid = code
        elif cname:
            cid = f"{dep}-{_slug(cname)}"
        else:
            return None
        if cid not in self.circs:
            self.circs[cid] = {"name": cname or f"Circonscription {code}", "dep": dep, "acad": acad, "teachers": 0.0}
        return cid

    # -- second pass
    def finish(self, source: Path, include_private: bool) -> tuple[Scenario, list[str]]:
        notes: list[str] = []
        # écoles without circonscription: the circonscription of most écoles of their commune
        for line, uai, name, ckey, teachers, dep in self.pending_ecoles:
            counts = self.circ_of_commune.get(ckey)
            if counts:
                cid = counts.most_common(1)[0][0]
                self.circs[cid]["teachers"] += teachers
                self.warn(line, uai, name, OFFICIAL["circ_code"],
                          f"circonscription absente : rattachée à la circonscription {cid} (la plus fréquente de sa commune)")
            else:
                self.imported["ecoles"] -= 1
                self.seen_uai.pop(uai, None)
                self.reject(line, uai, name, OFFICIAL["circ_code"],
                            "circonscription absente (ni code ni nom) et aucune autre école de la commune pour la déduire",
                            "circonscription manquante")
        # bassins: their département is the most frequent among their établissements
        etabs_by_dep = defaultdict(list)
        for e in self.etabs:
            etabs_by_dep[e.dep].append(e)
        bassin_dep = {bid: b["deps"].most_common(1)[0][0] for bid, b in self.bassins.items()}
        by_commune: dict[str, Counter] = defaultdict(Counter)
        by_dep: dict[str, Counter] = defaultdict(Counter)
        for e in self.etabs:
            if e.bassin:
                by_commune[e.commune_key][e.bassin] += 1
                by_dep[e.dep][e.bassin] += 1
        for bid, d in bassin_dep.items():
            by_dep[d][bid] += 0
        synthetic = 0
        for e in self.etabs:
            if e.bassin:
                continue
            if by_commune.get(e.commune_key):
                e.bassin = by_commune[e.commune_key].most_common(1)[0][0]
                self.warn(e.line, e.uai, e.name, OFFICIAL["bassin_code"],
                          f"bassin de formation absent : rattaché au bassin {e.bassin} (celui de sa commune)")
            elif by_dep.get(e.dep):
                e.bassin = sorted(by_dep[e.dep].items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
                self.warn(e.line, e.uai, e.name, OFFICIAL["bassin_code"],
                          f"bassin de formation absent : rattaché au bassin {e.bassin} (le plus grand du département)")
            else:
                bid = f"{e.dep}-DEP"
                if bid not in self.bassins:
                    synthetic += 1
                    self.bassins[bid] = {"name": f"Bassin du département {self.deps[e.dep][0]}", "acad": e.acad,
                                         "deps": Counter({e.dep: 1})}
                    bassin_dep[bid] = e.dep
                    by_dep[e.dep][bid] += 1
                e.bassin = bid
        if synthetic:
            notes.append(f"{synthetic} département(s) sans bassin de formation dans le fichier : un bassin par département")

        acad_rows = {c: self.acads[c] for c in sorted(self.used_acads)}
        academies = [Academie(code=c, name=r["nom"], zone=r["zone"], calendar_zone=r["zone_calendrier"],
                              calendar_approximate=r["calendrier_approche"] == "1", timezone=r["fuseau"])
                     for c, r in acad_rows.items()]
        departements = [Departement(code=d, name=n or d, academie=a) for d, (n, a) in sorted(self.deps.items())]
        circs = [Circonscription(id=cid, name=c["name"], departement=c["dep"], academie=c["acad"],
                                 teachers=int(round(c["teachers"])))
                 for cid, c in sorted(self.circs.items(), key=lambda kv: (kv[1]["dep"], kv[0]))]
        etabs = [Etablissement.model_construct(
            uai=e.uai, name=e.name, type=e.kind, sector=e.sector, commune=e.commune, address=e.address,
            departement=e.dep, academie=e.acad, bassin=e.bassin, teachers=e.teachers, pupils=e.pupils)
            for e in self.etabs]
        etabs_in_bassin = Counter(e.bassin for e in self.etabs)
        bassins = []
        for bid, b in sorted(self.bassins.items(), key=lambda kv: (bassin_dep[kv[0]], kv[0])):
            n = etabs_in_bassin.get(bid, 0)
            perdir = max(1, round(n * self.s.perdir_per_etablissement)) if n else 0
            bassins.append(Bassin(id=bid, name=b["name"], departement=bassin_dep[bid], academie=b["acad"], perdir=perdir))
        units_in_dep = Counter(c.departement for c in circs) + Counter(e.departement for e in etabs)
        inspectors = {d.code: max(1, round(units_in_dep.get(d.code, 0) * self.s.inspectors_per_unit)) for d in departements}
        trainers: list[Trainer] = []
        for c in circs:
            for k, role in enumerate(self.s.trainers_per_circonscription, 1):
                trainers.append(Trainer.model_construct(
                    id=f"T{c.id}-{k}", name=f"{'CPC' if role == 'cpc' else 'eRUN' if role == 'erun' else role} {k} — {c.name}"[:200],
                    role=role, academie=c.academie, unit_type="circonscription", unit_id=c.id, qualified=False))
        for e in etabs:
            trainers.append(Trainer.model_construct(
                id=f"T{e.uai}", name=f"Formateur — {e.name}"[:200], role="trainer_2d", academie=e.academie,
                unit_type="etablissement", unit_id=e.uai, qualified=False))
        local = Counter(t.academie for t in trainers)
        for a in academies:
            for k in range(1, self.s.fdf_for(a.code, local.get(a.code, 0)) + 1):
                trainers.append(Trainer.model_construct(
                    id=f"FDF-{a.code}-{k:02d}", name=f"Formateur de formateurs {a.code}-{k:02d}", role="fdf",
                    academie=a.code, unit_type="academie", unit_id=a.code, qualified=False))
        if self.bad_pupils:
            notes.append(f"{self.bad_pupils} effectif(s) d'élèves illisible(s) ou invraisemblable(s) : taille par défaut utilisée")
        names = ", ".join(f"{a.code} {a.name}" for a in academies) or "aucune académie"
        settings = Settings(include_private=include_private)
        try:
            sc = Scenario(
                name=f"Annuaire {source.stem} — {names}"[:200],
                description=(f"Importé le {dt.date.today().isoformat()} depuis {source.name} "
                             f"({self.rows} lignes)."),
                source=SOURCE,
                settings=settings,
                academies=academies,
                departements=departements,
                circonscriptions=circs,
                bassins=bassins,
                etablissements=[],
                inspectors=inspectors,
                trainers=[],
            )
        except ValidationError as exc:  # pragma: no cover - the builder only produces consistent data
            raise AnnuaireError(f"{source} : scénario incohérent — " + " ; ".join(french_errors(exc)[:5])) from None
        # établissements and trainers were validated row by row: attach without a second validation pass
        sc.etablissements = etabs
        sc.trainers = trainers
        return sc, notes


# ------------------------------------------------------------------ entry point
def import_annuaire(
    path: str | Path,
    academie: str | None = None,
    include_private: bool = False,
    progress: Progress | None = None,
    settings: ImportSettings | None = None,
) -> ImportResult:
    """Import an annuaire CSV; raise :class:`AnnuaireError` (French message) if the file is unusable.

    ``progress(fraction, message)`` is called every few thousand rows; returning ``False`` cancels.
    """
    path = Path(path)
    settings = settings or ImportSettings()
    acads = {r["code"]: r for r in read_academies()}
    only = _resolve_academie(academie, acads)
    try:
        size = path.stat().st_size
        f = open(path, "rb")
    except FileNotFoundError:
        raise AnnuaireError(f"{path} : fichier introuvable") from None
    except IsADirectoryError:
        raise AnnuaireError(f"{path} : c'est un dossier, pas un fichier CSV") from None
    except OSError as exc:
        raise AnnuaireError(f"{path} : fichier illisible ({exc.strerror or exc})") from None
    with f:
        head = f.read(65536)
        if not head.strip(b" \t\r\n\x00" + codecs.BOM_UTF8):
            raise AnnuaireError(f"{path.name} : fichier vide (aucune ligne d'en-tête)")
        if head.startswith(b"PK\x03\x04"):
            raise AnnuaireError(f"{path.name} : c'est un classeur Excel ou une archive ZIP, pas un CSV : "
                                "enregistrez l'annuaire au format CSV (séparateur point-virgule)")
        if head.startswith(b"SQLite format 3"):
            raise AnnuaireError(f"{path.name} : c'est un fichier de scénario, pas un annuaire CSV")
        encoding, skip_bom, enc_label = _detect_encoding(head)
        if encoding != "utf-16" and head.count(b"\x00") > len(head) // 4:
            raise AnnuaireError(f"{path.name} : fichier binaire, pas un CSV texte")
        f.seek(0)
        lines = _Lines(f, encoding, skip_bom)
        it = iter(lines)
        # header: the first non-empty line
        header_line = ""
        line_no = 0
        for header_line in it:
            line_no += 1
            if header_line.strip():
                break
        sep = max(SEPARATORS, key=lambda s: (header_line.count(s), s == ";"))
        if header_line.count(sep) == 0:
            sep = ";"
        try:
            header = next(csv.reader([header_line], delimiter=sep), [])
        except csv.Error as exc:
            raise AnnuaireError(f"{path.name} : ligne d'en-tête illisible ({exc})") from None
        folded = [fold(h) for h in header]
        index: dict[str, int] = {}
        names: dict[str, str] = {}
        for key, aliases in COLUMNS.items():
            for alias in aliases:
                if alias in folded:
                    index[key] = folded.index(alias)
                    names[key] = clean_text(header[index[key]], 60)
                    break
        missing = []
        if "uai" not in index:
            missing.append(OFFICIAL["uai"])
        if "type" not in index and "nature" not in index:
            missing.append(OFFICIAL["type"])
        if "departement" not in index:
            missing.append(OFFICIAL["departement"])
        if "academie" not in index and "academie_name" not in index:
            missing.append(OFFICIAL["academie"])
        if missing:
            hint = ""
            if len(header) <= 2:
                hint = (" — l'en-tête ne contient qu'une colonne : le séparateur attendu est le point-virgule "
                        "(fichier « fr-en-annuaire-education » de data.education.gouv.fr)")
            raise AnnuaireError(f"{path.name} : ce n'est pas l'annuaire de l'Éducation nationale : colonnes manquantes : "
                                f"{', '.join(missing)}{hint}")
        notes = []
        if "circ_code" not in index and "circ_name" in index:
            notes.append("pas de colonne code_circonscription (export 2023) : circonscriptions identifiées par leur nom")
        elif "circ_code" not in index:
            notes.append("aucune colonne de circonscription : chaque école est rejetée faute de circonscription")
        if "pupils" not in index:
            notes.append("pas de colonne Nombre_d_eleves (export 2026) : tailles par défaut par type d'unité")
        if "bassin_code" not in index:
            notes.append("pas de colonne code_bassin_formation : un bassin par département")
        if encoding == "cp1252":
            notes.append("fichier en Windows-1252 (réenregistré par Excel) : converti en UTF-8")

        b = _Builder(settings, include_private, only, acads)
        ncols = len(header)

        def col(key: str) -> str:
            return names.get(key) or OFFICIAL.get(key, key)

        # physical line numbers: csv.reader.line_num counts lines consumed, including the header's
        reader = csv.reader(it, delimiter=sep)
        first_line = line_no + 1
        next_line = first_line
        last_report = 0
        while True:
            start = next_line
            try:
                rec = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                next_line = first_line + reader.line_num
                b.rows += 1
                b.reject(start, "", "", "(ligne)", f"ligne illisible : {exc}", "ligne illisible")
                continue
            next_line = first_line + reader.line_num
            if not rec or not "".join(rec).strip():
                b.rows += 1
                b.skip(start, "", "", "(ligne)", "ligne vide", "ligne vide")
                continue
            b.rows += 1
            chars = sum(map(len, rec))
            if len(rec) > ncols + 50 or chars > MAX_ROW_CHARS:
                b.reject(start, "", "", "(ligne)",
                         f"ligne invraisemblable ({len(rec)} champs, {chars} caractères) : "
                         "séparateur ou guillemets mal placés ?", "ligne illisible")
                continue

            def get(key: str, _rec=rec) -> str:
                i = index.get(key)
                if i is None or i >= len(_rec):
                    return ""
                return _rec[i]

            try:
                b.row(start, get, col)
            except Exception as exc:  # noqa: BLE001 - a last-resort net: one bad row never stops the import
                b.reject(start, clean_text(get("uai"), 20), clean_text(get("name")), "(ligne)",
                         f"ligne inexploitable ({type(exc).__name__})", "ligne illisible")
            if progress is not None and b.rows - last_report >= 2000:
                last_report = b.rows
                frac = min(1.0, lines.bytes_read / size) if size else 1.0
                if progress(frac, f"{b.rows} lignes lues") is False:
                    raise ImportCancelled(f"{path.name} : import annulé")
        if b.rows == 0:
            raise AnnuaireError(f"{path.name} : l'en-tête est là mais aucune ligne de données")
        if lines.mixed:
            notes.append(f"{lines.mixed} ligne(s) dans un autre encodage que le reste du fichier, décodées en Windows-1252")
    scenario, more = b.finish(path, include_private)
    notes += more
    if progress is not None:
        progress(1.0, f"{b.rows} lignes lues")
    res = ImportResult(
        scenario=scenario, source=path, rows=b.rows, imported=dict(b.imported), skipped=b.skipped,
        rejected=b.rejected, warnings=b.warnings, circonscriptions=len(scenario.circonscriptions),
        bassins=len(scenario.bassins), teachers_1d=sum(c.teachers for c in scenario.circonscriptions),
        teachers_2d=sum(e.teachers for e in scenario.in_scope_etablissements()), encoding=enc_label, separator=sep,
        notes=notes, skipped_by_reason=b.skipped_by_reason, rejected_by_reason=b.rejected_by_reason,
        issues=b.issues_preview, _issue_file=b.issue_file,
    )
    b.issue_file.flush()
    assert res.rows == res.imported_total + res.skipped + res.rejected, "comptage des lignes incohérent"
    return res
