"""What a person sees in the explorer pages, driven through a real browser.

Streamlit's own e2e style: ``expect`` instead of sleeps, elements found by test id or by
the ``st-key-<key>`` class of keyed elements. Everything runs on the shared
``corpus_server`` (the real corpus) except the untrusted-document and dark-theme tests,
which need a server of their own.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.browser.conftest import (
    Server,
    app_context,
    rerun,
    screenshot,
    select_first_row,
    wait_for_app,
)
from tests.conftest import ROOT, shared_dir

FIXTURE_DOCS = ROOT / "tests" / "fixtures" / "docs"

#: A signal of the real corpus with a 10-year outcome and a related signal elsewhere.
SIGNAL = "00344fccd0922ea64c011f2e3e163153:0"
SIGNAL_NAME = "Female Radicalisation"
SIGNAL_TEN_YEAR = "female involvement in far-right movements could become more commonplace"
#: A signal with related signals in other documents (judged so in tests/fixtures/related).
RELATED_SIGNAL = "affe5112e508a38d53dff8a0642f1eeb:1"

PAGES = [
    ("overview", "/", "Overview"),
    ("heatmaps", "/heatmaps", "Heatmaps"),
    ("signals", "/signals", "Signals"),
    ("documents", "/documents", "Documents"),
    ("health", "/health", "Data health"),
]


# -- helpers ------------------------------------------------------------------


def open_app(page: Page, url: str) -> None:
    page.goto(url)
    wait_for_app(page)


def assert_no_errors(page: Page) -> None:
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
    expect(page.get_by_text("Traceback")).to_have_count(0)
    expect(page.get_by_text("Something went wrong while drawing this page")).to_have_count(0)


def title(page: Page) -> Locator:
    return page.locator('[data-testid="stMain"] h1')


def metric_value(page: Page, label: str) -> Locator:
    metric = page.locator('[data-testid="stMetric"]').filter(
        has=page.locator('[data-testid="stMetricLabel"]', has_text=re.compile(f"^{label}$"))
    )
    return metric.locator('[data-testid="stMetricValue"]')


def y_labels(chart: Locator) -> list[str]:
    return [str(t.text_content()) for t in chart.locator(".ytick text").all()]


def theme_tags(page: Page) -> Locator:
    return page.locator(".st-key-f_theme span[data-tag]")


def min_relevancy(page: Page) -> Locator:
    """The slider's range input (react-aria keeps it visually hidden)."""
    return page.locator(".st-key-f_min_relevancy input[type='range']")


def location(page: Page) -> str:
    """The address bar as the page itself sees it.

    Streamlit rewrites the query string with ``history.pushState`` after a run; the sync
    client's ``page.url`` is a cached copy that only catches up when Playwright next
    processes events, so it can still read ``/`` while the page is at ``/?theme=ai``.
    """
    return page.evaluate("location.href")


def expect_url(page: Page, pattern: str, timeout: float = 10_000) -> str:
    """Wait until ``location.href`` matches the regular expression; return it."""
    try:
        page.wait_for_function(
            "(re) => new RegExp(re).test(location.href)", arg=pattern, timeout=timeout
        )
    except PlaywrightTimeoutError:
        raise AssertionError(f"URL {location(page)!r} never matched {pattern!r}") from None
    return location(page)


def settled(page: Page, url_pattern: str) -> str:
    """Wait until the address bar matches and the run that wrote it has finished.

    The URL is written at the end of every run that changes a filter, so it is
    the synchronisation point for filter changes (a fast run can come and go
    between two frames, leaving no "running" state for a run counter to see).
    """
    url = expect_url(page, url_pattern)
    wait_for_app(page)
    return url


#: The concept an analyst picks by typing "artificial": its id in links, its option.
AI_ID = "artificial-intelligence"
AI_OPTION = re.compile(r"^artificial intelligence · AI \((\d[\d,]*)\)$")


def pick_theme(page: Page, typed: str, option: re.Pattern[str], value: str) -> str:
    """Type into Themes and press Enter, as an analyst does; the chosen tag's text."""
    box = page.locator(".st-key-f_theme [role='combobox']")
    box.click()
    box.press_sequentially(typed)
    # the list has filtered to what was typed (best match first) before Enter picks
    options = page.get_by_role("option")
    expect(options.first).to_have_text(option)
    expect(page.get_by_role("option", name=re.compile(r"^Select"))).to_have_count(0)
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    # leave the box, as a click elsewhere would: a focused box is taller, and the
    # sidebar moving up under the next click would swallow that click
    box.blur()
    expect(theme_tags(page)).to_have_count(1)
    settled(page, rf"[?&]theme={re.escape(value)}(&|$)")
    return theme_tags(page).inner_text()


