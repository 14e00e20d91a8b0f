"""Building and refreshing the Parquet cache of a seeds folder.

A build, under the cache's lock:

1. lists the seeds folder (or takes the listing a change journal kept);
2. asks :func:`loaders.plan.plan` what changed since the current generation
   (a pure function: nothing on disk is read or written to decide);
3. carries the plan out with :func:`loaders.execute.run`: parses new and
   changed files, writes their shards' part files into a new generation and
   hard-links the others, computes the derived tables
   (:mod:`loaders.derived`), writes the manifest and publishes the
   generation with one atomic flip (see :mod:`loaders.cache`).

Big builds parse shards in worker processes. A build that fails midway
removes its unfinished generation; the current one is never touched.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from . import cache, derived
from .execute import Build, run
from .files import Scope, discover
from .listing import Listing
from .locations import check_seeds_dir, default_cache_dir
from .manifest import ShardFiles, part_versions, read_shard_files
from .parts import CorruptPart, part_ok, part_path
from .plan import plan
from .schema import SECTIONS, TABLES
from .workers import Progress

#: Set to "1" to read symbolic links that leave the seeds folder by default.
FOLLOW_LINKS_ENV = "SEEDSCOPE_FOLLOW_OUTSIDE_LINKS"


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
    #: The signature of the derived tables' own input files at this build.
    inputs: str = ""

    def summary_line(self) -> str:
        sections = ", ".join(f"{name} {count:,}" for name, count in self.entries.items())
        errors = self.problems.get("error", 0)
        warnings = self.problems.get("warning", 0)
        return (
            f"{self.documents:,} documents; entries: {sections or 'none'}; "
            f"{errors + warnings:,} problems ({errors:,} errors, {warnings:,} warnings)"
        )


def follow_outside_links_default() -> bool:
    return os.environ.get(FOLLOW_LINKS_ENV, "") == "1"


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
    follow_outside_links: bool | None = None,
    derivations: Sequence[derived.Derivation] | None = None,
) -> BuildReport:
    """Bring the cache of ``seeds_dir`` up to date and report what it holds.

    ``workers``: parsing processes (default: one per core for big builds,
    none for small ones). ``verify``: also check that every part file is
    readable (used after a failed read). ``force``: rebuild from scratch.
    ``listing``: the folder's files as a change journal knows them, which
    saves stat-ing every file (see :mod:`loaders.live`); None scans the folder.
    ``follow_outside_links``: read documents that are symbolic links leaving
    the seeds folder (default: ``$SEEDSCOPE_FOLLOW_OUTSIDE_LINKS=1``, else no).
    ``derivations``: the derived tables to compute (default: all registered).

    Raises :class:`~loaders.cache.CacheWriteError` (an ``OSError``) when the
    new generation cannot be written, e.g. on a full disk; the cache keeps
    its previous generation.
    """
    started = time.perf_counter()
    seeds = check_seeds_dir(seeds_dir)
    target = Path(cache_dir).expanduser() if cache_dir is not None else default_cache_dir(seeds)
    cache.check_cache_location(target)
    if follow_outside_links is None:
        follow_outside_links = follow_outside_links_default()
    chosen = derived.DERIVATIONS if derivations is None else derivations
    gc_was_enabled = gc.isenabled()
    gc.disable()  # a build allocates millions of small acyclic objects
    try:
        with cache.build_lock(target):
            cache.sweep_temporaries(target)
            report = _build_repairing(
                seeds,
                target,
                listing,
                Scope.of(seeds, follow_outside_links),
                force=force,
                verify=verify,
                options={
                    "engine": engine,
                    "workers": workers,
                    "progress": progress,
                    "today": today or dt.date.today(),
                    "derivations": tuple(chosen),
                    "inputs": derived.inputs_signature(seeds, chosen),
                },
            )
    finally:
        if gc_was_enabled:
            gc.enable()
    report.seconds = time.perf_counter() - started
    return report


def _build_repairing(
    seeds: Path,
    target: Path,
    listing: Listing | None,
    scope: Scope,
    *,
    force: bool,
    verify: bool,
    options: dict,
) -> BuildReport:
    """Plan and run; a part found unreadable meanwhile is re-parsed on the next try."""
    bad: set[int] = set()
    for _attempt in range(3):
        try:
            return _build_once(seeds, target, listing, scope, force, verify, bad, options)
        except CorruptPart as exc:
            bad.add(exc.shard)
    return _build_once(seeds, target, listing, scope, True, False, set(), options)


def _build_once(
    seeds: Path,
    target: Path,
    listing: Listing | None,
    scope: Scope,
    force: bool,
    verify: bool,
    bad: set[int],
    options: dict,
) -> BuildReport:
    generation = cache.current_generation(target)
    manifest = cache.read_manifest(generation) or {}
    if listing is None:
        listing = discover(seeds, skip=target, scope=scope)
    build = Build(seeds, target, generation, manifest, listing, **options)
    the_plan = plan(
        listing,
        manifest,
        seeds_real=os.path.realpath(seeds),
        inputs=build.inputs,
        force=force,
        verify=verify,
        bad=bad,
        old_files=lambda shard: _old_files(generation, shard),
        parts_ok=lambda shard: _parts_ok(generation, manifest, shard, verify),
    )
    if the_plan.up_to_date:
        report = BuildReport(
            seeds, target, generation, reused=the_plan.reused, listing=listing, inputs=build.inputs
        )
        _fill_counts(report, manifest)
        return report
    outcome = run(the_plan, build)
    report = BuildReport(
        seeds,
        target,
        outcome.generation,
        parsed=outcome.parsed,
        reused=the_plan.reused,
        removed=the_plan.removed,
        full_rebuild=the_plan.full,
        changed=True,
        listing=listing,
        inputs=build.inputs,
    )
    _fill_counts(report, outcome.manifest)
    return report


def _old_files(generation: Path | None, shard: int) -> ShardFiles | None:
    return None if generation is None else read_shard_files(generation, shard)


def _parts_ok(generation: Path | None, manifest: dict, shard: int, verify: bool) -> bool:
    if generation is None:
        return False
    return all(
        part_ok(part_path(generation, table, shard, part_versions(manifest, table)[shard]), verify)
        for table in TABLES
    )


def _fill_counts(report: BuildReport, manifest: dict) -> None:
    entries: Counter[str] = Counter()
    problems: Counter[str] = Counter()
    documents = tags = 0
    for counts in manifest.get("counts", {}).values():
        documents += counts.get("documents", 0)
        tags += counts.get("tags", 0)
        entries.update(counts.get("entries", {}))
        problems.update(counts.get("problems", {}))
    problems.update(manifest.get("derived_problems", {}).get("counts", {}))
    report.entries = {name: entries[name] for name in SECTIONS if entries[name]}
    report.entries.update({k: v for k, v in sorted(entries.items()) if k not in SECTIONS})
    report.documents = documents
    report.tags = tags
    report.problems = {"error": problems.get("error", 0), "warning": problems.get("warning", 0)}
    report.built_at = manifest.get("built_at", "")


__all__ = ["BuildReport", "Progress", "build_cache", "run"]
