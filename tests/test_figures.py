"""Figures: what is drawn is what was computed, clickable and in the right order."""

from __future__ import annotations

import json
import math

import pandas as pd
import plotly.graph_objects as go
import pytest

from seedscope.explore import Explorer
from seedscope.figures import bar_counts_figure, sankey_figure, timeline_figure, wrap_label
from seedscope.filters import FilterState
from seedscope.heatmap import MEASURES, build_heatmap
from seedscope.heatmap_figures import TEXT_GRID, heatmap_figure, heatmap_min_width
from seedscope.outcomes import sankey_links
from tests.factories import doc, entry, make_corpus, sample_corpus


@pytest.fixture(scope="module")
def explorer() -> Explorer:
    return Explorer(sample_corpus())


def heatmap(explorer: Explorer, rows: str = "theme", cols: str = "section", measure: str = "mean"):
    return build_heatmap(explorer, explorer.view(FilterState()), rows, cols, measure)


def cells(fig: go.Figure) -> go.Heatmap:
    """The coloured cells (the first heatmap trace)."""
    return fig.data[0]


def clickable(fig: go.Figure) -> go.Scatter:
    """The invisible squares a click selects."""
    (scatter,) = [trace for trace in fig.data if trace.name == "cells"]
    return scatter


def written(fig: go.Figure) -> dict[tuple[str, str], tuple[str, str]] | None:
    """(row label, column) -> (text, ink) of the values written on the cells."""
    traces = [trace for trace in fig.data if trace.name == "values"]
    if not traces:
        return None
    (trace,) = traces
    return {
        (y, x): (text, ink)
        for x, y, text, ink in zip(trace.x, trace.y, trace.text, trace.textfont.color, strict=True)
    }


# -- heatmap ------------------------------------------------------------------------


def test_one_clickable_square_per_non_empty_cell_with_the_cell_in_customdata(
    explorer: Explorer,
) -> None:
    hm = heatmap(explorer)
    fig = heatmap_figure(hm)
    squares = clickable(fig)
    drawn = list(zip(squares.x, squares.y, squares.customdata, strict=True))
    assert len(drawn) == int((hm.count > 0).to_numpy().sum())
    for x, y, (row_key, col_key, count, mean, share, label) in drawn:
        assert x == col_key and y == label == hm.row_labels[row_key]
        assert count == hm.count.loc[row_key, col_key] > 0
        expected_mean = hm.mean.loc[row_key, col_key]
        if math.isnan(expected_mean):
            assert mean is None and share is None
        else:
            assert mean == pytest.approx(expected_mean)
            assert share == pytest.approx(hm.share.loc[row_key, col_key])
    # invisible until chosen; the chosen one is ringed
    assert squares.marker.opacity == 0 and squares.selected.marker.opacity == 1


def test_colour_is_the_measure_on_a_fixed_scale(explorer: Explorer) -> None:
    hm = heatmap(explorer, measure="share4")
    coloured = cells(heatmap_figure(hm))
    z = pd.DataFrame(coloured.z, index=hm.rows, columns=hm.cols)
    assert z.loc["energy", "Signals"] == pytest.approx(100 * 2 / 3)  # drawn in percent
    assert math.isnan(z.loc["infrastructure", "Issues"])  # no entries: no colour
    assert (coloured.zmin, coloured.zmax) == (0, 100)
    assert coloured.colorbar.title.text == MEASURES["share4"]
    # mean relevancy is always drawn on the 1-5 scale, whatever the data spans, so
    # 4.2 against 4.4 is a small step in colour, not purple against yellow
    narrow = make_corpus(
        [doc("a", "A"), doc("b", "B")],
        [entry("a", "Signals", 0, 4.2), entry("b", "Signals", 0, 4.4)],
        [],
    )
    small = Explorer(narrow)
    mean = build_heatmap(small, small.view(FilterState()), "document", "section", "mean")
    assert (cells(heatmap_figure(mean)).zmin, cells(heatmap_figure(mean)).zmax) == (1, 5)


def test_cells_without_rated_entries_are_grey_and_still_clickable() -> None:
    corpus = make_corpus(
        [doc("a", "A"), doc("b", "B")],
        [entry("a", "Signals", 0, 4), entry("b", "Signals", 0, None), entry("b", "Signals", 1)],
        [],
    )
    explorer = Explorer(corpus)
    hm = build_heatmap(explorer, explorer.view(FilterState()), "document", "section", "mean")
    fig = heatmap_figure(hm)
    coloured, grey = fig.data[0], fig.data[1]
    colour = pd.DataFrame(coloured.z, index=hm.rows, columns=hm.cols)["Signals"]
    greyed = pd.DataFrame(grey.z, index=hm.rows, columns=hm.cols)["Signals"]
    assert colour["a"] == 4.0 and math.isnan(colour["b"])  # b's entries are unrated
    assert greyed["b"] == 1 and math.isnan(greyed["a"])
    assert {c[0] for c in grey.colorscale} == {0, 1} and not grey.showscale
    assert sorted(c[0] for c in clickable(fig).customdata) == ["a", "b"]
    # under "count" every non-empty cell has a value and shares the colour scale
    by_count = heatmap_figure(
        build_heatmap(explorer, explorer.view(FilterState()), "document", "section", "count")
    )
    assert [t.name for t in by_count.data] == [MEASURES["count"], "values", "cells"]


def test_rows_top_to_bottom_and_empty_months_as_empty_columns(explorer: Explorer) -> None:
    hm = heatmap(explorer, cols="month")
    layout = heatmap_figure(hm).layout
    labels = [hm.row_labels[r] for r in hm.rows]
    assert list(layout.yaxis.categoryarray) == labels
    assert layout.yaxis.autorange == "reversed"  # first row on top
    assert list(layout.xaxis.categoryarray)[:3] == ["2023-11", "2023-12", "2024-01"]
    assert len(layout.xaxis.categoryarray) == 8  # Nov 2023 to Jun 2024, every month
    # "2024-05" must stay a category, not become a date
    assert layout.xaxis.type == "category" and layout.yaxis.type == "category"


