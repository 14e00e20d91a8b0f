"""The projector's HTML and the results chart, without a browser.

Slides come from Jinja2 templates with autoescape: document text and
comments are shown as the characters they hold, never as markup.
"""

from __future__ import annotations

import itertools
import math
from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest

from seedscope.workshop import Slide, SlideText
from seedscope.workshop import projector as slides
from seedscope.workshop_figures import MIN_GAP, matrix_figure, matrix_positions

HOSTILE = '<img src=x onerror="alert(1)"> & <script>alert(2)</script> [x](javascript:alert(3))'


def test_document_text_and_comments_are_never_markup() -> None:
    text = SlideText(HOSTILE, HOSTILE, None, HOSTILE, HOSTILE, 3.5, HOSTILE, "5 May 2025")
    for html in (
        slides.signal_slide(text, "1 / 3"),
        slides.results_slide(text, "1 / 3", {"impact_mean": None, "likelihood_mean": None}, False),
        slides.comments_panel([HOSTILE], hidden=1),
        slides.opening_slide(HOSTILE, 3),
        slides.join_panel("http://192.168.1.20:8502", "ABCDEF", HOSTILE),
    ):
        assert "<img" not in html and "<script" not in html
        assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in html
    signal = slides.signal_slide(text, "1 / 3")
    assert "<em>not stated</em>" in signal  # the missing "Change"
    assert 'aria-label="relevancy 3.5 / 5"' in signal


def test_long_texts_step_down_a_size_instead_of_overflowing() -> None:
    short = SlideText("A", "one line", "one line", "one line", "one line")
    long = SlideText("B", *(["x" * 140] * 4))
    longest = SlideText("C", *(["x" * 300] * 4))
    assert slides.size_class(short) == "normal"
    assert slides.size_class(long) == "long"
    assert slides.size_class(longest) == "longest"
    assert 'class="slide size-longest"' in slides.signal_slide(longest, "3 / 3")


def test_the_room_panel_says_how_voting_stands() -> None:
    now = datetime.now(UTC)
    open_slide = Slide("d", 0, None)
    assert slides.voting_state(open_slide, now)[0] == "open"
    timed = Slide("d", 0, None, closes_at=(now + timedelta(seconds=42)).isoformat())
    kind, deadline, left = slides.voting_state(timed, now)
    assert kind == "timer" and left == 42 and deadline is not None and deadline.endswith("+00:00")
    assert slides.voting_state(timed, now + timedelta(seconds=43))[0] == "closed"
    assert slides.voting_state(Slide("d", 0, None, voting_closed=True), now)[0] == "closed"
    panel = slides.room_panel(7, 3, open_slide)
    assert 'data-testid="devices-joined">7<' in panel and 'data-testid="rated-count">3<' in panel
    assert "results hidden" in panel
    assert "rated-count" not in slides.room_panel(7, None, None)  # opening: no signal yet


def test_the_ranking_panel_lists_what_fits_and_says_how_many_more() -> None:
    ranking = pd.DataFrame(
        {"rank": range(1, 16), "name": [f"S{n}" for n in range(15)], "ratings": 3, "split": False}
    )
    html = slides.ranking_panel(ranking, shown=12)
    assert html.count("<li>") == 12 and "and 3 more on the Decks page" in html


def summary_of(points: list[tuple[float, float]]) -> pd.DataFrame:
    n = len(points)
    return pd.DataFrame(
        {
            "doc_id": [f"d{i}" for i in range(n)],
            "position": range(n),
            "name": [f"Signal <{i}>" for i in range(n)],
            "ratings": [5] * n,
            "impact_mean": [y for _, y in points],
            "likelihood_mean": [x for x, _ in points],
            "impact_sd": [0.5] * n,
            "likelihood_sd": [1.5] * n,
            "rank": range(1, n + 1),
            "split": [False] * n,
        }
    )


@pytest.mark.parametrize(
    "points",
    [
        [(3.0, 3.0)] * 6,  # a room that rated six signals exactly alike
        [(5.0, 5.0), (5.0, 4.9), (4.9, 5.0)],  # crowded in a corner
        [(1.0 + i / 10, 1.0) for i in range(10)],  # a tight row along the edge
    ],
)
def test_markers_are_nudged_apart_so_numbers_never_overlap(points) -> None:
    placed = matrix_positions(summary_of(points))
    assert len(placed) == len(points)
    for a, b in itertools.combinations(placed, 2):
        assert math.dist(a, b) >= MIN_GAP - 1e-9
    for (x, y), (x0, y0) in zip(placed, points, strict=True):
        assert 0.5 <= x <= 5.5 and 0.5 <= y <= 5.5
        assert math.dist((x, y), (x0, y0)) <= 1.0  # close to the true means


def test_the_matrix_numbers_markers_by_rank_and_shows_the_spread() -> None:
    figure = matrix_figure(summary_of([(2.0, 4.0), (4.0, 2.0)]))
    trace = figure.data[0]
    assert list(trace.text) == ["1", "2"]
    assert list(trace.error_x.array) == [1.5, 1.5] and list(trace.error_y.array) == [0.5, 0.5]
    assert "&lt;0&gt;" in trace.customdata[0][2]  # names in hover text are escaped
