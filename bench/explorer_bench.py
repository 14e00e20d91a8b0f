"""Explorer speed and memory on a 10,000-document corpus, as ratios from one run.

* server-side rerun after a filter change, per page, measured with AppTest:
  median under 250 ms, and within 3x of the same page on the bundled
  one-document corpus;
* full-text search over the 10,000 documents, server-side (FTS5 match, BM25
  and the mapping onto the explorer's rows, for a fresh query each time):
  median and slowest of a set of analyst queries under 100 ms; building the
  search index from nothing, and bringing it up to date after one edited file,
  reported alongside;
* a fresh page load in Debian's chromium: time until the Overview heatmap
  has drawn, within 1.3x of a bare one-chart Streamlit app served in the
  same run, on the generated corpus and on the real digests of ../shared
  (the three servers run at once and their loads take turns);
* server memory (RSS) with that corpus under 700 MB.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from bench.browser_timing import BARE_APP, BARE_SELECTOR, interleaved_times
from bench.common import ROOT, generated_corpus, report, shared_dir, verdict
from loaders import build_cache, read_cache
from tests.support.server import start_server

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
#: What analysts type: common and rare words, a phrase, OR, an exclusion, a prefix.
QUERIES = [
    "energy",
    "ai",
    "climate change",
    '"energy storage"',
    "solar OR wind",
    "regulation -europe",
    "automat*",
    "économie",
    "quantum computing",
    "privacy data",
]
CHART = ".st-key-overview_heatmap"


def _apply(app, key: str, value: object) -> None:
    if key == "f_theme":
        app.multiselect(key=key).set_value(value)  # values are theme ids
    elif key == "f_min_relevancy":
        app.slider(key=key).set_value(value)
    else:
        app.text_input(key=key).set_value(value)


def rerun_times(seeds: Path, cache: Path, page: str, rounds: int = 2) -> list[float]:
    """Seconds per script rerun after a filter change, on one page."""
    from streamlit.testing.v1 import AppTest

    from seedscope.filters import FilterState, SignalRef

    os.environ["SEEDSCOPE_SEEDS"] = str(seeds)
    os.environ["SEEDSCOPE_CACHE"] = str(cache)
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=300)
    app.run()
    # the search index catches up in the background when a corpus opens: let it finish
    # (measured on its own below) so it does not run under the reruns timed here
    app.session_state["_run_context"].explorer.prepare_search()
    app.switch_page(f"pages/explore/{page}.py").run()
    if page == "signals":  # with a signal open, as an analyst would have it
        first = app.session_state["_run_context"].view.signals.iloc[0]
        ref = SignalRef(str(first["doc_id"]), int(first["position"]))
        app.session_state["_filters"] = FilterState(signal=ref)
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


def search_times(cache: Path, seeds: Path) -> dict[str, object]:
    """Index build (from nothing, then after one edited file) and query times."""
    from seedscope.explore import Explorer
    from seedscope.filters import FilterState
    from seedscope.search import SearchIndex, index_path

    index_file = index_path(cache)
    if index_file is not None:
        for stale in index_file.parent.glob(index_file.name + "*"):
            stale.unlink()
    corpus = read_cache(cache)
    explorer = Explorer(corpus, search_index=SearchIndex(index_path(cache)))
    started = time.perf_counter()
    built = explorer.prepare_search()
    build_s = time.perf_counter() - started

    queries: dict[str, float] = {}
    for query in QUERIES:  # median of three uncached answers per query
        times = []
        for _ in range(3):
            started = time.perf_counter()
            hits = explorer._search(query)
            times.append(time.perf_counter() - started)
            assert hits is not None
        queries[query] = statistics.median(times)
    started = time.perf_counter()
    explorer.view(FilterState(q="energy storage OR batteries"))  # the whole view, once
    view_s = time.perf_counter() - started

    # one seed file edited: the next generation's index catches up with that one only
    edited = sorted(seeds.glob("*.md"))[0]
    original = edited.read_bytes()
    try:
        edited.write_bytes(original + b"\n\nEdited for the benchmark.\n")
        build_cache(seeds, cache)
        later = Explorer(read_cache(cache), search_index=SearchIndex(index_path(cache)))
        started = time.perf_counter()
        synced = later.prepare_search()
        sync_s = time.perf_counter() - started
    finally:
        edited.write_bytes(original)
        build_cache(seeds, cache)
    return {
        "build_s": build_s,
        "build_indexed": built.indexed if built else None,
        "queries_s": queries,
        "view_with_search_s": view_s,
        "sync_after_one_edit_s": sync_s,
        "sync_indexed": synced.indexed if synced else None,
        "index_mb": index_file.stat().st_size / 1e6 if index_file else None,
    }


def visit(base: str, paths: list[str]) -> None:
    """Open each page in chromium and wait until its script run has finished."""
    from playwright.sync_api import sync_playwright

    from tests.support.server import launch_chromium

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

    search = search_times(cache, seeds)

    # The three servers run at once and their loads take turns (see interleaved_times).
    real = shared_dir() / "corpus"
    with contextlib.ExitStack() as servers:
        server = servers.enter_context(
            start_server(
                ROOT / "dashboard.py",
                seeds=seeds,
                cache=cache,
                data=work / "data",
                log_path=work / "server.log",
                timeout=600,
            )
        )
        real_server = servers.enter_context(
            start_server(
                ROOT / "dashboard.py",
                seeds=real,
                cache=work / "cache-real",
                data=work / "data-real",
                log_path=work / "server-real.log",
                timeout=600,
            )
        )
        bare_server = servers.enter_context(
            start_server(
                BARE_APP,
                seeds=None,
                cache=work / "bare-cache",
                data=work / "bare-data",
                log_path=work / "bare.log",
            )
        )
        loads = interleaved_times(
            {
                "generated": (server.url + "/", CHART),
                "real": (real_server.url + "/", CHART),
                "bare": (bare_server.url, BARE_SELECTOR),
            },
            # 6 rounds: each server is first, second and third twice. 2 warm-up
            # rounds: a server's first run also builds its search index in the
            # background (3.7-4.3 s for 10,000 documents), which must not overlap
            # the other servers' timed loads.
            runs=6,
            warmup=2,
        )
        visit(server.url, [f"/{page}" for page in PAGES])  # so the RSS covers every page
        rss, peak = server_rss_mb(server.process.pid)
    app_times, real_times, bare_times = loads["generated"], loads["real"], loads["bare"]
    bare_load = statistics.median(bare_times)
    app_ratio = statistics.median(app_times) / bare_load
    real_ratio = statistics.median(real_times) / bare_load

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
    query_ms = [seconds * 1000 for seconds in search["queries_s"].values()]  # type: ignore[union-attr]
    rows += [
        (
            f"search over {docs:,} documents, {len(query_ms)} queries: median / slowest",
            f"{statistics.median(query_ms):.0f} / {max(query_ms):.0f} ms",
            "<100 ms",
            verdict(max(query_ms) < 100),
        ),
        (
            "search index from nothing",
            f"{search['build_s']:.1f} s",
            "",
            "for reference",
        ),
        (
            "search index after one edited file",
            f"{search['sync_after_one_edit_s'] * 1000:.0f} ms",
            "",
            "for reference",
        ),
        (
            f"fresh load to Overview heatmap vs bare chart ({docs:,} generated)",
            f"{app_ratio:.2f}x",
            "<= 1.3x",
            verdict(app_ratio <= 1.3),
        ),
        (
            f"fresh load to Overview heatmap vs bare chart ({len(list(real.glob('*.md')))} real)",
            f"{real_ratio:.2f}x",
            "<= 1.3x",
            verdict(real_ratio <= 1.3),
        ),
        ("server RSS with the corpus (peak)", f"{peak:,.0f} MB", "< 700 MB", verdict(peak < 700)),
    ]
    data = {
        "documents": docs,
        "reruns": reruns,
        "search": search,
        "app_load_s": app_times,
        "real_load_s": real_times,
        "bare_load_s": bare_times,
        "server_rss_mb": rss,
        "server_peak_rss_mb": peak,
    }
    report("explorer", rows, data)
    if not keep:
        shutil.rmtree(work, ignore_errors=True)
    return data
