"""A workshop in a real browser: a projector, phones on the room server, and an intruder.

One dashboard and one room server for the module, as ``make run`` starts them,
with the dashboard opened to the network (it asks for the facilitator's token):
the presenter's browser proves it once, the phones never can. Each test gets a
workshop of its own on a three-document seeds folder. Waits are Playwright
``expect`` calls on what a person sees, never sleeps.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from loaders import load_corpus
from seedscope.explore import Explorer
from seedscope.qr import qr_png
from seedscope.workshop import SlideText, Workshop, WorkshopStore
from seedscope.workshop.content import slide_texts
from seedscope.workshop.report import workshop_report
from tests.browser.conftest import (
    APP,
    Server,
    app_context,
    rerun,
    screenshot,
    start_server,
    wait_for_app,
)
from tests.conftest import shared_dir
from tests.support.server import free_port, start_room_server

DOCS = (
    "00344fccd0922ea64c011f2e3e163153",
    "0063cd88c0d4ecadd54d7e5413f95ac0",
    "002d4d9211952bdfe5bbac13ccf20947",
)
SIGNAL_A = (DOCS[0], 0)
SIGNAL_A_NAME = "Female Radicalisation"
SIGNAL_B = (DOCS[1], 0)
SIGNAL_B_NAME = "Urban Squatting as Protest"
SIGNAL_C = (DOCS[2], 0)

PROJECTOR = {"width": 1920, "height": 1080}
SMALL_PROJECTOR = {"width": 1280, "height": 720}
PHONE = {"width": 390, "height": 844}
TOKEN = "facilitator-token-for-the-browser-tests"

#: Phones hear of a new slide within a second (the benchmark measures it); the
#: projector's live parts refresh every two seconds.
FOLLOW_MS = 5_000
LIVE_MS = 10_000

MIN_TITLE_PX = 48
MIN_BODY_PX = 28
MIN_CONTRAST = 7.0
MIN_TARGET_PX = 44
#: Four texts of about four projector lines each (the issue's overflowing case).
LONG = (
    "Municipal water utilities across southern Europe begin rationing household supply "
    "every summer, while industrial users negotiate exemptions that residents resent."
)


# -- servers --------------------------------------------------------------------------


class RoomProcess:
    """``python -m seedscope.workshop.room`` on a port of its own, restartable."""

    def __init__(self, db: Path, log: Path) -> None:
        self.db, self.log, self.port = db, log, free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.process = start_room_server(self.db, self.port, self.log)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@dataclass
class Site:
    dashboard: Server
    room_server: RoomProcess
    store: WorkshopStore
    explorer: Explorer
    seeds: Path


@dataclass
class Room:
    site: Site
    workshop: Workshop
    key: str

    @property
    def store(self) -> WorkshopStore:
        return self.site.store

    @property
    def presenter_url(self) -> str:
        return f"{self.site.dashboard.url}/present?w={self.workshop.id}&key={self.key}"

    @property
    def participant_url(self) -> str:
        return f"{self.site.room_server.url}/?w={self.workshop.join_code}"

    def go_to(self, index: int) -> None:
        self.store.set_current(self.workshop.id, self.key, index)

    def now(self) -> Workshop:
        workshop = self.store.get_workshop(self.workshop.id)
        assert workshop is not None
        return workshop


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    base = tmp_path_factory.mktemp("workshop-site")
    seeds = base / "seeds"
    seeds.mkdir()
    for doc in DOCS:
        shutil.copy(shared_dir() / "corpus" / f"{doc}.md", seeds / f"{doc}.md")
    data = base / "data"
    data.mkdir()
    store = WorkshopStore(data / "workshop.sqlite3")
    room_server = RoomProcess(store.path, base / "room.log")
    room_server.start()
    try:
        dashboard = start_server(
            APP,
            seeds=seeds,
            cache=base / "cache",
            data=data,
            env={
                "SEEDSCOPE_ROOM_PORT": str(room_server.port),
                "SEEDSCOPE_ROOM_URL": room_server.url,
                "SEEDSCOPE_FACILITATOR_TOKEN": TOKEN,
            },
            log_path=base / "streamlit.log",
        )
        try:
            explorer = Explorer(load_corpus(seeds, base / "cache"))
            yield Site(dashboard, room_server, store, explorer, seeds)
        finally:
            dashboard.stop()
    finally:
        room_server.stop()


@pytest.fixture
def room(site: Site) -> Room:
    """A fresh workshop on the deck [A, B, C], its words given to the room, on the opening."""
    signals = [SIGNAL_A, SIGNAL_B, SIGNAL_C]
    deck = site.store.create_deck("Futures of the street", str(site.seeds), signals)
    workshop, key = site.store.start_workshop(deck.id, slide_texts(site.explorer, signals))
    return Room(site, workshop, key)


@pytest.fixture
def contexts(browser: Browser) -> Iterator[Callable[..., BrowserContext]]:
    made: list[BrowserContext] = []

    def make(viewport: dict[str, int]) -> BrowserContext:
        context = app_context(browser, viewport)
        made.append(context)
        return context

    yield make
    for context in made:
        context.close()


@pytest.fixture(scope="module")
def facilitator_context(browser: Browser, site: Site) -> Iterator[BrowserContext]:
    """The facilitator's browser, kept for the module as the laptop on the lectern is.

    The token is proved once (it becomes a cookie); each test then opens its
    presenter link in a tab of this browser. A new browser context costs
    Chromium about 8 CPU-s for its first page, a navigation in an open tab
    about 2.5.
    """
    context = app_context(browser, PROJECTOR)
    page = context.new_page()
    page.goto(f"{site.dashboard.url}/?token={TOKEN}")
    wait_for_app(page)
    expect(page.get_by_text("This dashboard is for the workshop's facilitator")).to_have_count(0)
    yield context
    context.close()


@pytest.fixture
def facilitator(facilitator_context: BrowserContext) -> Iterator[Page]:
    """The facilitator's tab at the projector's size; left on a blank page after the test.

    Blank, so the last test's presenter page stops polling its room every two
    seconds; a tab that crashed or was closed is replaced by a new one.
    """
    open_tabs = [tab for tab in facilitator_context.pages if not tab.is_closed()]
    tab = open_tabs[0] if open_tabs else facilitator_context.new_page()
    tab.set_viewport_size(PROJECTOR)
    yield tab
    for extra in [other for other in facilitator_context.pages if other is not tab]:
        extra.close()  # a tab the test opened
    if not tab.is_closed():
        try:
            tab.goto("about:blank")
        except PlaywrightError:  # the tab crashed: the next test gets a new one
            tab.close()


def presenter(facilitator: Page, room: Room, viewport=PROJECTOR, theme: str | None = None) -> Page:
    """The facilitator's tab on this room's presenter link, at the projector's size."""
    facilitator.set_viewport_size(viewport)
    facilitator.goto(room.presenter_url + (f"&theme={theme}" if theme else ""))
    wait_for_app(facilitator)
    return facilitator


