"""What a filter state selects from the corpus: the :class:`View`, and how it is computed.

:func:`select_view` turns a :class:`~seedscope.filters.FilterState` into
rows of the three tables with a handful of numpy masks over an
:class:`~seedscope.explore.Explorer`'s prepared tables, and counts each
facet's values under every *other* filter (so a pick list says how many
documents choosing a value would keep). The Explorer memoises views per
state; pages only ever get them through ``Explorer.view``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from loaders.schema import SIGNALS

from .facets import FACET_LISTS
from .filters import FilterState
from .search_hits import SearchHits
from .search_query import QueryError

if TYPE_CHECKING:  # the Explorer builds views with this module: no import at run time
    from .explore import Explorer


@dataclass(frozen=True)
class View:
    """What a filter state selects: rows of the three tables, and facet counts.

    ``search`` holds the text search's matches (scores, matched fields) when
    the state has one; ``search_problem`` says why a typed search was ignored.
    """

    state: FilterState
    documents: pd.DataFrame
    entries: pd.DataFrame
    tags: pd.DataFrame
    facets: dict[str, pd.Series]  # facet -> counts of documents per value (own filter excluded)
    search: SearchHits | None = None
    search_problem: str | None = None

    @property
    def empty(self) -> bool:
        return self.documents.empty

    @cached_property
    def signals(self) -> pd.DataFrame:
        return self.entries[self.entries["section"] == SIGNALS]


def _doc_masks(explorer: Explorer, state: FilterState) -> dict[str, np.ndarray | None]:
    """One document mask per document filter of ``state`` (None: the filter is not set)."""
    docs = explorer.documents
    size = len(docs)
    narrower = state.narrower and not state.raw
    masks: dict[str, np.ndarray | None] = {
        field: explorer.facet(field, state).mask(getattr(state, field), size, narrower)
        if getattr(state, field)
        else None
        for field in FACET_LISTS
    }
    masks["categories"] = (
        docs["category"].isin(state.categories).to_numpy() if state.categories else None
    )
    masks["types"] = docs["doc_type"].isin(state.types).to_numpy() if state.types else None
    if state.date_from or state.date_to:
        dates = docs["page_date"]
        mask = dates.notna().to_numpy(copy=True)  # pandas 3 hands out read-only views
        if state.date_from:
            mask &= (dates >= pd.Timestamp(state.date_from)).to_numpy()
        if state.date_to:
            mask &= (dates <= pd.Timestamp(state.date_to)).to_numpy()
        masks["dates"] = mask
    return masks


def _combine(masks: dict[str, np.ndarray | None], size: int, skip: str | None = None) -> np.ndarray:
    """The documents every set mask keeps, leaving out the mask named ``skip``."""
    out = np.ones(size, dtype=bool)
    for name, mask in masks.items():
        if mask is not None and name != skip:
            out &= mask
    return out


def _any_per_doc(explorer: Explorer, entry_mask: np.ndarray) -> np.ndarray:
    """The documents holding at least one of the entries in ``entry_mask``."""
    found = np.zeros(len(explorer.documents), dtype=bool)
    found[explorer.entries["doc_row"].to_numpy()[entry_mask]] = True
    return found


def select_view(explorer: Explorer, state: FilterState) -> View:
    """The view of one state.

    Entry filters (sections, minimum relevancy) keep the entries that pass
    them, and the documents holding at least one. A search keeps the
    entries whose own text matches, and the documents whose title or
    summary matches or that hold such an entry.
    """
    docs, entries, tags = explorer.documents, explorer.entries, explorer.tags
    size = len(docs)
    masks = _doc_masks(explorer, state)
    entry_mask = np.ones(len(entries), dtype=bool)
    if state.sections:
        entry_mask &= entries["section"].isin(state.sections).to_numpy()
    if state.min_relevancy:
        entry_mask &= (entries["relevancy"] >= state.min_relevancy).to_numpy()
    if state.seen:
        entry_mask &= (entries["seen_in"] >= state.seen).to_numpy()
    if state.sections or state.min_relevancy or state.seen:
        masks["entries"] = _any_per_doc(explorer, entry_mask)
    hits, problem = None, None
    if state.q:
        try:
            hits = explorer.search(state.q)
        except QueryError as exc:
            problem = str(exc)
        if hits is None and problem is None:
            problem = "The search has no words to look for, so it is ignored."
    if hits is not None:
        entry_mask &= hits.entry_matched
        masks["search"] = hits.doc_matched | _any_per_doc(explorer, entry_mask)
    doc_mask = _combine(masks, size)
    entry_mask &= doc_mask[entries["doc_row"].to_numpy()]

    facets: dict[str, pd.Series] = {}
    narrower = state.narrower and not state.raw
    for field in FACET_LISTS:
        facet = explorer.facet(field, state)
        allowed = _combine(masks, size, skip=field)
        # with narrower concepts on, a concept counts the documents of those below it
        rows, codes = facet.with_broader if narrower else facet.distinct
        kept = codes[allowed[rows]] if len(rows) else codes
        counts = np.bincount(kept, minlength=len(facet.ids))
        series = pd.Series(counts, index=facet.ids, dtype=np.int64)
        facets[field] = series[series > 0].sort_values(ascending=False, kind="stable")
    for field, column in (("categories", "category"), ("types", "doc_type")):
        allowed = _combine(masks, size, skip=field)
        facets[field] = docs.loc[allowed, column].astype(str).value_counts()

    return View(
        state,
        docs[doc_mask],
        entries[entry_mask],
        tags[doc_mask[tags["doc_row"].to_numpy()]],
        facets,
        search=hits,
        search_problem=problem,
    )
