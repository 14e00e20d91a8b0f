"""Decks: ordered lists of signals, made, reordered and deleted by the facilitator."""

from __future__ import annotations

import secrets
import sqlite3
from collections.abc import Callable, Iterable, Sequence

from . import validate
from .database import Database
from .models import Deck, NotFound, Signal, StoreError

_ID_BYTES = 7  # token_urlsafe(7) is 10 characters


def new_id() -> str:
    return secrets.token_urlsafe(_ID_BYTES)


def load_deck(conn: sqlite3.Connection, deck_id: str) -> Deck | None:
    row = conn.execute("SELECT * FROM decks WHERE id = ?", (deck_id,)).fetchone()
    if row is None:
        return None
    signals = tuple(
        (r["doc_id"], r["position"])
        for r in conn.execute(
            "SELECT doc_id, position FROM deck_signals WHERE deck_id = ? ORDER BY ord",
            (deck_id,),
        )
    )
    return Deck(
        id=row["id"],
        name=row["name"],
        corpus=row["corpus"],
        signals=signals,
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


def deck_or_raise(conn: sqlite3.Connection, deck_id: str) -> Deck:
    deck = load_deck(conn, deck_id)
    if deck is None:
        raise NotFound(f"there is no deck {deck_id!r}")
    return deck


def _store_signals(conn: sqlite3.Connection, deck_id: str, signals: Sequence[Signal]) -> None:
    """Rewrite a deck's order; decks are tens of rows, so this stays cheap."""
    conn.execute("DELETE FROM deck_signals WHERE deck_id = ?", (deck_id,))
    conn.executemany(
        "INSERT INTO deck_signals (deck_id, ord, doc_id, position) VALUES (?, ?, ?, ?)",
        [(deck_id, i, doc_id, position) for i, (doc_id, position) in enumerate(signals)],
    )


class DeckStore:
    """The deck half of :class:`~seedscope.workshop.WorkshopStore`."""

    db: Database

    def create_deck(self, name: str, corpus: str, signals: Iterable[object] = ()) -> Deck:
        """A new deck; ``signals`` are ``(doc_id, position)`` pairs or SignalRefs."""
        name = validate.deck_name(name)
        if not isinstance(corpus, str):
            raise ValueError("A deck's corpus must be text.")
        ordered = validate.unique_signals(signals)
        now = validate.now()
        with self.db.transaction(write=True) as conn:
            for _ in range(5):
                deck_id = new_id()
                try:
                    conn.execute(
                        "INSERT INTO decks (id, name, corpus, created_at, updated_at) "
                        "VALUES (?, ?, ?, ?, ?)",
                        (deck_id, name, corpus, now, now),
                    )
                    break
                except sqlite3.IntegrityError:  # an id already taken: astronomically rare
                    continue
            else:  # pragma: no cover
                raise StoreError("could not draw a fresh deck id")
            _store_signals(conn, deck_id, ordered)
            return deck_or_raise(conn, deck_id)

    def get_deck(self, deck_id: str) -> Deck | None:
        with self.db.transaction() as conn:
            return load_deck(conn, deck_id)

    def list_decks(self, corpus: str | None = None) -> list[Deck]:
        """Decks, most recently changed first; only one corpus's when ``corpus`` is given."""
        with self.db.transaction() as conn:
            if corpus is None:
                rows = conn.execute("SELECT id FROM decks ORDER BY updated_at DESC, rowid DESC")
            else:
                rows = conn.execute(
                    "SELECT id FROM decks WHERE corpus = ? ORDER BY updated_at DESC, rowid DESC",
                    (corpus,),
                )
            ids = [row["id"] for row in rows]
            return [deck_or_raise(conn, deck_id) for deck_id in ids]

    def rename_deck(self, deck_id: str, name: str) -> Deck:
        name = validate.deck_name(name)
        with self.db.transaction(write=True) as conn:
            deck = deck_or_raise(conn, deck_id)
            if deck.name == name:
                return deck
            conn.execute(
                "UPDATE decks SET name = ?, updated_at = ? WHERE id = ?",
                (name, validate.now(), deck_id),
            )
            return deck_or_raise(conn, deck_id)

    def set_signals(self, deck_id: str, signals: Iterable[object]) -> Deck:
        """Replace the whole order; a repeated signal keeps its first place."""
        ordered = validate.unique_signals(signals)
        return self._change_signals(deck_id, lambda _old: ordered)

    def add_signal(self, deck_id: str, doc_id: str, position: int) -> Deck:
        """Append a signal; a signal already in the deck stays where it is."""
        signal = validate.signal((doc_id, position))

        def append(old: list[Signal]) -> list[Signal]:
            return old if signal in old else [*old, signal]

        return self._change_signals(deck_id, append)

    def remove_signal(self, deck_id: str, doc_id: str, position: int) -> Deck:
        """Take a signal out of the deck (no-op when it is not in it).

        Ratings already given to it in workshops are kept for the export.
        """
        signal = validate.signal((doc_id, position))
        return self._change_signals(deck_id, lambda old: [s for s in old if s != signal])

    def move_signal(self, deck_id: str, index: int, new_index: int) -> Deck:
        """Move the signal at ``index`` to ``new_index``.

        ``index`` must exist (``IndexError`` otherwise); ``new_index`` is clamped
        to the deck, so "up" on the first signal or "down" on the last is a no-op.
        """
        source, target = validate.whole_number(index), validate.whole_number(new_index)
        if source is None or target is None:
            raise TypeError("move_signal needs whole-number indexes")

        def move(old: list[Signal]) -> list[Signal]:
            if not 0 <= source < len(old):
                raise IndexError(f"the deck has no signal at index {source}")
            item = old.pop(source)
            old.insert(min(max(target, 0), len(old)), item)
            return old

        return self._change_signals(deck_id, move)

    def delete_deck(self, deck_id: str) -> bool:
        """Delete a deck with its workshops and their ratings; False if it did not exist."""
        with self.db.transaction(write=True) as conn:
            return conn.execute("DELETE FROM decks WHERE id = ?", (deck_id,)).rowcount > 0

    def _change_signals(
        self, deck_id: str, change: Callable[[list[Signal]], Iterable[Signal]]
    ) -> Deck:
        """Read-modify-write a deck's signal order under the write lock."""
        with self.db.transaction(write=True) as conn:
            deck = deck_or_raise(conn, deck_id)
            signals = tuple(change(list(deck.signals)))
            if signals == deck.signals:
                return deck
            _store_signals(conn, deck_id, signals)
            conn.execute("UPDATE decks SET updated_at = ? WHERE id = ?", (validate.now(), deck_id))
            return deck_or_raise(conn, deck_id)
