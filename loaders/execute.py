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
from .parts import MetaTask, ShardResult, ShardTask, part_path, write_meta_part
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

    The steps, in order: settle the files whose signature moved, parse what
    changed (writing its shards' entries and tags parts), update the
    duplicate index, write or link every shard's parts and file list,
    compute the derived tables from the finished parts, write the manifest,
    flip ``current``. A failure anywhere removes the unfinished generation;
    a write failure (disk full ...) becomes :class:`~loaders.cache.CacheWriteError`.
    """
    number = cache.next_generation_number(build.target, build.generation)
    out = cache.new_generation_dir(build.target)
    try:
        to_parse = _settle_rehashes(the_plan, build)
        writer = _Writer(the_plan, build, out, number)  # after settling: it knows what changed
        results = writer.parse(to_parse)
        duplicates = writer.duplicates(results)
        for shard in range(the_plan.shards):
            writer.shard(shard, results, duplicates)
        duplicates.index.write(out)
        manifest = writer.manifest()
        # Derived tables (concepts ...) are computed here, from the finished
        # parts of this generation, before it is published.
        context = derived.DeriveContext(build.seeds, out, manifest)
        derived.derive(context, build.derivations, number)
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
    return Outcome(final, manifest, sum(len(todo) for todo in to_parse.values()))


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


@dataclass(slots=True)
class _Duplicates:
    index: DuplicateIndex
    changes: dict[str, tuple[str, str | None, str | None]]
    meta_shards: set[int]  # shards whose documents and problems parts must be rewritten


class _Writer:
    """Writes one new generation's parts, file lists and manifest, shard by shard."""

    def __init__(self, the_plan: Plan, build: Build, out: Path, number: int) -> None:
        self.plan, self.build, self.out, self.number = the_plan, build, out, number
        self.old = None if the_plan.full else build.generation
        shards = the_plan.shards
        self.old_versions = {
            table: part_versions(build.manifest, table) if self.old is not None else [0] * shards
            for table in TABLES
        }
        self.versions = {table: list(self.old_versions[table]) for table in TABLES}
        self.changed = {shard for shard, work in the_plan.work.items() if work.rows_change}
        self.documents: dict[int, list[dict]] = {}
        self.counts: dict[str, dict] = {} if the_plan.full else dict(build.manifest["counts"])

    # -- part files ---------------------------------------------------------------

    def old_part(self, table: str, shard: int, from_scratch: bool = False) -> str | None:
        if self.old is None or from_scratch:
            return None
        return part_path(self.old, table, shard, self.old_versions[table][shard])

    def new_part(self, table: str, shard: int) -> str:
        self.versions[table][shard] = self.number
        return part_path(self.out, table, shard, self.number)

    def link(self, table: str, shard: int) -> None:
        source = self.old_part(table, shard)
        assert source is not None, "a part is linked only from an existing generation"
        target = part_path(self.out, table, shard, self.versions[table][shard])
        cache.link_or_copy(Path(source), Path(target))

    # -- steps --------------------------------------------------------------------

    def parse(self, to_parse: dict[int, ToParse]) -> dict[int, ShardResult]:
        """Parse the changed shards' files; their tasks write entries and tags parts."""
        tasks = []
        for shard in sorted(self.changed):
            work = self.plan.work[shard]
            scratch = work.from_scratch
            tasks.append(
                ShardTask(
                    shard=shard,
                    seeds_dir=str(self.build.seeds),
                    parse=to_parse.get(shard, []),
                    old_parts={t: p for t in ROW_TABLES if (p := self.old_part(t, shard, scratch))},
                    out_parts={t: self.new_part(t, shard) for t in ROW_TABLES},
                    removed_ids=frozenset(record.doc_id for record in work.removed),
                    engine=self.build.engine,
                    today=self.build.today,
                )
            )
        total = sum(len(task.parse) for task in tasks)
        results = run_tasks(tasks, total, self.build.workers, self.build.progress)
        return {result.shard: result for result in results}

    def duplicates(self, results: dict[int, ShardResult]) -> _Duplicates:
        """Record parsed hashes and keys; find whose duplicate status changed."""
        index = DuplicateIndex(self.old, self.plan.shards)
        for work in self.plan.work.values():
            for record in work.removed:
                index.remove(record.path, record.key)
        for shard, result in results.items():
            files = self.plan.work[shard].files
            at = {record.path: n for n, record in enumerate(files)}
            for relpath, sha, key, document in result.parsed:
                record = files[at[relpath]]
                record.sha256 = sha
                if document is not None:
                    record.key = key
                    self.documents.setdefault(shard, []).append(document)
                    index.add(relpath, str(document["doc_id"]), key)
        if index.broken:  # a bucket was unreadable: rebuild the index from the file lists
            index = DuplicateIndex(None, self.plan.shards)
            for shard in range(self.plan.shards):
                listed = self.files_of(shard)
                for path, doc_id, key in zip(
                    listed["path"], listed["doc_id"], listed["key"], strict=True
                ):
                    index.add(path, doc_id, key)
        touched = {shard_of(path, self.plan.shards) for path in index.touched_paths()}
        return _Duplicates(index, index.changes(), self.changed | touched)

    def shard(self, shard: int, results: dict[int, ShardResult], duplicates: _Duplicates) -> None:
        """Write or link one shard's four parts and its file list."""
        key = str(shard)
        work = self.plan.work.get(shard)
        if shard in self.changed:
            result = results[shard]
            entries = {"entries": result.entries, "tags": result.tags}
            self.counts[key] = {**self.counts.get(key, {}), **entries}
        else:
            for table in ROW_TABLES:
                self.link(table, shard)
        if shard in duplicates.meta_shards:
            files = self.files_of(shard)
            removed = work.removed if work is not None else []
            problems = list(results[shard].problems) if shard in results else []
            problems += work.unreadable if work is not None else []
            scratch = work is not None and work.from_scratch
            n_docs, by_severity = write_meta_part(
                MetaTask(
                    shard=shard,
                    old_parts={
                        t: p for t in META_TABLES if (p := self.old_part(t, shard, scratch))
                    },
                    out_parts={t: self.new_part(t, shard) for t in META_TABLES},
                    new_documents=self.documents.get(shard, []),
                    new_problems=problems,
                    removed_ids=frozenset(record.doc_id for record in removed),
                    removed_paths=frozenset(readable_path(record.path) for record in removed),
                    doc_ids={doc_id for doc_id in files["doc_id"] if doc_id},
                    folders={readable_path(p) for p in files["path"] if p.endswith(FOLDER_MARK)},
                ),
                duplicates.changes,
            )
            meta = {"documents": n_docs, "problems": by_severity}
            self.counts[key] = {**self.counts.get(key, {}), **meta}
        else:
            for table in META_TABLES:
                self.link(table, shard)
        if work is not None or shard in self.plan.kept or self.old is None:
            write_shard_files(self.out, shard, self.files_of(shard))
        else:
            files_path(self.out, shard).parent.mkdir(exist_ok=True)
            cache.link_or_copy(files_path(self.old, shard), files_path(self.out, shard))

    def files_of(self, shard: int) -> ShardFiles:
        """A shard's file list after the build (from the plan, else the old generation)."""
        work = self.plan.work.get(shard)
        if work is not None:
            return columns_of(work.files)
        kept = self.plan.kept.get(shard)
        if kept is not None:
            return kept
        old = None if self.old is None else read_shard_files(self.old, shard)
        return old or empty_files()

    def manifest(self) -> dict:
        build, the_plan = self.build, self.plan
        return {
            "format": FORMAT,
            "schema": schema.SCHEMA_VERSION,
            "parser": schema.PARSER_VERSION,
            "seeds": os.path.realpath(build.seeds),
            "shards": the_plan.shards,
            "built_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "listing": the_plan.fingerprint,
            "shard_listing": the_plan.shard_listing,
            "shard_paths": the_plan.shard_paths,
            "parts": self.versions,
            "counts": self.counts,
            "inputs": build.inputs,
            "derived": [derivation.name for derivation in build.derivations],
        }
