"""The fast engine: a line scanner for the Markdown that seed documents use.

Seed documents are flat: ATX headings, paragraphs, one-level bullet lists and
pipe tables, all at the top level. For that subset this scanner applies
markdown-it-py's own block rules (same order, same tests, same trimming) in a
single pass over the lines, about 10x faster than the full parser.

Anything outside the subset (block quotes, fences, indented code, HTML blocks,
nested or lazy list content, setext headings, tabs in indentation, ...)
raises :class:`NeedsFullParser`, and :mod:`loaders.readers` hands the whole
document to markdown-it-py instead. Being conservative is cheap: real digests
almost never leave the subset.
"""

from __future__ import annotations

import re

from .blocks import Block, BulletList, Heading, ListItem, Paragraph, Row, Table
from .tablesplit import delimiter_aligns, plain_strip_is_md_trim, split_row

#: markdown-it-py stops auto-completing missing cells beyond this many.
MAX_AUTOCOMPLETED_CELLS = 0x10000

_HEADING = re.compile(r"(#{1,6})(?:[ \t]|$)")
_HR = re.compile(r"([*_-])(?:[ \t]*\1){2,}[ \t]*$")
_ORDERED = re.compile(r"[0-9]{1,9}[.)](?:[ \t]|$)")
_SETEXT_UNDERLINE = re.compile(r"(?:=+|-+)[ \t]*$")
_NESTED_ONLY = frozenset("-*+#>")
#: First characters after "* " that need the careful path (or end the line).
_SPECIAL_ITEM_START = frozenset(" \t#><`~[|-*+_0123456789") | {""}


#: CommonMark trimming; :func:`parse_blocks` only runs on documents where the
#: much faster ``str.strip()`` trims identically.
_trim = str.strip


class NeedsFullParser(Exception):
    """The document uses Markdown outside the subset this engine handles."""


def _split_indent(line: str) -> tuple[int, str]:
    """(indent in columns, text after the indent). Tabs leave the subset."""
    text = line.lstrip(" ")
    if text[:1] == "\t":
        raise NeedsFullParser("tab in indentation")
    return len(line) - len(text), text


def _is_blank(text: str) -> bool:
    if text.strip(" \t"):
        if not text.strip():
            # Blank to Python but not to CommonMark (NBSP, form feed ...).
            raise NeedsFullParser("unusual whitespace line")
        return False
    return True


def _bullet(text: str) -> bool:
    return text[:1] in ("*", "-", "+") and (len(text) == 1 or text[1] in " \t")


def _heading_content(text: str) -> tuple[int, str]:
    """Level and content of an ATX heading, trimmed as markdown-it-py does."""
    level = len(text) - len(text.lstrip("#"))
    end = len(text.rstrip(" \t"))
    content_end = end
    stripped = text[:end].rstrip("#")
    tmp = len(stripped)
    if tmp > level and stripped[tmp - 1] in " \t":
        content_end = tmp
    return level, _trim(text[level:content_end])


