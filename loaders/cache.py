"""The cache folder: immutable generations, one atomic pointer, one lock.

Layout (``*.parquet`` are folders of part files, readable as one table with
``pandas.read_parquet(path)``)::

    CACHE/
      documents.parquet -> current/documents.parquet   (stable paths for users)
      entries.parquet   -> current/entries.parquet
      tags.parquet      -> current/tags.parquet
      problems.parquet  -> current/problems.parquet
      current -> generations/g-000007                  (flipped atomically)
      generations/g-000007/{manifest.json, documents.parquet/part-0000.parquet, ...}
      .lock

A build writes a complete new generation in a temporary folder (hard-linking
the part files it did not change), renames it into place and flips
``current`` with one ``rename``: a reader sees the old cache or the new one,
never half of one. A killed build leaves only a temporary folder, which the
next build deletes. Builds take ``.lock``, so two at once simply run one
after the other.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from .schema import TABLES

MANIFEST = "manifest.json"
GENERATIONS = "generations"
CURRENT = "current"


class CacheError(Exception):
    """The cache folder cannot be used (not writable, not a folder ...)."""


def part_name(shard: int) -> str:
    return f"part-{shard:04d}.parquet"


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


def new_generation_dir(cache_dir: Path) -> Path:
    root = cache_dir / GENERATIONS
    root.mkdir(parents=True, exist_ok=True)
    path = Path(tempfile.mkdtemp(prefix=f"tmp-{os.getpid()}-", dir=root))
    path.chmod(0o755)  # mkdtemp makes it private; the cache is meant to be shared
    for table in TABLES:
        table_dir(path, table).mkdir()
    return path


def link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def write_manifest(generation: Path, manifest: dict) -> None:
    with open(generation / MANIFEST, "w", encoding="utf-8") as fh:
        fh.write(json.dumps(manifest, separators=(",", ":")))  # dumps: the C encoder


def publish(cache_dir: Path, temporary: Path, number: int) -> Path:
    """Rename a finished generation into place and point ``current`` at it."""
    final = cache_dir / GENERATIONS / f"g-{number:06d}"
    if final.exists():
        shutil.rmtree(final)
    os.rename(temporary, final)
    pointer = cache_dir / f".{CURRENT}.{os.getpid()}"
    with contextlib.suppress(FileNotFoundError):
        os.unlink(pointer)
    os.symlink(os.path.join(GENERATIONS, final.name), pointer)
    os.replace(pointer, cache_dir / CURRENT)
    for table in TABLES:
        stable = cache_dir / f"{table}.parquet"
        if not os.path.islink(stable):
            if stable.exists():
                shutil.rmtree(stable) if stable.is_dir() else stable.unlink()
            os.symlink(os.path.join(CURRENT, f"{table}.parquet"), stable)
    return final


def collect_garbage(cache_dir: Path, keep: Path) -> None:
    """Delete stale temporary folders and all generations but ``keep`` and the one before.

    The previous generation survives one more build so that a reader that
    resolved ``current`` just before the flip can finish reading it.
    """
    root = cache_dir / GENERATIONS
    try:
        names = sorted(os.listdir(root))
    except OSError:
        return
    finished = [n for n in names if n.startswith("g-")]
    keep_names = {keep.name}
    older = [n for n in finished if n < keep.name]
    if older:
        keep_names.add(older[-1])
    for name in names:
        if name in keep_names:
            continue
        with contextlib.suppress(OSError):
            shutil.rmtree(root / name)


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
    "build_lock",
    "check_cache_location",
    "collect_garbage",
    "current_generation",
    "generation_number",
    "link_or_copy",
    "new_generation_dir",
    "part_name",
    "publish",
    "read_manifest",
    "table_dir",
    "write_manifest",
]
