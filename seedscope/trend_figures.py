"""Plotly figures of the Trends and Coverage pages (no streamlit here).

Like :mod:`seedscope.figure_style` says, figures leave the template alone so
Streamlit's theme applies, and every label that comes from a document (a
concept's label is a tag as written) is HTML-escaped, because plotly reads
``<b>`` and entities in labels.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from .coverage import MEASURES, UNCLASSIFIED, CoverageGrid
from .figure_style import FONT, escape, message_figure
from .fmt import fmt_mean, is_missing
from .trends import Trends

#: Colour-blind-safe (Okabe–Ito) line colours for the top concepts.
BLIND_COLOUR = "#D55E00"
LINE_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#000000")


def _period_start(period: str) -> pd.Timestamp:
    return pd.Period(period).start_time


def period_label(period: str) -> str:
    """``2024Q3`` → ``2024 Q3``; ``2024-07`` → ``Jul 2024``."""
    if "Q" in period:
        return period.replace("Q", " Q")
    return pd.Period(period, "M").strftime("%b %Y")


def rising_figure(trends: Trends, concepts: list[str], height: int = 360) -> go.Figure:
    """Share of documents per period of each concept, the window shaded.

    Every point's ``customdata`` is ``[concept id, documents, period total]``
    so a click on a line can filter by that concept.
    """
    if not concepts or trends.shares.empty:
        return message_figure("No concept is new or rising in this window.")
    periods = list(trends.shares.columns)
    x = [_period_start(p) for p in periods]
    labels = trends.table.set_index("concept")["label"]
    totals = trends.period_docs.reindex(periods).to_numpy()
    fig = go.Figure()
    for i, concept in enumerate(concepts):
        share = trends.shares.loc[concept].to_numpy(dtype=float) * 100
        counts = trends.counts.loc[concept].to_numpy()
        label = escape(labels.get(concept, concept))
        fig.add_trace(
            go.Scatter(
                x=x,
                y=share,
                mode="lines+markers",
                name=label,
                line={"color": LINE_COLOURS[i % len(LINE_COLOURS)], "width": 2.5},
                marker={"size": 7},
                customdata=np.column_stack([[concept] * len(x), counts, totals]),
                text=[period_label(p) for p in periods],
                hovertemplate=(
                    f"<b>{label}</b><br>%{{text}}: %{{y:.1f}} % of documents"
                    "<br>%{customdata[1]} of %{customdata[2]} documents<extra></extra>"
                ),
                connectgaps=False,
            )
        )
    if trends.window is not None:
        fig.add_vrect(
            x0=trends.window.start,
            x1=trends.window.end - pd.Timedelta(days=1),
            fillcolor="rgba(128,128,128,0.15)",
            line_width=0,
            annotation_text="window",
            annotation_position="top left",
        )
    fig.update_layout(
        height=height,
        font=FONT,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        yaxis={"title": "share of documents (%)", "rangemode": "tozero"},
        xaxis={"title": None},
        legend={"orientation": "h", "y": -0.15},
        hovermode="closest",
        clickmode="event+select",
    )
    return fig


def _format(measure: str, value: float) -> str:
    if measure == "mean" or is_missing(value):
        return fmt_mean(value)
    return f"{int(value):,}"


def coverage_figure(grid: CoverageGrid, measure: str, column_title: str) -> go.Figure:
    """Families × columns coloured by ``measure``; blind spots crossed out."""
    if grid.documents.empty or not len(grid.documents.columns):
        return message_figure("No entries under these filters.")
    values = grid.values(measure).astype(float)
    columns = [str(c) for c in values.columns]
    shown = [period_label(c) if grid.axis != "section" else c for c in columns]
    rows = list(values.index)
    documents = grid.documents.to_numpy()
    entries = grid.entries.to_numpy()
    means = grid.mean.to_numpy(dtype=float)
    text = [[_format(measure, v) for v in row] for row in values.to_numpy()]
    hover = [
        [
            f"<b>{escape(rows[r])}</b> · {escape(shown[c])}<br>{documents[r, c]:,} documents"
            f" · {entries[r, c]:,} entries · mean relevancy {_format('mean', means[r, c])}"
            + ("<br><b>blind spot</b>" if grid.thin.iloc[r, c] else "")
            for c in range(len(columns))
        ]
        for r in range(len(rows))
    ]
    fig = go.Figure(
        go.Heatmap(
            z=values.to_numpy(),
            x=shown,
            y=rows,
            text=text,
            texttemplate="%{text}" if len(columns) <= 16 else None,
            hovertext=hover,
            hoverinfo="text",
            colorscale="Viridis",
            colorbar={"title": {"text": MEASURES[measure]}},
            xgap=2,
            ygap=2,
        )
    )
    thin_r, thin_c = np.nonzero(grid.thin.to_numpy())
    if len(thin_r):
        fig.add_trace(
            go.Scatter(
                x=[shown[c] for c in thin_c],
                y=[rows[r] for r in thin_r],
                mode="markers",
                marker={
                    "symbol": "x-thin-open",
                    "size": 16,
                    "color": BLIND_COLOUR,
                    "line": {"width": 2.5, "color": BLIND_COLOUR},
                },
                name="blind spot",
                hoverinfo="skip",
                showlegend=True,
            )
        )
    fig.update_layout(
        height=60 + 38 * len(rows) + 60,
        font=FONT,
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        xaxis={"title": column_title, "type": "category", "side": "bottom"},
        yaxis={"autorange": "reversed", "type": "category"},
        legend={"orientation": "h", "y": 1.08, "x": 0},
    )
    if UNCLASSIFIED in rows:
        fig.add_hline(y=len(rows) - 1.5, line_width=1, line_dash="dot", line_color="grey")
    return fig
