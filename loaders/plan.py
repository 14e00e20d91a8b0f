"""Deciding what a build must do: a pure function from a listing and a manifest.

:func:`plan` compares the seeds folder as it is now (a
:class:`~loaders.files.Listing`) with what the current generation's manifest
recorded, and says, shard by shard and file by file, what to reuse, what to
parse and what to drop. It touches no disk: the two things it may need from
the old generation (a shard's file list, whether a shard's part files are
present) are asked of the callables it is given, and only when needed, so a
refresh with nothing to do never reads either. :mod:`loaders.build` carries
the plan out.

The rules:

* a shard whose files all keep their (size, mtime, ctime, inode) is reused
  whole, without looking at a single file;
* a file whose signature changed is to be *rehashed*: reused if its SHA-256
  did not change, parsed otherwise (the build decides, reading the file);
* new files are parsed; deleted files are dropped;
* a different parser or schema version, other seeds, or an unreadable
  manifest rebuild everything;
* derived tables are recomputed whenever anything changed, and also when only
  their own inputs (``vocabulary.csv`` ...) did.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .files import FOLDER_MARK, Listing, assign_doc_ids, readable_path
from .manifest import FileRecord, ShardFiles, compatible, records_of
from .schema import ERROR

#: Aim for about this many documents per part file.
DOCS_PER_SHARD = 250
MAX_SHARDS = 256

ProblemRow = tuple[object, ...]


def choose_shards(files: int) -> int:
    return max(1, min(MAX_SHARDS, round(files / DOCS_PER_SHARD)))


@dataclass(slots=True)
class ShardWork:
    """One shard compared file by file: its new file list and what to do about it."""

    shard: int
    #: The shard's files after the build, in listing order; records of files
    #: to parse have no hash yet.
    files: list[FileRecord] = field(default_factory=list)
    #: Indexes into ``files`` to parse.
    parse: list[int] = field(default_factory=list)
    #: (index into ``files``, old record): the signature moved; parse only if
    #: the content did.
    rehash: list[tuple[int, FileRecord]] = field(default_factory=list)
    #: Problem rows of files that cannot even be opened, new or changed.
    unreadable: list[ProblemRow] = field(default_factory=list)
    #: Old records whose rows must go (changed, unreadable now, or deleted).
    removed: list[FileRecord] = field(default_factory=list)
    #: The old parts cannot be trusted (or there are none): keep no row.
    from_scratch: bool = False

    @property
    def rows_change(self) -> bool:
        """Whether the shard's entries and tags parts must be rewritten."""
        return bool(self.from_scratch or self.parse or self.removed or self.unreadable)


@dataclass(slots=True)
class Plan:
    """What a build does; ``up_to_date`` means nothing at all."""

    up_to_date: bool
    full: bool
    shards: int
    fingerprint: str
    shard_listing: list[str]
    shard_paths: list[str]
    #: Shards compared file by file.
    work: dict[int, ShardWork] = field(default_factory=dict)
    #: Shards whose old file list stays as it is (read because paths moved elsewhere).
    kept: dict[int, ShardFiles] = field(default_factory=dict)
    #: Shards whose old parts are unreadable: rebuilt from their files.
    bad: set[int] = field(default_factory=set)
    reused: int = 0
    removed: int = 0


