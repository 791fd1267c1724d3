"""The scenario file: one SQLite file holding a scenario, its settings and its named plans.

Schema (``PRAGMA user_version`` is the schema version; :data:`MIGRATIONS` upgrades older files
in place, inside one transaction, when they are opened):

- ``meta(key, value)``: application, creation date, import metadata;
- ``scenario(id = 1, name, data, settings, fingerprint, saved_at)``: the scenario as JSON (settings
  stored apart in ``settings``);
- ``plans(name, created_at, params, seed, solver, solver_version, scenario_fingerprint, report,
  kpis, notes)`` and ``plan_data(name, part, data)``: each plan's sessions (one part per académie and their
  order: a save rewrites the académies that changed), trainers and units, compressed by column (``zlib``,
  JSON and numpy arrays; never pickle), so any plan reopens exactly as it was solved.

Every save is one SQLite transaction (``synchronous=FULL``, rollback journal): a crash or a
``SIGKILL`` in the middle leaves the previous content, which SQLite restores from its journal at the
next open. A file written from scratch (:meth:`ScenarioStore.create`) is built beside the target and
renamed over it. Nothing read from a file is ever executed: JSON and validated pydantic models only.

Autosave and recovery live beside it (:mod:`planner.autosave`), plan comparison too
(:mod:`planner.compare`).
"""
from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import zlib
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from pydantic import ValidationError

from .errors import ScenarioError
from .models import Scenario, french_errors
from .plan import Plan, Session, StoredPlan, TrainerRow, UnitRow
from .compare import PlanComparison, compare, plan_kpis
from .safe_io import OutputError, check_output_file, clean_stale_temps, replace_durably
from .settings import Settings
from .store_codec import (  # noqa: F401 (COLUMNAR, read_columns, read_plan_columns: public here too)
    COLUMNAR, GROUP_PREFIX, ORDER_PART, _decode, _decode_columns, _decode_sessions, _encode, _encode_columns,
    _encode_order, index_groups, index_sessions_by_academie, compress_part, _session_groups, dumps_chunked,
    prepared_parts, read_columns, read_plan_columns, same_rows, scenario_data_loads, scenario_dump, session_part,
    sessions_later, table_parts)

SCHEMA_VERSION = 5
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


def _v3(db: sqlite3.Connection) -> None:
    """Version 3: follow-up of the current plan's sessions (see :mod:`planner.followup`)."""
    db.execute("CREATE TABLE IF NOT EXISTS session_status (session_id TEXT PRIMARY KEY, status TEXT NOT NULL, "
               "held_date TEXT, present INTEGER, names TEXT NOT NULL DEFAULT '[]') WITHOUT ROWID")
    db.execute("CREATE TABLE IF NOT EXISTS status_history (id INTEGER PRIMARY KEY, batch TEXT NOT NULL, at TEXT NOT NULL, "
               "user TEXT NOT NULL, session_id TEXT NOT NULL, old TEXT, new TEXT, note TEXT NOT NULL DEFAULT '')")
    db.execute("CREATE INDEX IF NOT EXISTS status_history_batch ON status_history (batch)")


def _v4(db: sqlite3.Connection) -> None:
    """Version 4: a plan's sessions may be stored one part per académie (``sessions@CODE``) with their order
    (``sessions#order``), so that a save rewrites only the académies that changed. Older parts still read;
    the version tells an older program that it cannot read such a plan."""


def _v5(db: sqlite3.Connection) -> None:
    """Version 5: plan parts may hold their long lists of texts as NUL-separated blocks (columns format 3,
    :mod:`planner.store_codec`). Parts of format 2 still read; the version tells an older program that it
    cannot read such a plan, instead of it opening the scenario without its plan."""


MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {1: _v1, 2: _v2, 3: _v3, 4: _v4, 5: _v5}


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


