"""Seed documents in, four pandas tables out (never imports streamlit).

    from loaders import load_corpus
    corpus = load_corpus("seeds/")          # builds or refreshes the cache
    corpus.documents, corpus.entries, corpus.tags, corpus.problems

The cached Parquet tables are the project's data contract; see README.md.
"""

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .build import BuildReport, build_cache
    from .cache import CacheError, CacheWriteError
    from .corpus import Corpus, load_corpus, read_cache
    from .live import LiveCache
    from .locations import SeedsError, data_dir, default_cache_dir
    from .readers import ENGINES, parse_bytes, parse_text, read_blocks

#: Where each public name lives. Imported on first use (PEP 562), so that
#: ``python -m loaders`` does not pay for pandas, which only reading needs.
_HOMES = {
    "BuildReport": "build",
    "build_cache": "build",
    "CacheError": "cache",
    "CacheWriteError": "cache",
    "Corpus": "corpus",
    "load_corpus": "corpus",
    "read_cache": "corpus",
    "LiveCache": "live",
    "SeedsError": "locations",
    "data_dir": "locations",
    "default_cache_dir": "locations",
    "ENGINES": "readers",
    "parse_bytes": "readers",
    "parse_text": "readers",
    "read_blocks": "readers",
}


def __getattr__(name: str) -> object:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'loaders' has no attribute {name!r}")
    return getattr(import_module(f".{home}", __name__), name)


__all__ = [
    "ENGINES",
    "BuildReport",
    "CacheError",
    "CacheWriteError",
    "Corpus",
    "LiveCache",
    "SeedsError",
    "build_cache",
    "data_dir",
    "default_cache_dir",
    "load_corpus",
    "parse_bytes",
    "parse_text",
    "read_blocks",
    "read_cache",
]
