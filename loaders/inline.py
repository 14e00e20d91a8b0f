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
def _parsed(raw: str) -> Plain:
    tokens = markdown_parser().parseInline(raw)
    out: list[str] = []
    has_html = _collect(tokens[0].children or [], out) if tokens else False
    return Plain("".join(out), has_html)


def plain_via_parser(raw: str) -> Plain:
    """Plain text by markdown-it-py alone (the reference for the shortcuts)."""
    return _parsed(raw)


def to_plain(raw: str) -> Plain:
    """Plain text of raw inline Markdown, with whether it held raw HTML."""
    if not may_hold_inline(raw):
        return Plain(raw, False)
    strong = _WHOLE_STRONG.fullmatch(raw)
    if strong is not None:
        return Plain(strong.group(2), False)
    return _parsed(raw)


def plain(raw: str) -> str:
    return to_plain(raw).text
