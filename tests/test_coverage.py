"""STEEP coverage: families from the vocabulary and the Change column, thin cells flagged."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from seedscope.coverage import UNCLASSIFIED, compute_coverage, families_named
from seedscope.explore import Explorer
from seedscope.filters import FilterState
from tests.factories import doc, entry, make_corpus, tags
from tests.trend_corpora import CorpusWithConcepts

TODAY = dt.date(2025, 1, 15)


@pytest.mark.parametrize(
    ("cell", "families"),
    [
        ("Cultural/Social", ("Social",)),
        ("Scientific/Technological", ("Technological",)),
        ("Economic", ("Economic",)),
        ("economic.", ("Economic",)),
        ("Social, Economic", ("Social", "Economic")),
        ("Socio-economic", ("Social", "Economic")),
        ("Environmental & Political", ("Environmental", "Political")),
        ("Ethical / Legal", ("Values", "Legal")),
        # sentences say something about the signal, not its family
        ("From economic growth to social change", ()),
        ("Shift to electric tools", ()),
        ("Economic boom", ()),
        ("", ()),
        (None, ()),
    ],
)
def test_a_change_cell_names_a_family_only_when_it_is_a_label(cell, families) -> None:
    assert families_named(cell) == families


def steep_corpus() -> CorpusWithConcepts:
    """Four documents in two quarters; concepts carry families, one old digest names its own."""
    documents = [
        doc("d1", "Solar", "2024-02-01"),
        doc("d2", "Wind", "2024-05-01"),
        doc("d3", "Care robots", "2024-05-20"),
        doc("old", "An older digest", "2024-02-10"),
        doc("undated", "No date"),
    ]
    entries = [
        entry("d1", "Signals", 0, 4),
        entry("d1", "Signals", 1, 2),
        entry("d1", "Concerns", 0, 5),
        entry("d2", "Signals", 0, 3),
        entry("d3", "Signals", 0, 5),
        entry("old", "Signals", 0, 4),
        entry("old", "Signals", 1, 1),
        entry("undated", "Signals", 0, 4),
    ]
    entries[5]["change"] = "Cultural/Social"  # the older digests' Change column
    entries[6]["change"] = "From A to B"  # a sentence: no evidence
    tag_rows = [
        *tags("d1", "Themes", ["energy", "solar"]),
        *tags("d2", "Themes", ["energy"]),
        *tags("d2", "Keywords", ["subsidies"]),
        *tags("d3", "Themes", ["care"]),
        *tags("old", "Themes", ["robots"]),
        *tags("undated", "Themes", ["energy"]),
    ]
    base = make_corpus(documents, entries, tag_rows)
    concepts = pd.DataFrame(
        {
            "list": ["Themes", "Themes", "Themes", "Keywords", "Themes"],
            "value_norm": ["energy", "solar", "care", "subsidies", "robots"],
            "concept": ["energy", "solar", "care", "subsidies", "robots"],
            "label": ["energy", "solar", "care", "subsidies", "robots"],
            "broader": [None, "energy", None, None, None],
            "how": ["same"] * 5,
            # solar inherits Environmental from energy (the Concepts table does that)
            "steep": ["Environmental", "Environmental", None, "Economic", "Technological"],
        }
    )
    return CorpusWithConcepts(
        base.documents, base.entries, base.tags, base.problems, concepts=concepts
    )


def coverage(threshold: int = 1, **filters):
    explorer = Explorer(steep_corpus())
    return compute_coverage(
        explorer, explorer.view(FilterState(**filters)), threshold=threshold, today=TODAY
    )


def test_families_come_from_concepts_and_from_the_change_column() -> None:
    result = coverage()
    docs = result.by_period.documents
    assert list(docs.columns) == ["2024Q1", "2024Q2"]
    # d1 (energy, solar) is Environmental once, not twice
    assert docs.loc["Environmental"].tolist() == [1, 1]
    assert result.by_period.entries.loc["Environmental"].tolist() == [2, 1]
    # d2's keyword makes its signal Economic too
    assert docs.loc["Economic"].tolist() == [0, 1]
    # the old digest's first signal names "Cultural/Social": its own evidence wins over the
    # document's concept (robots: Technological), which still covers its second signal
    assert docs.loc["Social"].tolist() == [1, 0]
    assert result.by_period.entries.loc["Technological"].tolist() == [1, 0]
    # d3 has no concept with a family: unclassified, shown apart
    assert docs.loc[UNCLASSIFIED].tolist() == [0, 1]
    assert result.evidence_signals == 1
    assert (result.classified_documents, result.documents) == (4, 5)
    assert result.undated == 1  # counted under sections, not under periods


def test_mean_relevancy_and_sections() -> None:
    result = coverage()
    section = result.by_section
    assert list(section.documents.columns) == ["Signals", "Concerns"]
    assert section.entries.loc["Environmental", "Signals"] == 4  # d1 ×2, d2, undated
    assert section.mean.loc["Environmental", "Signals"] == pytest.approx((4 + 2 + 3 + 4) / 4)
    assert section.documents.loc["Environmental", "Concerns"] == 1
    assert result.by_period.mean.loc["Social", "2024Q1"] == 4


def test_thin_cells_are_blind_spots_at_the_threshold_the_analyst_sets() -> None:
    strict = coverage(threshold=2)
    thin = strict.by_period.thin
    assert thin.loc["Political"].all()  # no document at all
    assert thin.loc["Environmental"].tolist() == [True, True]  # one document each
    assert not thin.loc[UNCLASSIFIED].any()  # not a family, never a blind spot
    spots = strict.blind_spots
    assert {"family", "axis", "column", "documents", "entries"} <= set(spots.columns)
    assert ("Political", "section", "Signals") in set(
        zip(spots["family"], spots["axis"], spots["column"], strict=True)
    )
    lenient = coverage(threshold=1)
    assert not lenient.by_period.thin.loc["Environmental"].any()
    assert len(lenient.blind_spots) < len(spots)


def test_unclassified_concepts_are_listed_most_documents_first() -> None:
    result = coverage()
    assert result.unclassified[["label", "list", "documents"]].values.tolist() == [
        ["care", "Themes", 1]
    ]


def test_coverage_follows_the_filters() -> None:
    result = coverage(themes=("care",))
    assert result.documents == 1
    assert result.by_period.documents.loc[UNCLASSIFIED].tolist() == [1]
    assert list(result.by_period.documents.columns) == ["2024Q2"]


def test_without_a_vocabulary_everything_is_unclassified() -> None:
    base = steep_corpus()
    explorer = Explorer(make_corpus_without_concepts(base))
    result = compute_coverage(explorer, explorer.view(FilterState()), today=TODAY)
    # only the Change column's evidence classifies anything
    assert result.by_section.documents.loc["Social", "Signals"] == 1
    assert result.classified_documents == 1
    assert len(result.unclassified) == 5


def make_corpus_without_concepts(corpus: CorpusWithConcepts):
    from loaders import Corpus

    return Corpus(corpus.documents, corpus.entries, corpus.tags, corpus.problems)
