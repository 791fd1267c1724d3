"""The packages import one way (ui → solvers → planner) and no module-level import cycle exists.

Read from the source with ``ast`` (nothing is imported): ``planner`` never imports ``solvers``, ``ui``,
Qt or OR-Tools; ``solvers`` never imports ``ui`` or Qt; and no module of the three packages reaches
itself again through module-level imports (late imports inside functions are allowed).
"""
from __future__ import annotations

import ast
from pathlib import Path

from .conftest import ROOT

PKGS = ("planner", "solvers", "ui")
FORBIDDEN = {"planner": {"solvers", "ui", "PySide6", "ortools"}, "solvers": {"ui", "PySide6"}}


def _name(p: Path) -> str:
    parts = list(p.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(p: Path, module_level: bool, mod: str | None = None) -> set[str]:
    tree = ast.parse(p.read_text(encoding="utf-8"))
    mod = mod or _name(p)
    pkg = mod if p.name == "__init__.py" else mod.rpartition(".")[0]
    out: set[str] = set()
    for n in (tree.body if module_level else ast.walk(tree)):
        if isinstance(n, ast.Import):
            out |= {a.name for a in n.names}
        elif isinstance(n, ast.ImportFrom):
            if n.level:
                base = pkg.split(".")[: len(pkg.split(".")) - (n.level - 1)]
                m = ".".join(base + ([n.module] if n.module else []))
            else:
                m = n.module or ""
            out.add(m)
            out |= {f"{m}.{a.name}" for a in n.names}
    return out


MODULES = {_name(p): p for pkg in PKGS for p in (ROOT / pkg).rglob("*.py")}


def test_layers_import_one_way():
    bad = sorted((m, i) for m, p in MODULES.items() for i in _imports(p, module_level=False)
                 if i.split(".")[0] in FORBIDDEN.get(m.split(".")[0], ()))
    assert bad == []


def test_no_module_level_import_cycle():
    graph = {m: {i for i in _imports(p, module_level=True) if i in MODULES and i != m} for m, p in MODULES.items()}
    cycles: list[list[str]] = []

    def walk(start: str, node: str, path: list[str]) -> None:
        for n in sorted(graph[node]):
            if n == start:
                cycles.append(path)
            elif n > start and n not in path:
                walk(start, n, path + [n])

    for m in sorted(graph):
        walk(m, m, [m])
    assert cycles == []


def test_the_checks_see_a_violation(tmp_path):
    """A relative import of the solver from the core, at module level and inside a function, is seen."""
    p = tmp_path / "mod.py"
    p.write_text("from ..solvers.api import solve\n\ndef f():\n    from PySide6 import QtCore\n", encoding="utf-8")
    found = _imports(p, module_level=False, mod="planner.mod")
    assert {"solvers.api", "PySide6"} <= found
    assert "PySide6" not in _imports(p, module_level=True, mod="planner.mod")
