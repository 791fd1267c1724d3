"""Packaging beyond pyproject.toml: the top-level ``data/`` and ``resources/`` folders go into the
wheel inside the ``planner`` package (``planner/_data``, ``planner/_resources``; see planner/paths.py)."""
from pathlib import Path

from setuptools import find_namespace_packages, setup

RESOURCE_GLOBS = ["*.csv", "*.json", "*.ttf", "*.qss", "*.svg", "*.png", "*.txt", "*.md", "*.html", "*.css"]
HERE = Path(__file__).resolve().parent
RESOURCE_DIRS = sorted(p.name for p in (HERE / "resources").iterdir() if p.is_dir() and not p.name.startswith("."))

setup(
    packages=find_namespace_packages(include=["planner*", "solvers*", "ui*"], exclude=["*.__pycache__"])
    + ["planner._data", "planner._resources"] + [f"planner._resources.{d}" for d in RESOURCE_DIRS],
    package_dir={"planner._data": "data", "planner._resources": "resources"},
    package_data={"": RESOURCE_GLOBS},
)
