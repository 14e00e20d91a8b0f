"""Related signals by meaning: the whole signal's wording and its document's concepts.

Each test builds a tiny corpus by hand, so what should be related (and what
must never be) is known exactly.
"""

from __future__ import annotations

import subprocess
import sys

import pandas as pd

from loaders import Corpus
from seedscope.explore import Explorer
from seedscope.related import RELATED_COLUMNS, RelatedIndex

TEXT_COLUMNS = ("doc_id", "section", "name", "description", "change", "ten_year")


def make_corpus(
    docs: dict[str, dict],
    *,
    categorical: bool = True,
) -> Corpus:
    """A corpus from ``{doc_id: {signals: [(name, description, relevancy[, change,
    ten_year, driving_force])], themes, keywords, concerns, ...}}``."""
    documents, entries, tags = [], [], []
    for doc_id, spec in docs.items():
        documents.append(
            {
                "doc_id": doc_id,
                "path": f"{doc_id}.md",
                "title": spec.get("title", f"Title of {doc_id}"),
                "page_date": pd.Timestamp(spec.get("date", "2024-01-01")),
                "page_url": None,
                "source_url": None,
                "category": "News",
                "doc_type": "Article",
                "summary": "",
                "sha256": doc_id,
                "sections": ["Signals"],
                "duplicate_of": spec.get("duplicate_of"),
            }
        )
        for position, signal in enumerate(spec.get("signals", [])):
            name, description, relevancy, *rest = signal
            change, ten_year, driving_force = (*rest, None, None, None)[:3]
            entries.append(
                {
                    "doc_id": doc_id,
                    "section": "Signals",
                    "position": position,
                    "name": name,
                    "description": description,
                    "change": change,
                    "ten_year": ten_year,
                    "driving_force": driving_force,
                    "relevancy": relevancy,
                    "extra": "{}",
                }
            )
        for position, (name, _description, _relevancy) in enumerate(spec.get("concerns", [])):
            entries.append(
                {
                    "doc_id": doc_id,
                    "section": "Concerns",
                    "position": position,
                    "name": name,
                    "description": None,
                    "change": None,
                    "ten_year": None,
                    "driving_force": None,
                    "relevancy": None,
                    "extra": "{}",
                }
            )
        for list_name, key in (("Themes", "themes"), ("Keywords", "keywords")):
            for position, value in enumerate(spec.get(key, [])):
                tags.append(
                    {
                        "doc_id": doc_id,
                        "list": list_name,
                        "position": position,
                        "value": value,
                        "value_norm": value.casefold(),
                        "link": None,
                    }
                )
    entry_columns = [
        "doc_id",
        "section",
        "position",
        "name",
        "description",
        "change",
        "ten_year",
        "driving_force",
        "relevancy",
        "extra",
    ]
    tag_columns = ["doc_id", "list", "position", "value", "value_norm", "link"]
    documents_df = pd.DataFrame(documents)
    entries_df = pd.DataFrame(entries, columns=entry_columns)
    entries_df["relevancy"] = entries_df["relevancy"].astype("float64")
    tags_df = pd.DataFrame(tags, columns=tag_columns)
    if categorical:  # what load_corpus hands out
        for column in TEXT_COLUMNS:
            entries_df[column] = entries_df[column].astype("category")
        for column in ("doc_id", "list", "value", "value_norm"):
            tags_df[column] = tags_df[column].astype("category")
        documents_df["duplicate_of"] = documents_df["duplicate_of"].astype("category")
    problems = pd.DataFrame(columns=["path", "doc_id", "line", "severity", "message"])
    return Corpus(documents_df, entries_df, tags_df, problems)


