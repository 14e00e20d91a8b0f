"""Decks, live workshops and the room's ratings, kept in one SQLite file.

A facilitator builds a *deck* (an ordered list of signals, each addressed like
:class:`seedscope.filters.SignalRef` by ``(doc_id, position)``), starts a
*workshop* on it and presents it on a projector; participants join from their
phones through the room server (:mod:`seedscope.workshop.room`) with a short
join code and rate each signal's impact and likelihood.

One job per module: :mod:`.models` (the values handed out), :mod:`.validate`
(input checks), :mod:`.database` (connections, the transaction helper),
:mod:`.schema` (migrations keyed by ``user_version``), :mod:`.decks`,
:mod:`.sessions` (the workshop lifecycle), :mod:`.controls` (each slide's
text and controls), :mod:`.ratings`, :mod:`.stats`, :mod:`.export` (CSV),
:mod:`.report` (the offline HTML report), :mod:`.projector` (slide HTML),
:mod:`.content` (slides from the corpus) and :mod:`.room` (the phones' server).

Importing this package loads neither pandas nor Jinja2: the room server and
the store's own tests start fast.
"""

from __future__ import annotations

from .models import (
    Deck,
    NotFound,
    Rating,
    RatingRefused,
    Room,
    Signal,
    Slide,
    SlideText,
    StoreError,
    Workshop,
)
from .schema import schema_version
from .stats import SPLIT_SD, ranking
from .store import DB_NAME, WorkshopStore
from .validate import (
    JOIN_CODE_ALPHABET,
    JOIN_CODE_LENGTH,
    MAX_COMMENT_LENGTH,
    MAX_NAME_LENGTH,
    MAX_NOTES_LENGTH,
    device_id,
)

#: The schema version this Seedscope writes (``PRAGMA user_version``).
SCHEMA_VERSION = schema_version()

__all__ = [
    "DB_NAME",
    "JOIN_CODE_ALPHABET",
    "JOIN_CODE_LENGTH",
    "MAX_COMMENT_LENGTH",
    "MAX_NAME_LENGTH",
    "MAX_NOTES_LENGTH",
    "SCHEMA_VERSION",
    "SPLIT_SD",
    "Deck",
    "NotFound",
    "Rating",
    "RatingRefused",
    "Room",
    "Signal",
    "Slide",
    "SlideText",
    "StoreError",
    "Workshop",
    "WorkshopStore",
    "device_id",
    "ranking",
]
