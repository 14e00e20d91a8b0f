"""The values the workshop store hands out, and the errors it raises.

Plain frozen dataclasses: safe to cache, compare and pass between threads.
None of them carries a presenter key or a device's raw token, so a page or
an API response built from them cannot leak one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from seedscope.filters import SignalRef

Signal = tuple[str, int]


class StoreError(RuntimeError):
    """The database file cannot be used (corrupt, foreign, too new, stuck busy, closed)."""


class NotFound(LookupError):
    """A deck or workshop id that does not exist (or no longer does)."""


class RatingRefused(ValueError):
    """A rating the store will not record; ``str()`` is a message for the participant."""


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
    closed_at: str | None = None

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
    """One participant's latest rating of one signal in one workshop.

    ``participant`` is the device's id as stored: a hash of the token its
    browser keeps, never the token itself.
    """

    workshop_id: str
    participant: str
    doc_id: str
    position: int
    impact: int
    likelihood: int
    comment: str | None
    created_at: str
    updated_at: str
    comment_hidden: bool = False


@dataclass(frozen=True, slots=True)
class SlideText:
    """What the room sees of a signal, copied from the corpus when it is presented.

    A workshop keeps its own copy so the participants' server never needs the
    corpus, the report reads the same words the room rated, and a later edit
    of a seed file does not change a finished workshop.
    """

    name: str
    description: str | None = None
    change: str | None = None
    ten_year: str | None = None
    driving_force: str | None = None
    relevancy: float | None = None
    source: str | None = None
    page_date: str | None = None


@dataclass(frozen=True, slots=True)
class Slide:
    """One signal of a workshop: its text and the facilitator's controls for it.

    ``voting_closed`` is the facilitator's explicit "close voting";
    ``closes_at`` a timer's deadline (UTC ISO text), after which voting is
    closed too. ``revealed`` shows the room's results on the projector.
    """

    doc_id: str
    position: int
    text: SlideText | None
    voting_closed: bool = False
    closes_at: str | None = None
    revealed: bool = False
    notes: str | None = None

    @property
    def signal(self) -> Signal:
        return self.doc_id, self.position

    @property
    def name(self) -> str:
        return self.text.name if self.text else str(SignalRef(self.doc_id, self.position))

    def voting_open(self, now: datetime | None = None) -> bool:
        if self.voting_closed:
            return False
        if self.closes_at is None:
            return True
        moment = now or datetime.now(UTC)
        return moment < datetime.fromisoformat(self.closes_at)

    def seconds_left(self, now: datetime | None = None) -> float | None:
        """Seconds until the timer closes voting (0 when past); None without a timer."""
        if self.closes_at is None or self.voting_closed:
            return None
        moment = now or datetime.now(UTC)
        return max((datetime.fromisoformat(self.closes_at) - moment).total_seconds(), 0.0)


@dataclass(frozen=True, slots=True)
class Room:
    """Everything the participants' server shows, read in one snapshot.

    ``slides`` are in deck order; ``devices`` counts the devices that joined.
    """

    workshop: Workshop
    slides: tuple[Slide, ...]
    devices: int

    @property
    def current_slide(self) -> Slide | None:
        index = self.workshop.current
        return self.slides[index] if 0 <= index < len(self.slides) else None
