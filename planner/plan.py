"""The plan directory contract: what ``solve`` writes and every other tool reads.

``DIR/sessions.csv``, ``DIR/trainers.csv``, ``DIR/units.csv`` (UTF-8, comma-separated, the
contract's columns first, extra columns after) and ``DIR/report.json``. Writes are atomic (each file
is written beside and renamed), so a crash never leaves half a plan.
"""
from __future__ import annotations

import csv
import datetime as dt
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

SESSION_COLUMNS = ["session_id", "kind", "audience", "academie", "departement", "zone", "unit_type", "unit_id",
                   "trainer_id", "date", "start", "end", "participants", "window"]
SESSION_EXTRA = ["group", "pinned", "title"]
TRAINER_COLUMNS = ["trainer_id", "role", "academie", "unit_type", "unit_id", "qualified", "tot_session_id"]
TRAINER_EXTRA = ["name"]
UNIT_COLUMNS = ["unit_type", "unit_id", "name", "academie", "departement", "zone", "teachers", "perdir", "inspectors"]
UNIT_EXTRA = ["etab_type", "commune", "address", "bassin"]

KIND_LABELS = {
    "tot": "Formation de formateurs",
    "step1": "Étape 1 — Prise en main de l'IA générative",
    "step2": "Étape 2 — Groupes de travail",
    "step3": "Étape 3 — Charte de l'établissement",
    "step4": "Étape 4 — Instances",
    "step5": "Étape 5 — Approfondissement (briques)",
    "step6": "Étape 6 — Familles",
}


@dataclass(slots=True)
class Session:
    session_id: str
    kind: str
    audience: str
    academie: str
    departement: str
    zone: str
    unit_type: str
    unit_id: str
    trainer_id: str
    date: dt.date
    start: str
    end: str
    participants: int
    window: str
    group: int = 0
    pinned: bool = False
    title: str = ""

    @property
    def start_dt(self) -> dt.datetime:
        h, m = map(int, self.start.split(":"))
        return dt.datetime.combine(self.date, dt.time(h, m))

    @property
    def end_dt(self) -> dt.datetime:
        h, m = map(int, self.end.split(":"))
        return dt.datetime.combine(self.date, dt.time(h, m))


@dataclass(slots=True)
class TrainerRow:
    trainer_id: str
    role: str
    academie: str
    unit_type: str
    unit_id: str
    qualified: bool
    tot_session_id: str
    name: str = ""


@dataclass(slots=True)
class UnitRow:
    unit_type: str
    unit_id: str
    name: str
    academie: str
    departement: str
    zone: str
    teachers: int
    perdir: int
    inspectors: int
    etab_type: str = ""
    commune: str = ""
    address: str = ""
    bassin: str = ""


