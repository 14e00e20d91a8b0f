"""The block structure every parsing engine produces.

Engines (see :mod:`loaders.readers`) turn Markdown text into this flat list of
blocks; :mod:`loaders.document` turns blocks into records. Keeping the seam
here means the fast engine and the markdown-it-py engine are interchangeable
and can be compared block for block.

Text in blocks is *raw inline Markdown* (``__bold__``, ``\\|``, links): the
conversion to plain text happens once, in :mod:`loaders.inline`, for every
engine alike. Line numbers are 0-based, like markdown-it-py's ``token.map``.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class Heading:
    level: int
    text: str
    line: int


@dataclass(slots=True)
class Paragraph:
    text: str
    line: int


@dataclass(slots=True)
class ListItem:
    text: str
    line: int


@dataclass(slots=True)
class BulletList:
    items: list[ListItem]
    line: int


@dataclass(slots=True)
class Row:
    """One body row: every cell as split from the line, overflow included.

    markdown-it-py keeps only as many cells as the header has; the loader
    keeps the rest too (they go to ``extra["_overflow"]``), so ``cells`` may be
    longer or shorter than the header.
    """

    line: int
    cells: list[str]


@dataclass(slots=True)
class Table:
    line: int
    end: int
    header: list[str]
    aligns: list[str]
    rows: list[Row] = field(default_factory=list)


@dataclass(slots=True)
class Notice:
    """Something an engine had to do to read the text, for the problems table."""

    line: int
    message: str


Block = Heading | Paragraph | BulletList | Table | Notice
