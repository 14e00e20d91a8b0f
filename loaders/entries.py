"""Pipe tables to entries: which column is which, and every row kept or reported.

A mixin of :class:`loaders.document._Builder` (it writes into the same
document): headers are mapped onto the entry columns once per distinct
header, clean rows take a fast path, and the rest are read cell by cell,
with a problem row for each surprise (missing or extra cells, pipes meant as
text, raw HTML, unreadable relevancy).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from . import aliases
from .blocks import Row, Table
from .inline import InlineBudget, may_hold_inline, plain
from .schema import ENTRY_TEXT_COLUMNS, WARNING
from .tablesplit import split_row_keeping_code_pipes, split_row_keeping_text_pipes

if TYPE_CHECKING:
    from .document import ParsedDocument


@dataclass(frozen=True, slots=True)
class _Layout:
    """How a table's columns map onto the entry fields (cached per header)."""

    header: tuple[str, ...]
    width: int
    text_fields: tuple[int, ...]  # column index of name ... driving_force, -1 if absent
    relevancy_at: int
    unmapped: tuple[int, ...]
    has_name: bool


@lru_cache(maxsize=1024)
def _layout(raw_header: tuple[str, ...]) -> _Layout:
    header = [plain(h) for h in raw_header]
    index_of: dict[str, int] = {}
    unmapped: list[int] = []
    for index, name in enumerate(header):
        column = aliases.canonical_column(name)
        if column is None or column in index_of:
            unmapped.append(index)
            if not name:
                header[index] = f"column {index + 1}"
        else:
            index_of[column] = index
    return _Layout(
        header=tuple(header),
        width=len(header),
        text_fields=tuple(index_of.get(f, -1) for f in ENTRY_TEXT_COLUMNS),
        relevancy_at=index_of.get("relevancy", -1),
        unmapped=tuple(unmapped),
        has_name="name" in index_of,
    )


class TableRows:
    """Reads tables into ``out.entries``; the document builder provides the state."""

    out: ParsedDocument
    lines: list[str]
    positions: dict[str, int]
    row_keys: list[str]
    inline: InlineBudget

    def problem(self, line: int | None, severity: str, message: str) -> None:
        raise NotImplementedError  # the document builder's

    def table(self, table: Table, section: str) -> None:
        layout = _layout(tuple(table.header))
        if not table.rows:
            self.problem(table.line, WARNING, f"table in {section} has a header but no rows")
            return
        width = layout.width
        fields = layout.text_fields
        relevancy_at = layout.relevancy_at
        doc_id = self.out.doc_id
        position = self.positions.get(section, 0)
        lines = self.lines
        key_parts = self.row_keys
        entries = self.out.entries
        # One search over the whole table decides whether any cell needs the
        # inline parser; in most documents none does.
        clean = not may_hold_inline(" ".join(lines[table.line : table.end]))
        simple = clean and not layout.unmapped
        small = aliases.SMALL_RELEVANCY
        for row in table.rows:
            cells = row.cells
            if simple and len(cells) == width and all(cells):
                relevancy = small.get(cells[relevancy_at]) if relevancy_at >= 0 else None
                if relevancy is not None or relevancy_at < 0:
                    entries.append(
                        (
                            doc_id,
                            section,
                            position,
                            *[cells[i] if i >= 0 else None for i in fields],
                            relevancy,
                            "{}",
                        )
                    )
                    key_parts.append(section)
                    key_parts.extend(cells)
                    position += 1
                    continue
            if self._row(row, cells, layout, section, position, clean):
                position += 1
        self.positions[section] = position

    def _repair(self, line: int, line_text: str, cells: list[str], width: int) -> list[str]:
        """Cells of a row that split into too many: pipes that were meant as text.

        ``PoC||GTFO`` and a pipe inside a code span are split by Markdown's
        table rule; when keeping them whole gives exactly the header's width,
        that reading wins.
        """
        text = line_text.lstrip(" \t")
        if "||" in text:
            repaired = split_row_keeping_text_pipes(text)
            if len(repaired) == width:
                self.problem(
                    line, WARNING, "'||' inside a cell read as text, not as an empty column"
                )
                return repaired
        if "`" in text:
            repaired = split_row_keeping_code_pipes(text)
            if len(repaired) == width:
                self.problem(
                    line, WARNING, "'|' inside a `code` span read as text, not as a column break"
                )
                return repaired
        return cells

    def _row(
        self, row: Row, cells: list[str], layout: _Layout, section: str, position: int, clean: bool
    ) -> bool:
        """One table row the careful way; False when the row is skipped (all blank)."""
        width = layout.width
        line_text = self.lines[row.line]
        if len(cells) > width:
            cells = self._repair(row.line, line_text, cells, width)
        if not any(cells):
            return False
        count = len(cells)
        if count < width:
            self.problem(
                row.line,
                WARNING,
                f"{section}: row has {count} of {width} cells; the missing ones are left empty",
            )
            cells = cells + [""] * (width - count)
        values: list[object] = []
        for index in layout.text_fields:
            cell = cells[index] if index >= 0 else ""
            if not cell:
                values.append(None)
            elif clean:
                values.append(cell)
            else:
                text, has_html = self.inline.to_plain(cell, row.line)
                if has_html:
                    self.problem(
                        row.line, WARNING, f"{section}: raw HTML in a cell is kept as text"
                    )
                values.append(text)
        relevancy = None
        if layout.relevancy_at >= 0:
            cell = cells[layout.relevancy_at]
            relevancy, why = aliases.parse_relevancy(
                cell if clean else self.inline.plain(cell, row.line)
            )
            if why is not None:
                self.problem(row.line, WARNING, f"{section}: {why}")
        extra: dict[str, object] = {}
        for index in layout.unmapped:
            if cells[index]:
                extra[layout.header[index]] = self.inline.plain(cells[index], row.line)
        if count > width:
            # Empty extra cells hold nothing: a line of a million pipes must not
            # become a million empty strings.
            overflow = [self.inline.plain(c, row.line) for c in cells[width:] if c]
            dropped = count - width - len(overflow)
            if overflow:
                extra["_overflow"] = overflow
            kept = "the extra cells are kept in extra._overflow"
            if dropped and overflow:
                kept = f"the {len(overflow):,} holding text are kept in extra._overflow"
            elif dropped:
                kept = "they are all empty and were dropped"
            self.problem(
                row.line,
                WARNING,
                f"{section}: row has {count:,} cells but the header has {width}; {kept}",
            )
        if layout.has_name and values[0] is None:
            self.problem(
                row.line,
                WARNING,
                f"{section}: row has no name (a wrapped continuation row?); kept as its own row",
            )
        self.out.entries.append(
            (
                self.out.doc_id,
                section,
                position,
                *values,
                relevancy,
                json.dumps(extra, ensure_ascii=False) if extra else "{}",
            )
        )
        self.row_keys.append(section)
        self.row_keys.extend(cells)
        return True
