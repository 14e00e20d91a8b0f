"""The full-text index of documents and entries, with SQLite's FTS5.

What people type is read by :mod:`seedscope.search_query`; matched words
are shown by :mod:`seedscope.search_highlight`; this module keeps the
index and runs queries on it. Words are matched whole, ignoring case and
accents (FTS5's ``unicode61`` tokenizer with ``remove_diacritics 2``:
``Economie`` finds ``économie``), and results are ranked by BM25. One FTS5
row per document (its title and summary) and one per entry (its name,
description, change, 10-year outcome and driving force): a word in a
document's title finds the document, not every entry in it.

The index lives in one SQLite file per cache (``search.sqlite3`` next to the
cache's tables) and follows the cache incrementally: a document is
re-indexed only when its SHA-256 or its number of entries changed, so an
edited seed file costs milliseconds. Rows of one document occupy a run of
consecutive rowids (the document first, then its entries in
:func:`entry_order`), which lets an :class:`~seedscope.explore.Explorer` map
a hit back to its rows with one ``searchsorted``. Without a writable place
the index is kept in memory. This module never imports streamlit.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from loaders.schema import ENTRY_TEXT_COLUMNS

from .search_highlight import MARK_START
from .search_query import Query, QueryError

#: Indexed columns, in FTS5 column order: the document's, then the entry's.
DOCUMENT_FIELDS = ("title", "summary")
ENTRY_FIELDS = ENTRY_TEXT_COLUMNS
FIELDS = DOCUMENT_FIELDS + ENTRY_FIELDS
#: BM25 weights per column: a word in a title or a signal's name says more.
WEIGHTS = (4.0, 1.0, 4.0, 1.0, 1.0, 1.0, 1.0)
TOKENIZER = "unicode61 remove_diacritics 2"
#: Bump when the table layout or the row layout changes: the index is rebuilt.
INDEX_FORMAT = "1"
INDEX_FILE = "search.sqlite3"


def entry_order(entries: pd.DataFrame) -> np.ndarray:
    """Positions of ``entries`` in index order: by document, then section, then position.

    The index writer and the row mapping both use this, so rowids line up.
    """
    order = pd.DataFrame(
        {
            "doc_id": entries["doc_id"].astype(str).to_numpy(),
            "section": entries["section"].astype(str).to_numpy(),
            "position": entries["position"].to_numpy(),
        }
    ).sort_values(["doc_id", "section", "position"], kind="stable")
    return order.index.to_numpy()


def _texts(series: pd.Series) -> list[str | None]:
    values = series.astype(object)
    return values.where(values.notna(), None).tolist()


@dataclass
class SyncReport:
    """What a :meth:`SearchIndex.sync` did."""

    indexed: int  # documents (re)indexed
    removed: int  # documents dropped from the index
    kept: int  # documents left as they were
    seconds: float
    rebuilt: bool


class SearchIndex:
    """The FTS5 index of one corpus: kept in step with it by :meth:`sync`, queried by
    :meth:`search`. Thread-safe (one connection behind a lock)."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self._lock = threading.RLock()
        self._connection = self._connect(path)

    @staticmethod
    def _connect(path: Path | None) -> sqlite3.Connection:
        if path is not None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                connection = sqlite3.connect(path, check_same_thread=False, timeout=60)
                connection.execute("PRAGMA journal_mode=WAL")
                return connection
            except (sqlite3.Error, OSError):
                pass  # a read-only or broken place: fall back to memory
        return sqlite3.connect(":memory:", check_same_thread=False)

    @property
    def in_memory(self) -> bool:
        return self.path is None or self._database_file() is None

    def _database_file(self) -> str | None:
        rows = self._connection.execute("PRAGMA database_list").fetchall()
        return next((row[2] for row in rows if row[1] == "main" and row[2]), None)

    def close(self) -> None:
        with self._lock:
            self._connection.close()

    # -- building -------------------------------------------------------------

    def _reset(self) -> None:
        connection = self._connection
        connection.execute("DROP TABLE IF EXISTS fts")
        connection.execute("DROP TABLE IF EXISTS docs")
        connection.execute("DROP TABLE IF EXISTS meta")
        columns = ", ".join(FIELDS)
        connection.execute(
            f"CREATE VIRTUAL TABLE fts USING fts5({columns}, tokenize='{TOKENIZER}')"
        )
        connection.execute(
            "CREATE TABLE docs (doc_id TEXT PRIMARY KEY, sha256 TEXT, first_rowid INTEGER, "
            "row_count INTEGER)"
        )
        connection.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
        connection.execute("INSERT INTO meta VALUES ('format', ?)", (self._format(),))

    @staticmethod
    def _format() -> str:
        from loaders.schema import PARSER_VERSION, SCHEMA_VERSION

        return f"{INDEX_FORMAT}/{SCHEMA_VERSION}/{PARSER_VERSION}/{TOKENIZER}"

    def _current_format(self) -> str | None:
        try:
            row = self._connection.execute("SELECT value FROM meta WHERE key='format'").fetchone()
        except sqlite3.Error:
            return None
        return row[0] if row else None

    def sync(self, documents: pd.DataFrame, entries: pd.DataFrame) -> SyncReport:
        """Bring the index in step with these tables (the data contract's documents and
        entries); only documents whose SHA-256 or entry count changed are re-indexed."""
        import time

        started = time.perf_counter()
        with self._lock, self._transaction():
            rebuilt = self._current_format() != self._format()
            if rebuilt:
                self._reset()
            connection = self._connection
            indexed = {
                doc_id: (sha, first, count)
                for doc_id, sha, first, count in connection.execute(
                    "SELECT doc_id, sha256, first_rowid, row_count FROM docs"
                )
            }
            counts = entries["doc_id"].astype(str).value_counts()
            doc_ids = documents["doc_id"].astype(str).tolist()
            shas = documents["sha256"].astype(str).tolist()
            wanted = {
                doc_id: (sha, 1 + int(counts.get(doc_id, 0)))
                for doc_id, sha in zip(doc_ids, shas, strict=True)
            }
            stale = [
                doc_id
                for doc_id, (sha, _first, count) in indexed.items()
                if wanted.get(doc_id) != (sha, count)
            ]
            for doc_id in stale:
                _sha, first, count = indexed.pop(doc_id)
                connection.execute(
                    "DELETE FROM fts WHERE rowid BETWEEN ? AND ?", (first, first + count - 1)
                )
                connection.execute("DELETE FROM docs WHERE doc_id = ?", (doc_id,))
            missing = [doc_id for doc_id in wanted if doc_id not in indexed]
            if missing:
                self._insert(documents, entries, set(missing))
        removed = len([d for d in stale if d not in wanted])
        return SyncReport(
            indexed=len(missing),
            removed=removed,
            kept=len(wanted) - len(missing),
            seconds=time.perf_counter() - started,
            rebuilt=rebuilt,
        )

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        connection = self._connection
        connection.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            connection.rollback()
            raise
        else:
            connection.commit()

    def _insert(self, documents: pd.DataFrame, entries: pd.DataFrame, doc_ids: set[str]) -> None:
        docs = documents[documents["doc_id"].astype(str).isin(doc_ids)]
        docs = docs.sort_values("doc_id", key=lambda s: s.astype(str), kind="stable")
        rows = entries[entries["doc_id"].astype(str).isin(doc_ids)]
        rows = rows.iloc[entry_order(rows)] if len(rows) else rows
        per_doc = rows["doc_id"].astype(str).value_counts()
        # rowids are never reused: an Explorer of an older generation may still map them
        row = self._connection.execute("SELECT value FROM meta WHERE key='next_rowid'").fetchone()
        next_rowid = int(row[0]) if row else 1

        doc_list = docs["doc_id"].astype(str).tolist()
        titles, summaries = _texts(docs["title"]), _texts(docs["summary"])
        firsts: dict[str, int] = {}
        doc_rows = []
        for doc_id, sha, title, summary in zip(
            doc_list, docs["sha256"].astype(str).tolist(), titles, summaries, strict=True
        ):
            count = 1 + int(per_doc.get(doc_id, 0))
            firsts[doc_id] = next_rowid
            doc_rows.append((next_rowid, title, summary))
            self._connection.execute(
                "INSERT INTO docs VALUES (?, ?, ?, ?)", (doc_id, sha, next_rowid, count)
            )
            next_rowid += count
        self._connection.executemany(
            "INSERT INTO fts (rowid, title, summary) VALUES (?, ?, ?)", doc_rows
        )
        self._connection.execute(
            "INSERT OR REPLACE INTO meta VALUES ('next_rowid', ?)", (str(next_rowid),)
        )
        if not len(rows):
            return
        entry_docs = rows["doc_id"].astype(str).to_numpy()
        # rank within the document: rows are sorted by document already
        starts = np.flatnonzero(np.r_[True, entry_docs[1:] != entry_docs[:-1]])
        within = np.arange(len(rows)) - np.repeat(starts, np.diff(np.r_[starts, len(rows)]))
        rowids = np.array([firsts[d] for d in entry_docs], dtype=np.int64) + 1 + within
        columns = [_texts(rows[field]) for field in ENTRY_FIELDS]
        self._connection.executemany(
            "INSERT INTO fts (rowid, name, description, change, ten_year, driving_force) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            zip(rowids.tolist(), *columns, strict=True),
        )

    def layout(self) -> dict[str, tuple[int, int]]:
        """doc_id -> (first rowid, rows) as indexed (the document's row, then its entries)."""
        with self._lock:
            return {
                doc_id: (first, count)
                for doc_id, first, count in self._connection.execute(
                    "SELECT doc_id, first_rowid, row_count FROM docs"
                )
            }

    # -- querying -------------------------------------------------------------

    def _match(self, expression: str, ranked: bool) -> tuple[np.ndarray, np.ndarray]:
        weights = ", ".join(str(w) for w in WEIGHTS)
        sql = (
            f"SELECT rowid, bm25(fts, {weights}) FROM fts WHERE fts MATCH ?"
            if ranked
            else "SELECT rowid, 0.0 FROM fts WHERE fts MATCH ?"
        )
        with self._lock:
            rows = self._connection.execute(sql, (expression,)).fetchall()
        if not rows:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=float)
        array = np.asarray(rows, dtype=float)
        return array[:, 0].astype(np.int64), array[:, 1]

    def search(self, query: Query) -> tuple[np.ndarray, np.ndarray]:
        """(rowids, scores) of the rows matching ``query``; lower score = better (BM25).

        A query that only excludes matches every row but those it excludes
        (score 0, i.e. unranked).
        """
        if query.empty:
            raise QueryError("The search has no words to look for.")
        expression = query.expression()
        try:
            if expression is not None:
                return self._match(expression, ranked=True)
            excluded, _ = self._match(query.excluded_expression() or "", ranked=False)
            with self._lock:
                all_rows = np.asarray(
                    [r[0] for r in self._connection.execute("SELECT rowid FROM fts")],
                    dtype=np.int64,
                )
            keep = all_rows[~np.isin(all_rows, excluded)]
            return keep, np.zeros(len(keep), dtype=float)
        except sqlite3.OperationalError as exc:  # e.g. a term FTS5 cannot tokenize
            raise QueryError(f"This search cannot run: {exc}.") from None

    def marked(self, query: Query, rowids: Sequence[int]) -> dict[int, dict[str, str]]:
        """For each row: field -> its text with every matched word between
        :data:`MARK_START` and :data:`MARK_END` (only fields that hold a match)."""
        expression = query.positive_expression()
        if expression is None or not len(rowids):
            return {}
        columns = ", ".join(f"highlight(fts, {i}, char(2), char(3))" for i in range(len(FIELDS)))
        sql = (
            f"SELECT rowid, {columns} FROM fts WHERE fts MATCH ? "
            "AND rowid IN (SELECT value FROM json_each(?))"
        )
        with self._lock:
            rows = self._connection.execute(
                sql, (expression, json.dumps([int(r) for r in rowids]))
            ).fetchall()
        out: dict[int, dict[str, str]] = {}
        for rowid, *texts in rows:
            fields = {
                field: text
                for field, text in zip(FIELDS, texts, strict=True)
                if isinstance(text, str) and MARK_START in text
            }
            out[int(rowid)] = fields
        return out


def index_path(cache_dir: Path | None) -> Path | None:
    """Where a cache's search index lives (None: keep it in memory)."""
    return None if cache_dir is None else Path(cache_dir) / INDEX_FILE
