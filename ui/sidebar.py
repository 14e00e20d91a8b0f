"""The shared sidebar: which corpus is open, and the filters every page obeys."""

from __future__ import annotations

import contextlib
import datetime as dt

import pandas as pd
import streamlit as st

from seedscope.explore import Explorer, View
from seedscope.filters import FilterState
from seedscope.fmt import count_label
from seedscope.safety import escape_markdown

from . import state
from .state import W

#: At most this many options per tag facet (plus whatever is selected):
#: a 10,000-document corpus has tens of thousands of distinct keywords.
MAX_FACET_OPTIONS = 300


def _facet_options(counts: pd.Series, selected: list[str]) -> tuple[list[str], dict[str, int]]:
    top = counts.head(MAX_FACET_OPTIONS)
    options = list(top.index)
    extra = [value for value in selected if value not in top.index]
    return extra + options, counts.to_dict()


def filters(explorer: Explorer, view: View) -> None:
    """Draw the filter widgets; their values become the next run's FilterState."""
    sidebar = st.sidebar
    sidebar.header("Filters")
    facets = view.facets
    for attr, label, help_text in (
        ("themes", "Themes", "Documents with any of these themes"),
        ("keywords", "Keywords", "Documents with any of these keywords"),
    ):
        key = W[attr]
        selected = list(st.session_state.get(key) or [])
        options, counts = _facet_options(facets[attr], selected)
        sidebar.multiselect(
            label,
            options,
            key=key,
            help=help_text,
            placeholder=f"All {label.lower()}",
            format_func=lambda value, counts=counts: f"{value} ({counts.get(value, 0):,})",
        )
    for attr, label, values in (
        ("categories", "Category", explorer.categories),
        ("types", "Type", explorer.types),
    ):
        counts = facets[attr].to_dict()
        sidebar.multiselect(
            label,
            values,
            key=W[attr],
            placeholder="Any",
            format_func=lambda value, counts=counts: f"{value} ({counts.get(value, 0):,})",
        )
    first, last = explorer.date_span
    low = first.date() if first is not None else None
    high = last.date() if last is not None else None
    left, right = sidebar.columns(2)
    left.date_input(
        "From", value=None, min_value=low, max_value=high, key=W["date_from"], format="YYYY-MM-DD"
    )
    right.date_input(
        "To", value=None, min_value=low, max_value=high, key=W["date_to"], format="YYYY-MM-DD"
    )
    sidebar.slider(
        "Minimum relevancy",
        1.0,
        5.0,
        step=0.5,
        format="%.1f",
        key=W["min_relevancy"],
        help="Only entries rated at least this relevant (1 = everything)",
    )
    sidebar.multiselect(
        "Sections", explorer.sections, key=W["sections"], placeholder="All sections"
    )
    sidebar.text_input(
        "Search",
        key=W["q"],
        placeholder="Words in titles, summaries and entries",
        help="Case-insensitive text search",
    )
    current = state.current()
    if current.is_filtering:
        sidebar.button(
            "Clear filters",
            on_click=clear_filters,
            icon=":material/filter_alt_off:",
            width="stretch",
            key="clear_filters_sidebar",
        )


def clear_filters() -> None:
    """A button callback: runs before the next script run, so widgets accept it."""
    state.write_widgets(state.current().cleared())


def corpus_box(label: str, folder: str, explorer: Explorer, built_at: str) -> None:
    documents = len(explorer.documents)
    when = built_at
    with contextlib.suppress(ValueError):
        when = dt.datetime.fromisoformat(built_at).astimezone().strftime("%d %b %Y %H:%M")
    st.sidebar.caption(
        f"**Corpus:** {escape_markdown(label)} · {count_label(documents, 'document')} · "
        f"refreshed {when}",
        help=f"Folder: {folder}",
    )


def empty_state(current: FilterState) -> None:
    """Shown instead of charts when the filters match nothing."""
    st.info(
        f"No documents match these filters ({current.describe()}).", icon=":material/search_off:"
    )
    st.button(
        "Clear filters",
        on_click=clear_filters,
        type="primary",
        icon=":material/filter_alt_off:",
        key="clear_filters_empty",
    )
