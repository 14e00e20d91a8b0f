"""What every page needs for this run: the corpus, the filters and their view."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from loaders import BuildReport
from loaders.schema import SIGNALS
from seedscope.explore import Explorer, View
from seedscope.filters import FilterState, SignalRef

from .corpus import CorpusChoice

_KEY = "_run_context"


@dataclass(frozen=True)
class Context:
    choice: CorpusChoice
    report: BuildReport
    explorer: Explorer
    state: FilterState
    view: View
    pages: dict[str, st.Page]  # type: ignore[name-defined]


def publish(context: Context) -> None:
    st.session_state[_KEY] = context


def get() -> Context:
    """The context dashboard.py prepared for this run."""
    context = st.session_state.get(_KEY)
    if context is None:  # a page run on its own, not through dashboard.py
        st.error("Open Seedscope through dashboard.py (`make run`).")
        st.stop()
    return context


class PageEnd(Exception):
    """Raised by :func:`end` and caught by the router, which then draws the sidebar."""


def end() -> None:
    """End the page here but keep the sidebar.

    ``st.stop()`` stops the whole script run, and the router draws the
    sidebar after the page: a page showing an empty state must still leave
    the filters on screen, so pages end with this instead.
    """
    raise PageEnd


def go(page: str) -> None:
    """Switch to one of the app's pages, its URL carrying the filters (one history entry)."""
    from . import state

    st.switch_page(get().pages[page], query_params=state.query_for(state.current()))


def open_signal(ref: SignalRef) -> None:
    """Open a signal's drill-down on the Signals page."""
    from . import state

    state.open_signal(ref)
    go("signals")


def open_entry(doc_id: str, section: str, position: int) -> None:
    """A signal opens its drill-down on the Signals page, any other entry its document."""
    from . import state

    if section == SIGNALS:
        open_signal(SignalRef(doc_id, position))
    state.open_doc(doc_id)
    go("documents")
