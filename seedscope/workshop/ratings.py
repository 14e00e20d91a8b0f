"""The room's voice: devices joining, their ratings and comments, and moderation.

A rating is *upserted* on ``(workshop, participant, signal)``: a phone that
submits twice, comes back after sleeping, or rates from a second tab changes
its row instead of adding a vote. ``participant`` is a device id, the hash
of the token the phone's browser keeps (:func:`validate.device_id`).
"""

from __future__ import annotations

import sqlite3
from dataclasses import fields
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from . import validate
from .controls import load_slide
from .database import Database
from .models import Rating, RatingRefused, Signal
from .sessions import presenter_row, workshop_row

if TYPE_CHECKING:
    import pandas as pd

RATING_COLUMNS = tuple(f.name for f in fields(Rating))


def to_rating(row: sqlite3.Row) -> Rating:
    values = {name: row[name] for name in RATING_COLUMNS}
    values["comment_hidden"] = bool(values["comment_hidden"])
    return Rating(**values)


def load_ratings(conn: sqlite3.Connection, workshop_id: str) -> list[Rating]:
    """Every rating of a workshop, in deck order, then by when it was first given.

    Ratings of signals since removed from the deck come last.
    """
    rows = conn.execute(
        "SELECT r.* FROM ratings AS r "
        "JOIN workshops AS w ON w.id = r.workshop_id "
        "LEFT JOIN deck_signals AS s ON s.deck_id = w.deck_id "
        "AND s.doc_id = r.doc_id AND s.position = r.position "
        "WHERE r.workshop_id = ? "
        "ORDER BY s.ord IS NULL, s.ord, r.doc_id, r.position, r.created_at, r.participant",
        (workshop_id,),
    ).fetchall()
    return [to_rating(row) for row in rows]


