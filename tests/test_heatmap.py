"""Heatmaps: every number in a cell is what an analyst would count by hand.

The sample corpus (tests.factories.sample_corpus) is small enough to work each cell out;
a property test then checks the fast aggregation against a naive
explode-and-group on random corpora, and the fixture corpus checks it on
real parsed documents.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loaders import load_corpus
from seedscope.explore import Explorer
from seedscope.filters import FilterState
from seedscope.heatmap import (
    COL_DIMENSIONS,
    ROW_DIMENSIONS,
    TITLE_LABEL_LENGTH,
    build_heatmap,
)
from seedscope.heatmap_cells import cell_entries, cell_filter_changes, cell_filters
from tests.conftest import FIXTURE_DOCS
from tests.factories import LONG_TITLE, doc, entry, make_corpus, sample_corpus, tags


@pytest.fixture(scope="module")
def explorer() -> Explorer:
    return Explorer(sample_corpus())


def everything(explorer: Explorer):
    return explorer.view(FilterState())


# -- the numbers in the cells ---------------------------------------------------


def test_theme_by_section_cells_match_hand_counts(explorer: Explorer) -> None:
    hm = build_heatmap(explorer, everything(explorer), "theme", "section", "mean")
    # energy = d1 + d2 + d5; Signals: 4, 5, unrated, 3
    assert hm.count.loc["energy", "Signals"] == 4
    assert hm.rated.loc["energy", "Signals"] == 3
    assert hm.mean.loc["energy", "Signals"] == pytest.approx((4 + 5 + 3) / 3)
    assert hm.share.loc["energy", "Signals"] == pytest.approx(2 / 3)
    # Concerns: d1 2, d5 5; Issues: d2 4, 1
    assert hm.mean.loc["energy", "Concerns"] == pytest.approx(3.5)
    assert hm.share.loc["energy", "Issues"] == pytest.approx(0.5)
    # health = d3 + d4 (undated documents count under sections)
    assert hm.count.loc["health", "Signals"] == 2
    assert hm.mean.loc["health", "Signals"] == pytest.approx(3.0)


def test_empty_cells_have_zero_count_and_no_mean(explorer: Explorer) -> None:
    hm = build_heatmap(explorer, everything(explorer), "theme", "section", "mean")
    assert hm.count.loc["infrastructure", "Issues"] == 0
    assert math.isnan(hm.mean.loc["infrastructure", "Issues"])
    assert math.isnan(hm.share.loc["infrastructure", "Issues"])


def test_an_entry_counts_under_every_theme_of_its_document_once(explorer: Explorer) -> None:
    hm = build_heatmap(explorer, everything(explorer), "theme", "section", "count")
    # d1's three signals are under both of its themes
    assert hm.count.loc["infrastructure", "Signals"] == 3
    assert hm.count.loc["energy", "Signals"] == 4
    # d2 lists "Energy" and "energy ": its Issues are counted once, not twice
    assert hm.count.loc["energy", "Issues"] == 2


def test_rows_are_ordered_by_entries_and_ties_alphabetically(explorer: Explorer) -> None:
    hm = build_heatmap(explorer, everything(explorer), "theme", "section", "mean")
    # energy 8 entries; health and infrastructure 4 each
    assert hm.rows == ["energy", "health", "infrastructure"]
    assert hm.total_rows == 3


def test_top_cuts_rows_but_total_rows_remembers_how_many_there_were(explorer: Explorer) -> None:
    hm = build_heatmap(explorer, everything(explorer), "theme", "section", "mean", top=1)
    assert hm.rows == ["energy"]
    assert list(hm.count.index) == ["energy"]
    assert hm.total_rows == 3
    # columns only for what the kept rows hold: no Behaviors/Opportunities (health only)
    assert hm.cols == ["Signals", "Concerns", "Issues"]


def test_sections_come_in_canonical_order_then_others(explorer: Explorer) -> None:
    hm = build_heatmap(explorer, everything(explorer), "theme", "section", "mean")
    assert hm.cols == ["Signals", "Concerns", "Behaviors", "Issues", "Opportunities"]
    assert list(hm.mean.columns) == hm.cols


def test_month_columns_are_chronological_and_undated_entries_left_out(
    explorer: Explorer,
) -> None:
    hm = build_heatmap(explorer, everything(explorer), "theme", "month", "count")
    # every month from the first to the last, the empty ones as empty columns
    assert hm.cols == [
        "2023-11",
        "2023-12",
        "2024-01",
        "2024-02",
        "2024-03",
        "2024-04",
        "2024-05",
        "2024-06",
    ]
    for empty in ("2023-12", "2024-01", "2024-03", "2024-04"):
        assert hm.count[empty].sum() == 0
        assert hm.mean[empty].isna().all()
    # health's d4 is undated: only d3's three entries are placed, so health drops below
    # infrastructure (4)
    assert hm.rows == ["energy", "infrastructure", "health"]
    assert hm.count.loc["health"].sum() == 3
    assert hm.count.loc["energy", "2024-05"] == 4


def test_quarter_columns_are_chronological(explorer: Explorer) -> None:
    hm = build_heatmap(explorer, everything(explorer), "category", "quarter", "count")
    assert hm.cols == ["2023Q4", "2024Q1", "2024Q2"]
    only_2024 = explorer.view(FilterState(date_from=dt.date(2024, 1, 1)))
    hm = build_heatmap(explorer, only_2024, "category", "quarter", "count")
    assert hm.cols == ["2024Q1", "2024Q2"]
    # d1 (4 entries) and d2 (3) are technology in 2024Q2
    assert hm.count.loc["technology", "2024Q2"] == 7


def test_category_and_type_rows_leave_out_documents_without_one(explorer: Explorer) -> None:
    by_category = build_heatmap(explorer, everything(explorer), "category", "section", "count")
    assert by_category.rows == ["technology", "society"]
    assert by_category.count.to_numpy().sum() == 11  # all but d4's one signal
    by_type = build_heatmap(explorer, everything(explorer), "type", "category", "count")
    assert by_type.rows == ["news", "analysis"]
    assert by_type.cols == ["society", "technology"]
    assert by_type.count.loc["news", "technology"] == 5  # d1 4 + d5 1


def test_keyword_rows(explorer: Explorer) -> None:
    hm = build_heatmap(explorer, everything(explorer), "keyword", "section", "count")
    assert hm.rows == ["solar", "wind"]
    assert hm.count.loc["wind", "Issues"] == 2


def test_document_rows_use_short_unique_titles(explorer: Explorer) -> None:
    hm = build_heatmap(explorer, everything(explorer), "document", "section", "mean")
    # d1 has 4 entries; d2 and d3 have 3 (tie: "Ageing…" before "Wind farms")
    assert hm.rows[:3] == ["d1", "d3", "d2"]
    assert hm.row_labels["d1"] == "Solar roads"
    assert hm.row_labels["d4"] == "d4"  # no title: its doc_id
    long_label = hm.row_labels["d3"]
    assert len(long_label) <= TITLE_LABEL_LENGTH
    assert long_label.endswith("…")
    assert LONG_TITLE.startswith(long_label[:-1])


def test_documents_with_the_same_title_get_distinct_labels() -> None:
    corpus = make_corpus(
        [doc("a", "Same title"), doc("b", "Same title")],
        [entry("a", "Signals", 0, 3), entry("b", "Signals", 0, 4)],
        [],
    )
    explorer = Explorer(corpus)
    hm = build_heatmap(explorer, explorer.view(FilterState()), "document", "section", "mean")
    labels = [hm.row_labels[key] for key in hm.rows]
    assert len(set(labels)) == 2
    assert all(label.startswith("Same title") for label in labels)


def test_values_is_the_frame_of_the_chosen_measure(explorer: Explorer) -> None:
    view = everything(explorer)
    assert build_heatmap(explorer, view, "theme", "section", "count").values.equals(
        build_heatmap(explorer, view, "theme", "section", "count").count
    )
    share = build_heatmap(explorer, view, "theme", "section", "share4")
    assert share.values.loc["energy", "Signals"] == pytest.approx(2 / 3)


def test_filters_narrow_the_heatmap(explorer: Explorer) -> None:
    view = explorer.view(FilterState(sections=("Signals",), min_relevancy=4))
    hm = build_heatmap(explorer, view, "theme", "section", "mean")
    assert hm.cols == ["Signals"]
    # energy: d1's 4 and 5 (the unrated signal and d2's 3 are filtered out)
    assert hm.count.loc["energy", "Signals"] == 2
    assert hm.mean.loc["energy", "Signals"] == pytest.approx(4.5)


def test_a_theme_filter_keeps_the_other_themes_of_the_matching_documents(
    explorer: Explorer,
) -> None:
    view = explorer.view(FilterState(themes=("infrastructure",)))
    hm = build_heatmap(explorer, view, "theme", "section", "count")
    # only d1 is left; its entries show under both of its themes
    assert hm.rows == ["energy", "infrastructure"]
    assert hm.count.loc["energy", "Signals"] == 3


def test_an_empty_view_gives_an_empty_heatmap(explorer: Explorer) -> None:
    view = explorer.view(FilterState(q="no document says this"))
    for rows in ROW_DIMENSIONS:
        for cols in COL_DIMENSIONS:
            hm = build_heatmap(explorer, view, rows, cols, "mean")
            assert hm.rows == [] and hm.cols == [] and hm.empty
            assert hm.values.empty
            assert hm.total_rows == 0


def test_unknown_dimensions_are_refused(explorer: Explorer) -> None:
    view = everything(explorer)
    with pytest.raises(ValueError, match="row dimension"):
        build_heatmap(explorer, view, "author", "section", "mean")
    with pytest.raises(ValueError, match="measure"):
        build_heatmap(explorer, view, "theme", "section", "median")


# -- drilling into a cell -------------------------------------------------------


def test_cell_entries_are_exactly_the_cell(explorer: Explorer) -> None:
    view = everything(explorer)
    for rows, cols in [("theme", "section"), ("document", "month"), ("category", "quarter")]:
        hm = build_heatmap(explorer, view, rows, cols, "mean")
        for row_key in hm.rows:
            for col_key in hm.cols:
                table = cell_entries(explorer, view, rows, cols, row_key, col_key)
                assert len(table) == hm.count.loc[row_key, col_key]
                if hm.rated.loc[row_key, col_key]:
                    assert table["relevancy"].mean() == pytest.approx(hm.mean.loc[row_key, col_key])


def test_cell_entries_show_the_document_and_sort_by_relevancy(explorer: Explorer) -> None:
    table = cell_entries(explorer, everything(explorer), "theme", "section", "energy", "Signals")
    assert list(table["relevancy"].iloc[:3]) == [5.0, 4.0, 3.0]
    assert math.isnan(table["relevancy"].iloc[3])  # unrated last
    assert list(table["title_text"]) == ["Solar roads", "Solar roads", "Wind farms", "Solar roads"]
    assert {"doc_id", "page_date", "section", "position", "name", "description"} <= set(
        table.columns
    )
    assert table.loc[0, "page_date"] == pd.Timestamp("2024-05-05")


# -- from a cell to filters ------------------------------------------------------


def test_a_month_cell_filters_from_its_first_to_its_last_day() -> None:
    changes = cell_filter_changes("theme", "energy", "month", "2024-02")
    assert changes == {
        "themes": ("energy",),
        "date_from": dt.date(2024, 2, 1),
        "date_to": dt.date(2024, 2, 29),  # leap year
    }


def test_a_quarter_cell_filters_its_three_months() -> None:
    changes = cell_filter_changes("keyword", "ai", "quarter", "2024Q2")
    assert changes["keywords"] == ("ai",)
    assert (changes["date_from"], changes["date_to"]) == (dt.date(2024, 4, 1), dt.date(2024, 6, 30))
    q4 = cell_filter_changes("type", "news", "quarter", "2023Q4")
    assert (q4["date_from"], q4["date_to"]) == (dt.date(2023, 10, 1), dt.date(2023, 12, 31))
    assert q4["types"] == ("news",)


def test_section_and_category_cells_and_document_rows() -> None:
    assert cell_filter_changes("category", "science", "section", "Signals") == {
        "categories": ("science",),
        "sections": ("Signals",),
    }
    # documents are not a filter: only the column narrows
    assert cell_filter_changes("document", "d1", "category", "technology") == {
        "categories": ("technology",)
    }
    assert cell_filter_changes("document", "d1", "month", "not a month") == {}


def test_filtering_to_a_cell_narrows_what_is_already_filtered() -> None:
    before = FilterState(
        themes=("energy", "health"),
        sections=("Signals", "Issues"),
        date_from=dt.date(2024, 2, 10),
        q="solar",
    )
    # a theme x month cell: that theme alone (adding it to an any-of list would widen the
    # view), and the month cut by the dates already set
    narrowed = cell_filters(before, "theme", "energy", "month", "2024-02")
    assert narrowed.themes == ("energy",)
    assert (narrowed.date_from, narrowed.date_to) == (dt.date(2024, 2, 10), dt.date(2024, 2, 29))
    assert narrowed.sections == ("Signals", "Issues") and narrowed.q == "solar"
    by_section = cell_filters(before, "category", "science", "section", "Issues")
    assert by_section.categories == ("science",) and by_section.sections == ("Issues",)
    assert by_section.themes == ("energy", "health")


def test_theme_rows_are_ids_labelled_by_their_commonest_spelling() -> None:
    corpus = make_corpus(
        [doc("a"), doc("b"), doc("c")],
        [entry("a", "Signals", 0, 3), entry("b", "Signals", 0, 4), entry("c", "Signals", 0, 5)],
        [*tags("a", "Themes", ["AI"]), *tags("b", "Themes", ["AI"]), *tags("c", "Themes", ["ai"])],
    )
    explorer = Explorer(corpus)
    hm = build_heatmap(explorer, explorer.view(FilterState()), "theme", "section", "count")
    assert hm.rows == ["ai"] and hm.row_labels == {"ai": "AI"}
    assert hm.count.loc["ai", "Signals"] == 3
    # the cell's filter is the id, which the theme filter understands
    narrowed = cell_filters(FilterState(), "theme", "ai", "section", "Signals")
    assert len(explorer.view(narrowed).entries) == 3


def assert_cell_filters_select_the_cell(explorer: Explorer, cols: str) -> None:
    """Clicking "filter to this cell" must show exactly the cell's entries."""
    hm = build_heatmap(explorer, everything(explorer), "theme", cols, "count")
    for row_key in hm.rows:
        for col_key in hm.cols:
            changes = cell_filter_changes("theme", row_key, cols, col_key)
            narrowed = explorer.view(FilterState().with_changes(**changes))
            assert len(narrowed.entries) == hm.count.loc[row_key, col_key], (row_key, col_key)


