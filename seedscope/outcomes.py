"""Where signals lead: 10-year outcomes by theme, and driving force → signal → outcome flows.

Signals carry a ``ten_year`` outcome and a ``driving_force``; these helpers
turn the filtered signals into the two reading aids of the outcomes page: a
list of outcomes grouped by the themes of their documents, and the links of a
three-layer Sankey diagram. Pure pandas, no streamlit, no plotly.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .explore import Explorer, View
from .heatmap import category_codes

#: Separates a Sankey node's layer from its text ("d␟Cheap energy"): the same
#: text may be a driving force and an outcome, and must then be two nodes.
LAYER_SEPARATOR = "\x1f"
#: Layer markers, left to right.
LAYERS = ("driving_force", "signal", "ten_year")

OUTCOME_COLUMNS = ["theme", "doc_id", "position", "name", "ten_year", "relevancy", "title"]
LINK_COLUMNS = ["source", "target", "value"]


def node_label(node: str) -> str:
    """A Sankey node's text without its layer marker (what people should read)."""
    return node.split(LAYER_SEPARATOR, 1)[-1]


def node_layer(node: str) -> str | None:
    """The layer a Sankey node belongs to, or None for a node without a marker."""
    layer, separator, _ = node.partition(LAYER_SEPARATOR)
    return layer if separator else None


def _text(series: pd.Series) -> pd.Series:
    """Plain object strings with whitespace collapsed; empty cells become NaN.

    Call it on small frames only (one Python call per cell): categoricals are
    converted here so identical texts compare equal however they were stored.
    """
    values = series.astype(object)
    cleaned = values.map(lambda v: " ".join(str(v).split()) if isinstance(v, str) else v)
    return cleaned.where(cleaned.map(lambda v: isinstance(v, str) and v != ""), np.nan)


def _present(series: pd.Series) -> np.ndarray:
    """Which cells hold some text (not null, not just whitespace), vectorised.

    For a categorical the test runs once per distinct value, which keeps it
    fast on the 55,000 signals of a large corpus.
    """
    if isinstance(series.dtype, pd.CategoricalDtype):
        categories = series.cat.categories
        if not len(categories):
            return np.zeros(len(series), dtype=bool)
        filled = np.asarray(categories.astype(str).str.strip().str.len() > 0, dtype=bool)
        codes = series.cat.codes.to_numpy()
        return (codes >= 0) & filled[np.maximum(codes, 0)]
    text = series.astype(object)
    return (text.notna() & (text.astype(str).str.strip().str.len() > 0)).to_numpy(dtype=bool)


def _theme_pairs(view: View) -> tuple[np.ndarray, np.ndarray, pd.Index]:
    """Distinct (doc_row, theme code) pairs of the view's documents and the theme names."""
    tags = view.tags
    themes = tags[(tags["list"] == "Themes").to_numpy()]
    codes, names = category_codes(themes["value_norm"])
    doc_rows = themes["doc_row"].to_numpy(dtype=np.int64)
    keep = codes >= 0
    if len(names):
        blank = np.asarray(pd.Index(names).astype(str).str.strip() == "", dtype=bool)
        keep &= ~blank[np.maximum(codes, 0)]
    width = max(len(names), 1)
    unique = np.unique(doc_rows[keep] * width + codes[keep])
    return unique // width, unique % width, pd.Index(names)


