"""Figures: what is drawn is what was computed, clickable and in the right order."""

from __future__ import annotations

import json
import math

import pandas as pd
import plotly.graph_objects as go
import pytest

from seedscope.explore import Explorer
from seedscope.figures import (
    TEXT_GRID,
    bar_counts_figure,
    heatmap_figure,
    sankey_figure,
    timeline_figure,
    wrap_label,
)
from seedscope.filters import FilterState
from seedscope.heatmap import MEASURES, build_heatmap
from seedscope.outcomes import sankey_links
from tests.factories import doc, entry, make_corpus, sample_corpus


@pytest.fixture(scope="module")
def explorer() -> Explorer:
    return Explorer(sample_corpus())


def heatmap(explorer: Explorer, rows: str = "theme", cols: str = "section", measure: str = "mean"):
    return build_heatmap(explorer, explorer.view(FilterState()), rows, cols, measure)


def points(fig: go.Figure) -> list[tuple[object, object, list[object]]]:
    """(x, y, customdata) of every drawn cell, over all traces."""
    out = []
    for trace in fig.data:
        out += list(zip(trace.x, trace.y, trace.customdata, strict=True))
    return out


# -- heatmap ------------------------------------------------------------------------


def test_one_square_per_non_empty_cell_with_the_cell_in_customdata(explorer: Explorer) -> None:
    hm = heatmap(explorer)
    fig = heatmap_figure(hm)
    drawn = points(fig)
    assert len(drawn) == int((hm.count > 0).to_numpy().sum())
    for x, y, (row_key, col_key, count, mean, share) in drawn:
        assert x == col_key and y == hm.row_labels[row_key]
        assert count == hm.count.loc[row_key, col_key] > 0
        expected_mean = hm.mean.loc[row_key, col_key]
        if math.isnan(expected_mean):
            assert mean is None and share is None
        else:
            assert mean == pytest.approx(expected_mean)
            assert share == pytest.approx(hm.share.loc[row_key, col_key])
    assert all(trace.type == "scatter" and trace.marker.symbol == "square" for trace in fig.data)


def test_marker_colour_is_the_measure(explorer: Explorer) -> None:
    fig = heatmap_figure(heatmap(explorer, measure="share4"))
    rated = fig.data[0]
    for colour, (_row, _col, _n, _mean, share) in zip(
        rated.marker.color, rated.customdata, strict=True
    ):
        assert colour == pytest.approx(share * 100)  # drawn in percent
    assert rated.marker.colorbar.title.text == MEASURES["share4"]
    assert rated.marker.showscale


def test_cells_without_rated_entries_are_drawn_apart_in_grey() -> None:
    corpus = make_corpus(
        [doc("a", "A"), doc("b", "B")],
        [entry("a", "Signals", 0, 4), entry("b", "Signals", 0, None), entry("b", "Signals", 1)],
        [],
    )
    explorer = Explorer(corpus)
    hm = build_heatmap(explorer, explorer.view(FilterState()), "document", "section", "mean")
    fig = heatmap_figure(hm)
    assert len(fig.data) == 2
    coloured, grey = fig.data
    assert [c[0] for c in coloured.customdata] == ["a"]
    assert [c[0] for c in grey.customdata] == ["b"]
    assert isinstance(grey.marker.color, str)  # one neutral colour, not on the scale
    # under "count" every non-empty cell has a value and shares the colour scale
    by_count = heatmap_figure(
        build_heatmap(explorer, explorer.view(FilterState()), "document", "section", "count")
    )
    assert len(by_count.data) == 1 and len(by_count.data[0].x) == 2


def test_rows_top_to_bottom_and_columns_in_the_heatmaps_order(explorer: Explorer) -> None:
    hm = heatmap(explorer, cols="month")
    layout = heatmap_figure(hm).layout
    labels = [hm.row_labels[r] for r in hm.rows]
    assert list(layout.yaxis.categoryarray) == labels
    assert layout.yaxis.range[0] > layout.yaxis.range[1]  # reversed: first row on top
    assert list(layout.xaxis.categoryarray) == ["2023-11", "2024-02", "2024-05", "2024-06"]
    # "2024-05" must stay a category, not become a date
    assert layout.xaxis.type == "category" and layout.yaxis.type == "category"


def test_layout_is_for_clicking_not_zooming(explorer: Explorer) -> None:
    layout = heatmap_figure(heatmap(explorer)).layout
    assert layout.clickmode == "event+select"
    assert layout.dragmode is False
    assert layout.xaxis.fixedrange and layout.yaxis.fixedrange
    assert not layout.xaxis.showgrid and not layout.yaxis.showgrid
    assert layout.template == go.Figure().layout.template  # Streamlit's theme may replace it


def test_height_grows_with_rows_and_squares_fit_their_cells(explorer: Explorer) -> None:
    small = heatmap_figure(heatmap(explorer))  # 3 rows
    assert small.layout.height == 40 * 3 + 120
    margin = small.layout.margin
    row_px = (small.layout.height - margin.t - margin.b) / 3
    size = small.data[0].marker.size
    assert 0.8 * row_px <= size <= row_px  # fills most of its row, never spills over
    squeezed = heatmap_figure(heatmap(explorer), height=200)
    assert squeezed.data[0].marker.size < size


def test_hover_says_what_the_cell_holds_in_words(explorer: Explorer) -> None:
    fig = heatmap_figure(heatmap(explorer))
    cell = next(
        text
        for trace in fig.data
        for text, custom in zip(trace.hovertext, trace.customdata, strict=True)
        if list(custom[:2]) == ["energy", "Signals"]
    )
    assert "energy" in cell and "Signals" in cell
    assert "n = 4 entries" in cell
    assert "4.0" in cell  # mean relevancy
    assert "67 %" in cell  # two of three rated are ≥ 4
    assert fig.data[0].hovertemplate.endswith("<extra></extra>")


