"""The XLSX template's sheets: names, headers, required columns, the read-me, and its issues."""
from __future__ import annotations

from dataclasses import dataclass, field

from ...models import Scenario
from ...roadmap_models import MEETING_LABELS

YES = {"oui", "o", "vrai", "true", "1", "x", "yes"}
NO = {"non", "n", "faux", "false", "0", "", "no"}
MAX_ERRORS = 500

SHEETS = {
    "etablissements": "Établissements",
    "circonscriptions": "Circonscriptions",
    "bassins": "Bassins",
    "inspecteurs": "Inspecteurs",
    "formateurs": "Formateurs",
    "preferences": "Préférences",
    "pins": "Créneaux fixés",
    "feuille_de_route": "Feuille de route",
}
HEADERS = {
    "etablissements": ["UAI", "Nom", "Type", "Secteur", "Commune", "Département", "Académie", "Bassin", "Enseignants", "Élèves"],
    "circonscriptions": ["Identifiant", "Nom", "Département", "Académie", "Enseignants"],
    "bassins": ["Identifiant", "Nom", "Département", "Académie", "Personnels de direction"],
    "inspecteurs": ["Département", "Nom", "Académie", "Inspecteurs"],
    "formateurs": ["Identifiant", "Nom", "Rôle", "Académie", "Type d'unité", "Unité", "Déjà qualifié"],
    "preferences": ["Type d'unité", "Unité", "Fenêtre", "Date"],
    "pins": ["Type d'unité", "Unité", "Groupe", "Date", "Début"],
    "feuille_de_route": ["Type d'unité", "Unité", "Thèmes (séparés par ;)", "Briques (séparées par ;)"]
    + [f"Dates : {label}" for label in MEETING_LABELS.values()],
}
REQUIRED = {
    "etablissements": ["UAI", "Enseignants"],
    "circonscriptions": ["Identifiant", "Enseignants"],
    "bassins": ["Identifiant", "Personnels de direction"],
    "inspecteurs": ["Département", "Inspecteurs"],
    "formateurs": ["Identifiant", "Rôle", "Académie", "Type d'unité", "Unité"],
    "preferences": ["Type d'unité", "Unité", "Fenêtre"],
    "pins": ["Type d'unité", "Unité", "Groupe", "Date", "Début"],
    "feuille_de_route": ["Type d'unité", "Unité"],
}
README = [
    "Modèle du Planificateur IA — à compléter puis à réimporter (menu Fichier › Importer un modèle Excel).",
    "",
    "Modifiables : les effectifs (colonnes Enseignants, Élèves, Personnels de direction, Inspecteurs) et les noms ;",
    "la feuille Formateurs (noms, « Déjà qualifié » : oui/non — un formateur déjà qualifié n'a pas besoin de",
    "formation de formateurs ; lignes ajoutées ou supprimées) ; les feuilles Préférences et Créneaux fixés",
    "(lignes ajoutées ou supprimées).",
    "Ne modifiez pas les identifiants (UAI, Identifiant, Département) : les unités viennent de l'annuaire.",
    "Dates au format AAAA-MM-JJ ou JJ/MM/AAAA, heures au format HH:MM. Les listes déroulantes donnent les valeurs admises.",
    "Une feuille supprimée est laissée telle quelle dans le scénario. En cas d'erreur, rien n'est appliqué et chaque",
    "erreur indique la feuille, la ligne, la colonne et le motif.",
]


@dataclass(frozen=True, slots=True)
class TemplateIssue:
    sheet: str
    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        where = f"feuille « {self.sheet} »" if self.sheet else "fichier"
        if self.row:
            where += f", ligne {self.row}"
        if self.column:
            where += f", colonne « {self.column} »"
        return f"{where} : {self.reason}"


@dataclass
class TemplateResult:
    scenario: Scenario | None
    errors: list[TemplateIssue] = field(default_factory=list)
    changes: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary_fr(self) -> str:
        if self.errors:
            head = f"{len(self.errors)} erreur(s) : aucune modification appliquée."
            return "\n".join([head] + [f"  - {e}" for e in self.errors[:50]])
        parts = [f"{k} : {v}" for k, v in self.changes.items() if v]
        return "Modèle importé. " + (", ".join(parts) if parts else "Aucune modification.")


class TemplateError(Exception):
    def __init__(self, errors: list[TemplateIssue]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors[:20]))


