"""Damaged digests and what the loader must still guarantee about them.

Shared by the hypothesis test in the suite (tests/test_fuzz.py) and the long
run behind ``make fuzz`` (tests/support/fuzz.py). A mutant is a real digest
with one to four random edits: lines dropped or duplicated, table rows
shuffled, pipes, backslashes, backticks or NUL bytes inserted, the file
truncated, or a deeply nested list put in.

The invariants, checked by :func:`violations`:

* parsing never raises;
* every top-level ``##`` heading of the mutant (as markdown-it-py finds them)
  is in ``sections``;
* every pipe-table data row (as markdown-it-py itself finds them, at any
  depth, blank rows aside) is an entry;
* both engines give the same rows.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from loaders import parse_bytes
from loaders.engine_fast import normalize
from loaders.engine_markdown_it import parse_tokens

Edit = Callable[[random.Random, list[str]], list[str]]


def _drop(rng: random.Random, lines: list[str]) -> list[str]:
    del lines[rng.randrange(len(lines))]
    return lines


def _duplicate(rng: random.Random, lines: list[str]) -> list[str]:
    at = rng.randrange(len(lines))
    lines.insert(at, lines[at])
    return lines


def _shuffle_rows(rng: random.Random, lines: list[str]) -> list[str]:
    rows = [i for i, line in enumerate(lines) if line.startswith("|")]
    if len(rows) >= 2:
        picked = sorted(rng.sample(rows, min(len(rows), rng.randint(2, 6))))
        moved = [lines[i] for i in picked]
        rng.shuffle(moved)
        for i, line in zip(picked, moved, strict=True):
            lines[i] = line
    return lines


def _inserter(chars: str, most: int) -> Edit:
    def insert(rng: random.Random, lines: list[str]) -> list[str]:
        at = rng.randrange(len(lines))
        line = lines[at]
        cut = rng.randint(0, len(line))
        lines[at] = line[:cut] + rng.choice(chars) * rng.randint(1, most) + line[cut:]
        return lines

    insert.__name__ = f"insert {chars!r}"
    return insert


def _truncate(rng: random.Random, lines: list[str]) -> list[str]:
    text = "\n".join(lines)
    return text[: rng.randint(0, len(text))].split("\n")


def _deep_nesting(rng: random.Random, lines: list[str]) -> list[str]:
    at = rng.randrange(len(lines))
    depth = rng.randint(8, 14)
    nested = ["  " * i + f"* nested {i}" for i in range(depth)]
    return [*lines[:at], "", *nested, "", *lines[at:]]


EDITS: tuple[Edit, ...] = (
    _drop,
    _duplicate,
    _shuffle_rows,
    _inserter("|", 5),
    _inserter("\\", 3),
    _inserter("`", 3),
    _inserter("\x00", 2),
    _truncate,
    _deep_nesting,
)


def mutate(rng: random.Random, text: str) -> bytes:
    """A digest with one to four random edits, as the bytes of a file."""
    lines = text.split("\n")
    for _ in range(rng.randint(1, 4)):
        if not lines:
            lines = [""]
        lines = rng.choice(EDITS)(rng, lines)
    return "\n".join(lines).encode("utf-8")


def headings(text: str) -> int:
    """Top-level ``##`` headings, as markdown-it-py itself finds them."""
    return sum(
        1
        for token in parse_tokens(text)
        if token.type == "heading_open" and token.tag == "h2" and token.level == 0
    )


def table_rows(text: str) -> int:
    """Data rows holding any text in every table markdown-it-py finds, at any depth.

    A row's text is read from its source line, not from the tokens: cells
    beyond the header's count are data too (the loader keeps them in
    ``extra._overflow``), though markdown-it-py drops them.
    """
    lines = text.split("\n")
    rows = 0
    in_body = False
    for token in parse_tokens(text):
        if token.type == "tbody_open":
            in_body = True
        elif token.type == "tbody_close":
            in_body = False
        elif in_body and token.type == "tr_open" and token.map:
            line = lines[token.map[0]].lstrip(" \t>")
            rows += bool(line.replace("|", "").strip())
    return rows


def violations(data: bytes) -> list[str]:
    """What a mutant breaks of the loader's promises (empty: nothing)."""
    found: list[str] = []
    parsed = {
        engine: parse_bytes(data, doc_id="m", path="m.md", engine=engine)
        for engine in ("fast", "markdown-it")
    }
    fast = parsed["fast"]
    if fast.document is None:
        return found  # refused as a whole file (binary ...), with its problem row
    text = normalize(data.decode("utf-8", errors="replace"))
    sections = fast.document["sections"]
    assert isinstance(sections, list)
    if len(sections) != headings(text):
        found.append(f"{headings(text)} '## ' headings but {len(sections)} sections")
    expected_rows = table_rows(text)
    if len(fast.entries) != expected_rows:
        found.append(f"{expected_rows} table rows but {len(fast.entries)} entries")
    other = parsed["markdown-it"]
    for name in ("entries", "tags"):
        if getattr(fast, name) != getattr(other, name):
            found.append(f"the engines disagree on {name}")
    return found
