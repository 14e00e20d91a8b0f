"""Display tables built from a view: signals with their documents, documents with counts,
signals per month.

Tables carry everything an export needs (the whole signal: description,
change, 10-year outcome, driving force); pages choose which columns to show.
Under a text search, rows come best match first and say where they matched.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from loaders.schema import SIGNALS

from .explore import Explorer, View
from .search import DOCUMENT_FIELDS, ENTRY_FIELDS
from .search_hits import MAX_MARKED_ROWS, match_columns

SIGNAL_COLUMNS = [
    "name",
    "relevancy",
    "seen_in",
    "first_seen",
    "title",
    "page_date",
    "themes",
    "description",
    "change",
    "ten_year",
    "driving_force",
    "doc_id",
    "position",
]
#: Added to a table when the view has a text search (on its best matches).
MATCH_COLUMNS = ["matched_in", "match"]


def doc_themes(explorer: Explorer) -> np.ndarray:
    """Per document row: its themes (their concepts' labels, each once, in the
    document's order) as one comma-separated string (computed once)."""

    def compute() -> np.ndarray:
        facet = explorer.facets["themes"]
        labels = np.array([facet.label(str(i)) for i in facet.ids], dtype=object)
        per_doc: dict[int, dict[str, None]] = {}
        for row, code in zip(facet.doc_rows.tolist(), facet.codes.tolist(), strict=True):
            per_doc.setdefault(row, {})[labels[code]] = None
        text = np.full(len(explorer.documents), "", dtype=object)
        for row, names in per_doc.items():
            text[row] = ", ".join(names)
        return text

    return explorer.memo("tables.doc_themes", compute)


def _text(series: pd.Series) -> np.ndarray:
    """Plain object strings (missing ones show as "—" on screen, empty in a CSV)."""
    return series.astype(object).to_numpy()


def _with_matches(
    table: pd.DataFrame, fields: list[dict[str, str]], order: tuple[str, ...]
) -> pd.DataFrame:
    """Add ``matched_in``/``match`` to the first ``len(fields)`` rows (blank below)."""
    found = match_columns(fields, order)
    blank = [""] * (len(table) - len(found))
    table["matched_in"] = found["matched_in"].tolist() + blank
    table["match"] = found["match"].tolist() + blank
    return table


def _order(explorer: Explorer, view: View) -> np.ndarray:
    """Positions of the view's signals in table order: best match first under a search,
    then most relevant, then most recent (unrated and undated last)."""
    signals = view.signals
    relevancy = signals["relevancy"].to_numpy(dtype=float)
    dates = explorer.documents["page_date"].to_numpy()[signals["doc_row"].to_numpy()]
    keys = [
        np.where(
            np.isnat(dates), np.iinfo(np.int64).max, -dates.astype("datetime64[ns]").view(np.int64)
        ),
        np.where(np.isnan(relevancy), np.inf, -relevancy),
    ]
    if view.search is not None:
        scores = view.search.entry_score[signals.index.to_numpy()]
        keys.append(np.where(np.isnan(scores), np.inf, scores))
    return np.lexsort(keys)


def signals_table(explorer: Explorer, view: View, limit: int | None = None) -> pd.DataFrame:
    """Signals of the view with their document's title, date and themes.

    Most relevant first, then most recent; under a search, best match first.
    ``limit`` keeps the first rows only, and builds only them (the Overview's ten
    of 55,000).
    """
    order = _order(explorer, view)
    if limit is not None:
        order = order[:limit]
    signals = view.signals.iloc[order]
    rows = signals["doc_row"].to_numpy()
    docs = explorer.documents
    table = pd.DataFrame(
        {
            "name": signals["name"].astype(object).fillna("(no name)").to_numpy(),
            "relevancy": signals["relevancy"].to_numpy(),
            "title": docs["title_text"].to_numpy()[rows],
            "page_date": docs["page_date"].to_numpy()[rows],
            "themes": doc_themes(explorer)[rows],
            "seen_in": signals["seen_in"].fillna(1).astype(np.int64).to_numpy(),
            "first_seen": signals["first_seen"].to_numpy(),
            "description": _text(signals["description"]),
            "change": _text(signals["change"]),
            "ten_year": _text(signals["ten_year"]),
            "driving_force": _text(signals["driving_force"]),
            "doc_id": signals["doc_id"].astype(str).to_numpy(),
            "position": signals["position"].to_numpy(),
            "_entry": signals.index.to_numpy(),
        }
    )
    hits = view.search
    if hits is None:
        return table[SIGNAL_COLUMNS]
    top = table["_entry"].to_numpy()[:MAX_MARKED_ROWS]
    table = _with_matches(table, hits.entry_fields(top), ENTRY_FIELDS)
    return table[SIGNAL_COLUMNS + MATCH_COLUMNS]


def documents_table(explorer: Explorer, view: View) -> pd.DataFrame:
    """Documents of the view with their number of signals and other entries.

    Newest first; under a search, best match first (its title or summary, or
    its best matching entry).
    """
    docs = view.documents
    doc_rows = docs["doc_row"].to_numpy()
    entries = view.entries
    is_signal = (entries["section"] == SIGNALS).to_numpy()
    entry_rows = entries["doc_row"].to_numpy()
    size = len(explorer.documents)
    signals = np.bincount(entry_rows[is_signal], minlength=size)[doc_rows]
    others = np.bincount(entry_rows[~is_signal], minlength=size)[doc_rows]
    table = pd.DataFrame(
        {
            "title": docs["title_text"].to_numpy(),
            "page_date": docs["page_date"].to_numpy(),
            "category": _text(docs["category"]),
            "doc_type": _text(docs["doc_type"]),
            "signals": signals,
            "other_entries": others,
            "themes": doc_themes(explorer)[doc_rows],
            "doc_id": docs["doc_id"].astype(str).to_numpy(),
            "path": docs["path"].astype(str).to_numpy(),
            "_row": doc_rows,
        }
    )
    hits = view.search
    if hits is None:
        table = table.sort_values("page_date", ascending=False, na_position="last", kind="stable")
        return table.reset_index(drop=True).drop(columns="_row")
    best = np.full(size, np.inf)
    scores = hits.entry_score[entries.index.to_numpy()]
    np.minimum.at(best, entry_rows, np.where(np.isnan(scores), np.inf, scores))
    own = np.where(np.isnan(hits.doc_score), np.inf, hits.doc_score)
    table["_score"] = np.minimum(best, own)[doc_rows]
    table = table.sort_values(
        ["_score", "page_date"], ascending=[True, False], na_position="last", kind="stable"
    ).reset_index(drop=True)
    top = table["_row"].to_numpy()[:MAX_MARKED_ROWS]
    fields = hits.doc_fields(top)
    with_entries = set(entry_rows[~np.isnan(scores)].tolist())
    for row, marked in zip(top, fields, strict=True):
        if row in with_entries:
            marked["entries"] = ""
    table = _with_matches(table, fields, (*DOCUMENT_FIELDS, "entries"))
    return table.drop(columns=["_row", "_score"])


@dataclass(frozen=True)
class Timeline:
    """Signals per month to draw, and what was left out because it is dated in the future."""

    months: pd.DataFrame  # month ("YYYY-MM"), signals; every month of the span, zeros too
    future_signals: int  # signals of documents dated after this month


def signals_per_month(explorer: Explorer, view: View, today: dt.date | None = None) -> Timeline:
    """Signals per month of the view, up to ``today``'s month.

    A few digests carry page dates in the future (kept, with a warning in
    Data health); drawing them would stretch the axis to an empty decade, so
    they are counted in ``future_signals`` instead.
    """
    this_month = pd.Timestamp(today or dt.date.today()).strftime("%Y-%m")
    months = explorer.documents["month"].to_numpy()[view.signals["doc_row"].to_numpy()]
    counts = pd.Series(months, dtype=object).dropna().value_counts()
    future = int(counts[counts.index > this_month].sum()) if len(counts) else 0
    counts = counts[counts.index <= this_month] if len(counts) else counts
    if counts.empty:
        empty = pd.DataFrame({"month": pd.Series([], dtype=object), "signals": []})
        return Timeline(empty.astype({"signals": np.int64}), future)
    span = pd.period_range(min(counts.index), max(counts.index), freq="M").astype(str)
    counts = counts.reindex(span, fill_value=0)
    frame = pd.DataFrame({"month": list(counts.index), "signals": counts.to_numpy(np.int64)})
    return Timeline(frame, future)


@dataclass(frozen=True)
class Headline:
    """The Overview's headline figures."""

    documents: int
    signals: int
    other_entries: int
    first: pd.Timestamp | None
    last: pd.Timestamp | None
    themes: int  # distinct themes among the view's documents


def headline(explorer: Explorer, view: View) -> Headline:
    dates = view.documents["page_date"].dropna()
    in_view = np.zeros(len(explorer.documents), dtype=bool)
    in_view[view.documents["doc_row"].to_numpy()] = True
    _docs, themes = explorer.facets["themes"].pairs(in_view)
    signals = len(view.signals)
    return Headline(
        documents=len(view.documents),
        signals=signals,
        other_entries=len(view.entries) - signals,
        first=dates.min() if len(dates) else None,
        last=dates.max() if len(dates) else None,
        themes=len(np.unique(themes)),
    )


def titles_containing(table: pd.DataFrame, text: str) -> pd.DataFrame:
    """Rows whose title holds ``text`` (case-insensitive, as typed; all rows when empty)."""
    text = text.strip()
    if not text:
        return table
    return table[table["title"].astype(str).str.contains(text, case=False, regex=False)]
