"""``python -m seedscope.workshop.room [--address A] [--port P] [--db FILE] [--url URL]``.

Serves the participant page on all interfaces (``0.0.0.0``) by default, so
phones on the room's network reach it, and prints the address to give them.
Stops on Ctrl-C or SIGTERM, or when the process given with ``--parent`` ends
(``make run`` passes the dashboard's, so the two stop together).
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import signal
import sys
import threading
from pathlib import Path

from ..models import StoreError
from ..store import DB_NAME, WorkshopStore
from .address import DEFAULT_ADDRESS, DEFAULT_PORT, public_url
from .server import RoomServer


def _default_db() -> Path:
    from loaders import data_dir  # only when no --db: keeps pandas out of the usual start

    return data_dir() / DB_NAME


def _watch_parent(pid: int) -> None:
    """End this server when the dashboard that started it is gone."""

    def watch() -> None:
        while os.getppid() == pid:
            threading.Event().wait(1.0)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m seedscope.workshop.room", description=__doc__)
    parser.add_argument(
        "--address",
        default=os.environ.get("SEEDSCOPE_ROOM_ADDRESS", DEFAULT_ADDRESS),
        help="interface to listen on (default: all, so phones can connect)",
    )
    parser.add_argument(
        "--port", type=int, default=int(os.environ.get("SEEDSCOPE_ROOM_PORT") or DEFAULT_PORT)
    )
    parser.add_argument(
        "--db", type=Path, help="the workshop database (default: the data folder's)"
    )
    parser.add_argument("--url", default=os.environ.get("SEEDSCOPE_ROOM_URL"))
    parser.add_argument("--parent", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="room server: %(message)s")

    try:
        store = WorkshopStore(args.db or _default_db())
    except StoreError as exc:
        print(f"room server: {exc}", file=sys.stderr)
        return 2
    try:
        server = RoomServer((args.address, args.port), store)
    except OSError as exc:
        print(
            f"room server: cannot listen on {args.address}:{args.port} ({exc.strerror or exc}); "
            "set SEEDSCOPE_ROOM_PORT to a free port",
            file=sys.stderr,
        )
        return 2
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    if args.parent:
        _watch_parent(args.parent)
    print(
        f"Room server: participants join at {args.url or public_url(server.port)}",
        flush=True,
    )
    with contextlib.suppress(KeyboardInterrupt):
        server.serve()
    return 0


if __name__ == "__main__":
    sys.exit(main())
