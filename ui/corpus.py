"""Which corpus is open, building its cache with progress, and one Explorer per process."""

from __future__ import annotations

import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from loaders import BuildReport, build_cache, data_dir, default_cache_dir, read_cache
from seedscope.explore import Explorer

BUNDLED_SEEDS = Path(__file__).resolve().parents[1] / "seeds"
_CORPUS_NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,80}")


@dataclass(frozen=True)
class CorpusChoice:
    """A seeds folder, its cache folder and how it is named to people."""

    seeds: Path
    cache: Path
    label: str
    uploaded: str | None = None  # name under <data>/corpora when it is an upload


def uploads_root() -> Path:
    return data_dir() / "corpora"


def uploaded_corpora() -> list[str]:
    root = uploads_root()
    if not root.is_dir():
        return []
    return sorted(
        (p.name for p in root.iterdir() if p.is_dir() and _CORPUS_NAME.fullmatch(p.name)),
        reverse=True,
    )


def choose(default_seeds: str, default_cache: str | None, uploaded: str | None) -> CorpusChoice:
    """The corpus for this run: an uploaded one named in the URL, else the default."""
    if uploaded and _CORPUS_NAME.fullmatch(uploaded) and (uploads_root() / uploaded).is_dir():
        folder = uploads_root() / uploaded
        return CorpusChoice(folder, default_cache_dir(folder), f"upload {uploaded}", uploaded)
    seeds = Path(default_seeds)
    cache = Path(default_cache) if default_cache else default_cache_dir(seeds)
    label = "bundled seeds" if seeds.resolve() == BUNDLED_SEEDS else seeds.name
    return CorpusChoice(seeds, cache, label)


# One build per corpus per process unless someone asks for a refresh; later
# sessions reuse the report instead of stat-ing every file again.
_reports: dict[tuple[str, str], BuildReport] = {}
_lock = threading.Lock()


def ensure_built(choice: CorpusChoice, *, refresh: bool = False) -> BuildReport:
    key = (os.path.realpath(choice.seeds), os.path.realpath(choice.cache))
    with _lock:
        report = _reports.get(key)
    if report is not None and not refresh and report.generation is not None:
        return report
    bar = st.progress(0.0, text="Checking the corpus…")

    def progress(done: int, total: int) -> None:
        if total:
            bar.progress(min(done / total, 1.0), text=f"Reading documents: {done:,} of {total:,}")

    try:
        report = build_cache(choice.seeds, choice.cache, progress=progress)
    finally:
        bar.empty()
    with _lock:
        _reports[key] = report
    return report


@st.cache_resource(show_spinner="Loading the corpus…", max_entries=4)
def _explorer(cache: str, generation: str) -> Explorer:
    """One Explorer per cache generation: rebuilt only when the cache changes."""
    return Explorer(read_cache(cache))


def explorer_for(choice: CorpusChoice, report: BuildReport) -> Explorer:
    return _explorer(str(choice.cache), str(report.generation))
