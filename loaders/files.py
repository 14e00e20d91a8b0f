"""Finding seed files on disk and turning their bytes into text.

Only ``.md``, ``.markdown`` and ``.txt`` files are documents; hidden folders,
hidden files and the cache folder are skipped. Nothing here raises for a bad
file: it becomes a problem row instead.
"""

from __future__ import annotations

import hashlib
import os
import stat
from array import array
from dataclasses import dataclass, field
from pathlib import Path

from .manifest import shard_of

SUFFIXES = frozenset({".md", ".markdown", ".txt"})

#: (size, mtime_ns, ctime_ns, inode): any edit changes at least one of them.
Signature = tuple[int, int, int, int]
#: A listing row: relative path, then the signature.
Row = tuple[str, int, int, int, int]


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

    def patched(self, root: Path, changed: set[str]) -> Listing:
        """This listing after re-stat-ing only ``changed`` paths (from a change journal).

        Equal to what :func:`discover` would return now, provided no other
        path under ``root`` changed; ``self`` when none of them did.
        """
        problems = {p: m for p, m in self.problems.items() if p not in changed}
        fresh = {}
        for rel in changed:
            row = _restat(root, rel, problems)
            if row is not None:
                fresh[rel] = row
        columns = (self.paths, self.sizes, self.mtimes, self.ctimes, self.inodes)
        positions = self._positions()
        if len(fresh) == len(changed) and all(rel in positions for rel in fresh):
            # Only edits: update rows in place, no re-sort.
            if problems == self.problems and all(
                row == self._row(positions[rel]) for rel, row in fresh.items()
            ):
                return self  # e.g. linked documents re-checked, none changed
            copies = [list(column) for column in columns]
            for rel, row in fresh.items():
                at = positions[rel]
                for column, value in zip(copies, row, strict=True):
                    column[at] = value
            listing = Listing(*copies, problems=problems)  # type: ignore[arg-type]
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
        columns = (self.paths, self.sizes, self.mtimes, self.ctimes, self.inodes)
        if indices is not None:
            columns = tuple([column[i] for i in indices] for column in columns)
        paths = columns[0]
        digest = hashlib.blake2b(digest_size=16)
        digest.update("\0".join(paths).encode("utf-8", "surrogateescape"))
        for column in columns[1:]:
            digest.update(array("q", column).tobytes())
        problems = self.problems
        if problems:
            wanted = sorted((p, problems[p]) for p in paths if p in problems)
            digest.update(repr(wanted).encode("utf-8", "surrogateescape"))
        return digest.hexdigest()


def is_document_name(name: str) -> bool:
    """A visible file name with a document suffix (``.md``, ``.markdown``, ``.txt``)."""
    dot = name.rfind(".")
    return name[:1] != "." and dot > 0 and name[dot:].lower() in SUFFIXES


