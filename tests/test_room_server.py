"""The room server's protocol, as a phone speaks it: cookie, event stream, JSON ratings.

A real ``RoomServer`` on a real SQLite file, in this process; phones are
``tests.support.room_client.Phone``. The presenter acts through the store, as
the dashboard does from its own process. Every wait is a read on the event
stream (with a socket timeout), never a sleep.
"""

from __future__ import annotations

import random
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from seedscope.workshop import SlideText, Workshop, WorkshopStore, device_id
from seedscope.workshop.room import RoomServer
from seedscope.workshop.room.address import is_loopback, public_url, valid_url
from seedscope.workshop.room.server import COOKIE, COOKIE_MAX_AGE_S, MAX_BODY_BYTES
from tests.support.room_client import Phone

A, B = ("doc-a", 0), ("doc-b", 2)
TEXTS = {A: SlideText("Rivers run dry", "Less rain each summer", ten_year="Rationing")}


@dataclass
class Room:
    store: WorkshopStore
    server: RoomServer
    workshop: Workshop
    key: str

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.port}"

    def phone(self) -> Phone:
        phone = Phone(self.url)
        assert phone.open_page(self.workshop.join_code).status == 200
        return phone

    def go_to(self, index: int) -> None:
        self.store.set_current(self.workshop.id, self.key, index)


def quiet_port() -> int:
    """A free port below the kernel's ephemeral range, as a room's configured port is.

    A server restarted on its port must find it free; an ephemeral port given
    back by the stopped server can meanwhile be taken by any other process's
    outgoing connection (the suite runs in parallel), a port below the range
    cannot.
    """
    low = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    for port in random.sample(range(10_000, max(low, 10_001)), 100):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    return 0


def serve(store: WorkshopStore, port: int | None = None) -> tuple[RoomServer, threading.Thread]:
    server = RoomServer(("127.0.0.1", quiet_port() if port is None else port), store)
    thread = threading.Thread(target=server.serve, daemon=True)
    thread.start()
    return server, thread


def open_room(folder: Path) -> Iterator[Room]:
    store = WorkshopStore(folder / "workshop.sqlite3")
    deck = store.create_deck("Water <futures>", "seeds", [A, B])
    workshop, key = store.start_workshop(deck.id, {A: TEXTS[A], B: SlideText("Cities")})
    server, thread = serve(store)
    try:
        yield Room(store, server, workshop, key)
    finally:
        server.stop()
        thread.join(timeout=10)


@pytest.fixture
def room(tmp_path: Path) -> Iterator[Room]:
    yield from open_room(tmp_path)


@pytest.fixture(scope="module")
def shared_room(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Room]:
    """One room for tests that change nothing (every request in them is refused)."""
    yield from open_room(tmp_path_factory.mktemp("shared-room"))


# -- the page and the device cookie ---------------------------------------------------


def test_the_page_gives_a_device_cookie_once(room: Room) -> None:
    phone = Phone(room.url)
    first = phone.open_page(room.workshop.join_code)
    assert first.status == 200 and b"Join a workshop" in first.body
    cookie = first.headers["Set-Cookie"]
    assert cookie.startswith(f"{COOKIE}=")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/" in cookie
    assert f"Max-Age={COOKIE_MAX_AGE_S}" in cookie
    assert "default-src 'none'" in first.headers["Content-Security-Policy"]
    assert first.headers["X-Frame-Options"] == "DENY"
    again = phone.open_page(room.workshop.join_code)  # a re-scanned QR code
    assert again.headers.get("Set-Cookie") is None
    for asset, kind in (
        ("/static/participant.js", "javascript"),
        ("/static/participant.css", "css"),
    ):
        response = phone.request("GET", asset)
        assert response.status == 200 and kind in response.headers["Content-Type"]


