"""Small shared widgets: downloads, section titles, empty states."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from seedscope.export import file_stem, to_csv_bytes, to_parquet_bytes


def downloads(frame: pd.DataFrame, name: str, key: str, caption: str | None = None) -> None:
    """CSV and Parquet downloads of exactly these rows (files built on click)."""
    if frame.empty:
        return
    stem = file_stem(name)
    row = st.container(horizontal=True, vertical_alignment="center", key=f"{key}_row")
    row.download_button(
        "CSV",
        data=lambda: to_csv_bytes(frame),
        file_name=f"{stem}.csv",
        mime="text/csv",
        icon=":material/download:",
        key=f"{key}_csv",
        on_click="ignore",
        help=f"Download these {len(frame):,} rows as CSV",
    )
    row.download_button(
        "Parquet",
        data=lambda: to_parquet_bytes(frame),
        file_name=f"{stem}.parquet",
        mime="application/vnd.apache.parquet",
        icon=":material/download:",
        key=f"{key}_parquet",
        on_click="ignore",
        help=f"Download these {len(frame):,} rows as Parquet",
    )
    row.caption(caption or f"{len(frame):,} rows")
