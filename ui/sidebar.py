"""The shared sidebar: the pages, which corpus is open, and the filters every page obeys."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Mapping

import pandas as pd
import streamlit as st

from seedscope.explore import Explorer, View
from seedscope.filters import FilterState
from seedscope.fmt import count_label
from seedscope.safety import escape_markdown
from seedscope.search import HELP as SEARCH_HELP

from . import state

#: At most this many options per tag facet (plus whatever is selected):
#: a 10,000-document corpus has tens of thousands of distinct keywords.
MAX_FACET_OPTIONS = 300

#: Sidebar sections of page links: (heading, page names).
NAVIGATION = (
    ("Explore", ("overview", "heatmaps", "signals", "documents", "health")),
    ("Workshop", ("decks",)),
)


def navigation(pages: Mapping[str, st.Page]) -> None:  # type: ignore[name-defined]
    """Links to the pages that carry the filters along.

    A link of Streamlit's own navigation menu drops the query string, so
    following it would cost two browser history entries (the bare page,
    then the page with its filters) and Back would land on a page without
    filters. These links go straight to the page with its filters.
    """
    query = state.query_for(state.current())
    with st.sidebar.container(key="page_links"):
        for heading, names in NAVIGATION:
            st.caption(heading)
            for name in names:
                st.page_link(pages[name], query_params=query)


#: Streamlit's date fields apply a typed date when focus leaves them; analysts
#: press Enter. This makes Enter in a date field move on to the next control,
#: as Tab out of the field would, which applies the date. A constant script
#: (no document text reaches it), installed once per page.
ENTER_APPLIES_DATES = """
<script>
if (!window.__seedscopeDateEnter) {
  window.__seedscopeDateEnter = true;
  const focusable = '[role="spinbutton"], [role="slider"], input, button, [tabindex="0"]';
  document.addEventListener("keydown", (event) => {
    const field = event.target.closest && event.target.closest('[data-testid="stDateInputField"]');
    if (event.key !== "Enter" || !field) return;
    event.preventDefault();
    const after = (el) => field.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING;
    const next = [...document.querySelectorAll(focusable)].find(
      (el) => !field.contains(el) && after(el)
    );
    if (next) next.focus(); else event.target.blur();
  }, true);
}
</script>
"""


def _facet_options(counts: pd.Series, selected: list[str], limit: int | None) -> list[str]:
    """The values offered: whatever is selected, then the commonest (``limit`` of them)."""
    top = counts.index if limit is None else counts.index[:limit]
    shown = set(top)
    return [value for value in selected if value not in shown] + list(top)


def _labeller(explorer: Explorer, field: str, counts: pd.Series) -> Callable[[str], str]:
    """``format_func`` of a facet widget: display label and document count, never the value."""
    count_of = counts.to_dict()

    def label(value: str) -> str:
        return f"{explorer.facet_label(field, value)} ({count_of.get(value, 0):,})"

    return label


def filters(explorer: Explorer, view: View) -> None:
    """Draw the filter widgets; a change updates the session's FilterState."""
    sidebar = st.sidebar
    sidebar.header("Filters")
    facets = view.facets
    for field, label, help_text, limit in (
        ("themes", "Themes", "Documents with any of these themes", MAX_FACET_OPTIONS),
        ("keywords", "Keywords", "Documents with any of these keywords", MAX_FACET_OPTIONS),
        ("categories", "Category", "Documents of any of these categories", None),
        ("types", "Type", "Documents of any of these types", None),
    ):
        key = state.show_in_widget(field)
        selected = list(st.session_state.get(key) or [])
        options = _facet_options(facets[field], selected, limit)
        if limit is None:  # categories and types: every value, even those at 0 now
            every = explorer.categories if field == "categories" else explorer.types
            options += [value for value in every if value not in set(options)]
        sidebar.multiselect(
            label,
            options,
            key=key,
            help=help_text,
            placeholder=f"All {label.lower()}" if limit else "Any",
            format_func=_labeller(explorer, field, facets[field]),
            on_change=state.widget_changed,
            args=(field,),
            # Enter picks the highlighted option, never "Select N matches"
            select_all=False,
        )
    _dates(explorer)
    sidebar.slider(
        "Minimum relevancy",
        1.0,
        5.0,
        step=0.5,
        format="%.1f",
        key=state.show_in_widget("min_relevancy"),
        help="Only entries rated at least this relevant (1 = everything)",
        on_change=state.widget_changed,
        args=("min_relevancy",),
    )
    sidebar.multiselect(
        "Sections",
        explorer.sections,
        key=state.show_in_widget("sections"),
        placeholder="All sections",
        on_change=state.widget_changed,
        args=("sections",),
        select_all=False,
    )
    sidebar.text_input(
        "Search",
        key=state.show_in_widget("q"),
        placeholder='Words, "a phrase", OR, -without, prefix*',
        help=SEARCH_HELP,
        on_change=state.widget_changed,
        args=("q",),
    )
    if state.current().is_filtering:
        sidebar.button(
            "Clear filters",
            on_click=state.clear_filters,
            icon=":material/filter_alt_off:",
            width="stretch",
            key="clear_filters_sidebar",
        )


def _dates(explorer: Explorer) -> None:
    """From/To in an expander whose fields are only sent when it is open.

    Date fields are the heaviest widgets of the sidebar for a browser to load;
    closed, the expander costs nothing and its label says what is set.
    """
    current = state.current()
    chosen = [
        f"{word} {day.isoformat()}"
        for word, day in (("from", current.date_from), ("to", current.date_to))
        if day
    ]
    box = st.sidebar.expander(
        "Dates" + (f": {' '.join(chosen)}" if chosen else ""),
        expanded=bool(chosen),
        key="dates_box",
        on_change="rerun",
        icon=":material/calendar_month:",
    )
    if not box.open:
        return
    first, last = explorer.date_span
    low = first.date() if first is not None else None
    high = last.date() if last is not None else None
    with box:
        for field, label in (("date_from", "From"), ("date_to", "To")):
            st.date_input(
                label,
                value=None,
                min_value=low,
                max_value=high,
                key=state.show_in_widget(field),
                format="YYYY-MM-DD",
                on_change=state.widget_changed,
                args=(field,),
                help="Press Enter to apply",
            )
        with st.container(key="date_enter", height=1, border=False):
            st.html(ENTER_APPLIES_DATES, unsafe_allow_javascript=True)


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
    """Shown instead of charts when the filters match no document."""
    st.info(
        f"No documents match these filters ({current.describe()}).", icon=":material/search_off:"
    )
    st.button(
        "Clear filters",
        on_click=state.clear_filters,
        type="primary",
        icon=":material/filter_alt_off:",
        key="clear_filters_empty",
    )
