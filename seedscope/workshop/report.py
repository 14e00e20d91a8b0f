"""The workshop report: one offline HTML file to send after the session, printable on A4.

Everything is in the file (styles, the matrix as inline SVG, no script, no
link to fetch), so it opens years later on any computer and prints cleanly:
the ranking and the impact × likelihood matrix first, then one section per
signal with its words, how the room rated it (distribution, means, spread),
the comments the facilitator kept, and the discussion notes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd

from seedscope.fmt import MISSING
from seedscope.workshop_figures import matrix_positions

from .models import NotFound, Slide
from .projector import BLOCKS
from .render import render
from .stats import SCORES, ranking
from .store import WorkshopStore

#: The matrix's drawing box in SVG units (a square plot inside margins).
_PLOT = {"left": 56, "top": 12, "size": 360}


@dataclass(frozen=True)
class Point:
    """A rated signal on the matrix, in SVG units, with its spread as error bars."""

    rank: int
    x: float
    y: float
    split: bool
    x_spread: float
    y_spread: float


@dataclass(frozen=True)
class Section:
    index: int
    slide: Slide
    blocks: list[tuple[str, str | None]]
    row: pd.Series
    impact: dict[int, int]
    likelihood: dict[int, int]
    comments: list[str]
    hidden: int


def _svg_position(x: float, y: float) -> tuple[float, float]:
    unit = _PLOT["size"] / 5
    return (
        _PLOT["left"] + (x - 0.5) * unit,
        _PLOT["top"] + (5.5 - y) * unit,
    )


def _when(stamp: str | None) -> str:
    if not stamp:
        return MISSING
    moment = datetime.fromisoformat(stamp)
    return f"{moment.day} {moment:%b %Y, %H:%M} UTC"


def workshop_report(store: WorkshopStore, workshop_id: str) -> str:
    """The report of one workshop as a complete HTML document."""
    workshop = store.get_workshop(workshop_id)
    if workshop is None:
        raise NotFound(f"there is no workshop {workshop_id!r}")
    summary = store.summary(workshop_id)
    slides = store.slides(workshop_id)
    ratings = store.ratings_frame(workshop_id)
    rated = summary[summary["ratings"] > 0]
    unit = _PLOT["size"] / 5
    points = [
        Point(int(rank), *_svg_position(x, y), bool(split), x_sd * unit, y_sd * unit)
        for (x, y), rank, split, x_sd, y_sd in zip(
            matrix_positions(summary),
            rated["rank"],
            rated["split"],
            rated["likelihood_sd"],
            rated["impact_sd"],
            strict=True,
        )
    ]
    sections = []
    for index, (slide, (_, row)) in enumerate(zip(slides, summary.iterrows(), strict=True)):
        mine = ratings[
            (ratings["doc_id"] == slide.doc_id) & (ratings["position"] == slide.position)
        ]
        shown = store.comments(workshop_id, slide.doc_id, slide.position)
        sections.append(
            Section(
                index=index,
                slide=slide,
                blocks=[
                    (label, getattr(slide.text, field) if slide.text else None)
                    for label, field in BLOCKS
                ],
                row=row,
                impact={s: int((mine["impact"] == s).sum()) for s in SCORES},
                likelihood={s: int((mine["likelihood"] == s).sum()) for s in SCORES},
                comments=[r.comment or "" for r in shown],
                hidden=int(mine["comment"].notna().sum()) - len(shown),
            )
        )
    return render(
        "report.html",
        workshop=workshop,
        started=_when(workshop.started_at),
        ended=_when(workshop.closed_at),
        devices=store.device_count(workshop_id),
        total_ratings=len(ratings),
        ranking=list(ranking(summary).itertuples()),
        points=points,
        plot=_PLOT,
        ticks=[(s, *_svg_position(s, s)) for s in SCORES],
        sections=sections,
        scores=SCORES,
        isna=pd.isna,
    )
