"""Writing an upload's files under one folder, and nowhere else, within its budget.

:class:`FolderWriter` is the only code that creates files for an upload.
Every folder and file it makes is checked to resolve inside the upload's
folder (before and after creating it), files are opened with exclusive
create (so nothing is overwritten and a symlink planted at the path is
not followed), and bytes are counted as they come, so a stream that lies
about its size is stopped all the same. What to accept is decided by
:mod:`seedscope.uploads`; this module only writes.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


class LimitReached(Exception):
    """The upload as a whole is full: everything after this is refused."""


class Refused(Exception):
    """This one file is refused; the reason is the message."""


class TooBig(Exception):
    """More bytes came than allowed."""


def size_label(count: int) -> str:
    """A byte count as people say it: "10 MiB", "512 bytes"."""
    megabytes = count / (1024 * 1024)
    return f"{megabytes:g} MiB" if megabytes >= 1 else f"{count} bytes"


@dataclass(frozen=True)
class Budget:
    """The most one upload may add: files, bytes in all, bytes per file (uncompressed)."""

    files: int
    total_bytes: int
    file_bytes: int


class FolderWriter:
    """Writes files under one folder, keeping the per-upload budget.

    ``written`` lists the files written so far, relative to ``folder`` with
    ``/`` (pass a list to have them appended to it).
    """

    def __init__(self, folder: Path, budget: Budget, written: list[str] | None = None) -> None:
        self.folder = folder
        self.root = folder.resolve()
        self.budget = budget
        self.written = [] if written is None else written
        self.files = 0
        self.bytes = 0
        # last collision suffix tried per (folder, name): many same-named files
        # must not cost a quadratic number of open() attempts
        self._attempts: dict[tuple[Path, str], int] = {}

    def check_budget(self, size: int) -> None:
        """Raise LimitReached if one more file of ``size`` bytes would not fit."""
        budget = self.budget
        if self.files >= budget.files:
            raise LimitReached(f"the upload already has {budget.files} files, the most allowed")
        if self.bytes + size > budget.total_bytes:
            raise LimitReached(f"the upload would exceed {size_label(budget.total_bytes)} in total")

    def next_file_limit(self) -> int:
        """The most bytes the next file may have: the per-file limit or what is left."""
        return min(self.budget.file_bytes, self.budget.total_bytes - self.bytes)

    def too_big_reason(self) -> str:
        """Why a file went over :meth:`next_file_limit`, in the words of the limit it hit."""
        if self.budget.total_bytes - self.bytes < self.budget.file_bytes:
            return f"the upload would exceed {size_label(self.budget.total_bytes)} in total"
        return f"larger than {size_label(self.budget.file_bytes)}"

    def inside(self, path: Path) -> bool:
        return path.resolve().is_relative_to(self.root)

    def target_dir(self, parts: list[str]) -> Path | None:
        """Create (or reuse) the sanitised subfolders; None if they escape the folder."""
        current = self.folder
        for part in parts:
            current = current / part
            if current.is_symlink() or not self.inside(current):
                return None
            current.mkdir(exist_ok=True)
            if not current.is_dir() or not self.inside(current):
                return None
        return current

    def open_new(self, directory: Path, name: str) -> tuple[Path, io.BufferedWriter] | None:
        """Exclusively create ``name`` in ``directory``, or name-2, name-3, ... on collision."""
        stem, dot, suffix = name.rpartition(".")
        if not dot:
            stem, suffix = name, ""
        first = self._attempts.get((directory, name), 1)
        for attempt in range(first, first + self.budget.files + 1):
            self._attempts[(directory, name)] = attempt
            candidate = name if attempt == 1 else f"{stem}-{attempt}{dot}{suffix}"
            path = directory / candidate
            if not self.inside(path):
                return None
            try:
                # O_EXCL also refuses to follow a symlink planted at the path
                handle = open(path, "xb")  # noqa: SIM115 - closed by the caller
            except FileExistsError:
                continue
            if not self.inside(path):  # pragma: no cover - a race with another writer
                handle.close()
                path.unlink(missing_ok=True)
                return None
            return path, handle
        return None

    def write(self, parts: list[str], name: str, chunks: Iterator[bytes], limit: int) -> str:
        """Write the chunks to a new file; returns its path relative to the folder.

        ``limit`` is the most bytes allowed; going beyond removes the partial
        file and raises ``TooBig``. Chunks are counted as they come, so an
        archive that lies about its sizes is stopped all the same.
        """
        directory = self.target_dir(parts)
        if directory is None:
            raise Refused("its folder would be outside the upload folder")
        opened = self.open_new(directory, name)
        if opened is None:
            raise Refused("it would be written outside the upload folder")
        path, handle = opened
        written = 0
        try:
            with handle:
                for chunk in chunks:
                    written += len(chunk)
                    if written > limit:
                        raise TooBig(written)
                    handle.write(chunk)
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        self.files += 1
        self.bytes += written
        relative = path.relative_to(self.folder).as_posix()
        self.written.append(relative)
        return relative
