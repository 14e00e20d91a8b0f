"""Building and refreshing the Parquet cache of a seeds folder.

A build compares the folder with the current cache generation and parses
only what changed:

* a shard whose files all keep their (size, mtime, ctime, inode) is reused
  whole, without looking at a single file;
* a file whose signature changed is hashed, and reused if its SHA-256 did not;
* new and changed files are parsed; deleted files are dropped;
* a different parser or schema version, other seeds, or an unreadable
  manifest rebuild everything.

Rows are sharded by path into part files, so a refresh rewrites only the
parts holding a changed file and hard-links the rest into the new generation
(see :mod:`loaders.cache`). Big builds parse shards in worker processes.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import multiprocessing
import os
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import cache, schema
from .duplicates import DuplicateIndex
from .files import Listing, assign_doc_ids, discover
from .locations import SeedsError, check_seeds_dir, data_dir, default_cache_dir
from .manifest import (
    FORMAT,
    FileRecord,
    ShardFiles,
    columns_of,
    compatible,
    empty_files,
    files_path,
    read_shard_files,
    records_of,
    shard_of,
    write_shard_files,
)
from .parts import (
    CorruptPart,
    ShardResult,
    ShardTask,
    part_ok,
    part_path,
    run_shard,
    run_shard_in_worker,
    write_meta_part,
)
from .schema import TABLES

#: Aim for about this many documents per part file.
DOCS_PER_SHARD = 250
MAX_SHARDS = 256
#: Below this many files to parse, worker processes cost more than they save.
PARALLEL_THRESHOLD = 400
SECTION_ORDER = ("Signals", "Concerns", "Behaviors", "Technologies", "Issues")

Progress = Callable[[int, int], None]


@dataclass(slots=True)
class BuildReport:
    """What a build did and what the cache now holds."""

    seeds_dir: Path
    cache_dir: Path
    generation: Path | None
    documents: int = 0
    entries: dict[str, int] = field(default_factory=dict)
    tags: int = 0
    problems: dict[str, int] = field(default_factory=dict)
    parsed: int = 0
    reused: int = 0
    removed: int = 0
    full_rebuild: bool = False
    changed: bool = False
    seconds: float = 0.0
    built_at: str = ""
    #: The seeds folder as this build saw it (a change journal patches it).
    listing: Listing | None = field(default=None, repr=False, compare=False)

    def summary_line(self) -> str:
        sections = ", ".join(f"{name} {count:,}" for name, count in self.entries.items())
        errors = self.problems.get("error", 0)
        warnings = self.problems.get("warning", 0)
        return (
            f"{self.documents:,} documents; entries: {sections or 'none'}; "
            f"{errors + warnings:,} problems ({errors:,} errors, {warnings:,} warnings)"
        )


def choose_shards(files: int) -> int:
    return max(1, min(MAX_SHARDS, round(files / DOCS_PER_SHARD)))


def build_cache(
    seeds_dir: str | os.PathLike[str],
    cache_dir: str | os.PathLike[str] | None = None,
    *,
    engine: str = "fast",
    workers: int | None = None,
    progress: Progress | None = None,
    force: bool = False,
    verify: bool = False,
    today: dt.date | None = None,
    listing: Listing | None = None,
) -> BuildReport:
    """Bring the cache of ``seeds_dir`` up to date and report what it holds.

    ``workers``: parsing processes (default: one per core for big builds,
    none for small ones). ``verify``: also check that every part file is
    readable (used after a failed read). ``force``: rebuild from scratch.
    ``listing``: the folder's files as a change journal knows them, which
    saves stat-ing every file (see :mod:`loaders.live`); None scans the folder.
    """
    started = time.perf_counter()
    seeds = check_seeds_dir(seeds_dir)
    target = Path(cache_dir).expanduser() if cache_dir is not None else default_cache_dir(seeds)
    cache.check_cache_location(target)
    options = {
        "engine": engine,
        "workers": workers,
        "progress": progress,
        "today": today or dt.date.today(),
        "listing": listing,
    }
    gc_was_enabled = gc.isenabled()
    gc.disable()  # a build allocates millions of small acyclic objects
    try:
        report = _locked_build(seeds, target, force, verify, options)
    finally:
        if gc_was_enabled:
            gc.enable()
    report.seconds = time.perf_counter() - started
    return report


def _locked_build(
    seeds: Path, target: Path, force: bool, verify: bool, options: dict
) -> BuildReport:
    with cache.build_lock(target):
        bad: set[int] = set()
        for _attempt in range(3):
            try:
                report = _Build(seeds, target, force=force, verify=verify, bad=bad, **options).run()
                break
            except CorruptPart as exc:  # an unreadable part: re-parse its files
                bad.add(exc.shard)
        else:
            report = _Build(seeds, target, force=True, verify=False, bad=set(), **options).run()
    return report


class _Build:
    """One build under the lock: plan what changed, then write a generation."""

    def __init__(
        self,
        seeds: Path,
        target: Path,
        *,
        force: bool,
        verify: bool,
        bad: set[int],
        engine: str,
        workers: int | None,
        progress: Progress | None,
        today: dt.date,
        listing: Listing | None,
    ) -> None:
        self.seeds, self.target = seeds, target
        self.given_listing = listing
        self.engine, self.workers, self.progress, self.today = engine, workers, progress, today
        self.generation = cache.current_generation(target)
        self.manifest: dict = cache.read_manifest(self.generation) or {}
        self.full = force or not compatible(self.manifest, os.path.realpath(seeds))
        self.verify = verify
        self.bad = bad
        # filled by plan()
        self.listing = Listing()
        self.shards = 1
        self.groups: dict[int, list[int]] = {}
        self.files: dict[int, ShardFiles] = {}  # file lists of the shards that were read
        self.changed: set[int] = set()  # shards whose entries and tags parts are rewritten
        self.to_parse: dict[int, list[tuple[str, str, bytes | None]]] = {}
        self.unreadable: dict[int, list[tuple[object, ...]]] = {}
        self.removed_ids: dict[int, set[str]] = {}
        self.removed_paths: dict[int, set[str]] = {}
        self.rewrite_lists: set[int] = set()
        self.removed_keys: list[tuple[str, str]] = []
        self.fingerprint = ""
        self.shard_listing: list[str] = []
        self.shard_paths: list[str] = []
        self.reused = self.removed = 0

    # -- planning ---------------------------------------------------------------

    def _old_files(self, shard: int) -> ShardFiles | None:
        if self.full or self.generation is None:
            return None
        return read_shard_files(self.generation, shard)

    def plan(self) -> bool:
        """Decide what to re-parse; False when the cache is already up to date."""
        listing = self.listing
        fingerprint = self.fingerprint = listing.fingerprint()
        manifest = self.manifest
        if (
            not self.full
            and not self.bad
            and not self.verify
            and manifest.get("listing") == fingerprint
        ):
            self.reused = len(listing)
            return False
        self.shards = choose_shards(len(listing)) if self.full else int(manifest["shards"])
        shards = self.shards
        layout = listing.layout(shards)
        self.groups = layout.groups
        old_listing = manifest.get("shard_listing") or [None] * shards
        old_paths = manifest.get("shard_paths") or [None] * shards
        self.shard_listing = layout.fingerprints
        self.shard_paths = layout.path_digests
        if self.full:
            dirty = set(range(shards))
        else:
            assert self.generation is not None
            for shard in range(shards):
                if not all(part_ok(self.generation, t, shard, self.verify) for t in TABLES):
                    self.bad.add(shard)
            dirty = set(self.bad) | {
                s for s in range(shards) if self.shard_listing[s] != old_listing[s]
            }
        self.changed = set(self.bad) if not self.full else set(range(shards))
        paths_moved = self.full or self.shard_paths != old_paths
        # Ids depend on every path (stems must stay unique), so they are
        # recomputed only when a path appeared or disappeared.
        ids = assign_doc_ids(listing.paths) if paths_moved or self.bad else None
        for shard in range(shards):
            if shard not in dirty and not paths_moved:
                self.reused += len(self.groups.get(shard, []))
                continue
            before = self._old_files(shard)
            if before is None and not self.full:
                self.bad.add(shard)
                self.changed.add(shard)
                dirty.add(shard)
                ids = ids or assign_doc_ids(listing.paths)
            if shard not in dirty:
                assert before is not None and ids is not None
                if [ids[p] for p in before["path"]] == before["doc_id"]:
                    self.files[shard] = before
                    self.reused += len(self.groups.get(shard, []))
                    continue
            self._diff_shard(shard, records_of(before) if before else [], ids)
        return True

    def _diff_shard(self, shard: int, before: list[FileRecord], ids: dict[str, str] | None) -> None:
        """Compare one shard file by file; ``ids`` is None when no path moved."""
        listing = self.listing
        old = {r.path: r for r in before} if shard not in self.bad else {}
        kept: list[FileRecord] = []
        present: set[str] = set()
        for index in self.groups.get(shard, []):
            source = listing.source(index)
            rel = source.relpath
            present.add(rel)
            record = old.get(rel)
            doc_id = ids[rel] if ids is not None else record.doc_id  # type: ignore[union-attr]
            if source.signature is None:
                new = FileRecord(rel, 0, 0, 0, 0, "", doc_id, "", source.problem or "")
                if record is None or record.problem != new.problem or record.doc_id != doc_id:
                    self._mark_changed(shard, record)
                    self.unreadable.setdefault(shard, []).append(
                        (rel, doc_id, None, "error", new.problem)
                    )
                else:
                    self.reused += 1
                kept.append(new)
                continue
            size, mtime, ctime, ino = source.signature
            usable = record is not None and record.doc_id == doc_id and not record.problem
            if usable and record.signature == source.signature:  # type: ignore[union-attr]
                kept.append(record)  # type: ignore[arg-type]
                self.reused += 1
                continue
            data: bytes | None = None
            if usable:
                try:
                    data = (self.seeds / rel).read_bytes()
                except OSError:
                    data = None
                if data is not None and hashlib.sha256(data).hexdigest() == record.sha256:  # type: ignore[union-attr]
                    kept.append(
                        FileRecord(
                            rel,
                            size,
                            mtime,
                            ctime,
                            ino,
                            record.sha256,
                            doc_id,  # type: ignore[union-attr]
                            record.key,
                            "",
                        )
                    )  # type: ignore[union-attr]
                    self.reused += 1
                    continue
            self._mark_changed(shard, record)
            self.to_parse.setdefault(shard, []).append((rel, doc_id, data))
            kept.append(FileRecord(rel, size, mtime, ctime, ino, "", doc_id, "", ""))
        for rel, record in old.items():
            if rel not in present:
                self._mark_changed(shard, record)
                self.removed += 1
        self.files[shard] = columns_of(kept)
        self.rewrite_lists.add(shard)

    def _mark_changed(self, shard: int, record: FileRecord | None) -> None:
        self.changed.add(shard)
        if record is not None:
            self.removed_ids.setdefault(shard, set()).add(record.doc_id)
            self.removed_paths.setdefault(shard, set()).add(record.path)
            self.removed_keys.append((record.path, record.key))

    # -- executing --------------------------------------------------------------

    def run(self) -> BuildReport:
        self.listing = (
            self.given_listing
            if self.given_listing is not None
            else discover(self.seeds, skip=self.target)
        )
        if not self.plan():
            report = BuildReport(
                self.seeds, self.target, self.generation, reused=self.reused, listing=self.listing
            )
            _fill_counts(report, self.manifest)
            return report
        parsed_count = sum(len(v) for v in self.to_parse.values())
        report = BuildReport(
            self.seeds,
            self.target,
            self.generation,
            full_rebuild=self.full,
            reused=self.reused,
            removed=self.removed,
            parsed=parsed_count,
            listing=self.listing,
        )
        out = cache.new_generation_dir(self.target)
        old_gen = None if self.full or self.generation is None else str(self.generation)
        tasks = [
            ShardTask(
                shard=shard,
                seeds_dir=str(self.seeds),
                parse=self.to_parse.get(shard, []),
                old_generation=None if shard in self.bad else old_gen,
                removed_ids=frozenset(self.removed_ids.get(shard, ())),
                out_generation=str(out),
                engine=self.engine,
                today=self.today,
            )
            for shard in sorted(self.changed)
        ]
        results = {r.shard: r for r in _run_tasks(tasks, parsed_count, self.workers, self.progress)}

        documents: dict[int, list[dict]] = {}
        duplicates = DuplicateIndex(old_gen, self.shards)
        for path, key in self.removed_keys:
            duplicates.remove(path, key)
        for shard, result in results.items():
            files = self.files[shard]
            index = {path: i for i, path in enumerate(files["path"])}
            for relpath, sha, key, document in result.parsed:
                files["sha256"][index[relpath]] = sha
                if document is not None:
                    files["key"][index[relpath]] = key
                    documents.setdefault(shard, []).append(document)
                    duplicates.add(relpath, str(document["doc_id"]), key)
        if duplicates.broken:
            duplicates = self._rebuild_duplicates()
        dup_changes = duplicates.changes()
        meta_shards = set(self.changed) | {
            shard_of(p, self.shards) for p in duplicates.touched_paths()
        }
        counts: dict[str, dict] = {} if self.full else dict(self.manifest.get("counts", {}))
        for shard in range(self.shards):
            key = str(shard)
            if shard in self.changed:
                result = results[shard]
                counts[key] = {
                    **counts.get(key, {}),
                    "entries": result.entries,
                    "tags": result.tags,
                }
            else:
                for table in ("entries", "tags"):
                    cache.link_or_copy(
                        part_path(old_gen, table, shard), part_path(out, table, shard)
                    )  # type: ignore[arg-type]
            if shard in meta_shards:
                files = self.files.get(shard) or self._old_files(shard) or empty_files()
                new_problems = list(results[shard].problems) if shard in results else []
                new_problems += self.unreadable.get(shard, [])
                n_docs, problems = write_meta_part(
                    shard,
                    out,
                    None if shard in self.bad else old_gen,
                    documents.get(shard, []),
                    new_problems,
                    frozenset(self.removed_ids.get(shard, ())),
                    frozenset(self.removed_paths.get(shard, ())),
                    set(files["doc_id"]),
                    dup_changes,
                )
                counts[key] = {**counts.get(key, {}), "documents": n_docs, "problems": problems}
            else:
                for table in ("documents", "problems"):
                    cache.link_or_copy(
                        part_path(old_gen, table, shard), part_path(out, table, shard)
                    )  # type: ignore[arg-type]
            if shard in self.rewrite_lists or old_gen is None or shard in self.files:
                write_shard_files(out, shard, self.files.get(shard, empty_files()))
            else:
                files_path(out, shard).parent.mkdir(exist_ok=True)
                cache.link_or_copy(files_path(Path(old_gen), shard), files_path(out, shard))
        duplicates.write(out)
        manifest = {
            "format": FORMAT,
            "schema": schema.SCHEMA_VERSION,
            "parser": schema.PARSER_VERSION,
            "seeds": os.path.realpath(self.seeds),
            "shards": self.shards,
            "built_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "listing": self.fingerprint,
            "shard_listing": self.shard_listing,
            "shard_paths": self.shard_paths,
            "counts": counts,
        }
        cache.write_manifest(out, manifest)
        final = cache.publish(self.target, out, cache.generation_number(self.generation) + 1)
        cache.collect_garbage(self.target, final)
        report.generation = final
        report.changed = True
        _fill_counts(report, manifest)
        return report

    def _rebuild_duplicates(self) -> DuplicateIndex:
        """A fresh index from every shard's file list (when a bucket was unreadable)."""
        duplicates = DuplicateIndex(None, self.shards)
        for shard in range(self.shards):
            files = self.files.get(shard) or self._old_files(shard) or empty_files()
            for path, doc_id, key in zip(files["path"], files["doc_id"], files["key"], strict=True):
                duplicates.add(path, doc_id, key)
        return duplicates