def phone(contexts, room: Room, context: BrowserContext | None = None) -> Page:
    """A phone scans the QR code: the room server's page, following the room."""
    page = (context or contexts(PHONE)).new_page()
    page.goto(room.participant_url)
    expect(page.locator("body[data-stage]")).to_be_attached(timeout=FOLLOW_MS)
    page.evaluate("window.__sameDocument = true")  # gone if the page ever reloads
    return page


# -- helpers ----------------------------------------------------------------------------


def same_pixels(served: bytes, expected: bytes) -> bool:
    """The QR code on screen is exactly the participant link's, pixel for pixel."""
    shown, wanted = (Image.open(io.BytesIO(data)).convert("L") for data in (served, expected))
    return shown.size == wanted.size and shown.tobytes() == wanted.tobytes()


def assert_no_errors(page: Page) -> None:
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
    expect(page.get_by_text("Traceback")).to_have_count(0)
    expect(page.get_by_text("Something went wrong while drawing this page")).to_have_count(0)


def slide_title(page: Page) -> Locator:
    return page.locator('.slide[data-slide="signal"] h1, .slide[data-slide="revealed"] h1')


def on_phone(page: Page, name: str) -> Locator:
    return page.locator("#current [data-testid=signal-name]").filter(has_text=name)


def rate(page: Page, impact: int, likelihood: int, comment: str = "", where: str = "#current"):
    card = page.locator(where).locator("article.signal").first
    card.locator(f'[data-testid="impact-{impact}"]').click()
    card.locator(f'[data-testid="likelihood-{likelihood}"]').click()
    if comment:
        card.locator("textarea.comment").fill(comment)
    card.locator("button.send").click()
    expect(card.locator(".status")).to_have_text(
        "Saved. You can change it until voting closes.", timeout=FOLLOW_MS
    )


