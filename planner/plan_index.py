"""The one index of a plan (by territory, trainer and date) and of a scenario's territory.

Built once per plan and read by the window (numpy columns: filtering, sorting and aggregating
350,000 sessions stays instantaneous; nothing is copied into widgets) and by every export (sessions
by unit and by trainer). Also: putting one académie's plan into a plan (:func:`merge_plan`) and the
académies a plan covers (:func:`planned_academies`, what « Vérifier » checks).
"""
from __future__ import annotations

import datetime as dt
import itertools
import operator
from collections import defaultdict

import numpy as np

from planner.demand import compute_demand, demand_settings
from planner.models import Scenario
from planner.plan import Plan, Session, TrainerRow, UnitRow, in_slices
from planner.rows import column
from planner.text import hhmm_minutes

# A "scope" is what the territory tree selects: ("nation", "") | ("academie", code) |
# ("departement", code) | ("circonscription", id) | ("bassin", id) | ("etablissement", uai).
Scope = tuple[str, str]
NATION: Scope = ("nation", "")
_SERIALS = itertools.count(1)


class ScenarioIndex:
    """Names and parents of every territorial unit of a scenario, plus its demand."""

    # what holds whatever the settings: carried by :meth:`__init__` from an index of the same scenario (``like``)
    _UNITS = ("academies", "departements", "circonscriptions", "bassins", "etablissements", "trainers", "estimated",
              "etabs_of_bassin", "units_serial")

    # the scenario lists those units are made of: another scenario object holding these very lists (a copy of the
    # scenario with its settings apart, for a background computation) has the same units
    _UNIT_LISTS = ("academies", "departements", "circonscriptions", "bassins", "etablissements", "trainers",
                   "inspectors_estimated")

    def __init__(self, sc: Scenario, like: "ScenarioIndex | None" = None) -> None:
        """``like``: an index of this very scenario before a setting changed, or of a scenario holding the very same
        lists of units (its units and trainers by id, taken as they are; only the demand is computed again)."""
        self.scenario = sc
        # a number of its own: the figures a plan index keeps per scenario index are keyed by it (an id() may come
        # back for a later index once this one is gone)
        self.serial = next(_SERIALS)
        if like is not None and (like.scenario is sc or all(getattr(like.scenario, f) is getattr(sc, f)
                                                             for f in self._UNIT_LISTS)):
            self.__dict__.update({k: like.__dict__[k] for k in self._UNITS})
        else:
            self._index_units(sc)
        self.demand_key = demand_settings(sc.settings)  # what its demand was computed with
        self.demand = compute_demand(sc)
        # people to train (step 1) per unit key
        self.people: dict[tuple[str, str], int] = {}
        self.sessions_needed: dict[tuple[str, str], int] = {}
        self.unit_academie: dict[tuple[str, str], str] = {}
        self.unit_departement: dict[tuple[str, str], str] = {}
        for u in self.demand.units:
            k = (u.unit_type, u.unit_id)
            self.people[k] = u.people
            self.sessions_needed[k] = u.sessions
            self.unit_academie[k] = u.academie
            self.unit_departement[k] = u.departement
        for a in sc.academies:
            self.unit_academie[("academie", a.code)] = a.code

    def _index_units(self, sc: Scenario) -> None:
        self.units_serial = self.serial  # carried with the units by a later index of the same units (``like``)
        self.academies = {a.code: a for a in sc.academies}
        self.departements = {d.code: d for d in sc.departements}
        self.circonscriptions = {c.id: c for c in sc.circonscriptions}
        self.bassins = {b.id: b for b in sc.bassins}
        self.etablissements = {e.uai: e for e in sc.etablissements}
        self.trainers = {t.id: t for t in sc.trainers}
        # units whose people are estimated, not counted (planner.demand.estimate_note says how): teachers,
        # a bassin's personnels de direction, a département's inspectors
        self.estimated: set[tuple[str, str]] = (
            {("circonscription", c.id) for c in sc.circonscriptions if c.teachers_estimated}
            | {("etablissement", e.uai) for e in sc.etablissements if e.teachers_estimated}
            | {("bassin", b.id) for b in sc.bassins if b.perdir_estimated}
            | {("departement", d) for d in sc.inspectors_estimated})
        self.etabs_of_bassin: dict[str, list[str]] = defaultdict(list)
        for e in sc.etablissements:
            if e.bassin:
                self.etabs_of_bassin[e.bassin].append(e.uai)

    def memo(self, key, compute):
        """Something derived from this scenario (the window's territory tree), computed once."""
        memo = self.__dict__.setdefault("_memo", {})
        if key not in memo:
            memo[key] = compute()
        return memo[key]

    def name(self, unit_type: str, unit_id: str) -> str:
        if unit_type == "nation":
            return "France entière"
        if unit_type == "academie":
            a = self.academies.get(unit_id)
            return f"Académie de {a.name}" if a else unit_id
        table = {"departement": self.departements, "circonscription": self.circonscriptions,
                 "bassin": self.bassins, "etablissement": self.etablissements}.get(unit_type, {})
        u = table.get(unit_id)
        if u is None:
            return unit_id
        if unit_type == "departement":
            return f"{u.name} ({u.code})"
        return u.name

    def short_name(self, unit_type: str, unit_id: str) -> str:
        if unit_type == "academie" and unit_id in self.academies:
            return self.academies[unit_id].name
        return self.name(unit_type, unit_id)

    def academie_of(self, scope: Scope) -> str | None:
        kind, uid = scope
        if kind == "academie":
            return uid
        if kind == "departement":
            d = self.departements.get(uid)
            return d.academie if d else None
        for table in (self.circonscriptions, self.bassins, self.etablissements):
            if kind in ("circonscription", "bassin", "etablissement") and uid in table:
                return table[uid].academie
        return None

    def unit_keys_in(self, scope: Scope) -> list[tuple[str, str]]:
        """Demand units (step 1) inside a scope (a new list, in the demand's order)."""
        kind, uid = scope
        if kind in ("circonscription", "etablissement"):
            return [scope] if scope in self.unit_academie else []
        return list(self.memo(("unit_keys",), self._unit_keys_by_scope).get(NATION if kind == "nation" else scope, ()))

    def _unit_keys_by_scope(self) -> dict[Scope, list[tuple[str, str]]]:
        """The demand units of the nation, of each académie, département and bassin (a bassin's own unit and its
        établissements), made in one pass: the window asks at each selection."""
        out: dict[Scope, list[tuple[str, str]]] = defaultdict(list)
        nation = out[NATION]
        for k, acad in self.unit_academie.items():
            if k[0] == "academie":
                continue
            nation.append(k)
            out[("academie", acad)].append(k)
            dep = self.unit_departement.get(k)
            if dep is not None:
                out[("departement", dep)].append(k)
            if k[0] == "bassin":
                out[k].append(k)
            elif k[0] == "etablissement":
                e = self.etablissements.get(k[1])
                if e is not None and e.bassin:
                    out[("bassin", e.bassin)].append(k)
        return dict(out)

    def children(self, scope: Scope) -> list[Scope]:
        """The rows of a heat map for a scope: one level down the territory."""
        kind, uid = scope
        sc = self.scenario
        if kind == "nation":
            return [("academie", a.code) for a in sorted(sc.academies, key=lambda a: a.name)]
        if kind == "academie":
            return [("departement", d.code) for d in sc.departements if d.academie == uid]
        if kind == "departement":
            return ([("circonscription", c.id) for c in sc.circonscriptions if c.departement == uid]
                    + [("bassin", b.id) for b in sc.bassins if b.departement == uid])
        if kind == "bassin":
            return [scope] + [("etablissement", u) for u in self.etabs_of_bassin.get(uid, [])]
        return [scope]


