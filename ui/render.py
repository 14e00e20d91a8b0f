"""A document rendered readably — and safely: its text is untrusted.

Every string goes through :func:`~seedscope.safety.escape_markdown` (so HTML
and Markdown in it show as text) and links through
:func:`~seedscope.safety.link_markdown` (only http(s) links are clickable).
Tables are shown with st.dataframe, which never interprets cell text.
"""

from __future__ import annotations

import json

import numpy as np
import streamlit as st

from loaders.schema import ENTRY_TEXT_COLUMNS, SIGNALS
from seedscope.explore import Explorer
from seedscope.filters import SignalRef
from seedscope.fmt import fmt_date
from seedscope.safety import escape_markdown, link_markdown
from seedscope.search_highlight import highlighted_markdown
from seedscope.search_hits import SearchHits

from . import context
from .table_columns import PLACEHOLDER, WRAPPED_ROW_HEIGHT

TABLE_COLUMNS = ["position", *ENTRY_TEXT_COLUMNS, "relevancy"]


def draw_document(explorer: Explorer, doc_id: str, search: SearchHits | None = None) -> None:
    document = explorer.document(doc_id)
    if document is None:
        st.warning(
            f"There is no document {escape_markdown(doc_id)} in this corpus.",
            icon=":material/help:",
        )
        return
    marked = search.doc_fields(np.array([int(document["doc_row"])]))[0] if search else {}
    with st.container(key="document_view"):
        title = marked.get("title")
        st.header(
            highlighted_markdown(title) if title else escape_markdown(str(document["title_text"])),
            anchor=False,
        )
        facts = [fmt_date(document["page_date"])]
        for column in ("category", "doc_type"):
            if isinstance(document[column], str):
                facts.append(escape_markdown(document[column]))
        facts.append(escape_markdown(str(document["path"])))
        st.caption(" · ".join(facts))
        st.markdown(
            " · ".join(
                [
                    link_markdown("Original article", document["source_url"]),
                    link_markdown("Digest page", document["page_url"]),
                ]
            )
        )
        if isinstance(document["duplicate_of"], str):
            st.info(
                f"Duplicate of {escape_markdown(document['duplicate_of'])}: same title and rows."
            )
        tags = explorer.doc_tags(doc_id)
        for name, group in tags.groupby("list", sort=False, observed=True):
            st.markdown(
                f"**{escape_markdown(str(name))}:** "
                + " · ".join(escape_markdown(str(v)) for v in group["value"])
            )
        summary = marked.get("summary") or document["summary"]
        if isinstance(summary, str) and summary:
            st.subheader("Summary", anchor=False)
            st.markdown(
                highlighted_markdown(summary, multiline=True)
                if "summary" in marked
                else escape_markdown(summary, multiline=True)
            )
        entries = explorer.doc_entries(doc_id)
        for section in [s for s in explorer.sections if s in set(entries["section"].astype(str))]:
            rows = entries[entries["section"] == section]
            st.subheader(escape_markdown(section), anchor=False)
            frame = rows[TABLE_COLUMNS].dropna(axis=1, how="all").copy()
            extras = rows["extra"].astype(str)
            if (extras != "{}").any():
                frame["other columns"] = [
                    ", ".join(f"{k}: {v}" for k, v in json.loads(e).items()) if e != "{}" else ""
                    for e in extras
                ]
            event = st.dataframe(
                frame,
                hide_index=True,
                key=f"doc_{section}",
                on_select="rerun",
                selection_mode="single-row" if section == SIGNALS else [],
                row_height=WRAPPED_ROW_HEIGHT,
                placeholder=PLACEHOLDER,
                column_config={
                    "position": None,
                    "name": st.column_config.TextColumn("Name", width="medium"),
                    "description": st.column_config.TextColumn("Description", width="large"),
                    "change": st.column_config.TextColumn("Change", width="medium"),
                    "ten_year": st.column_config.TextColumn("In 10 years", width="medium"),
                    "driving_force": st.column_config.TextColumn("Driving force", width="medium"),
                    "relevancy": st.column_config.NumberColumn("Relevancy", format="%.1f"),
                },
            )
            if section == SIGNALS and event.selection.rows:
                position = int(frame.iloc[event.selection.rows[0]]["position"])
                context.open_signal(SignalRef(doc_id, position))
        problems = explorer.problems[explorer.problems["doc_id"].astype(str) == doc_id]
        if not problems.empty:
            with st.expander(f"Reading problems ({len(problems)})", icon=":material/warning:"):
                st.dataframe(
                    problems[["line", "severity", "message"]],
                    hide_index=True,
                    key="doc_problems",
                    placeholder=PLACEHOLDER,
                )