def test_the_room_follows_the_presenter_at_once(room: Room) -> None:
    phone = room.phone()
    stream = phone.events(room.workshop.join_code)
    assert stream.status == 200 and stream.headers["content-type"].startswith("text/event-stream")
    assert stream.next_of("mine") == []
    opening = stream.next_of("state")
    assert opening["stage"] == "opening" and opening["deck"] == "Water <futures>"
    assert opening["code"] == room.workshop.join_code and opening["count"] == 2

    room.go_to(0)
    first = stream.next_of("state")
    assert first["stage"] == "signal" and first["index"] == 0
    assert first["signal"]["name"] == "Rivers run dry"
    assert first["signal"]["description"] == "Less rain each summer"
    assert first["signal"]["voting"] == "open" and first["earlier"] == []

    room.go_to(1)
    second = stream.next_of("state")
    assert second["signal"]["name"] == "Cities"
    # the first signal is still open: phones may rate it
    assert [s["name"] for s in second["earlier"]] == ["Rivers run dry"]
    room.store.close_voting(room.workshop.id, room.key, A)
    assert stream.next_of("state")["earlier"] == []

    room.go_to(2)
    assert stream.next_of("state")["stage"] == "closing"
    room.store.close_workshop(room.workshop.id, room.key)
    assert stream.next_of("state")["status"] == "ended"


def test_what_a_phone_is_told_holds_no_secret_and_no_result(room: Room) -> None:
    room.go_to(0)
    other = room.phone()
    assert other.rate(room.workshop.id, A, 5, 5, "other people's words").status == 200
    phone = room.phone()
    stream = phone.events(room.workshop.join_code)
    mine = stream.next_of("mine")
    state = stream.next_of("state")
    text = repr((mine, state))
    assert mine == []
    assert "other people's words" not in text and room.key not in text
    assert other.cookie is not None and other.cookie.split("=", 1)[1] not in text
    assert device_id(other.cookie.split("=", 1)[1]) not in text
    assert set(state) == {
        "workshop",
        "code",
        "deck",
        "status",
        "stage",
        "index",
        "count",
        "signal",
        "earlier",
        "now",
    }
    assert set(state["signal"]) == {
        "doc_id",
        "position",
        "index",
        "name",
        "description",
        "ten_year",
        "voting",
        "closes_at",
    }


# -- ratings ----------------------------------------------------------------------------


def test_a_rating_is_confirmed_once_stored_and_a_replay_changes_it(room: Room) -> None:
    room.go_to(0)
    phone = room.phone()
    sent = phone.rate(room.workshop.id, A, 4, 2, "  worth watching <b>now</b> ")
    assert sent.status == 200
    assert sent.json()["rating"] | {"updated_at": None} == {
        "doc_id": "doc-a",
        "position": 0,
        "impact": 4,
        "likelihood": 2,
        "comment": "worth watching <b>now</b>",
        "updated_at": None,
    }
    assert phone.rate(room.workshop.id, A, 4, 2, "  worth watching <b>now</b> ").status == 200
    assert phone.rate(room.workshop.id, A, 5, 1).status == 200  # changed its mind
    rows = room.store.ratings(room.workshop.id)
    assert [(r.impact, r.likelihood, r.comment) for r in rows] == [(5, 1, None)]
    token = phone.cookie.split("=", 1)[1]  # type: ignore[union-attr]
    assert rows[0].participant == device_id(token) and token not in repr(rows)


def test_one_device_is_one_voice_across_tabs_and_rescans(room: Room) -> None:
    room.go_to(0)
    phone = room.phone()
    tabs = [phone.events(room.workshop.join_code) for _ in range(2)]
    for tab in tabs:
        tab.next_of("state")
    phone.open_page(room.workshop.join_code)  # the QR code scanned again
    assert phone.rate(room.workshop.id, A, 2, 2).status == 200
    assert phone.rate(room.workshop.id, A, 3, 4).status == 200  # from the other tab
    # both tabs hear what this device said, so neither shows a stale rating
    for tab in tabs:
        said = tab.next_of("mine", lambda data: bool(data) and data[0]["impact"] == 3)
        assert said[0]["likelihood"] == 4
    assert room.store.tally(room.workshop.id, *A)["count"] == 1
    assert room.store.device_count(room.workshop.id) == 1
    second = room.phone()  # another phone is another voice
    second.events(room.workshop.join_code).next_of("state")
    assert second.rate(room.workshop.id, A, 1, 1).status == 200
    assert room.store.tally(room.workshop.id, *A)["count"] == 2
    assert room.store.device_count(room.workshop.id) == 2


