"""A file's bytes to text: which encoding it is in, or why it is not text at all.

UTF-8 (with or without a byte-order mark) is what digests are written in and
is decoded at once. Anything else is worked out, never guessed silently:

* UTF-16 and UTF-32 with a byte-order mark, and UTF-16 without one (its
  ASCII characters leave a zero byte in every other position);
* text that is mostly UTF-8 with a few broken bytes keeps its UTF-8 and shows
  the broken bytes as U+FFFD, naming the first bad line;
* a legacy 8-bit file (Latin-1, cp1252 ...) is decoded in the encoding
  ``charset-normalizer`` finds, preferring the Western code pages when
  several read the same, so that ``Catégorie:`` stays ``Catégorie:``;
* a file whose first 8 KB are more than a tenth control bytes is binary.

Every outcome but plain UTF-8 carries a message for the problems table.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

from charset_normalizer import from_bytes

from .schema import ERROR, WARNING

#: How much of a file decides whether it is binary.
HEAD = 8192
#: Above this share of control bytes (NUL included) in the head, a file is binary.
BINARY_CONTROL_SHARE = 0.10
#: When several encodings read a file about as cleanly, the first of these that
#: does wins: digests come from Western European writers.
PREFERRED = ("cp1252", "latin_1", "iso8859_15", "mac_roman")
#: How much messier than the best reading a preferred encoding's may be.
CHAOS_TOLERANCE = 0.01
_CONTROL = bytes(c for c in range(32) if c not in (9, 10, 12, 13))
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


@dataclass(slots=True)
class Decoded:
    text: str | None
    severity: str | None = None
    message: str | None = None
    line: int | None = None


def decode(data: bytes) -> Decoded:
    """Text of a file, or why it is not a text document."""
    if not data.strip():
        return Decoded(None, ERROR, "file is empty; skipped")
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError:
                break
            return Decoded(text, WARNING, f"file is {codec.upper()}; read as text")
    utf16 = _utf16_without_bom(data)
    if utf16 is not None:
        return utf16
    if control_share(data[:HEAD]) > BINARY_CONTROL_SHARE:
        return Decoded(None, ERROR, "binary file, not a text document; skipped")
    try:
        return Decoded(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        first_bad = data[: exc.start].count(b"\n") + 1
    replaced = data.decode("utf-8-sig", errors="replace")
    if _mostly_utf8(replaced):
        return Decoded(
            replaced,
            WARNING,
            "file is not valid UTF-8; undecodable bytes are shown as \N{REPLACEMENT CHARACTER}",
            first_bad,
        )
    found = _legacy(data)
    if found is None:
        return Decoded(
            replaced,
            WARNING,
            "file's encoding is unknown (not UTF-8); undecodable bytes are shown as "
            "\N{REPLACEMENT CHARACTER}",
            first_bad,
        )
    text, encoding = found
    return Decoded(
        text, WARNING, f"file is not UTF-8; read as {encoding}, the encoding its bytes fit best"
    )


def control_share(data: bytes) -> float:
    """Share of control bytes other than tab, newline, form feed and carriage return."""
    if not data:
        return 0.0
    return (len(data) - len(data.translate(None, _CONTROL))) / len(data)


def _utf16_without_bom(data: bytes) -> Decoded | None:
    """UTF-16 text without a byte-order mark, recognised by its zero bytes."""
    head = data[: HEAD - HEAD % 2]
    half = len(head) // 2
    if half < 2:
        return None
    even, odd = head[0::2].count(0), head[1::2].count(0)
    if odd >= 0.3 * half and even <= 0.02 * half:
        codec, order = "utf-16-le", "little-endian"
    elif even >= 0.3 * half and odd <= 0.02 * half:
        codec, order = "utf-16-be", "big-endian"
    else:
        return None
    try:
        text = data[: len(data) - len(data) % 2].decode(codec)
    except UnicodeDecodeError:
        return Decoded(None, ERROR, "unknown encoding (UTF-16-like, but not valid); skipped")
    if control_share(text[:HEAD].encode("utf-8", "replace")) > BINARY_CONTROL_SHARE:
        return None
    return Decoded(
        text, WARNING, f"file is UTF-16 ({order}) without a byte-order mark; read as text"
    )


def _mostly_utf8(replaced: str) -> bool:
    """Whether valid non-ASCII UTF-8 characters outnumber the undecodable bytes.

    A UTF-8 digest with one damaged byte keeps its accents; a Latin-1 file
    has (almost) no valid multi-byte sequence at all.
    """
    bad = replaced.count("\N{REPLACEMENT CHARACTER}")
    non_ascii = len(replaced) - len(replaced.encode("ascii", "ignore"))
    return non_ascii - bad > bad


def _legacy(data: bytes) -> tuple[str, str] | None:
    """(text, encoding) of a legacy 8-bit file, as charset-normalizer reads it."""
    matches = from_bytes(data)
    best = matches.best()
    if best is None:
        return None
    # On a short digest the scores of the 8-bit code pages differ by noise:
    # any that reads about as cleanly as the best one may be the right one.
    tied = [m for m in matches if m.chaos <= best.chaos + CHAOS_TOLERANCE]
    for preferred in PREFERRED:
        if any(preferred in m.could_be_from_charset for m in tied):
            try:
                return data.decode(preferred), preferred
            except UnicodeDecodeError:
                continue
    if best.encoding.replace("-", "_") in ("utf_8", "ascii"):
        return None  # it could not do better than we did
    return str(best), best.encoding
