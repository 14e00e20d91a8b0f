"""The phones of the workshop benchmark: light HTTP clients and real Chromium pages.

Light phones speak the participant page's protocol over raw HTTP/1.1, one
asyncio task each, on a loop of their own (a thread beside Playwright):
``GET /`` for the device cookie, the ``/api/events`` server-sent event stream,
``POST /api/rate`` with JSON on a keep-alive connection. Browser phones are
Chromium contexts on the real page; the bench taps their buttons and reads
``window.__room.log`` (when each slide was drawn, each rating confirmed).
"""

from __future__ import annotations

import asyncio
import json
import random
import threading
import time
from dataclasses import dataclass, field

from tests.support.server import launch_chromium

# -- light phones ---------------------------------------------------------------------


@dataclass
class Phone:
    """What one phone saw and said."""

    number: int
    shown: dict[int, float] = field(default_factory=dict)  # slide index -> when drawn
    confirms: list[float] = field(default_factory=list)  # seconds per confirmed rating
    final: dict[int, tuple[int, int]] = field(default_factory=dict)  # slide -> last confirmed
    failures: int = 0


def scores(number: int, index: int, attempt: int) -> tuple[int, int]:
    impact, likelihood = (number + index) % 5 + 1, (number * 3 + index) % 5 + 1
    return (6 - impact, likelihood) if attempt == 0 else (impact, likelihood)


async def _request(reader, writer, head: str, body: bytes = b"") -> tuple[int, dict, bytes]:
    writer.write(head.encode() + body)
    await writer.drain()
    status = int((await reader.readline()).split()[1])
    headers = {}
    while (line := (await reader.readline()).decode().strip()) != "":
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    data = await reader.readexactly(int(headers.get("content-length", "0")))
    return status, headers, data


class LightPhone:
    """One phone as the page behaves, over raw HTTP/1.1 (no browser)."""

    def __init__(self, number: int, port: int, code: str, slides: list[tuple[str, int]]):
        self.seen = Phone(number)
        self.port, self.code, self.slides = port, code, slides
        self.cookie = ""
        self.workshop = ""
        self._post: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None
        self.ready = asyncio.Event()
        self.tasks: set[asyncio.Task] = set()

    def _head(self, method: str, path: str, extra: str = "") -> str:
        cookie = f"Cookie: {self.cookie}\r\n" if self.cookie else ""
        return f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\n{cookie}{extra}\r\n"

    async def join(self) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
        _status, headers, _ = await _request(reader, writer, self._head("GET", f"/?w={self.code}"))
        self.cookie = headers["set-cookie"].split(";", 1)[0]
        self._post = (reader, writer)

    async def follow(self) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
        writer.write(self._head("GET", f"/api/events?w={self.code}").encode())
        await writer.drain()
        while (await reader.readline()).strip():  # status line and headers
            pass
        kind = ""
        while line := await reader.readline():
            text = line.decode().rstrip("\n")
            if text.startswith("event:"):
                kind = text[6:].strip()
            elif text.startswith("data:") and kind == "state":
                state = json.loads(text[5:])
                self.workshop = state["workshop"]
                self.ready.set()
                index = state["index"]
                if index not in self.seen.shown:
                    self.seen.shown[index] = time.time()
                    if state["stage"] == "signal":
                        task = asyncio.create_task(self.rate(index))
                        self.tasks.add(task)
                        task.add_done_callback(self.tasks.discard)

    async def rate(self, index: int) -> None:
        attempts = 2 if self.seen.number % 3 == 0 else 1
        for attempt in range(2 - attempts, 2):
            await asyncio.sleep(random.uniform(0.2, 3.0) if attempt else random.uniform(0.2, 1))
            impact, likelihood = scores(self.seen.number, index, attempt)
            doc_id, position = self.slides[index]
            body = json.dumps(
                {
                    "workshop": self.workshop,
                    "doc_id": doc_id,
                    "position": position,
                    "impact": impact,
                    "likelihood": likelihood,
                    "comment": f"phone {self.seen.number} try {attempt}",
                }
            ).encode()
            for _try in range(3):  # a person taps again when it fails
                started = time.perf_counter()
                try:
                    status = await self._send(body)
                except (OSError, asyncio.IncompleteReadError, ValueError):
                    status = 0
                if status == 200:
                    self.seen.confirms.append(time.perf_counter() - started)
                    self.seen.final[index] = (impact, likelihood)
                    break
                self.seen.failures += 1
                self._post = None

    async def _send(self, body: bytes) -> int:
        if self._post is None:
            self._post = await asyncio.open_connection("127.0.0.1", self.port)
        reader, writer = self._post
        head = self._head(
            "POST",
            "/api/rate",
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n",
        )
        status, _headers, _data = await _request(reader, writer, head, body)
        return status


