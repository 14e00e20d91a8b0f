"""Huge documents that leave the fast engine's subset, parsed chunk by chunk.

markdown-it-py reads about a megabyte a second, the fast engine ten times
that. A 50 MB digest with one block quote must not go to markdown-it-py
whole: it is cut where no Markdown block can reach across (see
:func:`chunk_starts`), each chunk goes to the fast engine, and only the
chunks it cannot read go to markdown-it-py.
"""

from __future__ import annotations

import re
from itertools import pairwise

from . import engine_fast, engine_markdown_it
from .blocks import Block, BulletList, Table

#: The fast engine reads pieces in batches of about this many characters.
CHUNK = 256 * 1024

_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
_LIST_MARKER = re.compile(r"(?:[*+-]|\d{1,9}[.)])(?:[ \t]|$)")
#: HTML blocks that a blank line does not end (CommonMark types 1 to 5), and their ends.
_HTML_OPENERS = (
    (
        re.compile(r" {0,3}<(?:script|pre|style|textarea)(?:[\s>]|$)", re.I),
        re.compile(r"</(?:script|pre|style|textarea)>", re.I),
    ),
    (re.compile(r" {0,3}<!--"), re.compile(r"-->")),
    (re.compile(r" {0,3}<\?"), re.compile(r"\?>")),
    (re.compile(r" {0,3}<![A-Za-z]"), re.compile(r">")),
    (re.compile(r" {0,3}<!\[CDATA\["), re.compile(r"\]\]>")),
)


def chunk_starts(lines: list[str]) -> list[int]:
    """Lines where a new top-level block must start, whatever came before.

    A ``## `` heading, or a line at column 0 after a blank line that is not a
    list item: nothing can continue across such a line (a blank line ends
    paragraphs, tables and quotes; a list item's content is indented) except
    a code fence or an HTML block of CommonMark's types 1 to 5, which this
    scan follows. Link reference definitions are the one thing that reaches
    across chunks; a huge document using them may keep a few ``[text][ref]``
    as written.
    """
    starts = []
    closing: re.Pattern[str] | None = None  # the end of the HTML block we are in
    fence = ""
    blank_before = False
    for at, line in enumerate(lines):
        if fence:
            opened = _FENCE.match(line)
            closes = opened is not None and opened[1][0] == fence[0]
            if opened is not None and closes and len(opened[1]) >= len(fence):
                fence = "" if not line[opened.end() :].strip() else fence
        elif closing is not None:
            if closing.search(line):
                closing = None
        else:
            first = line[:1]
            heading = line.startswith("## ")
            fresh = blank_before and first not in ("", " ", "\t") and not _LIST_MARKER.match(line)
            if at and (heading or fresh):
                starts.append(at)
            opened = _FENCE.match(line)
            if opened and not (opened[1][0] == "`" and "`" in line[opened.end() :]):
                fence = opened[1]
            elif line.lstrip(" ")[:1] == "<":
                for opener, end in _HTML_OPENERS:
                    found = opener.match(line)
                    if found is not None:
                        closing = None if end.search(line, found.end()) else end
                        break
        blank_before = not line.strip()
    return starts


def blocks_by_chunk(text: str) -> list[Block]:
    """Parse a huge document chunk by chunk, fixing line numbers.

    Pieces between safe cuts are batched up to :data:`CHUNK` characters for
    the fast engine; a batch it cannot read is read piece by piece, and only
    the pieces that need it go to markdown-it-py.
    """
    lines = text.split("\n")
    cuts = [0, *chunk_starts(lines), len(lines)]
    blocks: list[Block] = []
    batch: list[tuple[int, int]] = []
    size = 0
    for begin, end in pairwise(cuts):
        batch.append((begin, end))
        size += sum(len(line) + 1 for line in lines[begin:end])
        if size >= CHUNK or end == len(lines):
            blocks += _parse_batch(lines, batch)
            batch, size = [], 0
    return blocks


def _parse_batch(lines: list[str], pieces: list[tuple[int, int]]) -> list[Block]:
    start, stop = pieces[0][0], pieces[-1][1]
    try:
        return _at(engine_fast.parse_blocks("\n".join(lines[start:stop])), start)
    except engine_fast.NeedsFullParser:
        pass
    blocks: list[Block] = []
    for begin, end in pieces:
        piece = "\n".join(lines[begin:end])
        try:
            part = engine_fast.parse_blocks(piece)
        except engine_fast.NeedsFullParser:
            part = engine_markdown_it.parse_blocks(piece)
        blocks += _at(part, begin)
    return blocks


def _at(blocks: list[Block], offset: int) -> list[Block]:
    for block in blocks:
        shift(block, offset)
    return blocks


def shift(block: Block, offset: int) -> None:
    """Move a block parsed from a chunk to its lines in the whole document."""
    block.line += offset
    if isinstance(block, BulletList):
        for item in block.items:
            item.line += offset
    elif isinstance(block, Table):
        block.end += offset
        for row in block.rows:
            row.line += offset
