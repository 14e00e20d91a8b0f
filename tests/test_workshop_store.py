"""The workshop store: decks, live workshops and ratings in a real SQLite file.

The concurrency tests run their crowd through ``tests/support/workshop_crowd.py``,
whose processes import only the store.
"""

from __future__ import annotations

import csv
import io
import math
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from seedscope.filters import SignalRef
from seedscope.workshop import (
    JOIN_CODE_ALPHABET,
    SCHEMA_VERSION,
    Deck,
    NotFound,
    RatingRefused,
    SlideText,
    StoreError,
    Workshop,
    WorkshopStore,
    device_id,
    schema,
)
from tests.conftest import ROOT
from tests.support import workshop_crowd as crowd_script

SIGNALS = [("ai-energy", 0), ("ai-energy", 1), ("water", 0), ("water", 3), ("cities", 2)]
ALICE = "alice-phone-0000000001"
BOB = "bob-phone-00000000002"


@pytest.fixture
def store(tmp_path: Path) -> WorkshopStore:
    return WorkshopStore(tmp_path / "data" / "workshops.sqlite")


@pytest.fixture
def live(store: WorkshopStore) -> tuple[WorkshopStore, Workshop, str]:
    """A workshop on the results slide: every signal has been presented and can be rated."""
    deck = store.create_deck("Energy futures", "seeds", SIGNALS)
    workshop, key = store.start_workshop(deck.id)
    return store, store.set_current(workshop.id, key, len(SIGNALS)), key


def raw(path: Path, sql: str, *params: object) -> list[tuple]:
    """Look at the file behind the store's back."""
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


# -- opening ------------------------------------------------------------------------


