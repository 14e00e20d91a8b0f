"""Small shared widgets: downloads, the filters caption, empty states."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from seedscope.export import file_stem, to_csv_bytes, to_parquet_bytes
from seedscope.filters import SignalRef
from seedscope.fmt import count_label, fmt_date, fmt_relevancy
from seedscope.safety import escape_markdown

from . import context, state


def downloads(
    frame: pd.DataFrame | Callable[[], pd.DataFrame],
    name: str,
    key: str,
    caption: str | None = None,
    rows: int | None = None,
) -> None:
    """CSV and Parquet downloads of exactly these rows (files built on click).

    ``frame`` may be a function that makes the rows (with ``rows``, how many),
    so a page that shows the first 5,000 of 55,000 signals builds them all only
    when someone downloads them.
    """
    count = len(frame) if isinstance(frame, pd.DataFrame) else int(rows or 0)
    if not count:
        return

    def table() -> pd.DataFrame:
        return frame if isinstance(frame, pd.DataFrame) else frame()

    stem = file_stem(name)
    row = st.container(horizontal=True, vertical_alignment="center", key=f"{key}_row")
    row.download_button(
        "CSV",
        data=lambda: to_csv_bytes(table()),
        file_name=f"{stem}.csv",
        mime="text/csv",
        icon=":material/download:",
        key=f"{key}_csv",
        on_click="ignore",
        help=f"Download these {count:,} rows as CSV",
    )
    row.download_button(
        "Parquet",
        data=lambda: to_parquet_bytes(table()),
        file_name=f"{stem}.parquet",
        mime="application/vnd.apache.parquet",
        icon=":material/download:",
        key=f"{key}_parquet",
        on_click="ignore",
        help=f"Download these {count:,} rows as Parquet",
    )
    row.caption(caption or f"{count:,} rows")


def plotly_chart(figure: Any, key: str, min_width: int = 0, **kwargs: Any) -> Any:
    """``st.plotly_chart`` that scrolls sideways instead of squeezing below ``min_width``
    (a heatmap of 18 quarters on a phone), and keeps the plotly logo off."""
    with st.container(key=f"{key}_box"):
        if min_width:
            st.html(
                f"<style>.st-key-{key}_box {{ overflow-x: auto; }} "
                f".st-key-{key} {{ min-width: {int(min_width)}px; }}</style>"
            )
        return st.plotly_chart(figure, key=key, config={"displaylogo": False}, **kwargs)


def filters_caption(ctx: context.Context) -> None:
    """ "Filters: themes: AI; …" under a page title, and why a search was ignored."""
    described = ctx.state.describe(ctx.explorer.label_of(ctx.state))
    st.caption(f"Filters: {escape_markdown(described)}")
    if ctx.view.search_problem:
        st.warning(escape_markdown(ctx.view.search_problem), icon=":material/search_off:")


def no_signals_note(ctx: context.Context) -> None:
    """Documents match, but none of their signals does: say what there is instead."""
    view = ctx.view
    others = len(view.entries) - len(view.signals)
    what = (
        f"{count_label(others, 'other entry', 'other entries')} (concerns, behaviors, …)"
        if others
        else "no entries"
    )
    st.info(
        f"{count_label(len(view.documents), 'document')} match these filters, with "
        f"{what} but no signal. The Documents and Heatmaps pages show what they hold.",
        icon=":material/info:",
    )


def signal_links(ctx: context.Context, table: pd.DataFrame, key: str) -> None:
    """Signals as links that open their drill-down (and can open in a new tab).

    Lighter than a table for a browser to load, so the page's first chart
    draws sooner; each link carries the filters and the signal.
    """
    with st.container(key=key, gap="small"):
        for row in table.itertuples():
            ref = SignalRef(str(row.doc_id), int(row.position))
            st.page_link(
                ctx.pages["signals"],
                label=f"**{fmt_relevancy(row.relevancy)}** · {escape_markdown(row.name)}",
                query_params=state.query_for(ctx.state.with_changes(signal=ref)),
                help=f"{row.title} · {fmt_date(row.page_date)}",
            )


def widget_key(name: str, *parts: object) -> str:
    """A key that changes with what a selectable table shows.

    A table's selection outlives a filter change when its key stays the
    same, and row 3 of the old table would then mean another row of the new
    one; keyed by content, a selection only ever means what was clicked.
    """
    digest = hashlib.sha1(repr(parts).encode("utf-8")).hexdigest()[:10]
    return f"{name}_{digest}"


def picked_row(event: object, frame: pd.DataFrame) -> pd.Series | None:
    """The row a single-row selection points at, if any."""
    selection = getattr(event, "selection", None)
    rows = getattr(selection, "rows", None) if selection is not None else None
    if not rows:
        return None
    index = rows[0]
    return frame.iloc[index] if 0 <= index < len(frame) else None
