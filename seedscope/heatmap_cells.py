"""One heatmap cell: the entries behind it, and the filters that narrow everything to it.

A click on a cell of :func:`seedscope.heatmap.build_heatmap`'s grid lists
its entries (:func:`cell_entries`, with exactly the grid's membership
rules, so the table has as many rows as the cell's count) and offers to
narrow every page to that cell (:func:`cell_filters`). This module never
imports streamlit: the Heatmaps page calls it and draws the result.
"""

from __future__ import annotations

import calendar
import datetime as dt

import numpy as np
import pandas as pd

from loaders.schema import ENTRY_TEXT_COLUMNS

from .explore import Explorer, View
from .filters import FilterState
from .heatmap import DOC_COLUMNS, ROW_FACETS, check_dimensions, row_facet

#: Columns of :func:`cell_entries`, in display order.
CELL_COLUMNS = [
    "title_text",
    "page_date",
    "doc_id",
    "section",
    "position",
    *ENTRY_TEXT_COLUMNS,
    "relevancy",
]


def _row_doc_mask(explorer: Explorer, view: View, rows: str, row_key: str) -> np.ndarray:
    """Which documents (by doc_row) belong to one row of the heatmap."""
    docs = explorer.documents
    mask = np.zeros(len(docs), dtype=bool)
    if rows in ROW_FACETS:
        mask = row_facet(explorer, view, rows).mask([row_key], len(docs))
    elif rows == "document":
        row = explorer.row_of.get(row_key)
        if row is not None:
            mask[int(row)] = True
    else:
        mask = (docs[DOC_COLUMNS[rows]] == row_key).to_numpy(dtype=bool)
    return mask


def cell_entries(
    explorer: Explorer, view: View, rows: str, cols: str, row_key: str, col_key: str
) -> pd.DataFrame:
    """The entries behind one cell, most relevant first, for the drill-down table.

    Uses exactly the membership rules of :func:`build_heatmap`, so the table
    has as many rows as the cell's ``count``.
    """
    check_dimensions(rows, cols)
    entries = view.entries
    doc_rows = entries["doc_row"].to_numpy()
    mask = _row_doc_mask(explorer, view, rows, row_key)[doc_rows]
    if cols == "section":
        mask &= (entries["section"] == col_key).to_numpy(dtype=bool)
    else:
        doc_values = explorer.documents[DOC_COLUMNS[cols]]
        mask &= (doc_values == col_key).to_numpy(dtype=bool)[doc_rows]
    picked = entries[mask]
    docs = explorer.documents
    out = pd.DataFrame(
        {
            "title_text": docs["title_text"].to_numpy()[picked["doc_row"].to_numpy()],
            "page_date": docs["page_date"].to_numpy()[picked["doc_row"].to_numpy()],
            "doc_id": picked["doc_id"].astype(object).to_numpy(),
            "section": picked["section"].astype(object).to_numpy(),
            "position": picked["position"].to_numpy(),
            "name": picked["name"].astype(object).to_numpy(),
            "description": picked["description"].astype(object).to_numpy(),
            "change": picked["change"].astype(object).to_numpy(),
            "ten_year": picked["ten_year"].astype(object).to_numpy(),
            "driving_force": picked["driving_force"].astype(object).to_numpy(),
            "relevancy": picked["relevancy"].to_numpy(dtype=float),
        },
        columns=CELL_COLUMNS,
    )
    out = out.sort_values(
        ["relevancy", "title_text", "position"],
        ascending=[False, True, True],
        na_position="last",
        kind="stable",
    )
    return out.reset_index(drop=True)


def _month_span(key: str) -> tuple[dt.date, dt.date] | None:
    try:
        year, month = (int(part) for part in key.split("-"))
        last = calendar.monthrange(year, month)[1]
        return dt.date(year, month, 1), dt.date(year, month, last)
    except ValueError:
        return None


def _quarter_span(key: str) -> tuple[dt.date, dt.date] | None:
    try:
        year_text, quarter_text = key.upper().split("Q")
        year, quarter = int(year_text), int(quarter_text)
        if not 1 <= quarter <= 4:
            return None
        first, last = 3 * quarter - 2, 3 * quarter
        return dt.date(year, first, 1), dt.date(year, last, calendar.monthrange(year, last)[1])
    except ValueError:
        return None


def _column_span(col_dim: str, col_key: str) -> tuple[dt.date, dt.date] | None:
    """The first and last day of a month or quarter column (None: not a date column,
    or a malformed key)."""
    if col_dim == "month":
        return _month_span(col_key)
    if col_dim == "quarter":
        return _quarter_span(col_key)
    return None


def cell_filter_changes(
    row_dim: str, row_key: str, col_dim: str, col_key: str
) -> dict[str, object]:
    """``FilterState.with_changes`` arguments that narrow the dashboard to one cell.

    Documents are not a filter, so a document row contributes nothing; a
    malformed month or quarter key contributes nothing rather than a wrong range.
    """
    check_dimensions(row_dim, col_dim)
    changes: dict[str, object] = {}
    list_fields = {"theme": "themes", "keyword": "keywords", "category": "categories"}
    # a broadest concept's cell is that concept with everything below it
    list_fields |= {"type": "types", "theme_top": "themes", "keyword_top": "keywords"}
    if row_dim in list_fields:
        changes[list_fields[row_dim]] = (row_key,)
    if col_dim == "section":
        changes["sections"] = (col_key,)
    elif col_dim == "category":
        previous = (row_key,) if row_dim == "category" else ()
        changes["categories"] = tuple(dict.fromkeys((*previous, col_key)))
    else:
        span = _column_span(col_dim, col_key)
        if span is not None:
            changes["date_from"], changes["date_to"] = span
    return changes


#: Concept row dimensions, and whether their rows include narrower concepts.
_CONCEPT_ROWS = {"theme": False, "keyword": False, "theme_top": True, "keyword_top": True}


def cell_filters(
    state: FilterState, row_dim: str, row_key: str, col_dim: str, col_key: str
) -> FilterState:
    """``state`` narrowed to one cell: what "Filter everything to this cell" applies.

    The cell's theme, keyword, category, type or section replaces that filter
    (each filter keeps documents with *any* of its values, so adding the
    cell's value to it would widen the view instead); its month or quarter
    is intersected with the dates already set. A concept row also sets
    whether narrower concepts count, so the filtered view holds exactly the
    cell's entries.
    """
    changes = cell_filter_changes(row_dim, row_key, col_dim, col_key)
    if not state.raw and row_dim in _CONCEPT_ROWS:
        # a concept's row counts that concept alone; a broadest concept's row
        # counts it with everything below it: the filter must select the same
        changes["narrower"] = _CONCEPT_ROWS[row_dim]
    span = _column_span(col_dim, col_key)
    if span is not None:
        start, end = span
        if state.date_from and state.date_from > start:
            changes["date_from"] = state.date_from
        if state.date_to and state.date_to < end:
            changes["date_to"] = state.date_to
    return state.with_changes(**changes)
