"""Small hand-built corpora for the pure seedscope modules.

Tests state the corpus row by row so that every expected number can be
worked out by hand; the frames get the contract's columns and dtypes (text as
categoricals, like a loaded cache) so the code under test meets what it will
meet in the dashboard.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from loaders import Corpus
from loaders.corpus import DICTIONARY_COLUMNS
from loaders.schema import DOCUMENTS, ENTRIES, PROBLEMS, TAGS

# The contract's columns and the loader's categorical columns, from their one source.
DOC_COLUMNS = DOCUMENTS.names
ENTRY_COLUMNS = ENTRIES.names
TAG_COLUMNS = TAGS.names
PROBLEM_COLUMNS = PROBLEMS.names
_CATEGORICAL = {
    table: columns for table, columns in DICTIONARY_COLUMNS.items() if table != "problems"
}


def doc(
    doc_id: str,
    title: str | None = None,
    date: str | None = None,
    category: str | None = None,
    doc_type: str | None = None,
) -> dict[str, object]:
    return {
        "doc_id": doc_id,
        "path": f"{doc_id}.md",
        "title": title,
        "page_date": pd.Timestamp(date) if date else pd.NaT,
        "page_url": None,
        "source_url": None,
        "category": category,
        "doc_type": doc_type,
        "summary": "",
        "sha256": "0" * 64,
        "sections": [],
        "duplicate_of": None,
    }


def entry(
    doc_id: str,
    section: str,
    position: int,
    relevancy: float | None = None,
    name: str | None = None,
    *,
    ten_year: str | None = None,
    driving_force: str | None = None,
    description: str | None = None,
) -> dict[str, object]:
    return {
        "doc_id": doc_id,
        "section": section,
        "position": position,
        "name": name if name is not None else f"{doc_id} {section} {position}",
        "description": description,
        "change": None,
        "ten_year": ten_year,
        "driving_force": driving_force,
        "relevancy": np.nan if relevancy is None else float(relevancy),
        "extra": "{}",
    }


def tags(doc_id: str, list_name: str, values: Iterable[str]) -> list[dict[str, object]]:
    """Bullets of one list; value_norm is casefolded and stripped like the loader does."""
    return [
        {
            "doc_id": doc_id,
            "list": list_name,
            "position": i,
            "value": value,
            "value_norm": " ".join(value.casefold().replace("-", " ").split()),
            "link": None,
        }
        for i, value in enumerate(values)
    ]


def _frame(rows: list[dict[str, object]], columns: list[str], table: str | None) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=columns)
    if table == "documents":
        frame["page_date"] = pd.to_datetime(frame["page_date"])
    if "position" in frame.columns:
        frame["position"] = frame["position"].astype("int32")
    if "relevancy" in frame.columns:
        frame["relevancy"] = frame["relevancy"].astype(float)
    for column in _CATEGORICAL.get(table or "", []):
        frame[column] = frame[column].astype("category")
    return frame


def make_corpus(
    documents: list[dict[str, object]],
    entries: list[dict[str, object]],
    tag_rows: list[dict[str, object]],
) -> Corpus:
    """A :class:`Corpus` with the contract's columns, text as categoricals."""
    return Corpus(
        _frame(documents, DOC_COLUMNS, "documents"),
        _frame(entries, ENTRY_COLUMNS, "entries"),
        _frame(tag_rows, TAG_COLUMNS, "tags"),
        pd.DataFrame(columns=PROBLEM_COLUMNS),
    )


LONG_TITLE = (
    "Ageing societies: how care robots, pensions and cities change when one in three "
    "people is over sixty-five"
)


def sample_corpus() -> Corpus:
    """Five documents; d2 lists "Energy" and "energy " (one theme), d4 is undated."""
    documents = [
        doc("d1", "Solar roads", "2024-05-05", "technology", "news"),
        doc("d2", "Wind farms", "2024-06-10", "technology", "analysis"),
        doc("d3", LONG_TITLE, "2024-02-01", "society", "news"),
        doc("d4"),
        doc("d5", "Old grid news", "2023-11-20", "technology", "news"),
    ]
    entries = [
        entry("d1", "Signals", 0, 4),
        entry("d1", "Signals", 1, 5),
        entry("d1", "Signals", 2, None),
        entry("d1", "Concerns", 0, 2),
        entry("d2", "Signals", 0, 3),
        entry("d2", "Issues", 0, 4),
        entry("d2", "Issues", 1, 1),
        entry("d3", "Behaviors", 0, 5),
        entry("d3", "Signals", 0, 2),
        entry("d3", "Opportunities", 0, 4),
        entry("d4", "Signals", 0, 4),
        entry("d5", "Concerns", 0, 5),
    ]
    tag_rows = [
        *tags("d1", "Themes", ["energy", "Infrastructure"]),
        *tags("d1", "Keywords", ["solar"]),
        *tags("d2", "Themes", ["Energy", "energy "]),
        *tags("d2", "Keywords", ["wind"]),
        *tags("d3", "Themes", ["health"]),
        *tags("d4", "Themes", ["health"]),
        *tags("d5", "Themes", ["energy"]),
    ]
    return make_corpus(documents, entries, tag_rows)