def _group(items, key) -> dict:
    """``items`` in lists by ``key(item)``, in the order met; items whose key is empty are left out."""
    out: dict = defaultdict(list)
    for x in items:
        k = key(x)
        if k:
            out[k].append(x)
    return out


class PlanIndex:
    """One index of a plan, built once and read by the window and every export.

    * by territory, trainer and date as dicts of sessions (``by_unit``, ``by_trainer``, ``units``,
      ``trainers``, ``trainers_of_unit``, ``trainees_of_tot``, ``sessions_by_id``) — what a printed
      plan reads;
    * as numpy columns (``date_ord``, ``*_values``/``*_code`` per column, ``minutes``, ``pinned``…)
      and masks (:meth:`indices` of a scope) — what the window filters, sorts and aggregates.

    Both halves are computed on first use: an export never pays for the numpy columns, the window's
    session table never sorts the per-unit lists. ``six`` (a :class:`ScenarioIndex`) is needed only by
    the territory queries that look past the plan (a bassin's établissements, unplaced units).
    """

    def __init__(self, plan: Plan, six: "ScenarioIndex | None" = None) -> None:
        self.plan = plan
        self.six = six
        self.n = plan.session_count
        self.unplaced = list(plan.report.get("unplaced", []) or [])

    @classmethod
    def build(cls, plan: Plan) -> "PlanIndex":
        return cls(plan)

    @classmethod
    def from_stored(cls, plan: Plan, six: "ScenarioIndex | None", stored: dict) -> "PlanIndex":
        """The index of a plan read from a scenario file, from the file's columns
        (:func:`planner.plan_index_update.from_stored`)."""
        from .plan_index_update import from_stored

        return from_stored(plan, six, stored)

    def prepare(self) -> "PlanIndex":
        """Build its columns, dicts and tables now (in a background thread, so that the window never builds them:
        the tables of a national plan, which « Formateurs » first reads, are a thirtieth of a second)."""
        self.date_ord  # noqa: B018 - builds the columns on first use (then the dicts from them)
        self.by_unit  # noqa: B018 - builds the dicts on first use
        self.trainer_rows  # noqa: B018 - and the tables
        return self

    def memo(self, key, compute):
        """A figure derived from this plan, computed once (the budget, the KPIs a tab shows): undo and
        redo bring back a plan with its index, and so with its figures."""
        memo = self.__dict__.setdefault("_memo", {})
        if key not in memo:
            memo[key] = compute()
        return memo[key]

    def __getattr__(self, name: str):
        # first use of a lazily built group of attributes
        if name in _TABLE_ATTRS:
            self._build_tables()
        elif name in _DICT_ATTRS:
            self._build_dicts()
        elif name in _COLUMN_ATTRS:
            self._build_columns()
        else:
            raise AttributeError(name)
        return self.__dict__[name]

    def _build_dicts(self) -> None:
        plan = self.plan
        if "date_ord" in self.__dict__:  # the window's index: numpy orders the lists from the columns
            by_unit = self._groups(self.unit_values, self.unit_code, unit_key)
            by_trainer = self._groups(self.trainer_values, self.trainer_code, str, skip="")
            self.__dict__["_memo"].pop("by_position", None)  # shared by the two passes only
        else:  # an export's index, without columns (they would cost more than these lists)
            by_unit, by_trainer = defaultdict(list), defaultdict(list)
            for s in plan.sessions:
                by_unit[(s.unit_type, s.unit_id)].append(s)
                if s.trainer_id:
                    by_trainer[s.trainer_id].append(s)
            for lst in by_unit.values():
                lst.sort(key=_DICT_ORDER)
            for lst in by_trainer.values():
                lst.sort(key=_DICT_ORDER)
            by_unit, by_trainer = dict(by_unit), dict(by_trainer)
        self.__dict__.update(by_unit=by_unit, by_trainer=by_trainer,
                             sessions_by_id=_chunked_dict(self._ids(), plan.sessions))

    def _build_tables(self) -> None:
        """The plan's units and trainers by key: its tables only, none of its sessions."""
        plan = self.plan
        tou: dict[tuple[str, str], list[TrainerRow]] = defaultdict(list)
        tot: dict[str, list[TrainerRow]] = defaultdict(list)
        for t in plan.trainers:
            tou[(t.unit_type, t.unit_id)].append(t)
            if t.tot_session_id:
                tot[t.tot_session_id].append(t)
        trainers = {t.trainer_id: t for t in plan.trainers}
        self.__dict__.update(units={(u.unit_type, u.unit_id): u for u in plan.units}, trainers=trainers,
                             trainer_rows=trainers, trainers_of_unit=dict(tou), trainees_of_tot=dict(tot))

    def _ids(self) -> list[str]:
        memo = self.__dict__.setdefault("_memo", {})
        if "ids" not in memo:
            ids: list[str] = []
            for part in in_slices(self.plan.sessions):
                ids += column(part, "session_id")
            memo["ids"] = ids
        return memo["ids"]

    def _groups(self, values: np.ndarray, codes: np.ndarray, key, skip=None) -> dict:
        """Sessions by distinct value of a factorized column, each list by date, start, kind, group and id:
        numpy orders them (Python only cuts the lists), a national plan in a fraction of a second. ``skip``: a
        value whose list is not made (no trainer: most of the plan, listed in one call holding the lock)."""
        if not self.n:
            return {}
        ss = self.plan.sessions
        keys = (self.group, self.kind_code, self.start_code, self.date_ord, codes)  # start, kind: sorted codes
        order = np.lexsort(keys)
        same = np.ones(self.n - 1, dtype=bool)
        for k in keys:
            same &= k[order][1:] == k[order][:-1]
        if same.any():  # sessions alike but for their id: the id decides, as it always did
            starts = np.flatnonzero(same & ~np.concatenate([[False], same[:-1]]))
            ends = np.flatnonzero(same & ~np.concatenate([same[1:], [False]])) + 2
            ids = self._ids()
            for a, b in zip(starts.tolist(), ends.tolist()):
                order[a:b] = sorted(order[a:b].tolist(), key=ids.__getitem__)
        cuts = np.flatnonzero(np.diff(codes[order])) + 1
        memo = self.__dict__.setdefault("_memo", {})
        if "by_position" not in memo:  # fromiter: numpy does not look into each session as a[:] = list does
            memo["by_position"] = np.fromiter(ss, dtype=object, count=self.n)
        by_position = memo["by_position"]
        firsts = [0] + cuts.tolist()
        # each group's sessions taken on their own: one take of the whole plan in its new order held the
        # interpreter lock 50-80 ms (400,000 objects out of order), and the window waited for it
        return {k: by_position[part].tolist() for f, part in zip(firsts, np.split(order, cuts))
                if (k := key(values[codes[order[f]]])) != skip}

    def _build_columns(self) -> None:
        ss = self.plan.sessions
        n = self.n
        d = self.__dict__
        # each attribute read by one compiled comprehension (planner.rows), then counted or coded in C, a slice at a
        # time (the window, waiting for the interpreter lock, gets it between two)
        d["date_ord"] = _array(column(ss, "date"), np.int64, dt.date.toordinal)
        d["participants"] = _array(column(ss, "participants"), np.int64)
        for name, attr in _FACTORIZED_ATTRS.items():
            if attr:
                values = column(ss, attr)
            else:  # « type|id »
                values = []
                for types, ids in zip(in_slices(column(ss, "unit_type")), in_slices(column(ss, "unit_id"))):
                    values += map("|".join, zip(types, ids))
            d[f"{name}_values"], d[f"{name}_code"] = factorize(values)
        d["pinned"] = _array(column(ss, "pinned"), bool, bool)
        d["group"] = _array(column(ss, "group"), np.int64)
        self._derive_columns()

    def _derive_columns(self, kept: dict | None = None) -> None:
        n = self.n
        d = self.__dict__
        tv = d["trainer_values"]
        d["has_trainer"] = d["trainer_code"] != (0 if len(tv) and tv[0] == "" else -1)
        start_min = np.array([hhmm_minutes(v) for v in d["start_values"]], dtype=np.int64)
        end_min = np.array([hhmm_minutes(v) for v in d["end_values"]], dtype=np.int64)
        d["start_minutes"] = start_min[d["start_code"]] if n else np.zeros(0, dtype=np.int64)
        d["minutes"] = (end_min[d["end_code"]] - d["start_minutes"]) if n else np.zeros(0, dtype=np.int64)
        kept = kept or {}  # positions of the same distinct values in the plan this index was derived from
        d["unit_pos"] = kept.get("unit_pos") or {v: i for i, v in enumerate(d["unit_values"])}
        d["trainer_pos"] = kept.get("trainer_pos") or {v: i for i, v in enumerate(tv)}

    # --------------------------------------------------------------- another plan, a few sessions apart
    def replaced(self, remove, add: list[Session], report: dict | None = None) -> "PlanIndex":
        """The index of this plan without the sessions at positions ``remove`` and with ``add``, updated
        from this one (:func:`planner.plan_index_update.replaced`)."""
        from .plan_index_update import replaced

        return replaced(self, remove, add, report)

    # --------------------------------------------------------------- the plan's report
    @property
    def report(self) -> dict:
        return self.plan.report or {}

    @property
    def settings(self) -> dict:
        s = self.report.get("settings")
        return s if isinstance(s, dict) else {}

    @property
    def plan_name(self) -> str:
        r = self.report
        sc = r.get("scenario") if isinstance(r.get("scenario"), dict) else {}
        return str(r.get("plan_name") or sc.get("name") or "Plan sans nom")

    @property
    def version(self) -> str:
        return str(self.report.get("version") or "")

    @property
    def generated_at(self) -> dt.date | None:
        v = self.report.get("generated_at")
        if not v:
            return None
        try:
            return dt.datetime.fromisoformat(str(v).replace("Z", "+00:00")).date()
        except ValueError:
            try:
                return dt.date.fromisoformat(str(v)[:10])
            except ValueError:
                return None

    @property
    def citation(self) -> str:
        r = self.report
        sc = r.get("scenario") if isinstance(r.get("scenario"), dict) else {}
        # the scenario's own citation when it carries one (an imported annuaire); « national » or a file
        # name is not a citation: the reference data's citation then
        src = str(sc.get("citation") or sc.get("source") or r.get("source") or "")
        if len(src) > 40 and " " in src:
            return src
        from .sources.reference import CITATION

        return CITATION

    @property
    def group_size(self) -> int:
        try:
            return int(self.settings.get("group_size") or 15)
        except (TypeError, ValueError):
            return 15

    def window_label(self, name: str) -> str:
        from .settings import DEFAULT_WINDOWS

        wins = self.settings.get("windows")
        if isinstance(wins, dict) and isinstance(wins.get(name), dict) and wins[name].get("label"):
            return str(wins[name]["label"])
        spec = DEFAULT_WINDOWS.get(name)
        return spec.label if spec else name

    # --------------------------------------------------------------- by unit and trainer
    def unit(self, unit_type: str, unit_id: str) -> UnitRow | None:
        return self.units.get((unit_type, unit_id))

    def sessions_of_unit(self, unit_type: str, unit_id: str) -> list[Session]:
        if "by_unit" not in self.__dict__ and "date_ord" in self.__dict__:  # the lists not made yet (a plan just read,
            return self._rows_of(self.unit_values, self.unit_code, f"{unit_type}|{unit_id}")  # made behind): its rows
        return self.by_unit.get((unit_type, unit_id), [])

    def sessions_of_trainer(self, trainer_id: str) -> list[Session]:
        if "by_trainer" not in self.__dict__ and "date_ord" in self.__dict__:
            return self._rows_of(self.trainer_values, self.trainer_code, trainer_id) if trainer_id else []
        return self.by_trainer.get(trainer_id, [])

    def _rows_of(self, values: np.ndarray, codes: np.ndarray, value: str) -> list[Session]:
        """The sessions whose factorized column (``values`` sorted) holds ``value``, in the order of the lists by unit
        and trainer (:meth:`_groups`), found from the columns: a window asking before those lists are made waits for
        neither them nor the plan's sessions (:meth:`planner.plan.Plan.session_at`)."""
        at = int(np.searchsorted(values, value))
        if at >= len(values) or values[at] != value:
            return []
        return sorted(map(self.plan.session_at, np.flatnonzero(codes == at).tolist()), key=_DICT_ORDER)

    def trainer_name(self, trainer_id: str) -> str:
        t = self.trainers.get(trainer_id)
        return (t.name or t.trainer_id) if t else (trainer_id or "—")

    def tot_of(self, trainer: TrainerRow) -> Session | None:
        return self.sessions_by_id.get(trainer.tot_session_id) if trainer.tot_session_id else None

    def units_of(self, unit_type: str, academie: str | None = None) -> list[UnitRow]:
        out = [u for (t, _), u in self.units.items() if t == unit_type and (academie is None or u.academie == academie)]
        return sorted(out, key=lambda u: u.unit_id)

    def academie_of_session(self, s: Session) -> str:
        return s.academie

    def location(self, unit_type: str, unit_id: str) -> str:
        """Where a unit's sessions take place: its address and commune, else its name."""
        from .exports.common import academie_name

        u = self.unit(unit_type, unit_id)
        if u is None:
            return f"Académie de {academie_name(unit_id)}" if unit_type == "academie" else unit_id
        parts = [p for p in (u.address, u.commune) if p]
        if parts:
            return ", ".join(parts)
        if unit_type == "academie":
            return f"Académie de {academie_name(u.unit_id)}"
        return u.name or u.unit_id

    # --------------------------------------------------------------- masks by territory, trainer, date
    def _eq(self, values, codes, value) -> np.ndarray:
        i = np.searchsorted(values, value)
        if i < len(values) and values[i] == value:
            return codes == i
        return np.zeros(self.n, dtype=bool)

    def scope_codes(self, scope: Scope) -> tuple[str, list[int]] | None:
        """(the code column, its codes) whose sessions make a territory (or ``("trainer", id)``): the académie's or
        département's code, the trainer's, else the unit's own and, for a bassin, its établissements'; None for the
        nation (every session). No code when the plan holds none of them."""
        kind, uid = scope
        if kind == "nation":
            return None
        if kind in ("academie", "departement", "trainer"):
            col, value = {"academie": "acad", "departement": "dep", "trainer": "trainer"}[kind], uid
        elif kind == "bassin":
            etabs = self.six.etabs_of_bassin.get(uid, []) if self.six is not None else []
            keys = [f"bassin|{uid}"] + [f"etablissement|{u}" for u in etabs]
            return "unit_code", [self.unit_pos[k] for k in keys if k in self.unit_pos]
        else:
            col, value = "unit", f"{kind}|{uid}"
        values = getattr(self, f"{col}_values")
        i = int(np.searchsorted(values, value))
        return f"{col}_code", [i] if i < len(values) and values[i] == value else []

    def scope_mask(self, scope: Scope) -> np.ndarray:
        spec = self.scope_codes(scope)
        if spec is None:
            return np.ones(self.n, dtype=bool)
        col, codes = spec
        if not codes:
            return np.zeros(self.n, dtype=bool)
        if len(codes) == 1:
            return getattr(self, col) == codes[0]
        return np.isin(getattr(self, col), codes)

    def indices(self, scope: Scope) -> np.ndarray:
        """Positions in ``plan.sessions`` of the sessions of a territory (or ``("trainer", id)``)."""
        return np.nonzero(self.scope_mask(scope))[0]

    def between(self, first: dt.date, last: dt.date) -> np.ndarray:
        """Positions of the sessions dated from ``first`` to ``last`` (inclusive)."""
        return np.nonzero((self.date_ord >= first.toordinal()) & (self.date_ord <= last.toordinal()))[0]

    def unplaced_in(self, scope: Scope) -> list[dict]:
        """The unplaced records of a territory (the whole list for the nation)."""
        kind, uid = scope
        if kind == "nation":
            return self.unplaced
        if kind == "academie":  # grouped by académie once per plan
            by_academie = self.memo(("unplaced_by_academie", self.six.serial if self.six else 0),
                                    self._unplaced_by_academie)
            return list(by_academie.get(uid, ()))
        keys = set(self.six.unit_keys_in(scope)) if self.six is not None else set()
        return [u for u in self.unplaced if isinstance(u, dict)
                and ((k := (u.get("unit_type", ""), str(u.get("unit_id", "")))) in keys or k == scope)]

    def _unplaced_by_academie(self) -> dict[str | None, list[dict]]:
        out: dict[str | None, list[dict]] = {}
        for u in self.unplaced:
            if isinstance(u, dict):
                out.setdefault(self.unplaced_academie(u), []).append(u)
        return out

    def unplaced_academie(self, u: dict) -> str | None:
        """The académie of an unplaced record: its own field, else its unit's (scenario, then plan)."""
        return unplaced_academie(u, self.six, self.units)

    # ---------------------------------------------------------- aggregates
    def titles(self) -> tuple[np.ndarray, np.ndarray]:
        """(the plan's distinct titles, sorted; each session's rank among them), made once per plan (:func:`factorize`);
        a re-planned unit's index carries them over (:func:`planner.plan_index_update.replaced`). The ranks order the
        sessions by title; a title no session holds any more may stay among the values."""
        return self.memo(("titles",), lambda: factorize(column(self.plan.sessions, "title")))

    def date_range(self) -> tuple[dt.date, dt.date] | None:
        if not self.n:
            return None
        return dt.date.fromordinal(int(self.date_ord.min())), dt.date.fromordinal(int(self.date_ord.max()))

    def per_node_totals(self) -> dict[Scope, tuple[int, int]]:
        """(sessions, last date ordinal) per territorial node, for the tree's columns."""
        out: dict[Scope, tuple[int, int]] = {}
        if not self.n:
            return out

        def agg(codes, n_values: int) -> zip:
            """(sessions, last day) of each value, as Python ints (numpy's are read once each, not per node)."""
            cnt = np.bincount(codes, minlength=n_values)
            last = np.zeros(n_values, dtype=np.int64)
            np.maximum.at(last, codes, self.date_ord)
            return zip(cnt.tolist(), last.tolist())

        out.update(zip([("academie", str(v)) for v in self.acad_values.tolist()],
                       agg(self.acad_code, len(self.acad_values))))
        out.update(zip([("departement", str(v)) for v in self.dep_values.tolist()],
                       agg(self.dep_code, len(self.dep_values))))
        tree_kinds = ("circonscription", "etablissement", "bassin")
        for key, totals in zip([unit_key(v) for v in self.unit_values.tolist()],
                               agg(self.unit_code, len(self.unit_values))):
            if key[0] in tree_kinds:
                out[key] = totals
        # a bassin node aggregates its établissements too
        get, none = out.get, (0, 0)
        for b, uais in (self.six.etabs_of_bassin.items() if self.six is not None else ()):
            c, lst = get(("bassin", b), none)
            for u in uais:
                c2, l2 = get(("etablissement", u), none)
                c += c2
                if l2 > lst:
                    lst = l2
            if c:
                out[("bassin", b)] = (c, lst)
        out[NATION] = (self.n, int(self.date_ord.max()))
        return out


