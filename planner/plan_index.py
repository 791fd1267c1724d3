"""Indexes over a Plan and a Scenario, computed once per plan, shared by the views.

Nothing here copies the plan into widgets: it holds numpy arrays of codes and positions into
``plan.sessions`` so that filtering, sorting and aggregating 52,000 sessions stays instantaneous.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict

import numpy as np

from planner.demand import compute_demand
from planner.models import Scenario
from planner.plan import Plan

# A "scope" is what the territory tree selects: ("nation", "") | ("academie", code) |
# ("departement", code) | ("circonscription", id) | ("bassin", id) | ("etablissement", uai).
Scope = tuple[str, str]
NATION: Scope = ("nation", "")


class ScenarioIndex:
    """Names and parents of every territorial unit of a scenario, plus its demand."""

    def __init__(self, sc: Scenario) -> None:
        self.scenario = sc
        self.academies = {a.code: a for a in sc.academies}
        self.departements = {d.code: d for d in sc.departements}
        self.circonscriptions = {c.id: c for c in sc.circonscriptions}
        self.bassins = {b.id: b for b in sc.bassins}
        self.etablissements = {e.uai: e for e in sc.etablissements}
        self.trainers = {t.id: t for t in sc.trainers}
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
        self.etabs_of_bassin: dict[str, list[str]] = defaultdict(list)
        for e in sc.etablissements:
            if e.bassin:
                self.etabs_of_bassin[e.bassin].append(e.uai)

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
        """Demand units (step 1) inside a scope."""
        kind, uid = scope
        out = []
        for k, acad in self.unit_academie.items():
            if k[0] == "academie":
                continue
            if kind == "nation":
                out.append(k)
            elif kind == "academie" and acad == uid:
                out.append(k)
            elif kind == "departement" and self.unit_departement.get(k) == uid:
                out.append(k)
            elif kind in ("circonscription", "etablissement") and k == scope:
                out.append(k)
            elif kind == "bassin" and (k == scope or (k[0] == "etablissement" and uid and
                                                     self.etablissements.get(k[1]) is not None and
                                                     self.etablissements[k[1]].bassin == uid)):
                out.append(k)
        return out

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


class PlanIndex:
    """Numpy views of a plan's sessions (codes per column) for fast filtering and aggregation."""

    def __init__(self, plan: Plan, six: ScenarioIndex) -> None:
        self.plan = plan
        self.six = six
        ss = plan.sessions
        n = len(ss)
        self.n = n
        self.date_ord = np.fromiter((s.date.toordinal() for s in ss), dtype=np.int64, count=n)
        self.participants = np.fromiter((s.participants for s in ss), dtype=np.int64, count=n)

        codes = factorize
        self.acad_values, self.acad_code = codes(s.academie for s in ss)
        self.dep_values, self.dep_code = codes(s.departement for s in ss)
        self.unit_values, self.unit_code = codes(f"{s.unit_type}|{s.unit_id}" for s in ss)
        self.trainer_values, self.trainer_code = codes(s.trainer_id for s in ss)
        self.kind_values, self.kind_code = codes(s.kind for s in ss)
        self.aud_values, self.aud_code = codes(s.audience for s in ss)
        self.win_values, self.win_code = codes(s.window for s in ss)
        self.start_values, self.start_code = codes(s.start for s in ss)
        self.end_values, self.end_code = codes(s.end for s in ss)
        self.has_trainer = self.trainer_code != (np.searchsorted(self.trainer_values, "")
                                                 if len(self.trainer_values) and self.trainer_values[0] == "" else -1)
        start_min = np.array([_minutes(v) for v in self.start_values], dtype=np.int64)
        end_min = np.array([_minutes(v) for v in self.end_values], dtype=np.int64)
        self.start_minutes = start_min[self.start_code] if n else np.zeros(0, dtype=np.int64)
        self.minutes = (end_min[self.end_code] - self.start_minutes) if n else np.zeros(0, dtype=np.int64)
        self.pinned = np.fromiter((bool(s.pinned) for s in ss), dtype=bool, count=n)
        self.unit_pos = {v: i for i, v in enumerate(self.unit_values)}
        self.trainer_pos = {v: i for i, v in enumerate(self.trainer_values)}
        self.trainer_rows = {t.trainer_id: t for t in plan.trainers}
        self.unplaced = list(plan.report.get("unplaced", []) or [])

    # --------------------------------------------------------------- masks
    def _eq(self, values, codes, value) -> np.ndarray:
        i = np.searchsorted(values, value)
        if i < len(values) and values[i] == value:
            return codes == i
        return np.zeros(self.n, dtype=bool)

    def scope_mask(self, scope: Scope) -> np.ndarray:
        kind, uid = scope
        if kind == "nation":
            return np.ones(self.n, dtype=bool)
        if kind == "academie":
            return self._eq(self.acad_values, self.acad_code, uid)
        if kind == "departement":
            return self._eq(self.dep_values, self.dep_code, uid)
        if kind == "bassin":
            keys = [f"bassin|{uid}"] + [f"etablissement|{u}" for u in self.six.etabs_of_bassin.get(uid, [])]
            idx = [self.unit_pos[k] for k in keys if k in self.unit_pos]
            return np.isin(self.unit_code, idx) if idx else np.zeros(self.n, dtype=bool)
        if kind == "trainer":
            return self._eq(self.trainer_values, self.trainer_code, uid)
        return self._eq(self.unit_values, self.unit_code, f"{kind}|{uid}")

    def indices(self, scope: Scope) -> np.ndarray:
        return np.nonzero(self.scope_mask(scope))[0]

    def unplaced_in(self, scope: Scope) -> list[dict]:
        kind, uid = scope
        if kind == "nation":
            return self.unplaced
        keys = set(self.six.unit_keys_in(scope)) if kind != "academie" else None
        out = []
        for u in self.unplaced:
            k = (u.get("unit_type", ""), str(u.get("unit_id", "")))
            if kind == "academie":
                acad = u.get("academie") or self.six.unit_academie.get(k) or (k[1] if k[0] == "academie" else None)
                if acad == uid:
                    out.append(u)
            elif k in keys or k == scope:
                out.append(u)
        return out

    # ---------------------------------------------------------- aggregates
    def date_range(self) -> tuple[dt.date, dt.date] | None:
        if not self.n:
            return None
        return dt.date.fromordinal(int(self.date_ord.min())), dt.date.fromordinal(int(self.date_ord.max()))

    def per_node_totals(self) -> dict[Scope, tuple[int, int]]:
        """(sessions, last date ordinal) per territorial node, for the tree's columns."""
        out: dict[Scope, tuple[int, int]] = {}
        if not self.n:
            return out

        def agg(values, codes, kind):
            cnt = np.bincount(codes, minlength=len(values))
            last = np.full(len(values), 0, dtype=np.int64)
            np.maximum.at(last, codes, self.date_ord)
            for i, v in enumerate(values):
                out[(kind, str(v))] = (int(cnt[i]), int(last[i]))

        agg(self.acad_values, self.acad_code, "academie")
        agg(self.dep_values, self.dep_code, "departement")
        cnt = np.bincount(self.unit_code, minlength=len(self.unit_values))
        last = np.zeros(len(self.unit_values), dtype=np.int64)
        np.maximum.at(last, self.unit_code, self.date_ord)
        for i, v in enumerate(self.unit_values):
            t, uid = str(v).split("|", 1)
            if t in ("circonscription", "etablissement", "bassin"):
                out[(t, uid)] = (int(cnt[i]), int(last[i]))
        # a bassin node aggregates its établissements too
        for b, uais in self.six.etabs_of_bassin.items():
            c, lst = out.get(("bassin", b), (0, 0))
            for u in uais:
                c2, l2 = out.get(("etablissement", u), (0, 0))
                c += c2
                lst = max(lst, l2)
            if c:
                out[("bassin", b)] = (c, lst)
        total = (self.n, int(self.date_ord.max()))
        out[NATION] = total
        return out


