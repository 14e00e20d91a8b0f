"""STEEP coverage: which families of change the scanning covers, and its blind spots.

Every entry gets the STEEP families (Social, Technological, Economic,
Environmental, Political; Values and Legal where the vocabulary uses them)
that the evidence gives it, strongest evidence first:

1. a signal whose ``Change`` cell *names* a family (the older digests wrote
   ``Cultural/Social``, ``Scientific/Technological``, ``Economic`` there)
   belongs to that family;
2. any other entry belongs to the families of its document's concepts (the
   ``steep`` column of the concepts table, see :mod:`seedscope.grouping`);
3. anything else is *unclassified*.

Coverage then counts, per family × period (signals) and per family × section
(all entries), the documents, the entries and their mean relevancy. A cell
with fewer documents than the analyst's threshold is a **blind spot**.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from loaders.schema import CONCEPT_LISTS, SIGNALS

from .explore import Explorer, View
from .grouping import tag_concepts
from .trends import PERIODS, period_keys

FAMILIES = ("Social", "Technological", "Economic", "Environmental", "Political", "Values", "Legal")
#: Always shown, even when empty: an empty core family is the biggest blind spot.
CORE_FAMILIES = FAMILIES[:5]
UNCLASSIFIED = "Unclassified"
ROWS = (*FAMILIES, UNCLASSIFIED)
_UNCLASSIFIED = len(FAMILIES)
THRESHOLD = 3
MEASURES = {"documents": "Documents", "entries": "Entries", "mean": "Mean relevancy"}

#: Words that name a family, as STEEP labels and the digests' Change column write them.
_FAMILY_WORDS = {
    "social": "Social",
    "socio": "Social",
    "societal": "Social",
    "society": "Social",
    "cultural": "Social",
    "culture": "Social",
    "demographic": "Social",
    "demographics": "Social",
    "technological": "Technological",
    "technology": "Technological",
    "technologies": "Technological",
    "tech": "Technological",
    "scientific": "Technological",
    "science": "Technological",
    "economic": "Economic",
    "economical": "Economic",
    "economy": "Economic",
    "financial": "Economic",
    "environmental": "Environmental",
    "environment": "Environmental",
    "ecological": "Environmental",
    "ecology": "Environmental",
    "political": "Political",
    "politics": "Political",
    "geopolitical": "Political",
    "values": "Values",
    "value": "Values",
    "ethics": "Values",
    "ethical": "Values",
    "moral": "Values",
    "legal": "Legal",
    "law": "Legal",
    "regulatory": "Legal",
}
_SEPARATORS = re.compile(r"\s*(?:/|,|;|&|\+|\||-|\band\b|\bet\b)\s*")
#: A Change cell longer than this is a sentence ("From X to Y"), not a label.
_LABEL_LENGTH = 60


def families_named(text: object) -> tuple[str, ...]:
    """The STEEP families a short label names (``"Cultural/Social"`` → Social), else ().

    Only a cell made of family words and separators counts: a sentence that
    happens to contain "economic" says nothing about the signal's family.
    """
    if not isinstance(text, str) or len(text) > _LABEL_LENGTH:
        return ()
    words = [w for w in _SEPARATORS.split(text.strip().casefold().rstrip(".")) if w]
    if not words or len(words) > 4:
        return ()
    found = [_FAMILY_WORDS.get(word) for word in words]
    if any(family is None for family in found):
        return ()
    return tuple(dict.fromkeys(f for f in found if f is not None))


def _family_code(value: object) -> int:
    """FAMILIES index of a concepts-table ``steep`` value, -1 when none."""
    if not isinstance(value, str) or not value:
        return -1
    if value in FAMILIES:
        return FAMILIES.index(value)
    named = families_named(value)
    return FAMILIES.index(named[0]) if named else -1


@dataclass(frozen=True, eq=False)
class EntryFamilies:
    """(entry row, family code) pairs for the whole corpus; code 7 is unclassified."""

    entry: np.ndarray
    family: np.ndarray
    evidence: np.ndarray  # per entry row: True when its own Change cell named the family


def entry_families(explorer: Explorer) -> EntryFamilies:
    """Families of every entry of the corpus (cached per corpus)."""

    def compute() -> EntryFamilies:
        entries = explorer.entries
        # 1. the Change cell, read once per distinct text
        change = entries["change"]
        if isinstance(change.dtype, pd.CategoricalDtype):
            named = [families_named(c) for c in change.cat.categories]
            codes = change.cat.codes.to_numpy()
        else:
            uniques, codes = np.unique(change.astype(str).to_numpy(), return_inverse=True)
            named = [families_named(c) for c in uniques]
        is_signal = (entries["section"] == SIGNALS).to_numpy()
        ev_entry, ev_family = [], []
        for code, families in enumerate(named):
            if not families:
                continue
            rows = np.flatnonzero((codes == code) & is_signal)
            for name in families:
                ev_entry.append(rows)
                ev_family.append(np.full(len(rows), FAMILIES.index(name), dtype=np.int64))
        ev_entry_arr = np.concatenate(ev_entry) if ev_entry else np.array([], dtype=np.int64)
        ev_family_arr = np.concatenate(ev_family) if ev_family else np.array([], dtype=np.int64)
        evidence = np.zeros(len(entries), dtype=bool)
        evidence[ev_entry_arr] = True

        # 2. the families of each document's concepts
        doc_pairs = []
        for list_name in CONCEPT_LISTS:
            pairs = tag_concepts(explorer, list_name)
            steep = pairs.concepts["steep"]
            family = np.array([_family_code(s) for s in steep], dtype=np.int64)
            fam = family[pairs.code]
            ok = fam >= 0
            doc_pairs.append(pairs.doc_row[ok] * len(FAMILIES) + fam[ok])
        keys = np.unique(np.concatenate(doc_pairs))
        pair_doc, pair_family = keys // len(FAMILIES), keys % len(FAMILIES)
        n_docs = len(explorer.documents)
        per_doc = np.bincount(pair_doc, minlength=n_docs)
        start = np.cumsum(per_doc) - per_doc

        rest = np.flatnonzero(~evidence)
        rest_doc = entries["doc_row"].to_numpy(dtype=np.int64)[rest]
        reps = per_doc[rest_doc]
        inh_entry = np.repeat(rest, reps)
        offset = np.arange(len(inh_entry)) - np.repeat(np.cumsum(reps) - reps, reps)
        inh_family = pair_family[np.repeat(start[rest_doc], reps) + offset]
        none = rest[reps == 0]

        # 3. the rest
        return EntryFamilies(
            entry=np.concatenate([ev_entry_arr, inh_entry, none]),
            family=np.concatenate(
                [ev_family_arr, inh_family, np.full(len(none), _UNCLASSIFIED, dtype=np.int64)]
            ),
            evidence=evidence,
        )

    return explorer.memo("coverage.families", compute)


def section_codes(explorer: Explorer) -> tuple[np.ndarray, list[str]]:
    """Per entry row, its index in ``explorer.sections`` (cached per corpus)."""

    def compute() -> tuple[np.ndarray, list[str]]:
        sections = list(explorer.sections)
        column = explorer.entries["section"]
        codes = pd.Index(sections).get_indexer(column.astype(object))
        return codes.astype(np.int64), sections

    return explorer.memo("coverage.sections", compute)


def period_codes(explorer: Explorer, period: str) -> tuple[np.ndarray, list[str]]:
    """Per document row, its period's index in the sorted periods (-1 when undated)."""

    def compute() -> tuple[np.ndarray, list[str]]:
        keys = period_keys(explorer.documents["page_date"], period)
        codes, uniques = pd.factorize(keys, sort=True)
        return codes.astype(np.int64), [str(u) for u in uniques]

    return explorer.memo(f"coverage.periods.{period}", compute)


