"""Each automatic merge rule of the concepts, one small case per rule, and the traps.

The rule the issue sets: synonyms, spelling and number variants, acronym <->
expansion and translations are one concept; broader/narrower or merely related
ideas stay apart. The automatic rules here cover spelling, plurals and
acronyms; translations and synonyms come from vocabularies (tested elsewhere).
"""

from __future__ import annotations

import pandas as pd
import pytest

from loaders.concepts.assign import assign_concepts
from loaders.concepts.keys import fingerprint, joined_key


def concepts_of(*docs: list[str], lists: str = "Keywords") -> dict[str, str]:
    """value_norm -> concept for a corpus whose document i has the values docs[i]."""
    rows = [
        {"doc_id": f"d{i}", "list": lists, "value": value, "value_norm": value.casefold()}
        for i, values in enumerate(docs)
        for value in values
    ]
    table = assign_concepts(pd.DataFrame(rows), [])
    return dict(zip(table["value_norm"], table["concept"], strict=True))


def same(a: str, b: str) -> bool:
    return fingerprint(a) == fingerprint(b) or joined_key(a) == joined_key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Vie privée", "vie privee"),  # accents
        ("ÉCONOMIE", "économie"),  # case
        ("open-source", "open source"),  # hyphens
        ("cyber security", "cybersecurity"),  # spaces
        ("generative a.i.", "generative ai"),  # punctuation
        ("change, climate", "climate change"),  # word order
        ("knowledge graphs", "knowledge graph"),  # English plural
        ("technologies", "technology"),  # -ies
        ("approaches", "approach"),  # -es
        ("boxes", "box"),  # -xes
        ("données", "donnée"),  # French plural
        ("journaux", "journal"),  # French -aux
        ("réseaux sociaux", "réseau social"),  # French -eaux and -aux
        ("jeux", "jeu"),  # French -x
        ("LLMs", "LLM"),  # acronym plural
    ],
)
def test_spellings_of_one_idea_share_a_key(a: str, b: str) -> None:
    assert same(a, b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("news", "new"),
        ("physics", "physic"),
        ("economics", "economy"),
        ("plan", "plane"),
        ("north korea", "south korea"),
        ("ai ethics", "ai"),
        ("energy", "energy transition"),
        ("oyster farmers", "oystercatchers"),
        ("vie", "vie privée"),
    ],
)
def test_different_ideas_keep_different_keys(a: str, b: str) -> None:
    assert not same(a, b)


def test_spelling_and_plural_variants_become_one_concept_named_after_the_common_one() -> None:
    concepts = concepts_of(["knowledge graphs"], ["knowledge graphs"], ["knowledge graph"])
    assert concepts["knowledge graph"] == concepts["knowledge graphs"] == "knowledge-graphs"


def test_an_acronym_joins_its_expansion_when_written_in_capitals_and_seen_together() -> None:
    rows = [
        {"doc_id": "d1", "list": "Keywords", "value": "IA", "value_norm": "ia"},
        {
            "doc_id": "d1",
            "list": "Themes",
            "value": "intelligence artificielle",
            "value_norm": "intelligence artificielle",
        },
        {"doc_id": "d2", "list": "Keywords", "value": "IA", "value_norm": "ia"},
    ]
    table = assign_concepts(pd.DataFrame(rows), [])
    concept = dict(zip(table["value_norm"], table["concept"], strict=True))
    how = dict(zip(table["value_norm"], table["how"], strict=True))
    assert concept["ia"] == concept["intelligence artificielle"]
    assert how["ia"] == "acronym"


def test_a_lower_case_word_is_not_taken_for_an_acronym() -> None:
    # French "amis" (friends) spells the initials of "advances in medical imaging"
    rows = [
        {"doc_id": "d1", "list": "Keywords", "value": "amis", "value_norm": "amis"},
        {
            "doc_id": "d1",
            "list": "Keywords",
            "value": "advances in medical imaging",
            "value_norm": "advances in medical imaging",
        },
    ]
    table = assign_concepts(pd.DataFrame(rows), [])
    assert table["concept"].nunique() == 2


