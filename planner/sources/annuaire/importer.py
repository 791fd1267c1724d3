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
  bassin columns, or 2023 exports that leave them empty) gets **bassins of nearby établissements**
  (about 16.5 each, from the coordinates), and the import says so;
- écoles kept with their circonscription, postcode, phone and coordinates (1er-degré groups by école);
- the territory (circonscriptions, bassins) is the ministry's, independent of the scope: private
  écoles outside the scope still declare their circonscription, but add no teachers;
- établissements (collège, lycée, LP, EREA), teachers estimated from pupils;
- trainers: CPC, CPC, eRUN per circonscription; one 2nd-degré trainer per établissement;
  formateurs de formateurs per académie; perdir per bassin; inspectors per département.
"""
from __future__ import annotations

import codecs
import csv
from pathlib import Path
from typing import Callable

from ...models import academie_matches
from ..reference import read_academies
from .build import build_scenario
from .calibration import ImportSettings
from .decoding import MAX_ROW_CHARS, clean_text, detect_encoding, fold, parse_header
from .reader import PhysicalLines, records
from .result import AnnuaireError, ImportCancelled, ImportResult, RowIssue
from .rows import Rows

__all__ = ["AnnuaireError", "ImportCancelled", "ImportResult", "RowIssue", "import_annuaire"]

Progress = Callable[[float, str], object]


def _resolve_academie(spec: str | None, acads: dict[str, dict]) -> str | None:
    if spec is None or not str(spec).strip():
        return None
    s = str(spec).strip()
    for c, r in acads.items():  # « 16 », « Toulouse », « TOULOUSE », « 16 Toulouse »
        if academie_matches(c, r["nom"], s) or academie_matches(c, r["nom"], s.split()[0]) \
                or fold(r["cle_agregat"]) == fold(s) or fold(f"{c} {r['nom']}") == fold(s):
            return c
    raise AnnuaireError(f"académie « {s} » inconnue : code officiel (ex. 16) ou nom (ex. Toulouse) attendu")


def _open(path: Path):
    """The file opened in binary mode, and its size; French errors for what is not a readable file."""
    try:
        size = path.stat().st_size
        return open(path, "rb"), size
    except FileNotFoundError:
        raise AnnuaireError(f"{path} : fichier introuvable") from None
    except IsADirectoryError:
        raise AnnuaireError(f"{path} : c'est un dossier, pas un fichier CSV") from None
    except OSError as exc:
        raise AnnuaireError(f"{path} : fichier illisible ({exc.strerror or exc})") from None


def _sniff(path: Path, head: bytes) -> tuple[str, bool, str]:
    """(codec, skip UTF-8 BOM, label) of a file whose first bytes are ``head``; not a CSV: French error."""
    if not head.strip(b" \t\r\n\x00" + codecs.BOM_UTF8):
        raise AnnuaireError(f"{path.name} : fichier vide (aucune ligne d'en-tête)")
    if head.startswith(b"PK\x03\x04"):
        raise AnnuaireError(f"{path.name} : c'est un classeur Excel ou une archive ZIP, pas un CSV : "
                            "enregistrez l'annuaire au format CSV (séparateur point-virgule)")
    if head.startswith(b"SQLite format 3"):
        raise AnnuaireError(f"{path.name} : c'est un fichier de scénario, pas un annuaire CSV")
    encoding, skip_bom, label = detect_encoding(head)
    if encoding != "utf-16" and head.count(b"\x00") > len(head) // 4:
        raise AnnuaireError(f"{path.name} : fichier binaire, pas un CSV texte")
    return encoding, skip_bom, label


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
    f, size = _open(path)
    with f:
        encoding, skip_bom, enc_label = _sniff(path, f.read(65536))
        f.seek(0)
        lines = PhysicalLines(f, encoding, skip_bom)
        it = iter(lines)
        try:
            header = parse_header(text for _no, text, _size in it)  # the rows then go on from the same lines
        except csv.Error as exc:
            raise AnnuaireError(f"{path.name} : ligne d'en-tête illisible ({exc})") from None
        missing = header.missing()
        if missing:
            hint = ""
            if len(header.names) <= 2:
                hint = (" — l'en-tête ne contient qu'une colonne : le séparateur attendu est le point-virgule "
                        "(fichier « fr-en-annuaire-education » de data.education.gouv.fr)")
            raise AnnuaireError(f"{path.name} : ce n'est pas l'annuaire de l'Éducation nationale : colonnes manquantes : "
                                f"{', '.join(missing)}{hint}")
        notes = header.notes()
        if encoding == "cp1252":
            notes.append("fichier en Windows-1252 (réenregistré par Excel) : converti en UTF-8")
        b = Rows(settings, include_private, only, acads)
        _read_rows(path, it, lines, size, header, b, progress)
        if b.rows == 0:
            raise AnnuaireError(f"{path.name} : l'en-tête est là mais aucune ligne de données")
        if lines.mixed:
            notes.append(f"{lines.mixed} ligne(s) dans un autre encodage que le reste du fichier, décodées en Windows-1252")
    scenario, more = build_scenario(b, path, include_private)
    notes += more
    if progress is not None:
        progress(1.0, f"{b.rows} lignes lues")
    log = b.log
    res = ImportResult(
        scenario=scenario, source=path, rows=b.rows, imported=dict(b.imported), skipped=log.skipped,
        rejected=log.rejected, warnings=log.warnings, circonscriptions=len(scenario.circonscriptions),
        bassins=len(scenario.bassins), teachers_1d=sum(c.teachers for c in scenario.circonscriptions),
        teachers_2d=sum(e.teachers for e in scenario.in_scope_etablissements()), encoding=enc_label,
        separator=header.separator, notes=notes, skipped_by_reason=log.skipped_by_reason,
        rejected_by_reason=log.rejected_by_reason, issues=log.issues_preview, _issue_file=log.issue_file,
    )
    log.issue_file.flush()
    assert res.rows == res.imported_total + res.skipped + res.rejected, "comptage des lignes incohérent"
    return res


def _read_rows(path: Path, it, lines: PhysicalLines, size: int, header, b: Rows, progress: Progress | None) -> None:
    """Every data row through :meth:`Rows.row`; unreadable, empty and implausible lines recorded with their
    physical line number (see :mod:`.reader`: line ends, stray quotes, giant lines)."""
    index = header.index
    ncols = len(header.names)
    col = header.column
    last_report = 0
    for r in records(it, header.separator, ncols, max_chars=MAX_ROW_CHARS):
        start, rec = r.line, r.fields
        b.rows += 1
        if rec is None:
            b.log.reject(start, "", "", "(ligne)", r.problem, "ligne illisible")
            continue
        if not rec or not "".join(rec).strip():
            b.log.skip(start, "", "", "(ligne)", "ligne vide", "ligne vide")
            continue
        chars = sum(map(len, rec))
        if len(rec) > ncols + 50 or chars > MAX_ROW_CHARS:
            b.log.reject(start, "", "", "(ligne)",
                         f"ligne invraisemblable ({len(rec)} champs, {chars} caractères) : "
                         "séparateur ou guillemets mal placés ?", "ligne illisible")
            continue

        def get(key: str, _rec=rec) -> str:
            i = index.get(key)
            if i is None or i >= len(_rec):
                return ""
            return _rec[i]

        try:
            before = b.log.rejected + b.log.skipped
            b.row(start, get, col)
            if r.problem and b.log.rejected + b.log.skipped == before:  # read with a repair: say so
                b.log.warn(start, clean_text(get("uai"), 20), clean_text(get("name")), "(ligne)", r.problem)
        except Exception as exc:  # noqa: BLE001 - a last-resort net: one bad row never stops the import
            b.log.reject(start, clean_text(get("uai"), 20), clean_text(get("name")), "(ligne)",
                         f"ligne inexploitable ({type(exc).__name__})", "ligne illisible")
        if progress is not None and b.rows - last_report >= 2000:
            last_report = b.rows
            frac = min(1.0, lines.bytes_read / size) if size else 1.0
            if progress(frac, f"{b.rows} lignes lues") is False:
                raise ImportCancelled(f"{path.name} : import annulé")
