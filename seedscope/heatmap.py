"""Relevancy heatmaps: entries of a view aggregated by a row and a column dimension.

A heatmap answers "where is the relevant material?": rows are themes,
keywords, categories, types or documents; columns are sections, months,
quarters or categories; each cell holds how many entries fall there, their
mean relevancy and the share of them rated 4 or 5.

Themes and keywords belong to documents, not to entries, and a document has
several of them, so an entry counts once under *every* theme of its document.
Exploding 200,000 entries by ~4 themes each would be slow, so the work is
done in three numpy steps instead: aggregate entries per (document, column),
rank row keys from per-document totals, then join only the top rows'
(document, row key) pairs onto the per-document aggregates. What lies
behind one cell, and the filters that narrow the dashboard to it, are in
:mod:`seedscope.heatmap_cells`; :mod:`seedscope.heatmap_figures` draws the grid.
This module never imports streamlit: pages call it and draw the result.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from loaders.schema import SECTIONS

from .explore import Explorer, View
from .facets import Facet

#: Row dimensions: key -> what the page calls it.
ROW_DIMENSIONS: dict[str, str] = {
    "theme": "Theme",
    "theme_top": "Theme, broadest concept",
    "keyword": "Keyword",
    "keyword_top": "Keyword, broadest concept",
    "category": "Category",
    "type": "Type",
    "document": "Document",
}
#: Column dimensions: key -> what the page calls it.
COL_DIMENSIONS: dict[str, str] = {
    "section": "Section",
    "month": "Month",
    "quarter": "Quarter",
    "category": "Category",
}
#: Cell measures: key -> label (also the colour bar's title).
MEASURES: dict[str, str] = {
    "mean": "Mean relevancy",
    "count": "Entries",
    "share4": "Share rated ≥ 4",
}

#: Facets (seedscope.facets) behind the multi-valued row dimensions.
ROW_FACETS = {
    "theme": "themes",
    "keyword": "keywords",
    "theme_top": "themes",
    "keyword_top": "keywords",
}
#: Row dimensions that roll concepts up to the broadest concept above them.
_ROLLED_UP = {"theme_top", "keyword_top"}


def row_facet(explorer: Explorer, view: View, rows: str) -> Facet:
    """The facet behind a theme/keyword row dimension, as the view sees it."""
    return explorer.facet(ROW_FACETS[rows], view.state, rollup=rows in _ROLLED_UP)


#: Document columns behind the single-valued dimensions.
DOC_COLUMNS = {"category": "category", "type": "doc_type", "month": "month", "quarter": "quarter"}
#: Longest document title shown as a row label.
TITLE_LABEL_LENGTH = 60
#: Above this many (document, column) slots, aggregate with a sort instead of a dense bincount.
_DENSE_LIMIT = 4_000_000


@dataclass(frozen=True, eq=False)
class Heatmap:
    """One aggregated grid, ready to draw: rows × cols frames of each measure.

    ``eq=False`` because the frames make field-wise equality meaningless (and
    unhashable); a heatmap is compared by identity.
    """

    row_dim: str
    col_dim: str
    measure: str
    rows: list[str]  # row keys, most entries first
    cols: list[str]  # column keys, in their natural order
    row_labels: dict[str, str]  # row key -> display label (unique)
    count: pd.DataFrame  # entries per cell, 0 where none
    mean: pd.DataFrame  # mean relevancy of rated entries, NaN where none
    share: pd.DataFrame  # share of rated entries that are >= 4, NaN where none
    rated: pd.DataFrame  # entries with a relevancy per cell
    total_rows: int  # row keys with entries before the cut to the top N

    @property
    def values(self) -> pd.DataFrame:
        """The frame of the chosen measure (what the colour shows)."""
        return {"mean": self.mean, "count": self.count, "share4": self.share}[self.measure]

    @property
    def measure_label(self) -> str:
        return MEASURES[self.measure]

    @property
    def empty(self) -> bool:
        return not self.rows


def check_dimensions(rows: str, cols: str, measure: str | None = None) -> None:
    """Unknown dimensions are programming errors: say which names are valid."""
    if rows not in ROW_DIMENSIONS:
        raise ValueError(f"unknown row dimension {rows!r}; expected one of {list(ROW_DIMENSIONS)}")
    if cols not in COL_DIMENSIONS:
        raise ValueError(
            f"unknown column dimension {cols!r}; expected one of {list(COL_DIMENSIONS)}"
        )
    if measure is not None and measure not in MEASURES:
        raise ValueError(f"unknown measure {measure!r}; expected one of {list(MEASURES)}")


def category_codes(series: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Integer codes (-1 for missing) and their values, without touching strings.

    Categorical columns already carry codes; anything else is factorized.
    """
    if isinstance(series.dtype, pd.CategoricalDtype):
        return series.cat.codes.to_numpy(dtype=np.int64), pd.Index(series.cat.categories)
    codes, uniques = pd.factorize(series)
    return codes.astype(np.int64), pd.Index(uniques)


