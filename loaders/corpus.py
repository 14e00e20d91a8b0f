"""Reading the cache into pandas: the :class:`Corpus` every page works from."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from . import cache
from .build import BuildReport, Progress, build_cache
from .locations import check_seeds_dir, default_cache_dir

#: Text columns with few distinct values per row count: read as categoricals,
#: which keeps the loaded corpus close to its Parquet size.
DICTIONARY_COLUMNS = {
    "documents": ["category", "doc_type", "duplicate_of"],
    "entries": [
        "doc_id",
        "section",
        "name",
        "description",
        "change",
        "ten_year",
        "driving_force",
        "extra",
    ],
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

    def memory_bytes(self) -> int:
        return sum(
            int(frame.memory_usage(deep=True, index=True).sum())
            for frame in (self.documents, self.entries, self.tags, self.problems)
        )


def _read_table(generation: Path, name: str) -> pd.DataFrame:
    folder = cache.table_dir(generation, name)
    parts = sorted(folder.glob("part-*.parquet"))
    tables = [pq.ParquetFile(p, read_dictionary=DICTIONARY_COLUMNS[name]).read() for p in parts]
    table = pa.concat_tables(tables, promote_options="permissive") if tables else None
    if table is None:
        from .schema import TABLES

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


#: What reading a damaged cache raises (a truncated or foreign part file ...).
UNREADABLE = (OSError, pa.ArrowException, ValueError)
#: How an unreadable cache is mended, mildest first: re-parse the parts that
#: fail verification, then rebuild everything.
REPAIRS: tuple[dict[str, bool], ...] = ({"verify": True}, {"force": True})


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
        try:
            frames = {name: _read_table(generation, name) for name in DICTIONARY_COLUMNS}
        except FileNotFoundError as exc:  # a newer build removed it meanwhile: retry
            last_error = exc
            continue
        return Corpus(**frames, cache_dir=folder)
    raise last_error  # type: ignore[misc]


def load_corpus(
    seeds_dir: str | os.PathLike[str],
    cache_dir: str | os.PathLike[str] | None = None,
    *,
    progress: Progress | None = None,
    engine: str = "fast",
) -> Corpus:
    """Build or refresh the cache of ``seeds_dir`` and return its four tables.

    A cache that cannot be read is verified part by part and repaired; if
    that fails too it is rebuilt from scratch. Bad input never raises: it is
    in ``corpus.problems``.
    """
    seeds = check_seeds_dir(seeds_dir)
    target = Path(cache_dir) if cache_dir is not None else default_cache_dir(seeds)
    report = build_cache(seeds, target, progress=progress, engine=engine)
    for repair in REPAIRS:
        try:
            corpus = read_cache(target)
            break
        except UNREADABLE:
            report = build_cache(seeds, target, progress=progress, engine=engine, **repair)
    else:
        corpus = read_cache(target)
    return Corpus(
        corpus.documents,
        corpus.entries,
        corpus.tags,
        corpus.problems,
        seeds_dir=seeds,
        cache_dir=target,
        report=report,
    )
