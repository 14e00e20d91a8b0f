"""Where signals lead: 10-year outcomes by theme, and driving force → signal → outcome flows.

Signals carry a ``ten_year`` outcome and a ``driving_force``; these helpers
turn the filtered signals into the two reading aids of the outcomes page: a
list of outcomes grouped by the themes of their documents, and the links of a
three-layer Sankey diagram. Pure pandas, no streamlit, no plotly.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .explore import Explorer, View

#: Separates a Sankey node's layer from its text ("d␟Cheap energy"): the same
#: text may be a driving force and an outcome, and must then be two nodes.
LAYER_SEPARATOR = "\x1f"
#: Layer markers, left to right.
LAYERS = ("driving_force", "signal", "ten_year")

OUTCOME_COLUMNS = [
    "theme",
    "theme_id",
    "theme_signals",
    "doc_id",
    "position",
    "name",
    "ten_year",
    "relevancy",
    "title",
]
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


def outcomes_by_theme(
    explorer: Explorer, view: View, top_themes: int = 10, per_theme: int = 20
) -> pd.DataFrame:
    """The 10-year outcomes of the view's signals, grouped under their documents' themes.

    A signal appears under every theme of its document. Themes come in order
    of how many outcomes they hold (ties alphabetically), at most
    ``top_themes`` of them; within a theme the most relevant signals come
    first (unrated last, then by document title and position), at most
    ``per_theme``; ``theme_signals`` says how many the theme holds in all.
    Texts are read only for the rows kept, so this stays fast on a large corpus.
    """
    empty = pd.DataFrame(columns=OUTCOME_COLUMNS)
    signals = view.signals
    if signals.empty or top_themes <= 0 or per_theme <= 0:
        return empty
    signals = signals[_present(signals["ten_year"])]
    facet = explorer.facets["themes"]
    in_view = np.zeros(len(explorer.documents), dtype=bool)
    in_view[view.documents["doc_row"].to_numpy()] = True
    pair_doc, pair_theme = facet.pairs(in_view)
    if signals.empty or not len(pair_doc):
        return empty
    # join signals to their documents' themes with integers only
    joined = pd.DataFrame(
        {"signal": np.arange(len(signals)), "doc_row": signals["doc_row"].to_numpy()}
    ).merge(pd.DataFrame({"doc_row": pair_doc, "theme": pair_theme}), on="doc_row")
    if joined.empty:
        return empty
    sizes = np.bincount(joined["theme"].to_numpy(), minlength=len(facet.ids))
    present = np.flatnonzero(sizes)
    folded = np.array([facet.label(facet.ids[c]).casefold() for c in present], dtype=object)
    kept = present[np.lexsort((folded, -sizes[present]))][:top_themes]
    rank = np.full(len(facet.ids), -1, dtype=np.int64)
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
    theme_ids = [str(facet.ids[c]) for c in joined["theme"]]
    return pd.DataFrame(
        {
            "theme": [facet.label(t) for t in theme_ids],
            "theme_id": theme_ids,
            "theme_signals": sizes[joined["theme"].to_numpy()],
            "doc_id": picked["doc_id"].astype(object).to_numpy(),
            "position": joined["position"].to_numpy(),
            "name": _text(picked["name"]).to_numpy(),
            "ten_year": _text(picked["ten_year"]).to_numpy(),
            "relevancy": joined["relevancy"].to_numpy(),
            "title": joined["title"].to_numpy(),
        },
        columns=OUTCOME_COLUMNS,
    )


_WORDS = re.compile(r"[^\W\d_]+")
#: Words that say nothing about what a driving force or an outcome is about.
_STOP_TEXT = (
    "a about above across after again against all almost also although always among an "
    "and any are around as at be because been before being between both but by can could "
    "did do does due during each either else especially even ever every few for from "
    "further had has have having here how however if in into is it its itself just less "
    "like made make makes many may might more most much must no nor not now of off often "
    "on once only or other others our out over own per perhaps rather same several should "
    "since so some such than that the their them then there these they this those through "
    "thus to too toward towards under until up upon us use used using very via was we well "
    "were what when where whether which while who whom whose why will with within without "
    "would year years yet ten "
    # words that head many driving forces and outcomes without saying what about
    "need desire growing growth grow increasing increased increase rising rise demand "
    "pressure shift trend push drive driven driving driver impact potential become lead "
    "leading allow able ability greater better improved improve improving improvement "
    "advance advancement advancing development developing emerging emergence interest "
    "awareness recognition role importance important significant key various way result "
    "change changing continued ongoing new widespread broader wider solution approach "
    "system process practice factor level area aspect issue form part people"
)
_STOP_WORDS = frozenset(_STOP_TEXT.split())


def _stem(word: str) -> str:
    """A light English plural stem, so "technologies" meets "technology"."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _meaningful_stems(text: str, spellings: dict[str, Counter[str]]) -> list[str]:
    """The text's stems that say what it is about, in order (spellings noted)."""
    stems: list[str] = []
    for token in _WORDS.findall(text):
        folded = token.casefold()
        stem = _stem(folded)
        acronym = len(token) >= 2 and token.isupper()
        if folded in _STOP_WORDS or stem in _STOP_WORDS or folded.endswith("ly"):
            continue
        if len(stem) < 3 and not acronym:
            continue
        spellings.setdefault(stem, Counter())[token] += 1
        if stem not in stems:
            stems.append(stem)
    return stems


