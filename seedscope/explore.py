"""The corpus prepared for exploring, and the filtered view of it.

:class:`Explorer` is built once per loaded corpus (and never mutated): it
adds integer document positions and month/quarter columns, indexes tags by
document, and precomputes what filtering needs, so applying a
:class:`~seedscope.filters.FilterState` is a handful of numpy mask
operations even on a 10,000-document corpus. Views are cached per state.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import TypeVar

import numpy as np
import pandas as pd

from loaders import Corpus

from .filters import FilterState

T = TypeVar("T")
SECTIONS = ("Signals", "Concerns", "Behaviors", "Technologies", "Issues")
TEXT_COLUMNS = ("name", "description", "change", "ten_year", "driving_force")
FACET_LISTS = {"themes": "Themes", "keywords": "Keywords"}


def _contains(series: pd.Series, needle: str) -> np.ndarray:
    """Case-insensitive substring test, done once per distinct value."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        categories = series.cat.categories
        hits = np.asarray(categories.str.lower().str.contains(needle, regex=False), dtype=bool)
        codes = series.cat.codes.to_numpy()
        return (
            np.where(codes >= 0, hits[codes], False) if len(hits) else np.zeros(len(series), bool)
        )
    return series.str.lower().str.contains(needle, regex=False).fillna(False).to_numpy(dtype=bool)


@dataclass(frozen=True)
class View:
    """What a filter state selects: rows of the three tables, and facet counts."""

    state: FilterState
    documents: pd.DataFrame
    entries: pd.DataFrame
    tags: pd.DataFrame
    facets: dict[str, pd.Series]  # facet -> counts of documents per value (own filter excluded)

    @property
    def empty(self) -> bool:
        return self.documents.empty

    @cached_property
    def signals(self) -> pd.DataFrame:
        return self.entries[self.entries["section"] == "Signals"]


