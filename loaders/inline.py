"""Inline Markdown to plain text: emphasis and escapes resolved, links kept
as their text, raw HTML kept as literal text (never rendered).

Most cells of a seed document contain none of the characters that start an
inline construct, and for those the plain text *is* the raw text; only the
rest goes through markdown-it-py's inline parser. ``tests/test_inline.py``
checks the shortcut against the parser on generated strings.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from markdown_it.token import Token

from .engine_markdown_it import markdown_parser


def may_hold_inline(text: str) -> bool:
    """Whether ``text`` holds a character that can start an inline rule.

    Those are, in the commonmark preset: escape, code span, emphasis,
    link/image, autolink/HTML, entity and line break. Eight substring tests
    rather than one regular expression: 0.3 against 10 microseconds on a
    5 KB table, which is checked once per table.
    """
    return (
        "\\" in text
        or "`" in text
        or "*" in text
        or "_" in text
        or "[" in text
        or "<" in text
        or "&" in text
        or "\n" in text
    )


#: ``__text__`` or ``**text**`` around text with nothing else to resolve.
_WHOLE_STRONG = re.compile(r"(__|\*\*)([^\s\\`*_\[<&\n](?:[^\\`*_\[<&\n]*[^\s\\`*_\[<&\n])?)\1")


class Plain(NamedTuple):
    text: str
    has_html: bool


def _collect(tokens: list[Token], out: list[str]) -> bool:
    has_html = False
    for token in tokens:
        kind = token.type
        if kind in ("text", "code_inline"):
            out.append(token.content)
        elif kind in ("softbreak", "hardbreak"):
            out.append("\n")
        elif kind == "html_inline":
            out.append(token.content)
            has_html = True
        elif kind == "image" and token.children:
            has_html |= _collect(token.children, out)
    return has_html


@lru_cache(maxsize=65536)
def parse_plain(raw: str) -> Plain:
    """Plain text by markdown-it-py's inline parser (no shortcut)."""
    tokens = markdown_parser().parseInline(raw)
    out: list[str] = []
    has_html = _collect(tokens[0].children or [], out) if tokens else False
    return Plain("".join(out), has_html)


def shortcut(raw: str) -> Plain | None:
    """Plain text without the parser, when the text allows it; else None."""
    if not may_hold_inline(raw):
        return Plain(raw, False)
    strong = _WHOLE_STRONG.fullmatch(raw)
    if strong is not None:
        return Plain(strong.group(2), False)
    return None


def to_plain(raw: str) -> Plain:
    """Plain text of raw inline Markdown, with whether it held raw HTML."""
    return shortcut(raw) or parse_plain(raw)


#: The characters that cost markdown-it-py's inline parser its time.
_MARKUP = "\\`*_[]()<>&!"


def markup_weight(raw: str) -> int:
    """How much inline-parser work a text is: its count of markup characters.

    markdown-it-py spends 3 to 50 microseconds per markup character (link
    brackets are the dearest, and runs of them cost more than their length),
    against a fraction of a microsecond per character of plain text.
    """
    return sum(raw.count(char) for char in _MARKUP)


class InlineBudget:
    """How much markup one document may hand to the inline parser.

    A document gets ``max(MINIMUM, its size / 100)`` markup characters: real
    digests use at most about 50 (most of their text takes a shortcut), and
    at 50 microseconds each even a document made of markup stays under half a
    second per MB. Text beyond the budget is kept as written (its Markdown
    not resolved) and :attr:`over` counts it, for a warning.
    """

    MINIMUM = 2_000
    SHARE = 100

    def __init__(self, size: int) -> None:
        self.left = max(self.MINIMUM, size // self.SHARE)
        self.over = 0
        self.first_line: int | None = None

    def to_plain(self, raw: str, line: int | None = None) -> Plain:
        quick = shortcut(raw)
        if quick is not None:
            return quick
        weight = markup_weight(raw)
        if weight > self.left:
            self.over += 1
            if self.first_line is None:
                self.first_line = line
            return Plain(raw, False)
        self.left -= weight
        return parse_plain(raw)

    def plain(self, raw: str, line: int | None = None) -> str:
        return self.to_plain(raw, line).text


def plain(raw: str) -> str:
    return to_plain(raw).text
