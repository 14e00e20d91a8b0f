"""Writing one shard's Parquet parts: fresh rows merged with the kept ones.

Entries and tags parts depend only on their own files, so worker processes
write them (:func:`run_shard`). Documents and problems parts depend on the
global duplicate map, so the main process writes them afterwards
(:func:`write_meta_part`).
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from . import cache
from .files import readable_path
from .readers import parse_bytes
from .schema import DOCUMENTS, ENTRIES, ERROR, PROBLEMS, TAGS, WARNING, rows_to_table

# Parts are written uncompressed but dictionary-encoded (see write_part): the
# fastest to write and to read back, and what keeps a one-file refresh cheap.
# Text repeats a lot across digests, so dictionaries still make the files small.
DUPLICATE_PREFIX = "same title and table rows as "


class CorruptPart(Exception):
    """A part file of the previous generation cannot be read."""

    def __init__(self, shard: int) -> None:
        super().__init__(f"part {shard} of the cache cannot be read")
        self.shard = shard


@dataclass(slots=True)
class ShardTask:
    """One shard's new and changed files to parse, and where its rows go."""

    shard: int
    seeds_dir: str
    parse: list[tuple[str, str, bytes | None]]  # relpath, doc_id, bytes if already read
    old_parts: dict[str, str]  # table -> the previous part to keep rows from (none: keep none)
    out_parts: dict[str, str]  # table -> the part file to write
    removed_ids: frozenset[str]  # doc_ids whose old rows must go
    engine: str
    today: dt.date


@dataclass(slots=True)
class ShardResult:
    shard: int
    parsed: list[tuple[str, str, str, dict | None]]  # relpath, sha256, content key, document
    problems: list[tuple[object, ...]]
    entries: dict[str, int]  # entries per section in the whole part
    tags: int


def part_path(generation: str | Path, table: str, shard: int, version: int) -> str:
    return os.path.join(generation, f"{table}.parquet", cache.part_name(shard, version))


def read_part(path: str | None, shard: int) -> pa.Table | None:
    """The rows of a previous part file (None: there is none to keep)."""
    if path is None:
        return None
    try:
        # One file: ParquetFile skips the dataset layer of read_table (~0.3 ms a part).
        return pq.ParquetFile(path).read()
    except (OSError, pa.ArrowException) as exc:
        raise CorruptPart(shard) from exc


def part_ok(path: str, verify: bool) -> bool:
    if not verify:
        return os.path.isfile(path)
    try:
        pq.read_metadata(path)
    except (OSError, pa.ArrowException):
        return False
    return True


def _without(old: pa.Table | None, column: str, removed: frozenset[str]) -> pa.Table | None:
    if old is None or old.num_rows == 0:
        return None
    if not removed:
        return old
    drop = pc.is_in(old[column], value_set=pa.array(sorted(removed), pa.string()))
    return old.filter(pc.invert(drop))


def write_part(table: pa.Table, path: str) -> None:
    pq.write_table(table, path, compression="none", use_dictionary=True)


def _merge_and_write(
    rows: list[tuple[object, ...]], schema: pa.Schema, task: ShardTask, name: str
) -> pa.Table:
    old = read_part(task.old_parts.get(name), task.shard)
    kept = _without(old, "doc_id", task.removed_ids)
    table = rows_to_table(rows, schema)
    if kept is not None:
        table = pa.concat_tables([kept.cast(schema), table])
    write_part(table, task.out_parts[name])
    return table


def run_shard(task: ShardTask) -> ShardResult:
    """Parse a shard's new and changed files; write its entries and tags parts."""
    root = Path(task.seeds_dir)
    entries: list[tuple[object, ...]] = []
    tags: list[tuple[object, ...]] = []
    problems: list[tuple[object, ...]] = []
    parsed: list[tuple[str, str, str, dict | None]] = []
    for relpath, doc_id, data in task.parse:
        shown = readable_path(relpath)
        if data is None:
            try:
                with open(root / relpath, "rb") as fh:
                    data = fh.read()
            except OSError as exc:
                problems.append(
                    (shown, doc_id, None, ERROR, f"cannot be read: {exc.strerror or exc}")
                )
                parsed.append((relpath, "", "", None))
                continue
        result = parse_bytes(data, doc_id=doc_id, path=shown, engine=task.engine, today=task.today)
        if shown != relpath:
            message = f"file name is not valid UTF-8; shown as {shown!r}"
            result.problems.insert(0, (shown, doc_id, None, WARNING, message))
        entries += result.entries
        tags += result.tags
        problems += result.problems
        document = result.document
        sha = str(document["sha256"]) if document else hashlib.sha256(data).hexdigest()
        parsed.append((relpath, sha, result.content_key, document))
    entry_table = _merge_and_write(entries, ENTRIES, task, "entries")
    tag_table = _merge_and_write(tags, TAGS, task, "tags")
    sections = entry_table["section"].value_counts().to_pylist() if entry_table.num_rows else []
    counts = {str(item["values"]): int(item["counts"]) for item in sections}
    return ShardResult(task.shard, parsed, problems, counts, tag_table.num_rows)


