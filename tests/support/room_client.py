"""A phone speaking the room server's protocol, without a browser: for protocol tests.

``Phone(base_url)`` keeps its cookie like a browser does: ``open_page()`` gets
one, ``events(code)`` opens the server-sent event stream, ``rate(...)`` posts a
rating. Only the standard library, so the tests show the wire format itself.
"""

from __future__ import annotations

import http.client
import json
import socket
import urllib.parse
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Phone:
    base_url: str
    cookie: str | None = None
    streams: list[EventStream] = field(default_factory=list)

    @property
    def _host(self) -> tuple[str, int]:
        parts = urllib.parse.urlsplit(self.base_url)
        return parts.hostname or "127.0.0.1", parts.port or 80

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        conn = http.client.HTTPConnection(*self._host, timeout=10)
        try:
            sent = dict(headers or {})
            if self.cookie:
                sent.setdefault("Cookie", self.cookie)
            conn.request(method, path, body=body, headers=sent)
            response = conn.getresponse()
            result = Response(response.status, response.headers, response.read())
        finally:
            conn.close()
        for header in result.headers.get_all("Set-Cookie") or []:
            self.cookie = header.split(";", 1)[0]
        return result

    def open_page(self, code: str = "") -> Response:
        return self.request("GET", f"/?w={urllib.parse.quote(code)}" if code else "/")

    def rate(
        self,
        workshop: str,
        signal: tuple[str, int],
        impact: object,
        likelihood: object,
        comment: str | None = None,
        **extra: Any,
    ) -> Response:
        payload = {
            "workshop": workshop,
            "doc_id": signal[0],
            "position": signal[1],
            "impact": impact,
            "likelihood": likelihood,
            "comment": comment,
            **extra,
        }
        return self.request(
            "POST",
            "/api/rate",
            json.dumps(payload).encode(),
            {"Content-Type": "application/json"},
        )

    def events(self, code: str, timeout: float = 10.0) -> EventStream:
        stream = EventStream(
            self._host, f"/api/events?w={urllib.parse.quote(code)}", self.cookie, timeout
        )
        self.streams.append(stream)
        return stream

    def close(self) -> None:
        for stream in self.streams:
            stream.close()


class EventStream:
    """One ``text/event-stream`` response, read event by event."""

    def __init__(self, host: tuple[str, int], path: str, cookie: str | None, timeout: float):
        self.sock = socket.create_connection(host, timeout=timeout)
        lines = [f"GET {path} HTTP/1.1", f"Host: {host[0]}:{host[1]}", "Accept: text/event-stream"]
        if cookie:
            lines.append(f"Cookie: {cookie}")
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        self.file = self.sock.makefile("rb")
        status_line = self.file.readline().decode()
        self.status = int(status_line.split()[1])
        self.headers: dict[str, str] = {}
        while (line := self.file.readline().decode().strip()) != "":
            name, _, value = line.partition(":")
            self.headers[name.strip().lower()] = value.strip()

    def next(self) -> tuple[str, Any]:
        """The next event as ``(kind, data)``; comments and ``retry`` lines are skipped.

        Raises ``TimeoutError`` (the socket's timeout) when nothing arrives in time.
        """
        kind, data = "message", []
        while True:
            raw = self.file.readline()
            if not raw:
                raise ConnectionError("the server closed the stream")
            line = raw.decode().rstrip("\n")
            if line == "":
                if data:
                    return kind, json.loads("\n".join(data))
                kind = "message"
                continue
            if line.startswith(":") or line.startswith("retry:"):
                continue
            name, _, value = line.partition(":")
            if name == "event":
                kind = value.strip()
            elif name == "data":
                data.append(value[1:] if value.startswith(" ") else value)

    def next_of(self, kind: str, until=lambda data: True) -> Any:
        """Skip events until one of ``kind`` whose data satisfies ``until``."""
        while True:
            got, data = self.next()
            if got == kind and until(data):
                return data

    def close(self) -> None:
        try:
            self.file.close()
        finally:
            self.sock.close()