def type_date(page: Page, key: str, day: str) -> None:
    """Type a date into a sidebar date field and press Enter (which applies it).

    The fields live in the Dates panel, which is opened first when it is closed.
    """
    year = page.locator(f".st-key-{key} [role='spinbutton'][data-type='year']")
    if not year.count():
        page.locator(".st-key-dates_box summary").click()
        expect(year).to_be_visible()
    year.click()
    page.keyboard.type(day.replace("-", ""))
    page.keyboard.press("Enter")
    settled(page, rf"[?&]{'from' if key == 'f_from' else 'to'}={day}(&|$)")


def raise_min_relevancy(page: Page, to: str = "1.5") -> None:
    """One step up on the relevancy slider, with the keyboard."""
    min_relevancy(page).focus()
    page.keyboard.press("ArrowRight")
    settled(page, rf"[?&]min_relevancy={re.escape(to)}(&|$)")


def drilldown_name(page: Page) -> Locator:
    return page.locator(".st-key-drilldown h3").first


def relative_luminance(css_color: str) -> float:
    """WCAG relative luminance of an ``rgb(...)``/``rgba(...)`` CSS colour."""
    channels = [float(v) / 255 for v in re.findall(r"[\d.]+", css_color)[:3]]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def computed(page: Page, selector: str, prop: str) -> str:
    return page.evaluate(
        "([sel, prop]) => getComputedStyle(document.querySelector(sel))[prop]", [selector, prop]
    )


@pytest.fixture(scope="module")
def explorer_tab(browser: Browser) -> Iterator[Page]:
    """One tab for this module's tests, as an analyst keeps one tab open.

    A new browser context costs Chromium about 8 CPU-seconds for its first page,
    a navigation in an open tab about 2.5: most of these tests' time. Each test
    still starts from an address typed into the bar (a new Streamlit session);
    the ``page`` fixture below clears what a page can keep in the browser.
    """
    context = app_context(browser, {"width": 1440, "height": 900})
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def page(explorer_tab: Page, viewport: dict[str, int]) -> Iterator[Page]:
    """The module's tab at this test's viewport; cookies and storage cleared after."""
    explorer_tab.set_viewport_size(viewport)
    yield explorer_tab
    if explorer_tab.url.startswith("http"):
        explorer_tab.evaluate("() => { localStorage.clear(); sessionStorage.clear(); }")
    explorer_tab.context.clear_cookies()
    state = explorer_tab.context.storage_state()
    assert not state["cookies"] and not state["origins"], f"left for the next test: {state}"


@pytest.fixture
def fresh_page(browser: Browser, viewport: dict[str, int]) -> Iterator[Page]:
    """A page in a browser context of its own: no cookies, no session, no history shared.

    For a second, unrelated browser, and for tests of Back and Forward: in the
    module's shared tab Back sometimes waited 60 s for a run that never came
    (2 of 4 runs), where in a tab of its own it never did.
    """
    context = app_context(browser, viewport)
    try:
        yield context.new_page()
    finally:
        context.close()


# -- 1. every page opens ------------------------------------------------------


def test_every_page_opens_from_a_deep_link_without_errors(
    corpus_server: Server, page: Page
) -> None:
    """Each page's link pasted into the address bar, one after the other in one tab.

    One tab rather than one test per page: a new browser context costs Chromium
    about 8 CPU-seconds for its first page, a navigation in a tab about 2.5, and
    every load here is a full page load from a typed address all the same.
    """
    failures: list[str] = []
    page.on("console", lambda m: failures.append(m.text) if m.type == "error" else None)
    page.on(
        "response", lambda r: failures.append(f"{r.status} {r.url}") if r.status >= 400 else None
    )
    for name, path, heading in PAGES:
        open_app(page, f"{corpus_server.url}{path}?theme=ai&min_relevancy=3")
        expect(title(page), f"the {name} page").to_have_text(heading)
        expect(title(page)).to_be_visible()
        assert "Seedscope" in page.title(), name
        assert_no_errors(page)
        # Streamlit guesses its server from the address: no /signals/_stcore/... 404s
        assert failures == [], (name, failures)
        screenshot(page, f"explorer-{name}")