def index_of(
    docs: dict[str, dict],
    *,
    concepts: dict[str, str] | None = None,
    clusters: list[tuple[str, int, str]] | None = None,
    categorical: bool = True,
) -> RelatedIndex:
    """An index over ``docs``; ``concepts`` maps a tag value to its concept, ``clusters``
    lists (doc_id, position, cluster) for signals reported more than once."""
    corpus = make_corpus(docs, categorical=categorical)
    concept_of = {
        (lst, value): (concepts or {}).get(value, value)
        for lst, value in zip(corpus.tags["list"], corpus.tags["value_norm"], strict=True)
    }
    frame = None
    if clusters:
        frame = pd.DataFrame(clusters, columns=["doc_id", "position", "cluster"])
        frame["cluster_size"] = frame.groupby("cluster")["doc_id"].transform("nunique")
    return RelatedIndex(Explorer(corpus), concept_of, {}, frame)


#: Filler documents that make "growth" and "market" common words.
FILLER = {
    f"filler{i}": {"signals": [(f"Growth of {topic}", f"The {topic} market keeps growing.", 3)]}
    for i, topic in enumerate(["tourism", "cinema", "farming", "retail", "shipping", "mining"])
}


def test_sharing_rare_words_outranks_sharing_common_words() -> None:
    index = index_of(
        {
            "src": {"signals": [("Growth of vanadium flow storage", "A growing market.", 3)]},
            "rare": {"signals": [("Vanadium supply", "Mines open in Utah and new flows.", 3)]},
            "common": {"signals": [("Growth of streaming", "The market keeps growing.", 3)]},
            **FILLER,
        }
    )
    related = index.related("src", 0)
    ranked = list(related["doc_id"])
    assert ranked[0] == "rare"
    assert "similar wording: vanadium" in related.iloc[0]["reasons"]


def test_the_whole_signal_counts_not_only_its_name() -> None:
    outcome = "Cities run on vanadium flow batteries by 2035."
    index = index_of(
        {
            "src": {"signals": [("Grid storage", "Utilities buy cells.", 3, None, outcome)]},
            "outcome": {"signals": [("Municipal procurement", "", 3, None, outcome)]},
            "nothing": {"signals": [("Cinema attendance", "Fewer tickets sold.", 3)]},
            **FILLER,
        }
    )
    related = index.related("src", 0, min_score=0)
    assert list(related["doc_id"]) == ["outcome"]
    assert related.iloc[0]["reasons"].startswith("similar wording: ")
    shown = related.iloc[0]["reasons"].removeprefix("similar wording: ").split(", ")
    assert set(shown) <= set(outcome.lower().rstrip(".").split())


def test_documents_about_the_same_concept_relate_across_spellings() -> None:
    signal = [("Vanadium flow supply", "Mines open.", 3)]
    index = index_of(
        {
            "src": {
                "signals": [("Vanadium flow storage", "Batteries for the grid.", 3)],
                "themes": ["intelligence artificielle"],
            },
            "same_concept": {"signals": signal, "themes": ["AI"]},
            "other_concept": {"signals": signal, "themes": ["cinema"]},
            **FILLER,
        },
        concepts={
            "intelligence artificielle": "artificial-intelligence",
            "ai": "artificial-intelligence",
        },
    )
    related = index.related("src", 0).set_index("doc_id")
    assert list(related.index) == ["same_concept", "other_concept"]
    assert related.loc["same_concept", "score"] > related.loc["other_concept", "score"]
    assert "same concepts: artificial-intelligence" in related.loc["same_concept", "reasons"]
    assert "same concepts" not in related.loc["other_concept", "reasons"]


def test_one_shared_word_alone_is_not_a_relation() -> None:
    index = index_of(
        {
            "src": {"signals": [("Women in philosophy", "Few chairs go to women.", 3)]},
            "rider": {"signals": [("Women rider preference", "Drivers are chosen by riders.", 3)]},
            **FILLER,
        }
    )
    assert index.related("src", 0).empty


