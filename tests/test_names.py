"""Layout cells are named for what they hold (issue 13, §3: no ``a, b, c, d = st.columns``).

``a.selectbox(...)`` forty lines below its ``st.columns`` says nothing about
what sits where; ``period_cell.selectbox(...)`` does. Found by reading the code.
"""

from __future__ import annotations

import ast

from tests.conftest import ROOT

LAYOUTS = {"columns", "tabs"}


def unnamed_cells(source: str) -> list[int]:
    """Lines assigning st.columns/st.tabs to one-letter names or to one list of cells."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if not (
            isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Call)
            and isinstance(node.value.func, ast.Attribute)
            and node.value.func.attr in LAYOUTS
        ):
            continue
        for target in node.targets:
            names = target.elts if isinstance(target, ast.Tuple) else [target]
            if isinstance(target, ast.Name) or any(
                isinstance(name, ast.Name) and len(name.id) == 1 for name in names
            ):
                lines.append(node.lineno)
    return lines


def test_the_check_sees_unnamed_cells() -> None:
    assert unnamed_cells("a, b = st.columns(2)\ncols = st.columns(3)\n") == [1, 2]
    assert unnamed_cells("left, right = st.columns(2)\n") == []


def test_every_layout_cell_has_a_name_that_says_what_it_holds() -> None:
    found = {
        str(path.relative_to(ROOT)): lines
        for place in ("ui", "pages")
        for path in sorted((ROOT / place).rglob("*.py"))
        if (lines := unnamed_cells(path.read_text(encoding="utf-8")))
    }
    assert not found, f"name each layout cell for what it holds: {found}"