def test_an_acronym_never_seen_with_its_expansion_stays_apart() -> None:
    # EU (European Union) and "ethical use" share initials, never a document
    rows = [
        {"doc_id": "d1", "list": "Keywords", "value": "EU", "value_norm": "eu"},
        {"doc_id": "d2", "list": "Keywords", "value": "ethical use", "value_norm": "ethical use"},
    ]
    assert assign_concepts(pd.DataFrame(rows), [])["concept"].nunique() == 2


def test_an_ambiguous_acronym_joins_the_expansion_it_is_clearly_seen_with() -> None:
    docs = [
        ("d1", "large language models"),
        ("d2", "large language models"),
        ("d3", "limitations of language models"),
    ]
    rows = [
        {"doc_id": d, "list": "Keywords", "value": "LLMs", "value_norm": "llms"} for d, _ in docs
    ]
    rows += [{"doc_id": d, "list": "Keywords", "value": v, "value_norm": v} for d, v in docs]
    table = assign_concepts(pd.DataFrame(rows), [])
    concept = dict(zip(table["value_norm"], table["concept"], strict=True))
    assert concept["llms"] == concept["large language models"]
    assert concept["llms"] != concept["limitations of language models"]


def test_an_acronym_with_two_equally_likely_expansions_is_left_alone() -> None:
    rows = [
        {"doc_id": "d1", "list": "Keywords", "value": "PR", "value_norm": "pr"},
        {
            "doc_id": "d1",
            "list": "Keywords",
            "value": "public relations",
            "value_norm": "public relations",
        },
        {
            "doc_id": "d1",
            "list": "Keywords",
            "value": "pull requests",
            "value_norm": "pull requests",
        },
    ]
    assert assign_concepts(pd.DataFrame(rows), [])["concept"].nunique() == 3


def test_a_term_written_with_its_acronym_joins_the_term() -> None:
    concepts = concepts_of(["multi project wafer (mpw"], ["multi project wafer"])
    assert concepts["multi project wafer (mpw"] == concepts["multi project wafer"]


def test_themes_and_keywords_share_one_concept_space() -> None:
    rows = [
        {
            "doc_id": "d1",
            "list": "Themes",
            "value": "Climate change",
            "value_norm": "climate change",
        },
        {
            "doc_id": "d2",
            "list": "Keywords",
            "value": "climate changes",
            "value_norm": "climate changes",
        },
    ]
    table = assign_concepts(pd.DataFrame(rows), [])
    assert table["concept"].nunique() == 1
    assert set(table["list"]) == {"Themes", "Keywords"}


def test_other_lists_get_no_concepts() -> None:
    rows = [{"doc_id": "d1", "list": "Closest", "value": "x", "value_norm": "x"}]
    assert assign_concepts(pd.DataFrame(rows), []).empty


def test_each_value_says_how_it_joined_its_concept() -> None:
    rows = [
        {"doc_id": d, "list": "Keywords", "value": v, "value_norm": v}
        for d, v in [
            ("d1", "knowledge graphs"),
            ("d2", "knowledge graphs"),
            ("d3", "knowledge graph"),
            ("d4", "Knowledge-Graphs"),
        ]
    ]
    rows[3]["value_norm"] = "knowledge-graphs"
    table = assign_concepts(pd.DataFrame(rows), [])
    how = dict(zip(table["value_norm"], table["how"], strict=True))
    assert how == {
        "knowledge graphs": "same",
        "knowledge graph": "plural",
        "knowledge-graphs": "spelling",
    }


def test_a_tag_without_its_written_form_takes_no_other_values_spelling() -> None:
    """The label is how a value is most often written; a row whose written form is
    missing counts under its own key, never as another value's spelling."""
    rows = pd.DataFrame(
        {
            "doc_id": ["d0", "d1", "d2", "d3", "d4"],
            "list": ["Keywords"] * 5,
            "value": ["AI", "AI", "ai", None, None],
            "value_norm": ["ai", "ai", "ai", "zeta", "zeta"],
        }
    )
    labels = assign_concepts(rows, []).set_index("value_norm")["label"]
    assert labels["ai"] == "AI"  # written "AI" twice, "ai" once
    assert labels["zeta"] == "zeta"
