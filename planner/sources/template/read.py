"""Re-import an edited template: every cell checked, nothing applied if anything is wrong."""
from __future__ import annotations

import datetime as dt
import math
import re
import zipfile
from pathlib import Path
from typing import Any, Callable

from pydantic import ValidationError

from ...models import ROLE_LABELS, UNIT_TYPE_LABELS, Pin, Preference, Scenario, Trainer, french_errors
from ...roadmap_models import MEETING_LABELS, UnitRoadmapChoices, default_choices
from ...text import fold
from .sheets import HEADERS, MAX_ERRORS, NO, REQUIRED, SHEETS, YES, TemplateIssue, TemplateResult


# ------------------------------------------------------------------ import
def _text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", " ", str(v)).strip()


def _fold(s: str) -> str:
    return " ".join(fold(s.strip()).replace("'", " ").replace("’", " ").split())


class _Ctx:
    def __init__(self):
        self.errors: list[TemplateIssue] = []

    def err(self, sheet: str, row: int, column: str, reason: str) -> None:
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(TemplateIssue(sheet, row, column, reason[:300]))


def _int(ctx: _Ctx, sheet: str, row: int, col: str, v: Any, lo: int, hi: int) -> int | None:
    if v is None or (isinstance(v, str) and not v.strip()):
        ctx.err(sheet, row, col, "valeur obligatoire (nombre entier)")
        return None
    if isinstance(v, bool):
        ctx.err(sheet, row, col, f"nombre entier attendu (reçu « {_text(v)} »)")
        return None
    try:
        x = float(str(v).replace("\u202f", "").replace(" ", "").replace(",", ".")) if not isinstance(v, (int, float)) else float(v)
    except ValueError:
        ctx.err(sheet, row, col, f"nombre entier attendu (reçu « {_text(v)[:40]} »)")
        return None
    if math.isnan(x) or math.isinf(x) or not x.is_integer():
        ctx.err(sheet, row, col, f"nombre entier attendu (reçu « {_text(v)[:40]} »)")
        return None
    if not lo <= x <= hi:
        ctx.err(sheet, row, col, f"valeur invraisemblable {int(x)} (attendu entre {lo} et {hi})")
        return None
    return int(x)


def _date(ctx: _Ctx, sheet: str, row: int, col: str, v: Any, required: bool) -> dt.date | None | bool:
    if v is None or (isinstance(v, str) and not v.strip()):
        if required:
            ctx.err(sheet, row, col, "date obligatoire (AAAA-MM-JJ)")
            return False
        return None
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    s = _text(v)
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d %H:%M:%S"):
        try:
            return dt.datetime.strptime(s, fmt).date()
        except ValueError:
            pass
    ctx.err(sheet, row, col, f"date illisible « {s[:40]} » (AAAA-MM-JJ ou JJ/MM/AAAA attendu)")
    return False


def _time(ctx: _Ctx, sheet: str, row: int, col: str, v: Any) -> str | None:
    if isinstance(v, dt.datetime):
        v = v.time()
    if isinstance(v, dt.time):
        return f"{v.hour:02d}:{v.minute:02d}"
    if isinstance(v, float) and 0 <= v < 1:  # an Excel time fraction
        minutes = round(v * 24 * 60)
        return f"{minutes // 60:02d}:{minutes % 60:02d}"
    s = _text(v).lower().replace("h", ":")
    m = re.fullmatch(r"(\d{1,2}):?(\d{2})?(:\d{2})?", s)
    if m and int(m.group(1)) < 24 and int(m.group(2) or 0) < 60:
        return f"{int(m.group(1)):02d}:{int(m.group(2) or 0):02d}"
    ctx.err(sheet, row, col, f"heure illisible « {_text(v)[:20]} » (HH:MM attendu)")
    return None


def _choice(ctx: _Ctx, sheet: str, row: int, col: str, v: Any, options: dict[str, str], what: str) -> str | None:
    s = _text(v)
    key = _fold(s)
    for code, label in options.items():
        if key in (_fold(code), _fold(label)):
            return code
    if not s:
        ctx.err(sheet, row, col, f"{what} obligatoire")
    else:
        ctx.err(sheet, row, col, f"{what} inconnu(e) « {s[:40]} » (valeurs admises : {', '.join(options.values())})")
    return None


