"""Theme and keyword facets: what a value *is*, what it is called, who carries it.

This is the one place that decides the identity of a tag value. With the
cache's ``concepts`` table (the normal case), a theme's id is its *concept*
(``ai``, ``artificial intelligence`` and ``intelligence artificielle`` are one
id, ``artificial-intelligence``) and its label the concept's preferred label;
:func:`build_facet` without it (or the "raw spellings" view) keeps the
spelling itself: ``value_norm`` as id, the spelling most documents use as
label. Filters, widgets, heatmaps and outcomes all take ids from here and
show :meth:`Facet.label`.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .concepts import CONCEPT_FACETS, ConceptIndex

#: The filterable facets are the concept facets: FilterState field -> list name.
FACET_LISTS = CONCEPT_FACETS
#: A concept's spellings this short (acronyms) are shown beside its label in pick lists.
SHORT_SPELLING = 5
SHORT_SPELLINGS_SHOWN = 2


@dataclass(frozen=True, eq=False)
class Facet:
    """One tag list indexed for filtering: (document row, value code) pairs and labels."""

    list_name: str
    ids: pd.Index  # value ids; ``codes`` index into it
    labels: pd.Series  # id -> what people read
    doc_rows: np.ndarray  # per tag row: the document's row
    codes: np.ndarray  # per tag row: its value's position in ``ids``
    spellings: dict[str, str]  # casefolded spelling or id -> id (for links)
    #: id -> the ids of every concept below it (only ids that have some)
    narrower: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: id -> the raw spellings behind it, most used first (concepts only)
    written: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def label(self, value: str) -> str:
        return str(self.labels.get(value, value))

    def option(self, value: str) -> str:
        """A value as a pick list shows it: its label, and the short spellings (acronyms)
        it is also written as, so typing "ai" finds *artificial intelligence · AI · IA*."""
        label = self.label(value)
        short: dict[str, None] = {}
        for written in self.written.get(value, ()):
            text = written.strip()
            if len(text) <= SHORT_SPELLING and text.casefold() not in label.casefold():
                short.setdefault(text, None)
            if len(short) == SHORT_SPELLINGS_SHOWN:
                break
        return " · ".join([label, *short])

    def resolve(self, values: Iterable[str]) -> tuple[str, ...]:
        """Ids for values as links carry them: ids stay, any spelling maps to its id,
        unknown values stay as they are (and match nothing)."""
        out: dict[str, None] = {}
        for value in values:
            text = str(value)
            out.setdefault(self.spellings.get(text, self.spellings.get(text.casefold(), text)))
        return tuple(out)

    def with_narrower(self, selected: Iterable[str]) -> list[str]:
        """The selected ids and every id below them."""
        out: dict[str, None] = {}
        for value in selected:
            out.setdefault(value, None)
            for below in self.narrower.get(value, ()):
                out.setdefault(below, None)
        return list(out)

    def mask(self, selected: Iterable[str], size: int, narrower: bool = False) -> np.ndarray:
        """Which of ``size`` documents carry any of the ``selected`` ids (or, with
        ``narrower``, any concept below one of them)."""
        chosen = self.with_narrower(selected) if narrower else list(selected)
        wanted = self.ids.get_indexer(chosen)
        wanted = wanted[wanted >= 0]
        mask = np.zeros(size, dtype=bool)
        if len(wanted):
            mask[self.doc_rows[np.isin(self.codes, wanted)]] = True
        return mask

    @functools.cached_property
    def distinct(self) -> tuple[np.ndarray, np.ndarray]:
        """(document row, value code), once per document: a document tagged with two
        spellings of one concept ("AI", "artificial intelligence") counts once."""
        return self.pairs()

    @functools.cached_property
    def with_broader(self) -> tuple[np.ndarray, np.ndarray]:
        """(document row, value code) of every tag, plus one per concept above it:
        counting these counts a concept's documents with its narrower concepts'."""
        if not self.narrower:
            return self.distinct
        position = {str(value): i for i, value in enumerate(self.ids)}
        above: dict[int, list[int]] = {}
        for upper, lowers in self.narrower.items():
            if upper not in position:
                continue
            for lower in lowers:
                above.setdefault(position[lower], []).append(position[upper])
        extra_rows: list[np.ndarray] = []
        extra_codes: list[np.ndarray] = []
        for lower_code, uppers in above.items():
            carriers = self.doc_rows[self.codes == lower_code]
            for upper_code in uppers:
                extra_rows.append(carriers)
                extra_codes.append(np.full(len(carriers), upper_code, dtype=np.int64))
        rows = np.concatenate([self.doc_rows, *extra_rows])
        codes = np.concatenate([self.codes, *extra_codes])
        width = max(len(self.ids), 1)
        unique = np.unique(rows.astype(np.int64) * width + codes)
        return unique // width, unique % width

    def pairs(self, doc_mask: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Distinct (document row, value code) pairs, of the documents in ``doc_mask``."""
        rows, codes = self.doc_rows, self.codes
        if doc_mask is not None:
            keep = doc_mask[rows]
            rows, codes = rows[keep], codes[keep]
        width = max(len(self.ids), 1)
        unique = np.unique(rows.astype(np.int64) * width + codes)
        return unique // width, unique % width


