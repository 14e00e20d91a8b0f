"""A briefing opened in Chromium with the network off: every chart drawn, on screen and on A4.

The file is written by ``python -m seedscope brief``'s function from a corpus
with planted trends (tests/planted.py), so it has line charts, sparklines,
the relevancy heatmap and the coverage grids. The browser context is offline
and every request is recorded: the file must need none.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from loaders import load_corpus
from seedscope.briefing import build_briefing
from seedscope.explore import Explorer
from seedscope.filters import FilterState
from tests.browser.conftest import SCREENSHOTS
from tests.planted import NEW, RISING, make_planted_corpus


@pytest.fixture(scope="module")
def briefing_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("briefing-browser")
    seeds = make_planted_corpus(folder / "seeds", count=400)
    explorer = Explorer(load_corpus(seeds, folder / "cache"))
    out = folder / "briefing.html"
    out.write_text(build_briefing(explorer, FilterState(), corpus_label="planted"), "utf-8")
    return out


@pytest.fixture
def offline(browser: Browser, briefing_file: Path) -> Iterator[tuple[Page, list[str]]]:
    """The briefing in an offline context; the list collects every request it makes."""
    context = browser.new_context(viewport={"width": 1200, "height": 900}, offline=True)
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    context.route(re.compile(r"^(?!file:).*"), lambda route: route.abort())
    page = context.new_page()
    page.goto(briefing_file.as_uri())
    try:
        yield page, requests
    finally:
        context.close()


def drawn(page: Page, selector: str) -> list[dict[str, float]]:
    """Width, height and number of marks of every element matching ``selector``."""
    return page.eval_on_selector_all(
        selector,
        """els => els.map(el => {
            const box = el.getBoundingClientRect();
            const marks = el.querySelectorAll('polyline, circle, td.cell').length;
            const style = getComputedStyle(el);
            return {width: box.width, height: box.height, marks: marks,
                    visible: style.display !== 'none' && style.visibility !== 'hidden'};
        })""",
    )


def assert_every_chart_drawn(page: Page) -> None:
    charts = drawn(page, "[data-chart]")
    kinds = page.eval_on_selector_all("[data-chart]", "els => els.map(e => e.dataset.chart)")
    assert {"rising-themes", "heatmap", "coverage-period", "coverage-section"} <= set(kinds)
    assert kinds.count("sparkline") >= 3  # planted rising, new and fading at least
    for kind, chart in zip(kinds, charts, strict=True):
        assert chart["visible"] and chart["width"] > 40 and chart["height"] > 15, (kind, chart)
        assert chart["marks"] > 0, (kind, chart)


def test_every_chart_draws_offline_and_asks_for_nothing(offline) -> None:
    page, requests = offline
    expect(page.locator("html")).to_have_attribute("data-interactive", "ready")
    assert_every_chart_drawn(page)
    assert requests == [page.url]  # only the file itself
    assert page.evaluate("document.querySelectorAll('[src], link').length") == 0
    page.screenshot(path=str(SCREENSHOTS / "briefing-screen.png"), full_page=True)


def test_charts_answer_the_mouse_and_the_legend(offline) -> None:
    page, _ = offline
    chart = page.locator('[data-chart="rising-themes"]')
    point = chart.locator("circle[data-tip]").last
    tip = page.locator("#tip")
    expect(tip).to_be_hidden()
    point.hover()
    expect(tip).to_be_visible()
    expect(tip).to_contain_text("documents)")
    page.mouse.move(2, 2)
    expect(tip).to_be_hidden()

    key = chart.locator(".legend .key").first
    first_series = chart.locator('.series[data-series="0"]')
    expect(first_series).to_be_visible()
    key.click()
    expect(key).to_have_attribute("aria-pressed", "false")
    expect(first_series).to_be_hidden()
    key.click()
    expect(first_series).to_be_visible()


def test_concept_tables_sort_by_a_click(offline) -> None:
    page, _ = offline
    table = page.locator('table[data-table="rising-themes"]')
    concepts = table.locator("tbody tr")
    assert set(concepts.evaluate_all("rows => rows.map(r => r.dataset.concept)")[:2]) == {
        RISING,
        NEW,
    }
    header = table.locator('th[data-column="before-docs"]')
    header.click()  # most documents before the window first
    expect(header).to_have_attribute("aria-sort", "descending")
    before = [int(t) for t in table.locator("tbody tr td:nth-child(5)").all_inner_texts()]
    assert before == sorted(before, reverse=True)
    header.click()
    expect(header).to_have_attribute("aria-sort", "ascending")
    before = [int(t) for t in table.locator("tbody tr td:nth-child(5)").all_inner_texts()]
    assert before == sorted(before)


def test_printed_on_a4_every_chart_is_still_there(offline) -> None:
    page, _ = offline
    chart = page.locator('[data-chart="rising-themes"]')
    chart.locator(".legend .key").first.click()  # a line hidden on screen ...
    page.emulate_media(media="print")
    expect(chart.locator('.series[data-series="0"]')).to_be_visible()  # ... is printed
    expect(page.locator(".toc")).to_be_hidden()
    assert_every_chart_drawn(page)
    pdf = page.pdf(format="A4", print_background=True)
    assert pdf.startswith(b"%PDF")
    sizes = set(re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf))
    assert sizes and all(
        abs(float(w) - 595.3) < 2 and abs(float(h) - 841.9) < 2 for w, h in sizes
    ), sizes
    page.screenshot(path=str(SCREENSHOTS / "briefing-print.png"), full_page=True)
