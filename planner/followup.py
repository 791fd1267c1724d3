"""Follow-up of the year as it happens: which sessions were held, which cancelled, and the progress.

(Over 600 lines: statuses, the record reader and its validation, and progress share one data model and one transaction; splitting the reader out is the next step.)

Every session of the scenario's current plan (the plan named :data:`CURRENT_PLAN` in the scenario
file, written by ``solve --scenario FILE`` and by the window) is ``planned``, ``held`` or
``cancelled``. A held session records the date it was actually held, the number present and,
optionally, the names present. Statuses live in the scenario file (table ``session_status``; a
session without a row is planned) and every change is kept in ``status_history`` (when, which OS
user, old and new value, and the batch it belongs to, so that a batch can be undone).

- :func:`record_file` reads a CSV or XLSX (``session_id``, ``statut``, ``date``, ``presents``,
  optional ``noms``), validates each line (French message naming the file, line and field) and
  records every valid line in one SQLite transaction: a crash or a SIGKILL leaves all or nothing.
- :func:`set_statuses` records a batch from the window; :func:`undo_batch` restores the data exactly
  as it was before the batch (the batch's history lines go too: an undone batch never happened).
- :func:`progress` compares planned and held per unit, département, bassin, académie and nation.
"""
from __future__ import annotations

import csv
import datetime as dt
import getpass
import io
import json
import math
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from .plan import Plan, Session, StoredPlan
from .text import fold

CURRENT_PLAN = "courant"
STATUSES = ("planned", "held", "cancelled")
STATUS_FR = {"planned": "prévue", "held": "tenue", "cancelled": "annulée"}
MAKEUP_TITLE = "Rattrapage (absents)"
RECORD_COLUMNS = ["session_id", "statut", "date", "presents", "noms"]

_STATUS_WORDS = {
    "planned": ("prevue", "prevu", "planifiee", "planifie", "planned", "a venir"),
    "held": ("tenue", "tenu", "held", "realisee", "realise", "faite", "fait", "oui"),
    "cancelled": ("annulee", "annule", "cancelled", "canceled", "non tenue", "reportee", "non"),
}
_COLUMN_ALIASES = {
    "session_id": ("session_id", "session", "identifiant", "identifiant de session", "id"),
    "statut": ("statut", "status", "etat"),
    "date": ("date", "date tenue", "date reelle"),
    "presents": ("presents", "present", "nombre de presents", "presences"),
    "noms": ("noms", "noms des presents", "names"),
}


class RecordError(Exception):
    """A record file that cannot be read at all (French message naming the file)."""


@dataclass(frozen=True)
class SessionStatus:
    session_id: str
    status: str = "planned"
    held_date: dt.date | None = None
    present: int | None = None
    names: tuple[str, ...] = ()

    def to_json(self) -> dict:
        return {"status": self.status, "held_date": self.held_date.isoformat() if self.held_date else None,
                "present": self.present, "names": list(self.names)}

    @classmethod
    def from_json(cls, session_id: str, d: dict) -> "SessionStatus":
        hd = d.get("held_date")
        return cls(session_id, d.get("status", "planned"), dt.date.fromisoformat(hd) if hd else None,
                   d.get("present"), tuple(d.get("names") or ()))


@dataclass
class Rejection:
    line: int
    field: str
    session_id: str
    message: str

    def to_json(self) -> dict:
        return {"line": self.line, "field": self.field, "session_id": self.session_id, "reason": self.message}


@dataclass
class RecordResult:
    file: str
    rows: int = 0
    held: int = 0
    cancelled: int = 0
    planned: int = 0
    unchanged: int = 0
    skipped: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    batch: str | None = None

    def to_json(self) -> dict:
        return {"file": self.file, "rows": self.rows, "held": self.held, "cancelled": self.cancelled,
                "planned": self.planned, "unchanged": self.unchanged, "skipped": self.skipped,
                "rejected": [r.to_json() for r in self.rejected], "batch": self.batch}