# -- 2. a sidebar filter changes the overview ---------------------------------


def test_a_theme_changes_the_overview_and_back_undoes_each_change(
    corpus_server: Server, fresh_page: Page
) -> None:
    page = fresh_page  # Back and Forward need a history of their own, not the shared tab's
    open_app(page, corpus_server.url)
    documents = metric_value(page, "Documents")
    chart = page.locator(".st-key-overview_heatmap")
    expect(chart.locator(".heatmaplayer image").first).to_be_attached()
    expect(documents).to_have_text("177")
    expect(theme_tags(page)).to_have_count(0)

    # typing and pressing Enter picks the highlighted concept, never "Select N matches"
    tag = pick_theme(page, "artificial", AI_OPTION, AI_ID)
    assert AI_OPTION.fullmatch(tag), tag
    # the option promised this many documents; the headline metric shows exactly them
    promised = re.search(r"\((\d[\d,]*)\)", tag).group(1)  # type: ignore[union-attr]
    expect(documents).to_have_text(promised)
    expect(page.get_by_text("Filters: themes: artificial intelligence")).to_be_visible()
    ytick = re.compile(r"^artificial intelligence$")
    expect(chart.locator(".ytick text", has_text=ytick)).to_have_count(1)

    raise_min_relevancy(page)
    expect_url(page, r"/\?theme=artificial-intelligence&min_relevancy=1.5$")
    page.locator(".st-key-page_links").get_by_role("link", name="Heatmaps").click()
    expect(title(page)).to_have_text("Heatmaps")
    settled(page, r"/heatmaps\?theme=artificial-intelligence&min_relevancy=1.5$")

    # each Back is one step: the page, then the relevancy, then the theme
    page.go_back()
    expect(title(page)).to_have_text("Overview")
    settled(page, r"/\?theme=artificial-intelligence&min_relevancy=1.5$")
    expect(theme_tags(page)).to_have_count(1)
    expect(min_relevancy(page)).to_have_value("1.5")
    page.go_back()
    settled(page, r"/\?theme=artificial-intelligence$")
    expect(min_relevancy(page)).to_have_value("1")
    expect(documents).to_have_text(promised)
    page.go_back()
    settled(page, r"/$")
    expect(theme_tags(page)).to_have_count(0)
    expect(documents).to_have_text("177")
    # and Forward redoes
    page.go_forward()
    settled(page, r"/\?theme=artificial-intelligence$")
    expect(theme_tags(page)).to_have_text([tag])
    assert_no_errors(page)


def test_a_theme_survives_changes_to_two_other_filters_in_either_order(
    corpus_server: Server, fresh_page: Page
) -> None:
    """The option's label ("artificial intelligence · AI (29)") counts documents under the
    other filters; after they change, the value must still be the concept, not the label."""
    page = fresh_page  # Back and Forward need a history of their own, not the shared tab's
    open_app(page, corpus_server.url + "/signals")
    pick_theme(page, "artificial", AI_OPTION, AI_ID)
    date = lambda: type_date(page, "f_from", "2025-01-01")  # noqa: E731
    relevancy = lambda: raise_min_relevancy(page)  # noqa: E731
    for order in ((date, relevancy), (relevancy, date)):
        for step in order:
            step()
            expect_url(page, r"[?&]theme=artificial-intelligence(&|$)")
        url = expect_url(page, r"from=2025-01-01")
        assert "min_relevancy=1.5" in url and "%28" not in url, url
        expect(theme_tags(page)).to_have_text([AI_OPTION])
        expect(
            page.get_by_text(re.compile(r"^\d[\d,]* signals? · most relevant first"))
        ).to_be_visible()
        expect(page.get_by_text("No documents match")).to_have_count(0)
        assert_no_errors(page)
        # undo both changes, then the other order; the address changes before the
        # run that restores the widgets, so wait for what the analyst sees: the
        # slider back at 1 and no date set
        for _ in range(2):
            with rerun(page):
                page.go_back()
        settled(page, r"/signals\?theme=artificial-intelligence$")
        expect(min_relevancy(page)).to_have_value("1")
        expect(page.locator(".st-key-dates_box summary")).to_have_text(re.compile(r"Dates$"))


