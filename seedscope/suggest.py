"""Suggestions for the vocabulary that need a person's judgement.

Three kinds, each with its evidence, never applied on their own:

* ``spelling`` — two concepts whose labels are near spellings of each other
  (OpenRefine's nearest-neighbour idea: Levenshtein similarity of the folded
  text, scored by RapidFuzz, which does in C what a Python loop over every
  pair could not do in time);
* ``together`` — two concepts found in the same documents far more often
  than chance (most documents of either carry both);
* ``narrower`` — a concept whose words end with another concept's label
  (*generative ai* and *ai*): accepting it records ``broader``, not a merge.

Pairs an analyst rejected (``distinct_from`` in their vocabulary) and pairs
already joined are left out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from itertools import combinations

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from loaders.concepts.keys import fold
from loaders.concepts.vocabulary import VocabConcept

from .concepts import ConceptIndex

SPELLING = "spelling"
TOGETHER = "together"
NARROWER = "narrower"
#: Near spellings: RapidFuzz ratio (0-100) of the folded labels.
SPELLING_SCORE = 88
#: Together: documents in common, and their share of the smaller concept's documents.
TOGETHER_MIN_DOCUMENTS = 2
TOGETHER_MIN_SHARE = 0.6
#: At most this many suggestions are listed.
MAX_SUGGESTIONS = 300
SUGGESTION_COLUMNS = ("kind", "concept", "other", "label", "other_label", "evidence", "score")


@dataclass(frozen=True)
class Suggestion:
    kind: str
    concept: str  # for "narrower": the narrower concept
    other: str  # for "narrower": the proposed broader concept
    evidence: str
    score: float


def _documents(index: ConceptIndex) -> dict[str, set[str]]:
    docs: dict[str, set[str]] = {}
    for concept, doc_id in zip(
        index.tag_concepts["concept"].astype(str),
        index.tag_concepts["doc_id"].astype(str),
        strict=True,
    ):
        docs.setdefault(concept, set()).add(doc_id)
    return docs


def _rejected(definitions: Mapping[str, VocabConcept]) -> set[frozenset[str]]:
    pairs: set[frozenset[str]] = set()
    for concept in definitions.values():
        for other in concept.distinct_from:
            for label in concept.labels:
                pairs.add(frozenset((fold(label), fold(other))))
    return pairs


def suggestions(index: ConceptIndex) -> pd.DataFrame:
    """Every suggestion as a table of :data:`SUGGESTION_COLUMNS`: near spellings first
    (most often right), then concepts found together, then narrower ones; strongest
    first within each kind."""
    docs = _documents(index)
    concepts = sorted(docs)
    labels = [fold(index.label(c)) for c in concepts]
    rejected = _rejected(index.definitions)
    found: dict[tuple[str, str, str], Suggestion] = {}

    def keep(s: Suggestion) -> None:
        if frozenset((fold(index.label(s.concept)), fold(index.label(s.other)))) in rejected:
            return
        first, second = sorted((s.concept, s.other))
        key = (s.kind, first, second)
        if key not in found or found[key].score < s.score:
            found[key] = s

    if len(concepts) > 1:
        scores = process.cdist(
            labels, labels, scorer=fuzz.ratio, score_cutoff=SPELLING_SCORE, workers=1
        )
        rows, cols = np.nonzero(np.triu(scores, k=1))
        for i, j in zip(rows.tolist(), cols.tolist(), strict=True):
            a, b = concepts[i], concepts[j]
            keep(
                Suggestion(
                    SPELLING,
                    a,
                    b,
                    f"“{index.label(a)}” ({len(docs[a])} doc.) and “{index.label(b)}” "
                    f"({len(docs[b])} doc.) are spelt alike ({scores[i, j]:.0f}%)",
                    float(scores[i, j]) / 100,
                )
            )

    by_doc: dict[str, list[str]] = {}
    for concept, doc_ids in docs.items():
        if len(doc_ids) >= TOGETHER_MIN_DOCUMENTS:
            for doc_id in doc_ids:
                by_doc.setdefault(doc_id, []).append(concept)
    shared: dict[tuple[str, str], int] = {}
    for members in by_doc.values():
        for a, b in combinations(sorted(members), 2):
            shared[(a, b)] = shared.get((a, b), 0) + 1
    for (a, b), n in shared.items():
        share = n / min(len(docs[a]), len(docs[b]))
        if n >= TOGETHER_MIN_DOCUMENTS and share >= TOGETHER_MIN_SHARE:
            keep(
                Suggestion(
                    TOGETHER,
                    a,
                    b,
                    f"{n} of the {min(len(docs[a]), len(docs[b]))} documents of the rarer one "
                    "carry both",
                    share,
                )
            )

    by_label = {fold(index.label(c)): c for c in concepts}
    for concept in concepts:
        if index.concepts[concept].broader:
            continue
        words = fold(index.label(concept)).split()
        for start in range(1, len(words)):
            head = " ".join(words[start:])
            broader = by_label.get(head)
            if broader and broader != concept:
                keep(
                    Suggestion(
                        NARROWER,
                        concept,
                        broader,
                        f"“{index.label(concept)}” ends with “{index.label(broader)}” "
                        f"({len(docs[broader])} doc.)",
                        len(head) / len(" ".join(words)),
                    )
                )
                break

    order = {SPELLING: 0, TOGETHER: 1, NARROWER: 2}
    ranked = sorted(found.values(), key=lambda s: (order[s.kind], -s.score, s.concept, s.other))
    ranked = ranked[:MAX_SUGGESTIONS]
    return pd.DataFrame(
        {
            "kind": [s.kind for s in ranked],
            "concept": [s.concept for s in ranked],
            "other": [s.other for s in ranked],
            "label": [index.label(s.concept) for s in ranked],
            "other_label": [index.label(s.other) for s in ranked],
            "evidence": [s.evidence for s in ranked],
            "score": [s.score for s in ranked],
        },
        columns=list(SUGGESTION_COLUMNS),
    )