@dataclass(frozen=True, eq=False)
class CoverageGrid:
    """Families × columns (periods or sections): documents, entries, mean relevancy."""

    axis: str  # "quarter", "month" or "section"
    documents: pd.DataFrame
    entries: pd.DataFrame
    mean: pd.DataFrame
    thin: pd.DataFrame  # True where a family row has fewer documents than the threshold

    def values(self, measure: str) -> pd.DataFrame:
        return {"documents": self.documents, "entries": self.entries, "mean": self.mean}[measure]


@dataclass(frozen=True, eq=False)
class Coverage:
    by_period: CoverageGrid
    by_section: CoverageGrid
    blind_spots: pd.DataFrame  # family, axis, column, documents, entries
    unclassified: pd.DataFrame  # concept, label, list, documents (in the view)
    threshold: int
    documents: int  # documents of the view
    classified_documents: int  # ... with at least one family
    signals: int
    evidence_signals: int  # signals whose Change cell named their family
    undated: int
    future: int


def _grid(
    axis: str,
    columns: list[str],
    family: np.ndarray,
    column: np.ndarray,
    doc_row: np.ndarray,
    relevancy: np.ndarray,
    threshold: int,
) -> CoverageGrid:
    n_rows, n_cols = len(ROWS), max(len(columns), 1)
    cell = family * n_cols + column
    size = n_rows * n_cols
    entries = np.bincount(cell, minlength=size)
    rated = ~np.isnan(relevancy)
    n_rated = np.bincount(cell[rated], minlength=size)
    sums = np.bincount(cell[rated], weights=relevancy[rated], minlength=size)
    stride = int(doc_row.max()) + 1 if len(doc_row) else 1
    doc_cells = np.unique(cell * stride + doc_row)
    documents = np.bincount(doc_cells // stride, minlength=size)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(n_rated > 0, sums / np.maximum(n_rated, 1), np.nan)
    shape = (n_rows, n_cols)
    used = [r for r in range(n_rows) if ROWS[r] in CORE_FAMILIES or entries.reshape(shape)[r].any()]
    names = [ROWS[r] for r in used]

    def frame(values: np.ndarray) -> pd.DataFrame:
        grid = values.reshape(shape)[used][:, : len(columns)]
        return pd.DataFrame(grid, index=pd.Index(names, name="family"), columns=columns)

    docs = frame(documents)
    thin = docs < threshold
    if UNCLASSIFIED in thin.index:
        thin.loc[UNCLASSIFIED] = False
    return CoverageGrid(axis, docs, frame(entries), frame(mean), thin)


def compute_coverage(
    explorer: Explorer,
    view: View,
    *,
    period: str = "quarter",
    threshold: int = THRESHOLD,
    today: dt.date | None = None,
) -> Coverage:
    """STEEP coverage of the view, its blind spots and its unclassified concepts."""
    if period not in PERIODS:
        raise ValueError(f"unknown period {period!r}; use one of {', '.join(PERIODS)}")
    today_ts = pd.Timestamp(today or dt.date.today())
    fams = entry_families(explorer)
    in_view = np.zeros(len(explorer.entries), dtype=bool)
    in_view[view.entries.index.to_numpy()] = True
    keep = in_view[fams.entry]
    entry, family = fams.entry[keep], fams.family[keep]
    entries = explorer.entries
    doc_row = entries["doc_row"].to_numpy(dtype=np.int64)[entry]
    relevancy = entries["relevancy"].to_numpy(dtype=float)[entry]
    section_code, sections = section_codes(explorer)
    section = section_code[entry]

    # family × section, all entries (sections of the view only)
    present = np.unique(section[section >= 0])
    remap = np.full(len(sections), -1, dtype=np.int64)
    remap[present] = np.arange(len(present))
    by_section = _grid(
        "section",
        [sections[i] for i in present],
        family,
        remap[section],
        doc_row,
        relevancy,
        threshold,
    )

    # family × period, signals of documents dated up to today
    doc_period, periods = period_codes(explorer, period)
    dates = explorer.documents["page_date"]
    usable = (dates.notna() & (dates <= today_ts)).to_numpy()
    signal = sections.index(SIGNALS) if SIGNALS in sections else -2
    is_signal = (section == signal) & usable[doc_row]
    columns = doc_period[doc_row[is_signal]]
    present = np.unique(columns)
    remap = np.full(len(periods), -1, dtype=np.int64)
    remap[present] = np.arange(len(present))
    by_period = _grid(
        period,
        [periods[i] for i in present],
        family[is_signal],
        remap[columns],
        doc_row[is_signal],
        relevancy[is_signal],
        threshold,
    )

    spots = []
    for grid in (by_period, by_section):
        stacked = grid.thin.stack()
        for (fam, column), thin in stacked.items():
            if thin:
                spots.append(
                    {
                        "family": fam,
                        "axis": grid.axis,
                        "column": column,
                        "documents": int(grid.documents.loc[fam, column]),
                        "entries": int(grid.entries.loc[fam, column]),
                    }
                )
    blind = pd.DataFrame(spots, columns=["family", "axis", "column", "documents", "entries"])

    view_docs = view.documents["doc_row"].to_numpy()
    doc_in_view = np.zeros(len(explorer.documents), dtype=bool)
    doc_in_view[view_docs] = True
    classified = np.zeros(len(explorer.documents), dtype=bool)
    classified[doc_row[family != _UNCLASSIFIED]] = True
    signals_in_view = view.signals.index.to_numpy()
    view_dates = view.documents["page_date"]
    return Coverage(
        by_period=by_period,
        by_section=by_section,
        blind_spots=blind,
        unclassified=unclassified_concepts(explorer, doc_in_view),
        threshold=threshold,
        documents=len(view_docs),
        classified_documents=int(classified[view_docs].sum()),
        signals=len(signals_in_view),
        evidence_signals=int(fams.evidence[signals_in_view].sum()),
        undated=int(view_dates.isna().sum()),
        future=int((view_dates > today_ts).sum()),
    )


def unclassified_concepts(explorer: Explorer, doc_in_view: np.ndarray) -> pd.DataFrame:
    """Concepts of the view's documents without a STEEP family, most documents first."""
    frames = []
    for list_name in CONCEPT_LISTS:
        pairs = tag_concepts(explorer, list_name)
        keep = doc_in_view[pairs.doc_row]
        counts = np.bincount(pairs.code[keep], minlength=len(pairs.concepts))
        concepts = pairs.concepts.assign(list=list_name, documents=counts)
        frames.append(concepts[(counts > 0) & concepts["steep"].isna().to_numpy()])
    table = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    if table.empty:
        return pd.DataFrame(columns=["concept", "label", "list", "documents"])
    table = table.sort_values(["documents", "label"], ascending=[False, True], kind="stable")
    return table[["concept", "label", "list", "documents"]].reset_index(drop=True)