@pytest.mark.parametrize("cols", ["section", "category"])
def test_cell_filters_select_the_same_entries_as_the_cell(explorer: Explorer, cols: str) -> None:
    assert_cell_filters_select_the_cell(explorer, cols)


@pytest.mark.parametrize("cols", ["month", "quarter"])
def test_date_cell_filters_select_the_same_entries_as_the_cell(
    explorer: Explorer, cols: str
) -> None:
    assert_cell_filters_select_the_cell(explorer, cols)


# -- against a naive implementation ------------------------------------------------


def naive_counts(explorer: Explorer, view, rows: str, cols: str) -> pd.DataFrame:
    """Explode every entry by its row keys and group: slow, obviously right."""
    docs = explorer.documents
    ent = pd.DataFrame(
        {
            "doc_row": view.entries["doc_row"].to_numpy(),
            "section": view.entries["section"].astype(object).to_numpy(),
            "relevancy": view.entries["relevancy"].to_numpy(),
        }
    )
    doc_columns = {"month": "month", "quarter": "quarter", "category": "category"}
    if cols == "section":
        ent["col"] = ent["section"]
    else:
        ent["col"] = docs[doc_columns[cols]].astype(object).to_numpy()[ent["doc_row"]]
    if rows in ("theme", "keyword", "theme_top", "keyword_top"):
        list_name = "Themes" if rows.startswith("theme") else "Keywords"
        t = view.tags[view.tags["list"] == list_name]
        keys = t["value_norm"].astype(object).to_numpy()
        concepts = explorer.corpus.concepts
        if not concepts.empty:  # a theme's row is its concept, looked up in the table
            concept_of = dict(
                zip(
                    zip(concepts["list"], concepts["value_norm"], strict=True),
                    concepts["concept"],
                    strict=True,
                )
            )
            keys = [concept_of.get((list_name, key), key) for key in keys]
            if rows.endswith("_top"):  # up the broader column to the broadest concept
                broader = dict(zip(concepts["concept"], concepts["broader"], strict=True))

                def top(concept: str) -> str:
                    seen = {concept}
                    while isinstance(broader.get(concept), str) and broader[concept] not in seen:
                        concept = broader[concept]
                        seen.add(concept)
                    return concept

                keys = [top(key) for key in keys]
        pairs = pd.DataFrame({"doc_row": t["doc_row"].to_numpy(), "row": keys}).drop_duplicates()
    else:
        column = {"category": "category", "type": "doc_type", "document": "doc_id"}[rows]
        pairs = pd.DataFrame(
            {"doc_row": docs["doc_row"], "row": docs[column].astype(object).to_numpy()}
        )
    exploded = ent.merge(pairs, on="doc_row").dropna(subset=["row", "col"])
    exploded = exploded[(exploded["row"] != "") & (exploded["col"] != "")]
    return exploded.groupby(["row", "col"]).agg(
        count=("relevancy", "size"),
        mean=("relevancy", "mean"),
        share=(
            "relevancy",
            lambda r: (r >= 4).sum() / r.notna().sum() if r.notna().any() else np.nan,
        ),
    )


