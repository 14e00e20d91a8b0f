"""A module's ``__all__`` names what exists and what other code uses.

An entry naming something deleted breaks ``import *``; an entry nothing uses
but the file that defines it is dead API a reader takes for a contract (issue
13: stale ``__all__`` entries). Both are caught here; the names come from the
code, not from a list kept by hand.
"""

from __future__ import annotations

import ast
import importlib
from functools import cache
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGES = ("loaders", "seedscope")
#: Where a public name may be used: everything the project runs or tests.
USERS = ("loaders", "seedscope", "ui", "pages", "bench", "tests", "dashboard.py")


def python_files(*places: str) -> list[Path]:
    files: list[Path] = []
    for place in places:
        path = ROOT / place
        files += [path] if path.is_file() else sorted(path.rglob("*.py"))
    return [f for f in files if "fixtures" not in f.parts]


@cache
def tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"))


def exported(path: Path) -> list[str] | None:
    for node in tree(path).body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets
        ):
            return list(ast.literal_eval(node.value))
    return None


@cache
def mentioned(path: Path) -> frozenset[str]:
    """Every name a file mentions: variables, attributes and imported names."""
    names: set[str] = set()
    for node in ast.walk(tree(path)):
        if isinstance(node, ast.Name):
            names.add(node.id)
        elif isinstance(node, ast.Attribute):
            names.add(node.attr)
        elif isinstance(node, ast.alias):
            names.add((node.asname or node.name).rsplit(".", 1)[-1])
    return frozenset(names)


@cache
def defined(path: Path) -> frozenset[str]:
    """The names a file defines at its top level (functions, classes, constants)."""
    names: set[str] = set()
    for node in tree(path).body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names |= {t.id for t in targets if isinstance(t, ast.Name)}
    return frozenset(names)


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = [path for path in python_files(*PACKAGES) if exported(path) is not None]


def test_the_check_sees_the_export_lists() -> None:
    names = {module_name(path) for path in MODULES}
    assert {"loaders", "loaders.cache", "seedscope.workshop"} <= names, sorted(names)


@pytest.mark.parametrize("path", MODULES, ids=module_name)
def test_every_exported_name_exists_and_is_used_where_it_is_not_defined(path: Path) -> None:
    names = exported(path) or []
    module = importlib.import_module(module_name(path))
    missing = [name for name in names if not hasattr(module, name)]
    assert not missing, f"{module_name(path)}.__all__ names what it no longer has: {missing}"
    unused = [
        name
        for name in names
        if not any(
            name in mentioned(user) and name not in defined(user)
            for user in python_files(*USERS)
            if user != path
        )
    ]
    assert not unused, (
        f"{module_name(path)}.__all__ exports {unused}; "
        "nothing but the file that defines them uses them"
    )
