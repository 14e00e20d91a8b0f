"""What an analyst types into the search box, read as an FTS5 query.

Analysts type what they would type into a search engine; :func:`parse_query`
turns it into an FTS5 expression in which every word is quoted, so no input
can be an FTS5 syntax error:

* ``solar storage``: both words, anywhere in the entry (or the title/summary);
* ``"energy storage"``: the exact phrase;
* ``solar OR wind``: either (``OR`` binds the words next to it);
* ``-coal`` or ``NOT coal``: without it;
* ``clim*``: words starting with ``clim``.

:data:`HELP` says the same to people, beside the search box. The index
that runs a :class:`Query` is :mod:`seedscope.search`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: The search box's help: the syntax above, as people read it.
HELP = """Words are matched whole, ignoring case and accents; the best matches come first.

- `solar storage` — both words
- `"energy storage"` — this exact phrase
- `solar OR wind` — either word
- `-coal` or `NOT coal` — without this word
- `clim*` — words starting with *clim*

A document matches through its title or summary; an entry through its own text."""

_TOKEN = re.compile(r'(-?)"([^"]*)("?)(\*?)|(\S+)')
_WORD = re.compile(r"[^\W_]", re.UNICODE)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class QueryError(ValueError):
    """A search that cannot run (e.g. only operators); the message is for people."""


@dataclass(frozen=True)
class Term:
    """A word or a phrase (its words in order), possibly a prefix (``clim*``)."""

    text: str
    prefix: bool = False

    def fts(self) -> str:
        quoted = '"' + self.text.replace('"', '""') + '"'
        return f"{quoted} *" if self.prefix else quoted


@dataclass(frozen=True)
class Query:
    """A parsed search: groups that must all match (each group: any of its terms), and
    terms that must not."""

    text: str
    required: tuple[tuple[Term, ...], ...]
    excluded: tuple[Term, ...]

    @property
    def empty(self) -> bool:
        return not self.required and not self.excluded

    def positive_expression(self) -> str | None:
        if not self.required:
            return None
        parts = []
        for group in self.required:
            inner = " OR ".join(term.fts() for term in group)
            parts.append(f"({inner})" if len(group) > 1 else inner)
        return " AND ".join(parts)

    def excluded_expression(self) -> str | None:
        return " OR ".join(term.fts() for term in self.excluded) or None

    def expression(self) -> str | None:
        """The FTS5 expression of the whole query (None when it only excludes)."""
        positive, negative = self.positive_expression(), self.excluded_expression()
        if positive and negative:
            return f"({positive}) NOT ({negative})"
        return positive


def parse_query(text: str) -> Query:
    """Read what an analyst typed (see the module docstring); never raises on odd input.

    Unbalanced quotes close at the end; words without a letter or digit
    (``-``, ``*``, ``…``) are ignored; a lowercase ``or`` is an ordinary word.
    """
    items: list[tuple[str, Term | None, bool]] = []  # (kind, term, negated)
    negate_next = False
    for match in _TOKEN.finditer(_CONTROL.sub(" ", text)):
        minus, phrase, _closing, star, bare = match.groups()
        if bare is not None:
            if bare == "OR":
                items.append(("or", None, False))
                continue
            if bare == "AND":
                continue
            if bare == "NOT":
                negate_next = True
                continue
            negated = bare.startswith("-") and len(bare) > 1
            word = bare[1:] if negated else bare
            prefix = word.endswith("*")
            word = word.rstrip("*")
            term = Term(word, prefix=prefix)
        else:
            negated = bool(minus)
            term = Term(" ".join(phrase.split()), prefix=bool(star))
        negated = negated or negate_next
        negate_next = False
        if _WORD.search(term.text):
            items.append(("term", term, negated))

    required: list[list[Term]] = []
    excluded: list[Term] = []
    join_next = False
    for kind, item, negated in items:
        if kind == "or" or item is None:
            join_next = bool(required)
            continue
        term = item
        if negated:
            excluded.append(term)
            join_next = False
            continue
        if join_next and required:
            required[-1].append(term)
        else:
            required.append([term])
        join_next = False
    return Query(text, tuple(tuple(g) for g in required), tuple(dict.fromkeys(excluded)))
