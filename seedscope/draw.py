"""Draw cards: N signals at random under the current filters, reproducible from a seed.

Workshop facilitators use a random draw to start ideation (the corpus's own
site has a tarot-like one). The draw must be the same for everyone who opens
the same link, so it depends only on the seed and on *which* signals the
filters select — never on the order rows happen to be in — and a new seed is
a new draw.
"""

from __future__ import annotations

import secrets

import numpy as np
import pandas as pd

from loaders.schema import ENTRY_TEXT_COLUMNS

from .explore import Explorer, View

DEFAULT_CARDS = 5
MAX_CARDS = 12
#: Seeds are short decimal numbers: easy to read out, to type and to put in a URL.
MAX_SEED = 10**9
CARD_COLUMNS = [*ENTRY_TEXT_COLUMNS, "relevancy", "title", "page_date", "doc_id", "position"]


def new_seed() -> int:
    return secrets.randbelow(MAX_SEED - 1) + 1


def parse_seed(text: object) -> int | None:
    """A seed from the URL: 1 to 9 digits, else None (so a new one is drawn)."""
    if isinstance(text, int) and not isinstance(text, bool):
        return text if 0 < text < MAX_SEED else None
    if not isinstance(text, str):
        return None
    text = text.strip()
    if not text.isdigit() or not text.isascii() or len(text) > 9:
        return None
    value = int(text)
    return value if value > 0 else None


def draw_cards(explorer: Explorer, view: View, count: int, seed: int) -> pd.DataFrame:
    """``count`` distinct signals of the view, the same ones for the same seed and view."""
    signals = view.signals
    count = max(0, min(int(count), MAX_CARDS, len(signals)))
    if not count:
        return pd.DataFrame(columns=CARD_COLUMNS)
    order = np.lexsort(
        (signals["position"].to_numpy(), signals["doc_id"].astype(str).to_numpy(dtype=object))
    )
    rng = np.random.default_rng(seed)
    picked = signals.iloc[order[rng.choice(len(order), size=count, replace=False)]]
    docs = explorer.documents
    rows = picked["doc_row"].to_numpy()
    cards = pd.DataFrame(
        {column: picked[column].astype(object).to_numpy() for column in ENTRY_TEXT_COLUMNS}
    )
    cards["name"] = cards["name"].where(cards["name"].notna(), "(no name)")
    cards["relevancy"] = picked["relevancy"].to_numpy(dtype=float)
    cards["title"] = docs["title_text"].to_numpy()[rows]
    cards["page_date"] = docs["page_date"].to_numpy()[rows]
    cards["doc_id"] = picked["doc_id"].astype(str).to_numpy()
    cards["position"] = picked["position"].to_numpy(dtype=np.int64)
    return cards[CARD_COLUMNS]
