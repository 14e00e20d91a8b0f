"""The tables pages show and export: whole signals, counts, months, headline figures."""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd
import pytest

from seedscope.explore import Explorer
from seedscope.export import to_csv_bytes
from seedscope.filters import FilterState
from seedscope.heatmap_cells import cell_entries
from seedscope.tables import documents_table, headline, signals_per_month, signals_table
from tests.factories import doc, entry, make_corpus, tags


@pytest.fixture(scope="module")
def explorer() -> Explorer:
    documents = [
        doc("past", "Past", "2024-01-10"),
        doc("later", "Later", "2024-03-02"),
        doc("future", "Future", "2031-05-05"),
        doc("undated", "Undated"),
    ]
    entries = [
        entry(
            "past",
            "Signals",
            0,
            4,
            "Heat pumps",
            description="Homes swap boilers",
            ten_year="Gas grids shrink",
            driving_force="Carbon prices",
        )
        | {"change": "From gas to electricity"},
        entry("later", "Signals", 0, 5, "Sodium cells"),
        entry("later", "Concerns", 0, 2, "Fire risk"),
        entry("future", "Signals", 0, 3, "Moon mining"),
        entry("undated", "Concerns", 0, None, "Undated worry"),
    ]
    tag_rows = [*tags("past", "Themes", ["energy"]), *tags("later", "Themes", ["Energy", "x"])]
    return Explorer(make_corpus(documents, entries, tag_rows))


def test_exports_carry_the_whole_signal(explorer: Explorer) -> None:
    table = signals_table(explorer, explorer.view(FilterState()))
    exported = pd.read_csv(io.BytesIO(to_csv_bytes(table)), encoding="utf-8-sig")
    row = exported[exported["name"] == "Heat pumps"].iloc[0]
    assert row["description"] == "Homes swap boilers"
    assert row["change"] == "From gas to electricity"
    assert row["ten_year"] == "Gas grids shrink"
    assert row["driving_force"] == "Carbon prices"
    assert (row["title"], row["relevancy"]) == ("Past", 4.0)
    cell = cell_entries(
        explorer, explorer.view(FilterState()), "theme", "section", "energy", "Signals"
    )
    assert {"change", "ten_year", "driving_force"} <= set(cell.columns)


def test_missing_text_is_empty_not_the_word_none(explorer: Explorer) -> None:
    table = signals_table(explorer, explorer.view(FilterState()))
    sodium = table[table["name"] == "Sodium cells"].iloc[0]
    assert pd.isna(sodium["description"]) and pd.isna(sodium["ten_year"])
    exported = to_csv_bytes(table).decode("utf-8-sig")
    assert "None" not in exported and "nan" not in exported


def test_signals_per_month_leaves_future_months_out_and_counts_them(explorer: Explorer) -> None:
    timeline = signals_per_month(explorer, explorer.view(FilterState()), dt.date(2026, 1, 1))
    assert timeline.months["month"].tolist() == ["2024-01", "2024-02", "2024-03"]
    assert timeline.months["signals"].tolist() == [1, 0, 1]
    assert timeline.future_signals == 1


def test_signals_per_month_of_a_view_without_signals_is_empty_not_an_error(
    explorer: Explorer,
) -> None:
    view = explorer.view(FilterState(sections=("Concerns",)))
    timeline = signals_per_month(explorer, view, dt.date(2026, 1, 1))
    assert timeline.months.empty and timeline.future_signals == 0


def test_headline_counts_what_the_view_holds(explorer: Explorer) -> None:
    figures = headline(explorer, explorer.view(FilterState(sections=("Concerns",))))
    assert (figures.documents, figures.signals, figures.other_entries) == (2, 0, 2)
    assert figures.themes == 2  # "later" has energy and x; "undated" has none
    assert figures.first == pd.Timestamp("2024-03-02") and figures.last == figures.first


def test_documents_count_their_signals_and_other_entries(explorer: Explorer) -> None:
    table = documents_table(explorer, explorer.view(FilterState()))
    later = table[table["doc_id"] == "later"].iloc[0]
    assert (later["signals"], later["other_entries"]) == (1, 1)
    assert table["doc_id"].tolist()[0] == "future"  # newest first


@pytest.mark.parametrize("q", ["", "energy OR cells OR mining OR pumps"])
def test_the_first_rows_alone_are_the_first_rows_of_the_whole_table(
    explorer: Explorer, q: str
) -> None:
    view = explorer.view(FilterState(q=q))
    whole = signals_table(explorer, view)
    assert len(whole) == len(view.signals)
    first = signals_table(explorer, view, limit=2)
    pd.testing.assert_frame_equal(first, whole.head(2), check_dtype=False)
    # most relevant first, the unrated last; under a search, the best match first
    if not q:
        assert whole["name"].tolist() == ["Sodium cells", "Heat pumps", "Moon mining"]
