"""The scenario file: one SQLite file holding a scenario, its settings and its named plans.

Schema (``PRAGMA user_version`` is the schema version; :data:`MIGRATIONS` upgrades older files
in place, inside one transaction, when they are opened):

- ``meta(key, value)``: application, creation date, import metadata;
- ``scenario(id = 1, name, data, settings, fingerprint, saved_at)``: the scenario as JSON (settings
  stored apart in ``settings``);
- ``plans(name, created_at, params, seed, solver, solver_version, scenario_fingerprint, report,
  kpis, notes)`` and ``plan_data(name, part, data)``: each plan's sessions, trainers and units as
  compressed JSON (``zlib``; never pickle), so any plan reopens exactly as it was solved.

Every save is one SQLite transaction (``synchronous=FULL``, rollback journal): a crash or a
``SIGKILL`` in the middle leaves the previous content, which SQLite restores from its journal at the
next open. A file written from scratch (:meth:`ScenarioStore.create`) is built beside the target and
renamed over it. Nothing read from a file is ever executed: JSON and validated pydantic models only.

Autosave and recovery for the window: :func:`autosave`, :func:`recovery_candidate`,
:func:`recover`, :func:`discard_autosave`.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import zlib
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any, Callable

from pydantic import ValidationError

from .models import Scenario, french_errors
from .plan import Plan, Session, TrainerRow, UnitRow
from .safe_io import OutputError, check_output_file, clean_stale_temps
from .scenario_io import ScenarioError
from .settings import Settings

SCHEMA_VERSION = 2
APP_ID = 0x50494121  # "PIA!" in PRAGMA application_id


class StoreError(ScenarioError):
    """A scenario file that cannot be opened or written (French message naming the file)."""


# ------------------------------------------------------------------ migrations
V1_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS scenario (id INTEGER PRIMARY KEY CHECK (id = 1), name TEXT NOT NULL, "
    "data TEXT NOT NULL, settings TEXT NOT NULL, fingerprint TEXT NOT NULL, saved_at TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS plans (name TEXT PRIMARY KEY, created_at TEXT NOT NULL, params TEXT NOT NULL, "
    "seed INTEGER NOT NULL DEFAULT 0, solver TEXT NOT NULL DEFAULT '', solver_version TEXT NOT NULL DEFAULT '', "
    "scenario_fingerprint TEXT NOT NULL DEFAULT '', report TEXT NOT NULL DEFAULT '{}')",
    "CREATE TABLE IF NOT EXISTS plan_data (name TEXT NOT NULL REFERENCES plans(name) ON DELETE CASCADE, "
    "part TEXT NOT NULL, data BLOB NOT NULL, PRIMARY KEY (name, part))",
)


def _v1(db: sqlite3.Connection) -> None:
    """Version 1: meta, scenario, plans, plan_data (statement by statement: executescript would commit)."""
    for stmt in V1_SCHEMA:
        db.execute(stmt)


def _v2(db: sqlite3.Connection) -> None:
    """Version 2: plans keep their KPIs (for comparisons without decoding sessions) and a note."""
    cols = {r[1] for r in db.execute("PRAGMA table_info(plans)")}
    if "kpis" not in cols:
        db.execute("ALTER TABLE plans ADD COLUMN kpis TEXT NOT NULL DEFAULT '{}'")
    if "notes" not in cols:
        db.execute("ALTER TABLE plans ADD COLUMN notes TEXT NOT NULL DEFAULT ''")
    for (name,) in db.execute("SELECT name FROM plans").fetchall():
        plan = _decode_plan(db, name)
        db.execute("UPDATE plans SET kpis = ? WHERE name = ?", (json.dumps(plan_kpis(plan)), name))


MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {1: _v1, 2: _v2}


# ------------------------------------------------------------------ plans
@dataclass
class PlanInfo:
    name: str
    created_at: str
    params: dict
    seed: int
    solver: str
    solver_version: str
    scenario_fingerprint: str
    kpis: dict
    notes: str = ""


@dataclass
class PlanComparison:
    """Two plans of the same scenario side by side. Sessions are matched by what they are (kind,
    audience, unit, group), not by their id, which a solver may renumber."""

    a: str
    b: str
    moved: list[tuple[Session, Session]] = field(default_factory=list)
    added: list[Session] = field(default_factory=list)
    removed: list[Session] = field(default_factory=list)
    unchanged: int = 0
    kpis: dict[str, tuple[Any, Any]] = field(default_factory=dict)

    def to_json(self) -> dict:
        def s(x: Session) -> dict:
            return {"session_id": x.session_id, "kind": x.kind, "unit_type": x.unit_type, "unit_id": x.unit_id,
                    "group": x.group, "date": x.date.isoformat(), "start": x.start, "trainer_id": x.trainer_id}
        return {
            "a": self.a, "b": self.b, "unchanged": self.unchanged,
            "moved": [{"from": s(x), "to": s(y)} for x, y in self.moved],
            "added": [s(x) for x in self.added], "removed": [s(x) for x in self.removed],
            "kpis": {k: list(v) for k, v in self.kpis.items()},
        }

    def summary_fr(self) -> str:
        lines = [f"Comparaison des plans « {self.a} » et « {self.b} »",
                 f"  Sessions inchangées : {self.unchanged}, déplacées : {len(self.moved)}, "
                 f"ajoutées : {len(self.added)}, supprimées : {len(self.removed)}"]
        for k, (x, y) in self.kpis.items():
            lines.append(f"  {KPI_LABELS.get(k, k)} : {x} → {y}")
        return "\n".join(lines)


KPI_LABELS = {
    "sessions": "Sessions",
    "step1_sessions": "Sessions d'étape 1",
    "tot_sessions": "Formations de formateurs",
    "participants": "Participants",
    "unplaced": "Sessions non placées",
    "first_date": "Première session",
    "last_date": "Dernière session",
    "trainers_used": "Formateurs mobilisés",
    "max_sessions_per_trainer": "Sessions max. d'un formateur",
    "pinned": "Sessions fixées",
}


def plan_kpis(plan: Plan) -> dict:
    """KPIs of a plan, computed from its sessions (plus the solver's own KPIs when its report has some)."""
    ss = plan.sessions
    per_trainer: dict[str, int] = {}
    for s in ss:
        if s.trainer_id:
            per_trainer[s.trainer_id] = per_trainer.get(s.trainer_id, 0) + 1
    k = {
        "sessions": len(ss),
        "step1_sessions": sum(1 for s in ss if s.kind == "step1"),
        "tot_sessions": sum(1 for s in ss if s.kind == "tot"),
        "participants": sum(s.participants for s in ss),
        "unplaced": len(plan.unplaced),
        "first_date": min((s.date for s in ss), default=None),
        "last_date": max((s.date for s in ss), default=None),
        "trainers_used": len(per_trainer),
        "max_sessions_per_trainer": max(per_trainer.values(), default=0),
        "pinned": sum(1 for s in ss if s.pinned),
    }
    k = {key: (v.isoformat() if isinstance(v, dt.date) else v) for key, v in k.items()}
    extra = plan.report.get("kpis") if isinstance(plan.report, dict) else None
    if isinstance(extra, dict):
        for key, v in extra.items():
            if isinstance(v, (int, float, str, bool)) or v is None:
                k.setdefault(str(key), v)
    return k


def _session_key(s: Session) -> tuple:
    if s.group:
        return (s.kind, s.audience, s.unit_type, s.unit_id, s.group)
    return (s.kind, s.audience, s.unit_type, s.unit_id, "id", s.session_id)


def compare(a: Plan, b: Plan, name_a: str = "A", name_b: str = "B") -> PlanComparison:
    ka = {_session_key(s): s for s in a.sessions}
    kb = {_session_key(s): s for s in b.sessions}
    cmp = PlanComparison(name_a, name_b)
    for key, s in ka.items():
        t = kb.get(key)
        if t is None:
            cmp.removed.append(s)
        elif (s.date, s.start, s.end, s.trainer_id) != (t.date, t.start, t.end, t.trainer_id):
            cmp.moved.append((s, t))
        else:
            cmp.unchanged += 1
    cmp.added = [t for key, t in kb.items() if key not in ka]
    order = lambda s: (s.date, s.start, s.session_id)  # noqa: E731
    cmp.removed.sort(key=order)
    cmp.added.sort(key=order)
    cmp.moved.sort(key=lambda p: order(p[0]))
    x, y = plan_kpis(a), plan_kpis(b)
    cmp.kpis = {k: (x.get(k), y.get(k)) for k in list(x) + [k for k in y if k not in x]}
    return cmp


def _encode(rows: list[dict]) -> bytes:
    return zlib.compress(json.dumps(rows, ensure_ascii=False, separators=(",", ":"), default=str).encode(), 6)


def _decode(blob: bytes) -> list[dict]:
    return json.loads(zlib.decompress(blob).decode())


def _decode_plan(db: sqlite3.Connection, name: str) -> Plan:
    parts = {p: d for p, d in db.execute("SELECT part, data FROM plan_data WHERE name = ?", (name,))}
    (report,) = db.execute("SELECT report FROM plans WHERE name = ?", (name,)).fetchone()
    sessions = []
    for r in _decode(parts.get("sessions", _encode([]))):
        r["date"] = dt.date.fromisoformat(r["date"])
        sessions.append(Session(**{f.name: r[f.name] for f in fields(Session) if f.name in r}))
    trainers = [TrainerRow(**{f.name: r[f.name] for f in fields(TrainerRow) if f.name in r})
                for r in _decode(parts.get("trainers", _encode([])))]
    units = [UnitRow(**{f.name: r[f.name] for f in fields(UnitRow) if f.name in r})
             for r in _decode(parts.get("units", _encode([])))]
    return Plan(sessions=sessions, trainers=trainers, units=units, report=json.loads(report))


# ------------------------------------------------------------------ the store
class ScenarioStore:
    """A scenario file. Use as a context manager::

        with ScenarioStore(path) as st:
            sc = st.load_scenario()
            st.save_plan("cpsat-60s", plan, {"solver": "cpsat", "time_limit": 60, "seed": 0})
    """

    def __init__(self, path: str | Path, create: bool = True):
        self.path = Path(path)
        exists = self.path.exists()
        if not exists and not create:
            raise StoreError(f"{self.path} : fichier de scénario introuvable")
        if exists:
            if self.path.is_dir():
                raise StoreError(f"{self.path} : c'est un dossier, pas un fichier de scénario")
            try:
                with open(self.path, "rb") as f:
                    head = f.read(16)
            except OSError as exc:
                raise StoreError(f"{self.path} : fichier illisible ({exc.strerror or exc})") from None
            if head and not head.startswith(b"SQLite format 3"):
                raise StoreError(f"{self.path} : ce n'est pas un fichier de scénario (SQLite) du Planificateur IA")
        try:
            self.db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            self.db.execute("PRAGMA journal_mode=DELETE")
            self.db.execute("PRAGMA synchronous=FULL")
            self.db.execute("PRAGMA foreign_keys=ON")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            self._close_quietly()
            raise StoreError(f"{self.path} : fichier de scénario illisible ou endommagé ({exc})") from None

    # -- lifecycle
    def __enter__(self) -> "ScenarioStore":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._close_quietly()

    def _close_quietly(self) -> None:
        db = getattr(self, "db", None)
        if db is not None:
            try:
                db.close()
            except sqlite3.Error:
                pass
            self.db = None

    def _tx(self):
        return _Transaction(self.db)

    def _migrate(self) -> None:
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        app = self.db.execute("PRAGMA application_id").fetchone()[0]
        tables = {r[0] for r in self.db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if version == 0 and tables and "scenario" not in tables:
            raise StoreError(f"{self.path} : base SQLite qui n'est pas un fichier de scénario du Planificateur IA")
        if app not in (0, APP_ID):
            raise StoreError(f"{self.path} : base SQLite d'une autre application")
        if version > SCHEMA_VERSION:
            raise StoreError(f"{self.path} : fichier créé par une version plus récente du Planificateur IA "
                             f"(schéma {version}, cette version lit jusqu'au schéma {SCHEMA_VERSION})")
        if version == SCHEMA_VERSION:
            return
        with self._tx():
            for v in range(version + 1, SCHEMA_VERSION + 1):
                MIGRATIONS[v](self.db)
            self.db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            self.db.execute(f"PRAGMA application_id = {APP_ID}")
            self.db.execute("INSERT OR IGNORE INTO meta VALUES ('created_at', ?)", (_now(),))
            self.db.execute("INSERT OR REPLACE INTO meta VALUES ('app', 'Planificateur IA')")

    @property
    def schema_version(self) -> int:
        return self.db.execute("PRAGMA user_version").fetchone()[0]

    # -- meta
    def set_meta(self, key: str, value: Any) -> None:
        with self._tx():
            self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, json.dumps(value, ensure_ascii=False, default=str)))

    def get_meta(self, key: str, default: Any = None) -> Any:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        if row is None:
            return default
        try:
            return json.loads(row[0])
        except json.JSONDecodeError:
            return row[0]

    # -- scenario
    def has_scenario(self) -> bool:
        return self.db.execute("SELECT 1 FROM scenario WHERE id = 1").fetchone() is not None

    def save_scenario(self, sc: Scenario) -> None:
        data = sc.model_dump(mode="json", exclude={"settings"})
        settings = sc.settings.model_dump_json()
        with self._tx():
            self.db.execute(
                "INSERT OR REPLACE INTO scenario (id, name, data, settings, fingerprint, saved_at) VALUES (1, ?, ?, ?, ?, ?)",
                (sc.name, json.dumps(data, ensure_ascii=False, separators=(",", ":")), settings, sc.fingerprint(), _now()),
            )

    def load_scenario(self) -> Scenario:
        try:
            row = self.db.execute("SELECT data, settings FROM scenario WHERE id = 1").fetchone()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path} : fichier de scénario illisible ou endommagé ({exc})") from None
        if row is None:
            raise StoreError(f"{self.path} : le fichier ne contient pas encore de scénario")
        try:
            data = json.loads(row[0])
            data["settings"] = json.loads(row[1])
            return Scenario.model_validate(data)
        except (json.JSONDecodeError, TypeError, RecursionError) as exc:
            raise StoreError(f"{self.path} : scénario illisible ({type(exc).__name__})") from None
        except ValidationError as exc:
            raise StoreError(f"{self.path} : scénario invalide — " + " ; ".join(french_errors(exc)[:10])) from None

    def save_settings(self, settings: Settings) -> None:
        with self._tx():
            n = self.db.execute("UPDATE scenario SET settings = ?, saved_at = ? WHERE id = 1",
                                (settings.model_dump_json(), _now())).rowcount
            if n == 0:
                raise StoreError(f"{self.path} : enregistrez d'abord un scénario")

    # -- plans
    def save_plan(self, name: str, plan: Plan, params: dict | None = None, *, seed: int | None = None,
                  solver: str | None = None, solver_version: str | None = None, notes: str = "",
                  scenario_fingerprint: str | None = None) -> None:
        """Save (or replace) the plan ``name`` with the parameters that produced it."""
        name = (name or "").strip()
        if not name or len(name) > 200:
            raise StoreError("nom de plan vide ou trop long (200 caractères au plus)")
        params = dict(params or {})
        report = plan.report if isinstance(plan.report, dict) else {}
        seed = int(seed if seed is not None else params.get("seed", report.get("seed", 0)) or 0)
        solver = str(solver if solver is not None else params.get("solver", report.get("solver", "")))
        solver_version = str(solver_version if solver_version is not None
                             else params.get("solver_version", report.get("solver_version", "")) or _ortools_version())
        if scenario_fingerprint is None:
            scenario_fingerprint = str(report.get("scenario_fingerprint", ""))
            if not scenario_fingerprint and self.has_scenario():
                scenario_fingerprint = self.db.execute("SELECT fingerprint FROM scenario WHERE id = 1").fetchone()[0]
        parts = {
            "sessions": _encode([{**asdict(s), "date": s.date.isoformat()} for s in plan.sessions]),
            "trainers": _encode([asdict(t) for t in plan.trainers]),
            "units": _encode([asdict(u) for u in plan.units]),
        }
        with self._tx():
            self.db.execute("DELETE FROM plan_data WHERE name = ?", (name,))
            self.db.execute("DELETE FROM plans WHERE name = ?", (name,))
            self.db.execute(
                "INSERT INTO plans (name, created_at, params, seed, solver, solver_version, scenario_fingerprint, report, kpis, notes)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (name, _now(), json.dumps(params, ensure_ascii=False, default=str), seed, solver, solver_version,
                 scenario_fingerprint, json.dumps(report, ensure_ascii=False, default=str),
                 json.dumps(plan_kpis(plan), ensure_ascii=False), notes),
            )
            self.db.executemany("INSERT INTO plan_data (name, part, data) VALUES (?, ?, ?)",
                                [(name, p, d) for p, d in parts.items()])

    def list_plans(self) -> list[PlanInfo]:
        out = []
        for r in self.db.execute("SELECT name, created_at, params, seed, solver, solver_version, scenario_fingerprint, kpis, notes "
                                 "FROM plans ORDER BY created_at, name"):
            out.append(PlanInfo(r[0], r[1], _loads(r[2]), r[3], r[4], r[5], r[6], _loads(r[7]), r[8]))
        return out

    def plan_info(self, name: str) -> PlanInfo:
        for p in self.list_plans():
            if p.name == name:
                return p
        raise StoreError(f"{self.path} : plan « {name} » introuvable")

    def load_plan(self, name: str) -> Plan:
        if self.db.execute("SELECT 1 FROM plans WHERE name = ?", (name,)).fetchone() is None:
            raise StoreError(f"{self.path} : plan « {name} » introuvable")
        try:
            return _decode_plan(self.db, name)
        except (zlib.error, json.JSONDecodeError, TypeError, KeyError, ValueError) as exc:
            raise StoreError(f"{self.path} : plan « {name} » illisible ({exc})") from None

    def delete_plan(self, name: str) -> None:
        with self._tx():
            self.db.execute("DELETE FROM plan_data WHERE name = ?", (name,))
            self.db.execute("DELETE FROM plans WHERE name = ?", (name,))

    def rename_plan(self, old: str, new: str) -> None:
        new = new.strip()
        if not new:
            raise StoreError("nouveau nom de plan vide")
        with self._tx():
            if self.db.execute("SELECT 1 FROM plans WHERE name = ?", (new,)).fetchone():
                raise StoreError(f"un plan « {new} » existe déjà")
            self.db.execute("PRAGMA defer_foreign_keys = ON")
            self.db.execute("UPDATE plans SET name = ? WHERE name = ?", (new, old))
            self.db.execute("UPDATE plan_data SET name = ? WHERE name = ?", (new, old))

    def compare_plans(self, a: str, b: str) -> PlanComparison:
        return compare(self.load_plan(a), self.load_plan(b), a, b)

    def integrity_ok(self) -> bool:
        return self.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

    # -- whole files
    @classmethod
    def create(cls, path: str | Path, scenario: Scenario, meta: dict | None = None,
               plans: list[tuple[str, Plan, dict]] | None = None) -> Path:
        """Write a new scenario file atomically (built beside ``path``, then renamed over it)."""
        path = Path(path)
        if path.exists() and path.is_dir():
            raise StoreError(f"{path} : c'est un dossier")
        try:  # never replace a device, a pipe or a socket
            check_output_file(path, header=None)
        except OutputError as exc:
            raise StoreError(str(exc)) from None
        if not path.parent.is_dir():
            raise StoreError(f"{path} : le dossier {path.parent} n'existe pas")
        clean_stale_temps(path)  # what a killed write left beside the file
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        for leftover in (tmp, Path(str(tmp) + "-journal")):
            if leftover.exists():
                leftover.unlink()
        try:
            with cls(tmp) as st:
                st.save_scenario(scenario)
                for k, v in (meta or {}).items():
                    st.set_meta(k, v)
                for name, plan, params in plans or []:
                    st.save_plan(name, plan, params)
            _fsync_file(tmp)
            os.replace(tmp, path)
            _fsync_dir(path.parent)
        except OSError as exc:
            raise StoreError(f"{path} : écriture impossible ({exc.strerror or exc})") from None
        finally:
            if tmp.exists():
                tmp.unlink()
        return path

    def copy_to(self, dest: str | Path) -> Path:
        """« Enregistrer sous » : a consistent copy (SQLite backup API), written atomically."""
        dest = Path(dest)
        tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
        if tmp.exists():
            tmp.unlink()
        try:
            out = sqlite3.connect(tmp)
            with out:
                self.db.backup(out)
            out.close()
            _fsync_file(tmp)
            os.replace(tmp, dest)
            _fsync_dir(dest.parent)
        finally:
            if tmp.exists():
                tmp.unlink()
        return dest


