"""The cache folder: immutable generations, one atomic pointer, one lock.

Layout (``*.parquet`` are folders of part files, readable as one table with
``pandas.read_parquet(path)``)::

    CACHE/
      documents.parquet -> current/documents.parquet   (stable paths for users)
      entries.parquet   -> current/entries.parquet
      tags.parquet      -> current/tags.parquet
      problems.parquet  -> current/problems.parquet
      current -> generations/g-000007                  (flipped atomically)
      generations/g-000007/{manifest.json, documents.parquet/part-0000-000005.parquet, ...}
      .lock

A build writes a complete new generation in a temporary folder (hard-linking
the part files it did not change), renames it into place and flips
``current`` with one ``rename``.

A part file's name carries the number of the generation that wrote it
(``part-<shard>-<generation>.parquet``) and a name is never written twice.
That is what makes the stable paths safe for plain ``pandas.read_parquet``,
which lists a folder and then opens its files one by one, each time through
``current``: if a build flips ``current`` in between, an unchanged part is
the same file under the same name in both generations, and a changed part
is missing under its old name, so the read fails with ``FileNotFoundError``
rather than mixing two generations. A generation that was replaced is kept
a while (:data:`GRACE_SECONDS`, and always the one before the current) for
readers that resolved it just before the flip.

Builds take ``.lock``, so two at once simply run one after the other; each
starts by deleting the temporary folders of builds that died (none can be
alive while the lock is held).
"""

from __future__ import annotations

import contextlib
import fcntl
import itertools
import json
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from .schema import TABLES

MANIFEST = "manifest.json"
GENERATIONS = "generations"
CURRENT = "current"
TEMPORARY = "tmp-"
#: A replaced generation stays this long for readers that were still on it.
GRACE_SECONDS = 10.0


class CacheError(Exception):
    """The cache folder cannot be used (not writable, not a folder ...)."""


class CacheWriteError(OSError):
    """Writing a new generation failed (disk full ...); the previous cache is intact.

    An ``OSError`` with the cause's ``errno`` and ``strerror``, so that code
    catching ``OSError`` (the dashboard) can say what happened in its words.
    """

    def __init__(self, cache_dir: Path, cause: OSError) -> None:
        code = cause.errno
        if code is None:  # pyarrow puts it in the text: "... Detail: [errno 28] ..."
            found = re.search(r"\[errno (\d+)\]", str(cause))
            code = int(found[1]) if found else None
        reason = os.strerror(code) if code else (cause.strerror or str(cause))
        super().__init__(code, reason, str(cache_dir))
        self.cache_dir = cache_dir

    def __str__(self) -> str:
        return (
            f"cannot write the cache in {self.cache_dir}: {self.strerror}; the previous cache "
            "is unchanged. Free some space or choose another cache folder with --cache DIR"
        )


def part_name(shard: int, version: int) -> str:
    """File name of a shard's part written by generation ``version``."""
    return f"part-{shard:04d}-{version:06d}.parquet"


def table_dir(generation: Path, table: str) -> Path:
    return Path(os.path.join(generation, f"{table}.parquet"))


