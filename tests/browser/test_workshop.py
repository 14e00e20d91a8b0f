"""A workshop in a real browser: a projector at 1920×1080 and phones following it.

Streamlit's own e2e style: ``expect`` with timeouts instead of sleeps, elements found by
test id, role or the ``st-key-<key>`` class of keyed elements. Every test gets its own
server on a three-document seeds folder (its own cache and data folder); the deck and
the workshop are made directly in the server's SQLite store, as the Decks page would.

Participants follow the presenter through a fragment that polls every 2 s, and the
presenter's tally refreshes every 2 s: the waits below allow 10 s for either.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from seedscope.workshop import Workshop, WorkshopStore
from tests.browser.conftest import (
    DEFAULT_TIMEOUT_MS,
    RUN_COUNTER_JS,
    Server,
    rerun,
    screenshot,
    wait_for_app,
)
from tests.conftest import shared_dir

DOCS = (
    "00344fccd0922ea64c011f2e3e163153",
    "0063cd88c0d4ecadd54d7e5413f95ac0",
    "002d4d9211952bdfe5bbac13ccf20947",
)
#: The deck: two signals of the real corpus, presented in this order.
SIGNAL_A = (DOCS[0], 0)
SIGNAL_A_NAME = "Female Radicalisation"
SIGNAL_B = (DOCS[1], 0)
SIGNAL_B_NAME = "Urban Squatting as Protest"

PROJECTOR = {"width": 1920, "height": 1080}
PHONE = {"width": 390, "height": 844}

#: Two polling periods of 2 s, plus a script run and slack for a loaded machine.
FOLLOW_MS = 10_000

#: The back row of a room: a signal's name and its text must be at least this big.
MIN_TITLE_PX = 48
MIN_BODY_PX = 28
#: WCAG AAA for normal text.
MIN_CONTRAST = 7.0

SAVED = "Saved. You can change it until the presenter moves on."
CONTROL_KEYS = ("prev", "next", "end", "jump", "dark_theme", "presenter_controls")


# -- fixtures -------------------------------------------------------------------


@dataclass
class Room:
    server: Server
    store: WorkshopStore
    workshop: Workshop
    key: str

    @property
    def presenter_url(self) -> str:
        return f"{self.server.url}/present?w={self.workshop.id}&key={self.key}"

    @property
    def participant_url(self) -> str:
        return f"{self.server.url}/participate?w={self.workshop.join_code}"

    def go_to(self, index: int) -> None:
        """Move the slide from outside the browser (another presenter device)."""
        self.store.set_current(self.workshop.id, self.key, index)


@pytest.fixture(scope="module")
def seeds(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three documents of the real corpus (copied into a temp folder, never the project)."""
    folder = tmp_path_factory.mktemp("workshop-seeds")
    for doc in DOCS:
        shutil.copy(shared_dir() / "corpus" / f"{doc}.md", folder / f"{doc}.md")
    return folder


@pytest.fixture
def room(server_factory, seeds: Path, tmp_path: Path) -> Room:
    """A server of its own with an open workshop on the deck [A, B], on the opening slide."""
    data = tmp_path / "data"
    server = server_factory(seeds=seeds, cache=tmp_path / "cache", data=data)
    store = WorkshopStore(data / "workshop.sqlite3")
    deck = store.create_deck("Futures of the street", str(seeds), [SIGNAL_A, SIGNAL_B])
    workshop, key = store.start_workshop(deck.id)
    return Room(server, store, workshop, key)


@pytest.fixture
def open_page(browser: Browser) -> Iterator[Callable[..., Page]]:
    """``open_page(viewport, url)``: a page in a new context of its own (its own session),
    with the run counter ``rerun()`` needs; every context is closed at the end."""
    contexts: list[BrowserContext] = []

    def make(viewport: dict[str, int], url: str, *, context: BrowserContext | None = None):
        if context is None:
            context = browser.new_context(viewport=viewport)
            context.set_default_timeout(DEFAULT_TIMEOUT_MS)
            context.add_init_script(RUN_COUNTER_JS)
            contexts.append(context)
        page = context.new_page()
        page.goto(url)
        wait_for_app(page)
        return page

    try:
        yield make
    finally:
        for context in contexts:
            context.close()


