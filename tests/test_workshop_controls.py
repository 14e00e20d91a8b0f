"""The facilitator's controls in the store: slides, voting, timers, devices, moderation.

What a facilitator does in a two-hour workshop, in order: start, present, let
the room rate, close voting or run a timer, reveal, hide an abusive comment,
end, notice a mistake and reopen, come back after losing the presenter tab.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from seedscope.workshop import (
    MAX_NOTES_LENGTH,
    NotFound,
    RatingRefused,
    SlideText,
    WorkshopStore,
    device_id,
)

A, B, C = ("doc-a", 0), ("doc-b", 3), ("doc-c", 1)
ALICE = device_id("alice-token-000000000000000000000")
BOB = device_id("bob-token-0000000000000000000000000")
TEXTS = {A: SlideText("Rivers run dry", "Less rain", ten_year="Water rationing"), B: SlideText("B")}


@pytest.fixture
def room(tmp_path: Path):
    store = WorkshopStore(tmp_path / "w.sqlite")
    deck = store.create_deck("Water", "seeds", [A, B, C])
    workshop, key = store.start_workshop(deck.id, TEXTS)
    return store, workshop, key


def test_a_signal_can_be_rated_once_shown_until_its_voting_closes(room) -> None:
    store, workshop, key = room
    with pytest.raises(RatingRefused, match="not been presented"):
        store.rate(workshop.id, ALICE, *A, 3, 3)  # still on the opening slide
    store.set_current(workshop.id, key, 0)
    store.rate(workshop.id, ALICE, *A, 3, 3)
    with pytest.raises(RatingRefused, match="not been presented"):
        store.rate(workshop.id, ALICE, *B, 3, 3)  # a phone cannot vote ahead of the room

    store.set_current(workshop.id, key, 1)  # A stays open while the room moves on
    store.rate(workshop.id, BOB, *A, 5, 5)
    store.close_voting(workshop.id, key, A)
    with pytest.raises(RatingRefused, match="Voting on this signal has closed"):
        store.rate(workshop.id, BOB, *A, 1, 1)
    store.rate(workshop.id, BOB, *B, 2, 2)  # only A closed
    store.open_voting(workshop.id, key, A)
    store.rate(workshop.id, BOB, *A, 1, 1)
    assert [(r.participant, r.doc_id, r.impact) for r in store.ratings(workshop.id)] == [
        (ALICE, "doc-a", 3),
        (BOB, "doc-a", 1),
        (BOB, "doc-b", 2),
    ]


def test_a_timer_closes_voting_by_itself(room, monkeypatch) -> None:
    store, workshop, key = room
    store.set_current(workshop.id, key, 0)
    slide = store.start_timer(workshop.id, key, A, 60)
    assert slide.voting_open() and 59 <= slide.seconds_left() <= 60
    store.rate(workshop.id, ALICE, *A, 4, 4)
    later = datetime.now(UTC) + timedelta(seconds=61)
    assert not slide.voting_open(later) and slide.seconds_left(later) == 0
    # the store itself refuses once the deadline has passed, with nobody pressing anything
    store.start_timer(workshop.id, key, A, 1)
    import seedscope.workshop.ratings as ratings_module

    class Later(datetime):
        @classmethod
        def now(cls, tz=None):
            return later

    monkeypatch.setattr(ratings_module, "datetime", Later)
    with pytest.raises(RatingRefused, match="closed"):
        store.rate(workshop.id, BOB, *A, 1, 1)
    for seconds in (0, -5, 3601, 2.5, "60"):
        with pytest.raises(ValueError, match="timer"):
            store.start_timer(workshop.id, key, A, seconds)  # type: ignore[arg-type]
    assert store.cancel_timer(workshop.id, key, A).closes_at is None


def test_controls_need_the_presenter_key_and_a_signal_of_the_deck(room) -> None:
    store, workshop, key = room
    for action in (
        lambda k: store.close_voting(workshop.id, k, A),
        lambda k: store.reveal(workshop.id, k, A),
        lambda k: store.start_timer(workshop.id, k, A, 30),
        lambda k: store.set_notes(workshop.id, k, A, "notes"),
        lambda k: store.publish_slides(workshop.id, k, {A: SlideText("forged")}),
        lambda k: store.hide_comment(workshop.id, k, ALICE, A),
        lambda k: store.reopen_workshop(workshop.id, k),
    ):
        with pytest.raises(PermissionError):
            action("not-the-key")
    with pytest.raises(NotFound):
        store.reveal(workshop.id, key, ("elsewhere", 0))
    assert store.slides(workshop.id)[0].text == TEXTS[A]
    assert not store.slides(workshop.id)[0].revealed


def test_reveal_and_notes_are_kept_per_slide(room) -> None:
    store, workshop, key = room
    assert store.reveal(workshop.id, key, B).revealed
    notes = "Split room:\n  half see it by 2030\u202e!\n\n"
    assert store.set_notes(workshop.id, key, B, notes).notes == "Split room:\nhalf see it by 2030!"
    with pytest.raises(ValueError, match="at most"):
        store.set_notes(workshop.id, key, B, "x" * (MAX_NOTES_LENGTH + 1))
    slides = store.slides(workshop.id)
    assert [s.revealed for s in slides] == [False, True, False]
    assert slides[1].notes == "Split room:\nhalf see it by 2030!"
    assert store.reveal(workshop.id, key, B, False).revealed is False
    noted = store.summary(workshop.id)["notes"]
    assert noted.isna().tolist() == [True, False, True] and noted[1] == slides[1].notes


def test_texts_are_published_once_and_missing_ones_listed(room) -> None:
    store, workshop, key = room
    assert store.unpublished_signals(workshop.id) == [C]
    store.publish_slides(workshop.id, key, {C: SlideText("Cities", "More heat")})
    assert store.unpublished_signals(workshop.id) == []
    assert [s.name for s in store.slides(workshop.id)] == ["Rivers run dry", "B", "Cities"]
    # a deck edit during the workshop: the new signal is unpublished until the presenter runs
    store.add_signal(workshop.deck_id, "doc-d", 0)
    assert store.unpublished_signals(workshop.id) == [("doc-d", 0)]
    assert store.slides(workshop.id)[3].name == "doc-d:0"


def test_devices_are_counted_once_however_often_they_reconnect(room) -> None:
    store, workshop, key = room
    assert store.join(workshop.id, ALICE) is True
    assert store.join(workshop.id, ALICE) is False  # a second tab, a re-scanned QR code
    assert store.join(workshop.id, BOB) is True
    assert store.device_count(workshop.id) == 2
    store.set_current(workshop.id, key, 0)
    store.rate(workshop.id, device_id("carol-token-00000000000000000000"), *A, 3, 3)
    assert store.device_count(workshop.id) == 3  # rating without joining first counts too
    with pytest.raises(RatingRefused):
        store.join("forged", ALICE)
    room_now = store.room(workshop.id)
    assert room_now is not None and room_now.devices == 3


def test_comments_are_moderated_and_stripped_of_bidi_tricks(room) -> None:
    store, workshop, key = room
    store.set_current(workshop.id, key, 0)
    tricky = "see https://evil.example \u202egnp.exe\u2066 ok"
    assert store.rate(workshop.id, ALICE, *A, 3, 3, tricky).comment == (
        "see https://evil.example gnp.exe ok"
    )
    store.rate(workshop.id, BOB, *A, 1, 1, "an abusive remark")
    assert [r.comment for r in store.comments(workshop.id, *A)] == [
        "see https://evil.example gnp.exe ok",
        "an abusive remark",
    ]
    assert store.hide_comment(workshop.id, key, BOB, A) is True
    assert [r.comment for r in store.comments(workshop.id, *A)] == [
        "see https://evil.example gnp.exe ok"
    ]
    assert len(store.comments(workshop.id, *A, hidden=True)) == 2
    assert store.summary(workshop.id).loc[0, "comments"] == 1
    # the vote still counts, and re-sending the same words keeps them hidden
    assert store.tally(workshop.id, *A)["count"] == 2
    store.rate(workshop.id, BOB, *A, 2, 2, "an abusive remark")
    assert len(store.comments(workshop.id, *A)) == 1
    store.rate(workshop.id, BOB, *A, 2, 2, "sorry, I meant: water matters")
    assert len(store.comments(workshop.id, *A)) == 2
    assert store.hide_comment(workshop.id, key, ALICE, B) is False  # no such comment


def test_ending_can_be_undone_and_phones_find_an_ended_workshop(room) -> None:
    store, workshop, key = room
    store.set_current(workshop.id, key, 1)
    ended = store.close_workshop(workshop.id, key)
    assert ended.status == "closed" and ended.closed_at is not None
    assert store.find_by_join_code(workshop.join_code) is None
    assert store.find_for_room(workshop.join_code.lower()) == ended  # phones get a thank-you
    reopened = store.reopen_workshop(workshop.id, key)
    assert reopened.is_open and reopened.current == 1 and reopened.closed_at is None
    assert reopened.join_code == workshop.join_code
    store.rate(workshop.id, ALICE, *B, 4, 4)
    assert store.find_for_room(workshop.join_code) == store.get_workshop(workshop.id)
    assert store.find_for_room("nonsense") is None


def test_reopening_draws_a_new_code_if_another_workshop_took_it(room, monkeypatch) -> None:
    store, workshop, key = room
    store.close_workshop(workshop.id, key)
    from seedscope.workshop import validate

    codes = iter([workshop.join_code, "ZZZZZZ"])
    monkeypatch.setattr(validate, "new_join_code", lambda: next(codes))
    other, _ = store.start_workshop(workshop.deck_id)
    assert other.join_code == workshop.join_code
    reopened = store.reopen_workshop(workshop.id, key)
    assert reopened.is_open and reopened.join_code == "ZZZZZZ"
    assert store.find_for_room(workshop.join_code) == store.get_workshop(other.id)


def test_a_lost_presenter_link_is_replaced_not_recovered(room) -> None:
    store, workshop, key = room
    fresh = store.new_presenter_key(workshop.id)
    assert fresh != key and len(fresh) >= 32
    assert store.is_presenter(workshop.id, fresh)
    assert not store.is_presenter(workshop.id, key)  # the lost tab has no powers left
    with pytest.raises(PermissionError):
        store.set_current(workshop.id, key, 0)
    with pytest.raises(NotFound):
        store.new_presenter_key("missing")


def test_settings_are_kept_and_forgotten(room) -> None:
    store, _workshop, _key = room
    assert store.setting("room_url") is None
    store.set_setting("room_url", "http://laptop.local:8502")
    assert WorkshopStore(store.path).setting("room_url") == "http://laptop.local:8502"
    store.set_setting("room_url", None)
    assert store.setting("room_url", "default") == "default"