def wording_groups(texts: list[str]) -> list[str]:
    """A group label per text, so that texts about the same thing share a label.

    Identical texts (ignoring case and spacing) always share one. Beyond
    that, each text joins the group of its most widespread meaningful word
    (the word, stemmed, found in the most distinct texts: "advancements in
    AI technology" and "AI regulation" meet under "AI"); a text that shares
    no such word with another keeps its own wording. Group labels are the
    word as most texts spell it and how many texts it holds ("AI (12)").
    """
    spellings: dict[str, Counter[str]] = {}
    first: dict[str, str] = {}  # normalised text -> its first spelling
    weight: Counter[str] = Counter()
    for text in texts:
        key = " ".join(text.casefold().split())
        first.setdefault(key, " ".join(text.split()))
        weight[key] += 1
    stems = {key: _meaningful_stems(first[key], spellings) for key in first}
    spread = Counter(stem for found in stems.values() for stem in found)

    def best(found: list[str], sizes: Counter[str]) -> str | None:
        ranked = sorted(found, key=lambda stem: (-sizes[stem], -len(stem), stem))
        return ranked[0] if ranked and sizes[ranked[0]] >= 2 else None

    group = {key: best(found, spread) for key, found in stems.items()}
    # a word chosen by only one distinct text is no group: join the largest it can
    sizes = Counter(stem for stem in group.values() if stem is not None)
    for key, stem in group.items():
        if stem is not None and sizes[stem] < 2:
            sizes[stem] -= 1
            joined = best([s for s in stems[key] if sizes[s] >= 1], sizes)
            group[key] = joined
            if joined is not None:
                sizes[joined] += 1
    members: Counter[str] = Counter()
    for key, stem in group.items():
        if stem is not None:
            members[stem] += weight[key]
    labels = {}
    for key, stem in group.items():
        if stem is None or sizes[stem] < 2:
            labels[key] = first[key]
        else:
            spelled = spellings[stem].most_common(1)[0][0]
            labels[key] = f"{spelled[:1].upper()}{spelled[1:]} ({members[stem]})"
    return [labels[" ".join(text.casefold().split())] for text in texts]


@dataclass(frozen=True)
class Flows:
    """The Sankey of driving force → signal → 10-year outcome, ready to draw."""

    links: pd.DataFrame  # source, target, value (signals along the link)
    members: dict[str, list[str]]  # node -> the texts it groups (its hover)
    shown: int  # signals in the flow
    total: int  # signals with both a driving force and an outcome

    def table(self) -> pd.DataFrame:
        """The links as people read them, for downloads: from, to, signals, and the
        texts a grouped end stands for."""
        names = {"driving_force": "driving force", "signal": "signal", "ten_year": "in 10 years"}

        def side(nodes: pd.Series, prefix: str) -> dict[str, object]:
            return {
                f"{prefix}_kind": [names.get(node_layer(n) or "", "") for n in nodes],
                prefix: [node_label(n) for n in nodes],
                f"{prefix}_texts": ["; ".join(self.members.get(n, [])) for n in nodes],
            }

        return pd.DataFrame(
            {
                **side(self.links["source"], "from"),
                **side(self.links["target"], "to"),
                "signals": self.links["value"].to_numpy(),
            }
        )


def sankey_flows(signals: pd.DataFrame, limit: int = 30) -> Flows:
    """Flows of the ``limit`` most relevant signals with a driving force and an outcome.

    Driving forces and outcomes are grouped by wording (:func:`wording_groups`),
    so that many signals share a node and the diagram shows where flows meet;
    signals stay one node each. Node names carry a layer marker (see
    :func:`node_label`) so that the same text in two layers stays two nodes.
    """
    empty_links = pd.DataFrame({"source": [], "target": [], "value": []}).astype(
        {"source": object, "target": object, "value": np.int64}
    )
    needed = {"driving_force", "ten_year"}
    if signals.empty or limit <= 0 or not needed <= set(signals.columns):
        return Flows(empty_links, {}, 0, 0)
    complete = _present(signals["driving_force"]) & _present(signals["ten_year"])
    signals = signals[complete]
    total = len(signals)
    if signals.empty:
        return Flows(empty_links, {}, 0, 0)
    if "relevancy" in signals.columns:
        relevancy = pd.Series(signals["relevancy"].to_numpy(dtype=float))
        order = relevancy.sort_values(ascending=False, na_position="last", kind="stable").index
        signals = signals.iloc[order.to_numpy()[:limit]]
    else:
        signals = signals.iloc[:limit]
    forces = _text(signals["driving_force"]).tolist()
    outcomes = _text(signals["ten_year"]).tolist()
    names = (
        _text(signals["name"]).fillna("(unnamed signal)").tolist()
        if "name" in signals.columns
        else ["(unnamed signal)"] * len(signals)
    )
    force, signal, outcome = (f"{layer}{LAYER_SEPARATOR}" for layer in LAYERS)
    force_nodes = [force + label for label in wording_groups(forces)]
    outcome_nodes = [outcome + label for label in wording_groups(outcomes)]
    signal_nodes = [signal + name for name in names]
    members: dict[str, list[str]] = {}
    for nodes, texts in ((force_nodes, forces), (outcome_nodes, outcomes)):
        for node, text in zip(nodes, texts, strict=True):
            group = members.setdefault(node, [])
            if text not in group:
                group.append(text)
    links = pd.concat(
        [
            pd.DataFrame({"source": force_nodes, "target": signal_nodes}),
            pd.DataFrame({"source": signal_nodes, "target": outcome_nodes}),
        ],
        ignore_index=True,
    )
    links = links.groupby(["source", "target"], sort=False).size().reset_index(name="value")
    links = links.astype({"source": object, "target": object, "value": np.int64})
    return Flows(links, members, len(signals), total)


def sankey_links(signals: pd.DataFrame, limit: int = 30) -> pd.DataFrame:
    """The links of :func:`sankey_flows` (source, target, value)."""
    return sankey_flows(signals, limit).links
