"""Workshops: starting one on a deck, the presenter's key, moving slides, ending and reopening.

The presenter key is a bearer secret: only its SHA-256 hash is stored, it is
compared in constant time, and it is not a field of :class:`Workshop`, so a
participant's page cannot leak it by rendering a workshop. A facilitator who
lost the presenter tab gets a fresh key from :meth:`new_presenter_key`
(the old one stops working).
"""

from __future__ import annotations

import hmac
import secrets
import sqlite3
from collections.abc import Callable, Mapping

from . import validate
from .database import Database
from .decks import deck_or_raise, new_id
from .models import NotFound, Signal, SlideText, StoreError, Workshop

_KEY_BYTES = 32  # token_urlsafe(32) is 43 characters
_JOIN_CODE_ATTEMPTS = 50


def workshop_row(conn: sqlite3.Connection, workshop_id: object) -> sqlite3.Row | None:
    if not isinstance(workshop_id, str):
        return None
    return conn.execute("SELECT * FROM workshops WHERE id = ?", (workshop_id,)).fetchone()


def load_workshop(conn: sqlite3.Connection, row: sqlite3.Row) -> Workshop:
    deck = deck_or_raise(conn, row["deck_id"])  # cascades keep it present
    return Workshop(
        id=row["id"],
        deck_id=row["deck_id"],
        join_code=row["join_code"],
        current=min(max(row["current"], -1), len(deck.signals)),
        status=row["status"],
        started_at=row["started_at"],
        deck=deck,
        closed_at=row["closed_at"],
    )


def reload_workshop(conn: sqlite3.Connection, workshop_id: str) -> Workshop:
    """The workshop as this transaction sees it now, after changing its row."""
    row = workshop_row(conn, workshop_id)
    if row is None:  # callers found it earlier in the same transaction
        raise NotFound(f"there is no workshop {workshop_id!r}")
    return load_workshop(conn, row)


def key_matches(row: sqlite3.Row | None, key: object) -> bool:
    if row is None or not isinstance(key, str):
        return False
    return hmac.compare_digest(validate.key_hash(key), row["key_sha256"])


def presenter_row(conn: sqlite3.Connection, workshop_id: str, key: str) -> sqlite3.Row:
    """The workshop's row if ``key`` is its presenter key; raises otherwise."""
    row = workshop_row(conn, workshop_id)
    if row is None:
        raise NotFound(f"there is no workshop {workshop_id!r}")
    if not key_matches(row, key):
        raise PermissionError("only the presenter of this workshop can do that")
    return row


def upsert_texts(
    conn: sqlite3.Connection, workshop_id: str, texts: Mapping[Signal, SlideText]
) -> None:
    """Store each signal's text for the room, keeping its controls (voting, notes…)."""
    conn.executemany(
        "INSERT INTO slides (workshop_id, doc_id, position, name, description, change, "
        "ten_year, driving_force, relevancy, source, page_date) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (workshop_id, doc_id, position) DO UPDATE SET name = excluded.name, "
        "description = excluded.description, change = excluded.change, "
        "ten_year = excluded.ten_year, driving_force = excluded.driving_force, "
        "relevancy = excluded.relevancy, source = excluded.source, "
        "page_date = excluded.page_date",
        [
            (
                workshop_id,
                *validate.signal(signal),
                text.name,
                text.description,
                text.change,
                text.ten_year,
                text.driving_force,
                text.relevancy,
                text.source,
                text.page_date,
            )
            for signal, text in texts.items()
        ],
    )


