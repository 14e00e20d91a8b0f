"""Trends: which concepts are new, rising, steady or fading, and the newest signals."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from seedscope.concepts import CONCEPT_FACETS
from seedscope.emerging import emerging_signals, weak_signals
from seedscope.filters import SignalRef
from seedscope.fmt import count_label
from seedscope.momentum import MIN_RATIO
from seedscope.trend_figures import period_label, rising_figure
from seedscope.trends import PERIODS, compute_trends, exclusion_note
from ui import context, sidebar, state
from ui.trends import (
    briefing_download,
    filter_by_concept,
    remember,
)
from ui.widgets import downloads, filters_caption, picked_row, widget_key

WINDOWS = ["1", "2", "3", "4", "6", "8"]
MIN_DOCS = ["2", "3", "5", "10", "20"]
HOW = f"""
**Share, not counts.** Each concept's weight in a period is the share of that period's
documents that carry it, because the number of digests per period varies a lot.

**Momentum** compares the share inside the window (the last full quarters of page dates)
with the share in all documents dated before it. The **score** is the confidence bound of
that ratio nearest to 1, on a log2 scale (1 = at least twice as frequent, −1 = at most half),
and 0 when the interval includes 1. The interval is a Wilson score interval for the part of
the concept's documents that fall in the window, so it also works when a side is 0. Small
counts have wide intervals, so 1 → 2 documents never outranks 20 → 40. The intervals are
widened for the number of concepts compared at once, so that at most 5 % of the concepts
called rising or fading are flukes (Benjamini–Hochberg).

