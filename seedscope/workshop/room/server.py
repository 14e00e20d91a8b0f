"""The room server: the participants' page and its three API routes, nothing else.

Phones never reach the dashboard. This server, on a port of its own, serves

* ``GET /`` (also ``/participate``): the participant page, plain HTML, which
  gives a browser its device cookie;
* ``GET /static/participant.{js,css}``: that page's script and styles;
* ``GET /api/events?w=CODE``: a server-sent event stream of the room's state;
* ``POST /api/rate``: one rating, as JSON; the answer confirms it is stored;
* ``GET /healthz``: for the dashboard to check the room server is up.

Any other path is 404 and any other method 405: there is no route that reads
or changes decks, workshops, other people's ratings, uploads or the corpus.

The device cookie (``HttpOnly``, ``SameSite=Lax``) holds a random token the
page's script cannot read; ratings are stored under its hash. One browser is
one voice per signal, across tabs and re-scanned QR codes.

Built on the standard library's ``ThreadingHTTPServer``: a thread per
connection is cheap at a room's scale (a few hundred), and a phone waiting
for the next slide costs nothing but its idle thread (see :mod:`.hub`).
"""

from __future__ import annotations

import hashlib
import http.cookies
import json
import logging
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import Any

from .. import validate
from ..models import RatingRefused, StoreError
from ..store import WorkshopStore
from .hub import Hub
from .state import dumps, mine_json, rating_json

LOG = logging.getLogger(__name__)

COOKIE = "seedscope_device"
COOKIE_MAX_AGE_S = 30 * 24 * 3600
#: A rating is a few hundred bytes; anything much larger is not one.
MAX_BODY_BYTES = 8 * 1024
#: A comment line keeps an idle stream alive through phones' and routers' timeouts.
HEARTBEAT_S = 15.0
#: Idle keep-alive connections are dropped after this, so threads do not pile up.
SOCKET_TIMEOUT_S = 60.0

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
        "img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Resource-Policy": "same-origin",
}
PAGES = ("/", "/participate")
GET_ROUTES = (*PAGES, "/api/events", "/healthz")
POST_ROUTES = ("/api/rate",)


def store_tag(path: Path) -> str:
    """Names a database without telling where it is: the dashboard checks it serves the same."""
    return hashlib.sha256(str(Path(path).resolve()).encode()).hexdigest()[:16]


def _assets() -> dict[str, tuple[bytes, str]]:
    """The page and its two files, read once; only these names are ever served."""
    folder = resources.files(__package__) / "static"
    page = (folder / "participant.html").read_text(encoding="utf-8")
    page = page.replace("__MAX_COMMENT__", str(validate.MAX_COMMENT_LENGTH))
    return {
        "page": (page.encode(), "text/html; charset=utf-8"),
        "/static/participant.js": (
            (folder / "participant.js").read_bytes(),
            "text/javascript; charset=utf-8",
        ),
        "/static/participant.css": ((folder / "participant.css").read_bytes(), "text/css"),
    }


class RoomServer(ThreadingHTTPServer):
    """A ``ThreadingHTTPServer`` that knows the store and the hub."""

    daemon_threads = True
    allow_reuse_address = True
    #: A room of phones connects at once after a restart: never drop SYNs.
    request_queue_size = 1024

    def __init__(self, address: tuple[str, int], store: WorkshopStore) -> None:
        super().__init__(address, RoomHandler)
        self.store = store
        self.hub = Hub(store)
        self.assets = _assets()
        self.store_tag = store_tag(store.path)
        self._lifecycle = threading.Lock()
        self._serving = False
        self._closed = threading.Event()

    @property
    def port(self) -> int:
        return self.server_address[1]

    def serve(self) -> None:
        """Watch the store and answer requests until :meth:`stop` (or an exception)."""
        with self._lifecycle:
            if self._closed.is_set():  # stopped before it started
                return
            try:
                self.hub.start()
            except BaseException:
                self.server_close()
                self._closed.set()
                raise
            # from here serve_forever() runs, so stop()'s shutdown() returns
            self._serving = True
        try:
            self.serve_forever(poll_interval=0.1)
        finally:
            self.hub.stop()
            self.server_close()
            self._closed.set()

    def stop(self) -> None:
        """Stop from another thread; on return the port is free again.

        Once serving has begun, only the serving thread closes the socket, and
        this waits for it: were both to close it, the second close returns at
        once while the first may still be in the kernel, and a restart on the
        same port then finds the old listener there (``EADDRINUSE``, seen
        under load). Before serving began, this closes it and serving never
        starts.
        """
        self.hub.stop()
        with self._lifecycle:
            serving = self._serving
            if not serving:
                self.server_close()
                self._closed.set()
        if serving:
            self.shutdown()
            self._closed.wait()


class RoomHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "SeedscopeRoom"
    sys_version = ""
    timeout = SOCKET_TIMEOUT_S
    server: RoomServer

    def version_string(self) -> str:
        return self.server_version

    # -- routing --------------------------------------------------------------------

    def do_GET(self) -> None:
        path, query = self._target()
        if path in PAGES:
            self._page()
        elif path in self.server.assets and path.startswith("/static/"):
            body, kind = self.server.assets[path]
            self._send(200, body, kind, cache="public, max-age=300")
        elif path == "/api/events":
            self._events(query)
        elif path == "/healthz":
            self._json(200, {"ok": True, "store": self.server.store_tag})
        elif path in POST_ROUTES:
            self._not_allowed("POST")
        else:
            self._json(404, {"error": "Not found."})

    def do_POST(self) -> None:
        path, _query = self._target()
        if path == "/api/rate":
            self._rate()
        elif path in GET_ROUTES:
            self._not_allowed("GET")
        else:
            self._json(404, {"error": "Not found."})

    def _refuse_method(self) -> None:
        path, _query = self._target()
        if path in GET_ROUTES:
            self._not_allowed("GET")
        elif path in POST_ROUTES:
            self._not_allowed("POST")
        else:
            self._json(404, {"error": "Not found."})

    do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = do_TRACE = _refuse_method

    def _target(self) -> tuple[str, dict[str, list[str]]]:
        parts = urllib.parse.urlsplit(self.path)
        return parts.path, urllib.parse.parse_qs(parts.query)

    # -- the device -----------------------------------------------------------------

    def _token(self) -> str | None:
        try:
            jar = http.cookies.SimpleCookie(self.headers.get("Cookie", ""))
        except http.cookies.CookieError:
            return None
        morsel = jar.get(COOKIE)
        if morsel is None or not validate.DEVICE_TOKEN_PATTERN.fullmatch(morsel.value):
            return None
        return morsel.value

    def _device(self) -> str | None:
        token = self._token()
        return None if token is None else validate.device_id(token)

    # -- handlers -------------------------------------------------------------------

    def _page(self) -> None:
        body, kind = self.server.assets["page"]
        headers = {}
        if self._token() is None:
            cookie = http.cookies.SimpleCookie()
            cookie[COOKIE] = validate.new_device_token()
            morsel = cookie[COOKIE]
            morsel["path"] = "/"
            morsel["max-age"] = COOKIE_MAX_AGE_S
            morsel["httponly"] = True
            morsel["samesite"] = "Lax"
            headers["Set-Cookie"] = morsel.OutputString()
        self._send(200, body, kind, extra=headers)

    def _events(self, query: dict[str, list[str]]) -> None:
        device = self._device()
        if device is None:
            self._json(403, {"error": _NO_COOKIE})
            return
        workshop = self.server.store.find_for_room((query.get("w") or [""])[0])
        self.send_response(200)
        self._headers("text/event-stream; charset=utf-8", cache="no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        if workshop is None:
            self._event("missing", "{}")
            return
        hub = self.server.hub
        mailbox = hub.subscribe(workshop.id, device)
        try:
            if workshop.is_open:
                self.server.store.join(workshop.id, device)
            mine = self.server.store.ratings_by(workshop.id, device)
            self.wfile.write(b"retry: 2000\n\n")
            self._event("mine", dumps(mine_json(mine)))
            while not mailbox.closed:
                messages = mailbox.take(HEARTBEAT_S)
                if not messages:
                    self.wfile.write(b": still here\n\n")
                    self.wfile.flush()
                for kind, data in messages:
                    self._event(kind, data)
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            pass  # the phone went away: its mailbox goes too
        except (StoreError, RatingRefused) as exc:
            LOG.warning("room stream for %s ended: %s", workshop.id, exc)
        finally:
            hub.unsubscribe(mailbox)

    def _event(self, kind: str, data: str) -> None:
        self.wfile.write(f"event: {kind}\ndata: {data}\n\n".encode())
        self.wfile.flush()

    def _rate(self) -> None:
        body = self._json_body()
        if body is None:
            return
        device = self._device()
        if device is None:
            self._json(403, {"error": _NO_COOKIE})
            return
        workshop_id = body.get("workshop")
        try:
            rating = self.server.store.rate(
                workshop_id,
                device,
                body.get("doc_id"),
                body.get("position"),
                body.get("impact"),
                body.get("likelihood"),
                body.get("comment"),
            )
        except RatingRefused as exc:
            self._json(409, {"error": str(exc)})
            return
        except StoreError:
            LOG.exception("a rating could not be stored")
            self._json(503, {"error": "The room is busy and your rating was not saved; try again."})
            return
        self._json(200, {"rating": rating_json(rating)})
        # the same phone's other tabs show it too
        hub = self.server.hub
        hub.tell_device(
            rating.workshop_id,
            device,
            "mine",
            lambda: dumps(mine_json(self.server.store.ratings_by(rating.workshop_id, device))),
        )

    def _json_body(self) -> dict[str, Any] | None:
        kind = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if kind != "application/json":
            self._json(415, {"error": "Send the rating as JSON."})
            return None
        origin = self.headers.get("Origin")
        host = self.headers.get("Host", "")
        if origin is not None and urllib.parse.urlsplit(origin).netloc != host:
            self._json(403, {"error": "Ratings are only accepted from the room's own page."})
            return None
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            self._json(411, {"error": "A rating needs its length."})
            return None
        if not 0 < length <= MAX_BODY_BYTES:
            self.close_connection = True
            self._json(413, {"error": "That is too large to be a rating."})
            return None
        try:
            body = json.loads(self.rfile.read(length))
        except (ValueError, UnicodeDecodeError):
            self._json(400, {"error": "That is not a rating."})
            return None
        if not isinstance(body, dict):
            self._json(400, {"error": "That is not a rating."})
            return None
        return body

    # -- responses ------------------------------------------------------------------

    def _headers(self, kind: str, *, cache: str) -> None:
        self.send_header("Content-Type", kind)
        self.send_header("Cache-Control", cache)
        for name, value in SECURITY_HEADERS.items():
            self.send_header(name, value)

    def _send(
        self,
        status: int,
        body: bytes,
        kind: str,
        *,
        cache: str = "no-store",
        extra: dict[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        self._headers(kind, cache=cache)
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: int, value: dict[str, Any]) -> None:
        self._send(status, json.dumps(value).encode(), "application/json")

    def _not_allowed(self, allowed: str) -> None:
        self._send(
            405,
            json.dumps({"error": f"Only {allowed} is allowed here."}).encode(),
            "application/json",
            extra={"Allow": allowed},
        )

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: a hundred phones would flood the terminal. Errors still go to the log."""
        LOG.debug("%s " + format, self.address_string(), *args)

    def log_error(self, format: str, *args: object) -> None:
        LOG.info("%s " + format, self.address_string(), *args)


_NO_COOKIE = (
    "This browser did not keep the room's cookie, which gives each phone one voice. "
    "Allow cookies for this page (or leave private browsing) and reload."
)