def press(page: Page, key: str) -> None:
    with rerun(page):
        page.keyboard.press(key)


def style(locator: Locator, prop: str) -> str:
    return locator.evaluate(f"(el) => getComputedStyle(el)[{prop!r}]")


def px(locator: Locator, prop: str = "fontSize") -> float:
    return float(style(locator, prop).removesuffix("px"))


def relative_luminance(css_color: str) -> float:
    channels = [float(v) / 255 for v in re.findall(r"[\d.]+", css_color)[:3]]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(fg: str, bg: str) -> float:
    a, b = sorted((relative_luminance(fg), relative_luminance(bg)), reverse=True)
    return (a + 0.05) / (b + 0.05)


#: What does not fit on the projector: a page that scrolls, controls below the
#: screen's edge, a slide part wider than its box or a text block taller than it.
NOT_FITTING_JS = """(height) => {
  const main = document.querySelector('[data-testid="stMain"]');
  const controls = document.querySelector(".st-key-presenter_controls");
  const problems = [];
  if (!main || main.scrollHeight > main.clientHeight + 1) problems.push("the page scrolls");
  if (!controls || controls.getBoundingClientRect().bottom > height)
    problems.push("controls below the screen");
  for (const slide of document.querySelectorAll(".slide"))
    for (const e of [slide, ...slide.querySelectorAll("*")])
      if (e.scrollWidth > e.clientWidth + 1
          || (e.matches(".slide, .block") && e.scrollHeight > e.clientHeight + 2))
        problems.push("cut off: " + e.className);
  return problems;
}"""


def assert_fits(page: Page, viewport: dict[str, int]) -> None:
    """Nothing to scroll, the controls on screen, no text cut off inside the slide.

    After a resize the slide lays itself out again (its text is fitted in the
    browser), so the check waits for the layout to settle, as a person glancing
    at the screen would, and reports what still does not fit after that. On a
    loaded machine (both workers in browser tests) settling once took over 5 s
    at 720p, so the wait allows 15 s; a slide that never fits still fails.
    """
    fits = f"(height) => ({NOT_FITTING_JS})(height).length === 0"
    try:
        page.wait_for_function(fits, arg=viewport["height"], timeout=15_000)
    except PlaywrightTimeoutError:
        problems = page.evaluate(NOT_FITTING_JS, viewport["height"])
        raise AssertionError(f"does not fit {viewport}: {problems}") from None


# -- 1: the room follows the presenter, rates, and sees results when revealed --------------


