"""Find the same signal in other documents, and rank related signals.

Analysts reading one signal want to know two things: *has anyone else seen
this?* (the same signal, by name, elsewhere in the corpus) and *what else looks
like it?* (signals from other documents with similar wording, or from documents
on the same themes and keywords). :class:`RelatedIndex` answers both.

It is built once per :class:`~seedscope.explore.Explorer` because the work is
all in the precomputation: every distinct name and description is tokenised
once (the corpus repeats them a lot, so this is far cheaper than once per
row), tokens get IDF weights so that sharing a rare word counts for more than
sharing "growth" or "new", and both an inverted index (token -> signals) and
a tag index (theme/keyword -> documents) are kept as flat numpy arrays. A query
is then a few gathers and one ``bincount`` over the signals, independent of
Python-level loops over the corpus, which keeps it fast on 10,000 documents.
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd

from .explore import Explorer

#: The section whose rows are signals.
SIGNALS = "Signals"
#: Tag lists whose values say what a document is about.
TAG_LISTS = ("Themes", "Keywords")
#: A word in the name says more about a signal than a word in its description.
NAME_WEIGHT = 2.0
DESCRIPTION_WEIGHT = 1.0
#: How the score mixes wording similarity and tag overlap (they sum to 1 so the
#: score stays in 0..1).
WORDING_SHARE = 0.7
TAG_SHARE = 0.3
#: How many shared words or tags a reason lists.
REASON_ITEMS = 3

RELATED_COLUMNS = (
    "doc_id",
    "position",
    "name",
    "title",
    "page_date",
    "relevancy",
    "score",
    "reasons",
)
SAME_SIGNAL_COLUMNS = ("doc_id", "position", "name", "title", "page_date", "relevancy")

# A small English + French stopword list: enough to stop function words from
# making unrelated signals look alike; IDF takes care of the rest.
_STOPWORD_TEXT = """
    a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each
    even ever every few for from further had has have having he her here hers him his how
    however i if in into is it its itself just may might more most much must my no nor
    not now of off on once only or other our ours out over own per same shall she should
    so some such than that the their theirs them then there these they this those through
    thus to too under until up upon us very via was we were what when where whether which
    while who whom whose why will with within without would yet you your
    au aux avec ce ces cet cette comme dans de des du elle elles en entre est et été être
    il ils je la le les leur leurs lui ma mais me même mes moi mon ne nos notre nous on ou
    où par pas plus pour qu que qui sa sans se ses si son sont sous sur ta te tes toi ton
    tous tout toute toutes très tu un une vos votre vous ça
    """
STOPWORDS = frozenset(_STOPWORD_TEXT.split())

_WORD = re.compile(r"[^\W_]+")
_NON_WORD = re.compile(r"[\W_]+")


def normalise_name(text: object) -> str:
    """The form two names must share to be "the same signal".

    Case, punctuation, hyphens and spacing differ between digests of the same
    idea ("AI-driven grids" vs "AI driven grids."), so they are folded away;
    accents are kept because they distinguish words in French.
    """
    if not isinstance(text, str):
        return ""
    folded = unicodedata.normalize("NFC", text).casefold()
    return _NON_WORD.sub(" ", folded).strip()


def _stem(word: str) -> str:
    """Fold plural and -y/-ie endings so "grids" meets "grid" (deliberately crude).

    English "technology/technologies" and French "technologie/technologies"
    all become "technologie": plural "s" is dropped, and a final "y" after a
    consonant is spelt "ie", so the rule works the same in both languages.
    """
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    if len(word) > 3 and word.endswith("y") and word[-2] not in "aeiouy":
        word = word[:-1] + "ie"
    return word


def _words(text: object) -> dict[str, str]:
    """Distinct content words of a text: stem -> first surface form, in order."""
    if not isinstance(text, str):
        return {}
    seen: dict[str, str] = {}
    for word in _WORD.findall(unicodedata.normalize("NFC", text).casefold()):
        if len(word) < 2 or word in STOPWORDS:
            continue
        seen.setdefault(_stem(word), word)
    return seen


def tokenize(text: object) -> list[str]:
    """Distinct content words of a text, stemmed, in order of appearance."""
    return list(_words(text))


def _gather(indptr: np.ndarray, which: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Flat positions of the CSR slices ``which`` (and, for each, its slot in ``which``).

    This is the vectorised form of ``[i for w in which for i in range(indptr[w],
    indptr[w + 1])]``; it lets a query touch only the postings it needs.
    """
    starts = indptr[which]
    lengths = indptr[which + 1] - starts
    total = int(lengths.sum())
    owner = np.repeat(np.arange(len(which)), lengths)
    out_starts = np.cumsum(lengths) - lengths
    flat = np.arange(total, dtype=np.int64) + np.repeat(starts - out_starts, lengths)
    return flat, owner


