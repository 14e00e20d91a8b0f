"""Concepts in a real browser: a concept filter finds every spelling, an old link the same.

On the real corpus, *artificial intelligence* is written ``AI``, ``artificial
intelligence``, ``intelligence artificielle`` and ``IA``; two French digests
carry only the French spelling. The expected documents are worked out from the
cache's ``concepts`` table, independently of the dashboard's own code.
"""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.conftest import Server, screenshot
from tests.browser.test_explorer import AI_ID, metric_value, open_app, settled, title
from tests.test_pages import documents_of_concept


def test_a_concept_finds_every_spelling_and_an_old_link_the_same_documents(
    corpus_server: Server, page: Page, real_corpus
) -> None:
    expected = documents_of_concept(real_corpus, "Themes", AI_ID)

    open_app(page, f"{corpus_server.url}/?theme={AI_ID}")
    expect(metric_value(page, "Documents")).to_have_text(f"{expected:,}")
    # the sidebar says what the concept holds
    page.get_by_text("What the selected concepts hold").click()
    expect(page.get_by_text("intelligence artificielle").first).to_be_visible()

    # a link made before concepts carries a spelling; it opens the same documents
    open_app(page, f"{corpus_server.url}/documents?theme=intelligence%20artificielle")
    expect(title(page)).to_have_text("Documents")
    settled(page, rf"/documents\?theme={AI_ID}$")
    expect(page.get_by_text(f"{expected:,} documents · newest first")).to_be_visible()
    page.locator(".st-key-doc_title_filter input").fill("clones numériques")
    page.keyboard.press("Enter")
    expect(page.get_by_text("1 document · newest first")).to_be_visible()
    screenshot(page, "concepts-old-link")