def test_new_store_creates_folders_and_a_wal_database(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "workshops.sqlite"
    WorkshopStore(path)
    assert path.is_file()
    assert raw(path, "PRAGMA journal_mode") == [("wal",)]
    assert raw(path, "PRAGMA user_version") == [(SCHEMA_VERSION,)]
    assert len(schema.MIGRATIONS) == SCHEMA_VERSION


def test_reopening_keeps_the_schema_and_data(tmp_path: Path) -> None:
    path = tmp_path / "w.sqlite"
    deck = WorkshopStore(path).create_deck("One", "seeds")
    again = WorkshopStore(path)
    assert again.get_deck(deck.id) == deck
    assert raw(path, "PRAGMA user_version") == [(SCHEMA_VERSION,)]


def test_corrupt_file_is_a_clear_error_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "broken.sqlite"
    path.write_bytes(b"this is not a database at all\n" * 200)
    with pytest.raises(StoreError, match=re.escape(str(path))):
        WorkshopStore(path)


def test_someone_elses_sqlite_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE invoices (id INTEGER)")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="not a Seedscope workshop store"):
        WorkshopStore(path)
    assert raw(path, "SELECT name FROM sqlite_master") == [("invoices",)]


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "w.sqlite"
    WorkshopStore(path)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    with pytest.raises(StoreError, match="newer"):
        WorkshopStore(path)


def test_a_closed_store_refuses_use(store: WorkshopStore) -> None:
    with store:
        store.create_deck("One", "seeds")
    with pytest.raises(StoreError, match="closed"):
        store.list_decks()


# -- migrations ---------------------------------------------------------------------


def rated_store(path: Path) -> tuple[WorkshopStore, Workshop]:
    store = WorkshopStore(path)
    deck = store.create_deck("Energy", "seeds", SIGNALS)
    workshop, key = store.start_workshop(deck.id)
    workshop = store.set_current(workshop.id, key, len(SIGNALS))
    for n, (doc_id, position) in enumerate(SIGNALS):
        store.rate(workshop.id, ALICE, doc_id, position, n % 5 + 1, 5 - n % 5, f"a{n}")
        store.rate(workshop.id, BOB, doc_id, position, 5 - n % 5, n % 5 + 1, None)
    return store, workshop


def test_an_added_migration_keeps_every_rating(tmp_path: Path, monkeypatch) -> None:
    """A file made by this schema, with ratings, opens after a new migration: all intact."""
    path = tmp_path / "w.sqlite"
    store, workshop = rated_store(path)
    before = store.ratings(workshop.id)
    assert len(before) == 2 * len(SIGNALS)

    added = "ALTER TABLE ratings ADD COLUMN mood TEXT; CREATE TABLE later_things (x INTEGER)"
    monkeypatch.setattr(schema, "MIGRATIONS", [*schema.MIGRATIONS, added])
    monkeypatch.setattr(schema, "OUR_TABLES", schema.OUR_TABLES | {"later_things"})
    reopened = WorkshopStore(path)
    assert raw(path, "PRAGMA user_version") == [(SCHEMA_VERSION + 1,)]
    assert reopened.ratings(workshop.id) == before
    assert "mood" in {row[1] for row in raw(path, "PRAGMA table_info(ratings)")}
    assert reopened.get_workshop(workshop.id) == workshop


def test_a_failing_migration_leaves_the_file_as_it_was(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "w.sqlite"
    store, workshop = rated_store(path)
    before = store.ratings(workshop.id)

    def broken(conn: sqlite3.Connection) -> None:
        conn.execute("DELETE FROM ratings")
        raise RuntimeError("the disk is on fire")

    monkeypatch.setattr(schema, "MIGRATIONS", [*schema.MIGRATIONS, broken])
    with pytest.raises(RuntimeError, match="on fire"):
        WorkshopStore(path)
    assert raw(path, "PRAGMA user_version") == [(SCHEMA_VERSION,)]
    monkeypatch.setattr(schema, "MIGRATIONS", schema.MIGRATIONS[:-1])
    assert WorkshopStore(path).ratings(workshop.id) == before


def test_a_first_version_database_is_migrated_with_every_rating(tmp_path: Path) -> None:
    """Files from Seedscope's first store (schema 1, raw tokens) open with all ratings."""
    path = tmp_path / "v1.sqlite"
    conn = sqlite3.connect(path)
    conn.executescript(schema.MIGRATIONS[0])
    conn.executescript(
        """
        INSERT INTO decks VALUES ('deck1', 'Old deck', 'seeds', '2025-01-01', '2025-01-01');
        INSERT INTO deck_signals VALUES ('deck1', 0, 'water', 0), ('deck1', 1, 'cities', 2);
        INSERT INTO workshops VALUES ('ws1', 'deck1', 'ABCDEF', 'x', 1, 'open', '2025-01-01', NULL);
        PRAGMA user_version = 1;
        """
    )
    old = [
        (ALICE, "water", 0, 5, 4, "Big deal", "2025-01-01T10:00"),
        (BOB, "water", 0, 2, 1, None, "2025-01-01T10:01"),
        (ALICE, "cities", 2, 3, 3, "=SUM(A1)", "2025-01-01T10:02"),
    ]
    conn.executemany(
        "INSERT INTO ratings VALUES ('ws1', ?, ?, ?, ?, ?, ?, ?, ?)",
        [(*row, row[-1]) for row in old],
    )
    conn.commit()
    conn.close()

    store = WorkshopStore(path)
    assert raw(path, "PRAGMA user_version") == [(SCHEMA_VERSION,)]
    kept = {
        (r.participant, r.doc_id, r.position): (r.impact, r.likelihood, r.comment, r.created_at)
        for r in store.ratings("ws1")
    }
    assert kept == {
        (device_id(who), doc, pos): (impact, likelihood, comment, at)
        for who, doc, pos, impact, likelihood, comment, at in old
    }
    # the raw tokens are gone from the file; each former phone is one joined device
    assert not any(ALICE in str(cell) for row in raw(path, "SELECT * FROM ratings") for cell in row)
    assert store.device_count("ws1") == 2
    assert store.get_workshop("ws1").current == 1  # type: ignore[union-attr]


# -- decks --------------------------------------------------------------------------


def test_create_and_get_deck(store: WorkshopStore) -> None:
    deck = store.create_deck("  Energy futures  ", "seeds", SIGNALS)
    assert isinstance(deck, Deck)
    assert deck.name == "Energy futures"
    assert deck.corpus == "seeds"
    assert deck.signals == tuple(SIGNALS)
    assert len(deck.id) >= 10 and re.fullmatch(r"[A-Za-z0-9_-]+", deck.id)
    assert deck.created_at == deck.updated_at
    assert store.get_deck(deck.id) == deck
    assert store.get_deck("nope") is None


def test_deck_accepts_signal_refs_and_drops_duplicates_keeping_first(
    store: WorkshopStore,
) -> None:
    deck = store.create_deck(
        "D", "seeds", [SignalRef("b", 1), ("a", 0), ("b", 1), SignalRef("a", 0), ("c", 2)]
    )
    assert deck.signals == (("b", 1), ("a", 0), ("c", 2))
    deck = store.set_signals(deck.id, [("c", 2), ("a", 0), ("c", 2), ("b", 1), ("a", 0)])
    assert deck.signals == (("c", 2), ("a", 0), ("b", 1))
    assert store.get_deck(deck.id) == deck


@pytest.mark.parametrize("bad", [("a", -1), ("", 0), ("a", 1.0), ("a", True), ("a",), "a:1"])
def test_malformed_signals_are_refused(store: WorkshopStore, bad: object) -> None:
    with pytest.raises(ValueError):
        store.create_deck("D", "seeds", [bad])
    assert store.list_decks() == []


def test_list_decks_newest_change_first_and_by_corpus(store: WorkshopStore) -> None:
    first = store.create_deck("First", "seeds")
    second = store.create_deck("Second", "seeds")
    other = store.create_deck("Other corpus", "elsewhere")
    assert [d.id for d in store.list_decks()] == [other.id, second.id, first.id]
    assert [d.id for d in store.list_decks("seeds")] == [second.id, first.id]
    store.add_signal(first.id, "x", 0)  # an edit makes it the most recent
    assert [d.id for d in store.list_decks("seeds")] == [first.id, second.id]
    assert store.list_decks("nobody") == []


def test_rename_validates_and_strips(store: WorkshopStore) -> None:
    deck = store.create_deck("Old", "seeds")
    assert store.rename_deck(deck.id, "  New name ").name == "New name"
    assert store.rename_deck(deck.id, "x" * 80).name == "x" * 80
    for bad in ["", "   ", "x" * 81, None, 42]:
        with pytest.raises(ValueError, match="name"):
            store.rename_deck(deck.id, bad)  # type: ignore[arg-type]
    assert store.get_deck(deck.id).name == "x" * 80  # type: ignore[union-attr]
    with pytest.raises(ValueError, match="name"):
        store.create_deck(" ", "seeds")
    with pytest.raises(NotFound):
        store.rename_deck("missing", "Name")


def test_add_remove_signal(store: WorkshopStore) -> None:
    deck = store.create_deck("D", "seeds", SIGNALS[:2])
    deck = store.add_signal(deck.id, "water", 0)
    assert deck.signals == (*SIGNALS[:2], ("water", 0))
    before = deck
    assert store.add_signal(deck.id, "ai-energy", 0) == before  # already there: unchanged
    deck = store.remove_signal(deck.id, "ai-energy", 1)
    assert deck.signals == (("ai-energy", 0), ("water", 0))
    assert store.remove_signal(deck.id, "not", 9) == deck
    assert store.get_deck(deck.id) == deck
    with pytest.raises(NotFound):
        store.add_signal("missing", "a", 0)


def test_move_signal(store: WorkshopStore) -> None:
    deck = store.create_deck("D", "seeds", SIGNALS)
    a, b, c, d, e = SIGNALS
    assert store.move_signal(deck.id, 0, 2).signals == (b, c, a, d, e)
    assert store.move_signal(deck.id, 4, 0).signals == (e, b, c, a, d)
    assert store.move_signal(deck.id, 0, -1).signals == (e, b, c, a, d)  # "up" on the first
    assert store.move_signal(deck.id, 4, 99).signals == (e, b, c, a, d)  # "down" on the last
    assert store.move_signal(deck.id, 1, 99).signals == (e, c, a, d, b)
    with pytest.raises(IndexError):
        store.move_signal(deck.id, 5, 0)
    with pytest.raises(IndexError):
        store.move_signal(deck.id, -1, 0)
    assert store.get_deck(deck.id).signals == (e, c, a, d, b)  # type: ignore[union-attr]


def test_delete_deck_cascades_to_workshops_and_ratings(live) -> None:
    store, workshop, key = live
    other = store.create_deck("Keep me", "seeds", SIGNALS[:1])
    kept, kept_key = store.start_workshop(other.id)
    store.set_current(kept.id, kept_key, 0)
    store.rate(kept.id, ALICE, *SIGNALS[0], 3, 3)
    store.close_voting(workshop.id, key, SIGNALS[1])
    store.rate(workshop.id, ALICE, *SIGNALS[0], 4, 2)
    assert store.delete_deck(workshop.deck_id) is True
    assert store.delete_deck(workshop.deck_id) is False
    assert store.get_deck(workshop.deck_id) is None
    assert store.get_workshop(workshop.id) is None
    assert store.ratings(workshop.id) == []
    for table, column, value in [
        ("deck_signals", "deck_id", workshop.deck_id),
        ("workshops", "deck_id", workshop.deck_id),
        ("ratings", "workshop_id", workshop.id),
        ("devices", "workshop_id", workshop.id),
        ("slides", "workshop_id", workshop.id),
    ]:
        sql = f"SELECT count(*) FROM {table} WHERE {column} = ?"
        assert raw(store.path, sql, value) == [(0,)], table
    assert [w.id for w in store.list_workshops()] == [kept.id]
    assert len(store.ratings(kept.id)) == 1


# -- workshops ----------------------------------------------------------------------


def test_start_workshop(store: WorkshopStore) -> None:
    deck = store.create_deck("Energy futures", "seeds", SIGNALS)
    workshop, key = store.start_workshop(deck.id)
    assert workshop.status == "open" and workshop.is_open
    assert workshop.current == -1 and workshop.on_opening  # the room sees the join slide first
    assert workshop.current_signal is None
    assert workshop.deck.signals == tuple(SIGNALS)
    assert re.fullmatch(f"[{JOIN_CODE_ALPHABET}]{{6}}", workshop.join_code)
    assert len(workshop.id) >= 10 and len(key) >= 32
    assert not hasattr(workshop, "presenter_key") and key not in repr(workshop)
    assert store.get_workshop(workshop.id) == workshop
    assert store.get_workshop("nope") is None
    with pytest.raises(NotFound):
        store.start_workshop("missing-deck")


def test_join_code_lookup_is_case_insensitive_and_open_only(live) -> None:
    store, workshop, key = live
    code = workshop.join_code
    assert store.find_by_join_code(code) == workshop
    assert store.find_by_join_code(f" {code.lower()} ") == workshop
    assert store.find_by_join_code(f"{code[:3]} {code[3:]}") == workshop
    assert store.find_by_join_code("") is None
    assert store.find_by_join_code("0O1IL0") is None
    assert store.find_by_join_code(None) is None  # type: ignore[arg-type]
    store.close_workshop(workshop.id, key)
    assert store.find_by_join_code(code) is None
    assert store.get_workshop(workshop.id).status == "closed"  # type: ignore[union-attr]


def test_join_codes_are_unique_among_open_workshops(store: WorkshopStore, monkeypatch) -> None:
    deck = store.create_deck("D", "seeds", SIGNALS)
    codes = {store.start_workshop(deck.id)[0].join_code for _ in range(40)}
    assert len(codes) == 40

    # Force collisions: the generator first repeats an open workshop's code.
    from seedscope.workshop import validate

    first, key = store.start_workshop(deck.id)
    draws = iter([first.join_code, first.join_code, "ZZZZZZ"])
    monkeypatch.setattr(validate, "new_join_code", lambda: next(draws))
    second, _ = store.start_workshop(deck.id)
    assert second.join_code == "ZZZZZZ"
    # Once closed, a code may be given out again.
    store.close_workshop(first.id, key)
    monkeypatch.setattr(validate, "new_join_code", lambda: first.join_code)
    third, _ = store.start_workshop(deck.id)
    assert third.join_code == first.join_code
    assert store.find_by_join_code(first.join_code) == third


def test_presenter_key_is_required(live) -> None:
    store, workshop, key = live
    assert store.is_presenter(workshop.id, key)
    for wrong in ["", key[:-1], key + "x", key.upper(), None, 12]:
        assert not store.is_presenter(workshop.id, wrong)  # type: ignore[arg-type]
        with pytest.raises(PermissionError):
            store.set_current(workshop.id, wrong, 3)  # type: ignore[arg-type]
        with pytest.raises(PermissionError):
            store.close_workshop(workshop.id, wrong)  # type: ignore[arg-type]
    assert store.get_workshop(workshop.id) == workshop  # nothing changed
    assert not store.is_presenter("nope", key)
    with pytest.raises(NotFound):
        store.set_current("nope", key, 1)
    _other, other_key = store.start_workshop(workshop.deck_id)
    assert not store.is_presenter(workshop.id, other_key)  # keys are per workshop
    with pytest.raises(PermissionError):
        store.set_current(workshop.id, other_key, 1)


def test_presenter_key_is_not_stored_in_clear(live) -> None:
    store, workshop, key = live
    store.set_current(workshop.id, key, 2)
    files = [p for p in store.path.parent.iterdir() if p.name.startswith(store.path.name)]
    assert files
    for path in files:  # the database, its WAL and shared-memory files
        assert key.encode() not in path.read_bytes()
    cells = [
        str(cell) for row in raw(store.path, "SELECT * FROM workshops") for cell in row if cell
    ]
    assert key not in cells and not any(key in cell for cell in cells)


def test_set_current_clamps_to_the_deck(live) -> None:
    store, workshop, key = live
    assert store.set_current(workshop.id, key, 3).current == 3
    assert store.get_workshop(workshop.id).current_signal == SIGNALS[3]  # type: ignore[union-attr]
    closing = store.set_current(workshop.id, key, 99)
    assert closing.current == 5 and closing.on_closing and closing.current_signal is None
    opening = store.set_current(workshop.id, key, -5)
    assert opening.current == -1 and opening.on_opening and opening.current_signal is None
    with pytest.raises(TypeError):
        store.set_current(workshop.id, key, "2")  # type: ignore[arg-type]


def test_previous_and_next_count_from_where_the_room_is(live) -> None:
    """Two presses of a clicker move two slides, whatever slide the page last drew."""
    store, workshop, key = live
    store.set_current(workshop.id, key, 1)
    store.step_current(workshop.id, key, 1)
    assert store.step_current(workshop.id, key, 1).current == 3
    assert store.step_current(workshop.id, key, -1).current == 2
    assert store.step_current(workshop.id, key, 10).current == 5  # the closing slide
    assert store.step_current(workshop.id, key, -10).current == -1  # the opening
    with pytest.raises(TypeError):
        store.step_current(workshop.id, key, 1.5)  # type: ignore[arg-type]
    with pytest.raises(PermissionError):
        store.step_current(workshop.id, "not-the-presenter-key-" + "x" * 21, 1)
    assert store.get_workshop(workshop.id).current == -1  # type: ignore[union-attr]


def test_a_jump_picked_on_a_list_drawn_for_another_slide_moves_nothing(live) -> None:
    store, workshop, key = live
    store.set_current(workshop.id, key, 2)
    assert store.set_current(workshop.id, key, 4, if_on=1).current == 2  # the room moved on
    assert store.set_current(workshop.id, key, 4, if_on=2).current == 4


def test_moves_count_from_the_slide_the_room_sees_after_the_deck_shrank(live) -> None:
    store, workshop, key = live
    store.set_current(workshop.id, key, 4)
    store.set_signals(workshop.deck_id, SIGNALS[:2])  # the room now sees the results (2)
    assert store.step_current(workshop.id, key, -1).current == 1
    store.set_signals(workshop.deck_id, SIGNALS)
    store.set_current(workshop.id, key, 4)
    store.set_signals(workshop.deck_id, SIGNALS[:2])
    assert store.set_current(workshop.id, key, 0, if_on=2).current == 0  # the list showed 2
    with pytest.raises(TypeError):
        store.set_current(workshop.id, key, 0, if_on="2")  # type: ignore[arg-type]


def test_running_workshop_follows_deck_edits(live) -> None:
    store, workshop, key = live
    store.set_current(workshop.id, key, 4)
    store.set_signals(workshop.deck_id, SIGNALS[:2])
    now = store.get_workshop(workshop.id)
    assert now is not None
    assert now.deck.signals == tuple(SIGNALS[:2])
    assert now.current == 2 and now.on_closing  # past the shorter deck: the results slide
    store.set_signals(workshop.deck_id, [])
    empty = store.get_workshop(workshop.id)
    assert empty is not None and empty.current == 0 and empty.current_signal is None
    assert store.set_current(workshop.id, key, 3).current == 0


def test_close_is_idempotent_and_list_workshops(live) -> None:
    store, workshop, key = live
    closed = store.close_workshop(workshop.id, key)
    assert closed.status == "closed"
    assert store.close_workshop(workshop.id, key) == closed
    other_deck = store.create_deck("Other", "seeds", SIGNALS[:1])
    later, _ = store.start_workshop(other_deck.id)
    assert [w.id for w in store.list_workshops()] == [later.id, workshop.id]
    assert [w.id for w in store.list_workshops(workshop.deck_id)] == [workshop.id]
    assert store.list_workshops("missing") == []


# -- ratings ------------------------------------------------------------------------


def test_rating_is_upserted_per_participant_and_signal(live) -> None:
    store, workshop, _ = live
    first = store.rate(workshop.id, ALICE, "water", 0, 2, 5, "Too early to tell")
    assert (first.impact, first.likelihood, first.comment) == (2, 5, "Too early to tell")
    assert first.created_at == first.updated_at
    second = store.rate(workshop.id, ALICE, "water", 0, 4, 1)
    assert (second.impact, second.likelihood, second.comment) == (4, 1, None)
    assert second.created_at == first.created_at
    assert second.updated_at >= first.updated_at
    store.rate(workshop.id, BOB, "water", 0, 1, 1, "  ")
    rows = store.ratings(workshop.id)
    assert [(r.participant, r.impact, r.likelihood, r.comment) for r in rows] == [
        (ALICE, 4, 1, None),
        (BOB, 1, 1, None),
    ]
    assert raw(store.path, "SELECT count(*) FROM ratings") == [(2,)]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("impact", 0),
        ("impact", 6),
        ("impact", -1),
        ("impact", 3.0),
        ("impact", 2.5),
        ("impact", "3"),
        ("impact", None),
        ("impact", True),
        ("likelihood", False),
        ("likelihood", 10),
        ("likelihood", "five"),
        ("likelihood", None),
        ("likelihood", float("nan")),
    ],
)
def test_scores_must_be_whole_numbers_from_1_to_5(live, field: str, value: object) -> None:
    store, workshop, _ = live
    scores = {"impact": 3, "likelihood": 3, field: value}
    with pytest.raises(RatingRefused, match="1 to 5"):
        store.rate(workshop.id, ALICE, "water", 0, scores["impact"], scores["likelihood"])
    assert store.ratings(workshop.id) == []