def test_a_signal_seen_in_several_documents_is_one_entry() -> None:
    signal = ("Vanadium supply", "Mines open in Utah.", 4)
    index = index_of(
        {
            "src": {"signals": [("Vanadium flow storage", "Mines feed batteries.", 3)]},
            "a": {"signals": [signal]},
            "b": {"signals": [signal]},
            "c": {"signals": [signal]},
            "twin": {"signals": [("Vanadium flow storage", "Mines feed batteries.", 3)]},
            **FILLER,
        },
        clusters=[
            ("a", 0, "supply"),
            ("b", 0, "supply"),
            ("c", 0, "supply"),
            ("src", 0, "storage"),
            ("twin", 0, "storage"),
        ],
    )
    related = index.related("src", 0, min_score=0)
    assert related["cluster"].tolist() == ["supply"]
    assert related["seen_in"].tolist() == [3]
    # the source's own cluster is the signal itself, not a related one
    assert "twin" not in related["doc_id"].tolist()
    assert index.cluster_of("twin", 0) == ("storage", 2)


def test_same_document_and_its_duplicates_are_excluded() -> None:
    signal = ("Vanadium flow storage", "Batteries for the grid.", 4)
    index = index_of(
        {
            "orig": {"signals": [signal, ("Vanadium flow prices", "Batteries cost less.", 3)]},
            "copy": {"signals": [signal], "duplicate_of": "orig"},
            "elsewhere": {"signals": [signal]},
        }
    )
    for doc_id in ("orig", "copy"):
        assert list(index.related(doc_id, 0)["doc_id"]) == ["elsewhere"], doc_id


def test_unknown_signal_gives_an_empty_frame_with_the_columns() -> None:
    index = index_of({"src": {"signals": [("Vanadium", "", 3)], "concerns": [("Risk", "", 3)]}})
    for doc_id, position in (("nope", 0), ("src", 5), ("src", -1)):
        related = index.related(doc_id, position)
        assert related.empty
        assert list(related.columns) == list(RELATED_COLUMNS)
    assert index.related("src", 0).empty


def test_only_signals_are_candidates_and_k_limits_the_rows() -> None:
    docs = {
        "src": {"signals": [("Vanadium flow storage", "", 3)]},
        "concern": {"concerns": [("Vanadium flow storage", "", 3)]},
    }
    docs.update({f"d{i}": {"signals": [(f"Vanadium flow item {i}", "", 3)]} for i in range(12)})
    index = index_of(docs)
    related = index.related("src", 0, k=5, min_score=0)
    assert len(related) == 5
    assert "concern" not in set(related["doc_id"])
    assert len(index.related("src", 0, min_score=0)) == 8


def test_ties_go_to_higher_relevancy_then_newer_pages() -> None:
    index = index_of(
        {
            "src": {"signals": [("Vanadium flow storage", "", 3)]},
            "low": {"signals": [("Vanadium flow supply", "", 2)], "date": "2025-01-01"},
            "high_old": {"signals": [("Vanadium flow supply", "", 5)], "date": "2020-01-01"},
            "high_new": {"signals": [("Vanadium flow supply", "", 5)], "date": "2024-01-01"},
        }
    )
    assert list(index.related("src", 0)["doc_id"]) == ["high_new", "high_old", "low"]


def test_result_rows_carry_document_title_date_and_relevancy() -> None:
    index = index_of(
        {
            "src": {"signals": [("Vanadium flow storage", "", 3)]},
            "other": {
                "signals": [("Vanadium flow supply", "", 4.0)],
                "title": "Mines of Utah",
                "date": "2023-05-06",
            },
        },
        categorical=False,
    )
    row = index.related("src", 0).iloc[0]
    assert row["title"] == "Mines of Utah"
    assert row["page_date"] == pd.Timestamp("2023-05-06")
    assert row["relevancy"] == 4.0
    assert row["name"] == "Vanadium flow supply"
    assert row["position"] == 0
    assert row["seen_in"] == 1


def test_a_corpus_without_signals_builds_and_answers_empty() -> None:
    index = index_of({"a": {"concerns": [("Risk", "", 3)]}})
    assert index.related("a", 0).empty
    assert index.cluster_of("a", 0) == (None, 0)


def test_the_module_never_imports_streamlit() -> None:
    """Pure logic stays importable (and testable) without the UI framework."""
    code = "import sys, seedscope.related; assert 'streamlit' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)
