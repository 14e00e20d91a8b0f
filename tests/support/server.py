"""Start a real ``streamlit run`` server and Debian's chromium, for browser tests and benchmarks.

The one implementation: ``tests/browser/conftest.py``, ``tests/test_serve.py``
and the browser benchmarks in ``bench/`` all start servers through it (a
benchmark measures the dashboard as the tests drive it). It never downloads a
browser: chromium is Debian's, at ``/usr/bin/chromium`` (``make test`` installs
it through ``scripts/ensure-chromium``).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Playwright

ROOT = Path(__file__).resolve().parents[2]

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]

HEALTH_TIMEOUT = 60.0
HEALTH_INTERVAL = 0.1
LOG_TAIL_LINES = 40


class ServerError(RuntimeError):
    """A server (streamlit or the room) did not come up (the message carries its log's tail)."""


@dataclass
class Server:
    """A running ``streamlit run`` process serving on ``url``."""

    url: str
    port: int
    process: subprocess.Popen
    log_path: Path
    _log: IO[bytes] | None = field(default=None, repr=False)

    def stop(self) -> None:
        """Terminate, wait up to 10 s, then kill. Safe to call twice."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        if self._log is not None and not self._log.closed:
            self._log.close()

    def log_tail(self, lines: int = LOG_TAIL_LINES) -> str:
        return log_tail(self.log_path, lines)

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def free_port() -> int:
    """A port that was free a moment ago (bind to port 0 on 127.0.0.1, then release it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def log_tail(path: Path, lines: int = LOG_TAIL_LINES) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return "(no log)"
    return "\n".join(text.splitlines()[-lines:])


def server_command(
    app: Path, port: int, *, seeds: Path | None, cache: Path, args: Sequence[str] = ()
) -> list[str]:
    # Seedscope's own launcher for its dashboard (see ui/serve.py); plain
    # ``streamlit run`` for any other app.
    is_dashboard = Path(app).resolve() == ROOT / "dashboard.py"
    launcher = ["-m", "ui.serve"] if is_dashboard else ["-m", "streamlit", "run", str(app)]
    return [
        sys.executable,
        *launcher,
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--server.address",
        "127.0.0.1",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
        "--global.developmentMode",
        "false",
        "--",
        *(["--seeds", str(seeds)] if seeds else []),
        "--cache",
        str(cache),
        *args,
    ]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as response:
            return response.status == 200 and response.read().strip() == b"ok"
    except (urllib.error.URLError, OSError):
        return False


def start_server(
    app: Path,
    *,
    seeds: Path | None,
    cache: Path,
    data: Path,
    env: Mapping[str, str] | None = None,
    args: Sequence[str] = (),
    log_path: Path | None = None,
    timeout: float = HEALTH_TIMEOUT,
) -> Server:
    """Serve ``app`` with ``streamlit run`` on a free port and wait until it is healthy.

    ``SEEDSCOPE_DATA`` is set to ``data``; ``SEEDSCOPE_SEEDS``/``SEEDSCOPE_CACHE`` are
    removed from the inherited environment (``seeds``/``cache`` go on the command line)
    unless ``env`` sets them. Output goes to ``log_path`` (default: a fresh temp dir).
    On timeout or early exit the process is killed and :class:`ServerError` carries
    the last 40 lines of the log. The caller must ``stop()`` the returned server.
    """
    if log_path is None:
        log_path = Path(tempfile.mkdtemp(prefix="seedscope-server-")) / "streamlit.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    cache.mkdir(parents=True, exist_ok=True)
    data.mkdir(parents=True, exist_ok=True)

    full_env = dict(os.environ)
    full_env.pop("SEEDSCOPE_SEEDS", None)
    full_env.pop("SEEDSCOPE_CACHE", None)
    full_env.pop("SEEDSCOPE_FACILITATOR_TOKEN", None)  # a test that wants the gate sets it
    full_env["SEEDSCOPE_DATA"] = str(data)
    full_env["PYTHONUNBUFFERED"] = "1"
    # ui.serve starts the workshop's room server unless told not to; tests that
    # need one start their own (on a free port) and pass SEEDSCOPE_ROOM_PORT
    full_env.setdefault("SEEDSCOPE_ROOM", "off")
    full_env.update(env or {})

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = log_path.open("wb")
    process = subprocess.Popen(
        server_command(Path(app), port, seeds=seeds, cache=cache, args=args),
        cwd=ROOT,
        env=full_env,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    server = Server(url=url, port=port, process=process, log_path=log_path, _log=log)

    deadline = time.monotonic() + timeout
    while True:
        if _healthy(url):
            return server
        if process.poll() is not None:
            server.stop()
            raise ServerError(
                f"streamlit exited with code {process.returncode} before {url} was healthy; "
                f"last lines of {log_path}:\n{log_tail(log_path)}"
            )
        if time.monotonic() > deadline:
            server.stop()
            raise ServerError(
                f"streamlit did not answer {url}/_stcore/health within {timeout:.0f} s; "
                f"last lines of {log_path}:\n{log_tail(log_path)}"
            )
        time.sleep(HEALTH_INTERVAL)


def require_chromium() -> Path:
    """Debian's chromium, or a clear error saying how to get it (never a download)."""
    if not CHROMIUM.exists():
        raise RuntimeError(
            f"{CHROMIUM} was not found: the browser tests drive Debian's chromium. "
            "Run `make test`, which installs it (scripts/ensure-chromium)."
        )
    return CHROMIUM


def launch_chromium(playwright: Playwright) -> Browser:
    """Launch Debian's chromium headless with the project's fixed flags."""
    return playwright.chromium.launch(
        executable_path=str(require_chromium()), headless=True, args=CHROMIUM_ARGS
    )


def start_room_server(db: Path, port: int, log: Path) -> subprocess.Popen:
    """``python -m seedscope.workshop.room`` on ``port``, once it answers ``/healthz``.

    Its output is appended to ``log`` (a restarted room keeps one log); the
    health check is the synchronisation point, never a sleep-then-hope.
    """
    command = [sys.executable, "-m", "seedscope.workshop.room"]
    command += ["--address", "127.0.0.1", "--port", str(port), "--db", str(db)]
    with log.open("ab") as out:
        process = subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServerError(f"the room server exited: {log_tail(log)}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=0.5):
                return process
        except OSError:
            time.sleep(0.05)
    process.terminate()
    raise ServerError("the room server did not answer /healthz within 30 s")
