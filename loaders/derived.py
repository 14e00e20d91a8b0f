"""Derived tables: computed from a new generation, written into it before it is published.

Some tables are not parsed from any one document but computed from the whole
corpus (the concepts of every tag, clusters of similar signals), sometimes
with a file that is not a document (``vocabulary.csv`` in the seeds or data
folder). A :class:`Derivation` says how to compute one; every build that
publishes a generation runs all of :data:`DERIVATIONS` over it after the
documents are parsed and before ``current`` flips, so readers never see the
documents of one generation with the derived tables of another.

A derivation names the files it reads besides the tables
(:attr:`Derivation.inputs`); their signatures are kept in the manifest, so a
change to those files alone is enough to make a new generation, even when no
document changed. Such files are never documents (only ``.md``,
``.markdown`` and ``.txt`` are).

Each derived table is one Parquet file, ``<generation>/<name>.parquet``, with
a stable path ``CACHE/<name>.parquet`` like the four contract tables, and
:func:`loaders.read_cache` returns it in ``Corpus.derived[name]``.
"""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from .manifest import part_versions
from .parts import part_path, write_part
from .schema import PROBLEMS, rows_to_table


@dataclass(slots=True)
class DeriveContext:
    """What a derivation may read (the new generation's tables, the seeds folder),
    and where it reports what it could not read (:meth:`problem`)."""

    seeds: Path
    generation: Path
    manifest: dict
    #: Problem rows in the contract's column order (path, doc_id, line, severity, message).
    problems: list[tuple[object, ...]] = field(default_factory=list)
    _tables: dict[tuple[str, tuple[str, ...] | None], pa.Table] = field(default_factory=dict)

    def problem(self, path: str, line: int | None, severity: str, message: str) -> None:
        """A row for ``problems`` about a derivation's input (e.g. a vocabulary.csv line)."""
        self.problems.append((path, None, line, severity, message))

    def table(self, name: str, columns: Sequence[str] | None = None) -> pa.Table:
        """A contract table of the new generation, all shards (read once, then kept).

        ``columns``: only these are read. Entries carry long texts a derivation
        rarely needs, and reading them is most of a one-file refresh's work.
        """
        key = (name, None if columns is None else tuple(columns))
        if key not in self._tables:
            paths = [
                part_path(self.generation, name, shard, version)
                for shard, version in enumerate(part_versions(self.manifest, name))
            ]
            wanted = None if columns is None else list(columns)
            tables = [pq.ParquetFile(path).read(columns=wanted) for path in paths]
            self._tables[key] = pa.concat_tables(tables) if tables else pa.table({})
        return self._tables[key]


@dataclass(frozen=True, slots=True)
class Derivation:
    """How to compute one derived table."""

    name: str
    schema: pa.Schema
    compute: Callable[[DeriveContext], pa.Table]
    #: Files it reads besides the tables (missing ones are fine), given the seeds folder.
    inputs: Callable[[Path], Sequence[Path]] = lambda seeds: ()
    #: Bump when ``compute`` changes what it produces: the next build re-derives.
    version: int = 1


def _built_in() -> list[Derivation]:
    """The data contract's derived tables: concepts and signal clusters."""
    from .concepts.tables import CLUSTERS_TABLE, CONCEPTS_TABLE

    return [CONCEPTS_TABLE, CLUSTERS_TABLE]


#: The derived tables every build computes. Register one by appending to it
#: (see README, "Derived tables").
DERIVATIONS: list[Derivation] = _built_in()


def inputs_signature(seeds: Path, derivations: Sequence[Derivation]) -> str:
    """A digest of the derivations and of their input files' path and (size, mtime,
    ctime, device, inode).

    A missing input counts by its place in the list alone, not by its path:
    the analyst's saved vocabulary follows ``SEEDSCOPE_DATA``, and a file
    missing in one data folder and missing in another changes no concept, so
    it must not make a new generation. A file that is there counts with its
    path too (its problems are reported under that path).
    """
    if not derivations:
        return ""
    digest = hashlib.blake2b(digest_size=16)
    for derivation in derivations:
        digest.update(f"{derivation.name}:{derivation.version}\0".encode())
        for place, path in enumerate(derivation.inputs(seeds)):
            try:
                st = os.stat(path)
                signature = (
                    f"{path}\0{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:"
                    f"{st.st_dev}:{st.st_ino}"
                )
            except OSError:
                signature = "missing"
            digest.update(f"{place}\0{signature}\0".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def derived_path(generation: Path, name: str) -> Path:
    return generation / f"{name}.parquet"


def derive(context: DeriveContext, derivations: Sequence[Derivation], number: int) -> None:
    """Compute every derived table and write it into the (unpublished) generation.

    Problems the derivations reported become one more part of the
    ``problems`` table (``part-derived-<generation>.parquet``), named in the
    manifest under ``derived_problems`` with its counts, so every reader of
    ``problems`` sees them with the documents' own.
    """
    for derivation in derivations:
        table = derivation.compute(context)
        if not table.schema.equals(derivation.schema):
            table = table.select(derivation.schema.names).cast(derivation.schema)
        pq.write_table(table, derived_path(context.generation, derivation.name))
    if context.problems:
        name = f"part-derived-{number:06d}.parquet"
        rows = rows_to_table(context.problems, PROBLEMS)
        write_part(rows, os.path.join(context.generation, "problems.parquet", name))
        severities = Counter(str(row[3]) for row in context.problems)
        context.manifest["derived_problems"] = {"part": name, "counts": dict(severities)}