@pytest.mark.parametrize(
    ("change", "status", "message"),
    [
        ({"impact": 0}, 409, "1 to 5"),
        ({"impact": 6}, 409, "1 to 5"),
        ({"impact": "3"}, 409, "1 to 5"),
        ({"likelihood": 2.5}, 409, "1 to 5"),
        ({"likelihood": None}, 409, "1 to 5"),
        ({"comment": "x" * 281}, 409, "at most 280"),
        ({"comment": ["list"]}, 409, "text"),
        ({"doc_id": "doc-b", "position": 2}, 409, "not been presented"),
        ({"doc_id": "elsewhere"}, 409, "not part of this workshop"),
        ({"position": "0"}, 409, "not part of this workshop"),
        ({"workshop": "forged-id"}, 409, "does not exist"),
        ({"workshop": None}, 409, "does not exist"),
    ],
)
def test_bad_ratings_are_refused_with_a_message(shared_room: Room, change, status, message) -> None:
    room = shared_room
    room.go_to(0)
    phone = room.phone()
    payload = {"impact": 3, "likelihood": 3, "comment": None} | change
    signal = (payload.pop("doc_id", A[0]), payload.pop("position", A[1]))
    workshop = payload.pop("workshop", room.workshop.id)
    response = phone.rate(workshop, signal, **payload)
    assert response.status == status and message in response.json()["error"]
    assert room.store.ratings(room.workshop.id) == []


def test_requests_that_are_not_a_phones_rating_are_refused(room: Room) -> None:
    room.go_to(0)
    phone = room.phone()
    body = b'{"workshop": "%s", "doc_id": "doc-a", "position": 0, "impact": 3, "likelihood": 3}'
    body = body % room.workshop.id.encode()
    cases = [
        (None, {"Content-Type": "application/json"}, body, 403),  # no cookie: no voice
        (phone.cookie, {"Content-Type": "text/plain"}, body, 415),  # a plain form post
        (
            phone.cookie,
            {"Content-Type": "application/json", "Origin": "http://evil.example"},
            body,
            403,
        ),
        (phone.cookie, {"Content-Type": "application/json"}, b"{not json", 400),
        (phone.cookie, {"Content-Type": "application/json"}, b"[1, 2]", 400),
        (phone.cookie, {"Content-Type": "application/json"}, b" " * (MAX_BODY_BYTES + 1), 413),
        (f"{COOKIE}=forged", {"Content-Type": "application/json"}, body, 403),
    ]
    for cookie, headers, payload, status in cases:
        stranger = Phone(room.url, cookie=cookie)
        assert stranger.request("POST", "/api/rate", payload, headers).status == status
    assert room.store.ratings(room.workshop.id) == []
    assert (
        phone.request("POST", "/api/rate", body, {"Content-Type": "application/json"}).status == 200
    )


def test_every_route_a_participant_can_reach(room: Room) -> None:
    """The room server answers its four routes and nothing else: no decks, no exports."""
    room.go_to(0)
    phone = room.phone()
    assert phone.rate(room.workshop.id, A, 3, 3, "mine").status == 200
    for path in (
        "/decks",
        "/present",
        f"/present?w={room.workshop.id}&key={room.key}",
        "/api/ratings",
        "/api/workshops",
        "/api/decks",
        "/api/state",
        "/export.csv",
        "/static/../workshop.sqlite3",
        "/static/participant.html",
        "/static/",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/_stcore/health",
        "/upload",
    ):
        for method in ("GET", "POST", "PUT", "DELETE"):
            response = phone.request(method, path)
            assert response.status == 404, (method, path)
            assert b"mine" not in response.body and room.key.encode() not in response.body
    for path, allowed in (("/", "GET"), ("/api/events", "GET"), ("/api/rate", "POST")):
        for method in ("PUT", "DELETE", "PATCH"):
            response = phone.request(method, path)
            assert response.status == 405 and response.headers["Allow"] == allowed
    assert phone.request("GET", "/api/rate").status == 405
    assert phone.request("DELETE", "/api/rate").status == 405
    assert len(room.store.ratings(room.workshop.id)) == 1
    assert room.store.get_workshop(room.workshop.id).current == 0  # type: ignore[union-attr]


def test_an_unknown_code_says_so_and_an_ended_workshop_thanks(room: Room) -> None:
    phone = room.phone()
    assert phone.events("NOPE99").next() == ("missing", {})
    assert phone.events("").next() == ("missing", {})
    room.store.close_workshop(room.workshop.id, room.key)
    assert phone.events(room.workshop.join_code).next_of("state")["status"] == "ended"
    assert Phone(room.url).events(room.workshop.join_code).status == 403  # no cookie