PHONE = {"width": 390, "height": 844}


@pytest.mark.parametrize("viewport", [PHONE], ids=["390x844"])
def test_on_a_phone_the_sidebar_starts_closed_and_a_wide_heatmap_scrolls(
    corpus_server: Server, page: Page
) -> None:
    open_app(page, corpus_server.url + "/heatmaps?cols=quarter")
    expect(page.locator('[data-testid="stSidebar"]')).to_have_attribute("data-collapsed", "true")
    chart = page.locator(".st-key-heatmap_theme_quarter .js-plotly-plot")
    expect(chart.locator(".heatmaplayer image").first).to_be_attached()
    # the grid keeps room for the numbers in its cells and scrolls sideways instead
    cell_width = chart.evaluate(
        "(el) => el._fullLayout.xaxis._length / el._fullLayout.xaxis._categories.length"
    )
    assert cell_width >= 40, cell_width
    box = page.locator(".st-key-heatmap_theme_quarter_box")
    scroll_width, width = box.evaluate("(el) => [el.scrollWidth, el.clientWidth]")
    assert width <= PHONE["width"] < scroll_width
    assert_no_errors(page)
    screenshot(page, "explorer-heatmap-phone")


# -- 3. a heatmap cell lists its entries --------------------------------------


CELL_DATA_JS = """
(el) => {
  const trace = el.closest("g.trace").__data__[0].trace;
  return trace.customdata[el.__data__.i];
}
"""


def test_heatmap_cell_lists_entries(corpus_server: Server, page: Page) -> None:
    open_app(page, corpus_server.url + "/heatmaps")
    chart = page.locator(".st-key-heatmap_theme_section")
    cells = chart.locator("path.point")
    expect(cells.first).to_be_attached()
    expect(page.locator(".st-key-cell_entries")).to_have_count(0)
    expect(page.locator('[data-testid="stMain"] h3')).to_have_count(0)

    cell = cells.nth(1)
    _row_key, col_key, count, _mean, _share, label = cell.evaluate(CELL_DATA_JS)
    cell.click(force=True)

    expect(page.locator('[data-testid="stMain"] h3')).to_have_text(f"{label} × {col_key}")
    wait_for_app(page)
    expect(page.get_by_text(f"{int(count):,} entries · mean relevancy")).to_be_visible()
    entries = page.locator(".st-key-cell_entries")
    expect(entries).to_be_visible()
    expect(entries.locator('[data-testid="stDataFrame"]')).to_be_visible()
    # the download row under the table counts exactly the cell's entries
    expect(page.locator(".st-key-cell_dl_row")).to_contain_text(f"{int(count):,} rows")
    assert_no_errors(page)
    screenshot(page, "explorer-heatmap-cell")


# -- 4. a signal's drill-down, and a related signal ---------------------------


def test_signal_drilldown_and_related(corpus_server: Server, page: Page) -> None:
    open_app(page, f"{corpus_server.url}/signals?signal={SIGNAL}")
    drilldown = page.locator(".st-key-drilldown")
    expect(drilldown).to_be_visible()
    expect(drilldown_name(page)).to_have_text(SIGNAL_NAME)
    ten_year = drilldown.locator(".st-key-step_ten_year")
    expect(ten_year).to_contain_text("In 10 years")
    expect(ten_year).to_contain_text(SIGNAL_TEN_YEAR)
    expect(drilldown.get_by_text("Related signals in other documents")).to_be_visible()
    # nothing in the corpus is about the same thing: an honest empty list, no near-misses
    expect(drilldown.locator("[class*='st-key-rel_']")).to_have_count(0)
    expect(drilldown.get_by_text("No signal of another document shares")).to_be_visible()

    open_app(page, f"{corpus_server.url}/signals?signal={RELATED_SIGNAL}")
    related = drilldown.locator("[class*='st-key-rel_']")
    expect(related.first).to_be_visible()
    button = related.first.get_by_role("button")
    # the button shows a material icon's ligature ("sensors") before the name
    target = button.locator('[data-testid="stMarkdownContainer"]').inner_text().strip()
    ref = re.search(r"st-key-rel_(\w+_\d+)", related.first.get_attribute("class") or "")
    assert target and ref
    doc_id, position = ref.group(1).rsplit("_", 1)
    button.click()

    expect(drilldown_name(page)).to_have_text(target)
    settled(page, rf"[?&]signal={doc_id}(:|%3A){position}(&|$)")
    assert_no_errors(page)
    screenshot(page, "explorer-drilldown")


