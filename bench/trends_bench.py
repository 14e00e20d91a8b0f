"""Trends, coverage and briefings on a 10,000-document corpus, against issue 12's targets.

* the Trends and Coverage pages rerun in under 250 ms (median) after a
  filter change, measured with AppTest like the explorer benchmark;
* ``python -m seedscope brief`` on the 10,000 cached documents finishes in
  under 10 s (a fresh process: imports, cache check and read included);
* the briefing file weighs under 5 MB.

The pure computations are timed too, for reference. Run it with
``python -m bench.trends_bench [--docs N] [--keep]``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import ROOT, generated_corpus, median_seconds, report, verdict
from loaders import build_cache, read_cache

PAGES = ["trends", "coverage"]
#: Filter changes cycled through on every page (theme, relevancy, text), as in explorer_bench.
CHANGES = [
    ("f_theme", ["technology"]),
    ("f_theme", []),
    ("f_min_relevancy", 4.0),
    ("f_min_relevancy", 1.0),
    ("f_q", "energy"),
    ("f_q", ""),
]


def rerun_times(seeds: Path, cache: Path, page: str, rounds: int = 2) -> list[float]:
    """Seconds per script rerun of one page after each filter change."""
    from streamlit.testing.v1 import AppTest

    os.environ["SEEDSCOPE_SEEDS"] = str(seeds)
    os.environ["SEEDSCOPE_CACHE"] = str(cache)
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=300)
    app.run()
    app.switch_page(f"pages/explore/{page}.py").run()
    times = []
    for _ in range(rounds):
        for key, value in CHANGES:
            if key == "f_theme":
                app.multiselect(key=key).set_value(value)
            elif key == "f_min_relevancy":
                app.slider(key=key).set_value(value)
            else:
                app.text_input(key=key).set_value(value)
            started = time.perf_counter()
            app.run()
            times.append(time.perf_counter() - started)
            assert not app.exception, [e.value for e in app.exception]
            assert not app.error, [e.value for e in app.error]
    return times


def compute_times(cache: Path) -> dict[str, float]:
    """Median seconds of the pure computations after a filter change (fresh views)."""
    import datetime as dt

    from seedscope.coverage import compute_coverage
    from seedscope.emerging import emerging_signals, weak_signals
    from seedscope.explore import Explorer
    from seedscope.filters import FilterState
    from seedscope.trends import compute_trends

    explorer = Explorer(read_cache(cache))
    today = dt.date.today()
    compute_trends(explorer, explorer.view(FilterState()), today=today)  # per-corpus caches
    compute_coverage(explorer, explorer.view(FilterState()), today=today)
    states = [FilterState(min_relevancy=r) for r in (2.0, 3.0, 4.0, 4.5, 5.0)]
    views = iter([explorer.view(s) for s in states * 3])

    def trends() -> None:
        view = next(views)
        result = compute_trends(explorer, view, today=today)
        emerging_signals(explorer, view, result.window, today=today)
        weak_signals(explorer, view, result.window, today=today)

    out = {"trends_and_signals_s": median_seconds(trends, 5)}
    out["coverage_s"] = median_seconds(
        lambda: compute_coverage(explorer, next(views), today=today), 5
    )
    return out


def brief_run(seeds: Path, cache: Path, out: Path) -> float:
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "seedscope",
            "brief",
            str(seeds),
            "--cache",
            str(cache),
            "--out",
            str(out),
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - started


def run(docs: int = 10_000, keep: bool = False) -> dict:
    work = Path(
        os.environ.get("SEEDSCOPE_BENCH_DIR") or tempfile.mkdtemp(prefix="seedscope-bench-")
    )
    seeds = generated_corpus(work / f"corpus-{docs}", docs)
    cache = work / "cache"
    build_cache(seeds, cache)

    reruns = {page: statistics.median(rerun_times(seeds, cache, page)) for page in PAGES}
    computed = compute_times(cache)
    out = work / "briefing.html"
    brief_times = [brief_run(seeds, cache, out) for _ in range(3)]
    brief_s = statistics.median(brief_times)
    size_mb = out.stat().st_size / 1e6

    rows = [
        (
            f"rerun after a filter change: {page}",
            f"{seconds * 1000:.0f} ms",
            "< 250 ms",
            verdict(seconds < 0.25),
        )
        for page, seconds in reruns.items()
    ]
    rows += [
        # for reference, no target of their own: part of the reruns above
        (
            "compute: trends + emerging + weak",
            f"{computed['trends_and_signals_s'] * 1000:.0f} ms",
            "",
            "for reference",
        ),
        ("compute: coverage", f"{computed['coverage_s'] * 1000:.0f} ms", "", "for reference"),
        (
            f"python -m seedscope brief, {docs:,} cached docs",
            f"{brief_s:.1f} s",
            "< 10 s",
            verdict(brief_s < 10),
        ),
        ("briefing file size", f"{size_mb:.2f} MB", "< 5 MB", verdict(size_mb < 5)),
    ]
    data = {
        "documents": docs,
        "rerun_ms": {page: s * 1000 for page, s in reruns.items()},
        "compute_s": computed,
        "brief_s": brief_times,
        "briefing_mb": size_mb,
    }
    report("trends", rows, data)
    if not keep:
        shutil.rmtree(work, ignore_errors=True)
    return data


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.trends_bench", description=__doc__)
    parser.add_argument("--docs", type=int, default=10_000, help="size of the generated corpus")
    parser.add_argument("--keep", action="store_true", help="keep the generated corpus and cache")
    args = parser.parse_args(argv)
    run(docs=args.docs, keep=args.keep)
    return 0


if __name__ == "__main__":
    sys.exit(main())
