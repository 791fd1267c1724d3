"""Same checker findings before and after a change of the independent checker, on clean and broken plans.

The académies' plans the solve workers check (``solvers.api._check_findings``: the national default 2026-2027
planned from 2026-11-30) are solved once and kept in ``--inputs`` (a pickle; built when missing, about 30 s
of CPU for the nation). Then ``check_plan`` of THIS checkout runs on each clean plan (CPU printed, the
least of 3 rounds) and on 12 broken copies per académie (seeded edits: dates, times, trainers, windows,
attendees, kinds, ids, duplicates, deletions, piled-up days, caps the national settings leave off...).
  --save FILE   write every finding (rule, message, severity, session) to FILE
  --cmp FILE    compare with FILE (same findings, same order), print the first differences, exit 1 if any
Run it in two checkouts with the same --inputs, e.g.
  (cd /work/main && python /work/wt-x/bench/check_same.py --inputs /tmp/in.pkl --save /tmp/ref.pkl)
  (cd /work/wt-x && python bench/check_same.py --inputs /tmp/in.pkl --cmp /tmp/ref.pkl)
"""
from __future__ import annotations

import argparse
import copy
import dataclasses
import datetime as dt
import os
import pickle
import random
import sys
import time

sys.path.insert(0, os.getcwd())  # the checker of the checkout it is run from

TIMES = ["08:00", "08:30", "09:00", "12:00", "13:30", "14:00", "16:30", "17:00", "18:00", "19:00", "20:30", "9:00"]


def build_inputs(path: str, codes: list[str] | None) -> None:
    from planner.plan import Plan
    from planner.sources.reference import national_reference
    from solvers import api
    from solvers.summary import unit_rows

    sc = national_reference("2026-2027", dt.date(2026, 11, 30))
    out = {}
    check = api._check_findings

    def keep(own, res):  # the plan as the worker checks it
        out[own.academies[0].code] = (own, Plan(sessions=[copy.copy(x) for x in res.sessions],
                                                trainers=list(res.trainer_rows), units=unit_rows(own),
                                                report={"unplaced": [u.as_dict() for u in res.unplaced]}))
        return check(own, res)

    api._check_findings = keep
    try:
        for c in codes or [a.code for a in sc.academies]:
            api._solve_one(sc.restricted_to(c), c, "cpsat", 30.0, 0, None, precheck=True)
    finally:
        api._check_findings = check
    with open(path, "wb") as f:
        pickle.dump(out, f)


