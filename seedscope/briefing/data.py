"""What a briefing says, gathered from the view as plain values for the template.

Everything is computed by the same functions the dashboard pages use
(:mod:`seedscope.trends`, :mod:`seedscope.emerging`, :mod:`seedscope.coverage`,
:mod:`seedscope.heatmap`), so a briefing and the dashboard never disagree.
Text from documents stays plain text here; the template escapes it.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import numpy as np
import pandas as pd
from markupsafe import Markup

from loaders.schema import SIGNALS

from ..coverage import MEASURES as COVERAGE_MEASURES
from ..coverage import Coverage, compute_coverage
from ..emerging import emerging_signals, weak_signals
from ..explore import Explorer, View
from ..filters import FilterState
from ..fmt import cell_text, date_span, fmt_date, fmt_mean, fmt_relevancy, fmt_share
from ..heatmap import build_heatmap
from ..safety import safe_url
from ..tables import signals_table
from ..trend_figures import period_label
from ..trends import WINDOW_QUARTERS, Trends, compute_trends, exclusion_note
from . import svg

TOP_CONCEPTS = 12
TOP_FADING = 6
CHART_LINES = 5
TOP_SIGNALS = 12
LISTED_SIGNALS = 15
HEATMAP_ROWS = 12
UNCLASSIFIED_LISTED = 20
BLIND_THRESHOLD = 3


@dataclass
class ConceptBlock:
    """One tag list's momentum: rows to list, and the chart of the strongest."""

    title: str
    rows: list[dict[str, Any]]
    fading: list[dict[str, Any]]
    chart: Markup | None
    note: str
    window_label: str


@dataclass
class Briefing:
    title: str
    corpus: str
    generated: str
    filters: str
    date_range: str
    figures: list[tuple[str, str, str]]  # (label, value, hint)
    window_label: str
    window_note: str
    concepts: list[ConceptBlock]
    emerging: list[dict[str, Any]]
    weak: list[dict[str, Any]]
    top_signals: list[dict[str, Any]]
    heatmap: dict[str, Any] | None
    coverage: dict[str, Any]
    documents: list[dict[str, Any]]
    messages: list[str] = field(default_factory=list)


def _window_span(trends: Trends) -> tuple[int, int] | None:
    if trends.window is None or trends.shares.empty:
        return None
    periods = list(trends.shares.columns)
    inside = [i for i, p in enumerate(periods) if p in trends.window.quarters]
    return (inside[0], inside[-1]) if inside else None


def _concept_rows(trends: Trends, rows: pd.DataFrame) -> list[dict[str, Any]]:
    periods = [period_label(p) for p in trends.shares.columns]
    span = _window_span(trends)
    out = []
    for row in rows.itertuples():
        shares = [None if v is None else float(v) for v in row.trend]
        out.append(
            {
                "label": row.label,
                "momentum": row.momentum,
                "window_docs": int(row.window_docs),
                "before_docs": int(row.before_docs),
                "window_share": fmt_share(row.window_share, decimals=1),
                "before_share": fmt_share(row.before_share, decimals=1),
                "score": f"{row.score:.2f}",
                "score_value": float(row.score),
                "spark": svg.sparkline(shares, periods, str(row.label), window=span),
            }
        )
    return out


def _concept_block(trends: Trends, title: str) -> ConceptBlock:
    window_label = trends.window.label if trends.window else "no window"
    if trends.message:
        return ConceptBlock(title, [], [], None, trends.message, window_label)
    rising = trends.top(("new", "rising"), TOP_CONCEPTS)
    fading = trends.top("fading", TOP_FADING)
    chart = None
    strongest = list(rising["concept"].head(CHART_LINES))
    if strongest:
        periods = list(trends.shares.columns)
        labels = trends.table.set_index("concept")["label"]
        series = [
            (
                str(labels[c]),
                [None if np.isnan(v) else float(v) for v in trends.shares.loc[c].to_numpy()],
                [int(v) for v in trends.counts.loc[c].to_numpy()],
            )
            for c in strongest
        ]
        chart = svg.line_chart(
            series,
            [period_label(p) for p in periods],
            [int(v) for v in trends.period_docs.reindex(periods).to_numpy()],
            window=_window_span(trends),
        )
    counts = trends.labels
    note = (
        f"{counts.get('new', 0)} new, {counts.get('rising', 0)} rising, "
        f"{counts.get('steady', 0)} steady and {counts.get('fading', 0)} fading "
        f"{title.lower()} with at least the minimum number of documents."
    )
    return ConceptBlock(
        title,
        _concept_rows(trends, rising),
        _concept_rows(trends, fading),
        chart,
        note,
        window_label,
    )


