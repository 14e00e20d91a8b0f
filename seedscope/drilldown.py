"""One signal with everything around it: its document, tags and sibling entries."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from loaders.schema import SIGNALS

from .explore import Explorer


@dataclass(frozen=True)
class SignalDetail:
    doc_id: str
    position: int
    entry: pd.Series  # name, description, change, ten_year, driving_force, relevancy, extra
    document: pd.Series  # the documents row (title_text, page_date, summary, urls ...)
    keywords: list[str]  # the concepts of its keywords (their labels), each once
    themes: list[str]  # the concepts of its themes (their labels), each once
    other_signals: pd.DataFrame  # the document's other signals (position, name, relevancy)
    other_entries: pd.DataFrame  # the document's concerns, behaviors, technologies, issues …
    #: the same signal reported by other documents (doc_id, position, name, title, page_date),
    #: oldest first; ``seen_in`` counts the documents, this one included
    same_signal: pd.DataFrame = field(default_factory=pd.DataFrame)
    seen_in: int = 1
    first_seen: pd.Timestamp | None = None


def signal_detail(explorer: Explorer, doc_id: str, position: int) -> SignalDetail | None:
    """The drill-down of the signal at (doc_id, Signals, position); None if there is none."""
    document = explorer.document(doc_id)
    if document is None:
        return None
    entries = explorer.doc_entries(doc_id)
    is_signal = (entries["section"] == SIGNALS).to_numpy()
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
    entry = match.iloc[0]
    seen_in = entry.get("seen_in")
    first_seen = entry.get("first_seen")
    return SignalDetail(
        doc_id=doc_id,
        position=position,
        entry=entry,
        document=document,
        keywords=_concept_labels(explorer, tags, "Keywords"),
        themes=_concept_labels(explorer, tags, "Themes"),
        other_signals=signals[signals["position"] != position][["position", "name", "relevancy"]],
        other_entries=others.reset_index(drop=True),
        same_signal=_same_signal(explorer, entry),
        seen_in=int(seen_in) if isinstance(seen_in, float | int) and seen_in == seen_in else 1,
        first_seen=None if pd.isna(first_seen) else pd.Timestamp(first_seen),
    )


def _concept_labels(explorer: Explorer, tags: pd.DataFrame, list_name: str) -> list[str]:
    """A document's themes (or keywords) as the concepts they belong to, each once."""
    rows = tags[tags["list"] == list_name]
    concepts = explorer.concepts
    labels: dict[str, None] = {}
    for value, norm in zip(rows["value"].astype(str), rows["value_norm"].astype(str), strict=True):
        concept = concepts.by_value.get((list_name, norm)) if concepts is not None else None
        labels.setdefault(concepts.label(concept) if concepts and concept else value, None)
    return list(labels)


SAME_SIGNAL_COLUMNS = ["doc_id", "position", "name", "title", "page_date"]


def _same_signal(explorer: Explorer, entry: pd.Series) -> pd.DataFrame:
    """The other signals of ``entry``'s cluster (other documents reporting it), oldest first."""
    cluster = entry.get("cluster")
    entries = explorer.entries
    if not isinstance(cluster, str):
        return pd.DataFrame(columns=SAME_SIGNAL_COLUMNS)
    members = entries[(entries["cluster"] == cluster).to_numpy(dtype=bool)]
    members = members[
        ~(
            (members["doc_id"].astype(str) == str(entry["doc_id"]))
            & (members["position"] == entry["position"])
        )
    ]
    docs = explorer.documents
    rows = members["doc_row"].to_numpy()
    table = pd.DataFrame(
        {
            "doc_id": members["doc_id"].astype(str).to_numpy(),
            "position": members["position"].to_numpy(),
            "name": members["name"].astype(object).to_numpy(),
            "title": docs["title_text"].to_numpy()[rows],
            "page_date": docs["page_date"].to_numpy()[rows],
        }
    )
    return table.sort_values(["page_date", "doc_id"], na_position="last").reset_index(drop=True)
