"""``python -m ui.serve [streamlit options] [-- --seeds DIR]``: the dashboard and the room server.

What ``make run`` runs. Three things are settled before Streamlit starts:

* **The room server** (``python -m seedscope.workshop.room``) is started as a
  child process on ``SEEDSCOPE_ROOM_PORT`` (default 8502), on all interfaces so
  phones can reach it, on the same workshop database; it stops with the
  dashboard. ``SEEDSCOPE_ROOM=off`` skips it (e.g. a second dashboard on the
  same data, or tests that start their own).
* **The facilitator's token**: the dashboard listens on 127.0.0.1
  (``.streamlit/config.toml``); when it is opened to the network
  (``--server.address`` or ``STREAMLIT_SERVER_ADDRESS``), a token is made and
  the link carrying it printed here, as Jupyter does (see ``ui/facilitator.py``).
* **No legacy pages mode**: a ``pages/`` folder next to the main script makes
  Streamlit treat a fresh server as a legacy multipage app until the router's
  ``st.navigation`` has run once, so a shared link opened first after a
  restart would show a "Page not found" dialog before the right page.

It serves ``ui/app.py`` (dashboard.py as an ``st.App``), whose pages tell the
browser where the server is, so a deep link asks for no missing address.
Plain ``streamlit run dashboard.py`` works too, without the room server.
"""

from __future__ import annotations

import atexit
import os
import secrets
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli

from seedscope.workshop import DB_NAME
from seedscope.workshop.room.address import lan_ip, public_url, room_port
from ui.facilitator import TOKEN_ENV, TOKEN_PARAM, listens_beyond_this_computer

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "ui" / "app.py"


def dashboard_address(args: Sequence[str], env: dict[str, str]) -> str:
    """The address Streamlit will listen on: its flag, else its variable, else our config's."""
    for index, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--server.address" and index + 1 < len(args):
            return args[index + 1]
        if arg.startswith("--server.address="):
            return arg.split("=", 1)[1]
    return env.get("STREAMLIT_SERVER_ADDRESS", "127.0.0.1")


def dashboard_port(args: Sequence[str], env: dict[str, str]) -> str:
    for index, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--server.port" and index + 1 < len(args):
            return args[index + 1]
        if arg.startswith("--server.port="):
            return arg.split("=", 1)[1]
    return env.get("STREAMLIT_SERVER_PORT", "8501")


def room_command(db: Path, parent: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "seedscope.workshop.room",
        "--port",
        str(room_port()),
        "--db",
        str(db),
        "--parent",
        str(parent),
    ]


def start_room(env: dict[str, str]) -> subprocess.Popen | None:
    """The participants' server, stopped when this process exits."""
    if env.get("SEEDSCOPE_ROOM", "").lower() in ("off", "0", "no"):
        return None
    from loaders import data_dir

    room = subprocess.Popen(room_command(data_dir() / DB_NAME, os.getpid()), cwd=ROOT)

    def stop() -> None:
        if room.poll() is None:
            room.terminate()
            try:
                room.wait(timeout=5)
            except subprocess.TimeoutExpired:
                room.kill()

    atexit.register(stop)
    return room


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    env = dict(os.environ)
    PagesManager.uses_pages_directory = False
    if listens_beyond_this_computer(dashboard_address(args, env)):
        token = env.get(TOKEN_ENV) or secrets.token_urlsafe(24)
        os.environ[TOKEN_ENV] = token
        port = dashboard_port(args, env)
        print(
            "\n  The dashboard is open to the network: it asks for a token.\n"
            f"  Facilitator link: http://{lan_ip()}:{port}/?{TOKEN_PARAM}={token}\n",
            flush=True,
        )
    if start_room(env) is not None:
        print(f"  Participants join at {public_url()} (the room server)\n", flush=True)
    sys.argv = ["streamlit", "run", str(APP), *args]
    cli.main()


if __name__ == "__main__":
    main()