def run_shard_in_worker(task: ShardTask) -> ShardResult:
    gc.disable()  # a short-lived worker allocating millions of acyclic objects
    return run_shard(task)


@dataclass(slots=True)
class MetaTask:
    """A shard's documents and problems parts: what to keep, drop and add."""

    shard: int
    old_parts: dict[str, str]  # table -> the previous part (none: keep nothing)
    out_parts: dict[str, str]  # table -> the part file to write
    new_documents: list[dict]
    new_problems: list[tuple[object, ...]]
    removed_ids: frozenset[str]
    removed_paths: frozenset[str]  # as shown in the tables
    doc_ids: set[str]  # the documents the shard holds now
    folders: set[str]  # unreadable folders the shard lists now (problems without a doc_id)


def write_meta_part(
    task: MetaTask, dup_changes: dict[str, tuple[str, str | None, str | None]]
) -> tuple[int, dict[str, int]]:
    """Write the documents and problems parts of one shard; return their counts.

    ``dup_changes`` gives, for documents whose duplicate status may have
    changed, (path, original doc_id or None, original's path); all other
    documents keep theirs. Kept rows stay Arrow data: a one-file refresh never
    turns a whole part into Python objects.
    """
    shard, doc_ids, removed_ids = task.shard, task.doc_ids, task.removed_ids
    new_documents, new_problems = task.new_documents, task.new_problems
    current = pa.array(sorted(doc_ids), pa.string())
    old_docs = _without(read_part(task.old_parts.get("documents"), shard), "doc_id", removed_ids)
    pieces = [] if old_docs is None else [old_docs.filter(pc.is_in(old_docs["doc_id"], current))]
    if new_documents:
        fresh = [{**row, "duplicate_of": None} for row in new_documents if row["doc_id"] in doc_ids]
        pieces.append(pa.Table.from_pylist(fresh, schema=DOCUMENTS))
    documents = pa.concat_tables(pieces) if pieces else DOCUMENTS.empty_table()
    problems: list[tuple[object, ...]] = []
    old_problems = _without(
        read_part(task.old_parts.get("problems"), shard), "path", task.removed_paths
    )
    if old_problems is not None:
        for row in old_problems.to_pylist():
            if row["doc_id"] not in doc_ids and row["path"] not in task.folders:
                continue
            if row["doc_id"] in dup_changes and str(row["message"]).startswith(DUPLICATE_PREFIX):
                continue
            problems.append(tuple(row.values()))
    problems += new_problems
    ids = documents["doc_id"].to_pylist()
    if any(doc_id in dup_changes for doc_id in ids):
        paths = documents["path"].to_pylist()
        originals = documents["duplicate_of"].to_pylist()
        for at, doc_id in enumerate(ids):
            change = dup_changes.get(doc_id)
            if change is None:
                continue
            _path, original, original_path = change
            originals[at] = original
            if original:
                problems.append(
                    (
                        paths[at],
                        doc_id,
                        None,
                        WARNING,
                        f"{DUPLICATE_PREFIX}{original} ({readable_path(original_path or '')}); "
                        "marked as its duplicate",
                    )
                )
        column = documents.schema.get_field_index("duplicate_of")
        documents = documents.set_column(column, "duplicate_of", pa.array(originals, pa.string()))
    documents = documents.sort_by("path")
    problems.sort(key=lambda p: (str(p[0]), p[2] if p[2] is not None else -1))
    write_part(documents, task.out_parts["documents"])
    write_part(rows_to_table(problems, PROBLEMS), task.out_parts["problems"])
    return documents.num_rows, dict(Counter(str(p[3]) for p in problems))
