"""Search results on the explorer's rows: which documents and entries match, how well,
and where (which field, which words).

:class:`RowMap` ties the index's rowids to the positions of an Explorer's
documents and entries (both sides order a document's entries with
:func:`~seedscope.search.entry_order`); :class:`SearchHits` is one query's
answer on those positions. Pure numpy and SQLite, no streamlit.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .search import SearchIndex, entry_order
from .search_highlight import FIELD_LABELS, MARK_END, MARK_START, snippet
from .search_query import Query

#: Largest number of rows whose matched words are looked up for one table.
MAX_MARKED_ROWS = 1_000


class RowMap:
    """rowid <-> document row / entry position, for one Explorer and one index layout.

    A document whose indexed row count differs from the Explorer's (an index
    already moved on to a newer cache) is left unmapped: its hits are dropped
    rather than pinned to the wrong rows.
    """

    def __init__(
        self, doc_ids: pd.Series, entries: pd.DataFrame, layout: dict[str, tuple[int, int]]
    ) -> None:
        doc_list = doc_ids.astype(str).tolist()
        n_docs = len(doc_list)
        order = entry_order(entries)
        entry_docs = entries["doc_row"].to_numpy(dtype=np.int64)[order]
        per_doc = np.bincount(entry_docs, minlength=n_docs)
        first = np.full(n_docs, -1, dtype=np.int64)
        for row, doc_id in enumerate(doc_list):
            indexed = layout.get(doc_id)
            if indexed is not None and indexed[1] == 1 + per_doc[row]:
                first[row] = indexed[0]
        self.doc_rowid = first
        starts: np.ndarray = (
            np.flatnonzero(np.r_[True, entry_docs[1:] != entry_docs[:-1]])
            if len(order)
            else np.zeros(0, dtype=np.int64)
        )
        within = np.arange(len(order)) - np.repeat(
            np.asarray(starts, dtype=np.int64), np.diff(np.r_[starts, len(order)]).astype(np.int64)
        )
        entry_rowid = np.full(len(entries), -1, dtype=np.int64)
        mapped = first[entry_docs] >= 0
        entry_rowid[order[mapped]] = first[entry_docs[mapped]] + 1 + within[mapped]
        self.entry_rowid = entry_rowid
        # inverse: sorted rowids and what they point at (>= 0: entry, < 0: -1 - doc row)
        doc_known = np.flatnonzero(first >= 0)
        entry_known = np.flatnonzero(entry_rowid >= 0)
        rowids = np.concatenate([first[doc_known], entry_rowid[entry_known]])
        targets = np.concatenate([-1 - doc_known, entry_known])
        by_rowid = np.argsort(rowids, kind="stable")
        self._rowids, self._targets = rowids[by_rowid], targets[by_rowid]

    def targets(self, rowids: np.ndarray) -> np.ndarray:
        """For each rowid: its entry position (>= 0), ``-1 - doc row``, or a huge
        sentinel when it is unknown."""
        if not len(self._rowids):
            return np.full(len(rowids), np.iinfo(np.int64).max, dtype=np.int64)
        at = np.clip(np.searchsorted(self._rowids, rowids), 0, len(self._rowids) - 1)
        known = self._rowids[at] == rowids
        return np.where(known, self._targets[at], np.iinfo(np.int64).max)


@dataclass(eq=False)
class SearchHits:
    """One query's matches on an Explorer's rows (lower score = better match, BM25)."""

    query: Query
    entry_score: np.ndarray  # per entry position: score, NaN when the entry does not match
    doc_score: np.ndarray  # per document row: score of its title/summary, NaN when none
    index: SearchIndex
    rows: RowMap
    _marked: dict[int, dict[str, str]] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def from_rowids(
        cls,
        query: Query,
        rowids: np.ndarray,
        scores: np.ndarray,
        index: SearchIndex,
        rows: RowMap,
    ) -> SearchHits:
        n_entries, n_docs = len(rows.entry_rowid), len(rows.doc_rowid)
        targets = rows.targets(rowids)
        entry_score = np.full(n_entries, np.nan)
        doc_score = np.full(n_docs, np.nan)
        is_entry = (targets >= 0) & (targets < n_entries)
        entry_score[targets[is_entry]] = scores[is_entry]
        is_doc = targets < 0
        doc_score[-1 - targets[is_doc]] = scores[is_doc]
        return cls(query, entry_score, doc_score, index, rows)

    @property
    def entry_matched(self) -> np.ndarray:
        return ~np.isnan(self.entry_score)

    @property
    def doc_matched(self) -> np.ndarray:
        return ~np.isnan(self.doc_score)

    def _lookup(self, rowids: np.ndarray) -> dict[int, dict[str, str]]:
        with self._lock:
            wanted = [int(r) for r in rowids if r >= 0 and int(r) not in self._marked]
        if wanted:
            found = self.index.marked(self.query, wanted)
            with self._lock:
                for rowid in wanted:
                    self._marked[rowid] = found.get(rowid, {})
        with self._lock:
            return {int(r): self._marked.get(int(r), {}) for r in rowids}

    def entry_fields(self, positions: np.ndarray) -> list[dict[str, str]]:
        """For each entry position: field -> text with matched words marked."""
        rowids = self.rows.entry_rowid[np.asarray(positions, dtype=np.int64)]
        found = self._lookup(rowids)
        return [found.get(int(r), {}) for r in rowids]

    def doc_fields(self, doc_rows: np.ndarray) -> list[dict[str, str]]:
        """For each document row: title/summary with matched words marked."""
        rowids = self.rows.doc_rowid[np.asarray(doc_rows, dtype=np.int64)]
        found = self._lookup(rowids)
        return [found.get(int(r), {}) for r in rowids]


def match_columns(fields: list[dict[str, str]], order: tuple[str, ...]) -> pd.DataFrame:
    """``matched_in`` ("name, description") and ``match`` (where, then a snippet of the
    first of those fields with the matched words between « and ») for rows of marked
    fields."""
    matched_in, shown = [], []
    for marked in fields:
        names = [name for name in order if name in marked]
        matched_in.append(", ".join(FIELD_LABELS[name] for name in names))
        if not names:
            shown.append("")
            continue
        text = snippet(marked[names[0]]).replace(MARK_START, "«").replace(MARK_END, "»")
        shown.append(f"{matched_in[-1]}: {text}" if text else matched_in[-1])
    return pd.DataFrame({"matched_in": matched_in, "match": shown})
