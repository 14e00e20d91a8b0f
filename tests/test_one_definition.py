"""One definition per constant (issue 13, §3): the names the data contract shares.

The section names, the concept tag lists, the document suffixes and every
table's columns are spelled once, in :mod:`loaders.schema`; a signal's
``doc_id:position`` address is written by :class:`SignalRef` alone; a missing
value reads as :data:`seedscope.fmt.MISSING` everywhere. A second spelling
drifts from the first without a word (two dashes for "missing" on one page,
an upload that takes a suffix the loader does not read), so each is found here
by reading the code, the values to look for taken from the definitions.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

from loaders.schema import (
    CONCEPT_LISTS,
    CONTRACT,
    DOCUMENT_SUFFIXES,
    ENTRY_TEXT_COLUMNS,
    SECTIONS,
)
from seedscope.fmt import MISSING
from tests.conftest import ROOT

CODE = ("loaders", "seedscope", "ui", "pages")
SCHEMA = Path("loaders/schema.py")

#: What a second spelling would look like: a literal collection of exactly these strings.
SHARED = {
    "the entry sections (SECTIONS)": frozenset(SECTIONS),
    "the concept tag lists (CONCEPT_LISTS)": frozenset(CONCEPT_LISTS),
    "the document suffixes (DOCUMENT_SUFFIXES)": frozenset(DOCUMENT_SUFFIXES),
    "the entry text columns (ENTRY_TEXT_COLUMNS)": frozenset(ENTRY_TEXT_COLUMNS),
    **{f"the columns of {name} (CONTRACT)": frozenset(s.names) for name, s in CONTRACT.items()},
}


def code_files() -> list[Path]:
    return sorted(p.relative_to(ROOT) for place in CODE for p in (ROOT / place).rglob("*.py"))


@cache
def tree(path: Path) -> ast.Module:
    return ast.parse((ROOT / path).read_text(encoding="utf-8"))


def strings(node: ast.AST) -> frozenset[str] | None:
    """The strings of a literal tuple, list, set or dict's values; None for anything else."""
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        items = node.elts
    elif isinstance(node, ast.Dict):
        items = node.values
    else:
        return None
    if len(items) < 2 or not all(
        isinstance(item, ast.Constant) and isinstance(item.value, str) for item in items
    ):
        return None
    return frozenset(item.value for item in items)  # type: ignore[union-attr]


def second_spellings(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(tree(path)):
        values = strings(node)
        found |= {what for what, names in SHARED.items() if values == names}
        if isinstance(node, ast.Compare) and any(
            isinstance(side, ast.Constant) and side.value in SECTIONS
            for side in [node.left, *node.comparators]
        ):
            found.add('a comparison with the section "Signals"')
    return found


def test_the_names_the_contract_shares_are_spelled_once() -> None:
    found = {
        (str(path), what)
        for path in code_files()
        if path != SCHEMA
        for what in second_spellings(path)
    }
    assert not found, f"import these from loaders.schema instead of spelling them again: {found}"


def test_the_check_finds_the_definitions_themselves() -> None:
    """The scan recognises each spelling: loaders/schema.py holds them all."""
    assert second_spellings(SCHEMA) >= {
        "the entry sections (SECTIONS)",
        "the concept tag lists (CONCEPT_LISTS)",
        "the document suffixes (DOCUMENT_SUFFIXES)",
        "the entry text columns (ENTRY_TEXT_COLUMNS)",
    }


def hand_written_addresses(path: Path) -> list[int]:
    """Lines of f-strings that write ``{…}:{…position…}`` themselves."""
    lines = []
    for node in ast.walk(tree(path)):
        if not isinstance(node, ast.JoinedStr):
            continue
        parts = node.values
        for before, colon, after in zip(parts, parts[1:], parts[2:], strict=False):
            if (
                isinstance(before, ast.FormattedValue)
                and isinstance(colon, ast.Constant)
                and str(colon.value).startswith(":")
                and isinstance(after, ast.FormattedValue)
                and "position" in ast.unparse(after.value)
            ):
                lines.append(node.lineno)
    return lines


def test_a_signals_address_is_written_by_signalref_alone() -> None:
    found = {
        str(path): lines
        for path in code_files()
        if path != Path("seedscope/filters.py") and (lines := hand_written_addresses(path))
    }
    assert not found, f"write str(SignalRef(doc_id, position)) instead: {found}"


def test_a_missing_value_reads_as_the_one_dash_everywhere() -> None:
    dashes = {"–", "—", MISSING}
    found = {
        f"{path}:{node.lineno}"
        for path in code_files()
        if path.parts[0] != "loaders" and path != Path("seedscope/fmt.py")
        for node in ast.walk(tree(path))
        if isinstance(node, ast.Constant) and node.value in dashes
    }
    assert not found, f"use seedscope.fmt.MISSING (or a fmt_* formatter): {sorted(found)}"
