"""Emerging and weak signals: what appeared recently, in several documents or in one.

A signal *cluster* (see :func:`seedscope.grouping.signal_clusters`) is "the
same signal" reported by one or more documents. Its *first sighting* is the
earliest page date among its documents (future dates ignored), over the
whole corpus, whatever the filters: a signal first reported two years ago is
not emerging because today's filters hide that report. The filters decide
which signals are *listed*.

* **Emerging**: clusters first seen inside the momentum window and already
  reported by at least two documents.
* **Weak**: signals seen once (their cluster has one document), inside the
  window, rated relevancy 4 or more.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np
import pandas as pd

from .explore import Explorer, View
from .grouping import signal_clusters
from .trends import Window

EMERGING_MIN_DOCS = 2
WEAK_MIN_RELEVANCY = 4.0
COLUMNS = [
    "name",
    "documents",
    "first_seen",
    "relevancy",
    "title",
    "page_date",
    "doc_id",
    "position",
]


def _cluster_of_entry(explorer: Explorer) -> np.ndarray:
    """Cluster code per row of ``explorer.entries`` (-1 for other sections)."""

    def compute() -> np.ndarray:
        clusters = signal_clusters(explorer)
        out = np.full(len(explorer.entries), -1, dtype=np.int64)
        out[clusters["entry"].to_numpy()] = clusters["cluster"].to_numpy()
        return out

    return explorer.memo("emerging.entry_cluster", compute)


def cluster_facts(explorer: Explorer, today: dt.date) -> pd.DataFrame:
    """Per cluster code: ``documents`` reporting it and its ``first_seen`` page date."""

    def compute() -> pd.DataFrame:
        clusters = signal_clusters(explorer)
        n = int(clusters["cluster"].max()) + 1 if len(clusters) else 0
        pairs = clusters[["cluster", "doc_row"]].drop_duplicates()
        documents = np.bincount(pairs["cluster"].to_numpy(), minlength=n)
        dates = explorer.documents["page_date"].to_numpy()[pairs["doc_row"].to_numpy()]
        dated = pd.Series(dates, index=pairs["cluster"].to_numpy())
        dated = dated[dated.notna() & (dated <= pd.Timestamp(today))]
        first = dated.groupby(level=0).min().reindex(np.arange(n))
        return pd.DataFrame({"documents": documents, "first_seen": first.to_numpy()})

    return explorer.memo(f"emerging.facts.{today.isoformat()}", compute)


def _view_signals(
    explorer: Explorer, view: View, today: dt.date, keep: Callable[[pd.DataFrame], np.ndarray]
) -> pd.DataFrame:
    """The view's signals with their cluster facts, only the rows ``keep`` selects.

    ``keep`` sees a cheap frame (``cluster``, ``documents``, ``first_seen``,
    ``page_date``, ``relevancy``) so the text columns are gathered for the
    few rows kept, not for every signal of a large corpus.
    """
    signals = view.signals
    cluster = _cluster_of_entry(explorer)[signals.index.to_numpy(dtype=np.int64)]
    facts = cluster_facts(explorer, today)
    docs = explorer.documents
    rows = signals["doc_row"].to_numpy()
    cheap = pd.DataFrame(
        {
            "cluster": cluster,
            "documents": facts["documents"].to_numpy()[cluster],
            "first_seen": pd.to_datetime(facts["first_seen"].to_numpy()[cluster]),
            "page_date": docs["page_date"].to_numpy()[rows],
            "relevancy": signals["relevancy"].to_numpy(dtype=float),
        }
    )
    chosen = np.flatnonzero(keep(cheap))
    picked = signals.iloc[chosen]
    rows = rows[chosen]
    out = cheap.iloc[chosen].reset_index(drop=True)
    out["name"] = picked["name"].astype(object).fillna("(no name)").to_numpy()
    out["title"] = docs["title_text"].to_numpy()[rows]
    out["doc_id"] = picked["doc_id"].astype(str).to_numpy()
    out["position"] = picked["position"].to_numpy(dtype=np.int64)
    return out


def _in_window(dates: pd.Series, window: Window) -> pd.Series:
    return dates.notna() & (dates >= window.start) & (dates < window.end)


def emerging_signals(
    explorer: Explorer,
    view: View,
    window: Window | None,
    *,
    today: dt.date | None = None,
    min_docs: int = EMERGING_MIN_DOCS,
) -> pd.DataFrame:
    """One row per emerging cluster with a signal in the view, most reported first.

    The row shows the cluster's most relevant signal in the view (the one
    its drill-down opens), how many documents report the cluster and when
    it was first seen.
    """
    if window is None or view.signals.empty:
        return pd.DataFrame(columns=COLUMNS)
    table = _view_signals(
        explorer,
        view,
        today or dt.date.today(),
        lambda t: (_in_window(t["first_seen"], window) & (t["documents"] >= min_docs)).to_numpy(),
    )
    table = table.sort_values(
        ["documents", "relevancy", "page_date", "doc_id", "position"],
        ascending=[False, False, True, True, True],
        na_position="last",
        kind="stable",
    )
    return table.drop_duplicates("cluster")[COLUMNS].reset_index(drop=True)


def weak_signals(
    explorer: Explorer,
    view: View,
    window: Window | None,
    *,
    today: dt.date | None = None,
    min_relevancy: float = WEAK_MIN_RELEVANCY,
) -> pd.DataFrame:
    """Signals of the view seen in one document only, inside the window, relevancy ≥ 4."""
    if window is None or view.signals.empty:
        return pd.DataFrame(columns=COLUMNS)
    table = _view_signals(
        explorer,
        view,
        today or dt.date.today(),
        lambda t: (
            _in_window(t["page_date"], window)
            & (t["documents"] == 1)
            & (t["relevancy"] >= min_relevancy)
        ).to_numpy(),
    )
    table = table.sort_values(
        ["relevancy", "page_date", "doc_id", "position"],
        ascending=[False, False, True, True],
        kind="stable",
    )
    return table[COLUMNS].reset_index(drop=True)
