"""Time from navigation start until a plotly chart has drawn, in Debian's chromium.

``python -m bench.browser_timing URL SELECTOR [--runs N]`` times a running server;
``python -m bench.browser_timing --bare [--runs N]`` serves ``bench/apps/bare_chart.py``
itself and times its chart: the floor for "time to draw a plotly chart in a fresh page
load". Each run uses a new browser context (empty HTTP cache, new Streamlit session).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from playwright.sync_api import Browser, sync_playwright

from tests.support.server import ROOT, launch_chromium, start_server

BARE_APP = ROOT / "bench" / "apps" / "bare_chart.py"
BARE_SELECTOR = ".st-key-bare_chart"

# A trace counts as drawn once plotly has put one of these inside the chart's SVG:
# a marker/bar (``path.point``) or a heatmap image.
DRAWN = ("path.point", ".heatmaplayer image")
TIMEOUT_MS = 60_000


def _time_once(
    browser: Browser,
    url: str,
    chart_selector: str,
    drawn: Sequence[str] = DRAWN,
    viewport: dict[str, int] | None = None,
) -> float:
    """One fresh-context load of ``url``: seconds until the chart's first trace drew."""
    plot = f"{chart_selector} .js-plotly-plot"
    drawn_selector = ", ".join(f"{plot} .main-svg {item}" for item in drawn)
    context = browser.new_context(viewport=viewport or {"width": 1440, "height": 900})
    try:
        page = context.new_page()
        page.goto(url, wait_until="commit")
        page.wait_for_selector(f"{plot} .main-svg", state="visible", timeout=TIMEOUT_MS)
        page.wait_for_selector(drawn_selector, state="visible", timeout=TIMEOUT_MS)
        return float(page.evaluate("performance.now()")) / 1000
    finally:
        context.close()


def time_to_chart(
    url: str,
    *,
    chart_selector: str,
    runs: int = 5,
    warmup: int = 1,
    drawn: Sequence[str] = DRAWN,
    viewport: dict[str, int] | None = None,
) -> list[float]:
    """Seconds from navigation start until the plotly chart in ``chart_selector`` drew.

    Per run: new context and page, ``goto(url)``, wait (visible) for
    ``{chart_selector} .js-plotly-plot .main-svg`` and then for a drawn trace element,
    then read ``performance.now()`` (milliseconds since the navigation's time origin).
    ``warmup`` extra runs come first and are not returned (the server's first script
    run imports plotly and is not a page-load cost).
    """
    return interleaved_times(
        {"": (url, chart_selector)}, runs=runs, warmup=warmup, drawn=drawn, viewport=viewport
    )[""]


def interleaved_times(
    targets: dict[str, tuple[str, str]],
    *,
    runs: int = 5,
    warmup: int = 1,
    drawn: Sequence[str] = DRAWN,
    viewport: dict[str, int] | None = None,
) -> dict[str, list[float]]:
    """:func:`time_to_chart` for several ``name: (url, chart selector)`` in turns.

    Round after round, each target is loaded once, the order turning by one
    each round. A ratio of two targets' medians then compares loads made
    seconds apart, not minutes apart: this machine's speed drifts by up to 2x
    within minutes, and timing one app after the other moved a ratio from
    1.09x to 1.50x between two runs of the same code.
    """
    names = list(targets)
    times: dict[str, list[float]] = {name: [] for name in names}
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            for index in range(warmup + runs):
                turn = max(index - warmup, 0) % len(names)  # measured rounds take turns evenly
                for name in names[turn:] + names[:turn]:
                    url, selector = targets[name]
                    seconds = _time_once(browser, url, selector, drawn, viewport)
                    if index >= warmup:
                        times[name].append(seconds)
        finally:
            browser.close()
    return times


def time_bare_chart(*, runs: int = 5, warmup: int = 1) -> list[float]:
    """Serve ``bench/apps/bare_chart.py`` on a free port and time its chart."""
    with tempfile.TemporaryDirectory(prefix="seedscope-bare-") as tmp:
        base = Path(tmp)
        with start_server(
            BARE_APP,
            seeds=None,
            cache=base / "cache",
            data=base / "data",
            log_path=base / "streamlit.log",
        ) as server:
            return time_to_chart(server.url, chart_selector=BARE_SELECTOR, runs=runs, warmup=warmup)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.browser_timing", description=__doc__)
    parser.add_argument(
        "url", nargs="?", help="a running Streamlit app, e.g. http://127.0.0.1:8501"
    )
    parser.add_argument("selector", nargs="?", help="CSS selector holding the plotly chart")
    parser.add_argument(
        "--bare", action="store_true", help="serve and time bench/apps/bare_chart.py"
    )
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=1)
    args = parser.parse_args(argv)
    if args.bare:
        times = time_bare_chart(runs=args.runs, warmup=args.warmup)
    elif args.url and args.selector:
        times = time_to_chart(
            args.url, chart_selector=args.selector, runs=args.runs, warmup=args.warmup
        )
    else:
        parser.error("give URL and SELECTOR, or --bare")
    runs = " ".join(f"{t:.3f}" for t in times)
    print(f"time to chart: median {statistics.median(times):.3f} s over {len(times)} runs ({runs})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