def test_values_are_written_on_small_grids_only(explorer: Explorer) -> None:
    fig = heatmap_figure(heatmap(explorer))
    assert "text" in fig.data[0].mode
    assert "4.0" in fig.data[0].text
    rows = TEXT_GRID[0] + 1
    corpus = make_corpus(
        [doc(f"d{i}", f"Doc {i}") for i in range(rows)],
        [entry(f"d{i}", "Signals", 0, 3) for i in range(rows)],
        [],
    )
    big = Explorer(corpus)
    hm = build_heatmap(big, big.view(FilterState()), "document", "section", "mean", top=50)
    assert len(hm.rows) == rows
    assert "text" not in heatmap_figure(hm).data[0].mode


def test_text_from_documents_is_escaped_for_plotly() -> None:
    corpus = make_corpus([doc("a", "Cats <b>rule</b> & dogs")], [entry("a", "Signals", 0, 4)], [])
    explorer = Explorer(corpus)
    hm = build_heatmap(explorer, explorer.view(FilterState()), "document", "section", "mean")
    fig = heatmap_figure(hm)
    assert list(fig.layout.yaxis.ticktext) == ["Cats &lt;b&gt;rule&lt;/b&gt; &amp; dogs"]
    assert "&lt;b&gt;" in fig.data[0].hovertext[0]
    assert fig.data[0].y[0] == "Cats <b>rule</b> & dogs"  # the label itself is unchanged


def test_an_empty_heatmap_draws_a_message_not_a_crash(explorer: Explorer) -> None:
    hm = build_heatmap(explorer, explorer.view(FilterState(q="zzz")), "theme", "section", "mean")
    fig = heatmap_figure(hm)
    assert len(fig.data) == 0
    assert "No entries" in fig.layout.annotations[0].text


def test_figures_serialise_to_json(explorer: Explorer) -> None:
    for measure in ("mean", "count", "share4"):
        payload = json.loads(heatmap_figure(heatmap(explorer, measure=measure)).to_json())
        assert payload["data"]


# -- timeline ----------------------------------------------------------------------


def test_timeline_counts_signals_per_month_on_a_date_axis() -> None:
    signals = pd.DataFrame({"month": ["2024-05", "2024-01", "2024-05", None]})
    fig = timeline_figure(signals)
    bar = fig.data[0]
    assert [pd.Timestamp(x) for x in bar.x] == [
        pd.Timestamp("2024-01-01"),
        pd.Timestamp("2024-05-01"),
    ]
    assert list(bar.y) == [1, 2]
    assert fig.layout.xaxis.type == "date"
    assert bar.xperiod == "M1"


def test_timeline_takes_counts_per_month_as_given() -> None:
    per_month = pd.DataFrame({"month": ["2024-02", "2024-03"], "signals": [5, 0]})
    assert list(timeline_figure(per_month).data[0].y) == [5, 0]


def test_timeline_without_dates_says_so() -> None:
    fig = timeline_figure(pd.DataFrame({"month": [None, None]}))
    assert len(fig.data) == 0 and fig.layout.annotations


# -- sankey ------------------------------------------------------------------------


def test_sankey_shows_clean_labels_and_keeps_layers_apart() -> None:
    signals = pd.DataFrame(
        {
            "name": ["S1", "S2"],
            "driving_force": ["Cheap power", "Cheap power"],
            "ten_year": ["Cheap power", "Grids everywhere"],
            "relevancy": [5.0, 4.0],
        }
    )
    fig = sankey_figure(sankey_links(signals))
    labels = list(fig.data[0].node.label)
    # "Cheap power" is a driving force and an outcome: two nodes, both labelled cleanly
    assert labels.count("Cheap power") == 2
    assert sorted(labels) == sorted(["Cheap power", "S1", "S2", "Cheap power", "Grids everywhere"])
    assert not any("\x1f" in label for label in labels)
    # the shared driving force sends both signals: its link values add up to 2
    link = fig.data[0].link
    force = labels.index("Cheap power")
    assert sum(v for s, v in zip(link.source, link.value, strict=True) if s == force) == 2


def test_sankey_cuts_long_labels_and_hovers_the_full_text() -> None:
    long = "A driving force described in far more words than a node label can hold"
    links = pd.DataFrame(
        {"source": [f"driving_force\x1f{long}"], "target": ["signal\x1fS"], "value": [1]}
    )
    node = sankey_figure(links).data[0].node
    assert node.customdata[0] == long
    shown = node.label[0].replace("<br>", " ")
    assert shown.endswith("…") and len(shown) <= 48
    assert long.startswith(shown[:-1].rstrip())
    assert wrap_label("short") == "short"


def test_an_empty_sankey_says_why() -> None:
    fig = sankey_figure(pd.DataFrame({"source": [], "target": [], "value": []}))
    assert len(fig.data) == 0 and fig.layout.annotations


# -- bars --------------------------------------------------------------------------


def test_bar_counts_are_horizontal_in_the_given_order() -> None:
    counts = pd.Series({"Signals": 979, "Concerns": 694, "Issues": 12})
    fig = bar_counts_figure(counts, "Entries per section")
    bar = fig.data[0]
    assert bar.orientation == "h"
    assert list(bar.y) == ["Signals", "Concerns", "Issues"]
    assert list(bar.x) == [979, 694, 12]
    assert list(fig.layout.yaxis.categoryarray) == ["Signals", "Concerns", "Issues"]
    assert fig.layout.yaxis.autorange == "reversed"  # first item on top
    assert fig.layout.title.text == "Entries per section"
