"""The row validator: each data row of the annuaire is imported, skipped or rejected.

A row goes through small checks in order — identity (UAI, name), state, kind, scope (ministry,
sections of a lycée), territory (académie, département), duplicates — and the first that fails
raises :class:`Drop` with the field and the reason, which :meth:`Rows.row` records. A row that
passes is added: an école adds its teachers to its circonscription (or waits for the second pass
when it has none), an établissement is kept with its bassin.
"""
from __future__ import annotations

import re
import zlib
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Callable

from ...models import UAI_RE
from ..reference import read_departements
from .calibration import ImportSettings
from .decoding import clean_text, fold
from .result import IssueLog

Getter = Callable[[str], str]  # canonical column -> raw value of the row ("" when absent)
Column = Callable[[str], str]  # canonical column -> the column's name, for messages

OUT_OF_SCOPE_TYPES = {
    "medico-social": "établissement médico-social",
    "service administratif": "service administratif",
    "information et orientation": "centre d'information et d'orientation",
    "autre": "type « Autre »",
}
IN_SCOPE_TYPES = {"ecole": "ecole", "college": "college", "lycee": "lycee", "erea": "erea"}
KIND_LABEL = {"ecole": "école", "college": "collège", "lycee": "lycée", "lp": "lycée professionnel", "erea": "EREA"}


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
    postcode: str = ""
    phone: str = ""
    lat: float | None = None
    lon: float | None = None


def _coord(v: str, limit: float) -> float | None:
    """A latitude or longitude of the file (``,`` or ``.`` decimal), None when empty or implausible."""
    v = v.strip().replace(",", ".")
    if not v:
        return None
    try:
        x = float(v)
    except ValueError:
        return None
    return x if -limit <= x <= limit and x == x else None



class Drop(Exception):
    """A row that is not imported: ``skip`` (out of scope, with a reason) or ``reject`` (a faulty field)."""

    def __init__(self, verdict: str, field: str, reason: str, category: str):
        super().__init__(reason)
        self.verdict, self.field, self.reason, self.category = verdict, field, reason, category


def _skip(field: str, reason: str, category: str) -> Drop:
    return Drop("skip", field, reason, category)


def _reject(field: str, reason: str, category: str) -> Drop:
    return Drop("reject", field, reason, category)


