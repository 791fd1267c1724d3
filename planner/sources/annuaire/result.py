"""What an annuaire import gives back: the scenario, counts by outcome, and every row's issue.

Every data row ends up **imported**, **skipped** (with a reason) or **rejected** (with the faulty field
and a reason); imported rows with a repaired value are listed as warnings. :class:`IssueLog` records
them as they come (the first :data:`ISSUE_PREVIEW` in memory, all of them in a temporary file), and
:meth:`ImportResult.write_report` writes the French report.
"""
from __future__ import annotations

import csv
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from ...models import Scenario
from ...safe_io import atomic_file
from ...safecells import csv_safe_row
from .decoding import SEP_NAMES, clean_text

ISSUE_PREVIEW = 500


class AnnuaireError(Exception):
    """The file cannot be imported at all; the message is French and names the file."""


class ImportCancelled(AnnuaireError):
    """The progress callback asked to stop."""


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
        with atomic_file(path, "w", encoding="utf-8-sig", newline="") as f:
            w = csv.writer(f, delimiter=";")
            w.writerow(REPORT_COLUMNS)
            for i in self.iter_issues():
                w.writerow(csv_safe_row([i.line, i.uai, i.name, i.status, i.field, i.reason]))
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




class IssueLog:
    """Skipped, rejected and repaired rows, counted by reason, in file order."""

    def __init__(self) -> None:
        self.skipped = self.rejected = self.warnings = 0
        self.skipped_by_reason: Counter = Counter()
        self.rejected_by_reason: Counter = Counter()
        self.issues_preview: list[RowIssue] = []
        self.issue_file = tempfile.TemporaryFile("w+", encoding="utf-8", newline="")
        self.issue_writer = csv.writer(self.issue_file)

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
