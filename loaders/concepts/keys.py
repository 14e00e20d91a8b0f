"""Keys under which spellings of one idea collide (OpenRefine's "fingerprint" idea).

A tag value is folded (case, accents, punctuation, hyphens and spacing), split
into words, and each word is put in the singular (English and French rules,
with the exceptions that would otherwise glue different words together:
``news``/``new``, ``physics``/``physic``). Two values are one concept when
they share the :func:`fingerprint` (same words in any order) or the
:func:`joined_key` (same letters once the spaces are gone, so ``cyber
security`` meets ``cybersecurity``). :func:`acronym_of` says when a short
value is the initials of a longer one (``ia`` for ``intelligence
artificielle``).

Everything here is a pure function of one string, memoised: a corpus has a
few thousand distinct values, looked up many times.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_NON_ALNUM = re.compile(r"[^0-9a-z]+")

#: Words that look plural but are not, or whose singular is another word.
_INVARIANT_TEXT = """
    news series species means physics mathematics economics politics ethics statistics
    analytics robotics logistics genetics genomics electronics graphics semantics linguistics
    dynamics mechanics optics acoustics aesthetics athletics gymnastics olympics
    goods arms glasses clothes thanks outskirts headquarters savings earnings premises
    wellness business happiness loneliness awareness fitness mindfulness readiness
    us gas bus bias lens atlas canvas chaos corpus virus campus census bonus status
    analysis crisis basis thesis diagnosis synthesis hypothesis emphasis axis genesis
    paris texas kansas wales mars venus athens brussels netherlands philippines bahamas
    xss https ios macos windows aws dns gps kpis
    fois pays prix corps temps voix bois dos cas mois souris avis acces proces succes
    progres francais anglais japonais chinois
"""
_INVARIANT = frozenset(_INVARIANT_TEXT.split())
#: Irregular plurals worth knowing (English and French), plural -> singular.
_IRREGULAR = {
    "children": "child",
    "people": "person",
    "women": "woman",
    "men": "man",
    "mice": "mouse",
    "teeth": "tooth",
    "feet": "foot",
    "data": "data",
    "media": "media",
    "criteria": "criterion",
    "phenomena": "phenomenon",
    "yeux": "oeil",
    "cieux": "ciel",
    "travaux": "travail",
}
#: Words an acronym may skip ("internet of things" is also "it").
_ACRONYM_STOPWORD_TEXT = (
    "of and the for in on to a an de du des la le les et en pour sur au aux d l"
)
ACRONYM_STOPWORDS = frozenset(_ACRONYM_STOPWORD_TEXT.split())


@lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """Case, accents, punctuation, hyphens and spacing folded away.

    ``"Vie-Privée!"`` -> ``vie privee``.
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    bare = bare.replace("œ", "oe").replace("æ", "ae").replace("ß", "ss")
    return _NON_ALNUM.sub(" ", bare).strip()


@lru_cache(maxsize=1 << 16)
def singular(word: str) -> str:
    """The collision stem of one folded word: singular and plural (EN/FR) meet.

    Not a dictionary form, a key: a plural ``s``/``x`` is dropped (``models``,
    ``jeux``, ``journaux`` -> ``journal``), a final ``y`` after a consonant is
    spelt ``ie`` and a final ``e`` of a long word is dropped, so
    ``technology``, ``technologies`` and French ``technologie`` meet, as do
    ``donnée``/``données`` and ``approach``/``approaches``. Short words
    (``gas``, ``bus``, ``plan``/``plane``) and the listed invariants are left
    alone, so ``news`` never meets ``new`` nor ``physics`` ``physic``.
    """
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if word in _INVARIANT or not word.isalpha() or len(word) <= 3:
        return word
    if word.endswith(("ss", "us", "is", "ics")):
        return word
    if word.endswith(("eaux", "eux", "oux")):
        word = word[:-1]
    elif word.endswith("aux") and len(word) > 4:
        word = word[:-3] + "al"
    elif word.endswith(("sses", "shes", "xes", "zes")):
        word = word[:-2]
    elif word.endswith("s"):
        word = word[:-1]
    if len(word) > 3 and word.endswith("y") and word[-2] not in "aeiouy":
        word = word[:-1] + "ie"
    if len(word) > 5 and word.endswith("e"):
        word = word[:-1]
    return word


@lru_cache(maxsize=1 << 16)
def words(text: str) -> tuple[str, ...]:
    """The folded words of a value, each in the singular, in their order."""
    return tuple(singular(w) for w in fold(text).split())


def fingerprint(text: str) -> str:
    """Same words in any order, singular, folded: ``Change, Climate`` == ``climate changes``."""
    return " ".join(sorted(set(words(text))))


def joined_key(text: str) -> str:
    """The words run together: ``cyber security`` == ``cybersecurity`` == ``Cyber-Security``."""
    return "".join(words(text))


def plain_key(text: str) -> str:
    """Folded only (no singular): tells a spelling variant from a plural one."""
    return " ".join(sorted(set(fold(text).split())))


def slug(text: str) -> str:
    """A concept id from a label: ``Intelligence Artificielle`` -> ``intelligence-artificielle``."""
    return "-".join(fold(text).split()) or "concept"


def initials(tokens: tuple[str, ...], *, skip_stopwords: bool) -> str:
    kept = [t for t in tokens if not (skip_stopwords and t in ACRONYM_STOPWORDS)]
    return "".join(t[0] for t in kept if t)


def is_acronym_shape(text: str) -> bool:
    """A single short word starting with a letter: ``ia``, ``llms`` (``5g`` is not)."""
    parts = fold(text).split()
    return len(parts) == 1 and 2 <= len(parts[0]) <= 6 and parts[0][0].isalpha()


def acronym_key(text: str) -> str:
    """The acronym a short value stands for, in the singular: ``LLMs`` -> ``llm``."""
    word = fold(text)
    if len(word) > 2 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def expansion_initials(text: str) -> set[str]:
    """Every acronym a multi-word value could be abbreviated to (with and without small words)."""
    tokens = words(text)
    if len(tokens) < 2:
        return set()
    return {initials(tokens, skip_stopwords=False), initials(tokens, skip_stopwords=True)} - {""}


def trailing_acronym(text: str) -> tuple[str, str] | None:
    """``multi-project wafer (MPW)`` -> (``multi project wafer``, ``mpw``), else None.

    Digests often write a term with its acronym; the value then belongs to the
    term's concept.
    """
    tokens = fold(text).split()
    if len(tokens) < 3:
        return None
    head, last = tokens[:-1], tokens[-1]
    candidate = acronym_key(last)
    singular_head = tuple(singular(t) for t in head)
    if candidate in {
        initials(singular_head, skip_stopwords=False),
        initials(singular_head, skip_stopwords=True),
    }:
        return " ".join(head), candidate
    return None
