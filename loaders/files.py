"""Finding seed files on disk: the listing a build compares with its cache.

Only ``.md``, ``.markdown`` and ``.txt`` files are documents; hidden folders,
hidden files and the cache folder are skipped, and so is every other file
(``vocabulary.csv`` and the like). Nothing here raises for a bad file or an
unreadable folder: it becomes a problem row instead. Symbolic links are
followed only while they stay inside the seeds folder, unless asked.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from .listing import Listing, Restat, Row
from .schema import DOCUMENT_SUFFIXES

SUFFIXES = frozenset(DOCUMENT_SUFFIXES)


def is_document_name(name: str) -> bool:
    """A visible file name with a document suffix (``.md``, ``.markdown``, ``.txt``)."""
    dot = name.rfind(".")
    return name[:1] != "." and dot > 0 and name[dot:].lower() in SUFFIXES


def readable_path(relpath: str) -> str:
    """A path as text for the tables: bytes that are not UTF-8 shown as ``\\xNN``.

    File names are bytes on Linux; Python keeps undecodable ones as lone
    surrogates (``surrogateescape``), which no Parquet string can hold. The
    listing keeps that exact name to open the file; the tables show this form.
    """
    try:
        relpath.encode()
    except UnicodeEncodeError:
        return relpath.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return relpath


@dataclass(frozen=True, slots=True)
class Scope:
    """Which files a scan may read: the seeds folder, and links leaving it only if asked."""

    root_real: str
    follow_outside_links: bool = False

    @classmethod
    def of(cls, root: str | os.PathLike[str], follow_outside_links: bool = False) -> Scope:
        return cls(os.path.realpath(root), follow_outside_links)

    def leaves(self, path: str) -> bool:
        """Whether the symbolic link at ``path`` resolves outside the seeds folder."""
        if self.follow_outside_links:
            return False
        target = os.path.realpath(path)
        return not target.startswith(self.root_real.rstrip(os.sep) + os.sep)


#: A listing row stands for a folder when its path ends with a slash.
FOLDER_MARK = "/"
OUTSIDE_LINK = (
    "symbolic link to a file outside the seeds folder; not read "
    "(allow it with --follow-outside-links)"
)


def folder_problem(exc: OSError) -> str:
    return f"folder cannot be read ({exc.strerror or exc}); the documents in it are missing"


def _stat_row(
    rel: str, name: str, folder: int, directory: str, problems: dict[str, str], scope: Scope
) -> Row | None:
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
    if stat.S_ISDIR(mode):  # a linked folder named *.md is not followed
        return None
    if not stat.S_ISREG(mode):
        problems[rel] = "not a regular file (a pipe or device); skipped"
        return (rel, 0, 0, 0, 0)
    try:
        link = stat.S_ISLNK(os.stat(name, dir_fd=folder, follow_symlinks=False).st_mode)
    except OSError:
        return None  # replaced meanwhile: the next scan sees what it became
    if link and scope.leaves(os.path.join(directory, name)):
        problems[rel] = OUTSIDE_LINK
        return (rel, 0, 0, 0, 0)
    return (rel, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


def discover(root: Path, skip: Path | None = None, *, scope: Scope | None = None) -> Listing:
    """Every document file under ``root`` (hidden entries and ``skip`` excluded).

    Folders that cannot be read are listed too, as a row whose path ends with
    ``/`` and a problem, so that their missing documents are never silent.
    ``scope``: whether links leaving ``root`` are read (default: not).

    This is what a refresh without a change journal costs, so the common case
    (a regular file with a document suffix) stays inline: one ``lstat`` by
    name relative to the open folder and five appends. Folders are walked in
    name order, so a flat folder needs no sort at the end.
    """
    scope = scope or Scope.of(root)
    paths: list[str] = []
    sizes: list[int] = []
    mtimes: list[int] = []
    ctimes: list[int] = []
    inodes: list[int] = []
    problems: dict[str, str] = {}
    skip_real = os.path.realpath(skip) if skip is not None else None
    nested = False

    def add(row: Row) -> None:
        rel, size, mtime, ctime, ino = row
        paths.append(rel)
        sizes.append(size)
        mtimes.append(mtime)
        ctimes.append(ctime)
        inodes.append(ino)

    def descend(directory: str, name: str, prefix: str) -> None:
        nonlocal nested
        path = os.path.join(directory, name)
        if skip_real is None or os.path.realpath(path) != skip_real:
            nested = True
            walk(path, prefix + name + FOLDER_MARK)

    def walk(directory: str, prefix: str) -> None:
        try:
            folder = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
        except OSError as exc:
            if prefix:  # the root itself was checked by check_seeds_dir
                problems[prefix] = folder_problem(exc)
                add((prefix, 0, 0, 0, 0))
            return
        try:
            names = sorted(os.listdir(folder))
        except OSError as exc:
            os.close(folder)
            if prefix:
                problems[prefix] = folder_problem(exc)
                add((prefix, 0, 0, 0, 0))
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
                    st = stat_at(name, dir_fd=folder, follow_symlinks=False)
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
                row = _stat_row(
                    rel, name, folder, directory, problems, scope
                )  # links and odd files
                if row is not None:
                    add(row)
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


def restatter(root: Path, scope: Scope | None = None) -> Restat:
    """``restat(relpath, problems)`` for :meth:`Listing.patched`: one path, as a scan sees it."""
    scope = scope or Scope.of(root)

    def restat(rel: str, problems: dict[str, str]) -> Row | None:
        directory, _, name = rel.rpartition("/")
        path = os.path.join(root, directory)
        try:
            folder = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
        except OSError:
            return None
        try:
            return _stat_row(rel, name, folder, path, problems, scope)
        finally:
            os.close(folder)

    return restat


def assign_doc_ids(relpaths: list[str]) -> dict[str, str]:
    """``doc_id`` per path: the file stem, made unique when stems collide.

    The first path (in sorted order) keeps the bare stem; later ones use their
    path without suffix, then the full path, so ids are stable and unique.
    Ids are readable text (see :func:`readable_path`); folder rows get "".
    """
    ids: dict[str, str] = {}
    taken: set[str] = set()
    for rel in sorted(relpaths):
        if rel.endswith(FOLDER_MARK):
            ids[rel] = ""
            continue
        shown = readable_path(rel)
        without_suffix = shown[: shown.rfind(".")] if "." in shown.rpartition("/")[2] else shown
        stem = without_suffix.rpartition("/")[2]
        candidate = next((c for c in (stem, without_suffix, shown) if c not in taken), "")
        number = 2
        while not candidate:  # only two names that read the same (see readable_path)
            candidate = f"{shown}~{number}" if f"{shown}~{number}" not in taken else ""
            number += 1
        taken.add(candidate)
        ids[rel] = candidate
    return ids
