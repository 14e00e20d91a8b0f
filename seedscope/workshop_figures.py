"""Charts of a workshop's ratings: the impact × likelihood matrix and distributions.

Kept apart from :mod:`seedscope.figures` because they are drawn for a room:
large fonts, few elements, readable on a projector in light or dark themes.
"""

from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go

SCORES = [1, 2, 3, 4, 5]
#: Room colours: (background, text) per projector theme; contrast above 15:1.
ROOM_COLOURS = {"light": ("#ffffff", "#111111"), "dark": ("#0d1117", "#f5f5f5")}


def room_style(figure: go.Figure, theme: str = "light", font_size: int = 20) -> go.Figure:
    """Projector styling: every text element sized and coloured explicitly.

    Streamlit's own chart theme sets legend and tick fonts and grey text;
    room charts are drawn with ``theme=None`` and this style instead, so the
    back row reads them in the light and the dark projector theme alike.
    """
    background, text = ROOM_COLOURS.get(theme, ROOM_COLOURS["light"])
    font = {"size": font_size, "color": text}
    figure.update_layout(
        template="plotly_dark" if theme == "dark" else "plotly_white",
        paper_bgcolor=background,
        plot_bgcolor=background,
        font=font,
        legend={"font": font},
        hoverlabel={"font": {"size": font_size}},
    )
    figure.update_xaxes(
        tickfont=font,
        title_font={**font, "size": font_size + 2},
        linecolor=text,
        gridcolor="rgba(128,128,128,0.25)",
    )
    figure.update_yaxes(
        tickfont=font,
        title_font={**font, "size": font_size + 2},
        linecolor=text,
        gridcolor="rgba(128,128,128,0.25)",
    )
    figure.update_traces(textfont={"size": font_size, "color": text}, selector={"type": "bar"})
    figure.update_traces(textfont={"size": font_size, "color": text}, selector={"type": "scatter"})
    return figure


def matrix_figure(summary: pd.DataFrame, *, font_size: int = 18, height: int = 560) -> go.Figure:
    """One point per rated signal at (mean likelihood, mean impact), sized by ratings.

    ``summary`` needs columns doc_id, position, label, ratings, impact_mean,
    likelihood_mean; customdata carries [doc_id, position] so a click can
    open the signal's comments.
    """
    rated = summary[summary["ratings"] > 0]
    figure = go.Figure()
    figure.add_shape(
        type="line", x0=3, x1=3, y0=0.5, y1=5.5, line={"dash": "dot", "width": 1}, opacity=0.4
    )
    figure.add_shape(
        type="line", x0=0.5, x1=5.5, y0=3, y1=3, line={"dash": "dot", "width": 1}, opacity=0.4
    )
    if len(rated):
        largest = max(int(rated["ratings"].max()), 1)
        labels = [html.escape(str(label)) for label in rated["label"]]
        figure.add_trace(
            go.Scatter(
                x=rated["likelihood_mean"],
                y=rated["impact_mean"],
                mode="markers+text",
                text=[label if len(label) <= 28 else label[:27] + "…" for label in labels],
                textposition="top center",
                textfont={"size": font_size},
                marker={
                    "size": [18 + 42 * (n / largest) ** 0.5 for n in rated["ratings"]],
                    "color": "#1f6f8b",
                    "opacity": 0.8,
                    "line": {"width": 2, "color": "#ffffff"},
                },
                customdata=rated[["doc_id", "position", "ratings"]].to_numpy(),
                hovertemplate=(
                    "<b>%{text}</b><br>impact %{y:.1f} · likelihood %{x:.1f}"
                    "<br>%{customdata[2]} ratings<extra></extra>"
                ),
            )
        )
    axis = {
        "range": [0.5, 5.5],
        "tickvals": SCORES,
        "tickfont": {"size": font_size},
        "zeroline": False,
        "showgrid": False,
    }
    figure.update_layout(
        height=height,
        margin={"l": 70, "r": 30, "t": 30, "b": 70},
        showlegend=False,
        font={"size": font_size},
        clickmode="event+select",
        dragmode=False,
        xaxis={**axis, "title": {"text": "Likelihood", "font": {"size": font_size + 2}}},
        yaxis={**axis, "title": {"text": "Impact", "font": {"size": font_size + 2}}},
    )
    return figure


def distribution_figure(tally: dict, *, font_size: int = 18, height: int = 260) -> go.Figure:
    """Impact and likelihood counts per score (1–5) for one signal, side by side."""
    impact = [int(tally.get("impact", {}).get(s, 0)) for s in SCORES]
    likelihood = [int(tally.get("likelihood", {}).get(s, 0)) for s in SCORES]
    figure = go.Figure(
        [
            go.Bar(
                name="Impact",
                x=SCORES,
                y=impact,
                marker_color="#1f6f8b",
                text=[v or "" for v in impact],
                textposition="outside",
            ),
            go.Bar(
                name="Likelihood",
                x=SCORES,
                y=likelihood,
                marker_color="#e07a1f",
                text=[v or "" for v in likelihood],
                textposition="outside",
            ),
        ]
    )
    top = max([*impact, *likelihood, 1])
    figure.update_layout(
        barmode="group",
        height=height,
        margin={"l": 40, "r": 10, "t": 10, "b": 40},
        font={"size": font_size},
        legend={"orientation": "h", "y": 1.15, "x": 0},
        xaxis={"tickvals": SCORES, "title": None},
        yaxis={"visible": False, "range": [0, top * 1.3]},
        dragmode=False,
    )
    return figure
