"""Batch export: the PDF plan of every établissement (or circonscription) of an académie or of the nation.

Units are split into chunks handed to a process pool; each worker reads the plan and indexes it
once (inherited from the parent when the pool forks), registers the font once, and writes one file
per unit named by its id. Progress goes to a ``progress(done, total)`` callback (the window's
progress bar; :func:`stderr_progress` for the command line); a callback returning ``False`` cancels
the batch. An optional merged PDF holds every plan with one bookmark per unit.
"""
from __future__ import annotations

import gc
import math
import multiprocessing as mp
import os
import re
import signal
import sys
import threading
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from pathlib import Path
from typing import Callable

from ..errors import is_terminal
from ..plan import Plan
from ..signals import sigint_blocked as _sigint_blocked
from ..signals import sigint_deferred as _sigint_deferred
from .common import UNIT_LABELS, ExportError, PlanIndex, academie_name
from .layout import build_pdf_counted
from .pdf import footer_of, unit_story

BATCH_KINDS = {
    "etablissement": "etablissement", "all-etablissements": "etablissement",
    "circonscription": "circonscription", "all-circonscriptions": "circonscription",
    "bassin": "bassin", "departement": "departement",
}
Progress = Callable[[int, int], object]


class ExportCancelled(ExportError):
    """The progress callback asked to stop."""


_WORKER: dict = {}


def safe_filename(unit_id: str) -> str:
    name = re.sub(r"[^0-9A-Za-z._-]+", "_", unit_id).strip("._")
    return name or "unite"


_WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}


def batch_filenames(ids: list[str], reserved: tuple[str, ...] = ()) -> dict[str, str]:
    """A distinct file name (without ``.pdf``) for every unit id, also on case-insensitive disks: an id kept
    as it is when it is already a safe, free name, else its safe form plus a short digest of the real id
    (``a/b`` → ``a_b-…`` beside ``a_b``)."""
    import hashlib

    taken = {r.lower() for r in reserved}
    out: dict[str, str] = {}
    plain = [u for u in ids if safe_filename(u) == u and len(u) <= 100 and u.lower() not in _WINDOWS_RESERVED]
    for uid in sorted(plain):
        if uid.lower() not in taken:
            out[uid] = uid
            taken.add(uid.lower())
    for uid in ids:
        if uid in out:
            continue
        base = safe_filename(uid)[:80]
        digest = hashlib.sha1(uid.encode("utf-8")).hexdigest()
        n = 8
        name = f"{base}-{digest[:n]}"
        while name.lower() in taken:
            n += 2
            name = f"{base}-{digest[:n]}" if n <= len(digest) else f"{name}-{len(taken)}"
        out[uid] = name
        taken.add(name.lower())
    return out


