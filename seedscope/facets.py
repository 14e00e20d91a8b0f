"""Theme and keyword facets: what a value *is*, what it is called, who carries it.

This is the one place that decides the identity of a tag value. Today a
theme's id is its ``value_norm`` (``"Open-Source "`` and ``open source``
meet) and its label the spelling most documents use; when the Concepts
tables land, :func:`build_facet` maps values to concept ids and preferred
labels instead, and nothing else changes: filters, widgets, heatmaps and
outcomes all take ids from here and show :meth:`Facet.label`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

#: The tag lists behind the filterable facets: FilterState field -> list name.
FACET_LISTS = {"themes": "Themes", "keywords": "Keywords"}


@dataclass(frozen=True, eq=False)
class Facet:
    """One tag list indexed for filtering: (document row, value code) pairs and labels."""

    list_name: str
    ids: pd.Index  # value ids; ``codes`` index into it
    labels: pd.Series  # id -> what people read
    doc_rows: np.ndarray  # per tag row: the document's row
    codes: np.ndarray  # per tag row: its value's position in ``ids``
    spellings: dict[str, str]  # casefolded spelling or id -> id (for links)

    def label(self, value: str) -> str:
        return str(self.labels.get(value, value))

    def resolve(self, values: Iterable[str]) -> tuple[str, ...]:
        """Ids for values as links carry them: ids stay, any spelling maps to its id,
        unknown values stay as they are (and match nothing)."""
        out: dict[str, None] = {}
        for value in values:
            text = str(value)
            out.setdefault(self.spellings.get(text, self.spellings.get(text.casefold(), text)))
        return tuple(out)

    def mask(self, selected: Iterable[str], size: int) -> np.ndarray:
        """Which of ``size`` documents carry any of the ``selected`` ids."""
        wanted = self.ids.get_indexer(list(selected))
        wanted = wanted[wanted >= 0]
        mask = np.zeros(size, dtype=bool)
        if len(wanted):
            mask[self.doc_rows[np.isin(self.codes, wanted)]] = True
        return mask

    def pairs(self, doc_mask: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Distinct (document row, value code) pairs, of the documents in ``doc_mask``."""
        rows, codes = self.doc_rows, self.codes
        if doc_mask is not None:
            keep = doc_mask[rows]
            rows, codes = rows[keep], codes[keep]
        width = max(len(self.ids), 1)
        unique = np.unique(rows.astype(np.int64) * width + codes)
        return unique // width, unique % width


def build_facet(tags: pd.DataFrame, list_name: str) -> Facet:
    """The facet of one tag list (``tags`` has ``doc_row``, ``list``, ``value``, ``value_norm``)."""
    rows = tags[(tags["list"] == list_name).to_numpy()]
    norms = rows["value_norm"].astype(object).fillna("").astype(str)
    keep = (norms.str.strip() != "").to_numpy()
    rows, norms = rows[keep], norms[keep]
    codes, uniques = pd.factorize(norms, sort=True)
    ids = pd.Index(uniques, dtype=object)
    values = rows["value"].astype(object).fillna("").astype(str).to_numpy()
    spelled = pd.DataFrame({"id": norms.to_numpy(), "value": values})
    # the spelling most documents use; ties go to the alphabetically first
    counts = spelled.value_counts(["id", "value"]).reset_index(name="n")
    counts = counts.sort_values(["id", "n", "value"], ascending=[True, False, True])
    labels = counts.drop_duplicates("id").set_index("id")["value"].reindex(ids)
    labels = labels.where(labels.notna() & (labels != ""), pd.Series(ids, index=ids))
    pairs = zip(counts["id"], counts["value"], strict=True)
    spellings = {value.casefold(): norm for norm, value in pairs}
    spellings.update({norm.casefold(): norm for norm in ids})
    spellings.update({norm: norm for norm in ids})
    return Facet(
        list_name=list_name,
        ids=ids,
        labels=labels,
        doc_rows=rows["doc_row"].to_numpy(dtype=np.int64),
        codes=codes.astype(np.int64),
        spellings=spellings,
    )
