"""Splitting pipe-table lines exactly as markdown-it-py's ``table`` rule does.

markdown-it-py walks each row character by character (``escapedSplit``); these
functions give the same result with ``str.split`` and one regular expression,
which is what makes the fast engine fast. ``tests/test_peer_tables.py`` proves
the equivalence on markdown-it-py's own fixtures and on the real corpus.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from markdown_it.common.utils import MD_TRIM_CHARS

#: A pipe not preceded by a backslash: the only thing that separates cells.
_UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")
#: A delimiter cell such as ``---``, ``:--``, ``--:`` or ``:-:``.
_DELIMITER_CELL = re.compile(r":?-+:?")
_DELIMITER_CHARS = re.compile(r"[|\-: \t]*")
#: ``||`` between two characters of text, as in ``PoC||GTFO``.
_TEXT_DOUBLE_PIPE = re.compile(r"(?<=[^\s|\\])\|\|(?=[^\s|])")
_PLACEHOLDER = "\x00\x00"  # NUL never survives normalisation (it becomes U+FFFD)


#: What Python's ``str.strip()`` removes but CommonMark does not: the ASCII
#: separators and NEL. Everything else both call whitespace is the same.
PYTHON_ONLY_SPACE = "\x1c\x1d\x1e\x1f\x85"


def md_trim(text: str) -> str:
    """Strip CommonMark whitespace, like ``markdown_it.common.utils.mdTrim``."""
    return text.strip(MD_TRIM_CHARS)


def plain_strip_is_md_trim(text: str) -> bool:
    """Whether ``str.strip()`` trims every piece of ``text`` exactly like :func:`md_trim`.

    ``str.strip()`` without arguments is several times faster on the padded
    cells of pipe tables; it is exact unless the text holds one of
    :data:`PYTHON_ONLY_SPACE`, which real documents practically never do.
    """
    return not any(char in text for char in PYTHON_ONLY_SPACE)


def escaped_split(text: str) -> list[str]:
    """Split on unescaped pipes and drop the backslash of escaped ones."""
    if "\\" not in text:
        return text.split("|")
    return [part.replace("\\|", "|") for part in _UNESCAPED_PIPE.split(text)]


def split_row(line_text: str, trim: Callable[[str], str] = md_trim) -> list[str]:
    """Cells of a header or body line, trimmed, outer pipes removed.

    ``line_text`` is the line without its leading spaces and tabs (what
    markdown-it-py's ``getLine`` returns). ``trim`` may be ``str.strip`` when
    :func:`plain_strip_is_md_trim` holds for the document.
    """
    columns = escaped_split(trim(line_text))
    if columns and columns[0] == "":
        columns.pop(0)
    if columns and columns[-1] == "":
        columns.pop()
    return list(map(trim, columns))


def split_row_keeping_text_pipes(line_text: str) -> list[str]:
    """Like :func:`split_row`, but ``a||b`` inside text stays one cell.

    Markdown has no way to write ``PoC||GTFO`` in a table cell without
    escaping, yet real digests do; used only to repair rows that came out
    with more cells than their header.
    """
    protected = _TEXT_DOUBLE_PIPE.sub(_PLACEHOLDER, line_text)
    if protected == line_text:
        return split_row(line_text)
    return [cell.replace(_PLACEHOLDER, "||") for cell in split_row(protected)]


_CODE_SPAN = re.compile(r"(`+)(?!`)(.+?)(?<!`)\1(?!`)")
_PIPE_PLACEHOLDER = "\x00"


def split_row_keeping_code_pipes(line_text: str) -> list[str]:
    """Like :func:`split_row`, but a pipe inside a `code span` stays text.

    GitHub renders these as one cell; markdown-it-py splits them. Used only
    to repair rows that came out with more cells than their header.
    """
    protected = _CODE_SPAN.sub(lambda m: m[0].replace("|", _PIPE_PLACEHOLDER), line_text)
    if protected == line_text:
        return split_row(line_text)
    return [cell.replace(_PIPE_PLACEHOLDER, "|") for cell in split_row(protected)]


def delimiter_aligns(line_text: str) -> list[str] | None:
    """Alignments of a delimiter row (``|:--|--:|``), or None if it is not one.

    Mirrors the checks at the top of markdown-it-py's ``table`` rule, in the
    same order, including its refusal of ``- | -`` (a list item).
    """
    if len(line_text) < 2:
        return None
    first, second = line_text[0], line_text[1]
    if first not in "|-:":
        return None
    if second not in "|-: \t":
        return None
    if first == "-" and second in " \t":
        return None
    if _DELIMITER_CHARS.fullmatch(line_text, 2) is None:
        return None
    columns = line_text.split("|")
    aligns: list[str] = []
    last = len(columns) - 1
    for i, column in enumerate(columns):
        cell = column.strip(" \t")  # exact: the row holds only "|-: \t"
        if not cell:
            if i == 0 or i == last:
                continue
            return None
        if not _DELIMITER_CELL.fullmatch(cell):
            return None
        if cell[-1] == ":":
            aligns.append("center" if cell[0] == ":" else "right")
        elif cell[0] == ":":
            aligns.append("left")
        else:
            aligns.append("")
    return aligns