def test_numbers_read_from_a_table_are_accepted_as_plain_ints(live) -> None:
    """Pages hand the store values from pandas rows: numpy integers, not ints."""
    import numpy as np

    store, workshop, key = live
    rating = store.rate(workshop.id, ALICE, "water", np.int64(0), np.int64(4), np.int8(2))
    assert (rating.position, rating.impact, rating.likelihood) == (0, 4, 2)
    assert type(rating.impact) is int and type(rating.position) is int
    assert store.set_current(workshop.id, key, np.int64(1)).current == 1
    assert store.move_signal(workshop.deck_id, np.int64(0), np.int32(1)).signals[:2] == (
        SIGNALS[1],
        SIGNALS[0],
    )


@pytest.mark.parametrize(
    "participant",
    [
        "",
        "short",
        "a" * 15,
        "a" * 65,
        "alice phone 000000001",
        "alice/phone/000000001",
        "alice-phone-000000001\n",
        "ålice-phone-000000001",
        "'; DROP TABLE ratings;--",
        None,
        1234567890123456789,
    ],
)
def test_participant_token_must_be_well_formed(live, participant: object) -> None:
    store, workshop, _ = live
    with pytest.raises(RatingRefused, match="participant"):
        store.rate(workshop.id, participant, "water", 0, 3, 3)
    assert store.ratings(workshop.id) == []
    for ok in ["a" * 16, "Z" * 64, "A_b-" * 4]:
        store.rate(workshop.id, ok, "water", 0, 3, 3)


