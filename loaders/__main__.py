"""``python -m loaders SEEDS_DIR [--cache DIR]``: build or refresh the cache.

Exit status 0 when the build ran (even if some files had problems: they are
in problems.parquet), 2 for an unusable argument.
"""

from __future__ import annotations

import argparse
import sys

from .build import build_cache
from .cache import CacheError
from .locations import SeedsError
from .progress import ProgressBar
from .readers import ENGINES


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
    args = parser.parse_args(argv)
    bar = ProgressBar()
    try:
        report = build_cache(
            args.seeds,
            args.cache,
            engine=args.engine,
            workers=args.workers,
            progress=bar,
            force=args.force,
        )
    except (SeedsError, CacheError) as exc:
        bar.close()
        print(f"error: {exc}", file=sys.stderr)
        return 2
    bar.close()
    action = "rebuilt" if report.full_rebuild else ("refreshed" if report.changed else "up to date")
    print(
        f"{report.summary_line()} — cache {action} in {report.seconds:.2f}s "
        f"({report.parsed:,} parsed, {report.reused:,} reused, {report.removed:,} removed) "
        f"at {report.cache_dir}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
