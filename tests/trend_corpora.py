"""Hand-built corpora with known trajectories, for the momentum and coverage tests.

``quarterly_corpus`` states per quarter how many documents there are and how
many of them carry each concept, so every share and every label can be
worked out by hand. ``CorpusWithConcepts`` makes a corpus that carries
hand-made ``concepts``/``signal_clusters`` tables, as ``load_corpus`` gives.
"""

from __future__ import annotations

import pandas as pd

from loaders import Corpus
from tests.factories import doc, entry, make_corpus, tags


def CorpusWithConcepts(
    documents: pd.DataFrame,
    entries: pd.DataFrame,
    tags: pd.DataFrame,
    problems: pd.DataFrame,
    *,
    concepts: pd.DataFrame | None = None,
    signal_clusters: pd.DataFrame | None = None,
) -> Corpus:
    """A corpus carrying the given ``concepts``/``signal_clusters`` derived tables."""
    derived = {
        name: table
        for name, table in (("concepts", concepts), ("signal_clusters", signal_clusters))
        if table is not None
    }
    return Corpus(documents, entries, tags, problems, derived=derived)


def quarter_date(quarter: str, day: int = 0) -> str:
    """A day inside ``2024Q3``: the quarter's first day plus ``day`` (kept inside it)."""
    start = pd.Period(quarter, "Q").start_time
    return (start + pd.Timedelta(days=day % 89)).date().isoformat()


def quarterly_corpus(
    totals: dict[str, int],
    concepts: dict[str, dict[str, int]],
    list_name: str = "Themes",
    extra_documents: list[dict[str, object]] | None = None,
) -> Corpus:
    """``totals[q]`` documents in quarter ``q``; concept ``c`` is on ``concepts[c][q]`` of them.

    Every document gets one signal (relevancy 3) so that coverage has entries.
    """
    documents, entries, tag_rows = [], [], []
    for quarter, total in totals.items():
        for i in range(total):
            doc_id = f"{quarter}-{i:04d}"
            day = i * 89 // max(total, 1)  # spread over the quarter
            documents.append(doc(doc_id, f"Document {doc_id}", quarter_date(quarter, day)))
            entries.append(entry(doc_id, "Signals", 0, 3, f"signal of {doc_id}"))
            values = [c for c, per in concepts.items() if i < per.get(quarter, 0)]
            tag_rows.extend(tags(doc_id, list_name, values))
    for extra in extra_documents or []:
        documents.append(extra)
    return make_corpus(documents, entries, tag_rows)


def quarters(first: str, last: str) -> list[str]:
    return [str(p) for p in pd.period_range(pd.Period(first, "Q"), pd.Period(last, "Q"))]
