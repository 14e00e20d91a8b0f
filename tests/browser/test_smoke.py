"""The dashboard opens on the real corpus without an exception."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.conftest import Server, screenshot, wait_for_app


def test_dashboard_opens_without_errors(corpus_server: Server, page: Page) -> None:
    page.goto(corpus_server.url)
    wait_for_app(page)
    screenshot(page, "smoke")

    assert "Seedscope" in page.title(), f"title {page.title()!r}; log: {corpus_server.log_path}"
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
    expect(page.get_by_text("Traceback")).to_have_count(0)
