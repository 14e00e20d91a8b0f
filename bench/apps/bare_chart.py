"""A bare one-chart Streamlit app: the floor for "time to draw a plotly chart" on a fresh load.

``bench/browser_timing.py`` serves it and times ``.st-key-bare_chart`` (Streamlit gives a
keyed element the CSS class ``st-key-<key>``). Extra command-line arguments are ignored.
"""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

st.set_page_config(page_title="bare chart", layout="wide")

COLUMNS, ROWS = 15, 5
xs = [column for _row in range(ROWS) for column in range(COLUMNS)]
ys = [row for row in range(ROWS) for _column in range(COLUMNS)]
fig = go.Figure(
    go.Scatter(
        x=xs,
        y=ys,
        mode="markers",
        marker={"symbol": "square", "size": 28, "color": xs, "colorscale": "Viridis"},
    )
)
fig.update_layout(height=320, margin={"l": 20, "r": 20, "t": 20, "b": 20})
st.plotly_chart(fig, key="bare_chart")
