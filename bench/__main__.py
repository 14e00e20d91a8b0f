"""``python -m bench [loaders|explorer|workshop|all]``: run benchmarks, print ratios, save JSON."""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "which", nargs="?", default="all", choices=["loaders", "explorer", "workshop", "all"]
    )
    parser.add_argument("--docs", type=int, default=10_000, help="size of the generated corpus")
    parser.add_argument("--keep", action="store_true", help="keep the generated corpus and caches")
    parser.add_argument("--phones", type=int, default=100, help="phones in the workshop benchmark")
    args = parser.parse_args(argv)
    if args.which in ("loaders", "all"):
        from bench import loaders_bench

        loaders_bench.run(docs=args.docs, keep=args.keep)
    if args.which in ("explorer", "all"):
        from bench import explorer_bench

        explorer_bench.run(docs=args.docs, keep=args.keep)
    if args.which in ("workshop", "all"):
        from bench import workshop_bench

        workshop_bench.run(phones=args.phones, keep=args.keep)
    return 0


if __name__ == "__main__":
    sys.exit(main())
