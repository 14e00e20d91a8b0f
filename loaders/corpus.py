"""Reading the cache into pandas: the :class:`Corpus` every page works from."""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from . import cache
from .build import BuildReport, build_cache
from .derived import derived_path
from .locations import check_seeds_dir, default_cache_dir
from .manifest import part_versions
from .parts import part_path
from .repair import REPAIRS, UNREADABLE
from .schema import DERIVED_TABLES, ENTRY_TEXT_COLUMNS, TABLES
from .workers import Progress

#: Text columns with few distinct values per row count: read as categoricals,
#: which keeps the loaded corpus close to its Parquet size.
DICTIONARY_COLUMNS = {
    "documents": ["category", "doc_type", "duplicate_of"],
    "entries": ["doc_id", "section", *ENTRY_TEXT_COLUMNS, "extra"],
    "tags": ["doc_id", "list", "value", "value_norm", "link"],
    "problems": ["path", "doc_id", "severity", "message"],
}


@dataclass(frozen=True)
class Corpus:
    """The four tables of the data contract, plus where they came from."""

    documents: pd.DataFrame
    entries: pd.DataFrame
    tags: pd.DataFrame
    problems: pd.DataFrame
    seeds_dir: Path | None = None
    cache_dir: Path | None = None
    report: BuildReport | None = None
    #: The derived tables of the same generation, by name (see :mod:`loaders.derived`).
    derived: dict[str, pd.DataFrame] = field(default_factory=dict)

    @property
    def concepts(self) -> pd.DataFrame:
        """The ``concepts`` table (empty when the cache was built without it)."""
        return self._derived_table("concepts")

    @property
    def signal_clusters(self) -> pd.DataFrame:
        """The ``signal_clusters`` table (empty when the cache was built without it)."""
        return self._derived_table("signal_clusters")

    def _derived_table(self, name: str) -> pd.DataFrame:
        table = self.derived.get(name)
        if table is None:
            return DERIVED_TABLES[name].empty_table().to_pandas()
        return table

    def memory_bytes(self) -> int:
        return sum(
            int(frame.memory_usage(deep=True, index=True).sum())
            for frame in (self.documents, self.entries, self.tags, self.problems)
        )


def _read_table(generation: Path, manifest: dict, name: str) -> pd.DataFrame:
    """One table of a generation: exactly the part files its manifest names."""
    parts = [
        part_path(generation, name, shard, version)
        for shard, version in enumerate(part_versions(manifest, name))
    ]
    extra = manifest.get("derived_problems")
    if name == "problems" and extra:  # what the derived tables' inputs had wrong
        parts.append(str(cache.table_dir(generation, name) / extra["part"]))
    tables = [pq.ParquetFile(p, read_dictionary=DICTIONARY_COLUMNS[name]).read() for p in parts]
    if tables:
        table = pa.concat_tables(tables, promote_options="permissive")
    else:
        table = TABLES[name].empty_table()
    table = table.unify_dictionaries().combine_chunks()
    frame = table.to_pandas(date_as_object=False, self_destruct=True, split_blocks=True)
    if name == "documents":
        frame["page_date"] = pd.to_datetime(frame["page_date"])
        frame = frame.sort_values("path", ignore_index=True)
    elif name == "problems":
        frame = frame.sort_values(["path", "line"], ignore_index=True, na_position="first")
    # entries and tags keep part order: each document's rows are contiguous
    # and in table order; sort by (doc_id, section|list, position) if needed.
    return frame


def read_cache(cache_dir: str | os.PathLike[str]) -> Corpus:
    """Read the current generation of a cache folder (no building)."""
    folder = Path(cache_dir)
    last_error: Exception | None = None
    for _attempt in range(3):
        generation = cache.current_generation(folder)
        if generation is None:
            raise FileNotFoundError(
                f"no cache in {folder}; build it with: python -m loaders SEEDS --cache {folder}"
            )
        manifest = cache.read_manifest(generation)
        if manifest is None or "parts" not in manifest:
            raise ValueError(f"the cache in {folder} has no readable manifest")
        try:
            frames = {name: _read_table(generation, manifest, name) for name in TABLES}
            derived = {
                name: pd.read_parquet(derived_path(generation, name))
                for name in manifest.get("derived", [])
            }
        except FileNotFoundError as exc:  # a newer build removed it meanwhile: retry
            last_error = exc
            continue
        return Corpus(**frames, cache_dir=folder, derived=derived)
    assert last_error is not None  # the loop ran and every attempt failed
    raise last_error


def load_corpus(
    seeds_dir: str | os.PathLike[str],
    cache_dir: str | os.PathLike[str] | None = None,
    *,
    progress: Progress | None = None,
    engine: str = "fast",
    follow_outside_links: bool | None = None,
) -> Corpus:
    """Build or refresh the cache of ``seeds_dir`` and return its four tables.

    A cache that cannot be read is verified part by part and repaired; if
    that fails too it is rebuilt from scratch. Bad input never raises: it is
    in ``corpus.problems``. ``follow_outside_links``: see
    :func:`loaders.build_cache`.
    """
    seeds = check_seeds_dir(seeds_dir)
    target = Path(cache_dir) if cache_dir is not None else default_cache_dir(seeds)
    report = build_cache(
        seeds,
        target,
        progress=progress,
        engine=engine,
        follow_outside_links=follow_outside_links,
    )
    for repair in REPAIRS:
        try:
            corpus = read_cache(target)
            break
        except UNREADABLE:
            report = build_cache(
                seeds,
                target,
                progress=progress,
                engine=engine,
                verify=repair.verify,
                force=repair.force,
                follow_outside_links=follow_outside_links,
            )
    else:
        corpus = read_cache(target)
    return dataclasses.replace(corpus, seeds_dir=seeds, cache_dir=target, report=report)
