"""The workshop store: one object, one SQLite file, every operation of the workshop.

:class:`WorkshopStore` is the public face; each of its parts lives in a module
of its own (decks, sessions, slide controls, ratings, statistics, exports).
It holds only the path: safe to share between threads and to open from
several processes (the dashboard and the room server) on the same file.
"""

from __future__ import annotations

from pathlib import Path

from .controls import SlideStore
from .database import Database
from .decks import DeckStore
from .export import ExportStore
from .sessions import SessionStore

#: The workshop database's file name in Seedscope's data folder.
DB_NAME = "workshop.sqlite3"


class WorkshopStore(DeckStore, SessionStore, SlideStore, ExportStore):
    """Decks, workshops, slides, devices and ratings in the SQLite file at ``path``.

    Opening a file made by an older Seedscope migrates it (see
    :mod:`seedscope.workshop.schema`); a file that is not a workshop store, or
    one written by a newer Seedscope, raises :class:`StoreError`.
    """

    def __init__(self, path: Path | str) -> None:
        self.db = Database(path)

    @property
    def path(self) -> Path:
        return self.db.path

    def __repr__(self) -> str:
        return f"WorkshopStore({str(self.path)!r})"

    def __enter__(self) -> WorkshopStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Refuse further use. Nothing is held open, so nothing can be lost."""
        self.db.closed = True

    def setting(self, name: str, default: str | None = None) -> str | None:
        """A facilitator's setting kept with the workshops (e.g. the room's address)."""
        with self.db.transaction() as conn:
            row = conn.execute("SELECT value FROM settings WHERE name = ?", (name,)).fetchone()
        return default if row is None else row["value"]

    def set_setting(self, name: str, value: str | None) -> None:
        """Set (or, with None, forget) a setting."""
        with self.db.transaction(write=True) as conn:
            if value is None:
                conn.execute("DELETE FROM settings WHERE name = ?", (name,))
            else:
                conn.execute(
                    "INSERT INTO settings (name, value) VALUES (?, ?) "
                    "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                    (name, value),
                )
