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

from .words import content_words, signal_words

SIGNALS = "Signals"
CLUSTER_COLUMNS = ("doc_id", "position", "cluster", "cluster_size")
#: Names agreeing this much (rarity-weighted share of their words) are one signal.
NAME_MATCH = 0.75
#: Names agreeing at least this much are one signal if their descriptions agree too ...
NAME_SUPPORT = 0.3
DESCRIPTION_SUPPORT = 0.35
#: ... and descriptions this alike need only a little agreement of the names.
DESCRIPTION_MATCH = 0.55
NAME_HINT = 0.1
#: A word found in more than this share of distinct signal names says nothing.
COMMON_WORD_SHARE = 0.05


@dataclass(frozen=True)
class _Unit:
    """One distinct (name, description) text."""

    name: frozenset[str]
    description: frozenset[str]


def _weighted_jaccard(a: frozenset[str], b: frozenset[str], idf: dict[str, float]) -> float:
    union = a | b
    if not union:
        return 0.0
    total = sum(idf.get(w, 0.0) for w in union)
    return sum(idf.get(w, 0.0) for w in a & b) / total if total else 0.0


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
        self.common = {w for w, c in name_df.items() if c > max(2, COMMON_WORD_SHARE * n)}

    def score(self, i: int, j: int) -> float:
        """0 when the two are not one signal, else how alike they are.

        Names that mostly agree are enough. Names that agree in part need
        descriptions that agree too (both must have one: a missing description
        is no evidence), and descriptions that agree strongly still need one
        rare name word in common.
        """
        a, b = self.units[i], self.units[j]
        name = _weighted_jaccard(a.name, b.name, self.name_idf)
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
        """Pairs sharing at least one name word that is not common to many names."""
        postings: dict[str, list[int]] = defaultdict(list)
        for i, unit in enumerate(self.units):
            for word in unit.name:
                if word not in self.common:
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
        entries["section"].astype(str) == SIGNALS, ["doc_id", "position", "name", "description"]
    ]
    doc_ids = signals["doc_id"].astype(str).to_numpy()
    original = dict(
        zip(
            documents["doc_id"].astype(str),
            documents["duplicate_of"].astype(object).where(documents["duplicate_of"].notna(), None),
            strict=True,
        )
    )
    group_of_doc = np.array([original.get(d) or d for d in doc_ids], dtype=object)
    names = signals["name"].astype(object).where(signals["name"].notna(), "").astype(str)
    descriptions = (
        signals["description"].astype(object).where(signals["description"].notna(), "").astype(str)
    )
    keys = pd.MultiIndex.from_arrays([names.to_numpy(), descriptions.to_numpy()])
    unit_codes, unique_keys = pd.factorize(keys)
    units = [_Unit(signal_words(n), content_words(d)) for n, d in unique_keys]
    unit_groups: list[set[str]] = [set() for _ in units]
    for code, group in zip(unit_codes, group_of_doc, strict=True):
        unit_groups[code].add(group)

    matcher = SignalMatcher(units)
    scored = sorted(
        ((s, i, j) for i, j in matcher.candidates() if (s := matcher.score(i, j)) > 0),
        reverse=True,
    )
    parent = list(range(len(units)))
    members: dict[int, list[int]] = {i: [i] for i in range(len(units))}
    groups: dict[int, set[str]] = {i: set(g) for i, g in enumerate(unit_groups)}
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
    cluster_ids = {
        r: _cluster_id([unique_keys[m] for m in members[r]]) for r in set(roots.tolist())
    }
    unit_root = roots[unit_codes] if len(unit_codes) else np.zeros(0, dtype=np.int64)
    return pd.DataFrame(
        {
            "doc_id": doc_ids,
            "position": signals["position"].to_numpy(),
            "cluster": [cluster_ids[r] for r in unit_root],
            "cluster_size": [len(groups[r]) for r in unit_root],
        },
        columns=list(CLUSTER_COLUMNS),
    )


def _cluster_id(texts: list[tuple[str, str]]) -> str:
    """A short id that depends on the cluster's texts, not on row order or corpus size."""
    first = min(texts)
    digest = hashlib.blake2b("\x1f".join(first).encode("utf-8"), digest_size=6).hexdigest()
    return f"s-{digest}"
