"""Who comes and where, in printed plans: a session's place, its attendees' names, the sign-in
sheet's columns (« École » for 1er-degré groups, « Établissement » for heads), the head's or the
IEN's own session in a unit's plan, and which écoles come to each 1er-degré group."""
from __future__ import annotations

from reportlab.platypus import Spacer

from ..demand import estimate_note as estimate_text
from ..plan import Session, UnitRow
from .common import PlanIndex
from .layout import cached_paragraph, data_table, heading, styles
from .typography import fr_slot, safe

SHEET_COLUMNS = (("N°", 0.06), ("Nom", 0.27), ("Prénom", 0.2), ("Fonction / discipline", 0.22), ("Signature", 0.25))
SHEET_COLUMNS_1D = (("N°", 0.06), ("Nom", 0.22), ("Prénom", 0.17), ("École", 0.32), ("Signature", 0.23))
SHEET_COLUMNS_CADRES = (("N°", 0.06), ("Nom", 0.2), ("Prénom", 0.15), ("Établissement / service", 0.36), ("Signature", 0.23))


def _units_by_id(ix: PlanIndex) -> dict[str, UnitRow]:
    cache = getattr(ix, "_units_by_id", None)
    if cache is None:
        cache = {}
        for u in ix.plan.units:
            cache.setdefault(u.unit_id, u)
        try:
            ix._units_by_id = cache
        except (AttributeError, TypeError):  # a slotted or frozen index: rebuild each time
            pass
    return cache


def session_place(ix: PlanIndex, s: Session) -> str:
    """« Venue, street, postcode commune » of a session, else its unit's address."""
    if s.venue:
        return ", ".join(p for p in (s.venue, s.venue_address) if p)
    return ix.location(s.unit_type, s.unit_id)


def attendee_labels(ix: PlanIndex, s: Session) -> list[tuple[str, int]]:
    """(name, people) of each unit or trainer attending ``s``."""
    units = _units_by_id(ix)
    out = []
    for uid, n in s.attendee_counts:
        u = units.get(uid)
        if u is not None:
            name = u.name if u.unit_type != "departement" else f"Inspection — {u.name}"
            if u.unit_type == "ecole" and u.commune and u.commune.lower() not in name.lower():
                name = f"{name} ({u.commune})"
            out.append((name, n))
        else:
            t = ix.trainers.get(uid)
            out.append(((t.name or uid) if t else uid, n))
    return out


def sheet_layout(ix: PlanIndex, s: Session) -> tuple[tuple, dict[int, list[str]]]:
    """Columns of the session's sign-in sheet, and the texts pre-filled in them (one per line)."""
    if s.kind == "step1" and s.audience in ("teachers_1d", "perdir", "inspectors") and s.attendees:
        cols = SHEET_COLUMNS_1D if s.audience == "teachers_1d" else SHEET_COLUMNS_CADRES
        texts = [name for name, n in attendee_labels(ix, s) for _ in range(n)]
        return cols, {3: texts}
    return SHEET_COLUMNS, {}


def own_cadre_sessions(ix: PlanIndex, u: UnitRow) -> list[tuple[Session, int]]:
    """The cadre sessions where the unit's head (établissement) or IEN (circonscription) sits."""
    if u.unit_type == "etablissement":
        pool = ix.sessions_of_unit("bassin", u.bassin) if u.bassin else []
    elif u.unit_type == "circonscription":
        pool = ix.sessions_of_unit("departement", u.departement)
    else:
        return []
    out = []
    for s in pool:
        if s.kind != "step1":
            continue
        n = sum(k for i, k in s.attendee_counts if i == u.unit_id)
        if n:
            out.append((s, n))
    return out


def head_section(ix: PlanIndex, u: UnitRow) -> list:
    """« Formation du chef d'établissement » / « Formation de l'IEN »: date, place, trainer."""
    st = styles()
    own = own_cadre_sessions(ix, u)
    who = "du chef d'établissement et de son adjoint" if u.unit_type == "etablissement" else "de l'IEN"
    if u.unit_type not in ("etablissement", "circonscription"):
        return []
    title = heading(f"Formation {who}", st["h2"])
    if not own:
        return [title, heading("<i>Aucune session des cadres ne l'accueille dans ce plan.</i>", st["body"])]
    teacher = [x for x in ix.sessions_of_unit(u.unit_type, u.unit_id) if x.kind == "step1"]
    first = min((x.start_dt for x in teacher), default=None)
    rows = []
    for s, n in own:
        rows.append([cached_paragraph(safe(fr_slot(s.date, s.start, s.end)), st["cell"]),
                     cached_paragraph(safe(session_place(ix, s)), st["cell"]),
                     cached_paragraph(str(n), st["cellr"]),
                     cached_paragraph(safe(ix.trainer_name(s.trainer_id)) if s.trainer_id else "—", st["cell"])])
    out = [title, data_table(["Date et horaire", "Lieu", "Personnes", "Formateur"], rows, [0.28, 0.38, 0.14, 0.2])]
    if first is not None:
        ok = all(s.end_dt <= first for s, _ in own)
        out.append(Spacer(1, 3))  # the note clear of the table's last rule
        out.append(heading(("Formé(e) avant la première session des enseignants, comme le demande la feuille de route."
                              if ok else "<b>Attention :</b> cette session a lieu après la première session des "
                                         "enseignants."), st["muted"]))
    return out


def ecole_groups_section(ix: PlanIndex, sessions: list[Session]) -> list:
    """For a circonscription: each 1er-degré group, its place and the écoles whose teachers come."""
    st = styles()
    groups = [s for s in sessions if s.kind == "step1" and s.audience == "teachers_1d" and s.attendees]
    units = _units_by_id(ix)
    if not groups or not any(units.get(i) is not None and units[i].unit_type == "ecole"
                             for s in groups for i, _ in s.attendee_counts):
        return []
    rows = []
    for s in groups:
        names = "; ".join(f"{name} ({n})" for name, n in attendee_labels(ix, s))
        rows.append([cached_paragraph(str(s.group), st["cell"]), cached_paragraph(safe(fr_slot(s.date, s.start, s.end)), st["cell"]),
                     cached_paragraph(safe(s.venue), st["cell"]), cached_paragraph(safe(names), st["cell"])])
    return [heading("Groupes et écoles", st["h2"]),
            heading("Chaque groupe réunit les enseignants d'écoles voisines ; il se tient dans l'une d'elles. "
                      "Entre parenthèses : le nombre d'enseignants de chaque école.", st["muted"]),
            data_table(["Groupe", "Date et horaire", "Lieu", "Écoles (enseignants)"], rows, [0.08, 0.24, 0.25, 0.43])]


def estimate_note(u: UnitRow) -> list:
    """How an estimated headcount was obtained, and how to replace it."""
    if not u.teachers_estimated or u.unit_type not in ("etablissement", "circonscription"):
        return []
    return [heading(estimate_text(u.unit_type), styles()["muted"])]
