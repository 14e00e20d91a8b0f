"""Every theme and keyword value gets a concept: the ``concepts`` table.

Order of precedence (a value takes the first that claims it):

1. the analyst's vocabulary file — a value whose spelling key equals one of a
   concept's labels;
2. the vocabulary shipped with Seedscope, likewise;
3. automatic merges that need no dictionary: values with the same spelling key
   (:func:`~loaders.concepts.keys.fingerprint` or
   :func:`~loaders.concepts.keys.joined_key`: case, accents, punctuation,
   spacing, word order, singular/plural) form one concept, and an acronym joins
   the one concept whose words it abbreviates when both occur in the corpus
   (``ia`` and ``intelligence artificielle``; two candidates mean no merge).

Broader/narrower or merely related ideas are never merged here: ``generative
ai`` stays its own concept, linked to ``artificial intelligence`` only where a
vocabulary says ``broader``.
"""

from __future__ import annotations

import functools
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..schema import CONCEPT_LISTS, CONCEPTS
from .keys import (
    acronym_key,
    expansion_initials,
    fingerprint,
    fold,
    is_acronym_shape,
    joined_key,
    plain_key,
    slug,
    trailing_acronym,
)
from .vocabulary import VocabConcept, Vocabulary

HOW_FILE = "vocabulary file"
HOW_SHIPPED = "shipped vocabulary"
HOW_SAME = "same"
HOW_SPELLING = "spelling"
HOW_PLURAL = "plural"
HOW_ACRONYM = "acronym"
CONCEPT_COLUMNS = tuple(CONCEPTS.names)


@dataclass(frozen=True)
class Layer:
    """One vocabulary and the name its matches get in the ``how`` column."""

    vocabulary: Vocabulary
    how: str


def _label_index(layers: Iterable[Layer]) -> dict[str, tuple[str, str]]:
    """Spelling key -> (concept id, how); earlier layers win, and within a layer earlier rows."""
    index: dict[str, tuple[str, str]] = {}
    for layer in layers:
        for key, value in _layer_index(layer.vocabulary, layer.how).items():
            index.setdefault(key, value)
    return index


@functools.lru_cache(maxsize=8)
def _layer_index(vocabulary: Vocabulary, how: str) -> dict[str, tuple[str, str]]:
    """One vocabulary's spelling keys, built once per process for each vocabulary.

    :func:`read_vocabulary` hands back the same vocabulary while a file's bytes
    are unchanged, so the shipped vocabulary's index (2,839 labels, two spelling
    keys each) is built once. The result is shared: read it, never change it.
    """
    own: dict[str, tuple[str, str]] = {}
    for concept in vocabulary.concepts:
        for label in concept.labels:
            for spelling_key in (fingerprint(label), "#" + joined_key(label)):
                if spelling_key and spelling_key != "#":
                    own.setdefault(spelling_key, (concept.id, how))
    return own


def merged_concepts(layers: Iterable[Layer]) -> dict[str, VocabConcept]:
    """Concept id -> definition, the first layer defining an id winning whole."""
    out: dict[str, VocabConcept] = {}
    for layer in layers:
        for concept in layer.vocabulary.concepts:
            out.setdefault(concept.id, concept)
    return out


class _Groups:
    """Union-find over value indexes."""

    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _steep(concept_id: str | None, definitions: Mapping[str, VocabConcept]) -> str | None:
    seen: set[str] = set()
    while concept_id and concept_id in definitions and concept_id not in seen:
        seen.add(concept_id)
        definition = definitions[concept_id]
        if definition.steep:
            return definition.steep
        concept_id = definition.broader
    return None