def test_a_workshop_from_the_first_scan_to_the_thank_you(
    contexts, facilitator: Page, room: Room
) -> None:
    projector = presenter(facilitator, room)
    expect(projector.locator('.slide[data-slide="opening"]')).to_contain_text(
        "Futures of the street"
    )
    expect(projector.locator('.slide[data-slide="join"]')).to_contain_text(room.workshop.join_code)
    # the QR code is the participant link, nothing else
    source = projector.locator(".st-key-qr img").get_attribute("src")
    assert source is not None
    image = projector.request.get(
        source if source.startswith("http") else room.site.dashboard.url + source
    ).body()
    assert same_pixels(image, qr_png(room.participant_url, scale=10))
    # the address is 127.0.0.1 here: the facilitator is told phones cannot open it
    expect(projector.get_by_test_id("room-warning")).to_contain_text("Phones cannot open")

    phones = [phone(contexts, room) for _ in range(3)]
    for device in phones:
        expect(device.get_by_text("Welcome! The first signal will appear here")).to_be_visible()
        expect(device.get_by_text("Your ratings are anonymous")).to_be_visible()
    expect(projector.get_by_test_id("devices-joined")).to_have_text("3", timeout=LIVE_MS)
    screenshot(projector, "workshop-opening")

    # -- Next from a clicker (PageDown), even after the Dark switch took the focus ---------
    with rerun(projector):
        projector.locator(".st-key-dark_theme label").click()
    press(projector, "PageDown")
    expect(slide_title(projector)).to_have_text(SIGNAL_A_NAME)
    for device in phones:
        expect(on_phone(device, SIGNAL_A_NAME)).to_be_visible(timeout=FOLLOW_MS)
        expect(device.get_by_text("Signal 1 of 3")).to_be_visible()
        expect(device.get_by_text("1 = hardly matters")).to_be_visible()
        expect(device.get_by_text("5 = almost certain")).to_be_visible()
    rate(phones[0], 4, 3, "Already visible <b>locally</b>")
    rate(phones[1], 2, 3)
    rate(phones[2], 5, 1, "an abusive remark")
    screenshot(phones[0], "workshop-phone")
    expect(projector.get_by_test_id("rated-count")).to_have_text("3", timeout=LIVE_MS)
    # results stay hidden until the facilitator reveals them (no anchoring)
    expect(projector.locator('[data-testid="stPlotlyChart"]')).to_have_count(0)
    expect(projector.get_by_text("Already visible")).to_have_count(0)

    with rerun(projector):
        projector.locator(".st-key-reveal button:visible").click()
    bars = projector.locator('.st-key-live_distribution [data-testid="stPlotlyChart"]')
    expect(bars.locator("text.bartext")).to_have_text(["1", "1", "1", "1", "2"], timeout=LIVE_MS)
    comments = projector.locator('.slide[data-slide="comments"] li')
    expect(comments).to_have_text(["Already visible <b>locally</b>", "an abusive remark"])
    assert px(comments.first) >= MIN_BODY_PX  # readable from the back, not 16 px grey
    # moderation: hide one comment; the rating still counts
    projector.locator(".st-key-moderate button:visible").click()
    with rerun(projector):
        projector.locator(".st-key-hide_0_1 label").click()
    projector.keyboard.press("Escape")
    expect(comments).to_have_text(["Already visible <b>locally</b>"], timeout=LIVE_MS)
    assert room.store.tally(room.workshop.id, *SIGNAL_A)["count"] == 3

    # -- Space and the arrow keep working after "Jump to" had the focus -------------------
    projector.locator(".st-key-jump").click()
    with rerun(projector):
        projector.get_by_role("option", name=f"2. {SIGNAL_B_NAME}").click()
    expect(slide_title(projector)).to_have_text(SIGNAL_B_NAME)
    press(projector, "PageUp")
    expect(slide_title(projector)).to_have_text(SIGNAL_A_NAME)
    press(projector, "Space")
    expect(slide_title(projector)).to_have_text(SIGNAL_B_NAME)
    for device in phones:
        expect(on_phone(device, SIGNAL_B_NAME)).to_be_visible(timeout=FOLLOW_MS)
    # the first signal is still open: a late phone rates it from the list
    late = phones[1]
    late.locator("#earlier summary").first.click()
    rate(late, 3, 3, where="#earlier")
    assert room.store.tally(room.workshop.id, *SIGNAL_A)["count"] == 3  # changed, not added
    with rerun(projector):
        projector.locator(".st-key-voting button:visible").click()  # close voting on B
    expect(phones[0].locator("#current .status")).to_have_text(
        "Voting on this signal has closed.", timeout=FOLLOW_MS
    )
    expect(phones[0].locator("#current button.send")).to_be_disabled()

    # -- the results slide, then the end (with a confirmation) and a reopen ----------------
    press(projector, "ArrowRight")
    expect(projector.locator(".progress").first).to_have_text("3 / 3")
    press(projector, "ArrowRight")
    expect(projector.locator('.slide[data-slide="closing"]')).to_be_visible()
    matrix = projector.locator('.st-key-results_matrix [data-testid="stPlotlyChart"]')
    expect(matrix.locator("path.point")).to_have_count(1, timeout=LIVE_MS)
    expect(projector.locator('.slide[data-slide="ranking"]')).to_contain_text(SIGNAL_A_NAME)
    for device in phones:
        expect(device.get_by_text("That was the last signal.")).to_be_visible(timeout=FOLLOW_MS)
    screenshot(projector, "workshop-results")

    projector.locator(".st-key-end button:visible").click()
    expect(projector.get_by_role("dialog")).to_contain_text("End the workshop?")
    with rerun(projector):
        projector.locator(".st-key-end_confirmed button:visible").click()
    assert room.now().status == "closed"
    for device in phones:
        expect(device.get_by_text("This workshop has ended. Thank you")).to_be_visible(
            timeout=FOLLOW_MS
        )
    with rerun(projector):
        projector.locator(".st-key-reopen button:visible").click()
    assert room.now().is_open
    expect(phones[0].get_by_text("That was the last signal.")).to_be_visible(timeout=FOLLOW_MS)
    for device in phones:  # they followed every slide without reloading
        assert device.evaluate("window.__sameDocument === true")
    assert_no_errors(projector)

    ratings = room.store.ratings(room.workshop.id)
    # three voices on A (the late phone changed its 2 into a 3), none on B
    assert sorted((r.doc_id, r.impact, r.likelihood) for r in ratings) == [
        (DOCS[0], 3, 3),
        (DOCS[0], 4, 3),
        (DOCS[0], 5, 1),
    ]