def plan(
    listing: Listing,
    manifest: dict | None,
    *,
    seeds_real: str,
    inputs: str = "",
    force: bool = False,
    verify: bool = False,
    bad: set[int] | frozenset[int] = frozenset(),
    old_files: Callable[[int], ShardFiles | None] = lambda shard: None,
    parts_ok: Callable[[int], bool] = lambda shard: True,
) -> Plan:
    """What to do to bring a generation built from ``manifest`` up to ``listing``.

    ``inputs``: the signature of the derived tables' own inputs now.
    ``bad``: shards known to have unreadable parts. ``verify``: ask
    ``parts_ok`` about every shard even when nothing changed.
    """
    manifest = manifest or {}
    full = force or not compatible(manifest, seeds_real)
    fingerprint = listing.fingerprint()
    bad = set(bad)
    same_inputs = not full and manifest.get("inputs", "") == inputs
    if not full and not bad and not verify and manifest["listing"] == fingerprint:
        # No document changed: nothing to do, or only the derived tables to redo.
        return Plan(
            up_to_date=same_inputs,
            full=False,
            shards=int(manifest["shards"]),
            fingerprint=fingerprint,
            shard_listing=list(manifest["shard_listing"]),
            shard_paths=list(manifest["shard_paths"]),
            reused=len(listing),
        )
    shards = choose_shards(len(listing)) if full else int(manifest["shards"])
    layout = listing.layout(shards)
    result = Plan(
        up_to_date=False,
        full=full,
        shards=shards,
        fingerprint=fingerprint,
        shard_listing=layout.fingerprints,
        shard_paths=layout.path_digests,
    )
    if full:
        dirty = set(range(shards))
    else:
        bad |= {shard for shard in range(shards) if not parts_ok(shard)}
        old_listing = manifest["shard_listing"]
        dirty = bad | {s for s in range(shards) if layout.fingerprints[s] != old_listing[s]}
    paths_moved = full or layout.path_digests != manifest["shard_paths"]
    # Ids depend on every path (stems must stay unique), so they are
    # recomputed only when a path appeared or disappeared.
    ids = assign_doc_ids(listing.paths) if paths_moved or bad else None
    for shard in range(shards):
        members = layout.groups.get(shard, [])
        if shard not in dirty and not paths_moved:
            result.reused += len(members)
            continue
        before = None if full else old_files(shard)
        if before is None and not full:  # its file list is unreadable: start the shard over
            bad.add(shard)
            dirty.add(shard)
        if ids is None:
            ids = assign_doc_ids(listing.paths) if shard in bad else None
        if shard not in dirty and _same_ids(ids, before):
            assert before is not None
            result.kept[shard] = before  # only ids elsewhere moved: keep this list
            result.reused += len(members)
            continue
        work = ShardWork(shard, from_scratch=full or shard in bad)
        old = [] if before is None or work.from_scratch else records_of(before)
        deleted, reused = _compare(work, listing, members, old, ids)
        result.removed += deleted
        result.reused += reused
        result.work[shard] = work
    result.bad = bad
    return result


def _same_ids(ids: dict[str, str] | None, before: ShardFiles | None) -> bool:
    """Whether a shard's recorded ids are what ``ids`` gives its paths now."""
    if ids is None or before is None:
        return False
    return [ids[path] for path in before["path"]] == before["doc_id"]


def _compare(
    work: ShardWork,
    listing: Listing,
    members: list[int],
    before: list[FileRecord],
    ids: dict[str, str] | None,
) -> tuple[int, int]:
    """Fill ``work`` for one shard; return how many files were deleted and reused.

    ``ids`` is None when no path appeared or disappeared anywhere: every
    file then keeps the id its record has.
    """
    old = {record.path: record for record in before}
    present: set[str] = set()
    files = work.files
    reused = 0
    for index in members:
        source = listing.source(index)
        rel = source.relpath
        present.add(rel)
        record = old.get(rel)
        if ids is not None:
            doc_id = ids[rel]
        else:
            assert record is not None, "with no path moved, every file has a record"
            doc_id = record.doc_id
        if source.signature is None:  # cannot even be opened
            problem = source.problem or ""
            if record is None or record.problem != problem or record.doc_id != doc_id:
                if record is not None:
                    work.removed.append(record)
                shown_id = None if rel.endswith(FOLDER_MARK) else doc_id
                work.unreadable.append((readable_path(rel), shown_id, None, ERROR, problem))
            else:
                reused += 1
            files.append(FileRecord(rel, 0, 0, 0, 0, "", doc_id, "", problem))
            continue
        size, mtime, ctime, ino = source.signature
        usable = record is not None and record.doc_id == doc_id and not record.problem
        if usable and record is not None:
            if record.signature == source.signature:
                files.append(record)
                reused += 1
                continue
            work.rehash.append((len(files), record))
            files.append(
                FileRecord(rel, size, mtime, ctime, ino, record.sha256, doc_id, record.key, "")
            )
            continue
        if record is not None:
            work.removed.append(record)
        work.parse.append(len(files))
        files.append(FileRecord(rel, size, mtime, ctime, ino, "", doc_id, "", ""))
    deleted = [record for rel, record in old.items() if rel not in present]
    work.removed += deleted
    return len(deleted), reused
