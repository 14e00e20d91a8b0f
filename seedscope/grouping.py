"""What counts as "the same thing": the concept of a tag, the cluster of a signal.

Trends, coverage and briefings count per *concept* (not per raw spelling) and
per *signal cluster* (the same signal reported by several documents), from
the cache's derived tables ``corpus.concepts`` (``list``, ``value_norm``,
``concept``, ``label``, ``broader``, ``how``, ``steep``) and
``corpus.signal_clusters`` (``doc_id``, ``position``, ``cluster``,
``cluster_size``). A cache built without them (``derivations=()``) falls back
to stand-ins: a tag's concept is its ``value_norm`` (labelled with its most
common spelling, no STEEP family) and a signal's cluster is its normalised
name. Every count in this package goes through :func:`concept_table` and
:func:`signal_clusters`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import numpy as np
import pandas as pd

from loaders.schema import CONCEPT_LISTS, SIGNALS

from .explore import Explorer

CONCEPT_COLUMNS = ["list", "value_norm", "concept", "label", "broader", "steep"]
_NON_WORD = re.compile(r"[\W_]+")


def normalise_name(text: object) -> str:
    """The form two signal names must share to be the same signal (the stand-in clusters).

    Case, punctuation, hyphens and spacing are folded away ("AI-driven grids"
    and "AI driven grids." meet); accents are kept, they tell French words apart.
    """
    if not isinstance(text, str):
        return ""
    folded = unicodedata.normalize("NFC", text).casefold()
    return _NON_WORD.sub(" ", folded).strip()


def _provisional_concepts(tags: pd.DataFrame) -> pd.DataFrame:
    """One concept per (list, value_norm), labelled with its most common spelling."""
    rows = tags[tags["list"].isin(CONCEPT_LISTS)]
    if rows.empty:
        return pd.DataFrame(columns=CONCEPT_COLUMNS)
    spellings = (
        rows.groupby(["list", "value_norm", "value"], observed=True)
        .size()
        .rename("n")
        .reset_index()
    )
    spellings["value"] = spellings["value"].astype(str)
    spellings = spellings.sort_values(
        ["list", "value_norm", "n", "value"], ascending=[True, True, False, True]
    )
    first = spellings.drop_duplicates(["list", "value_norm"])
    return pd.DataFrame(
        {
            "list": first["list"].astype(str).to_numpy(),
            "value_norm": first["value_norm"].astype(str).to_numpy(),
            "concept": first["value_norm"].astype(str).to_numpy(),
            "label": first["value"].to_numpy(),
            "broader": None,
            "steep": None,
        }
    )


def concept_table(explorer: Explorer) -> pd.DataFrame:
    """Every (list, value_norm) with its concept id, label, broader concept and STEEP family.

    THE place that decides what a tag's concept is (cached per corpus).
    """

    def compute() -> pd.DataFrame:
        table = getattr(explorer.corpus, "concepts", None)
        if table is None or (table.empty and not explorer.tags.empty):
            table = _provisional_concepts(explorer.tags)
        table = table.copy()
        for column in ("broader", "steep"):
            if column not in table.columns:
                table[column] = None
        table = table[CONCEPT_COLUMNS]
        for column in ("list", "value_norm", "concept", "label"):
            table[column] = table[column].astype(str)
        table["steep"] = table["steep"].astype(object).where(table["steep"].notna(), None)
        return table.reset_index(drop=True)

    return explorer.memo("grouping.concepts", compute)


@dataclass(frozen=True, eq=False)
class TagConcepts:
    """One tag list seen as concepts: (document, concept) pairs, each pair once.

    ``doc_row`` and ``code`` are parallel arrays; ``code`` indexes ``concepts``
    (columns ``concept``, ``label``, ``steep``), which is sorted by concept id.
    """

    list_name: str
    doc_row: np.ndarray
    code: np.ndarray
    concepts: pd.DataFrame


def tag_concepts(explorer: Explorer, list_name: str) -> TagConcepts:
    """The (document, concept) pairs of one tag list (``Themes`` or ``Keywords``), cached."""

    def compute() -> TagConcepts:
        tags = explorer.tags[explorer.tags["list"] == list_name]
        table = concept_table(explorer)
        table = table[table["list"] == list_name].drop_duplicates("value_norm")
        norms = tags["value_norm"].astype(str)
        found = pd.Index(table["value_norm"]).get_indexer(norms)
        ids = np.where(found >= 0, table["concept"].to_numpy()[np.maximum(found, 0)], norms)
        codes, uniques = pd.factorize(pd.Series(ids, dtype=object), sort=True)
        doc_row = tags["doc_row"].to_numpy(dtype=np.int64)
        pairs = np.unique(doc_row * max(len(uniques), 1) + codes)
        info = table.drop_duplicates("concept").set_index("concept")
        concepts = pd.DataFrame({"concept": np.asarray(uniques, dtype=object)})
        label = info["label"].reindex(concepts["concept"]).to_numpy()
        steep = info["steep"].reindex(concepts["concept"]).to_numpy()
        concepts["label"] = np.where(pd.isna(label), concepts["concept"], label)
        concepts["steep"] = [s if isinstance(s, str) and s else None for s in steep]
        width = max(len(uniques), 1)
        return TagConcepts(list_name, pairs // width, pairs % width, concepts)

    return explorer.memo(f"grouping.tags.{list_name}", compute)


def signal_clusters(explorer: Explorer) -> pd.DataFrame:
    """Every signal of the corpus with its cluster: ``entry``, ``doc_row``, ``cluster`` (int).

    ``entry`` is the signal's row in ``explorer.entries``. THE place that
    decides which signals are "the same signal" (cached per corpus).
    """

    def compute() -> pd.DataFrame:
        entries = explorer.entries
        signals = entries[entries["section"] == SIGNALS]
        table = getattr(explorer.corpus, "signal_clusters", None)
        if table is not None and not (table.empty and not signals.empty):
            keys = pd.MultiIndex.from_frame(
                table[["doc_id", "position"]].astype({"doc_id": str, "position": np.int64})
            )
            wanted = pd.MultiIndex.from_arrays(
                [signals["doc_id"].astype(str), signals["position"].astype(np.int64)]
            )
            found = keys.get_indexer(wanted)
            ids = table["cluster"].astype(str).to_numpy()[np.maximum(found, 0)]
            own = signals["doc_id"].astype(str) + ":" + signals["position"].astype(str)
            ids = np.where(found >= 0, ids, "own:" + own.to_numpy())
        else:
            names = signals["name"]
            if isinstance(names.dtype, pd.CategoricalDtype):
                folded = np.array([normalise_name(c) for c in names.cat.categories], dtype=object)
                codes = names.cat.codes.to_numpy()
                ids = np.where(codes >= 0, folded[np.maximum(codes, 0)], "")
            else:
                ids = np.array([normalise_name(n) for n in names], dtype=object)
            own = signals["doc_id"].astype(str) + ":" + signals["position"].astype(str)
            ids = np.where(ids == "", "own:" + own.to_numpy(), "name:" + ids.astype(str))
        codes, _ = pd.factorize(pd.Series(ids, dtype=object))
        return pd.DataFrame(
            {
                "entry": signals.index.to_numpy(dtype=np.int64),
                "doc_row": signals["doc_row"].to_numpy(dtype=np.int64),
                "cluster": codes.astype(np.int64),
            }
        )

    return explorer.memo("grouping.clusters", compute)