class _Scanner:
    __slots__ = ("blocks", "lines", "n")

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.n = len(lines)
        self.blocks: list[Block] = []

    # -- tables ---------------------------------------------------------------

    def table_at(self, start: int, silent: bool) -> Table | None:
        """markdown-it-py's ``table`` rule at a top-level line."""
        lines = self.lines
        if start + 2 > self.n:
            return None
        indent, delimiter = _split_indent(lines[start + 1])
        if indent >= 4:
            return None
        aligns = delimiter_aligns(delimiter)
        if aligns is None:
            return None
        indent, head = _split_indent(lines[start])
        if "|" not in _trim(head) or indent >= 4:
            return None
        header = split_row(head, _trim)
        if not header or len(header) != len(aligns):
            return None
        if silent:
            return Table(start, start, header, aligns)
        table = Table(start, start, header, aligns)
        columns = len(header)
        autocompleted = 0
        line_no = start + 2
        while line_no < self.n:
            text = lines[line_no]
            if text[:1] != "|":  # a row starting with a pipe can be nothing else
                indent, text = _split_indent(text)
                if indent < 4 and self._terminates_table(text):
                    break
                if not _trim(text) or indent >= 4:
                    break
            cells = split_row(text, _trim)
            autocompleted += columns - len(cells)
            if autocompleted > MAX_AUTOCOMPLETED_CELLS:
                break
            table.rows.append(Row(line_no, cells))
            line_no += 1
        table.end = line_no
        return table

    def _terminates_table(self, text: str) -> bool:
        """The ``blockquote`` terminator rules, tried on a would-be body row."""
        first = text[:1]
        if first in ("`", "~", ">", "<"):
            # fence, blockquote, HTML block: outside the subset either way
            if first in ("`", "~") and not text.startswith(("```", "~~~")):
                return False
            raise NeedsFullParser("block construct after a table")
        if first in ("*", "-", "_") and _HR.match(text):
            return True
        if _bullet(text) or ("0" <= first <= "9" and _ORDERED.match(text)):
            return True
        return first == "#" and _HEADING.match(text) is not None

    # -- lists ----------------------------------------------------------------

    def bullet_list(self, start: int) -> int:
        lines = self.lines
        marker = lines[start][0]
        items: list[ListItem] = []
        line_no = start
        n = self.n
        while True:
            items.append(ListItem(self._item_text(lines[line_no]), line_no))
            nxt = line_no + 1
            if nxt >= n:
                line_no = nxt
                break
            following = lines[nxt]
            if following[:1] == marker and following[1:2] in ("", " ") and not _HR.match(following):
                line_no = nxt
                continue
            indent, text = _split_indent(lines[nxt])
            if _is_blank(text):
                if not lines[line_no][1:].strip(" "):
                    raise NeedsFullParser("empty list item before a blank line")
                while nxt < self.n and _is_blank(_split_indent(lines[nxt])[1]):
                    nxt += 1
                if nxt >= self.n:
                    line_no = nxt
                    break
                indent, text = _split_indent(lines[nxt])
                if indent:
                    raise NeedsFullParser("indented line after a list")
                if text[0] == marker and _bullet(text) and not _HR.match(text):
                    line_no = nxt
                    continue
                line_no = nxt
                break
            if indent:
                raise NeedsFullParser("indented line in a list")
            if _bullet(text) and not _HR.match(text):
                if text[0] == marker:
                    line_no = nxt
                    continue
                line_no = nxt
                break
            if text[0] == "#" and _HEADING.match(text):
                line_no = nxt
                break
            raise NeedsFullParser("lazy continuation in a list item")
        self.blocks.append(BulletList(items, start))
        return line_no

    @staticmethod
    def _item_text(line: str) -> str:
        if line[1:2] == " " and line[2:3] not in _SPECIAL_ITEM_START:
            return _trim(line[2:])
        rest = line[1:]
        content = rest.lstrip(" ")
        if content[:1] == "\t":
            raise NeedsFullParser("tab after a list marker")
        if not content:
            return ""
        if len(rest) - len(content) > 4:
            raise NeedsFullParser("indented code in a list item")
        if len(content) == 1:
            # `* -`, `* #`, `* >` ...: an empty nested block, as in lists
            # exploded one character per bullet.
            return "" if content in _NESTED_ONLY else _trim(content)
        first = content[0]
        if (
            first in ("#", ">", "<", "`", "~", "[", "|")
            or _bullet(content)
            or ("0" <= first <= "9" and _ORDERED.match(content))
            or (first in ("*", "-", "_") and _HR.match(content))
        ):
            if first == "#" and not _HEADING.match(content):
                return _trim(content)
            if first == "[" and "]:" not in content:
                return _trim(content)
            if first in ("`", "~") and not content.startswith(("```", "~~~")):
                return _trim(content)
            if first == "|":
                return _trim(content)
            raise NeedsFullParser("block construct inside a list item")
        return _trim(content)

    # -- paragraphs -----------------------------------------------------------

    def paragraph(self, start: int) -> int:
        lines = self.lines
        line_no = start + 1
        while line_no < self.n:
            indent, text = _split_indent(lines[line_no])
            if _is_blank(text):
                break
            if indent >= 4:
                line_no += 1
                continue
            first = text[0]
            if first in ("=", "-") and _SETEXT_UNDERLINE.match(text):
                raise NeedsFullParser("setext heading")
            if self.table_at(line_no, silent=True) is not None:
                break
            if first in ("`", "~", ">", "<"):
                if first in ("`", "~") and not text.startswith(("```", "~~~")):
                    line_no += 1
                    continue
                raise NeedsFullParser("block construct after a paragraph")
            if first in ("*", "-", "_") and _HR.match(text):
                raise NeedsFullParser("thematic break after a paragraph")
            if _bullet(text):
                if not text[1:].strip(" \t"):
                    raise NeedsFullParser("empty list item inside a paragraph")
                break
            if "0" <= first <= "9" and _ORDERED.match(text):
                raise NeedsFullParser("ordered list after a paragraph")
            if first == "#" and _HEADING.match(text):
                break
            line_no += 1
        self.blocks.append(Paragraph(_trim("\n".join(lines[start:line_no])), start))
        return line_no

    # -- document -------------------------------------------------------------

    def run(self) -> list[Block]:
        lines = self.lines
        line_no = 0
        while line_no < self.n:
            text = lines[line_no]
            if not text:
                line_no += 1
                continue
            if text[0] in " \t":
                indent, text = _split_indent(text)
            else:
                indent = 0
            if _is_blank(text):
                line_no += 1
                continue
            if indent >= 4:
                raise NeedsFullParser("indented code block")
            if "|" in text:
                table = self.table_at(line_no, silent=False)
                if table is not None:
                    self.blocks.append(table)
                    line_no = table.end
                    continue
            first = text[0]
            if first in ("`", "~", ">", "<", "["):
                plain_text = (first in ("`", "~") and not text.startswith(("```", "~~~"))) or (
                    first == "[" and "]:" not in text
                )
                if not plain_text:
                    raise NeedsFullParser("block quote, fence, HTML or reference")
            if first in ("*", "-", "_") and _HR.match(text):
                raise NeedsFullParser("thematic break")
            if _bullet(text):
                if indent:
                    raise NeedsFullParser("indented list")
                line_no = self.bullet_list(line_no)
                continue
            if "0" <= first <= "9" and _ORDERED.match(text):
                raise NeedsFullParser("ordered list")
            if first == "#" and _HEADING.match(text):
                level, content = _heading_content(text)
                self.blocks.append(Heading(level, content, line_no))
                line_no += 1
                continue
            line_no = self.paragraph(line_no)
        return self.blocks


def normalize(text: str) -> str:
    """What markdown-it-py does to the source before parsing."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\0" in text:
        text = text.replace("\0", "\ufffd")
    return text


def parse_blocks(text: str, lines: list[str] | None = None) -> list[Block]:
    """Blocks of a normalised document; raises :class:`NeedsFullParser`.

    ``lines``: ``text.split("\n")`` when the caller already has it.
    """
    if not plain_strip_is_md_trim(text):
        raise NeedsFullParser("ASCII separator or NEL characters: trimmed differently")
    return _Scanner(text.split("\n") if lines is None else lines).run()