def unit_key(value) -> tuple[str, str]:
    """(unit type, unit id) of a factorized unit value « type|id » (``unit_values``)."""
    return tuple(str(value).split("|", 1))


def _chunked_dict(keys: list, values: list) -> dict:
    """``dict(zip(keys, values))`` in passes of a few milliseconds (a window thread waits for none of them)."""
    out: dict = {}
    for k, v in zip(in_slices(keys), in_slices(values)):
        out.update(zip(k, v))
    return out


def session_order(s: Session) -> tuple:
    """The order of ``plan.sessions``: date, start, id."""
    return (s.date, s.start, s.session_id)


def _DICT_ORDER(s: Session) -> tuple:  # noqa: N802 - the order of the per-unit and per-trainer lists
    return (s.date, s.start, s.kind, s.group, s.session_id)


def _has(values: np.ndarray, v) -> bool:
    i = int(np.searchsorted(values, v))
    return i < len(values) and values[i] == v


# the factorized columns by the session attribute they hold (None: the unit « type|id »)
_FACTORIZED_ATTRS = {"acad": "academie", "dep": "departement", "unit": None, "trainer": "trainer_id", "kind": "kind",
                     "aud": "audience", "win": "window", "start": "start", "end": "end"}
# the same, as a function of one session (a few sessions re-planned: planner.plan_index_update)
_FACTORIZED = tuple((name, operator.attrgetter(attr) if attr else (lambda s: f"{s.unit_type}|{s.unit_id}"))
                    for name, attr in _FACTORIZED_ATTRS.items())

