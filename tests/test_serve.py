"""``make run`` (ui/serve.py): the dashboard stays on this computer, the room server comes along.

The launcher's decisions are pure functions, tested here; one real start
shows the room server answering beside the dashboard and stopping with it.
"""

from __future__ import annotations

import json
import time
import tomllib
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from seedscope.workshop import DB_NAME
from seedscope.workshop.room.server import store_tag
from tests.conftest import ROOT
from tests.support.server import free_port, start_server
from ui.facilitator import listens_beyond_this_computer
from ui.serve import dashboard_address, dashboard_port, room_command


def test_the_dashboard_listens_on_this_computer_unless_told_otherwise() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["address"] == "127.0.0.1"
    assert dashboard_address([], {}) == "127.0.0.1"
    assert dashboard_address(["--server.address", "0.0.0.0"], {}) == "0.0.0.0"
    assert dashboard_address(["--server.address=10.0.0.5", "--", "--seeds", "x"], {}) == "10.0.0.5"
    assert dashboard_address([], {"STREAMLIT_SERVER_ADDRESS": "0.0.0.0"}) == "0.0.0.0"
    # a script argument after "--" is not Streamlit's
    assert dashboard_address(["--", "--server.address", "0.0.0.0"], {}) == "127.0.0.1"
    assert dashboard_port(["--server.port", "8600"], {}) == "8600"
    assert dashboard_port([], {"STREAMLIT_SERVER_PORT": "8700"}) == "8700"


@pytest.mark.parametrize(
    ("address", "beyond"),
    [
        ("127.0.0.1", False),
        ("localhost", False),
        ("::1", False),
        ("[::1]", False),
        ("", True),  # Streamlit's own default: every interface
        (None, True),
        ("0.0.0.0", True),
        ("192.168.1.20", True),
        ("laptop.local", True),
    ],
)
def test_when_the_facilitator_token_is_asked_for(address: object, beyond: bool) -> None:
    assert listens_beyond_this_computer(address) is beyond


def test_the_room_server_is_started_on_the_same_database(monkeypatch) -> None:
    monkeypatch.setenv("SEEDSCOPE_ROOM_PORT", "8612")
    command = room_command(Path("/data/workshop.sqlite3"), 4242)
    assert command[1:3] == ["-m", "seedscope.workshop.room"]
    assert command[command.index("--port") + 1] == "8612"
    assert command[command.index("--db") + 1] == "/data/workshop.sqlite3"
    assert command[command.index("--parent") + 1] == "4242"


def health(url: str) -> dict | None:
    try:
        with urllib.request.urlopen(f"{url}/healthz", timeout=1) as response:
            return json.loads(response.read())
    except (OSError, urllib.error.URLError):
        return None


def test_make_run_starts_the_room_server_and_stops_it_with_the_dashboard(
    tmp_path: Path, corpus_dir: Path
) -> None:
    port = free_port()
    data = tmp_path / "data"
    server = start_server(
        ROOT / "dashboard.py",
        seeds=corpus_dir,
        cache=tmp_path / "cache",
        data=data,
        env={"SEEDSCOPE_ROOM": "on", "SEEDSCOPE_ROOM_PORT": str(port)},
        log_path=tmp_path / "streamlit.log",
    )
    room = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while (answer := health(room)) is None and time.monotonic() < deadline:
            time.sleep(0.1)  # polling the health check: the room server's own start signal
        assert answer == {"ok": True, "store": store_tag(data / DB_NAME)}, server.log_tail()
        assert "Participants join at http://" in (tmp_path / "streamlit.log").read_text()
    finally:
        server.stop()
    deadline = time.monotonic() + 15
    while health(room) is not None and time.monotonic() < deadline:
        time.sleep(0.1)
    assert health(room) is None, "the room server outlived the dashboard"
