"""Momentum: which concepts are new, rising, steady or fading in the current view.

The number of digests per month varies a lot, so nothing here uses raw
counts over time: a concept's weight in a period is the **share of that
period's documents** that carry it. Momentum compares the share inside a
recent *window* (the last N full quarters of page dates) with the share in
everything dated before it, as a rate ratio. Ranking by the ratio itself
would put a concept seen 1 → 2 times above one seen 20 → 40 times, so the
score is the **confidence bound of the ratio nearest to 1** (a Wilson score
interval, conditional on the concept's documents, which stays informative
when a side is 0), widened for the number of concepts compared at once so
that at most 5 % of the concepts called rising or fading are flukes
(Benjamini–Hochberg; see :mod:`seedscope.momentum`). A label also needs a
minimum number of documents and a minimum effect:

* **new** — absent before the window, in at least ``min_docs`` documents inside it;
* **rising** — lower bound above 1 and the share up by at least ``min_ratio``;
* **fading** — upper bound below 1 and the share down by at least ``min_ratio``;
* **steady** — everything else with at least ``min_docs`` documents on one side.

Documents without a page date, dated in the future, or dated in the quarter
still under way (after the window) are left out, and counted for a note.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .concepts import CONCEPT_FACETS
from .explore import Explorer, View
from .grouping import tag_concepts
from .momentum import MIN_DOCS, score_momentum

LABELS = ("new", "rising", "steady", "fading")
PERIODS = {"quarter": "Quarter", "month": "Month"}
WINDOW_QUARTERS = 2
#: The concept table lists at most this many rows (every labelled change first).
MAX_TABLE_ROWS = 500
TABLE_COLUMNS = [
    "concept",
    "label",
    "momentum",
    "trend",
    "window_docs",
    "before_docs",
    "window_share",
    "before_share",
    "ratio",
    "score",
]


@dataclass(frozen=True)
class Window:
    """The recent window: ``start`` inclusive, ``end`` exclusive, whole quarters."""

    start: pd.Timestamp
    end: pd.Timestamp
    quarters: tuple[str, ...]
    unfinished: str | None  # the quarter under way, left out, if it has documents

    @property
    def label(self) -> str:
        first, last = self.quarters[0], self.quarters[-1]
        first, last = first.replace("Q", " Q"), last.replace("Q", " Q")
        return first if first == last else f"{first} – {last}"


def momentum_window(
    dates: pd.Series, quarters: int = WINDOW_QUARTERS, today: dt.date | None = None
) -> Window | None:
    """The last ``quarters`` full quarters of these page dates (None without dates).

    A quarter is full once it has ended by ``today``; the latest quarter of
    the dates is skipped while it is still under way.
    """
    today_ts = pd.Timestamp(today or dt.date.today())
    dates = dates.dropna()
    dates = dates[dates <= today_ts]
    if dates.empty or quarters < 1:
        return None
    last = dates.max().to_period("Q")
    unfinished = None
    if (last + 1).start_time > today_ts:
        unfinished = str(last)
        last = last - 1
    first = last - (quarters - 1)
    return Window(
        start=first.start_time,
        end=(last + 1).start_time,
        quarters=tuple(str(first + i) for i in range(quarters)),
        unfinished=unfinished,
    )


@dataclass(frozen=True, eq=False)
class Trends:
    """Momentum of one tag list under one view; ``table`` is ready to show."""

    list_name: str
    period: str
    window: Window | None
    table: pd.DataFrame  # TABLE_COLUMNS + list, lower, upper, most changed first
    shares: pd.DataFrame  # concept × period share, for every concept of the table
    counts: pd.DataFrame  # concept × period documents
    period_docs: pd.Series  # documents per period (the shares' denominators)
    window_total: int
    before_total: int
    undated: int
    future: int
    unfinished: int  # documents in the quarter under way
    hidden: int  # concepts below the minimum number of documents
    cut: int  # concepts left out of the table by MAX_TABLE_ROWS
    message: str | None = None
    labels: dict[str, int] = field(default_factory=dict)

    def top(self, momentum: str | tuple[str, ...], n: int = 5) -> pd.DataFrame:
        """The ``n`` strongest concepts with one of these labels (by score, then documents)."""
        wanted = (momentum,) if isinstance(momentum, str) else momentum
        rows = self.table[self.table["momentum"].isin(wanted)]
        ascending = wanted == ("fading",)
        return rows.sort_values(
            ["score", "window_docs"], ascending=[ascending, False], kind="stable"
        ).head(n)


def period_keys(dates: pd.Series, period: str) -> pd.Series:
    """``2024Q3`` or ``2024-07`` per date (None where undated)."""
    freq = "Q" if period == "quarter" else "M"
    return dates.dt.to_period(freq).astype(str).where(dates.notna(), None)


def period_range(first: str, last: str, period: str) -> list[str]:
    freq = "Q" if period == "quarter" else "M"
    return [str(p) for p in pd.period_range(pd.Period(first, freq), pd.Period(last, freq))]


def _empty_trends(
    list_name: str,
    period: str,
    window: Window | None,
    message: str,
    notes: dict[str, int],
) -> Trends:
    return Trends(
        list_name=list_name,
        period=period,
        window=window,
        table=pd.DataFrame(columns=[*TABLE_COLUMNS, "list", "lower", "upper"]),
        shares=pd.DataFrame(),
        counts=pd.DataFrame(),
        period_docs=pd.Series(dtype=np.int64),
        window_total=notes.get("window_total", 0),
        before_total=notes.get("before_total", 0),
        undated=notes.get("undated", 0),
        future=notes.get("future", 0),
        unfinished=notes.get("unfinished", 0),
        hidden=0,
        cut=0,
        message=message,
    )


def compute_trends(
    explorer: Explorer,
    view: View,
    facet: str = "themes",
    *,
    period: str = "quarter",
    window_quarters: int = WINDOW_QUARTERS,
    min_docs: int = MIN_DOCS,
    today: dt.date | None = None,
) -> Trends:
    """Momentum of every theme (``facet="themes"``) or keyword concept of the view."""
    list_name = CONCEPT_FACETS[facet]
    if period not in PERIODS:
        raise ValueError(f"unknown period {period!r}; use one of {', '.join(PERIODS)}")
    today_ts = pd.Timestamp(today or dt.date.today())
    docs = view.documents
    dates = docs["page_date"]
    undated = int(dates.isna().sum())
    future = int((dates > today_ts).sum())
    window = momentum_window(dates, window_quarters, today_ts.date())
    if window is None:
        return _empty_trends(
            list_name,
            period,
            None,
            "None of these documents has a page date up to today.",
            {"undated": undated, "future": future},
        )
    dated = dates.notna() & (dates <= today_ts)
    late = dated & (dates >= window.end)
    used = dated & ~late
    in_window = (used & (dates >= window.start)).to_numpy()
    before = (used & (dates < window.start)).to_numpy()
    used_np = used.to_numpy()
    window_total, before_total = int(in_window.sum()), int(before.sum())
    notes = {
        "undated": undated,
        "future": future,
        "unfinished": int(late.sum()),
        "window_total": window_total,
        "before_total": before_total,
    }
    if not window_total or not before_total:
        where = "inside the window" if not window_total else "before the window"
        return _empty_trends(
            list_name,
            period,
            window,
            f"No dated document {where} ({window.label}): momentum needs both.",
            notes,
        )

    # documents of the view, as explorer rows, with their period
    n_docs = len(explorer.documents)
    view_rows = docs["doc_row"].to_numpy(dtype=np.int64)
    side = np.zeros(n_docs, dtype=np.int8)  # 0 not used, 1 before, 2 window
    side[view_rows[before]] = 1
    side[view_rows[in_window]] = 2
    keys = period_keys(dates[used], period)
    periods = period_range(keys.min(), keys.max(), period)
    period_code = np.full(n_docs, -1, dtype=np.int64)
    period_code[view_rows[used_np]] = pd.Index(periods).get_indexer(keys)
    period_docs = np.bincount(period_code[period_code >= 0], minlength=len(periods))

    pairs = tag_concepts(explorer, list_name)
    keep = side[pairs.doc_row] > 0
    p_doc, p_code = pairs.doc_row[keep], pairs.code[keep]
    n_concepts = len(pairs.concepts)
    k1 = np.bincount(p_code[side[p_doc] == 2], minlength=n_concepts)
    k0 = np.bincount(p_code[side[p_doc] == 1], minlength=n_concepts)
    shown = np.flatnonzero((k1 >= min_docs) | (k0 >= min_docs))
    hidden = int(np.count_nonzero((k1 + k0) > 0)) - len(shown)
    scored = score_momentum(
        k1[shown], window_total, k0[shown], before_total, min_docs=min_docs
    ).drop(columns="p_value")
    concepts = pairs.concepts.iloc[shown]
    table = pd.DataFrame(
        {
            "concept": concepts["concept"].to_numpy(),
            "label": concepts["label"].astype(str).to_numpy(),
            "list": list_name,
            "_code": shown,
            "window_docs": k1[shown],
            "before_docs": k0[shown],
            "window_share": k1[shown] / window_total,
            "before_share": k0[shown] / before_total,
            **{column: scored[column].to_numpy() for column in scored.columns},
        }
    )
    order = {"new": 0, "rising": 0, "steady": 1, "fading": 2}
    table["_group"] = table["momentum"].map(order)
    # strongest first in each group: rising by score down, fading by score up
    table["_key"] = np.where(table["_group"] == 2, table["score"], -table["score"])
    table = table.sort_values(
        ["_group", "_key", "window_docs", "label"],
        ascending=[True, True, False, True],
        kind="stable",
    )
    changed = table["momentum"] != "steady"
    limit = max(MAX_TABLE_ROWS, int(changed.sum()))
    cut = max(len(table) - limit, 0)
    table = table.head(limit).drop(columns=["_group", "_key"]).reset_index(drop=True)

    # concept × period counts and shares, for the table's concepts only
    row_of_code = np.full(n_concepts, -1, dtype=np.int64)
    row_of_code[table["_code"].to_numpy()] = np.arange(len(table))
    rows, cols = row_of_code[p_code], period_code[p_doc]
    ok = (rows >= 0) & (cols >= 0)
    grid = np.bincount(
        rows[ok] * len(periods) + cols[ok], minlength=len(table) * len(periods)
    ).reshape(len(table), len(periods))
    counts = pd.DataFrame(grid, index=table["concept"], columns=periods)
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = pd.DataFrame(
            np.where(period_docs > 0, grid / np.maximum(period_docs, 1), np.nan),
            index=table["concept"],
            columns=periods,
        )
    values = shares.to_numpy().round(4).astype(object)
    values[np.isnan(shares.to_numpy())] = None
    table["trend"] = values.tolist()
    table = table[[*TABLE_COLUMNS, "list", "lower", "upper"]]
    return Trends(
        list_name=list_name,
        period=period,
        window=window,
        table=table,
        shares=shares,
        counts=counts,
        period_docs=pd.Series(period_docs, index=periods),
        hidden=hidden,
        cut=cut,
        labels={label: int((table["momentum"] == label).sum()) for label in LABELS},
        window_total=window_total,
        before_total=before_total,
        undated=undated,
        future=future,
        unfinished=notes["unfinished"],
    )


def exclusion_note(trends: Trends) -> str:
    """One sentence on the documents momentum left out, or "" when none."""
    parts = []
    if trends.undated:
        parts.append(f"{trends.undated:,} without a page date")
    if trends.future:
        parts.append(f"{trends.future:,} dated in the future")
    if trends.unfinished and trends.window and trends.window.unfinished:
        quarter = trends.window.unfinished.replace("Q", " Q")
        parts.append(f"{trends.unfinished:,} from {quarter}, still under way")
    if not parts:
        return ""
    return "Left out: " + ", ".join(parts) + "."
