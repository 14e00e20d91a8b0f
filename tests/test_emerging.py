"""Emerging and weak signals: first sightings over the whole corpus, listed under the filters."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from seedscope.emerging import emerging_signals, weak_signals
from seedscope.explore import Explorer
from seedscope.filters import FilterState
from seedscope.trends import momentum_window
from tests.factories import doc, entry, make_corpus, tags
from tests.trend_corpora import CorpusWithConcepts

TODAY = dt.date(2025, 1, 15)


def corpus():
    documents = [
        doc("old", "An old report", "2023-03-01"),
        doc("a", "Report A", "2024-08-01"),
        doc("b", "Report B", "2024-10-01"),
        doc("c", "Report C", "2024-11-15"),
        doc("future", "A report from the future", "2031-01-01"),
    ]
    entries = [
        # seen in 2023 already: not emerging, however the window looks
        entry("old", "Signals", 0, 4, "Robot nurses"),
        entry("c", "Signals", 0, 5, "Robot Nurses!"),
        # first seen in the window, reported twice (names differ in case and punctuation)
        entry("a", "Signals", 0, 3, "Heat-pump boom"),
        entry("b", "Signals", 0, 4, "Heat pump boom"),
        # seen once, inside the window, relevancy 4 or more: weak signals
        entry("a", "Signals", 1, 5, "Seaweed bioplastics"),
        entry("b", "Signals", 1, 4, "Drone pollination"),
        # seen once but rated 3, or outside the window: not weak
        entry("c", "Signals", 1, 3, "Mushroom leather"),
        entry("old", "Signals", 1, 5, "Paper batteries"),
        entry("future", "Signals", 0, 5, "Lunar mining"),
        # not a signal
        entry("c", "Concerns", 0, 5, "Seaweed bioplastics"),
    ]
    tag_rows = [*tags("b", "Themes", ["energy"]), *tags("a", "Themes", ["materials"])]
    return make_corpus(documents, entries, tag_rows)


def window_of(explorer: Explorer):
    return momentum_window(explorer.documents["page_date"], 2, TODAY)


def test_emerging_signals_are_first_seen_in_the_window_and_reported_twice() -> None:
    explorer = Explorer(corpus())
    view = explorer.view(FilterState())
    emerging = emerging_signals(explorer, view, window_of(explorer), today=TODAY)
    assert emerging["name"].tolist() == ["Heat pump boom"]  # the most relevant member
    top = emerging.iloc[0]
    assert (top["documents"], top["doc_id"], top["position"]) == (2, "b", 0)
    assert pd.Timestamp(top["first_seen"]) == pd.Timestamp("2024-08-01")


def test_a_signal_seen_before_the_window_is_not_emerging_even_when_filtered_out() -> None:
    explorer = Explorer(corpus())
    # the 2023 report is hidden by the date filter, but the signal is still not new
    view = explorer.view(FilterState(date_from=dt.date(2024, 7, 1)))
    emerging = emerging_signals(explorer, view, window_of(explorer), today=TODAY)
    assert "Robot Nurses!" not in set(emerging["name"])
    # and a filter that hides one report of an emerging cluster still lists it
    only_b = explorer.view(FilterState(themes=("energy",)))
    listed = emerging_signals(explorer, only_b, window_of(explorer), today=TODAY)
    assert listed["doc_id"].tolist() == ["b"]


def test_weak_signals_are_seen_once_in_the_window_and_rated_four_or_more() -> None:
    explorer = Explorer(corpus())
    weak = weak_signals(explorer, explorer.view(FilterState()), window_of(explorer), today=TODAY)
    assert weak["name"].tolist() == ["Seaweed bioplastics", "Drone pollination"]
    assert weak[["doc_id", "position"]].values.tolist() == [["a", 1], ["b", 1]]
    assert (weak["documents"] == 1).all()


def test_the_filters_decide_which_weak_signals_are_listed() -> None:
    explorer = Explorer(corpus())
    view = explorer.view(FilterState(themes=("energy",)))
    weak = weak_signals(explorer, view, window_of(explorer), today=TODAY)
    assert weak["name"].tolist() == ["Drone pollination"]


def test_signal_clusters_from_the_concepts_work_replace_names() -> None:
    base = corpus()
    # the Concepts clusters list every signal; they say "Seaweed bioplastics" and
    # "Drone pollination" are one signal, and keep the two heat-pump reports apart
    signals = base.entries[base.entries["section"] == "Signals"]
    clusters = pd.DataFrame(
        {
            "doc_id": signals["doc_id"].astype(str),
            "position": signals["position"],
            "cluster": signals["doc_id"].astype(str) + "-" + signals["position"].astype(str),
        }
    )
    clusters.loc[signals["name"].isin(["Seaweed bioplastics", "Drone pollination"]), "cluster"] = (
        "bio-1"
    )
    clusters["cluster_size"] = clusters.groupby("cluster")["doc_id"].transform("nunique")
    explorer = Explorer(
        CorpusWithConcepts(
            base.documents, base.entries, base.tags, base.problems, signal_clusters=clusters
        )
    )
    view = explorer.view(FilterState())
    window = window_of(explorer)
    weak = weak_signals(explorer, view, window, today=TODAY)
    assert set(weak["name"]) == {"Heat pump boom", "Robot Nurses!"}  # "Heat-pump" is rated 3
    emerging = emerging_signals(explorer, view, window, today=TODAY)
    assert emerging["name"].tolist() == ["Seaweed bioplastics"]
