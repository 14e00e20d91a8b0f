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
from seedscope.search_query import HELP as SEARCH_HELP

from . import state

#: At most this many options per tag facet (plus whatever is selected):
#: a 10,000-document corpus has tens of thousands of distinct keywords.
MAX_FACET_OPTIONS = 300

#: Sidebar sections of page links: (heading, page names).
#: The menu: every page an analyst or facilitator opens, by group. The
#: projector's page is not here: it is reached by its secret link only.
NAVIGATION = (
    (
        "Explore",
        (
            "overview",
            "heatmaps",
            "signals",
            "trends",
            "coverage",
            "documents",
            "vocabulary",
            "health",
        ),
    ),
    ("Workshop", ("draw", "decks")),
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


def _labeller(
    explorer: Explorer, field: str, counts: pd.Series, shown: FilterState
) -> Callable[[str], str]:
    """``format_func`` of a facet widget: display label and document count, never the value."""
    count_of = counts.to_dict()

    def label(value: str) -> str:
        return f"{explorer.facet_option(field, value, shown)} ({count_of.get(value, 0):,})"

    return label


#: "Seen in at least" choices for signals (1: every signal).
SEEN_CHOICES = (1, 2, 3, 5, 10)
#: Spellings listed per selected concept in the sidebar.
SHOWN_SPELLINGS = 8


def _raw_changed(explorer: Explorer) -> None:
    """Switching between concepts and spellings carries the theme/keyword filters over."""
    raw = bool(st.session_state.get(state.FILTER_WIDGET_KEYS["raw"]))
    state.set_filters(explorer.seen_as(state.current(), raw))


def _concept_options(explorer: Explorer, shown: FilterState) -> None:
    """How themes and keywords are seen: as concepts (with narrower ones) or as written;
    and what the selected concepts hold."""
    if explorer.concepts is None:
        return
    sidebar = st.sidebar
    sidebar.toggle(
        "Include narrower concepts",
        key=state.show_in_widget("narrower"),
        on_change=state.widget_changed,
        args=("narrower",),
        disabled=shown.raw,
        help="A concept also selects the concepts below it: *artificial intelligence* "
        "takes in *generative AI* and *AI ethics*.",
    )
    sidebar.toggle(
        "Themes and keywords as written",
        key=state.show_in_widget("raw"),
        on_change=_raw_changed,
        args=(explorer,),
        help="One value per spelling, as the digests write them, instead of one per "
        "concept: to check what the vocabulary merges.",
    )
    selected = [
        (field, value) for field in ("themes", "keywords") for value in getattr(shown, field)
    ]
    if shown.raw or not selected:
        return
    with sidebar.expander(
        "What the selected concepts hold", icon=":material/dictionary:", key="concepts_box"
    ):
        for field, value in selected:
            facet = explorer.facet(field, shown)
            written = facet.written.get(value, ())
            below = len(facet.narrower.get(value, ())) if shown.narrower else 0
            more = f" and {count_label(below, 'narrower concept')}" if below else ""
            spellings = " · ".join(escape_markdown(w) for w in written[:SHOWN_SPELLINGS])
            if len(written) > SHOWN_SPELLINGS:
                spellings += f" · +{len(written) - SHOWN_SPELLINGS:,}"
            st.markdown(
                f"**{escape_markdown(facet.label(value))}**{more}  \n"
                f"{spellings or '*no spelling in these documents*'}"
            )


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
            format_func=_labeller(explorer, field, facets[field], view.state),
            on_change=state.widget_changed,
            args=(field,),
            # Enter picks the highlighted option, never "Select N matches"
            select_all=False,
        )
        if field == "keywords":
            _concept_options(explorer, view.state)
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
    sidebar.selectbox(
        "Signals seen in at least",
        sorted({*SEEN_CHOICES, view.state.seen or 1}),
        format_func=lambda n: "any number of documents" if n == 1 else f"{n} documents",
        key=state.show_in_widget("seen"),
        on_change=state.widget_changed,
        args=("seen",),
        help="Only signals that several documents report, in their own words too.",
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


def empty_state(current: FilterState, explorer: Explorer | None = None) -> None:
    """Shown instead of charts when the filters match no document."""
    described = current.describe(explorer.label_of(current) if explorer else None)
    st.info(
        f"No documents match these filters ({escape_markdown(described)}).",
        icon=":material/search_off:",
    )
    st.button(
        "Clear filters",
        on_click=state.clear_filters,
        type="primary",
        icon=":material/filter_alt_off:",
        key="clear_filters_empty",
    )