def check_against_naive(explorer: Explorer, view, rows: str, cols: str) -> None:
    expected = naive_counts(explorer, view, rows, cols)
    hm = build_heatmap(explorer, view, rows, cols, "mean", top=10_000)
    if expected.empty:
        assert hm.empty
        return
    totals = expected["count"].groupby(level="row").sum()
    assert hm.total_rows == len(totals)
    assert sorted(hm.rows) == sorted(totals.index)
    assert [totals[r] for r in hm.rows] == sorted(totals, reverse=True)
    present = set(expected.index.get_level_values("col"))
    if cols in ("month", "quarter"):  # every period of the span, empty ones too
        freq = "M" if cols == "month" else "Q"
        periods = [pd.Period(c, freq=freq) for c in present]
        span = pd.period_range(min(periods), max(periods), freq=freq).astype(str)
        assert hm.cols == list(span)
    else:
        assert set(hm.cols) == present
    for (row, col), cell in expected.iterrows():
        assert hm.count.loc[row, col] == cell["count"]
        if math.isnan(cell["mean"]):
            assert math.isnan(hm.mean.loc[row, col])
        else:
            assert hm.mean.loc[row, col] == pytest.approx(cell["mean"])
            assert hm.share.loc[row, col] == pytest.approx(cell["share"])
    assert int(hm.count.to_numpy().sum()) == int(expected["count"].sum())