def _rows(ctx: _Ctx, wb, key: str):
    """(row number, {header: value}) of a sheet, or None when the sheet is absent."""
    title = SHEETS[key]
    ws = None
    for name in wb.sheetnames:
        if _fold(name) == _fold(title):
            ws = wb[name]
            break
    if ws is None:
        return None
    it = ws.iter_rows(values_only=True)
    header = next(it, None)
    if header is None:
        ctx.err(title, 1, "", "feuille vide : ligne d'en-tête attendue")
        return []
    names = [_text(h) for h in header]
    folded = [_fold(h) for h in names]
    index = {}
    for h in HEADERS[key]:
        if _fold(h) in folded:
            index[h] = folded.index(_fold(h))
    missing = [h for h in REQUIRED[key] if h not in index]
    if missing:
        for h in missing:
            ctx.err(title, 1, h, "colonne manquante")
        return []
    out = []
    for n, r in enumerate(it, 2):
        if r is None or all(v is None or (isinstance(v, str) and not v.strip()) for v in r):
            continue
        out.append((n, {h: (r[i] if i < len(r) else None) for h, i in index.items()}))
        if n > 1_000_000:
            ctx.err(title, n, "", "feuille trop longue (plus d'un million de lignes)")
            break
    return out


def import_template(path: str | Path, scenario: Scenario) -> TemplateResult:
    """Apply an edited template to a copy of ``scenario``. Never raises on bad input: errors come back
    in :attr:`TemplateResult.errors` (sheet, row, column, French reason) and nothing is applied."""
    ctx = _Ctx()
    path = Path(path)
    try:
        from openpyxl import load_workbook

        wb = load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except FileNotFoundError:
        return TemplateResult(None, [TemplateIssue("", 0, "", f"{path} : fichier introuvable")])
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError, IndexError, AttributeError, EOFError) as exc:
        return TemplateResult(None, [TemplateIssue("", 0, "", f"{path.name} : ce n'est pas un classeur Excel (.xlsx) lisible "
                                                   f"({type(exc).__name__})")])
    except Exception as exc:  # noqa: BLE001 - malformed XML inside a zip, and the like
        return TemplateResult(None, [TemplateIssue("", 0, "", f"{path.name} : classeur Excel endommagé ({type(exc).__name__})")])
    try:
        return _apply(ctx, wb, scenario)
    except Exception as exc:  # noqa: BLE001 - malformed sheets discovered while reading lazily
        return TemplateResult(None, ctx.errors + [TemplateIssue("", 0, "", f"{path.name} : classeur Excel endommagé ({type(exc).__name__})")])
    finally:
        wb.close()


