"""Each signal's slide: its text for the room and the facilitator's controls.

A facilitator hides the room's results while people vote (no anchoring) and
reveals them per slide, closes voting per slide or with a timer, and types
discussion notes. :meth:`room` reads everything the participants' server
shows in one snapshot.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

from . import validate
from .database import Database
from .models import NotFound, Room, Signal, Slide, SlideText
from .sessions import load_workshop, presenter_row, upsert_texts, workshop_row

#: The longest timer a facilitator can set on a slide.
MAX_TIMER_S = 60 * 60


def _slide(doc_id: str, position: int, row: sqlite3.Row | None) -> Slide:
    if row is None:
        return Slide(doc_id, position, None)
    text = (
        None
        if row["name"] is None
        else SlideText(
            name=row["name"],
            description=row["description"],
            change=row["change"],
            ten_year=row["ten_year"],
            driving_force=row["driving_force"],
            relevancy=row["relevancy"],
            source=row["source"],
            page_date=row["page_date"],
        )
    )
    return Slide(
        doc_id,
        position,
        text,
        voting_closed=bool(row["voting_closed"]),
        closes_at=row["closes_at"],
        revealed=bool(row["revealed"]),
        notes=row["notes"],
    )


def load_slides(
    conn: sqlite3.Connection, workshop_id: str, signals: tuple[Signal, ...]
) -> tuple[Slide, ...]:
    """The slides of ``signals`` in that order (a signal without a row gets defaults)."""
    rows = {
        (row["doc_id"], row["position"]): row
        for row in conn.execute("SELECT * FROM slides WHERE workshop_id = ?", (workshop_id,))
    }
    return tuple(
        _slide(doc_id, position, rows.get((doc_id, position))) for doc_id, position in signals
    )


def load_slide(conn: sqlite3.Connection, workshop_id: str, signal: Signal) -> Slide:
    row = conn.execute(
        "SELECT * FROM slides WHERE workshop_id = ? AND doc_id = ? AND position = ?",
        (workshop_id, *signal),
    ).fetchone()
    return _slide(*signal, row)


class SlideStore:
    """The per-slide half of :class:`~seedscope.workshop.WorkshopStore`."""

    db: Database

    def publish_slides(self, workshop_id: str, key: str, texts: Mapping[Signal, SlideText]) -> None:
        """Give the room the words of these signals (the presenter's corpus has them)."""
        with self.db.transaction(write=True) as conn:
            presenter_row(conn, workshop_id, key)
            upsert_texts(conn, workshop_id, texts)

    def unpublished_signals(self, workshop_id: str) -> list[Signal]:
        """Signals of the workshop's deck whose text the room does not have yet."""
        with self.db.transaction() as conn:
            row = workshop_row(conn, workshop_id)
            if row is None:
                return []
            workshop = load_workshop(conn, row)
            slides = load_slides(conn, workshop_id, workshop.deck.signals)
            return [slide.signal for slide in slides if slide.text is None]

    def slides(self, workshop_id: str) -> tuple[Slide, ...]:
        """Every signal's slide, in deck order; empty for an unknown workshop."""
        with self.db.transaction() as conn:
            row = workshop_row(conn, workshop_id)
            if row is None:
                return ()
            return load_slides(conn, workshop_id, load_workshop(conn, row).deck.signals)

    def room(self, workshop_id: str) -> Room | None:
        """The workshop, its slides and how many devices joined, from one moment."""
        with self.db.transaction() as conn:
            row = workshop_row(conn, workshop_id)
            if row is None:
                return None
            workshop = load_workshop(conn, row)
            devices = conn.execute(
                "SELECT count(*) FROM devices WHERE workshop_id = ?", (workshop_id,)
            ).fetchone()[0]
            return Room(workshop, load_slides(conn, workshop_id, workshop.deck.signals), devices)

    def close_voting(self, workshop_id: str, key: str, signal: Signal) -> Slide:
        """No more ratings for this signal; earlier ones stay."""
        return self._set(workshop_id, key, signal, "voting_closed = 1")

    def open_voting(self, workshop_id: str, key: str, signal: Signal) -> Slide:
        """Accept ratings again (and drop a timer that had run out)."""
        return self._set(workshop_id, key, signal, "voting_closed = 0, closes_at = NULL")

    def start_timer(self, workshop_id: str, key: str, signal: Signal, seconds: int) -> Slide:
        """Voting on this signal closes by itself ``seconds`` from now (re-opening it)."""
        duration = validate.whole_number(seconds)
        if duration is None or not 1 <= duration <= MAX_TIMER_S:
            raise ValueError(f"A timer runs from 1 to {MAX_TIMER_S} seconds.")
        ends = datetime.now(UTC) + timedelta(seconds=duration)
        return self._set(
            workshop_id,
            key,
            signal,
            "voting_closed = 0, closes_at = ?",
            (ends.isoformat(timespec="microseconds"),),
        )

    def cancel_timer(self, workshop_id: str, key: str, signal: Signal) -> Slide:
        return self._set(workshop_id, key, signal, "closes_at = NULL")

    def reveal(self, workshop_id: str, key: str, signal: Signal, shown: bool = True) -> Slide:
        """Show (or hide again) the room's results for this signal on the projector."""
        return self._set(workshop_id, key, signal, "revealed = ?", (int(bool(shown)),))

    def set_notes(self, workshop_id: str, key: str, signal: Signal, text: str | None) -> Slide:
        """The facilitator's discussion notes for this signal (for the report)."""
        return self._set(workshop_id, key, signal, "notes = ?", (validate.notes(text),))

    def _set(
        self,
        workshop_id: str,
        key: str,
        signal: Signal,
        assignments: str,
        params: tuple[object, ...] = (),
    ) -> Slide:
        target = validate.signal(signal)
        with self.db.transaction(write=True) as conn:
            row = presenter_row(conn, workshop_id, key)
            in_deck = conn.execute(
                "SELECT 1 FROM deck_signals WHERE deck_id = ? AND doc_id = ? AND position = ?",
                (row["deck_id"], *target),
            ).fetchone()
            if in_deck is None:
                raise NotFound(f"{target[0]}:{target[1]} is not a signal of this workshop")
            conn.execute(
                "INSERT OR IGNORE INTO slides (workshop_id, doc_id, position) VALUES (?, ?, ?)",
                (workshop_id, *target),
            )
            conn.execute(
                f"UPDATE slides SET {assignments} "
                "WHERE workshop_id = ? AND doc_id = ? AND position = ?",
                (*params, workshop_id, *target),
            )
            return load_slide(conn, workshop_id, target)
