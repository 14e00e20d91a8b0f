"""What a phone is told: the room's state as JSON, and each device's own ratings.

Only what a participant needs and may see: the workshop's code and deck name,
the slide on the screen, the current signal's words, which signals can still
be rated and until when. Never the room's results (the facilitator reveals
those on the projector), other people's ratings, keys or device ids.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from ..models import Rating, Room, Signal, Slide


def _slide(slide: Slide, index: int, now: datetime) -> dict[str, Any]:
    text = slide.text
    return {
        "doc_id": slide.doc_id,
        "position": slide.position,
        "index": index,
        "name": slide.name,
        "description": text.description if text else None,
        "ten_year": text.ten_year if text else None,
        "voting": "open" if slide.voting_open(now) else "closed",
        "closes_at": slide.closes_at if slide.voting_open(now) else None,
    }


def phone_view(room: Room, now: datetime | None = None) -> dict[str, Any]:
    """The room as every phone in it sees it (the same for all: serialised once)."""
    moment = now or datetime.now(UTC)
    workshop = room.workshop
    count = len(room.slides)
    current = workshop.current
    if current < 0:
        stage = "opening"
    elif current >= count:
        stage = "closing"
    else:
        stage = "signal"
    shown = room.slides[: min(max(current, 0), count)]
    return {
        "workshop": workshop.id,
        "code": workshop.join_code,
        "deck": workshop.deck.name,
        "status": "open" if workshop.is_open else "ended",
        "stage": stage,
        "index": current,
        "count": count,
        "signal": _slide(room.slides[current], current, moment) if stage == "signal" else None,
        # earlier signals a phone may still rate (voting not closed yet)
        "earlier": [
            _slide(slide, index, moment)
            for index, slide in enumerate(shown)
            if workshop.is_open and slide.voting_open(moment)
        ],
    }


def next_deadline(room: Room, now: datetime | None = None) -> datetime | None:
    """When a timer will next close voting, changing what phones must show."""
    moment = now or datetime.now(UTC)
    deadlines = [
        datetime.fromisoformat(slide.closes_at)
        for slide in room.slides
        if slide.closes_at and slide.voting_open(moment)
    ]
    return min(deadlines, default=None)


def rating_json(rating: Rating) -> dict[str, Any]:
    return {
        "doc_id": rating.doc_id,
        "position": rating.position,
        "impact": rating.impact,
        "likelihood": rating.likelihood,
        "comment": rating.comment,
        "updated_at": rating.updated_at,
    }


def mine_json(ratings: dict[Signal, Rating]) -> list[dict[str, Any]]:
    return [rating_json(rating) for rating in ratings.values()]


def dumps(value: Any) -> str:
    """Compact JSON on one line (an SSE ``data:`` line cannot hold a newline)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
