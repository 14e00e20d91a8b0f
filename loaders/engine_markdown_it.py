"""The reference engine: blocks from markdown-it-py's own tokens.

It handles every CommonMark construct, so it is both the fallback of the fast
engine and the yardstick the fast engine is tested against. HTML is never
rendered: only token contents are read.
"""

from __future__ import annotations

from functools import cache

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.token import Token

from .blocks import Block, BulletList, Heading, ListItem, Notice, Paragraph, Row, Table
from .tablesplit import split_row

#: markdown-it-py drops *everything* after a block nested deeper than its
#: ``maxNesting`` (20 levels: ten nested lists). Two levels before that, the
#: guard below takes each line as a paragraph of text instead, so deeper
#: content is kept, flattened into the item around it, and nothing after it
#: is lost.
FLATTEN_KEY = "seedscope_flattened"


def _flatten_deep_lines(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    if silent or state.level < state.md.options.maxNesting - 2:
        return False
    text = state.src[state.bMarks[start] + state.tShift[start] : state.eMarks[start]]
    opening = state.push("paragraph_open", "p", 1)
    opening.map = [start, start + 1]
    inline = state.push("inline", "", 0)
    inline.content = text.strip()
    inline.map = [start, start + 1]
    inline.children = []
    state.push("paragraph_close", "p", -1)
    state.line = start + 1
    state.env.setdefault(FLATTEN_KEY, []).append(start)
    return True


@cache
def markdown_parser() -> MarkdownIt:
    """The one parser configuration the project uses everywhere."""
    md = MarkdownIt("commonmark").enable("table")
    md.block.ruler.before("table", "flatten_deep_lines", _flatten_deep_lines)
    return md


def parse_tokens(text: str, env: dict | None = None) -> list[Token]:
    return markdown_parser().parse(text, env if env is not None else {})


def _align(token: Token) -> str:
    style = str(token.attrs.get("style", ""))
    return style.removeprefix("text-align:")


def _table(tokens: list[Token], start: int, lines: list[str]) -> tuple[Table, int]:
    """Read one table_open ... table_close run; return it and the next index."""
    open_token = tokens[start]
    line, end = open_token.map or (0, 0)
    table = Table(line, end, [], [])
    row: Row | None = None
    in_head = False
    i = start + 1
    while tokens[i].type != "table_close":
        token = tokens[i]
        kind = token.type
        if kind == "thead_open":
            in_head = True
        elif kind == "thead_close":
            in_head = False
        elif kind == "th_open":
            table.aligns.append(_align(token))
        elif kind == "tr_open" and not in_head:
            row = Row(token.map[0] if token.map else -1, [])
            table.rows.append(row)
        elif kind == "inline":
            if in_head:
                table.header.append(token.content)
            elif row is not None:
                row.cells.append(token.content)
        i += 1
    for row in table.rows:
        _recover_overflow(row, lines)
    return table, i + 1


def _recover_overflow(row: Row, lines: list[str]) -> None:
    """Put back the cells markdown-it-py drops beyond the header's count.

    The tokens hold exactly as many cells as the header; the source line
    holds them all. Only a top-level line whose first cells match the tokens
    is trusted (inside a block quote the line also carries ``>`` markers).
    """
    if not 0 <= row.line < len(lines):
        return
    cells = split_row(lines[row.line].lstrip(" \t"))
    width = len(row.cells)
    longer = len(cells) > width and cells[:width] == row.cells
    shorter = len(cells) < width and cells == row.cells[: len(cells)]
    if longer or shorter:
        row.cells = cells


def blocks_from_tokens(tokens: list[Token], text: str) -> list[Block]:
    """Flatten markdown-it-py tokens into the engine-neutral blocks.

    Headings count only at the top level (a ``#`` inside a list item is item
    text, not a section). Lists are flattened: one item per outermost list
    item, its text the inline contents found inside it.
    """
    lines = text.split("\n")
    blocks: list[Block] = []
    current_list: BulletList | None = None
    list_depth = 0
    item_depth = 0
    item_parts: list[str] = []
    item_line = 0
    i = 0
    while i < len(tokens):
        token = tokens[i]
        kind = token.type
        if kind in ("bullet_list_open", "ordered_list_open"):
            if list_depth == 0:
                current_list = BulletList([], token.map[0] if token.map else 0)
            list_depth += 1
        elif kind in ("bullet_list_close", "ordered_list_close"):
            list_depth -= 1
            if list_depth == 0 and current_list is not None:
                blocks.append(current_list)
                current_list = None
        elif kind == "list_item_open":
            item_depth += 1
            if item_depth == 1:
                item_parts = []
                item_line = token.map[0] if token.map else 0
        elif kind == "list_item_close":
            item_depth -= 1
            if item_depth == 0 and current_list is not None:
                current_list.items.append(ListItem("\n".join(item_parts), item_line))
        elif kind == "table_open":
            table, i = _table(tokens, i, lines)
            blocks.append(table)
            continue
        elif kind == "inline" and item_depth:
            if token.content:
                item_parts.append(token.content)
        elif kind == "heading_open" and list_depth == 0:
            level = int(token.tag[1:])
            line = token.map[0] if token.map else 0
            blocks.append(Heading(level, tokens[i + 1].content, line))
            i += 3
            continue
        elif kind == "paragraph_open" and list_depth == 0:
            line = token.map[0] if token.map else 0
            blocks.append(Paragraph(tokens[i + 1].content, line))
            i += 3
            continue
        i += 1
    return blocks


def parse_blocks(text: str) -> list[Block]:
    env: dict = {}
    blocks = blocks_from_tokens(parse_tokens(text, env), text)
    flattened = env.get(FLATTEN_KEY)
    if flattened:
        levels = (markdown_parser().options.maxNesting - 2) // 2
        blocks.append(
            Notice(
                flattened[0],
                f"content nested more than {levels} levels deep (lists or quotes); "
                f"its {len(flattened):,} deeper line(s) are kept as text of the item around them",
            )
        )
    return blocks
