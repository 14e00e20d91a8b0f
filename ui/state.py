"""Filter state: one FilterState per session, shown by the widgets, mirrored in the URL.

The session's :class:`~seedscope.filters.FilterState` is the truth, and its
values are *values* (theme and keyword ids, category names, dates), never
the labels people read. The sidebar widgets only show it: before each is
drawn its key is written from the state (:func:`widget_value`), and a
person's change comes back through an ``on_change`` callback
(:func:`widget_changed`), which runs before the next script run with the
previous run's option labels, so a label whose count has changed since can
never be mistaken for a value.

The URL mirrors the state after every run (:func:`sync_url`): a change is
one browser history entry. The URL is read on a session's first run and
again whenever the browser goes Back or Forward, so Back restores the
previous filters and page. Pages declare their own URL parameters with
:func:`page_param`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from seedscope.filters import FilterState, SignalRef

#: FilterState field -> session_state key of the sidebar widget that shows it.
FILTER_WIDGET_KEYS = {
    "themes": "f_theme",
    "keywords": "f_keyword",
    "categories": "f_category",
    "types": "f_type",
    "sections": "f_section",
    "date_from": "f_from",
    "date_to": "f_to",
    "min_relevancy": "f_min_relevancy",
    "q": "f_q",
    "narrower": "f_narrower",
    "raw": "f_raw",
    "seen": "f_seen",
}
#: The slider's "no minimum" position.
NO_MINIMUM = 1.0
CORPUS_PARAM = "corpus"
_FILTERS = "_filters"
_SEEDED = "_seeded_from_url"
_URL_QUERY = "_url_query"
_PAGE_PARAMS = "_page_params"  # name -> (session key, default), for every page seen
_PARAM_STORE = "_page_param_values"  # name -> value, survives pages that do not draw it
CORPUS_KEY = "_corpus_param"


def _query() -> dict[str, list[str]]:
    params = st.query_params
    return {key: params.get_all(key) for key in params}


def is_history_navigation() -> bool:
    """Whether this run was started by the browser's Back or Forward button."""
    ctx = get_script_run_ctx()
    return bool(getattr(ctx, "is_history_navigation", False))


def seed_from_url() -> None:
    """Read the URL into the session: on its first run, and after Back/Forward."""
    ss = st.session_state
    back_or_forward = is_history_navigation()
    if ss.get(_SEEDED) and not back_or_forward:
        return
    query = _query()
    ss[_FILTERS] = FilterState.from_query(query)
    ss[_URL_QUERY] = query
    ss[_SEEDED] = True
    corpus = query.get(CORPUS_PARAM)
    if back_or_forward or CORPUS_KEY not in ss:
        ss[CORPUS_KEY] = corpus[-1] if corpus else None
    if back_or_forward:
        # page parameters come back from the URL too (their widgets follow)
        store = ss.setdefault(_PARAM_STORE, {})
        for name, (key, default) in ss.get(_PAGE_PARAMS, {}).items():
            values = query.get(name)
            store[name] = values[-1] if values else default
            ss[key] = store[name]


def url_values(name: str) -> list[str]:
    """A parameter as the URL last read had it (first run, or Back/Forward)."""
    return list(st.session_state.get(_URL_QUERY, {}).get(name, []))


def current() -> FilterState:
    return st.session_state.get(_FILTERS) or FilterState()


def set_filters(state: FilterState) -> None:
    """Make ``state`` the session's filters (widgets follow when next drawn)."""
    if state.date_from and state.date_to and state.date_from > state.date_to:
        state = state.with_changes(date_from=state.date_to, date_to=state.date_from)
    st.session_state[_FILTERS] = state


def request_filters(state: FilterState) -> None:
    """New filters from a page (e.g. a heatmap cell): applied, then the page reruns."""
    set_filters(state)
    st.rerun()


def clear_filters() -> None:
    """A button callback: no filters; what is open stays open."""
    set_filters(current().cleared())


# -- widgets <-> state -----------------------------------------------------------


