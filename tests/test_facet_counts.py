"""The count beside a sidebar option is what choosing it gives.

An analyst reads "artificial intelligence (27)" and expects 27 documents
after picking it, in every mode the sidebar offers: concepts with or without
their narrower concepts, or themes and keywords as written. A document that
carries two spellings of one concept ("AI", "artificial intelligence") is
one document, in the count as in the result.
"""

from __future__ import annotations

import pytest

from seedscope.explore import Explorer
from seedscope.filters import FilterState

MODES = {
    "concepts with narrower": {},
    "concepts alone": {"narrower": False},
    "as written": {"raw": True},
}
#: A second filter that changes the counts, so they are not the whole corpus's.
CONTEXTS = {"no other filter": {}, "relevancy at least 4": {"min_relevancy": 4.0}}


@pytest.fixture(scope="module")
def explorer(real_corpus) -> Explorer:
    return Explorer(real_corpus)


def sample(values: list[str], busiest: int = 40, spread: int = 20) -> list[str]:
    """The busiest values (where double spellings gather) and some from the long tail."""
    tail = values[busiest:]
    step = max(1, len(tail) // spread)
    return values[:busiest] + tail[::step]


@pytest.mark.parametrize("field", ["themes", "keywords"])
@pytest.mark.parametrize("context", CONTEXTS)
@pytest.mark.parametrize("mode", MODES)
def test_an_options_count_is_the_documents_it_selects(
    explorer: Explorer, field: str, mode: str, context: str
) -> None:
    base = FilterState().with_changes(**MODES[mode], **CONTEXTS[context])
    counts = explorer.view(base).facets[field]
    assert len(counts) > 10
    wrong = {
        value: (int(counts[value]), len(chosen))
        for value in sample(list(counts.index))
        if len(chosen := explorer.view(base.with_changes(**{field: (value,)})).documents)
        != counts[value]
    }
    assert not wrong, f"option count vs documents selected: {wrong}"