def _apply(ctx: _Ctx, wb, scenario: Scenario) -> TemplateResult:
    sc = scenario.model_copy(deep=True)
    changes = {"effectifs": 0, "noms": 0, "formateurs": 0, "préférences": 0, "créneaux fixés": 0}
    etabs = {e.uai: e for e in sc.etablissements}
    circs = {c.id: c for c in sc.circonscriptions}
    bassins = {b.id: b for b in sc.bassins}
    deps = {d.code: d for d in sc.departements}
    acads = {a.code for a in sc.academies}
    units: dict[str, set[str]] = {"etablissement": set(etabs), "circonscription": set(circs), "bassin": set(bassins),
                                  "departement": set(deps), "academie": acads}
    staged: list[Callable[[], None]] = []

    def set_attr(obj, attr, value, kind):
        if value is not None and getattr(obj, attr) != value:
            staged.append(lambda: setattr(obj, attr, value))
            changes[kind] += 1

    # units: headcounts and names
    for key, table, id_col, count_col, attr, hi in (
        ("etablissements", etabs, "UAI", "Enseignants", "teachers", 5_000),
        ("circonscriptions", circs, "Identifiant", "Enseignants", "teachers", 50_000),
        ("bassins", bassins, "Identifiant", "Personnels de direction", "perdir", 5_000),
    ):
        rows = _rows(ctx, wb, key)
        title = SHEETS[key]
        for n, r in rows or []:
            uid = _text(r[id_col]).upper() if key == "etablissements" else _text(r[id_col])
            obj = table.get(uid)
            if obj is None:
                ctx.err(title, n, id_col, f"« {uid[:40]} » inconnu dans le scénario (les unités viennent de l'import de l'annuaire)")
                continue
            v = _int(ctx, title, n, count_col, r[count_col], 0, hi)
            if v is not None and v != getattr(obj, attr):  # a real count replaces the estimate
                flag = "teachers_estimated" if attr == "teachers" else "perdir_estimated"
                staged.append(lambda o=obj, f=flag: setattr(o, f, False))
            set_attr(obj, attr, v, "effectifs")
            if key == "etablissements" and "Élèves" in r and _text(r["Élèves"]):
                set_attr(obj, "pupils", _int(ctx, title, n, "Élèves", r["Élèves"], 0, 20_000), "effectifs")
            if "Nom" in r:
                name = _text(r["Nom"])[:200]
                if not name:
                    ctx.err(title, n, "Nom", "nom vide")
                else:
                    set_attr(obj, "name", name, "noms")
    rows = _rows(ctx, wb, "inspecteurs")
    new_inspectors = dict(sc.inspectors)
    counted: set[str] = set()
    for n, r in rows or []:
        d = _text(r["Département"])
        d = d.zfill(3) if d.isdigit() else d
        if d not in deps:
            ctx.err(SHEETS["inspecteurs"], n, "Département", f"département « {d[:20]} » inconnu dans le scénario")
            continue
        v = _int(ctx, SHEETS["inspecteurs"], n, "Inspecteurs", r["Inspecteurs"], 0, 5_000)
        if v is not None and new_inspectors.get(d) != v:
            new_inspectors[d] = v
            counted.add(d)  # a real count replaces the estimate
            changes["effectifs"] += 1

    # trainers: the sheet is the list
    rows = _rows(ctx, wb, "formateurs")
    new_trainers = None
    if rows is not None:
        title = SHEETS["formateurs"]
        new_trainers = []
        seen: dict[str, int] = {}
        before = {t.id: t for t in sc.trainers}
        for n, r in rows:
            tid = _text(r["Identifiant"])[:80]
            if not tid:
                ctx.err(title, n, "Identifiant", "identifiant obligatoire")
                continue
            if tid in seen:
                ctx.err(title, n, "Identifiant", f"identifiant « {tid} » en double (déjà ligne {seen[tid]})")
                continue
            seen[tid] = n
            role = _choice(ctx, title, n, "Rôle", r["Rôle"], ROLE_LABELS, "rôle")
            utype = _choice(ctx, title, n, "Type d'unité", r["Type d'unité"], UNIT_TYPE_LABELS, "type d'unité")
            acad = _text(r["Académie"]).zfill(2) if _text(r["Académie"]).isdigit() else _text(r["Académie"])
            if acad not in acads:
                ctx.err(title, n, "Académie", f"académie « {acad[:20]} » absente du scénario")
                continue
            unit = _text(r["Unité"])
            if utype == "etablissement":
                unit = unit.upper()
            if utype == "departement" and unit.isdigit():
                unit = unit.zfill(3)
            if utype and unit not in units[utype]:
                ctx.err(title, n, "Unité", f"{UNIT_TYPE_LABELS[utype].lower()} « {unit[:40]} » inconnu(e) dans le scénario")
                continue
            q = _fold(_text(r.get("Déjà qualifié")))
            if q not in YES | NO:
                ctx.err(title, n, "Déjà qualifié", f"« oui » ou « non » attendu (reçu « {_text(r.get('Déjà qualifié'))[:20]} »)")
                continue
            if role is None or utype is None:
                continue
            try:
                t = Trainer(id=tid, name=_text(r.get("Nom"))[:200], role=role, academie=acad, unit_type=utype,
                            unit_id=unit, qualified=q in YES)
            except ValidationError as exc:
                for msg in french_errors(exc):
                    ctx.err(title, n, "Type d'unité", msg)
                continue
            old = before.get(tid)
            if old is None or old.model_dump() != t.model_dump():
                changes["formateurs"] += 1
            new_trainers.append(t)
        changes["formateurs"] += sum(1 for tid in before if tid not in seen)

    windows = {w: spec.label for w, spec in sc.settings.windows.items()}

    def unit_of(title: str, n: int, r: dict) -> tuple[str, str] | None:
        utype = _choice(ctx, title, n, "Type d'unité", r["Type d'unité"], UNIT_TYPE_LABELS, "type d'unité")
        unit = _text(r["Unité"])
        if utype is None:
            return None
        if utype == "etablissement":
            unit = unit.upper()
        if utype == "departement" and unit.isdigit():
            unit = unit.zfill(3)
        if unit not in units[utype]:
            ctx.err(title, n, "Unité", f"{UNIT_TYPE_LABELS[utype].lower()} « {unit[:40]} » inconnu(e) dans le scénario")
            return None
        return utype, unit

    rows = _rows(ctx, wb, "preferences")
    new_prefs = None
    if rows is not None:
        title = SHEETS["preferences"]
        new_prefs = []
        for n, r in rows:
            u = unit_of(title, n, r)
            w = _choice(ctx, title, n, "Fenêtre", r["Fenêtre"], windows, "fenêtre")
            d = _date(ctx, title, n, "Date", r.get("Date"), required=False)
            if u is None or w is None or d is False:
                continue
            new_prefs.append(Preference(unit_type=u[0], unit_id=u[1], window=w, date=d))
        if [p.model_dump() for p in new_prefs] != [p.model_dump() for p in sc.preferences]:
            changes["préférences"] = abs(len(new_prefs) - len(sc.preferences)) or len(new_prefs)

    rows = _rows(ctx, wb, "pins")
    new_pins = None
    pin_rows = {}
    if rows is not None:
        title = SHEETS["pins"]
        new_pins = []
        pin_rows: dict[int, int] = {}
        seen_pin: dict[tuple, int] = {}
        for n, r in rows:
            u = unit_of(title, n, r)
            g = _int(ctx, title, n, "Groupe", r["Groupe"], 1, 10_000)
            d = _date(ctx, title, n, "Date", r["Date"], required=True)
            start = _time(ctx, title, n, "Début", r["Début"])
            if u is None or g is None or d in (False, None) or start is None:
                continue
            s = sc.settings
            if not s.first_day <= d <= s.end_date:
                ctx.err(title, n, "Date", f"date {d.isoformat()} hors de l'horizon du scénario "
                                          f"({s.first_day.isoformat()} – {s.end_date.isoformat()})")
                continue
            if (u[0], u[1], g) in seen_pin:
                ctx.err(title, n, "Groupe", f"groupe {g} de cette unité déjà fixé ligne {seen_pin[(u[0], u[1], g)]}")
                continue
            seen_pin[(u[0], u[1], g)] = n
            pin_rows[len(new_pins)] = n
            new_pins.append(Pin(unit_type=u[0], unit_id=u[1], group=g, date=d, start=start))
        if [p.model_dump() for p in new_pins] != [p.model_dump() for p in sc.pins]:
            changes["créneaux fixés"] = abs(len(new_pins) - len(sc.pins)) or len(new_pins)

    new_choices = _roadmap_choices(ctx, wb, sc, unit_of, changes)
    if ctx.errors:
        return TemplateResult(None, ctx.errors, {})
    if new_choices is not None:
        sc.roadmap_choices = new_choices
    for f in staged:
        f()
    sc.inspectors = new_inspectors
    sc.inspectors_estimated = [d for d in sc.inspectors_estimated if d not in counted]
    if new_trainers is not None:
        sc.trainers = new_trainers
    if new_prefs is not None:
        sc.preferences = new_prefs
    if new_pins is not None:
        sc.pins = new_pins
    # a pinned group must exist: the unit's sessions come from its (possibly edited) headcount
    gs = sc.settings.group_size
    people = {("etablissement", e.uai): e.teachers for e in sc.etablissements}
    people |= {("circonscription", c.id): c.teachers for c in sc.circonscriptions}
    people |= {("bassin", b.id): b.perdir for b in sc.bassins}
    people |= {("departement", d): n for d, n in sc.inspectors.items()}
    for i, p in enumerate(sc.pins):
        k = (p.unit_type, p.unit_id)
        if k in people and p.group > math.ceil(people[k] / gs):
            ctx.err(SHEETS["pins"], pin_rows.get(i, 0), "Groupe", f"{UNIT_TYPE_LABELS[p.unit_type].lower()} {p.unit_id} : groupe {p.group} "
                                                 f"inexistant ({math.ceil(people[k] / gs)} session(s) pour {people[k]} personnes)")
    if ctx.errors:
        return TemplateResult(None, ctx.errors, {})
    try:
        sc = Scenario.model_validate(sc.model_dump())
    except ValidationError as exc:
        return TemplateResult(None, [TemplateIssue("", 0, "", m) for m in french_errors(exc)], {})
    return TemplateResult(sc, [], changes)


