"""From blocks to the rows of the four tables: what a seed document *means*.

The engines know Markdown; this module knows seed documents: the title line
with its page date, the External link, the ``## Other`` facts, Summary,
tag lists (including the ones a generator exploded one character per bullet)
and the tables of signals and other entries. Every surprise becomes a row in
``problems`` that names the line, and the rest of the document still loads.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field

from . import aliases
from .blocks import Block, BulletList, Heading, Notice, Paragraph, Table
from .entries import TableRows
from .inline import InlineBudget, may_hold_inline
from .schema import WARNING

#: A link destination as CommonMark allows it: one level of balanced parentheses.
_DESTINATION = r"<?(?P<url>(?:[^()\s<>]|\([^()\s]*\))*)>?"
_TITLE_SUFFIX = re.compile(
    r",?\s*\(?\s*from\s+(?:page\s+)?\(?\s*\[(?P<token>[^\]]*)\]\(\s*"
    + _DESTINATION
    + r"\s*\)\s*\.?\s*\)?\s*\.?\s*$",
    re.IGNORECASE,
)
_PAGE_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})(?!\d)")
_EXTERNAL_LINK = re.compile(
    r"\[\s*External link\s*\]\(\s*" + _DESTINATION + r"\s*\)", re.IGNORECASE
)
_SINGLE_LINK = re.compile(r"\[(?P<text>[^\]]*)\]\(\s*" + _DESTINATION + r"(?:\s+\"[^\"]*\")?\s*\)")
_WEB_ADDRESS = re.compile(r"https?://", re.IGNORECASE)
_KEY_VALUE = re.compile(r"\s*([^:]{1,40}?)\s*:\s*(.*)", re.DOTALL)

#: A list is "exploded" when at least this many bullets hold one character each.
_EXPLODED_MIN_ITEMS = 6
_EXPLODED_SHARE = 0.8


@dataclass(slots=True)
class ParsedDocument:
    """Rows of one document, in the column order of :mod:`loaders.schema`."""

    doc_id: str
    path: str
    document: dict[str, object] | None
    entries: list[tuple[object, ...]] = field(default_factory=list)
    tags: list[tuple[object, ...]] = field(default_factory=list)
    problems: list[tuple[object, ...]] = field(default_factory=list)
    content_key: str = ""
    engine: str = ""


class _Builder(TableRows):
    """Walks the blocks of one document once, filling a :class:`ParsedDocument`."""

    def __init__(self, parsed: ParsedDocument, lines: list[str], today: dt.date) -> None:
        self.out = parsed
        self.lines = lines
        self.today = today
        self.doc: dict[str, object] = {
            "doc_id": parsed.doc_id,
            "path": parsed.path,
            "title": None,
            "page_date": None,
            "page_url": None,
            "source_url": None,
            "category": None,
            "doc_type": None,
            "summary": None,
            "sha256": "",
        }
        self.sections: list[str] = []
        self.doc["sections"] = self.sections
        self.positions: dict[str, int] = {}
        self.list_positions: dict[str, int] = {}
        self.section_lines: dict[str, int] = {}
        self.summary: list[str] = []
        self.row_keys: list[str] = []
        self.inline = InlineBudget(sum(map(len, lines)) + len(lines))

    def problem(self, line: int | None, severity: str, message: str) -> None:
        out = self.out
        out.problems.append(
            (out.path, out.doc_id, None if line is None else line + 1, severity, message)
        )

    # -- title and links ------------------------------------------------------

    def title(self, heading: Heading) -> None:
        raw = heading.text
        suffix = _TITLE_SUFFIX.search(raw)
        if suffix is None:
            self.doc["title"] = self.inline.plain(raw, heading.line) or None
            self.problem(heading.line, WARNING, "title line has no '(from page …)' date link")
            return
        self.doc["title"] = self.inline.plain(raw[: suffix.start()].strip(), heading.line) or None
        self.doc["page_url"] = suffix["url"].strip() or None
        token = suffix["token"].strip()
        date = _PAGE_DATE.match(token)
        if date is None:
            self.problem(
                heading.line, WARNING, f"page token {token!r} is not a date; page date left empty"
            )
            return
        try:
            page_date = dt.date(int(date[1]), int(date[2]), int(date[3]))
        except ValueError:
            self.problem(
                heading.line,
                WARNING,
                f"page token {token!r} is not a valid date; page date left empty",
            )
            return
        self.doc["page_date"] = page_date
        if page_date > self.today:
            self.problem(
                heading.line,
                WARNING,
                f"page date {page_date.isoformat()} is in the future; kept as written",
            )

    def preamble(self, paragraph: Paragraph) -> None:
        if self.doc["source_url"] is None:
            link = _EXTERNAL_LINK.search(paragraph.text)
            if link is not None:
                self.doc["source_url"] = link["url"] or None
                if link["url"] and not _WEB_ADDRESS.match(link["url"]):
                    self.problem(
                        paragraph.line,
                        WARNING,
                        f"External link {link['url'][:60]!r} is not an http(s) address; "
                        "it is shown as text only",
                    )

    # -- lists ----------------------------------------------------------------

    def other_facts(self, block: BulletList, heading: str) -> None:
        leftovers = []
        for item in block.items:
            fact = _KEY_VALUE.fullmatch(self.inline.plain(item.text, item.line))
            key = fact[1].casefold() if fact else ""
            if fact is not None and key in ("category", "catégorie", "categorie"):
                self.doc["category"] = fact[2].strip() or None
            elif fact is not None and key == "type":
                self.doc["doc_type"] = fact[2].strip() or None
            else:
                leftovers.append(item)
        if leftovers:
            self.tag_list(BulletList(leftovers, block.line), heading)

    def _exploded_chars(self, block: BulletList) -> list[str] | None:
        """The characters of a list written one character per bullet, else None."""
        items = block.items
        if len(items) < _EXPLODED_MIN_ITEMS:
            return None
        if sum(len(item.text) <= 1 for item in items) < _EXPLODED_SHARE * len(items):
            return None
        chars = []
        for item in items:
            rest = self.lines[item.line].lstrip(" ")[1:]
            rest = rest[1:] if rest[:1] == " " else rest
            chars.append(rest.rstrip("\n") or " ")
        single = sum(len(c) == 1 for c in chars)
        if single < _EXPLODED_SHARE * len(items):
            return None
        return chars

    def tag_list(self, block: BulletList, heading: str) -> None:
        out = self.out
        doc_id = out.doc_id
        position = self.list_positions.get(heading, 0)
        chars = self._exploded_chars(block)
        if chars is not None:
            values = [v.strip() for v in "".join(chars).split(",")]
            values = [v for v in values if v]
            self.problem(
                block.line,
                WARNING,
                f"{heading} list was written one character per bullet ({len(chars)} bullets); "
                f"rejoined into {len(values)} entries",
            )
            for value in values:
                out.tags.append(
                    (doc_id, heading, position, value, aliases.normalize_value(value), None)
                )
                position += 1
        elif not may_hold_inline(" ".join(item.text for item in block.items)):
            normalize = aliases.normalize_value
            for item in block.items:  # nothing to resolve in any bullet: the fast path
                text = item.text
                if not text:
                    self.problem(item.line, WARNING, f"empty bullet in {heading}; skipped")
                    continue
                out.tags.append((doc_id, heading, position, text, normalize(text), None))
                position += 1
        else:
            for item in block.items:
                text, has_html = self.inline.to_plain(item.text, item.line)
                text = text.strip()
                if not text:
                    self.problem(item.line, WARNING, f"empty bullet in {heading}; skipped")
                    continue
                if has_html:
                    self.problem(
                        item.line, WARNING, f"raw HTML in a {heading} bullet is kept as text"
                    )
                link = _SINGLE_LINK.fullmatch(item.text)
                target = link["url"] if link is not None else None
                out.tags.append(
                    (doc_id, heading, position, text, aliases.normalize_value(text), target)
                )
                position += 1
        self.list_positions[heading] = position

    def table_lookalike(self, paragraph: Paragraph, section: str) -> None:
        """Warn about pipe rows that are not a table (e.g. header and delimiter disagree)."""
        text = paragraph.text
        if text[:1] != "|" or "\n|" not in text:
            return
        rows = sum(1 for line in text.split("\n") if line.lstrip()[:1] == "|")
        self.problem(
            paragraph.line,
            WARNING,
            f"{section}: {rows:,} lines look like table rows but are not a table (its header "
            "and delimiter rows do not match); they are not entries",
        )

    # -- whole document -------------------------------------------------------

    def run(self, blocks: list[Block]) -> None:
        doc = self.doc
        sections = self.sections
        heading: str | None = None
        canonical: str | None = None
        title_seen = False
        for block in blocks:
            if isinstance(block, Heading):
                if block.level == 1 and not title_seen and heading is None:
                    title_seen = True
                    self.title(block)
                    continue
                if block.level != 2:
                    continue
                heading = (
                    self.inline.plain(block.text, block.line).strip()
                    or f"(untitled section, line {block.line + 1})"
                )
                canonical = aliases.canonical_section(heading)
                sections.append(heading)
                first = self.section_lines.get(canonical)
                if first is not None:
                    self.problem(
                        block.line,
                        WARNING,
                        f"section {heading!r} appears again (first at line {first + 1}); "
                        "its rows are added to the same section",
                    )
                else:
                    self.section_lines[canonical] = block.line
            elif isinstance(block, Table):
                self.table(block, canonical or "(no section)")
            elif isinstance(block, BulletList):
                if canonical == "Other":
                    self.other_facts(block, heading or "Other")
                else:
                    self.tag_list(block, heading or "(no section)")
            elif isinstance(block, Paragraph):
                self.table_lookalike(block, canonical or "(no section)")
                if heading is None:
                    self.preamble(block)
                elif canonical == "Summary":
                    self.summary.append(self.inline.plain(block.text, block.line))
            elif isinstance(block, Notice):
                self.problem(block.line, WARNING, block.message)
        if self.inline.over:
            self.problem(
                self.inline.first_line,
                WARNING,
                f"{self.inline.over:,} piece(s) of text hold more Markdown markup than a "
                "document this size is parsed for; they are kept as written",
            )
        if not title_seen:
            self.problem(None, WARNING, "no title line (a '# ' heading) found")
        if doc["source_url"] is None:
            self.problem(None, WARNING, "no 'External link' found")
        if self.summary:
            doc["summary"] = "\n\n".join(self.summary)


def build_document(
    blocks: list[Block],
    lines: list[str],
    *,
    doc_id: str,
    path: str,
    today: dt.date,
    engine: str,
) -> ParsedDocument:
    parsed = ParsedDocument(doc_id=doc_id, path=path, document=None, engine=engine)
    builder = _Builder(parsed, lines, today)
    builder.run(blocks)
    parsed.document = builder.doc
    builder.row_keys.append(str(builder.doc["title"]))
    parsed.content_key = hashlib.blake2b(
        "\x1f".join(builder.row_keys).encode(), digest_size=16
    ).hexdigest()
    return parsed
