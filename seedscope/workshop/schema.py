"""The store's tables, as a list of migrations keyed by SQLite's ``user_version``.

``MIGRATIONS[i]`` takes a database from version ``i`` to ``i + 1``; a fresh file
runs them all. Opening a file runs the ones it has not had yet, inside one
write transaction with the new ``user_version``, so a database made by an
older Seedscope is brought up to date with its data, and a crash half-way
leaves it at its old version. Never edit a migration that has shipped:
append a new one.

A step is SQL (several statements separated by ``;``) or a function of the
connection, for changes SQL alone cannot express (hashing old tokens).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from .validate import device_id

Migration = str | Callable[[sqlite3.Connection], None]

# 1: decks, their signals, workshops and ratings (Seedscope's first store).
_DECKS_AND_RATINGS = """
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

# 2: the room at scale: devices that joined, each signal's text and controls,
# moderated comments, and the facilitator's settings.
_ROOM = """
CREATE TABLE devices (
    workshop_id  TEXT NOT NULL REFERENCES workshops (id) ON DELETE CASCADE,
    device       TEXT NOT NULL,
    joined_at    TEXT NOT NULL,
    PRIMARY KEY (workshop_id, device)
) WITHOUT ROWID;
CREATE TABLE slides (
    workshop_id    TEXT NOT NULL REFERENCES workshops (id) ON DELETE CASCADE,
    doc_id         TEXT NOT NULL,
    position       INTEGER NOT NULL,
    name           TEXT,
    description    TEXT,
    change         TEXT,
    ten_year       TEXT,
    driving_force  TEXT,
    relevancy      REAL,
    source         TEXT,
    page_date      TEXT,
    voting_closed  INTEGER NOT NULL DEFAULT 0 CHECK (voting_closed IN (0, 1)),
    closes_at      TEXT,
    revealed       INTEGER NOT NULL DEFAULT 0 CHECK (revealed IN (0, 1)),
    notes          TEXT,
    PRIMARY KEY (workshop_id, doc_id, position)
) WITHOUT ROWID;
ALTER TABLE ratings ADD COLUMN comment_hidden INTEGER NOT NULL DEFAULT 0
    CHECK (comment_hidden IN (0, 1));
CREATE INDEX workshops_code ON workshops (join_code, started_at);
CREATE TABLE settings (
    name   TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);
"""


def _room_at_scale(conn: sqlite3.Connection) -> None:
    """Version 2: the new tables, and ratings re-keyed by the hash of their token.

    Version 1 stored the phone's token as given (it travelled in the URL). From
    version 2 a rating is stored under the hash of the token, so the file and
    its exports can no longer be used to speak for someone's phone. Every
    rating keeps its values; each former token becomes one joined device.
    """
    apply(conn, _ROOM)
    rows = conn.execute(
        "SELECT DISTINCT workshop_id, participant, min(created_at) OVER "
        "(PARTITION BY workshop_id, participant) FROM ratings"
    ).fetchall()
    for workshop_id, participant, first in rows:
        hashed = device_id(participant)
        conn.execute(
            "UPDATE ratings SET participant = ? WHERE workshop_id = ? AND participant = ?",
            (hashed, workshop_id, participant),
        )
        conn.execute(
            "INSERT OR IGNORE INTO devices (workshop_id, device, joined_at) VALUES (?, ?, ?)",
            (workshop_id, hashed, first),
        )


MIGRATIONS: list[Migration] = [_DECKS_AND_RATINGS, _room_at_scale]

#: The tables a Seedscope store may hold; anything else means a foreign file.
OUR_TABLES = frozenset(
    {"decks", "deck_signals", "workshops", "ratings", "devices", "slides", "settings"}
)


def schema_version() -> int:
    """The version this code writes: one per migration."""
    return len(MIGRATIONS)


def apply(conn: sqlite3.Connection, step: Migration) -> None:
    if callable(step):
        step(conn)
        return
    for statement in step.split(";"):
        if statement.strip():
            conn.execute(statement)
