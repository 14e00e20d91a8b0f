"""Checking and normalising what callers hand the store: names, signals, scores, text.

Everything here is pure and raises before a transaction starts, so a refused
input never takes the write lock. Messages of :class:`RatingRefused` are
written for the participant's phone.
"""

from __future__ import annotations

import hashlib
import numbers
import re
import secrets
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from .models import RatingRefused, Signal

#: No 0/O, 1/I/L: a code read off a projector is typed correctly the first time.
JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
JOIN_CODE_LENGTH = 6
MAX_NAME_LENGTH = 80
#: A few lines on a phone; longer text is refused, never silently cut.
MAX_COMMENT_LENGTH = 280
#: Discussion notes typed by the facilitator for one signal.
MAX_NOTES_LENGTH = 4000
#: A participant id as stored: the hash of a device's token (or any such opaque id).
PARTICIPANT_PATTERN = re.compile(r"[A-Za-z0-9_-]{16,64}")
#: What a phone's cookie holds: ``secrets.token_urlsafe(24)``.
DEVICE_TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{32}")

_NEWLINES = re.compile(r"[\r\n\t\v\f\x85\u2028\u2029]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# Bidirectional overrides and isolates (and the invisible marks) let a comment
# display as something other than what it says: "\u202egnp.exe" shows as "exe.png".
_BIDI = re.compile(r"[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def now() -> str:
    """UTC, fixed width, so text order is time order."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def whole_number(value: object) -> int | None:
    """``value`` as an int when it is a whole number of any integer type (numpy's too).

    None for anything else, a bool included: bool is an int subclass, and True
    would otherwise pass as a rating of 1.
    """
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return int(value)
    return None


def plain_line(text: str) -> str:
    """One line of inert text: newlines become spaces, controls and bidi marks go."""
    return _BIDI.sub("", _CONTROL.sub("", _NEWLINES.sub(" ", text))).strip()


def deck_name(name: object) -> str:
    if not isinstance(name, str):
        raise ValueError("A deck name must be text.")
    text = plain_line(name)
    if not text:
        raise ValueError("A deck needs a name.")
    if len(text) > MAX_NAME_LENGTH:
        raise ValueError(f"A deck name can be at most {MAX_NAME_LENGTH} characters.")
    return text


def signal(item: object) -> Signal:
    """``(doc_id, position)`` from a pair or anything shaped like a SignalRef."""
    if hasattr(item, "doc_id") and hasattr(item, "position"):
        doc_id, position = item.doc_id, item.position
    elif isinstance(item, Sequence) and not isinstance(item, str | bytes) and len(item) == 2:
        doc_id, position = item
    else:
        raise ValueError(f"A signal is a (doc_id, position) pair, not {item!r}.")
    if not isinstance(doc_id, str) or not doc_id:
        raise ValueError(f"A signal's doc_id must be non-empty text, not {doc_id!r}.")
    number = whole_number(position)
    if number is None or number < 0:
        raise ValueError(f"A signal's position must be a whole number ≥ 0, not {position!r}.")
    return doc_id, number


def unique_signals(signals: Iterable[object]) -> tuple[Signal, ...]:
    """Signals in order, a repeated one keeping its first place."""
    return tuple(dict.fromkeys(signal(item) for item in signals))


def score(value: object, what: str) -> int:
    number = whole_number(value)
    if number is None or not 1 <= number <= 5:
        raise RatingRefused(f"{what} must be a whole number from 1 to 5.")
    return number


def comment(text: object) -> str | None:
    """Plain one-line text, or None when empty.

    HTML and Markdown are kept as the characters typed; pages escape them when
    they display a comment. Too long is refused with the length, not cut.
    """
    if text is None:
        return None
    if not isinstance(text, str):
        raise RatingRefused("A comment must be text.")
    clean = plain_line(text)
    if len(clean) > MAX_COMMENT_LENGTH:
        raise RatingRefused(
            f"Comments can be at most {MAX_COMMENT_LENGTH} characters "
            f"(this one has {len(clean)}); please shorten it."
        )
    return clean or None


def notes(text: object) -> str | None:
    """The facilitator's notes: several lines allowed, controls and bidi marks removed."""
    if text is None:
        return None
    if not isinstance(text, str):
        raise ValueError("Notes must be text.")
    lines = [plain_line(line) for line in text.replace("\r\n", "\n").split("\n")]
    clean = "\n".join(lines).strip()
    if len(clean) > MAX_NOTES_LENGTH:
        raise ValueError(
            f"Notes can be at most {MAX_NOTES_LENGTH:,} characters (these have {len(clean):,})."
        )
    return clean or None


def participant(value: object) -> str:
    if not isinstance(value, str) or not PARTICIPANT_PATTERN.fullmatch(value):
        raise RatingRefused("This device's participant token is not valid; reload the page.")
    return value


def device_id(token: str) -> str:
    """The id a device's ratings are stored under: a hash of the token it keeps.

    The database and its exports never hold the token itself, so neither can
    be used to speak for someone else's phone.
    """
    return hashlib.sha256(f"seedscope-device:{token}".encode()).hexdigest()


def new_device_token() -> str:
    return secrets.token_urlsafe(24)


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def new_join_code() -> str:
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def join_code(code: object) -> str | None:
    """A typed code in canonical form (any case, spaces and dashes ignored), else None."""
    if not isinstance(code, str):
        return None
    text = re.sub(r"[\s-]+", "", code).upper()
    if len(text) != JOIN_CODE_LENGTH or any(ch not in JOIN_CODE_ALPHABET for ch in text):
        return None
    return text