**Labels:** *new* — absent before the window, in at least the minimum number of documents
inside it; *rising* / *fading* — the interval lies above / below 1 and the share changed by
at least {MIN_RATIO:g}×; *steady* — the rest. Concepts with fewer documents than the minimum
on both sides are not listed. Documents without a page date, dated in the future or in the
quarter still under way are left out.
"""

ctx = context.get()
view, explorer = ctx.view, ctx.explorer

st.title("Trends")
filters_caption(ctx)
if view.empty:
    sidebar.empty_state(ctx.state, ctx.explorer)
    context.end()

facet = state.page_param("concepts", "themes", list(CONCEPT_FACETS))
period = state.page_param("period", "quarter", list(PERIODS))
window_quarters = int(state.page_param("window", "2", WINDOWS))
min_docs = int(state.page_param("min_docs", "3", MIN_DOCS))

concepts_cell, period_cell, window_cell, min_docs_cell, briefing_cell = st.columns(
    5, vertical_alignment="bottom"
)
concepts_cell.segmented_control(
    "Concepts",
    list(CONCEPT_FACETS),
    format_func=CONCEPT_FACETS.get,
    key="p_concepts",
    required=True,
)
period_cell.segmented_control(
    "Period", list(PERIODS), format_func=PERIODS.get, key="p_period", required=True
)
window_cell.selectbox(
    "Recent window",
    WINDOWS,
    key="p_window",
    format_func=lambda n: f"last {n} full quarter{'s' if n != '1' else ''}",
)
min_docs_cell.selectbox(
    "Minimum documents",
    MIN_DOCS,
    key="p_min_docs",
    help="A concept needs this many documents inside the window (new, rising) or before it "
    "(fading) to get a label",
)
with briefing_cell:
    briefing_download(ctx, window_quarters, key="trends_briefing")

today = dt.date.today()
params = (ctx.state, facet, period, window_quarters, min_docs, today, ctx.report.generation)
trends = remember(
    "trends",
    params,
    lambda: compute_trends(
        explorer,
        view,
        facet,
        period=period,
        window_quarters=window_quarters,
        min_docs=min_docs,
        today=today,
    ),
)
note = exclusion_note(trends)
if trends.message:
    st.info(trends.message, icon=":material/info:")
    if note:
        st.caption(note)
    context.end()

window = trends.window
assert window is not None
st.caption(
    f"Window **{window.label}**: {count_label(trends.window_total, 'dated document')}, "
    f"compared with the {trends.before_total:,} dated before it. {note}"
)
for col, label in zip(st.columns(4), ("new", "rising", "steady", "fading"), strict=True):
    col.metric(label.capitalize(), f"{trends.labels.get(label, 0):,}")

st.subheader("Top rising and new concepts")
top = trends.top(("new", "rising"), 5)
chart = st.plotly_chart(
    rising_figure(trends, list(top["concept"])),
    key=widget_key("trends_chart", params),
    on_select="rerun",
    selection_mode="points",
    config={"displaylogo": False},
)
points = chart.selection.points if chart and chart.selection else []
if points and points[0].get("customdata"):
    filter_by_concept(ctx.state, facet, str(points[0]["customdata"][0]))
st.caption(
    f"Share of documents per {period} · the shaded band is the window · "
    "click a point to filter every page by that concept"
)

st.subheader(f"{CONCEPT_FACETS[facet]} by momentum")
# the grid's sparklines cannot draw a gap: a period without documents shows as 0
# and a new concept's ratio is infinite: the label says it, the cell stays empty
shown = trends.table.assign(
    trend=[[0.0 if v is None else v for v in row] for row in trends.table["trend"]],
    ratio=trends.table["ratio"].where(trends.table["before_docs"] > 0),
    window_share=trends.table["window_share"] * 100,
    before_share=trends.table["before_share"] * 100,
)
more = []
if trends.hidden:
    more.append(f"{trends.hidden:,} with fewer than {min_docs} documents are not listed")
if trends.cut:
    more.append(f"{trends.cut:,} steady ones beyond the first {len(shown):,} are left out")
st.caption(
    f"{count_label(len(shown), 'concept')} · strongest change first · click a column to sort, "
    "select a row to filter every page by that concept" + (f" · {'; '.join(more)}" if more else "")
)
columns = {
    "label": st.column_config.TextColumn("Concept", width="medium"),
    "momentum": st.column_config.TextColumn("Momentum", width="small"),
    "trend": st.column_config.LineChartColumn(
        f"Share per {period}", width="medium", y_min=0.0, help="Share of documents per period"
    ),
    "window_docs": st.column_config.NumberColumn("In window", help="Documents inside the window"),
    "before_docs": st.column_config.NumberColumn("Before", help="Documents before the window"),
    "window_share": st.column_config.NumberColumn("Share now", format="%.1f %%"),
    "before_share": st.column_config.NumberColumn("Share before", format="%.1f %%"),
    "ratio": st.column_config.NumberColumn("Ratio", format="%.2f×"),
    "score": st.column_config.NumberColumn(
        "Score", format="%.2f", help="log2 of the confidence bound nearest to 1; 0 = no change"
    ),
}
with st.container(key="trends_table"):
    event = st.dataframe(
        shown,
        key=widget_key("trends_rows", params),
        hide_index=True,
        on_select="rerun",
        selection_mode="single-row",
        column_order=list(columns),
        column_config=columns,
        height=min(460, 3 + 35 * (len(shown) + 1)),
    )
row = picked_row(event, shown)
if row is not None:
    filter_by_concept(ctx.state, facet, str(row["concept"]))
downloads(
    trends.table.drop(columns=["trend"]).assign(
        ratio=shown["ratio"], **{p: trends.shares[p].to_numpy() for p in trends.shares.columns}
    ),
    f"trends-{facet}-{period}",
    key="trends_dl",
)
with st.expander("How momentum is scored", icon=":material/help:"):
    st.markdown(HOW)

left, right = st.columns(2, gap="large")
signal_columns = {
    "name": st.column_config.TextColumn("Signal", width="medium"),
    "documents": st.column_config.NumberColumn("Documents", width="small"),
    "first_seen": st.column_config.DateColumn("First seen", format="D MMM YYYY"),
    "relevancy": st.column_config.NumberColumn("Relevancy", format="%.1f", width="small"),
    "title": st.column_config.TextColumn("Document", width="medium"),
    "page_date": st.column_config.DateColumn("Date", format="D MMM YYYY"),
}
for column, name, title, rows, order, help_text in (
    (
        left,
        "emerging",
        "Emerging signals",
        lambda: emerging_signals(explorer, view, window, today=today),
        ["name", "documents", "first_seen", "relevancy"],
        f"Signals first seen in {window.label} and already reported by two documents or more.",
    ),
    (
        right,
        "weak",
        "Weak signals",
        lambda: weak_signals(explorer, view, window, today=today),
        ["name", "relevancy", "title", "page_date"],
        f"Signals seen in one document only, in {window.label}, rated relevancy 4 or more.",
    ),
):
    with column:
        st.subheader(title)
        table = remember(name, params, rows)
        st.caption(f"{help_text} Select one to open its drill-down.")
        if table.empty:
            st.info(f"No {title.lower()} in {window.label} under these filters.")
            continue
        with st.container(key=f"{name}_signals"):
            picked = st.dataframe(
                table,
                key=widget_key(f"{name}_rows", params),
                hide_index=True,
                on_select="rerun",
                selection_mode="single-row",
                column_order=order,
                column_config=signal_columns,
                height=min(400, 3 + 35 * (len(table) + 1)),
            )
        chosen = picked_row(picked, table)
        if chosen is not None:
            context.open_signal(SignalRef(str(chosen["doc_id"]), int(chosen["position"])))
        downloads(table, f"{name}-signals-{period_label(window.quarters[-1])}", key=f"{name}_dl")