def outcomes_by_theme(
    explorer: Explorer, view: View, top_themes: int = 10, per_theme: int = 20
) -> pd.DataFrame:
    """The 10-year outcomes of the view's signals, grouped under their documents' themes.

    A signal appears under every theme of its document. Themes come in order
    of how many outcomes they hold (ties alphabetically), at most
    ``top_themes`` of them; within a theme the most relevant signals come
    first (unrated last, then by document title and position), at most
    ``per_theme``. Texts are read only for the rows kept, so this stays fast
    on a large corpus.
    """
    empty = pd.DataFrame(columns=OUTCOME_COLUMNS)
    signals = view.signals
    if signals.empty or top_themes <= 0 or per_theme <= 0:
        return empty
    signals = signals[_present(signals["ten_year"])]
    pair_doc, pair_theme, names = _theme_pairs(view)
    if signals.empty or not len(pair_doc):
        return empty
    # join signals to their documents' themes with integers only
    joined = pd.DataFrame(
        {"signal": np.arange(len(signals)), "doc_row": signals["doc_row"].to_numpy()}
    ).merge(pd.DataFrame({"doc_row": pair_doc, "theme": pair_theme}), on="doc_row")
    if joined.empty:
        return empty
    sizes = np.bincount(joined["theme"].to_numpy(), minlength=len(names))
    present = np.flatnonzero(sizes)
    folded = np.array([str(names[c]).casefold() for c in present], dtype=object)
    kept = present[np.lexsort((folded, -sizes[present]))][:top_themes]
    rank = np.full(len(names), -1, dtype=np.int64)
    rank[kept] = np.arange(len(kept))
    joined["theme_rank"] = rank[joined["theme"].to_numpy()]
    joined = joined[joined["theme_rank"] >= 0]
    rows = joined["signal"].to_numpy()
    joined = joined.assign(
        relevancy=signals["relevancy"].to_numpy(dtype=float)[rows],
        position=signals["position"].to_numpy()[rows],
        title=explorer.documents["title_text"].to_numpy()[joined["doc_row"].to_numpy()],
    )
    joined = joined.sort_values(
        ["theme_rank", "relevancy", "title", "position"],
        ascending=[True, False, True, True],
        na_position="last",
        kind="stable",
    )
    joined = joined.groupby("theme_rank", sort=False).head(per_theme)
    picked = signals.iloc[joined["signal"].to_numpy()]
    return pd.DataFrame(
        {
            "theme": [str(names[c]) for c in joined["theme"]],
            "doc_id": picked["doc_id"].astype(object).to_numpy(),
            "position": joined["position"].to_numpy(),
            "name": _text(picked["name"]).to_numpy(),
            "ten_year": _text(picked["ten_year"]).to_numpy(),
            "relevancy": joined["relevancy"].to_numpy(),
            "title": joined["title"].to_numpy(),
        },
        columns=OUTCOME_COLUMNS,
    )


def sankey_links(signals: pd.DataFrame, limit: int = 25) -> pd.DataFrame:
    """Links driving force → signal → 10-year outcome for the ``limit`` most relevant signals.

    Only signals with both a driving force and an outcome take part (a flow
    with a missing end says nothing). Identical texts (after collapsing
    whitespace) are one node, so shared driving forces and converging outcomes
    show as merging flows; each link's value is the number of signals along
    it. Node names carry a layer marker (see :func:`node_label`) so that the
    same text in two layers stays two nodes.
    """
    empty = pd.DataFrame({"source": [], "target": [], "value": []}).astype(
        {"source": object, "target": object, "value": np.int64}
    )
    needed = {"driving_force", "ten_year"}
    if signals.empty or limit <= 0 or not needed <= set(signals.columns):
        return empty
    complete = _present(signals["driving_force"]) & _present(signals["ten_year"])
    signals = signals[complete]
    if signals.empty:
        return empty
    if "relevancy" in signals.columns:
        relevancy = pd.Series(signals["relevancy"].to_numpy(dtype=float))
        order = relevancy.sort_values(ascending=False, na_position="last", kind="stable").index
        signals = signals.iloc[order.to_numpy()[:limit]]
    else:
        signals = signals.iloc[:limit]
    frame = pd.DataFrame(
        {
            "force": _text(signals["driving_force"]).to_numpy(),
            "outcome": _text(signals["ten_year"]).to_numpy(),
            "name": (
                _text(signals["name"]).fillna("(unnamed signal)").to_numpy()
                if "name" in signals.columns
                else np.full(len(signals), "(unnamed signal)", dtype=object)
            ),
        }
    )
    force, signal, outcome = (f"{layer}{LAYER_SEPARATOR}" for layer in LAYERS)
    links = pd.concat(
        [
            pd.DataFrame({"source": force + frame["force"], "target": signal + frame["name"]}),
            pd.DataFrame({"source": signal + frame["name"], "target": outcome + frame["outcome"]}),
        ],
        ignore_index=True,
    )
    links = links.groupby(["source", "target"], sort=False).size().reset_index(name="value")
    return links.astype({"source": object, "target": object, "value": np.int64})