def _stat_row(rel: str, name: str, folder: int, problems: dict[str, str]) -> Row | None:
    """The listing row of one document name in an open folder; None if it is not a file.

    Stat by name relative to the open folder: no path lookup per file, which
    is most of the cost of a scan that finds nothing to do.
    """
    try:
        st = os.stat(name, dir_fd=folder)
    except FileNotFoundError:
        try:
            os.stat(name, dir_fd=folder, follow_symlinks=False)
        except OSError:
            return None  # deleted meanwhile
        problems[rel] = "broken symbolic link: its target does not exist"
        return (rel, 0, 0, 0, 0)
    except OSError as exc:
        problems[rel] = f"cannot be read: {exc.strerror or exc}"
        return (rel, 0, 0, 0, 0)
    mode = st.st_mode
    if stat.S_ISREG(mode):
        return (rel, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
    if stat.S_ISDIR(mode):  # a linked folder named *.md is not followed
        return None
    problems[rel] = "not a regular file (a pipe or device); skipped"
    return (rel, 0, 0, 0, 0)


def discover(root: Path, skip: Path | None = None) -> Listing:
    """Every document file under ``root`` (hidden entries and ``skip`` excluded).

    This is what a refresh without a change journal costs, so the common case
    (a regular file with a document suffix) stays inline: one ``stat`` by
    name relative to the open folder and five appends. Folders are walked in
    name order, so a flat folder needs no sort at the end.
    """
    paths: list[str] = []
    sizes: list[int] = []
    mtimes: list[int] = []
    ctimes: list[int] = []
    inodes: list[int] = []
    problems: dict[str, str] = {}
    skip_real = os.path.realpath(skip) if skip is not None else None
    nested = False

    def descend(directory: str, name: str, prefix: str) -> None:
        nonlocal nested
        path = os.path.join(directory, name)
        if skip_real is None or os.path.realpath(path) != skip_real:
            nested = True
            walk(path, prefix + name + "/")

    def walk(directory: str, prefix: str) -> None:
        try:
            folder = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
        except OSError:
            return
        try:
            names = sorted(os.listdir(folder))
        except OSError:
            os.close(folder)
            return
        stat_at = os.stat
        suffixes = SUFFIXES
        listed_types: dict[str, bool] | None = None

        def is_folder(name: str) -> bool:
            """A real folder (links to folders are not followed, as by scandir)."""
            nonlocal listed_types
            try:
                return stat.S_ISDIR(stat_at(name, dir_fd=folder, follow_symlinks=False).st_mode)
            except OSError:  # no search permission here: ask the listing's own file types
                if listed_types is None:
                    listed_types = _listed_folders(folder)
                return listed_types.get(name, False)

        try:
            for name in names:
                if name[0] == ".":
                    continue
                dot = name.rfind(".")
                if dot <= 0 or name[dot:].lower() not in suffixes:
                    if is_folder(name):
                        descend(directory, name, prefix)
                    continue
                rel = prefix + name
                try:
                    st = stat_at(name, dir_fd=folder)
                except OSError:
                    st = None
                if st is not None and st.st_mode & 0o170000 == 0o100000:  # regular file
                    paths.append(rel)
                    sizes.append(st.st_size)
                    mtimes.append(st.st_mtime_ns)
                    ctimes.append(st.st_ctime_ns)
                    inodes.append(st.st_ino)
                    continue
                if is_folder(name):  # a folder named like a document
                    descend(directory, name, prefix)
                    continue
                row = _stat_row(rel, name, folder, problems)  # the careful path
                if row is not None:
                    for column, value in zip(
                        (paths, sizes, mtimes, ctimes, inodes), row, strict=True
                    ):
                        column.append(value)  # type: ignore[attr-defined]
        finally:
            os.close(folder)

    walk(str(root), "")
    if nested:  # "a/b.md" was walked before "a.md", which sorts first
        rows = sorted(zip(paths, sizes, mtimes, ctimes, inodes, strict=True))
        return Listing.from_rows(rows, problems)
    return Listing(paths, sizes, mtimes, ctimes, inodes, problems)


def _listed_folders(folder: int) -> dict[str, bool]:
    """Which entries of an open folder its listing says are folders (no stat needed)."""
    try:
        with os.scandir(folder) as entries:
            return {entry.name: entry.is_dir(follow_symlinks=False) for entry in entries}
    except OSError:
        return {}


def _restat(root: Path, rel: str, problems: dict[str, str]) -> Row | None:
    """The listing row of one relative path now, as :func:`discover` would make it."""
    directory, _, name = rel.rpartition("/")
    try:
        folder = os.open(os.path.join(root, directory), os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return None
    try:
        return _stat_row(rel, name, folder, problems)
    finally:
        os.close(folder)


def assign_doc_ids(relpaths: list[str]) -> dict[str, str]:
    """``doc_id`` per path: the file stem, made unique when stems collide.

    The first path (in sorted order) keeps the bare stem; later ones use their
    path without suffix, then the full path, so ids are stable and unique.
    """
    ids: dict[str, str] = {}
    taken: set[str] = set()
    for rel in sorted(relpaths):
        without_suffix = rel[: rel.rfind(".")] if "." in rel.rpartition("/")[2] else rel
        stem = without_suffix.rpartition("/")[2]
        for candidate in (stem, without_suffix, rel):
            if candidate not in taken:
                break
        else:  # pragma: no cover - relpaths are unique, so `rel` always is
            candidate = rel
        taken.add(candidate)
        ids[rel] = candidate
    return ids


@dataclass(slots=True)
class Decoded:
    text: str | None
    severity: str | None = None
    message: str | None = None
    line: int | None = None


def decode(data: bytes) -> Decoded:
    """Text of a file, or why it is not a text document.

    UTF-8 (with or without BOM) is expected; UTF-16 with a BOM is accepted;
    anything else is decoded with replacement characters and a warning that
    names the first bad line.
    """
    if not data.strip():
        return Decoded(None, "error", "file is empty; skipped")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return Decoded(data.decode("utf-16"), "warning", "file is UTF-16; read as text")
        except UnicodeDecodeError:
            pass
    head = data[:8192]
    if b"\x00" in head or _control_share(head) > 0.1:
        return Decoded(None, "error", "binary file, not a text document; skipped")
    try:
        return Decoded(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return Decoded(
            data.decode("utf-8-sig", errors="replace"),
            "warning",
            "file is not valid UTF-8; undecodable bytes are shown as \N{REPLACEMENT CHARACTER}",
            line,
        )


_CONTROL = bytes(c for c in range(32) if c not in (9, 10, 12, 13))


def _control_share(data: bytes) -> float:
    if not data:
        return 0.0
    return (len(data) - len(data.translate(None, _CONTROL))) / len(data)
