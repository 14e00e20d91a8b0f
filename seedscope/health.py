"""What the corpus lacks: problems, missing sections, tables without relevancy."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from loaders.schema import ERROR, SECTIONS, WARNING

from .explore import Explorer


def entries_per_section(explorer: Explorer) -> pd.Series:
    counts = explorer.entries["section"].astype(str).value_counts()
    order = [s for s in SECTIONS if s in counts.index] + sorted(set(counts.index) - set(SECTIONS))
    return counts.reindex(order)


def missing_sections(explorer: Explorer) -> pd.DataFrame:
    """Per expected section: how many documents lack it, and which ones."""
    docs = explorer.documents
    present = explorer.entries.groupby("doc_row")["section"].agg(lambda s: set(s.astype(str)))
    rows = []
    for section in SECTIONS:
        has = present.map(lambda found, section=section: section in found)
        having = set(has[has].index)
        lacking = docs[~docs["doc_row"].isin(having)]
        rows.append(
            {
                "section": section,
                "documents_missing": len(lacking),
                "share_missing": len(lacking) / len(docs) if len(docs) else 0.0,
                "examples": ", ".join(lacking["doc_id"].astype(str).head(5)),
            }
        )
    return pd.DataFrame(rows)


def relevancy_coverage(explorer: Explorer) -> pd.DataFrame:
    """Per section: entries, entries without a relevancy, and tables (documents) without any."""
    entries = explorer.entries
    rows = []
    for section, group in entries.groupby(entries["section"].astype(str), sort=False):
        rated = group["relevancy"].notna()
        per_doc = rated.groupby(group["doc_row"]).any()
        rows.append(
            {
                "section": section,
                "entries": len(group),
                "without_relevancy": int((~rated).sum()),
                "tables": int(per_doc.size),
                "tables_without_relevancy": int((~per_doc).sum()),
            }
        )
    frame = pd.DataFrame(rows)
    if frame.empty:
        return frame
    order = {s: i for i, s in enumerate(SECTIONS)}
    return frame.sort_values("section", key=lambda s: s.map(order).fillna(99)).reset_index(
        drop=True
    )


#: The severities of ``problems``, worst first: the Severity filter's options.
SEVERITIES = (ERROR, WARNING)


@dataclass(frozen=True)
class ProblemCounts:
    errors: int
    warnings: int


def problem_counts(problems: pd.DataFrame) -> ProblemCounts:
    """Files that could not be loaded (errors) and loaded with something to know (warnings)."""
    counts = problems["severity"].astype(str).value_counts()
    return ProblemCounts(errors=int(counts.get(ERROR, 0)), warnings=int(counts.get(WARNING, 0)))


def filter_problems(problems: pd.DataFrame, severities: list[str], path_text: str) -> pd.DataFrame:
    out = problems
    if severities:
        out = out[out["severity"].astype(str).isin(severities)]
    if path_text:
        out = out[out["path"].astype(str).str.contains(path_text, case=False, regex=False)]
    return out
