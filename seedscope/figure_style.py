"""What every chart of the Explore pages shares: font, escaped text, the empty figure.

Every figure leaves ``layout.template`` alone so that Streamlit's light or
dark theme applies, uses readable font sizes and tight margins, and sets
everything it needs in the layout itself (nothing depends on the ``config``
the page passes to ``st.plotly_chart``). Text that comes from documents is
HTML-escaped (:func:`escape`), because plotly reads ``<b>``, ``<br>`` and
entities in labels.
"""

from __future__ import annotations

import html

import plotly.graph_objects as go

FONT = {"size": 13}


def escape(text: object) -> str:
    """Text from a document made inert for plotly, which reads HTML in labels."""
    return html.escape(str(text), quote=False)


def shorten(text: str, limit: int) -> str:
    """``text`` on one line, cut to ``limit`` characters with "…"."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def message_figure(text: str, height: int = 220) -> go.Figure:
    """An empty figure that says why it is empty (instead of blank axes)."""
    fig = go.Figure()
    fig.add_annotation(text=escape(text), showarrow=False, xref="paper", yref="paper", x=0.5, y=0.5)
    fig.update_layout(
        height=height,
        font=FONT,
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        xaxis={"visible": False},
        yaxis={"visible": False},
    )
    return fig
