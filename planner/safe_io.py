"""Safe output paths and the cleaning of what a killed process left behind.

- :func:`check_output_file`: an output file may replace an earlier output, never one of the command's
  inputs, a folder, a device, a pipe, or a file of another kind (French :class:`OutputError`).
- :func:`clean_stale_temps`: the temporary files that our atomic writes put beside a target
  (``.NAME.PID.tmp``, its SQLite ``-journal``, ``NAME.tmp``) are removed at the next run, unless the
  process that wrote them is still alive.
- Durable writes, written once for the plan folder, the scenario file and the import report:
  :func:`atomic_file` (``NAME.tmp`` written, flushed to disk, renamed over ``NAME``),
  :func:`replace_durably` (a finished temporary file put in place), :func:`fsync_file`, :func:`fsync_dir`.
"""
from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

SQLITE_HEADER = b"SQLite format 3\x00"


class OutputError(Exception):
    """An output path that must not be written (French message naming it)."""


def pid_alive(pid: int) -> bool:
    """True if a process ``pid`` other than this one is running (or cannot be probed)."""
    if pid == os.getpid():
        return False  # our own leftover of an earlier, failed write
    if os.name == "nt":  # no signal 0 on Windows: be conservative only for running processes
        try:
            import psutil

            return psutil.pid_exists(pid)
        except ImportError:
            return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def check_output_file(out: str | Path, inputs: list[str | Path] = (), *, kind: str = "scénario",
                      header: bytes | None = SQLITE_HEADER) -> None:
    """Refuse ``out`` if it is one of ``inputs`` (same file, even through a link), a folder, not a regular
    file, or an existing non-empty file that does not start with ``header`` (a file of another kind)."""
    out = Path(out)
    try:
        st = out.stat()
    except FileNotFoundError:
        if out.is_symlink():
            raise OutputError(f"{out} : lien symbolique cassé ; choisissez un autre fichier de sortie") from None
        if not out.parent.is_dir():
            raise OutputError(f"{out} : le dossier {out.parent} n'existe pas") from None
        return
    except OSError as exc:
        raise OutputError(f"{out} : inaccessible ({exc.strerror or exc})") from None
    for src in inputs:
        try:
            if os.path.samefile(out, src):
                raise OutputError(f"{out} : c'est le fichier lu par la commande ({src}) ; il ne sera pas écrasé. "
                                  f"Choisissez un autre fichier de sortie")
        except OSError:
            continue
    if stat.S_ISDIR(st.st_mode):
        raise OutputError(f"{out} : c'est un dossier ; indiquez un fichier de {kind}")
    if not stat.S_ISREG(st.st_mode):
        raise OutputError(f"{out} : ce n'est pas un fichier ordinaire (périphérique, tube ou socket) ; "
                          f"il ne sera pas remplacé")
    if header is not None and st.st_size > 0:
        with open(out, "rb") as f:
            if not f.read(len(header)).startswith(header):
                raise OutputError(f"{out} : ce fichier existe et n'est pas un fichier de {kind} ; il ne sera pas "
                                  f"remplacé. Choisissez un autre nom")


def clean_stale_temps(target: str | Path) -> list[Path]:
    """Remove ``.NAME.PID.tmp`` (and ``-journal``) and ``NAME.tmp`` beside ``target`` left by a dead process."""
    target = Path(target)
    removed: list[Path] = []
    folder = target.parent
    if not folder.is_dir():
        return removed
    prefix = f".{target.name}."
    try:
        entries = list(folder.iterdir())
    except OSError:
        return removed
    for p in entries:
        name = p.name
        if name == f"{target.name}.tmp":
            stale = True
        elif name.startswith(prefix) and (name.endswith(".tmp") or name.endswith(".tmp-journal")):
            pid = name[len(prefix):].split(".", 1)[0]
            stale = pid.isdigit() and not pid_alive(int(pid))
        else:
            continue
        if stale and p.is_file() and not p.is_symlink():
            try:
                p.unlink()
                removed.append(p)
            except OSError:
                pass
    return removed


# ------------------------------------------------------------------ durable writes
def fsync_file(p: str | Path) -> None:
    """Flush the file ``p`` to disk."""
    fd = os.open(p, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(d: str | Path) -> None:
    """Flush the folder ``d``'s entries (a rename in it) to disk; silently nothing where folders cannot be."""
    try:
        fd = os.open(d, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def replace_durably(tmp: Path, target: Path) -> None:
    """Put the finished file ``tmp`` in place of ``target``: ``tmp`` on disk, one rename, the rename on disk."""
    fsync_file(tmp)
    os.replace(tmp, target)
    fsync_dir(target.parent)


@contextlib.contextmanager
def atomic_file(path: Path, mode: str = "w", **open_kw):
    """Write ``path`` through ``NAME.tmp`` beside it: the file object is flushed to disk, then renamed over
    ``path``; on an error ``path`` is untouched (the ``.tmp`` is removed at the next run, see
    :func:`clean_stale_temps`)."""
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, mode, **open_kw) as f:
        yield f
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
