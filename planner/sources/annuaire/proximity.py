"""Groups of nearby places, for annuaires that lack the ministry's groupings.

:func:`proximity_bassins` cuts a département's établissements into bassins of about ``size``
établissements (the Occitanie mean is 16.5): établissements are chained from the one farthest
from the centre to its nearest neighbour, and so on, and the chain is cut into equal runs. Those
without coordinates join the run of most établissements of their commune, else the last run.
"""
from __future__ import annotations

import math
from collections import Counter

from ...venues import haversine_km


def proximity_chain(items: list, pos) -> list:
    """Items along a nearest-neighbour chain from the one farthest from the centre (those without a
    position keep their order, after the others)."""
    located = [x for x in items if pos(x) is not None]
    rest = [x for x in items if pos(x) is None]
    if len(located) <= 2:
        return located + rest
    c = (sum(pos(x)[0] for x in located) / len(located), sum(pos(x)[1] for x in located) / len(located))
    cur = max(located, key=lambda x: haversine_km(*pos(x), *c))
    out = [cur]
    left = [x for x in located if x is not cur]
    while left:
        p = pos(cur)
        j = min(range(len(left)), key=lambda i: haversine_km(*p, *pos(left[i])))
        cur = left.pop(j)
        out.append(cur)
    return out + rest


def proximity_bassins(etabs: list, pos, commune, size: float) -> list[list]:
    """The établissements of one département in runs of nearby ones (about ``size`` each)."""
    located = [e for e in etabs if pos(e) is not None]
    n_runs = max(1, round(len(etabs) / size)) if etabs else 0
    if not located:
        return [etabs] if etabs else []
    chain = proximity_chain(located, pos)
    n_runs = min(n_runs, len(chain))
    runs = [chain[math.floor(k * len(chain) / n_runs): math.floor((k + 1) * len(chain) / n_runs)] for k in range(n_runs)]
    run_of_commune: dict[str, Counter] = {}
    for k, run in enumerate(runs):
        for e in run:
            run_of_commune.setdefault(commune(e), Counter())[k] += 1
    for e in etabs:
        if pos(e) is None:
            c = run_of_commune.get(commune(e))
            runs[c.most_common(1)[0][0] if c else len(runs) - 1].append(e)
    return runs
