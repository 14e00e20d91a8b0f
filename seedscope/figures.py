"""Plotly figures of the dashboard, built from pure data (no streamlit here).

Every figure leaves ``layout.template`` alone so that Streamlit's light or
dark theme applies, uses readable font sizes and tight margins, and sets
everything it needs in the layout itself (nothing depends on the ``config``
the page passes to ``st.plotly_chart``). Text that comes from documents is
HTML-escaped, because plotly reads ``<b>``, ``<br>`` and entities in labels.
"""

from __future__ import annotations

import html
import math
import textwrap
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from .fmt import fmt_mean, fmt_share
from .heatmap import COL_DIMENSIONS, Heatmap
from .outcomes import node_label, node_layer

FONT = {"size": 13}
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
#: Sankey labels: at most two lines of this many characters.
SANKEY_LINE_LENGTH = 30
SANKEY_LINES = 2
#: Cells with entries but no relevancy: a solid mid grey, readable on light and dark pages.
_NO_RATING = "#a8a8a8"
#: Ink on a cell: dark on the light end of the scale (and on grey), white on the dark end.
_DARK_INK, _LIGHT_INK = "#111111", "#ffffff"
_LIGHT_FROM = 0.45
_LAYER_COLOURS = {"driving_force": "#4C78A8", "signal": "#F58518", "ten_year": "#54A24B"}


def _escape(text: object) -> str:
    return html.escape(str(text), quote=False)


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def wrap_label(text: str, width: int = SANKEY_LINE_LENGTH, lines: int = SANKEY_LINES) -> str:
    """Up to ``lines`` lines of ``width`` characters joined by ``<br>``, "…" when cut.

    The text is HTML-escaped line by line, so only the ``<br>`` are markup.
    """
    words = " ".join(text.split())
    wrapped = textwrap.wrap(words, width=width, break_long_words=True) or [""]
    if len(wrapped) > lines:
        wrapped = wrapped[:lines]
        wrapped[-1] = wrapped[-1][: width - 1].rstrip() + "…"
    return "<br>".join(_escape(line) for line in wrapped)


def _format_value(measure: str, value: float) -> str:
    if measure == "count":
        return f"{int(value):,}"
    if measure == "share4":
        return fmt_share(value)
    return fmt_mean(value)


