"""The projector's HTML: slides, the join panel, the room panel, comments, ranking.

Built from Jinja2 templates (``templates/*.html``) with autoescape, so every
piece of document text and every comment is shown as the characters it holds.
Pure: takes store values, returns HTML strings; the presenter page draws them.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import pandas as pd

from .models import Slide, SlideText
from .render import render

THEMES = {
    "light": {
        "bg": "#ffffff",
        "fg": "#111111",
        "muted": "#4a4a4a",
        "panel": "#f1f4f6",
        "accent": "#0b5d7a",
        "pip_off": "#c9d3d9",
        "warn_bg": "#fff3cd",
        "warn_fg": "#5c4400",
    },
    "dark": {
        "bg": "#0d1117",
        "fg": "#f5f5f5",
        "muted": "#c4c8cc",
        "panel": "#1b232c",
        "accent": "#5cc8f0",
        "pip_off": "#3a4550",
        "warn_bg": "#4d3b00",
        "warn_fg": "#fff3cd",
    },
}
BLOCKS = (
    ("Today", "description"),
    ("Change", "change"),
    ("In 10 years", "ten_year"),
    ("Driving force", "driving_force"),
)
#: Characters of the four blocks from which a slide steps down a text size.
LONG_TEXT = 520
LONGEST_TEXT = 900


def theme_name(value: object) -> str:
    return value if value in THEMES else "light"


def css(theme: str, *, qr_vh: int = 24) -> str:
    """The whole page in the projector theme; the QR code ``qr_vh`` % of the height."""
    return render("projector.css", c=THEMES[theme_name(theme)], qr_vh=qr_vh)


def presenter_script() -> str:
    """Keyboard (arrows, PageUp/PageDown, Space) and timer countdown, installed once."""
    return render("presenter.js.html")


def size_class(text: SlideText) -> str:
    total = sum(len(getattr(text, field) or "") for _, field in BLOCKS)
    if total >= LONGEST_TEXT:
        return "longest"
    return "long" if total >= LONG_TEXT else "normal"


def signal_slide(text: SlideText, progress: str) -> str:
    blocks = [(label, getattr(text, field)) for label, field in BLOCKS]
    return render(
        "slide_signal.html", text=text, progress=progress, blocks=blocks, size=size_class(text)
    )


def results_slide(text: SlideText, progress: str, tally: dict[str, Any], split: bool) -> str:
    return render("slide_results.html", text=text, progress=progress, tally=tally, split=split)


def opening_slide(deck_name: str, count: int) -> str:
    return render("slide_opening.html", deck_name=deck_name, count=count)


def closing_slide(ratings: int, rated: int) -> str:
    return render("slide_closing.html", ratings=ratings, rated=rated)


def join_panel(room_url: str, code: str, warning: str | None = None) -> str:
    parts = urllib.parse.urlsplit(room_url)
    return render(
        "join_panel.html",
        host=f"{parts.scheme}://{parts.netloc}",
        path=parts.path if parts.path not in ("", "/") else "",
        code=code,
        warning=warning,
    )


def voting_state(slide: Slide | None, now: datetime | None = None) -> tuple[str, str | None, int]:
    """``("open" | "closed" | "timer" | "none", deadline, seconds left)`` for the room panel."""
    if slide is None:
        return "none", None, 0
    moment = now or datetime.now(UTC)
    if not slide.voting_open(moment):
        return "closed", None, 0
    left = slide.seconds_left(moment)
    if left is None or slide.closes_at is None:  # seconds_left is None without a timer
        return "open", None, 0
    deadline = datetime.fromisoformat(slide.closes_at)
    return "timer", deadline.isoformat(timespec="milliseconds"), int(left + 0.999)


def room_panel(devices: int, rated: int | None, slide: Slide | None) -> str:
    voting, deadline, left = voting_state(slide)
    return render(
        "room_panel.html",
        devices=devices,
        rated=rated,
        voting=voting,
        deadline=deadline,
        seconds_left=left,
        hidden_results=slide is not None and not slide.revealed,
    )


def comments_panel(comments: Sequence[str], hidden: int = 0) -> str:
    return render("comments.html", comments=list(comments), hidden=hidden)


def ranking_panel(ranking: pd.DataFrame, shown: int = 12) -> str:
    """The first ``shown`` rated signals by rank, and how many more there are."""
    rows = list(ranking.itertuples())
    return render("ranking.html", rows=rows[:shown], more=max(len(rows) - shown, 0))