# -- helpers --------------------------------------------------------------------


def assert_no_errors(page: Page) -> None:
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
    expect(page.get_by_text("Traceback")).to_have_count(0)
    expect(page.get_by_text("Something went wrong while drawing this page")).to_have_count(0)


def rated_count(page: Page) -> Locator:
    """The big number of the projector's live tally ("2 people have rated this signal")."""
    return page.locator('.slide[data-slide="tally"] .big')


def slide_title(page: Page) -> Locator:
    return page.locator('.slide[data-slide="signal"] h1')


def phone_signal(page: Page, name: str) -> Locator:
    return page.get_by_role("heading", name=name, exact=True)


def join_as_participant(open_page: Callable[..., Page], room: Room) -> Page:
    """A phone opens the participant link; the page puts its token in the URL."""
    phone = open_page(PHONE, room.participant_url)
    expect(phone).to_have_url(re.compile(r"[?&]p=[A-Za-z0-9_-]{16,64}(&|$)"))
    expect(phone.get_by_text("Welcome! The first signal will appear here")).to_be_visible()
    # Gone if the page ever reloads: following the presenter must happen in place.
    phone.evaluate("window.__sameDocument = true")
    return phone


def participant_token(phone: Page) -> str:
    return parse_qs(urlsplit(phone.url).query)["p"][0]


def score(phone: Page, room: Room, scale: str, signal: tuple[str, int], value: int) -> Locator:
    """One option of a rating's segmented control (a radio in a radiogroup)."""
    slot = f"{room.workshop.id}_{signal[0]}_{signal[1]}"
    group = phone.locator(f".st-key-{scale}_{slot}")
    return group.get_by_role("radio", name=str(value), exact=True)


def rate(
    phone: Page,
    room: Room,
    signal: tuple[str, int],
    impact: int,
    likelihood: int,
    comment: str = "",
    *,
    button: str = "Send my rating",
) -> None:
    for scale, value in (("impact", impact), ("likelihood", likelihood)):
        option = score(phone, room, scale, signal, value)
        # a second tap on the chosen option clears it (segmented controls toggle)
        if option.get_attribute("aria-checked") != "true":
            option.click()
        expect(option).to_be_checked()
    if comment:
        phone.get_by_label("Comment (optional)").fill(comment)
    with rerun(phone):
        phone.get_by_role("button", name=button).click()
    expect(phone.get_by_text(SAVED)).to_be_visible()


def next_slide(presenter: Page, *, keyboard: bool = False) -> None:
    with rerun(presenter):
        if keyboard:
            presenter.locator('[data-testid="stMain"]').click(position={"x": 5, "y": 5})
            presenter.keyboard.press("ArrowRight")
        else:
            presenter.locator(".st-key-next button").click()