@dataclass
class HistoryEntry:
    id: int
    batch: str
    at: str
    user: str
    session_id: str
    old: SessionStatus | None
    new: SessionStatus | None
    note: str


# ------------------------------------------------------------------ statuses in the scenario file
def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 (no user name in some containers)
        return "inconnu"


def _dump(s: SessionStatus | None) -> str | None:
    return None if s is None else json.dumps(s.to_json(), ensure_ascii=False, sort_keys=True)


def load_statuses(store) -> dict[str, SessionStatus]:
    out = {}
    for sid, status, hd, present, names in store.db.execute(
            "SELECT session_id, status, held_date, present, names FROM session_status"):
        out[sid] = SessionStatus(sid, status, dt.date.fromisoformat(hd) if hd else None, present,
                                 tuple(json.loads(names or "[]")))
    return out


def history(store, session_id: str | None = None) -> list[HistoryEntry]:
    q = "SELECT id, batch, at, user, session_id, old, new, note FROM status_history"
    rows = store.db.execute(q + (" WHERE session_id = ?" if session_id else "") + " ORDER BY id",
                            (session_id,) if session_id else ())
    return [HistoryEntry(i, b, at, u, sid, SessionStatus.from_json(sid, json.loads(o)) if o else None,
                         SessionStatus.from_json(sid, json.loads(n)) if n else None, note)
            for i, b, at, u, sid, o, n, note in rows]


def _write(db, s: SessionStatus | None, sid: str) -> None:
    if s is None or (s.status == "planned" and s.present is None and not s.names and s.held_date is None):
        db.execute("DELETE FROM session_status WHERE session_id = ?", (sid,))
        return
    db.execute("INSERT OR REPLACE INTO session_status (session_id, status, held_date, present, names) "
               "VALUES (?, ?, ?, ?, ?)", (sid, s.status, s.held_date.isoformat() if s.held_date else None,
                                          s.present, json.dumps(list(s.names), ensure_ascii=False)))


def set_statuses(store, changes: list[SessionStatus], note: str = "") -> str | None:
    """Record ``changes`` in one transaction (a ``planned`` change without data removes the row).
    Returns the batch id (``None`` when nothing changed)."""
    if not changes:
        return None
    batch = uuid.uuid4().hex[:12]
    at = dt.datetime.now().isoformat(timespec="seconds")
    user = _user()
    with store._tx() as db:
        current = {}
        ids = [c.session_id for c in changes]
        for k in range(0, len(ids), 500):
            chunk = ids[k:k + 500]
            for sid, status, hd, present, names in db.execute(
                    "SELECT session_id, status, held_date, present, names FROM session_status WHERE session_id IN "
                    f"({','.join('?' * len(chunk))})", chunk):
                current[sid] = SessionStatus(sid, status, dt.date.fromisoformat(hd) if hd else None, present,
                                             tuple(json.loads(names or "[]")))
        hist = []
        for c in changes:
            old = current.get(c.session_id)
            new = None if (c.status == "planned" and c.present is None and not c.names) else c
            if _dump(old) == _dump(new):
                continue
            _write(db, new, c.session_id)
            current[c.session_id] = new
            hist.append((batch, at, user, c.session_id, _dump(old), _dump(new), note))
        if not hist:
            return None
        db.executemany("INSERT INTO status_history (batch, at, user, session_id, old, new, note) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?)", hist)
    return batch


def undo_batch(store, batch: str) -> int:
    """Put back every session of ``batch`` as it was before it, and forget the batch. Returns the
    number of sessions restored."""
    with store._tx() as db:
        rows = db.execute("SELECT id, session_id, old FROM status_history WHERE batch = ? ORDER BY id DESC",
                          (batch,)).fetchall()
        for _, sid, old in rows:
            _write(db, SessionStatus.from_json(sid, json.loads(old)) if old else None, sid)
        db.execute("DELETE FROM status_history WHERE batch = ?", (batch,))
    return len(rows)