class SessionStore:
    """The workshop-lifecycle half of :class:`~seedscope.workshop.WorkshopStore`."""

    db: Database

    def start_workshop(
        self, deck_id: str, texts: Mapping[Signal, SlideText] | None = None
    ) -> tuple[Workshop, str]:
        """Open a workshop on a deck; returns it with the presenter key.

        ``texts`` are the signals' words as the room will see them (see
        :meth:`publish_slides`). The key is returned once and never stored: keep
        it in the presenter's session (or URL) only.
        """
        key = secrets.token_urlsafe(_KEY_BYTES)
        now = validate.now()
        with self.db.transaction(write=True) as conn:
            deck_or_raise(conn, deck_id)
            for _ in range(_JOIN_CODE_ATTEMPTS):
                workshop_id = new_id()
                try:
                    conn.execute(
                        "INSERT INTO workshops (id, deck_id, join_code, key_sha256, current, "
                        "status, started_at) VALUES (?, ?, ?, ?, -1, 'open', ?)",
                        (
                            workshop_id,
                            deck_id,
                            validate.new_join_code(),
                            validate.key_hash(key),
                            now,
                        ),
                    )
                    break
                except sqlite3.IntegrityError:  # join code in use by an open workshop
                    continue
            else:  # pragma: no cover
                raise StoreError("could not draw a free join code; close some workshops")
            if texts:
                upsert_texts(conn, workshop_id, texts)
            return reload_workshop(conn, workshop_id), key

    def get_workshop(self, workshop_id: str) -> Workshop | None:
        with self.db.transaction() as conn:
            row = workshop_row(conn, workshop_id)
            return None if row is None else load_workshop(conn, row)

    def find_by_join_code(self, code: str) -> Workshop | None:
        """The open workshop a participant's typed code names (any case, spaces ignored)."""
        normal = validate.join_code(code)
        if normal is None:
            return None
        with self.db.transaction() as conn:
            row = conn.execute(
                "SELECT * FROM workshops WHERE join_code = ? AND status = 'open'", (normal,)
            ).fetchone()
            return None if row is None else load_workshop(conn, row)

    def find_for_room(self, code: str) -> Workshop | None:
        """The workshop a code names for the room: the open one, else the latest ended one.

        Phones of a room whose workshop just ended get a thank-you instead of
        "no workshop has this code".
        """
        normal = validate.join_code(code)
        if normal is None:
            return None
        with self.db.transaction() as conn:
            row = conn.execute(
                "SELECT * FROM workshops WHERE join_code = ? "
                "ORDER BY status = 'open' DESC, started_at DESC, rowid DESC LIMIT 1",
                (normal,),
            ).fetchone()
            return None if row is None else load_workshop(conn, row)

    def list_workshops(self, deck_id: str | None = None) -> list[Workshop]:
        """Workshops, most recently started first; only one deck's when ``deck_id`` is given."""
        with self.db.transaction() as conn:
            if deck_id is None:
                rows = conn.execute("SELECT * FROM workshops ORDER BY started_at DESC, rowid DESC")
            else:
                rows = conn.execute(
                    "SELECT * FROM workshops WHERE deck_id = ? "
                    "ORDER BY started_at DESC, rowid DESC",
                    (deck_id,),
                )
            return [load_workshop(conn, row) for row in rows.fetchall()]

    def is_presenter(self, workshop_id: str, key: str) -> bool:
        """Whether ``key`` is this workshop's presenter key (constant-time compare)."""
        with self.db.transaction() as conn:
            return key_matches(workshop_row(conn, workshop_id), key)

    def new_presenter_key(self, workshop_id: str) -> str:
        """A fresh presenter key for a facilitator who lost the link; the old key stops working.

        Only the facilitator's dashboard calls this: participants never reach it.
        """
        key = secrets.token_urlsafe(_KEY_BYTES)
        with self.db.transaction(write=True) as conn:
            changed = conn.execute(
                "UPDATE workshops SET key_sha256 = ? WHERE id = ?",
                (validate.key_hash(key), workshop_id),
            ).rowcount
            if not changed:
                raise NotFound(f"there is no workshop {workshop_id!r}")
        return key

    def set_current(
        self, workshop_id: str, key: str, index: int, *, if_on: int | None = None
    ) -> Workshop:
        """Show slide ``index`` to the room: -1 opening, 0..n-1 signals, n closing.

        ``if_on``: only if the room is still on that slide (else nothing moves).
        A choice made on a list drawn for slide 3 means nothing once the room
        has moved on; a browser that had not redrawn yet can still send it.
        """
        wanted = validate.whole_number(index)
        if wanted is None:
            raise TypeError("the current signal is a whole-number index")
        if if_on is not None and validate.whole_number(if_on) is None:
            raise TypeError("if_on is a whole-number index")
        return self._move(
            workshop_id, key, lambda current: wanted if if_on in (None, current) else current
        )

    def step_current(self, workshop_id: str, key: str, steps: int) -> Workshop:
        """Move ``steps`` slides on (back if negative) from the slide shown *now*.

        What Next and Previous (and a clicker's keys) do. The move is counted
        from the stored slide inside the transaction, not from the slide the
        page last drew: a press sent before the page has redrawn after the
        previous one still moves on from where the room is (an index taken
        from the drawn page would repeat the previous move). Two presses that
        reach Streamlit before either has run are one click to Streamlit.
        """
        delta = validate.whole_number(steps)
        if delta is None:
            raise TypeError("a step is a whole number of slides")
        return self._move(workshop_id, key, lambda current: current + delta)

    def _move(self, workshop_id: str, key: str, to: Callable[[int], int]) -> Workshop:
        """Set the current slide to ``to(shown)``, kept within the deck, in one transaction.

        ``shown`` is the slide the room sees: the stored one kept within the
        deck, as :func:`load_workshop` reads it (a deck that lost signals
        leaves a stored slide past its end, and the room sees the results).
        """
        with self.db.transaction(write=True) as conn:
            row = presenter_row(conn, workshop_id, key)
            count = conn.execute(
                "SELECT count(*) FROM deck_signals WHERE deck_id = ?", (row["deck_id"],)
            ).fetchone()[0]
            shown = min(max(row["current"], -1), count)
            current = min(max(to(shown), -1), count)
            if current != row["current"]:
                conn.execute(
                    "UPDATE workshops SET current = ? WHERE id = ?", (current, workshop_id)
                )
                return reload_workshop(conn, workshop_id)
            return load_workshop(conn, row)

    def close_workshop(self, workshop_id: str, key: str) -> Workshop:
        """Stop accepting ratings (closing twice is harmless); results stay readable."""
        with self.db.transaction(write=True) as conn:
            row = presenter_row(conn, workshop_id, key)
            if row["status"] == "open":
                conn.execute(
                    "UPDATE workshops SET status = 'closed', closed_at = ? WHERE id = ?",
                    (validate.now(), workshop_id),
                )
                return reload_workshop(conn, workshop_id)
            return load_workshop(conn, row)

    def reopen_workshop(self, workshop_id: str, key: str) -> Workshop:
        """Undo "End workshop": ratings are accepted again, on the same slide.

        The join code stays the same unless another open workshop took it in
        the meantime; then a new one is drawn (and the projector shows it).
        """
        with self.db.transaction(write=True) as conn:
            row = presenter_row(conn, workshop_id, key)
            if row["status"] == "closed":
                code = row["join_code"]
                for _ in range(_JOIN_CODE_ATTEMPTS):
                    try:
                        conn.execute(
                            "UPDATE workshops SET status = 'open', closed_at = NULL, "
                            "join_code = ? WHERE id = ?",
                            (code, workshop_id),
                        )
                        break
                    except sqlite3.IntegrityError:
                        code = validate.new_join_code()
                else:  # pragma: no cover
                    raise StoreError("could not draw a free join code; close some workshops")
                return reload_workshop(conn, workshop_id)
            return load_workshop(conn, row)