@st.composite
def random_corpus(draw: st.DrawFn):
    n_docs = draw(st.integers(1, 6))
    documents, entries, tag_rows = [], [], []
    for i in range(n_docs):
        doc_id = f"doc{i}"
        documents.append(
            doc(
                doc_id,
                draw(st.sampled_from([None, "Alpha", "beta", "Gamma"])),
                draw(st.sampled_from([None, "2023-12-31", "2024-01-15", "2024-05-05"])),
                draw(st.sampled_from([None, "science", "technology"])),
                draw(st.sampled_from([None, "news", "essay"])),
            )
        )
        sections = ["Signals", "Concerns", "Issues", "Technologies", "Notes"]
        for position, (section, relevancy) in enumerate(
            draw(
                st.lists(
                    st.tuples(st.sampled_from(sections), st.sampled_from([None, 1, 3, 4, 5])),
                    max_size=6,
                )
            )
        ):
            entries.append(entry(doc_id, section, position, relevancy))
        themes = draw(st.lists(st.sampled_from(["ai", "AI", "energy", "health "]), max_size=3))
        tag_rows += tags(doc_id, "Themes", themes)
        tag_rows += tags(doc_id, "Keywords", draw(st.lists(st.sampled_from(["x", "y"]))))
    return make_corpus(documents, entries, tag_rows)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    corpus=random_corpus(),
    rows=st.sampled_from(list(ROW_DIMENSIONS)),
    cols=st.sampled_from(list(COL_DIMENSIONS)),
    min_relevancy=st.sampled_from([None, 4.0]),
)
def test_matches_a_naive_explode_on_random_corpora(corpus, rows, cols, min_relevancy) -> None:
    explorer = Explorer(corpus)
    check_against_naive(
        explorer, explorer.view(FilterState(min_relevancy=min_relevancy)), rows, cols
    )


def test_matches_a_naive_explode_on_the_fixture_corpus(tmp_path: Path) -> None:
    explorer = Explorer(load_corpus(FIXTURE_DOCS, tmp_path / "cache"))
    view = explorer.view(FilterState())
    for rows in ROW_DIMENSIONS:
        for cols in COL_DIMENSIONS:
            check_against_naive(explorer, view, rows, cols)
    hm = build_heatmap(explorer, view, "theme", "section", "mean")
    assert "renewable-energy" in hm.rows  # new_layout.md's theme, as its concept
