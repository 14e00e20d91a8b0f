"""``python -m loaders SEEDS_DIR [--cache DIR] [--watch]``: build or refresh the cache.

Exit status 0 when the build ran (even if some files had problems: they are
in problems.parquet), 2 for an unusable argument. ``--watch`` keeps the cache
up to date until interrupted, refreshing through a change journal (see
:mod:`loaders.live`) so that other programs reading the Parquet files see
edits within a fraction of a second.
"""

from __future__ import annotations

import argparse
import signal
import sys
import time

from .build import BuildReport, build_cache
from .cache import CacheError, CacheWriteError
from .live import LiveCache
from .locations import SeedsError
from .progress import ProgressBar
from .readers import ENGINES

#: After the first event, wait this long so a burst of events is one refresh.
WATCH_SETTLE = 0.05


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m loaders",
        description="Parse a folder of seed documents into the Parquet cache Seedscope reads.",
    )
    parser.add_argument(
        "seeds", help="folder of seed documents (.md, .markdown, .txt; subfolders too)"
    )
    parser.add_argument(
        "--cache",
        help="cache folder (default: $SEEDSCOPE_CACHE, else a folder under $SEEDSCOPE_DATA)",
    )
    parser.add_argument("--engine", choices=sorted(ENGINES), default="fast", help="parsing engine")
    parser.add_argument(
        "--workers", type=int, default=None, help="parsing processes (default: auto)"
    )
    parser.add_argument("--force", action="store_true", help="rebuild everything from scratch")
    parser.add_argument(
        "--follow-outside-links",
        action="store_true",
        help="also read documents that are symbolic links to files outside the seeds folder",
    )
    parser.add_argument(
        "--watch",
        action="store_true",
        help="keep the cache up to date as files change, until interrupted (Ctrl-C)",
    )
    args = parser.parse_args(argv)
    bar = ProgressBar()
    options = {
        "engine": args.engine,
        "workers": args.workers,
        "follow_outside_links": args.follow_outside_links or None,
    }
    try:
        if args.watch:
            live = LiveCache(args.seeds, args.cache, **options)
            forced = None
            if args.force:
                forced = build_cache(args.seeds, args.cache, progress=bar, force=True, **options)
            report = live.refresh(progress=bar)  # starts the journal, then scans
            report = forced or report
        else:
            report = build_cache(args.seeds, args.cache, progress=bar, force=args.force, **options)
    except (SeedsError, CacheError, CacheWriteError) as exc:
        bar.close()
        print(f"error: {exc}", file=sys.stderr)
        return 2
    bar.close()
    print(describe(report), flush=True)
    if args.watch:
        return watch(live)
    return 0


def describe(report: BuildReport) -> str:
    action = "rebuilt" if report.full_rebuild else ("refreshed" if report.changed else "up to date")
    return (
        f"{report.summary_line()} — cache {action} in {report.seconds:.2f}s "
        f"({report.parsed:,} parsed, {report.reused:,} reused, {report.removed:,} removed) "
        f"at {report.cache_dir}"
    )


def watch(live: LiveCache) -> int:
    """Refresh whenever the journal reports a change; one line per refresh that changed."""
    how = "change journal" if live.watching else "polling every second (no inotify here)"
    print(f"watching {live.seeds} ({how}); Ctrl-C to stop", flush=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        while True:
            if not live.wait(timeout=None if live.watching else 1.0):
                continue
            time.sleep(WATCH_SETTLE)  # an editor's save is a burst of events
            try:
                report = live.refresh()
            except (SeedsError, CacheError, OSError) as exc:  # the folder removed, a full disk
                print(f"error: {exc}; still watching", file=sys.stderr, flush=True)
                continue
            if report.changed:
                print(describe(report), flush=True)
    except KeyboardInterrupt:
        pass
    finally:
        live.close()
        print("stopped watching", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
