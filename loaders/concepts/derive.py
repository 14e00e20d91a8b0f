"""The two derived tables of the data contract, from the parsed tables and the vocabularies.

``concepts`` depends on the distinct theme/keyword values and on the
vocabulary files (:mod:`loaders.concepts.files` says where they are);
``signal_clusters`` on the signals. Both are small and rebuilt whole with
every generation (:mod:`loaders.concepts.tables`).
"""

from __future__ import annotations

import hashlib

import pandas as pd

from .assign import HOW_FILE, HOW_SHIPPED, Layer, assign_concepts
from .clusters import cluster_signals
from .files import VocabularyFiles, vocabulary_files
from .vocabulary import (
    FILE_NAME,
    SHIPPED_VOCABULARY,
    VocabConcept,
    Vocabulary,
    VocabularyProblem,
    check_broader,
    read_vocabulary,
)


def analyst_vocabulary(files: VocabularyFiles) -> Vocabulary:
    """The analyst's concepts: the data folder's file over the seeds folder's, by concept id."""
    overlay = read_vocabulary(files.overlay_file, str(files.overlay_file))
    if files.seeds_file == files.overlay_file:
        return overlay
    seeds = read_vocabulary(files.seeds_file, FILE_NAME)
    ids = {c.id for c in overlay.concepts}
    return Vocabulary(
        overlay.concepts + tuple(c for c in seeds.concepts if c.id not in ids),
        overlay.problems + seeds.problems,
        tuple(dict.fromkeys(overlay.extra_columns + seeds.extra_columns)),
    )


def shipped_vocabulary() -> Vocabulary:
    return read_vocabulary(SHIPPED_VOCABULARY, "shipped vocabulary")


def layers_for(files: VocabularyFiles) -> tuple[list[Layer], list[VocabularyProblem]]:
    """The vocabularies in order of precedence, and what could not be read in them."""
    shipped = shipped_vocabulary()
    analyst = analyst_vocabulary(files)
    known = {c.id for c in shipped.concepts} | {c.id for c in analyst.concepts}
    analyst = check_broader(analyst, known, FILE_NAME)
    return [Layer(analyst, HOW_FILE), Layer(shipped, HOW_SHIPPED)], list(analyst.problems)


def definitions(files: VocabularyFiles) -> dict[str, VocabConcept]:
    """Every concept a vocabulary defines, the analyst's definition winning over the shipped one."""
    merged = {c.id: c for c in shipped_vocabulary().concepts}
    merged.update({c.id: c for c in analyst_vocabulary(files).concepts})
    return merged


def inputs_fingerprint(files: VocabularyFiles) -> str:
    """Changes whenever a vocabulary file changes (size, time or inode)."""
    parts = []
    for path in (SHIPPED_VOCABULARY, files.seeds_file, files.overlay_file):
        try:
            st = path.stat()
            parts.append(f"{path}:{st.st_size}:{st.st_mtime_ns}:{st.st_ino}")
        except OSError:
            parts.append(f"{path}:-")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def derive_concepts(
    tags: pd.DataFrame, files: VocabularyFiles
) -> tuple[pd.DataFrame, list[VocabularyProblem]]:
    """The ``concepts`` table and the vocabulary problems to report."""
    layers, problems = layers_for(files)
    return assign_concepts(tags, layers), problems


def derive_clusters(entries: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    """The ``signal_clusters`` table."""
    return cluster_signals(entries, documents)


def problem_rows(problems: list[VocabularyProblem]) -> pd.DataFrame:
    """Vocabulary problems as rows of the ``problems`` table (no document id)."""
    return pd.DataFrame(
        {
            "path": [p.path for p in problems],
            "doc_id": [None] * len(problems),
            "line": pd.array([p.line for p in problems], dtype="Int32"),
            "severity": [p.severity for p in problems],
            "message": [p.message for p in problems],
        }
    )


__all__ = [
    "VocabularyFiles",
    "analyst_vocabulary",
    "definitions",
    "derive_clusters",
    "derive_concepts",
    "inputs_fingerprint",
    "vocabulary_files",
]