# -- 2: a participant's browser tries every facilitator route ----------------------------


DASHBOARD_ROUTES = (
    "/",
    "/overview",
    "/heatmaps",
    "/signals",
    "/documents",
    "/health",
    "/decks",
    "/participate",
    "/no-such-page",
)


def test_a_participants_browser_reaches_none_of_the_facilitators_data(contexts, room: Room) -> None:
    room.go_to(0)
    room.store.rate(room.workshop.id, "p" * 40, *SIGNAL_A, 4, 4, "a secret comment")
    intruder = phone(contexts, room)  # a real participant, with the room's cookie
    expect(on_phone(intruder, SIGNAL_A_NAME)).to_be_visible(timeout=FOLLOW_MS)
    assert room.key not in intruder.content()
    assert "a secret comment" not in intruder.content()
    # the participant page links nowhere: no sidebar, no dashboard
    assert intruder.locator("a[href]").count() == 0

    base = room.site.dashboard.url
    routes = [
        *DASHBOARD_ROUTES,
        f"/decks?deck={room.workshop.deck_id}",
        f"/present?w={room.workshop.id}",
        f"/present?w={room.workshop.id}&key={'x' * len(room.key)}",
        f"/?token={'y' * len(TOKEN)}",
        f"/participate?w={room.workshop.join_code}",
    ]
    for route in routes:
        intruder.goto(base + route)
        wait_for_app(intruder)
        expect(
            intruder.get_by_text("This dashboard is for the workshop's facilitator")
        ).to_be_visible()
        for secret in (
            "Futures of the street",
            SIGNAL_A_NAME,
            room.workshop.join_code,
            "a secret comment",
        ):
            expect(intruder.get_by_text(secret)).to_have_count(0)
        for widget in (
            "stSidebar",
            "stFileUploader",
            "stDownloadButton",
            "stButton",
            "stPlotlyChart",
            "stDataFrame",
        ):
            expect(intruder.get_by_test_id(widget)).to_have_count(0)
        intruder.keyboard.press("ArrowRight")
        assert_no_errors(intruder)
    # nothing changed behind the scenes
    workshop = room.now()
    assert workshop.current == 0 and workshop.is_open
    assert workshop.deck.signals == (SIGNAL_A, SIGNAL_B, SIGNAL_C)
    assert len(room.store.ratings(room.workshop.id)) == 1
    # and the room server offers a participant nothing beyond their own voice
    for path in ("/decks", "/api/ratings", "/export.csv", f"/present?w={room.workshop.id}"):
        for method in ("GET", "POST", "DELETE"):
            response = intruder.request.fetch(room.site.room_server.url + path, method=method)
            assert response.status == 404, (method, path)


# -- 3: one phone, one voice ----------------------------------------------------------------