# -- 5. a copied link reopens the same view -----------------------------------


def test_shared_link_reopens_same_view(corpus_server: Server, page: Page, fresh_page: Page) -> None:
    # a link made before concepts: the spelling "ai" opens the concept it belongs to
    open_app(page, f"{corpus_server.url}/signals?theme=ai&min_relevancy=4")
    expect(theme_tags(page)).to_have_text([AI_OPTION])
    expect(drilldown_name(page)).to_have_count(0)
    grid = page.locator('.st-key-signals_table [data-testid="stDataFrame"]')
    select_first_row(page, grid)
    expect(drilldown_name(page)).to_be_visible()
    # what a person copies from the address bar (page.url can lag: see location())
    shared = expect_url(page, r"[?&]signal=\w+(:|%3A)\d+(&|$)")
    assert f"theme={AI_ID}" in shared and "min_relevancy=4" in shared, shared
    name = drilldown_name(page).inner_text()
    tags = theme_tags(page).all_inner_texts()
    relevancy = min_relevancy(page).input_value()
    assert float(relevancy) == 4.0
    count = page.get_by_text(re.compile(r"^\d[\d,]* signals? · most relevant first"))
    count_text = count.inner_text()

    other = fresh_page
    open_app(other, shared)
    assert_no_errors(other)
    expect(drilldown_name(other)).to_have_text(name)
    expect(theme_tags(other)).to_have_text(tags)
    expect(min_relevancy(other)).to_have_value(relevancy)
    expect(other.get_by_text(re.compile(r"^\d[\d,]* signals? · most relevant first"))).to_have_text(
        count_text
    )

    # the same filters carry over to the Overview in both browsers: same Documents metric
    for each in (page, other):
        each.locator(".st-key-page_links").get_by_role("link", name="Overview").click()
        expect(title(each)).to_have_text("Overview")
        wait_for_app(each)
        assert_no_errors(each)
    docs = metric_value(page, "Documents").inner_text()
    expect(metric_value(other, "Documents")).to_have_text(docs)
    assert int(docs.replace(",", "")) < 177, "the filters did not reach the Overview"


def test_the_open_signal_stays_open_when_a_filter_changes_the_table(
    corpus_server: Server, page: Page
) -> None:
    """The table's selection is a row number: kept across a filter change, it
    would open whatever signal now sits in that row."""
    open_app(page, f"{corpus_server.url}/signals?theme={AI_ID}&min_relevancy=4")
    grid = page.locator('.st-key-signals_table [data-testid="stDataFrame"]')
    select_first_row(page, grid)
    expect(drilldown_name(page)).to_be_visible()
    opened = expect_url(page, r"[?&]signal=\w+(:|%3A)\d+(&|$)")
    name = drilldown_name(page).inner_text()
    signal = re.search(r"signal=([^&]+)", opened)
    assert signal is not None
    # drop the theme: the table's first row is now another signal
    page.locator(".st-key-f_theme").get_by_role("button", name=re.compile("^Remove")).click()
    settled(page, rf"/signals\?min_relevancy=4&signal={re.escape(signal.group(1))}$")
    expect(drilldown_name(page)).to_have_text(name)
    assert_no_errors(page)


# -- 6. an untrusted document stays inert -------------------------------------


