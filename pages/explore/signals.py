"""Signals: search and sort them, drill from one to its 10-year outcome, find related ones."""

from __future__ import annotations

import streamlit as st

from seedscope.drilldown import signal_detail
from seedscope.figures import sankey_figure
from seedscope.filters import SignalRef
from seedscope.fmt import count_label, top_of_label
from seedscope.outcomes import outcomes_by_theme, sankey_flows
from seedscope.safety import escape_markdown
from seedscope.tables import signals_table
from ui import context, sidebar, state
from ui.drilldown import draw_drilldown
from ui.table_columns import PLACEHOLDER, SIGNAL_COLUMNS, WRAPPED_ROW_HEIGHT
from ui.widgets import downloads, filters_caption, no_signals_note, picked_row, widget_key

#: The table shows at most this many signals (most relevant first); the
#: downloads always hold every filtered signal.
MAX_ROWS = 5_000
#: Signals flowing through the Sankey (the most relevant).
FLOW_SIGNALS = 30

ctx = context.get()
view, explorer = ctx.view, ctx.explorer

st.title("Signals")
filters_caption(ctx)
if view.empty:
    sidebar.empty_state(ctx.state, ctx.explorer)
    context.end()
if view.signals.empty:
    no_signals_note(ctx)
    context.end()

searching = view.search is not None
state.page_param("tab", "signals", ["signals", "outcomes"])
choice = st.segmented_control(
    "View",
    ["signals", "outcomes"],
    key="p_tab",
    required=True,
    label_visibility="collapsed",
    format_func={"signals": "Signals and drill-down", "outcomes": "Outcomes in 10 years"}.get,
)

if choice == "signals":
    ref = ctx.state.signal
    detail = signal_detail(explorer, ref.doc_id, ref.position) if ref else None
    if ref is not None and detail is None:
        st.warning(
            f"Signal {escape_markdown(str(ref))} is not in this corpus.", icon=":material/help:"
        )
    # the table takes the whole width until a signal is open beside it
    if detail is None:
        table_area, detail_area = st.container(), None
        columns = [
            "name",
            "relevancy",
            "seen_in",
            "title",
            "page_date",
            "description",
            "ten_year",
        ]
    else:
        table_area, detail_area = st.columns([5, 6], gap="large")
        columns = ["name", "relevancy", "seen_in", "title", "page_date"]
    if searching:  # where the words were found, in context
        columns = ["name", "match", "relevancy"] + (
            ["title", "page_date"] if detail is None else []
        )
    with table_area:
        total = len(view.signals)
        shown = signals_table(explorer, view, limit=MAX_ROWS)
        order = "best match first" if searching else "most relevant first"
        more = f" (the first {len(shown):,} are listed)" if len(shown) < total else ""
        st.caption(
            f"{count_label(total, 'signal')}{more} · {order} · "
            "click a column to sort, select a row to open it"
        )
        # keyed by the filters: a selection only ever means the row that was clicked
        # (an old row number kept across a filter change would open another signal)
        grid_key = widget_key("signals_table", view.state.with_changes(signal=None, doc=None))
        event = st.container(key="signals_table").dataframe(
            shown,
            key=grid_key,
            hide_index=True,
            on_select="rerun",
            selection_mode="single-row",
            column_config=SIGNAL_COLUMNS,
            column_order=columns,
            row_height=WRAPPED_ROW_HEIGHT,
            height=min(600, 3 + 35 + WRAPPED_ROW_HEIGHT * len(shown)),  # no empty grid
            placeholder=PLACEHOLDER,
        )
        # Only a *new* row selection opens a signal: the table keeps its
        # selection while related signals are opened from the drill-down.
        row = picked_row(event, shown)
        picked = None if row is None else SignalRef(str(row["doc_id"]), int(row["position"]))
        if picked != st.session_state.get("_signals_table_pick"):
            st.session_state["_signals_table_pick"] = picked
            if picked:
                state.open_signal(picked)
                st.rerun()
        downloads(lambda: signals_table(explorer, view), "signals", key="signals_dl", rows=total)
        if detail is None:
            st.caption(
                "Select a signal for today → change → in 10 years → driving force, "
                "its document and related signals. The downloads hold every column."
            )
    if detail is not None and detail_area is not None:
        with detail_area:
            draw_drilldown(ctx, detail)
else:
    outcomes = outcomes_by_theme(explorer, view)
    if outcomes.empty:
        st.info("None of these signals has a 10-year outcome.")
    else:
        st.caption(
            "The 10-year outcomes of the filtered signals, grouped by their documents' themes "
            "(the most relevant first)."
        )
        for theme_id, group in outcomes.groupby("theme_id", sort=False):
            total = int(group["theme_signals"].iloc[0])
            theme = escape_markdown(str(group["theme"].iloc[0]))
            heading = f"{theme} · {top_of_label(len(group), total, 'signal')}"
            with st.expander(heading):
                st.dataframe(
                    group[["name", "ten_year", "relevancy", "title"]],
                    hide_index=True,
                    key=f"outcomes_{theme_id}",
                    row_height=WRAPPED_ROW_HEIGHT,
                    placeholder=PLACEHOLDER,
                    column_config={
                        "name": st.column_config.TextColumn("Signal", width="medium"),
                        "ten_year": st.column_config.TextColumn("In 10 years", width="large"),
                        "relevancy": st.column_config.NumberColumn("Relevancy", format="%.1f"),
                        "title": st.column_config.TextColumn("Document", width="medium"),
                    },
                )
        downloads(outcomes, "outcomes", key="outcomes_dl")
    st.subheader("Driving force → signal → 10-year outcome")
    flows = sankey_flows(view.signals, limit=FLOW_SIGNALS)
    if flows.links.empty:
        st.info("No signal here has both a driving force and a 10-year outcome.")
    else:
        st.caption(
            f"The {top_of_label(flows.shown, flows.total, 'signal')} with a driving force and "
            "an outcome, by relevancy. Driving forces and outcomes that share a word are "
            "grouped (hover a node for its texts); narrow the filters to choose which flow."
        )
        st.plotly_chart(
            sankey_figure(flows.links, flows.members),
            key="outcomes_sankey",
            config={"displaylogo": False},
        )
        downloads(flows.table(), "driving-forces-signals-outcomes", key="sankey_dl")