class Explorer:
    """A loaded corpus, indexed for filtering; thread-safe cache of views."""

    def __init__(self, corpus: Corpus, cache_size: int = 32) -> None:
        self.corpus = corpus
        documents = corpus.documents.reset_index(drop=True).copy()
        documents["doc_row"] = np.arange(len(documents))
        documents["title_text"] = documents["title"].fillna(documents["doc_id"]).astype(str)
        dates = documents["page_date"]
        documents["month"] = dates.dt.to_period("M").astype(str).where(dates.notna(), None)
        documents["quarter"] = dates.dt.to_period("Q").astype(str).where(dates.notna(), None)
        self.documents = documents
        self.row_of = pd.Series(
            documents["doc_row"].to_numpy(), index=documents["doc_id"].astype(str)
        )

        entries = corpus.entries.copy()
        entries["doc_row"] = self._rows(entries["doc_id"])
        entries = entries[entries["doc_row"] >= 0].reset_index(drop=True)
        self.entries = entries
        tags = corpus.tags.copy()
        tags["doc_row"] = self._rows(tags["doc_id"])
        self.tags = tags[tags["doc_row"] >= 0].reset_index(drop=True)
        self.problems = corpus.problems

        self._facet_tags = {facet: self._norm_codes(name) for facet, name in FACET_LISTS.items()}
        self._views: OrderedDict[FilterState, View] = OrderedDict()
        self._memo: dict[str, object] = {}
        self._lock = threading.Lock()
        self._cache_size = cache_size

    def _rows(self, doc_ids: pd.Series) -> np.ndarray:
        return self.row_of.reindex(doc_ids.astype(str)).fillna(-1).to_numpy(dtype=np.int64)

    def _norm_codes(self, list_name: str) -> tuple[np.ndarray, np.ndarray, pd.Index]:
        """(doc_row, code, values) of one tag list, codes indexing ``values``."""
        rows = self.tags[self.tags["list"] == list_name]
        values = rows["value_norm"].astype(str)
        codes, uniques = pd.factorize(values, sort=True)
        return rows["doc_row"].to_numpy(), codes, pd.Index(uniques)

    # -- facts about the whole corpus -----------------------------------------

    @cached_property
    def categories(self) -> list[str]:
        return sorted(self.documents["category"].dropna().astype(str).unique())

    @cached_property
    def types(self) -> list[str]:
        return sorted(self.documents["doc_type"].dropna().astype(str).unique())

    @cached_property
    def sections(self) -> list[str]:
        present = set(self.entries["section"].astype(str).unique())
        return [s for s in SECTIONS if s in present] + sorted(present - set(SECTIONS))

    @cached_property
    def date_span(self) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
        dates = self.documents["page_date"].dropna()
        return (dates.min(), dates.max()) if len(dates) else (None, None)

    def facet_values(self, facet: str) -> pd.Index:
        return self._facet_tags[facet][2]

    # -- filtering --------------------------------------------------------------

    def view(self, state: FilterState) -> View:
        with self._lock:
            cached = self._views.get(state)
            if cached is not None:
                self._views.move_to_end(state)
                return cached
        view = self._compute(state)
        with self._lock:
            self._views[state] = view
            while len(self._views) > self._cache_size:
                self._views.popitem(last=False)
        return view

    def _tag_mask(self, facet: str, selected: tuple[str, ...]) -> np.ndarray | None:
        if not selected:
            return None
        rows, codes, values = self._facet_tags[facet]
        wanted = values.get_indexer(list(selected))
        wanted = wanted[wanted >= 0]
        mask = np.zeros(len(self.documents), dtype=bool)
        if len(wanted):
            mask[rows[np.isin(codes, wanted)]] = True
        return mask

    def _doc_masks(self, state: FilterState) -> dict[str, np.ndarray | None]:
        docs = self.documents
        masks: dict[str, np.ndarray | None] = {
            "themes": self._tag_mask("themes", state.themes),
            "keywords": self._tag_mask("keywords", state.keywords),
            "categories": docs["category"].isin(state.categories).to_numpy()
            if state.categories
            else None,
            "types": docs["doc_type"].isin(state.types).to_numpy() if state.types else None,
        }
        if state.date_from or state.date_to:
            dates = docs["page_date"]
            mask = dates.notna().to_numpy(copy=True)  # pandas 3 hands out read-only views
            if state.date_from:
                mask &= (dates >= pd.Timestamp(state.date_from)).to_numpy()
            if state.date_to:
                mask &= (dates <= pd.Timestamp(state.date_to)).to_numpy()
            masks["dates"] = mask
        return masks

    @staticmethod
    def _combine(
        masks: dict[str, np.ndarray | None], size: int, skip: str | None = None
    ) -> np.ndarray:
        out = np.ones(size, dtype=bool)
        for name, mask in masks.items():
            if mask is not None and name != skip:
                out &= mask
        return out

    def _entry_mask(self, state: FilterState, doc_text_hits: np.ndarray | None) -> np.ndarray:
        entries = self.entries
        mask = np.ones(len(entries), dtype=bool)
        if state.sections:
            mask &= entries["section"].isin(state.sections).to_numpy()
        if state.min_relevancy:
            mask &= (entries["relevancy"] >= state.min_relevancy).to_numpy()
        if state.q:
            needle = state.q.lower()
            text = np.zeros(len(entries), dtype=bool)
            for column in TEXT_COLUMNS:
                text |= _contains(entries[column], needle)
            if doc_text_hits is not None:
                text |= doc_text_hits[entries["doc_row"].to_numpy()]
            mask &= text
        return mask

    def _compute(self, state: FilterState) -> View:
        docs, entries, tags = self.documents, self.entries, self.tags
        size = len(docs)
        masks = self._doc_masks(state)
        doc_text_hits = None
        if state.q:
            needle = state.q.lower()
            doc_text_hits = _contains(docs["title_text"], needle) | _contains(
                docs["summary"].fillna(""), needle
            )
        entry_mask = self._entry_mask(state, doc_text_hits)
        entry_rows = entries["doc_row"].to_numpy()
        if state.filters_entries:
            has_entry = np.zeros(size, dtype=bool)
            has_entry[entry_rows[entry_mask]] = True
            if (
                state.q
                and doc_text_hits is not None
                and not (state.sections or state.min_relevancy)
            ):
                has_entry |= doc_text_hits
            masks["entries"] = has_entry
        doc_mask = self._combine(masks, size)
        entry_mask &= doc_mask[entry_rows]

        facets: dict[str, pd.Series] = {}
        for facet in FACET_LISTS:
            rows, codes, values = self._facet_tags[facet]
            allowed = self._combine(masks, size, skip=facet)
            counts = (
                np.bincount(codes[allowed[rows]], minlength=len(values))
                if len(rows)
                else np.array([])
            )
            series = pd.Series(counts, index=values, dtype=np.int64)
            facets[facet] = series[series > 0].sort_values(ascending=False, kind="stable")
        for facet, column in (("categories", "category"), ("types", "doc_type")):
            allowed = self._combine(masks, size, skip=facet)
            facets[facet] = docs.loc[allowed, column].astype(str).value_counts()

        view_docs = docs[doc_mask]
        view_entries = entries[entry_mask]
        view_tags = tags[doc_mask[tags["doc_row"].to_numpy()]]
        return View(state, view_docs, view_entries, view_tags, facets)

    # -- derived data that does not depend on filters --------------------------

    def memo(self, key: str, compute: Callable[[], T]) -> T:
        """Compute once per Explorer (i.e. per corpus) and keep: health tables,
        per-document theme strings and the like."""
        with self._lock:
            if key in self._memo:
                return self._memo[key]  # type: ignore[no-any-return]
        value = compute()
        with self._lock:
            return self._memo.setdefault(key, value)  # type: ignore[no-any-return]

    # -- lookups --------------------------------------------------------------

    def document(self, doc_id: str) -> pd.Series | None:
        row = self.row_of.get(doc_id)
        return None if row is None else self.documents.iloc[int(row)]

    def doc_tags(self, doc_id: str, list_name: str | None = None) -> pd.DataFrame:
        row = self.row_of.get(doc_id)
        if row is None:
            return self.tags.iloc[0:0]
        rows = self.tags[self.tags["doc_row"] == row]
        if list_name is not None:
            rows = rows[rows["list"] == list_name]
        return rows.sort_values(["list", "position"])

    def doc_entries(self, doc_id: str) -> pd.DataFrame:
        row = self.row_of.get(doc_id)
        if row is None:
            return self.entries.iloc[0:0]
        return self.entries[self.entries["doc_row"] == row].sort_values(["section", "position"])