def test_long_comments_are_refused_not_truncated(live) -> None:
    store, workshop, _ = live
    with pytest.raises(RatingRefused, match="280"):
        store.rate(workshop.id, ALICE, "water", 0, 3, 3, "x" * 100_000)
    with pytest.raises(RatingRefused, match="280"):
        store.rate(workshop.id, ALICE, "water", 0, 3, 3, "x" * 281)
    assert store.ratings(workshop.id) == []
    exact = store.rate(workshop.id, ALICE, "water", 0, 3, 3, "  " + "y" * 280 + "\n")
    assert exact.comment == "y" * 280
    with pytest.raises(RatingRefused, match="text"):
        store.rate(workshop.id, BOB, "water", 0, 3, 3, 42)


def test_comments_are_stored_as_plain_one_line_text(live) -> None:
    store, workshop, _ = live
    script = "<script>alert('hi')</script> & **bold** [x](javascript:alert(1))"
    assert store.rate(workshop.id, ALICE, "water", 0, 3, 3, script).comment == script
    assert raw(store.path, "SELECT comment FROM ratings") == [(script,)]
    messy = "line one\r\nline two\n\nthree\x00\x07\x1b[31m\x7f end\t!"
    cleaned = store.rate(workshop.id, BOB, "water", 0, 3, 3, messy).comment
    assert cleaned == "line one line two three[31m end !"
    assert store.rate(workshop.id, BOB, "water", 0, 3, 3, "\n\x00 \t").comment is None


