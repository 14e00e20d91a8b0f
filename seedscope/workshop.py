"""Decks, live workshops and the room's ratings, kept in one SQLite file.

A facilitator builds a *deck* (an ordered list of signals, each addressed like
:class:`seedscope.filters.SignalRef` by ``(doc_id, position)``), starts a
*workshop* on it and presents it on a projector; participants join from their
phones with a short join code and rate each signal's impact and likelihood.

Why SQLite and why this shape:

* Streamlit serves every browser session from its own thread, and a facilitator
  may run more than one server process on the same data folder. The store
  therefore keeps **no connection open between calls**: each operation opens a
  short-lived connection, so nothing is shared between threads and every
  process sees the others' writes. The database runs in WAL mode, so readers
  (phones polling for the current slide) never block the writer.
* Every write runs in ``BEGIN IMMEDIATE``: the write lock is taken *before* the
  transaction reads anything, so a read-modify-write (reordering a deck,
  checking a workshop is open before accepting a rating) cannot interleave
  with another writer, and a busy database is waited for by SQLite's busy
  handler (``busy_timeout``) instead of failing half-way with ``SQLITE_BUSY``.
* A rating is *upserted* on ``(workshop, participant, signal)``: a phone that
  submits twice, or comes back after sleeping, changes its row instead of
  adding a vote.
* The presenter key is a bearer secret: only its SHA-256 hash is stored, it is
  compared in constant time, and it is not a field of :class:`Workshop`, so a
  participant page cannot leak it by rendering a workshop.

This module is pure storage: it never imports Streamlit, and pandas only when a
frame or CSV is asked for.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import numbers
import random
import re
import secrets
import sqlite3
import statistics
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "JOIN_CODE_ALPHABET",
    "JOIN_CODE_LENGTH",
    "MAX_COMMENT_LENGTH",
    "MAX_NAME_LENGTH",
    "PARTICIPANT_PATTERN",
    "SCHEMA_VERSION",
    "Deck",
    "NotFound",
    "Rating",
    "RatingRefused",
    "StoreError",
    "Workshop",
    "WorkshopStore",
]

#: Bumped whenever the schema changes; stored in ``PRAGMA user_version``.
SCHEMA_VERSION = 1
#: No 0/O, 1/I/L: a code read off a projector is typed correctly the first time.
JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
JOIN_CODE_LENGTH = 6
MAX_NAME_LENGTH = 80
#: One line on a phone; longer text is refused, never silently cut.
MAX_COMMENT_LENGTH = 280
#: The random token a phone keeps for itself (e.g. ``secrets.token_urlsafe(16)``).
PARTICIPANT_PATTERN = re.compile(r"[A-Za-z0-9_-]{16,64}")
RATING_COLUMNS = (
    "workshop_id",
    "participant",
    "doc_id",
    "position",
    "impact",
    "likelihood",
    "comment",
    "created_at",
    "updated_at",
)
SUMMARY_COLUMNS = (
    "doc_id",
    "position",
    "ratings",
    "impact_mean",
    "likelihood_mean",
    "impact_sd",
    "likelihood_sd",
    "comments",
)

#: How long a connection waits for another writer before giving up.
BUSY_TIMEOUT_S = 10.0
_ID_BYTES = 7  # token_urlsafe(7) is 10 characters
_KEY_BYTES = 32  # token_urlsafe(32) is 43 characters
_JOIN_CODE_ATTEMPTS = 50
_NEWLINES = re.compile(r"[\r\n\t\v\f\x85\u2028\u2029]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_SPREADSHEET_FORMULA = ("=", "+", "-", "@", "\t", "\r")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS decks (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    corpus      TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS decks_corpus ON decks (corpus, updated_at);
CREATE TABLE IF NOT EXISTS deck_signals (
    deck_id   TEXT NOT NULL REFERENCES decks (id) ON DELETE CASCADE,
    ord       INTEGER NOT NULL,
    doc_id    TEXT NOT NULL,
    position  INTEGER NOT NULL,
    PRIMARY KEY (deck_id, ord),
    UNIQUE (deck_id, doc_id, position)
);
CREATE TABLE IF NOT EXISTS workshops (
    id          TEXT PRIMARY KEY,
    deck_id     TEXT NOT NULL REFERENCES decks (id) ON DELETE CASCADE,
    join_code   TEXT NOT NULL,
    key_sha256  TEXT NOT NULL,
    current     INTEGER NOT NULL DEFAULT 0,
    status      TEXT NOT NULL CHECK (status IN ('open', 'closed')),
    started_at  TEXT NOT NULL,
    closed_at   TEXT
);
CREATE INDEX IF NOT EXISTS workshops_deck ON workshops (deck_id);
-- a join code names one open workshop (closed ones may reuse it)
CREATE UNIQUE INDEX IF NOT EXISTS workshops_open_code
    ON workshops (join_code) WHERE status = 'open';
CREATE TABLE IF NOT EXISTS ratings (
    workshop_id  TEXT NOT NULL REFERENCES workshops (id) ON DELETE CASCADE,
    participant  TEXT NOT NULL,
    doc_id       TEXT NOT NULL,
    position     INTEGER NOT NULL,
    impact       INTEGER NOT NULL CHECK (impact BETWEEN 1 AND 5),
    likelihood   INTEGER NOT NULL CHECK (likelihood BETWEEN 1 AND 5),
    comment      TEXT,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    PRIMARY KEY (workshop_id, participant, doc_id, position)
) WITHOUT ROWID;
"""
_OUR_TABLES = frozenset({"decks", "deck_signals", "workshops", "ratings"})


