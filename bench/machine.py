"""How fast this machine runs Python right now: a fixed workload timed, printed beside the benches' figures.

The benches time wall clocks on a shared machine whose speed varies from one hour to the next (the same national
solve took 6.7 s one day and 14 to 18 s the next). These figures say how the machine runs a small loop and makes
small objects at the time of the measure: an indication only (on 1 December 2026 the national solve ran 2.8 times
slower than the day before while the loop kept its speed); a change is measured by alternating old and new runs.
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


def _allocate() -> int:
    """Many small objects made and freed: the memory side of building a plan's sessions (page faults, caches),
    which a shared machine may slow down when its loops run at full speed."""
    x = [(i, str(i), [i]) for i in range(300_000)]
    return len(x)


def fresh_page_us(mib: int = 128) -> float | None:
    """Microseconds per page to touch ``mib`` MiB of memory just mapped, a page at a time: what the system charges for
    memory a process had not used (a national plan read or solved asks for hundreds of MiB). A desktop's system
    answers in a fraction of a microsecond; the virtual machine the benches ran on in December 2026, which hands
    its unused memory back to its host, took 3 µs for memory it had in hand and 11 µs for memory the host had to
    supply again (a national scenario reopened in the window: 0.6 s of system time out of 1.1 s). One reason the
    same figure differs from one run to the next. ``None`` where memory cannot be mapped."""
    import mmap

    try:
        m = mmap.mmap(-1, mib << 20)
    except (OSError, ValueError):
        return None
    try:
        t = time.perf_counter()
        for off in range(0, mib << 20, mmap.PAGESIZE):
            m[off] = 1
        return round(1e6 * (time.perf_counter() - t) / ((mib << 20) // mmap.PAGESIZE), 2)
    finally:
        m.close()


def _median_ms(work, runs: int) -> float:
    """The median time of ``work()`` over ``runs`` runs, in milliseconds (without cyclic garbage collection)."""
    import gc

    was = gc.isenabled()
    gc.disable()
    try:
        times = []
        for _ in range(runs):
            t = time.perf_counter()
            work()
            times.append(time.perf_counter() - t)
    finally:
        if was:
            gc.enable()
    return round(1000 * statistics.median(times), 1)


def allocation_ms(runs: int = 5) -> float:
    """:func:`_allocate`'s median time in milliseconds."""
    return _median_ms(_allocate, runs)


def reference_ms(runs: int = 7) -> float:
    """:func:`_work`'s median time in milliseconds (lower: a faster machine)."""
    return _median_ms(_work, runs)


def _timed_in_child(runs: int, out) -> None:
    out.put(reference_ms(runs))


def both_cores_ms(runs: int = 7) -> float | None:
    """:func:`reference_ms` in as many processes as cores at once, the slowest of them (a machine whose cores are
    shared may run one loop at full speed and two at half): ``None`` where processes cannot be forked."""
    import multiprocessing as mp

    if "fork" not in mp.get_all_start_methods():
        return None
    ctx = mp.get_context("fork")
    q = ctx.Queue()
    procs = [ctx.Process(target=_timed_in_child, args=(runs, q)) for _ in range(os.cpu_count() or 1)]
    for p in procs:
        p.start()
    times = [q.get() for _ in procs]
    for p in procs:
        p.join()
    return max(times)


def machine_line() -> str:
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    both = both_cores_ms()
    fresh = fresh_page_us()
    return (f"Machine : {os.cpu_count()} cœurs, charge {load}, boucle de référence {reference_ms()} ms sur un cœur"
            + (f", {both} ms sur chacun des {os.cpu_count()} à la fois" if both is not None else "")
            + f" ; 300 000 petits objets faits et défaits en {allocation_ms()} ms"
            + (f" ; mémoire neuve {fresh} µs par page" if fresh is not None else "")
            + " (bench/machine.py ; plus bas = plus rapide)")


if __name__ == "__main__":
    print(machine_line())
