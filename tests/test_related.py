"""Related signals: the same signal elsewhere first, then ranked by wording and tags.

Each test builds a tiny corpus by hand, so what should be related (and what
must never be) is known exactly.
"""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

from loaders import Corpus
from seedscope.explore import Explorer
from seedscope.related import RELATED_COLUMNS, RelatedIndex, normalise_name, tokenize

TEXT_COLUMNS = ("doc_id", "section", "name", "description", "change", "ten_year")


def make_corpus(
    docs: dict[str, dict],
    *,
    categorical: bool = True,
) -> Corpus:
    """A corpus from ``{doc_id: {signals: [(name, description, relevancy)], themes, ...}}``."""
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
        for position, (name, description, relevancy) in enumerate(spec.get("signals", [])):
            entries.append(
                {
                    "doc_id": doc_id,
                    "section": "Signals",
                    "position": position,
                    "name": name,
                    "description": description,
                    "change": None,
                    "ten_year": None,
                    "driving_force": None,
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


def index_of(docs: dict[str, dict], **options: bool) -> RelatedIndex:
    return RelatedIndex(Explorer(make_corpus(docs, **options)))


#: Filler documents that make "growth" and "market" common words.
FILLER = {
    f"filler{i}": {"signals": [(f"Growth of {topic}", f"The {topic} market keeps growing.", 3)]}
    for i, topic in enumerate(["tourism", "cinema", "farming", "retail", "shipping", "mining"])
}


def test_same_name_in_another_document_ranks_first() -> None:
    index = index_of(
        {
            "src": {"signals": [("Smart Grid Batteries", "Utilities store power.", 4)]},
            # shares many words but is a different signal
            "close": {
                "signals": [
                    ("Smart grid battery storage", "Utilities store power in batteries.", 5)
                ]
            },
            # same signal, written differently, otherwise unrelated wording
            "same": {"signals": [("smart-grid  batteries.", "Something else entirely.", 2)]},
            **FILLER,
        }
    )
    related = index.related("src", 0)
    assert list(related.columns) == list(RELATED_COLUMNS)
    assert related.iloc[0]["doc_id"] == "same"
    assert related.iloc[0]["reasons"].startswith("same name")
    # first because it is the same signal, although its wording scores lower
    assert related.iloc[0]["score"] < related.iloc[1]["score"]
    assert related.iloc[1]["doc_id"] == "close"
    assert "same name" not in related.iloc[1]["reasons"]
    assert "similar wording" in related.iloc[1]["reasons"]


def test_sharing_rare_words_outranks_sharing_common_words() -> None:
    index = index_of(
        {
            "src": {"signals": [("Growth of vanadium flow storage", "A growing market.", 3)]},
            "rare": {"signals": [("Vanadium supply", "Mines open in Utah.", 3)]},
            "common": {"signals": [("Growth of streaming", "The market keeps growing.", 3)]},
            **FILLER,
        }
    )
    related = index.related("src", 0)
    ranked = list(related["doc_id"])
    assert ranked.index("rare") < ranked.index("common")
    scores = related.set_index("doc_id")["score"]
    assert scores["rare"] > scores["common"] > 0
    assert related.set_index("doc_id").loc["rare", "reasons"] == "similar wording: vanadium"


def test_tag_overlap_raises_the_score() -> None:
    twin_signal = [("Vanadium supply", "Mines open.", 3)]
    index = index_of(
        {
            "src": {
                "signals": [("Vanadium flow storage", "Batteries for the grid.", 3)],
                "themes": ["Energy", "Storage"],
                "keywords": ["vanadium"],
            },
            "tagged": {"signals": twin_signal, "themes": ["Energy"], "keywords": ["vanadium"]},
            "untagged": {"signals": twin_signal, "themes": ["Cinema"]},
            **FILLER,
        }
    )
    related = index.related("src", 0).set_index("doc_id")
    assert related.loc["tagged", "score"] > related.loc["untagged", "score"]
    assert list(related.index[:2]) == ["tagged", "untagged"]
    assert "shared themes: energy" in related.loc["tagged", "reasons"]
    assert "shared keywords: vanadium" in related.loc["tagged", "reasons"]
    assert "shared" not in related.loc["untagged", "reasons"]


def test_documents_on_the_same_themes_relate_even_without_shared_words() -> None:
    index = index_of(
        {
            "src": {"signals": [("Vanadium flow storage", "", 3)], "themes": ["energy"]},
            "topic": {"signals": [("Offshore wind farms", "", 3)], "themes": ["energy"]},
            "other": {"signals": [("Cinema attendance", "", 3)], "themes": ["film"]},
        }
    )
    related = index.related("src", 0)
    assert list(related["doc_id"]) == ["topic"]
    assert related.iloc[0]["reasons"] == "shared themes: energy"
    assert 0 < related.iloc[0]["score"] < 1


def test_same_document_and_its_duplicates_are_excluded() -> None:
    signal = ("Vanadium flow storage", "Batteries for the grid.", 4)
    index = index_of(
        {
            "orig": {"signals": [signal, signal, ("Vanadium prices", "", 3)]},
            "copy": {"signals": [signal], "duplicate_of": "orig"},
            "copy2": {"signals": [signal], "duplicate_of": "orig"},
            "elsewhere": {"signals": [signal]},
        }
    )
    for doc_id in ("orig", "copy"):
        related = index.related(doc_id, 0)
        assert list(related["doc_id"]) == ["elsewhere"], doc_id
    # from a third document, the whole group is fair game (each document once)
    related = index.related("elsewhere", 0)
    same = related[related["reasons"] == "same name"]
    assert sorted(same["doc_id"]) == ["copy", "copy2", "orig"]
    # the repeated signal in "orig" is listed once, at its first position; its
    # other signal is merely similar and comes after the same-name rows
    assert list(related.loc[related["doc_id"] == "orig", "position"]) == [0, 2]
    assert list(related["reasons"][3:]) == ["similar wording: vanadium"]


def test_unknown_signal_gives_an_empty_frame_with_the_columns() -> None:
    index = index_of({"src": {"signals": [("Vanadium", "", 3)], "concerns": [("Risk", "", 3)]}})
    for doc_id, position in (("nope", 0), ("src", 5), ("src", -1)):
        related = index.related(doc_id, position)
        assert related.empty
        assert list(related.columns) == list(RELATED_COLUMNS)
    # a lone signal has nothing related either
    assert index.related("src", 0).empty


def test_only_signals_are_candidates_and_k_limits_the_rows() -> None:
    docs = {
        "src": {"signals": [("Vanadium flow storage", "", 3)]},
        "concern": {"concerns": [("Vanadium flow storage", "", 3)]},
    }
    docs.update(
        {f"d{i}": {"signals": [(f"Vanadium item {i}", "", 3)]} for i in range(12)},
    )
    index = index_of(docs)
    related = index.related("src", 0, k=5)
    assert len(related) == 5
    assert "concern" not in set(related["doc_id"])
    assert len(index.related("src", 0)) == 8


def test_ties_go_to_higher_relevancy_then_newer_pages() -> None:
    index = index_of(
        {
            "src": {"signals": [("Vanadium flow storage", "", 3)]},
            "low": {"signals": [("Vanadium supply", "", 2)], "date": "2025-01-01"},
            "high_old": {"signals": [("Vanadium supply", "", 5)], "date": "2020-01-01"},
            "high_new": {"signals": [("Vanadium supply", "", 5)], "date": "2024-01-01"},
        }
    )
    assert list(index.related("src", 0)["doc_id"]) == ["high_new", "high_old", "low"]


def test_result_rows_carry_document_title_date_and_relevancy() -> None:
    index = index_of(
        {
            "src": {"signals": [("Vanadium flow storage", "", 3)]},
            "other": {
                "signals": [("Vanadium supply", "", 4.0)],
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
    assert row["name"] == "Vanadium supply"
    assert row["position"] == 0


def test_same_signal_lists_every_occurrence_oldest_first() -> None:
    index = index_of(
        {
            "late": {"signals": [("AI-Driven Grids", "", 3)], "date": "2025-01-01"},
            "early": {
                "signals": [("other", "", 1), ("ai driven grids", "", 4)],
                "date": "2021-01-01",
            },
            "unrelated": {"signals": [("AI grids", "", 3)]},
        }
    )
    found = index.same_signal("AI driven grids!")
    assert list(found["doc_id"]) == ["early", "late"]
    assert list(found["position"]) == [1, 0]
    assert list(found.columns) == ["doc_id", "position", "name", "title", "page_date", "relevancy"]
    assert index.same_signal("nothing like it").empty
    assert index.same_signal("").empty


def test_a_corpus_without_signals_builds_and_answers_empty() -> None:
    index = index_of({"a": {"concerns": [("Risk", "", 3)]}})
    assert index.related("a", 0).empty
    assert index.same_signal("Risk").empty


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The Rise of Smart Grids", ["rise", "smart", "grid"]),
        ("Les énergies de l'avenir, l'énergie", ["énergie", "avenir"]),
        ("Technologies, technology, technologie", ["technologie"]),
        ("Business analysis; monkeys and a monkey", ["business", "analysi", "monkey"]),
        (None, []),
    ],
)
def test_tokenize_keeps_content_words(text: str | None, expected: list[str]) -> None:
    assert tokenize(text) == expected


def test_normalise_name_folds_case_punctuation_and_spacing_but_keeps_accents() -> None:
    assert normalise_name("  AI-driven   Grids. ") == normalise_name("ai driven grids")
    assert normalise_name("Énergie") != normalise_name("Energie")
    assert normalise_name(float("nan")) == ""


def test_the_module_never_imports_streamlit() -> None:
    """Pure logic stays importable (and testable) without the UI framework."""
    code = "import sys, seedscope.related; assert 'streamlit' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_one_shared_common_word_is_not_enough_when_asked(corpus_dir, tmp_path_factory) -> None:
    """Real corpus: 'Female Radicalisation' shares only 'women' with 'Women Rider
    Preference', but 'women' plus the theme feminism with 'Exclusion of Women
    from Philosophy'."""
    from loaders import load_corpus

    explorer = Explorer(load_corpus(corpus_dir, tmp_path_factory.mktemp("related-real")))
    index = RelatedIndex(explorer)
    loose = index.related("00344fccd0922ea64c011f2e3e163153", 0, k=8)
    strict = index.related("00344fccd0922ea64c011f2e3e163153", 0, k=8, min_shared_words=2)
    assert "Women Rider Preference" in loose["name"].tolist()
    assert "Women Rider Preference" not in strict["name"].tolist()
    assert strict["name"].tolist()[0] == "Exclusion of Women from Philosophy"