def test_ratings_for_missing_closed_or_forged_targets_are_refused(live) -> None:
    store, workshop, key = live
    with pytest.raises(RatingRefused, match="does not exist"):
        store.rate("forged-id", ALICE, "water", 0, 3, 3)
    with pytest.raises(RatingRefused, match="not part of this workshop"):
        store.rate(workshop.id, ALICE, "water", 1, 3, 3)  # a real doc, but not in the deck
    with pytest.raises(RatingRefused, match="not part of this workshop"):
        store.rate(workshop.id, ALICE, "water' OR '1'='1", 0, 3, 3)
    with pytest.raises(RatingRefused, match="not part of this workshop"):
        store.rate(workshop.id, ALICE, "water", "0", 3, 3)
    other_deck = store.create_deck("Other", "seeds", [("secret", 0)])
    store.start_workshop(other_deck.id)
    with pytest.raises(RatingRefused, match="not part of this workshop"):
        store.rate(workshop.id, ALICE, "secret", 0, 3, 3)  # another deck's signal
    store.rate(workshop.id, ALICE, "water", 0, 3, 3)
    store.close_workshop(workshop.id, key)
    with pytest.raises(RatingRefused, match="ended"):
        store.rate(workshop.id, ALICE, "water", 0, 5, 5)
    with pytest.raises(RatingRefused, match="ended"):
        store.rate(workshop.id, BOB, "water", 0, 5, 5)
    assert [(r.participant, r.impact) for r in store.ratings(workshop.id)] == [(ALICE, 3)]