_DICT_ATTRS = frozenset({"by_unit", "by_trainer", "sessions_by_id"})
_TABLE_ATTRS = frozenset({"units", "trainers", "trainers_of_unit", "trainees_of_tot", "trainer_rows"})
_COLUMN_ATTRS = frozenset({"date_ord", "participants", "has_trainer", "start_minutes", "minutes", "pinned", "group",
                           "unit_pos", "trainer_pos"} | {f"{c}_{p}" for c in ("acad", "dep", "unit", "trainer", "kind",
                                                                              "aud", "win", "start", "end")
                                                      for p in ("values", "code")})


def _array(values: list, dtype, fn=None) -> np.ndarray:
    """``np.array([fn(v) for v in values])``, filled in C a slice at a time (:func:`planner.plan.in_slices`)."""
    out = np.empty(len(values), dtype=dtype)
    at = 0
    for part in in_slices(values):
        out[at:at + len(part)] = np.fromiter(part if fn is None else map(fn, part), dtype=dtype, count=len(part))
        at += len(part)
    return out


def factorize(values) -> tuple[np.ndarray, np.ndarray]:
    """(sorted distinct values, code of each value in that order): a dict pass, no string sorting of n items; in C,
    a slice at a time."""
    values = values if isinstance(values, list) else list(values)
    first: dict = {}
    for part in in_slices(values):
        first.update(dict.fromkeys(part))  # in order of first appearance
    seen = {v: i for i, v in enumerate(first)}
    if not seen:
        return np.array([], dtype=str), np.zeros(0, dtype=np.int64)
    raw = _array(values, np.int64, seen.__getitem__)
    uniq = list(seen)
    order = sorted(range(len(uniq)), key=uniq.__getitem__)
    rank = np.empty(len(uniq), dtype=np.int64)
    rank[order] = np.arange(len(uniq))
    return np.array([uniq[i] for i in order], dtype=str), rank[raw]


