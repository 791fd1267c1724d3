"""Where the application's own files are: ``data/`` (embedded figures) and ``resources/`` (fonts,
styles, user guide).

In a source checkout they are the top-level folders ``data/`` and ``resources/``. An installed
wheel (``pip install .``) or the PyInstaller bundle ships the same folders inside this package, as
``planner/_data`` and ``planner/_resources`` (``setup.py`` and ``planificateur-ia.spec`` map them), so
every reader goes through :func:`data_path` and :func:`resource_path` and works in all three.
"""
from __future__ import annotations

from pathlib import Path

_PKG = Path(__file__).resolve().parent


def _first(*candidates: Path) -> Path:
    for c in candidates:
        if c.is_dir():
            return c
    return candidates[-1]


def data_dir() -> Path:
    return _first(_PKG / "_data", _PKG.parent / "data")


def resources_dir() -> Path:
    return _first(_PKG / "_resources", _PKG.parent / "resources")


def data_path(*parts: str) -> Path:
    """``data_path("academies.csv")``: a file of the embedded figures."""
    return data_dir().joinpath(*parts)


def resource_path(*parts: str) -> Path:
    """``resource_path("fonts", "DejaVuSans.ttf")``: a font, a style sheet, the user guide."""
    return resources_dir().joinpath(*parts)


def app_version() -> str:
    """The version from the installed package's metadata, else from ``pyproject.toml`` beside the sources."""
    try:
        from importlib.metadata import PackageNotFoundError, version

        return version("planificateur-ia")
    except PackageNotFoundError:
        pass
    try:
        import tomllib

        with open(_PKG.parent / "pyproject.toml", "rb") as f:
            return str(tomllib.load(f)["project"]["version"])
    except (OSError, KeyError, ValueError):
        return "inconnue"
