"""The Trends page in a real browser: click a concept, every page filters; download a briefing.

Runs on the shared ``corpus_server`` (the real corpus). In its window
(2026 Q1 – Q2) the theme "AI" is the one rising concept, so it heads the table.
"""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser.conftest import Server, rerun, screenshot, wait_for_app

#: The first data row's checkbox in a glide data grid, from the grid's top-left corner.
FIRST_ROW = {"x": 15, "y": 52}


def test_a_clicked_concept_filters_every_page_and_the_briefing(
    corpus_server: Server, page: Page
) -> None:
    page.goto(corpus_server.url + "/trends")
    wait_for_app(page)
    expect(page.locator('[data-testid="stMain"] h1')).to_have_text("Trends")
    grid = page.locator('.st-key-trends_table [data-testid="stDataFrame"]')
    expect(grid).to_be_visible()
    screenshot(page, "trends-page")

    grid.scroll_into_view_if_needed()  # a mouse click lands only inside the viewport
    box = grid.bounding_box()
    assert box is not None
    tags = page.locator(".st-key-f_theme span[data-tag]")
    expect(tags).to_have_count(0)
    for attempt in range(2):  # the grid may drop the very first click after drawing
        page.mouse.click(box["x"] + FIRST_ROW["x"], box["y"] + FIRST_ROW["y"])
        try:
            expect(tags).to_have_count(1, timeout=5_000)
            break
        except AssertionError:
            if attempt:
                raise
    wait_for_app(page)
    expect(tags.first).to_contain_text("ai")
    page.wait_for_function("() => /[?&]theme=ai(&|$)/.test(location.href)")

    # another page shows the filtered view
    with rerun(page):
        page.locator('[data-testid="stSidebarNav"] a', has_text="Overview").click()
    expect(page.locator('[data-testid="stMain"] h1')).to_have_text("Overview")
    expect(page.get_by_text("Filters: themes: ai")).to_be_visible()

    # back on Trends, the briefing is of the filtered view
    with rerun(page):
        page.locator('[data-testid="stSidebarNav"] a', has_text="Trends").click()
    expect(page.locator('[data-testid="stMain"] h1')).to_have_text("Trends")
    button = page.locator(".st-key-trends_briefing").get_by_role("button", name="Download briefing")
    with page.expect_download() as download:
        button.click()
    assert re.fullmatch(
        r"seedscope-briefing-corpus-\d{4}-\d{2}-\d{2}\.html", download.value.suggested_filename
    )
    html = Path(download.value.path()).read_text(encoding="utf-8")
    assert '<dd data-field="filters">themes: ai</dd>' in html
    assert "Horizon-scanning briefing" in html
