"""Carrying out a build's plan: a new generation, written, derived, published.

:func:`run` does what :func:`loaders.plan.plan` decided and nothing else: it
settles the files whose signature moved (same content: reused), parses the
rest in shard tasks (see :mod:`loaders.workers`), writes the changed parts
and hard-links the others into a temporary folder, computes the derived
tables (:mod:`loaders.derived`) and publishes the folder as the new
generation (:mod:`loaders.cache`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from . import cache, derived, schema
from .duplicates import DuplicateIndex
from .files import FOLDER_MARK, readable_path
from .listing import Listing
from .manifest import (
    FORMAT,
    ShardFiles,
    columns_of,
    empty_files,
    files_path,
    part_versions,
    read_shard_files,
    shard_of,
    write_shard_files,
)
from .parts import MetaTask, ShardTask, part_path, write_meta_part
from .plan import Plan
from .schema import TABLES
from .workers import Progress, run_tasks

#: Parts a shard task writes (they depend on the shard's files only) ...
ROW_TABLES = ("entries", "tags")
#: ... and parts written afterwards (they depend on the corpus-wide duplicate index).
META_TABLES = ("documents", "problems")


@dataclass(slots=True)
class Build:
    """Everything a build needs besides its plan."""

    seeds: Path
    target: Path
    generation: Path | None  # the current generation (None: there is none)
    manifest: dict
    listing: Listing
    engine: str = "fast"
    workers: int | None = None
    progress: Progress | None = None
    today: dt.date = field(default_factory=dt.date.today)
    derivations: Sequence[derived.Derivation] = ()
    inputs: str = ""


@dataclass(slots=True)
class Outcome:
    """The published generation, its manifest and how many files were parsed."""

    generation: Path
    manifest: dict
    parsed: int


def run(the_plan: Plan, build: Build) -> Outcome:
    """Carry a plan out: write a new generation and publish it.

    The steps, in order: parse what changed and write its parts (linking the
    rest), compute the derived tables from the finished parts, write the
    manifest, flip ``current``. A failure anywhere removes the unfinished
    generation; a write failure (disk full ...) becomes
    :class:`~loaders.cache.CacheWriteError`.
    """
    number = cache.next_generation_number(build.target, build.generation)
    out = cache.new_generation_dir(build.target)
    try:
        manifest, parsed = _write_generation(the_plan, build, out, number)
        derived.derive(derived.DeriveContext(build.seeds, out, manifest), build.derivations)
        cache.write_manifest(out, manifest)
        names = [*TABLES, *(d.name for d in build.derivations)]
        final = cache.publish(build.target, out, number, names)
    except OSError as exc:
        cache.discard(out)
        raise cache.CacheWriteError(build.target, exc) from exc
    except BaseException:
        cache.discard(out)
        raise
    cache.collect_garbage(build.target, final)
    return Outcome(final, manifest, parsed)


ToParse = list[tuple[str, str, bytes | None]]  # relpath, doc_id, bytes when already read


def _settle_rehashes(the_plan: Plan, build: Build) -> dict[int, ToParse]:
    """Read the files whose signature moved: reuse those whose content did not.

    Returns, per shard, what to parse.
    """
    to_parse: dict[int, ToParse] = {}
    for shard, work in the_plan.work.items():
        read: dict[int, bytes | None] = {}
        for at, old in work.rehash:
            record = work.files[at]
            try:
                data: bytes | None = (build.seeds / record.path).read_bytes()
            except OSError:
                data = None
            if data is not None and hashlib.sha256(data).hexdigest() == old.sha256:
                the_plan.reused += 1
                continue
            work.removed.append(old)
            record.sha256 = record.key = ""
            read[at] = data
        work.parse = sorted([*work.parse, *read])
        work.rehash = []
        if work.parse:
            to_parse[shard] = [
                (work.files[at].path, work.files[at].doc_id, read.get(at)) for at in work.parse
            ]
    return to_parse


def _write_generation(the_plan: Plan, build: Build, out: Path, number: int) -> tuple[dict, int]:
    """Write every part, file list and duplicate bucket of the new generation.

    Returns its manifest (not yet written) and how many files were parsed.
    """
    shards = the_plan.shards
    old_gen = None if the_plan.full else build.generation
    old_versions = {
        table: part_versions(build.manifest, table) if old_gen is not None else [0] * shards
        for table in TABLES
    }
    versions = {table: list(old_versions[table]) for table in TABLES}

    def old_part(table: str, shard: int, from_scratch: bool = False) -> str | None:
        if old_gen is None or from_scratch:
            return None
        return part_path(old_gen, table, shard, old_versions[table][shard])

    def new_part(table: str, shard: int) -> str:
        versions[table][shard] = number
        return part_path(out, table, shard, number)

    def link(table: str, shard: int) -> None:
        source = old_part(table, shard)
        assert source is not None, "a part is linked only from an existing generation"
        cache.link_or_copy(Path(source), Path(part_path(out, table, shard, versions[table][shard])))

    to_parse = _settle_rehashes(the_plan, build)
    parsed_count = sum(len(todo) for todo in to_parse.values())
    changed = {shard for shard, work in the_plan.work.items() if work.rows_change}
    tasks = []
    for shard in sorted(changed):
        scratch = the_plan.work[shard].from_scratch
        tasks.append(
            ShardTask(
                shard=shard,
                seeds_dir=str(build.seeds),
                parse=to_parse.get(shard, []),
                old_parts={t: p for t in ROW_TABLES if (p := old_part(t, shard, scratch))},
                out_parts={t: new_part(t, shard) for t in ROW_TABLES},
                removed_ids=frozenset(r.doc_id for r in the_plan.work[shard].removed),
                engine=build.engine,
                today=build.today,
            )
        )
    results = {r.shard: r for r in run_tasks(tasks, parsed_count, build.workers, build.progress)}

    duplicates = DuplicateIndex(old_gen, shards)
    for work in the_plan.work.values():
        for record in work.removed:
            duplicates.remove(record.path, record.key)
    documents: dict[int, list[dict]] = {}
    for shard, result in results.items():
        files = the_plan.work[shard].files
        index = {record.path: at for at, record in enumerate(files)}
        for relpath, sha, key, document in result.parsed:
            record = files[index[relpath]]
            record.sha256 = sha
            if document is not None:
                record.key = key
                documents.setdefault(shard, []).append(document)
                duplicates.add(relpath, str(document["doc_id"]), key)
    if duplicates.broken:
        duplicates = _rebuild_duplicates(the_plan, build.generation)
    dup_changes = duplicates.changes()
    meta_shards = changed | {shard_of(p, shards) for p in duplicates.touched_paths()}

    counts: dict[str, dict] = {} if the_plan.full else dict(build.manifest.get("counts", {}))
    for shard in range(shards):
        key = str(shard)
        work = the_plan.work.get(shard)
        if shard in changed:
            result = results[shard]
            counts[key] = {**counts.get(key, {}), "entries": result.entries, "tags": result.tags}
        else:
            link("entries", shard)
            link("tags", shard)
        if shard in meta_shards:
            files = _files_of(the_plan, build.generation, shard)
            scratch = work is not None and work.from_scratch
            removed = work.removed if work is not None else []
            problems = list(results[shard].problems) if shard in results else []
            problems += work.unreadable if work is not None else []
            n_docs, by_severity = write_meta_part(
                MetaTask(
                    shard=shard,
                    old_parts={t: p for t in META_TABLES if (p := old_part(t, shard, scratch))},
                    out_parts={t: new_part(t, shard) for t in META_TABLES},
                    new_documents=documents.get(shard, []),
                    new_problems=problems,
                    removed_ids=frozenset(r.doc_id for r in removed),
                    removed_paths=frozenset(readable_path(r.path) for r in removed),
                    doc_ids={d for d in files["doc_id"] if d},
                    folders={readable_path(p) for p in files["path"] if p.endswith(FOLDER_MARK)},
                ),
                dup_changes,
            )
            counts[key] = {**counts.get(key, {}), "documents": n_docs, "problems": by_severity}
        else:
            link("documents", shard)
            link("problems", shard)
        if work is not None or shard in the_plan.kept or old_gen is None:
            files = columns_of(work.files) if work is not None else the_plan.kept.get(shard)
            write_shard_files(out, shard, files or empty_files())
        else:
            assert build.generation is not None
            files_path(out, shard).parent.mkdir(exist_ok=True)
            cache.link_or_copy(files_path(build.generation, shard), files_path(out, shard))
    duplicates.write(out)
    manifest = {
        "format": FORMAT,
        "schema": schema.SCHEMA_VERSION,
        "parser": schema.PARSER_VERSION,
        "seeds": os.path.realpath(build.seeds),
        "shards": shards,
        "built_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "listing": the_plan.fingerprint,
        "shard_listing": the_plan.shard_listing,
        "shard_paths": the_plan.shard_paths,
        "parts": versions,
        "counts": counts,
        "inputs": build.inputs,
        "derived": [d.name for d in build.derivations],
    }
    return manifest, parsed_count


def _files_of(the_plan: Plan, generation: Path | None, shard: int) -> ShardFiles:
    """A shard's file list after the build (from the plan, else the old generation)."""
    work = the_plan.work.get(shard)
    if work is not None:
        return columns_of(work.files)
    return the_plan.kept.get(shard) or _old_list(generation, shard)


def _old_list(generation: Path | None, shard: int) -> ShardFiles:
    if generation is None:
        return empty_files()
    return read_shard_files(generation, shard) or empty_files()


def _rebuild_duplicates(the_plan: Plan, generation: Path | None) -> DuplicateIndex:
    """A fresh index from every shard's file list (when a bucket was unreadable)."""
    duplicates = DuplicateIndex(None, the_plan.shards)
    for shard in range(the_plan.shards):
        files = _files_of(the_plan, generation, shard)
        for path, doc_id, key in zip(files["path"], files["doc_id"], files["key"], strict=True):
            duplicates.add(path, doc_id, key)
    return duplicates
