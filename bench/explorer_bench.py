"""Explorer speed and memory on a 10,000-document corpus, as ratios from one run.

* server-side rerun after a filter change, per page, measured with AppTest:
  median under 250 ms, and within 3x of the same page on the bundled
  one-document corpus;
* a fresh page load in Debian's chromium: time until the Overview heatmap
  has drawn, within 1.3x of a bare one-chart Streamlit app;
* server memory (RSS) with that corpus under 700 MB.
"""

from __future__ import annotations

import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from bench.browser_timing import BARE_APP, BARE_SELECTOR, time_to_chart
from bench.common import ROOT, generated_corpus, report, verdict
from bench.server import start_server
from loaders import build_cache

PAGES = ["overview", "heatmaps", "signals", "documents", "health"]
#: Filter changes cycled through on every page (theme, then relevancy, then text).
CHANGES = [
    ("f_theme", ["technology"]),
    ("f_theme", []),
    ("f_min_relevancy", 4.0),
    ("f_min_relevancy", 1.0),
    ("f_q", "energy"),
    ("f_q", ""),
]


def _apply(app, key: str, value: object) -> None:
    if key == "f_theme":
        widget = app.multiselect(key=key)
        wanted = [option for option in widget.options if option.split(" (")[0] in value]
        widget.set_value([o.split(" (")[0] for o in wanted])
    elif key == "f_min_relevancy":
        app.slider(key=key).set_value(value)
    else:
        app.text_input(key=key).set_value(value)


def rerun_times(seeds: Path, cache: Path, page: str, rounds: int = 2) -> list[float]:
    """Seconds per script rerun after a filter change, on one page."""
    from streamlit.testing.v1 import AppTest

    os.environ["SEEDSCOPE_SEEDS"] = str(seeds)
    os.environ["SEEDSCOPE_CACHE"] = str(cache)
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=300)
    app.run()
    app.switch_page(f"pages/explore/{page}.py").run()
    if page == "signals":  # with a signal open, as an analyst would have it
        first = app.session_state["_run_context"].view.signals.iloc[0]
        app.session_state["open_signal"] = f"{first['doc_id']}:{first['position']}"
        app.run()
    times = []
    for _ in range(rounds):
        for key, value in CHANGES:
            _apply(app, key, value)
            started = time.perf_counter()
            app.run()
            times.append(time.perf_counter() - started)
            assert not app.exception, [e.value for e in app.exception]
            assert not app.error, [e.value for e in app.error]
    return times


def visit(base: str, paths: list[str]) -> None:
    """Open each page in chromium and wait until its script run has finished."""
    from playwright.sync_api import sync_playwright

    from bench.server import launch_chromium

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        for path in paths:
            page.goto(base + path)
            page.wait_for_selector(
                '[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=120_000
            )
        browser.close()


def server_rss_mb(pid: int) -> tuple[float, float]:
    """(current RSS, peak RSS) of a process in MB, from /proc."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, rest = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            values[name] = int(rest.split()[0]) / 1024
    return values.get("VmRSS", 0.0), values.get("VmHWM", 0.0)


def run(docs: int = 10_000, keep: bool = False) -> dict:
    work = Path(
        os.environ.get("SEEDSCOPE_BENCH_DIR") or tempfile.mkdtemp(prefix="seedscope-bench-")
    )
    seeds = generated_corpus(work / f"corpus-{docs}", docs)
    cache = work / "cache"
    build_cache(seeds, cache)
    small_cache = work / "cache-bundled"
    bundled = ROOT / "seeds"
    build_cache(bundled, small_cache)

    reruns: dict[str, dict[str, float]] = {}
    for page in PAGES:
        big = statistics.median(rerun_times(seeds, cache, page))
        small = statistics.median(rerun_times(bundled, small_cache, page))
        reruns[page] = {"big_ms": big * 1000, "small_ms": small * 1000, "ratio": big / small}

    data_dir = work / "data"
    with start_server(
        ROOT / "dashboard.py", seeds=seeds, cache=cache, data=data_dir, log_path=work / "server.log"
    ) as server:
        app_times = time_to_chart(
            server.url + "/", chart_selector=".st-key-overview_heatmap", runs=5, warmup=1
        )
        visit(server.url, [f"/{page}" for page in PAGES])  # so the RSS covers every page
        rss, peak = server_rss_mb(server.process.pid)
    with start_server(
        BARE_APP,
        seeds=None,
        cache=work / "bare-cache",
        data=work / "bare-data",
        log_path=work / "bare.log",
    ) as bare_server:
        bare_times = time_to_chart(bare_server.url, chart_selector=BARE_SELECTOR, runs=5, warmup=1)
    app_load, bare_load = statistics.median(app_times), statistics.median(bare_times)

    rows = []
    for page, figures in reruns.items():
        ok = figures["big_ms"] < 250 and figures["ratio"] <= 3
        rows.append(
            (
                f"rerun after a filter change: {page}",
                f"{figures['big_ms']:.0f} ms, {figures['ratio']:.1f}x",
                "<250 ms, <=3x",
                verdict(ok),
            )
        )
    rows += [
        (
            "fresh load to Overview heatmap vs bare chart",
            f"{app_load / bare_load:.2f}x",
            "<= 1.3x",
            verdict(app_load / bare_load <= 1.3),
        ),
        ("server RSS with the corpus (peak)", f"{peak:,.0f} MB", "< 700 MB", verdict(peak < 700)),
    ]
    data = {
        "documents": docs,
        "reruns": reruns,
        "app_load_s": app_times,
        "bare_load_s": bare_times,
        "server_rss_mb": rss,
        "server_peak_rss_mb": peak,
    }
    report("explorer", rows, data)
    if not keep:
        shutil.rmtree(work, ignore_errors=True)
    return data
