"""The SQLite file behind the store: connections, the one transaction helper, migrations.

Why this shape:

* Streamlit serves every browser session from its own thread, the room
  server answers each phone from its own thread, and both run as separate
  processes on the same file. So **no connection is kept between calls**:
  each operation opens a short-lived connection, nothing is shared between
  threads, and every process sees the others' writes. The file runs in WAL
  mode, so readers (phones waiting for the next slide) never block the writer.
* Every write runs in ``BEGIN IMMEDIATE``: the write lock is taken *before*
  the transaction reads anything, so a read-modify-write (reordering a deck,
  checking voting is open before accepting a rating) cannot interleave with
  another writer, and a busy database is waited for by SQLite's busy handler
  instead of failing half-way with ``SQLITE_BUSY``.
* :meth:`Database.transaction` is the only place that begins, commits and
  rolls back; every read and write of the store goes through it.
"""

from __future__ import annotations

import random
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from . import schema
from .models import StoreError

#: How long a connection waits for another writer before giving up.
BUSY_TIMEOUT_S = 10.0


def is_busy(exc: sqlite3.OperationalError) -> bool:
    message = str(exc).lower()
    return "locked" in message or "busy" in message


class Database:
    """One SQLite file, brought to the current schema when first opened."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.closed = False
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the folder for {self.path}: {exc}") from exc
        try:
            self._open_patiently()
        except StoreError:
            raise
        except sqlite3.OperationalError as exc:
            if is_busy(exc):
                raise StoreError(
                    f"the workshop database {self.path} stayed busy while opening; try again"
                ) from exc
            raise StoreError(f"cannot open the workshop database {self.path}: {exc}") from exc
        except sqlite3.DatabaseError as exc:  # "file is not a database", malformed pages
            raise StoreError(
                f"{self.path} is not a readable workshop database ({exc}); "
                "move it aside to start afresh"
            ) from exc

    def connect(self) -> sqlite3.Connection:
        if self.closed:
            raise StoreError(f"the workshop store for {self.path} has been closed")
        # isolation_level=None: transactions are begun explicitly in transaction()
        conn = sqlite3.connect(
            self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
        )
        conn.row_factory = sqlite3.Row
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA synchronous = NORMAL")
        except BaseException:
            conn.close()
            raise
        return conn

    @contextmanager
    def transaction(self, *, write: bool = False) -> Iterator[sqlite3.Connection]:
        """One transaction on a fresh connection: committed on success, else rolled back.

        ``write=True`` takes the write lock first (``BEGIN IMMEDIATE``); a read
        is one consistent snapshot however many queries it makes.
        """
        conn = self.connect()
        try:
            self._begin(conn, write)
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:  # a failed COMMIT may already have ended it
                    conn.execute("ROLLBACK")
                raise
        finally:
            conn.close()

    def _begin(self, conn: sqlite3.Connection, write: bool) -> None:
        if not write:
            conn.execute("BEGIN")
            return
        # The busy handler already waits up to BUSY_TIMEOUT_S; a second try covers
        # the rare SQLITE_BUSY that bypasses it (e.g. while another process is
        # recovering the WAL). Nothing has been done yet, so retrying is safe.
        for attempt in range(3):
            try:
                conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if not is_busy(exc):
                    raise
                if attempt == 2:
                    raise StoreError(
                        f"the workshop database {self.path} stayed busy for "
                        f"{BUSY_TIMEOUT_S:g} s; try again"
                    ) from exc
                time.sleep(0.05 * (attempt + 1))

    # -- opening --------------------------------------------------------------------

    def _open_patiently(self) -> None:
        """Set up the file, waiting out other processes doing the same.

        Switching a brand-new file to WAL needs it to itself, and SQLite reports
        that conflict at once instead of calling the busy handler, so two
        servers starting together would otherwise fail. Setup is idempotent,
        so it is simply tried again.
        """
        deadline = time.monotonic() + BUSY_TIMEOUT_S
        while True:
            try:
                self._open()
                return
            except sqlite3.OperationalError as exc:
                if not is_busy(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(random.uniform(0.005, 0.05))

    def _open(self) -> None:
        conn = self.connect()
        try:
            mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
            if str(mode).lower() != "wal":
                conn.execute("PRAGMA journal_mode = WAL")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
        finally:
            conn.close()
        if version != schema.schema_version():
            self.migrate()

    def migrate(self) -> None:
        """Run the migrations this file has not had, all in one write transaction."""
        target = schema.schema_version()
        with self.transaction(write=True) as conn:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > target:
                raise StoreError(
                    f"{self.path} was written by a newer Seedscope "
                    f"(schema {version}, this one knows {target})"
                )
            if version == 0:
                tables = {
                    row[0]
                    for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
                }
                if tables - schema.OUR_TABLES:
                    raise StoreError(
                        f"{self.path} is an SQLite database that is not a Seedscope "
                        f"workshop store (it holds {', '.join(sorted(tables))})"
                    )
            for step in schema.MIGRATIONS[version:]:
                schema.apply(conn, step)
            if version != target:
                conn.execute(f"PRAGMA user_version = {target}")