class StoreError(RuntimeError):
    """The database file cannot be used (corrupt, foreign, too new, stuck busy, closed)."""


class NotFound(LookupError):
    """A deck or workshop id that does not exist (or no longer does)."""


class RatingRefused(ValueError):
    """A rating the store will not record; ``str()`` is a message for the participant."""


Signal = tuple[str, int]


@dataclass(frozen=True, slots=True)
class Deck:
    """An ordered list of signals a facilitator wants to discuss."""

    id: str
    name: str
    corpus: str
    signals: tuple[Signal, ...]
    created_at: str
    updated_at: str


@dataclass(frozen=True, slots=True)
class Workshop:
    """A live (or finished) session on a deck, as anyone in the room may see it.

    ``deck`` is read together with the workshop, so it shows the deck's current
    order. ``current`` is the slide: -1 is the opening slide, 0..n-1 the deck's
    signals and n the closing slide with the results; it is clamped to that
    range. The presenter key is deliberately absent.
    """

    id: str
    deck_id: str
    join_code: str
    current: int
    status: str
    started_at: str
    deck: Deck

    @property
    def is_open(self) -> bool:
        return self.status == "open"

    @property
    def current_signal(self) -> Signal | None:
        """The signal on the projector; None on the opening or closing slide."""
        if 0 <= self.current < len(self.deck.signals):
            return self.deck.signals[self.current]
        return None

    @property
    def on_opening(self) -> bool:
        """Slide -1: the deck's overview and the join code, before any signal."""
        return self.current < 0

    @property
    def on_closing(self) -> bool:
        """Slide n (one past the last signal): the room's results."""
        return self.current >= len(self.deck.signals)


@dataclass(frozen=True, slots=True)
class Rating:
    """One participant's latest rating of one signal in one workshop."""

    workshop_id: str
    participant: str
    doc_id: str
    position: int
    impact: int
    likelihood: int
    comment: str | None
    created_at: str
    updated_at: str


# -- validation helpers ---------------------------------------------------------