def widget_value(field: str, state: FilterState | None = None) -> Any:
    """What the widget of ``field`` shows for ``state`` (the session's by default)."""
    value = getattr(state or current(), field)
    if field == "min_relevancy":
        return value or NO_MINIMUM
    if field == "seen":
        return value or 1
    if isinstance(value, tuple):
        return list(value)
    return value


def _from_widget(field: str, value: Any) -> Any:
    if field == "min_relevancy":
        return float(value) if value and float(value) > NO_MINIMUM else None
    if field in ("date_from", "date_to"):
        return value if isinstance(value, dt.date) else None
    if field == "q":
        return str(value or "").strip()
    if field in ("narrower", "raw"):
        return bool(value)
    if field == "seen":
        return int(value) if value and int(value) >= 2 else None
    return tuple(dict.fromkeys(str(v) for v in (value or ())))


def show_in_widget(field: str) -> str:
    """Write the widget's key from the state before the widget is drawn; its key.

    Text is only rewritten when it differs, so a rerun never resets what a
    person is typing.
    """
    key = FILTER_WIDGET_KEYS[field]
    wanted = widget_value(field)
    if field == "q" and st.session_state.get(key) == wanted:
        return key
    st.session_state[key] = wanted
    return key


def widget_changed(field: str) -> None:
    """``on_change`` callback of a filter widget: its new value becomes the state's."""
    value = st.session_state.get(FILTER_WIDGET_KEYS[field])
    set_filters(current().with_changes(**{field: _from_widget(field, value)}))


def adopt(state: FilterState) -> FilterState:
    """Store a normalised version of the current state (e.g. raw URL values mapped to
    ids) and return it."""
    if state != current() or state.signal != current().signal or state.doc != current().doc:
        st.session_state[_FILTERS] = state
    return state


def open_signal(ref: SignalRef | None) -> None:
    set_filters(current().with_changes(signal=ref))


def open_doc(doc_id: str | None) -> None:
    set_filters(current().with_changes(doc=doc_id or None))


# -- page parameters ----------------------------------------------------------------


def page_param(
    name: str, default: str, options: Sequence[str] | None = None, key: str | None = None
) -> str:
    """A page's own URL parameter (``rows``, ``tab``, ``title`` …).

    Its value lives in ``st.session_state[key]`` (default ``p_<name>``; use it
    as the widget's key) and is also kept aside, so it survives runs in which
    the page does not draw its widget. It starts from the URL, comes back
    from it on Back/Forward, and is written to the URL after the run when it
    differs from the default. Values outside ``options`` fall back to the
    default, so a stale or hand-edited value never reaches the page.
    """
    key = key or f"p_{name}"
    ss = st.session_state
    store = ss.setdefault(_PARAM_STORE, {})
    value = ss.get(key)
    if value is None:
        value = store.get(name)
    if value is None:
        values = url_values(name)
        value = values[-1] if values else default
    if options is not None and value not in options:
        value = default
    ss[key] = value
    store[name] = value
    ss.setdefault(_PAGE_PARAMS, {})[name] = (key, default)
    ss.setdefault("_page_params_this_run", set()).add(name)
    return str(value)


def query_for(state: FilterState, page_params: dict[str, str] | None = None) -> dict:
    """The URL query of a state (plus the open corpus and the given page parameters)."""
    wanted: dict[str, list[str]] = state.to_query()
    corpus = st.session_state.get(CORPUS_KEY)
    if corpus:
        wanted[CORPUS_PARAM] = [corpus]
    for name, value in (page_params or {}).items():
        wanted[name] = [str(value)]
    return wanted


def sync_url(extra: dict[str, Any] | None = None) -> None:
    """Write the current state (and this run's page parameters) to the URL."""
    ss = st.session_state
    params: dict[str, str] = {}
    store = ss.setdefault(_PARAM_STORE, {})
    registry = ss.get(_PAGE_PARAMS, {})
    for name in ss.pop("_page_params_this_run", set()):
        key, default = registry[name]
        value = ss.get(key, store.get(name))
        if value is not None:
            store[name] = value
            if str(value) != str(default):
                params[name] = str(value)
    for name, value in (extra or {}).items():
        params[name] = str(value)
    wanted = query_for(current(), params)
    if _query() != wanted:
        st.query_params.from_dict(wanted)
