"""Column formats shared by the tables of every page (``st.dataframe`` column_config)."""

from __future__ import annotations

import streamlit as st

from seedscope.fmt import MISSING

#: What a missing cell shows (``st.dataframe(placeholder=...)``): never "None".
PLACEHOLDER = MISSING
#: Rows tall enough for the grid to wrap long text over three lines.
WRAPPED_ROW_HEIGHT = 70

_DATE = st.column_config.DateColumn("Date", format="D MMM YYYY", width=100)
_MATCH = {
    "matched_in": st.column_config.TextColumn(
        "Matched in", width="small", help="Where the search words were found"
    ),
    "match": st.column_config.TextColumn(
        "Match", width="large", help="The search words «between these marks», in context"
    ),
}

SIGNAL_COLUMNS = {
    "name": st.column_config.TextColumn("Signal", width="medium"),
    "relevancy": st.column_config.NumberColumn(
        "Relevancy", format="%.1f", width="small", help="1 (low) to 5 (high)"
    ),
    "seen_in": st.column_config.NumberColumn(
        "Seen in",
        format="%d doc.",
        width="small",
        help="How many documents report this signal, in their own words too",
    ),
    "first_seen": st.column_config.DateColumn(
        "First seen", format="D MMM YYYY", help="The earliest page date among them"
    ),
    "title": st.column_config.TextColumn("Document", width="medium"),
    "page_date": _DATE,
    "themes": st.column_config.TextColumn("Themes", width="medium"),
    "description": st.column_config.TextColumn("Today", width="large"),
    "change": st.column_config.TextColumn("Change", width="medium"),
    "ten_year": st.column_config.TextColumn("In 10 years", width="medium"),
    "driving_force": st.column_config.TextColumn("Driving force", width="medium"),
    **_MATCH,
    "doc_id": None,
    "position": None,
}

DOCUMENT_COLUMNS = {
    "title": st.column_config.TextColumn("Document", width="large"),
    "page_date": _DATE,
    "category": st.column_config.TextColumn("Category", width="small"),
    "doc_type": st.column_config.TextColumn("Type", width="small"),
    "signals": st.column_config.NumberColumn("Signals", width="small"),
    "other_entries": st.column_config.NumberColumn("Other entries", width="small"),
    "themes": st.column_config.TextColumn("Themes", width="medium"),
    **_MATCH,
    "doc_id": None,
    "path": None,
}

ENTRY_COLUMNS = {
    "section": st.column_config.TextColumn("Section", width="small"),
    "name": st.column_config.TextColumn("Name", width="medium"),
    "description": st.column_config.TextColumn("Description", width="large"),
    "relevancy": st.column_config.NumberColumn("Relevancy", format="%.1f", width="small"),
    "title_text": st.column_config.TextColumn("Document", width="medium"),
    "page_date": _DATE,
}