def last_batch(store) -> str | None:
    row = store.db.execute("SELECT batch FROM status_history ORDER BY id DESC LIMIT 1").fetchone()
    return row[0] if row else None


def apply_statuses(plan: Plan, statuses: dict[str, SessionStatus]) -> Plan:
    """Copy each session's status, date held and number present onto the plan's sessions (in place; those of a
    :class:`~planner.plan.StoredPlan` as soon as they are made)."""
    if isinstance(plan, StoredPlan):
        plan.then(lambda sessions: _apply_statuses(sessions, statuses))
    else:
        _apply_statuses(plan.sessions, statuses)
    return plan


def _apply_statuses(sessions: list[Session], statuses: dict[str, SessionStatus]) -> None:
    for s in sessions:
        st = statuses.get(s.session_id)
        s.status = st.status if st else "planned"
        s.present = st.present if st and st.status == "held" else None
        s.held_date = st.held_date if st and st.status == "held" else None


def load_current_plan(store) -> Plan:
    """The scenario's current plan with the recorded statuses applied."""
    return apply_statuses(store.load_plan(CURRENT_PLAN), load_statuses(store))


def has_current_plan(store) -> bool:
    return store.db.execute("SELECT 1 FROM plans WHERE name = ?", (CURRENT_PLAN,)).fetchone() is not None


# ------------------------------------------------------------------ reading a record file
def _fold(s: object) -> str:
    return " ".join(fold(str(s or "").strip()).replace("_", " ").split())


def parse_status(value: object) -> str | None:
    """'tenue' → 'held' …; ``''`` → ``''`` (line left blank); ``None`` for an unknown word."""
    v = _fold(value)
    if not v:
        return ""
    for status, words in _STATUS_WORDS.items():
        if v in words:
            return status
    return None


def parse_date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    v = str(value or "").strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(v, fmt).date()
        except ValueError:
            continue
    return None


def read_rows(path: str | Path) -> list[tuple[int, dict]]:
    """(line, {column: value}) of a CSV (``;`` or ``,``, UTF-8 or Windows-1252) or XLSX record file."""
    p = Path(path)
    if not p.is_file():
        raise RecordError(f"{p} : fichier introuvable")
    if p.suffix.lower() in (".xlsx", ".xlsm"):
        return _xlsx_rows(p)
    raw = p.read_bytes()
    if raw.startswith(b"PK\x03\x04"):
        return _xlsx_rows(p)
    for enc in ("utf-8-sig", "cp1252"):
        try:
            text = raw.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    first = text.split("\n", 1)[0]
    delim = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
    rows = list(reader)
    return _table(p, rows)