def _decode_plan(db: sqlite3.Connection, name: str, stored: dict | None = None, later: bool = False) -> Plan:
    parts = {p: d for p, d in db.execute("SELECT part, data FROM plan_data WHERE name = ?", (name,))}
    (report,) = db.execute("SELECT report FROM plans WHERE name = ?", (name,)).fetchone()
    empty = _encode([])
    if stored is not None:
        stored["parts"] = parts  # the file's own bytes (planner.store_codec.adopt_file_parts)
    rest = dict(trainers=_decode_columns(parts.get("trainers", empty), TrainerRow),
                units=_decode_columns(parts.get("units", empty), UnitRow), report=json.loads(report))
    deferred = sessions_later(parts, stored) if later else None
    if deferred is not None:
        return StoredPlan(**deferred, **rest)
    return Plan(sessions=_decode_sessions(parts, stored), **rest)


def _with_settings(data: object, settings: object) -> str | None:
    """The scenario's JSON object ``data`` (without settings, :func:`planner.store_codec.scenario_data_json`) with
    the key ``settings`` added last, as text (of a key given twice, JSON readers keep the last: the settings of the
    file's own column, as :meth:`ScenarioStore.load_scenario` puts them); None when either is not text of that shape."""
    if not isinstance(data, str) or not isinstance(settings, str):
        return None
    body = data.strip()
    if not body.startswith("{") or not body.endswith("}"):
        return None
    body = body[:-1].rstrip()
    return f'{body}{"" if body.endswith("{") else ","}"settings":{settings}}}'


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

    def save_scenario(self, sc: Scenario) -> bool:
        """Write the scenario; nothing is written when the file already holds this very scenario
        (same fingerprint and settings). Returns whether it wrote."""
        data, fingerprint = scenario_dump(sc)  # one serialization for both
        settings = sc.settings.model_dump_json()
        row = self.db.execute("SELECT fingerprint, settings FROM scenario WHERE id = 1").fetchone()
        if row is not None and tuple(row) == (fingerprint, settings):
            return False
        with self._tx():
            self.db.execute(
                "INSERT OR REPLACE INTO scenario (id, name, data, settings, fingerprint, saved_at) VALUES (1, ?, ?, ?, ?, ?)",
                (sc.name, data, settings, fingerprint, _now()),
            )
        return True

    def load_scenario(self) -> Scenario:
        try:
            row = self.db.execute("SELECT data, settings FROM scenario WHERE id = 1").fetchone()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path} : fichier de scénario illisible ou endommagé ({exc})") from None
        if row is None:
            raise StoreError(f"{self.path} : le fichier ne contient pas encore de scénario")
        fast = _with_settings(row[0], row[1])
        if fast is not None:  # parsed and validated by pydantic in one pass (its validators in Python let a window
            try:              # have the interpreter meanwhile); a scenario it refuses is said below, in French
                return Scenario.model_validate_json(fast)
            except (ValidationError, ValueError, RecursionError):
                pass
        try:
            data = scenario_data_loads(row[0])  # list by list: the window answers meanwhile
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
                  scenario_fingerprint: str | None = None, same_as: Plan | None = None, index=None,
                  same_as_index=None) -> None:
        """Save (or replace) the plan ``name`` with the parameters that produced it.

        ``same_as``: the plan this file holds under ``name`` (as this program wrote or read it); the parts
        of the académies whose sessions are the very same objects are kept as they are, the others are
        rewritten. ``index``: the plan's :class:`planner.plan_index.PlanIndex`, for its KPIs and its columns;
        ``same_as_index``: that of ``same_as``, whose académies' sessions it splits by its columns (and keeps
        split: a save after a pin compares with them at once) rather than by a loop over them."""
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
        existing = {p for (p,) in self.db.execute("SELECT part FROM plan_data WHERE name = ?", (name,))}
        old_groups = {}
        if same_as is not None and existing:
            old_groups = (index_sessions_by_academie(same_as_index) if same_as_index is not None
                          and same_as_index.plan is same_as and same_as.sessions else _session_groups(same_as.sessions)[0])
        coded: dict[str, dict] = {}
        # the parts made already (in the background, or read from the file the plan came from), written as they are
        ready: dict[str, bytes] = {}
        if index is not None and index.plan is plan and plan.sessions:  # the index's columns, already coded
            groups, order, coded = index_groups(index)
            prepared = prepared_parts(index)
            ready = prepared.parts
        else:
            groups, order = _session_groups(plan.sessions)
            prepared = None
        parts: dict[str, Any] = {}  # None: the part in the file is already this one
        with ThreadPoolExecutor(1) as zipper:  # each part compressed while the next one is encoded
            for acad, ss in groups.items():
                key = GROUP_PREFIX + acad
                parts[key] = (None if key in existing and same_rows(old_groups.get(acad), ss) else ready.get(key)
                              or zipper.submit(compress_part, session_part(ss, coded.get(acad), compress=False)))
            parts[ORDER_PART] = ready.get(ORDER_PART) or _encode_order(list(groups), order)
            for part, rows, cls in table_parts(plan):
                same = same_as is not None and getattr(same_as, part) is rows and part in existing
                parts[part] = None if same else ready.get(part) or _encode_columns(rows, cls)
            parts = {p: d.result() if isinstance(d, Future) else d for p, d in parts.items()}
        if prepared is not None:  # kept: saving this plan again (elsewhere) writes them as they are
            for p, d in parts.items():
                if d is not None:
                    prepared.parts.setdefault(p, d)
        kpis = json.dumps(plan_kpis(plan, index), ensure_ascii=False)
        report_json = dumps_chunked(report, ensure_ascii=False, default=str)  # encoded before the file is locked
        with self._tx():
            values = (_now(), json.dumps(params, ensure_ascii=False, default=str), seed, solver, solver_version,
                      scenario_fingerprint, report_json, kpis, notes)
            if self.db.execute("SELECT 1 FROM plans WHERE name = ?", (name,)).fetchone() is None:
                self.db.execute(
                    "INSERT INTO plans (name, created_at, params, seed, solver, solver_version, scenario_fingerprint, "
                    "report, kpis, notes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", (name, *values))
            else:
                self.db.execute("UPDATE plans SET created_at = ?, params = ?, seed = ?, solver = ?, solver_version = ?, "
                                "scenario_fingerprint = ?, report = ?, kpis = ?, notes = ? WHERE name = ?", (*values, name))
            self.db.executemany("DELETE FROM plan_data WHERE name = ? AND part = ?",
                                [(name, p) for p in existing - set(parts)])
            self.db.executemany("INSERT OR REPLACE INTO plan_data (name, part, data) VALUES (?, ?, ?)",
                                [(name, p, d) for p, d in parts.items() if d is not None])

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

    def load_plan(self, name: str, stored: dict | None = None, later: bool = False) -> Plan:
        """The plan ``name``; ``stored`` (a dict) receives its stored columns when it has them (see
        :func:`_decode_sessions`). ``later``: its parts are read and checked now, its sessions made when first
        asked for (a :class:`~planner.plan.StoredPlan`, when the plan is stored in columnar parts)."""
        if self.db.execute("SELECT 1 FROM plans WHERE name = ?", (name,)).fetchone() is None:
            raise StoreError(f"{self.path} : plan « {name} » introuvable")
        try:
            return _decode_plan(self.db, name, stored, later)
        except (zlib.error, json.JSONDecodeError, TypeError, KeyError, ValueError, OverflowError) as exc:
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
            replace_durably(tmp, path)
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
            replace_durably(tmp, dest)
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


def save_scenario_file(path: str | Path, scenario: Scenario) -> None:
    """Save the scenario into ``path``, keeping its plans if the file exists (one transaction)."""
    path = Path(path)
    if path.exists() and path.stat().st_size > 0:
        with ScenarioStore(path) as st:
            st.save_scenario(scenario)
    else:
        ScenarioStore.create(path, scenario)


__all__ = ["SCHEMA_VERSION", "PlanInfo", "ScenarioStore", "StoreError", "read_plan_columns", "save_scenario_file"]

# moved out of this module: autosave and recovery (planner.autosave); still importable from here for callers
# not yet updated (plan comparison, planner.compare, is imported above)
_MOVED = {name: "planner.autosave" for name in
          ("RecoveryInfo", "autosave", "autosave_path", "discard_autosave", "recover", "recovery_candidate")}


def __getattr__(name: str):
    if name in _MOVED:
        import importlib

        return getattr(importlib.import_module(_MOVED[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
