"""Overview: headline figures, the theme × section heatmap, signals over time."""

from __future__ import annotations

import streamlit as st

from seedscope.figures import timeline_figure
from seedscope.fmt import count_label, date_span, year_span
from seedscope.heatmap import MEASURES, build_heatmap
from seedscope.heatmap_figures import heatmap_figure, heatmap_min_width
from seedscope.tables import headline, signals_per_month, signals_table
from ui import context, sidebar, state
from ui.widgets import (
    downloads,
    filters_caption,
    no_signals_note,
    plotly_chart,
    signal_links,
)

ctx = context.get()
view, explorer = ctx.view, ctx.explorer

st.title("Overview")
filters_caption(ctx)
if view.empty:
    sidebar.empty_state(ctx.state, ctx.explorer)
    context.end()

signals = view.signals
figures = headline(explorer, view)
documents, signal_count, others, span, theme_count = st.columns(5)
documents.metric("Documents", f"{figures.documents:,}")
signal_count.metric("Signals", f"{figures.signals:,}")
others.metric(
    "Other entries",
    f"{figures.other_entries:,}",
    help="Concerns, behaviors, technologies and issues",
)
span.metric(
    "Date span", year_span(figures.first, figures.last), help=date_span(figures.first, figures.last)
)
theme_count.metric("Themes", f"{figures.themes:,}")

st.subheader("Relevancy by theme and section")
measure = state.page_param("measure", "mean", list(MEASURES), key="overview_measure")
st.segmented_control(
    "Measure",
    list(MEASURES),
    format_func=MEASURES.get,
    key="overview_measure",
    required=True,
    label_visibility="collapsed",
)
heatmap = build_heatmap(explorer, view, "theme", "section", measure, top=12)
if heatmap.rows:
    plotly_chart(
        heatmap_figure(heatmap), key="overview_heatmap", min_width=heatmap_min_width(heatmap)
    )
    st.caption(
        f"Top {len(heatmap.rows)} of {heatmap.total_rows:,} themes by number of entries; "
        "each cell shows its value and its number of entries (n). The Heatmaps page lets "
        "you click cells and change the axes."
    )
else:
    st.info("No theme has entries under these filters.")

left, right = st.columns([3, 2])
with left:
    st.subheader("Signals per month")
    timeline = signals_per_month(explorer, view)
    if not timeline.months.empty:
        st.plotly_chart(
            timeline_figure(timeline.months),
            key="overview_timeline",
            config={"displaylogo": False},
        )
    elif signals.empty:
        no_signals_note(ctx)
    else:
        st.info("None of these signals comes from a dated document.")
    if timeline.future_signals:
        st.caption(
            f"Not drawn: {count_label(timeline.future_signals, 'signal')} from "
            "documents dated in the future (see Data health)."
        )
with right:
    st.subheader("Most relevant signals")
    if signals.empty:
        no_signals_note(ctx)
    else:
        top = signals_table(explorer, view, limit=10)
        signal_links(ctx, top, key="overview_top_signals")
        downloads(top, "top-signals", key="overview_dl")