class Rows:
    """What the rows of the file declare, accumulated row by row (the first pass of the import)."""

    def __init__(self, settings: ImportSettings, include_private: bool, only: str | None, acads: dict[str, dict]):
        self.s = settings
        self.include_private = include_private
        self.only = only
        self.acads = acads
        self.dep_ref = {r["code_departement"]: r for r in read_departements()}
        self.acad_key_to_code = {r["cle_agregat"]: c for c, r in acads.items()}
        self.imported = {"ecoles": 0, "colleges": 0, "lycees": 0, "other": 0}
        self.deps: dict[str, tuple[str, str]] = {}  # code -> (name, academie)
        self.circs: dict[str, dict] = {}  # id -> {name, dep, acad, teachers(float)}
        self.circ_of_commune: dict[str, Counter] = defaultdict(Counter)
        self.pending_ecoles: list[tuple[int, str, str, str, float, str]] = []
        # uai -> [circ, name, dep, acad, sector, teachers, pupils, address, commune, postcode, phone, lat, lon]
        self.ecoles: dict[str, list] = {}
        self.bassins: dict[str, dict] = {}  # id -> {name, acad, deps: Counter}
        self.etabs: list[_Etab] = []
        self.seen_uai: dict[str, int] = {}
        self.used_acads: set[str] = set()
        self.log = IssueLog()
        self.rows = 0
        self.bad_pupils = 0

    # -- one row
    def row(self, line: int, get: Getter, col: Column) -> None:
        """Validate one row and add what it declares, or record why it is skipped or rejected."""
        name = clean_text(get("name"))
        uai = clean_text(get("uai"), 40).upper().replace(" ", "")
        try:
            uai = self._uai(get, col)
            name = name or f"Établissement {uai}"
            self._open(get, col)
            kind = self._kind(get, col)
            self._in_scope(kind, get, col)
            acad, dep, ref = self._territory(get, col)
            self._new(uai, acad, col)
            self._add(line, uai, name, kind, acad, dep, ref, get, col)
        except Drop as d:
            (self.log.skip if d.verdict == "skip" else self.log.reject)(line, uai, name, d.field, d.reason, d.category)

    @staticmethod
    def _uai(get: Getter, col: Column) -> str:
        raw = get("uai")
        uai = clean_text(raw, 40).upper().replace(" ", "")
        if not uai:
            raise _reject(col("uai"), "UAI manquant", "UAI manquant ou invalide")
        if not UAI_RE.fullmatch(uai):
            raise _reject(col("uai"), f"UAI « {clean_text(raw, 40)} » invalide : 7 chiffres suivis d'une lettre attendus "
                                      "(ex. 0310001A)", "UAI manquant ou invalide")
        return uai

    @staticmethod
    def _open(get: Getter, col: Column) -> None:
        etat = clean_text(get("etat"), 40)
        if etat and fold(etat) != "ouvert":
            raise _skip(col("etat"), f"établissement non ouvert (état « {etat} »)", "établissement fermé")

    @staticmethod
    def _kind(get: Getter, col: Column) -> str:
        """école, collège, lycée, LP or EREA, from the type (refined by the nature) or the nature alone."""
        typ_raw = clean_text(get("type"), 80)
        nature = clean_text(get("nature"), 120)
        tkey = fold(typ_raw).replace("_", " ")
        if tkey.replace(" ", "-") in OUT_OF_SCOPE_TYPES or tkey in OUT_OF_SCOPE_TYPES:
            label = OUT_OF_SCOPE_TYPES.get(tkey) or OUT_OF_SCOPE_TYPES[tkey.replace(" ", "-")]
            raise _skip(col("type"), f"hors du périmètre de la formation : {label} (« {typ_raw} »)", "type hors périmètre")
        if tkey in IN_SCOPE_TYPES:
            kind = IN_SCOPE_TYPES[tkey]
            if kind == "lycee":
                nk = _nature_kind(nature)
                if nk in ("lp", "erea"):
                    kind = nk
            return kind
        if not tkey:
            nk = _nature_kind(nature)
            if nk is None:
                raise _reject(col("type"), "type d'établissement manquant" + (f" et nature « {nature} » non reconnue" if nature else ""),
                              "type d'établissement manquant ou inconnu")
            return nk
        raise _reject(col("type"), f"type d'établissement inconnu « {typ_raw} »", "type d'établissement manquant ou inconnu")

    @staticmethod
    def _in_scope(kind: str, get: Getter, col: Column) -> None:
        """Éducation nationale only; a lycée's sections are trained with their lycée."""
        ministere = clean_text(get("ministere"), 80)
        if ministere and "EDUCATION NATIONALE" not in ministere.upper().replace("É", "E"):
            raise _skip(col("ministere"), f"sous la tutelle d'un autre ministère (« {ministere} ») : hors du périmètre "
                                          "Éducation nationale", "autre ministère de tutelle")
        if kind != "ecole" and get("mere").strip() and "SECTION" in clean_text(get("nature"), 120).upper():
            mere = clean_text(get("mere"), 20)
            raise _skip(col("nature"), f"section rattachée à l'établissement {mere} : ses enseignants sont formés avec lui",
                        "section d'un lycée")

    def _territory(self, get: Getter, col: Column) -> tuple[str, str, dict | None]:
        """(académie, département, the département's reference row): known and consistent."""
        acad = self._academie(get)
        if acad is None:
            val = clean_text(get("academie") or get("academie_name"), 40)
            fld = col("academie") if get("academie").strip() or not col("academie_name") else col("academie_name")
            raise _reject(fld, f"académie inconnue « {val} »" if val else "académie manquante", "académie manquante ou inconnue")
        dep = _dep_code(get("departement"))
        if dep is None:
            raise _reject(col("departement"), "département manquant", "département manquant ou invalide")
        if dep == "?" or not re.fullmatch(r"(\d{3}|02A|02B)", dep):
            raise _reject(col("departement"), f"code département « {clean_text(get('departement'), 20)} » invalide : "
                                              "trois caractères attendus (ex. 031)", "département manquant ou invalide")
        ref = self.dep_ref.get(dep)
        if ref is not None:
            ref_acad = self.acad_key_to_code.get(ref["academie"])
            if ref_acad and ref_acad != acad:
                raise _reject(col("departement"), f"le département {dep} appartient à l'académie {ref_acad} "
                                                  f"({self.acads[ref_acad]['nom']}), pas à l'académie {acad}",
                              "département incohérent avec l'académie")
        known = self.deps.get(dep)
        if known and known[1] != acad:
            raise _reject(col("departement"), f"le département {dep} a déjà été vu dans l'académie {known[1]}, pas {acad}",
                          "département incohérent avec l'académie")
        return acad, dep, ref

    def _new(self, uai: str, acad: str, col: Column) -> None:
        """In the académie asked for, and not a second row of a UAI already imported."""
        if self.only and acad != self.only:
            raise _skip(col("academie") or col("academie_name"),
                        f"hors de l'académie demandée ({self.only} {self.acads[self.only]['nom']})", "autre académie")
        if uai in self.seen_uai:
            raise _skip(col("uai"), f"UAI déjà importé ligne {self.seen_uai[uai]} (même établissement : cité scolaire ou annexe)",
                        "UAI en double")

    def _add(self, line: int, uai: str, name: str, kind: str, acad: str, dep: str, ref: dict | None,
             get: Getter, col: Column) -> None:
        statut = fold(get("statut"))
        sector = "prive" if statut.startswith("priv") else "public"
        commune = clean_text(get("commune"), 80)
        commune_key = dep + "|" + (clean_text(get("code_commune"), 10) or fold(commune))
        dep_name = clean_text(get("departement_name"), 80) or (ref["nom"] if ref else f"Département {dep}")
        pupils = self._pupils(line, uai, name, get, col)
        if kind == "ecole":
            return self._add_ecole(line, uai, name, sector, commune_key, acad, dep, dep_name, pupils, get, col)
        # 2nd degré
        bcode = clean_text(get("bassin_code"), 40)
        bname = clean_text(get("bassin_name"), 120)
        if bcode:
            b = self.bassins.setdefault(bcode, {"name": bname or f"Bassin {bcode}", "acad": acad, "deps": Counter()})
            b["deps"][dep] += 1
        if sector == "prive" and not self.include_private:
            if bcode:
                self._declare(dep, dep_name, acad)
            raise _skip(col("statut"), f"{KIND_LABEL[kind]} privé : hors du périmètre (option « inclure le privé sous contrat »)",
                        "privé hors périmètre")
        if pupils is not None:
            teachers = max(1, round(pupils / self.s.pupils_per_teacher_2d))
        else:
            teachers = max(1, round(self.s.default_teachers[kind]))
        self._declare(dep, dep_name, acad)
        self.seen_uai[uai] = line
        self.etabs.append(_Etab(line, uai, name, kind, sector, commune_key, commune, clean_text(get("address"), 120),
                                dep, acad, bcode, bname, teachers, pupils or 0, clean_text(get("postcode"), 10),
                                clean_text(get("phone"), 30), _coord(get("lat"), 90), _coord(get("lon"), 180)))
        self.imported["colleges" if kind == "college" else "lycees" if kind in ("lycee", "lp") else "other"] += 1
        return None

    def _add_ecole(self, line: int, uai: str, name: str, sector: str, commune_key: str, acad: str, dep: str,
                   dep_name: str, pupils: int | None, get: Getter, col: Column) -> None:
        circ = self._circonscription(get, dep, acad)
        if sector == "prive" and not self.include_private:
            if circ:
                self._declare(dep, dep_name, acad)
            raise _skip(col("statut"), "école privée : hors du périmètre (option « inclure le privé sous contrat »)",
                        "privé hors périmètre")
        teachers = pupils / self.s.pupils_per_teacher_1d if pupils is not None else self.s.default_teachers["ecole"]
        self._declare(dep, dep_name, acad)
        self.seen_uai[uai] = line
        self.ecoles[uai] = [circ, name, dep, acad, sector, teachers, pupils or 0, clean_text(get("address"), 120),
                            clean_text(get("commune"), 80), clean_text(get("postcode"), 10), clean_text(get("phone"), 30),
                            _coord(get("lat"), 90), _coord(get("lon"), 180)]
        if circ is None:
            self.pending_ecoles.append((line, uai, name, commune_key, teachers, dep))
        else:
            self.circs[circ]["teachers"] += teachers
            self.circ_of_commune[commune_key][circ] += 1
        self.imported["ecoles"] += 1

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
            self.log.warn(line, uai, name, col("pupils"), f"effectif d'élèves illisible « {clean_text(v, 30)} » : taille par défaut utilisée")
            return None
        if not (0 <= n <= self.s.max_pupils) or n != n:
            self.bad_pupils += 1
            self.log.warn(line, uai, name, col("pupils"),
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