def _signal_rows(frame: pd.DataFrame, limit: int) -> list[dict[str, Any]]:
    return [
        {
            "name": row.name,
            "documents": int(row.documents),
            "first_seen": fmt_date(row.first_seen),
            "relevancy": fmt_relevancy(row.relevancy),
            "title": row.title,
            "date": fmt_date(row.page_date),
        }
        for row in frame.head(limit).itertuples()
    ]


def _top_signals(explorer: Explorer, view: View) -> list[dict[str, Any]]:
    table = signals_table(explorer, view).head(TOP_SIGNALS)
    out = []
    for row in table.itertuples():
        entries = explorer.doc_entries(row.doc_id)
        entry = entries[
            (entries["section"] == SIGNALS) & (entries["position"] == row.position)
        ].iloc[0]
        out.append(
            {
                "name": row.name,
                "relevancy": fmt_relevancy(row.relevancy),
                "title": row.title,
                "date": fmt_date(row.page_date),
                "steps": [
                    ("Today", cell_text(entry["description"])),
                    ("Change", cell_text(entry["change"])),
                    ("In 10 years", cell_text(entry["ten_year"])),
                    ("Driving force", cell_text(entry["driving_force"])),
                ],
            }
        )
    return out


def _heatmap(explorer: Explorer, view: View) -> dict[str, Any] | None:
    heatmap = build_heatmap(explorer, view, "theme", "section", "mean", top=HEATMAP_ROWS)
    if heatmap.empty:
        return None
    labels = heatmap.row_labels
    rows = []
    for key in heatmap.rows:
        cells: list[dict[str, str] | None] = []
        for col in heatmap.cols:
            count = int(heatmap.count.loc[key, col])
            mean = float(heatmap.mean.loc[key, col])
            if not count:
                cells.append(None)
                continue
            background, ink = svg.viridis((mean - 1) / 4) if not math.isnan(mean) else ("", "")
            cells.append(
                {
                    "text": fmt_mean(mean),
                    "background": background,
                    "ink": ink,
                    "tip": f"{labels.get(key, key)} × {col}: {count:,} entries, mean relevancy "
                    + ("not rated" if math.isnan(mean) else f"{mean:.1f}"),
                }
            )
        rows.append({"label": labels.get(key, key), "cells": cells})
    return {"columns": heatmap.cols, "rows": rows, "total": heatmap.total_rows}


def _coverage(coverage: Coverage) -> dict[str, Any]:
    def grid(frame_axis: str) -> dict[str, Any]:
        grid = coverage.by_period if frame_axis == "period" else coverage.by_section
        columns = [str(c) for c in grid.documents.columns]
        shown = [period_label(c) for c in columns] if frame_axis == "period" else columns
        top = max(int(grid.documents.to_numpy().max()) if grid.documents.size else 0, 1)
        rows = []
        for family in grid.documents.index:
            cells = []
            for column, label in zip(columns, shown, strict=True):
                docs = int(grid.documents.loc[family, column])
                entries = int(grid.entries.loc[family, column])
                mean = float(grid.mean.loc[family, column])
                background, ink = svg.viridis(docs / top) if docs else ("", "")
                cells.append(
                    {
                        "text": f"{docs:,}",
                        "background": background,
                        "ink": ink,
                        "blind": bool(grid.thin.loc[family, column]),
                        "tip": f"{family} · {label}: {docs:,} documents, {entries:,} entries, "
                        f"mean relevancy {fmt_relevancy(mean)}",
                    }
                )
            rows.append({"label": family, "cells": cells})
        return {"columns": shown, "rows": rows}

    return {
        "by_period": grid("period"),
        "by_section": grid("section"),
        "threshold": coverage.threshold,
        "blind": len(coverage.blind_spots),
        "classified": coverage.classified_documents,
        "documents": coverage.documents,
        "evidence": coverage.evidence_signals,
        "signals": coverage.signals,
        "unclassified": [
            {"label": row.label, "list": row.list, "documents": int(row.documents)}
            for row in coverage.unclassified.head(UNCLASSIFIED_LISTED).itertuples()
        ],
        "unclassified_total": len(coverage.unclassified),
        "measures": COVERAGE_MEASURES,
    }


