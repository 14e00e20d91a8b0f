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

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from .heatmap import COL_DIMENSIONS, Heatmap
from .outcomes import node_label, node_layer

FONT = {"size": 13}
#: Perceptually uniform and readable on white and on near-black backgrounds.
COLORSCALE = "Viridis"
#: Heatmap cells whose colour sits above this fraction of the scale get dark text.
_LIGHT_FROM = 0.55
#: Value labels are drawn on the squares only on grids up to this size (rows, cols).
TEXT_GRID = (12, 8)
#: The width the cell size is computed for: Streamlit's wide layout, roughly.
ASSUMED_WIDTH = 1000
ROW_HEIGHT = 40
#: Sankey labels: at most two lines of this many characters (the middle layer's
#: labels share their gap with the right layer's, so one long line would overlap).
SANKEY_LINE_LENGTH = 22
SANKEY_LINES = 2
_NO_RATING = "rgba(128, 128, 128, 0.55)"
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


def format_mean(value: float | None) -> str:
    """Mean relevancy for people: one decimal, a dash when nothing was rated."""
    return "—" if value is None or not math.isfinite(value) else f"{value:.1f}"


def format_share(value: float | None) -> str:
    """A 0–1 share as a whole percentage ("42 %"), a dash when nothing was rated."""
    return "—" if value is None or not math.isfinite(value) else f"{value * 100:.0f} %"


def _format_value(measure: str, value: float) -> str:
    if measure == "count":
        return f"{int(value):,}"
    if measure == "share4":
        return format_share(value)
    return format_mean(value)


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


