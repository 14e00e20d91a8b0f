"""What a cache generation knows about each source file.

Every generation holds a small ``manifest.json`` (versions, shard count,
counts per shard, which generation wrote each part file) and one file list
per shard (``files/part-NNNN.json``). Per-shard lists keep a one-file refresh
cheap: only the changed shard's list is rewritten, the others are hard-linked
like the Parquet parts.
"""

from __future__ import annotations

import json
import os
import zlib
from dataclasses import dataclass
from pathlib import Path

from . import schema

#: Bumped when the cache layout changes; an older cache is then rebuilt.
FORMAT = "seedscope-cache/2"
FILES_DIR = "files"
COLUMNS = ("path", "size", "mtime", "ctime", "ino", "sha256", "doc_id", "key", "problem")


@dataclass(slots=True)
class FileRecord:
    """One source file: its stat signature, hash, id and what parsing found."""

    path: str
    size: int
    mtime: int
    ctime: int
    ino: int
    sha256: str
    doc_id: str
    key: str  # content key (title and rows digest) for duplicate detection
    problem: str  # why the file could not even be opened, else ""

    @property
    def signature(self) -> tuple[int, int, int, int]:
        return (self.size, self.mtime, self.ctime, self.ino)


ShardFiles = dict[str, list]  # column name -> values, one per file of the shard


def shard_of(relpath: str, shards: int) -> int:
    return zlib.crc32(relpath.encode("utf-8", "surrogateescape")) % shards


def records_of(files: ShardFiles) -> list[FileRecord]:
    return [FileRecord(*row) for row in zip(*(files[c] for c in COLUMNS), strict=True)]


def columns_of(records: list[FileRecord]) -> ShardFiles:
    return {name: [getattr(r, name) for r in records] for name in COLUMNS}


def empty_files() -> ShardFiles:
    return {name: [] for name in COLUMNS}


def files_path(generation: Path, shard: int) -> Path:
    return generation / FILES_DIR / f"part-{shard:04d}.json"


def read_shard_files(generation: Path, shard: int) -> ShardFiles | None:
    try:
        with open(files_path(generation, shard), encoding="utf-8") as fh:
            files = json.load(fh)
    except (OSError, ValueError):
        return None
    if not isinstance(files, dict) or any(not isinstance(files.get(c), list) for c in COLUMNS):
        return None
    if len({len(files[c]) for c in COLUMNS}) != 1:
        return None
    return files


def write_shard_files(generation: Path, shard: int, files: ShardFiles) -> None:
    path = files_path(generation, shard)
    os.makedirs(path.parent, exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        # json.dumps uses the C encoder; json.dump streams through the Python one.
        fh.write(json.dumps(files, separators=(",", ":")))


def compatible(manifest: dict | None, seeds_real: str) -> bool:
    """Whether a generation was built by this parser and schema for these seeds."""
    return (
        manifest is not None
        and manifest.get("format") == FORMAT
        and manifest.get("schema") == schema.SCHEMA_VERSION
        and manifest.get("parser") == schema.PARSER_VERSION
        and manifest.get("seeds") == seeds_real
        and isinstance(manifest.get("shards"), int)
        and manifest["shards"] > 0
        and isinstance(manifest.get("counts"), dict)
        and isinstance(manifest.get("shard_listing"), list)
        and isinstance(manifest.get("shard_paths"), list)
        and len(manifest["shard_listing"]) == manifest["shards"] == len(manifest["shard_paths"])
        and _versions_ok(manifest.get("parts"), manifest["shards"])
    )


def _versions_ok(parts: object, shards: int) -> bool:
    return isinstance(parts, dict) and all(
        isinstance(parts.get(table), list)
        and len(parts[table]) == shards
        and all(isinstance(v, int) for v in parts[table])
        for table in schema.TABLES
    )


def part_versions(manifest: dict, table: str) -> list[int]:
    """Per shard, the generation that wrote the part file of ``table``."""
    return list(manifest["parts"][table])
