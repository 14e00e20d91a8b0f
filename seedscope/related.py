"""Related signals by meaning: what else in the corpus looks like this signal.

An analyst reading one signal asks *what else is like it?* The answer compares
the whole signal — its name, description, change, 10-year outcome and driving
force — and what its document is about (its concepts), then groups signals
that are the same signal reported by several documents into one entry
("seen in 4 documents", from the ``signal_clusters`` table). Signals of the
source's own cluster are not "related": they are the source itself seen
elsewhere, and the drill-down lists them apart.

How the score is made (0..1):

* wording — cosine of IDF-weighted word vectors; name words count double,
  change/outcome/driving-force words a little less than the description's,
  words are folded and stemmed (:func:`loaders.concepts.words.word_forms`) and
  trend words ("rise", "growing") left out: they say how, not what;
* about — cosine of the two documents' concept vectors, IDF-weighted so that
  sharing *knowledge graphs* counts and sharing *technology* barely does;
* ``score = 0.65 × wording + 0.35 × about``; a candidate needs a score of
  :data:`MIN_SCORE` and two shared words (or one and a shared concept) to be
  listed at all: an empty list is better than a list of near-misses.

Everything is precomputed once per corpus as flat numpy arrays (CSR by signal
and by word), so a query is a few gathers and one ``bincount``: fast at
10,000 documents.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from loaders.concepts.words import TREND_WORDS, word_forms
from loaders.schema import CONCEPT_LISTS, SIGNALS

from .explore import Explorer

#: How much a word counts, by the field it is found in.
FIELD_WEIGHTS = {
    "name": 2.0,
    "description": 1.0,
    "change": 0.6,
    "ten_year": 0.6,
    "driving_force": 0.6,
}
WORDING_SHARE = 0.65
ABOUT_SHARE = 0.35
#: How many shared words or concepts a reason lists.
REASON_ITEMS = 3
#: Below this score a candidate is not shown: on the labelled set (tests/fixtures/related)
#: 0.2 keeps a third of the listed signals related where 0.12 kept a sixth.
MIN_SCORE = 0.2

RELATED_COLUMNS = (
    "doc_id",
    "position",
    "name",
    "title",
    "page_date",
    "relevancy",
    "score",
    "reasons",
    "cluster",
    "seen_in",
)


def _gather(indptr: np.ndarray, which: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Flat positions of the CSR rows ``which``, and for each its slot in ``which``."""
    starts = indptr[which]
    lengths = indptr[which + 1] - starts
    owner = np.repeat(np.arange(len(which)), lengths)
    out_starts = np.cumsum(lengths) - lengths
    flat = np.arange(int(lengths.sum()), dtype=np.int64) + np.repeat(starts - out_starts, lengths)
    return flat, owner


Sparse = tuple[np.ndarray, np.ndarray, np.ndarray]


def _csr(
    rows: np.ndarray, cols: np.ndarray, weights: np.ndarray, n_rows: int, n_cols: int
) -> tuple[Sparse, Sparse]:
    """Unit-length rows of an IDF-weighted sparse matrix, as (indptr, cols, weights) and CSC."""
    width = max(n_cols, 1)
    keys, inverse = np.unique(rows * width + cols, return_inverse=True)
    weights = np.bincount(inverse, weights=weights, minlength=len(keys))
    rows, cols = keys // width, keys % width
    df = np.bincount(cols, minlength=n_cols)
    idf = np.log1p(max(n_rows, 1) / np.maximum(df, 1))
    weights = weights * idf[cols]
    norms = np.sqrt(np.bincount(rows, weights=weights**2, minlength=n_rows))
    weights = weights / np.where(norms > 0, norms, 1.0)[rows]
    indptr = np.concatenate([[0], np.cumsum(np.bincount(rows, minlength=n_rows))])
    order = np.argsort(cols, kind="stable")
    col_indptr = np.concatenate([[0], np.cumsum(df)])
    return (indptr, cols, weights), (col_indptr, rows[order], weights[order])


