"""The fast engine's tables are markdown-it-py's tables, token for token.

Checked on markdown-it-py's own table fixtures (../shared/peer-tests, read
with ``markdown_it.utils.read_fixture_file``) and on every real document.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from markdown_it.common.utils import MD_TRIM_CHARS
from markdown_it.token import Token
from markdown_it.utils import read_fixture_file

from loaders import engine_fast, read_blocks
from loaders.blocks import Table
from loaders.engine_markdown_it import parse_tokens
from loaders.tablesplit import PYTHON_ONLY_SPACE
from tests.conftest import shared_dir
from tests.support.references import table_tokens

PEER_FIXTURES = shared_dir() / "peer-tests" / "markdown-it-py-tables.md"
CASES = read_fixture_file(PEER_FIXTURES)

#: Examples whose tables sit inside a container (block quote, list) or that
#: use constructs the fast engine leaves to markdown-it-py; for these the
#: fast engine must say so rather than guess.
OUTSIDE_FAST_SUBSET = {
    "Nested tables inside blockquotes:",
    "Tables should not be indented more than 4 spaces (1st line):",
    "Tables should not be indented more than 4 spaces (3rd line):",
    "Regression test for #721, table in a list indented with tabs:",
    "GFM 4.10 Tables (extension), Example 201",
    "A list takes precedence in case of ambiguity",
}


def comparable(tokens: list[Token]) -> list[dict]:
    """Table tokens as dicts, inline children left out (they are parsed later)."""
    out = []
    depth = 0
    for token in tokens:
        if token.type == "table_open":
            depth += 1
        if depth:
            data = token.as_dict()
            data.pop("children", None)
            out.append(data)
        if token.type == "table_close":
            depth -= 1
    return out


def fast_or_none(text: str) -> list[dict] | None:
    try:
        return comparable(table_tokens(text))
    except engine_fast.NeedsFullParser:
        return None


@pytest.mark.parametrize(
    ("line", "title", "text", "expected_html"), CASES, ids=[c[1] for c in CASES]
)
def test_peer_fixture(line: int, title: str, text: str, expected_html: str) -> None:
    fast = fast_or_none(text)
    if title in OUTSIDE_FAST_SUBSET:
        assert fast is None, "the fast engine should hand this example to markdown-it-py"
        return
    assert fast is not None, "the fast engine gave up on a plain table example"
    assert fast == comparable(parse_tokens(text))


def test_the_fixture_file_is_the_one_we_expect() -> None:
    assert len(CASES) >= 40
    assert {c[1] for c in CASES} >= OUTSIDE_FAST_SUBSET


def corpus_files() -> list[Path]:
    return sorted((shared_dir() / "corpus").glob("*.md"))


@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: p.name)
def test_corpus_document(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    fast = fast_or_none(text)
    assert fast is not None, "a real digest left the fast engine's subset"
    assert fast == comparable(parse_tokens(text))


def test_python_and_commonmark_whitespace_differ_only_by_the_known_separators() -> None:
    """The fast engine trims with ``str.strip()``; that is exact only if this holds."""
    python_space = {chr(c) for c in range(0x110000) if chr(c).isspace()}
    assert python_space == set(MD_TRIM_CHARS) | set(PYTHON_ONLY_SPACE)


@pytest.mark.parametrize("separator", list(PYTHON_ONLY_SPACE), ids=lambda c: f"U+{ord(c):04X}")
def test_a_cell_padded_with_a_separator_keeps_it_as_markdown_it_does(separator: str) -> None:
    text = f"| a | b |\n|---|---|\n| x {separator}| {separator}y |\n"
    assert fast_or_none(text) is None, "str.strip() would trim the separator away"
    blocks, engine = read_blocks(text)
    assert engine == "markdown-it"
    table = next(b for b in blocks if isinstance(b, Table))
    assert table.rows[0].cells == [f"x {separator}", f"{separator}y"]
