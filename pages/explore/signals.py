"""Signals: search and sort them, drill from one to its 10-year outcome, find related ones."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from seedscope.drilldown import signal_detail
from seedscope.figures import sankey_figure
from seedscope.fmt import count_label
from seedscope.outcomes import outcomes_by_theme, sankey_links
from seedscope.tables import signals_table
from ui import context, sidebar, state
from ui.columns import SIGNAL_COLUMNS
from ui.drilldown import draw_drilldown
from ui.widgets import downloads

#: The table shows at most this many signals (most relevant first); the
#: downloads always hold every filtered signal.
MAX_ROWS = 5_000

ctx = context.get()
view, explorer = ctx.view, ctx.explorer

st.title("Signals")
st.caption(f"Filters: {ctx.state.describe()}")
if view.empty or view.signals.empty:
    sidebar.empty_state(ctx.state)
    context.end()

table = signals_table(explorer, view)
tab = state.page_param("tab", "signals", ["signals", "outcomes"])
choice = st.segmented_control(
    "View",
    ["signals", "outcomes"],
    key="p_tab",
    required=True,
    label_visibility="collapsed",
    format_func={"signals": "Signals and drill-down", "outcomes": "Outcomes in 10 years"}.get,
)

if choice == "signals":
    left, right = st.columns([6, 5], gap="large")
    with left:
        shown = table.head(MAX_ROWS)
        more = f" (the {len(shown):,} most relevant are listed)" if len(shown) < len(table) else ""
        st.caption(
            f"{count_label(len(table), 'signal')}{more} · most relevant first · "
            "click a column to sort, select a row to open it"
        )
        event = st.dataframe(
            shown,
            key="signals_table",
            hide_index=True,
            on_select="rerun",
            selection_mode="single-row",
            column_config=SIGNAL_COLUMNS,
            height=min(560, 3 + 35 * (len(shown) + 1)),  # header + rows, no empty grid
            column_order=["name", "relevancy", "title", "page_date", "themes"],
        )
        # Only a *new* row selection opens a signal: the table keeps its
        # selection while related signals are opened from the drill-down.
        picked = None
        if event.selection.rows:
            row = shown.iloc[event.selection.rows[0]]
            picked = f"{row['doc_id']}:{row['position']}"
        if picked != st.session_state.get("_signals_table_pick"):
            st.session_state["_signals_table_pick"] = picked
            if picked:
                state.open_signal(picked)
        downloads(table, "signals", key="signals_dl")
    with right:
        ref = state.current().signal
        detail = signal_detail(explorer, ref.doc_id, ref.position) if ref else None
        if detail is None:
            if ref is not None:
                st.warning(f"Signal {ref} is not in this corpus.", icon=":material/help:")
            st.info(
                "Select a signal in the table to see today → change → in 10 years → "
                "driving force, its document and related signals.",
                icon=":material/touch_app:",
            )
        else:
            draw_drilldown(ctx, detail)
else:
    outcomes = outcomes_by_theme(explorer, view)
    if outcomes.empty:
        st.info("None of these signals has a 10-year outcome.")
    else:
        st.caption(
            "The 10-year outcomes of the filtered signals, grouped by their documents' themes."
        )
        for theme, group in outcomes.groupby("theme", sort=False):
            with st.expander(f"{theme} · {count_label(len(group), 'signal')}"):
                st.dataframe(
                    group[["name", "ten_year", "relevancy", "title"]],
                    hide_index=True,
                    key=f"outcomes_{theme}",
                    column_config={
                        "name": st.column_config.TextColumn("Signal", width="medium"),
                        "ten_year": st.column_config.TextColumn("In 10 years", width="large"),
                        "relevancy": st.column_config.NumberColumn("Relevancy", format="%.1f"),
                        "title": st.column_config.TextColumn("Document", width="medium"),
                    },
                )
        downloads(outcomes, "outcomes", key="outcomes_dl")
    st.subheader("Driving force → signal → 10-year outcome")
    limit = 25
    signals = view.signals
    links = sankey_links(signals, limit=limit)
    if links.empty:
        st.info("No signal here has both a driving force and a 10-year outcome.")
    else:
        shown = min(limit, len(signals))
        st.caption(
            f"The {shown} most relevant of {count_label(len(signals), 'signal')}; "
            "narrow the filters to choose which ones flow."
        )
        st.plotly_chart(sankey_figure(links), key="outcomes_sankey", config={"displaylogo": False})
        downloads(pd.DataFrame(links), "sankey-links", key="sankey_dl")
