"""Signals seen more than once: clusters of near-identical signals across documents.

Digests of different articles often report one signal in other words
("Rise of digital clones" / "Mainstream digital clones"). A cluster groups
such signals, conservatively: a cluster that glues two different signals
together misleads an analyst more than two clusters for one signal, so

* two signals match only when the *things* their names are about agree
  (:func:`~loaders.concepts.words.signal_words`, trend words such as "rise"
  or "growing" left out), weighted by how rare each word is, with the
  descriptions as supporting evidence when the names agree only in part;
* clusters grow by complete linkage: a signal joins a cluster only if it
  matches *every* signal already in it, so chains (A like B, B like C, A
  unlike C) never form;
* two signals of the same document (or of its exact duplicates) are never
  one cluster: a digest lists each signal once.

Identical texts are handled once (generated and mirrored corpora repeat
rows a lot), so the cost follows the number of distinct signals.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..schema import SIGNAL_CLUSTERS, SIGNALS
from .words import content_words, signal_words

CLUSTER_COLUMNS = tuple(SIGNAL_CLUSTERS.names)
#: Names agreeing this much (rarity-weighted share of their words) are one signal.
NAME_MATCH = 0.75
#: Names agreeing at least this much are one signal if their descriptions agree too ...
NAME_SUPPORT = 0.3
DESCRIPTION_SUPPORT = 0.35
#: ... and descriptions this alike need only a little agreement of the names.
DESCRIPTION_MATCH = 0.55
NAME_HINT = 0.1
#: Candidate pairs share a name word found in at most this many distinct signals
#: (or this share of them, if more): near-identical signals share a rare word,
#: and pairing every two signals that say "privacy" would cost more than it finds.
RARE_WORD_SIGNALS = 60
RARE_WORD_SHARE = 0.002


@dataclass(frozen=True)
class _Unit:
    """One distinct (name, description) text."""

    name: frozenset[str]
    description: frozenset[str]


def _cosine(a: frozenset[str], b: frozenset[str], idf: dict[str, float]) -> float:
    if not a or not b:
        return 0.0
    shared = sum(idf.get(w, 0.0) ** 2 for w in a & b)
    norm_a = math.sqrt(sum(idf.get(w, 0.0) ** 2 for w in a))
    norm_b = math.sqrt(sum(idf.get(w, 0.0) ** 2 for w in b))
    return shared / (norm_a * norm_b) if norm_a and norm_b else 0.0


class SignalMatcher:
    """Decides whether two distinct signal texts report the same signal."""

    def __init__(self, units: list[_Unit]) -> None:
        self.units = units
        n = max(len(units), 1)
        name_df = Counter(w for u in units for w in u.name)
        text_df = Counter(w for u in units for w in u.name | u.description)
        self.name_idf = {w: math.log((n + 1) / (c + 0.5)) for w, c in name_df.items()}
        self.text_idf = {w: math.log((n + 1) / (c + 0.5)) for w, c in text_df.items()}
        self.name_weight = [sum(self.name_idf[w] for w in u.name) for u in units]
        cap = max(RARE_WORD_SIGNALS, RARE_WORD_SHARE * n)
        self.rare = {w for w, c in name_df.items() if c <= cap}

    def _name_similarity(self, i: int, j: int) -> float:
        a, b = self.units[i].name, self.units[j].name
        shared = sum(self.name_idf[w] for w in a & b)
        union = self.name_weight[i] + self.name_weight[j] - shared
        return shared / union if union > 0 else 0.0

    def score(self, i: int, j: int) -> float:
        """0 when the two are not one signal, else how alike they are.

        Names that mostly agree are enough. Names that agree in part need
        descriptions that agree too (both must have one: a missing description
        is no evidence), and descriptions that agree strongly still need one
        rare name word in common.
        """
        a, b = self.units[i], self.units[j]
        name = self._name_similarity(i, j)
        if name >= NAME_MATCH:
            return name
        if name < NAME_HINT or not (a.description and b.description):
            return 0.0
        description = _cosine(a.description, b.description, self.text_idf)
        if (name >= NAME_SUPPORT and description >= DESCRIPTION_SUPPORT) or (
            description >= DESCRIPTION_MATCH
        ):
            return (name + description) / 2
        return 0.0

    def candidates(self) -> Iterable[tuple[int, int]]:
        """Pairs whose names share a rare word, or are the very same words."""
        postings: dict[object, list[int]] = defaultdict(list)
        for i, unit in enumerate(self.units):
            postings[unit.name].append(i)
            for word in unit.name:
                if word in self.rare:
                    postings[word].append(i)
        seen: set[tuple[int, int]] = set()
        for members in postings.values():
            for x, i in enumerate(members):
                for j in members[x + 1 :]:
                    pair = (i, j) if i < j else (j, i)
                    if pair not in seen:
                        seen.add(pair)
                        yield pair


def cluster_signals(entries: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    """The ``signal_clusters`` table: every signal with its cluster and the cluster's size.

    ``entries`` and ``documents`` are the cache tables (only ``doc_id``,
    ``section``, ``position``, ``name``, ``description`` and ``duplicate_of``
    are read). ``cluster_size`` counts documents, a document and its exact
    duplicates counting once.
    """
    signals = entries.loc[
        (entries["section"] == SIGNALS).to_numpy(dtype=bool),
        ["doc_id", "position", "name", "description"],
    ]
    doc_ids = signals["doc_id"].to_numpy(dtype=object)
    duplicate_of = documents["duplicate_of"].to_numpy(dtype=object)
    document_ids = documents["doc_id"].to_numpy(dtype=object)
    original = pd.Series(
        np.where(pd.isna(duplicate_of), document_ids, duplicate_of), index=document_ids
    )
    group_of_doc = original.reindex(doc_ids).to_numpy(dtype=object)
    group_of_doc = np.where(pd.isna(group_of_doc), doc_ids, group_of_doc)
    group_codes, _groups = pd.factorize(group_of_doc)
    name_codes, name_texts = pd.factorize(signals["name"])
    text_codes, text_texts = pd.factorize(signals["description"])
    # one unit per distinct (name, description); -1 (missing) becomes an empty text
    pair_codes = (np.asarray(name_codes, np.int64) + 1) * (len(text_texts) + 1) + (
        np.asarray(text_codes, np.int64) + 1
    )
    unique_pairs, unit_codes = np.unique(pair_codes, return_inverse=True)
    # plain lists: indexing an Arrow-backed pandas Index one item at a time is slow
    names = [""] + [str(text) for text in name_texts.tolist()]
    texts = [""] + [str(text) for text in text_texts.tolist()]
    unique_keys = [
        (names[p // (len(text_texts) + 1)], texts[p % (len(text_texts) + 1)])
        for p in unique_pairs.tolist()
    ]
    units = [_Unit(signal_words(n), content_words(d)) for n, d in unique_keys]
    unit_groups: list[set[int]] = [set() for _ in units]
    for code, group in set(zip(unit_codes.tolist(), group_codes.tolist(), strict=True)):
        unit_groups[code].add(group)

    matcher = SignalMatcher(units)
    scored = sorted(
        ((s, i, j) for i, j in matcher.candidates() if (s := matcher.score(i, j)) > 0),
        reverse=True,
    )
    parent = list(range(len(units)))
    members: dict[int, list[int]] = {i: [i] for i in range(len(units))}
    groups: dict[int, set[int]] = {i: set(g) for i, g in enumerate(unit_groups)}
    known: dict[tuple[int, int], float] = {(i, j): s for s, i, j in scored}

    def alike(i: int, j: int) -> bool:
        pair = (i, j) if i < j else (j, i)
        if pair not in known:
            known[pair] = matcher.score(*pair)
        return known[pair] > 0

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for _score, i, j in scored:
        ri, rj = root(i), root(j)
        if ri == rj or groups[ri] & groups[rj]:
            continue
        if not all(alike(x, y) for x in members[ri] for y in members[rj]):
            continue
        keep, gone = min(ri, rj), max(ri, rj)
        parent[gone] = keep
        members[keep].extend(members.pop(gone))
        groups[keep] |= groups.pop(gone)

    roots = np.array([root(i) for i in range(len(units))], dtype=np.int64)
    distinct_roots, root_index = np.unique(roots, return_inverse=True)
    ids = np.array(
        [_cluster_id([unique_keys[m] for m in members[r]]) for r in distinct_roots.tolist()],
        dtype=object,
    )
    sizes = np.array([len(groups[r]) for r in distinct_roots.tolist()], dtype=np.int64)
    at = root_index[unit_codes] if len(unit_codes) else np.zeros(0, dtype=np.int64)
    return pd.DataFrame(
        {
            "doc_id": doc_ids,
            "position": signals["position"].to_numpy(),
            "cluster": ids[at] if len(ids) else np.zeros(0, dtype=object),
            "cluster_size": sizes[at] if len(sizes) else np.zeros(0, dtype=np.int64),
        },
        columns=list(CLUSTER_COLUMNS),
    )


def _cluster_id(texts: list[tuple[str, str]]) -> str:
    """A short id that depends on the cluster's texts, not on row order or corpus size."""
    first = min(texts)
    digest = hashlib.blake2b("\x1f".join(first).encode("utf-8"), digest_size=6).hexdigest()
    return f"s-{digest}"
