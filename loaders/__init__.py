"""Seed documents in, four pandas tables out (never imports streamlit).

    from loaders import load_corpus
    corpus = load_corpus("seeds/")          # builds or refreshes the cache
    corpus.documents, corpus.entries, corpus.tags, corpus.problems

The cached Parquet tables are the project's data contract; see README.md.
"""

from .build import BuildReport, build_cache
from .cache import CacheError, CacheWriteError
from .corpus import Corpus, load_corpus, read_cache
from .live import LiveCache
from .locations import SeedsError, data_dir, default_cache_dir
from .readers import ENGINES, parse_bytes, parse_text, read_blocks

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
