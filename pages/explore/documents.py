"""Documents: a searchable list, and any one document rendered readably."""

from __future__ import annotations

import streamlit as st

from seedscope.fmt import count_label
from seedscope.tables import documents_table, titles_containing
from ui import context, sidebar, state
from ui.render import draw_document
from ui.table_columns import DOCUMENT_COLUMNS, PLACEHOLDER
from ui.widgets import downloads, filters_caption, picked_row, widget_key

#: The list shows at most this many documents; the downloads hold them all.
MAX_ROWS = 5_000

ctx = context.get()
view, explorer = ctx.view, ctx.explorer

st.title("Documents")
filters_caption(ctx)
# read before a document may end the page, so the list's search survives reading one
title_filter = state.page_param("title", "", key="doc_title_filter")
open_doc = ctx.state.doc

if open_doc:
    if st.button("Back to the list", icon=":material/arrow_back:", key="doc_back"):
        state.open_doc(None)
        st.rerun()
    draw_document(explorer, open_doc, view.search)
    context.end()

if view.empty:
    sidebar.empty_state(ctx.state, ctx.explorer)
    context.end()

table = documents_table(explorer, view)
st.text_input(
    "Find a document by title",
    key="doc_title_filter",
    placeholder="Words in the title",
    icon=":material/search:",
)
table = titles_containing(table, title_filter)
shown = table.head(MAX_ROWS)
more = f" (the first {len(shown):,} are listed)" if len(shown) < len(table) else ""
order = "best match first" if view.search is not None else "newest first"
st.caption(f"{count_label(len(table), 'document')}{more} · {order} · select one to read it")
columns = ["title", "page_date", "category", "doc_type", "signals", "other_entries", "themes"]
if view.search is not None:
    columns = ["title", "matched_in", "match", "page_date", "signals", "other_entries"]
# keyed by the filters: a selection only ever means the row that was clicked
event = st.container(key="documents_table").dataframe(
    shown,
    hide_index=True,
    key=widget_key("documents_table", view.state.with_changes(signal=None, doc=None)),
    on_select="rerun",
    selection_mode="single-row",
    column_config=DOCUMENT_COLUMNS,
    height=600,
    column_order=columns,
    placeholder=PLACEHOLDER,
)
picked = picked_row(event, shown)
if picked is not None:
    state.open_doc(str(picked["doc_id"]))
    st.rerun()
downloads(table, "documents", key="documents_dl")
