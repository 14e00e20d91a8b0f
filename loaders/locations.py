"""Where Seedscope keeps things: its data folder and one cache per seeds folder."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path


class SeedsError(ValueError):
    """The seeds folder argument cannot be used (missing, not a folder)."""


def data_dir() -> Path:
    """Seedscope's own folder: caches, uploaded corpora, the workshop database.

    ``$SEEDSCOPE_DATA``, else ``$XDG_DATA_HOME/seedscope``, else
    ``~/.local/share/seedscope``.
    """
    env = os.environ.get("SEEDSCOPE_DATA")
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(
        os.path.expanduser("~"), ".local", "share"
    )
    return Path(base) / "seedscope"


def default_cache_dir(seeds_dir: str | os.PathLike[str]) -> Path:
    """``$SEEDSCOPE_CACHE``, else one folder per seeds folder under :func:`data_dir`.

    Never inside the seeds folder, which may be read-only (the bundled seeds).
    """
    env = os.environ.get("SEEDSCOPE_CACHE")
    if env:
        return Path(env).expanduser()
    real = os.path.realpath(seeds_dir)
    digest = hashlib.sha256(real.encode()).hexdigest()[:10]
    return data_dir() / "cache" / f"{Path(real).name or 'seeds'}-{digest}"


def check_seeds_dir(seeds_dir: str | os.PathLike[str]) -> Path:
    """The seeds folder as a Path, or :class:`SeedsError` saying what is wrong."""
    path = Path(seeds_dir).expanduser()
    try:
        if not path.exists():
            raise SeedsError(f"seeds folder {path} does not exist")
        if not path.is_dir():
            raise SeedsError(f"seeds path {path} is not a folder")
    except OSError as exc:
        raise SeedsError(f"seeds folder {path} cannot be read: {exc.strerror or exc}") from exc
    if not os.access(path, os.R_OK | os.X_OK):
        raise SeedsError(f"seeds folder {path} cannot be read")
    return path