def build_facet(tags: pd.DataFrame, list_name: str, concepts: ConceptIndex | None = None) -> Facet:
    """The facet of one tag list (``tags`` has ``doc_row``, ``list``, ``value``, ``value_norm``):
    by concept when ``concepts`` is given, else by spelling."""
    if concepts is not None:
        return _concept_facet(tags, list_name, concepts)
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


def _concept_facet(tags: pd.DataFrame, list_name: str, concepts: ConceptIndex) -> Facet:
    """A facet whose ids are concepts: every spelling of one concept is one value."""
    rows = tags[(tags["list"] == list_name).to_numpy()]
    norms = rows["value_norm"].astype(object).fillna("").astype(str).to_numpy()
    concept_of = concepts.by_value
    ids_per_row = np.array(
        [concept_of.get((list_name, norm), norm) for norm in norms.tolist()], dtype=object
    )
    keep = np.array([bool(str(i).strip()) for i in ids_per_row.tolist()], dtype=bool)
    rows, ids_per_row = rows[keep], ids_per_row[keep]
    codes, uniques = pd.factorize(pd.Series(ids_per_row, dtype=object), sort=True)
    ids = pd.Index(uniques, dtype=object)
    labels = pd.Series([concepts.label(str(i)) for i in ids], index=ids, dtype=object)
    values = rows["value"].astype(object).fillna("").astype(str).to_numpy()
    written = (
        pd.DataFrame({"id": ids_per_row, "value": values})
        .value_counts(["id", "value"])
        .reset_index(name="n")
        .sort_values(["id", "n", "value"], ascending=[True, False, True])
    )
    spelled: dict[str, list[str]] = {}
    spellings: dict[str, str] = {}
    for concept, value in zip(written["id"], written["value"], strict=True):
        spelled.setdefault(str(concept), []).append(str(value))
        spellings.setdefault(str(value).casefold(), str(concept))
    for value, concept in concepts.of_value.items():
        spellings.setdefault(value.casefold(), concept)
    for concept in ids:
        spellings[str(concept)] = str(concept)
        spellings.setdefault(concepts.label(str(concept)).casefold(), str(concept))
    present = set(ids.astype(str))
    narrower = {
        str(concept): tuple(sorted(below & present))
        for concept in concepts.concepts
        if (below := concepts.with_narrower(concept) - {concept}) & present
    }
    return Facet(
        list_name=list_name,
        ids=ids,
        labels=labels,
        doc_rows=rows["doc_row"].to_numpy(dtype=np.int64),
        codes=codes.astype(np.int64),
        spellings=spellings,
        narrower=narrower,
        written={k: tuple(v) for k, v in spelled.items()},
    )


def rolled_up(facet: Facet, concepts: ConceptIndex) -> Facet:
    """``facet`` with every concept replaced by the broadest concept above it (roll-up)."""
    tops = [concepts.top(str(concept)) for concept in facet.ids]
    codes_top, uniques = pd.factorize(pd.Series(tops, dtype=object), sort=True)
    ids = pd.Index(uniques, dtype=object)
    codes = np.asarray(codes_top, dtype=np.int64)[facet.codes] if len(facet.codes) else facet.codes
    return Facet(
        list_name=facet.list_name,
        ids=ids,
        labels=pd.Series([concepts.label(str(i)) for i in ids], index=ids, dtype=object),
        doc_rows=facet.doc_rows,
        codes=codes,
        spellings=facet.spellings,
        written=facet.written,
    )