def test_layout_is_for_clicking_not_zooming(explorer: Explorer) -> None:
    layout = heatmap_figure(heatmap(explorer)).layout
    assert layout.clickmode == "event+select"
    assert layout.dragmode is False
    assert layout.xaxis.fixedrange and layout.yaxis.fixedrange
    assert layout.hoverdistance == -1  # a click anywhere in a cell finds the cell
    assert layout.template == go.Figure().layout.template  # Streamlit's theme may replace it


def test_height_grows_with_rows(explorer: Explorer) -> None:
    three = heatmap_figure(heatmap(explorer)).layout.height
    corpus = make_corpus(
        [doc(f"d{i}", f"Doc {i}") for i in range(12)],
        [entry(f"d{i}", "Signals", 0, 3) for i in range(12)],
        [],
    )
    big = Explorer(corpus)
    hm = build_heatmap(big, big.view(FilterState()), "document", "section", "mean", top=12)
    twelve = heatmap_figure(hm).layout.height
    assert twelve > three
    assert (twelve - three) / 9 >= 30  # each extra row gets room for two lines of text


def test_hover_says_what_the_cell_holds_in_words(explorer: Explorer) -> None:
    squares = clickable(heatmap_figure(heatmap(explorer)))
    cell = next(
        text
        for text, custom in zip(squares.hovertext, squares.customdata, strict=True)
        if list(custom[:2]) == ["energy", "Signals"]
    )
    assert "energy" in cell and "Signals" in cell
    assert "n = 4 entries" in cell
    assert "4.0" in cell  # mean relevancy
    assert "67 %" in cell  # two of three rated are ≥ 4
    assert squares.hovertemplate.endswith("<extra></extra>")


def test_each_cell_shows_its_value_and_its_count(explorer: Explorer) -> None:
    hm = heatmap(explorer)
    text = written(heatmap_figure(hm))
    assert text is not None
    assert text[("energy", "Signals")][0] == "4.0<br>n=4"
    assert ("Infrastructure", "Issues") not in text  # an empty cell has no text
    counts = written(heatmap_figure(heatmap(explorer, measure="count")))
    assert counts is not None and counts[("energy", "Signals")][0] == "4"  # the count is the value
    rows = TEXT_GRID[0] + 1
    corpus = make_corpus(
        [doc(f"d{i}", f"Doc {i}") for i in range(rows)],
        [entry(f"d{i}", "Signals", 0, 3) for i in range(rows)],
        [],
    )
    big = Explorer(corpus)
    hm = build_heatmap(big, big.view(FilterState()), "document", "section", "mean", top=50)
    assert len(hm.rows) == rows
    assert written(heatmap_figure(hm)) is None  # too many to read: hover instead


def test_the_ink_reads_on_the_cell_whatever_the_page_theme() -> None:
    """White on the dark end of the scale, black on the light end and on grey cells."""
    corpus = make_corpus(
        [doc("low", "Low"), doc("high", "High"), doc("none", "Unrated")],
        [
            entry("low", "Signals", 0, 1),
            entry("high", "Signals", 0, 5),
            entry("none", "Signals", 0, None),
        ],
        [],
    )
    explorer = Explorer(corpus)
    hm = build_heatmap(explorer, explorer.view(FilterState()), "document", "section", "mean")
    ink = {row: value[1] for (row, _col), value in (written(heatmap_figure(hm)) or {}).items()}
    assert ink == {"Low": "#ffffff", "High": "#111111", "Unrated": "#111111"}


def test_text_from_documents_is_escaped_for_plotly() -> None:
    corpus = make_corpus([doc("a", "Cats <b>rule</b> & dogs")], [entry("a", "Signals", 0, 4)], [])
    explorer = Explorer(corpus)
    hm = build_heatmap(explorer, explorer.view(FilterState()), "document", "section", "mean")
    fig = heatmap_figure(hm)
    escaped = "Cats &lt;b&gt;rule&lt;/b&gt; &amp; dogs"
    assert list(fig.layout.yaxis.categoryarray) == [escaped]  # what the axis shows
    assert list(cells(fig).y) == [escaped] and list(clickable(fig).y) == [escaped]
    assert "&lt;b&gt;" in clickable(fig).hovertext[0]


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
    assert shown.endswith("…") and len(shown) <= 2 * 30
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


def test_a_heatmap_asks_for_the_width_its_cells_need(explorer: Explorer) -> None:
    """On a phone the page scrolls sideways instead of squeezing the numbers together."""
    by_section = heatmap(explorer)  # five sections, values written in the cells
    by_month = heatmap(explorer, cols="month")  # eight months
    assert heatmap_min_width(by_month) > heatmap_min_width(by_section)
    assert heatmap_min_width(by_section) <= 360  # a 390 px phone shows five sections whole
    # too many columns to write in: colour only, so each needs far less room
    corpus = make_corpus(
        [
            doc(f"d{i}", f"Doc {i}", f"{2020 + i // 12}-{i % 12 + 1:02d}-15", "science")
            for i in range(40)
        ],
        [entry(f"d{i}", "Signals", 0, 3) for i in range(40)],
        [],
    )
    many = Explorer(corpus)
    hm = build_heatmap(many, many.view(FilterState()), "category", "month", "mean")
    assert len(hm.cols) == 40
    assert heatmap_min_width(hm) < heatmap_min_width(by_section) + 40 * 20
