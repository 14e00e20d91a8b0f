"""Workshop pages through AppTest: decks, the presenter's controls, the facilitator's gate."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from seedscope.workshop import WorkshopStore
from tests.conftest import ROOT

DOC = "00344fccd0922ea64c011f2e3e163153"
OTHER = "0063cd88c0d4ecadd54d7e5413f95ac0"


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "data"
    monkeypatch.setenv("SEEDSCOPE_DATA", str(folder))
    monkeypatch.delenv("SEEDSCOPE_FACILITATOR_TOKEN", raising=False)
    monkeypatch.setenv("SEEDSCOPE_ROOM_PORT", "9")  # nothing listens there: "not running"
    return folder


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("workshop-cache")


def app_on(page: str, monkeypatch, corpus_dir: Path, cache: Path, **query: str) -> AppTest:
    monkeypatch.setenv("SEEDSCOPE_SEEDS", str(corpus_dir))
    monkeypatch.setenv("SEEDSCOPE_CACHE", str(cache))
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    app.run()  # AppTest learns the pages on a first run; then open the link
    app.query_params.clear()
    for key, value in query.items():
        app.query_params[key] = value
    app.switch_page(f"pages/workshop/{page}.py").run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def store(data_dir: Path) -> WorkshopStore:
    return WorkshopStore(data_dir / "workshop.sqlite3")


def workshop_with(data_dir: Path, corpus_dir: Path):
    db = store(data_dir)
    deck = db.create_deck("Futures of work", str(corpus_dir), [(DOC, 0), (DOC, 1), (OTHER, 0)])
    workshop, key = db.start_workshop(deck.id)
    return db, workshop, key


def shows(app: AppTest, key: str) -> bool:
    """Whether the page drew the container ``key`` (AppTest raises KeyError when not)."""
    try:
        app.container(key=key)
    except KeyError:
        return False
    return True


def visible_text(app: AppTest) -> str:
    parts = [m.value for m in app.markdown] + [c.value for c in app.caption]
    parts += [t.value for t in app.title] + [s.value for s in app.subheader]
    parts += [w.value for w in app.warning] + [i.value for i in app.info]
    parts += [str(element.proto.body) for element in app.get("html")]
    return "\n".join(str(p) for p in parts)


def test_deck_made_from_the_filters_lists_its_signals(
    monkeypatch, corpus_dir: Path, cache: Path, data_dir: Path
) -> None:
    app = app_on("decks", monkeypatch, corpus_dir, cache)
    assert "No deck yet" in visible_text(app)
    app.number_input(key="new_deck_size").set_value(4)
    app.button(key="new_deck_create").click().run()
    decks = store(data_dir).list_decks(str(corpus_dir))
    assert len(decks) == 1 and len(decks[0].signals) == 4
    assert shows(app, "deck_item_3") and not shows(app, "deck_item_4")  # four signals listed
    app.button(key="down_0").click().run()
    moved = store(data_dir).get_deck(decks[0].id)
    assert moved.signals[1] == decks[0].signals[0]
    app.button(key="remove_0").click().run()
    assert len(store(data_dir).get_deck(decks[0].id).signals) == 3


def test_presenter_controls_need_the_key(
    monkeypatch, corpus_dir: Path, cache: Path, data_dir: Path
) -> None:
    db, workshop, key = workshop_with(data_dir, corpus_dir)
    stranger = app_on("present", monkeypatch, corpus_dir, cache, w=workshop.id, key="wrong" * 8)
    assert "needs the presenter link" in visible_text(stranger)
    assert workshop.join_code not in visible_text(stranger)
    assert not [b for b in stranger.button if b.key in ("next", "prev", "end", "reveal")]

    presenter = app_on("present", monkeypatch, corpus_dir, cache, w=workshop.id, key=key)
    # the slides' words reach the room's copy as soon as the presenter opens
    assert db.unpublished_signals(workshop.id) == []
    assert db.slides(workshop.id)[0].name == "Female Radicalisation"
    presenter.button(key="next").click().run()
    assert db.get_workshop(workshop.id).current == 0
    presenter.button(key="next").click().run()
    assert db.get_workshop(workshop.id).current == 1
    assert "The room server is not running" in visible_text(presenter)


def test_presenter_reveals_closes_voting_sets_a_timer_and_takes_notes(
    monkeypatch, corpus_dir: Path, cache: Path, data_dir: Path
) -> None:
    db, workshop, key = workshop_with(data_dir, corpus_dir)
    db.set_current(workshop.id, key, 0)
    db.rate(workshop.id, "p" * 20, DOC, 0, 5, 4, "first thought")
    db.rate(workshop.id, "q" * 20, DOC, 0, 1, 2, "an abusive remark")
    app = app_on("present", monkeypatch, corpus_dir, cache, w=workshop.id, key=key)
    text = visible_text(app)
    assert "Voting open · results hidden" in text and "first thought" not in text

    app.button(key="reveal").click().run()
    assert db.slides(workshop.id)[0].revealed
    text = visible_text(app)
    assert "Impact 3.0" in text and "first thought" in text and "an abusive remark" in text
    # moderation: the second comment's switch hides it from the screen
    app.toggle(key="hide_0_1").set_value(True).run()
    assert [c.comment for c in db.comments(workshop.id, DOC, 0)] == ["first thought"]
    assert "an abusive remark" not in visible_text(app)  # off the projector

    app.button(key="voting").click().run()
    assert not db.slides(workshop.id)[0].voting_open()
    assert "Voting closed" in visible_text(app)
    app.button(key="voting").click().run()
    app.button(key="timer_60").click().run()
    assert 55 <= db.slides(workshop.id)[0].seconds_left() <= 60
    assert "Voting closes in" in visible_text(app)

    app.text_area(key="notes_text_0").set_value("Half the room saw it coming.")
    app.button(key="FormSubmitter:notes_form_0-Save notes").click().run()
    assert db.slides(workshop.id)[0].notes == "Half the room saw it coming."


def test_theme_lives_in_the_address(
    monkeypatch, corpus_dir: Path, cache: Path, data_dir: Path
) -> None:
    _db, workshop, key = workshop_with(data_dir, corpus_dir)
    app = app_on("present", monkeypatch, corpus_dir, cache, w=workshop.id, key=key)
    assert "#ffffff" in visible_text(app)
    app.toggle(key="dark_theme").set_value(True).run()
    assert app.query_params["theme"] in ("dark", ["dark"])
    reloaded = app_on(
        "present", monkeypatch, corpus_dir, cache, w=workshop.id, key=key, theme="dark"
    )
    assert "background:#0d1117" in visible_text(reloaded)


def test_closing_slide_shows_the_room_results(
    monkeypatch, corpus_dir: Path, cache: Path, data_dir: Path
) -> None:
    db, workshop, key = workshop_with(data_dir, corpus_dir)
    db.set_current(workshop.id, key, 3)
    db.rate(workshop.id, "p" * 20, DOC, 0, 5, 4, "big deal")
    db.rate(workshop.id, "q" * 20, DOC, 0, 3, 4, None)
    app = app_on("present", monkeypatch, corpus_dir, cache, w=workshop.id, key=key)
    text = visible_text(app)
    assert "2 ratings of 1 signal " in text
    assert "Female Radicalisation" in text  # the ranking beside the matrix


def test_decks_page_lists_every_workshop_and_gets_the_presenter_back(
    monkeypatch, corpus_dir: Path, cache: Path, data_dir: Path
) -> None:
    db, first, first_key = workshop_with(data_dir, corpus_dir)
    others = [db.start_workshop(first.deck_id) for _ in range(6)]
    db.close_workshop(others[0][0].id, others[0][1])
    app = app_on("decks", monkeypatch, corpus_dir, cache)
    listed = [shows(app, f"ws_{workshop.id}") for workshop in [first, *(w for w, _ in others)]]
    assert listed == [True] * 7
    # the presenter tab of the first workshop was lost: a fresh link replaces it
    app.button(key=f"resume_{first.id}").click().run()
    assert not db.is_presenter(first.id, first_key)
    # ending a forgotten workshop from here
    app = app_on("decks", monkeypatch, corpus_dir, cache)
    app.button(key=f"end_{others[1][0].id}").click().run()
    assert db.get_workshop(others[1][0].id).status == "closed"


def test_room_address_is_a_setting_with_a_clear_warning(
    monkeypatch, corpus_dir: Path, cache: Path, data_dir: Path
) -> None:
    workshop_with(data_dir, corpus_dir)
    app = app_on("decks", monkeypatch, corpus_dir, cache)
    assert "The room server is not running" in visible_text(app)
    app.text_input(key="room_url_input").set_value("javascript:alert(1)")
    app.button(key="FormSubmitter:room_address-Save address").click().run()
    assert "Type a full address" in " ".join(e.value for e in app.error)
    assert store(data_dir).setting("room_url") is None
    app.text_input(key="room_url_input").set_value("http://laptop.local:8502/")
    app.button(key="FormSubmitter:room_address-Save address").click().run()
    assert store(data_dir).setting("room_url") == "http://laptop.local:8502"


def test_without_the_token_the_dashboard_shows_nothing(
    monkeypatch, corpus_dir: Path, cache: Path, data_dir: Path
) -> None:
    """Opened to the network, the dashboard asks every page for the facilitator's token."""
    db, workshop, key = workshop_with(data_dir, corpus_dir)
    monkeypatch.setenv("SEEDSCOPE_FACILITATOR_TOKEN", "the-facilitators-token-1234")
    monkeypatch.setenv("SEEDSCOPE_SEEDS", str(corpus_dir))
    monkeypatch.setenv("SEEDSCOPE_CACHE", str(cache))
    for query in ({}, {"token": "wrong"}, {"deck": workshop.deck_id}):
        app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
        for name, value in query.items():
            app.query_params[name] = value
        app.run()
        text = visible_text(app)
        assert "This dashboard is for the workshop's facilitator" in text
        assert "Futures of work" not in text and workshop.join_code not in text
        assert not app.sidebar.children or not list(app.sidebar.button)
        assert not app.button and not app.text_input and not app.multiselect
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    app.query_params["token"] = "the-facilitators-token-1234"
    app.run()
    assert not app.exception
    text = visible_text(app)
    assert "This dashboard is for the workshop's facilitator" not in text
    assert "the-facilitators-token-1234" not in text  # the browser keeps a derived cookie
    assert "token" not in app.query_params  # taken out of the address bar at once
    assert db.get_workshop(workshop.id).current == -1 and db.is_presenter(workshop.id, key)
