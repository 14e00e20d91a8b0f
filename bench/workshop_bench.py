"""A room of 100 phones on the real room server: follow, rate, wait, and count every vote.

``python -m bench workshop [--phones 100] [--browsers 3] [--slides 8]``

The room server runs as ``make run`` starts it (its own process, on the
workshop database); the presenter moves slides through the store, as the
dashboard's presenter page does from its own process. The phones are:

* ``--browsers`` real Chromium contexts (Debian's chromium, headless) running
  the real participant page: its EventSource stream and its fetch() POSTs;
  the bench taps the buttons and reads when the page drew each slide and
  confirmed each rating (``window.__room.log``);
* the rest are light clients, one asyncio task each, speaking the same HTTP
  protocol as the page: ``GET /`` for the device cookie, the
  ``/api/events`` server-sent event stream, ``POST /api/rate`` with JSON on a
  keep-alive connection. Each taps after a random 0.2–3 s, a third of them
  change their mind once; a failed POST is retried as a person would.

Measured: how long after the presenter's Next each phone shows the new slide;
how long a rating takes to be confirmed on the phone; whether the store holds
exactly the last rating each phone had confirmed (no vote lost or
duplicated); the server's CPU while the 100 phones wait on a slide (the issue:
under half a core), and its peak memory.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from bench.common import ROOT, report, verdict
from bench.server import free_port, launch_chromium
from seedscope.workshop import SlideText, WorkshopStore

FOLLOW_TARGET_S = 1.0
CONFIRM_TARGET_S = 1.0
IDLE_CPU_TARGET = 0.5  # of one core
MEMORY_TARGET_MB = 500
IDLE_SECONDS = 20.0
TEXT = (
    "Municipal water utilities begin rationing household supply every summer, while "
    "industrial users negotiate exemptions that residents resent."
)


# -- the room server process ----------------------------------------------------------


@dataclass
class RoomProcess:
    process: subprocess.Popen
    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def memory_mb(self, which: str = "VmHWM") -> float:
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith(which + ":"):
                return int(line.split()[1]) / 1024
        raise RuntimeError(f"{which} not found")


def start_room(db: Path, log: Path) -> RoomProcess:
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "seedscope.workshop.room",
        "--address",
        "127.0.0.1",
        "--port",
        str(port),
        "--db",
        str(db),
    ]
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    room = RoomProcess(process, port)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{room.url}/healthz", timeout=0.5):
                return room
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(log.read_text()) from None
            time.sleep(0.05)
    raise RuntimeError("the room server did not start within 30 s")


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


# -- the session ----------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def run(phones: int = 100, browsers: int = 3, slides: int = 8, keep: bool = False) -> dict:
    from playwright.sync_api import sync_playwright

    random.seed(11)
    folder = Path(tempfile.mkdtemp(prefix="seedscope-room-bench-"))
    store = WorkshopStore(folder / "workshop.sqlite3")
    signals = [(f"doc-{i:03d}", i) for i in range(slides)]
    texts = {
        s: SlideText(f"Signal {i + 1}: water", TEXT, TEXT, TEXT, TEXT, 4.0)
        for i, s in enumerate(signals)
    }
    deck = store.create_deck("Benchmark deck", "bench", signals)
    workshop, key = store.start_workshop(deck.id, texts)
    room = start_room(store.path, folder / "room.log")
    light = LightCrowd(phones - browsers, browsers, room.port, workshop.join_code, signals)
    nexts: dict[int, float] = {}
    try:
        with sync_playwright() as playwright:
            real = BrowserPhones(playwright, browsers, 0, f"{room.url}/?w={workshop.join_code}")
            light.start()
            print(f"{phones} phones connected ({browsers} Chromium, {phones - browsers} light)")

            cpu_before, wall_before = room.cpu_seconds(), time.perf_counter()
            time.sleep(IDLE_SECONDS)  # the measurement itself: 100 phones wait on the opening
            idle_cpu = (room.cpu_seconds() - cpu_before) / (time.perf_counter() - wall_before)

            cpu_before, wall_before = room.cpu_seconds(), time.perf_counter()
            for index in range(slides + 1):
                store.set_current(workshop.id, key, index)
                nexts[index] = time.time()
                if index == slides:
                    break
                real.rate(index)
                deadline = time.monotonic() + 30
                while light.pending_ratings() and time.monotonic() < deadline:
                    time.sleep(0.1)
            busy_cpu = (room.cpu_seconds() - cpu_before) / (time.perf_counter() - wall_before)
            time.sleep(1.0)  # the last slide's messages reach the slowest phone
            logs = real.logs()
            real.close()
        peak_mb = room.memory_mb("VmHWM")
    finally:
        light.stop()
        room.process.terminate()
        room.process.wait(timeout=10)

    # -- what the phones saw --------------------------------------------------------
    follow = [
        phone.seen.shown[index] - at
        for phone in light.phones
        for index, at in nexts.items()
        if index in phone.seen.shown
    ]
    missed = sum(index not in p.seen.shown for p in light.phones for index in nexts)
    browser_follow = []
    for log in logs:
        drawn = {}
        for entry in log:
            if entry["kind"] == "state":
                drawn.setdefault(entry["index"], entry["at"] / 1000)
        browser_follow += [drawn[i] - at for i, at in nexts.items() if i in drawn]
        missed += sum(i not in drawn for i in nexts)
    confirms = [c for phone in light.phones for c in phone.seen.confirms]
    browser_confirms = [e["ms"] / 1000 for log in logs for e in log if e["kind"] == "saved"]

    # -- what the store kept --------------------------------------------------------
    expected = {}
    for phone in light.phones:
        for index, values in phone.seen.final.items():
            expected[(phone.seen.number, index)] = values
    for number, finals in real.final.items():
        for index, values in finals.items():
            expected[(number, index)] = values
    stored = store.ratings(workshop.id)
    duplicates = len(stored) - len({(r.participant, r.doc_id, r.position) for r in stored})
    kept: dict[tuple[int, int], tuple[int, int]] = {}
    for rating in stored:  # every phone signs its comment "phone N try A"
        number = int((rating.comment or "phone -1").split()[1])
        kept[(number, signals.index((rating.doc_id, rating.position)))] = (
            rating.impact,
            rating.likelihood,
        )
    lost = sum(1 for k, v in expected.items() if kept.get(k) != v)
    lost += sum(1 for k in kept if k not in expected)  # a rating nobody had confirmed
    failures = sum(phone.seen.failures for phone in light.phones)

    all_follow = follow + browser_follow
    all_confirms = confirms + browser_confirms
    rows = [
        ("phones (Chromium + light clients)", f"{browsers} + {phones - browsers}", "100", "–"),
        ("follow Next, p50", f"{statistics.median(all_follow):.3f} s", "", "–"),
        (
            "follow Next, p95 (all phones)",
            f"{percentile(all_follow, 0.95):.3f} s",
            f"< {FOLLOW_TARGET_S:g} s",
            verdict(percentile(all_follow, 0.95) < FOLLOW_TARGET_S),
        ),
        (
            "follow Next, p95 (Chromium pages)",
            f"{percentile(browser_follow, 0.95):.3f} s",
            f"< {FOLLOW_TARGET_S:g} s",
            verdict(percentile(browser_follow, 0.95) < FOLLOW_TARGET_S),
        ),
        ("slide changes never shown", str(missed), "0", verdict(missed == 0)),
        ("rating confirmed, p50", f"{statistics.median(all_confirms):.3f} s", "", "–"),
        (
            "rating confirmed, p95",
            f"{percentile(all_confirms, 0.95):.3f} s",
            f"< {CONFIRM_TARGET_S:g} s",
            verdict(percentile(all_confirms, 0.95) < CONFIRM_TARGET_S),
        ),
        (
            "ratings confirmed / stored",
            f"{len(expected)} / {len(stored)}",
            "equal",
            verdict(len(expected) == len(stored)),
        ),
        ("ratings lost or wrong", str(lost), "0", verdict(lost == 0)),
        ("ratings duplicated", str(duplicates), "0", verdict(duplicates == 0)),
        ("POSTs retried after an error", str(failures), "", "–"),
        (
            f"server CPU, {phones} phones waiting",
            f"{idle_cpu * 100:.1f} % of a core",
            f"< {IDLE_CPU_TARGET * 100:.0f} %",
            verdict(idle_cpu < IDLE_CPU_TARGET),
        ),
        ("server CPU, while the room votes", f"{busy_cpu * 100:.1f} % of a core", "", "–"),
        (
            "server peak memory (VmHWM)",
            f"{peak_mb:.0f} MB",
            f"< {MEMORY_TARGET_MB} MB",
            verdict(peak_mb < MEMORY_TARGET_MB),
        ),
    ]
    data = {
        "phones": phones,
        "browsers": browsers,
        "slides": slides,
        "follow_s": all_follow,
        "browser_follow_s": browser_follow,
        "confirm_s": all_confirms,
        "ratings_expected": len(expected),
        "ratings_stored": len(stored),
        "lost": lost,
        "duplicates": duplicates,
        "idle_cpu_share": idle_cpu,
        "busy_cpu_share": busy_cpu,
        "peak_memory_mb": peak_mb,
    }
    report("workshop", rows, data)
    if not keep:
        import shutil

        shutil.rmtree(folder, ignore_errors=True)
    return data


if __name__ == "__main__":
    run()