def _pool_init(plan_dir: str) -> None:
    """A pool worker: Ctrl-C is the parent's to handle (it stops handing out chunks and waits for the
    running ones), never a traceback per worker; then the plan, read once (inherited when forked)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    _init_worker(plan_dir)
    # the plan and its index (half a million objects for the nation) live as long as the worker: out of the
    # cyclic garbage collector's sight, and fewer collections of the short-lived layout objects (a twentieth
    # of the worker's time went to collections that freed nothing of the plan)
    gc.freeze()
    gc.set_threshold(20_000, 50, 100)


def _folder_stamp(plan_dir: str) -> tuple:
    """The plan folder's files with their sizes and modification times: another solve into the same folder
    changes it."""
    try:
        return tuple(sorted((e.name, e.stat().st_size, e.stat().st_mtime_ns) for e in os.scandir(plan_dir)
                            if e.is_file()))
    except OSError:
        return ()


def _init_worker(plan_dir: str, stamp: tuple | None = None) -> None:
    if _WORKER.get("plan_dir") != plan_dir or (stamp is not None and _WORKER.get("stamp") != stamp):
        _WORKER["plan_dir"] = plan_dir
        _WORKER["stamp"] = stamp
        _WORKER["index"] = PlanIndex.build(Plan.read(plan_dir))
    ix = _WORKER["index"]
    _WORKER["footer"] = footer_of(ix)


def _export_units(ix: PlanIndex, footer, unit_type: str, ids: list[tuple[str, str]],
                  out_dir: str) -> list[tuple[str, str, int]]:
    out = []
    for uid, filename in ids:
        path = Path(out_dir) / f"{filename}.pdf"
        story, title = unit_story(ix, unit_type, uid)
        p, pages = build_pdf_counted(story, path, footer, title=f"Plan de formation — {title}",
                                     subject=f"{UNIT_LABELS.get(unit_type, unit_type)} {uid}")
        out.append((uid, str(p), pages))
    return out


def _chunk_job(unit_type: str, ids: list[str], out_dir: str) -> list[tuple[str, str, int]]:
    try:
        return _export_units(_WORKER["index"], _WORKER["footer"], unit_type, ids, out_dir)
    except ExportError:
        raise
    except Exception as exc:  # noqa: BLE001 (reported to the user with the units concerned)
        raise ExportError(f"Échec de l'export des unités {ids[0][0]} … {ids[-1][0]} : {exc}") from None


def _context():
    methods = mp.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1 and sys.platform.startswith("linux"):
        return mp.get_context("fork")  # the parent's index is inherited: nothing to re-read
    return mp.get_context("forkserver" if "forkserver" in methods else "spawn")


def stderr_progress(label: str = "Export") -> Progress:
    """A progress bar on stderr, redrawn at most ten times a second on a terminal; in a log (a pipe, a file), a
    whole line every five seconds and at the end."""
    state = {"t": 0.0, "start": time.perf_counter()}
    terminal = is_terminal(sys.stderr)
    every = 0.1 if terminal else 5.0

    def report(done: int, total: int) -> None:
        now = time.perf_counter()
        if done < total and now - state["t"] < every:
            return
        state["t"] = now
        width = 30
        filled = int(width * done / total) if total else width
        rate = done / (now - state["start"]) if now > state["start"] else 0
        line = f"{label} [{'#' * filled}{'.' * (width - filled)}] {done}/{total} ({rate:.0f}/s)"
        sys.stderr.write(("\r" + line + ("\n" if done >= total else "")) if terminal else line + "\n")
        sys.stderr.flush()

    return report


def batch_unit_ids(ix: PlanIndex, unit_type: str, academie: str | None) -> list[str]:
    ids = {u.unit_id for u in ix.units_of(unit_type, academie)}
    for (ut, uid), ss in ix.by_unit.items():
        if ut == unit_type and (academie is None or ss[0].academie == academie):
            ids.add(uid)
    return sorted(ids)


def export_batch(plan_dir: str | Path, kind: str, out_dir: str | Path, academie: str | None = None,
                 workers: int | None = None, merged: bool = False, progress: Progress | None = None) -> list[Path]:
    """One PDF per unit of ``kind`` (« etablissement », « circonscription », or « all-… »), named by unit id.

    Returns the unit files in id order, then the merged PDF when ``merged`` is true.
    """
    unit_type = BATCH_KINDS.get(kind)
    if unit_type is None:
        raise ExportError(f"Type d'export par lot inconnu : « {kind} » (établissements ou circonscriptions).")
    plan_dir = str(Path(plan_dir))
    # the plan read by the last batch of this process is kept while its folder's files are unchanged (the
    # établissements then the circonscriptions of the nation: one read); solved again in the same folder, re-read
    stamp = _folder_stamp(plan_dir)
    _init_worker(plan_dir, stamp if stamp else ("unreadable", time.time()))
    ix: PlanIndex = _WORKER["index"]
    ids = batch_unit_ids(ix, unit_type, academie)
    if not ids:
        where = f" de l'académie de {academie_name(academie)} ({academie})" if academie else ""
        raise ExportError(f"Aucune unité de type « {UNIT_LABELS.get(unit_type, unit_type)} »{where} "
                          f"dans le plan « {ix.plan_name} ».")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    total = len(ids)
    workers = max(1, workers or os.cpu_count() or 1)
    results: dict[str, tuple[str, int]] = {}

    def report(done: int) -> None:
        if progress is not None and progress(done, total) is False:
            raise ExportCancelled("Export interrompu à la demande de l'utilisateur.")

    merged_name = f"plans-{unit_type}s" + (f"-{academie}" if academie else "-national")
    files = batch_filenames(ids, reserved=(merged_name,))
    named = [(u, files[u]) for u in ids]
    report(0)
    if workers == 1 or total <= 2:
        for pair in named:
            for u, p, pages in _export_units(ix, _WORKER["footer"], unit_type, [pair], str(out)):
                results[u] = (p, pages)
            report(len(results))
    else:
        size = max(1, min(24, math.ceil(total / (workers * 8))))
        chunks = [named[i:i + size] for i in range(0, total, size)]
        with ProcessPoolExecutor(max_workers=min(workers, len(chunks)), mp_context=_context(),
                                 initializer=_pool_init, initargs=(plan_dir,)) as pool:
            try:
                with _sigint_deferred(), _sigint_blocked():
                    pending = {pool.submit(_chunk_job, unit_type, c, str(out)) for c in chunks}
                while pending:
                    finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                    for f in finished:
                        for u, p, pages in f.result():
                            results[u] = (p, pages)
                    report(len(results))
            except BaseException:  # Ctrl-C, a failed chunk, « Annuler »: no new chunk; the running ones end
                pool.shutdown(wait=True, cancel_futures=True)
                raise
    paths = [Path(results[u][0]) for u in ids]
    _LAST_STATS.update(files=len(paths), pages=sum(results[u][1] for u in ids))
    if merged:
        paths.append(merge_pdfs([(u, _bookmark(ix, unit_type, u), results[u][0]) for u in ids],
                                out / f"{merged_name}.pdf"))
    return paths


_LAST_STATS: dict = {}


def last_batch_stats() -> dict:
    """Files and pages of the last batch of this process (for the benchmark)."""
    return dict(_LAST_STATS)


def _bookmark(ix: PlanIndex, unit_type: str, uid: str) -> str:
    from .typography import plain

    u = ix.unit(unit_type, uid)
    name = plain(u.name)[:120] if u and u.name else ""
    return f"{uid} — {name}" if name else uid


def merge_pdfs(items: list[tuple[str, str, str]], out_path: str | Path) -> Path:
    """One PDF from (unit id, bookmark title, file) items, with a bookmark per unit."""
    from pypdf import PdfWriter

    out = Path(out_path)
    writer = PdfWriter()
    for _, title, path in items:
        writer.append(path, outline_item=title)
    writer.page_mode = "/UseOutlines"
    tmp = out.with_name(out.name + ".part")
    with open(tmp, "wb") as f:
        writer.write(f)
    os.replace(tmp, out)
    return out
