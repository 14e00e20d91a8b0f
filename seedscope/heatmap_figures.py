"""The heatmap as a plotly figure: coloured, labelled, clickable cells.

Draws a :class:`~seedscope.heatmap.Heatmap` on a fixed colour scale per
measure, writes each cell's value and entry count in ink that reads on its
colour, and puts an invisible clickable square on every non-empty cell
(what the Heatmaps page's click-through listens to). The conventions all
charts share are in :mod:`seedscope.figure_style`.
"""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from .figure_style import FONT, escape, message_figure, shorten
from .fmt import fmt_mean, fmt_share
from .heatmap import COL_DIMENSIONS, Heatmap

#: Perceptually uniform and readable on white and on near-black backgrounds.
COLORSCALE = "Viridis"
#: Fixed colour ranges, so the same colour means the same value on every heatmap:
#: relevancy is rated 1 to 5, a share runs from 0 to 100 %.
MEASURE_RANGES = {"mean": (1.0, 5.0), "share4": (0.0, 100.0)}
#: The cells' text: value and entries on grids up to this many (rows, cols).
TEXT_GRID = (30, 24)
ROW_HEIGHT = 40
#: Longest row label drawn (the hover has the whole text).
ROW_LABEL_LENGTH = 40
#: Cells with entries but no relevancy: a solid mid grey, readable on light and dark pages.
_NO_RATING = "#a8a8a8"
#: Ink on a cell: dark on the light end of the scale (and on grey), white on the dark end.
_DARK_INK, _LIGHT_INK = "#111111", "#ffffff"
_LIGHT_FROM = 0.45


def _format_value(measure: str, value: float) -> str:
    if measure == "count":
        return f"{int(value):,}"
    if measure == "share4":
        return fmt_share(value)
    return fmt_mean(value)


