"""The public face of parsing: text or bytes in, rows of the four tables out.

Two engines sit behind it, like pandas' parser engines:

``"fast"`` (default)
    :mod:`loaders.engine_fast`, a line scanner for the Markdown seed
    documents use; it hands anything else to markdown-it-py on its own.
``"markdown-it"``
    :mod:`loaders.engine_markdown_it`, markdown-it-py's full parser.

Both produce the same blocks for the same text (tests compare them on the
real corpus), so choosing one is purely a matter of speed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable

from . import engine_fast, engine_markdown_it
from .blocks import Block
from .chunks import blocks_by_chunk
from .decoding import decode
from .document import ParsedDocument, build_document
from .schema import ERROR, WARNING

Engine = Callable[[str], list[Block]]
ENGINES: dict[str, Engine] = {
    "fast": engine_fast.parse_blocks,
    "markdown-it": engine_markdown_it.parse_blocks,
}

#: Above this size a document leaving the fast engine's subset is parsed
#: chunk by chunk (see :mod:`loaders.chunks`): only the chunks that need it go
#: to markdown-it-py, so one odd line cannot make a 50 MB file take a minute.
LARGE_DOCUMENT = 4 * 1024 * 1024


def read_blocks(
    text: str, engine: str = "fast", lines: list[str] | None = None
) -> tuple[list[Block], str]:
    """Blocks of a document and the engine that produced them.

    ``lines``: the normalised text split on newlines, when the caller has it.
    """
    text = engine_fast.normalize(text)
    if engine == "fast":
        try:
            return engine_fast.parse_blocks(text, lines), "fast"
        except engine_fast.NeedsFullParser:
            if len(text) > LARGE_DOCUMENT:
                return blocks_by_chunk(text), "fast and markdown-it (by chunk)"
            return engine_markdown_it.parse_blocks(text), "markdown-it"
    try:
        parse = ENGINES[engine]
    except KeyError:
        raise ValueError(f"unknown engine {engine!r}; choose one of {sorted(ENGINES)}") from None
    return parse(text), engine


def parse_text(
    text: str,
    *,
    doc_id: str = "document",
    path: str = "document.md",
    engine: str = "fast",
    today: dt.date | None = None,
) -> ParsedDocument:
    """Parse one document's text into rows of the four tables.

    NUL characters (which no Markdown parser keeps) become U+FFFD, with a
    warning naming their lines.
    """
    nul_lines, nul_count = _nul_lines(text) if "\0" in text else ([], 0)
    text = engine_fast.normalize(text)
    lines = text.split("\n")
    blocks, used = read_blocks(text, engine, lines)
    parsed = build_document(
        blocks, lines, doc_id=doc_id, path=path, today=today or dt.date.today(), engine=used
    )
    if nul_lines:
        shown = ", ".join(map(str, nul_lines))
        more = nul_count - len(nul_lines)
        parsed.problems.insert(
            0,
            (
                path,
                doc_id,
                nul_lines[0],
                WARNING,
                f"NUL character replaced by \N{REPLACEMENT CHARACTER} on line"
                f"{'s' if nul_count > 1 else ''} {shown}"
                + (f" and {more:,} more lines" if more > 0 else ""),
            ),
        )
    return parsed


#: A warning about many lines names this many of them.
MAX_LINES_NAMED = 10


def _nul_lines(text: str) -> tuple[list[int], int]:
    """The first lines (1-based) holding a NUL, and how many lines hold one in all."""
    text = text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text
    named: list[int] = []
    at = text.find("\0")
    line, counted = 1, 0
    while at >= 0:
        line += text.count("\n", counted, at)
        counted = at
        if not named or named[-1] != line:
            if len(named) == MAX_LINES_NAMED:  # count the rest without naming them
                rest = text[text.rfind("\n", 0, at) + 1 :].split("\n")
                return named, len(named) + sum(1 for piece in rest if "\0" in piece)
            named.append(line)
        at = text.find("\0", at + 1)
    return named, len(named)


def parse_bytes(
    data: bytes,
    *,
    doc_id: str,
    path: str,
    engine: str = "fast",
    today: dt.date | None = None,
) -> ParsedDocument:
    """Parse a file's bytes; an undecodable file gives problems, not an exception."""
    decoded = decode(data)
    if decoded.text is None:
        parsed = ParsedDocument(doc_id=doc_id, path=path, document=None)
        parsed.problems.append((path, doc_id, None, decoded.severity or ERROR, decoded.message))
        return parsed
    parsed = parse_text(decoded.text, doc_id=doc_id, path=path, engine=engine, today=today)
    if decoded.message is not None:
        parsed.problems.insert(
            0, (path, doc_id, decoded.line, decoded.severity or WARNING, decoded.message)
        )
    assert parsed.document is not None
    parsed.document["sha256"] = hashlib.sha256(data).hexdigest()
    return parsed
