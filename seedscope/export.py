"""The rows on screen as downloadable files."""

from __future__ import annotations

import io
import re

import pandas as pd


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Drop helper columns (``doc_row`` …) and turn lists into text for CSV."""
    out = frame.drop(columns=[c for c in ("doc_row", "title_text") if c in frame.columns])
    for column in out.columns:
        if (
            out[column].dtype == object
            and out[column].map(lambda v: isinstance(v, list | tuple)).any()
        ):
            out[column] = out[column].map(
                lambda v: "; ".join(map(str, v)) if isinstance(v, list | tuple) else v
            )
    return out.reset_index(drop=True)


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV with a BOM, so spreadsheet programs read accents correctly."""
    return _plain(frame).to_csv(index=False).encode("utf-8-sig")


def to_parquet_bytes(frame: pd.DataFrame) -> bytes:
    out = frame.drop(columns=[c for c in ("doc_row", "title_text") if c in frame.columns])
    for column in out.columns:  # arrays from Parquet lists come back as numpy arrays
        if out[column].dtype == object:
            out[column] = out[column].map(lambda v: list(v) if hasattr(v, "tolist") else v)
    buffer = io.BytesIO()
    out.reset_index(drop=True).to_parquet(buffer, index=False)
    return buffer.getvalue()


def file_stem(*parts: str) -> str:
    """``seedscope-signals-ai-energy`` from free text, safe as a file name."""
    words = re.sub(r"[^a-z0-9]+", "-", "-".join(p for p in parts if p).casefold()).strip("-")
    return ("seedscope-" + words)[:80].rstrip("-")
