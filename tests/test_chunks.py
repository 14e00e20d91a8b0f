"""Huge documents are parsed in chunks: cut only where no Markdown block reaches across.

The check: cut at every line :func:`chunk_starts` allows (chunks of any
size), parse each chunk alone, and get exactly the blocks markdown-it-py
gives for the whole document, on every real digest, every fixture, and
documents built to tempt a wrong cut (fences and HTML blocks with blank
lines inside, lists with indented paragraphs).
"""

from __future__ import annotations

import pytest

from loaders import chunks, engine_markdown_it, parse_text
from loaders.engine_fast import normalize
from tests.conftest import FIXTURE_DOCS, shared_dir

TABLE = "| a | b |\n|---|---|\n| 1 | 2 |\n"
TEMPTING = {
    "a fence with blank lines": "## A\n\n```\ncode\n\nnot a heading\n## still code\n```\n\nafter\n",
    "a tilde fence": "## A\n\n~~~~ python\nx\n\n~~~\n\ny\n~~~~\n\n" + TABLE,
    "an HTML comment": "## A\n\n<!-- note\n\nstill a comment\n-->\n\n" + TABLE,
    "a pre block": "## A\n\n<pre>\nx\n\n## not a heading\n</pre>\n\ntext\n",
    "a list with a loose item": "## A\n\n* one\n\n  more of one\n\n* two\n\nafter\n",
    "a quote then a table": "## A\n\n> quoted\n\n" + TABLE,
    "an ordered list": "## A\n\n1. one\n\n2. two\n\ntext\n",
}


def documents() -> list[tuple[str, str]]:
    paths = sorted((shared_dir() / "corpus").glob("*.md")) + sorted(FIXTURE_DOCS.glob("*.md"))
    found = []
    for path in paths:
        try:
            found.append((path.name, path.read_text(encoding="utf-8")))
        except UnicodeDecodeError:
            continue  # the binary and Latin-1 fixtures: decoding is tested elsewhere
    return found + list(TEMPTING.items())


@pytest.mark.parametrize(("name", "text"), documents(), ids=lambda v: str(v)[:40])
def test_chunks_give_the_blocks_of_the_whole(
    name: str, text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(chunks, "CHUNK", 1)  # cut at every line allowed
    text = normalize(text)
    assert chunks.blocks_by_chunk(text) == engine_markdown_it.parse_blocks(text)


def test_a_huge_document_with_one_quote_is_read_by_the_fast_engine_around_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("loaders.readers.LARGE_DOCUMENT", 1000)
    digest = (shared_dir() / "corpus" / "0063cd88c0d4ecadd54d7e5413f95ac0.md").read_text()
    text = digest.replace("## Signals\n", "## Signals\n\n> a quoted aside\n", 1)
    parsed = parse_text(text)
    whole = parse_text(text, engine="markdown-it")
    assert parsed.engine == "fast and markdown-it (by chunk)"
    assert parsed.entries == whole.entries and parsed.tags == whole.tags