def _run_tasks(
    tasks: list[ShardTask], total: int, workers: int | None, progress: Progress | None
) -> list[ShardResult]:
    if workers is None:
        workers = (os.cpu_count() or 1) if total >= PARALLEL_THRESHOLD else 1
    workers = max(1, min(workers, len(tasks)))
    done = 0
    results: list[ShardResult] = []
    if progress is not None:
        progress(0, total)
    if workers == 1:
        for task in tasks:
            results.append(run_shard(task))
            done += len(task.parse)
            if progress is not None:
                progress(done, total)
        return results
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        for result in pool.imap_unordered(run_shard_in_worker, tasks):
            results.append(result)
            done += len(result.parsed)
            if progress is not None:
                progress(done, total)
    return results


def _fill_counts(report: BuildReport, manifest: dict) -> None:
    entries: Counter[str] = Counter()
    problems: Counter[str] = Counter()
    documents = tags = 0
    for counts in manifest.get("counts", {}).values():
        documents += counts.get("documents", 0)
        tags += counts.get("tags", 0)
        entries.update(counts.get("entries", {}))
        problems.update(counts.get("problems", {}))
    report.entries = {name: entries[name] for name in SECTION_ORDER if entries[name]}
    report.entries.update({k: v for k, v in sorted(entries.items()) if k not in SECTION_ORDER})
    report.documents = documents
    report.tags = tags
    report.problems = {"error": problems.get("error", 0), "warning": problems.get("warning", 0)}
    report.built_at = manifest.get("built_at", "")


__all__ = [
    "BuildReport",
    "SeedsError",
    "build_cache",
    "check_seeds_dir",
    "data_dir",
    "default_cache_dir",
]