def _finite(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def _unique(labels: list[str]) -> list[str]:
    """Labels made distinct (a category axis would merge equal ones into one row)."""
    seen: dict[str, int] = {}
    out = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        out.append(label if seen[label] == 1 else f"{label} ({seen[label]})")
    return out


def _colour_range(hm: Heatmap, shown: np.ndarray) -> tuple[float, float]:
    if hm.measure in MEASURE_RANGES:
        return MEASURE_RANGES[hm.measure]
    finite = shown[np.isfinite(shown)]
    return 0.0, max(float(finite.max()) if len(finite) else 1.0, 1.0)


#: Narrowest readable cell (with its value and count written in it, or colour only),
#: and room for the row labels, in pixels.
MIN_CELL_WIDTH = 44
MIN_COLOUR_WIDTH = 14
ROW_LABEL_WIDTH = 140


def heatmap_min_width(hm: Heatmap) -> int:
    """The width below which cells get too narrow to read: pages let the chart scroll
    sideways on a phone rather than squeeze it."""
    with_text = len(hm.rows) <= TEXT_GRID[0] and len(hm.cols) <= TEXT_GRID[1]
    cell = MIN_CELL_WIDTH if with_text else MIN_COLOUR_WIDTH
    return ROW_LABEL_WIDTH + cell * max(len(hm.cols), 1)


def heatmap_figure(hm: Heatmap, *, height: int | None = None) -> go.Figure:
    """The heatmap: coloured cells with their value and entry count, clickable.

    Cells are a ``go.Heatmap`` on a fixed colour scale (:data:`MEASURE_RANGES`),
    so they stretch with the chart's width, from a phone to a wall screen;
    empty months and quarters stay as empty columns, and cells whose entries
    carry no relevancy are grey. Clicks land on an invisible square per
    non-empty cell (Streamlit's ``on_select`` does not fire for heatmap
    traces), whose ``customdata`` is ``[row_key, col_key, count, mean, share, label]``.
    """
    if hm.empty:
        return message_figure("No entries match the filters.")
    n_rows, n_cols = len(hm.rows), len(hm.cols)
    height = height or ROW_HEIGHT * n_rows + 170
    # labels are the axis categories, escaped: plotly reads HTML in tick labels
    labels = _unique(
        [escape(shorten(hm.row_labels.get(key, key), ROW_LABEL_LENGTH)) for key in hm.rows]
    )
    values = hm.values.to_numpy(dtype=float)
    count = hm.count.to_numpy()
    mean, share = hm.mean.to_numpy(dtype=float), hm.share.to_numpy(dtype=float)
    rated = hm.rated.to_numpy()
    shown = values * 100 if hm.measure == "share4" else values
    shown = np.where(count > 0, shown, np.nan)
    low, high = _colour_range(hm, shown)
    with_text = n_rows <= TEXT_GRID[0] and n_cols <= TEXT_GRID[1]
    col_label = COL_DIMENSIONS[hm.col_dim]
    x_text = [escape(c) for c in hm.cols]

    unrated = np.full(count.shape, np.nan)
    points: dict[str, list[object]] = {"x": [], "y": [], "custom": [], "hover": []}
    written: dict[str, list[object]] = {"x": [], "y": [], "text": [], "ink": []}
    for i, row_key in enumerate(hm.rows):
        for j, col_key in enumerate(hm.cols):
            n = int(count[i, j])
            if n == 0:
                continue
            has_value = bool(np.isfinite(values[i, j]))
            value_text = _format_value(hm.measure, values[i, j])
            if not has_value:
                unrated[i, j] = 1.0
            fraction = (shown[i, j] - low) / (high - low) if has_value else 1.0
            written["x"].append(x_text[j])
            written["y"].append(labels[i])
            written["text"].append(
                value_text if hm.measure == "count" else f"{value_text}<br>n={n:,}"
            )
            written["ink"].append(_DARK_INK if fraction >= _LIGHT_FROM else _LIGHT_INK)
            points["x"].append(x_text[j])
            points["y"].append(labels[i])
            points["custom"].append(
                [
                    row_key,
                    col_key,
                    n,
                    _finite(mean[i, j]),
                    _finite(share[i, j]),
                    hm.row_labels.get(row_key, row_key),
                ]
            )
            points["hover"].append(
                f"<b>{escape(hm.row_labels.get(row_key, row_key))}</b><br>"
                f"{col_label}: {escape(col_key)}<br>"
                f"{hm.measure_label}: <b>{value_text}</b><br>"
                f"n = {n:,} entries ({int(rated[i, j]):,} rated)<br>"
                f"mean relevancy {fmt_mean(mean[i, j])} · "
                f"rated ≥ 4: {fmt_share(share[i, j])}"
            )

    # below the grid, so on a phone the cells get the width
    colorbar: dict[str, object] = {
        "title": {"text": hm.measure_label, "side": "top"},
        "thickness": 10,
        "orientation": "h",
        "x": 0,
        "xanchor": "left",
        "y": -0.02,
        "yanchor": "top",
        "len": 1.0,
        "lenmode": "fraction",
    }
    if hm.measure == "share4":
        colorbar["ticksuffix"] = " %"
    if hm.measure == "mean":
        colorbar["tickvals"] = [1, 2, 3, 4, 5]
    common = {"x": x_text, "y": labels, "xgap": 2, "ygap": 2, "hoverinfo": "skip"}
    fig = go.Figure()
    fig.add_trace(
        go.Heatmap(
            z=shown,
            zmin=low,
            zmax=high,
            colorscale=COLORSCALE,
            colorbar=colorbar,
            name=hm.measure_label,
            **common,
        )
    )
    if np.isfinite(unrated).any():
        fig.add_trace(
            go.Heatmap(
                z=unrated,
                colorscale=[[0, _NO_RATING], [1, _NO_RATING]],
                showscale=False,
                name="no rated entries",
                **common,
            )
        )
    if with_text:  # the value and the count on each cell, in ink that reads on its colour
        fig.add_trace(
            go.Scatter(
                x=np.asarray(written["x"], dtype=object),
                y=np.asarray(written["y"], dtype=object),
                mode="text",
                text=np.asarray(written["text"], dtype=object),
                textfont={"size": 11, "color": written["ink"]},
                hoverinfo="skip",
                name="values",
                showlegend=False,
            )
        )
    custom = np.empty((len(points["custom"]), 6), dtype=object)
    custom[:] = points["custom"]
    fig.add_trace(
        go.Scatter(
            x=np.asarray(points["x"], dtype=object),
            y=np.asarray(points["y"], dtype=object),
            mode="markers",
            marker={
                "symbol": "square-open",
                "size": 18,
                "opacity": 0,
                "line": {"width": 3, "color": "#ff4b4b"},
            },
            customdata=custom,
            hovertext=np.asarray(points["hover"], dtype=object),
            hovertemplate="%{hovertext}<extra></extra>",
            name="cells",
            showlegend=False,
            # the chosen cell gets a ring; the others stay invisible
            selected={"marker": {"opacity": 1.0}},
            unselected={"marker": {"opacity": 0}},
        )
    )
    axis = {
        "type": "category",
        "categoryorder": "array",
        "showgrid": False,
        "zeroline": False,
        "showline": False,
        "fixedrange": True,
        "ticks": "",
    }
    fig.update_layout(
        height=height,
        font=FONT,
        margin={"l": 10, "r": 10, "t": 10, "b": 70},
        clickmode="event+select",
        dragmode=False,
        hovermode="closest",
        hoverdistance=-1,  # a click anywhere in a cell picks that cell
        xaxis={
            **axis,
            "categoryarray": x_text,
            "side": "top",
            "automargin": True,
        },
        yaxis={
            **axis,
            "categoryarray": labels,
            "autorange": "reversed",  # the first row on top
            "automargin": True,
        },
    )
    return fig