class RelatedIndex:
    """Signals of one explorer, indexed by their words and their documents' concepts."""

    def __init__(
        self,
        explorer: Explorer,
        concept_of: dict[tuple[str, str], str] | None = None,
        concept_label: dict[str, str] | None = None,
        clusters: pd.DataFrame | None = None,
    ) -> None:
        self.explorer = explorer
        documents = explorer.documents
        n_docs = len(documents)
        entries = explorer.entries
        signals = entries[(entries["section"] == SIGNALS).to_numpy(dtype=bool)]
        signals = signals.sort_values(["doc_row", "position"], kind="stable").reset_index(drop=True)
        self.signals = signals
        self._n = len(signals)
        self._doc_row = signals["doc_row"].to_numpy(dtype=np.int64)
        self._position = signals["position"].to_numpy(dtype=np.int64)
        self._key = (self._doc_row << 32) | self._position
        self._relevancy = signals["relevancy"].to_numpy(dtype=np.float64, na_value=np.nan)
        self._names = signals["name"].astype(object).to_numpy()
        self._doc_ids = documents["doc_id"].astype(str).to_numpy(dtype=object)
        self._titles = documents["title_text"].astype(str).to_numpy(dtype=object)
        self._dates = documents["page_date"].to_numpy()
        date_ns = documents["page_date"].to_numpy(dtype="datetime64[ns]")
        self._date_key = np.where(np.isnat(date_ns), -np.inf, date_ns.astype(np.int64) * 1.0)
        originals = explorer.row_of.reindex(documents["duplicate_of"].astype(object))
        self._group = np.where(
            originals.notna().to_numpy(),
            originals.fillna(-1).to_numpy(dtype=np.int64),
            np.arange(n_docs, dtype=np.int64),
        )
        self._clusters(clusters)
        self._words(signals)
        self._concepts(concept_of or {}, concept_label or {})

    # -- precomputation -----------------------------------------------------------

    def _clusters(self, clusters: pd.DataFrame | None) -> None:
        n = self._n
        if clusters is None or clusters.empty or n == 0:
            self._cluster = np.arange(n, dtype=np.int64)
            self._cluster_names = np.array([f"signal-{i}" for i in range(n)], dtype=object)
            self._seen_in = np.ones(n, dtype=np.int64)
            return
        keyed = clusters.assign(
            doc_row=self.explorer.row_of.reindex(clusters["doc_id"].astype(str)).to_numpy()
        ).dropna(subset=["doc_row"])
        keys = (keyed["doc_row"].to_numpy(dtype=np.int64) << 32) | keyed["position"].to_numpy(
            dtype=np.int64
        )
        lookup = pd.Series(np.arange(len(keyed)), index=keys)
        at = lookup.reindex(self._key).to_numpy()
        found = ~np.isnan(at)
        codes, names = pd.factorize(keyed["cluster"].astype(str))
        at_row = np.where(found, at, 0).astype(np.int64)
        self._cluster = np.asarray(np.where(found, np.asarray(codes)[at_row], -1 - np.arange(n)))
        self._cluster_names = np.asarray(
            np.where(found, np.asarray(names, dtype=object)[np.asarray(codes)[at_row]], None)
        )
        self._seen_in = np.where(found, keyed["cluster_size"].to_numpy(dtype=np.int64)[at_row], 1)

    def _words(self, signals: pd.DataFrame) -> None:
        vocabulary: dict[str, int] = {}
        self._display: list[str] = []
        rows_parts, cols_parts, weight_parts = [], [], []
        for column, weight in FIELD_WEIGHTS.items():
            if column not in signals:
                continue
            codes, uniques = pd.factorize(signals[column])
            token_lists = []
            for text in uniques:
                ids = []
                for word, surface in sorted(word_forms(str(text)).items()):
                    if word in TREND_WORDS:  # "rise", "growing": how, not what
                        continue
                    if word not in vocabulary:
                        vocabulary[word] = len(vocabulary)
                        self._display.append(surface)
                    ids.append(vocabulary[word])
                token_lists.append(ids)
            lengths = np.array([0] + [len(t) for t in token_lists], dtype=np.int64)
            indptr = np.cumsum(lengths)
            flat_tokens = np.array([t for ts in token_lists for t in ts], dtype=np.int64)
            codes = np.asarray(codes, dtype=np.int64)
            valid = np.flatnonzero(codes >= 0)
            positions, owner = _gather(indptr, codes[valid])
            rows_parts.append(valid[owner])
            cols_parts.append(flat_tokens[positions])
            weight_parts.append(np.full(len(positions), weight))
        rows = np.concatenate(rows_parts) if rows_parts else np.zeros(0, np.int64)
        cols = np.concatenate(cols_parts) if cols_parts else np.zeros(0, np.int64)
        weights = np.concatenate(weight_parts) if weight_parts else np.zeros(0)
        self._word_rows, self._word_cols = _csr(rows, cols, weights, self._n, len(vocabulary))

    def _concepts(self, concept_of: dict[tuple[str, str], str], labels: dict[str, str]) -> None:
        tags = self.explorer.tags
        tags = tags[tags["list"].isin(CONCEPT_LISTS).to_numpy(dtype=bool)]
        lists = tags["list"].astype(str).to_numpy()
        values = tags["value_norm"].astype(str).to_numpy()
        concepts = [concept_of.get((lst, v), v) for lst, v in zip(lists, values, strict=True)]
        codes, names = pd.factorize(pd.Series(concepts, dtype=object))
        self._concept_names = [labels.get(c, c) for c in names]
        docs = tags["doc_row"].to_numpy(dtype=np.int64)
        n_docs = len(self.explorer.documents)
        self._doc_concepts, self._concept_docs = _csr(
            docs, np.asarray(codes, dtype=np.int64), np.ones(len(docs)), n_docs, len(names)
        )

    # -- queries ------------------------------------------------------------------

    def _signal(self, doc_id: str, position: int) -> int | None:
        row = self.explorer.row_of.get(doc_id)
        if row is None or self._n == 0:
            return None
        try:
            position = int(position)
        except (TypeError, ValueError):
            return None
        if not 0 <= position < 2**31:
            return None
        key = (int(row) << 32) | position
        index = int(np.searchsorted(self._key, key))
        return index if index < self._n and self._key[index] == key else None

    def cluster_of(self, doc_id: str, position: int) -> tuple[str | None, int]:
        """The cluster id of a signal and the number of documents reporting it."""
        source = self._signal(doc_id, position)
        if source is None:
            return None, 0
        return self._cluster_names[source], int(self._seen_in[source])

    def related(
        self, doc_id: str, position: int, k: int = 8, min_score: float = MIN_SCORE
    ) -> pd.DataFrame:
        """Up to ``k`` entries related to one signal, best first, one per cluster.

        Each entry is the best-scoring signal of its cluster, with ``seen_in``
        documents behind it. The source's document, its duplicates and its own
        cluster are left out.
        """
        source = self._signal(doc_id, position)
        if source is None or k <= 0:
            return pd.DataFrame(columns=list(RELATED_COLUMNS))
        n = self._n
        indptr, cols, weights = self._word_rows
        col_indptr, col_rows, col_weights = self._word_cols
        start, stop = indptr[source], indptr[source + 1]
        query, query_w = cols[start:stop], weights[start:stop]
        flat, owner = _gather(col_indptr, query)
        wording = np.bincount(
            col_rows[flat], weights=col_weights[flat] * query_w[owner], minlength=n
        )
        shared_words = np.bincount(col_rows[flat], minlength=n)

        d_indptr, d_cols, d_weights = self._doc_concepts
        c_indptr, c_rows, c_weights = self._concept_docs
        source_doc = int(self._doc_row[source])
        s, e = d_indptr[source_doc], d_indptr[source_doc + 1]
        flat, owner = _gather(c_indptr, d_cols[s:e])
        n_docs = len(self._group)
        about_docs = np.bincount(
            c_rows[flat], weights=c_weights[flat] * d_weights[s:e][owner], minlength=n_docs
        )
        about = about_docs[self._doc_row]
        score = WORDING_SHARE * np.clip(wording, 0, 1) + ABOUT_SHARE * np.clip(about, 0, 1)

        allowed = self._group[self._doc_row] != self._group[source_doc]
        allowed &= self._cluster != self._cluster[source]
        allowed &= (shared_words >= 2) | ((shared_words >= 1) & (about > 0))
        allowed &= score >= min_score
        candidates = np.flatnonzero(allowed)
        if len(candidates) == 0:
            return pd.DataFrame(columns=list(RELATED_COLUMNS))
        relevancy = np.nan_to_num(self._relevancy[candidates], nan=-1.0)
        order = np.lexsort(
            (
                self._position[candidates],
                -self._date_key[self._doc_row[candidates]],
                -relevancy,
                -score[candidates],
            )
        )
        ranked = candidates[order]
        _, first = np.unique(self._cluster[ranked], return_index=True)
        chosen = ranked[np.sort(first)[:k]]
        doc_rows = self._doc_row[chosen]
        return pd.DataFrame(
            {
                "doc_id": self._doc_ids[doc_rows],
                "position": self._position[chosen],
                "name": [None if pd.isna(v) else str(v) for v in self._names[chosen]],
                "title": self._titles[doc_rows],
                "page_date": self._dates[doc_rows],
                "relevancy": self._relevancy[chosen],
                "score": np.round(np.clip(score[chosen], 0, 1), 3),
                "reasons": [self._reasons(source, int(i)) for i in chosen],
                "cluster": self._cluster_names[chosen],
                "seen_in": self._seen_in[chosen],
            },
            columns=list(RELATED_COLUMNS),
        )

    def _reasons(self, source: int, other: int) -> str:
        """Why ``other`` is listed, in words an analyst can check at a glance."""
        indptr, cols, weights = self._word_rows
        mine = dict(
            zip(
                cols[indptr[source] : indptr[source + 1]].tolist(),
                weights[indptr[source] : indptr[source + 1]].tolist(),
                strict=True,
            )
        )
        theirs = dict(
            zip(
                cols[indptr[other] : indptr[other + 1]].tolist(),
                weights[indptr[other] : indptr[other + 1]].tolist(),
                strict=True,
            )
        )
        words = sorted(
            (-mine[t] * theirs[t], self._display[t]) for t in mine.keys() & theirs.keys()
        )
        d_indptr, d_cols, d_weights = self._doc_concepts
        a, b = int(self._doc_row[source]), int(self._doc_row[other])
        mine_c = dict(
            zip(
                d_cols[d_indptr[a] : d_indptr[a + 1]].tolist(),
                d_weights[d_indptr[a] : d_indptr[a + 1]].tolist(),
                strict=True,
            )
        )
        theirs_c = set(d_cols[d_indptr[b] : d_indptr[b + 1]].tolist())
        concepts = sorted((-mine_c[c], self._concept_names[c]) for c in mine_c.keys() & theirs_c)
        parts = []
        if words:
            parts.append("similar wording: " + ", ".join(w for _, w in words[:REASON_ITEMS]))
        if concepts:
            parts.append("same concepts: " + ", ".join(c for _, c in concepts[:REASON_ITEMS]))
        return "; ".join(parts)


__all__ = ["RELATED_COLUMNS", "RelatedIndex"]
