"""``pip install .`` gives a working ``planificateur-ia`` command and window outside the sources:
fonts, embedded data and styles travel inside the wheel (issue 14, item 6)."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile

import pytest

from .conftest import ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    dist = tmp_path_factory.mktemp("dist")
    src = tmp_path_factory.mktemp("src") / "planificateur-ia"  # a copy: the build leaves build/ beside its sources
    for name in ("main.py", "pyproject.toml", "setup.py", "README.md", "planner", "solvers", "ui", "data", "resources"):
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, src / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            src.mkdir(parents=True, exist_ok=True)
            shutil.copy(ROOT / name, src / name)
    r = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", str(src), "-w", str(dist)],
                       capture_output=True, text=True, cwd=dist)
    assert r.returncode == 0, r.stderr
    return next(dist.glob("planificateur_ia-*.whl"))


def test_wheel_holds_fonts_data_and_styles(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for f in ("planner/_resources/fonts/DejaVuSans.ttf", "planner/_resources/fonts/DejaVuSans-Bold.ttf",
              "planner/_resources/fonts/LICENSE-DejaVu.txt", "planner/_resources/styles/app.qss",
              "planner/_resources/guide/guide.md", "planner/_data/academies.csv", "planner/_data/departements.csv",
              "planner/_data/calibration.json", "planner/_data/briques.csv", "main.py", "ui/app.py",
              "solvers/api.py", "planner/paths.py"):
        assert f in names, f
    assert not any(n.startswith(("tests/", "bench/")) for n in names)
    for top, inside in (("data", "planner/_data"), ("resources", "planner/_resources")):  # every shipped file
        for f in (ROOT / top).rglob("*"):
            if f.is_file() and "__pycache__" not in f.parts:
                assert f"{inside}/{f.relative_to(ROOT / top).as_posix()}" in names, f


def test_installed_command_works_outside_the_sources(wheel, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    py = venv / "bin" / "python"
    site = subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    # the dependencies (PySide6, OR-Tools…) come from the test environment, the project only from the wheel
    (tmp_path / "venv" / os.path.relpath(site, venv) / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    r = subprocess.run([sys.executable, "-m", "pip", "--python", str(py), "install", "-q", "--no-deps", str(wheel)],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    cmd = venv / "bin" / "planificateur-ia"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": ""}
    run = dict(capture_output=True, text=True, cwd=tmp_path, env=env, timeout=300)
    where = subprocess.run([str(py), "-c", "import planner.paths as p, main; print(p.__file__, main.__file__); "
                            "print(p.resource_path('fonts', 'DejaVuSans.ttf').is_file(), p.data_path('academies.csv').is_file(),"
                            " p.app_version())"], **run)
    assert where.returncode == 0, where.stderr
    assert str(ROOT) not in where.stdout and where.stdout.count(str(venv)) == 2, where.stdout
    assert where.stdout.splitlines()[1].split()[:2] == ["True", "True"]
    assert where.stdout.splitlines()[1].split()[2] not in ("", "inconnue")  # the version, from the metadata
    h = subprocess.run([str(cmd), "--help"], **run)
    assert h.returncode == 0 and "Planificateur" in h.stdout
    d = subprocess.run([str(cmd), "demand", "--json"], **run)  # the national reference, built from the embedded data
    assert d.returncode == 0 and '"scenario"' in d.stdout, d.stderr
    shot = tmp_path / "fenetre.png"
    s = subprocess.run([str(cmd), "--screenshot", str(shot)], **run)
    assert s.returncode == 0, s.stderr
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000