@dataclass
class Plan:
    sessions: list[Session] = field(default_factory=list)
    trainers: list[TrainerRow] = field(default_factory=list)
    units: list[UnitRow] = field(default_factory=list)
    report: dict = field(default_factory=dict)

    # ------------------------------------------------------------------ queries
    def sessions_of_unit(self, unit_type: str, unit_id: str) -> list[Session]:
        return sorted((s for s in self.sessions if s.unit_type == unit_type and s.unit_id == unit_id),
                      key=lambda s: (s.date, s.start, s.session_id))

    def sessions_of_trainer(self, trainer_id: str) -> list[Session]:
        return sorted((s for s in self.sessions if s.trainer_id == trainer_id), key=lambda s: (s.date, s.start))

    def unit(self, unit_type: str, unit_id: str) -> UnitRow | None:
        for u in self.units:
            if u.unit_type == unit_type and u.unit_id == unit_id:
                return u
        return None

    @property
    def unplaced(self) -> list[dict]:
        return list(self.report.get("unplaced", []))

    # ------------------------------------------------------------------ files
    def write(self, directory: str | Path) -> Path:
        d = Path(directory)
        d.mkdir(parents=True, exist_ok=True)
        _write_csv(d / "sessions.csv", SESSION_COLUMNS + SESSION_EXTRA, (_session_row(s) for s in self.sessions),
                   tuples=True)
        _write_csv(d / "trainers.csv", TRAINER_COLUMNS + TRAINER_EXTRA,
                   ({**asdict(t), "qualified": int(t.qualified)} for t in self.trainers))
        _write_csv(d / "units.csv", UNIT_COLUMNS + UNIT_EXTRA, (asdict(u) for u in self.units))
        _atomic_text(d / "report.json", json.dumps(self.report, ensure_ascii=False, indent=1, default=str))
        return d

    @classmethod
    def read(cls, directory: str | Path) -> "Plan":
        d = Path(directory)
        missing = [n for n in ("sessions.csv", "trainers.csv", "units.csv", "report.json") if not (d / n).exists()]
        if missing:
            raise PlanError(f"{d} : fichiers de plan manquants : {', '.join(missing)}")
        sessions = _read_sessions(d / "sessions.csv")
        trainers = []
        for line, r in _read_csv(d / "trainers.csv", TRAINER_COLUMNS):
            trainers.append(TrainerRow(
                trainer_id=r["trainer_id"], role=r["role"], academie=r["academie"], unit_type=r["unit_type"],
                unit_id=r["unit_id"], qualified=r["qualified"] in ("1", "True", "true"),
                tot_session_id=r["tot_session_id"], name=r.get("name") or "",
            ))
        units = []
        for line, r in _read_csv(d / "units.csv", UNIT_COLUMNS):
            try:
                units.append(UnitRow(
                    unit_type=r["unit_type"], unit_id=r["unit_id"], name=r["name"], academie=r["academie"],
                    departement=r["departement"], zone=r["zone"], teachers=int(r["teachers"] or 0),
                    perdir=int(r["perdir"] or 0), inspectors=int(r["inspectors"] or 0),
                    etab_type=r.get("etab_type") or "", commune=r.get("commune") or "",
                    address=r.get("address") or "", bassin=r.get("bassin") or "",
                ))
            except ValueError as exc:
                raise PlanError(f"{d / 'units.csv'}, ligne {line} : valeur invalide ({exc})") from None
        try:
            report = json.loads((d / "report.json").read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise PlanError(f"{d / 'report.json'} : JSON illisible ({exc})") from None
        return cls(sessions=sessions, trainers=trainers, units=units, report=report)


def _read_sessions(path: Path) -> list[Session]:
    """sessions.csv → sessions (a plain csv.reader and cached dates: national plans hold 350,000 rows)."""
    out: list[Session] = []
    dates: dict[str, dt.date] = {}
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        header = next(reader, [])
        missing = [c for c in SESSION_COLUMNS if c not in header]
        if missing:
            raise PlanError(f"{path} : colonnes manquantes : {', '.join(missing)}")
        ix = [header.index(c) for c in SESSION_COLUMNS]
        extra = [header.index(c) if c in header else None for c in SESSION_EXTRA]
        width = len(header)
        for line, r in enumerate(reader, start=2):
            if len(r) < width:
                raise PlanError(f"{path}, ligne {line} : {len(r)} colonnes au lieu de {width}")
            try:
                day = r[ix[9]]
                date = dates.get(day)
                if date is None:
                    date = dates[day] = dt.date.fromisoformat(day)
                g, pinned, title = (r[i] if i is not None else "" for i in extra)
                out.append(Session(r[ix[0]], r[ix[1]], r[ix[2]], r[ix[3]], r[ix[4]], r[ix[5]], r[ix[6]], r[ix[7]],
                                   r[ix[8]], date, r[ix[10]], r[ix[11]], int(r[ix[12]]), r[ix[13]], int(g or 0),
                                   pinned in ("1", "True", "true"), title))
            except ValueError as exc:
                raise PlanError(f"{path}, ligne {line} : valeur invalide ({exc})") from None
    return out


class PlanError(Exception):
    """A plan directory that cannot be read (French message naming the file and line)."""


def _session_row(s: Session) -> tuple:
    return (s.session_id, s.kind, s.audience, s.academie, s.departement, s.zone, s.unit_type, s.unit_id, s.trainer_id,
            s.date.isoformat(), s.start, s.end, s.participants, s.window, s.group, int(s.pinned), s.title)


def _atomic_text(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def _write_csv(path: Path, columns: list[str], rows, tuples: bool = False) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as f:
        if tuples:
            w = csv.writer(f)
            w.writerow(columns)
            w.writerows(rows)
        else:
            w = csv.DictWriter(f, fieldnames=columns, extrasaction="ignore")
            w.writeheader()
            w.writerows(rows)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def _read_csv(path: Path, required: list[str]):
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        cols = reader.fieldnames or []
        missing = [c for c in required if c not in cols]
        if missing:
            raise PlanError(f"{path} : colonnes manquantes : {', '.join(missing)}")
        for i, r in enumerate(reader, start=2):
            yield i, r