def test_one_phone_is_one_voice_across_tabs_and_rescans(contexts, room: Room) -> None:
    room.go_to(0)
    device = contexts(PHONE)
    first = phone(contexts, room, device)
    second = phone(contexts, room, device)  # a second tab
    rate(first, 5, 2, "Seen it in my town")
    # the other tab shows what this phone said, and changing it there changes the one rating
    expect(second.locator("#current .status")).to_have_text(
        "Your rating: impact 5, likelihood 2. You can change it.", timeout=FOLLOW_MS
    )
    expect(second.locator("#current textarea.comment")).to_have_value("Seen it in my town")
    expect(second.locator("#current button.send")).to_have_text("Update my rating")
    rate(second, 3, 2)
    rescanned = phone(contexts, room, device)  # the QR code scanned again
    expect(rescanned.locator('#current [data-testid="impact-3"]')).to_have_attribute(
        "aria-checked", "true"
    )
    ratings = room.store.ratings(room.workshop.id)
    assert [(r.impact, r.likelihood, r.comment) for r in ratings] == [(3, 2, "Seen it in my town")]
    assert room.store.device_count(room.workshop.id) == 1
    # the token lives in an HttpOnly cookie: not in the URL, not readable by scripts
    assert "token" not in rescanned.url and rescanned.evaluate("document.cookie") == ""
    other = phone(contexts, room)  # another phone is another voice
    rate(other, 1, 1)
    assert room.store.device_count(room.workshop.id) == 2
    # buttons a thumb can hit
    for target in ('[data-testid="impact-1"]', '[data-testid="likelihood-5"]', "button.send"):
        box = other.locator(f"#current {target}").bounding_box()
        assert box is not None and min(box["width"], box["height"]) >= MIN_TARGET_PX, target
    long_comment = "x" * 300
    card = other.locator("#current article.signal")
    card.locator("textarea.comment").fill(long_comment)
    expect(card.locator(".counter")).to_have_text("20 characters too many (at most 280)")
    card.locator("button.send").click()
    expect(card.locator(".status")).to_contain_text("at most 280 characters (this one has 300)")


# -- 4: a restart of the room server mid-slide ---------------------------------------------


def test_a_room_server_restart_mid_slide_loses_nothing(contexts, room: Room) -> None:
    room.go_to(0)
    device = phone(contexts, room)
    rate(device, 4, 4, "before the restart")
    room.site.room_server.stop()
    expect(device.locator("#connection")).to_have_text("Reconnecting…", timeout=FOLLOW_MS)
    room.site.room_server.start()
    room.go_to(1)  # the presenter moved on while the server was down
    expect(on_phone(device, SIGNAL_B_NAME)).to_be_visible(timeout=20_000)
    expect(device.locator("#connection")).to_be_hidden()
    rate(device, 2, 5, "after the restart")
    assert device.evaluate("window.__sameDocument === true")
    saved = {(r.doc_id, r.impact, r.comment) for r in room.store.ratings(room.workshop.id)}
    assert saved == {(DOCS[0], 4, "before the restart"), (DOCS[1], 2, "after the restart")}


# -- 5: the projector fits and reads, in both themes, at 1920×1080 and 1280×720 ------------


def assert_readable(page: Page, background: str) -> None:
    slide = page.locator('.slide[data-slide="signal"]')
    expect(slide).to_have_css("background-color", background)
    for element in (slide_title(page), slide.locator(".block .text").first):
        assert contrast(style(element, "color"), background) >= MIN_CONTRAST


