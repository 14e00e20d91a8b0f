"""Content words of signal names and descriptions, for telling one signal from another.

Signal names in digests are built the same way again and again: a trend
word, then the thing ("Rise of digital clones", "Mainstream digital clones",
"Growing demand for the right to repair"). Two names point at the same
signal when their *things* agree, so :func:`signal_words` drops the trend
words as well as English and French function words, and folds case, accents
and word endings with the English Snowball stemmer (``dehumanization``/
``dehumanizing``). Snowball is the standard, tested implementation;
hand-written suffix rules would be a worse copy of it. (Chaining the French
stemmer after it was tried and mangles English words: ``data`` -> ``dat``,
``workers`` -> ``work``.)
"""

from __future__ import annotations

import re
from functools import lru_cache

import snowballstemmer

from .keys import fold

_STOPWORD_TEXT = """
    a about above after again against all also am among an and any are as at be because been
    before being below between both but by can could did do does doing down during each
    even ever every few for from further had has have having he her here hers him his how
    however i if in into is it its itself just may might more most much must my no nor
    not now of off on once only or other our ours out over own per same shall she should
    so some such than that the their theirs them then there these they this those through
    thus to too under until up upon us very via was we were what when where whether which
    while who whom whose why will with within without would yet you your s
    au aux avec ce ces cet cette comme dans de des du elle elles en entre est et ete etre
    il ils je la le les leur leurs lui ma mais me meme mes moi mon ne nos notre nous on ou
    par pas plus pour qu que qui sa sans se ses si son sont sous sur ta te tes toi ton
    tous tout toute toutes tres tu un une vos votre vous ca d l
    """
STOPWORDS = frozenset(_STOPWORD_TEXT.split())

#: Words that say *how* a signal moves, not *what* it is.
_TREND_TEXT = """
    rise rising rises growth growing grow grows increase increased increasing increasingly
    emergence emerging emergent emerge emerges new newly novel shift shifting shifts
    demand demands push pushing revival resurgence renewed popularity popular adoption
    mainstream boom surge surging expansion expanding spread spreading decline declining
    decrease decreasing trend trends trending movement movements interest growing greater
    more less higher lower heightened accelerating acceleration continued ongoing future
    potential possible call calls toward towards focus emphasis role use usage using used
    essor hausse croissance croissant montee emergence emergent nouveau nouvelle nouveaux
    nouvelles tendance tendances developpement augmentation declin baisse vers
    """
_WORD = re.compile(r"[a-z0-9]+")
_ENGLISH = snowballstemmer.stemmer("english")


@lru_cache(maxsize=1 << 17)
def stem(word: str) -> str:
    """A folded word's English Snowball stem."""
    return str(_ENGLISH.stemWord(word))


TREND_WORDS = frozenset(stem(w) for w in _TREND_TEXT.split())


def word_forms(text: str) -> dict[str, str]:
    """Content-word stems of a text, each with the first word that gave it (for display)."""
    forms: dict[str, str] = {}
    for word in _WORD.findall(fold(text)):
        if len(word) > 1 and word not in STOPWORDS:
            forms.setdefault(stem(word), word)
    return forms


@lru_cache(maxsize=1 << 17)
def content_words(text: str) -> frozenset[str]:
    """Folded, stemmed content words of any text (function words dropped)."""
    return frozenset(
        stem(w) for w in _WORD.findall(fold(text)) if len(w) > 1 and w not in STOPWORDS
    )


@lru_cache(maxsize=1 << 17)
def signal_words(name: str) -> frozenset[str]:
    """The *thing* a signal name is about: content words without trend words."""
    words = content_words(name)
    things = frozenset(w for w in words if w not in TREND_WORDS)
    return things or words