class _Transaction:
    def __init__(self, db: sqlite3.Connection):
        self.db = db

    def __enter__(self):
        self.db.execute("BEGIN IMMEDIATE")
        return self.db

    def __exit__(self, et, ev, tb):
        if et is None:
            self.db.execute("COMMIT")
        else:
            self.db.execute("ROLLBACK")
        return False


def _loads(s: str) -> dict:
    try:
        v = json.loads(s)
    except (json.JSONDecodeError, TypeError):
        return {}
    return v if isinstance(v, dict) else {}


def _now() -> str:
    return dt.datetime.now().isoformat(timespec="seconds")


def _ortools_version() -> str:
    try:
        from importlib.metadata import version

        return "ortools " + version("ortools")
    except Exception:  # noqa: BLE001
        return ""


def _fsync_file(p: Path) -> None:
    fd = os.open(p, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(d: Path) -> None:
    try:
        fd = os.open(d, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def save_scenario_file(path: str | Path, scenario: Scenario) -> None:
    """Save the scenario into ``path``, keeping its plans if the file exists (one transaction)."""
    path = Path(path)
    if path.exists() and path.stat().st_size > 0:
        with ScenarioStore(path) as st:
            st.save_scenario(scenario)
    else:
        ScenarioStore.create(path, scenario)


# ------------------------------------------------------------------ autosave and recovery
@dataclass
class RecoveryInfo:
    autosave_path: Path
    saved_at: str
    scenario_name: str
    original: Path | None


def autosave_path(path: str | Path | None, autosave_dir: str | Path | None = None) -> Path:
    """Where the autosave of ``path`` lives: ``.NAME.autosave`` beside it, or ``sans-titre.autosave`` in
    ``autosave_dir`` (default ``~/.local/share/planificateur-ia``) for a scenario never saved."""
    if path is not None:
        p = Path(path)
        return p.with_name(f".{p.name}.autosave")
    base = Path(autosave_dir) if autosave_dir else Path.home() / ".local" / "share" / "planificateur-ia"
    base.mkdir(parents=True, exist_ok=True)
    return base / "sans-titre.autosave"


def autosave(scenario: Scenario, path: str | Path | None, autosave_dir: str | Path | None = None) -> Path:
    """Write the scenario being edited to its autosave file (atomically; the real file is untouched)."""
    target = autosave_path(path, autosave_dir)
    return ScenarioStore.create(target, scenario, meta={
        "autosave_of": str(Path(path).resolve()) if path is not None else None,
        "autosaved_at": _now(),
    })


def recovery_candidate(path: str | Path | None, autosave_dir: str | Path | None = None) -> RecoveryInfo | None:
    """The autosave to offer after a crash: it exists, reads, and differs from the saved file."""
    a = autosave_path(path, autosave_dir)
    if not a.exists():
        return None
    try:
        with ScenarioStore(a, create=False) as st:
            sc = st.load_scenario()
            saved_at = st.get_meta("autosaved_at", "")
    except ScenarioError:
        return None
    if path is not None and Path(path).exists():
        try:
            with ScenarioStore(path, create=False) as st:
                if st.has_scenario() and st.load_scenario().fingerprint() == sc.fingerprint():
                    return None
        except ScenarioError:
            pass  # the real file is unreadable: the autosave is all the more worth offering
    return RecoveryInfo(a, saved_at, sc.name, Path(path) if path is not None else None)


def recover(path: str | Path | None, autosave_dir: str | Path | None = None) -> Scenario:
    """The scenario of the autosave (the caller then saves it where the user wants)."""
    with ScenarioStore(autosave_path(path, autosave_dir), create=False) as st:
        return st.load_scenario()


def discard_autosave(path: str | Path | None, autosave_dir: str | Path | None = None) -> None:
    """After a normal save or when the user declines recovery."""
    a = autosave_path(path, autosave_dir)
    for p in (a, Path(str(a) + "-journal")):
        try:
            p.unlink()
        except FileNotFoundError:
            pass


__all__ = [
    "SCHEMA_VERSION", "PlanComparison", "PlanInfo", "RecoveryInfo", "ScenarioStore", "StoreError",
    "autosave", "autosave_path", "compare", "discard_autosave", "plan_kpis", "recover",
    "recovery_candidate", "save_scenario_file",
]
