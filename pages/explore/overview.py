"""Overview: headline figures, the theme × section heatmap, signals over time."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from seedscope.figures import heatmap_figure, timeline_figure
from seedscope.fmt import count_label, date_span, year_span
from seedscope.heatmap import MEASURES, build_heatmap
from seedscope.tables import signals_per_month, signals_table
from ui import context, sidebar, state
from ui.columns import SIGNAL_COLUMNS
from ui.widgets import downloads

ctx = context.get()
view, explorer = ctx.view, ctx.explorer

st.title("Overview")
st.caption(f"Filters: {ctx.state.describe()}")
if view.empty:
    sidebar.empty_state(ctx.state)
    context.end()

signals = view.signals
first, last = view.documents["page_date"].min(), view.documents["page_date"].max()
themes = view.tags.loc[view.tags["list"] == "Themes", "value_norm"].nunique()
cols = st.columns(5)
cols[0].metric("Documents", f"{len(view.documents):,}")
cols[1].metric("Signals", f"{len(signals):,}")
cols[2].metric(
    "Other entries",
    f"{len(view.entries) - len(signals):,}",
    help="Concerns, behaviors, technologies and issues",
)
cols[3].metric("Date span", year_span(first, last), help=date_span(first, last))
cols[4].metric("Themes", f"{themes:,}")

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
    st.plotly_chart(heatmap_figure(heatmap), key="overview_heatmap", config={"displaylogo": False})
    st.caption(
        f"Top {len(heatmap.rows)} of {heatmap.total_rows:,} themes by number of entries. "
        "Hover a cell for its counts; the Heatmaps page lets you click cells and change the axes."
    )
else:
    st.info("No theme has entries under these filters.")

left, right = st.columns([3, 2])
with left:
    st.subheader("Signals per month")
    per_month = signals_per_month(explorer, view)
    # A few digests carry page dates in the future (kept, with a warning in
    # Data health); drawing them would stretch the axis to an empty decade.
    this_month = pd.Timestamp.today().strftime("%Y-%m")
    future = per_month[per_month["month"] > this_month]
    per_month = per_month[per_month["month"] <= this_month]
    if per_month.empty:
        st.info("None of these documents has a page date.")
    else:
        st.plotly_chart(
            timeline_figure(per_month), key="overview_timeline", config={"displaylogo": False}
        )
    if int(future["signals"].sum()):
        st.caption(
            f"Not drawn: {count_label(int(future['signals'].sum()), 'signal')} from "
            "documents dated in the future (see Data health)."
        )
with right:
    st.subheader("Most relevant signals")
    top = signals_table(explorer, view).head(10)
    event = st.dataframe(
        top,
        key="overview_top_signals",
        hide_index=True,
        on_select="rerun",
        selection_mode="single-row",
        column_order=["name", "relevancy", "title", "page_date"],
        column_config=SIGNAL_COLUMNS,
    )
    if event.selection.rows:
        row = top.iloc[event.selection.rows[0]]
        state.open_signal(f"{row['doc_id']}:{row['position']}")
        context.go("signals")
    st.caption("Select a row to open the signal.")
    downloads(top, "top-signals", key="overview_dl")
