"""How well concepts and signal clusters agree with a person, on the real corpus.

The labelled sets live in ``tests/fixtures/concepts/``:

* ``tag_pairs.csv`` — theme/keyword values of ../shared/corpus, two by two,
  judged "same concept" or not by the issue's rule (synonyms, spelling and
  number variants, acronyms and translations are one concept; broader,
  narrower and related ideas are not). ``kind`` says which case a pair tests.
* ``signal_pairs.csv`` — signals of ../shared/corpus judged "the same signal"
  or not; the corpus holds few signals reported twice, so 30 rows are
  hand-written rewordings of a real signal (``kind=paraphrase``), as another
  digest might report it, added to the corpus as a document of their own.

The floors below are what the rules reach today; a change that drops below
them fails here.
"""

from __future__ import annotations

import csv

import pandas as pd
import pytest

from loaders.concepts.assign import Layer, assign_concepts
from loaders.concepts.clusters import cluster_signals
from loaders.concepts.vocabulary import SHIPPED_VOCABULARY, read_vocabulary
from tests.conftest import FIXTURES

LABELS = FIXTURES / "concepts"
#: Targets of the Concepts issue.
SAME_MERGED_AT_LEAST = 0.85
DIFFERENT_APART_AT_LEAST = 0.97
#: Signal clusters: what the rules reach on the labelled set today.
CLUSTER_PRECISION_AT_LEAST = 0.95
CLUSTER_RECALL_AT_LEAST = 0.65


def _rows(name: str) -> list[dict[str, str]]:
    with (LABELS / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def concept_of(real_corpus) -> dict[str, str]:
    layers = [Layer(read_vocabulary(SHIPPED_VOCABULARY), "shipped vocabulary")]
    table = assign_concepts(real_corpus.tags, layers)
    return dict(zip(table["value_norm"], table["concept"], strict=True))


def test_the_tag_pairs_are_a_fair_sample_of_the_corpus(concept_of: dict[str, str]) -> None:
    rows = _rows("tag_pairs.csv")
    missing = {v for row in rows for v in (row["a"], row["b"]) if v not in concept_of}
    assert not missing, f"labelled values not in ../shared/corpus: {sorted(missing)}"
    cross = [r for r in rows if r["kind"] == "translation" or r["kind"].startswith("cross")]
    apart = [r for r in rows if r["same"] == "no" and r["kind"] != "trap"]
    assert len(rows) >= 150 and len(cross) >= 40 and len(apart) >= 40


def test_same_concept_pairs_are_merged_and_different_ones_kept_apart(
    concept_of: dict[str, str],
) -> None:
    rows = _rows("tag_pairs.csv")
    same = [r for r in rows if r["same"] == "yes"]
    different = [r for r in rows if r["same"] == "no"]
    merged = [r for r in same if concept_of[r["a"]] == concept_of[r["b"]]]
    glued = [(r["a"], r["b"]) for r in different if concept_of[r["a"]] == concept_of[r["b"]]]
    assert len(merged) / len(same) >= SAME_MERGED_AT_LEAST, (
        f"{len(merged)}/{len(same)} same-concept pairs merged; missed: "
        f"{[(r['a'], r['b']) for r in same if r not in merged]}"
    )
    assert 1 - len(glued) / len(different) >= DIFFERENT_APART_AT_LEAST, f"glued: {glued}"


def test_concepts_are_far_fewer_than_raw_spellings_where_it_matters(
    real_corpus, concept_of: dict[str, str]
) -> None:
    tags = real_corpus.tags[real_corpus.tags["list"].isin(["Themes", "Keywords"])]
    docs = tags.assign(concept=tags["value_norm"].astype(str).map(concept_of))
    per_value = docs.groupby("value_norm", observed=True)["doc_id"].nunique()
    per_concept = docs.groupby("concept")["doc_id"].nunique()
    assert docs["concept"].nunique() < docs["value_norm"].nunique()
    # the AI documents the issue counted under three spellings are one row now
    ai = concept_of["ai"]
    assert concept_of["artificial intelligence"] == concept_of["intelligence artificielle"] == ai
    assert per_concept[ai] > per_value[["ai", "artificial intelligence"]].max()


def _corpus_with_paraphrases(real_corpus, rows: list[dict[str, str]]):
    entries = real_corpus.entries[["doc_id", "section", "position", "name", "description"]]
    documents = real_corpus.documents[["doc_id", "duplicate_of"]]
    extra_entries, extra_docs = [], []
    for k, row in enumerate(rows):
        if row["kind"] == "paraphrase":
            row["b"] = f"paraphrase-{k}:0"
            extra_entries.append(
                {
                    "doc_id": f"paraphrase-{k}",
                    "section": "Signals",
                    "position": 0,
                    "name": row["b_name"],
                    "description": row["b_description"],
                }
            )
            extra_docs.append({"doc_id": f"paraphrase-{k}", "duplicate_of": None})
    entries = pd.concat([entries.astype(object), pd.DataFrame(extra_entries)], ignore_index=True)
    documents = pd.concat([documents.astype(object), pd.DataFrame(extra_docs)], ignore_index=True)
    return entries, documents


def test_signal_clusters_are_precise_and_find_most_repeats(real_corpus) -> None:
    rows = _rows("signal_pairs.csv")
    assert len(rows) >= 100
    assert sum(r["same"] == "yes" for r in rows) >= len(rows) / 3
    entries, documents = _corpus_with_paraphrases(real_corpus, rows)
    clusters = cluster_signals(entries, documents)
    cluster_of = {
        f"{d}:{p}": c
        for d, p, c in zip(
            clusters["doc_id"], clusters["position"], clusters["cluster"], strict=True
        )
    }
    found = [(r, cluster_of[r["a"]] == cluster_of[r["b"]]) for r in rows]
    true_positive = sum(1 for r, hit in found if hit and r["same"] == "yes")
    false_positive = [r["note"] for r, hit in found if hit and r["same"] == "no"]
    missed = sum(1 for r, hit in found if not hit and r["same"] == "yes")
    precision = true_positive / max(true_positive + len(false_positive), 1)
    recall = true_positive / (true_positive + missed)
    assert precision >= CLUSTER_PRECISION_AT_LEAST, f"glued: {false_positive}"
    assert recall >= CLUSTER_RECALL_AT_LEAST


def test_a_cluster_never_holds_two_signals_of_one_document(real_corpus) -> None:
    clusters = cluster_signals(real_corpus.entries, real_corpus.documents)
    per_doc = clusters.groupby(["cluster", "doc_id"]).size()
    assert (per_doc == 1).all()
    sizes = clusters.groupby("cluster")["doc_id"].nunique()
    assert (clusters["cluster_size"].to_numpy() == sizes[clusters["cluster"]].to_numpy()).all()
