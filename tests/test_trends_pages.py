"""Trends, Coverage and Draw cards through AppTest: render, obey filters, keep their URL.

The planted-trends corpus tests (tests/test_planted.py) check the ranking;
these check what a person does on the pages: open them on any corpus, share
a draw by its link, draw again, put a card in a deck, set the blind-spot
threshold.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from seedscope.safety import escape_markdown
from seedscope.workshop import WorkshopStore
from tests.conftest import ROOT

SEED_DIR = ROOT / "seeds"
PAGES = ["pages/explore/trends.py", "pages/explore/coverage.py", "pages/workshop/draw.py"]


@pytest.fixture(scope="module")
def corpus_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("trends-pages-cache")


def open_page(
    monkeypatch: pytest.MonkeyPatch,
    seeds: Path,
    cache: Path,
    page: str,
    query: dict[str, str] | None = None,
) -> AppTest:
    """A new session opened on a link: ``query`` is the URL it was opened with."""
    monkeypatch.setenv("SEEDSCOPE_SEEDS", str(seeds))
    monkeypatch.setenv("SEEDSCOPE_CACHE", str(cache))
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    for key, value in (query or {}).items():
        app.query_params[key] = value
    app.run()
    app.switch_page(page).run()
    assert not app.exception, [e.value for e in app.exception]
    assert not app.error, [e.value for e in app.error]
    return app


def card_names(app: AppTest) -> list[str]:
    return [m.value for m in app.markdown if m.value.startswith("#### ")]


def text(app: AppTest) -> str:
    parts = [m.value for m in app.markdown] + [c.value for c in app.caption]
    parts += [i.value for i in app.info] + [s.value for s in app.success]
    return "\n".join(parts)


@pytest.mark.parametrize("page", PAGES)
def test_the_pages_open_on_a_one_document_corpus(page, monkeypatch, tmp_path) -> None:
    app = open_page(monkeypatch, SEED_DIR, tmp_path / "cache", page)
    assert app.title[0].value in {"Trends", "Coverage and blind spots", "Draw cards"}


@pytest.mark.parametrize("page", PAGES)
def test_the_pages_open_on_the_real_corpus(page, monkeypatch, corpus_dir, corpus_cache) -> None:
    app = open_page(monkeypatch, corpus_dir, corpus_cache, page)
    if page.endswith("trends.py"):
        assert "Window **" in text(app)
        assert "Left out: 6 without a page date, 1 dated in the future." in text(app)
    if page.endswith("coverage.py"):
        corpus = app.session_state["_run_context"].explorer.corpus
        families = corpus.concepts[corpus.concepts["steep"].notna()]
        tags = corpus.tags.merge(families, on=["list", "value_norm"])
        classified = tags["doc_id"].nunique()
        assert 0 < classified < 177  # the shipped vocabulary places most documents
        assert f"{classified} of 177 documents have a concept with a family" in text(app)
    if page.endswith("draw.py"):
        assert len(card_names(app)) == 5


@pytest.mark.parametrize("page", PAGES)
def test_filters_that_match_nothing_leave_an_empty_state(
    page, monkeypatch, corpus_dir, corpus_cache
) -> None:
    app = open_page(monkeypatch, corpus_dir, corpus_cache, page, {"q": "zzzz-no-such-words"})
    assert "No documents match" in text(app)
    assert app.text_input(key="f_q").value == "zzzz-no-such-words"


def test_a_shared_draw_link_shows_the_same_cards_and_draw_again_changes_them(
    monkeypatch, corpus_dir, corpus_cache
) -> None:
    first = open_page(monkeypatch, corpus_dir, corpus_cache, "pages/workshop/draw.py")
    seed = first.query_params["draw"]
    assert seed.isdigit()
    hand = card_names(first)
    # someone opens the link: same seed, same filters, same cards
    shared = open_page(
        monkeypatch, corpus_dir, corpus_cache, "pages/workshop/draw.py", {"draw": seed}
    )
    assert card_names(shared) == hand
    # draw again: a new seed in the URL, other cards; three times in a row
    seen = {seed}
    for _ in range(3):
        shared.button(key="draw_again").click().run()
        new_seed = shared.query_params["draw"]
        assert new_seed not in seen
        seen.add(new_seed)
        assert card_names(shared) != hand
    # fewer cards, kept in the URL too
    shared.selectbox(key="draw_count").set_value("3").run()
    assert len(card_names(shared)) == 3
    assert shared.query_params["cards"] == "3"


def test_the_draw_follows_the_filters(monkeypatch, corpus_dir, corpus_cache) -> None:
    app = open_page(
        monkeypatch,
        corpus_dir,
        corpus_cache,
        "pages/workshop/draw.py",
        {"draw": "42", "min_relevancy": "5", "cards": "12"},
    )
    view = app.session_state["_run_context"].view
    names = {f"#### {escape_markdown(n)}" for n in view.signals["name"].astype(str)}
    assert len(card_names(app)) == 12
    assert set(card_names(app)) <= names
    assert "relevancy not rated" not in text(app)


def test_cards_go_into_a_workshop_deck(monkeypatch, corpus_dir, corpus_cache, tmp_path) -> None:
    data = tmp_path / "data"
    monkeypatch.setenv("SEEDSCOPE_DATA", str(data))
    app = open_page(monkeypatch, corpus_dir, corpus_cache, "pages/workshop/draw.py", {"draw": "7"})
    assert app.selectbox(key="draw_deck").value == "__new__"
    app.button(key="card_add_0").click().run()
    db = WorkshopStore(data / "workshop.sqlite3")
    decks = db.list_decks(str(corpus_dir))
    assert [d.name for d in decks] == ["Drawn cards"]
    assert len(decks[0].signals) == 1
    # the first card now says it is in the deck; the next goes into the same deck
    assert app.button(key="card_add_0").disabled
    assert app.selectbox(key="draw_deck").value == decks[0].id
    app.button(key="card_add_2").click().run()
    deck = db.get_deck(decks[0].id)
    assert deck is not None and len(deck.signals) == 2
    assert len(db.list_decks(str(corpus_dir))) == 1
    # and the Decks page opens on it
    app.switch_page("pages/workshop/decks.py").run()
    assert not app.exception
    assert app.session_state["active_deck"] == deck.id


def test_the_blind_spot_threshold_is_the_analysts(monkeypatch, corpus_dir, corpus_cache) -> None:
    app = open_page(
        monkeypatch, corpus_dir, corpus_cache, "pages/explore/coverage.py", {"thin": "1"}
    )
    assert app.selectbox(key="coverage_thin").value == "1"
    strict = next(c.value for c in app.caption if "thin cell" in c.value)
    app.selectbox(key="coverage_thin").set_value("20").run()
    assert app.query_params["thin"] == "20"
    lenient = next(c.value for c in app.caption if "thin cell" in c.value)

    # a higher threshold flags more cells as thin; the unclassified row never counts
    def thin(caption: str) -> int:
        return int(caption.split(" thin cell")[0].split()[-1].replace(",", ""))

    assert 0 < thin(strict) < thin(lenient)