def factorize(values) -> tuple[np.ndarray, np.ndarray]:
    """(sorted distinct values, code of each value in that order): a dict pass, no string sorting of n items."""
    seen: dict = {}
    raw = np.fromiter((seen.setdefault(v, len(seen)) for v in values), dtype=np.int64)
    if not seen:
        return np.array([], dtype=str), np.zeros(0, dtype=np.int64)
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


def _minutes(hhmm: str) -> int:
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


def monday(d: dt.date) -> dt.date:
    return d - dt.timedelta(days=d.weekday())


def merge_plan(old: Plan | None, new: Plan, academie: str | None, six: ScenarioIndex) -> Plan:
    """Put the plan of one académie into the current plan (the other académies' sessions are kept)."""
    if old is None or academie is None or not old.sessions:
        return new
    other = [s for s in old.sessions if s.academie != academie]
    if not other:
        return new

    def acad_of(u: dict) -> str | None:
        k = (u.get("unit_type", ""), str(u.get("unit_id", "")))
        return u.get("academie") or six.unit_academie.get(k) or (k[1] if k[0] == "academie" else None)

    report = dict(new.report)
    report["unplaced"] = [u for u in old.unplaced if acad_of(u) != academie] + list(new.unplaced)
    report["merged_from"] = "plan de plusieurs calculs (académie par académie)"
    return Plan(sessions=other + list(new.sessions),
                trainers=[t for t in old.trainers if t.academie != academie] + list(new.trainers),
                units=[u for u in old.units if u.academie != academie] + list(new.units),
                report=report)


def planned_academies(plan: Plan | None, six: ScenarioIndex) -> list[str]:
    """The académies a plan covers: those with a session or an unplaced unit (what « Vérifier » checks)."""
    if plan is None:
        return []
    codes = {s.academie for s in plan.sessions if s.academie}
    for u in plan.unplaced:
        k = (u.get("unit_type", ""), str(u.get("unit_id", "")))
        a = u.get("academie") or six.unit_academie.get(k) or (k[1] if k[0] == "academie" else None)
        if a:
            codes.add(str(a))
    return sorted(c for c in codes if c in six.academies)