def _finite(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def _message_figure(text: str, height: int = 220) -> go.Figure:
    """An empty figure that says why it is empty (instead of blank axes)."""
    fig = go.Figure()
    fig.add_annotation(
        text=_escape(text), showarrow=False, xref="paper", yref="paper", x=0.5, y=0.5
    )
    fig.update_layout(
        height=height,
        font=FONT,
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        xaxis={"visible": False},
        yaxis={"visible": False},
    )
    return fig


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
        return _message_figure("No entries match the filters.")
    n_rows, n_cols = len(hm.rows), len(hm.cols)
    height = height or ROW_HEIGHT * n_rows + 170
    # labels are the axis categories, escaped: plotly reads HTML in tick labels
    labels = _unique(
        [_escape(_shorten(hm.row_labels.get(key, key), ROW_LABEL_LENGTH)) for key in hm.rows]
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
    x_text = [_escape(c) for c in hm.cols]

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
                f"<b>{_escape(hm.row_labels.get(row_key, row_key))}</b><br>"
                f"{col_label}: {_escape(col_key)}<br>"
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


#: Columns taken as per-month counts by :func:`timeline_figure`, first match wins.
COUNT_COLUMNS = ("count", "signals", "n")


def timeline_figure(signals: pd.DataFrame) -> go.Figure:
    """Signals per month as bars on a real date axis (gaps between months stay visible).

    ``signals`` has a ``month`` column ("YYYY-MM") and either a count column
    (``count``, ``signals`` or ``n``: one row per month, as
    ``tables.signals_per_month`` gives) or none (one row per signal, counted
    here). Rows without a readable month are left out.
    """
    if "month" not in signals.columns or signals.empty:
        return _message_figure("No dated signals.")
    count_column = next((c for c in COUNT_COLUMNS if c in signals.columns), None)
    months = pd.to_datetime(
        signals["month"].astype(object).where(signals["month"].notna(), None).astype(str) + "-01",
        format="%Y-%m-%d",
        errors="coerce",
    )
    weights = (
        pd.to_numeric(signals[count_column], errors="coerce").fillna(0)
        if count_column
        else pd.Series(1, index=signals.index)
    )
    keep = months.notna().to_numpy()
    per_month = weights[keep].groupby(months[keep].to_numpy()).sum().sort_index()
    if per_month.empty:
        return _message_figure("No dated signals.")
    fig = go.Figure(
        go.Bar(
            x=per_month.index,
            y=per_month.to_numpy(),
            xperiod="M1",
            xperiodalignment="middle",
            hovertemplate="%{x|%B %Y}: %{y:,} signals<extra></extra>",
            name="Signals",
        )
    )
    fig.update_layout(
        height=300,
        font=FONT,
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        bargap=0.15,
        xaxis={"type": "date", "showgrid": False, "automargin": True},
        yaxis={"title": {"text": "Signals"}, "rangemode": "tozero", "automargin": True},
        showlegend=False,
    )
    return fig


def sankey_figure(
    links: pd.DataFrame, members: Mapping[str, Sequence[str]] | None = None
) -> go.Figure:
    """A Sankey of ``source → target`` links (value = signals along the link).

    Node names may carry the layer marker of :func:`seedscope.outcomes.sankey_flows`:
    it keeps a text that is both a driving force and an outcome as two nodes,
    and is stripped here. Labels are wrapped to two lines and cut with "…";
    hovering shows the full text, or the texts a grouped node stands for
    (``members``). Layers sit in three columns with room for their labels.
    """
    if links.empty:
        return _message_figure("No signals with both a driving force and a 10-year outcome.")
    members = members or {}
    sources = links["source"].astype(str).tolist()
    targets = links["target"].astype(str).tolist()
    nodes = list(dict.fromkeys([*sources, *targets]))
    index = {node: i for i, node in enumerate(nodes)}
    texts = [node_label(node) for node in nodes]
    layers = [node_layer(node) for node in nodes]
    per_layer: dict[str | None, int] = {}
    for layer in layers:
        per_layer[layer] = per_layer.get(layer, 0) + 1
    busiest = max(per_layer.values())

    def hover(node: str, text: str) -> str:
        grouped = [t for t in members.get(node, ()) if t != text]
        if not grouped:
            return _escape(text)
        shown = [f"• {_escape(_shorten(t, 90))}" for t in grouped[:8]]
        more = [f"… and {len(grouped) - 8} more"] if len(grouped) > 8 else []
        return "<br>".join([f"<b>{_escape(text)}</b>", *shown, *more])

    fig = go.Figure(
        go.Sankey(
            arrangement="snap",
            # plotly's default white halo blurs labels on light and dark themes alike
            textfont={"size": 12, "shadow": "none"},
            node={
                "label": [wrap_label(t) for t in texts],
                "customdata": [hover(node, t) for node, t in zip(nodes, texts, strict=True)],
                "hovertemplate": "%{customdata}<br>%{value} signal(s)<extra></extra>",
                "color": [_LAYER_COLOURS.get(layer or "", "#888888") for layer in layers],
                "pad": 14,
                "thickness": 14,
            },
            link={
                "source": [index[s] for s in sources],
                "target": [index[t] for t in targets],
                "value": links["value"].astype(float).tolist(),
                "customdata": [
                    f"{_escape(node_label(s))} → {_escape(node_label(t))}"
                    for s, t in zip(sources, targets, strict=True)
                ],
                "hovertemplate": "%{customdata}<br>%{value} signal(s)<extra></extra>",
                "color": "rgba(136, 136, 136, 0.35)",
            },
        )
    )
    fig.update_layout(
        height=int(max(360, min(2400, 44 * busiest + 60))),
        font={"size": 12},
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
    )
    return fig


def bar_counts_figure(series: pd.Series, title: str) -> go.Figure:
    """Horizontal bars of counts, first item on top (e.g. entries per section)."""
    if series.empty:
        return _message_figure(f"{title}: nothing to count.")
    labels = [str(label) for label in series.index]
    values = series.to_numpy()
    fig = go.Figure(
        go.Bar(
            x=values,
            y=labels,
            orientation="h",
            text=[f"{v:,}" for v in values],
            textposition="auto",
            hovertemplate="%{y}: %{x:,}<extra></extra>",
            name=title,
        )
    )
    fig.update_layout(
        title={"text": _escape(title), "x": 0, "xanchor": "left"},
        height=int(28 * len(labels) + 100),
        font=FONT,
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        xaxis={"rangemode": "tozero", "automargin": True},
        yaxis={
            "type": "category",
            "categoryorder": "array",
            "categoryarray": labels,
            "autorange": "reversed",
            "automargin": True,
            "ticktext": [_escape(label) for label in labels],
            "tickvals": labels,
        },
        showlegend=False,
    )
    return fig
