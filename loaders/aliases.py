"""Aliases: the many ways digests spell a section, a table header or a tag.

Digests were written by different generations of a generator: ``Signal`` or
``name``, ``10y horizon`` or ``10-year``, ``relevance`` or ``relevancy``.
Headers are matched case- and punctuation-insensitively against the aliases
below; whatever does not match is kept, as written, in ``extra``. The
canonical names themselves are defined once, in :mod:`loaders.schema`.
"""

from __future__ import annotations

import math
import re
import unicodedata
from functools import lru_cache

from .schema import SECTIONS

_ALIASES: dict[str, tuple[str, ...]] = {
    "name": (
        "name",
        "names",
        "signal",
        "signals",
        "title",
        "concern",
        "behavior",
        "behaviour",
        "technology",
        "issue",
        "nom",
        "titre",
    ),
    "description": ("description", "desc", "descriptions", "today"),
    "change": ("change", "changes", "shift"),
    "ten_year": (
        "10year",
        "10years",
        "10y",
        "10yhorizon",
        "10yearhorizon",
        "10yearsoutlook",
        "tenyear",
        "tenyears",
        "in10years",
        "horizon",
        "10ans",
        "dans10ans",
    ),
    "driving_force": (
        "drivingforce",
        "drivingforces",
        "driver",
        "drivers",
        "forcemotrice",
        "moteur",
    ),
    "relevancy": ("relevancy", "relevance", "relevancyscore", "pertinence", "score"),
}
_COLUMN_BY_KEY = {alias: field for field, aliases in _ALIASES.items() for alias in aliases}

_SIGNALS, _CONCERNS, _BEHAVIORS, _TECHNOLOGIES, _ISSUES = SECTIONS
_SECTION_ALIASES: dict[str, tuple[str, ...]] = {
    _SIGNALS: ("signals", "signal", "signaux"),
    _CONCERNS: ("concerns", "concern"),
    _BEHAVIORS: ("behaviors", "behaviours", "behavior", "behaviour"),
    _TECHNOLOGIES: ("technologies", "technology"),
    _ISSUES: ("issues", "issue"),
    "Summary": ("summary", "résumé", "resume"),
    "Other": ("other", "others"),
}
_SECTION_BY_KEY = {alias: name for name, aliases in _SECTION_ALIASES.items() for alias in aliases}

_NOT_ALNUM = re.compile(r"[\W_]+")


def header_key(text: str) -> str:
    """``"10y horizon"`` -> ``"10yhorizon"``; ``"Driving-Force"`` -> ``"drivingforce"``."""
    return _NOT_ALNUM.sub("", text.casefold())


def canonical_column(header: str) -> str | None:
    return _COLUMN_BY_KEY.get(header_key(header))


@lru_cache(maxsize=4096)
def canonical_section(heading: str) -> str:
    """Canonical name of a known section, else the heading as written."""
    key = header_key(unicodedata.normalize("NFC", heading)) or heading
    return _SECTION_BY_KEY.get(key, _SECTION_BY_KEY.get(heading.strip().casefold(), heading))


_SPACES = re.compile(r"[\s\-_‐-―]+")
_EDGE_PUNCT = "\"'“”‘’«»`.,;:!?()[]{} "


@lru_cache(maxsize=1 << 16)
def normalize_value(value: str) -> str:
    """Fold a tag so that ``"Open-Source "`` and ``open source`` meet."""
    folded = _SPACES.sub(" ", unicodedata.normalize("NFKC", value).casefold())
    return folded.strip(_EDGE_PUNCT)


_FRACTION = re.compile(r"(\d+(?:[.,]\d+)?)\s*/\s*(\d+(?:[.,]\d+)?)")
#: The relevancy cells nearly every table holds, read without parsing.
SMALL_RELEVANCY = {str(i): float(i) for i in range(1, 6)}


def parse_relevancy(text: str) -> tuple[float | None, str | None]:
    """Relevancy 1-5 from a cell; ``(value, None)`` or ``(value_or_None, why)``.

    ``"4/5"`` is read as 4 (with a note); words, blanks and numbers outside
    1-5 give no value and a message for the problems table.
    """
    value = SMALL_RELEVANCY.get(text)
    if value is not None:
        return value, None
    cell = text.strip()
    if not cell:
        return None, "relevancy is empty"
    note = None
    try:
        value = float(cell.replace(",", "."))
    except ValueError:
        fraction = _FRACTION.fullmatch(cell)
        if fraction is None or float(fraction.group(2).replace(",", ".")) != 5:
            return None, f"relevancy {cell!r} is not a number"
        value = float(fraction.group(1).replace(",", "."))
        note = f"relevancy {cell!r} read as {value:g}"
    if not math.isfinite(value) or not 1 <= value <= 5:
        return None, f"relevancy {cell!r} is outside 1-5"
    return value, note