def _xlsx_rows(p: Path) -> list[tuple[int, dict]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(p, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 (zip or XML error of a damaged workbook)
        raise RecordError(f"{p} : classeur Excel illisible ({exc})") from None
    try:
        ws = wb.worksheets[0]
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
    finally:
        wb.close()
    return _table(p, rows)


def _table(p: Path, rows: list[list]) -> list[tuple[int, dict]]:
    aliases_of = {col: {_fold(a) for a in al} for col, al in _COLUMN_ALIASES.items()}
    head_at = next((i for i, r in enumerate(rows[:20]) if any(_fold(c) in aliases_of["session_id"] for c in r)), None)
    if head_at is None:
        raise RecordError(f"{p} : colonne « session_id » introuvable (colonnes attendues : "
                          f"{', '.join(RECORD_COLUMNS)})")
    header = [_fold(c) for c in rows[head_at]]
    ix = {}
    for col, aliases in aliases_of.items():
        for j, h in enumerate(header):
            if h in aliases and col not in ix:
                ix[col] = j
    missing = [c for c in ("session_id", "statut", "date", "presents") if c not in ix]
    if missing:
        raise RecordError(f"{p} : colonne(s) manquante(s) : {', '.join(missing)} (colonnes attendues : "
                          f"{', '.join(RECORD_COLUMNS)})")
    out = []
    for n, r in enumerate(rows[head_at + 1:], start=head_at + 2):
        if not any(c not in (None, "") and str(c).strip() for c in r):
            continue
        out.append((n, {c: (r[j] if j < len(r) else None) for c, j in ix.items()}))
    return out


# ------------------------------------------------------------------ validating and recording
def plan_session_index(store) -> dict[str, tuple[str, int, str]]:
    """session_id → (date ISO, participants, kind) of the current plan, without building Session objects."""
    from .store import read_plan_columns

    c = read_plan_columns(store.db, CURRENT_PLAN, ["session_id", "date", "participants", "kind"])
    if c is None:
        return {}
    return {sid: (d.isoformat(), int(p), k) for sid, d, p, k in zip(c["session_id"], c["date"], c["participants"], c["kind"])}


def validate(rows: list[tuple[int, dict]], path: str, index: dict[str, tuple[str, int, str]],
             current: dict[str, SessionStatus], group_size: int, today: dt.date,
             horizon_start: dt.date | None = None) -> tuple[list[SessionStatus], RecordResult]:
    """The changes to record and the result (counts, rejections with French reasons)."""
    res = RecordResult(file=str(path), rows=len(rows))
    lines_of: dict[str, list[int]] = defaultdict(list)
    for line, r in rows:
        sid = str(r.get("session_id") or "").strip()
        if sid:
            lines_of[sid].append(line)
    changes: list[SessionStatus] = []

    def reject(line: int, fld: str, sid: str, msg: str) -> None:
        res.rejected.append(Rejection(line, fld, sid, f"{path}, ligne {line}, champ « {fld} » : {msg}"))

    for line, r in rows:
        sid = str(r.get("session_id") or "").strip()
        if not sid:
            reject(line, "session_id", "", "identifiant de session vide")
            continue
        if len(lines_of[sid]) > 1:
            others = ", ".join(str(x) for x in lines_of[sid] if x != line)
            reject(line, "session_id", sid, f"session {sid} en double (aussi ligne {others}) : aucune des lignes "
                                            "n'est enregistrée")
            continue
        info = index.get(sid)
        if info is None:
            reject(line, "session_id", sid, f"session {sid} inconnue du plan courant du scénario")
            continue
        status = parse_status(r.get("statut"))
        if status == "":
            res.skipped += 1
            continue
        if status is None:
            reject(line, "statut", sid, f"statut « {r.get('statut')} » inconnu (attendu : tenue, annulée ou prévue)")
            continue
        old = current.get(sid)
        new = SessionStatus(sid, status)
        if status == "held":
            raw_date = r.get("date")
            d = parse_date(raw_date) if raw_date not in (None, "") else dt.date.fromisoformat(info[0])
            if d is None:
                reject(line, "date", sid, f"date « {raw_date} » illisible (attendu : AAAA-MM-JJ ou JJ/MM/AAAA)")
                continue
            if d > today:
                reject(line, "date", sid, f"date {d.strftime('%d/%m/%Y')} dans le futur (aujourd'hui : "
                                          f"{today.strftime('%d/%m/%Y')}) : une session ne peut être tenue qu'après avoir eu lieu")
                continue
            if horizon_start and d < horizon_start:
                reject(line, "date", sid, f"date {d.strftime('%d/%m/%Y')} avant le début de l'horizon du scénario "
                                          f"({horizon_start.strftime('%d/%m/%Y')})")
                continue
            raw_p = r.get("presents")
            if raw_p in (None, "") or not str(raw_p).strip():
                reject(line, "presents", sid, "nombre de présents manquant pour une session tenue")
                continue
            present = _int_or_none(raw_p)
            if present is None or present < 0:
                reject(line, "presents", sid, f"« {raw_p} » n'est pas un nombre entier de présents")
                continue
            if present == 0:
                reject(line, "presents", sid, "0 présent : marquez plutôt la session « annulée »")
                continue
            cap = group_size if info[2] != "tot" else max(group_size, info[1])
            if present > cap:
                reject(line, "presents", sid, f"{present} présents pour un groupe de {cap} au plus")
                continue
            names = tuple(n.strip() for n in str(r.get("noms") or "").replace("\n", ";").split(";") if n.strip())
            if len(names) > present:
                reject(line, "noms", sid, f"{len(names)} noms pour {present} présents")
                continue
            new = SessionStatus(sid, "held", d, present, names)
        if old is not None and old.status == "held":
            if _dump(old) == _dump(new):
                res.unchanged += 1
                continue
            reject(line, "statut", sid, f"la session {sid} est déjà enregistrée comme tenue le "
                                        f"{old.held_date.strftime('%d/%m/%Y') if old.held_date else '?'} "
                                        f"({old.present} présents) : annulez d'abord cet enregistrement")
            continue
        if old is None and status == "planned" or old is not None and _dump(old) == _dump(new):
            res.unchanged += 1
            continue
        changes.append(new)
        if status == "held":
            res.held += 1
        elif status == "cancelled":
            res.cancelled += 1
        else:
            res.planned += 1
    res.rejected.sort(key=lambda x: x.line)
    return changes, res


def _int_or_none(v: object) -> int | None:
    try:
        x = float(str(v).strip().replace(",", "."))
    except ValueError:
        return None
    return int(x) if x.is_integer() else None


def record_file(store, path: str | Path, today: dt.date | None = None, strict: bool = False) -> RecordResult:
    """Validate ``path`` against the current plan and record every valid line in one transaction
    (``strict``: nothing when a line is rejected)."""
    if not has_current_plan(store):
        raise RecordError(f"{store.path} : le scénario n'a pas encore de plan courant (lancez d'abord "
                          f"« solve --scenario {store.path} »)")
    today = today or dt.date.today()
    sc_settings = store.load_scenario().settings if store.has_scenario() else None
    gs = sc_settings.group_size if sc_settings else 15
    rows = read_rows(path)
    changes, res = validate(rows, str(path), plan_session_index(store), load_statuses(store), gs, today,
                            sc_settings.start_date if sc_settings else None)
    if strict and res.rejected:
        res.held = res.cancelled = res.planned = 0
        return res
    res.batch = set_statuses(store, changes, note=f"record {Path(path).name}")
    return res


# ------------------------------------------------------------------ progress
LEVELS = ("unit", "departement", "bassin", "academie", "nation")


@dataclass
class Progress:
    """Planned against actual for one group of units (a unit, a département, a bassin, an académie…)."""

    key: str
    name: str = ""
    academie: str = ""
    departement: str = ""
    units: int = 0
    units_started: int = 0  # at least one step-1 session held
    people: int = 0  # people to train (sum of the planned step-1 groups)
    trained: int = 0  # people present at held step-1 sessions
    planned_sessions: int = 0  # step-1 sessions of the plan
    held: int = 0
    cancelled: int = 0
    late: int = 0  # planned, date already past, not recorded
    planned_to_date: int = 0  # step-1 sessions planned up to the reference date
    untrained_units: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def share_trained(self) -> float:
        return self.trained / self.people if self.people else 0.0

    def add(self, o: "Progress") -> None:
        """``o``'s counts added to these (a territory's totals, unit by unit: 2,400 units for an académie's « Suivi »,
        each field written out rather than looked up by name)."""
        self.units += o.units
        self.units_started += o.units_started
        self.people += o.people
        self.trained += o.trained
        self.planned_sessions += o.planned_sessions
        self.held += o.held
        self.cancelled += o.cancelled
        self.late += o.late
        self.planned_to_date += o.planned_to_date
        self.untrained_units.extend(o.untrained_units)

    def to_json(self) -> dict:
        return {"key": self.key, "name": self.name, "units": self.units, "units_started": self.units_started,
                "people": self.people, "trained": self.trained, "share_trained": round(self.share_trained, 4),
                "planned_sessions": self.planned_sessions, "planned_to_date": self.planned_to_date,
                "held": self.held, "cancelled": self.cancelled, "late": self.late,
                "untrained_units": len(self.untrained_units)}


@dataclass
class ProgressReport:
    as_of: dt.date
    units: dict[tuple[str, str], Progress]
    departement: dict[str, Progress]
    bassin: dict[str, Progress]
    academie: dict[str, Progress]
    nation: Progress
    cancelled_total: int = 0  # step-1 sessions cancelled, including those re-planned since

    def to_json(self) -> dict:
        return {"as_of": self.as_of.isoformat(), "nation": self.nation.to_json(),
                "academies": {k: v.to_json() for k, v in sorted(self.academie.items())},
                "departements": {k: v.to_json() for k, v in sorted(self.departement.items())},
                "bassins": {k: v.to_json() for k, v in sorted(self.bassin.items())}}


def progress(plan: Plan, as_of: dt.date, statuses: dict[str, SessionStatus] | None = None,
             cancelled_ids: set[str] | None = None, levels: bool = True) -> ProgressReport:
    """Planned against held for every unit of ``plan``'s step 1 (statuses taken from the sessions when
    ``statuses`` is None, e.g. a plan folder with a ``status`` column). Without ``levels``, the units and the
    nation only (no département, bassin or académie: what the window's « Suivi » shows of a territory)."""
    units: dict[tuple[str, str], Progress] = {}
    names = {(u.unit_type, u.unit_id): u for u in plan.units}
    for s in plan.sessions:
        if s.kind != "step1":
            continue
        key = (s.unit_type, s.unit_id)
        p = units.get(key)
        if p is None:
            u = names.get(key)
            p = units[key] = Progress(f"{s.unit_type}:{s.unit_id}", u.name if u else s.unit_id, s.academie,
                                      s.departement, units=1)
        st = statuses.get(s.session_id) if statuses is not None else None
        status = st.status if st else (s.status if statuses is None else "planned")
        present = (st.present if st else s.present) if status == "held" else None
        p.planned_sessions += 1
        if s.title != MAKEUP_TITLE:
            p.people += s.participants
        if s.date <= as_of:
            p.planned_to_date += 1
        if status == "held":
            p.held += 1
            p.trained += int(present or 0)
        if status == "cancelled" or (cancelled_ids and s.session_id in cancelled_ids):
            p.cancelled += 1  # cancelled, including cancellations re-planned since
        elif status != "held" and s.date < as_of:
            p.late += 1
    bassin_of = {(u.unit_type, u.unit_id): (u.bassin if u.unit_type == "etablissement" else
                                            u.unit_id if u.unit_type == "bassin" else "") for u in plan.units
                 } if levels else {}
    deps: dict[str, Progress] = {}
    bassins: dict[str, Progress] = {}
    acads: dict[str, Progress] = {}
    nation = Progress("nation", "France")
    for key, p in sorted(units.items()):
        if p.held:
            p.units_started = 1
        else:
            p.untrained_units = [(key[0], key[1], p.name)]
        for table, k in ((deps, p.departement), (acads, p.academie), (bassins, bassin_of.get(key, ""))
                         ) if levels else ():
            if not k:
                continue
            agg = table.get(k)
            if agg is None:
                agg = table[k] = Progress(k, k, p.academie, p.departement if table is not acads else "")
            agg.add(p)
        nation.add(p)
    return ProgressReport(as_of, units, deps, bassins, acads, nation, nation.cancelled)


def ever_cancelled(store) -> set[str]:
    """Sessions recorded as cancelled at least once (and not undone), including those re-planned since."""
    return {sid for sid, new in store.db.execute("SELECT session_id, new FROM status_history")
            if new and json.loads(new).get("status") == "cancelled"}


def coverage_curves(plan: Plan, statuses: dict[str, SessionStatus] | None = None
                    ) -> tuple[list[tuple[dt.date, int]], list[tuple[dt.date, int]], int]:
    """Weekly cumulative step-1 teachers: (planned, actual from present counts, people to train).
    Weeks start on Monday; actual counts use the date each session was actually held."""
    planned: dict[dt.date, int] = defaultdict(int)
    actual: dict[dt.date, int] = defaultdict(int)
    total = 0
    for s in plan.sessions:
        if s.kind != "step1" or s.audience not in ("teachers_1d", "teachers_2d"):
            continue
        if s.title != MAKEUP_TITLE:
            planned[s.date - dt.timedelta(days=s.date.weekday())] += s.participants
            total += s.participants
        st = statuses.get(s.session_id) if statuses is not None else None
        status = st.status if st else (s.status if statuses is None else "planned")
        if status == "held":
            d = (st.held_date if st else s.held_date) or s.date
            actual[d - dt.timedelta(days=d.weekday())] += int((st.present if st else s.present) or 0)

    def cumulate(weekly: dict[dt.date, int]) -> list[tuple[dt.date, int]]:
        out, acc = [], 0
        for w in sorted(weekly):
            acc += weekly[w]
            out.append((w, acc))
        return out

    return cumulate(planned), cumulate(actual), total


def simulate_year(plan: Plan, held: float = 0.30, cancelled: float = 0.05, seed: int = 0
                  ) -> tuple[list[dict], dt.date]:
    """Record rows for a year under way (demos, tests, benchmarks): the earliest ``held + cancelled``
    share of the plan's step-1 sessions, of which ``held`` of all step-1 sessions are recorded held
    (present: 0 to 2 fewer than planned) and ``cancelled`` cancelled; train-the-trainer sessions before
    the returned ``plan_from`` (the day after the last recorded session) are recorded held too."""
    import random

    rnd = random.Random(seed)
    step1 = [s for s in plan.sessions if s.kind == "step1"]
    order = sorted(step1, key=lambda s: (s.date, s.start, rnd.random()))
    n_held, n_cancel = round(held * len(step1)), round(cancelled * len(step1))
    chosen = order[:n_held + n_cancel]
    rnd.shuffle(chosen)
    plan_from = (max((s.date for s in chosen), default=min((s.date for s in plan.sessions), default=dt.date.today()))
                 + dt.timedelta(days=1))
    rows = []
    for i, s in enumerate(chosen):
        if i < n_held:
            rows.append({"session_id": s.session_id, "statut": "tenue", "date": s.date.isoformat(),
                         "presents": max(1, s.participants - rnd.randint(0, 2)), "noms": ""})
        else:
            rows.append({"session_id": s.session_id, "statut": "annulée", "date": "", "presents": "", "noms": ""})
    for s in plan.sessions:
        if s.kind == "tot" and s.date < plan_from:
            rows.append({"session_id": s.session_id, "statut": "tenue", "date": s.date.isoformat(),
                         "presents": s.participants, "noms": ""})
    return rows, plan_from


def write_rows(rows: list[dict], path: str | Path) -> Path:
    """Rows as a record CSV (UTF-8 with BOM, ``;``), the format ``record --from`` reads."""
    p = Path(path)
    with open(p, "w", encoding="utf-8-sig", newline="") as f:
        w = csv.DictWriter(f, fieldnames=RECORD_COLUMNS, delimiter=";", extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)
    return p


def makeup_groups(absent: int, group_size: int, min_absent: int) -> int:
    """Make-up groups for ``absent`` people missing from held sessions (none below ``min_absent``)."""
    if absent <= 0 or absent < max(min_absent, 1):
        return 0
    return math.ceil(absent / group_size)


__all__ = [
    "CURRENT_PLAN", "MAKEUP_TITLE", "Progress", "ProgressReport", "RecordError", "RecordResult", "Rejection",
    "STATUSES", "STATUS_FR", "SessionStatus", "apply_statuses", "coverage_curves", "ever_cancelled",
    "has_current_plan", "history", "last_batch", "load_current_plan", "load_statuses", "makeup_groups",
    "parse_date", "parse_status", "progress", "read_rows", "record_file", "set_statuses", "simulate_year", "undo_batch",
    "validate", "write_rows",
]
