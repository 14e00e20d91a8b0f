"""Column formats shared by the tables of every page."""

from __future__ import annotations

import streamlit as st

SIGNAL_COLUMNS = {
    "name": st.column_config.TextColumn("Signal", width="medium"),
    "relevancy": st.column_config.NumberColumn(
        "Relevancy", format="%.1f", width="small", help="1 (low) to 5 (high)"
    ),
    "title": st.column_config.TextColumn("Document", width="large"),
    "page_date": st.column_config.DateColumn("Date", format="D MMM YYYY"),
    "themes": st.column_config.TextColumn("Themes", width="medium"),
    "doc_id": None,
    "position": None,
}

DOCUMENT_COLUMNS = {
    "title": st.column_config.TextColumn("Document", width="large"),
    "page_date": st.column_config.DateColumn("Date", format="D MMM YYYY"),
    "category": st.column_config.TextColumn("Category", width="small"),
    "doc_type": st.column_config.TextColumn("Type", width="small"),
    "signals": st.column_config.NumberColumn("Signals", width="small"),
    "other_entries": st.column_config.NumberColumn("Other entries"),
    "themes": st.column_config.TextColumn("Themes", width="medium"),
    "doc_id": None,
    "path": None,
}

ENTRY_COLUMNS = {
    "section": st.column_config.TextColumn("Section", width="small"),
    "name": st.column_config.TextColumn("Name", width="medium"),
    "description": st.column_config.TextColumn("Description", width="large"),
    "relevancy": st.column_config.NumberColumn("Relevancy", format="%.1f", width="small"),
    "title_text": st.column_config.TextColumn("Document", width="medium"),
    "page_date": st.column_config.DateColumn("Date", format="D MMM YYYY"),
}
