"""Coverage: STEEP families × periods and sections, blind spots, unclassified concepts."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from seedscope.coverage import MEASURES, THRESHOLD, compute_coverage
from seedscope.fmt import count_label
from seedscope.trend_figures import coverage_figure, period_label
from seedscope.trends import PERIODS, WINDOW_QUARTERS
from ui import context, sidebar, state
from ui.trends import briefing_download, remember
from ui.widgets import downloads, filters_caption

THRESHOLDS = ["1", "2", "3", "5", "10", "20", "50"]
#: The table lists this many concepts; the download has them all.
MAX_LISTED = 1_000

ctx = context.get()
view, explorer = ctx.view, ctx.explorer

st.title("Coverage and blind spots")
filters_caption(ctx)
if view.empty:
    sidebar.empty_state(ctx.state, ctx.explorer)
    context.end()

period = state.page_param("period", "quarter", list(PERIODS), key="coverage_period")
measure = state.page_param("measure", "documents", list(MEASURES), key="coverage_measure")
threshold = int(state.page_param("thin", str(THRESHOLD), THRESHOLDS, key="coverage_thin"))

period_cell, measure_cell, thin_cell, briefing_cell = st.columns(
    [2, 3, 2, 2], vertical_alignment="bottom"
)
period_cell.segmented_control(
    "Period", list(PERIODS), format_func=PERIODS.get, key="coverage_period", required=True
)
measure_cell.segmented_control(
    "Colour by", list(MEASURES), format_func=MEASURES.get, key="coverage_measure", required=True
)
thin_cell.selectbox(
    "Blind spot below",
    THRESHOLDS,
    key="coverage_thin",
    format_func=lambda n: f"{n} document{'s' if n != '1' else ''}",
    help="A family's cell with fewer documents than this is flagged as a blind spot",
)
with briefing_cell:
    briefing_download(ctx, WINDOW_QUARTERS, key="coverage_briefing")

today = dt.date.today()
coverage = remember(
    "coverage",
    (ctx.state, period, threshold, today, ctx.report.generation),
    lambda: compute_coverage(explorer, view, period=period, threshold=threshold, today=today),
)

sources = []
if coverage.evidence_signals:
    sources.append(
        f"{count_label(coverage.evidence_signals, 'signal')} name their family in their "
        "Change column"
    )
sources.append(
    f"{coverage.classified_documents:,} of {count_label(coverage.documents, 'document')} "
    "have a concept with a family"
)
st.caption(
    "Families come from the vocabulary (a concept's STEEP family, inherited from its broader "
    "concept) and, for older digests, from a Change column that names the family. "
    + "; ".join(sources)
    + "."
)
if not coverage.classified_documents and not coverage.evidence_signals:
    st.info(
        "No concept of these documents has a STEEP family yet, so everything is unclassified. "
        "Give the most frequent concepts below a family in the vocabulary and this view "
        "fills in.",
        icon=":material/category:",
    )

by_period, by_section = st.tabs(["By period", "By section"])
with by_period:
    st.plotly_chart(
        coverage_figure(coverage.by_period, measure, PERIODS[period]),
        key="coverage_by_period",
        config={"displaylogo": False},
    )
    note = []
    if coverage.undated or coverage.future:
        note.append(
            f"left out: {coverage.undated:,} undated and {coverage.future:,} future-dated documents"
        )
    st.caption(
        f"Signals per family and {period} of page date; ✕ marks a blind spot "
        f"(fewer than {count_label(threshold, 'document')})" + (f"; {note[0]}" if note else "")
    )
with by_section:
    st.plotly_chart(
        coverage_figure(coverage.by_section, measure, "Section"),
        key="coverage_by_section",
        config={"displaylogo": False},
    )
    st.caption("Entries of every section per family; ✕ marks a blind spot.")

left, right = st.columns(2, gap="large")
with left:
    st.subheader("Blind spots")
    spots = coverage.blind_spots.copy()
    if spots.empty:
        st.success(
            f"Every family has at least {count_label(threshold, 'document')} in every "
            f"{period} and section.",
            icon=":material/check_circle:",
        )
    else:
        spots["column"] = [
            period_label(str(c)) if axis != "section" else str(c)
            for axis, c in zip(spots["axis"], spots["column"], strict=True)
        ]
        st.caption(f"{count_label(len(spots), 'thin cell')}, families in STEEP order.")
        with st.container(key="blind_spots"):
            st.dataframe(
                spots,
                hide_index=True,
                key="blind_spots_table",
                column_config={
                    "family": st.column_config.TextColumn("Family"),
                    "axis": st.column_config.TextColumn("By"),
                    "column": st.column_config.TextColumn("Where"),
                    "documents": st.column_config.NumberColumn("Documents"),
                    "entries": st.column_config.NumberColumn("Entries"),
                },
                height=min(420, 3 + 35 * (len(spots) + 1)),
            )
        downloads(spots, f"blind-spots-{period}", key="blind_dl")
with right:
    st.subheader("Concepts without a family")
    unclassified = coverage.unclassified
    if unclassified.empty:
        st.success("Every concept of these documents has a STEEP family.")
    else:
        st.caption(
            f"{count_label(len(unclassified), 'concept')}, most documents first: classify "
            "them in the vocabulary."
        )
        if "vocabulary" in ctx.pages:
            st.page_link(ctx.pages["vocabulary"], label="Open the Vocabulary page", icon="📚")
        with st.container(key="unclassified_concepts"):
            st.dataframe(
                unclassified.head(MAX_LISTED),
                hide_index=True,
                key="unclassified_table",
                column_config={
                    "concept": None,
                    "label": st.column_config.TextColumn("Concept", width="medium"),
                    "list": st.column_config.TextColumn("List", width="small"),
                    "documents": st.column_config.NumberColumn("Documents", width="small"),
                },
                height=min(420, 3 + 35 * (min(len(unclassified), MAX_LISTED) + 1)),
            )
        downloads(unclassified, "unclassified-concepts", key="unclassified_dl")
