"""The ``concepts`` and ``signal_clusters`` tables, as derived tables of every cache build.

They are computed from a new generation's tags and entries (and the
vocabulary files, whose signatures the build watches, so editing
``vocabulary.csv`` alone makes a new generation) and written into it before
it is published (see :mod:`loaders.derived`). The heavy imports (pandas,
the stemmer) wait until a build actually derives, so ``python -m loaders``
starts as fast as before.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from ..derived import Derivation, DeriveContext
from ..schema import CONCEPT_LISTS, CONCEPTS, SIGNAL_CLUSTERS, SIGNALS
from .files import vocabulary_files, vocabulary_inputs


def _concepts(context: DeriveContext) -> pa.Table:
    from .derive import derive_concepts

    tags = context.table("tags", ["doc_id", "list", "value", "value_norm"])
    # only theme and keyword rows have concepts: drop the rest before pandas sees them
    wanted = pc.is_in(tags["list"], value_set=pa.array(CONCEPT_LISTS, pa.string()))
    tags = tags.filter(pc.and_(wanted, pc.is_valid(tags["value_norm"]))).to_pandas()
    table, problems = derive_concepts(tags, vocabulary_files(context.seeds))
    for problem in problems:
        context.problem(
            _shown(context.seeds, problem.path), problem.line, problem.severity, problem.message
        )
    return pa.Table.from_pandas(table, schema=CONCEPTS, preserve_index=False)


def _shown(seeds: Path, path: str) -> str:
    """A vocabulary problem's file, relative to the seeds folder when it is in it."""
    try:
        return Path(path).relative_to(seeds).as_posix()
    except ValueError:
        return path


def _signal_clusters(context: DeriveContext) -> pa.Table:
    from .derive import derive_clusters

    entries = context.table("entries", ["doc_id", "section", "position", "name", "description"])
    # only signals are clustered: filtering in Arrow spares pandas copying the other rows
    signals = entries.filter(pc.equal(entries["section"], SIGNALS))
    documents = context.table("documents", ["doc_id", "duplicate_of"])
    table = derive_clusters(signals.to_pandas(), documents.to_pandas())
    return pa.Table.from_pandas(table, schema=SIGNAL_CLUSTERS, preserve_index=False)


CONCEPTS_TABLE = Derivation("concepts", CONCEPTS, _concepts, inputs=vocabulary_inputs, version=1)
CLUSTERS_TABLE = Derivation("signal_clusters", SIGNAL_CLUSTERS, _signal_clusters, version=1)
