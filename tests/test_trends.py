"""Momentum on hand-built series: what an analyst would call rising is ranked rising.

The corpora state, per quarter, how many documents there are and how many
carry each concept (tests.trend_corpora), so every share is checkable by
hand. "Today" is fixed so the window is known: 15 Jan 2025 makes the window
2024 Q3 – 2024 Q4 (the last two full quarters).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from seedscope.explore import Explorer
from seedscope.filters import FilterState
from seedscope.grouping import concept_table, tag_concepts
from seedscope.momentum import score_momentum
from seedscope.trends import compute_trends, exclusion_note, momentum_window
from tests.factories import doc
from tests.trend_corpora import CorpusWithConcepts, quarterly_corpus, quarters

TODAY = dt.date(2025, 1, 15)
BEFORE = quarters("2023Q1", "2024Q2")
WINDOW = ["2024Q3", "2024Q4"]
ALL = BEFORE + WINDOW


def trends_of(corpus, facet: str = "themes", **options):
    explorer = Explorer(corpus)
    return compute_trends(explorer, explorer.view(FilterState()), facet, today=TODAY, **options)


def row(trends, concept: str) -> pd.Series:
    table = trends.table.set_index("concept")
    assert concept in table.index, f"{concept} not listed: {list(table.index)}"
    return table.loc[concept]


# -- the window -------------------------------------------------------------------


def test_window_is_the_last_two_full_quarters() -> None:
    dates = pd.Series(pd.to_datetime(["2023-02-01", "2024-12-20", "2024-08-01"]))
    window = momentum_window(dates, 2, TODAY)
    assert window is not None
    assert window.quarters == ("2024Q3", "2024Q4")
    assert window.start == pd.Timestamp("2024-07-01")
    assert window.end == pd.Timestamp("2025-01-01")
    assert window.unfinished is None
    assert window.label == "2024 Q3 – 2024 Q4"


def test_a_quarter_still_under_way_is_left_out_of_the_window() -> None:
    # a document dated 10 Jan 2025, today 15 Jan 2025: Q1 2025 is not over
    dates = pd.Series(pd.to_datetime(["2024-03-01", "2024-11-01", "2025-01-10"]))
    window = momentum_window(dates, 2, TODAY)
    assert window is not None
    assert window.quarters == ("2024Q3", "2024Q4")
    assert window.unfinished == "2025Q1"
    # four quarters reach back a year
    assert momentum_window(dates, 4, TODAY).quarters[0] == "2024Q1"  # type: ignore[union-attr]


def test_undated_future_and_unfinished_documents_are_left_out_with_a_note() -> None:
    corpus = quarterly_corpus(
        {q: 10 for q in ALL},
        {"energy": {q: 5 for q in ALL}},
        extra_documents=[
            doc("undated", "No date"),
            doc("future", "Far ahead", "2031-05-01"),
            doc("current", "This quarter", "2025-01-05"),
        ],
    )
    trends = trends_of(corpus)
    assert (trends.undated, trends.future, trends.unfinished) == (1, 1, 1)
    assert trends.window_total == 20 and trends.before_total == 60
    note = exclusion_note(trends)
    assert "1 without a page date" in note
    assert "1 dated in the future" in note
    assert "2025 Q1, still under way" in note


def test_without_documents_before_the_window_there_is_no_momentum() -> None:
    corpus = quarterly_corpus({q: 10 for q in WINDOW}, {"energy": {q: 5 for q in WINDOW}})
    trends = trends_of(corpus)
    assert trends.table.empty
    assert trends.message and "before the window" in trends.message


# -- shares, not counts -----------------------------------------------------------


def test_shares_are_of_each_period_documents_not_raw_counts() -> None:
    # the window has four times as many digests; "energy" stays on 10 % of them
    totals = {q: (40 if q in WINDOW else 10) for q in ALL}
    corpus = quarterly_corpus(totals, {"energy": {q: totals[q] // 10 for q in ALL}})
    trends = trends_of(corpus)
    energy = row(trends, "energy")
    assert (energy["window_docs"], energy["before_docs"]) == (8, 6)
    assert energy["window_share"] == pytest.approx(0.1)
    assert energy["before_share"] == pytest.approx(0.1)
    assert energy["momentum"] == "steady"
    assert energy["score"] == 0
    assert trends.shares.loc["energy"].tolist() == pytest.approx([0.1] * len(ALL))
    assert trends.period_docs.tolist() == [totals[q] for q in ALL]


def test_month_periods_give_the_same_comparison() -> None:
    corpus = quarterly_corpus({q: 30 for q in ALL}, {"energy": {q: 3 for q in ALL}})
    by_month = trends_of(corpus, period="month")
    assert len(by_month.shares.columns) == 3 * len(ALL)
    assert by_month.shares.columns[0] == "2023-01"
    assert row(by_month, "energy")["momentum"] == "steady"


# -- momentum on hand-built series ----------------------------------------------


def test_a_planted_rising_concept_is_top_and_a_large_steady_one_is_not_rising() -> None:
    concepts = {
        "rising": {q: (30 if q in WINDOW else 4) for q in ALL},
        "big steady": {q: 60 for q in ALL},
        "slightly up": {q: (22 if q in WINDOW else 20) for q in ALL},
        "fading": {q: (2 if q in WINDOW else 25) for q in ALL},
        "new": {q: (12 if q in WINDOW else 0) for q in ALL},
    }
    trends = trends_of(quarterly_corpus({q: 100 for q in ALL}, concepts))
    assert trends.top(("rising",), 1)["concept"].tolist() == ["rising"]
    assert trends.table["concept"].iloc[0] in {"rising", "new"}
    assert row(trends, "rising")["momentum"] == "rising"
    assert row(trends, "big steady")["momentum"] == "steady"
    assert row(trends, "slightly up")["momentum"] == "steady"
    assert row(trends, "fading")["momentum"] == "fading"
    assert row(trends, "new")["momentum"] == "new"
    assert trends.top("fading", 1)["concept"].tolist() == ["fading"]
    assert trends.labels == {"new": 1, "rising": 1, "steady": 2, "fading": 1}
    # the table lists changes first: new and rising, then steady, then fading
    assert trends.table["momentum"].tolist()[-1] == "fading"


def test_one_to_two_documents_never_outranks_twenty_to_forty() -> None:
    scored = score_momentum(np.array([2, 40]), 1000, np.array([1, 20]), 1000, min_docs=1)
    tiny, solid = scored.iloc[0], scored.iloc[1]
    assert tiny["ratio"] < solid["ratio"] * 1.2  # nearly the same ratio ...
    assert solid["score"] > tiny["score"]  # ... but only 20 -> 40 is evidence
    assert solid["momentum"] == "rising"
    assert tiny["momentum"] == "steady"

    # and the same through the whole computation, listing every concept
    concepts = {
        "tiny": {"2024Q1": 1, "2024Q3": 1, "2024Q4": 1},
        "solid": {q: (20 if q in WINDOW else 10) for q in ALL},
    }
    trends = trends_of(quarterly_corpus({q: 100 for q in ALL}, concepts), min_docs=1)
    assert row(trends, "solid")["score"] > row(trends, "tiny")["score"]
    assert trends.table["concept"].tolist().index("solid") < trends.table["concept"].tolist().index(
        "tiny"
    )


def test_a_new_concept_needs_the_minimum_number_of_documents() -> None:
    concepts = {"new": {"2024Q4": 3}, "too few": {"2024Q4": 2}}
    trends = trends_of(quarterly_corpus({q: 50 for q in ALL}, concepts))
    assert row(trends, "new")["momentum"] == "new"
    assert "too few" not in set(trends.table["concept"])
    assert trends.hidden == 1


def test_chance_fluctuations_among_many_concepts_are_not_called_rising() -> None:
    # 400 concepts, each on 5 % of 1,000 documents on both sides, drawn at random:
    # a plain 95 % bound would call about twenty of them rising or fading
    rng = np.random.default_rng(7)
    window = rng.binomial(1000, 0.05, size=400)
    before = rng.binomial(1000, 0.05, size=400)
    scored = score_momentum(window, 1000, before, 1000)
    assert (scored["momentum"] != "steady").sum() == 0
    # while a real change among them is still found
    window[0], before[0] = 110, 50
    scored = score_momentum(window, 1000, before, 1000)
    assert scored["momentum"].iloc[0] == "rising"
    assert (scored["momentum"] != "steady").sum() == 1


def test_scores_sort_rising_above_steady_above_fading() -> None:
    scored = score_momentum(np.array([60, 30, 5]), 500, np.array([20, 30, 40]), 500)
    assert scored["momentum"].tolist() == ["rising", "steady", "fading"]
    assert scored["score"].iloc[0] > 0 == scored["score"].iloc[1] > scored["score"].iloc[2]


def test_keywords_are_switchable_and_counted_once_per_document() -> None:
    corpus = quarterly_corpus(
        {q: 20 for q in ALL}, {"solar": {q: (10 if q in WINDOW else 2) for q in ALL}}, "Keywords"
    )
    assert trends_of(corpus, "themes").table.empty
    keywords = trends_of(corpus, "keywords")
    assert row(keywords, "solar")["momentum"] == "rising"
    assert keywords.list_name == "Keywords"


def test_trends_follow_the_filters() -> None:
    concepts = {
        "rising": {q: (10 if q in WINDOW else 1) for q in ALL},
        "energy": {q: 10 for q in ALL},
    }
    explorer = Explorer(quarterly_corpus({q: 20 for q in ALL}, concepts))
    narrowed = compute_trends(explorer, explorer.view(FilterState(themes=("energy",))), today=TODAY)
    # only the energy documents are counted, so energy is on all of them
    assert narrowed.window_total == 20 and narrowed.before_total == 60
    assert row(narrowed, "energy")["window_share"] == 1.0


# -- concepts, not spellings --------------------------------------------------------


def test_without_a_concepts_table_a_concept_is_its_normalised_value() -> None:
    corpus = quarterly_corpus({"2024Q3": 3}, {"Open-Source": {"2024Q3": 2}, "open source": {}})
    explorer = Explorer(corpus)
    table = concept_table(explorer)
    assert table[["concept", "label", "steep"]].values.tolist() == [
        ["open source", "Open-Source", None]
    ]


def test_a_concepts_table_merges_spellings_into_one_concept() -> None:
    concepts = {
        "ai": {q: (4 if q in WINDOW else 1) for q in ALL},
        "artificial intelligence": {q: (4 if q in WINDOW else 1) for q in ALL},
    }
    base = quarterly_corpus({q: 20 for q in ALL}, concepts)
    table = pd.DataFrame(
        {
            "list": ["Themes", "Themes"],
            "value_norm": ["ai", "artificial intelligence"],
            "concept": ["artificial-intelligence"] * 2,
            "label": ["artificial intelligence"] * 2,
            "broader": [None, None],
            "how": ["acronym", "same"],
            "steep": ["Technological"] * 2,
        }
    )
    corpus = CorpusWithConcepts(
        base.documents, base.entries, base.tags, base.problems, concepts=table
    )
    trends = trends_of(corpus)
    assert trends.table["concept"].tolist() == ["artificial-intelligence"]
    merged = row(trends, "artificial-intelligence")
    # each document counts once even when it carries both spellings
    assert (merged["window_docs"], merged["before_docs"]) == (8, 6)
    assert merged["label"] == "artificial intelligence"
    pairs = tag_concepts(Explorer(corpus), "Themes")
    assert pairs.concepts["steep"].tolist() == ["Technological"]