def heatmap_figure(hm: Heatmap, *, height: int | None = None) -> go.Figure:
    """The heatmap drawn as square scatter markers, so that clicks become selections.

    Streamlit's ``on_select`` does not fire for ``go.Heatmap`` traces, hence
    one marker per non-empty cell. Each point's ``customdata`` is
    ``[row_key, col_key, count, mean, share]``; cells whose entries carry no
    relevancy (under "mean" or "share4") are drawn grey in a second trace.
    """
    if hm.empty:
        return _message_figure("No entries match the filters.")
    n_rows, n_cols = len(hm.rows), len(hm.cols)
    height = height or ROW_HEIGHT * n_rows + 120
    labels = [hm.row_labels.get(key, key) for key in hm.rows]
    longest = max(len(label) for label in labels)
    left = int(min(420, max(80, 7.2 * longest + 20)))
    top, bottom, right = 70, 20, 110
    cell_w = (ASSUMED_WIDTH - left - right) / n_cols
    cell_h = (height - top - bottom) / n_rows
    size = max(6.0, min(cell_w, cell_h) * 0.9)

    values = hm.values.to_numpy(dtype=float)
    count = hm.count.to_numpy()
    mean, share = hm.mean.to_numpy(dtype=float), hm.share.to_numpy(dtype=float)
    rated = hm.rated.to_numpy()
    shown = values * 100 if hm.measure == "share4" else values
    finite = shown[np.isfinite(shown) & (count > 0)]
    low, high = (float(finite.min()), float(finite.max())) if len(finite) else (0.0, 1.0)
    if hm.measure == "count":
        low = 0.0
    if high - low < 1e-9:
        low, high = low - 0.5, high + 0.5
    with_text = n_rows <= TEXT_GRID[0] and n_cols <= TEXT_GRID[1]
    col_label = COL_DIMENSIONS[hm.col_dim]

    points: dict[bool, dict[str, list[object]]] = {
        flag: {"x": [], "y": [], "color": [], "custom": [], "hover": [], "text": [], "ink": []}
        for flag in (True, False)
    }
    for i, row_key in enumerate(hm.rows):
        for j, col_key in enumerate(hm.cols):
            n = int(count[i, j])
            if n == 0:
                continue
            has_value = bool(np.isfinite(values[i, j]))
            bucket = points[has_value]
            value_text = _format_value(hm.measure, values[i, j]) if has_value else "—"
            bucket["x"].append(col_key)
            bucket["y"].append(labels[i])
            bucket["color"].append(float(shown[i, j]) if has_value else 0.0)
            bucket["custom"].append(
                [row_key, col_key, n, _finite(mean[i, j]), _finite(share[i, j])]
            )
            bucket["hover"].append(
                f"<b>{_escape(labels[i])}</b><br>"
                f"{col_label}: {_escape(col_key)}<br>"
                f"{hm.measure_label}: <b>{value_text}</b><br>"
                f"n = {n:,} entries ({int(rated[i, j]):,} rated)<br>"
                f"mean relevancy {format_mean(mean[i, j])} · "
                f"rated ≥ 4: {format_share(share[i, j])}"
            )
            bucket["text"].append(value_text)
            fraction = (shown[i, j] - low) / (high - low) if has_value else 0.0
            bucket["ink"].append("black" if has_value and fraction >= _LIGHT_FROM else "white")

    fig = go.Figure()
    for has_value in (True, False):
        bucket = points[has_value]
        if not bucket["x"]:
            continue
        # numpy arrays: plotly validates lists element by element (slow on big grids)
        custom = np.empty((len(bucket["custom"]), 5), dtype=object)
        custom[:] = bucket["custom"]
        ink = bucket["ink"] if with_text else "white"
        marker: dict[str, object] = {"symbol": "square", "size": size, "sizemode": "diameter"}
        if has_value:
            colorbar: dict[str, object] = {
                "title": {"text": hm.measure_label, "side": "right"},
                "thickness": 14,
            }
            if hm.measure == "share4":
                colorbar["ticksuffix"] = " %"
            marker.update(
                color=np.asarray(bucket["color"], dtype=float),
                colorscale=COLORSCALE,
                cmin=low,
                cmax=high,
                showscale=True,
                colorbar=colorbar,
            )
        else:
            marker["color"] = _NO_RATING
        fig.add_trace(
            go.Scatter(
                x=np.asarray(bucket["x"], dtype=object),
                y=np.asarray(bucket["y"], dtype=object),
                mode="markers+text" if with_text else "markers",
                marker=marker,
                text=np.asarray(bucket["text"], dtype=object) if with_text else None,
                textposition="middle center",
                textfont={"color": ink, "size": 12},
                customdata=custom,
                hovertext=np.asarray(bucket["hover"], dtype=object),
                hovertemplate="%{hovertext}<extra></extra>",
                name=hm.measure_label if has_value else "no rated entries",
                showlegend=False,
                # the chosen cell gets a ring; the others keep their colour so
                # the colour bar still reads true
                selected={"marker": {"opacity": 1.0}},
                unselected={"marker": {"opacity": 0.85}},
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
        margin={"l": left, "r": 10, "t": top, "b": bottom},
        clickmode="event+select",
        dragmode=False,
        hovermode="closest",
        xaxis={
            **axis,
            "categoryarray": list(hm.cols),
            "tickvals": list(hm.cols),
            "ticktext": [_escape(c) for c in hm.cols],
            "range": [-0.5, n_cols - 0.5],
            "side": "top",
        },
        yaxis={
            **axis,
            "categoryarray": labels,
            "tickvals": labels,
            "ticktext": [_escape(label) for label in labels],
            "range": [n_rows - 0.5, -0.5],  # reversed: the first row on top
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


def sankey_figure(links: pd.DataFrame) -> go.Figure:
    """A Sankey of ``source → target`` links (value = signals along the link).

    Node names may carry the layer marker of :func:`seedscope.outcomes.sankey_links`:
    it keeps a text that is both a driving force and an outcome as two nodes,
    and is stripped here. Labels are wrapped to two short lines (about 40
    characters) and cut with "…"; hovering shows the full text.
    """
    if links.empty:
        return _message_figure("No signals with both a driving force and a 10-year outcome.")
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
    fig = go.Figure(
        go.Sankey(
            arrangement="snap",
            node={
                "label": [wrap_label(t) for t in texts],
                "customdata": [_escape(t) for t in texts],
                "hovertemplate": "%{customdata}<br>%{value} signal(s)<extra></extra>",
                "color": [_LAYER_COLOURS.get(layer or "", "#888888") for layer in layers],
                "pad": 12,
                "thickness": 16,
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
        height=int(max(320, min(1800, 38 * busiest + 60))),
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
