"""Documents: a searchable list, and any one document rendered readably."""

from __future__ import annotations

import streamlit as st

from seedscope.fmt import count_label
from seedscope.tables import documents_table
from ui import context, sidebar, state
from ui.columns import DOCUMENT_COLUMNS
from ui.render import draw_document
from ui.widgets import downloads

#: The list shows at most this many documents; the downloads hold them all.
MAX_ROWS = 5_000

ctx = context.get()
view, explorer = ctx.view, ctx.explorer

st.title("Documents")
st.caption(f"Filters: {ctx.state.describe()}")
open_doc = state.current().doc

if open_doc:
    if st.button("Back to the list", icon=":material/arrow_back:", key="doc_back"):
        state.open_doc(None)
        st.rerun()
    draw_document(explorer, open_doc)
    context.end()

if view.empty:
    sidebar.empty_state(ctx.state)
    context.end()

table = documents_table(explorer, view)
needle = st.text_input(
    "Find a document by title",
    key="doc_title_filter",
    placeholder="Words in the title",
    icon=":material/search:",
)
if needle:
    table = table[table["title"].str.contains(needle, case=False, regex=False)]
shown = table.head(MAX_ROWS)
more = f" (the {len(shown):,} newest are listed)" if len(shown) < len(table) else ""
st.caption(f"{count_label(len(table), 'document')}{more} · newest first · select one to read it")
event = st.dataframe(
    shown,
    hide_index=True,
    key="documents_table",
    on_select="rerun",
    selection_mode="single-row",
    column_config=DOCUMENT_COLUMNS,
    height=600,
    column_order=[
        "title",
        "page_date",
        "category",
        "doc_type",
        "signals",
        "other_entries",
        "themes",
    ],
)
if event.selection.rows:
    state.open_doc(str(shown.iloc[event.selection.rows[0]]["doc_id"]))
    st.rerun()
downloads(table, "documents", key="documents_dl")
