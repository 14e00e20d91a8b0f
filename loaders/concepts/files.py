"""Where an analyst's vocabulary file lives for a seeds folder, and where edits go.

* ``SEEDS/vocabulary.csv`` — the analyst's file, next to the digests;
* ``$SEEDSCOPE_DATA/vocabularies/<folder>-<hash>/vocabulary.csv`` — where
  Seedscope saves edits when the seeds folder cannot be written (the bundled
  seeds, an uploaded corpus, a read-only share). It wins over the seeds
  folder's file.

Standard library only: the cache build imports this to watch the files.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from ..locations import data_dir
from .vocabulary import FILE_NAME, SHIPPED_VOCABULARY


@dataclass(frozen=True)
class VocabularyFiles:
    """Where an analyst's vocabulary is read from, and where edits are saved."""

    seeds_file: Path
    overlay_file: Path

    @property
    def editable(self) -> Path:
        """The seeds folder's file when it can be written, else the data folder's."""
        if self.overlay_file.exists() or not _writable(self.seeds_file):
            return self.overlay_file
        return self.seeds_file


def _writable(path: Path) -> bool:
    if path.exists():
        return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)
    return os.access(path.parent, os.W_OK)


def vocabulary_files(
    seeds_dir: str | os.PathLike[str], *, read_only: bool = False
) -> VocabularyFiles:
    """The vocabulary locations of a seeds folder (``read_only``: never the seeds folder)."""
    real = os.path.realpath(seeds_dir)
    digest = hashlib.sha256(real.encode()).hexdigest()[:10]
    overlay = data_dir() / "vocabularies" / f"{Path(real).name or 'seeds'}-{digest}" / FILE_NAME
    seeds_file = Path(seeds_dir) / FILE_NAME
    if read_only:
        return VocabularyFiles(seeds_file=overlay, overlay_file=overlay)
    return VocabularyFiles(seeds_file=seeds_file, overlay_file=overlay)


def vocabulary_inputs(seeds: Path) -> list[Path]:
    """Every file the concepts depend on besides the tags: the build watches their signatures."""
    files = vocabulary_files(seeds)
    return [SHIPPED_VOCABULARY, files.seeds_file, files.overlay_file]
