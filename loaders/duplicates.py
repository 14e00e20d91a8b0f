"""The duplicate index: which documents share a title and table rows.

Each parsed document has a *content key* (a digest of its title and rows).
Documents with the same key are duplicates; the first one by path is the
original and the others point to it (``documents.duplicate_of``).

The index is split into buckets by key, stored per generation like the
Parquet parts, so a refresh touching one file reads and rewrites one or two
small buckets instead of an index of the whole corpus.
"""

from __future__ import annotations

import json
import os
import zlib
from pathlib import Path

from .cache import link_or_copy

KEYS_DIR = "keys"

Members = list[list[str]]  # [[path, doc_id], ...] sorted by path
Bucket = dict[str, Members]  # content key -> members


def bucket_of(key: str, buckets: int) -> int:
    return zlib.crc32(key.encode()) % buckets


def bucket_path(generation: str | Path, bucket: int) -> str:
    return os.path.join(generation, KEYS_DIR, f"bucket-{bucket:04d}.json")


def read_bucket(generation: str | Path | None, bucket: int) -> Bucket | None:
    if generation is None:
        return {}
    try:
        with open(bucket_path(generation, bucket), encoding="utf-8") as fh:
            data = json.load(fh)
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


class DuplicateIndex:
    """Apply removals and additions, then report whose ``duplicate_of`` changed."""

    def __init__(self, old_generation: str | Path | None, buckets: int) -> None:
        self.old_generation = old_generation
        self.buckets = buckets
        self.loaded: dict[int, Bucket] = {}
        self.before: dict[str, Members] = {}  # affected key -> members before the change
        self.broken = False

    def _bucket(self, key: str) -> Bucket:
        number = bucket_of(key, self.buckets)
        bucket = self.loaded.get(number)
        if bucket is None:
            bucket = read_bucket(self.old_generation, number)
            if bucket is None:  # unreadable: the caller rebuilds the whole index
                self.broken = True
                bucket = {}
            self.loaded[number] = bucket
        return bucket

    def _members(self, key: str) -> Members:
        bucket = self._bucket(key)
        members = bucket.setdefault(key, [])
        if key not in self.before:
            self.before[key] = [list(m) for m in members]
        return members

    def remove(self, path: str, key: str) -> None:
        if key:
            members = self._members(key)
            members[:] = [m for m in members if m[0] != path]

    def add(self, path: str, doc_id: str, key: str) -> None:
        if key:
            members = self._members(key)
            members[:] = sorted([*(m for m in members if m[0] != path), [path, doc_id]])

    def changes(self) -> dict[str, tuple[str, str | None, str | None]]:
        """doc_id -> (path, original doc_id or None, original's path) for every
        member of a key that changed; documents not listed keep their status."""
        out: dict[str, tuple[str, str | None, str | None]] = {}
        for key in self.before:
            members = self._bucket(key).get(key, [])
            if not members:
                continue
            first_path, first_id = members[0]
            for index, (path, doc_id) in enumerate(members):
                original = first_id if index else None
                out[doc_id] = (path, original, first_path if index else None)
        return out

    def touched_paths(self) -> set[str]:
        """Paths whose duplicate status may differ from before."""
        paths: set[str] = set()
        for key, before in self.before.items():
            now = self._bucket(key).get(key, [])
            if before != now:
                paths.update(m[0] for m in before)
                paths.update(m[0] for m in now)
        return paths

    def write(self, out: str | Path) -> None:
        """Write changed buckets; hard-link the others from the old generation."""
        os.makedirs(os.path.join(out, KEYS_DIR), exist_ok=True)
        for number in range(self.buckets):
            bucket = self.loaded.get(number)
            if bucket is None and self.old_generation is not None:
                link_or_copy(
                    Path(bucket_path(self.old_generation, number)), Path(bucket_path(out, number))
                )
                continue
            bucket = {k: v for k, v in (bucket or {}).items() if v}
            with open(bucket_path(out, number), "w", encoding="utf-8") as fh:
                fh.write(json.dumps(bucket, separators=(",", ":")))  # dumps: the C encoder