def test_untrusted_document_is_inert(server_factory, tmp_path: Path, page: Page) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    for name in ("raw_html.md", "new_layout.md"):
        shutil.copy(FIXTURE_DOCS / name, seeds / name)
    server = server_factory(seeds=seeds, cache=tmp_path / "cache", data=tmp_path / "data")

    dialogs: list[str] = []
    errors: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on("pageerror", lambda error: errors.append(str(error)))

    def assert_inert() -> None:
        assert_no_errors(page)
        has_script = page.evaluate(
            """() => [...document.querySelectorAll("script")]
                 .some((s) => s.textContent.includes('alert("x")'))"""
        )
        assert not has_script, "a <script> from the document reached the page"
        expect(page.locator("img[onerror]")).to_have_count(0)
        expect(page.locator("[onerror]")).to_have_count(0)
        expect(page.locator('a[href^="javascript:" i]')).to_have_count(0)
        expect(page.locator('a[href^="data:" i]')).to_have_count(0)
        # Streamlit itself rewrites a javascript: link to href="#": still a link to click
        expect(page.locator('[data-testid="stMain"] a[href="#"]')).to_have_count(0)
        expect(page.get_by_role("link", name="Original article")).to_have_count(0)

    open_app(page, f"{server.url}/documents?doc=raw_html")
    view = page.locator(".st-key-document_view")
    expect(view).to_be_visible()
    expect(view.get_by_text("Untrusted <b>Markup</b>")).to_be_visible()
    expect(view.get_by_text('<script>alert("x")</script>')).to_be_visible()
    expect(view.get_by_text("Original article (javascript:alert(1))")).to_be_visible()
    expect(view.locator("b", has_text="Markup")).to_have_count(0)
    assert_inert()
    screenshot(page, "explorer-untrusted")

    open_app(page, f"{server.url}/signals?signal=raw_html:0")
    drilldown = page.locator(".st-key-drilldown")
    expect(drilldown_name(page)).to_have_text("Image <img src=x onerror=alert(3)>")
    expect(drilldown.get_by_text("<i>markup</i>")).to_be_visible()
    expect(drilldown.get_by_text('<script>alert("x")</script>')).to_be_visible()
    expect(drilldown.locator("i", has_text="markup")).to_have_count(0)
    assert_inert()
    screenshot(page, "explorer-untrusted-signal")

    # a document with an https:// source keeps its real, clickable link
    open_app(page, f"{server.url}/documents?doc=new_layout")
    expect(page.get_by_role("link", name="Original article")).to_have_attribute(
        "href", "https://example.org/solar-roads"
    )
    expect(page.get_by_role("link", name="Digest page")).to_have_attribute(
        "href", "https://kghosh.substack.com/p/20240505"
    )

    assert dialogs == [], f"a dialog fired: {dialogs}"
    assert errors == [], f"page errors: {errors}"


# -- 7. dark theme ------------------------------------------------------------


def test_dark_theme(server_factory, tmp_path: Path, page: Page) -> None:
    server = server_factory(
        seeds=shared_dir() / "corpus",
        cache=tmp_path / "cache",
        data=tmp_path / "data",
        env={"STREAMLIT_THEME_BASE": "dark"},
    )
    for name, path, heading in (("overview", "/", "Overview"), ("signals", "/signals", "Signals")):
        url = server.url + path + (f"?signal={SIGNAL}" if name == "signals" else "")
        open_app(page, url)
        expect(title(page)).to_have_text(heading)
        assert_no_errors(page)
        background = computed(page, '[data-testid="stApp"]', "backgroundColor")
        assert relative_luminance(background) < 0.3, f"app background {background} is not dark"
        ink = computed(page, '[data-testid="stMain"] h1', "color")
        assert relative_luminance(ink) > 0.6, f"heading colour {ink} is not light"
        sidebar = computed(page, '[data-testid="stSidebar"]', "backgroundColor")
        assert relative_luminance(sidebar) < 0.3, f"sidebar background {sidebar} is not dark"
        screenshot(page, f"explorer-{name}-dark")


def test_documents_dropped_into_the_folder_show_on_the_next_click(
    server_factory, tmp_path: Path, page: Page, seeds_copy
) -> None:
    """No Refresh button: the change journal tells the running server."""
    documents = sorted((shared_dir() / "corpus").glob("*.md"))
    seeds = seeds_copy(*documents[:6])
    server = server_factory(seeds=seeds, cache=tmp_path / "cache", data=tmp_path / "data")
    open_app(page, server.url + "/")
    expect(metric_value(page, "Documents")).to_have_text("6")
    for path in documents[6:9]:  # a colleague drops three more digests in
        shutil.copy(path, seeds / path.name)
    (seeds / documents[0].name).unlink()  # and retires one
    page.get_by_role("link", name="Heatmaps").click()
    expect(title(page)).to_have_text("Heatmaps")
    page.get_by_role("link", name="Overview").click()
    expect(title(page)).to_have_text("Overview")
    expect(metric_value(page, "Documents")).to_have_text("8")
    assert_no_errors(page)