@contextlib.contextmanager
def build_lock(cache_dir: Path) -> Iterator[None]:
    """Exclusive lock for the duration of a build (released if the process dies)."""
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(cache_dir / ".lock", os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise CacheError(f"cannot use cache folder {cache_dir}: {exc.strerror or exc}") from exc
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def current_generation(cache_dir: Path) -> Path | None:
    """The generation ``current`` points to, or None when there is none yet."""
    link = cache_dir / CURRENT
    try:
        target = os.readlink(link)
    except OSError:
        return None
    generation = (cache_dir / target).resolve() if not os.path.isabs(target) else Path(target)
    return generation if generation.is_dir() else None


def current_name(cache_dir: Path) -> str | None:
    """Name of the generation ``current`` points to (one ``readlink``, no checks)."""
    try:
        return os.path.basename(os.readlink(cache_dir / CURRENT))
    except OSError:
        return None


def read_manifest(generation: Path | None) -> dict | None:
    """The manifest of a generation, or None if it is missing or unreadable."""
    if generation is None:
        return None
    try:
        with open(generation / MANIFEST, encoding="utf-8") as fh:
            manifest = json.load(fh)
    except (OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) else None


def sweep_temporaries(cache_dir: Path) -> None:
    """Delete the temporary folders of dead builds; call only while holding the lock."""
    root = cache_dir / GENERATIONS
    try:
        names = os.listdir(root)
    except OSError:
        return
    for name in names:
        if name.startswith(TEMPORARY):
            shutil.rmtree(root / name, ignore_errors=True)


def next_generation_number(cache_dir: Path, current: Path | None) -> int:
    """A number no generation of this cache has had, so no part name is ever reused."""
    numbers = [generation_number(current)]
    with contextlib.suppress(OSError):
        numbers += [
            generation_number(Path(name))
            for name in os.listdir(cache_dir / GENERATIONS)
            if name.startswith("g-")
        ]
    return max(numbers) + 1


def new_generation_dir(cache_dir: Path) -> Path:
    root = cache_dir / GENERATIONS
    root.mkdir(parents=True, exist_ok=True)
    path = Path(tempfile.mkdtemp(prefix=f"{TEMPORARY}{os.getpid()}-", dir=root))
    path.chmod(0o755)  # mkdtemp makes it private; the cache is meant to be shared
    for table in TABLES:
        table_dir(path, table).mkdir()
    return path


def discard(temporary: Path) -> None:
    """Remove an unfinished generation (a failed build's)."""
    shutil.rmtree(temporary, ignore_errors=True)


def link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def write_manifest(generation: Path, manifest: dict) -> None:
    with open(generation / MANIFEST, "w", encoding="utf-8") as fh:
        fh.write(json.dumps(manifest, separators=(",", ":")))  # dumps: the C encoder


def publish(cache_dir: Path, temporary: Path, number: int, tables: Iterable[str] = TABLES) -> Path:
    """Rename a finished generation into place and point ``current`` at it.

    ``tables``: the names given a stable path (``CACHE/<name>.parquet``).
    """
    final = cache_dir / GENERATIONS / f"g-{number:06d}"
    if final.exists():
        shutil.rmtree(final)
    os.rename(temporary, final)
    pointer = cache_dir / f".{CURRENT}.{os.getpid()}"
    with contextlib.suppress(FileNotFoundError):
        os.unlink(pointer)
    os.symlink(os.path.join(GENERATIONS, final.name), pointer)
    os.replace(pointer, cache_dir / CURRENT)
    for table in tables:
        stable = cache_dir / f"{table}.parquet"
        if not os.path.islink(stable):
            if stable.exists():
                shutil.rmtree(stable) if stable.is_dir() else stable.unlink()
            os.symlink(os.path.join(CURRENT, f"{table}.parquet"), stable)
    return final


def collect_garbage(cache_dir: Path, keep: Path, now: float | None = None) -> None:
    """Delete the generations readers can no longer be on.

    Kept: ``keep`` (the current one), the one before it, and any replaced less
    than :data:`GRACE_SECONDS` ago (when the generation after it was written),
    so that a reader that resolved ``current`` just before a flip, or two, can
    finish. Temporary folders belong to :func:`sweep_temporaries`.
    """
    root = cache_dir / GENERATIONS
    try:
        finished = sorted(n for n in os.listdir(root) if n.startswith("g-"))
    except OSError:
        return
    now = time.time() if now is None else now
    older = [n for n in finished if n < keep.name]
    for name, successor in itertools.pairwise(older):
        try:
            replaced_at = os.stat(root / successor / MANIFEST).st_mtime
        except OSError:
            replaced_at = 0.0
        if now - replaced_at >= GRACE_SECONDS:
            shutil.rmtree(root / name, ignore_errors=True)


def generation_number(generation: Path | None) -> int:
    if generation is None:
        return 0
    try:
        return int(generation.name.removeprefix("g-"))
    except ValueError:
        return 0


def is_writable_dir(path: Path) -> bool:
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return os.access(path, os.W_OK | os.X_OK)


def check_cache_location(cache_dir: Path) -> None:
    if cache_dir.exists() and not cache_dir.is_dir():
        raise CacheError(f"cache path {cache_dir} exists and is not a folder")
    if not is_writable_dir(cache_dir):
        raise CacheError(f"cache folder {cache_dir} cannot be created or written")


__all__ = [
    "CacheError",
    "CacheWriteError",
    "build_lock",
    "check_cache_location",
    "collect_garbage",
    "current_generation",
    "discard",
    "link_or_copy",
    "new_generation_dir",
    "next_generation_number",
    "part_name",
    "publish",
    "read_manifest",
    "sweep_temporaries",
    "table_dir",
    "write_manifest",
]