def assign_concepts(values: pd.DataFrame, layers: list[Layer]) -> pd.DataFrame:
    """The ``concepts`` table for the tag rows in ``values``.

    ``values`` has the tags columns ``doc_id``, ``list`` and ``value_norm`` (any
    list; only :data:`CONCEPT_LISTS` are used). The result has one row per
    (list, value_norm), with the columns of :data:`CONCEPT_COLUMNS`.
    """
    rows = values[values["list"].isin(CONCEPT_LISTS)]
    rows = rows[rows["value_norm"].notna()]
    # Work on integer codes: the tags table is large, its distinct values few.
    value_codes, value_names = pd.factorize(rows["value_norm"])
    doc_codes, doc_names = pd.factorize(rows["doc_id"])
    value_codes = np.asarray(value_codes, dtype=np.int64)
    doc_codes = np.asarray(doc_codes, dtype=np.int64)
    values_list = [str(v) for v in value_names.tolist()]
    # one entry per (value, document), sorted by value: counts and co-occurrence need no more
    pairs_codes = np.unique(value_codes * max(len(doc_names), 1) + doc_codes)
    pair_values = pairs_codes // max(len(doc_names), 1)
    counts = np.bincount(pair_values, minlength=len(values_list))
    docs = dict(zip(values_list, counts.tolist(), strict=True))
    distinct = sorted(docs)
    doc_sets = _DocSets(values_list, pair_values, pairs_codes % max(len(doc_names), 1))
    list_codes, list_index = pd.factorize(rows["list"])
    # plain lists: indexing an Arrow-backed pandas Index one item at a time is slow
    list_names = [str(name) for name in list_index.tolist()]
    list_value = np.unique(np.asarray(list_codes, np.int64) * len(values_list) + value_codes)
    pairs = pd.DataFrame(
        {
            "list": [list_names[c] for c in (list_value // max(len(values_list), 1)).tolist()],
            "value_norm": [
                values_list[c] for c in (list_value % max(len(values_list), 1)).tolist()
            ],
        }
    )
    # a row without its written form counts as written like its key (a -1 code
    # would otherwise be read as another value's spelling)
    raw = rows["value"].fillna(rows["value_norm"]) if "value" in rows else rows["value_norm"]
    raw_codes, raw_index = pd.factorize(raw)
    raw_names = [str(name) for name in raw_index.tolist()]
    written, written_counts = np.unique(
        value_codes * max(len(raw_names), 1) + np.asarray(raw_codes, np.int64), return_counts=True
    )
    # how a spelling is most often written (case kept: "AI", "ChatGPT"): a concept's label
    usual: dict[str, tuple[int, str]] = {}
    for code, count in zip(written.tolist(), written_counts.tolist(), strict=True):
        value = values_list[code // max(len(raw_names), 1)]
        text = " ".join(raw_names[code % max(len(raw_names), 1)].split())
        best = usual.get(value)
        if best is None or (-count, text) < (-best[0], best[1]):
            usual[value] = (count, text)
    # values written in capitals somewhere: the evidence that a short value is an acronym
    shouted = {
        values_list[code // max(len(raw_names), 1)]
        for code in written.tolist()
        if len(values_list[code // max(len(raw_names), 1)]) <= 8
        and _written_as_acronym(raw_names[code % max(len(raw_names), 1)])
    }
    definitions = merged_concepts(layers)
    label_index = _label_index(layers)

    concept_of: dict[str, str] = {}
    how_of: dict[str, str] = {}
    auto: list[str] = []
    spelled_as: dict[str, str] = {}  # value -> the spelling it is grouped under
    for value in distinct:
        spelling = value
        tail = trailing_acronym(value)
        if tail is not None:
            spelling = tail[0]
            how_of[value] = HOW_ACRONYM
        claim = label_index.get(fingerprint(spelling)) or label_index.get(
            "#" + joined_key(spelling)
        )
        if claim is not None:
            concept_of[value], how = claim
            how_of.setdefault(value, how)
            how_of[value] = how
            continue
        spelled_as[value] = spelling
        auto.append(value)

    # -- automatic groups: one spelling key in common --------------------------
    groups = _Groups(len(auto))
    first_with: dict[str, int] = {}
    for i, value in enumerate(auto):
        spelling = spelled_as[value]
        for key in (fingerprint(spelling), "#" + joined_key(spelling)):
            if key in ("", "#"):
                continue
            j = first_with.setdefault(key, i)
            groups.union(i, j)
    members: dict[int, list[str]] = defaultdict(list)
    for i, value in enumerate(auto):
        members[groups.find(i)].append(value)

    def representative(group: list[str]) -> str:
        return min(group, key=lambda v: (-docs[v], len(v), v))

    # -- acronyms: a short group joins the one concept spelt out by its letters --
    distinct_pairs = _rejections(definitions)
    expansions: dict[str, set[str]] = defaultdict(set)  # initials -> unit ids
    unit_labels: dict[str, list[str]] = defaultdict(list)
    for root, group in members.items():
        unit = f"auto:{root}"
        unit_labels[unit] = [spelled_as[v] for v in group]
    for value, concept_id in concept_of.items():
        unit_labels[f"vocab:{concept_id}"].append(value)
    for concept_id in {c for c in concept_of.values()}:
        unit_labels[f"vocab:{concept_id}"].extend(definitions[concept_id].labels)
    for unit, labels in unit_labels.items():
        for label in labels:
            for letters in expansion_initials(label):
                expansions[letters].add(unit)

    def unit_docs(unit: str) -> set[int]:
        return set().union(*(doc_sets.get(v, set()) for v in unit_labels[unit]))

    absorbed: dict[int, str] = {}  # auto group root -> unit it joins
    for root, group in members.items():
        rep = representative(group)
        if not all(is_acronym_shape(spelled_as[v]) for v in group):
            continue
        if not any(v in shouted for v in group):
            continue
        letters = acronym_key(spelled_as[rep])
        candidates = [
            unit
            for unit in expansions.get(letters, set()) - {f"auto:{root}"}
            if not any(letters in fold(label).split() for label in unit_labels[unit])
        ]
        acronym_docs = set().union(*(doc_sets[v] for v in group))
        target = _clear_winner(acronym_docs, {unit: unit_docs(unit) for unit in candidates})
        if target is None:
            continue
        target_labels = {fold(x) for x in unit_labels[target]}
        if any(fold(v) in distinct_pairs.get(t, set()) for v in group for t in target_labels):
            continue
        absorbed[root] = target

    def unit_root(unit: str) -> str:
        seen = set()
        while unit.startswith("auto:") and int(unit[5:]) in absorbed and unit not in seen:
            seen.add(unit)
            unit = absorbed[int(unit[5:])]
        return unit

    # -- ids and labels of the automatic concepts ------------------------------
    taken = set(definitions)
    auto_id: dict[int, str] = {}
    auto_label: dict[int, str] = {}
    for root in sorted(members, key=lambda r: representative(members[r])):
        if root in absorbed:
            continue
        rep = representative(members[root])
        base = slug(spelled_as[rep])
        concept_id, n = base, 2
        while concept_id in taken:
            concept_id, n = f"{base}-{n}", n + 1
        taken.add(concept_id)
        auto_id[root] = concept_id
        auto_label[root] = usual[rep][1] if rep in usual else rep

    label_of: dict[str, str] = {cid: d.label for cid, d in definitions.items()}
    broader_of: dict[str, str | None] = {cid: d.broader for cid, d in definitions.items()}
    for root, group in members.items():
        final = unit_root(f"auto:{root}")
        rep = representative(group)
        for value in group:
            if final.startswith("vocab:"):
                concept_of[value] = final[6:]
                how_of[value] = HOW_ACRONYM
                continue
            target_root = int(final[5:])
            concept_of[value] = auto_id[target_root]
            label_of[auto_id[target_root]] = auto_label[target_root]
            if target_root != root:
                how_of[value] = HOW_ACRONYM
            elif value in how_of:  # "term (ACR)"
                pass
            elif value == rep:
                how_of[value] = HOW_SAME
            elif plain_key(value) == plain_key(rep) or fold(value).replace(" ", "") == fold(
                rep
            ).replace(" ", ""):
                how_of[value] = HOW_SPELLING
            else:
                how_of[value] = HOW_PLURAL

    out = pairs.copy()
    out["concept"] = out["value_norm"].map(concept_of)
    out["label"] = out["concept"].map(label_of)
    out["broader"] = out["concept"].map(lambda c: broader_of.get(c))
    out["how"] = out["value_norm"].map(how_of)
    out["steep"] = out["concept"].map(lambda c: _steep(c, definitions))
    out = out.sort_values(["list", "value_norm"], kind="stable").reset_index(drop=True)
    return out[list(CONCEPT_COLUMNS)]


class _DocSets:
    """The documents of a value (as document codes), looked up only for the few that need them."""

    def __init__(self, values: list[str], pair_values: np.ndarray, pair_docs: np.ndarray) -> None:
        self._code = {value: code for code, value in enumerate(values)}
        self._pair_values = pair_values
        self._pair_docs = pair_docs

    def get(self, value: str, default: set[int] | None = None) -> set[int]:
        code = self._code.get(value)
        if code is None:
            return default if default is not None else set()
        start, stop = np.searchsorted(self._pair_values, [code, code + 1])
        return set(self._pair_docs[start:stop].tolist())

    def __getitem__(self, value: str) -> set[int]:
        return self.get(value)


def _clear_winner(acronym_docs: set[int], candidates: dict[str, set[int]]) -> str | None:
    """The one expansion an acronym stands for, or None.

    Only expansions found in the same document as the acronym at least once
    count (``eu`` never meets *ethical use* in a document; ``ia`` meets
    *intelligence artificielle* in two). If several do, the one sharing at
    least twice as many documents as the next wins (``llm``: *large language
    models*, not *limitations of language models*); otherwise none: a wrong
    merge is worse than a missed one.
    """
    shared = {unit: len(acronym_docs & docs) for unit, docs in candidates.items()}
    ranked = sorted((unit for unit, n in shared.items() if n), key=lambda u: (-shared[u], u))
    if not ranked:
        return None
    if len(ranked) == 1 or shared[ranked[0]] >= 2 * shared[ranked[1]]:
        return ranked[0]
    return None


def _written_as_acronym(text: str) -> bool:
    """``IA``, ``LLMs``, ``EV``: capitals (a plural ``s`` allowed), not ``amis``."""
    letters = text.strip().rstrip("s")
    return len(letters) >= 2 and letters.isupper()


def _rejections(definitions: Mapping[str, VocabConcept]) -> dict[str, set[str]]:
    """Folded label -> folded labels it must never be merged with (both directions)."""
    out: dict[str, set[str]] = defaultdict(set)
    for concept in definitions.values():
        for other in concept.distinct_from:
            for label in concept.labels:
                out[fold(label)].add(fold(other))
                out[fold(other)].add(fold(label))
    return out


def concept_counts(concepts: pd.DataFrame) -> Counter[str]:
    return Counter(concepts["concept"])