class RatingStore:
    """The ratings half of :class:`~seedscope.workshop.WorkshopStore`."""

    db: Database

    def join(self, workshop_id: str, participant: str) -> bool:
        """Count a device in the room once, however often it reconnects; True the first time."""
        device = validate.participant(participant)
        with self.db.transaction() as conn:
            known = conn.execute(
                "SELECT 1 FROM devices WHERE workshop_id = ? AND device = ?",
                (workshop_id, device),
            ).fetchone()
        if known is not None:  # the common case (a reconnect) needs no write lock
            return False
        with self.db.transaction(write=True) as conn:
            if workshop_row(conn, workshop_id) is None:
                raise RatingRefused("This workshop does not exist.")
            return (
                conn.execute(
                    "INSERT OR IGNORE INTO devices (workshop_id, device, joined_at) "
                    "VALUES (?, ?, ?)",
                    (workshop_id, device, validate.now()),
                ).rowcount
                > 0
            )

    def device_count(self, workshop_id: str) -> int:
        """How many devices joined the workshop (a phone with two tabs counts once)."""
        with self.db.transaction() as conn:
            return conn.execute(
                "SELECT count(*) FROM devices WHERE workshop_id = ?", (workshop_id,)
            ).fetchone()[0]

    def rate(
        self,
        workshop_id: object,
        participant: object,
        doc_id: object,
        position: object,
        impact: object,
        likelihood: object,
        comment: object = None,
    ) -> Rating:
        """Record a participant's rating of a signal, replacing their earlier one.

        The rating is exactly what was submitted last: a re-rating without a
        comment clears the earlier comment. A signal can be rated once it has
        been on the screen, until its voting closes (by the facilitator, a
        timer, or the end of the workshop). Raises :class:`RatingRefused` with
        a message fit for the participant's phone.

        Every argument may come straight from a phone's JSON body, so each is
        checked here rather than trusted to match its expected type.
        """
        device = validate.participant(participant)
        impact_score = validate.score(impact, "Impact")
        likelihood_score = validate.score(likelihood, "Likelihood")
        text = validate.comment(comment)
        number = validate.whole_number(position)
        if not isinstance(doc_id, str) or number is None:
            raise RatingRefused("That signal is not part of this workshop.")
        signal = (doc_id, number)
        now = validate.now()
        with self.db.transaction(write=True) as conn:
            row = workshop_row(conn, workshop_id)
            if row is None:
                raise RatingRefused("This workshop does not exist.")
            workshop: str = row["id"]
            if row["status"] != "open":
                raise RatingRefused("This workshop has ended; ratings are no longer accepted.")
            found = conn.execute(
                "SELECT ord FROM deck_signals WHERE deck_id = ? AND doc_id = ? AND position = ?",
                (row["deck_id"], *signal),
            ).fetchone()
            if found is None:
                raise RatingRefused("That signal is not part of this workshop.")
            if found["ord"] > row["current"]:
                raise RatingRefused("That signal has not been presented yet.")
            if not load_slide(conn, workshop, signal).voting_open(datetime.now(UTC)):
                raise RatingRefused("Voting on this signal has closed.")
            conn.execute(
                "INSERT INTO ratings (workshop_id, participant, doc_id, position, impact, "
                "likelihood, comment, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (workshop_id, participant, doc_id, position) DO UPDATE SET "
                "impact = excluded.impact, likelihood = excluded.likelihood, "
                "comment = excluded.comment, updated_at = excluded.updated_at, "
                # a moderated comment stays hidden unless its words change
                "comment_hidden = CASE WHEN excluded.comment IS ratings.comment "
                "THEN ratings.comment_hidden ELSE 0 END",
                (workshop, device, *signal, impact_score, likelihood_score, text, now, now),
            )
            conn.execute(
                "INSERT OR IGNORE INTO devices (workshop_id, device, joined_at) VALUES (?, ?, ?)",
                (workshop, device, now),
            )
            stored = conn.execute(
                "SELECT * FROM ratings WHERE workshop_id = ? AND participant = ? "
                "AND doc_id = ? AND position = ?",
                (workshop, device, *signal),
            ).fetchone()
            return to_rating(stored)

    def rating(
        self, workshop_id: str, participant: str, doc_id: str, position: int
    ) -> Rating | None:
        """One participant's rating of one signal, or None (a primary-key lookup)."""
        with self.db.transaction() as conn:
            row = conn.execute(
                "SELECT * FROM ratings WHERE workshop_id = ? AND participant = ? "
                "AND doc_id = ? AND position = ?",
                (workshop_id, participant, doc_id, position),
            ).fetchone()
        return None if row is None else to_rating(row)

    def ratings_by(self, workshop_id: str, participant: str) -> dict[Signal, Rating]:
        """What one device said about each signal: what its phone shows back."""
        with self.db.transaction() as conn:
            rows = conn.execute(
                "SELECT * FROM ratings WHERE workshop_id = ? AND participant = ?",
                (workshop_id, participant),
            ).fetchall()
        return {(row["doc_id"], row["position"]): to_rating(row) for row in rows}

    def ratings(self, workshop_id: str) -> list[Rating]:
        """Every rating of a workshop, in deck order, then by when it was first given."""
        with self.db.transaction() as conn:
            return load_ratings(conn, workshop_id)

    def ratings_frame(self, workshop_id: str) -> pd.DataFrame:
        """:meth:`ratings` as a frame with one column per :class:`Rating` field."""
        import pandas as pd

        rows = self.ratings(workshop_id)
        frame = pd.DataFrame(
            [[getattr(r, name) for name in RATING_COLUMNS] for r in rows],
            columns=list(RATING_COLUMNS),
        )
        return frame.astype(
            {"position": "int64", "impact": "int64", "likelihood": "int64", "comment_hidden": bool}
        )

    def comments(
        self, workshop_id: str, doc_id: str, position: int, *, hidden: bool = False
    ) -> list[Rating]:
        """The ratings of one signal that carry a comment, oldest first.

        Comments the facilitator hid are left out unless ``hidden`` is true.
        """
        with self.db.transaction() as conn:
            rows = conn.execute(
                "SELECT * FROM ratings WHERE workshop_id = ? AND doc_id = ? AND position = ? "
                "AND comment IS NOT NULL AND (? OR comment_hidden = 0) "
                "ORDER BY updated_at, participant",
                (workshop_id, doc_id, position, int(hidden)),
            ).fetchall()
        return [to_rating(row) for row in rows]

    def hide_comment(
        self,
        workshop_id: str,
        key: str,
        participant: str,
        signal: Signal,
        hidden: bool = True,
    ) -> bool:
        """Moderate one comment off the projector and the report (or show it again).

        The rating itself still counts. Returns whether such a comment exists.
        """
        doc_id, position = validate.signal(signal)
        with self.db.transaction(write=True) as conn:
            presenter_row(conn, workshop_id, key)
            return (
                conn.execute(
                    "UPDATE ratings SET comment_hidden = ? WHERE workshop_id = ? "
                    "AND participant = ? AND doc_id = ? AND position = ? "
                    "AND comment IS NOT NULL",
                    (int(bool(hidden)), workshop_id, participant, doc_id, position),
                ).rowcount
                > 0
            )