def test_removed_signal_stops_taking_ratings_but_keeps_its_own(live) -> None:
    store, workshop, _ = live
    store.rate(workshop.id, ALICE, "cities", 2, 5, 5)
    store.remove_signal(workshop.deck_id, "cities", 2)
    with pytest.raises(RatingRefused):
        store.rate(workshop.id, BOB, "cities", 2, 1, 1)
    assert len(store.ratings(workshop.id)) == 1
    summary = store.summary(workshop.id)
    assert list(zip(summary.doc_id, summary.position, strict=True)) == SIGNALS[:4]
    assert store.ratings(workshop.id)[0].doc_id == "cities"  # still exported


# -- reads and export ---------------------------------------------------------------


def rate_room(store: WorkshopStore, workshop: Workshop) -> None:
    store.rate(workshop.id, ALICE, "water", 0, 5, 4, "Big deal")
    store.rate(workshop.id, BOB, "water", 0, 3, 4)
    store.rate(workshop.id, "carol-phone-000000003", "water", 0, 4, 1, "=HYPERLINK(1)")
    store.rate(workshop.id, ALICE, "ai-energy", 1, 1, 2)


def test_tally(live) -> None:
    store, workshop, _ = live
    rate_room(store, workshop)
    tally = store.tally(workshop.id, "water", 0)
    assert tally["count"] == 3
    assert tally["impact"] == {1: 0, 2: 0, 3: 1, 4: 1, 5: 1}
    assert tally["likelihood"] == {1: 1, 2: 0, 3: 0, 4: 2, 5: 0}
    assert tally["impact_mean"] == pytest.approx(4.0)
    assert tally["likelihood_mean"] == pytest.approx(3.0)
    assert tally["impact_sd"] == pytest.approx((2 / 3) ** 0.5)
    assert tally["likelihood_sd"] == pytest.approx(2**0.5)
    nobody = store.tally(workshop.id, "cities", 2)
    assert nobody["count"] == 0 and nobody["impact_mean"] is None and nobody["impact_sd"] is None
    assert nobody["impact"] == dict.fromkeys(range(1, 6), 0)


