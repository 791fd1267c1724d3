"""The solver's forkserver started early (solvers.api.warm_pool): deaf to Ctrl-C from its first instant, and its
workers start with their modules already imported."""
import subprocess
import sys

from .conftest import ROOT

PROBE = '''
import sys
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import forkserver

sys.path.insert(0, {root!r})


def loaded():
    return [m for m in ("solvers.academie", "ortools.sat.python.cp_model") if m in sys.modules]


if __name__ == "__main__":
    import solvers.api as api

    api.warm_pool(2)
    pid = forkserver._forkserver._forkserver_pid
    status = open(f"/proc/{{pid}}/status").read()
    ignored = int(next(x for x in status.splitlines() if x.startswith("SigIgn")).split()[1], 16)
    print("SIGINT ignored" if ignored >> 1 & 1 else "SIGINT handled")
    assert "solvers.academie" not in sys.modules  # the parent does not load OR-Tools itself
    with ProcessPoolExecutor(1, mp_context=api._context()) as pool:
        print(pool.submit(loaded).result())
'''


def test_warm_pool(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text(PROBE.format(root=str(ROOT)), encoding="utf-8")
    r = subprocess.run([sys.executable, str(probe)], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert r.returncode == 0, r.stderr
    first, second = r.stdout.splitlines()[:2]
    assert first == "SIGINT ignored"
    assert second == "['solvers.academie', 'ortools.sat.python.cp_model']"


READER = '''
import pickle
import sys

sys.path.insert(0, {root!r})
import solvers.api  # noqa: F401 (what the command line's parent imports)

res = pickle.loads(sys.stdin.buffer.read())
print(len(res.sessions), res.sessions[0].session_id)
print([m for m in ("solvers.academie", "ortools.sat.python.cp_model", "pandas") if m in sys.modules])
'''


def test_the_parent_reads_the_academies_results_without_or_tools(tmp_path):
    """The parent of a pool unpickles each académie's result: that must not import OR-Tools and pandas into it
    (0.3 s of its start and 50 MB of its memory in a national solve)."""
    import pickle

    from solvers import api

    from .tiny import tiny_scenario

    res = api._solve_one(tiny_scenario(), "16", "greedy", 10, 0, None)
    reader = tmp_path / "reader.py"
    reader.write_text(READER.format(root=str(ROOT)), encoding="utf-8")
    r = subprocess.run([sys.executable, str(reader)], input=pickle.dumps(res), capture_output=True, cwd=ROOT,
                       timeout=120)
    assert r.returncode == 0, r.stderr.decode()
    count, modules = r.stdout.decode().splitlines()[:2]
    assert count == f"{len(res.sessions)} {res.sessions[0].session_id}"
    assert modules == "[]"


ENDING = '''
import os
import sys

sys.path.insert(0, {root!r})
sys.path.insert(0, {here!r})

if __name__ == "__main__":
    from solvers import pool_start

    pool_start.WORKER_MODULES.append("probe_exit")  # imported by the forkserver after solvers._forkserver_quiet
    pool_start.warm_pool(2)
    from multiprocessing import forkserver

    pid = forkserver._forkserver._forkserver_pid
    pool_start.stop_pool_server()
    try:
        os.kill(pid, 0)
        print("still there")
    except ProcessLookupError:
        print("ended")
'''


def test_the_forkserver_ends_after_its_exit_handlers(tmp_path):
    """Closed by the command line once the académies are solved, the forkserver runs its exit handlers, then ends
    without freeing its imports one by one (solvers._forkserver_quiet)."""
    mark = tmp_path / "handlers.txt"
    (tmp_path / "probe_exit.py").write_text(
        f"import atexit\natexit.register(lambda: open({str(mark)!r}, 'w').write('ran'))\n", encoding="utf-8")
    probe = tmp_path / "ending.py"
    probe.write_text(ENDING.format(root=str(ROOT), here=str(tmp_path)), encoding="utf-8")
    r = subprocess.run([sys.executable, str(probe)], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["ended"]
    assert mark.read_text() == "ran"
