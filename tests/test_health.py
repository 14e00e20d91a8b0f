"""Data health on a corpus small enough to count by hand."""

from __future__ import annotations

import pandas as pd

from seedscope.explore import Explorer
from seedscope.health import (
    entries_per_section,
    filter_problems,
    missing_sections,
    problem_counts,
)
from tests.factories import PROBLEM_COLUMNS, sample_corpus

PROBLEMS = pd.DataFrame(
    [
        ("broken.md", None, None, "error", "not UTF-8 and not text"),
        ("d1.md", "d1", 12, "warning", "a table row has more cells than its header"),
        ("sub/D2.md", "d2", 3, "warning", "read as cp1252"),
    ],
    columns=PROBLEM_COLUMNS,
)


def test_problems_are_counted_and_filtered_by_severity_and_file_name() -> None:
    counts = problem_counts(PROBLEMS)
    assert (counts.errors, counts.warnings) == (1, 2)
    assert problem_counts(PROBLEMS.iloc[:0]).errors == 0
    warned = filter_problems(PROBLEMS, ["warning"], "d2")
    assert warned["path"].tolist() == ["sub/D2.md"]  # the name search ignores case
    assert len(filter_problems(PROBLEMS, [], "")) == 3


def test_sections_in_the_canonical_order_then_the_others() -> None:
    explorer = Explorer(sample_corpus())
    per_section = entries_per_section(explorer)
    assert per_section.index.tolist() == [
        "Signals",
        "Concerns",
        "Behaviors",
        "Issues",
        "Opportunities",  # not canonical: after the canonical ones
    ]
    assert per_section["Signals"] == 6
    missing = missing_sections(explorer).set_index("section")
    assert missing.loc["Technologies", "documents_missing"] == 5
    assert missing.loc["Signals", "documents_missing"] == 1  # d5 has only a Concern
    assert missing.loc["Signals", "examples"] == "d5"
