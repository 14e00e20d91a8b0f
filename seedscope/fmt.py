"""Numbers and dates formatted for people."""

from __future__ import annotations

import datetime as dt
import math
from typing import SupportsFloat

import pandas as pd


def count_label(count: int, noun: str, plural: str | None = None) -> str:
    """``1 document``, ``10,000 documents``."""
    word = noun if count == 1 else (plural or f"{noun}s")
    return f"{count:,} {word}"


def fmt_date(value: object, missing: str = "no date") -> str:
    """``5 May 2024``; ``missing`` for null dates."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return missing
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError):
        return missing
    if pd.isna(stamp):
        return missing
    return f"{stamp.day} {stamp:%b %Y}"


def fmt_month(month: str) -> str:
    """``2024-05`` -> ``May 2024``."""
    try:
        return dt.datetime.strptime(month, "%Y-%m").strftime("%b %Y")
    except ValueError:
        return month


def fmt_relevancy(value: SupportsFloat | None) -> str:
    """``4``, ``3.5`` or an en dash for a missing relevancy."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    number = float(value)
    return f"{number:.1f}".rstrip("0").rstrip(".")


def fmt_share(value: SupportsFloat | None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{float(value) * 100:.0f} %"


def date_span(first: object, last: object) -> str:
    if first is None or last is None or pd.isna(first) or pd.isna(last):
        return "no dates"
    a, b = pd.Timestamp(first), pd.Timestamp(last)
    if a.year == b.year and a.month == b.month:
        return f"{a:%b %Y}"
    return f"{a:%b %Y} – {b:%b %Y}"


def year_span(first: object, last: object) -> str:
    """``2022–2026``: short enough for a headline figure."""
    if first is None or last is None or pd.isna(first) or pd.isna(last):
        return "no dates"
    a, b = pd.Timestamp(first).year, pd.Timestamp(last).year
    return str(a) if a == b else f"{a}–{b}"
