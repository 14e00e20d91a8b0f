"""The corpus prepared for exploring: what every page asks its questions of.

:class:`Explorer` is built once per loaded corpus (and never mutated): it
adds integer document positions and month/quarter columns, indexes the
theme and keyword facets (:mod:`seedscope.facets`) and keeps the full-text
search index (:mod:`seedscope.search`) in step, so applying a
:class:`~seedscope.filters.FilterState` is a handful of numpy mask
operations even on a 10,000-document corpus (:mod:`seedscope.view` does
that). Views and searches are memoised per state (``functools.lru_cache``).

This is the public face pages and other modules import the Explorer and
the :class:`~seedscope.view.View` it hands out from.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Mapping
from functools import cached_property
from typing import TypeVar, cast

import numpy as np
import pandas as pd

from loaders import Corpus
from loaders.concepts.vocabulary import VocabConcept
from loaders.schema import SECTIONS, SIGNALS

from .concepts import ConceptIndex
from .facets import FACET_LISTS, Facet, build_facet, rolled_up
from .filters import FilterState
from .search import SearchIndex, SyncReport
from .search_hits import RowMap, SearchHits
from .search_query import parse_query
from .view import View, select_view

__all__ = ["Explorer", "View"]

T = TypeVar("T")
#: Views kept per Explorer (one per recent filter state).
VIEW_CACHE_SIZE = 32


class Explorer:
    """A loaded corpus, indexed for filtering and searching; thread-safe."""

    def __init__(
        self,
        corpus: Corpus,
        search_index: SearchIndex | None = None,
        definitions: Mapping[str, VocabConcept] | None = None,
    ) -> None:
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
        self.entries = _with_clusters(entries, corpus.signal_clusters, documents)
        tags = corpus.tags.copy()
        tags["doc_row"] = self._rows(tags["doc_id"])
        self.tags = tags[tags["doc_row"] >= 0].reset_index(drop=True)
        self.problems = corpus.problems

        #: The corpus's concepts (None for a cache built without its derived tables).
        self.concepts: ConceptIndex | None = (
            ConceptIndex(corpus.concepts, self.tags, definitions)
            if not corpus.concepts.empty
            else None
        )
        self.facets: dict[str, Facet] = {
            field: build_facet(self.tags, name, self.concepts)
            for field, name in FACET_LISTS.items()
        }
        self._search_index = search_index
        self._row_map: RowMap | None = None
        self._search_lock = threading.Lock()
        self._memo: dict[str, object] = {}
        self._lock = threading.Lock()
        self.view: Callable[[FilterState], View] = functools.lru_cache(VIEW_CACHE_SIZE)(
            functools.partial(select_view, self)
        )
        self.search: Callable[[str], SearchHits | None] = functools.lru_cache(16)(self._search)

    def _rows(self, doc_ids: pd.Series) -> np.ndarray:
        return self.row_of.reindex(doc_ids.astype(str)).fillna(-1).to_numpy(dtype=np.int64)

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

    @cached_property
    def spelling_facets(self) -> dict[str, Facet]:
        """Themes and keywords as written, one value per spelling (the "raw" view)."""
        if self.concepts is None:
            return self.facets
        return {field: build_facet(self.tags, name) for field, name in FACET_LISTS.items()}

    def facet(self, field: str, state: FilterState | None = None, rollup: bool = False) -> Facet:
        """The facet ``state`` looks through: concepts (rolled up to the broadest
        ones when asked) or, in the raw view, spellings."""
        if state is not None and state.raw:
            return self.spelling_facets[field]
        if rollup and self.concepts is not None:
            concepts = self.concepts
            return self.memo(
                f"facet.rollup.{field}", lambda: rolled_up(self.facets[field], concepts)
            )
        return self.facets[field]

    def facet_label(self, field: str, value: str, state: FilterState | None = None) -> str:
        """What people read for a filter value (a theme's label; a category as is)."""
        if field not in FACET_LISTS:
            return str(value)
        return self.facet(field, state).label(value)

    def facet_option(self, field: str, value: str, state: FilterState | None = None) -> str:
        """A filter value as a pick list shows it (with a concept's acronyms)."""
        if field not in FACET_LISTS:
            return str(value)
        return self.facet(field, state).option(value)

    def label_of(self, state: FilterState) -> Callable[[str, str], str]:
        """``label(field, value)`` for :meth:`FilterState.describe` in this state."""
        return lambda field, value: self.facet_label(field, value, state)

    def seen_as(self, state: FilterState, raw: bool) -> FilterState:
        """``state`` switched to the raw view (``raw``) or back to concepts, its theme
        and keyword filters carried over: a concept becomes every spelling of it, a
        spelling the concept it belongs to."""
        if raw == state.raw:
            return state
        changes: dict[str, object] = {"raw": raw}
        concepts = self.concepts
        if concepts is not None:
            for field, list_name in FACET_LISTS.items():
                values = getattr(state, field)
                if raw:
                    spelled = [
                        v for c in values for v in concepts.values.get(c, {}).get(list_name, ())
                    ]
                    changes[field] = tuple(dict.fromkeys(spelled or values))
                else:
                    changes[field] = tuple(
                        dict.fromkeys(concepts.by_value.get((list_name, v), v) for v in values)
                    )
        return state.with_changes(**changes)

    def resolve(self, state: FilterState) -> FilterState:
        """``state`` with theme and keyword values as ids: links made before concepts
        carry raw spellings (``theme=ai``), which open the same documents as the
        concept they belong to; a spelling no rule knows is kept and matches nothing."""
        changes: dict[str, object] = {}
        for field in FACET_LISTS:
            values = getattr(state, field)
            if not values:
                continue
            resolved = self.facet(field, state).resolve(values)
            if self.concepts is not None:
                resolved = self._concepts_resolved(self.concepts, field, resolved, state.raw)
            if resolved != values:
                changes[field] = resolved
        return state.with_changes(**changes) if changes else state

    def _concepts_resolved(
        self, concepts: ConceptIndex, field: str, values: tuple[str, ...], raw: bool
    ) -> tuple[str, ...]:
        """Concept view: a spelling becomes its concept's id. Raw view: a concept id
        (a link from Trends, or one made in the concept view) becomes its spellings."""
        ids = self.facet(field, FilterState(raw=raw)).ids
        out: list[str] = []
        for value in values:
            if value in ids:
                out.append(value)
            elif raw:
                out.extend(concepts.values.get(value, {}).get(FACET_LISTS[field], ()) or (value,))
            else:
                out.append(concepts.resolve(value) or value)
        return tuple(dict.fromkeys(out))

    # -- searching --------------------------------------------------------------

    def prepare_search(self) -> SyncReport | None:
        """Bring the search index in step with this corpus (once; later calls are free).

        Called in the background when the corpus opens, so the first search
        does not wait for it; a search that comes first waits.
        """
        with self._search_lock:
            if self._row_map is not None:
                return None
            if self._search_index is None:
                self._search_index = SearchIndex(None)
            report = self._search_index.sync(self.corpus.documents, self.entries)
            self._row_map = RowMap(
                self.documents["doc_id"], self.entries, self._search_index.layout()
            )
            return report

    def _search(self, text: str) -> SearchHits | None:
        query = parse_query(text)
        if query.empty:
            return None
        self.prepare_search()
        assert self._search_index is not None and self._row_map is not None
        rowids, scores = self._search_index.search(query)
        return SearchHits.from_rowids(query, rowids, scores, self._search_index, self._row_map)

    # -- derived data that does not depend on filters --------------------------

    def memo(self, key: str, compute: Callable[[], T]) -> T:
        """Compute once per Explorer (i.e. per corpus) and keep: health tables,
        per-document theme strings and the like."""
        # The store holds values of many types under string keys; each key is only
        # ever computed by one function, so the value found under it has that
        # function's type. mypy cannot follow a key to a type, hence the casts.
        with self._lock:
            if key in self._memo:
                return cast(T, self._memo[key])
        value = compute()
        with self._lock:
            return cast(T, self._memo.setdefault(key, value))

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


def _with_clusters(
    entries: pd.DataFrame, clusters: pd.DataFrame, documents: pd.DataFrame
) -> pd.DataFrame:
    """``entries`` with, for each signal, its ``cluster``, ``seen_in`` (documents reporting
    it) and ``first_seen`` (the earliest page date among them); other entries get none."""
    entries = entries.assign(cluster=None, seen_in=np.nan, first_seen=pd.NaT)
    if clusters.empty or entries.empty:
        entries["first_seen"] = pd.to_datetime(entries["first_seen"])
        return entries
    keyed = pd.DataFrame(
        {
            "doc_id": clusters["doc_id"].astype(str).to_numpy(),
            "position": clusters["position"].to_numpy(dtype=np.int64),
            "cluster": clusters["cluster"].astype(str).to_numpy(),
            "seen_in": clusters["cluster_size"].to_numpy(dtype=np.float64),
        }
    )
    dates = pd.Series(
        pd.to_datetime(documents["page_date"]).to_numpy(),
        index=documents["doc_id"].astype(str).to_numpy(),
    )
    keyed["first_seen"] = keyed["doc_id"].map(dates)
    keyed["first_seen"] = keyed.groupby("cluster")["first_seen"].transform("min")
    signals = (entries["section"] == SIGNALS).to_numpy(dtype=bool)
    found = pd.MultiIndex.from_arrays([keyed["doc_id"], keyed["position"]]).get_indexer(
        pd.MultiIndex.from_arrays(
            [entries["doc_id"].astype(str), entries["position"].to_numpy(dtype=np.int64)]
        )
    )
    found = np.where(signals, found, -1)
    hit = found >= 0
    at = np.maximum(found, 0)
    entries["cluster"] = np.where(hit, keyed["cluster"].to_numpy(dtype=object)[at], None)
    entries["seen_in"] = np.where(hit, keyed["seen_in"].to_numpy()[at], np.nan)
    entries["first_seen"] = pd.to_datetime(
        np.where(hit, keyed["first_seen"].to_numpy()[at], np.datetime64("NaT"))
    )
    return entries
