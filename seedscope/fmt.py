"""Numbers and dates formatted for people, with one way of saying "missing".

Every page and figure formats through here, so a missing value reads the
same everywhere (:data:`MISSING`, never "None", "nan" or a hyphen).
"""

from __future__ import annotations

import numbers

import pandas as pd

#: What a missing number or text shows as.
MISSING = "—"


def is_missing(value: object) -> bool:
    """None, NaN, NaT and pandas.NA; a list or an array is never missing."""
    if value is None:
        return True
    # pd.isna of a list answers per item; a list is a value, not a missing one
    return pd.api.types.is_scalar(value) and bool(pd.isna(value))


def as_number(value: object) -> float | None:
    """A number (numpy's and numeric text too) as a float; None when missing."""
    if is_missing(value):
        return None
    if isinstance(value, numbers.Real | str):
        return float(value)
    raise TypeError(f"{value!r} is not a number")


def cell_text(value: object) -> str | None:
    """A table cell's text, stripped; None when it is missing or blank."""
    if is_missing(value):
        return None
    return str(value).strip() or None


def count_label(count: int, noun: str, plural: str | None = None) -> str:
    """``1 document``, ``10,000 documents``."""
    word = noun if count == 1 else (plural or f"{noun}s")
    return f"{count:,} {word}"


def top_of_label(shown: int, total: int, noun: str, plural: str | None = None) -> str:
    """``12 signals`` when all are shown, ``top 20 of 35 signals`` when cut."""
    if shown >= total:
        return count_label(total, noun, plural)
    return f"top {shown:,} of {count_label(total, noun, plural)}"


def fmt_date(value: object, missing: str = "no date") -> str:
    """``5 May 2024``; ``missing`` for null dates."""
    if is_missing(value):
        return missing
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError):
        return missing
    if pd.isna(stamp):
        return missing
    return f"{stamp.day} {stamp:%b %Y}"


def fmt_relevancy(value: object) -> str:
    """``4``, ``3.5``; :data:`MISSING` for a missing relevancy."""
    number = as_number(value)
    if number is None:
        return MISSING
    return f"{number:.1f}".rstrip("0").rstrip(".")


def fmt_mean(value: object) -> str:
    """A mean relevancy with one decimal (``4.0``); :data:`MISSING` when nothing was rated."""
    number = as_number(value)
    return MISSING if number is None else f"{number:.1f}"


def fmt_share(value: object, decimals: int = 0) -> str:
    """A 0–1 share as a percentage (``42 %``; ``2.5 %`` and ``25 %`` with one decimal:
    as many as the value needs, at most ``decimals``); :data:`MISSING` when there is none."""
    number = as_number(value)
    if number is None:
        return MISSING
    text = f"{number * 100:.{decimals}f}"
    if decimals:
        text = text.rstrip("0").rstrip(".")
    return f"{text} %"


def date_span(first: object, last: object) -> str:
    if is_missing(first) or is_missing(last):
        return "no dates"
    start, end = pd.Timestamp(first), pd.Timestamp(last)
    if start.year == end.year and start.month == end.month:
        return f"{start:%b %Y}"
    return f"{start:%b %Y} – {end:%b %Y}"


def year_span(first: object, last: object) -> str:
    """``2022–2026``: short enough for a headline figure."""
    if is_missing(first) or is_missing(last):
        return "no dates"
    start, end = pd.Timestamp(first).year, pd.Timestamp(last).year
    return str(start) if start == end else f"{start}–{end}"
