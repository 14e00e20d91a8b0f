"""Data health: what could not be read, and what the corpus lacks."""

from __future__ import annotations

import streamlit as st

from seedscope.figures import bar_counts_figure
from seedscope.fmt import count_label
from seedscope.health import (
    SEVERITIES,
    entries_per_section,
    filter_problems,
    missing_sections,
    problem_counts,
    relevancy_coverage,
)
from ui import context
from ui.widgets import downloads

ctx = context.get()
explorer = ctx.explorer
problems = explorer.problems

st.title("Data health")
st.caption("About the whole corpus, whatever the filters.")
counts = problem_counts(problems)
documents_cell, entries_cell, errors_cell, warnings_cell = st.columns(4)
documents_cell.metric("Documents", f"{len(explorer.documents):,}")
entries_cell.metric("Entries", f"{len(explorer.entries):,}")
errors_cell.metric("Errors", f"{counts.errors:,}", help="Files that could not be loaded at all")
warnings_cell.metric(
    "Warnings", f"{counts.warnings:,}", help="Files loaded with something worth knowing"
)

st.subheader("Problems")
left, right = st.columns([1, 2])
severities = left.multiselect(
    "Severity", SEVERITIES, key="health_severity", placeholder="Errors and warnings"
)
path_text = right.text_input("File name contains", key="health_path", icon=":material/search:")
shown = filter_problems(problems, severities, path_text)
if problems.empty:
    st.success("Every file was read as expected.", icon=":material/check_circle:")
else:
    st.caption(count_label(len(shown), "problem"))
    st.dataframe(
        shown,
        hide_index=True,
        key="health_problems",
        height=360,
        column_config={
            "path": st.column_config.TextColumn("File", width="medium"),
            "doc_id": None,
            "line": st.column_config.NumberColumn("Line", format="%d", width="small"),
            "severity": st.column_config.TextColumn("Severity", width="small"),
            "message": st.column_config.TextColumn("What happened", width="large"),
        },
    )
    downloads(shown, "problems", key="problems_dl")

left, right = st.columns(2)
with left:
    st.subheader("Entries per section")
    st.plotly_chart(
        bar_counts_figure(entries_per_section(explorer), "Entries"),
        key="health_sections",
        config={"displaylogo": False},
    )
with right:
    st.subheader("Documents missing a section")
    missing = explorer.memo("health.missing", lambda: missing_sections(explorer))
    st.dataframe(
        missing,
        hide_index=True,
        key="health_missing",
        column_config={
            "section": "Section",
            "documents_missing": st.column_config.NumberColumn("Documents without it"),
            "share_missing": st.column_config.ProgressColumn(
                "Share", min_value=0.0, max_value=1.0, format="percent"
            ),
            "examples": st.column_config.TextColumn("Examples", width="medium"),
        },
    )

st.subheader("Relevancy coverage")
coverage = explorer.memo("health.coverage", lambda: relevancy_coverage(explorer))
st.dataframe(
    coverage,
    hide_index=True,
    key="health_relevancy",
    column_config={
        "section": "Section",
        "entries": st.column_config.NumberColumn("Entries"),
        "without_relevancy": st.column_config.NumberColumn("Entries without relevancy"),
        "tables": st.column_config.NumberColumn("Tables"),
        "tables_without_relevancy": st.column_config.NumberColumn("Tables without any relevancy"),
    },
)
downloads(coverage, "relevancy-coverage", key="coverage_dl")
