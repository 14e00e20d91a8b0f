"""One watcher for the whole room, and a mailbox per connected phone.

The presenter moves slides from the dashboard, another process: the room
server learns of it from SQLite itself. One thread asks the file, ten times a
second, whether anyone committed (``PRAGMA data_version`` on a connection it
keeps: a counter read, no table scan). Only then does it read the state of the
workshops that have phones connected, and only if a phone would see something
different is one JSON message made and handed to every phone of that room.
A hundred waiting phones therefore cost one cheap query per tick, not a
hundred polls.

A phone's mailbox keeps the *latest* message of each kind, not a queue: a
phone that stalls for a while gets the current slide when it wakes, not the
slides it missed.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from ..store import WorkshopStore
from .state import dumps, next_deadline, phone_view

LOG = logging.getLogger(__name__)

#: How often the watcher asks SQLite whether anything changed.
POLL_S = 0.1


class Mailbox:
    """The messages waiting for one phone's event stream, newest of each kind."""

    def __init__(self, workshop_id: str, device: str) -> None:
        self.workshop_id = workshop_id
        self.device = device
        self._pending: dict[str, str] = {}
        self._ready = threading.Condition()
        self.closed = False

    def put(self, kind: str, data: str) -> None:
        with self._ready:
            self._pending[kind] = data
            self._ready.notify()

    def take(self, timeout: float) -> list[tuple[str, str]]:
        """The waiting messages (state first), or [] after ``timeout`` seconds of quiet."""
        with self._ready:
            if not self._pending and not self.closed:
                self._ready.wait(timeout)
            messages = sorted(self._pending.items(), key=lambda item: item[0] != "state")
            self._pending.clear()
            return messages

    def close(self) -> None:
        with self._ready:
            self.closed = True
            self._ready.notify()


@dataclass
class _Watched:
    mailboxes: set[Mailbox] = field(default_factory=set)
    fingerprint: str = ""
    message: str = ""
    deadline: datetime | None = None


class Hub:
    """Fans the room's state out to the phones of every watched workshop."""

    def __init__(self, store: WorkshopStore, *, poll_s: float = POLL_S) -> None:
        self.store = store
        self.poll_s = poll_s
        self._lock = threading.Lock()
        self._rooms: dict[str, _Watched] = defaultdict(_Watched)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # -- phones ---------------------------------------------------------------------

    def subscribe(self, workshop_id: str, device: str) -> Mailbox:
        """A mailbox for one phone's stream, primed with the room's current state."""
        mailbox = Mailbox(workshop_id, device)
        message = self._refresh(workshop_id, force=True)
        with self._lock:
            self._rooms[workshop_id].mailboxes.add(mailbox)
        if message:
            mailbox.put("state", message)
        if self._stop.is_set():  # the server is stopping: nobody would close it later
            mailbox.close()
        return mailbox

    def unsubscribe(self, mailbox: Mailbox) -> None:
        mailbox.close()
        with self._lock:
            watched = self._rooms.get(mailbox.workshop_id)
            if watched is not None:
                watched.mailboxes.discard(mailbox)
                if not watched.mailboxes:
                    del self._rooms[mailbox.workshop_id]

    def tell_device(
        self, workshop_id: str, device: str, kind: str, data: Callable[[], str]
    ) -> None:
        """A message for every open tab of one device (e.g. its own ratings changed).

        ``data`` is only called when that device has a tab open.
        """
        with self._lock:
            watched = self._rooms.get(workshop_id)
            targets = [m for m in watched.mailboxes if m.device == device] if watched else []
        if not targets:
            return
        message = data()
        for mailbox in targets:
            mailbox.put(kind, message)

    def connected(self) -> int:
        with self._lock:
            return sum(len(w.mailboxes) for w in self._rooms.values())

    # -- the watcher ----------------------------------------------------------------

    def start(self) -> None:
        thread = threading.Thread(target=self._watch, name="room-hub", daemon=True)
        thread.start()
        # published once started: a stop() racing this start() sees either no
        # thread (the watcher then sees the stop flag at once) or one to join
        self._thread = thread

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        with self._lock:
            mailboxes = [m for w in self._rooms.values() for m in w.mailboxes]
        for mailbox in mailboxes:
            mailbox.close()

    def _watch(self) -> None:
        conn = sqlite3.connect(self.store.path, timeout=10, check_same_thread=False)
        try:
            seen = None
            while not self._stop.wait(self.poll_s):
                try:
                    version = conn.execute("PRAGMA data_version").fetchone()[0]
                except sqlite3.Error as exc:  # e.g. the file is being replaced: try again
                    LOG.warning("room watcher could not read %s: %s", self.store.path, exc)
                    continue
                changed = version != seen
                seen = version
                now = datetime.now(UTC)
                with self._lock:
                    due = [
                        workshop_id
                        for workshop_id, watched in self._rooms.items()
                        if changed or (watched.deadline is not None and watched.deadline <= now)
                    ]
                for workshop_id in due:
                    self._refresh(workshop_id)
        finally:
            conn.close()

    def _refresh(self, workshop_id: str, *, force: bool = False) -> str:
        """Read one room; if its phones would see something new, send it. Returns the message."""
        try:
            room = self.store.room(workshop_id)
        except Exception:  # a busy or replaced file: keep serving, retry on the next tick
            LOG.exception("could not read workshop %s", workshop_id)
            with self._lock:
                watched = self._rooms.get(workshop_id)
                return watched.message if watched else ""
        now = datetime.now(UTC)
        view = {"gone": True} if room is None else phone_view(room, now)
        fingerprint = dumps(view)
        # the server's clock travels with the state, so a phone's countdown agrees
        message = dumps({**view, "now": now.isoformat(timespec="milliseconds")})
        with self._lock:
            watched = self._rooms[workshop_id]
            watched.deadline = None if room is None else next_deadline(room, now)
            fresh = fingerprint != watched.fingerprint
            if fresh:
                watched.fingerprint = fingerprint
                watched.message = message
            targets = list(watched.mailboxes) if fresh else []
            latest = message if force else watched.message
        for mailbox in targets:
            mailbox.put("state", message)
        return latest
