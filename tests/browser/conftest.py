"""Browser fixtures: real ``streamlit run`` servers driven by Debian's chromium.

Datasette-style: tests import the helpers from here, e.g.
``from tests.browser.conftest import screenshot, wait_for_app``.

* ``corpus_server`` (session): one server on the real corpus with one warm cache.
* ``server_factory`` (function): ``start_server``-shaped callable for tests that need
  their own server (other seeds, env, args); every server it starts is stopped.
* ``browser`` (session) / ``page`` (function, viewport from the ``viewport`` fixture,
  1440×900 unless a test overrides or parametrizes ``viewport``).

Every test under ``tests/browser`` is marked ``browser``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect, sync_playwright

from tests.conftest import ROOT, shared_dir
from tests.support.server import CHROMIUM, Server, launch_chromium, start_server

__all__ = [
    "APP",
    "SCREENSHOTS",
    "Server",
    "app_context",
    "rerun",
    "screenshot",
    "script_runs",
    "start_server",
    "wait_for_app",
]

APP = ROOT / "dashboard.py"
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
HERE = Path(__file__).resolve().parent

APP_TIMEOUT_MS = 60_000
DEFAULT_TIMEOUT_MS = 30_000

ServerFactory = Callable[..., Server]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)


# -- helpers ------------------------------------------------------------------


# Counts finished script runs: every change of stApp's data-test-script-state *to*
# "notRunning" (from "running", "rerunRequested", ...). Installed in every page's context,
# so ``rerun()`` can tell a new run from the one that had already finished.
RUN_COUNTER_JS = """
(() => {
  window.__seedscopeRuns = 0;
  new MutationObserver((mutations) => {
    for (const m of mutations) {
      if (m.target.getAttribute("data-testid") !== "stApp") continue;
      const state = m.target.getAttribute("data-test-script-state");
      if (state === "notRunning" && m.oldValue !== "notRunning") window.__seedscopeRuns += 1;
    }
  }).observe(document, {
    subtree: true,
    attributes: true,
    attributeOldValue: true,
    attributeFilter: ["data-test-script-state"],
  });
})();
"""


def wait_for_app(page: Page, *, timeout: float = APP_TIMEOUT_MS) -> None:
    """Wait until Streamlit is connected, has finished the script and has drawn its output.

    ``stApp`` carries ``data-test-script-state`` (``initial`` before the first run, then
    ``running``, ``notRunning``) and ``data-test-connection-state`` (``CONNECTED``). The
    script finishing is not enough: lazily loaded elements (plotly, dataframes, ...) show
    ``stSkeleton`` placeholders until their JS chunk has loaded, often a second later.
    ``stStatusWidget`` is only rendered in the developer toolbar (not in this headless,
    non-development configuration), so its absence alone proves nothing; checked anyway.
    """
    app = page.locator('[data-testid="stApp"]')
    expect(app).to_be_attached(timeout=timeout)
    expect(app).to_have_attribute("data-test-connection-state", "CONNECTED", timeout=timeout)
    expect(app).to_have_attribute("data-test-script-state", "notRunning", timeout=timeout)
    expect(page.locator('[data-testid="stStatusWidget"]')).to_be_hidden(timeout=timeout)
    expect(page.locator('[data-testid="stSkeleton"]')).to_have_count(0, timeout=timeout)


def script_runs(page: Page) -> int:
    """How many script runs this page has seen finish (needs the ``page`` fixture)."""
    return page.evaluate("window.__seedscopeRuns ?? -1")


@contextmanager
def rerun(page: Page, *, timeout: float = APP_TIMEOUT_MS) -> Iterator[None]:
    """Wrap an interaction that makes Streamlit rerun; wait for that new run to finish.

    ``with rerun(page): page.get_by_role("button", name="Apply").click()``. Needed because
    right after a click the state is still the previous run's ``notRunning``, so a bare
    ``wait_for_app`` could return before the rerun even started.
    """
    before = script_runs(page)
    if before < 0:
        raise RuntimeError("rerun() needs a page from the `page` fixture (run counter missing)")
    yield
    page.wait_for_function(f"window.__seedscopeRuns > {before}", timeout=timeout)
    wait_for_app(page, timeout=timeout)


def screenshot(page: Page, name: str) -> Path:
    """Save a full-page PNG to ``artifacts/screenshots/<name>.png`` (git-ignored).

    Streamlit scrolls inside ``stMain`` rather than the document, so Playwright's
    ``full_page`` alone stops at the viewport: the viewport is grown to the content's
    height for the shot (capped at 20,000 px) and then restored.
    """
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    size = page.viewport_size
    height = page.evaluate(FULL_HEIGHT_JS)
    if size and height > size["height"]:
        page.set_viewport_size({"width": size["width"], "height": min(height, 20_000)})
        page.evaluate(TWO_FRAMES_JS)
    try:
        page.screenshot(path=str(path), full_page=True)
    finally:
        if size and height > size["height"]:
            page.set_viewport_size(size)
    return path


FULL_HEIGHT_JS = """
() => Math.ceil(Math.max(
  window.innerHeight,
  ...["stMain", "stSidebarContent"].map((id) => {
    const el = document.querySelector(`[data-testid="${id}"]`);
    return el ? el.scrollHeight : 0;
  })
))
"""
TWO_FRAMES_JS = "() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))"


# -- browser ------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: the browser tests drive Debian's chromium. "
            "Run `make test`, which installs it (scripts/ensure-chromium).",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def viewport() -> dict[str, int]:
    return {"width": 1440, "height": 900}


def app_context(browser: Browser, viewport: dict[str, int]) -> BrowserContext:
    """A new browser context for the dashboard: the tests' timeout and the run counter."""
    context = browser.new_context(viewport=viewport)
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    context.add_init_script(RUN_COUNTER_JS)
    return context


@pytest.fixture
def page(browser: Browser, viewport: dict[str, int]) -> Iterator[Page]:
    context = app_context(browser, viewport)
    page = context.new_page()
    yield page
    page.close()
    context.close()


# -- servers ------------------------------------------------------------------


@pytest.fixture(scope="session")
def corpus_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """dashboard.py on the real corpus; one per session so pages share the warm cache."""
    base = tmp_path_factory.mktemp("corpus-server")
    server = start_server(
        APP,
        seeds=shared_dir() / "corpus",
        cache=base / "cache",
        data=base / "data",
        log_path=base / "streamlit.log",
    )
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def server_factory(tmp_path: Path) -> Iterator[ServerFactory]:
    """A ``start_server``-shaped callable; logs go to the test's tmp dir."""
    servers: list[Server] = []

    def make(
        app: Path = APP,
        *,
        seeds: Path | None,
        cache: Path,
        data: Path,
        env: Mapping[str, str] | None = None,
        args: Sequence[str] = (),
    ) -> Server:
        log_path = tmp_path / f"streamlit-{len(servers)}.log"
        server = start_server(
            app, seeds=seeds, cache=cache, data=data, env=env, args=args, log_path=log_path
        )
        servers.append(server)
        return server

    try:
        yield make
    finally:
        for server in servers:
            server.stop()


def select_first_row(page: Page, grid: Locator) -> None:
    """Select a data grid's first row the way a keyboard user does.

    Focusing the grid's canvas puts the cursor on its first cell; Shift+Space
    selects that cell's row (glide data grid's own shortcut), which reruns the app.
    """
    grid.locator('[data-testid="data-grid-canvas"]').focus()
    page.keyboard.press("Shift+Space")