def _documents(view: View) -> list[dict[str, Any]]:
    docs = view.documents.sort_values(
        ["page_date", "title_text"], ascending=[False, True], na_position="last"
    )
    out = []
    for title, date, source, page in zip(
        docs["title_text"].to_numpy(),
        docs["page_date"].to_numpy(),
        docs["source_url"].astype(object).to_numpy(),
        docs["page_url"].astype(object).to_numpy(),
        strict=True,
    ):
        link = safe_url(source) or safe_url(page)
        out.append(
            {
                "title": title,
                "date": fmt_date(date, missing="undated"),
                "url": link,
                "host": (urlsplit(link).hostname or "") if link else cell_text(source),
            }
        )
    return out


def collect(
    explorer: Explorer,
    state: FilterState,
    *,
    window_quarters: int = WINDOW_QUARTERS,
    today: dt.date | None = None,
    corpus_label: str = "",
    title: str | None = None,
) -> Briefing:
    """Everything a briefing of the view under ``state`` shows."""
    today = today or dt.date.today()
    view = explorer.view(state)
    docs = view.documents
    trends = {
        facet: compute_trends(explorer, view, facet, window_quarters=window_quarters, today=today)
        for facet in ("themes", "keywords")
    }
    blocks = [
        _concept_block(trends["themes"], "Themes"),
        _concept_block(trends["keywords"], "Keywords"),
    ]
    themes = trends["themes"]
    emerging = emerging_signals(explorer, view, themes.window, today=today)
    weak = weak_signals(explorer, view, themes.window, today=today)
    coverage = compute_coverage(explorer, view, threshold=BLIND_THRESHOLD, today=today)
    signals = len(view.signals)
    figures = [
        ("Documents", f"{len(docs):,}", ""),
        ("Signals", f"{signals:,}", ""),
        ("Other entries", f"{len(view.entries) - signals:,}", "concerns, behaviors, …"),
        (
            "New themes",
            str(themes.labels.get("new", 0)),
            themes.window.label if themes.window else "",
        ),
        ("Rising themes", str(themes.labels.get("rising", 0)), ""),
        ("Emerging signals", f"{len(emerging):,}", ""),
        ("Weak signals", f"{len(weak):,}", ""),
        (
            "Blind spots",
            f"{len(coverage.blind_spots):,}",
            f"cells under {BLIND_THRESHOLD} documents",
        ),
    ]
    dated = docs["page_date"]
    dated = dated[dated.notna() & (dated <= pd.Timestamp(today))]
    return Briefing(
        title=title or "Horizon-scanning briefing",
        corpus=corpus_label,
        generated=fmt_date(today),
        filters=state.describe(explorer.label_of(state)),
        date_range=date_span(dated.min(), dated.max()) if len(dated) else "no dates",
        figures=figures,
        window_label=themes.window.label if themes.window else "no window",
        window_note=exclusion_note(themes),
        concepts=blocks,
        emerging=_signal_rows(emerging, LISTED_SIGNALS),
        weak=_signal_rows(weak, LISTED_SIGNALS),
        top_signals=_top_signals(explorer, view),
        heatmap=_heatmap(explorer, view),
        coverage=_coverage(coverage),
        documents=_documents(view),
        messages=[]
        if len(docs)
        else [f"No documents match these filters ({state.describe(explorer.label_of(state))})."],
    )
