"""Filter state in the URL: read once per session, written after every run.

Sidebar widgets own the live values (in ``st.session_state``); the URL is a
mirror, so a copied link reopens the same view, reloading keeps it and page
switches (which clear the browser's query string) get it back on the next
run. Pages declare their own URL parameters with :func:`page_param`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import streamlit as st

from seedscope.filters import LIST_PARAMS, FilterState, SignalRef

#: session_state keys of the sidebar widgets
W = {
    "themes": "f_theme",
    "keywords": "f_keyword",
    "categories": "f_category",
    "types": "f_type",
    "sections": "f_section",
    "date_from": "f_from",
    "date_to": "f_to",
    "min_relevancy": "f_min_relevancy",
    "q": "f_q",
}
_PENDING = "_pending_filters"
_SEEDED = "_seeded_from_url"
_PAGE_PARAMS = "_page_params"
OPEN_SIGNAL = "open_signal"
OPEN_DOC = "open_doc"
CORPUS_PARAM = "corpus"


def _query() -> dict[str, list[str]]:
    params = st.query_params
    return {key: params.get_all(key) for key in params}


def seed_from_url() -> None:
    """On a session's first run, put the URL's state into the widgets' keys."""
    if st.session_state.get(_SEEDED):
        return
    query = _query()
    state = FilterState.from_query(query)
    write_widgets(state)
    st.session_state[OPEN_SIGNAL] = str(state.signal) if state.signal else None
    st.session_state[OPEN_DOC] = state.doc
    st.session_state[_SEEDED] = True
    st.session_state["_initial_query"] = query


def initial_query(name: str) -> list[str]:
    """A parameter as the session's first URL had it (for page parameters)."""
    return list(st.session_state.get("_initial_query", {}).get(name, []))


def write_widgets(state: FilterState) -> None:
    ss = st.session_state
    for attr in LIST_PARAMS.values():
        ss[W[attr]] = list(getattr(state, attr))
    ss[W["date_from"]] = state.date_from
    ss[W["date_to"]] = state.date_to
    ss[W["min_relevancy"]] = state.min_relevancy or 1.0
    ss[W["q"]] = state.q


def apply_pending() -> None:
    """Apply filter changes requested during the previous run (before widgets exist)."""
    pending = st.session_state.pop(_PENDING, None)
    if pending is not None:
        write_widgets(pending)


def request_filters(state: FilterState) -> None:
    """Ask for new filters: applied at the start of the next run, then rerun."""
    st.session_state[_PENDING] = state
    st.rerun()


def current() -> FilterState:
    ss = st.session_state
    date_from = ss.get(W["date_from"])
    date_to = ss.get(W["date_to"])
    if isinstance(date_from, dt.date) and isinstance(date_to, dt.date) and date_from > date_to:
        date_from, date_to = date_to, date_from
    min_rel = ss.get(W["min_relevancy"]) or 1.0
    return FilterState(
        themes=tuple(ss.get(W["themes"]) or ()),
        keywords=tuple(ss.get(W["keywords"]) or ()),
        categories=tuple(ss.get(W["categories"]) or ()),
        types=tuple(ss.get(W["types"]) or ()),
        date_from=date_from if isinstance(date_from, dt.date) else None,
        date_to=date_to if isinstance(date_to, dt.date) else None,
        min_relevancy=float(min_rel) if min_rel and float(min_rel) > 1 else None,
        sections=tuple(ss.get(W["sections"]) or ()),
        q=str(ss.get(W["q"]) or "").strip(),
        signal=SignalRef.parse(ss.get(OPEN_SIGNAL)),
        doc=ss.get(OPEN_DOC) or None,
    )


def open_signal(ref: SignalRef | str | None) -> None:
    st.session_state[OPEN_SIGNAL] = str(ref) if ref else None


def open_doc(doc_id: str | None) -> None:
    st.session_state[OPEN_DOC] = doc_id


def page_param(
    name: str, default: str, options: Sequence[str] | None = None, key: str | None = None
) -> str:
    """A page's own URL parameter: read from the first URL, then from the session.

    The value lives in ``st.session_state[key]`` (default ``p_<name>``; use it
    as the widget's key). Values outside ``options`` fall back to the default,
    so a stale or hand-edited value can never reach the page. It is written
    to the URL after the run when it differs from the default.
    """
    key = key or f"p_{name}"
    ss = st.session_state
    value = ss.get(key)
    if value is None:
        values = initial_query(name)
        value = values[-1] if values else default
    if options is not None and value not in options:
        value = default
    ss[key] = value
    ss.setdefault(_PAGE_PARAMS, {})[name] = (key, default)
    return str(value)


def sync_url(extra: dict[str, Any] | None = None) -> None:
    """Write the current state (and this run's page parameters) to the URL."""
    wanted = current().to_query()
    corpus = st.session_state.get("_corpus_param")
    if corpus:
        wanted[CORPUS_PARAM] = [corpus]
    for name, (key, default) in st.session_state.pop(_PAGE_PARAMS, {}).items():
        value = st.session_state.get(key)
        if value is not None and str(value) != str(default):
            wanted[name] = [str(value)]
    for name, value in (extra or {}).items():
        wanted[name] = [str(value)]
    if _query() != wanted:
        st.query_params.from_dict(wanted)
