"""The other charts of the Explore pages: signals per month, the outcomes Sankey, counts.

Built from pure data (no streamlit here); the heatmap has its own module,
:mod:`seedscope.heatmap_figures`, and the conventions all charts share
(theme left alone, font, escaped document text, the empty figure) are in
:mod:`seedscope.figure_style`.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence

import pandas as pd
import plotly.graph_objects as go

from .figure_style import FONT, escape, message_figure, shorten
from .outcomes import node_label, node_layer

#: Sankey labels: at most two lines of this many characters.
SANKEY_LINE_LENGTH = 30
SANKEY_LINES = 2
_LAYER_COLOURS = {"driving_force": "#4C78A8", "signal": "#F58518", "ten_year": "#54A24B"}


def wrap_label(text: str, width: int = SANKEY_LINE_LENGTH, lines: int = SANKEY_LINES) -> str:
    """Up to ``lines`` lines of ``width`` characters joined by ``<br>``, "…" when cut.

    The text is HTML-escaped line by line, so only the ``<br>`` are markup.
    """
    words = " ".join(text.split())
    wrapped = textwrap.wrap(words, width=width, break_long_words=True) or [""]
    if len(wrapped) > lines:
        wrapped = wrapped[:lines]
        wrapped[-1] = wrapped[-1][: width - 1].rstrip() + "…"
    return "<br>".join(escape(line) for line in wrapped)


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
        return message_figure("No dated signals.")
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
        return message_figure("No dated signals.")
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
        return message_figure("No signals with both a driving force and a 10-year outcome.")
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
            return escape(text)
        shown = [f"• {escape(shorten(t, 90))}" for t in grouped[:8]]
        more = [f"… and {len(grouped) - 8} more"] if len(grouped) > 8 else []
        return "<br>".join([f"<b>{escape(text)}</b>", *shown, *more])

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
                    f"{escape(node_label(s))} → {escape(node_label(t))}"
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
        return message_figure(f"{title}: nothing to count.")
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
        title={"text": escape(title), "x": 0, "xanchor": "left"},
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
            "ticktext": [escape(label) for label in labels],
            "tickvals": labels,
        },
        showlegend=False,
    )
    return fig
