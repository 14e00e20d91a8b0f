"""The Trends page in a real browser: click a concept, every page filters; download a briefing.

Runs on the shared ``corpus_server`` (the real corpus). In its window
(2026 Q1 – Q2) the concept *artificial intelligence* is the one rising, so it heads
the table.
"""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser.conftest import Server, rerun, screenshot, select_first_row, wait_for_app


def test_a_clicked_concept_filters_every_page_and_the_briefing(
    corpus_server: Server, page: Page
) -> None:
    page.goto(corpus_server.url + "/trends")
    wait_for_app(page)
    expect(page.locator('[data-testid="stMain"] h1')).to_have_text("Trends")
    grid = page.locator('.st-key-trends_table [data-testid="stDataFrame"]')
    expect(grid).to_be_visible()
    screenshot(page, "trends-page")

    tags = page.locator(".st-key-f_theme span[data-tag]")
    expect(tags).to_have_count(0)
    select_first_row(page, grid)
    expect(tags).to_have_count(1)
    wait_for_app(page)
    # the row's concept became the theme filter: its label, its id in the address
    label = re.sub(r"( · [^(]*)? \(\d[\d,]*\)$", "", tags.first.inner_text().strip())
    assert label == "artificial intelligence", label
    page.wait_for_function("() => /[?&]theme=artificial-intelligence(&|$)/.test(location.href)")

    # another page shows the filtered view
    with rerun(page):
        page.locator(".st-key-page_links a", has_text="Overview").click()
    expect(page.locator('[data-testid="stMain"] h1')).to_have_text("Overview")
    expect(page.get_by_text(f"Filters: themes: {label}")).to_be_visible()

    # back on Trends, the briefing is of the filtered view
    with rerun(page):
        page.locator(".st-key-page_links a", has_text="Trends").click()
    expect(page.locator('[data-testid="stMain"] h1')).to_have_text("Trends")
    button = page.locator(".st-key-trends_briefing").get_by_role("button", name="Download briefing")
    with page.expect_download() as download:
        button.click()
    assert re.fullmatch(
        r"seedscope-briefing-corpus-\d{4}-\d{2}-\d{2}\.html", download.value.suggested_filename
    )
    html = Path(download.value.path()).read_text(encoding="utf-8")
    assert '<dd data-field="filters">themes: artificial intelligence</dd>' in html
    assert "Horizon-scanning briefing" in html