def _now() -> str:
    """UTC, fixed width, so text order is time order."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def _is_int(value: object) -> bool:
    # bool is an int subclass, and True would otherwise pass as a rating of 1
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _name(name: object) -> str:
    if not isinstance(name, str):
        raise ValueError("A deck name must be text.")
    text = _CONTROL.sub(" ", name).strip()
    if not text:
        raise ValueError("A deck needs a name.")
    if len(text) > MAX_NAME_LENGTH:
        raise ValueError(f"A deck name can be at most {MAX_NAME_LENGTH} characters.")
    return text


def _signal(item: object) -> Signal:
    """``(doc_id, position)`` from a pair or anything shaped like a SignalRef."""
    if hasattr(item, "doc_id") and hasattr(item, "position"):
        doc_id, position = item.doc_id, item.position  # type: ignore[attr-defined]
    elif isinstance(item, Sequence) and not isinstance(item, str | bytes) and len(item) == 2:
        doc_id, position = item
    else:
        raise ValueError(f"A signal is a (doc_id, position) pair, not {item!r}.")
    if not isinstance(doc_id, str) or not doc_id:
        raise ValueError(f"A signal's doc_id must be non-empty text, not {doc_id!r}.")
    if not _is_int(position) or int(position) < 0:
        raise ValueError(f"A signal's position must be a whole number ≥ 0, not {position!r}.")
    return doc_id, int(position)


def _dedupe(signals: Iterable[object]) -> tuple[Signal, ...]:
    return tuple(dict.fromkeys(_signal(item) for item in signals))


def _score(value: object, what: str) -> int:
    if not _is_int(value) or not 1 <= int(value) <= 5:  # type: ignore[call-overload]
        raise RatingRefused(f"{what} must be a whole number from 1 to 5.")
    return int(value)  # type: ignore[call-overload]


def _comment(comment: object) -> str | None:
    """Plain one-line text: newlines become spaces, other control characters go.

    HTML and Markdown are kept as the characters typed; pages escape them when
    they display a comment.
    """
    if comment is None:
        return None
    if not isinstance(comment, str):
        raise RatingRefused("A comment must be text.")
    text = _CONTROL.sub("", _NEWLINES.sub(" ", comment)).strip()
    if len(text) > MAX_COMMENT_LENGTH:
        raise RatingRefused(
            f"Comments can be at most {MAX_COMMENT_LENGTH} characters "
            f"(this one has {len(text)}); please shorten it."
        )
    return text or None


def _key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _join_code() -> str:
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def _normal_code(code: object) -> str | None:
    if not isinstance(code, str):
        return None
    text = re.sub(r"[\s-]+", "", code).upper()
    if len(text) != JOIN_CODE_LENGTH or any(ch not in JOIN_CODE_ALPHABET for ch in text):
        return None
    return text


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    message = str(exc).lower()
    return "locked" in message or "busy" in message


def _neutral_cell(value: object) -> object:
    """Keep spreadsheet programs from running a comment that starts like a formula."""
    if isinstance(value, str) and value.startswith(_SPREADSHEET_FORMULA):
        return "'" + value
    return value


# -- the store --------------------------------------------------------------------


class WorkshopStore:
    """Decks, workshops and ratings in the SQLite file at ``path``.

    Safe to share between threads and to open from several processes: it holds
    only the path, and every method uses its own short-lived connection.
    """

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._closed = False
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the folder for {self.path}: {exc}") from exc
        try:
            self._initialise_patiently()
        except StoreError:
            raise
        except sqlite3.OperationalError as exc:
            if _is_busy(exc):
                raise StoreError(
                    f"the workshop database {self.path} stayed busy while opening; try again"
                ) from exc
            raise StoreError(f"cannot open the workshop database {self.path}: {exc}") from exc
        except sqlite3.DatabaseError as exc:  # "file is not a database", malformed pages
            raise StoreError(
                f"{self.path} is not a readable workshop database ({exc}); "
                "move it aside to start afresh"
            ) from exc

    def __repr__(self) -> str:
        return f"WorkshopStore({str(self.path)!r})"

    def __enter__(self) -> WorkshopStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Refuse further use. Nothing is held open, so nothing can be lost."""
        self._closed = True

    # -- connections ----------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        if self._closed:
            raise StoreError(f"the workshop store for {self.path} has been closed")
        # isolation_level=None: transactions are opened explicitly below
        conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        conn.row_factory = sqlite3.Row
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA synchronous = NORMAL")
        except BaseException:
            conn.close()
            raise
        return conn

    def _initialise_patiently(self) -> None:
        """Set up the file, waiting out other processes doing the same.

        Switching a brand-new file to WAL needs it to itself, and SQLite reports
        that conflict at once instead of calling the busy handler, so two
        servers starting together would otherwise fail. Setup is idempotent,
        so it is simply tried again.
        """
        deadline = time.monotonic() + BUSY_TIMEOUT_S
        while True:
            try:
                self._initialise()
                return
            except sqlite3.OperationalError as exc:
                if not _is_busy(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(random.uniform(0.005, 0.05))

    def _initialise(self) -> None:
        conn = self._connect()
        try:
            mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
            if str(mode).lower() != "wal":
                conn.execute("PRAGMA journal_mode = WAL")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version == SCHEMA_VERSION:
                return
            self._begin_immediate(conn)
            try:
                version = conn.execute("PRAGMA user_version").fetchone()[0]
                if version > SCHEMA_VERSION:
                    raise StoreError(
                        f"{self.path} was written by a newer Seedscope "
                        f"(schema {version}, this one knows {SCHEMA_VERSION})"
                    )
                if version == 0:
                    tables = {
                        row[0]
                        for row in conn.execute(
                            "SELECT name FROM sqlite_master WHERE type = 'table'"
                        )
                    }
                    if tables - _OUR_TABLES:
                        raise StoreError(
                            f"{self.path} is an SQLite database that is not a Seedscope "
                            f"workshop store (it holds {', '.join(sorted(tables))})"
                        )
                    for statement in _SCHEMA.split(";"):
                        if statement.strip():
                            conn.execute(statement)
                    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:  # a failed COMMIT may already have ended it
                    conn.execute("ROLLBACK")
                raise
        finally:
            conn.close()

    def _begin_immediate(self, conn: sqlite3.Connection) -> None:
        # The busy handler already waits up to BUSY_TIMEOUT_S; a second try covers
        # the rare SQLITE_BUSY that bypasses it (e.g. while another process is
        # recovering the WAL). Nothing has been done yet, so retrying is safe.
        for attempt in range(3):
            try:
                conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if not _is_busy(exc) or attempt == 2:
                    raise
                time.sleep(0.05 * (attempt + 1))

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        """One consistent snapshot for a read made of several queries."""
        conn = self._connect()
        try:
            conn.execute("BEGIN")
            yield conn
            conn.execute("COMMIT")
        finally:
            conn.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """A write transaction holding the write lock from its first statement."""
        conn = self._connect()
        try:
            try:
                self._begin_immediate(conn)
            except sqlite3.OperationalError as exc:
                if _is_busy(exc):
                    raise StoreError(
                        f"the workshop database {self.path} stayed busy for "
                        f"{BUSY_TIMEOUT_S:g} s; try again"
                    ) from exc
                raise
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:  # a failed COMMIT may already have ended it
                    conn.execute("ROLLBACK")
                raise
        finally:
            conn.close()

    # -- row loading ----------------------------------------------------------------

    @staticmethod
    def _deck(conn: sqlite3.Connection, deck_id: str) -> Deck | None:
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

    def _deck_or_raise(self, conn: sqlite3.Connection, deck_id: str) -> Deck:
        deck = self._deck(conn, deck_id)
        if deck is None:
            raise NotFound(f"there is no deck {deck_id!r}")
        return deck

    @staticmethod
    def _workshop_row(conn: sqlite3.Connection, workshop_id: str) -> sqlite3.Row | None:
        return conn.execute("SELECT * FROM workshops WHERE id = ?", (workshop_id,)).fetchone()

    def _workshop(self, conn: sqlite3.Connection, row: sqlite3.Row) -> Workshop:
        deck = self._deck_or_raise(conn, row["deck_id"])  # cascades keep it present
        return Workshop(
            id=row["id"],
            deck_id=row["deck_id"],
            join_code=row["join_code"],
            current=min(max(row["current"], -1), len(deck.signals)),
            status=row["status"],
            started_at=row["started_at"],
            deck=deck,
        )

    def _store_signals(
        self, conn: sqlite3.Connection, deck_id: str, signals: Sequence[Signal]
    ) -> None:
        """Rewrite a deck's order; decks are tens of rows, so this stays cheap."""
        conn.execute("DELETE FROM deck_signals WHERE deck_id = ?", (deck_id,))
        conn.executemany(
            "INSERT INTO deck_signals (deck_id, ord, doc_id, position) VALUES (?, ?, ?, ?)",
            [(deck_id, i, doc_id, position) for i, (doc_id, position) in enumerate(signals)],
        )

    def _change_signals(
        self, deck_id: str, change: Callable[[list[Signal]], Iterable[Signal]]
    ) -> Deck:
        """Read-modify-write a deck's signal order under the write lock."""
        with self._write() as conn:
            deck = self._deck_or_raise(conn, deck_id)
            signals = tuple(change(list(deck.signals)))
            if signals == deck.signals:
                return deck
            self._store_signals(conn, deck_id, signals)
            conn.execute("UPDATE decks SET updated_at = ? WHERE id = ?", (_now(), deck_id))
            return self._deck_or_raise(conn, deck_id)

    # -- decks ----------------------------------------------------------------------

    def create_deck(self, name: str, corpus: str, signals: Iterable[object] = ()) -> Deck:
        """A new deck; ``signals`` are ``(doc_id, position)`` pairs or SignalRefs."""
        name = _name(name)
        if not isinstance(corpus, str):
            raise ValueError("A deck's corpus must be text.")
        ordered = _dedupe(signals)
        now = _now()
        with self._write() as conn:
            for _ in range(5):
                deck_id = secrets.token_urlsafe(_ID_BYTES)
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
            self._store_signals(conn, deck_id, ordered)
            return self._deck_or_raise(conn, deck_id)

    def get_deck(self, deck_id: str) -> Deck | None:
        with self._read() as conn:
            return self._deck(conn, deck_id)

    def list_decks(self, corpus: str | None = None) -> list[Deck]:
        """Decks, most recently changed first; only one corpus's when ``corpus`` is given."""
        with self._read() as conn:
            if corpus is None:
                rows = conn.execute("SELECT id FROM decks ORDER BY updated_at DESC, rowid DESC")
            else:
                rows = conn.execute(
                    "SELECT id FROM decks WHERE corpus = ? ORDER BY updated_at DESC, rowid DESC",
                    (corpus,),
                )
            ids = [row["id"] for row in rows]
            return [self._deck_or_raise(conn, deck_id) for deck_id in ids]

    def rename_deck(self, deck_id: str, name: str) -> Deck:
        name = _name(name)
        with self._write() as conn:
            deck = self._deck_or_raise(conn, deck_id)
            if deck.name == name:
                return deck
            conn.execute(
                "UPDATE decks SET name = ?, updated_at = ? WHERE id = ?", (name, _now(), deck_id)
            )
            return self._deck_or_raise(conn, deck_id)

    def set_signals(self, deck_id: str, signals: Iterable[object]) -> Deck:
        """Replace the whole order; a repeated signal keeps its first place."""
        ordered = _dedupe(signals)
        return self._change_signals(deck_id, lambda _old: ordered)

    def add_signal(self, deck_id: str, doc_id: str, position: int) -> Deck:
        """Append a signal; a signal already in the deck stays where it is."""
        signal = _signal((doc_id, position))

        def append(old: list[Signal]) -> list[Signal]:
            return old if signal in old else [*old, signal]

        return self._change_signals(deck_id, append)

    def remove_signal(self, deck_id: str, doc_id: str, position: int) -> Deck:
        """Take a signal out of the deck (no-op when it is not in it).

        Ratings already given to it in workshops are kept for the export.
        """
        signal = _signal((doc_id, position))
        return self._change_signals(deck_id, lambda old: [s for s in old if s != signal])

    def move_signal(self, deck_id: str, index: int, new_index: int) -> Deck:
        """Move the signal at ``index`` to ``new_index``.

        ``index`` must exist (``IndexError`` otherwise); ``new_index`` is clamped
        to the deck, so "up" on the first signal or "down" on the last is a no-op.
        """
        if not _is_int(index) or not _is_int(new_index):
            raise TypeError("move_signal needs whole-number indexes")

        def move(old: list[Signal]) -> list[Signal]:
            if not 0 <= index < len(old):
                raise IndexError(f"the deck has no signal at index {index}")
            item = old.pop(index)
            old.insert(min(max(int(new_index), 0), len(old)), item)
            return old

        return self._change_signals(deck_id, move)

    def delete_deck(self, deck_id: str) -> bool:
        """Delete a deck with its workshops and their ratings; False if it did not exist."""
        with self._write() as conn:
            return conn.execute("DELETE FROM decks WHERE id = ?", (deck_id,)).rowcount > 0

    # -- workshops ------------------------------------------------------------------

    def start_workshop(self, deck_id: str) -> tuple[Workshop, str]:
        """Open a workshop on a deck; returns it with the presenter key.

        The key is returned once and never stored: keep it in the presenter's
        session (or URL) only.
        """
        key = secrets.token_urlsafe(_KEY_BYTES)
        now = _now()
        with self._write() as conn:
            self._deck_or_raise(conn, deck_id)
            for _ in range(_JOIN_CODE_ATTEMPTS):
                workshop_id = secrets.token_urlsafe(_ID_BYTES)
                try:
                    conn.execute(
                        "INSERT INTO workshops (id, deck_id, join_code, key_sha256, current, "
                        "status, started_at) VALUES (?, ?, ?, ?, -1, 'open', ?)",
                        (workshop_id, deck_id, _join_code(), _key_hash(key), now),
                    )
                    break
                except sqlite3.IntegrityError:  # join code in use by an open workshop
                    continue
            else:  # pragma: no cover
                raise StoreError("could not draw a free join code; close some workshops")
            row = self._workshop_row(conn, workshop_id)
            assert row is not None
            return self._workshop(conn, row), key

    def get_workshop(self, workshop_id: str) -> Workshop | None:
        with self._read() as conn:
            row = self._workshop_row(conn, workshop_id)
            return None if row is None else self._workshop(conn, row)

    def find_by_join_code(self, code: str) -> Workshop | None:
        """The open workshop a participant's typed code names (any case, spaces ignored)."""
        normal = _normal_code(code)
        if normal is None:
            return None
        with self._read() as conn:
            row = conn.execute(
                "SELECT * FROM workshops WHERE join_code = ? AND status = 'open'", (normal,)
            ).fetchone()
            return None if row is None else self._workshop(conn, row)

    def list_workshops(self, deck_id: str | None = None) -> list[Workshop]:
        """Workshops, most recently started first; only one deck's when ``deck_id`` is given."""
        with self._read() as conn:
            if deck_id is None:
                rows = conn.execute("SELECT * FROM workshops ORDER BY started_at DESC, rowid DESC")
            else:
                rows = conn.execute(
                    "SELECT * FROM workshops WHERE deck_id = ? "
                    "ORDER BY started_at DESC, rowid DESC",
                    (deck_id,),
                )
            return [self._workshop(conn, row) for row in rows.fetchall()]

    @staticmethod
    def _key_matches(row: sqlite3.Row | None, key: object) -> bool:
        if row is None or not isinstance(key, str):
            return False
        return hmac.compare_digest(_key_hash(key), row["key_sha256"])

    def is_presenter(self, workshop_id: str, key: str) -> bool:
        """Whether ``key`` is this workshop's presenter key (constant-time compare)."""
        with self._read() as conn:
            return self._key_matches(self._workshop_row(conn, workshop_id), key)

    def _presenter_row(self, conn: sqlite3.Connection, workshop_id: str, key: str) -> sqlite3.Row:
        row = self._workshop_row(conn, workshop_id)
        if row is None:
            raise NotFound(f"there is no workshop {workshop_id!r}")
        if not self._key_matches(row, key):
            raise PermissionError("only the presenter of this workshop can do that")
        return row

    def set_current(self, workshop_id: str, key: str, index: int) -> Workshop:
        """Show slide ``index`` to the room: -1 opening, 0..n-1 signals, n closing."""
        if not _is_int(index):
            raise TypeError("the current signal is a whole-number index")
        with self._write() as conn:
            row = self._presenter_row(conn, workshop_id, key)
            count = conn.execute(
                "SELECT count(*) FROM deck_signals WHERE deck_id = ?", (row["deck_id"],)
            ).fetchone()[0]
            current = min(max(int(index), -1), count)
            conn.execute("UPDATE workshops SET current = ? WHERE id = ?", (current, workshop_id))
            row = self._workshop_row(conn, workshop_id)
            assert row is not None
            return self._workshop(conn, row)

    def close_workshop(self, workshop_id: str, key: str) -> Workshop:
        """Stop accepting ratings (closing twice is harmless); results stay readable."""
        with self._write() as conn:
            row = self._presenter_row(conn, workshop_id, key)
            if row["status"] == "open":
                conn.execute(
                    "UPDATE workshops SET status = 'closed', closed_at = ? WHERE id = ?",
                    (_now(), workshop_id),
                )
                row = self._workshop_row(conn, workshop_id)
                assert row is not None
            return self._workshop(conn, row)

    # -- ratings --------------------------------------------------------------------

    def rate(
        self,
        workshop_id: str,
        participant: str,
        doc_id: str,
        position: int,
        impact: int,
        likelihood: int,
        comment: str | None = None,
    ) -> Rating:
        """Record a participant's rating of a signal, replacing their earlier one.

        The rating is exactly what was submitted last: a re-rating without a
        comment clears the earlier comment. Raises :class:`RatingRefused` with a
        message fit for the participant's phone.
        """
        if not isinstance(participant, str) or not PARTICIPANT_PATTERN.fullmatch(participant):
            raise RatingRefused("This device's participant token is not valid; reload the page.")
        impact = _score(impact, "Impact")
        likelihood = _score(likelihood, "Likelihood")
        text = _comment(comment)
        if not isinstance(doc_id, str) or not _is_int(position):
            raise RatingRefused("That signal is not part of this workshop.")
        position = int(position)
        if not isinstance(workshop_id, str):
            raise RatingRefused("This workshop does not exist.")
        now = _now()
        with self._write() as conn:
            row = self._workshop_row(conn, workshop_id)
            if row is None:
                raise RatingRefused("This workshop does not exist.")
            if row["status"] != "open":
                raise RatingRefused("This workshop has ended; ratings are no longer accepted.")
            in_deck = conn.execute(
                "SELECT 1 FROM deck_signals WHERE deck_id = ? AND doc_id = ? AND position = ?",
                (row["deck_id"], doc_id, position),
            ).fetchone()
            if in_deck is None:
                raise RatingRefused("That signal is not part of this workshop.")
            conn.execute(
                "INSERT INTO ratings (workshop_id, participant, doc_id, position, impact, "
                "likelihood, comment, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (workshop_id, participant, doc_id, position) DO UPDATE SET "
                "impact = excluded.impact, likelihood = excluded.likelihood, "
                "comment = excluded.comment, updated_at = excluded.updated_at",
                (workshop_id, participant, doc_id, position, impact, likelihood, text, now, now),
            )
            stored = conn.execute(
                "SELECT * FROM ratings WHERE workshop_id = ? AND participant = ? "
                "AND doc_id = ? AND position = ?",
                (workshop_id, participant, doc_id, position),
            ).fetchone()
            return Rating(**{name: stored[name] for name in RATING_COLUMNS})

    def rating(
        self, workshop_id: str, participant: str, doc_id: str, position: int
    ) -> Rating | None:
        """One participant's rating of one signal, or None: what a phone shows back.

        A primary-key lookup, so a phone does not read the whole room's ratings
        on every redraw.
        """
        with self._read() as conn:
            row = conn.execute(
                "SELECT * FROM ratings WHERE workshop_id = ? AND participant = ? "
                "AND doc_id = ? AND position = ?",
                (workshop_id, participant, doc_id, position),
            ).fetchone()
        return None if row is None else Rating(**{name: row[name] for name in RATING_COLUMNS})

    def ratings(self, workshop_id: str) -> list[Rating]:
        """Every rating of a workshop, in deck order, then by when it was first given.

        Ratings of signals since removed from the deck come last.
        """
        with self._read() as conn:
            return self._ratings(conn, workshop_id)

    @staticmethod
    def _ratings(conn: sqlite3.Connection, workshop_id: str) -> list[Rating]:
        rows = conn.execute(
            "SELECT r.* FROM ratings AS r "
            "JOIN workshops AS w ON w.id = r.workshop_id "
            "LEFT JOIN deck_signals AS s ON s.deck_id = w.deck_id "
            "AND s.doc_id = r.doc_id AND s.position = r.position "
            "WHERE r.workshop_id = ? "
            "ORDER BY s.ord IS NULL, s.ord, r.doc_id, r.position, r.created_at, r.participant",
            (workshop_id,),
        ).fetchall()
        return [Rating(**{name: row[name] for name in RATING_COLUMNS}) for row in rows]

    def ratings_frame(self, workshop_id: str) -> pd.DataFrame:
        """:meth:`ratings` as a frame with one column per :class:`Rating` field."""
        import pandas as pd

        rows = self.ratings(workshop_id)
        frame = pd.DataFrame(
            [[getattr(r, f.name) for f in fields(Rating)] for r in rows],
            columns=list(RATING_COLUMNS),
        )
        return frame.astype({"position": "int64", "impact": "int64", "likelihood": "int64"})

    def tally(self, workshop_id: str, doc_id: str, position: int) -> dict[str, Any]:
        """How the room rated one signal, for the projector.

        ``{"count": n, "impact": {1: n1, …, 5: n5}, "likelihood": {…},
        "impact_mean": float | None, "likelihood_mean": float | None}``.
        """
        with self._read() as conn:
            rows = conn.execute(
                "SELECT impact, likelihood FROM ratings "
                "WHERE workshop_id = ? AND doc_id = ? AND position = ?",
                (workshop_id, doc_id, position),
            ).fetchall()
        impacts = [row["impact"] for row in rows]
        likelihoods = [row["likelihood"] for row in rows]
        return {
            "count": len(rows),
            "impact": {score: impacts.count(score) for score in range(1, 6)},
            "likelihood": {score: likelihoods.count(score) for score in range(1, 6)},
            "impact_mean": statistics.fmean(impacts) if impacts else None,
            "likelihood_mean": statistics.fmean(likelihoods) if likelihoods else None,
        }

    def summary(self, workshop_id: str) -> pd.DataFrame:
        """One row per signal of the workshop's deck, in deck order.

        Standard deviations are the room's own spread (population SD, 0 for a
        single rating); means and SDs are NaN for a signal nobody rated. An
        unknown workshop gives an empty frame.
        """
        import pandas as pd

        with self._read() as conn:  # deck and ratings from the same moment
            row = self._workshop_row(conn, workshop_id)
            deck = None if row is None else self._deck(conn, row["deck_id"])
            ratings = self._ratings(conn, workshop_id)
        rows = []
        for doc_id, position in deck.signals if deck else ():
            mine = [r for r in ratings if r.doc_id == doc_id and r.position == position]
            impacts = [r.impact for r in mine]
            likelihoods = [r.likelihood for r in mine]
            rows.append(
                (
                    doc_id,
                    position,
                    len(mine),
                    statistics.fmean(impacts) if mine else math.nan,
                    statistics.fmean(likelihoods) if mine else math.nan,
                    statistics.pstdev(impacts) if mine else math.nan,
                    statistics.pstdev(likelihoods) if mine else math.nan,
                    sum(1 for r in mine if r.comment),
                )
            )
        frame = pd.DataFrame(rows, columns=list(SUMMARY_COLUMNS))
        return frame.astype(
            {
                "position": "int64",
                "ratings": "int64",
                "comments": "int64",
                "impact_mean": "float64",
                "likelihood_mean": "float64",
                "impact_sd": "float64",
                "likelihood_sd": "float64",
            }
        )

    # -- export ---------------------------------------------------------------------

    def ratings_csv(self, workshop_id: str) -> bytes:
        """One row per rating, UTF-8 with a BOM so spreadsheet programs read accents.

        A comment that starts like a formula (``=``, ``+``, ``-``, ``@``) gets a
        leading apostrophe in the file only, so opening it cannot run anything.
        """
        frame = self.ratings_frame(workshop_id)
        frame["comment"] = frame["comment"].map(_neutral_cell)
        return frame.to_csv(index=False).encode("utf-8-sig")

    def summary_csv(self, workshop_id: str) -> bytes:
        """:meth:`summary` as UTF-8 CSV with a BOM."""
        return self.summary(workshop_id).to_csv(index=False).encode("utf-8-sig")
