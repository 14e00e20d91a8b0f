"""Glue shared by the Trends, Coverage and Draw pages: clicks that filter or open,
the briefing download, and a per-session memo of the last computation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TypeVar

import streamlit as st

from seedscope.briefing import build_briefing
from seedscope.export import file_stem
from seedscope.filters import FilterState
from seedscope.safety import escape_markdown

from . import context, state

T = TypeVar("T")


def remember(name: str, key: tuple[object, ...], compute: Callable[[], T]) -> T:
    """The last result of ``compute`` for this session, reused while ``key`` is unchanged.

    A page reruns on every click (a tab, a download, a drill-down) without
    its inputs changing; this keeps those reruns from recomputing.
    """
    slot = f"_remember_{name}"
    held = st.session_state.get(slot)
    if held is not None and held[0] == key:
        return held[1]  # type: ignore[no-any-return]
    value = compute()
    st.session_state[slot] = (key, value)
    return value


def filter_by_concept(current: FilterState, facet: str, concept: str) -> None:
    """Filter every page by one concept (it replaces the facet's other values).

    Trends lists concepts, so the click returns to the concept view if the
    analyst was looking at themes and keywords as written."""
    st.toast(f"Filtered by {facet[:-1]} “{escape_markdown(concept)}”", icon=":material/filter_alt:")
    state.request_filters(current.with_changes(raw=False, **{facet: (concept,)}))


def briefing_download(ctx: context.Context, window_quarters: int, key: str) -> None:
    """ "Download briefing": the current view as one self-contained HTML file, built on click."""
    today = dt.date.today()
    name = file_stem("briefing", ctx.choice.label, today.isoformat())

    def html() -> bytes:
        return build_briefing(
            ctx.explorer,
            ctx.state,
            window_quarters=window_quarters,
            today=today,
            corpus_label=ctx.choice.label,
        ).encode("utf-8")

    st.download_button(
        "Download briefing",
        data=html,
        file_name=f"{name}.html",
        mime="text/html",
        icon=":material/summarize:",
        key=key,
        on_click="ignore",
        help="The current view (filters) as one HTML file that opens offline and prints on A4",
    )
