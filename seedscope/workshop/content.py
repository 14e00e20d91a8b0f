"""Slides from the corpus: a signal's words for the room, and the deck's own view.

The only workshop module that reads the corpus (through an
:class:`~seedscope.explore.Explorer`); the store and the room server work
from the copies made here.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from loaders.schema import SIGNALS
from seedscope.explore import Explorer, View
from seedscope.filters import FilterState, SignalRef
from seedscope.fmt import as_number, cell_text, fmt_date

from .models import Signal, SlideText


def slide_text(explorer: Explorer, doc_id: str, position: int) -> SlideText | None:
    """A signal's words as the room sees them; None when the corpus lacks it."""
    entries = explorer.doc_entries(doc_id)
    match = entries[(entries["section"] == SIGNALS) & (entries["position"] == position)]
    document = explorer.document(doc_id)
    if match.empty or document is None:
        return None
    row = match.iloc[0]
    relevancy = row["relevancy"]
    return SlideText(
        name=cell_text(row["name"]) or "(no name)",
        description=cell_text(row["description"]),
        change=cell_text(row["change"]),
        ten_year=cell_text(row["ten_year"]),
        driving_force=cell_text(row["driving_force"]),
        relevancy=as_number(relevancy),
        source=cell_text(document["title_text"]),
        page_date=None if pd.isna(document["page_date"]) else fmt_date(document["page_date"]),
    )


def missing_slide(signal: Signal) -> SlideText:
    """What the room sees of a deck signal the corpus no longer has."""
    return SlideText(name=f"{SignalRef(*signal)} (not in this corpus)")


def slide_texts(explorer: Explorer, signals: Iterable[Signal]) -> dict[Signal, SlideText]:
    """Every signal's words, with a placeholder for one the corpus lacks."""
    return {signal: slide_text(explorer, *signal) or missing_slide(signal) for signal in signals}


def deck_view(explorer: Explorer, signals: Iterable[Signal]) -> View:
    """The deck's documents and all their rows, unfiltered: the opening slide's heatmap."""
    doc_ids = {doc_id for doc_id, _ in signals}

    def of_deck(frame: pd.DataFrame) -> pd.DataFrame:
        return frame[frame["doc_id"].isin(doc_ids).to_numpy()]

    return View(
        FilterState(),
        of_deck(explorer.documents),
        of_deck(explorer.entries),
        of_deck(explorer.tags),
        {},
    )
