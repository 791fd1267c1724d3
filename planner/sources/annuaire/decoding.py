"""From the bytes of an annuaire CSV to its header and fields: encoding, separator, columns.

Accepted: ``;`` (also ``,``, tab or ``|`` when the header says so), UTF-8 with or without BOM,
UTF-16 with BOM, and Windows-1252 files re-saved by Excel (a line in another encoding than the rest
is decoded as Windows-1252 and counted). Physical lines and records: :mod:`.reader` (bounded memory).
Header names are matched after folding (case, accents, punctuation) against :data:`COLUMNS`.
"""
from __future__ import annotations

import codecs
import csv
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterator

from ...text import strip_accents

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
    "postcode": ("code_postal", "code_postal_uai"),
    "phone": ("telephone",),
    "lat": ("latitude",),
    "lon": ("longitude",),
}
OFFICIAL = {k: v[0] for k, v in COLUMNS.items()}
OFFICIAL.update({
    "uai": "Identifiant_de_l_etablissement", "name": "Nom_etablissement", "type": "Type_etablissement",
    "statut": "Statut_public_prive", "departement": "Code_departement", "academie": "Code_academie",
    "academie_name": "Libelle_academie", "pupils": "Nombre_d_eleves",
})

MAX_ROW_CHARS = 20_000
SEPARATORS = (";", ",", "\t", "|")
SEP_NAMES = {";": "point-virgule", ",": "virgule", "\t": "tabulation", "|": "barre verticale"}
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\ufeff]")


@lru_cache(maxsize=4096)
def fold(s: str) -> str:
    """Lower case, no accents, runs of non-alphanumerics as one underscore."""
    s = strip_accents(s.strip().strip('"').strip()).lower()
    return re.sub(r"[^a-z0-9]+", "_", s).strip("_")


def clean_text(s: str, limit: int = 200) -> str:
    """User-visible text from the file: no control characters, single spaces, bounded length."""
    if s.isprintable() and "  " not in s:  # the common case, at C speed
        return s.strip()[:limit]
    s = _CONTROL.sub(" ", s)
    return " ".join(s.split())[:limit]


# ------------------------------------------------------------------ encoding
def detect_encoding(head: bytes) -> tuple[str, bool, str]:
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



@dataclass
class Header:
    """The header line: separator, raw names, and where each canonical column is."""

    separator: str
    names: list[str]
    index: dict[str, int] = field(default_factory=dict)  # canonical key -> column
    labels: dict[str, str] = field(default_factory=dict)  # canonical key -> the file's own name
    line_no: int = 0  # physical line of the header

    def column(self, key: str) -> str:
        """The column's name as the file spells it (for messages), else the official name."""
        return self.labels.get(key) or OFFICIAL.get(key, key)

    def missing(self) -> list[str]:
        """Official names of the columns without which nothing can be imported."""
        out = []
        if "uai" not in self.index:
            out.append(OFFICIAL["uai"])
        if "type" not in self.index and "nature" not in self.index:
            out.append(OFFICIAL["type"])
        if "departement" not in self.index:
            out.append(OFFICIAL["departement"])
        if "academie" not in self.index and "academie_name" not in self.index:
            out.append(OFFICIAL["academie"])
        return out

    def notes(self) -> list[str]:
        """What the import will make up for because of columns this schema lacks."""
        notes = []
        if "circ_code" not in self.index and "circ_name" in self.index:
            notes.append("pas de colonne code_circonscription (export 2023) : circonscriptions identifiées par leur nom")
        elif "circ_code" not in self.index:
            notes.append("aucune colonne de circonscription : chaque école est rejetée faute de circonscription")
        if "pupils" not in self.index:
            notes.append("pas de colonne Nombre_d_eleves (export 2026) : tailles par défaut par type d'unité")
        if "bassin_code" not in self.index:
            notes.append("pas de colonne code_bassin_formation : bassins de proximité formés d'après les coordonnées")
        return notes


def parse_header(lines: Iterator[str]) -> Header:
    """The first non-empty line, its separator guessed from the candidates it contains most.

    Raises :class:`csv.Error` if the line cannot be parsed."""
    header_line = ""
    line_no = 0
    for header_line in lines:
        line_no += 1
        if header_line.strip():
            break
    sep = max(SEPARATORS, key=lambda s: (header_line.count(s), s == ";"))
    if header_line.count(sep) == 0:
        sep = ";"
    names = next(csv.reader([header_line], delimiter=sep), [])
    h = Header(sep, names, line_no=line_no)
    folded = [fold(x) for x in names]
    for key, aliases in COLUMNS.items():
        for alias in aliases:
            if alias in folded:
                h.index[key] = folded.index(alias)
                h.labels[key] = clean_text(names[h.index[key]], 60)
                break
    return h