def _sorted_codes(
    series: pd.Series, order: list[str] | None = None
) -> tuple[np.ndarray, list[str]]:
    """Codes re-numbered so that code order is display order.

    ``order`` fixes the first values (the canonical sections); the rest sort
    alphabetically, which is also chronological for "2024-05" and "2024Q2".
    Empty strings count as missing.
    """
    codes, values = category_codes(series)
    names = [str(v) for v in values]
    known = {n for n in names if n}
    ordered = [n for n in (order or ()) if n in known] + sorted(known - set(order or ()))
    position = {name: i for i, name in enumerate(ordered)}
    remap = np.array([position.get(n, -1) for n in names] + [-1], dtype=np.int64)
    # code -1 (missing) indexes the trailing -1
    return remap[codes], ordered


def _column_codes(
    explorer: Explorer, entries: pd.DataFrame, cols: str
) -> tuple[np.ndarray, list[str]]:
    """Each entry's column index (-1: no column, e.g. an undated document)."""
    if cols == "section":
        return _sorted_codes(entries["section"], list(SECTIONS))
    doc_codes, names = _sorted_codes(explorer.documents[DOC_COLUMNS[cols]])
    return doc_codes[entries["doc_row"].to_numpy()], names


def _row_pairs(
    explorer: Explorer, view: View, rows: str
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """(doc_row, row code) pairs of the view's documents, and the row key of each code.

    A document has one pair per distinct theme/keyword id (a value listed
    twice would otherwise count its entries twice), one for its category or
    type, and one for itself as a document row.
    """
    doc_rows = view.documents["doc_row"].to_numpy(dtype=np.int64)
    if rows in ROW_FACETS:
        facet = row_facet(explorer, view, rows)
        in_view = np.zeros(len(explorer.documents), dtype=bool)
        in_view[doc_rows] = True
        pair_docs, pair_codes = facet.pairs(in_view)
        return pair_docs, pair_codes, [str(v) for v in facet.ids]
    if rows == "document":
        return doc_rows, doc_rows, explorer.documents["doc_id"].astype(str).tolist()
    codes, names = _sorted_codes(explorer.documents[DOC_COLUMNS[rows]])
    codes = codes[doc_rows]
    keep = codes >= 0
    return doc_rows[keep], codes[keep], names


def _document_labels(explorer: Explorer, doc_ids: list[str]) -> dict[str, str]:
    """Titles cut to fit a row label, made unique with the doc_id where they collide."""
    docs = explorer.documents
    titles = docs["title_text"].to_numpy()[explorer.row_of.reindex(doc_ids).to_numpy()]
    labels = [_shorten(str(t), TITLE_LABEL_LENGTH) for t in titles]
    seen: dict[str, int] = {}
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
    return {
        doc_id: (f"{label} ({doc_id})" if seen[label] > 1 else label)
        for doc_id, label in zip(doc_ids, labels, strict=True)
    }


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _empty(rows: str, cols: str, measure: str, total_rows: int = 0) -> Heatmap:
    frame = pd.DataFrame(index=pd.Index([], dtype=object), columns=pd.Index([], dtype=object))
    return Heatmap(
        rows,
        cols,
        measure,
        [],
        [],
        {},
        frame.astype(np.int64),
        frame.astype(float),
        frame.astype(float),
        frame.astype(np.int64),
        total_rows,
    )


def _period_span(keys: list[str], cols: str) -> list[str]:
    """Every month or quarter from the first key to the last, so empty ones show."""
    freq = "M" if cols == "month" else "Q"
    try:
        periods = [pd.Period(key, freq=freq) for key in keys]
    except ValueError:
        return keys
    return [str(p) for p in pd.period_range(min(periods), max(periods), freq=freq)]


def build_heatmap(
    explorer: Explorer, view: View, rows: str, cols: str, measure: str, top: int = 15
) -> Heatmap:
    """Aggregate the view's entries into a rows × cols grid of the ``top`` busiest rows.

    Rows are ranked by how many entries they hold in the grid (entries without
    a column, e.g. of undated documents under "month", are not counted), ties
    broken alphabetically (ignoring case). Columns are those with at least one
    entry in the kept rows; for months and quarters, every period between the
    first and the last is a column, empty ones included.
    """
    check_dimensions(rows, cols, measure)
    entries = view.entries
    if entries.empty or top <= 0:
        return _empty(rows, cols, measure)
    n_docs = len(explorer.documents)

    # 1. aggregate entries per (document, column) "slot"
    col_codes, col_names = _column_codes(explorer, entries, cols)
    n_cols = max(len(col_names), 1)
    doc_rows = entries["doc_row"].to_numpy(dtype=np.int64)
    relevancy = entries["relevancy"].to_numpy(dtype=float)
    keep = col_codes >= 0
    doc_rows, col_codes, relevancy = doc_rows[keep], col_codes[keep], relevancy[keep]
    rated = ~np.isnan(relevancy)
    high = rated & (relevancy >= 4)
    rel_sum = np.where(rated, relevancy, 0.0)
    slot_of_entry = doc_rows * n_cols + col_codes
    if n_docs * n_cols <= _DENSE_LIMIT:
        every_slot = np.bincount(slot_of_entry, minlength=n_docs * n_cols)
        slots = np.flatnonzero(every_slot)
        slot_count = every_slot[slots]
        size = n_docs * n_cols

        def per_slot(weights: np.ndarray) -> np.ndarray:
            return np.bincount(slot_of_entry, weights=weights, minlength=size)[slots]
    else:
        slots, inverse = np.unique(slot_of_entry, return_inverse=True)
        slot_count = np.bincount(inverse)

        def per_slot(weights: np.ndarray) -> np.ndarray:
            return np.bincount(inverse, weights=weights)

    slot_rated, slot_sum, slot_high = per_slot(rated), per_slot(rel_sum), per_slot(high)
    slot_doc, slot_col = slots // n_cols, slots % n_cols
    if not len(slot_doc):
        return _empty(rows, cols, measure)

    # 2. rank row keys by their entries: per-document totals summed over (document, row) pairs
    pair_doc, pair_row, row_names = _row_pairs(explorer, view, rows)
    doc_total = np.bincount(slot_doc, weights=slot_count, minlength=n_docs)
    n_keys = max(len(row_names), 1)
    row_total = np.bincount(pair_row, weights=doc_total[pair_doc], minlength=n_keys)
    candidates = np.flatnonzero(row_total > 0)
    if not len(candidates):
        return _empty(rows, cols, measure)
    labels_of = _row_labeller(explorer, view, rows)
    if rows == "document":
        tie_text = explorer.documents["title_text"].to_numpy()[candidates]
    else:
        tie_text = [labels_of(row_names[c]) for c in candidates]
    tie = np.array([str(t).casefold() for t in tie_text], dtype=object)
    tie_rank = np.argsort(np.argsort(tie, kind="stable"), kind="stable")
    order = np.lexsort((tie_rank, -row_total[candidates]))
    chosen = candidates[order[:top]]
    rank = np.full(n_keys, -1, dtype=np.int64)
    rank[chosen] = np.arange(len(chosen))

    # 3. join the kept rows' (document, row) pairs onto the (document, column) slots
    kept = rank[pair_row] >= 0
    kept_doc, kept_rank = pair_doc[kept], rank[pair_row[kept]]
    by_doc = np.argsort(kept_doc, kind="stable")
    kept_rank = kept_rank[by_doc]
    rows_per_doc = np.bincount(kept_doc, minlength=n_docs)
    first_of_doc = np.cumsum(rows_per_doc) - rows_per_doc
    repeats = rows_per_doc[slot_doc]
    slot_of_cell = np.repeat(np.arange(len(slot_doc)), repeats)
    offset = np.arange(len(slot_of_cell)) - np.repeat(np.cumsum(repeats) - repeats, repeats)
    cell_rank = kept_rank[first_of_doc[slot_doc[slot_of_cell]] + offset]
    cell = cell_rank * n_cols + slot_col[slot_of_cell]
    size = len(chosen) * n_cols

    def total(weights: np.ndarray) -> np.ndarray:
        return np.bincount(cell, weights=weights[slot_of_cell], minlength=size).reshape(-1, n_cols)

    count = total(slot_count.astype(float)).astype(np.int64)
    n_rated = total(slot_rated).astype(np.int64)
    sums, highs = total(slot_sum), total(slot_high)
    present = count.sum(axis=0) > 0
    count, n_rated, sums, highs = (a[:, present] for a in (count, n_rated, sums, highs))
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(n_rated > 0, sums / n_rated, np.nan)
        share = np.where(n_rated > 0, highs / n_rated, np.nan)

    row_keys = [row_names[c] for c in chosen]
    col_keys = [name for name, p in zip(col_names, present, strict=False) if p]
    if rows == "document":
        labels = _document_labels(explorer, row_keys)
    else:
        labels = {key: labels_of(key) for key in row_keys}
    index = pd.Index(row_keys, dtype=object, name=rows)
    columns = pd.Index(col_keys, dtype=object, name=cols)
    every_col = _period_span(col_keys, cols) if cols in ("month", "quarter") else col_keys

    def frame(values: np.ndarray, fill: float) -> pd.DataFrame:
        grid = pd.DataFrame(values, index=index, columns=columns)
        return grid.reindex(columns=pd.Index(every_col, dtype=object, name=cols), fill_value=fill)

    return Heatmap(
        row_dim=rows,
        col_dim=cols,
        measure=measure,
        rows=row_keys,
        cols=every_col,
        row_labels=labels,
        count=frame(count, 0),
        mean=frame(mean, np.nan),
        share=frame(share, np.nan),
        rated=frame(n_rated, 0),
        total_rows=len(candidates),
    )


def _row_labeller(explorer: Explorer, view: View, rows: str) -> Callable[[str], str]:
    """What a row key is called (a theme's label; categories and types as they are)."""
    if rows in ROW_FACETS:
        return row_facet(explorer, view, rows).label
    return str