class LightCrowd:
    """The light phones on an asyncio loop of their own (a thread beside Playwright)."""

    def __init__(self, count: int, first: int, port: int, code: str, slides):
        self.loop = asyncio.new_event_loop()
        self.phones = [LightPhone(first + n, port, code, slides) for n in range(count)]
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.followers: list[asyncio.Future] = []

    def start(self) -> None:
        self.thread.start()
        asyncio.run_coroutine_threadsafe(self._join(), self.loop).result(timeout=60)

    async def _join(self) -> None:
        await asyncio.gather(*(phone.join() for phone in self.phones))
        self.followers = [asyncio.ensure_future(phone.follow()) for phone in self.phones]
        await asyncio.wait_for(asyncio.gather(*(p.ready.wait() for p in self.phones)), 30)

    def pending_ratings(self) -> int:
        async def count() -> int:
            return sum(len(phone.tasks) for phone in self.phones)

        return asyncio.run_coroutine_threadsafe(count(), self.loop).result(timeout=10)

    def stop(self) -> None:
        async def hang_up() -> None:
            tasks = [*self.followers, *(t for phone in self.phones for t in phone.tasks)]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            for phone in self.phones:
                if phone._post is not None:
                    phone._post[1].close()

        if self.thread.is_alive():
            asyncio.run_coroutine_threadsafe(hang_up(), self.loop).result(timeout=30)
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(timeout=10)


# -- browser phones -------------------------------------------------------------------


class BrowserPhones:
    """Real Chromium contexts on the real participant page."""

    def __init__(self, playwright, count: int, first: int, url: str) -> None:
        self.browser = launch_chromium(playwright)
        self.pages = []
        self.numbers = list(range(first, first + count))
        for _ in range(count):
            context = self.browser.new_context(viewport={"width": 390, "height": 844})
            page = context.new_page()
            page.goto(url)
            page.wait_for_selector("body[data-stage]", timeout=30_000)
            self.pages.append(page)
        self.final: dict[int, dict[int, tuple[int, int]]] = {n: {} for n in self.numbers}

    def rate(self, index: int) -> None:
        """Each browser phone taps its scores for the slide on screen and sends them."""
        for number, page in zip(self.numbers, self.pages, strict=True):
            page.wait_for_selector(f'body[data-index="{index}"]', timeout=30_000)
            impact, likelihood = scores(number, index, 1)
            card = page.locator("#current article.signal")
            card.locator(f'[data-testid="impact-{impact}"]').click()
            card.locator(f'[data-testid="likelihood-{likelihood}"]').click()
            card.locator("textarea.comment").fill(f"phone {number} try 1")
            card.locator("button.send").click()
            self.final[number][index] = (impact, likelihood)
        for page in self.pages:
            page.wait_for_function(
                "(n) => window.__room.log.filter((e) => e.kind === 'saved').length >= n",
                arg=index + 1,
                timeout=30_000,
            )

    def logs(self) -> list[list[dict]]:
        return [page.evaluate("window.__room.log") for page in self.pages]

    def close(self) -> None:
        self.browser.close()