def rank_of(labels: list[str]) -> np.ndarray:
    """Rank of each label in sorted order (ties share the order of first appearance)."""
    order = sorted(range(len(labels)), key=labels.__getitem__)
    rank = np.empty(len(labels), dtype=np.int64)
    rank[order] = np.arange(len(labels))
    return rank




def monday(d: dt.date) -> dt.date:
    return d - dt.timedelta(days=d.weekday())


def merge_plan(old: Plan | None, new: Plan, academie: str | None, six: ScenarioIndex) -> Plan:
    """Put the plan of one académie into the current plan (the other académies' sessions are kept)."""
    if old is None or academie is None or not old.sessions:
        return new
    other = [s for s in old.sessions if s.academie != academie]
    if not other:
        return new

    report = dict(new.report)
    report["unplaced"] = [u for u in old.unplaced if unplaced_academie(u, six) != academie] + list(new.unplaced)
    report["merged_from"] = "plan de plusieurs calculs (académie par académie)"
    return Plan(sessions=other + list(new.sessions),
                trainers=[t for t in old.trainers if t.academie != academie] + list(new.trainers),
                units=[u for u in old.units if u.academie != academie] + list(new.units),
                report=report)


def planned_academies(plan: Plan | None, six: ScenarioIndex, index: PlanIndex | None = None) -> list[str]:
    """The académies a plan covers: those with a session or an unplaced unit (what « Vérifier » checks);
    ``index``: the plan's index, whose distinct académies are already known."""
    if plan is None:
        return []
    if index is not None and index.plan is plan:  # computed once per plan and scenario (the window asks often)
        return list(index.memo(("planned_academies", six.serial), lambda: _planned_academies(plan, six, index)))
    return _planned_academies(plan, six, None)


def _planned_academies(plan: Plan, six: ScenarioIndex, index: PlanIndex | None) -> list[str]:
    if index is not None:
        codes = {str(a) for a in index.acad_values if a}
    else:
        codes = {s.academie for s in plan.sessions if s.academie}
    codes.update(str(a) for u in plan.unplaced if (a := unplaced_academie(u, six)))
    return sorted(c for c in codes if c in six.academies)


def unplaced_academie(u: dict, six: ScenarioIndex | None = None, units: dict | None = None) -> str | None:
    """The académie of an unplaced record: its ``academie`` field, else its unit's in the scenario
    (``six``) or in the plan's unit rows (``units``), else the unit itself when it is an académie."""
    if not isinstance(u, dict):
        return None
    if u.get("academie"):
        return str(u["academie"])
    k = (str(u.get("unit_type", "")), str(u.get("unit_id", "")))
    if k[0] == "academie":
        return k[1]
    if six is not None and k in six.unit_academie:
        return six.unit_academie[k]
    row = units.get(k) if units else None
    return row.academie if row is not None else None