def _roadmap_choices(ctx: _Ctx, wb, sc: Scenario, unit_of, changes: dict) -> list[UnitRoadmapChoices] | None:
    """The « Feuille de route » sheet: each unit's step-2 themes, step-5 briques and meeting dates.
    Only choices that differ from the defaults are kept in the scenario."""
    from ...briques import load_briques

    rows = _rows(ctx, wb, "feuille_de_route")
    if rows is None:
        return None
    title = SHEETS["feuille_de_route"]
    known = {b.id for b in load_briques()}
    defaults = default_choices(sc.model_copy(update={"roadmap_choices": []}))
    current = default_choices(sc)
    out: dict[tuple[str, str], UnitRoadmapChoices] = {}
    col_themes, col_briques = HEADERS["feuille_de_route"][2], HEADERS["feuille_de_route"][3]
    for n, r in rows:
        u = unit_of(title, n, r)
        if u is None:
            continue
        if u[0] not in ("circonscription", "etablissement"):
            ctx.err(title, n, "Type d'unité", "feuille de route : circonscription ou établissement attendu")
            continue
        themes = [t.strip() for t in _text(r.get(col_themes)).split(";") if t.strip()]
        briques = [b.strip().upper() for b in _text(r.get(col_briques)).split(";") if b.strip()]
        bad = [b for b in briques if b not in known]
        if bad:
            ctx.err(title, n, col_briques, f"brique(s) inconnue(s) : {', '.join(bad)[:80]} (identifiants B01 à B48)")
            continue
        dates: dict[str, list[dt.date]] = {}
        ok = True
        for key, label in MEETING_LABELS.items():
            col = f"Dates : {label}"
            raw = r.get(col)
            items = [x.strip() for x in _text(raw).split(";") if x.strip()] if not isinstance(raw, (dt.date, dt.datetime)) else [raw]
            for item in items:
                d = _date(ctx, title, n, col, item, required=False)
                if d is False:
                    ok = False
                elif d is not None and not sc.settings.first_day <= d <= sc.settings.end_date:
                    ctx.err(title, n, col, f"date {d.isoformat()} hors de l'horizon du scénario "
                                           f"({sc.settings.first_day.isoformat()} – {sc.settings.end_date.isoformat()})")
                    ok = False
                elif d is not None:
                    dates.setdefault(key, []).append(d)
        if not ok:
            continue
        try:
            ch = UnitRoadmapChoices(unit_type=u[0], unit_id=u[1], themes=themes, briques=briques, meeting_dates=dates)
        except ValidationError as exc:
            ctx.err(title, n, col_themes, " ; ".join(french_errors(exc))[:200])
            continue
        out[u] = ch
    kept = []
    for key, ch in {**current, **out}.items():
        d = defaults.get(key)
        if d is None or ch.model_dump() != d.model_dump():
            kept.append(ch)
    if [c.model_dump() for c in kept] != [c.model_dump() for c in sc.roadmap_choices]:
        changes["feuille de route"] = len(kept)
    return kept


__all__ = ["SHEETS", "HEADERS", "TemplateError", "TemplateIssue", "TemplateResult", "export_template", "import_template"]
