"""Two plans of the same scenario side by side, and the KPIs the scenario file keeps for each plan."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from .plan import Plan, Session


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


def plan_kpis(plan: Plan, index=None) -> dict:
    """KPIs of a plan, computed from its sessions (plus the solver's own KPIs when its report has some);
    from the columns of ``index`` (the plan's :class:`planner.plan_index.PlanIndex`) when given."""
    ss = plan.sessions
    if index is not None and index.plan is plan and ss:
        k = _index_kpis(index)
    else:
        per_trainer: dict[str, int] = {}
        for s in ss:
            if s.trainer_id:
                per_trainer[s.trainer_id] = per_trainer.get(s.trainer_id, 0) + 1
        k = {
            "sessions": len(ss),
            "step1_sessions": sum(1 for s in ss if s.kind == "step1"),
            "tot_sessions": sum(1 for s in ss if s.kind == "tot"),
            "participants": sum(s.participants for s in ss),
            "first_date": min((s.date for s in ss), default=None),
            "last_date": max((s.date for s in ss), default=None),
            "trainers_used": len(per_trainer),
            "max_sessions_per_trainer": max(per_trainer.values(), default=0),
            "pinned": sum(1 for s in ss if s.pinned),
        }
    k = {**k, "unplaced": len(plan.unplaced)}
    k = {key: k[key] for key in KPI_LABELS}
    k = {key: (v.isoformat() if isinstance(v, dt.date) else v) for key, v in k.items()}
    extra = plan.report.get("kpis") if isinstance(plan.report, dict) else None
    if isinstance(extra, dict):
        for key, v in extra.items():
            if isinstance(v, (int, float, str, bool)) or v is None:
                k.setdefault(str(key), v)
    return k


def _index_kpis(ix) -> dict:
    import numpy as np

    def count(values, codes, v) -> int:
        i = int(np.searchsorted(values, v))
        return int((codes == i).sum()) if i < len(values) and values[i] == v else 0

    with_trainer = ix.trainer_code[ix.has_trainer]
    per_trainer = np.bincount(with_trainer) if len(with_trainer) else np.zeros(0, dtype=np.int64)
    return {
        "sessions": ix.n,
        "step1_sessions": count(ix.kind_values, ix.kind_code, "step1"),
        "tot_sessions": count(ix.kind_values, ix.kind_code, "tot"),
        "participants": int(ix.participants.sum()),
        "first_date": dt.date.fromordinal(int(ix.date_ord.min())),
        "last_date": dt.date.fromordinal(int(ix.date_ord.max())),
        "trainers_used": int((per_trainer > 0).sum()),
        "max_sessions_per_trainer": int(per_trainer.max()) if len(per_trainer) else 0,
        "pinned": int(ix.pinned.sum()),
    }


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