def test_ratings_frame_and_summary(live) -> None:
    store, workshop, _ = live
    rate_room(store, workshop)
    frame = store.ratings_frame(workshop.id)
    assert len(frame) == 4
    # deck order: ("ai-energy", 1) comes before ("water", 0)
    assert list(zip(frame.doc_id, frame.position, frame.participant, strict=True)) == [
        ("ai-energy", 1, ALICE),
        ("water", 0, ALICE),
        ("water", 0, BOB),
        ("water", 0, "carol-phone-000000003"),
    ]

    summary = store.summary(workshop.id)
    assert list(zip(summary.doc_id, summary.position, strict=True)) == SIGNALS
    water = summary.iloc[2]
    assert (water.ratings, water.comments) == (3, 2)
    assert water.impact_mean == pytest.approx(4.0)
    assert water.impact_sd == pytest.approx((2 / 3) ** 0.5)  # the room's own spread
    assert water.priority == pytest.approx(4.0 * 3.0)
    assert summary.iloc[1].impact_sd == 0.0  # one rating: no spread
    assert summary.iloc[0].ratings == 0 and math.isnan(summary.iloc[0].impact_mean)
    # water (4 × 3 = 12) ranks before ai-energy:1 (1 × 2 = 2); unrated signals have no rank
    assert summary.loc[2, "rank"] == 1 and summary.loc[1, "rank"] == 2
    assert summary["rank"].isna().tolist() == [True, False, False, True, True]
    assert summary.name.tolist() == [f"{d}:{p}" for d, p in SIGNALS]  # no text published

    empty = store.summary("missing")
    assert list(empty.columns) == list(summary.columns) and empty.empty
    assert store.ratings_frame("missing").empty


def test_csv_exports_carry_names_and_no_tokens(live) -> None:
    store, workshop, key = live
    store.publish_slides(workshop.id, key, {("water", 0): SlideText("Rivers run dry")})
    rate_room(store, workshop)
    store.rate(workshop.id, BOB, "cities", 2, 2, 2, 'Café, naïve "quote" <b>x</b>')
    data = store.ratings_csv(workshop.id)
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 5
    assert {r["comment"] for r in rows} == {
        "Big deal",
        "",
        "'=HYPERLINK(1)",  # a formula-looking comment cannot run in a spreadsheet
        'Café, naïve "quote" <b>x</b>',
    }
    assert {r["deck"] for r in rows} == {"Energy futures"}
    assert [r["signal"] for r in rows if r["doc_id"] == "water"] == ["Rivers run dry"] * 3
    # participants are P1, P2, … in the order they joined: no token, no hash
    assert {r["participant"] for r in rows} == {"P1", "P2", "P3"}
    for secret in (ALICE, BOB, device_id(ALICE), "carol-phone"):
        assert secret not in text

    summary = list(csv.DictReader(io.StringIO(store.summary_csv(workshop.id).decode("utf-8-sig"))))
    assert [row["signal"] for row in summary][2] == "Rivers run dry"
    assert summary[2]["rank"] == "1" and summary[2]["ratings"] == "3"
    assert len(summary) == len(SIGNALS)


# -- restart ------------------------------------------------------------------------


