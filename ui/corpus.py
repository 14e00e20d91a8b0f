"""Which corpus is open, building its cache with progress, and one Explorer per process."""

from __future__ import annotations

import logging
import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from loaders import BuildReport, data_dir, default_cache_dir, read_cache
from loaders.concepts.derive import definitions
from loaders.concepts.files import vocabulary_files
from loaders.corpus import UNREADABLE
from loaders.live import LiveCache
from seedscope.explore import Explorer
from seedscope.search import SearchIndex, index_path

LOG = logging.getLogger("seedscope")
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


# One LiveCache per corpus per process, shared by every session: each rerun
# asks it for a refresh, which costs microseconds when the change journal saw
# nothing and re-parses only the files that changed otherwise. The Explorer is
# keyed by cache generation, so an edited seed file shows on the next rerun.
_live: dict[tuple[str, str], LiveCache] = {}
_lock = threading.Lock()
#: Each LiveCache holds an inotify instance (128 per user by default).
MAX_LIVE = 16


def _live_for(choice: CorpusChoice) -> LiveCache:
    key = (os.path.realpath(choice.seeds), os.path.realpath(choice.cache))
    with _lock:
        live = _live.pop(key, None)
        if live is None:
            live = LiveCache(choice.seeds, choice.cache)
        _live[key] = live  # most recently used last
        while len(_live) > MAX_LIVE:
            _live.pop(next(iter(_live))).close()
    return live


def ensure_built(choice: CorpusChoice, *, refresh: bool = False) -> BuildReport:
    """The corpus's cache, brought up to date (``refresh``: re-check every file)."""
    live = _live_for(choice)
    bar = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if total < 50:  # not worth a bar that flashes for a moment
            return
        if bar is None:
            bar = st.progress(0.0, text="Reading documents…")
        bar.progress(min(done / total, 1.0), text=f"Reading documents: {done:,} of {total:,}")

    try:
        return live.refresh(full=refresh, progress=progress)
    finally:
        if bar is not None:
            bar.empty()


def _repair(choice: CorpusChoice) -> BuildReport:
    with st.spinner("The cache could not be read; repairing it…"):
        return _live_for(choice).repair()


#: One search index per cache folder, shared by its Explorers (one per generation).
_indexes: dict[str, SearchIndex] = {}


def _search_index(cache: str) -> SearchIndex:
    with _lock:
        index = _indexes.get(cache)
        if index is None:
            index = _indexes[cache] = SearchIndex(index_path(Path(cache)))
        return index


@st.cache_resource(show_spinner="Loading the corpus…", max_entries=4)
def _explorer(cache: str, generation: str, seeds: str) -> Explorer:
    """One Explorer per cache generation: rebuilt only when the cache changes.

    Its search index catches up with the new generation in the background
    (re-indexing only changed documents), so pages draw at once and the
    first search rarely waits.
    """
    explorer = Explorer(
        read_cache(cache),
        search_index=_search_index(cache),
        # every concept a vocabulary defines, for the labels of broader concepts
        # no document of this corpus carries
        definitions=definitions(vocabulary_files(seeds)),
    )
    threading.Thread(
        target=_prepare_search, args=(explorer,), name="seedscope-search-index", daemon=True
    ).start()
    return explorer


def _prepare_search(explorer: Explorer) -> None:
    try:
        report = explorer.prepare_search()
    except Exception:  # the first search will try again and say what went wrong
        LOG.exception("could not bring the search index up to date")
    else:
        if report is not None:
            LOG.info(
                "search index: %d documents indexed, %d removed, %d kept in %.2f s",
                report.indexed,
                report.removed,
                report.kept,
                report.seconds,
            )


def explorer_for(choice: CorpusChoice, report: BuildReport) -> Explorer:
    """The corpus's Explorer; a damaged cache is repaired rather than shown as a crash."""
    try:
        return _explorer(str(choice.cache), str(report.generation), str(choice.seeds))
    except UNREADABLE:
        report = _repair(choice)
        return _explorer(str(choice.cache), str(report.generation), str(choice.seeds))
