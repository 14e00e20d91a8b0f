"""The listing of a seeds folder: every document file, as columns sorted by path.

A build compares a listing with what the cache recorded; a change journal
keeps one up to date by re-stat-ing only what changed (:meth:`Listing.patched`).
:mod:`loaders.files` makes listings from disk.
"""

from __future__ import annotations

import hashlib
from array import array
from collections.abc import Callable
from dataclasses import dataclass, field

from .manifest import shard_of

#: (size, mtime_ns, ctime_ns, inode): any edit changes at least one of them.
Signature = tuple[int, int, int, int]
#: A listing row: relative path, then the signature.
Row = tuple[str, int, int, int, int]
#: ``restat(relpath, problems)``: the row of one path now (None: gone), noting problems.
Restat = Callable[[str, dict[str, str]], Row | None]


@dataclass(slots=True)
class SourceFile:
    relpath: str
    signature: Signature | None
    problem: str | None = None


@dataclass(slots=True)
class ShardLayout:
    """A listing split into shards: row indices, and digests to compare with a manifest."""

    shards: int
    groups: dict[int, list[int]]
    fingerprints: list[str]  # per shard: paths, signatures and problems
    path_digests: list[str]  # per shard: paths only


@dataclass(slots=True)
class Listing:
    """Every document file under a folder, as columns sorted by path.

    Columns rather than objects: a refresh of 10,000 unchanged files only
    compares digests of these lists, so they are built as cheaply as possible.
    Files that cannot even be stat-ed (broken links, link loops) and special
    files (FIFOs, devices) have a ``problems`` entry and a zero signature.
    """

    paths: list[str] = field(default_factory=list)
    sizes: list[int] = field(default_factory=list)
    mtimes: list[int] = field(default_factory=list)
    ctimes: list[int] = field(default_factory=list)
    inodes: list[int] = field(default_factory=list)
    problems: dict[str, str] = field(default_factory=dict)
    _index: dict[str, int] | None = field(default=None, repr=False, compare=False)
    _layout: ShardLayout | None = field(default=None, repr=False, compare=False)

    def __len__(self) -> int:
        return len(self.paths)

    def __contains__(self, path: object) -> bool:
        return path in self._positions()

    @classmethod
    def from_rows(cls, rows: list[Row], problems: dict[str, str]) -> Listing:
        """A listing from rows sorted by path."""
        listing = cls(problems=problems)
        if rows:
            columns = [list(column) for column in zip(*rows, strict=True)]
            listing.paths, listing.sizes, listing.mtimes, listing.ctimes, listing.inodes = columns
        return listing

    def patched(self, changed: set[str], restat: Restat) -> Listing:
        """This listing after re-stat-ing only ``changed`` paths (from a change journal).

        Equal to what a scan would return now, provided no other path
        changed; ``self`` when none of them did.
        """
        problems = {p: m for p, m in self.problems.items() if p not in changed}
        fresh = {}
        for rel in changed:
            row = restat(rel, problems)
            if row is not None:
                fresh[rel] = row
        positions = self._positions()
        if len(fresh) == len(changed) and all(rel in positions for rel in fresh):
            # Only edits: update rows in place, no re-sort.
            if problems == self.problems and all(
                row == self._row(positions[rel]) for rel, row in fresh.items()
            ):
                return self  # e.g. linked documents re-checked, none changed
            paths, sizes, mtimes, ctimes, inodes = (
                list(self.paths),
                list(self.sizes),
                list(self.mtimes),
                list(self.ctimes),
                list(self.inodes),
            )
            for rel, (_, size, mtime, ctime, ino) in fresh.items():
                at = positions[rel]
                sizes[at], mtimes[at], ctimes[at], inodes[at] = size, mtime, ctime, ino
            listing = Listing(paths, sizes, mtimes, ctimes, inodes, problems)
            listing._index = positions
            if self._layout is not None:  # same paths: only the edited shards' digests move
                old = self._layout
                fingerprints = list(old.fingerprints)
                for shard in {shard_of(rel, old.shards) for rel in changed}:
                    fingerprints[shard] = listing.fingerprint(old.groups.get(shard, []))
                listing._layout = ShardLayout(
                    old.shards, old.groups, fingerprints, old.path_digests
                )
            return listing
        columns = (self.paths, self.sizes, self.mtimes, self.ctimes, self.inodes)
        rows = [row for row in zip(*columns, strict=True) if row[0] not in changed]
        rows.extend(fresh.values())
        rows.sort()
        return Listing.from_rows(rows, problems)

    def sharing_inode(self, paths: set[str]) -> set[str]:
        """Other paths that are hard links to the same file as one of ``paths``.

        Writing through one name raises an event for that name only; the
        others changed too.
        """
        inodes = self.inodes
        if len(set(inodes)) == len(inodes):
            return set()
        positions = self._positions()
        wanted = {inodes[positions[p]] for p in paths if p in positions} - {0}
        return {path for path, ino in zip(self.paths, inodes, strict=True) if ino in wanted}

    def with_inode(self, inode: int) -> set[str]:
        """Paths that are the file with this inode (hard links of one file)."""
        if not inode:
            return set()
        return {path for path, ino in zip(self.paths, self.inodes, strict=True) if ino == inode}

    def _row(self, at: int) -> Row:
        return (self.paths[at], self.sizes[at], self.mtimes[at], self.ctimes[at], self.inodes[at])

    def layout(self, shards: int) -> ShardLayout:
        """Rows grouped by shard, with each shard's digests (computed once per listing)."""
        if self._layout is not None and self._layout.shards == shards:
            return self._layout
        groups: dict[int, list[int]] = {}
        for index, path in enumerate(self.paths):
            groups.setdefault(shard_of(path, shards), []).append(index)
        empty: list[int] = []
        fingerprints = [self.fingerprint(groups.get(s, empty)) for s in range(shards)]
        path_digests = [
            hashlib.blake2b(
                "\0".join(self.paths[i] for i in groups.get(s, empty)).encode(
                    "utf-8", "surrogateescape"
                ),
                digest_size=16,
            ).hexdigest()
            for s in range(shards)
        ]
        self._layout = ShardLayout(shards, groups, fingerprints, path_digests)
        return self._layout

    def _positions(self) -> dict[str, int]:
        if self._index is None:
            self._index = {path: i for i, path in enumerate(self.paths)}
        return self._index

    def source(self, index: int) -> SourceFile:
        path = self.paths[index]
        problem = self.problems.get(path)
        if problem is not None:
            return SourceFile(path, None, problem)
        signature = (self.sizes[index], self.mtimes[index], self.ctimes[index], self.inodes[index])
        return SourceFile(path, signature)

    def fingerprint(self, indices: list[int] | None = None) -> str:
        """A digest of paths, signatures and problems (of some rows, or all)."""
        paths = self.paths
        numbers = [self.sizes, self.mtimes, self.ctimes, self.inodes]
        if indices is not None:
            paths = [paths[i] for i in indices]
            numbers = [[column[i] for i in indices] for column in numbers]
        digest = hashlib.blake2b(digest_size=16)
        digest.update("\0".join(paths).encode("utf-8", "surrogateescape"))
        for column in numbers:
            digest.update(array("q", column).tobytes())
        problems = self.problems
        if problems:
            wanted = sorted((p, problems[p]) for p in paths if p in problems)
            digest.update(repr(wanted).encode("utf-8", "surrogateescape"))
        return digest.hexdigest()
