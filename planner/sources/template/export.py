"""Export a scenario's units, trainers, preferences, pinned slots and roadmap choices as the template."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ...models import ETAB_TYPE_LABELS, ROLE_LABELS, UNIT_TYPE_LABELS, Scenario
from ...roadmap_models import MEETING_LABELS, default_choices
from ...safecells import xlsx_safe_row
from .sheets import HEADERS, README, SHEETS

# ------------------------------------------------------------------ export
def export_template(scenario: Scenario, path: str | Path, academie: str | None = None) -> Path:
    """Write the template (atomically: written beside, then renamed)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    sc = scenario.restricted_to(academie) if academie else scenario
    windows = sc.settings.windows
    wb = Workbook()
    ws = wb.active
    ws.title = "Lisez-moi"
    for line in README:
        ws.append([line])
    ws.append([])
    ws.append([f"Scénario : {sc.name}"])
    ws.column_dimensions["A"].width = 120

    lists = wb.create_sheet("Listes")
    columns = {
        "Rôles": [ROLE_LABELS[r] for r in ROLE_LABELS],
        "Types d'unité": [UNIT_TYPE_LABELS[u] for u in UNIT_TYPE_LABELS],
        "Fenêtres": [windows[w].label for w in windows],
        "Oui/non": ["oui", "non"],
    }
    ranges = {}
    for j, (title, values) in enumerate(columns.items(), 1):
        lists.cell(1, j, title)
        for i, v in enumerate(values, 2):
            lists.cell(i, j, v)
        letter = get_column_letter(j)
        ranges[title] = f"Listes!${letter}$2:${letter}${len(values) + 1}"
    lists.sheet_state = "hidden"

    bold = Font(bold=True, color="FFFFFF")
    fill = PatternFill("solid", fgColor="1F4E79")
    dep_names = {d.code: d.name for d in sc.departements}
    data: dict[str, list[list[Any]]] = {
        "etablissements": [[e.uai, e.name, ETAB_TYPE_LABELS.get(e.type, e.type), "Public" if e.sector == "public" else "Privé",
                            e.commune, e.departement, e.academie, e.bassin, e.teachers, e.pupils] for e in sc.etablissements],
        "circonscriptions": [[c.id, c.name, c.departement, c.academie, c.teachers] for c in sc.circonscriptions],
        "bassins": [[b.id, b.name, b.departement, b.academie, b.perdir] for b in sc.bassins],
        "inspecteurs": [[d, dep_names.get(d, d), next((x.academie for x in sc.departements if x.code == d), ""), n]
                        for d, n in sorted(sc.inspectors.items())],
        "formateurs": [[t.id, t.name, ROLE_LABELS[t.role], t.academie, UNIT_TYPE_LABELS[t.unit_type], t.unit_id,
                        "oui" if t.qualified else "non"] for t in sc.trainers],
        "preferences": [[UNIT_TYPE_LABELS[p.unit_type], p.unit_id, windows[p.window].label if p.window in windows else p.window,
                         p.date] for p in sc.preferences],
        "pins": [[UNIT_TYPE_LABELS[p.unit_type], p.unit_id, p.group, p.date, p.start] for p in sc.pins],
        "feuille_de_route": [[UNIT_TYPE_LABELS[ch.unit_type], ch.unit_id, " ; ".join(ch.themes), " ; ".join(ch.briques)]
                             + [" ; ".join(d.isoformat() for d in ch.meeting_dates.get(k, [])) for k in MEETING_LABELS]
                             for ch in default_choices(sc).values()],
    }
    validations = {
        "formateurs": {"Rôle": "Rôles", "Type d'unité": "Types d'unité", "Déjà qualifié": "Oui/non"},
        "preferences": {"Type d'unité": "Types d'unité", "Fenêtre": "Fenêtres"},
        "pins": {"Type d'unité": "Types d'unité"},
        "feuille_de_route": {"Type d'unité": "Types d'unité"},
    }
    for key, title in SHEETS.items():
        ws = wb.create_sheet(title)
        headers = HEADERS[key]
        ws.append(headers)
        for c in ws[1]:
            c.font, c.fill = bold, fill
        for row in data[key]:
            ws.append(xlsx_safe_row(ws, row))  # formula-like texts stay text (planner/safecells.py)
        ws.freeze_panes = "A2"
        for j, h in enumerate(headers, 1):
            width = max([len(h)] + [len(str(r[j - 1])) for r in data[key][:200] if r[j - 1] is not None])
            ws.column_dimensions[get_column_letter(j)].width = min(60, width + 2)
            if h == "Date":
                for r in range(2, len(data[key]) + 2):
                    ws.cell(r, j).number_format = "yyyy-mm-dd"
        last = max(len(data[key]) + 1, 1000)
        for col, list_name in validations.get(key, {}).items():
            letter = get_column_letter(headers.index(col) + 1)
            dv = DataValidation(type="list", formula1=ranges[list_name], allow_blank=True,
                                errorTitle="Valeur non admise", error="Choisissez une valeur de la liste.")
            dv.add(f"{letter}2:{letter}{last}")
            ws.add_data_validation(dv)
    wb.move_sheet("Listes", offset=len(wb.sheetnames))
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        wb.save(tmp)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return path


