"""Charts of a workshop's ratings: the impact × likelihood matrix and distributions.

Kept apart from :mod:`seedscope.figures` because they are drawn for a room:
large fonts, few elements, readable on a projector in light or dark themes.
"""

from __future__ import annotations

import html
import math

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
    # scatter labels sit inside the matrix's markers: their colour is the marker's business
    figure.update_traces(textfont={"size": font_size}, selector={"type": "scatter"})
    return figure


#: Markers closer than this (in score units) are nudged apart for display: on a
#: 460 px chart a score unit is about 75 px, so two numbers never touch.
MIN_GAP = 0.35
_NUDGE_STEP = 0.15
_DIRECTIONS = [(math.cos(a), math.sin(a)) for a in (i * math.pi / 4 for i in range(8))]
MARKER = "#1f6f8b"
SPLIT_MARKER = "#e07a1f"


def matrix_positions(summary: pd.DataFrame) -> list[tuple[float, float]]:
    """Where each rated signal's marker is drawn: at its means, nudged off its neighbours.

    Rows in ``summary`` order (rated signals only). Two signals the room rated
    alike would otherwise hide one another; the nudge is the smallest step of a
    spiral around the true point, so no marker strays far (hover shows the
    true means).
    """
    rated = summary[summary["ratings"] > 0]
    placed: list[tuple[float, float]] = []
    for x0, y0 in zip(rated["likelihood_mean"], rated["impact_mean"], strict=True):
        point = (float(x0), float(y0))
        ring = 0
        while any(math.dist(point, other) < MIN_GAP for other in placed):
            ring += 1
            candidates = [
                (
                    min(max(x0 + dx * _NUDGE_STEP * ring, 0.6), 5.4),
                    min(max(y0 + dy * _NUDGE_STEP * ring, 0.6), 5.4),
                )
                for dx, dy in _DIRECTIONS
            ]
            free = [c for c in candidates if all(math.dist(c, o) >= MIN_GAP for o in placed)]
            if free:
                point = free[0]
        placed.append(point)
    return placed


def matrix_figure(summary: pd.DataFrame, *, font_size: int = 18, height: int = 560) -> go.Figure:
    """Impact × likelihood: one numbered marker per rated signal, with the room's spread.

    ``summary`` is a store summary (doc_id, position, name, ratings, means,
    SDs, rank, split). The number in a marker is the signal's rank, so labels
    never collide: names are in the ranking beside the chart. Error bars show
    the standard deviation of each axis; signals the room split on are orange.
    ``customdata`` carries [doc_id, position] so a click can open comments.
    """
    rated = summary[summary["ratings"] > 0]
    figure = go.Figure()
    for x0, x1, y0, y1 in ((3, 3, 0.5, 5.5), (0.5, 5.5, 3, 3)):
        figure.add_shape(
            type="line", x0=x0, x1=x1, y0=y0, y1=y1, line={"dash": "dot", "width": 1}, opacity=0.4
        )
    if len(rated):
        largest = max(int(rated["ratings"].max()), 1)
        positions = matrix_positions(summary)
        names = [html.escape(str(name)) for name in rated["name"]]
        figure.add_trace(
            go.Scatter(
                x=[x for x, _ in positions],
                y=[y for _, y in positions],
                mode="markers+text",
                text=[str(rank) for rank in rated["rank"]],
                textposition="middle center",
                textfont={"size": font_size, "color": "#ffffff"},
                error_x={
                    "type": "data",
                    "array": rated["likelihood_sd"],
                    "thickness": 1.5,
                    "width": 0,
                    "color": "rgba(128,128,128,0.7)",
                },
                error_y={
                    "type": "data",
                    "array": rated["impact_sd"],
                    "thickness": 1.5,
                    "width": 0,
                    "color": "rgba(128,128,128,0.7)",
                },
                marker={
                    "size": [26 + 20 * (n / largest) ** 0.5 for n in rated["ratings"]],
                    "color": [SPLIT_MARKER if split else MARKER for split in rated["split"]],
                    "opacity": 0.92,
                    "line": {"width": 2, "color": "#ffffff"},
                },
                customdata=list(
                    zip(
                        rated["doc_id"],
                        rated["position"],
                        names,
                        rated["ratings"],
                        rated["impact_mean"],
                        rated["impact_sd"],
                        rated["likelihood_mean"],
                        rated["likelihood_sd"],
                        strict=True,
                    )
                ),
                hovertemplate=(
                    "<b>%{customdata[2]}</b><br>impact %{customdata[4]:.1f} ± %{customdata[5]:.1f}"
                    " · likelihood %{customdata[6]:.1f} ± %{customdata[7]:.1f}"
                    "<br>%{customdata[3]} ratings<extra></extra>"
                ),
            )
        )
    axis = {
        "range": [0.5, 5.5],
        "tickvals": SCORES,
        "tickfont": {"size": font_size},
        "zeroline": False,
        "showgrid": False,
        "fixedrange": True,
    }
    figure.update_layout(
        height=height,
        margin={"l": 70, "r": 20, "t": 20, "b": 60},
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
