"""Workshop pages through AppTest: decks, the presenter's controls, participants' ratings."""

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


def visible_text(app: AppTest) -> str:
    parts = [m.value for m in app.markdown] + [c.value for c in app.caption]
    parts += [t.value for t in app.title] + [s.value for s in app.subheader]
    parts += [w.value for w in app.warning] + [i.value for i in app.info]
    return "\n".join(str(p) for p in parts)


def test_deck_made_from_the_filters_lists_its_signals(
    monkeypatch, corpus_dir: Path, cache: Path, data_dir: Path
) -> None:
    app = app_on("decks", monkeypatch, corpus_dir, cache)
    assert "No deck yet" in visible_text(app)
    app.number_input[0].set_value(4)
    app.button[0].click().run()  # the form's submit button
    decks = store(data_dir).list_decks(str(corpus_dir))
    assert len(decks) == 1 and len(decks[0].signals) == 4
    assert app.container(key="deck_item_3") is not None
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
    assert not [b for b in stranger.button if b.key in ("next", "prev", "end")]

    presenter = app_on("present", monkeypatch, corpus_dir, cache, w=workshop.id, key=key)
    assert presenter.button(key="next") is not None
    presenter.button(key="next").click().run()
    assert db.get_workshop(workshop.id).current == 0
    presenter.button(key="next").click().run()
    assert db.get_workshop(workshop.id).current == 1


def test_participant_rates_the_current_signal(
    monkeypatch, corpus_dir: Path, cache: Path, data_dir: Path
) -> None:
    db, workshop, key = workshop_with(data_dir, corpus_dir)
    waiting = app_on("participate", monkeypatch, corpus_dir, cache, w=workshop.join_code.lower())
    assert "first signal will appear" in visible_text(waiting)
    assert not [b for b in waiting.button if b.key in ("next", "prev", "end")]

    db.set_current(workshop.id, key, 1)
    phone = app_on("participate", monkeypatch, corpus_dir, cache, w=workshop.join_code)
    token = (
        phone.query_params["p"]
        if isinstance(phone.query_params["p"], str)
        else phone.query_params["p"][0]
    )
    assert "Signal 2 of 3" in visible_text(phone)
    slot = f"{workshop.id}_{DOC}_1"
    phone.button_group(key=f"impact_{slot}").set_value(4)
    phone.button_group(key=f"likelihood_{slot}").set_value(2)
    phone.text_input(key=f"comment_{slot}").set_value("<b>worth watching</b>")
    phone.button[0].click().run()
    ratings = db.ratings_frame(workshop.id)
    assert ratings[
        ["participant", "doc_id", "position", "impact", "likelihood", "comment"]
    ].values.tolist() == [[token, DOC, 1, 4, 2, "<b>worth watching</b>"]]
    assert db.tally(workshop.id, DOC, 1)["count"] == 1


def test_unknown_join_code_asks_for_the_code(
    monkeypatch, corpus_dir: Path, cache: Path, data_dir: Path
) -> None:
    app = app_on("participate", monkeypatch, corpus_dir, cache, w="NOPE99")
    text = visible_text(app)
    assert "Join a workshop" in text and "No open workshop has this code" in text


def test_closing_slide_shows_the_room_results(
    monkeypatch, corpus_dir: Path, cache: Path, data_dir: Path
) -> None:
    db, workshop, key = workshop_with(data_dir, corpus_dir)
    db.rate(workshop.id, "p" * 20, DOC, 0, 5, 4, "big deal")
    db.rate(workshop.id, "q" * 20, DOC, 0, 3, 4, None)
    db.set_current(workshop.id, key, 3)
    app = app_on("present", monkeypatch, corpus_dir, cache, w=workshop.id, key=key)
    shown = " ".join(str(element.proto.body) for element in app.get("html"))
    assert "2 ratings of 1 signal " in shown
