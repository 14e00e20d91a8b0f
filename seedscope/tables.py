"""Display tables built from a view: signals with their documents, documents with counts."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .explore import Explorer, View

SIGNAL_COLUMNS = ["name", "relevancy", "title", "page_date", "themes", "doc_id", "position"]


def doc_themes(explorer: Explorer) -> np.ndarray:
    """Per document row: its themes as one comma-separated string (cached per corpus)."""

    def compute() -> np.ndarray:
        themes = explorer.tags[explorer.tags["list"] == "Themes"]
        joined = themes.groupby("doc_row")["value"].agg(lambda v: ", ".join(map(str, v)))
        text = np.full(len(explorer.documents), "", dtype=object)
        text[joined.index.to_numpy()] = joined.to_numpy()
        return text

    return explorer.memo("tables.doc_themes", compute)


def signals_table(explorer: Explorer, view: View) -> pd.DataFrame:
    """Signals of the view with their document's title, date and themes.

    Sorted most relevant first, then most recent.
    """
    signals = view.signals
    rows = signals["doc_row"].to_numpy()
    docs = explorer.documents
    table = pd.DataFrame(
        {
            "name": signals["name"].astype(object).fillna("(no name)").to_numpy(),
            "relevancy": signals["relevancy"].to_numpy(),
            "title": docs["title_text"].to_numpy()[rows],
            "page_date": docs["page_date"].to_numpy()[rows],
            "themes": doc_themes(explorer)[rows],
            "doc_id": signals["doc_id"].astype(str).to_numpy(),
            "position": signals["position"].to_numpy(),
        }
    )
    return table.sort_values(
        ["relevancy", "page_date"], ascending=[False, False], na_position="last", kind="stable"
    ).reset_index(drop=True)


def documents_table(explorer: Explorer, view: View) -> pd.DataFrame:
    """Documents of the view with their number of signals and other entries."""
    docs = view.documents
    counts = view.entries.groupby(["doc_row", view.entries["section"] == "Signals"]).size()
    counts = counts.unstack(fill_value=0) if len(counts) else pd.DataFrame()
    signals = counts.get(True, pd.Series(dtype=int)).reindex(docs["doc_row"]).fillna(0).astype(int)
    others = counts.get(False, pd.Series(dtype=int)).reindex(docs["doc_row"]).fillna(0).astype(int)
    table = pd.DataFrame(
        {
            "title": docs["title_text"].to_numpy(),
            "page_date": docs["page_date"].to_numpy(),
            "category": docs["category"].astype(object).to_numpy(),
            "doc_type": docs["doc_type"].astype(object).to_numpy(),
            "signals": signals.to_numpy(),
            "other_entries": others.to_numpy(),
            "themes": doc_themes(explorer)[docs["doc_row"].to_numpy()],
            "doc_id": docs["doc_id"].astype(str).to_numpy(),
            "path": docs["path"].astype(str).to_numpy(),
        }
    )
    return table.sort_values(
        "page_date", ascending=False, na_position="last", kind="stable"
    ).reset_index(drop=True)


def signals_per_month(explorer: Explorer, view: View) -> pd.DataFrame:
    """month (YYYY-MM) and signals count, chronological, months without signals included."""
    months = explorer.documents["month"].to_numpy()[view.signals["doc_row"].to_numpy()]
    series = pd.Series(months).dropna().value_counts()
    if series.empty:
        return pd.DataFrame({"month": [], "signals": []})
    index = pd.period_range(min(series.index), max(series.index), freq="M").astype(str)
    series = series.reindex(index, fill_value=0)
    return pd.DataFrame({"month": series.index, "signals": series.to_numpy()})