def broken(rng: random.Random, own, plan):
    """A copy of ``plan`` with 1 to 80 seeded edits."""
    from planner.plan import Plan

    ss = [copy.copy(x) for x in plan.sessions]
    trs = [copy.copy(t) for t in plan.trainers]
    unplaced = [dict(u) for u in plan.report["unplaced"]]
    wins = list(own.settings.windows) + ["nope"]
    for _ in range(rng.choice([1, 2, 5, 20, 80])):
        i = rng.randrange(len(ss))
        x, o = ss[i], ss[rng.randrange(len(ss))]
        k = rng.randrange(25)
        if k == 0:
            x.date = x.date + dt.timedelta(days=rng.randint(-40, 40))
        elif k == 1:
            x.start = rng.choice(TIMES)
        elif k == 2:
            x.end = rng.choice(TIMES)
        elif k == 3:
            x.trainer_id = rng.choice([o.trainer_id, "", "XX", trs[rng.randrange(len(trs))].trainer_id])
        elif k == 4:
            x.participants = rng.randint(-1, 45)
        elif k == 5:
            x.window = rng.choice(wins)
        elif k == 6:
            x.attendees = rng.choice(["", "garbage", o.attendees, x.attendees + ";Z:1", x.attendees[: len(x.attendees) // 2]])
        elif k == 7:
            ss.append(copy.copy(x))
        elif k == 8:
            del ss[i]
        elif k == 9:
            x.unit_id, x.unit_type = o.unit_id, rng.choice([o.unit_type, x.unit_type])
        elif k == 10:
            x.group = rng.randint(0, 4)
        elif k == 11:
            x.status = rng.choice(["held", "cancelled"])
        elif k == 12:
            x.venue = rng.choice(["", o.venue])
        elif k == 13:
            x.audience = o.audience
        elif k == 14:
            x.kind = o.kind
        elif k == 15:
            x.title = rng.choice([o.title, "Brique B1 x", "Brique B2", ""])
        elif k == 16:
            trs[rng.randrange(len(trs))].tot_session_id = rng.choice(["", o.session_id, "TOT-NOPE"])
        elif k == 17:
            t = trs[rng.randrange(len(trs))]
            t.qualified = not t.qualified
        elif k == 18 and unplaced:
            del unplaced[rng.randrange(len(unplaced))]
        elif k == 19:
            x.date, x.start, x.end = o.date, o.start, o.end
        elif k == 20:
            x.session_id = o.session_id
        elif k == 21:
            x.departement = rng.choice(["", o.departement, "999"])
        elif k == 22 and x.trainer_id:  # a trainer's sessions piled up on a few days
            for y in [y for y in ss if y.trainer_id == x.trainer_id][:6]:
                y.date = x.date + dt.timedelta(days=rng.choice([0, 0, 1, 2]))
        elif k in (23, 24):
            ones = [y for y in ss if y.kind == "step1" and y.audience == "teachers_1d"]
            if k == 23 and len(ones) > 1:  # two 1er-degré groups swap their écoles
                y, z = rng.sample(ones, 2)
                y.attendees, z.attendees = z.attendees, y.attendees
            elif k == 24 and ones:  # a circonscription's groups moved to Wednesday mornings
                unit = rng.choice(ones).unit_id
                for z in ones:
                    if z.unit_id == unit:
                        z.window = "wednesday_am"
                        z.date = z.date + dt.timedelta(days=7 * rng.randint(-3, 3))
    return Plan(sessions=ss, trainers=trs, units=plan.units, report={**plan.report, "unplaced": unplaced})


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--inputs", required=True)
    ap.add_argument("--academies")
    ap.add_argument("--save")
    ap.add_argument("--cmp")
    a = ap.parse_args()
    codes = a.academies.split(",") if a.academies else None
    if not os.path.exists(a.inputs):
        build_inputs(a.inputs, codes)
    from solvers.checker import check_plan

    with open(a.inputs, "rb") as f:
        inputs = pickle.load(f)
    codes = [c for c in (codes or sorted(inputs)) if c in inputs]
    own, plan = inputs[codes[0]]
    check_plan(plan, own)  # calendars loaded before timing
    out: dict = {}
    cpu = []
    for _ in range(3):
        t = time.process_time()
        for c in codes:
            out[(c, "clean")] = [dataclasses.astuple(f) for f in check_plan(inputs[c][1], inputs[c][0])]
        cpu.append(time.process_time() - t)
    print(f"clean plans: check_plan CPU {min(cpu):.3f} s (least of 3) over {len(codes)} académies", flush=True)
    for c in codes:
        own, plan = inputs[c]
        rng = random.Random(int(c) if c.isdigit() else c)
        for j in range(12):
            sc = own
            if j >= 10:  # caps the national settings leave off
                st = own.settings.model_copy(update={"max_per_local_trainer_per_week": j - 7,
                                                     "wednesday_mornings_per_term_1d": j - 9})
                sc = own.model_copy(update={"settings": st})
            out[(c, j)] = [dataclasses.astuple(f) for f in check_plan(broken(rng, own, plan), sc)]
    rules: dict[str, int] = {}
    for fs in out.values():
        for f in fs:
            rules[f[0]] = rules.get(f[0], 0) + 1
    print(f"{sum(rules.values())} findings of {len(rules)} rules on {len(out)} plans")
    if a.save:
        with open(a.save, "wb") as f:
            pickle.dump(out, f)
    if a.cmp:
        with open(a.cmp, "rb") as f:
            ref = pickle.load(f)
        bad = [k for k in out if out[k] != ref.get(k)]
        for k in bad[:5]:
            x, y = out[k], ref.get(k) or []
            first = next((i for i, (p, q) in enumerate(zip(x, y)) if p != q), min(len(x), len(y)))
            print(f"{k}: {len(x)} findings, ref {len(y)}; first difference at {first}:\n"
                  f"   now {x[first] if first < len(x) else None}\n   ref {y[first] if first < len(y) else None}")
        print("SAME" if not bad else f"{len(bad)} PLANS DIFFER")
        return 1 if bad else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