def test_everything_survives_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "w.sqlite"
    store = WorkshopStore(path)
    deck = store.create_deck("Energy", "seeds", SIGNALS)
    workshop, key = store.start_workshop(deck.id)
    workshop = store.set_current(workshop.id, key, 2)
    first = store.rate(workshop.id, ALICE, "water", 0, 2, 2, "before sleep")
    store.close()

    reopened = WorkshopStore(path)
    assert reopened.get_deck(deck.id) == deck
    assert reopened.get_workshop(workshop.id) == workshop
    assert reopened.find_by_join_code(workshop.join_code) == workshop
    assert reopened.is_presenter(workshop.id, key)
    assert reopened.ratings(workshop.id) == [first]
    # the phone wakes up and rates again with the token it kept
    again = reopened.rate(workshop.id, ALICE, "water", 0, 5, 4, "after sleep")
    assert again.created_at == first.created_at
    rows = reopened.ratings(workshop.id)
    assert len(rows) == 1
    assert (rows[0].impact, rows[0].likelihood, rows[0].comment) == (5, 4, "after sleep")


# -- concurrency --------------------------------------------------------------------

PROCESSES = 6
THREADS = 10  # participants per process: 60 in all, each on its own connection


def assert_room_counted_exactly(store: WorkshopStore, workshop_id: str, people: int) -> None:
    rows = store.ratings(workshop_id)
    assert len(rows) == people * len(crowd_script.SIGNALS)  # no duplicates, nothing lost
    keys = [(r.participant, r.doc_id, r.position) for r in rows]
    assert len(set(keys)) == len(keys)
    for index, (doc_id, position) in enumerate(crowd_script.SIGNALS):
        assert store.tally(workshop_id, doc_id, position)["count"] == people
        mine = {r.participant: r for r in rows if (r.doc_id, r.position) == (doc_id, position)}
        for n in range(people):
            rating = mine[crowd_script.token(n)]
            assert (rating.impact, rating.likelihood) == crowd_script.final_scores(n, index)
            assert rating.comment == crowd_script.final_comment(n, index)
    assert store.device_count(workshop_id) == people


@pytest.fixture
def crowd(tmp_path: Path) -> tuple[WorkshopStore, Workshop]:
    store = WorkshopStore(tmp_path / "crowd.sqlite")
    deck = store.create_deck("Crowd", "seeds", crowd_script.SIGNALS)
    workshop, key = store.start_workshop(deck.id)
    return store, store.set_current(workshop.id, key, len(crowd_script.SIGNALS))


def test_many_processes_with_many_threads_rating_at_once(crowd) -> None:
    """Six processes of ten phones each, released together: every last word counts once."""
    store, workshop = crowd
    children = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.support.workshop_crowd",
                str(store.path),
                workshop.id,
                str(n * THREADS),
                str(THREADS),
            ],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(PROCESSES)
    ]
    try:
        for child in children:  # every store is open before anyone rates
            assert child.stdout is not None and child.stdout.readline().strip() == "ready"
        for child in children:
            assert child.stdin is not None
            child.stdin.write("go\n")
            child.stdin.flush()
        results = [child.communicate(timeout=120) for child in children]
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
    assert [child.returncode for child in children] == [0] * PROCESSES, results
    assert_room_counted_exactly(store, workshop.id, PROCESSES * THREADS)


def test_threads_sharing_one_store_object(crowd) -> None:
    """Streamlit sessions share one cached store; it must hold no shared connection."""
    store, workshop = crowd
    errors = crowd_script.run_threads(store, workshop.id, range(30))
    assert errors == []
    assert_room_counted_exactly(store, workshop.id, 30)


def test_many_servers_opening_a_brand_new_file_at_once(tmp_path: Path) -> None:
    """Two Streamlit processes starting together must not trip over creating the file."""
    import threading

    path = tmp_path / "fresh.sqlite"
    barrier = threading.Barrier(16)
    errors: list[BaseException] = []

    def run(n: int) -> None:
        try:
            barrier.wait(timeout=30)
            WorkshopStore(path).create_deck(f"Deck {n}", "seeds")
        except BaseException as exc:
            errors.append(exc)

    for _ in range(10):  # a race: give it a few chances to show
        path.unlink(missing_ok=True)
        for suffix in ("-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        threads = [threading.Thread(target=run, args=(n,)) for n in range(16)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert errors == []
        assert len(WorkshopStore(path).list_decks()) == 16


def test_one_rating_is_looked_up_by_its_key(live) -> None:
    store, workshop, _key = live
    signal = SIGNALS[0]
    assert store.rating(workshop.id, "p" * 20, *signal) is None
    store.rate(workshop.id, "p" * 20, *signal, 4, 2, "first")
    store.rate(workshop.id, "q" * 20, *signal, 1, 1)
    mine = store.rating(workshop.id, "p" * 20, *signal)
    assert (mine.impact, mine.likelihood, mine.comment) == (4, 2, "first")
    assert store.ratings_by(workshop.id, "p" * 20) == {signal: mine}