def _empty(columns: tuple[str, ...]) -> pd.DataFrame:
    dtypes = {
        "doc_id": "object",
        "position": "int64",
        "name": "object",
        "title": "object",
        "page_date": "datetime64[ms]",
        "relevancy": "float64",
        "score": "float64",
        "reasons": "object",
    }
    return pd.DataFrame({c: pd.Series(dtype=dtypes[c]) for c in columns})


class RelatedIndex:
    """Signals of one explorer, indexed by their words and their documents' tags."""

    def __init__(self, explorer: Explorer) -> None:
        self.explorer = explorer
        documents = explorer.documents
        n_docs = len(documents)
        entries = explorer.entries
        signals = entries[(entries["section"] == SIGNALS).to_numpy(dtype=bool)]
        signals = signals.sort_values(["doc_row", "position"], kind="stable")
        self.signals = signals.reset_index(drop=True)
        n = len(self.signals)
        self._n = n
        self._doc_row = self.signals["doc_row"].to_numpy(dtype=np.int64)
        self._position = self.signals["position"].to_numpy(dtype=np.int64)
        # one sorted key per signal, so (doc_row, position) is a binary search
        self._key = (self._doc_row << 32) | self._position
        relevancy = self.signals["relevancy"].to_numpy(dtype=np.float64, na_value=np.nan)
        self._relevancy = relevancy
        self._names = self.signals["name"].astype(object).to_numpy()

        # -- documents: ids, titles, dates, duplicate groups --------------------
        self._doc_ids = documents["doc_id"].astype(str).to_numpy(dtype=object)
        self._titles = documents["title_text"].astype(str).to_numpy(dtype=object)
        self._dates = documents["page_date"]
        date_ns = documents["page_date"].to_numpy(dtype="datetime64[ns]")
        self._date_key = np.where(
            np.isnat(date_ns), -np.inf, date_ns.astype(np.int64).astype(np.float64)
        )
        # a document and its duplicates form one group; duplicate_of always
        # names the first of the group, so one lookup is enough
        originals = explorer.row_of.reindex(documents["duplicate_of"].astype(object))
        self._group = np.where(
            originals.notna().to_numpy(),
            originals.fillna(-1).to_numpy(dtype=np.int64),
            np.arange(n_docs, dtype=np.int64),
        )

        # -- names: normalised codes for "same signal" ---------------------------
        name_codes, name_uniques = pd.factorize(self.signals["name"])
        norm_of_unique = [normalise_name(v) for v in name_uniques]
        norm_codes, norm_uniques = pd.factorize(pd.Series(norm_of_unique, dtype=object))
        norm_codes = np.asarray(norm_codes, dtype=np.int64)
        empty = {i for i, v in enumerate(norm_uniques) if v == ""}
        if empty:
            norm_codes[np.isin(norm_codes, list(empty))] = -1
        name_codes = np.asarray(name_codes, dtype=np.int64)
        self._norm = np.where(name_codes >= 0, norm_codes[np.maximum(name_codes, 0)], -1)
        if n == 0:
            self._norm = np.zeros(0, dtype=np.int64)
        self._norm_lookup = pd.Index(norm_uniques)

        # -- words: tf-idf vectors, as CSR (by signal) and CSC (by token) -------
        vocabulary: dict[str, int] = {}
        self._display: list[str] = []
        rows_parts: list[np.ndarray] = []
        tokens_parts: list[np.ndarray] = []
        weights_parts: list[np.ndarray] = []
        for column, weight in (("name", NAME_WEIGHT), ("description", DESCRIPTION_WEIGHT)):
            codes, uniques = pd.factorize(self.signals[column])
            indptr, flat = self._tokenize_uniques(list(uniques), vocabulary)
            codes = np.asarray(codes, dtype=np.int64)
            valid = np.flatnonzero(codes >= 0)
            positions, owner = _gather(indptr, codes[valid])
            rows_parts.append(valid[owner])
            tokens_parts.append(flat[positions])
            weights_parts.append(np.full(len(positions), weight))
        n_tokens = len(vocabulary)
        rows = np.concatenate(rows_parts) if rows_parts else np.zeros(0, np.int64)
        tokens = np.concatenate(tokens_parts) if tokens_parts else np.zeros(0, np.int64)
        weights = np.concatenate(weights_parts) if weights_parts else np.zeros(0)
        keys, inverse = np.unique(rows * max(n_tokens, 1) + tokens, return_inverse=True)
        weights = np.bincount(inverse, weights=weights, minlength=len(keys))
        rows, tokens = keys // max(n_tokens, 1), keys % max(n_tokens, 1)
        df = np.bincount(tokens, minlength=n_tokens)
        idf = np.log1p(n / np.maximum(df, 1))
        weights = weights * idf[tokens]
        norms = np.sqrt(np.bincount(rows, weights=weights**2, minlength=n))
        weights = weights / np.where(norms > 0, norms, 1.0)[rows]
        self._csr_indptr = np.concatenate([[0], np.cumsum(np.bincount(rows, minlength=n))])
        self._csr_tokens = tokens
        self._csr_weights = weights
        order = np.argsort(tokens, kind="stable")
        self._csc_indptr = np.concatenate([[0], np.cumsum(df)])
        self._csc_rows = rows[order]
        self._csc_weights = weights[order]

        # -- tags: which themes/keywords each document has ----------------------
        tags = explorer.tags
        tags = tags[tags["list"].isin(TAG_LISTS).to_numpy(dtype=bool)]
        tag_codes, tag_values = pd.factorize(tags["value_norm"].astype(object))
        tag_codes = np.asarray(tag_codes, dtype=np.int64)
        tag_docs = tags["doc_row"].to_numpy(dtype=np.int64)
        is_theme = (tags["list"] == "Themes").to_numpy(dtype=bool)
        keep = tag_codes >= 0
        n_values = max(len(tag_values), 1)
        pair_keys, inverse = np.unique(
            tag_docs[keep] * n_values + tag_codes[keep], return_inverse=True
        )
        pair_docs, pair_values = pair_keys // n_values, pair_keys % n_values
        self._pair_theme = (
            np.bincount(inverse, weights=is_theme[keep], minlength=len(pair_keys)) > 0
        )
        self._tag_values = np.asarray(tag_values, dtype=object)
        self._doc_tag_indptr = np.concatenate(
            [[0], np.cumsum(np.bincount(pair_docs, minlength=n_docs))]
        )
        self._doc_tag_values = pair_values
        self._doc_tag_count = np.diff(self._doc_tag_indptr)
        order = np.argsort(pair_values, kind="stable")
        self._value_indptr = np.concatenate(
            [[0], np.cumsum(np.bincount(pair_values, minlength=len(tag_values)))]
        )
        self._value_docs = pair_docs[order]

    def _tokenize_uniques(
        self, texts: list[object], vocabulary: dict[str, int]
    ) -> tuple[np.ndarray, np.ndarray]:
        """Tokenise each distinct text once; CSR of token ids per text."""
        lengths = np.zeros(len(texts) + 1, dtype=np.int64)
        flat: list[int] = []
        for i, text in enumerate(texts):
            words = _words(text)
            for stem, surface in words.items():
                token = vocabulary.get(stem)
                if token is None:
                    token = vocabulary[stem] = len(vocabulary)
                    self._display.append(surface)
                flat.append(token)
            lengths[i + 1] = len(words)
        return np.cumsum(lengths), np.asarray(flat, dtype=np.int64)

    # -- lookups ----------------------------------------------------------------

    def _signal(self, doc_id: str, position: int) -> int | None:
        row = self.explorer.row_of.get(doc_id)
        if row is None or self._n == 0:
            return None
        try:
            position = int(position)
        except (TypeError, ValueError):
            return None
        if position < 0 or position >= 2**31:
            return None
        key = (int(row) << 32) | position
        index = int(np.searchsorted(self._key, key))
        if index < self._n and self._key[index] == key:
            return index
        return None

    def _frame(self, indexes: np.ndarray, columns: tuple[str, ...]) -> pd.DataFrame:
        doc_rows = self._doc_row[indexes]
        data: dict[str, object] = {
            "doc_id": self._doc_ids[doc_rows],
            "position": self._position[indexes],
            "name": [None if pd.isna(v) else str(v) for v in self._names[indexes]],
            "title": self._titles[doc_rows],
            "page_date": self._dates.to_numpy()[doc_rows],
            "relevancy": self._relevancy[indexes],
        }
        return pd.DataFrame({c: data[c] for c in columns if c in data})

    def same_signal(self, name: str) -> pd.DataFrame:
        """Every signal whose normalised name equals ``name``, oldest page first.

        Chronological order shows where a signal first appeared and how it
        spread; duplicates and repeats within a document are all listed,
        because this answers "where does it occur", not "what is related".
        """
        norm = normalise_name(name)
        code = self._norm_lookup.get_indexer([norm])[0] if norm else -1
        if code < 0:
            return _empty(SAME_SIGNAL_COLUMNS)
        indexes = np.flatnonzero(self._norm == code)
        doc_rows = self._doc_row[indexes]
        # oldest first, undated last
        dates = self._date_key[doc_rows]
        order = np.lexsort(
            (
                self._position[indexes],
                self._doc_ids[doc_rows].astype(str),
                np.where(np.isinf(dates), np.inf, dates),
            )
        )
        return self._frame(indexes[order], SAME_SIGNAL_COLUMNS).reset_index(drop=True)

    def related(
        self,
        doc_id: str,
        position: int,
        k: int = 8,
        min_score: float = 0.0,
        min_shared_words: int = 1,
    ) -> pd.DataFrame:
        """Up to ``k`` signals from other documents related to one signal, best first.

        Signals with the same (normalised) name come first: they are the same
        signal seen elsewhere, which is the strongest link an analyst can get.
        Then signals rank by ``score``: 0.7 x cosine similarity of IDF-weighted
        words (name words count double) + 0.3 x Jaccard overlap of the two
        documents' themes and keywords. Ties go to higher relevancy, then to
        the more recent page. The source document and its duplicates are left
        out (they would only echo the signal back), and a document that repeats
        a signal in its table is listed once. Signals scoring below
        ``min_score`` are dropped unless they have the same name, and so are
        signals that share fewer than ``min_shared_words`` words and no
        theme or keyword: one shared word is not a relation worth an
        analyst's time.
        """
        source = self._signal(doc_id, position)
        if source is None or k <= 0:
            return _empty(RELATED_COLUMNS)
        n = self._n
        source_doc = int(self._doc_row[source])

        # wording: cosine of the unit tf-idf vectors, via the postings of the
        # source's tokens only
        start, stop = self._csr_indptr[source], self._csr_indptr[source + 1]
        query_tokens = self._csr_tokens[start:stop]
        query_weights = self._csr_weights[start:stop]
        flat, owner = _gather(self._csc_indptr, query_tokens)
        wording = np.bincount(
            self._csc_rows[flat],
            weights=self._csc_weights[flat] * query_weights[owner],
            minlength=n,
        )
        shared_words = np.bincount(self._csc_rows[flat], minlength=n)
        np.clip(wording, 0.0, 1.0, out=wording)

        # tags: Jaccard of each document's theme+keyword set with the source's
        tag_start, tag_stop = self._doc_tag_indptr[source_doc], self._doc_tag_indptr[source_doc + 1]
        source_values = self._doc_tag_values[tag_start:tag_stop]
        flat, _ = _gather(self._value_indptr, source_values)
        n_docs = len(self._doc_tag_count)
        shared = np.bincount(self._value_docs[flat], minlength=n_docs).astype(np.float64)
        union = len(source_values) + self._doc_tag_count - shared
        jaccard = np.divide(shared, union, out=np.zeros(n_docs), where=union > 0)

        doc_rows = self._doc_row
        same_name = (self._norm == self._norm[source]) & (self._norm[source] >= 0)
        tag_score = jaccard[doc_rows]
        allowed = self._group[doc_rows] != self._group[source_doc]
        candidates = np.flatnonzero(allowed & ((wording > 0) | (tag_score > 0) | same_name))
        if len(candidates) == 0:
            return _empty(RELATED_COLUMNS)

        score = WORDING_SHARE * wording[candidates] + TAG_SHARE * tag_score[candidates]
        if min_score > 0 or min_shared_words > 1:
            enough_words = shared_words[candidates] >= min_shared_words
            keep = (score >= min_score) & (enough_words | (tag_score[candidates] > 0))
            keep |= same_name[candidates]
            candidates, score = candidates[keep], score[keep]
            if len(candidates) == 0:
                return _empty(RELATED_COLUMNS)
        relevancy = np.nan_to_num(self._relevancy[candidates], nan=-1.0)
        cand_docs = doc_rows[candidates]
        order = np.lexsort(
            (
                self._position[candidates],
                cand_docs,
                -self._date_key[cand_docs],
                -relevancy,
                -score,
                ~same_name[candidates],
            )
        )
        ranked = candidates[order]
        # a document repeating one signal shows it once (its first, best-ranked row)
        norm = self._norm[ranked]
        repeat_key = np.where(
            norm >= 0,
            doc_rows[ranked] * (len(self._norm_lookup) + 1) + norm,
            -1 - ranked,
        )
        _, first = np.unique(repeat_key, return_index=True)
        picked = np.sort(first)[:k]
        chosen = ranked[picked]
        scores = score[order][picked]

        frame = self._frame(chosen, RELATED_COLUMNS)
        frame["score"] = np.round(np.clip(scores, 0.0, 1.0), 3)
        frame["reasons"] = [
            self._reasons(source, int(i), bool(same_name[i]), query_tokens, query_weights)
            for i in chosen
        ]
        return frame.reset_index(drop=True)[list(RELATED_COLUMNS)]

    def _reasons(
        self,
        source: int,
        other: int,
        same_name: bool,
        query_tokens: np.ndarray,
        query_weights: np.ndarray,
    ) -> str:
        """Why ``other`` was listed, in words an analyst can check at a glance."""
        parts: list[str] = []
        if same_name:
            parts.append("same name")
        else:
            start, stop = self._csr_indptr[other], self._csr_indptr[other + 1]
            theirs = dict(
                zip(
                    self._csr_tokens[start:stop].tolist(),
                    self._csr_weights[start:stop].tolist(),
                    strict=True,
                )
            )
            shared = [
                (weight * theirs[token], token)
                for token, weight in zip(query_tokens.tolist(), query_weights.tolist(), strict=True)
                if token in theirs
            ]
            if shared:
                shared.sort(key=lambda item: (-item[0], self._display[item[1]]))
                words = [self._display[token] for _, token in shared[:REASON_ITEMS]]
                parts.append("similar wording: " + ", ".join(words))
        source_doc, other_doc = int(self._doc_row[source]), int(self._doc_row[other])
        mine = self._doc_tags(source_doc)
        theirs_tags = self._doc_tags(other_doc)
        common = [value for value in mine if value in theirs_tags]
        themes = [self._tag_values[v] for v in common if mine[v]]
        keywords = [self._tag_values[v] for v in common if not mine[v]]
        if themes:
            parts.append("shared themes: " + ", ".join(sorted(themes)[:REASON_ITEMS]))
        if keywords:
            parts.append("shared keywords: " + ", ".join(sorted(keywords)[:REASON_ITEMS]))
        return "; ".join(parts)

    def _doc_tags(self, doc_row: int) -> dict[int, bool]:
        """Tag value ids of a document -> whether the value is one of its themes."""
        start, stop = self._doc_tag_indptr[doc_row], self._doc_tag_indptr[doc_row + 1]
        return dict(
            zip(
                self._doc_tag_values[start:stop].tolist(),
                self._pair_theme[start:stop].tolist(),
                strict=True,
            )
        )


__all__ = [
    "RELATED_COLUMNS",
    "SAME_SIGNAL_COLUMNS",
    "RelatedIndex",
    "normalise_name",
    "tokenize",
]
