"""A theme or keyword in a link opens the same documents in either view.

Links carry concept ids (``theme=artificial-intelligence``) or, when made
before concepts or in the raw view, spellings (``theme=ai``). In the raw view
("Themes and keywords as written") a concept id that is not itself a spelling
stands for every spelling of the concept, never for nothing.
"""

from __future__ import annotations

import pytest

from seedscope.explore import Explorer
from seedscope.filters import FilterState


@pytest.fixture(scope="module")
def explorer(real_corpus) -> Explorer:
    return Explorer(real_corpus)


def documents(explorer: Explorer, state: FilterState) -> set[str]:
    return set(explorer.view(explorer.resolve(state)).documents["doc_id"])


@pytest.mark.parametrize("field", ["themes", "keywords"])
def test_a_concept_id_in_the_raw_view_opens_its_spellings_documents(
    explorer: Explorer, field: str
) -> None:
    # a concept id that is also a spelling ("technology") means that spelling in the raw view
    # (or is written so: "covid-19" is how some digests write the keyword "COVID-19")
    spelled = explorer.facet(field, FilterState(raw=True))
    spellings = set(spelled.ids) | set(spelled.spellings)
    concepts = [c for c in explorer.view(FilterState()).facets[field].index if c not in spellings]
    assert len(concepts) > 10
    wrong = {}
    for concept in concepts[:40]:
        alone = FilterState(narrower=False, **{field: (concept,)})
        raw = FilterState(raw=True, **{field: (concept,)})
        if documents(explorer, raw) != documents(explorer, alone):
            wrong[concept] = (len(documents(explorer, raw)), len(documents(explorer, alone)))
    assert not wrong, f"(raw view, concept view) documents: {wrong}"


def test_a_spelling_in_the_concept_view_opens_its_concepts_documents(explorer: Explorer) -> None:
    by_concept = documents(explorer, FilterState(themes=("artificial-intelligence",)))
    for spelling in ("ai", "AI", "Artificial Intelligence", "intelligence artificielle"):
        assert documents(explorer, FilterState(themes=(spelling,))) == by_concept, spelling
    # and in the raw view a spelling is itself alone
    alone = documents(explorer, FilterState(raw=True, themes=("ai",)))
    assert 0 < len(alone) < len(by_concept)
