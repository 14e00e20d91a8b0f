"""References the production parsers are checked against (never used by them).

``table_tokens`` rebuilds markdown-it-py's table tokens from the fast engine's
tables, so tests can compare the two token for token; ``plain_via_parser`` is
markdown-it-py's inline parser alone, the yardstick of the plain-text shortcuts.
"""

from __future__ import annotations

from markdown_it.token import Token

from loaders import engine_fast
from loaders.blocks import Table
from loaders.inline import Plain, parse_plain


def plain_via_parser(raw: str) -> Plain:
    """Plain text by markdown-it-py alone (the reference for the shortcuts)."""
    return parse_plain(raw)


def table_tokens(text: str) -> list[Token]:
    """The markdown-it-py tokens the ``table`` rule would emit for this text.

    Built from the fast engine's own tables (raises :class:`NeedsFullParser`
    outside its subset); used to prove the engine agrees with markdown-it-py
    token for token.
    """
    tokens: list[Token] = []

    def push(kind: str, tag: str, nesting: int, level: int, **fields: object) -> Token:
        token = Token(kind, tag, nesting, level=level, block=True, **fields)  # type: ignore[arg-type]
        tokens.append(token)
        return token

    for block in engine_fast.parse_blocks(engine_fast.normalize(text)):
        if not isinstance(block, Table):
            continue
        width = len(block.header)
        push("table_open", "table", 1, 0, map=[block.line, block.end])
        push("thead_open", "thead", 1, 1, map=[block.line, block.line + 1])
        push("tr_open", "tr", 1, 2, map=[block.line, block.line + 1])
        for cell, align in zip(block.header, block.aligns, strict=True):
            attrs = {"style": f"text-align:{align}"} if align else {}
            push("th_open", "th", 1, 3, attrs=attrs)
            push("inline", "", 0, 4, map=[block.line, block.line + 1], content=cell, children=[])
            push("th_close", "th", -1, 3)
        push("tr_close", "tr", -1, 2)
        push("thead_close", "thead", -1, 1)
        if block.rows:
            push("tbody_open", "tbody", 1, 1, map=[block.line + 2, block.end])
            for row in block.rows:
                push("tr_open", "tr", 1, 2, map=[row.line, row.line + 1])
                for index in range(width):
                    align = block.aligns[index]
                    attrs = {"style": f"text-align:{align}"} if align else {}
                    content = row.cells[index] if index < len(row.cells) else ""
                    push("td_open", "td", 1, 3, attrs=attrs)
                    push(
                        "inline",
                        "",
                        0,
                        4,
                        map=[row.line, row.line + 1],
                        content=content,
                        children=[],
                    )
                    push("td_close", "td", -1, 3)
                push("tr_close", "tr", -1, 2)
            push("tbody_close", "tbody", -1, 1)
        push("table_close", "table", -1, 0)
    return tokens