def test_a_timer_running_out_closes_voting_on_every_phone(room: Room) -> None:
    room.go_to(0)
    phone = room.phone()
    stream = phone.events(room.workshop.join_code)
    stream.next_of("state")
    room.store.start_timer(room.workshop.id, room.key, A, 1)
    running = stream.next_of("state", lambda s: s["signal"]["closes_at"] is not None)
    assert running["signal"]["voting"] == "open"
    # nobody touches anything: the hub notices the deadline and tells the phones
    closed = stream.next_of("state", lambda s: s["signal"]["voting"] == "closed")
    assert closed["signal"]["closes_at"] is None
    response = phone.rate(room.workshop.id, A, 3, 3)
    assert response.status == 409 and "closed" in response.json()["error"]


def test_a_restart_mid_slide_loses_nothing(room: Room, tmp_path: Path) -> None:
    room.go_to(0)
    phone = room.phone()
    assert phone.rate(room.workshop.id, A, 4, 4, "before the restart").status == 200
    port = room.server.port
    room.server.stop()
    server, thread = serve(WorkshopStore(room.store.path), port)
    try:
        stream = phone.events(room.workshop.join_code)  # the phone reconnects, same cookie
        mine = stream.next_of("mine")
        assert [(m["impact"], m["comment"]) for m in mine] == [(4, "before the restart")]
        assert stream.next_of("state")["index"] == 0
        assert phone.rate(room.workshop.id, A, 2, 2, "after").status == 200
        assert [(r.impact, r.comment) for r in room.store.ratings(room.workshop.id)] == [
            (2, "after")
        ]
    finally:
        server.stop()
        thread.join(timeout=10)


def test_a_server_restarted_on_its_port_again_and_again_answers_every_time(
    room: Room,
) -> None:
    """When ``stop()`` returns, the port is free: the serving thread has closed it.

    Before, two threads closed the socket and ``stop()`` could return while the
    serving thread's close was still in the kernel; about one restart in ten on
    the same port then failed with ``EADDRINUSE`` (it failed CI once).
    """
    port = room.server.port
    room.server.stop()
    for _ in range(12):
        server, thread = serve(WorkshopStore(room.store.path), port)
        try:
            phone = Phone(f"http://127.0.0.1:{port}")
            assert phone.open_page(room.workshop.join_code).status == 200
        finally:
            server.stop()
            thread.join(timeout=10)
        assert server.socket.fileno() == -1


@pytest.mark.filterwarnings("error::pytest.PytestUnhandledThreadExceptionWarning")
def test_a_server_stopped_as_it_starts_stops_cleanly(tmp_path: Path) -> None:
    """Stopped before, as or after it starts serving: no error in any thread, no
    thread left behind, the port given back."""
    store = WorkshopStore(tmp_path / "workshop.sqlite3")
    never_served = RoomServer(("127.0.0.1", quiet_port()), store)
    never_served.stop()
    assert never_served.socket.fileno() == -1
    for _ in range(8):
        server, thread = serve(store)
        server.stop()
        thread.join(timeout=10)
        assert not thread.is_alive() and server.socket.fileno() == -1


def test_the_address_given_to_phones(monkeypatch) -> None:
    monkeypatch.delenv("SEEDSCOPE_ROOM_URL", raising=False)
    monkeypatch.setenv("SEEDSCOPE_ROOM_PORT", "8610")
    assert public_url().endswith(":8610")
    monkeypatch.setenv("SEEDSCOPE_ROOM_URL", "http://laptop.local:9000/")
    assert public_url() == "http://laptop.local:9000"
    for url in (
        "http://127.0.0.1:8502",
        "http://localhost:8502",
        "http://0.0.0.0:1",
        "http://[::1]:2",
    ):
        assert is_loopback(url), url
    for url in ("http://192.168.1.20:8502", "http://laptop.local:8502"):
        assert not is_loopback(url), url
    assert valid_url("http://192.168.1.20:8502") and not valid_url("javascript:alert(1)")
    assert not valid_url("ftp://host/") and not valid_url("http://host/?x=1")
