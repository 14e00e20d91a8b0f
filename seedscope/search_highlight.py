"""Showing what a search matched: where (which field) and which words.

:meth:`seedscope.search.SearchIndex.marked` returns a row's text with every
matched word between :data:`MARK_START` and :data:`MARK_END`; this module
turns such text into a short snippet for tables, (piece, is_match) pairs
for renderers, or escaped Markdown with the matches highlighted, and names
each field as the page says it.
"""

from __future__ import annotations

import re

from .safety import escape_markdown

#: What the page calls each field when it says where a match was found.
FIELD_LABELS = {
    "title": "title",
    "summary": "summary",
    "name": "name",
    "description": "description",
    "change": "change",
    "ten_year": "in 10 years",
    "driving_force": "driving force",
    "entries": "its entries",
}
#: Markers of a matched word in :meth:`~seedscope.search.SearchIndex.marked` text
#: (never in documents: the loader drops control characters).
MARK_START, MARK_END = "\x02", "\x03"
#: Snippet length in words, for tables.
SNIPPET_WORDS = 14


def snippet(marked: str, words: int = SNIPPET_WORDS) -> str:
    """A short window of marked text around its first match, with "…" where cut."""
    tokens = marked.split()
    first = next((i for i, token in enumerate(tokens) if MARK_START in token), 0)
    start = max(0, first - words // 3)
    end = min(len(tokens), start + words)
    start = max(0, min(start, end - words))
    text = " ".join(tokens[start:end])
    return ("…" if start > 0 else "") + text + ("…" if end < len(tokens) else "")


def split_marked(marked: str) -> list[tuple[str, bool]]:
    """Marked text as (piece, is_match) pairs, for renderers that style matches."""
    pieces: list[tuple[str, bool]] = []
    for i, part in enumerate(re.split(f"[{MARK_START}{MARK_END}]", marked)):
        if part:
            pieces.append((part, i % 2 == 1))
    return pieces


def highlighted_markdown(marked: str, multiline: bool = False) -> str:
    """Markdown of marked text for ``st.markdown``: every piece escaped (document text is
    untrusted), each matched word in bold on an orange background."""
    out = []
    for piece, is_match in split_marked(marked):
        shown = escape_markdown(piece, multiline=multiline)
        out.append(f":orange-background[**{shown}**]" if is_match and shown.strip() else shown)
    return "".join(out)
