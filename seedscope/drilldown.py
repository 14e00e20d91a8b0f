"""One signal with everything around it: its document, tags and sibling entries."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .explore import Explorer


@dataclass(frozen=True)
class SignalDetail:
    doc_id: str
    position: int
    entry: pd.Series  # name, description, change, ten_year, driving_force, relevancy, extra
    document: pd.Series  # the documents row (title_text, page_date, summary, urls ...)
    keywords: list[str]
    themes: list[str]
    other_signals: pd.DataFrame  # the document's other signals (position, name, relevancy)
    other_entries: pd.DataFrame  # the document's concerns, behaviors, technologies, issues …


def signal_detail(explorer: Explorer, doc_id: str, position: int) -> SignalDetail | None:
    """The drill-down of the signal at (doc_id, Signals, position); None if there is none."""
    document = explorer.document(doc_id)
    if document is None:
        return None
    entries = explorer.doc_entries(doc_id)
    is_signal = (entries["section"] == "Signals").to_numpy()
    signals = entries[is_signal]
    match = signals[signals["position"] == position]
    if match.empty:
        return None
    tags = explorer.doc_tags(doc_id)
    columns = ["section", "position", "name", "description", "relevancy"]
    others = entries[~is_signal][columns].copy()
    order = {name: i for i, name in enumerate(explorer.sections)}
    others["_order"] = others["section"].astype(str).map(order).fillna(len(order))
    others = others.sort_values(["_order", "position"]).drop(columns="_order")
    return SignalDetail(
        doc_id=doc_id,
        position=position,
        entry=match.iloc[0],
        document=document,
        keywords=tags.loc[tags["list"] == "Keywords", "value"].astype(str).tolist(),
        themes=tags.loc[tags["list"] == "Themes", "value"].astype(str).tolist(),
        other_signals=signals[signals["position"] != position][["position", "name", "relevancy"]],
        other_entries=others.reset_index(drop=True),
    )
