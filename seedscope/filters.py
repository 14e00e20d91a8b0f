"""The filter state every page shares, and its round trip through a URL.

A :class:`FilterState` is immutable and hashable, so derived frames can be
cached per state. ``from_query``/``to_query`` map it to the query string
(``theme`` and ``keyword`` repeatable, concept ids; ``from``/``to`` as
YYYY-MM-DD, ``min_relevancy``, ``section`` repeatable, ``q``, ``seen=N``,
``narrower=0``, ``raw=1``, ``signal=<doc_id>:<position>``, ``doc=<doc_id>``),
so a copied link reopens the same view.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace

#: Query-string names, in the order they are written.
LIST_PARAMS = {
    "theme": "themes",
    "keyword": "keywords",
    "category": "categories",
    "type": "types",
    "section": "sections",
}
MAX_QUERY_LENGTH = 200


def _tuple(values: Iterable[str]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for value in values:
        value = str(value).strip()
        if value:
            seen.setdefault(value, None)
    return tuple(seen)


def _date(text: str | None) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text.strip()[:10])
    except ValueError:
        return None


def _relevancy(text: str | None) -> float | None:
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    if not math.isfinite(value) or value <= 1:
        return None
    return min(value, 5.0)


def _seen(text: str | None) -> int | None:
    """``seen=N``: a whole number of documents, 2 or more (1 means every signal)."""
    if not text or not text.strip().isdigit():
        return None
    value = int(text.strip())
    return min(value, 1000) if value >= 2 else None


@dataclass(frozen=True, slots=True)
class SignalRef:
    """A signal's address: its document and its position in the Signals table."""

    doc_id: str
    position: int

    def __str__(self) -> str:
        return f"{self.doc_id}:{self.position}"

    @classmethod
    def parse(cls, text: str | None) -> SignalRef | None:
        if not text or ":" not in text:
            return None
        doc_id, _, position = text.rpartition(":")
        if not doc_id or not position.isdigit():
            return None
        return cls(doc_id, int(position))


@dataclass(frozen=True, slots=True)
class FilterState:
    themes: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    min_relevancy: float | None = None
    sections: tuple[str, ...] = ()
    q: str = ""
    #: a theme or keyword concept also selects every concept below it
    narrower: bool = True
    #: themes and keywords as written (one value per spelling) instead of concepts
    raw: bool = False
    #: only signals reported by at least this many documents (None: all)
    seen: int | None = None
    # what is open, not what is filtered: kept out of equality for caching
    signal: SignalRef | None = field(default=None, compare=False)
    doc: str | None = field(default=None, compare=False)

    # -- URL round trip -------------------------------------------------------

    @classmethod
    def from_query(cls, params: Mapping[str, object]) -> FilterState:
        """Read a query mapping (values: str or list of str); bad values are ignored."""

        def all_of(name: str) -> list[str]:
            value = params.get(name)
            if value is None:
                return []
            if isinstance(value, str):
                return [value]
            if isinstance(value, Iterable):
                return [str(v) for v in value]
            return [str(value)]

        def one(name: str) -> str | None:
            values = all_of(name)
            return values[-1] if values else None

        date_from, date_to = _date(one("from")), _date(one("to"))
        if date_from and date_to and date_from > date_to:
            date_from, date_to = date_to, date_from
        return cls(
            themes=_tuple(all_of("theme")),
            keywords=_tuple(all_of("keyword")),
            categories=_tuple(all_of("category")),
            types=_tuple(all_of("type")),
            date_from=date_from,
            date_to=date_to,
            min_relevancy=_relevancy(one("min_relevancy")),
            sections=_tuple(all_of("section")),
            q=(one("q") or "").strip()[:MAX_QUERY_LENGTH],
            narrower=one("narrower") not in ("0", "false", "no"),
            raw=one("raw") in ("1", "true", "yes"),
            seen=_seen(one("seen")),
            signal=SignalRef.parse(one("signal")),
            doc=(one("doc") or None),
        )

    def to_query(self) -> dict[str, list[str]]:
        """Query mapping with only the parameters that differ from "no filter"."""
        out: dict[str, list[str]] = {}
        for name, attr in LIST_PARAMS.items():
            values = getattr(self, attr)
            if values:
                out[name] = list(values)
        if self.date_from:
            out["from"] = [self.date_from.isoformat()]
        if self.date_to:
            out["to"] = [self.date_to.isoformat()]
        if self.min_relevancy:
            out["min_relevancy"] = [f"{self.min_relevancy:g}"]
        if self.q:
            out["q"] = [self.q]
        if not self.narrower:
            out["narrower"] = ["0"]
        if self.raw:
            out["raw"] = ["1"]
        if self.seen:
            out["seen"] = [str(self.seen)]
        if self.signal:
            out["signal"] = [str(self.signal)]
        if self.doc:
            out["doc"] = [self.doc]
        return out

    # -- helpers --------------------------------------------------------------

    @property
    def is_filtering(self) -> bool:
        return self != self.cleared()

    @property
    def filters_entries(self) -> bool:
        """Whether entry-level filters are set (they also narrow the documents)."""
        return bool(self.sections or self.min_relevancy or self.q or self.seen)

    def cleared(self) -> FilterState:
        """No filters; what is open stays open, and so do the ways of seeing
        themes (as concepts or as written, with narrower concepts or not)."""
        return FilterState(narrower=self.narrower, raw=self.raw, signal=self.signal, doc=self.doc)

    def with_changes(self, **changes: object) -> FilterState:
        # mypy cannot match **object to each field's type; replace() rejects unknown names
        return replace(self, **changes)  # type: ignore[arg-type]

    def describe(self, label: Callable[[str, str], str] | None = None) -> str:
        """A short sentence of the active filters, for captions and exports.

        ``label(field, value)`` says what a value is called (a theme id's label).
        """
        parts = []
        names = {
            "themes": "themes",
            "keywords": "keywords",
            "categories": "category",
            "types": "type",
            "sections": "sections",
        }
        for attr, name in names.items():
            values = getattr(self, attr)
            if values:
                shown = [label(attr, value) if label else value for value in values]
                parts.append(f"{name}: {', '.join(shown)}")
        if self.date_from or self.date_to:
            start = self.date_from.isoformat() if self.date_from else "…"
            end = self.date_to.isoformat() if self.date_to else "…"
            parts.append(f"dates {start} to {end}")
        if self.min_relevancy:
            parts.append(f"relevancy ≥ {self.min_relevancy:g}")
        if self.q:
            parts.append(f"search “{self.q}”")
        if self.seen:
            parts.append(f"signals seen in ≥ {self.seen} documents")
        if self.raw:
            parts.append("themes and keywords as written")
        elif not self.narrower and (self.themes or self.keywords):
            parts.append("narrower concepts left out")
        return "; ".join(parts) if parts else "no filters"