def relative_luminance(css_color: str) -> float:
    channels = [float(v) / 255 for v in re.findall(r"[\d.]+", css_color)[:3]]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(fg: str, bg: str) -> float:
    a, b = sorted((relative_luminance(fg), relative_luminance(bg)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def style(locator: Locator, prop: str) -> str:
    return locator.evaluate(f"(el) => getComputedStyle(el)[{prop!r}]")


def assert_readable_slide(presenter: Page) -> None:
    """Signal name ≥ 48 px, body ≥ 28 px, strong contrast, nothing spilling out."""
    slide = presenter.locator('.slide[data-slide="signal"]')
    title = slide_title(presenter)
    body = slide.locator(".block .text").first
    assert float(style(title, "fontSize").removesuffix("px")) >= MIN_TITLE_PX
    assert float(style(body, "fontSize").removesuffix("px")) >= MIN_BODY_PX
    background = style(slide, "backgroundColor")
    for element in (title, body):
        ratio = contrast(style(element, "color"), background)
        assert ratio >= MIN_CONTRAST, f"contrast {ratio:.1f} < {MIN_CONTRAST}"
    # nothing wider than its box (a cut-off word would be clipped or overflow)
    overflowing = slide.evaluate(
        "(el) => [el, ...el.querySelectorAll('*')]"
        ".filter((e) => e.scrollWidth > e.clientWidth + 1).map((e) => e.className)"
    )
    assert overflowing == [], f"overflowing slide parts: {overflowing}"


# -- 1 and 2: the room follows the presenter -------------------------------------


def test_room_follows_presenter_and_ratings_reach_the_projector(
    room: Room, open_page: Callable[..., Page]
) -> None:
    presenter = open_page(PROJECTOR, room.presenter_url)
    expect(presenter.locator('.slide[data-slide="opening"]')).to_contain_text(
        "Futures of the street"
    )
    expect(presenter.locator('.slide[data-slide="join"]')).to_contain_text(room.workshop.join_code)
    expect(presenter.locator('[data-testid="stImage"] img')).to_be_visible()  # the QR code
    screenshot(presenter, "workshop-opening")

    phones = [join_as_participant(open_page, room) for _ in range(2)]
    assert participant_token(phones[0]) != participant_token(phones[1])

    # -- the first signal: everyone follows, everyone rates ---------------------------
    next_slide(presenter)
    expect(slide_title(presenter)).to_have_text(SIGNAL_A_NAME)
    expect(rated_count(presenter)).to_have_text("0")
    for phone in phones:
        expect(phone_signal(phone, SIGNAL_A_NAME)).to_be_visible(timeout=FOLLOW_MS)
        expect(phone.get_by_text("Signal 1 of 2")).to_be_visible()

    rate(phones[0], room, SIGNAL_A, impact=4, likelihood=3, comment="Already visible locally")
    rate(phones[1], room, SIGNAL_A, impact=2, likelihood=3)
    screenshot(phones[0], "workshop-phone")

    expect(rated_count(presenter)).to_have_text("2", timeout=FOLLOW_MS)
    # the distribution: impact 2 and 4 once each, likelihood 3 twice
    bars = presenter.locator('.st-key-live_distribution [data-testid="stPlotlyChart"]')
    expect(bars.locator("text.bartext")).to_have_text(["1", "1", "2"], timeout=FOLLOW_MS)

    # -- the next signal, by the keyboard shortcut: the phones follow again ------------
    next_slide(presenter, keyboard=True)
    expect(slide_title(presenter)).to_have_text(SIGNAL_B_NAME)
    expect(rated_count(presenter)).to_have_text("0")
    for phone in phones:
        expect(phone_signal(phone, SIGNAL_B_NAME)).to_be_visible(timeout=FOLLOW_MS)
        expect(phone_signal(phone, SIGNAL_A_NAME)).to_have_count(0)
        expect(phone.get_by_text("Signal 2 of 2")).to_be_visible()

    # -- the closing slide: the room's results ------------------------------------
    next_slide(presenter)
    expect(presenter.locator('.slide[data-slide="closing"]')).to_be_visible()
    matrix = presenter.locator('.st-key-results_matrix [data-testid="stPlotlyChart"]')
    expect(matrix.locator("path.point")).to_have_count(1, timeout=FOLLOW_MS)
    expect(matrix).to_contain_text(SIGNAL_A_NAME)
    expect(presenter.locator(".st-key-next button")).to_be_disabled()
    screenshot(presenter, "workshop-results")
    for phone in phones:
        expect(phone.get_by_text("That was the last signal.")).to_be_visible(timeout=FOLLOW_MS)
        # they followed three slides without ever reloading
        assert phone.evaluate("window.__sameDocument === true")
        assert_no_errors(phone)
    assert_no_errors(presenter)

    ratings = room.store.ratings_frame(room.workshop.id)
    assert sorted(ratings["impact"]) == [2, 4]
    assert list(ratings["likelihood"]) == [3, 3]


# -- 3: a participant cannot reach the presenter's controls ---------------------------


def assert_no_controls(page: Page) -> None:
    for key in CONTROL_KEYS:
        expect(page.locator(f".st-key-{key}")).to_have_count(0)
    expect(page.get_by_role("button", name="Next")).to_have_count(0)
    expect(page.get_by_role("button", name="Previous")).to_have_count(0)


def test_participant_cannot_reach_presenter_controls(
    room: Room, open_page: Callable[..., Page]
) -> None:
    room.go_to(0)
    phone = open_page(PHONE, room.participant_url)
    expect(phone_signal(phone, SIGNAL_A_NAME)).to_be_visible()
    assert_no_controls(phone)
    assert room.key not in phone.content()
    # the arrow key the presenter uses does nothing here
    phone.keyboard.press("ArrowRight")
    assert room.store.get_workshop(room.workshop.id).current == 0

    base = f"{room.server.url}/present?w={room.workshop.id}"
    wrong_key = "x" * len(room.key)
    for url in (base, f"{base}&key=", f"{base}&key={wrong_key}"):
        stranger = open_page(PROJECTOR, url)
        expect(stranger.get_by_text("needs the presenter link")).to_be_visible()
        assert_no_controls(stranger)
        expect(stranger.locator(".slide")).to_have_count(0)
        expect(stranger.get_by_text(SIGNAL_A_NAME)).to_have_count(0)
        expect(stranger.get_by_text(room.workshop.join_code)).to_have_count(0)
        stranger.keyboard.press("ArrowRight")
        assert_no_errors(stranger)
    assert room.store.get_workshop(room.workshop.id).current == 0


# -- 4: a phone that sleeps keeps its rating -----------------------------------------


def test_sleeping_phone_remembers_its_rating(room: Room, open_page: Callable[..., Page]) -> None:
    phone = join_as_participant(open_page, room)
    room.go_to(0)
    expect(phone_signal(phone, SIGNAL_A_NAME)).to_be_visible(timeout=FOLLOW_MS)
    rate(phone, room, SIGNAL_A, impact=5, likelihood=2, comment="Seen it in my town")
    url, token = phone.url, participant_token(phone)
    context = phone.context

    phone.close()  # the phone sleeps; the browser drops the page and its session
    woken = open_page(PHONE, url, context=context)
    assert participant_token(woken) == token
    expect(phone_signal(woken, SIGNAL_A_NAME)).to_be_visible()
    expect(
        woken.get_by_text("Your rating: impact 5, likelihood 2. You can change it.")
    ).to_be_visible()
    expect(woken.get_by_role("button", name="Update my rating")).to_be_visible()
    expect(score(woken, room, "impact", SIGNAL_A, 5)).to_be_checked()
    expect(score(woken, room, "likelihood", SIGNAL_A, 2)).to_be_checked()
    expect(woken.get_by_label("Comment (optional)")).to_have_value("Seen it in my town")

    # changing it changes the one rating; it does not add a vote
    rate(woken, room, SIGNAL_A, impact=3, likelihood=2, button="Update my rating")
    ratings = room.store.ratings_frame(room.workshop.id)
    assert len(ratings) == 1
    assert (ratings.loc[0, "participant"], ratings.loc[0, "impact"]) == (token, 3)


# -- 5: the projector in both themes -----------------------------------------------


def test_presenter_slide_is_readable_in_both_themes(
    room: Room, open_page: Callable[..., Page]
) -> None:
    room.go_to(0)
    presenter = open_page(PROJECTOR, room.presenter_url)
    expect(slide_title(presenter)).to_have_text(SIGNAL_A_NAME)
    expect(presenter.locator('[data-testid="stPlotlyChart"]')).to_be_visible()
    assert_readable_slide(presenter)
    light_background = style(presenter.locator(".slide").first, "backgroundColor")
    screenshot(presenter, "workshop-presenter-light")

    with rerun(presenter):
        presenter.locator(".st-key-dark_theme label").click()
    expect(presenter.get_by_role("switch", name="Dark projector theme")).to_be_checked()
    expect(slide_title(presenter)).to_have_text(SIGNAL_A_NAME)
    dark_background = style(presenter.locator(".slide").first, "backgroundColor")
    assert relative_luminance(dark_background) < 0.05 < relative_luminance(light_background)
    assert_readable_slide(presenter)
    screenshot(presenter, "workshop-presenter-dark")
    assert_no_errors(presenter)
