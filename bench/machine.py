"""How fast this machine runs Python right now: a fixed workload timed, printed beside the benches' figures.

The benches time wall clocks on a shared machine whose speed varies from one hour to the next (the same national
solve took 6.7 s one day and 14 s the next). A figure read without this one cannot tell a slower program from a
slower machine; read with it, two runs compare.
"""
from __future__ import annotations

import os
import statistics
import time


def _work() -> int:
    """Dict look-ups, integer arithmetic and a loop: the kind of work the checker and the roadmap do."""
    d: dict[int, int] = {}
    s = 0
    for i in range(300_000):
        k = i & 1023
        d[k] = d.get(k, 0) + i
        s += k
    return s + len(d)


def reference_ms(runs: int = 7) -> float:
    """The median time of :func:`_work` over ``runs`` runs, in milliseconds (lower: a faster machine)."""
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        _work()
        times.append(time.perf_counter() - t)
    return round(1000 * statistics.median(times), 1)


def machine_line() -> str:
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return (f"Machine : {os.cpu_count()} cœurs, charge {load}, boucle de référence {reference_ms()} ms "
            f"(bench/machine.py ; plus bas = plus rapide)")


if __name__ == "__main__":
    print(machine_line())
