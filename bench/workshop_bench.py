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

import os
import random
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench.common import report, verdict
from bench.room_phones import BrowserPhones, LightCrowd
from seedscope.workshop import SlideText, WorkshopStore
from tests.support.server import free_port, start_room_server

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
    return RoomProcess(start_room_server(db, port, log), port)


# -- the session ----------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def run(
    docs: int = 0, keep: bool = False, *, phones: int = 100, browsers: int = 3, slides: int = 8
) -> dict:
    """The room with ``phones`` phones (``docs`` is not used: the room needs no corpus)."""
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
        (
            "phones (Chromium + light clients)",
            f"{browsers} + {phones - browsers}",
            "100",
            verdict(phones >= 100),
        ),
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
