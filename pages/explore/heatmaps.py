"""Heatmaps: any dimension against any other; click a cell for the entries behind it."""

from __future__ import annotations

import streamlit as st

from seedscope.fmt import fmt_mean, fmt_share
from seedscope.heatmap import COL_DIMENSIONS, MEASURES, ROW_DIMENSIONS, build_heatmap
from seedscope.heatmap_cells import cell_entries, cell_filter_changes, cell_filters
from seedscope.heatmap_figures import heatmap_figure, heatmap_min_width
from seedscope.safety import escape_markdown
from ui import context, sidebar, state
from ui.table_columns import ENTRY_COLUMNS, PLACEHOLDER, WRAPPED_ROW_HEIGHT
from ui.widgets import downloads, filters_caption, picked_row, plotly_chart, widget_key

ROWS_SHOWN = ["5", "10", "15", "20", "30", "50"]

ctx = context.get()
view, explorer = ctx.view, ctx.explorer

st.title("Heatmaps")
filters_caption(ctx)
if view.empty:
    sidebar.empty_state(ctx.state, ctx.explorer)
    context.end()

rows = state.page_param("rows", "theme", list(ROW_DIMENSIONS))
cols = state.page_param("cols", "section", list(COL_DIMENSIONS))
measure = state.page_param("measure", "mean", list(MEASURES))
top = int(state.page_param("top", "15", ROWS_SHOWN))

rows_picker, cols_picker, measure_picker, top_picker = st.columns([2, 2, 3, 1])
rows_picker.selectbox("Rows", list(ROW_DIMENSIONS), format_func=ROW_DIMENSIONS.get, key="p_rows")
cols_picker.selectbox("Columns", list(COL_DIMENSIONS), format_func=COL_DIMENSIONS.get, key="p_cols")
measure_picker.segmented_control(
    "Measure", list(MEASURES), format_func=MEASURES.get, key="p_measure", required=True
)
top_picker.selectbox("Rows shown", ROWS_SHOWN, key="p_top")

heatmap = build_heatmap(explorer, view, rows, cols, measure, top=top)
if not heatmap.rows:
    st.info("Nothing to draw: no entries have these dimensions under the current filters.")
    context.end()

event = plotly_chart(
    heatmap_figure(heatmap),
    key=f"heatmap_{rows}_{cols}",
    min_width=heatmap_min_width(heatmap),
    on_select="rerun",
    selection_mode="points",
)
st.caption(
    f"{len(heatmap.rows)} of {heatmap.total_rows:,} {ROW_DIMENSIONS[rows].lower()} values, "
    "most entries first; each cell shows its value and its number of entries (n). "
    "Click a cell to list its entries; grey cells have entries but no relevancy."
)

points = event.selection.points if event and event.selection else []
if points:
    row_key, col_key, count, mean, share = points[0]["customdata"][:5]
    label = heatmap.row_labels.get(row_key, row_key)
    st.subheader(f"{escape_markdown(str(label))} × {escape_markdown(str(col_key))}")
    st.caption(
        f"{int(count):,} entries · mean relevancy {fmt_mean(mean)} · "
        f"{fmt_share(share)} rated 4 or more"
    )
    if cell_filter_changes(rows, row_key, cols, col_key) and st.button(
        "Filter everything to this cell", icon=":material/filter_alt:", key="cell_to_filters"
    ):
        state.request_filters(cell_filters(ctx.state, rows, row_key, cols, col_key))
    entries = cell_entries(explorer, view, rows, cols, row_key, col_key)
    table = entries[
        [
            "section",
            "name",
            "description",
            "relevancy",
            "title_text",
            "page_date",
            "change",
            "ten_year",
            "driving_force",
            "doc_id",
            "position",
        ]
    ]
    picked = st.container(key="cell_entries").dataframe(
        table,
        # keyed by the cell: a selection only ever means the row that was clicked
        key=widget_key("cell_entries", ctx.state, rows, cols, row_key, col_key),
        hide_index=True,
        on_select="rerun",
        selection_mode="single-row",
        column_config={**ENTRY_COLUMNS, "doc_id": None, "position": None},
        column_order=["section", "name", "description", "relevancy", "title_text", "page_date"],
        row_height=WRAPPED_ROW_HEIGHT,
        placeholder=PLACEHOLDER,
    )
    entry = picked_row(picked, table)
    if entry is not None:
        context.open_entry(str(entry["doc_id"]), str(entry["section"]), int(entry["position"]))
    st.caption("Select a signal to open its drill-down, any other entry to open its document.")
    downloads(table, f"heatmap-{rows}-{cols}-{label}-{col_key}", key="cell_dl")
else:
    downloads(
        heatmap.values.rename(index=heatmap.row_labels).reset_index(names=ROW_DIMENSIONS[rows]),
        f"heatmap-{rows}-{cols}-{measure}",
        key="heatmap_dl",
        caption="Download the matrix shown above.",
    )