def test_the_projector_fits_and_reads_in_both_themes_and_sizes(
    facilitator: Page, room: Room
) -> None:
    """1920×1080 and 1280×720, light and dark: long texts, a signal, the results."""
    long_text = SlideText(
        "Water rationing becomes the summer norm",
        LONG,
        LONG,
        LONG,
        LONG,
        4.0,
        "A long source title for this signal",
        "11 May 2025",
    )
    room.store.publish_slides(room.workshop.id, room.key, {SIGNAL_C: long_text})
    room.go_to(2)
    page = presenter(facilitator, room, PROJECTOR)
    expect(slide_title(page)).to_have_text(long_text.name)
    light, dark = "rgb(255, 255, 255)", "rgb(13, 17, 23)"
    assert_readable(page, light)
    assert_fits(page, PROJECTOR)
    page.locator(".st-key-dark_theme label").click()
    assert_readable(page, dark)
    assert_fits(page, PROJECTOR)
    screenshot(page, "workshop-long-dark-1080")
    # the theme is in the address: a reload keeps it
    expect(page).to_have_url(re.compile(r"[?&]theme=dark"))
    page.reload()
    wait_for_app(page)
    expect(page.get_by_role("switch", name="Dark")).to_be_checked()
    assert_readable(page, dark)
    page.set_viewport_size(SMALL_PROJECTOR)
    assert_fits(page, SMALL_PROJECTOR)
    page.locator(".st-key-dark_theme label").click()
    assert_readable(page, light)
    assert_fits(page, SMALL_PROJECTOR)
    screenshot(page, "workshop-long-light-720")

    # back twice: the second press, right after the first one's redraw, goes on back
    # (it once brought along the jump list's old slide and pulled the room forward)
    press(page, "PageUp")
    expect(slide_title(page)).to_have_text(SIGNAL_B_NAME)
    press(page, "PageUp")
    expect(slide_title(page)).to_have_text(SIGNAL_A_NAME)

    # an ordinary signal: fits at 720p, the back row's sizes at full HD
    assert_fits(page, SMALL_PROJECTOR)
    page.set_viewport_size(PROJECTOR)
    assert px(slide_title(page)) >= MIN_TITLE_PX
    assert px(page.locator(".slide .block .text").first) >= MIN_BODY_PX
    assert_fits(page, PROJECTOR)

    # the results: two signals rated exactly alike must not hide each other's numbers
    room.go_to(3)
    for n in range(12):
        room.store.rate(room.workshop.id, f"device-{n:030d}", *SIGNAL_A, 3, 3)
    room.store.rate(room.workshop.id, "device-" + "9" * 30, *SIGNAL_B, 3, 3)
    page.reload()
    wait_for_app(page)
    matrix = page.locator('.st-key-results_matrix [data-testid="stPlotlyChart"]')
    expect(matrix.locator("path.point")).to_have_count(2, timeout=LIVE_MS)
    for viewport in (PROJECTOR, SMALL_PROJECTOR):
        page.set_viewport_size(viewport)
        labels = matrix.locator("g.textpoint text").evaluate_all(
            "(texts) => texts.map((t) => { const b = t.getBoundingClientRect();"
            " return [b.left, b.top, b.right, b.bottom]; })"
        )
        assert len(labels) == 2
        for i, a in enumerate(labels):
            for b in labels[i + 1 :]:
                apart = a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]
                assert apart, f"overlapping labels {a} {b}"
        assert_fits(page, viewport)
    assert_no_errors(page)


# -- 6: the report prints on A4 ----------------------------------------------------------------


def test_the_report_opens_offline_and_prints_on_a4(
    contexts, facilitator: Page, room: Room, tmp_path: Path
) -> None:
    room.go_to(1)
    room.store.rate(room.workshop.id, "p" * 40, *SIGNAL_A, 5, 4, "<script>alert(1)</script>")
    room.store.rate(room.workshop.id, "q" * 40, *SIGNAL_A, 1, 2, None)
    room.store.set_notes(room.workshop.id, room.key, SIGNAL_A, "Half the room saw it coming.")
    # the facilitator downloads it from the Decks page
    decks = facilitator
    decks.goto(f"{room.site.dashboard.url}/decks?deck={room.workshop.deck_id}")
    wait_for_app(decks)
    with decks.expect_download() as download:
        decks.locator(f".st-key-dl_h_{room.workshop.id} button:visible").click()
    assert download.value.suggested_filename == f"workshop-{room.workshop.join_code}.html"
    report = tmp_path / "report.html"
    download.value.save_as(report)
    assert report.read_text(encoding="utf-8") == workshop_report(room.store, room.workshop.id)
    context = contexts({"width": 900, "height": 1200})
    context.route(
        "**/*",
        lambda route: (
            route.abort() if not route.request.url.startswith("file:") else route.continue_()
        ),
    )
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: dialogs.append(dialog.message))
    page.goto(report.as_uri())
    expect(page.get_by_role("heading", name="Futures of the street")).to_be_visible()
    section = page.locator(f'section[data-signal="{SIGNAL_A[0]}:0"]')
    expect(section).to_contain_text("2 ratings")
    expect(section).to_contain_text("the room was split")
    expect(section).to_contain_text("<script>alert(1)</script>")
    expect(section.locator(".notes")).to_have_text("Half the room saw it coming.")
    expect(page.locator("svg circle")).to_have_count(1)
    assert dialogs == []
    # the report's own @page rule decides the paper (Chromium would print Letter otherwise)
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    sizes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    a4 = (595.28, 841.89)  # points
    assert sizes and all(
        abs(float(w) - a4[0]) < 2 and abs(float(h) - a4[1]) < 2 for w, h in sizes
    ), sizes
    assert 1 <= len(sizes) <= 3
